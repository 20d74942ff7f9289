#!/bin/sh
# "Verify a commune's remaining items at once" is all or nothing (issue
# #15): the store failing on the third act (a trigger injected into the
# database) leaves none of the commune's items verified, on the page and
# through `dti appraise verify ID...`; once the failure is gone every
# remaining item of the appraiser's units is verified by their account.
. "$DTI_ROOT/tests/e2e/web_env"
inject() { # the third appraisal act of the database fails
	q "CREATE TRIGGER inject_failure BEFORE INSERT ON appraisal
	   WHEN (SELECT count(*) FROM appraisal) >= 2
	   BEGIN SELECT RAISE(ABORT, 'injected failure'); END;"
}
inject
(py <<'PY'
from webclient import Client, check
c = Client()
c.login("appr", "appr-pass-1")
c.get("/appraise?commune=11989")
r = c.post("/appraise/commune", {"commune": "11989"})
check(r.status == 500, f"failed midway: {r.status}")
print(r.text)
PY
) >"$T/page"
expect_eq "acts stored by a failed verify-all" "$(q "SELECT count(*) FROM appraisal")" 0
grep -q "không mục nào được lưu" "$T/page" || die "the page does not say nothing was stored"
grep -q "injected failure" "$T/web.log" || die "the failure not logged: $(cat "$T/web.log")"

# The CLI: several ids, the third refused by the store, or an unknown one.
IDS=$(q "SELECT group_concat(id, ' ') FROM (SELECT o.id FROM observation o JOIN source s ON s.id = o.source_id WHERE o.commune_code = '11986' AND s.name LIKE 'form:%' ORDER BY o.id LIMIT 4)")
[ "$(echo $IDS | wc -w)" = 4 ] || die "four observations of 11986: $IDS"
# shellcheck disable=SC2086
dti appraise verify $IDS --by lan 2>"$T/err" && die "verify with the third act failing succeeded"
grep -q "injected failure" "$T/err" || die "CLI failure: $(cat "$T/err")"
expect_eq "acts stored by a failed verify" "$(q "SELECT count(*) FROM appraisal")" 0
q "DROP TRIGGER inject_failure"
# shellcheck disable=SC2086
dti appraise verify $IDS 999999 --by lan 2>"$T/err" && die "verify of an unknown id succeeded"
grep -q "no observation 999999" "$T/err" || die "CLI unknown id: $(cat "$T/err")"
expect_eq "acts stored with an unknown id" "$(q "SELECT count(*) FROM appraisal")" 0

# Without the failure: every remaining item, by the account.
py <<'PY'
from webclient import Client, check
c = Client()
c.login("appr", "appr-pass-1")
c.get("/appraise?commune=11989")
r = c.post("/appraise/commune", {"commune": "11989"})
check(r.status == 303, f"verify-all: {r.status} {r.text[:300]}")
r = c.get("/appraise?commune=11989")
check('id="queue-count">0 mục' in r.text, "items of 11989 left in the queue")
PY
n=$(q "SELECT count(*) FROM appraisal")
[ "$n" -ge 3 ] || die "verify-all stored $n acts, want the commune's remaining items (3 or more)"
expect_eq "acts by the account" "$(q "SELECT group_concat(DISTINCT by) FROM appraisal")" appr
expect_eq "acts outside 11989" "$(q "SELECT count(*) FROM appraisal a JOIN observation o ON o.id = a.observation_id WHERE o.commune_code <> '11989'")" 0
# shellcheck disable=SC2086
dti appraise verify $IDS --by lan 2>/dev/null || die "verify of four ids"
expect_eq "acts of the CLI" "$(q "SELECT count(*) FROM appraisal WHERE by = 'lan'")" 4
