#!/bin/sh
# dti publish at national scale (issue #16, item 3): every unit scored,
# then the CSV/JSON exports and the report (one page per commune, "where
# the points are" for each) written, at three sizes — the list after
# 1 July 2025 (3,321 units), the list of 1 March 2025 (10,047) and 30,000
# (that list and copies of its units under new codes) — so that memory is
# seen to stay flat as communes grow.  Each size is published into an
# empty folder, over that, and again (the nightly's case), and then into an
# empty folder on tmpfs when there is one (see quiet).  Prints wall and
# CPU time, peak memory, files and bytes written.  Target: national <= 5 s
# CPU, <= 150 MB.
set -eu
R=$DTI_ROOT T=$DTI_TMP

# quiet: waits until no file whatever ran just before this script deleted
# is recent.  ext4 without a journal (as on the test machine) passes over
# each inode freed in the last 30 s before it gives a new file one, and
# once a new file's inode makes its inode table block unwritten again,
# over each of that block's inodes freed in the last 5 minutes: a first
# publish right after thousands of files were removed pays for up to
# 10,000 such passes (a third of its CPU time in a profile).  So the
# files are written out (sync) and a minute waited from the start, and
# this script removes no report before the end (size).  Files removed in
# the 5 minutes before it still count: the first publish is therefore
# measured on tmpfs as well (/dev/shm, when it has room), where what is
# left is dti's own work and the copying of its bytes into the page cache.
removed_at=$(date +%s)
quiet() {
	sync
	left=$((removed_at + 61 - $(date +%s)))
	[ "$left" -gt 0 ] && sleep "$left"
	return 0
}

# measure NAME WHAT CFG DB OUT: one publish, its figures printed.
measure() {
	/usr/bin/time -f '%e %U %S %M' -o "$T/$1.time" \
		"$DTI_BIN/dti" -q --config "$3" --db "$4" publish --out "$5" >"$T/$1.paths"
	python3 - "$1 ($2)" "$T/$1.time" "$T/$1.paths" "$5" <<'PY'
import os, sys
name, tf, pf, out = sys.argv[1:5]
wall, user, sys_, rss = open(tf).read().split()[-4:]
size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(out) for f in fs)
print("dti publish, %s: %.1f s wall, %.1f s CPU (%.1f user, %.1f system), peak memory %.0f MB, "
      "%d files, %.0f MB written" % (name, float(wall), float(user) + float(sys_), float(user),
                                      float(sys_), int(rss) / 1024,
                                      len(open(pf).read().splitlines()), size / 1048576))
PY
}

# shm_dir KB: a new folder in /dev/shm when it is tmpfs with room for a
# report (about 4 times the database's KB; 5 asked), else nothing.
shm_dir() {
	[ -d /dev/shm ] && [ -w /dev/shm ] && [ "$(stat -f -c %T /dev/shm)" = tmpfs ] || return 0
	free=$(df -Pk /dev/shm | awk 'NR == 2 { print $4 }')
	[ "$free" -gt $(($1 * 5 + 262144)) ] || return 0
	mktemp -d /dev/shm/dti-bench.XXXXXX
}

# size NAME CONFIG DATA: loads DATA/communes.csv and DATA/inputs.csv into a
# new database, scores, and measures the publish three times: into an
# empty folder, over it (the report replaced is kept, OUT/.YEAR.spare),
# and again, written over the kept one (the nightly's every night); then
# into an empty folder on tmpfs, when /dev/shm has room.  The reports on
# disk stay until the end (about 6.5 GB in all): removing one would make
# the next size's new files pay for its freed inodes (see quiet).
size() {
	name=$1 cfg=$2 data=$3 db=$T/$1.db
	d() { "$DTI_BIN/dti" -q --config "$cfg" --db "$db" "$@"; }
	d communes load "$data/communes.csv"
	d import "$data/inputs.csv"
	d score >/dev/null
	quiet
	measure "$name" "first" "$cfg" "$db" "$T/$name.out"
	measure "$name" "over the last one" "$cfg" "$db" "$T/$name.out"
	measure "$name" "again, over the kept one" "$cfg" "$db" "$T/$name.out"
	shm=$(shm_dir "$(du -sk "$T/$name.db" | cut -f1)")
	if [ -n "$shm" ]; then
		measure "$name" "first, on tmpfs" "$cfg" "$db" "$shm/out"
		rm -rf "$shm"
	fi
	rm -f "$db"
}

