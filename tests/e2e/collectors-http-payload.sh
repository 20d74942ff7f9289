#!/bin/sh
# Bad payloads: truncated JSON, an HTML error page with status 200, invalid
# UTF-8, wrong field types and negative numbers, a pagination loop (by next
# link, in each commune's feed of a template, and by a server ignoring the
# page number).  Each fails the source with
# a message naming the record and field where there is one, stores nothing
# and leaves earlier data intact.
. "$DTI_ROOT/tests/e2e/lib/collectors.sh"
start_httpd 20

write_config "[
 $(telecom_block telecom:good "$BASE/feed/ok?page={page}" ', "pagination": {"type": "page"}'),
 $(telecom_block telecom:truncated "$BASE/feed/truncated"),
 $(telecom_block telecom:html "$BASE/feed/html"),
 $(telecom_block telecom:badutf8 "$BASE/feed/badutf8"),
 $(telecom_block telecom:types "$BASE/feed/wrongtypes"),
 $(telecom_block telecom:loop "$BASE/feed/loop/1" ', "pagination": {"type": "next", "next": "links.next"}'),
 $(telecom_block telecom:each-loop "$BASE/feed/commune-pages/{commune}/1?loop=1" ', "pagination": {"type": "next", "next": "links.next"}'),
 $(telecom_block telecom:samepage "$BASE/feed/samepage?p={page}" ', "pagination": {"type": "page", "max_pages": 50}')
]"

run_collect 10 0 dti-collect-telecom --source telecom:good
good=$(snapshot)

run_collect 5 1 dti-collect-telecom --source telecom:truncated
expect_run "failed|0|0|0|0"
expect_error "not valid JSON"
expect_unchanged "$good"

run_collect 5 1 dti-collect-telecom --source telecom:html
expect_run "failed|0|0|0|0"
expect_error "HTML page"
expect_unchanged "$good"

run_collect 5 1 dti-collect-telecom --source telecom:badutf8
expect_run "failed|0|0|0|0"
expect_error "not valid UTF-8"
expect_unchanged "$good"

run_collect 5 1 dti-collect-telecom --source telecom:types
expect_run "failed|11|0|0|3"
expect_error "record 3 (commune 11992), field tb_smartphone: 'nhiều'"
expect_error "record 6 (commune 12001), field hgd_cap_quang: '-5'"
expect_error "record 8 (commune 12007), field dn_vcontract: expected a number or text, got a list"
expect_unchanged "$good"

run_collect 5 1 dti-collect-telecom --source telecom:loop
expect_run "failed|11|0|0|0"
expect_error "pagination loop"
[ "$(hits /feed/loop/1?)" -eq 1 ] || fail "the loop went round"
expect_unchanged "$good"

# The same loop in the paged feed of each commune of a template.
run_collect 5 1 dti-collect-telecom --source telecom:each-loop
expect_error "pagination loop"
[ "$(hits /feed/commune-pages/11989/1?)" -eq 1 ] || fail "the commune's loop went round"
[ "$(sql "select status from run order by id desc limit 1")" = failed ] || fail "the looping template did not fail"
expect_unchanged "$good"

run_collect 5 1 dti-collect-telecom --source telecom:samepage
expect_error "pagination loop: page 2 repeats"
expect_unchanged "$good"

# Dry run of a bad payload: exit 1, and no run record either.
runs=$(sql "select count(*) from run")
run_collect 5 1 dti-collect-telecom --dry-run --source telecom:types
[ "$(sql "select count(*) from run")" -eq "$runs" ] || fail "dry run wrote a run record"
echo "all ok"
