#!/bin/sh
# The failure notifier: dti-nightly-notify mails the failed unit's status and
# `dti status` through sendmail to DTI_ALERT_TO, says so when sendmail
# refuses or is missing; the nightly service cannot be enabled to run at
# boot (no [Install]), only its timer.
. "$DTI_ROOT/tests/e2e/ops-common.inc"
configure real '[]'
nightly 2>/dev/null || fail "the first run failed"

fake=$DTI_TMP/fake
mkdir -p "$fake"
cat >"$fake/sendmail" <<'FAKE'
#!/bin/sh
printf '%s\n' "$*" >"$DTI_TMP/sendmail.args"
cat >"$DTI_TMP/sendmail.mail"
exit "${FAKE_SENDMAIL_RC:-0}"
FAKE
cat >"$fake/systemctl" <<'FAKE'
#!/bin/sh
echo "× $4 - dti nightly run (collect, score, publish, back up)"
echo "     Active: failed (Result: exit-code)"
FAKE
chmod +x "$fake/sendmail" "$fake/systemctl"
notify=$R/cron/dti-nightly-notify
run_notify() {
	PATH=$fake:$bin:/usr/bin:/bin DTI_CONFIG=$dep/config/dti.json DTI_ALERT_TO=ops@example.org \
		sh "$notify" dti-nightly.service 2>"$DTI_TMP/notify.err"
}

run_notify || fail "notify exited $?: $(cat "$DTI_TMP/notify.err")"
grep -qx -- '-i -- ops@example.org' "$DTI_TMP/sendmail.args" || fail "sendmail called with $(cat "$DTI_TMP/sendmail.args")"
m=$DTI_TMP/sendmail.mail
grep -qx 'To: ops@example.org' "$m" || fail "no To: header"
grep -q '^Subject: dti: dti-nightly.service failed on ' "$m" || fail "no Subject: header"
grep -q 'Active: failed' "$m" || fail "the unit's status is not in the mail"
grep -q '^scoring: ' "$m" || fail "dti status is not in the mail: $(cat "$m")"

FAKE_SENDMAIL_RC=75 run_notify && fail "notify exited 0 although sendmail failed"
grep -q 'was not mailed to ops@example.org' "$DTI_TMP/notify.err" || fail "no message when sendmail fails"
DTI_SENDMAIL=$DTI_TMP/no-such-sendmail DTI_ALERT_TO=x sh "$notify" u 2>"$DTI_TMP/notify.err" &&
	fail "notify exited 0 without sendmail"
grep -q 'install msmtp-mta' "$DTI_TMP/notify.err" || fail "no hint without sendmail: $(cat "$DTI_TMP/notify.err")"

# Enabling the service by mistake must not make it run at every boot.
svc=$R/cron/dti-nightly.service
grep -q '^\[Install\]' "$svc" && fail "dti-nightly.service has an [Install] section"
grep -q '^WantedBy=timers.target$' "$R/cron/dti-nightly.timer" || fail "the timer is not wanted by timers.target"
grep -q '^ExecStart=/usr/bin/dti-nightly-notify %i$' "$R/cron/dti-nightly-failure@.service" ||
	fail "the failure unit does not run dti-nightly-notify"
echo "notifier ok"
