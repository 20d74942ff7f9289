#!/bin/sh
# dti publish is whole or nothing: a publish that fails part-way (the disk
# fills: writes beyond 36 KiB fail with EFBIG, as with ENOSPC) exits 4 and
# leaves every file of the previous publication as it was — none new, none
# gone, its own folder kept hidden as the next publish's spare; the next
# good publish replaces every file (writing over the spare's), and
# OUT/YEAR stays the folder users open.
set -eu
V=$DTI_ROOT/tests/fixtures/vectors
T=$DTI_TMP
dti() { "$DTI_BIN/dti" --config "$DTI_ROOT/config/dti.json" --db "$T/dti.db" "$@"; }
# Runs dti with a file size limit (the full disk) and SIGXFSZ ignored, so
# that a write beyond it fails with an error instead of killing the process.
dti_full_disk() {
	python3 -c 'import os, resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (36864, 36864))
os.execv(sys.argv[1], sys.argv[1:])' "$DTI_BIN/dti" --config "$DTI_ROOT/config/dti.json" --db "$T/dti.db" "$@"
}
sums() { # $1: folder — a checksum per file, relative names, sorted
	(cd "$1" && find . -type f | sort | xargs sha256sum)
}

dti communes load "$V/communes.csv"
dti import "$V/inputs.csv" >/dev/null
dti score >/dev/null
dti publish --out "$T/out" >/dev/null
sums "$T/out/2024" >"$T/old.sums"
# New figures: every commune's totals change, so every file changes.
sed -e 's/^\(252[0-9][0-9]\),portal_dx_posts,.*/\1,portal_dx_posts,1/' "$V/inputs.csv" >"$T/inputs2.csv"
dti import "$T/inputs2.csv" >/dev/null
dti score >/dev/null
dti publish --out "$T/ref" >/dev/null
sums "$T/ref/2024" >"$T/new.sums"
cmp -s "$T/old.sums" "$T/new.sums" && { echo "FAIL: the new figures changed nothing"; exit 1; }
# The scores file (21 KiB) fits, the JSON (42 KiB) does not.
rc=0
dti_full_disk publish --out "$T/out" >"$T/full.out" 2>"$T/full.err" || rc=$?
cat "$T/full.err"
[ "$rc" = 4 ] || { echo "FAIL: publish on a full disk exited $rc, expected 4"; exit 1; }
grep -q "cannot write" "$T/full.err" || { echo "FAIL: no message naming the file"; exit 1; }
sums "$T/out/2024" >"$T/after-fail.sums"
if ! cmp -s "$T/old.sums" "$T/after-fail.sums"; then
	echo "FAIL: a failed publish changed the publication:"
	diff "$T/old.sums" "$T/after-fail.sums" | head -n 20
	exit 1
fi
[ "$(ls -A "$T/out" | grep -v '^\.2024\.spare$' | grep -v '^\.publish\.lock$')" = 2024 ] || { echo "FAIL: left behind in OUT: $(ls -A "$T/out")"; exit 1; }
[ ! -s "$T/full.out" ] || { echo "FAIL: a failed publish listed files: $(cat "$T/full.out")"; exit 1; }
# Its folder is kept, hidden, as the next publish's spare, which writes
# over the files in it rather than making them anew.
[ -f "$T/out/.2024.spare/scores-2024.csv" ] || { echo "FAIL: the failed publish's folder was not kept as the spare: $(ls -A "$T/out")"; exit 1; }
kept=$(stat -c %i "$T/out/.2024.spare/scores-2024.csv")
# A good publish: every file new, the paths printed are under OUT/2024.
dti publish --out "$T/out" >"$T/paths"
sums "$T/out/2024" >"$T/after-ok.sums"
[ "$(stat -c %i "$T/out/2024/scores-2024.csv")" = "$kept" ] || { echo "FAIL: the good publish did not write over the spare's files"; exit 1; }
if ! cmp -s "$T/new.sums" "$T/after-ok.sums"; then
	echo "FAIL: the good publish did not give the new publication:"
	diff "$T/new.sums" "$T/after-ok.sums" | head -n 20
	exit 1
fi
[ "$(ls -A "$T/out" | grep -v '^\.2024\.spare$' | grep -v '^\.publish\.lock$')" = 2024 ] || { echo "FAIL: left behind in OUT: $(ls -A "$T/out")"; exit 1; }
[ "$(wc -l <"$T/paths")" = "$(wc -l <"$T/new.sums")" ] || { echo "FAIL: not every file listed"; exit 1; }
while read -r p; do
	case $p in "$T"/out/2024/*) test -f "$p" || { echo "FAIL: listed but missing: $p"; exit 1; } ;;
	*) echo "FAIL: path outside OUT/2024 listed: $p"; exit 1 ;; esac
done <"$T/paths"
tail -n 1 "$T/paths" | grep -q "/out/2024/report/index.html$" || { echo "FAIL: index.html not last"; exit 1; }
echo "publish whole ok"
