#!/bin/sh
# --year backfills a past year idempotently: running it twice gives the
# same database content (observations, scoring runs, scores) and the same
# published files; the second run only adds run records saying each source
# was read and was unchanged.  Another year's run leaves it untouched, and
# a changed sheet is imported and scored again.
. "$DTI_ROOT/tests/e2e/ops-common.inc"

configure real '[]'
# Feeds named by year ({year} in the URL) exist for 2024 only: the same
# figures serve as 2023's, so that every source can run for 2023.
python3 - "$dep/config/dti.json" <<'PY'
import json, os, shutil, sys
cfg = sys.argv[1]
base = os.path.dirname(cfg)
for s in json.load(open(cfg, encoding="utf-8")).get("sources", []):
    url = s.get("url", "")
    if "{year}" not in url or not url.startswith("file:"):
        continue
    path = url[len("file:"):]
    while path.startswith("//"):
        path = path[1:]
    path = os.path.join(base, path)
    src, dst = path.replace("{year}", "2024"), path.replace("{year}", "2023")
    if os.path.exists(src) and not os.path.exists(dst):
        shutil.copyfile(src, dst)
PY
dump() {
	q "SELECT * FROM observation WHERE year = 2023 ORDER BY id" >"$1.obs"
	q "SELECT id, year, framework_sha256, mode, status, communes, input_sha256 FROM scoring_run
	   WHERE year = 2023 ORDER BY id" >"$1.runs"
	q "SELECT s.* FROM score s JOIN scoring_run r ON r.id = s.scoring_run_id WHERE r.year = 2023
	   ORDER BY 1, 2, 3" >"$1.score"
	rm -rf "$1.out"
	cp -R "$dep/var/out/2023" "$1.out"
}
# The published files are the same: exports byte for byte, report pages but
# for their "generated at" line; the data-quality page is left out (it shows
# when each source was last read, which a rerun changes by design).
same() {
	for k in obs runs score; do
		cmp -s "$1.$k" "$2.$k" || fail "$3: $k differs"
	done
	[ -s "$1.out/ranking-2023.csv" ] || fail "$3: nothing published"
	diff -r -I 'Trang tạo lúc' -x data-quality.html "$1.out" "$2.out" >"$DTI_TMP/out.diff" ||
		fail "$3: published files differ: $(head -n 5 "$DTI_TMP/out.diff")"
}

nightly --year 2023 2>"$DTI_TMP/n1.err" || fail "first --year 2023 run failed: $(cat "$DTI_TMP/n1.err")"
[ "$(q "SELECT count(*) FROM current_ranking WHERE year = 2023")" = 11 ] || fail "2023 not scored"
[ "$(q "SELECT count(*) FROM observation WHERE year <> 2023")" = 0 ] || fail "a 2023 run stored another year"
dump "$DTI_TMP/a"
[ -s "$DTI_TMP/a.obs" ] || fail "nothing stored for 2023"
runs1=$(q "SELECT count(*) FROM run")

nightly --year 2023 2>"$DTI_TMP/n2.err" || fail "second --year 2023 run failed"
dump "$DTI_TMP/b"
same "$DTI_TMP/a" "$DTI_TMP/b" "rerun of 2023"
grep -q "not scored again" "$DTI_TMP/n2.err" || fail "the rerun scored again"
[ "$(q "SELECT count(*) FROM run WHERE id > $runs1 AND status <> 'unchanged'")" = 0 ] ||
	fail "the rerun recorded runs other than 'unchanged'"
[ "$(q "SELECT count(*) FROM run WHERE id > $runs1")" = "$(dti sources | wc -l)" ] ||
	fail "expected one unchanged run per source"
# Fresh, none failing or stale; the feeds whose records name their year
# (2024 only) gave nothing for 2023: each is a warning, nothing else is.
dti --year 2023 status >"$DTI_TMP/st.out"
grep -q '^status:    ATTENTION: portal:dvc (warning), telecom:viettel (warning), postal:vnpost (warning)$' \
	"$DTI_TMP/st.out" || { cat "$DTI_TMP/st.out"; fail "status after the rerun"; }

# The current year's run does not touch 2023.
nightly 2>/dev/null || fail "the 2024 run failed"
nightly --year 2023 2>/dev/null || fail "third --year 2023 run failed"
dump "$DTI_TMP/c"
same "$DTI_TMP/a" "$DTI_TMP/c" "2023 after a 2024 run"

# A changed sheet is stored and scored again; rerunning that is idempotent too.
sed -i 's/^\(11986,[^,]*\),11885/\1,11886/' \
	"$dep/samples/sheets/bank-branches.csv"
nightly --year 2023 2>"$DTI_TMP/n4.err" || fail "run after a change failed"
grep -q "bank-branches.csv: run [0-9]* stored 1 values" "$DTI_TMP/n4.err" || fail "the changed sheet was not stored"
grep -q "scoring run [0-9]*: 11 communes, year 2023" "$DTI_TMP/n4.err" || fail "the change was not scored"
[ "$(q "SELECT value FROM current_input WHERE year = 2023 AND commune_code = '11986'
        AND variable = 'bank_accounts_15plus'")" = 11886 ] || fail "the changed value is not current"
dump "$DTI_TMP/d"
nightly --year 2023 2>/dev/null || fail "rerun after a change failed"
dump "$DTI_TMP/e"
same "$DTI_TMP/d" "$DTI_TMP/e" "rerun after a change"
check_db "after the backfills"
echo "idempotent backfill ok"
