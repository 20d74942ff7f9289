#!/bin/sh
# dti publish at national scale: the first 3,321 units of the shipped
# list, then all of them (10,047), scored, then the CSV/JSON exports and the
# report (one page per commune, "where the points are" for each) written.
# Prints wall time, CPU, peak memory (/usr/bin/time -v), files and bytes
# written for each size: memory should stay flat as communes grow.  (30,000
# units would need a unit list of that size; the shipped lists have 10,047
# and 3,321.)
set -eu
T=$DTI_TMP
for n in 3321 10047; do
rm -rf "$T/dti.db" "$T/dti.db-wal" "$T/dti.db-shm" "$T/out"
python3 - "$DTI_ROOT" "$T" "$n" <<'PY'
import csv, json, random, sys
root, tmp, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
units = list(csv.DictReader(open(f'{root}/config/admin-units-2025-03-01.csv', encoding='utf-8')))[:n]
fw = json.load(open(f'{root}/config/frameworks/commune-2024.json', encoding='utf-8'))
types = {v['name']: v for v in fw['variables']}
used = []
for p in fw['pillars']:
    for i in p['indicators']:
        r = i['rule']
        for v in [r.get('variable'), r.get('gate')] + r.get('numerator', []) + r.get('denominator', []):
            if v and v not in used:
                used.append(v)
random.seed(2)
with open(f'{tmp}/communes.csv', 'w', encoding='utf-8', newline='') as f:
    w = csv.writer(f); w.writerow(['code', 'name'])
    for u in units: w.writerow([u['commune_code'], u['commune_name']])
with open(f'{tmp}/inputs.csv', 'w', encoding='utf-8', newline='') as f:
    w = csv.writer(f); w.writerow(['commune_code', 'variable', 'value'])
    for u in units:
        for v in used:
            t = types[v]['type']
            if random.random() < 0.02:
                continue  # some inputs missing
            val = (random.choice(['có', 'không']) if t == 'yesno' else
                   random.choice([e['value'] for e in types[v]['values']]) if t == 'enum' else
                   str(random.randint(0, 20000)) if t == 'count' else f'{random.uniform(0, 900):.1f}')
            w.writerow([u['commune_code'], v, val])
print(f'data set: {len(units)} units')
PY
dti() { "$DTI_BIN/dti" -q --config "$DTI_ROOT/config/dti.json" --db "$T/dti.db" "$@"; }
dti communes load "$T/communes.csv"
dti import "$T/inputs.csv"
dti score
/usr/bin/time -v "$DTI_BIN/dti" -q --config "$DTI_ROOT/config/dti.json" --db "$T/dti.db" publish --out "$T/out" \
	>"$T/files" 2>"$T/time" || { tail -5 "$T/time"; exit 1; }
awk -v n="$n" -v files="$(wc -l <"$T/files")" -v mb="$(du -sm "$T/out" | cut -f1)" -F': ' '
	/User time/ { u = $2 } /System time/ { s = $2 } /Elapsed \(wall/ { w = $2 }
	/Maximum resident/ { m = $2 / 1024 }
	END { printf "dti publish, %5d units: %s wall, %.1f s CPU (target <= 5 s at 10,047), peak %.0f MB (target <= 150 MB), %d files, %d MB\n", n, w, u + s, m, files, mb }' "$T/time"
done
[ -n "${DTI_BENCH_KEEP:-}" ] || rm -rf "$T"
