#!/bin/sh
# dti publish at national scale: every unit of the shipped list (10,047)
# scored, then the CSV/JSON exports and the report (one page per commune,
# "where the points are" for each) written.  Prints wall time, peak memory,
# files and bytes written.
set -eu
T=$DTI_TMP
python3 - "$DTI_ROOT" "$T" <<'PY'
import csv, json, random, sys
root, tmp = sys.argv[1:3]
units = list(csv.DictReader(open(f'{root}/config/admin-units-2025-03-01.csv', encoding='utf-8')))
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
python3 - "$DTI_BIN/dti" "$DTI_ROOT/config/dti.json" "$T" <<'PY'
import os, resource, subprocess, sys, time
dti, cfg, t = sys.argv[1:4]
start = time.perf_counter()
p = subprocess.run([dti, "-q", "--config", cfg, "--db", t + "/dti.db", "publish", "--out", t + "/out"],
                   capture_output=True, text=True)
wall = time.perf_counter() - start
if p.returncode:
    sys.exit("dti publish failed: " + p.stderr[-2000:])
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(t + "/out") for f in fs)
print("dti publish: %.1f s wall (%.1f s user, %.1f s system), peak memory %.0f MB, %d files, %.0f MB written"
      % (wall, ru.ru_utime, ru.ru_stime, ru.ru_maxrss / 1024, len(p.stdout.splitlines()), size / 1048576))
PY
[ -n "${DTI_BENCH_KEEP:-}" ] || rm -rf "$T"
