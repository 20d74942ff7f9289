#!/bin/sh
# What a hostile server says reaches the run's error, which is shown by
# 'dti status' (an operator's terminal, the failure mail) and on the
# published data-quality page.  Terminal escapes (ESC, BEL: set the window
# title, clear the screen) and bidirectional overrides from a next link must
# not get there as they are, and 'dti status' must not cut a long error in
# the middle of a UTF-8 character.
. "$DTI_ROOT/tests/e2e/lib/collectors.sh"
start_httpd 20
NEXT=', "pagination": {"type": "next", "next": "links.next"}'
enc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
EV=$(printf '\033]0;pwned\007\033[2J\342\200\256live')
LONG=$(python3 -c 'print("ạ" * 300)')
write_config "[
 $(telecom_block t:esc "$BASE/feed/next-to?to=$(enc "$EV")" "$NEXT"),
 $(telecom_block t:long "$BASE/feed/next-to?to=$(enc "$BASE/$LONG")" "$NEXT")
]"
"$B/dti-collect-telecom" --config "$CONF" --source t:esc >"$T/out.txt" 2>"$T/err.txt" && fail "t:esc did not fail"
"$B/dti-collect-telecom" --config "$CONF" --source t:long >/dev/null 2>&1 && fail "t:long did not fail"
"$B/dti" --config "$CONF" status >"$T/status.txt" 2>&1
python3 - "$T" <<'PY' || fail "hostile text got through"
import sqlite3, sys
t = sys.argv[1]
bad = [b"\x1b", b"\x07", "\u202e".encode()]
ok = True
def check(what, data):
    global ok
    for c in bad:
        if c in data:
            print("FAIL: %s holds %r" % (what, c)); ok = False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as e:
        print("FAIL: %s is not UTF-8: %s" % (what, e)); ok = False
db = sqlite3.connect(t + "/dti.db")
db.text_factory = bytes
for (e,) in db.execute("select error from run"):
    check("run.error", e)
check("the collector's messages", open(t + "/out.txt", "rb").read() + open(t + "/err.txt", "rb").read())
check("dti status", open(t + "/status.txt", "rb").read())
sys.exit(0 if ok else 1)
PY
grep -q "t:esc.*next link" "$T/status.txt" || fail "status lost the error"
echo "run error text ok"