# 3,321: the list after 1 July 2025, as tests/e2e/units-national-2025.sh runs it.
python3 "$R/tests/bench/national.py" "$R" "$T/n3321" admin-units-2026-04-30.csv >/dev/null
python3 "$R/tests/e2e/lib/config_abs.py" "$R/config/dti.json" "$T/c3321.json" \
	'unit_list="2026-04-30"' "communes_csv=\"$T/n3321/communes.csv\"" 'name="Toàn quốc"' \
	year=2025 district_sheets= sources=[] official= >/dev/null
size "3,321 units" "$T/c3321.json" "$T/n3321"

# 10,047: the list of 1 March 2025 with the shipped configuration.
python3 "$R/tests/bench/national.py" "$R" "$T/n10047" >/dev/null
size "10,047 units" "$R/config/dti.json" "$T/n10047"

# 30,000: that list and copies of its units under codes it does not use.
mkdir -p "$T/root30/config"
ln -s "$R/config/frameworks" "$T/root30/config/frameworks"
python3 - "$R/config/admin-units-2025-03-01.csv" "$T/root30/config/admin-units-2025-03-01.csv" 30000 <<'PY'
import csv, sys
src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = list(csv.DictReader(open(src, encoding="utf-8")))
used = {r["commune_code"] for r in rows}
free = (f"{c:05d}" for c in range(1, 100000) if f"{c:05d}" not in used)
out, k = list(rows), 0
while len(out) < n:
    r = dict(rows[k % len(rows)])
    r["commune_code"], r["commune_name"] = next(free), f"{r['commune_name']} {k // len(rows) + 2}"
    out.append(r)
    k += 1
w = csv.DictWriter(open(dst, "w", encoding="utf-8", newline=""), fieldnames=list(rows[0]))
w.writeheader()
w.writerows(out)
PY
python3 "$R/tests/bench/national.py" "$T/root30" "$T/n30000" >/dev/null
python3 "$R/tests/e2e/lib/config_abs.py" "$R/config/dti.json" "$T/c30000.json" \
	"admin_units=\"$T/root30/config/admin-units-2025-03-01.csv\"" >/dev/null
size "30,000 units" "$T/c30000.json" "$T/n30000"

# 3,321 units of 2025 compared across the reorganisation with the 10,047
# of 2024, whose official result is in a database of its own ("previous"):
# the earlier year's result of each predecessor is read from it.
p() { "$DTI_BIN/dti" -q --config "$R/config/dti.json" --db "$T/prev.db" "$@"; }
p communes load "$T/n10047/communes.csv"
p import "$T/n10047/inputs.csv"
p score >/dev/null
p approve 1 --decision 1/QĐ-UBND --decision-date 2025-03-01 --by bench --out "$T/prev.out" >/dev/null
python3 "$R/tests/e2e/lib/config_abs.py" "$T/c3321.json" "$T/c3321h.json" \
	"previous={\"year\": 2024, \"database\": \"$T/prev.db\"}" >/dev/null
h() { "$DTI_BIN/dti" -q --config "$T/c3321h.json" --db "$T/hist.db" "$@"; }
h communes load "$T/n3321/communes.csv"
h import "$T/n3321/inputs.csv"
h score >/dev/null
measure "3,321 units" "with 2024's 10,047 across the reorganisation, first" "$T/c3321h.json" \
	"$T/hist.db" "$T/hist.out"
measure "3,321 units" "with 2024's 10,047, again, over the kept one" "$T/c3321h.json" \
	"$T/hist.db" "$T/hist.out"
[ -n "${DTI_BENCH_KEEP:-}" ] || rm -rf "$T"
