#!/bin/sh
# OneTouch exports big enough to be counted in two halves (8 MiB and more)
# give exactly what one reader gives ("parallel": false): the same counts,
# the same run records, and the same errors naming the same lines, also
# when the middle of the file falls inside a quoted field holding line
# breaks and rows, and when the second half has a bad date or a name that
# is not UTF-8.
. "$DTI_ROOT/tests/e2e/lib/collectors.sh"

# make_export NAME KIND: about 9 MiB of the sample's rows, with a BOM; KIND
# puts something in the middle or in the second half.
make_export() {
	python3 - "$R/samples/feeds/onetouch-learners-2024.csv" "$T/$1.csv" "$2" <<'PY'
import sys
src, out, kind = sys.argv[1], sys.argv[2], sys.argv[3]
lines = open(src, 'rb').read().split(b'\r\n')
head, rows = lines[0], [r + b'\r\n' for r in lines[1:] if r]
half = []
n = 0
while n < 4500000:
    half += rows
    n += len(b''.join(rows))
body = half + half
if kind == 'straddle':
    # A quoted field of lines that look like rows where the middle falls;
    # read from the middle, its closing quote is a quote inside a field.
    fake = b''.join(b'%d,X,01/01/1990,09,Xa Luong Tai,H,T,C,15/03/2024\n' % i for i in range(400))
    fake += b'9,Q,01/01/1990,09,Xa Luong Tai,H,T,Course'
    body = half + [b'0,Y,01/01/1990,09,"Xa Chi Dao",H,T,"' + fake + b'",16/03/2024\r\n'] + half
elif kind == 'baddate':
    body = half + half[:9000] + [b'1,Z,01/01/1990,09,"Xa Chi Dao",H,T,C,31/02/20x4\r\n'] + half[9000:]
elif kind == 'badname':
    body = half + half[:7000] + [b'1,Z,01/01/1990,09,"Xa \xff\xfe",H,T,C,16/03/2024\r\n'] + half[7000:]
elif kind == 'lf':
    body = [r[:-2] + b'\n' for r in body]
with open(out, 'wb') as f:
    f.write(head + b'\r\n' + b''.join(body))
PY
}

block() {
	printf '{"name": "%s", "kind": "onetouch", "max_age_hours": 48, "url": "file://%s"%s}' "$1" "$2" "${3:-}"
}

values() {
	sql "select o.commune_code, o.value from observation o join source s on s.id = o.source_id
	     where s.name = '$1' order by o.commune_code"
}

for kind in plain lf straddle baddate badname; do
	make_export "$kind" "$kind"
	f=$T/$kind.csv
	[ "$(wc -c <"$f")" -gt 8388608 ] || fail "$kind.csv is too small to be cut in halves"
	write_config "[ $(block "halves:$kind" "$f"), $(block "one:$kind" "$f" ', "parallel": false') ]"
	case $kind in bad*) want=1 ;; *) want=0 ;; esac
	run_collect 20 $want dti-collect-onetouch --source "one:$kind"
	one_run=$(last_run)
	one_error=$(last_error)
	run_collect 20 $want dti-collect-onetouch --source "halves:$kind"
	[ "$(last_run)" = "$one_run" ] || fail "$kind: run '$(last_run)' in halves, '$one_run' in one"
	[ "$(last_error)" = "$one_error" ] || fail "$kind: error '$(last_error)' in halves, '$one_error' in one"
	[ "$(values "halves:$kind")" = "$(values "one:$kind")" ] || fail "$kind: counts differ"
	case $kind in
	plain | lf) expect_out "halves=2" ;;
	*) ! grep -q "halves=2" "$T/out.txt" "$T/err.txt" || fail "$kind: the second half was used" ;;
	esac
	case $kind in
	baddate) expect_error "$f:49295, field Ngày hoàn thành: '31/02/20x4' is not a date" ;;
	badname) expect_error "field Xã/Phường: not valid UTF-8" ;;
	*) [ "$(values "halves:$kind" | wc -l)" -eq 11 ] || fail "$kind: no counts stored" ;;
	esac
done
echo "all ok"
