#!/bin/sh
# make install: into a DESTDIR with PREFIX=/usr (Debian's places, paths in
# the configuration and units rewritten), and into a private prefix where
# the installed programs run a whole nightly from the installed
# configuration.  systemd-analyze verify accepts the installed units.
set -u
fail() {
	echo "FAIL: $*" >&2
	exit 1
}
root=$DTI_TMP/root
# MAKEFLAGS from the calling make (B, BIN, sanitizer flags) reach this make,
# so the programs under test are the ones installed.
make -s -C "$DTI_ROOT" install DESTDIR="$root" PREFIX=/usr >"$DTI_TMP/make1.log" 2>&1 ||
	fail "make install DESTDIR failed: $(tail -n 20 "$DTI_TMP/make1.log")"
for f in usr/bin/dti usr/bin/dti-nightly etc/dti/dti.json etc/dti/communes-van-lam.csv \
	usr/share/dti/frameworks/commune-2024.json usr/share/dti/admin-units-2025-03-01.csv \
	usr/share/dti/samples/sheets/bank-branches.csv usr/lib/systemd/system/dti-nightly.service \
	usr/lib/systemd/system/dti-nightly.timer usr/lib/systemd/system/dti-nightly-failure@.service \
	usr/share/doc/dti/examples/dti.crontab; do
	[ -f "$root/$f" ] || fail "make install did not install /$f"
done
# The documentation: the README and every page of docs/, where its links lead.
[ -f "$root/usr/share/doc/dti/README.md" ] || fail "make install did not install the README"
for page in "$DTI_ROOT"/docs/*.md; do
	cmp -s "$page" "$root/usr/share/doc/dti/docs/${page##*/}" ||
		fail "make install did not install docs/${page##*/}"
done
grep -q '^Documentation=file:///usr/share/doc/dti/docs/administrator.md' \
	"$root/usr/lib/systemd/system/dti-nightly.service" || fail "the unit's Documentation= is not the administrator's page"
# The man pages (one page for the collectors, linked under each name) and
# the bash completion, linked under each program it completes.
for f in usr/share/man/man1/dti.1 usr/share/man/man1/dti-collect.1 usr/share/man/man5/dti.json.5 \
	usr/share/man/man8/dti-nightly.8 usr/share/man/man8/dti-nightly-notify.8 \
	usr/share/bash-completion/completions/dti; do
	[ -s "$root/$f" ] || fail "make install did not install /$f"
done
for p in portal telecom postal onetouch sheet; do
	grep -qx '.so man1/dti-collect.1' "$root/usr/share/man/man1/dti-collect-$p.1" ||
		fail "dti-collect-$p.1 does not lead to dti-collect.1"
	[ "$(readlink "$root/usr/share/bash-completion/completions/dti-collect-$p")" = dti ] ||
		fail "no completion for dti-collect-$p"
done
[ "$(readlink "$root/usr/share/bash-completion/completions/dti-nightly")" = dti ] ||
	fail "no completion for dti-nightly"
grep -q '^\.TH DTI 1 ' "$root/usr/share/man/man1/dti.1" || fail "dti.1 is not a man page"
if command -v man >/dev/null 2>&1; then
	MANWIDTH=80 man -M "$root/usr/share/man" dti-collect-telecom 2>&1 | grep -q -- "--source NAME" ||
		fail "man dti-collect-telecom does not show the collectors' page"
fi
for d in var/lib/dti var/lib/dti/sheets var/log/dti; do
	[ -d "$root/$d" ] || fail "make install did not create /$d"
