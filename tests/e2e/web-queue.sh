#!/bin/sh
# The appraisal queue (issue #16): its count and its first page, for every
# role, of every commune and of one, against an oracle written from the
# rule: the latest 'raw' value of each source, of the variables to verify
# (all of them without "official") and, for an appraiser, of those one of
# their units verifies, by commune, variable and source; a page shows the
# first 1000 and says so.
. "$DTI_ROOT/tests/e2e/web_env"
# Two office sheets with every variable of every commune: more than a page
# without "official".  The first is imported twice, one figure changed (the
# earlier one is no longer the latest); one figure of the second verified.
python3 - "$R/config/frameworks/commune-2024.json" "$T" $(q "SELECT code FROM commune WHERE active = 1") <<'PY'
import json, sys
fw, t, codes = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3:]
def value(v):
    return {"yesno": "có", "count": "3", "amount": "1.5"}.get(v["type"]) or v["values"][0]["value"]
for name, changed in (("a", None), ("a2", codes[0]), ("b", None)):
    with open(f"{t}/sheet-{name}.csv", "w", encoding="utf-8") as f:
        f.write("commune_code,variable,value\n")
        for c in codes:
            for v in fw["variables"]:
                x = "7" if c == changed and v["name"] == "dx_meetings_total" else value(v)
                f.write(f"{c},{v['name']},{x}\n")
PY
dti import --source sheet-a "$T/sheet-a.csv" 2>/dev/null || die "sheet a"
dti import --source sheet-a "$T/sheet-a2.csv" 2>/dev/null || die "sheet a again"
dti import --source sheet-b "$T/sheet-b.csv" 2>/dev/null || die "sheet b"
ONE=$(q "SELECT o.id FROM observation o JOIN source s ON s.id = o.source_id WHERE s.name = 'sheet-b' AND o.commune_code = '11989' AND o.variable = 'dx_staff'")
dti appraise verify "$ONE" --by lan 2>/dev/null || die "verify $ONE"

check_queues() { # check_queues CONFIG: every account's queue as the oracle has it
	py "$R/config/frameworks/commune-2024.json" "$1" "$DB" <<'PY'
import json, re, sqlite3, sys
from webclient import Client, check
fw, cfg = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
db = sqlite3.connect(f"file:{sys.argv[3]}?mode=ro", uri=True)
rows = db.execute("SELECT v.id, v.commune_code, v.variable FROM source_value v "
                  "JOIN source s ON s.id = v.source_id WHERE v.year = 2024 AND v.state = 'raw' "
                  "ORDER BY v.commune_code, v.variable, s.name").fetchall()
off = cfg.get("official")
must = None if off is None else set(off.get("must_verify", [])) | {
    v["name"] for v in fw["variables"] if v["source"] in off.get("must_verify_sources", [])}
def covered(unit):
    out = set()
    for p in fw["pillars"]:
        for i in p["indicators"]:
            if unit in [u.strip() for u in (i.get("verifiers") or "").split(",")]:
                r = i["rule"]
                out |= {r[k] for k in ("variable", "gate") if k in r}
                out |= set(r.get("numerator", [])) | set(r.get("denominator", []))
    return out
accounts = [("admin", "admin-pass-1", None), ("boss", "boss-pass-1", None),
            ("appr", "appr-pass-1", "Phòng Văn hóa và Thông tin"),
            ("postman", "post-pass-1", "Bưu điện huyện")]
pages = 0
for name, pw, unit in accounts:
    c = Client()
    check(c.login(name, pw).status == 303, f"{name} logs in")
    mine = covered(unit) if unit else None
    for commune in ("", "11989", "11986"):
        want = [str(i) for i, code, var in rows if (not commune or code == commune)
                and (must is None or var in must) and (mine is None or var in mine)]
        r = c.get("/appraise" + (f"?commune={commune}" if commune else ""))
        check(r.status == 200, f"{name} {commune}: {r.status}")
        got = re.findall(r'href="/appraise/item\?id=(\d+)"', r.text)
        check(got == want[:1000], f"{name} {commune or 'all'}: {len(got)} rows, want "
              f"{len(want[:1000])}; first difference at "
              f"{next((k for k, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))}")
        text = f"{len(want)} mục chờ thẩm định" + (
            f"; trang này hiện 1000 mục đầu: hãy lọc theo xã" if len(want) > 1000 else "") + "."
        check(f'id="queue-count">{text}</p>' in r.text, f"{name} {commune or 'all'}: "
              f"{re.search(r'id=.queue-count.>[^<]*', r.text).group(0)}, want {text}")
        pages += 1 if len(want) > 1000 else 0
print(pages)
PY
}
full=$(check_queues "$T/dti.json") || exit 1
expect_eq "queues longer than a page with official scoring" "$full" 0
# Without "official" every variable is to be verified: readers' queues of
# every commune hold more than a page.
web_stop
python3 - "$T/dti.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
del c["official"]
json.dump(c, open(sys.argv[1], "w"), ensure_ascii=False, indent=1)
PY
web_start
full=$(check_queues "$T/dti.json") || exit 1
expect_eq "queues longer than a page without official scoring (admin, viewer)" "$full" 2
