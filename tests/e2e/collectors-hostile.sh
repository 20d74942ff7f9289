#!/bin/sh
# Hostile feeds (issue #11): links and redirects that try to reach further
# than the configured URL — file: from an HTTP page, out of a file: feed's
# folder, a FIFO, another origin with the credentials — and replies that
# must fail with an accurate message (HTTP/0.9, a huge header, a "next" that
# is not text, ragged CSV rows), plus a JSON feed with a byte order mark
# that must be read.  Checks what staging holds and what the other server
# received.
. "$DTI_ROOT/tests/e2e/lib/collectors.sh"
start_httpd 20
start_other_httpd

export DTI_E2E_TOKEN=s3cret-token
AUTH=', "auth": {"header": "Authorization", "prefix": "Bearer ", "env": "DTI_E2E_TOKEN"}, "headers": {"X-Api-Key": "k3y"}'
NEXT=', "pagination": {"type": "next", "next": "links.next"}'
REFUSE=', "cross_origin": "refuse"'

# A local JSON feed whose figures must never be stored through a link, a
# file: feed in its own folder, and a FIFO nobody writes to.
mkdir -p "$T/feeds"
python3 - "$T" <<'PY'
import json, sys
t = sys.argv[1]
codes = ["11986", "11989", "11992", "11995", "11998", "12001", "12004", "12007", "12010", "12013", "12016"]
def doc(r, nxt):
    return json.dumps({"du_lieu": [{"ma_xa": codes[i], "tb_smartphone": 7000 + i} for i in r], "links": {"next": nxt}})
open(t + "/local.json", "w").write(doc(range(6, 11), None))
open(t + "/feeds/ok1.json", "w").write(doc(range(6), "page2.json"))
open(t + "/feeds/page2.json", "w").write(doc(range(6, 11), None))
open(t + "/feeds/up1.json", "w").write(doc(range(6), "../local.json"))
open(t + "/feeds/fifo1.json", "w").write(doc(range(6), "fifo"))
open(t + "/feeds/link1.json", "w").write(doc(range(6), "escape.json"))
PY
mkfifo "$T/fifo" "$T/feeds/fifo"
ln -s ../local.json "$T/feeds/escape.json"

csv_block() {
	printf '{"name": "%s", "kind": "telecom", "max_age_hours": 24, "url": "%s", "format": "csv", "commune": {"code": "ma_xa"}, "fields": {"smartphone_users": "tb_smartphone"}}' "$1" "$2"
}

write_config "[
 $(telecom_block telecom:good "$BASE/feed/ok?page={page}" ', "pagination": {"type": "page"}'),
 $(telecom_block telecom:next-file "$BASE/feed/next-to?to=file://$T/local.json" "$NEXT"),
 $(telecom_block telecom:next-passwd "$BASE/feed/next-to?to=file:///etc/passwd" "$NEXT"),
 $(telecom_block telecom:next-fifo "$BASE/feed/next-to?to=file://$T/fifo" "$NEXT"),
 $(telecom_block telecom:file-ok "file://$T/feeds/ok1.json" "$NEXT"),
 $(telecom_block telecom:file-up "file://$T/feeds/up1.json" "$NEXT"),
 $(telecom_block telecom:file-fifo "file://$T/feeds/fifo1.json" "$NEXT"),
 $(telecom_block telecom:file-link "file://$T/feeds/link1.json" "$NEXT"),
 $(telecom_block telecom:redirect-file "$BASE/feed/redirect-to?to=file://$T/local.json" "$AUTH"),
 $(telecom_block telecom:next-other "$BASE/feed/next-to?to=$OTHER/feed/rest" "$NEXT$AUTH"),
 $(telecom_block telecom:next-other-refuse "$BASE/feed/next-to?to=$OTHER/feed/rest" "$NEXT$AUTH$REFUSE"),
 $(telecom_block telecom:next-same "$BASE/feed/next-to?to=/feed/rest" "$NEXT$AUTH$REFUSE"),
 $(telecom_block telecom:redirect-other "$BASE/feed/redirect-to?to=$OTHER/feed/rest" "$AUTH"),
 $(telecom_block telecom:redirect-other-refuse "$BASE/feed/redirect-to?to=$OTHER/feed/rest" "$AUTH$REFUSE"),
 $(telecom_block telecom:redirect-same "$BASE/feed/redirect-to?to=/feed/auth" "$AUTH$REFUSE"),
 $(telecom_block telecom:redirects "$BASE/feed/redirect-ok" ', "max_redirects": 0'),
 $(telecom_block telecom:http09 "$BASE/feed/http09" ', "retries": 0'),
 $(telecom_block telecom:bigheader "$BASE/feed/bigheader" ', "retries": 0'),
 $(telecom_block telecom:next-number "$BASE/feed/next-number" "$NEXT"),
 $(telecom_block telecom:bom "$BASE/feed/bom"),
 $(csv_block telecom:ragged "$BASE/feed/ragged.csv")
]"

run_collect 10 0 dti-collect-telecom --source telecom:good
good=$(snapshot)

