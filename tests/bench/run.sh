#!/bin/sh
# `make bench`: runs every tests/bench/bench-*.sh and prints their figures.
# Benchmarks measure; they never fail because a machine was slow.
set -u
here=$(cd "$(dirname "$0")" && pwd)
export DTI_ROOT="$(cd "$here/../.." && pwd)" DTI_BIN="${DTI_BIN:-$(cd "$here/../.." && pwd)/bin}"
for b in "$here"/bench-*.sh; do
  [ -e "$b" ] || continue
  echo "== $(basename "$b" .sh)"
  DTI_TMP=$(mktemp -d "${TMPDIR:-/tmp}/dti-bench.XXXXXX") sh "$b" || echo "(benchmark $(basename "$b") could not run)"
done
exit 0
