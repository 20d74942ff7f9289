#!/bin/sh
# Retries: 429 with Retry-After, 500 then success, 500 forever, a Retry-After
# beyond the bound, connection refused.  Each failure leaves staging as it
# was and records a failed run with the reason.
. "$DTI_ROOT/tests/e2e/lib/collectors.sh"
start_httpd 20

# A port nobody listens on: bind one, note it, close it.
DEAD=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')

write_config "[
 $(telecom_block telecom:good "$BASE/feed/ok?page={page}" ', "pagination": {"type": "page"}'),
 $(telecom_block telecom:429 "$BASE/feed/429"),
 $(telecom_block telecom:429long "$BASE/feed/429long"),
 $(telecom_block telecom:500once "$BASE/feed/500once"),
 $(telecom_block telecom:500 "$BASE/feed/500"),
 $(telecom_block telecom:refused "http://127.0.0.1:$DEAD/feed")
]"

run_collect 10 0 dti-collect-telecom --source telecom:good
expect_run "ok|11|44|0|0"
good=$(snapshot)

# 429 with Retry-After: 1 — waits about a second, then succeeds.
run_collect 6 0 dti-collect-telecom --source telecom:429
expect_run "ok|11|44|0|0"
awk "BEGIN { exit !($ELAPSED >= 0.9) }" || fail "Retry-After: 1 was not honoured (${ELAPSED}s)"
[ "$(hits /feed/429?)" -eq 2 ] || fail "429 then ok should take 2 requests"

# 500 then success.
run_collect 5 0 dti-collect-telecom --source telecom:500once
expect_run "ok|11|44|0|0"
[ "$(hits /feed/500once?)" -eq 2 ] || fail "500 then ok should take 2 requests"
good=$(snapshot)

# 500 forever: 1 + 2 retries, then the source fails; nothing changes.
run_collect 5 1 dti-collect-telecom --source telecom:500
expect_run "failed|0|0|0|0"
expect_error "HTTP status 500"
expect_error "after 3 attempts"
[ "$(hits /feed/500?)" -eq 3 ] || fail "500 forever should be tried 3 times, was $(hits /feed/500?)"
expect_unchanged "$good"

# Retry-After beyond the bound (5 s here): fail at once rather than wait an hour.
run_collect 3 1 dti-collect-telecom --source telecom:429long
expect_run "failed|0|0|0|0"
expect_error "retry after 3600 s"
expect_unchanged "$good"

# Connection refused: retried, then failed, quickly.
run_collect 5 1 dti-collect-telecom --source telecom:refused
expect_run "failed|0|0|0|0"
expect_error "127.0.0.1:$DEAD"
expect_unchanged "$good"

# A failed source does not stop the others; the exit status says one failed.
run_collect 10 1 dti-collect-telecom
[ "$(grep -c ': ok ' "$T/out.txt")" -eq 3 ] || fail "the good sources did not all run"
[ "$(grep -c ': failed ' "$T/out.txt")" -eq 3 ] || fail "not 3 failed sources"
[ "$(sql "select last_status from source_freshness where source = 'telecom:500'")" = failed ] || fail "source_freshness does not show the failure"
echo "all ok"
