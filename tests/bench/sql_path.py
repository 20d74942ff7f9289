"""The `sqlite3 .import` + SQL reference of the benchmarks: writes the
sqlite3 script that imports the long CSV with `.import`, stages the values
(the yes/no words and numbers as the baseline reads them), scores every
indicator of the framework in SQL (the same arithmetic as baseline.py:
yes/no, tiers, count tiers, ratios with thresholds and floors, cross-commune
maxima), totals and ranks, and writes the scores CSV.  The script is run by
the `sqlite3` program, timed by core.py; writing it is not timed.

    python3 tests/bench/sql_path.py FRAMEWORK COMMUNES INPUTS DB OUT > script.sql"""
import json, sys

fw_path, communes_path, inputs_path, db_path, out_path = sys.argv[1:6]
fw = json.load(open(fw_path, encoding='utf-8'))


def q(s):
    return "'" + str(s).replace("'", "''") + "'"


def num(v):
    return f"(SELECT num FROM val WHERE code = c.code AND variable = {q(v)})"


def sums(vs):
    return '(' + ' + '.join(num(v) for v in vs) + ')'


def ratio(r):
    return (f"CASE WHEN {sums(r['denominator'])} > 0 THEN "
            f"min({sums(r['numerator'])} * 1.0 / {sums(r['denominator'])}, 1.0) END")


def fraction(i):
    r, k = i['rule'], i['rule']['kind']
    if k == 'yesno':
        return f"coalesce({num(r['variable'])}, 0)"
    if k == 'tier':
        whens = ' '.join(f"WHEN {q(w)} THEN {f}" for w, f in r['fractions'].items())
        return (f"coalesce(CASE (SELECT value FROM val WHERE code = c.code AND variable = "
                f"{q(r['variable'])}) {whens} END, 0)")
    if k == 'count_tiers':
        bands = ' '.join(f"WHEN {num(r['variable'])} >= {b['min']} THEN {b['fraction']}" for b in r['bands'])
        return f"CASE WHEN coalesce({num(r['gate'])}, 0) <> 0 THEN CASE {bands} ELSE 0 END ELSE 0 END"
    if k == 'cross_commune':
        return f"coalesce(x.x / NULLIF((SELECT max(x) FROM cross_{i['id'].replace('.', '_')}), 0), 0)"
    x = ratio(r)
    if k == 'ratio':
        return f"coalesce({x}, 0)"
    if k == 'ratio_threshold':
        return f"coalesce(CASE WHEN {x} >= {r['threshold']} THEN 1 ELSE {x} / {r['threshold']} END, 0)"
    return f"coalesce(CASE WHEN {x} >= {r['floor']} THEN {x} ELSE 0 END, 0)"


types = {v['name']: v['type'] for v in fw['variables']}
out = ['.bail on', 'PRAGMA journal_mode = WAL;', 'PRAGMA synchronous = NORMAL;', '.mode csv',
       f'.import {communes_path} commune', f'.import {inputs_path} obs',
       'CREATE TABLE vtype(name TEXT PRIMARY KEY, type TEXT);',
       'INSERT INTO vtype VALUES ' + ','.join(f'({q(n)}, {q(t)})' for n, t in types.items()) + ';',
       # Staged: one row per commune and variable, the number read.
       "CREATE TABLE val(code TEXT, variable TEXT, value TEXT, num REAL, PRIMARY KEY (code, variable)) WITHOUT ROWID;",
       "INSERT INTO val SELECT o.commune_code, o.variable, trim(o.value), "
       "CASE t.type WHEN 'yesno' THEN CASE WHEN lower(trim(o.value)) IN ('yes', 'true', '1', 'có') "
       "THEN 1.0 ELSE 0.0 END WHEN 'enum' THEN NULL ELSE CAST(trim(o.value) AS REAL) END "
       "FROM obs o JOIN vtype t ON t.name = o.variable;",
       'CREATE TABLE score(code TEXT, indicator TEXT, points REAL);']
for p in fw['pillars']:
    for i in p['indicators']:
        r = i['rule']
        if r['kind'] == 'cross_commune':
            x = num(r['variable']) if 'variable' in r else ratio(r)
            out.append(f"CREATE TABLE cross_{i['id'].replace('.', '_')} AS SELECT c.code, {x} AS x FROM commune c;")
for p in fw['pillars']:
    for i in p['indicators']:
        join = (f" LEFT JOIN cross_{i['id'].replace('.', '_')} x ON x.code = c.code"
                if i['rule']['kind'] == 'cross_commune' else '')
        out.append(f"INSERT INTO score SELECT c.code, {q(i['id'])}, {fraction(i)} * {i['max']} "
                   f"FROM commune c{join};")
out += ["INSERT INTO score SELECT code, 'TOTAL', sum(points) FROM score GROUP BY code;",
        "CREATE TABLE ranking AS SELECT code, points, rank() OVER (ORDER BY points DESC) AS rank "
        "FROM score WHERE indicator = 'TOTAL';",
        '.headers on', f'.once {out_path}',
        'SELECT code AS commune_code, indicator, points FROM score ORDER BY code, indicator;']
print('\n'.join(out))
