#!/bin/sh
# Transport failures: a server that stops mid-body, a slow drip below the
# low-speed limit, a body over the cap (with and without Content-Length), a
# redirect to a scheme that is not allowed.  Each fails that source alone,
# in bounded time, and leaves staging as it was.
. "$DTI_ROOT/tests/e2e/lib/collectors.sh"
start_httpd 20

write_config "[
 $(telecom_block telecom:good "$BASE/feed/ok?page={page}" ', "pagination": {"type": "page"}'),
 $(telecom_block telecom:partial "$BASE/feed/partial" ', "retries": 1'),
 $(telecom_block telecom:drip "$BASE/feed/drip" ', "retries": 0'),
 $(telecom_block telecom:big "$BASE/feed/big" ', "max_bytes": 100000'),
 $(telecom_block telecom:bigchunked "$BASE/feed/bigchunked" ', "max_bytes": 100000'),
 $(telecom_block telecom:redirect "$BASE/feed/redirect-file")
]"

run_collect 10 0 dti-collect-telecom --source telecom:good
good=$(snapshot)

run_collect 5 1 dti-collect-telecom --source telecom:partial
expect_run "failed|0|0|0|0"
expect_error "/feed/partial"
[ "$(hits /feed/partial?)" -eq 2 ] || fail "a cut body should be retried once (retries 1)"
expect_unchanged "$good"

# low_speed_bytes 1000 for 1 s: the drip of 2 bytes/s is cut after ~1-2 s.
run_collect 5 1 dti-collect-telecom --source telecom:drip
expect_run "failed|0|0|0|0"
expect_error "/feed/drip"
expect_unchanged "$good"

run_collect 5 1 dti-collect-telecom --source telecom:big
expect_run "failed|0|0|0|0"
expect_error "larger than the cap of 100000 bytes"
[ "$(hits /feed/big?)" -eq 1 ] || fail "a body over the cap must not be retried"
expect_unchanged "$good"

run_collect 5 1 dti-collect-telecom --source telecom:bigchunked
expect_run "failed|0|0|0|0"
expect_error "larger than the cap of 100000 bytes"
expect_unchanged "$good"

run_collect 5 1 dti-collect-telecom --source telecom:redirect
expect_run "failed|0|0|0|0"
expect_error "scheme not allowed"
expect_unchanged "$good"

# A configured URL with another scheme is a configuration error.
write_config "[ $(telecom_block telecom:ftp "ftp://127.0.0.1/x.json") ]"
"$B/dti-collect-telecom" --config "$CONF" 2>"$T/err.txt"; st=$?
[ $st -eq 3 ] || fail "an ftp URL is exit $st, not 3"
grep -q "is not http" "$T/err.txt" || fail "the ftp URL message does not say why"
echo "all ok"
