"""The national data set of the benchmarks and the behaviour comparison:
every unit of the shipped list with a random value (seed 1) for every
variable the framework reads.  Writes TMP/communes.csv and TMP/inputs.csv.
LIST is the unit-list file in ROOT/config (default: the list of 1 March 2025).

    python3 tests/bench/national.py ROOT TMP [LIST]"""
import csv, json, os, random, sys


def build(root, tmp, list_file='admin-units-2025-03-01.csv'):
    """Returns (units, number of observation rows written)."""
    os.makedirs(tmp, exist_ok=True)
    units = list(csv.DictReader(open(f'{root}/config/{list_file}', encoding='utf-8')))
    random.seed(1)
    with open(f'{tmp}/communes.csv', 'w', encoding='utf-8', newline='') as f:
        w = csv.writer(f); w.writerow(['code', 'name'])
        for u in units: w.writerow([u['commune_code'], u['commune_name']])
    fw = json.load(open(f'{root}/config/frameworks/commune-2024.json', encoding='utf-8'))
    used = []
    for p in fw['pillars']:
        for i in p['indicators']:
            r = i['rule']
            for k in ('variable', 'gate'):
                if k in r and r[k] not in used: used.append(r[k])
            for k in ('numerator', 'denominator'):
                for v in r.get(k, []):
                    if v not in used: used.append(v)
    types = {v['name']: v for v in fw['variables']}
    rows = 0
    with open(f'{tmp}/inputs.csv', 'w', encoding='utf-8', newline='') as f:
        w = csv.writer(f); w.writerow(['commune_code', 'variable', 'value'])
        for u in units:
            for v in used:
                t = types[v]['type']
                val = (random.choice(['có', 'không', 'yes', '1']) if t == 'yesno' else
                       random.choice([e['value'] for e in types[v]['values']]) if t == 'enum' else
                       str(random.randint(0, 20000)) if t == 'count' else f'{random.uniform(0, 900):.1f}')
                w.writerow([u['commune_code'], v, val]); rows += 1
    return units, rows


if __name__ == '__main__':
    units, rows = build(*sys.argv[1:4])
    print(f'national data set: {len(units)} units, {rows} observations')