done
[ -x "$root/usr/bin/dti-nightly" ] || fail "dti-nightly is not executable"
[ -x "$root/usr/bin/dti-nightly-notify" ] || fail "dti-nightly-notify is not installed"
[ -f "$root/usr/share/doc/dti/examples/dti-nightly-failure-local-mta.conf" ] || fail "the local-MTA drop-in example is not installed"
cfg=$root/etc/dti/dti.json
for want in '"database": "/var/lib/dti/dti.db"' '"log_file": "/var/log/dti/dti-nightly.log"' \
	'"framework": "/usr/share/dti/frameworks/commune-2024.json"' \
	'"admin_units": "/usr/share/dti/admin-units-2025-03-01.csv"' \
	'"communes_csv": "/etc/dti/communes-van-lam.csv"' '"dir": "/var/lib/dti/backup"'; do
	grep -qF "$want" "$cfg" || fail "installed configuration lacks $want"
done
grep -q "$DTI_TMP\|\.\./" "$cfg" && fail "installed configuration keeps a build or relative path"
grep -q '^ExecStart=/usr/bin/dti-nightly --config /etc/dti/dti.json$' \
	"$root/usr/lib/systemd/system/dti-nightly.service" || fail "unit ExecStart not /usr/bin"
grep -q 'dti  /usr/bin/dti-nightly --config /etc/dti/dti.json' \
	"$root/usr/share/doc/dti/examples/dti.crontab" || fail "crontab example paths"
# Reinstalling keeps the administrator's configuration.
echo '{"edited": true}' >"$cfg"
make -s -C "$DTI_ROOT" install DESTDIR="$root" PREFIX=/usr >"$DTI_TMP/make2.log" 2>&1 || fail "reinstall failed"
grep -q edited "$cfg" || fail "reinstall overwrote /etc/dti/dti.json"
[ -f "$cfg.dist" ] || fail "reinstall did not leave dti.json.dist"

# A private prefix: the installed programs run from the installed configuration.
inst=$DTI_TMP/inst
make -s -C "$DTI_ROOT" install PREFIX="$inst" SYSCONFDIR="$inst/etc" LOCALSTATEDIR="$inst/var" \
	>"$DTI_TMP/make3.log" 2>&1 || fail "make install PREFIX failed: $(tail -n 20 "$DTI_TMP/make3.log")"
env -u DTI_BIN -u DTI_CONFIG "$inst/bin/dti-nightly" --config "$inst/etc/dti/dti.json" 2>"$DTI_TMP/n.err"
rc=$?
[ "$rc" = 0 ] || fail "installed nightly exited $rc: $(tail -n 20 "$DTI_TMP/n.err")"
grep -q "file:$inst/share/dti/samples/" "$inst/etc/dti/dti.json" ||
	fail "the installed sources do not read the installed samples"
[ -s "$inst/var/lib/dti/dti.db" ] || fail "no database in the installed data folder"
[ -s "$inst/var/lib/dti/out/2024/report/index.html" ] || fail "nothing published in the installed data folder"
grep -q "summary:" "$inst/var/log/dti/dti-nightly.log" || fail "no log in the installed log folder"
ls "$inst"/var/lib/dti/backup/dti-*.db >/dev/null 2>&1 || fail "no backup in the installed data folder"
"$inst/bin/dti" --config "$inst/etc/dti/dti.json" status >"$DTI_TMP/status.out"
grep -q "^scoring:   run 1" "$DTI_TMP/status.out" || fail "installed status: $(cat "$DTI_TMP/status.out")"

if command -v systemd-analyze >/dev/null 2>&1; then
	units=$inst/lib/systemd/system
	out=$(systemd-analyze verify "$units/dti-nightly.service" "$units/dti-nightly.timer" \
		"$units/dti-nightly-failure@.service" 2>&1) || fail "systemd-analyze verify: $out"
	[ -z "$out" ] || fail "systemd-analyze verify complains: $out"
	score=$(systemd-analyze security --offline=true "$units/dti-nightly.service" 2>/dev/null |
		sed -n 's/.*Overall exposure level for .*: \([0-9.]*\).*/\1/p')
	echo "systemd-analyze security exposure of dti-nightly.service: ${score:-unavailable}"
	[ -z "$score" ] || awk -v s="$score" 'BEGIN { exit !(s <= 2.0) }' || fail "exposure $score above 2.0"
else
	echo "systemd-analyze not installed: units not verified"
fi
echo "install ok"
