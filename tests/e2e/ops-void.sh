#!/bin/sh
# A mistaken run can be voided.  Scoring a year with no input at all is
# refused (exit 1, nothing stored) unless forced; a forced all-zero 2023
# run shows in the 2024 report as the year compared with, until it is
# voided: then it is gone from the views, the report and the exports,
# and is kept with who voided it, when and why.  Voiding the latest run
# of a year makes the one before it current again.
. "$DTI_ROOT/tests/e2e/ops-common.inc"

configure real '[]'
outdir=$dep/var/out
nightly 2>"$DTI_TMP/n0.err" || fail "nightly run failed: $(tail -n 5 "$DTI_TMP/n0.err")"

# No 2023 data: refused, with a message saying what to do.
dti --year 2023 score 2>"$DTI_TMP/s.err"
[ $? = 1 ] || fail "scoring a year without any input did not exit 1"
grep -q "no input for 2023" "$DTI_TMP/s.err" || fail "no clear message: $(cat "$DTI_TMP/s.err")"
grep -q -- "--force" "$DTI_TMP/s.err" || fail "the message does not name --force"
[ "$(q "SELECT count(*) FROM scoring_run WHERE year = 2023")" = 0 ] || fail "a refused run was stored"

# Forced: stored, and the 2024 report compares with it.
dti --year 2023 score --force 2>/dev/null || fail "a forced run failed"
r23=$(q "SELECT id FROM latest_scoring_run WHERE year = 2023")
[ -n "$r23" ] || fail "the forced run was not stored"
dti publish >/dev/null 2>&1 || fail "publish failed"
idx=$outdir/2024/report/index.html
grep -q "Thay đổi so với năm 2023" "$idx" || fail "the 2024 report does not compare with 2023"
[ -s "$outdir/2024/report/year-over-year.html" ] || fail "no year-over-year page"

# Misuse.
dti runs void "$r23" --by admin 2>/dev/null
[ $? = 2 ] || fail "void without --reason did not exit 2"
dti runs void "$r23" --reason "x" 2>/dev/null
[ $? = 2 ] || fail "void without --by did not exit 2"
dti runs void 9999 --reason "x" --by admin 2>/dev/null
[ $? = 1 ] || fail "voiding a run that does not exist did not exit 1"

# Voided: kept, with who, when and why; gone from every view and the report.
dti runs void "$r23" --reason "no 2023 data: scored by mistake" --by "Nguyễn Văn A" 2>"$DTI_TMP/v.err" ||
	fail "void failed: $(cat "$DTI_TMP/v.err")"
[ "$(q "SELECT reason || '|' || by || '|' || (at <> '') FROM scoring_run_void WHERE scoring_run_id = $r23")" = \
	"no 2023 data: scored by mistake|Nguyễn Văn A|1" ] || fail "the void was not recorded"
[ "$(q "SELECT count(*) FROM score WHERE scoring_run_id = $r23")" != 0 ] || fail "the voided run's scores were deleted"
for v in latest_scoring_run current_score current_ranking missing_input; do
	[ "$(q "SELECT count(*) FROM $v WHERE year = 2023")" = 0 ] || fail "$v still shows the voided run"
done
dti runs void "$r23" --reason "again" --by admin 2>/dev/null
[ $? = 1 ] || fail "voiding a voided run again did not exit 1"
dti publish >/dev/null 2>&1 || fail "publish after void failed"
grep -q "năm 2023" "$idx" && fail "the 2024 report still compares with the voided 2023 run"
[ -e "$outdir/2024/report/year-over-year.html" ] && fail "the year-over-year page against the voided run remains"
dti --year 2023 export --out "$DTI_TMP/x" 2>/dev/null
[ $? = 1 ] || fail "exporting a year whose only run is voided did not exit 1"
dti export --run "$r23" --out "$DTI_TMP/x" 2>"$DTI_TMP/x.err"
[ $? = 1 ] || fail "exporting a voided run did not exit 1"
grep -q "was voided" "$DTI_TMP/x.err" || fail "no clear message: $(cat "$DTI_TMP/x.err")"

# Voiding the latest 2024 run makes the one before it current.
before=$(q "SELECT id FROM latest_scoring_run WHERE year = 2024")
dti score 2>/dev/null || fail "scoring 2024 again failed"
after=$(q "SELECT id FROM latest_scoring_run WHERE year = 2024")
[ "$after" != "$before" ] || fail "no new 2024 run"
dti runs void "$after" --reason "test" --by admin 2>/dev/null || fail "void of the latest run failed"
[ "$(q "SELECT id FROM latest_scoring_run WHERE year = 2024")" = "$before" ] || fail "the run before is not current"
dti status | grep -q "scoring:   run $before " || fail "status does not show run $before"
dti publish >/dev/null 2>&1 || fail "publish failed"
grep -q "Lần chấm điểm số $before " "$idx" || fail "the report is not of run $before"
check_db "after voiding"
echo "ok: voided runs left out"
