#!/bin/sh
# The bash completion (completion/dti) run in bash as bash runs it on TAB:
# commands, subcommands, options from --help, source names from `dti
# sources` (of the collector's kind for a collector), commune codes from
# `dti communes list`, with the line's --config and --db.
set -u
R=$DTI_ROOT
T=$DTI_TMP
fail() {
	echo "FAIL: $*" >&2
	exit 1
}
command -v bash >/dev/null 2>&1 || fail "bash is needed for the completion test"
# The programs on PATH under their names, as installed.
mkdir -p "$T/bin"
for p in "$DTI_BIN"/*; do ln -s "$p" "$T/bin/"; done
ln -s "$R/cron/dti-nightly" "$T/bin/dti-nightly"
cfg=$R/config/dti.json
db=$T/dti.db
"$T/bin/dti" --config "$cfg" --db "$db" -q init || fail "init"

# complete LINE: the completions bash would offer at the end of LINE, one a
# line, sorted.
complete_line() {
	PATH=$T/bin:$PATH bash -c '
		. "$1"
		COMP_LINE=$2
		COMP_POINT=${#2}
		read -ra COMP_WORDS <<<"$2"
		COMP_CWORD=${#COMP_WORDS[@]}
		f=$(complete -p "${COMP_WORDS[0]}" | sed "s/.*-F \([^ ]*\) .*/\1/")
		"$f" "${COMP_WORDS[0]}"
		# bash puts a reply in place of the word after its last ":" or "=".
		cur=${2##* } tail=${2##* }
		tail=${tail##*:} tail=${tail##*=}
		[ ${#COMPREPLY[@]} = 0 ] || printf "%s\n" "${COMPREPLY[@]/#/${cur%"$tail"}}"' \
		_ "$R/completion/dti" "$1" | sort
}

# expect LINE WORD...: the completions of LINE are exactly WORDs.
expect() {
	line=$1
	shift
	got=$(complete_line "$line" | tr '\n' ' ')
	want=$(printf '%s\n' "$@" | sort | tr '\n' ' ')
	[ "$got" = "$want" ] || fail "'$line': got [$got], expected [$want]"
}
# has LINE WORD...: the completions of LINE include WORDs.
has() {
	line=$1
	shift
	complete_line "$line" >"$T/got"
	for w in "$@"; do
		grep -qx -- "$w" "$T/got" || fail "'$line' does not offer '$w': $(tr '\n' ' ' <"$T/got")"
	done
}

expect "dti sc" score
expect "dti comm" communes
expect "dti communes " list load
expect "dti appraise v" verify
expect "dti form st" status
expect "dti export --b" --bom
expect "dti import --format " long wide
expect "dti help expl" explain
has "dti " init communes import score export publish status sources appraise form help
has "dti --" --config --db --year --quiet --help --version
has "dti import --" --source --format --dry-run --if-changed
has "dti appraise verify --" --commune --variable --source --reason --by
# Sources from `dti sources`, of the collector's kind for a collector; a
# name with a colon is completed whole (bash splits words at ':').
has "dti --config $cfg sources --only " portal:dvc telecom:viettel district-sheet:bank-branches
expect "dti --config $cfg sources --only telecom:v" telecom:viettel telecom:vnpt
expect "dti-collect-telecom --config $cfg --source " telecom:viettel telecom:vnpt telecom:mobifone
has "dti-nightly --config $cfg --only " portal:dvc onetouch
has "dti-collect-portal --" --config --db --year --source --dry-run --help --version
has "dti-nightly --" --config --year --only --dry-run --help
# Communes from `dti communes list` of the line's database.
has "dti --config $cfg --db $db form status --commune " 11986 11989 12016
expect "dti --config $cfg --db $db explain 1198" 11986 11989
echo "completion ok"
