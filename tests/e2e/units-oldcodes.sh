#!/bin/sh
# Issue 14 items 2 and 4 with the real lists: the province as the assessing
# body ("area", or its older name "district"; a district_code refused on the
# list without districts, naming the edition), and feeds keyed to old codes:
# Văn Lâm's 11 old units go to Lạc Đạo 11992, Đại Đồng 11995 and Như Quỳnh
# 12004 exactly as the table says — old Lạc Đạo 11989 split between the
# first two and Đình Dù 12004 between the last two are refused naming both —
# and a source may only be keyed to the list before the deployment's, by
# code.
set -eu
R=$DTI_ROOT T=$DTI_TMP
fail() { echo "units-oldcodes: $*" >&2; exit 1; }
conf() { # OUT KEY=JSON...: the default configuration on the new list, province 33
	out=$1
	shift
	python3 "$R/tests/e2e/lib/config_abs.py" "$R/config/dti.json" "$out" \
		'unit_list="2026-04-30"' communes_csv= admin_units= year=2025 \
		"database=\"$T/new.db\"" "output_dir=\"$T/out\"" "crosswalk_corrections=\"$R/config/crosswalk-corrections.csv\"" "$@"
	cp "$R/config/admin-units-2025-03-01.csv" "$R/config/admin-units-2026-04-30.csv" \
		"$R/config/admin-crosswalk-2025-07-01.csv" "$T/"
}
refused() { # WHAT TEXT CMD...: CMD exits 3 and says TEXT
	what=$1 text=$2
	shift 2
	if "$@" >/dev/null 2>"$T/err"; then fail "$what accepted"; fi
	grep -qF "$text" "$T/err" || fail "$what: not '$text' but: $(cat "$T/err")"
}

# --- the area ------------------------------------------------------------
conf "$T/d.json" 'district={"province_code":"33","district_code":"325"}'
refused "a district on the new list" \
	'"district".district_code 325: districts no longer exist in the unit list 2026-04-30 (in force from 2025-07-01); the province assesses its communes: "area": {"province_code": "33"}' \
	"$DTI_BIN/dti" --config "$T/d.json" status
conf "$T/both.json" 'area={"province_code":"33"}' 'district={"province_code":"33"}'
refused "area and district together" 'give "area" or its older name "district", not both' \
	"$DTI_BIN/dti" --config "$T/both.json" status
conf "$T/list.json" 'area={"province_code":"33"}' "communes_csv=\"$R/config/communes-van-lam.csv\""
refused "a commune list and an area together" 'give the communes as "communes_csv" or as "area", not both' \
	"$DTI_BIN/dti" --config "$T/list.json" init
[ -e "$T/new.db" ] && fail "a refused configuration created the database"
conf "$T/key.json" 'area={"province":"33"}'
refused "an unknown key of area" '"area": unknown key "province"' "$DTI_BIN/dti" --config "$T/key.json" status
# The old list: a district and the province both work, either key.
python3 "$R/tests/e2e/lib/config_abs.py" "$R/config/dti.json" "$T/old.json" communes_csv= \
	'area={"province_code":"33","district_code":"325"}' "database=\"$T/old.db\""
"$DTI_BIN/dti" --config "$T/old.json" init >/dev/null 2>&1 || fail "a district on the old list refused"
[ "$(sqlite3 "$T/old.db" "select count(*) from commune where active = 1")" = 11 ] || fail "Văn Lâm is not 11 units"
python3 "$R/tests/e2e/lib/config_abs.py" "$R/config/dti.json" "$T/oldp.json" communes_csv= \
	'district={"province_code":"33"}' "database=\"$T/oldp.db\""
"$DTI_BIN/dti" --config "$T/oldp.json" init >/dev/null 2>&1 || fail "the old province refused"
[ "$(sqlite3 "$T/oldp.db" "select count(*) from commune where active = 1")" = 139 ] || fail "old Hưng Yên is not 139 units"

