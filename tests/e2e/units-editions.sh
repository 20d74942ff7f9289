#!/bin/sh
# Issue 14 items 1 and 3, with the real lists: unit lists are editions (the
# database records its list and refuses another; a code is checked with its
# name against its own list), and the conversion table is checked against
# both lists, its known faults reported, corrected locally.
set -eu
R=$DTI_ROOT T=$DTI_TMP
fail() { echo "units-editions: $*" >&2; exit 1; }
old() { "$DTI_BIN/dti" --config "$R/config/dti.json" --db "$T/old.db" "$@"; }
new() { "$DTI_BIN/dti" --config "$T/new.json" "$@"; }
python3 "$R/tests/e2e/lib/config_abs.py" "$R/config/dti.json" "$T/new.json" \
	'unit_list="2026-04-30"' communes_csv= 'district={"province_code":"33"}' \
	"database=\"$T/new.db\"" year=2025

# The default deployment: Văn Lâm 2024 on the old list, recorded as such.
old init
[ "$(sqlite3 "$T/old.db" "select value from meta where key = 'unit_list'")" = 2025-03-01 ] ||
	fail "the default database does not record the list of 2025-03-01"
[ "$(old communes list | wc -l)" = 12 ] || fail "the default commune list changed"

# The new list: new Hưng Yên is 104 units, recorded as the list 2026-04-30.
new init
[ "$(sqlite3 "$T/new.db" "select count(*) from commune where active = 1")" = 104 ] ||
	fail "province 33 on the new list is not 104 units"
[ "$(sqlite3 "$T/new.db" "select value from meta where key = 'unit_list'")" = 2026-04-30 ] ||
	fail "the new database does not record the list of 2026-04-30"

# A database keyed to another list is refused, naming both lists.
if new --db "$T/old.db" status >/dev/null 2>"$T/err"; then fail "old database accepted"; fi
grep -q "holds codes of the unit list 2025-03-01 but .* uses the unit list 2026-04-30" "$T/err" ||
	fail "refusal of the old database does not name both lists: $(cat "$T/err")"

# A commune file keyed to the old list is refused against the new one:
# 11992 is Xã Lạc Đạo there, not Chỉ Đạo.
printf 'code,name\n11992,Chỉ Đạo\n11995,Đại Đồng\n' >"$T/old-codes.csv"
if new communes load "$T/old-codes.csv" 2>"$T/err"; then fail "old codes accepted"; fi
grep -q "11992 is 'Xã Lạc Đạo' in the national list 2026-04-30, not 'Chỉ Đạo'" "$T/err" ||
	fail "no name check against the own list: $(cat "$T/err")"
grep -q "those of the unit list 2025-03-01, not of the unit list 2026-04-30" "$T/err" ||
	fail "the refusal does not name both lists"

# Văn Lâm's 11 old units go to 11992, 11995 and 12004 exactly as the table
# says; old Lạc Đạo 11989 is split between the first two.
for c in 11992 11995 12004; do new units history "$c"; done 2>/dev/null |
	grep -v '^new_code' | cut -d, -f1,3,6 | sort >"$T/got"
python3 - "$R/config/admin-crosswalk-2025-07-01.csv" >"$T/want" <<'PY'
import csv, sys
for r in csv.DictReader(open(sys.argv[1], encoding="utf-8")):
    if r["old_district_code"] == "325":
        print(",".join((r["new_commune_code"], r["old_commune_code"], r["change"])))
PY
sort -o "$T/want" "$T/want"
cmp -s "$T/got" "$T/want" || fail "Văn Lâm's history differs from the table: $(diff "$T/want" "$T/got")"
[ "$(cut -d, -f2 "$T/got" | sort -u | wc -l)" = 11 ] || fail "not 11 old units"
[ "$(old units history 11989 2>/dev/null | grep -c 'Nhập một phần')" = 2 ] ||
	fail "old Lạc Đạo 11989 is not split in two"

# The check: every known fault reported; the shipped corrections fix Ba
# Chẽ, Mỹ Hưng and Phú Thịnh; the units missing from the table remain.
if old units check --notes >"$T/check"; then fail "check passed with units missing"; fi
grep -q "^error: line [0-9]*: new code 06970 ('Xã Ba Chẽ') is not in the unit list 2026-04-30; 'Xã Ba Chẽ' is 06978 there \[corrected\]$" "$T/check" || fail "Ba Chẽ"
grep -q "^error: .*old code 01615 is 'Xã Hồng Quang' .* not 'Xã Mỹ Hưng'; 'Xã Mỹ Hưng' is 01651 there .*\[corrected\]$" "$T/check" || fail "Mỹ Hưng"
grep -q "^error: .*old code 02485 is 'Xã Công Đa' .* not 'Xã Phú Thịnh'; 'Xã Phú Thịnh' is 02482 there .*\[corrected\]$" "$T/check" || fail "Phú Thịnh"
grep -q "^note: .*'Xã Xà Phìn' in the unit list 2025-03-01, the table writes 'Xã Sà Phìn' (spelling)$" "$T/check" || fail "spelling note"
grep -q "^note: .*(accents)$" "$T/check" || fail "no accent note"
[ "$(grep -c 'is in no row' "$T/check")" = 14 ] || fail "not 14 units missing from the table"
[ "$(grep 'is in no row' "$T/check" | grep -c 'corrected')" = 2 ] || fail "Mỹ Hưng, Phú Thịnh"
[ "$(grep -c '^note: line [0-9]*: no old code' "$T/check")" = 6 ] || fail "not 6 rows without old code"
[ "$(grep -c '^corrected: ' "$T/check")" = 7 ] || fail "the 7 shipped corrections not reported as applied"
grep -q "^error: 25186 Xã Phù Mỹ .* is in no row: what it became is unknown$" "$T/check" || fail "a missing unit"

