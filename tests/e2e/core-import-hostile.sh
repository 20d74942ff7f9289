#!/bin/sh
# Issue #11: dti import refuses what the commune form refuses (javascript:
# and data: links, a link breaking out of HTML, a huge note, invalid UTF-8,
# bidirectional overrides, control characters) and a NUL byte that would
# cut a value short, naming file, line and column; a refused file stores
# nothing and the good data already stored stays.
set -eu
dti() { "$DTI_BIN/dti" --config "$DTI_ROOT/config/dti.json" --db "$DTI_TMP/dti.db" "$@"; }
db() { sqlite3 "$DTI_TMP/dti.db" "$@"; }

printf 'code,name\n11986,Thị trấn Như Quỳnh\n11989,Lạc Đạo\n' > "$DTI_TMP/communes.csv"
dti communes load "$DTI_TMP/communes.csv"
printf 'commune_code,variable,value,proof_url,note\n11986,population,9000,https://e.vn/a,ok\n' > "$DTI_TMP/good.csv"
dti import "$DTI_TMP/good.csv"
test "$(db "SELECT count(*) FROM observation")" -eq 1

refused() { # file, expected message
  if dti import "$1" 2> "$DTI_TMP/err"; then echo "$1 accepted"; exit 1; else test $? -eq 1; fi
  grep -qF "$2" "$DTI_TMP/err" || { cat "$DTI_TMP/err"; echo "missing: $2"; exit 1; }
  test "$(db "SELECT count(*) FROM observation")" -eq 1
}

h='commune_code,variable,value,proof_url,note'
printf '%s\n11989,population,5,javascript:alert(1),\n' "$h" > "$DTI_TMP/js.csv"
refused "$DTI_TMP/js.csv" "js.csv:2:4 (proof_url): the proof link is not an http:// or https:// link"
printf '%s\n11989,population,5,data:text/html;base64;PHNjcmlwdD4,\n' "$h" > "$DTI_TMP/data.csv"
refused "$DTI_TMP/data.csv" "data.csv:2:4 (proof_url): the proof link is not an http:// or https:// link"
printf '%s\n11989,population,5,"https://e.vn/""><script>alert(1)</script>",\n' "$h" > "$DTI_TMP/xss.csv"
refused "$DTI_TMP/xss.csv" "xss.csv:2:4 (proof_url): the proof link contains a space, a quote"
{ printf '%s\n11989,population,5,,' "$h"; head -c 1048576 /dev/zero | tr '\0' x; printf '\n'; } > "$DTI_TMP/big.csv"
refused "$DTI_TMP/big.csv" "big.csv:2:5 (note): the note is 1048576 bytes long; at most 4000"
printf '%s\n11989,population,5,,c\377\n' "$h" > "$DTI_TMP/utf8.csv"
refused "$DTI_TMP/utf8.csv" "utf8.csv:2:5 (note): the note is not valid UTF-8"
printf '%s\n11989,population,5,,L\342\200\256ac\n' "$h" > "$DTI_TMP/bidi.csv"
refused "$DTI_TMP/bidi.csv" "bidi.csv:2:5 (note): the note contains a bidirectional control character (U+202E)"
printf '%s\n11989,population,5,,a\033[2Jb\n' "$h" > "$DTI_TMP/esc.csv"
refused "$DTI_TMP/esc.csv" "esc.csv:2:5 (note): the note contains a control character (U+001B)"
printf 'commune_code,variable,value\n11989,population,5\000999\n' > "$DTI_TMP/nul.csv"
refused "$DTI_TMP/nul.csv" "nul.csv:2: column 3 contains a NUL byte"

# A spoofed name in a commune list is refused and the list stays.
printf 'code,name\n11989,L\342\200\256ạc Đạo\n' > "$DTI_TMP/spoof.csv"
if dti communes load "$DTI_TMP/spoof.csv" 2> "$DTI_TMP/err"; then echo "spoofed name accepted"; exit 1; fi
grep -qF "spoof.csv:2: column 'name': contains a bidirectional control character (U+202E)" "$DTI_TMP/err"
test "$(db "SELECT count(*) FROM observation WHERE value = '9000'")" -eq 1
echo ok
