#!/bin/sh
# A deployment moved to another area (issue #13, item 2): a scoring run
# keeps the name of the area it assessed, so publishing it later is titled
# with that name, not with today's configuration; and publishing the new
# area's run leaves no page of a commune it no longer has.
set -eu
V=$DTI_ROOT/tests/fixtures/vectors
T=$DTI_TMP
fail() { echo "FAIL: $*"; exit 1; }

head -n 4 "$V/communes.csv" >"$T/three.csv"
head -n 3 "$V/communes.csv" >"$T/two.csv"
# Two configurations: the first area, then the second.
conf() { python3 "$DTI_ROOT/tests/e2e/lib/config_abs.py" "$DTI_ROOT/config/dti.json" "$@"; }
conf "$T/first.json" output_dir="\"$T/out\"" name='"Huyện Thử <Một>"' communes_csv="\"$T/three.csv\""
conf "$T/second.json" output_dir="\"$T/out\"" name='"Tỉnh Hai"' communes_csv="\"$T/two.csv\""
dti() { cfg=$1; shift; "$DTI_BIN/dti" --config "$T/$cfg.json" --db "$T/dti.db" "$@"; }
title_of() { sed -n 's:.*<p class="org">\(.*\) · Chỉ số.*:\1:p' "$1"; }

dti first communes load "$T/three.csv" >/dev/null
dti first import "$V/inputs.csv" >/dev/null
dti first score >/dev/null
first_run=$(sqlite3 "$T/dti.db" "SELECT max(id) FROM scoring_run")
dti first publish >/dev/null
R=$T/out/2024/report
[ "$(title_of "$R/index.html")" = "Huyện Thử &lt;Một&gt;" ] || fail "first title: $(title_of "$R/index.html")"
[ -e "$R/commune-25276.html" ] || fail "no page for 25276 in the first area"
[ "$(sqlite3 "$T/dti.db" "SELECT area_name FROM scoring_run WHERE id = $first_run")" = "Huyện Thử <Một>" ] ||
	fail "the scoring run does not keep its area's name"

# Moved: the configuration names the second area, the set is its two communes.
dti second communes load "$T/two.csv" >/dev/null
dti second score >/dev/null

# The first run published now is still titled with the area it assessed.
dti second publish --run "$first_run" --out "$T/old" >/dev/null
for f in "$T/old/2024/report"/*.html; do
	[ "$(title_of "$f")" = "Huyện Thử &lt;Một&gt;" ] || fail "$(basename "$f") of run $first_run titled '$(title_of "$f")'"
done
grep -qF '"title": "Huyện Thử <Một>"' "$T/old/2024/dti-2024.json" || fail "the JSON of run $first_run has today's title"

# The second run: today's name, and no page of the commune left out.
dti second publish >/dev/null
[ "$(title_of "$R/index.html")" = "Tỉnh Hai" ] || fail "second title: $(title_of "$R/index.html")"
grep -qF '"title": "Tỉnh Hai"' "$T/out/2024/dti-2024.json" || fail "the JSON of the second run"
[ -e "$R/commune-25276.html" ] && fail "the page of 25276, no longer in the run, survived"
[ "$(ls "$R" | grep -c '^commune-')" = 2 ] || fail "commune pages: $(ls "$R")"
grep -rq 'commune-25276' "$R" && fail "a page still links to 25276"
grep -rq '25276' "$T/out/2024"/*.csv "$T/out/2024"/*.json && fail "an export still lists 25276"
echo "the report takes its title from the scoring run; no stale commune pages"
