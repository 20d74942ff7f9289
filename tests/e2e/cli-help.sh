#!/bin/sh
# A command line that helps (issue #13, items 10 and 11): every program and
# every dti command answers --help on stdout with exit 0, and its text is
# its man page's section (the pages made from man/*.md as `make man` makes
# them); --version; dti help COMMAND; the nearest command, subcommand,
# option or source suggested; messages that name their command once; every
# list aligned on a terminal and tab-separated when piped; open errors that
# say why.
set -u
B=$DTI_BIN
R=$DTI_ROOT
T=$DTI_TMP
fail() {
	echo "FAIL: $*" >&2
	exit 1
}
dti() { "$B/dti" --config "$R/config/dti.json" --db "$T/dti.db" "$@"; }
python3 "$R/scripts/gen-man.py" --version test --man "$T/man" "$R"/man/*.md || fail "gen-man.py failed"
version=$(sed -n 's/^#define DTI_VERSION "\(.*\)"/\1/p' "$R/lib/util.h")

# The text of the man page section of help KEY, as the page shows it.
section() {
	python3 - "$T/man" "$1" <<'PY'
import glob, re, sys
key = sys.argv[2]
for page in glob.glob(sys.argv[1] + "/*.[158]"):
    lines = open(page, encoding="utf-8").read().split("\n")
    if f'.\\" help: {key}' not in lines:
        continue
    i = lines.index(f'.\\" help: {key}') + 1
    while lines[i] != '.\\" end help':
        line = lines[i]
        i += 1
        if re.match(r"^\.(PP|RS|RE|nf|fi)( |$)", line):
            continue
        if line.startswith("\\&"):
            line = line[2:]
        print(line.replace("\\-", "-").replace("\\e", "\\"))
    sys.exit(0)
sys.exit(f"no man page section for '{key}'")
PY
}

# check_help NAME EXPECTED-FILE CMD...: CMD prints EXPECTED on stdout,
# nothing on stderr, exit 0.
check_help() {
	name=$1 want=$2
	shift 2
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	[ "$rc" = 0 ] || fail "'$name' exited $rc: $(cat "$T/err")"
	[ -s "$T/err" ] && fail "'$name' wrote to stderr: $(cat "$T/err")"
	cmp -s "$T/out" "$want" || fail "'$name' differs from its man page: $(diff "$want" "$T/out" | head -20)"
	return 0
}

# dti itself, and every command and subcommand it lists.
section dti >"$T/want" || fail "no section for dti"
check_help "dti --help" "$T/want" "$B/dti" --help
check_help "dti help" "$T/want" "$B/dti" help
"$B/dti" help --commands >"$T/commands" || fail "dti help --commands failed"
[ "$(wc -l <"$T/commands")" -ge 25 ] || fail "dti help --commands lists too few: $(cat "$T/commands")"
while read -r words; do
	section "dti $words" >"$T/want" || fail "'dti $words' has no man page section"
	# shellcheck disable=SC2086
	check_help "dti $words --help" "$T/want" "$B/dti" $words --help
	# shellcheck disable=SC2086
	check_help "dti help $words" "$T/want" "$B/dti" help $words
	# shellcheck disable=SC2086
	[ "$("$B/dti" $words --version)" = "dti $version" ] || fail "dti $words --version"
	grep -q "^  $words  " "$T/want.dti" 2>/dev/null || section dti >"$T/want.dti"
	grep -q "^  $words  " "$T/want.dti" || fail "'dti --help' does not list '$words'"
done <"$T/commands"
# A command with subcommands: every subcommand's text.
{ section "dti communes load" && echo && section "dti communes list"; } >"$T/want"
check_help "dti communes --help" "$T/want" "$B/dti" communes --help
check_help "dti help communes" "$T/want" "$B/dti" help communes
# --help needs no configuration.
check_help "dti init --help" "$(section "dti init" >"$T/w" && echo "$T/w")" \
	env DTI_CONFIG=/nonexistent/dti.json "$B/dti" init --help
[ "$("$B/dti" --version)" = "dti $version" ] || fail "dti --version"

# The collectors: what each collects, then the options they share.
for k in portal telecom postal onetouch sheet; do
	p=dti-collect-$k
	{ section "$p" && echo && section dti-collect; } >"$T/want" || fail "no section for $p"
	check_help "$p --help" "$T/want" "$B/$p" --help
	[ "$("$B/$p" --version)" = "$p $version" ] || fail "$p --version"
	[ -f "$T/man/$p.1" ] || fail "no man page link $p.1"
done
# The nightly entry point and its failure mail (POSIX sh: compared here).
for p in dti-nightly dti-nightly-notify; do
	section "$p" >"$T/want" || fail "no section for $p"
	check_help "$p --help" "$T/want" sh "$R/cron/$p" --help
	[ "$(PATH=$B:$PATH sh "$R/cron/$p" --version)" = "$p $version" ] || fail "$p --version"
done
# The web application.
section dti-web >"$T/want" || fail "no section for dti-web"
check_help "dti-web --help" "$T/want" "$B/dti-web" --help
[ "$("$B/dti-web" --version)" = "dti-web $version" ] || fail "dti-web --version"
for page in dti.1 dti-collect.1 dti-nightly.8 dti-web.8 dti.json.5; do
	[ -s "$T/man/$page" ] || fail "no man page $page"
done
if command -v man >/dev/null 2>&1; then
	MANWIDTH=80 man -l "$T/man/dti.1" 2>"$T/man.err" | grep -q "dti communes load" ||
		fail "man cannot show dti.1: $(cat "$T/man.err")"
fi

# Misuse: exit 2, the nearest suggested, the command named once.
misuse() {
	want=$1
	shift
	"$@" >/dev/null 2>"$T/err"
	rc=$?
	[ "$rc" = 2 ] || fail "'$*' exited $rc, expected 2: $(cat "$T/err")"
	grep -qF -- "$want" "$T/err" || fail "'$*' does not say \"$want\": $(cat "$T/err")"
	if grep -E '^dti ([a-z-]+)( [a-z-]+)?: (\1|\2)[ :]' "$T/err" >/dev/null; then
		fail "'$*' names its command twice: $(cat "$T/err")"
	fi
	return 0
}
# Readers refuse a database that does not exist (core-startup.sh): make it.
dti init >/dev/null 2>&1 || fail "dti init failed"
misuse "dti: unknown command 'scroe'; did you mean 'score'?" dti scroe
misuse "dti communes: unknown subcommand 'lst'; did you mean 'list'?" dti communes lst
misuse "dti communes: name a subcommand: load, list" dti communes
misuse "dti export: unknown option '--bomm'; did you mean '--bom'?" dti export --bomm
misuse "dti export: option '--run' needs a value" dti export --run
misuse "dti: unknown option '--cnfig'; did you mean '--config'?" "$B/dti" --cnfig x status
misuse "dti help: unknown command 'scroe'; did you mean 'score'?" dti help scroe
misuse "dti import: --format takes long or wide" dti import --format tall x.csv
misuse "dti runs: --limit takes a positive number" dti runs --limit 0
misuse "did you mean 'portal:dvc'?" dti sources --only portal:dv
misuse "try 'dti appraise verify --help'" dti appraise verify --commune 11989
grep -q "not both" "$T/err" && fail "appraise verify --commune alone says 'not both': $(cat "$T/err")"
misuse "dti appraise verify: --commune needs --variable NAME" dti appraise verify --commune 11989
misuse "dti appraise verify: --variable needs --commune CODE" dti appraise verify --variable dvc_full_services
misuse "not both" dti appraise verify 3 --commune 11989 --variable dvc_full_services
"$B/dti-collect-telecom" --config "$R/config/dti.json" --db "$T/dti.db" --source telecom:vietel 2>"$T/err"
[ $? = 3 ] || fail "a collector's unknown --source did not exit 3"
grep -q "no source named 'telecom:vietel'; did you mean 'telecom:viettel'?" "$T/err" ||
	fail "a collector's unknown --source suggests nothing: $(cat "$T/err")"

# An error opening a file says why.
dti import "$T/no-such.csv" 2>"$T/err"
[ $? = 4 ] || fail "import of a missing file did not exit 4"
grep -q "cannot open '$T/no-such.csv': No such file or directory" "$T/err" ||
	fail "the open error does not say why: $(cat "$T/err")"

# Lists: tab-separated when piped, aligned columns on a terminal (script(1)
# gives the program a terminal), the same for every list.
dti -q init || fail "init"
dti -q import "$R/samples/sheets/bank-branches.csv" || fail "import"
for words in "communes list" runs sources paths status "appraise list" "form status"; do
	# shellcheck disable=SC2086
	dti -q $words >"$T/piped" 2>/dev/null
	[ $? -le 1 ] || fail "dti $words failed"
	[ "$(head -n 1 "$T/piped" | tr -cd '\t' | wc -c)" -ge 1 ] ||
		fail "dti $words piped is not tab-separated: $(head -n 2 "$T/piped")"
	script -qec "'$B/dti' --config '$R/config/dti.json' --db '$T/dti.db' -q $words" /dev/null |
		tr -d '\r' >"$T/tty"
	grep -q "$(printf '\t')" "$T/tty" && fail "dti $words on a terminal has tabs: $(head -n 3 "$T/tty")"
	# The second column starts at the same place on the first two rows.
	python3 - "$T/tty" "$words" <<'PY' || fail "dti $words on a terminal is not aligned: $(head -n 3 "$T/tty")"
import re, sys, unicodedata
rows = [l for l in open(sys.argv[1], encoding="utf-8").read().split("\n") if l][:2]
def col2(line):
    m = re.search(r"^\S+(?: \S+)*  +", line)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 0 if unicodedata.combining(ch) else 1 for ch in m.group(0)) if m else None
assert len(rows) == 2 and col2(rows[0]) is not None and col2(rows[0]) == col2(rows[1]), rows
PY
done
script -qec "'$B/dti' --config '$R/config/dti.json' --db '$T/dti.db' communes list" /dev/null |
	tr -d '\r' | grep -q '^11989  Xã Lạc Đạo$' || fail "communes list on a terminal"
dti communes list | grep -q "^11989	Xã Lạc Đạo$" || fail "communes list piped"
echo "cli help ok"
