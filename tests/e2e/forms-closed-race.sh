#!/bin/sh
# A round an admin closes is closed for `dti form import` too, even when
# it closes while the form is being imported: the import checks the round
# again inside the transaction that stores the answers (which holds the
# write lock, so the admin's close and the import are in one order).  The
# form is given through a named pipe: the import has read the round (open)
# and waits for the form's bytes when the round is closed, then gets them.
# The form is refused, nothing of it stored, the refusal recorded; with
# --force it is stored and the run says forced.
. "$DTI_ROOT/tests/e2e/forms_env"
dti form generate --commune 11989 --out "$T/forms" >/dev/null
fill_good "$T/forms/form-2024-11989.csv" "$T/good.csv"
dti form import --dry-run "$T/good.csv" 2>/dev/null || die "the form is not valid"
race() { # race [IMPORT OPTIONS]: the round closed while the import reads the form
	rm -f "$T/form.csv"
	mkfifo "$T/form.csv"
	python3 - "$DB" "$DTI_BIN/dti" "$T/dti.json" "$T/form.csv" "$T/good.csv" "$T/err" "$@" <<'PY'
import sqlite3, subprocess, sys, time
db, dti, cfg, fifo, good, err, extra = *sys.argv[1:7], sys.argv[7:]
p = subprocess.Popen([dti, "--config", cfg, "form", "import", *extra, fifo],
                     stderr=open(err, "w"), env={"USER": "admin-e2e", "PATH": "/usr/bin:/bin"})
w = open(fifo, "wb")  # returns once the import opened the form: it has read the round
now = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
c = sqlite3.connect(db, isolation_level=None, timeout=30)
c.execute("INSERT INTO round(year, deadline, closed_at, by, at) VALUES (2024, NULL, ?, 'admin', ?) "
          "ON CONFLICT(year) DO UPDATE SET closed_at = excluded.closed_at", (now, now))
c.close()
w.write(open(good, "rb").read())
w.close()
sys.exit(p.wait())
PY
}
rc=0
race || rc=$?
expect_eq "exit status of an import into a round closed meanwhile" "$rc" 1
grep -q "form.csv: đợt đánh giá năm 2024 đã đóng lúc .*; phiếu không được lưu" "$T/err" ||
	die "closed round message: $(cat "$T/err")"
expect_eq "observations stored" "$(q "SELECT count(*) FROM observation")" 0
expect_eq "contacts stored" "$(q "SELECT count(*) FROM commune_contact")" 0
expect_eq "runs" "$(q "SELECT group_concat(status || ' ' || forced) FROM run")" "failed 0"

# Forced: stored, and the run says it was forced although the round was
# open when the form was read.
q "DELETE FROM round"
rc=0
race --force || rc=$?
expect_eq "exit status of a forced import" "$rc" 0
expect_eq "observations stored when forced" "$(q "SELECT count(*) FROM observation")" 18
expect_eq "the forced run" "$(q "SELECT forced || ' ' || user FROM run WHERE status = 'ok'")" "1 admin-e2e"
