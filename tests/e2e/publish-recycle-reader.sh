#!/bin/sh
# A reader that opened a published file (dti-web sending an export from
# its descriptor, a backup, a browser's download) and is still reading it
# two publishes later reads it as it was published: the second publish
# starts from the folder the first one replaced (OUT/.YEAR.spare), whose
# files it writes over in place, but not a file somebody holds open (the
# reader's inode): that one is made anew.  Fails if the kept files are
# written over without that check.
set -eu
V=$DTI_ROOT/tests/fixtures/vectors
T=$DTI_TMP
dti() { "$DTI_BIN/dti" -q --config "$DTI_ROOT/config/dti.json" --db "$T/dti.db" "$@"; }
dti communes load "$V/communes.csv"
dti import "$V/inputs.csv" >/dev/null
dti score >/dev/null
dti publish --out "$T/out" >/dev/null
python3 - "$DTI_BIN/dti" "$DTI_ROOT/config/dti.json" "$T" <<'PY'
import subprocess, sys
dti, cfg, t = sys.argv[1:]
run = lambda *a: subprocess.run([dti, "-q", "--config", cfg, "--db", t + "/dti.db", *a],
                                check=True, stdout=subprocess.DEVNULL)
f = open(t + "/out/2024/dti-2024.json", "rb")
head = f.read(100)  # a reader part-way through the export
rest = f.read()
f.seek(100)
run("score")  # another run: another report
run("publish", "--out", t + "/out")
run("publish", "--out", t + "/out")
got = head + f.read()
if got != head + rest:
    sys.exit("FAIL: a reader of the published export read bytes of another report (%d bytes, "
             "%d differ)" % (len(got), sum(a != b for a, b in zip(got, head + rest))))
print("a reader of a published file read it as it was published")
PY
