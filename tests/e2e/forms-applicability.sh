#!/bin/sh
# Each unit type is asked only what is scored for it (the applicability
# fixture: item ward_portal feeds indicator 1.2, for wards only).  The
# forms of the two communes lack its row, the ward's has it, as CSV and
# as .xlsx; a commune's form without it imports, a ward's without it is
# refused as before; `dti form status` counts per unit type; dti-web's
# declaration page shows it to the ward's officer only.
set -eu
R=$DTI_ROOT T=$DTI_TMP F=$DTI_ROOT/tests/fixtures/applicability
fail() { echo "forms-applicability: $*" >&2; exit 1; }
dti() { "$DTI_BIN/dti" --config "$T/c.json" "$@"; }
python3 "$R/tests/e2e/lib/config_abs.py" "$R/config/dti.json" "$T/c.json" \
	"framework=\"$F/framework.json\"" "communes_csv=\"$F/communes.csv\"" \
	'unit_list="2026-04-30"' "database=\"$T/db\"" "output_dir=\"$T/out\"" year=2025 'sources=[]' \
	'appraisal={"deadline": "2099-12-31T17:00:00+07:00"}'
dti init >/dev/null
dti form generate --out "$T/forms" 2>"$T/gen.err" || fail "form generate: $(cat "$T/gen.err")"
grep -q "each unit type is asked its own" "$T/gen.err" || fail "the summary: $(cat "$T/gen.err")"
for code in 11977 11992; do
	grep -q '^plan_issued,' "$T/forms/form-2025-$code.csv" || fail "$code's form lacks plan_issued"
	if grep -q '^ward_portal,' "$T/forms/form-2025-$code.csv"; then fail "$code (Xã) is asked ward_portal"; fi
done
grep -q '^ward_portal,' "$T/forms/form-2025-11953.csv" || fail "the ward is not asked ward_portal"
dti form generate --format xlsx --commune 11977 --out "$T/xlsx" >/dev/null 2>&1 || fail "xlsx form"
dti form generate --format xlsx --commune 11953 --out "$T/xlsx" >/dev/null 2>&1 || fail "xlsx form"
python3 - "$T/xlsx" <<'PY' || fail "the .xlsx forms' items"
import sys, zipfile
def text(path):
    z = zipfile.ZipFile(path)
    return "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/"))
d = sys.argv[1]
assert "plan_issued" in text(f"{d}/form-2025-11977.xlsx")
assert "ward_portal" not in text(f"{d}/form-2025-11977.xlsx"), "the commune's .xlsx asks ward_portal"
assert "ward_portal" in text(f"{d}/form-2025-11953.xlsx"), "the ward's .xlsx lacks ward_portal"
PY

# Filled: the commune's form as generated; the ward's with ward_portal's
# row deleted (refused: the ward is asked it).
python3 - "$T/forms" "$T" <<'PY'
import csv, sys
src, out = sys.argv[1], sys.argv[2]
def fill(code, drop=None):
    rows = list(csv.reader(open(f"{src}/form-2025-{code}.csv", encoding="utf-8-sig")))
    for r in rows:
        if r[0] in ("plan_issued", "ward_portal"):
            r[2], r[5] = "Có", "https://example.vn/ke-hoach.pdf"
        if r[0] == "contact.officer":
            r[2:7] = ["Nguyễn Văn An", "UBND", "Công chức", "0912345678", "an@example.vn"]
        if r[0] == "contact.approver":
            r[2:7] = ["Trần Thị Bình", "UBND", "Chủ tịch", "0912345679", "binh@example.vn"]
    rows = [r for r in rows if r[0] != drop]
    csv.writer(open(f"{out}/filled-{code}.csv", "w", encoding="utf-8", newline="")).writerows(rows)
fill("11977")
fill("11953", drop="ward_portal")
PY
dti form import "$T/filled-11977.csv" >/dev/null 2>"$T/imp.err" || fail "the commune's form refused: $(cat "$T/imp.err")"
code=0
dti form import "$T/filled-11953.csv" >/dev/null 2>"$T/imp.err" || code=$?
[ "$code" = 1 ] || fail "the ward's form without ward_portal: exit $code"
grep -q "filled-11953.csv:1 (ward_portal): thiếu mục này" "$T/imp.err" || fail "the ward's refusal: $(cat "$T/imp.err")"
[ "$(sqlite3 "$T/db" "select count(*) from observation where commune_code = '11953'")" = 0 ] ||
	fail "the ward's refused form stored something"
dti form status >"$T/status"
awk -F'\t' '$1 == "11977" { print $6 "/" $7 "/" $11 }' "$T/status" | grep -qx '1/0/' ||
	fail "status of the commune: $(grep 11977 "$T/status")"
awk -F'\t' '$1 == "11953" { print $6 "/" $7 "/" $11 }' "$T/status" | grep -qx '0/2/plan_issued,ward_portal' ||
	fail "status of the ward: $(grep 11953 "$T/status")"

# dti-web: the declaration page of each officer.
export DTI_AUTH_FAST_HASH=1
python3 - "$T/c.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["web"] = {"public_url": "http://dti.example.vn", "threads": 2}
json.dump(c, open(sys.argv[1], "w"), ensure_ascii=False)
PY
printf 'tanhung-pass-1\n' | dti user add tanhung --role commune --commune 11977 --password-stdin 2>/dev/null
printf 'phohien-pass-1\n' | dti user add phohien --role commune --commune 11953 --password-stdin 2>/dev/null
WEB_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export WEB_PORT
"$DTI_BIN/dti-web" --config "$T/c.json" --listen "127.0.0.1:$WEB_PORT" >"$T/web.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null' EXIT
PYTHONPATH="$R/tests/e2e/lib" python3 - <<'PY' || fail "the declaration pages: $(tail -5 "$T/web.log")"
import webclient
from webclient import Client, check
webclient.wait_port(webclient.PORT)
for name, pw, asked in (("tanhung", "tanhung-pass-1", False), ("phohien", "phohien-pass-1", True)):
    c = Client()
    check(c.login(name, pw).status == 303, f"login of {name}")
    page = c.get("/commune")
    check(page.status == 200, f"{name}'s page: {page.status}")
    check("plan_issued" in page.text, f"{name} is not asked plan_issued")
    check(("ward_portal" in page.text) == asked,
          f"{name} {'is not' if asked else 'is'} asked ward_portal")
PY
echo "forms-applicability: each unit type asked its own items, on paper and online"
