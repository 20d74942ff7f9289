#!/bin/sh
# What the report must not say (issue #13, item 8): readers see a source by
# its name and an appraiser by the name and unit given with --by, never a
# server path, a URL read, a failed run's error text or a system login; the
# Vietnamese pages give times in Vietnam time, the Vietnamese way, while the
# database and the JSON keep UTC.
set -eu
V=$DTI_ROOT/tests/fixtures/vectors
T=$DTI_TMP
dti() { "$DTI_BIN/dti" --config "$DTI_ROOT/config/dti.json" --db "$T/dti.db" "$@"; }
fail() { echo "FAIL: $*"; exit 1; }

SRV=$T/srv/private/feeds
mkdir -p "$SRV"
cp "$V/inputs.csv" "$SRV/fixed.csv"
dti communes load "$V/communes.csv" >/dev/null
dti import "$SRV/fixed.csv" >/dev/null
# A source whose last run failed: its error names the file read.
printf 'commune_code,variable,value\n99999,population,1\n' >"$SRV/broken.csv"
dti import --source broken-sheet "$SRV/broken.csv" >/dev/null 2>&1 && fail "the broken sheet was stored"
sqlite3 "$T/dti.db" "SELECT error FROM run WHERE status = 'failed'" | grep -q "broken.csv" ||
	fail "the failed run's error does not name its file (the test needs it to)"
# One act recorded with only the system login ($USER, no --by), one with a
# person and unit.
USER=root dti appraise verify --commune 25270 --variable dx_plan_annual >/dev/null
dti appraise reject --commune 25270 --variable dx_plan_5year \
	--by 'Nguyễn Văn A, Phòng Văn hóa và Thông tin' --reason 'thiếu văn bản' >/dev/null
dti score >/dev/null
dti publish --out "$T/out" >/dev/null
R=$T/out/2024/report

for f in "$R"/*.html "$T/out/2024/dti-2024.json"; do
	for bad in "$T" srv/private fixed.csv broken.csv 'bởi root' '>root<' 'config/..' 'file://'; do
		grep -qF "$bad" "$f" && fail "$(basename "$f") shows '$bad'"
	done
done
page=$R/commune-25270.html
grep -qF 'đã xác minh bởi cán bộ thẩm định' "$page" || fail "the login's act is not 'cán bộ thẩm định'"
grep -qF 'bị từ chối bởi Nguyễn Văn A, Phòng Văn hóa và Thông tin: thiếu văn bản' "$page" ||
	fail "the appraiser named with --by is not shown"
grep -qF 'district-sheet (sheet), ' "$page" || fail "the source is not named"
grep -q 'broken-sheet' "$R/data-quality.html" || fail "the failed source is not listed"
grep -qF 'lỗi (quản trị viên xem chi tiết bằng lệnh dti status)' "$R/data-quality.html" ||
	fail "the failed source's state is not in words"

# Times: no ISO time on any page; the scoring run's start (UTC in the
# database) in Vietnam time in the footer; the JSON keeps the stored UTC.
grep -lE '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}' "$R"/*.html && fail "a page shows an ISO time"
started=$(sqlite3 "$T/dti.db" "SELECT started_at FROM scoring_run ORDER BY id DESC LIMIT 1")
case $started in *Z) ;; *) fail "the database keeps '$started', not UTC" ;; esac
vn=$(python3 -c 'import datetime, sys
t = datetime.datetime.fromisoformat(sys.argv[1].replace("Z", "+00:00"))
print((t + datetime.timedelta(hours=7)).strftime("%H:%M ngày %d/%m/%Y (giờ Việt Nam)"))' "$started")
grep -qF "bắt đầu lúc $vn" "$R/index.html" || fail "the footer does not say '$vn'"
grep -qF "(giờ Việt Nam)" "$R/data-quality.html" || fail "the sources' times are not in Vietnam time"
grep -qF "\"started_at\": \"$started\"" "$T/out/2024/dti-2024.json" || fail "the JSON does not keep the UTC time"
echo "the report names sources and appraisers, not paths and logins; Vietnam time"
