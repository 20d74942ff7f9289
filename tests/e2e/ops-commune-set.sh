#!/bin/sh
# The configured commune set and the database's must agree (issue #13 item
# 2): after the configuration moves from Văn Lâm to the whole province,
# score, publish and so the nightly run refuse, naming the difference and
# 'dti communes load'; status warns.  `dti communes load` brings them
# together; a set the operator loaded from a file is the operator's and is
# not compared.
. "$DTI_ROOT/tests/e2e/ops-common.inc"

configure real '[]'
nightly >/dev/null 2>"$DTI_TMP/n1.err" || fail "the first run failed: $(tail -n 5 "$DTI_TMP/n1.err")"
dti -q score || fail "score on the configured set failed"

# The deployment moves to the whole province of Hưng Yên (139 units, the
# 11 of Văn Lâm among them).
python3 - "$dep/config/dti.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1], encoding="utf-8"))
del c["communes_csv"]
c["district"] = {"province_code": "33"}
c["name"] = "Tỉnh Hưng Yên"
json.dump(c, open(sys.argv[1], "w", encoding="utf-8"), ensure_ascii=False, indent=2)
PY
want="'$dep/config/dti.json' lists other communes than database '$dep/config/../var/dti.db' assesses: 128 added (11950, 11953, 11956, 11959, 11962, ...), 0 removed; run 'dti communes load' to assess the configuration's communes"
runs=$(q "SELECT count(*) FROM scoring_run")
for cmd in score publish; do
	dti "$cmd" >"$DTI_TMP/out" 2>"$DTI_TMP/err"
	rc=$?
	[ "$rc" = 3 ] || fail "$cmd on another set exited $rc, not 3: $(cat "$DTI_TMP/err")"
	grep -qF "$want" "$DTI_TMP/err" || fail "$cmd: the difference is not named: $(cat "$DTI_TMP/err")"
	[ -s "$DTI_TMP/out" ] && fail "$cmd wrote something: $(cat "$DTI_TMP/out")"
done
[ "$(q "SELECT count(*) FROM scoring_run")" = "$runs" ] || fail "a scoring run was stored"
dti status >/dev/null 2>"$DTI_TMP/err"
grep -qF "$want" "$DTI_TMP/err" || fail "status does not warn: $(cat "$DTI_TMP/err")"
nightly >"$DTI_TMP/n2.out" 2>"$DTI_TMP/n2.err"
rc=$?
[ "$rc" = 4 ] || fail "the nightly run on another set exited $rc, not 4"
grep -qF "run 'dti communes load'" "$DTI_TMP/n2.err" || fail "the nightly log does not name the command"
grep -q "scoring failed; nothing published" "$DTI_TMP/n2.err" || fail "the nightly published"
grep -q "Tỉnh Hưng Yên" "$dep/var/out/2024/report/index.html" && fail "the report took the new title"
[ "$(q "SELECT count(*) FROM scoring_run")" = "$runs" ] || fail "the nightly stored a scoring run"

# One command brings them together.
dti -q communes load || fail "communes load failed"
dti -q score 2>"$DTI_TMP/err" || fail "score after communes load failed: $(cat "$DTI_TMP/err")"
[ "$(q "SELECT communes FROM scoring_run ORDER BY id DESC LIMIT 1")" = 139 ] ||
	fail "the province was not scored"
dti status >/dev/null 2>"$DTI_TMP/err"
grep -q "other communes" "$DTI_TMP/err" && fail "status still warns: $(cat "$DTI_TMP/err")"

# A list of the operator's own (a file) is not fought: score and publish go on.
printf 'code,name\n11986,Thị trấn Như Quỳnh\n11989,Xã Lạc Đạo\n' >"$DTI_TMP/two.csv"
dti -q communes load "$DTI_TMP/two.csv" || fail "communes load FILE failed"
dti -q score 2>"$DTI_TMP/err" || fail "score on a loaded file refused: $(cat "$DTI_TMP/err")"
dti -q publish >/dev/null 2>"$DTI_TMP/err" || fail "publish on a loaded file refused: $(cat "$DTI_TMP/err")"
dti status >/dev/null 2>"$DTI_TMP/err"
grep -q "other communes" "$DTI_TMP/err" && fail "status warns about the operator's file"
# ... until the configuration's list is loaded again, which is compared again.
dti -q communes load || fail "communes load failed"
python3 - "$dep/config/dti.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1], encoding="utf-8"))
c["district"] = {"province_code": "33", "district_code": "326"}
json.dump(c, open(sys.argv[1], "w", encoding="utf-8"), ensure_ascii=False, indent=2)
PY
dti score 2>"$DTI_TMP/err" && fail "score after a second move succeeded"
grep -q "0 added, 128 removed (11950, " "$DTI_TMP/err" || fail "removed communes not named: $(cat "$DTI_TMP/err")"
echo ok
