#!/bin/sh
# Runs the end-to-end test scripts tests/e2e/*.sh (or the ones named) against
# the programs in $DTI_BIN, $DTI_E2E_JOBS at a time (default: one per CPU).
# Each script gets a fresh scratch folder in $DTI_TMP and picks its own free
# ports, so scripts never share anything.  A line per script as it ends;
# the logs of those that failed at the end.
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${DTI_BIN:?set DTI_BIN to the folder of the programs}"
export DTI_BIN DTI_ROOT="$(cd "$here/.." && pwd)"
jobs=${DTI_E2E_JOBS:-$(nproc 2>/dev/null || echo 2)}
results=$(mktemp -d "${TMPDIR:-/tmp}/dti-e2e-results.XXXXXX")
trap 'rm -rf "$results"' EXIT

if [ $# -gt 0 ]; then
	for t in "$@"; do printf '%s\n' "$t"; done
else
	# The longest first, so that two cores stay busy to the end.
	for t in ops-kill core-differential publish-browser web-browser forms-libreoffice publish-libreoffice; do
		[ -e "$here/e2e/$t.sh" ] && printf '%s\n' "$here/e2e/$t.sh"
	done
	for t in "$here"/e2e/*.sh; do
		case $(basename "$t" .sh) in
		ops-kill | core-differential | publish-browser | web-browser | forms-libreoffice | publish-libreoffice) ;;
		*) [ -e "$t" ] && printf '%s\n' "$t" ;;
		esac
	done
fi | xargs -P "$jobs" -I '{}' sh -c '
	t=$1 results=$2 name=$(basename "$1")
	DTI_TMP=$(mktemp -d "${TMPDIR:-/tmp}/dti-e2e.XXXXXX")
	export DTI_TMP
	start=$(date +%s)
	if sh "$t" >"$DTI_TMP/log" 2>&1; then
		echo "ok   $name ($(($(date +%s) - start)) s)"
		rm -rf "$DTI_TMP"
	else
		echo "FAIL $name ($(($(date +%s) - start)) s; files in $DTI_TMP)"
		echo "$DTI_TMP" >"$results/$name"
	fi' sh '{}' "$results"

fail=0
for f in "$results"/*; do
	[ -e "$f" ] || continue
	fail=1
	echo "== log of $(basename "$f") (last 60 lines):"
	sed 's/^/    /' "$(cat "$f")/log" | tail -n 60
done
exit $fail
