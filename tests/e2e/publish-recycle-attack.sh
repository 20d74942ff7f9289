#!/bin/sh
# The kept report (OUT/.YEAR.spare) a publish starts from holds what the
# publish may not write through or publish as it is: a folder of it that
# is a symbolic link (report/ -> a folder elsewhere: the pages were written
# into that folder and the report published without them), files and
# folders with the modes of an earlier umask (a report made private by the
# umask came out world-readable again), and, shown as root, a file or
# folder another user owns inside a kept report of ours (published as that
# user's, who could change the report after).  Each is made afresh.
set -eu
V=$DTI_ROOT/tests/fixtures/vectors
T=$DTI_TMP
dti() { "$DTI_BIN/dti" -q --config "$DTI_ROOT/config/dti.json" --db "$T/dti.db" "$@"; }
fail() {
	echo "FAIL: $*"
	exit 1
}
S=$T/out/.2024.spare
umask 022
dti communes load "$V/communes.csv"
dti import "$V/inputs.csv" >/dev/null
dti score >/dev/null
dti publish --out "$T/out" >/dev/null
dti publish --out "$T/out" >/dev/null
[ -d "$S/report" ] || fail "no kept report"

# A folder of the kept report linked to one elsewhere.
mkdir "$T/elsewhere"
echo mine >"$T/elsewhere/index.html"
rm -r "$S/report"
ln -s "$T/elsewhere" "$S/report"
dti publish --out "$T/out" >/dev/null || fail "the publish over a linked folder failed"
[ "$(cat "$T/elsewhere/index.html")" = mine ] ||
	fail "the report's index was written through the linked folder"
[ "$(ls "$T/elsewhere")" = index.html ] || fail "pages were written into the linked folder"
[ -f "$T/out/2024/report/index.html" ] && [ ! -L "$T/out/2024/report" ] ||
	fail "the report was published without its pages"

# The umask made stricter: the report follows it, the kept files too.
dti publish --out "$T/out" >/dev/null
umask 027
dti publish --out "$T/out" >/dev/null
open=$(find "$T/out/2024" -perm /o=rwx | head -n 3)
[ -z "$open" ] || fail "published open to others under umask 027: $open"
[ "$(stat -c %a "$T/out/2024/report/index.html")" = 640 ] &&
	[ "$(stat -c %a "$T/out/2024/report")" = 750 ] ||
	fail "modes not those of umask 027: $(stat -c '%a %n' "$T/out/2024/report" "$T/out/2024/report/index.html")"
[ -f "$T/out/2024/wide-2024.csv" ] || fail "no report after the umask changed"
# One file of it opened to others (its folders as they should be).
dti publish --out "$T/out" >/dev/null
chmod 644 "$S/report/index.html"
dti publish --out "$T/out" >/dev/null
[ "$(stat -c %a "$T/out/2024/report/index.html")" = 640 ] ||
	fail "a kept file's mode 644 was published under umask 027"

# Another user's file and folder inside a kept report of ours.
if [ "$(id -u)" = 0 ]; then
	dti publish --out "$T/out" >/dev/null
	chown 65534 "$S/wide-2024.csv"
	chown -R 65534 "$S/excel"
	dti publish --out "$T/out" >/dev/null
	theirs=$(find "$T/out/2024" -user 65534 | head -n 3)
	[ -z "$theirs" ] || fail "another user's files published as theirs: $theirs"
fi
echo "a kept report's links, old modes and other users' files were not written through or published"
