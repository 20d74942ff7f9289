#!/bin/sh
# The default configuration collects every bundled sample feed offline
# (file: URLs), and the current_input view sums the operators' figures.
. "$DTI_ROOT/tests/e2e/lib/collectors.sh"
for k in portal telecom postal onetouch sheet; do
	"$B/dti-collect-$k" --config "$R/config/dti.json" --db "$DB" >"$T/out-$k.txt" 2>&1 || {
		cat "$T/out-$k.txt"
		fail "dti-collect-$k on the samples failed"
	}
	cat "$T/out-$k.txt"
done
[ "$(sql "select count(*) from run where status = 'ok'")" -eq 10 ] || fail "not 10 ok runs"
[ "$(sql "select count(*) from run where status <> 'ok'")" -eq 0 ] || fail "some sample run did not succeed"
# Như Quỳnh: 3 operators' smartphone users sum to the district figure.
[ "$(sql "select value || '/' || sources from current_input where commune_code = '11986' and variable = 'smartphone_users'")" = "9992/3" ] || fail "smartphone_users of 11986 is not 9992 from 3 sources"
[ "$(sql "select sources from current_input where commune_code = '11989' and variable = 'parcels_total'")" = 2 ] || fail "parcels_total not from 2 posts"
[ "$(sql "select value from current_input where commune_code = '12004' and variable = 'dx_budget'")" = "$(sql "select value from observation where commune_code = '12004' and variable = 'dx_budget'")" ] || fail "dx_budget"
[ "$(sql "select count(distinct variable) from current_input")" -ge 24 ] || fail "fewer than 24 variables collected"
[ "$(sql "select count(*) from source where max_age_hours is null")" -eq 0 ] || fail "a source without max_age_hours"
# A second run of a file: feed stores again (no validators for files) and
# the scored value stays the same.
"$B/dti-collect-telecom" --config "$R/config/dti.json" --db "$DB" --source telecom:vnpt >/dev/null 2>&1 || fail "second run failed"
[ "$(sql "select value from current_input where commune_code = '11986' and variable = 'smartphone_users'")" = 9992 ] || fail "a second run changed the sum"
echo "all ok"
