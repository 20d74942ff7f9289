#!/bin/sh
# dti-web sweeps at start-up the temporary files an upload interrupted by a
# crash leaves in the evidence folder (.upload-* older than an hour), and
# nothing else: not a younger one (an upload being written), not a stored
# file however old, not what a symbolic link points to, not a folder that
# is not the store's.
. "$DTI_ROOT/tests/e2e/web_commune_env"
E=$T/evidence
SHA=ab$(printf '%062d' 7)
mkdir -p "$E/ab" "$E/cd" "$E/zz" "$T/outside"
for f in "$E/ab/.upload-Q1w2e3" "$E/cd/.upload-R4t5y6" "$E/ab/.upload-young" "$E/ab/$SHA" \
	"$E/zz/.upload-Z9x8c7" "$T/outside/keep" "$T/outside/.upload-victim"; do
	printf '%%PDF-1.4 partial' >"$f"
done
ln -s "$T/outside/keep" "$E/ab/.upload-link"
ln -s "$T/outside" "$E/ef"
old=$(date -d '2 hours ago' '+%Y%m%d%H%M.%S')
for f in "$E/ab/.upload-Q1w2e3" "$E/cd/.upload-R4t5y6" "$E/ab/$SHA" "$E/zz/.upload-Z9x8c7" \
	"$T/outside/keep" "$T/outside/.upload-victim"; do
	touch -t "$old" "$f"
done
touch -h -t "$old" "$E/ab/.upload-link" "$E/ef"
web_start
web_stop
for gone in "$E/ab/.upload-Q1w2e3" "$E/cd/.upload-R4t5y6"; do
	[ ! -e "$gone" ] || die "not swept: $gone"
done
for kept in "$E/ab/.upload-young" "$E/ab/$SHA" "$E/zz/.upload-Z9x8c7" "$T/outside/keep" \
	"$T/outside/.upload-victim"; do
	[ -f "$kept" ] || die "swept what it must keep: $kept"
done
[ -L "$E/ab/.upload-link" ] || die "a symbolic link removed"
grep -q "removed 2 temporary files left in '.*evidence' by an interrupted upload" "$T/web.log" ||
	die "the sweep not logged: $(cat "$T/web.log")"
# Nothing left to sweep: started again, nothing said.
: >"$T/web.log"
web_start
web_stop
grep -q "removed" "$T/web.log" && die "a second sweep removed something: $(cat "$T/web.log")"
# An unreadable folder is said, and the server still starts.
chmod 000 "$E"
if [ "$(id -u)" != 0 ]; then
	web_start
	web_stop
	grep -q "cannot read folder" "$T/web.log" || die "an unreadable folder not said"
fi
chmod 700 "$E"
exit 0
