#!/bin/sh
# The official result stays: a run approved by a decision is published
# into OUT/official-YEAR/, which three nightly runs (each scoring and
# publishing a new provisional run) leave byte for byte as it was, while
# the year's report says the year has an official result and links it.
# Approving another run supersedes the approval (kept); a voided run, the
# official run itself (voiding it) and bad options are refused; the next
# year compares with the official result of the year before.
. "$DTI_ROOT/tests/e2e/ops-common.inc"

configure real '[]'
outdir=$dep/var/out
nightly 2>"$DTI_TMP/n0.err" || fail "first nightly run failed: $(tail -n 5 "$DTI_TMP/n0.err")"
r1=$(q "SELECT id FROM latest_scoring_run WHERE year = 2024")
[ -n "$r1" ] || fail "the nightly run stored no scoring run"

# Misuse and refusals.
dti approve "$r1" --decision-date 2025-01-15 --by "Sở KH&CN" 2>/dev/null
[ $? = 2 ] || fail "approve without --decision did not exit 2"
dti approve "$r1" --decision 123/QĐ-UBND --decision-date 2025-01-15 2>/dev/null
[ $? = 2 ] || fail "approve without --by did not exit 2"
dti approve "$r1" --decision 123/QĐ-UBND --decision-date 2025-02-30 --by x 2>/dev/null
[ $? = 2 ] || fail "approve with a day that does not exist did not exit 2"
dti approve 9999 --decision 123/QĐ-UBND --decision-date 2025-01-15 --by x 2>"$DTI_TMP/e.err"
[ $? = 1 ] || fail "approving a run that does not exist did not exit 1"
grep -q "no scoring run 9999" "$DTI_TMP/e.err" || fail "no clear message: $(cat "$DTI_TMP/e.err")"
[ "$(q "SELECT count(*) FROM approval")" = 0 ] || fail "a refused approval was stored"

# The approval, published apart.  The decision is shown back escaped.
dti approve "$r1" --decision '123<b>/QĐ-UBND' --decision-date 2025-01-15 --by "Sở KH&CN" \
	>"$DTI_TMP/a.out" 2>"$DTI_TMP/a.err" || fail "approve failed: $(cat "$DTI_TMP/a.err")"
off=$outdir/official-2024/report/index.html
[ -s "$off" ] || fail "approve did not publish $off"
grep -q "$off" "$DTI_TMP/a.out" || fail "approve did not print the official report's path"
grep -q 'Kết quả chính thức theo Quyết định số 123&lt;b&gt;/QĐ-UBND ngày 15/01/2025' "$off" ||
	fail "the official index does not state its decision (escaped)"
grep -q '<b>' "$off" && fail "the decision is not escaped"
[ "$(q "SELECT scoring_run_id || ' ' || decision_date || ' ' || approved_by FROM official_result
        WHERE year = 2024")" = "$r1 2025-01-15 Sở KH&CN" ] || fail "official_result is not run $r1"
cp -R "$outdir/official-2024" "$DTI_TMP/official.before"

# Three nightly runs, each with changed figures: each scores a new
# provisional run and publishes it; the official publication stays.
for i in 1 2 3; do
	perturb "$i"
	before=$(q "SELECT count(*) FROM scoring_run WHERE year = 2024")
	nightly 2>"$DTI_TMP/n$i.err" || fail "nightly run $i failed: $(tail -n 5 "$DTI_TMP/n$i.err")"
	[ "$(q "SELECT count(*) FROM scoring_run WHERE year = 2024")" = $((before + 1)) ] ||
		fail "nightly run $i did not score a new run"
	diff -r "$DTI_TMP/official.before" "$outdir/official-2024" >/dev/null ||
		fail "nightly run $i changed the official publication"
	[ "$(q "SELECT scoring_run_id FROM official_result WHERE year = 2024")" = "$r1" ] ||
		fail "nightly run $i changed the official result"
	idx=$outdir/2024/report/index.html
	grep -q 'Kết quả tạm tính' "$idx" || fail "nightly run $i: the provisional index does not say so"
	grep -q 'Năm 2024 đã có kết quả chính thức theo Quyết định số 123&lt;b&gt;/QĐ-UBND ngày 15/01/2025' "$idx" ||
		fail "nightly run $i: the index does not name the official result"
	grep -q 'href="../../official-2024/report/index.html"' "$idx" ||
		fail "nightly run $i: the index does not link the official result"
done
latest=$(q "SELECT id FROM latest_scoring_run WHERE year = 2024")
[ "$latest" != "$r1" ] || fail "no run after the approved one"

# The official run cannot be voided while it is the official result.
dti runs void "$r1" --reason "mistake" --by admin 2>"$DTI_TMP/v.err"
[ $? = 1 ] || fail "voiding the official run was not refused"
grep -q "is the official result of 2024" "$DTI_TMP/v.err" || fail "no clear message: $(cat "$DTI_TMP/v.err")"

# A voided run cannot be approved.
second=$(q "SELECT min(id) FROM scoring_run WHERE year = 2024 AND id > $r1")
dti runs void "$second" --reason "figures re-imported" --by admin 2>/dev/null || fail "void failed"
dti approve "$second" --decision 9/QĐ --decision-date 2025-01-20 --by x 2>"$DTI_TMP/v2.err"
[ $? = 1 ] || fail "approving a voided run was not refused"
grep -q "was voided" "$DTI_TMP/v2.err" || fail "no clear message: $(cat "$DTI_TMP/v2.err")"

# Approving another run supersedes the approval; both are kept.
dti approve "$latest" --decision 456/QĐ-UBND --decision-date 2025-03-01 --by "UBND tỉnh" \
	>/dev/null 2>&1 || fail "second approval failed"
[ "$(q "SELECT count(*) FROM approval WHERE year = 2024")" = 2 ] || fail "the first approval was not kept"
[ "$(q "SELECT scoring_run_id FROM official_result WHERE year = 2024")" = "$latest" ] ||
	fail "the new approval is not the official result"
[ "$(q "SELECT superseded_by IS NOT NULL AND ended_at IS NOT NULL FROM approval WHERE scoring_run_id = $r1")" = 1 ] ||
	fail "the first approval does not say it was superseded"
grep -q 'Quyết định số 456/QĐ-UBND ngày 01/03/2025' "$off" || fail "the official publication was not replaced"
dti runs void "$r1" --reason "superseded" --by admin 2>/dev/null || fail "a superseded run could not be voided"
dti publish --official >/dev/null 2>&1 || fail "publish --official failed"
dti --year 2023 publish --official 2>"$DTI_TMP/p.err"
[ $? = 1 ] || fail "publish --official of a year without an official result did not exit 1"

# Year over year: the earlier year's official result, not its latest run.
dti --year 2023 score --force 2>/dev/null || fail "forced 2023 run failed"
a23=$(q "SELECT max(id) FROM scoring_run WHERE year = 2023")
dti --year 2023 approve "$a23" --decision 1/QĐ --decision-date 2024-02-01 --by x >/dev/null 2>&1 ||
	fail "approving 2023 failed"
dti --year 2023 score --force 2>/dev/null || fail "second 2023 run failed"
dti publish >/dev/null 2>&1 || fail "publish failed"
yoy=$outdir/2024/report/year-over-year.html
grep -q "lần chấm điểm số $a23," "$yoy" || fail "year over year is not against the official 2023 run $a23"
grep -q "Năm 2023: so với kết quả chính thức" "$yoy" || fail "year over year does not say it is the official result"
check_db "after the approvals"
echo "ok: official result kept over three nightly runs"
