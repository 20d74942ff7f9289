"""A straightforward Python implementation of the same path, for comparison:
read the long CSV, stage it in SQLite (or, with DB '-', in memory only: the
plain script), score with the framework file's rules, write the scores CSV.
Used only by bench-core.sh."""
import csv, json, sqlite3, sys

fw_path, communes_path, inputs_path, db_path, out_path = sys.argv[1:6]
fw = json.load(open(fw_path, encoding='utf-8'))
types = {v['name']: v['type'] for v in fw['variables']}
communes = [r['code'] for r in csv.DictReader(open(communes_path, encoding='utf-8'))]
rows = []
for r in csv.DictReader(open(inputs_path, encoding='utf-8-sig')):
    v, t = r['value'].strip(), types[r['variable']]
    if t == 'yesno':
        num = 1.0 if v.lower() in ('yes', 'true', '1', 'có') else 0.0
    elif t == 'enum':
        num = None
    else:
        num = float(v)
        if num < 0:
            sys.exit('negative')
    rows.append((r['commune_code'], r['variable'], v, num))
# DB '-': the plain script, no database: the values straight from the CSV.
if db_path != '-':
    db = sqlite3.connect(db_path)
    db.execute('CREATE TABLE obs(code TEXT, variable TEXT, value TEXT, num REAL)')
    db.executemany('INSERT INTO obs VALUES (?, ?, ?, ?)', rows)
    db.commit()
    rows = db.execute('SELECT code, variable, value, num FROM obs')
vals = {}
for code, var, value, num in rows:
    vals.setdefault(code, {})[var] = (value, num)

def ratio(c, rule):
    try:
        a = sum(vals[c][x][1] for x in rule['numerator'])
        b = sum(vals[c][x][1] for x in rule['denominator'])
    except KeyError:
        return None
    return None if b <= 0 else min(a / b, 1.0)

out = csv.writer(open(out_path, 'w', newline='', encoding='utf-8'))
out.writerow(['commune_code', 'indicator', 'points'])
inds = [i for p in fw['pillars'] for i in p['indicators']]
cross = {}
for i in inds:
    r = i['rule']
    if r['kind'] == 'cross_commune':
        xs = {}
        for c in communes:
            x = vals.get(c, {}).get(r['variable'], (None, None))[1] if 'variable' in r else ratio(c, r) if c in vals else None
            if x is not None:
                xs[c] = x
        cross[i['id']] = (xs, max(xs.values()) if xs else 0)
for c in communes:
    total = 0
    for i in inds:
        r, k, f = i['rule'], i['rule']['kind'], 0.0
        cv = vals.get(c, {})
        if k == 'yesno':
            f = cv.get(r['variable'], (None, 0))[1] or 0
        elif k == 'tier':
            f = r['fractions'].get(cv.get(r['variable'], (None,))[0], 0)
        elif k == 'count_tiers':
            if cv.get(r['gate'], (None, 0))[1]:
                n = cv.get(r['variable'], (None, 0))[1]
                f = next(b['fraction'] for b in r['bands'] if n >= b['min'])
        elif k == 'cross_commune':
            xs, mx = cross[i['id']]
            f = xs[c] / mx if c in xs and mx > 0 else 0
        else:
            x = ratio(c, r) if c in vals else None
            if x is not None:
                if k == 'ratio':
                    f = x
                elif k == 'ratio_threshold':
                    f = 1 if x >= r['threshold'] else x / r['threshold']
                else:
                    f = x if x >= r['floor'] else 0
        total += f * i['max']
        out.writerow([c, i['id'], f * i['max']])
    out.writerow([c, 'TOTAL', total])
