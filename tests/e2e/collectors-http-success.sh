#!/bin/sh
# Collectors against a real local HTTP server: pagination by page number and
# by next link, conditional GET (304 → unchanged), unknown communes skipped
# and counted, a POST form with headers and paging, parallel URL templates,
# dry runs and the command-line contract.
. "$DTI_ROOT/tests/e2e/lib/collectors.sh"
start_httpd 20

write_config "[
 $(telecom_block telecom:paged "$BASE/feed/ok?page={page}" ', "pagination": {"type": "page", "max_pages": 10}'),
 $(telecom_block telecom:linked "$BASE/feed/next/1" ', "pagination": {"type": "next", "next": "links.next"}'),
 $(telecom_block telecom:etag "$BASE/feed/etag"),
 $(telecom_block telecom:unknown "$BASE/feed/unknown"),
 $(telecom_block telecom:each "$BASE/feed/commune/{commune}?k=each" ', "max_host_connections": 4'),
 $(telecom_block telecom:redirected "$BASE/feed/redirect-ok"),
 $(telecom_block telecom:auth-env "$BASE/feed/auth" ', "auth": {"prefix": "Bearer ", "env": "DTI_TEST_TOKEN"}'),
 $(telecom_block telecom:auth-file "$BASE/feed/auth" ', "auth": {"header": "Authorization", "prefix": "Bearer ", "file": "token.txt"}'),
 $(telecom_block telecom:district "$BASE/feed/district/{district}"),
 $(telecom_block telecom:each-paged "$BASE/feed/commune-pages/{commune}/1" ', "pagination": {"type": "next", "next": "links.next"}'),
 {\"name\": \"portal:rest\", \"kind\": \"portal\", \"max_age_hours\": 36, \"url\": \"$BASE/portal\",
  \"method\": \"POST\", \"headers\": {\"groupId\": \"35417\"},
  \"form\": {\"params\": \"{\\\"service\\\":\\\"report_tthc_tilexulyhs_service\\\",\\\"p_nam\\\":{year},\\\"pageIndex\\\":{page},\\\"pageSize\\\":4}\"},
  \"records\": \"data\", \"commune\": {\"name\": \"TEN\", \"strip\": [\"UBND\"]}, \"year_field\": \"NAM\",
  \"pagination\": {\"type\": \"page\", \"total_pages\": \"totalPages\"},
  \"fields\": {\"dossiers_total\": \"TONG_HS\"}}
]"

# Command-line contract.
"$B/dti-collect-telecom" --help | grep -q -- "--source" || fail "--help lacks --source"
"$B/dti-collect-telecom" --bogus 2>/dev/null; [ $? -eq 2 ] || fail "unknown option is not exit 2"
"$B/dti-collect-telecom" --config "$CONF" --source nope 2>/dev/null; [ $? -eq 3 ] || fail "unknown source is not exit 3"
"$B/dti-collect-portal" --config "$CONF" --source telecom:paged 2>/dev/null; [ $? -eq 3 ] || fail "source of another kind is not exit 3"

# Pagination by page number: 6 + 5 records, stopped by the empty third page.
run_collect 10 0 dti-collect-telecom --source telecom:paged
expect_run "ok|11|44|0|0"
[ "$(hits '/feed/ok?')" -eq 3 ] || fail "page-number pagination made $(hits '/feed/ok?') requests, not 3"
[ "$(sql "select count(*) from observation o join source s on s.id = o.source_id where s.name = 'telecom:paged'")" -eq 44 ] || fail "not 44 observations"
[ "$(sql "select value from observation where commune_code = '12016' and variable = 'smartphone_users'")" = 1010 ] || fail "wrong value for 12016"
[ "$(sql "select count(*) from payload")" -ge 1 ] || fail "payload not kept"
[ "$(sql "select max_age_hours from source where name = 'telecom:paged'")" = 24.0 ] || fail "max_age_hours not written"

# Pagination by next link.
run_collect 10 0 dti-collect-telecom --source telecom:linked
expect_run "ok|11|44|0|0"

