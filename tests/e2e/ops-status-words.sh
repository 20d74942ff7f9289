#!/bin/sh
# Monitoring sees what matters (issue #13, items 5 and 2): a scoring run
# with most inputs missing is said so; a feed whose records are all outside
# the communes assessed is a warning, not ok; the nightly summary says the
# sources' states and the scoring in the words of `dti status`, without
# slips; a source no longer configured is no source in `dti status`.
. "$DTI_ROOT/tests/e2e/ops-common.inc"
S=$DTI_TMP

# 1. One feed only: the scoring lacks most inputs.
configure real '[]'
nightly --only telecom:vnpt >"$S/n1.out" 2>"$S/n1.err" || { cat "$S/n1.err"; fail "nightly --only"; }
dti status >"$S/st1.out" 2>&1 && fail "status is ok with most inputs missing"
grep -q '^scoring:   run 1 (provisional, 11 communes) scored with [0-9]*% of inputs missing' "$S/st1.out" ||
	{ cat "$S/st1.out"; fail "status does not say most inputs are missing"; }
grep -q '^status:    ATTENTION: .*scoring run 1 scored with [0-9]*% of inputs missing' "$S/st1.out" ||
	fail "most inputs missing is not a problem"
grep -q 'summary: sources 1 ok, 14 stale (.*); scoring run 1 (provisional, 11 communes) scored with [0-9]*% of inputs missing; published;' "$S/n1.err" ||
	{ grep summary: "$S/n1.err"; fail "the nightly summary does not say most inputs are missing"; }

# 2. A feed whose every record is of a commune not assessed: a warning.
mkdir -p "$dep/samples/feeds"
cat >"$dep/samples/feeds/telecom-elsewhere.json" <<'JSON'
{"data": {"items": [{"MaXa": "00004", "SoThueBaoSmartphone": 5}, {"MaXa": "00007", "SoThueBaoSmartphone": 6}]}}
JSON
configure real '[{"name": "telecom:elsewhere", "kind": "telecom", "max_age_hours": 800,
  "url": "file:../samples/feeds/telecom-elsewhere.json", "records": "data.items",
  "commune": {"code": "MaXa"}, "fields": {"smartphone_users": "SoThueBaoSmartphone"}}]'
nightly >"$S/n2.out" 2>"$S/n2.err" || { cat "$S/n2.err"; fail "nightly with the elsewhere feed"; }
grep -q 'telecom:elsewhere: ok run=.* warning=none of the 2 records read gave a value for the 11 communes assessed in 2024' "$S/n2.err" ||
	{ grep elsewhere "$S/n2.err"; fail "the collector does not warn"; }
dti status >"$S/st2.out" 2>&1 && fail "status is ok with a warning"
grep -q "^telecom:elsewhere	telecom	warning	.*none of the 2 records read" "$S/st2.out" ||
	{ cat "$S/st2.out"; fail "status does not show the warning"; }
grep -q '^status:    ATTENTION: telecom:elsewhere (warning)$' "$S/st2.out" || fail "the warning needs no attention"
[ "$(q "SELECT state FROM source_status WHERE source = 'telecom:elsewhere'")" = warning ] ||
	fail "source_status does not say warning"
# The nightly summary is the words of dti status --summary, then what it did.
words=$(dti status --summary 2>/dev/null)
[ "$words" = "sources 15 ok, 1 warning (telecom:elsewhere); scoring run 2 (provisional, 11 communes)" ] ||
	fail "status --summary: $words"
grep -q "summary: $words; published; backup .*; exit 0 (ok)$" "$S/n2.err" ||
	{ grep summary: "$S/n2.err"; fail "the nightly summary is not in the words of dti status"; }
grep summary: "$S/n2.err" | grep -q 'published dti\|scoring ok\|sources ok' && fail "a slip in the summary"

# 3. Dropped from the configuration: no longer a source, named apart.
configure real '[]'
dti status >"$S/st3.out" 2>&1
grep -q '^telecom:elsewhere	' "$S/st3.out" && fail "a source no longer configured is still in the table"
grep -q '^retired:   telecom:elsewhere (no longer configured' "$S/st3.out" ||
	{ cat "$S/st3.out"; fail "no retired line"; }
grep -q '^status:    ok$' "$S/st3.out" || fail "a retired source still needs attention"
[ "$(dti status --summary)" = "sources 15 ok; scoring run 2 (provisional, 11 communes)" ] ||
	fail "status --summary counts a retired source"
echo "all ok"
