#!/bin/sh
# make web-demo: dti-web on the sample district with demo accounts, on
# http://127.0.0.1:8080/ (WEB_DEMO_LISTEN to choose).  It runs the nightly
# job first when the sample database has no scoring run yet, adds the
# accounts (their passwords printed below: a demonstration only), and
# serves until Ctrl-C.
set -eu
cd "$(dirname "$0")/.."
CONFIG=config/dti.json
LISTEN=${WEB_DEMO_LISTEN:-127.0.0.1:8080}
dti() { bin/dti --config "$CONFIG" "$@"; }
if ! dti runs >/dev/null 2>&1 || [ -z "$(dti runs 2>/dev/null | sed -n 2p)" ]; then
	sh cron/dti-nightly --config "$CONFIG" >/dev/null 2>&1 || true
fi
dti init >/dev/null 2>&1 || true
add() { # add NAME PASSWORD OPTIONS...
	n=$1 p=$2
	shift 2
	if ! dti user list 2>/dev/null | cut -f1 | grep -qx "$n"; then
		printf '%s\n' "$p" | dti user add "$n" --password-stdin "$@" >/dev/null 2>&1
	fi
}
add admin demo-admin-1 --role admin
add lanhdao demo-viewer-1 --role viewer
add vhtt demo-vhtt-1 --role appraiser --unit "Phòng Văn hóa và Thông tin" --unit "Văn phòng HĐND-UBND huyện"
add lacdao demo-lacdao-1 --role commune --commune 11989
cat <<TXT
dti-web on the sample district (Văn Lâm): http://$LISTEN/
  admin    demo-admin-1   quản trị (admin)
  lanhdao  demo-viewer-1  lãnh đạo, chỉ xem (viewer)
  vhtt     demo-vhtt-1    thẩm định: Phòng Văn hóa và Thông tin, Văn phòng HĐND-UBND huyện
  lacdao   demo-lacdao-1  cán bộ xã Lạc Đạo (11989)
Demonstration passwords: never use these accounts on a real deployment.
Ctrl-C stops it.
TXT
exec bin/dti-web --config "$CONFIG" --listen "$LISTEN"