# --- a feed keyed to old codes -------------------------------------------
# VNPT's export for the 11 old units of Văn Lâm, on their old codes.
python3 - "$R/samples/feeds/telecom-vnpt.json" "$T/vnpt-old.json" "$T/vnpt-whole.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
json.dump(d, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
d["data"]["items"] = [i for i in d["data"]["items"] if i["MaXa"] not in (11989, 12004)]
json.dump(d, open(sys.argv[3], "w", encoding="utf-8"), ensure_ascii=False)
PY
vnpt() { # FILE: the VNPT block keyed to the old list, reading FILE
	python3 - "$R/config/dti.json" "$1" <<'PY'
import json, sys
s = [b for b in json.load(open(sys.argv[1], encoding="utf-8"))["sources"] if b["name"] == "telecom:vnpt"][0]
s.update(url="file://" + sys.argv[2], unit_list="2025-03-01")
print(json.dumps([s], ensure_ascii=False))
PY
}
conf "$T/vl.json" 'communes=[{"code":"11992"},{"code":"11995"},{"code":"12004"}]' "sources=$(vnpt "$T/vnpt-old.json")"
"$DTI_BIN/dti" --config "$T/vl.json" init >/dev/null 2>&1 || fail "init of the three new communes failed"
if "$DTI_BIN/dti-collect-telecom" --config "$T/vl.json" >"$T/out" 2>"$T/err"; then fail "split old codes accepted"; fi
grep -qF "old code 11989 'Xã Lạc Đạo' of the unit list 2025-03-01 was split (\"Nhập một phần\") between 11992 Xã Lạc Đạo, 11995 Xã Đại Đồng of the unit list 2026-04-30" "$T/err" ||
	fail "old Lạc Đạo not refused naming 11992 and 11995: $(cat "$T/err")"
grep -qF "old code 12004 'Xã Đình Dù' of the unit list 2025-03-01 was split (\"Nhập một phần\") between 11995 Xã Đại Đồng, 12004 Xã Như Quỳnh" "$T/err" ||
	fail "old Đình Dù not refused naming 11995 and 12004"
grep -q "record [0-9]* (commune 11989)" "$T/err" || fail "the refusal does not name the record"
[ "$(sqlite3 "$T/new.db" "select count(*) from observation")" = 0 ] || fail "something of the refused feed was stored"

# Without the two split units: the nine others are mapped to the three new
# communes, every one of which had a split old unit: no figure is stored
# (a sum over some of its old units would undercount it), and the run says so.
conf "$T/vl9.json" 'communes=[{"code":"11992"},{"code":"11995"},{"code":"12004"}]' "sources=$(vnpt "$T/vnpt-whole.json")"
"$DTI_BIN/dti-collect-telecom" --config "$T/vl9.json" >"$T/out" 2>"$T/err" || fail "the whole units refused: $(cat "$T/err")"
grep -qF "telecom:vnpt: ok run=2 read=9 values=0 stored=0" "$T/out" || fail "not 9 records, nothing stored: $(cat "$T/out")"
grep -qF "old codes (unit list 2025-03-01): 0 old units mapped into 0 communes; values of 3 communes not stored: 11992 (old 11989 Xã Lạc Đạo was split), 11995 (old 11989 Xã Lạc Đạo was split), 12004 (old 12004 Xã Đình Dù was split)" "$T/out" ||
	fail "the summary does not say why: $(cat "$T/out")"

# --- an office sheet on old codes: dti import --unit-list ----------------
# Hồng Châu 11980 was formed whole from old 11968, 11980 (Quảng Châu, a
# code reused) and 12388: their populations add up under it.  Without the
# option the file is refused (11968 and 12388 are no communes assessed),
# never stored under the reused code.
conf "$T/imp.json" 'communes=[{"code":"11980"},{"code":"11992"}]' 'sources=[]' "database=\"$T/imp.db\""
"$DTI_BIN/dti" --config "$T/imp.json" init >/dev/null 2>&1 || fail "init for the import"
printf 'commune_code,variable,value\n11968,population,1000\n11980,population,2000\n12388,population,3000\n' >"$T/old-sheet.csv"
if "$DTI_BIN/dti" --config "$T/imp.json" import "$T/old-sheet.csv" >/dev/null 2>"$T/err"; then
	fail "a sheet on old codes stored without --unit-list"
fi
[ "$(sqlite3 "$T/imp.db" "select count(*) from observation")" = 0 ] || fail "stored under a reused code"
"$DTI_BIN/dti" --config "$T/imp.json" import --unit-list 2025-03-01 "$T/old-sheet.csv" >/dev/null 2>"$T/err" ||
	fail "the sheet on old codes refused: $(cat "$T/err")"
[ "$(sqlite3 "$T/imp.db" "select commune_code || '=' || value from observation")" = "11980=6000" ] ||
	fail "not summed under Hồng Châu: $(sqlite3 "$T/imp.db" "select commune_code, value from observation")"
grep -qF "old codes (unit list 2025-03-01): 3 old units mapped into 1 commune" "$T/err" || fail "no summary: $(cat "$T/err")"
sqlite3 "$T/imp.db" "select old_codes from run where program = 'dti import' and status = 'ok'" |
	grep -qF "3 old units mapped" || fail "the run does not record the conversion"
# A split old unit is refused, naming it and where it went; nothing stored.
printf 'commune_code,variable,value\n11989,population,500\n' >"$T/split-sheet.csv"
if "$DTI_BIN/dti" --config "$T/imp.json" import --unit-list 2025-03-01 "$T/split-sheet.csv" >/dev/null 2>"$T/err"; then
	fail "a split old unit accepted"
fi
grep -qF "old code 11989 'Xã Lạc Đạo' of the unit list 2025-03-01 was split" "$T/err" || fail "split: $(cat "$T/err")"
[ "$(sqlite3 "$T/imp.db" "select count(*) from observation")" = 1 ] || fail "the split sheet stored something"
code=0
"$DTI_BIN/dti" --config "$T/imp.json" import --unit-list 2024-01-01 "$T/old-sheet.csv" >/dev/null 2>"$T/err" || code=$?
[ "$code" = 2 ] && grep -qF -- "--unit-list 2024-01-01: the deployment's unit list is 2026-04-30; a file on old codes names 2025-03-01" "$T/err" ||
	fail "an unknown --unit-list: exit $code, $(cat "$T/err")"

# --- what a source may say -----------------------------------------------
conf "$T/l.json" "sources=$(vnpt "$T/vnpt-old.json" | sed 's/"2025-03-01"/"2024-01-01"/')"
refused "an unknown unit_list" "source 'telecom:vnpt': \"unit_list\" must be an edition of the unit list" \
	"$DTI_BIN/dti" --config "$T/l.json" status
conf "$T/n.json" "sources=$(vnpt "$T/vnpt-old.json" | sed 's/"code": "MaXa"/"code": "MaXa", "name": "TenXa"/')"
refused "a name field on an old-keyed source" "names are matched against the deployment's own list 2026-04-30 only" \
	"$DTI_BIN/dti-collect-telecom" --config "$T/n.json"
conf "$T/c.json" "sources=$(vnpt "$T/vnpt-old.json" | sed 's/"unit_list"/"combine": {"portal_dx_section": "sum"}, "unit_list"/')"
refused "sum of a yes/no" "\"combine\": 'portal_dx_section' is not a number" \
	"$DTI_BIN/dti-collect-telecom" --config "$T/c.json"
python3 "$R/tests/e2e/lib/config_abs.py" "$R/config/dti.json" "$T/on.json" "database=\"$T/old.db\"" \
	"sources=$(vnpt "$T/vnpt-old.json" | sed 's/"2025-03-01"/"2026-04-30"/')"
refused "a newer list than the deployment's" "\"unit_list\" is 2026-04-30, but the deployment's list is 2025-03-01" \
	"$DTI_BIN/dti-collect-telecom" --config "$T/on.json"
echo "units-oldcodes: ok"
