#!/bin/sh
# OneTouch: learners who completed in the year counted per commune, names
# in any spelling, other years and unfinished courses not counted, communes
# outside the set skipped; conditional GET; a bad date fails the run naming
# the line and stores nothing.
. "$DTI_ROOT/tests/e2e/lib/collectors.sh"
start_httpd 20

write_config "[
 {\"name\": \"onetouch:http\", \"kind\": \"onetouch\", \"max_age_hours\": 48, \"url\": \"$BASE/onetouch.csv\"},
 {\"name\": \"onetouch:bad\", \"kind\": \"onetouch\", \"max_age_hours\": 48, \"url\": \"$BASE/onetouch.csv?bad=1\"},
 {\"name\": \"onetouch:file\", \"kind\": \"onetouch\", \"max_age_hours\": 48,
  \"url\": \"file://$R/samples/feeds/onetouch-learners-{year}.csv\",
  \"columns\": {\"commune\": \"Xã/Phường\", \"date\": \"Ngày hoàn thành\"}}
]"

# The server's export: commune i (0..10) has i+1 learners who completed in
# 2024, one in 2023 and one unfinished; one learner of Mỹ Hào.
run_collect 10 0 dti-collect-onetouch --source onetouch:http
expect_run "ok|89|11|1|0"
[ "$(sql "select value from observation where commune_code = '11986' and variable = 'onetouch_learners'")" = 1 ] || fail "Như Quỳnh should have 1 learner"
[ "$(sql "select value from observation where commune_code = '12016' and variable = 'onetouch_learners'")" = 11 ] || fail "Lạc Hồng should have 11 learners"
[ "$(sql "select sum(num) from observation o join source s on s.id = o.source_id where s.name = 'onetouch:http'")" = 66.0 ] || fail "66 learners in all"

# Unchanged export: 304, nothing read again.
run_collect 10 0 dti-collect-onetouch --source onetouch:http
expect_run "unchanged|0|0|0|0"

good=$(snapshot)
run_collect 10 1 dti-collect-onetouch --source onetouch:bad
expect_run "failed|90|0|1|1"
expect_error "onetouch.csv?bad=1:91, field Ngày hoàn thành: '31/02/20x4' is not a date"
expect_unchanged "$good"

# The bundled sample export through file:, with a {year} template.
run_collect 10 0 dti-collect-onetouch --source onetouch:file
[ "$(sql "select value from observation o join source s on s.id = o.source_id where s.name = 'onetouch:file' and commune_code = '11989'")" = 518 ] || fail "Lạc Đạo's sample count is not 518"
echo "all ok"
