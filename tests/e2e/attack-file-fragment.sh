#!/bin/sh
# A file: feed's next link may only name a regular file inside the feed's
# folder.  The check must look at the file curl opens: a link with a
# fragment ("evil#/ok.json") names, for curl, the file "evil" — here a
# symbolic link out of the folder, or a FIFO — while the folder "evil#"
# beside it holds a harmless regular file "ok.json".
. "$DTI_ROOT/tests/e2e/lib/collectors.sh"
NEXT=', "pagination": {"type": "next", "next": "links.next"}'
mkdir -p "$T/feeds/evil#" "$T/feeds/fifo#"
python3 - "$T" <<'PY'
import json, sys
t = sys.argv[1]
codes = ["11986", "11989", "11992", "11995", "11998", "12001", "12004", "12007", "12010", "12013", "12016"]
def doc(r, nxt):
    return json.dumps({"du_lieu": [{"ma_xa": codes[i], "tb_smartphone": 7000 + i} for i in r], "links": {"next": nxt}})
open(t + "/local.json", "w").write(doc(range(6, 11), None))
open(t + "/feeds/frag1.json", "w").write(doc(range(6), "evil#/ok.json"))
open(t + "/feeds/fifo1.json", "w").write(doc(range(6), "fifo#/ok.json"))
open(t + "/feeds/evil#/ok.json", "w").write(doc([], None))
open(t + "/feeds/fifo#/ok.json", "w").write(doc([], None))
PY
ln -s ../local.json "$T/feeds/evil"
mkfifo "$T/feeds/fifo"
write_config "[
 $(telecom_block telecom:frag "file://$T/feeds/frag1.json" "$NEXT"),
 $(telecom_block telecom:fifo "file://$T/feeds/fifo1.json" "$NEXT")
]"
rc=0
timeout 10 "$B/dti-collect-telecom" --config "$CONF" --source telecom:frag >"$T/out.txt" 2>"$T/err.txt" || rc=$?
cat "$T/out.txt" "$T/err.txt"
[ "$(sql "select count(*) from observation where value like '70%'")" -eq 0 ] ||
	fail "figures of the file outside the folder were stored through 'evil#/ok.json'"
[ "$rc" = 1 ] || fail "the fragment link: exit $rc, expected 1"
sql "delete from observation" >/dev/null
rc=0
timeout 10 "$B/dti-collect-telecom" --config "$CONF" --source telecom:fifo >"$T/out.txt" 2>"$T/err.txt" || rc=$?
cat "$T/out.txt" "$T/err.txt"
[ "$rc" = 124 ] && fail "the collector waited on the FIFO named by 'fifo#/ok.json'"
[ "$rc" = 1 ] || fail "the FIFO fragment link: exit $rc, expected 1"
[ "$(sql "select count(*) from observation")" -eq 0 ] || fail "the FIFO run stored figures"
echo "file fragment ok"