# Every error corrected: exit 0.  (Test rows: each remaining unit added to
# an arbitrary new unit, to prove the mechanism.)
{ cat "$R/config/crosswalk-corrections.csv"
  echo "00556,Xã Đặng Xá,00562,Xã Thuận An,,test"
  grep 'is in no row' "$T/check" | grep -v corrected |
	sed 's/^error: \([0-9]*\) \(.*\) (.*$/\1,\2,06978,Xã Ba Chẽ,Nhập toàn bộ,test/'
} >"$T/corrections.csv"
python3 "$R/tests/e2e/lib/config_abs.py" "$R/config/dti.json" "$T/fixed.json" \
	"crosswalk_corrections=\"$T/corrections.csv\""
"$DTI_BIN/dti" --config "$T/fixed.json" units check >"$T/check2" ||
	fail "check failed with every error corrected: $(grep -v '^note' "$T/check2" | grep -v corrected)"
# A correction is of one unit: "Xã Tân Thành" of Hữu Lũng (Lạng Sơn) is
# one of 16 old units of that name (accents and prefixes aside) that the
# table sends to a new one of that name; only its own row is replaced, and
# a code written without its leading 0 is the code.
{ cat "$R/config/crosswalk-corrections.csv"
  echo "6442,Xã Tân Thành,6445,Xã Tân Thành,Nhập toàn bộ,confirmed by Lạng Sơn"
} >"$T/one.csv"
python3 "$R/tests/e2e/lib/config_abs.py" "$R/config/dti.json" "$T/one.json" \
	"crosswalk_corrections=\"$T/one.csv\""
"$DTI_BIN/dti" --config "$T/one.json" units check >"$T/check3" || true
[ "$(grep -c 'confirmed by Lạng Sơn' "$T/check3")" = 1 ] ||
	fail "one correction replaced other units' rows: $(grep 'confirmed by' "$T/check3")"
grep -q "^corrected: .*:9: line [0-9]* corrected: old 06442 'Xã Tân Thành' -> new 06445 'Xã Tân Thành' (was old 06442, new 06445)" "$T/check3" ||
	fail "the correction of Hữu Lũng's Tân Thành: $(grep 'confirmed by' "$T/check3")"
grep -q "after the corrections" "$T/check3" && fail "a correction broke other rows: $(grep 'after the corrections' "$T/check3")"
"$DTI_BIN/dti" --config "$T/one.json" units history 05923 2>/dev/null | grep -q '^05923,Xã Tân Thành,05923,Xã Tân Thành,Huyện Phú Bình,' ||
	fail "Thái Nguyên's Tân Thành lost its row to Lạng Sơn's correction"
# A row a correction adds is checked like every row, its names the lists'
# own: 11992 is Xã Lạc Đạo, which other rows already name.
{ cat "$R/config/crosswalk-corrections.csv"
  echo "12388,Xã Hoàng Hanh,11992,Xã Không Có,Nhập toàn bộ,test"
} >"$T/wrong.csv"
python3 "$R/tests/e2e/lib/config_abs.py" "$R/config/dti.json" "$T/wrong.json" \
	"crosswalk_corrections=\"$T/wrong.csv\""
if "$DTI_BIN/dti" --config "$T/wrong.json" units check >"$T/check4"; then fail "a correction naming 11992 otherwise passed"; fi
grep -q "^error: after the corrections: the row added by .*wrong.csv:9: new unit 11992 is 'Xã Lạc Đạo' in the unit list 2026-04-30, not 'Xã Không Có'$" "$T/check4" ||
	fail "a correction's wrong name not an error naming its line: $(grep -v '^note' "$T/check4")"
# A malformed correction names its line.
printf 'old_commune_code,old_commune_name,new_commune_code,new_commune_name,change,reason\nx,Xã A,00004,Phường Ba Đình,,r\n' >"$T/bad.csv"
python3 "$R/tests/e2e/lib/config_abs.py" "$R/config/dti.json" "$T/bad.json" \
	"crosswalk_corrections=\"$T/bad.csv\""
if "$DTI_BIN/dti" --config "$T/bad.json" units check >/dev/null 2>"$T/err"; then fail "bad correction"; fi
grep -q "bad.csv:2: 'x' is not a commune code" "$T/err" || fail "bad correction message: $(cat "$T/err")"
echo "units-editions: ok"
