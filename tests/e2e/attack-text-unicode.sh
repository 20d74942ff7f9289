#!/bin/sh
# Text that is one line must be one line, and a proof link has no spaces:
# not through Unicode either.  A commune name with U+2028 LINE SEPARATOR
# or U+2029 PARAGRAPH SEPARATOR (a line break in a spreadsheet cell, in
# JavaScript, in many viewers), and proof links holding a no-break space
# (U+00A0), an ideographic space (U+3000), a line separator or a
# zero-width space (U+200B: the link reads as another) are refused, with
# nothing stored.  Notes stay free to hold U+2028 and U+200F/U+061C marks.
set -eu
dti() { "$DTI_BIN/dti" --config "$DTI_ROOT/config/dti.json" --db "$DTI_TMP/dti.db" "$@"; }
db() { sqlite3 "$DTI_TMP/dti.db" "$@"; }
printf 'code,name\n11986,Thị trấn Như Quỳnh\n11989,Lạc Đạo\n' >"$DTI_TMP/communes.csv"
dti communes load "$DTI_TMP/communes.csv"
refused_list() { # list file, expected message
	if dti communes load "$1" 2>"$DTI_TMP/err"; then echo "FAIL: $1 accepted"; exit 1; fi
	grep -qF "$2" "$DTI_TMP/err" || { cat "$DTI_TMP/err"; echo "FAIL: missing: $2"; exit 1; }
}
printf 'code,name\n11989,L\342\200\250ạc Đạo\n' >"$DTI_TMP/ls.csv"
refused_list "$DTI_TMP/ls.csv" "commune 11989"
printf 'code,name\n11989,L\342\200\251ạc Đạo\n' >"$DTI_TMP/ps.csv"
refused_list "$DTI_TMP/ps.csv" "commune 11989"
[ "$(db "select name from commune where code = '11989'")" = "Lạc Đạo" ] || { echo "FAIL: the name changed"; exit 1; }

h='commune_code,variable,value,proof_url,note'
refused() { # file, expected message
	if dti import "$1" 2>"$DTI_TMP/err"; then echo "FAIL: $1 accepted"; exit 1; fi
	grep -qF "$2" "$DTI_TMP/err" || { cat "$DTI_TMP/err"; echo "FAIL: missing: $2"; exit 1; }
	[ "$(db "select count(*) from observation")" -eq 0 ] || { echo "FAIL: $1 stored"; exit 1; }
}
for cp in '\302\240:00A0' '\343\200\200:3000' '\342\200\250:2028' '\342\200\213:200B' '\357\273\277:FEFF'; do
	bytes=${cp%%:*} code=${cp##*:}
	printf "%s\n11989,population,5,https://e.vn/a${bytes}b,\n" "$h" >"$DTI_TMP/l$code.csv"
	refused "$DTI_TMP/l$code.csv" "l$code.csv:2:4 (proof_url): the proof link contains a space or an invisible character (U+$code)"
done
printf '%s\n11989,population,5,https://e.vn/a,"một\342\200\250hai \342\200\217 \330\234"\n' "$h" >"$DTI_TMP/note.csv"
dti import "$DTI_TMP/note.csv"
[ "$(db "select count(*) from observation")" -eq 1 ] || { echo "FAIL: the note was not stored"; exit 1; }
echo "unicode text ok"
