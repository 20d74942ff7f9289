#!/bin/sh
# Issue 14 item 5: the second sample, new Hưng Yên 2025 (config/hung-yen-2025.json),
# run end to end offline by the nightly job in a copy of the tree: the
# report of its 104 communes is published under var/hung-yen-2025/ (never
# the default sample's var/), the VNPT feed still on the old codes is
# mapped (the mapped count as the conversion table gives it, in the summary,
# the log and `dti runs`; a new commune's figure the sum of its old units'),
# and a split old code added to that feed is refused naming both new
# communes it went to, storing nothing.
set -eu
R=$DTI_ROOT T=$DTI_TMP
fail() { echo "sample-hung-yen: $*" >&2; exit 1; }
dep=$T/dep
mkdir -p "$dep"
cp -R "$R/config" "$R/samples" "$R/cron" "$dep/"
cfg=$dep/config/hung-yen-2025.json
var=$dep/var/hung-yen-2025
q() { sqlite3 "$var/dti.db" "$1"; }

DTI_BIN=$DTI_BIN sh "$dep/cron/dti-nightly" --config "$cfg" >"$T/out" 2>"$T/err" ||
	fail "the nightly run failed: $(tail -n 5 "$T/err")"
grep -q "summary: sources 15 ok; scoring run 1 (provisional, 104 communes); published" "$T/err" ||
	fail "no summary of 15 sources and 104 communes: $(grep summary "$T/err")"
[ -e "$dep/var/dti.db" ] && fail "the Hưng Yên sample wrote the default sample's database"
out=$var/out/2025
[ "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["communes"]))' "$out/dti-2025.json")" = 104 ] ||
	fail "the published JSON does not hold 104 communes"
[ "$(tail -n +2 "$out/ranking-2025.csv" | wc -l)" = 104 ] || fail "the ranking is not 104 communes"
[ "$(ls "$out/report"/commune-*.html | wc -l)" = 104 ] || fail "not 104 scorecards"
grep -q "Tỉnh Hưng Yên" "$out/report/index.html" || fail "the report is not titled by the province"

# The mapped count, from the conversion table: the old units of province 33
# in the feed whose new commune has every old unit in the feed, none split.
python3 - "$R/config/admin-crosswalk-2025-07-01.csv" "$dep/samples/hung-yen-2025/feeds/telecom-vnpt-old-codes.json" >"$T/want" <<'PY'
import csv, json, sys
rows = [r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8")) if r["new_province_code"] == "33"]
feed = {str(i["MaXa"]).zfill(5) for i in json.load(open(sys.argv[2], encoding="utf-8"))["data"]["items"]}
targets, olds = {}, {}
for r in rows:
    targets.setdefault(r["old_commune_code"], set()).add(r["new_commune_code"])
    olds.setdefault(r["new_commune_code"], []).append(r)
split = {o for o, t in targets.items() if len(t) > 1} | {r["old_commune_code"] for r in rows if "một phần" in r["change"]}
whole = [n for n, rs in olds.items() if all(r["old_commune_code"] not in split and r["old_commune_code"] in feed for r in rs)]
print("%d old units mapped into %d communes; values of %d communes not stored" % (
    sum(len(olds[n]) for n in whole), len(whole), len(olds) - len(whole)))
PY
want=$(cat "$T/want")
[ "$want" = "362 old units mapped into 99 communes; values of 5 communes not stored" ] ||
	fail "the sample's table changed: $want"
grep -q "telecom:vnpt: ok .* old codes (unit list 2025-03-01): $want: 11983 (old 12322 Xã Ngọc Thanh was split)" "$T/err" ||
	fail "the summary line does not report the mapping: $(grep vnpt "$T/err")"
grep -q "warning: source 'telecom:vnpt': old codes" "$T/err" || fail "no warning for the communes not stored"
"$DTI_BIN/dti" --config "$cfg" runs | grep "telecom:vnpt" | grep -q "$want" ||
	fail "dti runs does not show the mapping"
[ "$(q "SELECT count(*) FROM run WHERE old_codes IS NOT NULL")" = 1 ] || fail "run.old_codes not on the VNPT run alone"

# 11980 Phường Hồng Châu (a code that meant old Xã Quảng Châu) is the sum
# of its three old units; 11992 (old Lạc Đạo 11989 split) has no VNPT figure.
sum=$(python3 -c '
import json, sys
items = json.load(open(sys.argv[1], encoding="utf-8"))["data"]["items"]
print(sum(i["SoThueBaoSmartphone"] for i in items if i["MaXa"] in (11968, 11980, 12388)))' \
	"$dep/samples/hung-yen-2025/feeds/telecom-vnpt-old-codes.json")
got=$(q "SELECT o.value FROM observation o JOIN source s ON s.id = o.source_id
	WHERE s.name = 'telecom:vnpt' AND o.commune_code = '11980' AND o.variable = 'smartphone_users'")
[ "$got" = "$sum" ] || fail "VNPT smartphone_users of 11980 is '$got', not the sum $sum of its old units"
[ "$(q "SELECT count(*) FROM observation o JOIN source s ON s.id = o.source_id
	WHERE s.name = 'telecom:vnpt' AND o.commune_code = '11992'")" = 0 ] ||
	fail "11992 got a VNPT figure although old 11989 was split"

# A split old code in the feed: the run fails naming both new communes.
stored=$(q "SELECT count(*) FROM observation")
python3 - "$dep/samples/hung-yen-2025/feeds/telecom-vnpt-old-codes.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
d["data"]["items"].append({"MaXa": 11989, "TenXa": "Xã Lạc Đạo", "SoThueBaoSmartphone": 1,
                           "SoHoFiberVNN": 1, "SoDNeContract": 1, "SoCKS_VNPTCA": 1})
json.dump(d, open(sys.argv[1], "w", encoding="utf-8"), ensure_ascii=False)
PY
if "$DTI_BIN/dti-collect-telecom" --config "$cfg" --source telecom:vnpt >"$T/out2" 2>"$T/err2"; then
	fail "a feed with a split old code was accepted"
fi
grep -q "old code 11989 'Xã Lạc Đạo' of the unit list 2025-03-01 was split (\"Nhập một phần\") between 11992 Xã Lạc Đạo, 11995 Xã Đại Đồng of the unit list 2026-04-30" "$T/err2" ||
	fail "the refusal does not name the old code and both new communes: $(cat "$T/err2")"
grep -q "telecom:vnpt: failed" "$T/out2" || fail "the run is not recorded as failed"
[ "$(q "SELECT count(*) FROM observation")" = "$stored" ] || fail "something of the refused feed was stored"
echo "sample-hung-yen: ok"
