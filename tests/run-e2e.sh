#!/bin/sh
# Runs every end-to-end test script tests/e2e/*.sh against the programs in
# $DTI_BIN.  Each script gets a fresh scratch folder in $DTI_TMP.
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${DTI_BIN:?set DTI_BIN to the folder of the programs}"
export DTI_BIN DTI_ROOT="$(cd "$here/.." && pwd)"
fail=0
for t in "$here"/e2e/*.sh; do
  [ -e "$t" ] || continue
  DTI_TMP=$(mktemp -d "${TMPDIR:-/tmp}/dti-e2e.XXXXXX")
  export DTI_TMP
  if sh "$t" >"$DTI_TMP/log" 2>&1; then
    echo "ok   $(basename "$t")"
    rm -rf "$DTI_TMP"
  else
    echo "FAIL $(basename "$t") (log below, files in $DTI_TMP)"
    sed 's/^/    /' "$DTI_TMP/log" | tail -n 60
    fail=1
  fi
done
exit $fail
