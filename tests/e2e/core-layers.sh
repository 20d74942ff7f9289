#!/bin/sh
# The shape the design promises (docs/developer.md "Design"), checked on the source:
# SQL only in the store files; lib/ includes nothing of scorer/ or dti/, and
# scorer/ nothing of dti/; no function over 100 lines outside the tests.
set -eu
cd "$DTI_ROOT"
fail=0
dirs="lib scorer dti collectors"
[ -d web ] && dirs="$dirs web"

# 1. SQL lives in lib/staging*.c and lib/store*.c (and their private header).
sql=$(grep -ln 'sqlite3' $(find $dirs -name '*.[ch]') |
	grep -v '^lib/staging[^/]*\.[ch]$\|^lib/store[^/]*\.[ch]$\|^lib/schema\.sql\.h$' || true)
# store.h names sqlite3 in its comment only: allow a header whose only mention is a comment.
for f in $sql; do
	if grep -v '^\s*\*\|^\s*/\*' "$f" | grep -q 'sqlite3'; then
		echo "SQL outside the store: $f: $(grep -n 'sqlite3' "$f" | head -n 3 | tr '\n' ' ')"
		fail=1
	fi
done

# 2. Includes follow the arrows.
for f in $(find lib -name '*.[ch]'); do
	for h in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f"); do
		if [ ! -e "lib/$h" ]; then
			echo "lib/ includes a header that is not lib's: $f includes $h"
			fail=1
		fi
	done
done
for f in $(find scorer -name '*.[ch]'); do
	for h in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f"); do
		if [ ! -e "lib/$h" ] && [ ! -e "scorer/$h" ]; then
			echo "scorer/ includes a header above it: $f includes $h"
			fail=1
		fi
	done
done

# 3. Short functions: a function is a line starting with '{' after its head,
# to the next line starting with '}'.
python3 - $(find $dirs -name '*.c') <<'PY' || fail=1
import re, sys
long = []
for path in sys.argv[1:]:
    lines = open(path, encoding='utf-8', errors='replace').read().split('\n')
    start = None
    for i, l in enumerate(lines):
        if l.startswith('{') and start is None:
            j = i - 1
            while j > 0 and lines[j - 1].strip() and not lines[j - 1].rstrip().endswith((';', '}', '*/')) \
                    and not lines[j - 1].startswith('#'):
                j -= 1
            start = j
        elif l.startswith('}') and start is not None:
            n = i - start + 1
            m = re.search(r'(\w+)\s*\(', ' '.join(lines[start:start + 3]))
            if n > 100 and m:
                long.append(f'{path}:{start + 1}: {m.group(1)} is {n} lines')
            start = None
for x in long:
    print('function over 100 lines:', x)
sys.exit(1 if long else 0)
PY
[ "$fail" = 0 ] || exit 1
echo "layers, SQL and function lengths as designed"