# 1. file: from an HTTP page, never; the local figures are not stored and
# nothing of /etc/passwd reaches the run record.
run_collect 5 1 dti-collect-telecom --source telecom:next-file
expect_run "failed|6|0|0|0"
expect_error "next link 'file://$T/local.json' refused: its scheme is not the configured URL's (http:)"
expect_unchanged "$good"
[ "$(sql "select count(*) from observation where value like '70%'")" -eq 0 ] || fail "local figures stored"

run_collect 5 1 dti-collect-telecom --source telecom:next-passwd
expect_error "refused"
sql "select error from run" | grep -q root && fail "/etc/passwd reached run.error"
expect_unchanged "$good"

run_collect 5 1 dti-collect-telecom --source telecom:next-fifo
expect_error "refused"
expect_unchanged "$good"

# A file: feed pages within its own folder, and no further.
run_collect 5 1 dti-collect-telecom --source telecom:file-up
expect_error "refused: outside the folder of the configured file"
expect_unchanged "$good"
run_collect 5 1 dti-collect-telecom --source telecom:file-link
expect_error "refused: outside the folder of the configured file"
expect_unchanged "$good"
run_collect 5 1 dti-collect-telecom --source telecom:file-fifo
expect_error "refused: not a regular file"
expect_unchanged "$good"

# Redirects: http and https only.
run_collect 5 1 dti-collect-telecom --source telecom:redirect-file
expect_error "redirect to 'file://$T/local.json' refused: scheme not allowed"
expect_unchanged "$good"
run_collect 5 1 dti-collect-telecom --source telecom:redirects
expect_error "more than 0 redirects"
expect_unchanged "$good"

# 2. Another origin: refused when the block says so — the other server
# receives nothing.
run_collect 5 1 dti-collect-telecom --source telecom:next-other-refuse
expect_error "refused: another origin"
expect_unchanged "$good"
run_collect 5 1 dti-collect-telecom --source telecom:redirect-other-refuse
expect_error "refused: another origin"
expect_unchanged "$good"
[ -s "$T/other.log" ] && fail "the other origin was asked despite \"cross_origin\": \"refuse\""

# 10. Accurate messages.
run_collect 5 1 dti-collect-telecom --source telecom:http09
expect_error "the server's reply is not HTTP/1.x"
expect_unchanged "$good"
run_collect 5 1 dti-collect-telecom --source telecom:bigheader
expect_error "a response header is too large"
expect_unchanged "$good"

# 8. A "next" that is not text; 7. ragged CSV rows.
run_collect 5 1 dti-collect-telecom --source telecom:next-number
expect_error "/feed/next-number: next link at \"links.next\" is 12"
expect_unchanged "$good"
run_collect 5 1 dti-collect-telecom --source telecom:ragged
expect_run "failed|3|0|0|0"
expect_error "/feed/ragged.csv:5: 4 fields where the header has 3"
expect_unchanged "$good"

# What must work: a file: feed paged in its folder, 9. a JSON BOM, and
# another origin by default — without the credentials.
run_collect 5 0 dti-collect-telecom --source telecom:file-ok
expect_run "ok|11|11|0|0"
run_collect 5 0 dti-collect-telecom --source telecom:bom
expect_run "ok|11|44|0|0"

run_collect 5 0 dti-collect-telecom --source telecom:next-other
expect_run "ok|11|44|0|0"
run_collect 5 0 dti-collect-telecom --source telecom:redirect-other
expect_run "ok|5|20|0|0"
[ "$(grep -c '^/feed/rest? ' "$T/other.log.headers")" -eq 2 ] || fail "the other origin was not asked twice"
grep -v 'Authorization=- X-Api-Key=-$' "$T/other.log.headers" && fail "credentials reached the other origin"
grep -q '^/feed/next-to? Authorization=Bearer s3cret-token X-Api-Key=k3y$' "$T/requests.log.headers" ||
	fail "the configured origin did not get the credentials"

# The same origin keeps them, through a next link and a redirect.
run_collect 5 0 dti-collect-telecom --source telecom:next-same
expect_run "ok|11|44|0|0"
grep -q '^/feed/rest? Authorization=Bearer s3cret-token X-Api-Key=k3y$' "$T/requests.log.headers" ||
	fail "a same-origin next link lost the credentials"
run_collect 5 0 dti-collect-telecom --source telecom:redirect-same
expect_run "ok|11|44|0|0"
grep -q '^/feed/auth? Authorization=Bearer s3cret-token X-Api-Key=k3y$' "$T/requests.log.headers" ||
	fail "a same-origin redirect lost the credentials"

# A bad "cross_origin" is a configuration error.
write_config "[ $(telecom_block telecom:bad "$BASE/feed/ok" ', "cross_origin": "maybe"') ]"
"$B/dti-collect-telecom" --config "$CONF" 2>"$T/err.txt"; st=$?
[ $st -eq 3 ] || fail "a bad cross_origin is exit $st, not 3"
grep -q 'source .telecom:bad.: "cross_origin" must be "strip" or "refuse"' "$T/err.txt" ||
	fail "the cross_origin message does not say why"
echo "all ok"
