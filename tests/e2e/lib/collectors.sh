# Shared by tests/e2e/collectors-*.sh (sourced): a local HTTP server, a test
# configuration, and assertions on exit status, run records, time and
# staging contents.
set -u
B=$DTI_BIN
R=$DTI_ROOT
T=$DTI_TMP
DB=$T/dti.db
CONF=$T/dti.json
HTTPD_PID=""

fail() {
	echo "FAIL: $*"
	exit 1
}

OTHER_PID=""

stop_httpd() {
	[ -n "$HTTPD_PID" ] && kill "$HTTPD_PID" 2>/dev/null
	[ -n "$OTHER_PID" ] && kill "$OTHER_PID" 2>/dev/null
	HTTPD_PID=""
	OTHER_PID=""
}

# start_other_httpd: a second server, another origin (its own port), for
# links and redirects that leave the configured one.  Sets OTHER; what it
# received is in $T/other.log and $T/other.log.headers.
start_other_httpd() {
	rm -f "$T/other-port"
	: >"$T/other.log"
	: >"$T/other.log.headers"
	python3 "$R/tests/e2e/lib/httpd.py" "$T/other-port" 0 "$T/other.log" >"$T/other-httpd.log" 2>&1 &
	OTHER_PID=$!
	trap stop_httpd EXIT
	i=0
	while [ ! -s "$T/other-port" ]; do
		i=$((i + 1))
		[ $i -gt 200 ] && fail "the second test HTTP server did not start"
		sleep 0.05
	done
	OTHER=http://127.0.0.1:$(cat "$T/other-port")
}

start_httpd() {
	rm -f "$T/port"
	: >"$T/requests.log"
	: >"$T/requests.log.headers"
	python3 "$R/tests/e2e/lib/httpd.py" "$T/port" "${1:-50}" "$T/requests.log" >"$T/httpd.log" 2>&1 &
	HTTPD_PID=$!
	trap stop_httpd EXIT
	i=0
	while [ ! -s "$T/port" ]; do
		i=$((i + 1))
		[ $i -gt 200 ] && fail "the test HTTP server did not start"
		sleep 0.05
	done
	PORT=$(cat "$T/port")
	BASE=http://127.0.0.1:$PORT
}

# write_config SOURCES: the Văn Lâm communes and the given "sources" (JSON
# list text), with small timeouts so failures are quick.
write_config() {
	cat >"$CONF" <<CONF
{ "name": "e2e", "year": 2024, "database": "$DB", "output_dir": "$T/out",
  "framework": "$R/config/frameworks/commune-2024.json",
  "admin_units": "$R/config/admin-units-2025-03-01.csv",
  "communes_csv": "$R/config/communes-van-lam.csv",
  "collect": {"connect_timeout_ms": 2000, "timeout_ms": 6000, "low_speed_bytes": 1000,
              "low_speed_seconds": 1, "max_bytes": 1048576, "retries": 2,
              "retry_base_ms": 100, "retry_after_max_s": 5},
  "sources": $1 }
CONF
}

# telecom_block NAME URL [EXTRA-KEYS]
telecom_block() {
	printf '{"name": "%s", "kind": "telecom", "max_age_hours": 24, "url": "%s", "records": "du_lieu", "commune": {"code": "ma_xa", "name": "ten_xa"}, "fields": {"smartphone_users": "tb_smartphone", "fiber_households": "hgd_cap_quang", "enterprises_econtract": "dn_vcontract", "digital_signature_holders": "tb_mysign"}%s}' "$1" "$2" "${3:-}"
}

sql() {
	sqlite3 -separator '|' "$DB" "$1"
}

# Everything stored: observations, payloads, sources' validators.
snapshot() {
	sql "select id, commune_code, year, variable, value, source_id, run_id from observation order by id;
	     select sha256 from payload order by sha256;
	     select name, etag, last_modified from source where etag is not null or last_modified is not null order by name;" | sha256sum
}

last_run() {
	sql "select status, records_read, records_stored, records_skipped, records_rejected from run order by id desc limit 1"
}

last_error() {
	sql "select error from run order by id desc limit 1"
}

# run_collect MAX_SECONDS EXPECTED_EXIT PROGRAM ARGS...
run_collect() {
	max=$1 want=$2 prog=$3
	shift 3
	t0=$(date +%s.%N)
	"$B/$prog" --config "$CONF" "$@" >"$T/out.txt" 2>"$T/err.txt"
	got=$?
	t1=$(date +%s.%N)
	ELAPSED=$(awk "BEGIN { printf \"%.2f\", $t1 - $t0 }")
	echo "\$ $prog $* -> exit $got in ${ELAPSED}s"
	sed 's/^/  out: /' "$T/out.txt"
	sed 's/^/  err: /' "$T/err.txt"
	[ "$got" -eq "$want" ] || fail "$prog $*: exit $got, expected $want"
	awk "BEGIN { exit !($ELAPSED <= $max) }" || fail "$prog $*: took ${ELAPSED}s, more than ${max}s"
}

# The last run has these status and counts, and a single source's summary
# line names it.
expect_run() {
	r=$(last_run)
	[ "$r" = "$1" ] || fail "last run is '$r', expected '$1'"
	if [ "$(wc -l <"$T/out.txt")" -eq 1 ]; then
		id=$(sql "select max(id) from run")
		grep -q " run=$id " "$T/out.txt" || fail "the summary line does not name run $id"
	fi
}

expect_error() {
	e=$(last_error)
	case "$e" in
	*"$1"*) ;;
	*) fail "run error '$e' lacks '$1'" ;;
	esac
}

expect_out() {
	grep -q -- "$1" "$T/out.txt" "$T/err.txt" || fail "output lacks '$1'"
}

# hits PATH?KEY: requests the server saw for a path (and ?k= key).
hits() {
	grep -cxF -- "$1" "$T/requests.log"
}

# A failing source must leave staging exactly as it was.
expect_unchanged() {
	now=$(snapshot)
	[ "$now" = "$1" ] || fail "staging changed after a failed run"
}