# Conditional GET: the second run gets 304 and records 'unchanged'.
run_collect 10 0 dti-collect-telecom --source telecom:etag
expect_run "ok|11|44|0|0"
[ "$(sql "select etag from source where name = 'telecom:etag'")" = '"v0"' ] || fail "etag not remembered"
before=$(snapshot)
run_collect 10 0 dti-collect-telecom --source telecom:etag
expect_run "unchanged|0|0|0|0"
expect_out "telecom:etag: unchanged"
expect_unchanged "$before"

# Unknown communes are skipped and counted; the rest is stored.
run_collect 10 0 dti-collect-telecom --source telecom:unknown
expect_run "ok|13|44|2|0"

# A {commune} template: 11 requests in parallel.
run_collect 10 0 dti-collect-telecom --source telecom:each
expect_run "ok|11|44|0|0"
[ "$(hits '/feed/commune/11989?each')" -eq 1 ] || fail "template did not fetch commune 11989 once"

# An http redirect is followed.
run_collect 10 0 dti-collect-telecom --source telecom:redirected
expect_run "ok|6|24|0|0"

# Credentials from an environment variable or a file; never printed or stored.
printf 's3cret-token\n' >"$T/token.txt"
DTI_TEST_TOKEN=s3cret-token run_collect 10 0 dti-collect-telecom --source telecom:auth-env
expect_run "ok|11|44|0|0"
DTI_TEST_TOKEN= run_collect 10 1 dti-collect-telecom --source telecom:auth-env
expect_error "credential variable DTI_TEST_TOKEN is not set"
DTI_TEST_TOKEN=wrong run_collect 10 1 dti-collect-telecom --source telecom:auth-env
expect_error "HTTP status 401"
[ "$(hits /feed/auth?)" -eq 2 ] || fail "a 401 must not be retried"
run_collect 10 0 dti-collect-telecom --source telecom:auth-file
expect_run "ok|11|44|0|0"
grep -q s3cret "$T/out.txt" "$T/err.txt" && fail "the credential was printed"
[ "$(sql "select count(*) from run where error like '%s3cret%' or input like '%s3cret%'")" -eq 0 ] || fail "the credential was stored"

# A {district} template: one request per district of the assessed communes.
run_collect 10 0 dti-collect-telecom --source telecom:district
expect_run "ok|11|44|0|0"
[ "$(hits /feed/district/325?)" -eq 1 ] || fail "district 325 not fetched once"

# A template over communes whose feeds are paged: page 1 of every commune
# at once, then page 2 of every commune.
run_collect 10 0 dti-collect-telecom --source telecom:each-paged
expect_run "ok|11|44|0|0"
for c in 11986 11989 12016; do
	[ "$(hits /feed/commune-pages/$c/1?)" -eq 1 ] && [ "$(hits /feed/commune-pages/$c/2?)" -eq 1 ] ||
		fail "commune $c: pages not read once each"
done
grep -q "(22 requests)" "$T/out.txt" || [ "$(sql "select input from run order by id desc limit 1")" = "$BASE/feed/commune-pages/{commune}/1 (22 requests)" ] ||
	fail "the run does not record 22 requests"

# POST with a form body, a header and page index, like the portal's rest.jsp.
run_collect 10 0 dti-collect-portal --source portal:rest
expect_run "ok|11|11|0|0"
[ "$(sql "select value from observation where commune_code = '11989' and variable = 'dossiers_total'")" = 101 ] || fail "portal value for Lạc Đạo wrong"

# Dry run: fetches, parses, validates, reports; stores nothing at all.
before=$(snapshot)
runs=$(sql "select count(*) from run")
run_collect 10 0 dti-collect-telecom --dry-run --source telecom:paged
expect_out "telecom:paged: dry_run"
expect_unchanged "$before"
[ "$(sql "select count(*) from run")" -eq "$runs" ] || fail "dry run wrote a run record"

# Every telecom source at once: one summary line each.
DTI_TEST_TOKEN=s3cret-token run_collect 15 0 dti-collect-telecom
[ "$(grep -c '^telecom:' "$T/out.txt")" -eq 10 ] || fail "not one summary line per telecom source"
echo "all ok"
