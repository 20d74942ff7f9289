#!/bin/sh
# Differential test: dti's scores against an independent Python scorer written
# from the spec (tests/e2e/lib/dti_oracle.py), on the spec's vector and on
# randomized data sets made with fixed seeds from real commune codes.  The data
# sets deliberately hold missing inputs, zero denominators, numerators above
# denominators, values exactly at (and next to) every threshold and band of the
# spec, yes/no words in Vietnamese and English in mixed case, enum values,
# decimals, ties in totals, near-ties and communes with no data at all; and,
# through the documented commands, figures summed over sources, an earlier file
# of the same source replaced by a later one, communes dropped from the set
# (out of the cross-commune max), counts beyond 32 bits, and both readings of
# cross-commune normalisation (max by default; minmax selected per indicator
# in a copy of the framework file).  Where the spec can be read two ways the
# oracle accepts either flag set and the log says which one dti chose.
# Every commune's every indicator (points, max, flags), pillar, TOTAL and rank
# must agree (1e-6 on points); each difference is printed and the test fails.
set -eu
: "${DTI_BIN:?}" "${DTI_ROOT:?}" "${DTI_TMP:?}"
LIB=$DTI_ROOT/tests/e2e/lib
V=$DTI_ROOT/tests/fixtures/vectors
CONFIG=$DTI_ROOT/config/dti.json
dti() { db=$1; shift; "$DTI_BIN/dti" -q --config "$CONFIG" --db "$db" "$@"; }

# 1. The oracle itself reproduces the spec's worked vector (to 0.00005: the
#    vector has 4 decimals) -- otherwise comparing dti with it means nothing.
python3 "$LIB/dti_oracle.py" "$V/communes.csv" "$V/inputs.csv" "$DTI_TMP/vector-oracle.csv"
python3 - "$V/expected.csv" "$DTI_TMP/vector-oracle.csv" <<'PY'
import csv, sys
exp = {(r['commune_code'], r['indicator']): float(r['score']) for r in csv.DictReader(open(sys.argv[1]))}
got = {(r['commune_code'], r['item']): float(r['points']) for r in csv.DictReader(open(sys.argv[2]))}
bad = [(k, v, got.get(k)) for k, v in exp.items() if k not in got or abs(got[k] - v) > 0.00005]
if bad or len(exp) != 150:
    sys.exit("the oracle does not reproduce the spec vector: %r" % bad)
print("oracle: spec vector reproduced (150 numbers)")
PY

# 2. Randomized data sets (fixed seeds), one directory each: communes.csv and
#    inputs.csv (the set and the values current at the end: what the oracle
#    scores) and steps.txt (the loads and imports dti is given, in order).  The
#    generator refuses to go on when an edge case listed at its end is absent.
cat > "$DTI_TMP/gen.py" <<'PY'
import csv, os, random, sys, unicodedata
from decimal import Decimal
sys.path.insert(0, sys.argv[3])
import dti_oracle as O

out, units = sys.argv[1], sys.argv[2]
with open(units, encoding='utf-8-sig', newline='') as f:
    ALL_UNITS = [(r['commune_code'], r['commune_name']) for r in csv.DictReader(f)]

YES = ['có', 'Có', 'CÓ', 'cÓ', 'yes', 'Yes', 'YES', 'yEs', 'true', 'True', 'TRUE', '1',
       unicodedata.normalize('NFD', 'có'), unicodedata.normalize('NFD', 'Có')]
NO = ['không', 'Không', 'KHÔNG', 'kHÔnG', 'no', 'No', 'NO', 'nO', 'false', 'False', 'FALSE', '0',
      unicodedata.normalize('NFD', 'không'), unicodedata.normalize('NFD', 'KHÔNG')]
THRESH = {i['id']: i.get('t', i.get('f')) for i in O.INDICATORS}
RATIOS = [i for i in O.INDICATORS if i['kind'] in ('ratio', 'ratio_threshold', 'ratio_floor')
          or (i['kind'] == 'cross_commune' and 'num' in i)]
DENS = sorted({v for i in RATIOS for v in i['den']})
SCALE = {'population': 30000, 'households': 8000, 'population_15plus': 24000,
         'working_age_population': 18000, 'villages': 20, 'civil_servants': 25,
         'public_employees': 10, 'enterprises': 120, 'smes': 100, 'postal_points': 6,
         'schools_total': 8, 'pcs_total': 40, 'dx_meetings_total': 24,
         'portal_info_items_required': 14, 'dvc_partial_services': 30,
         'dvc_full_services': 60, 'dossiers_total': 5000, 'work_records_total': 3000,
         'docs_signed_total': 2000, 'parcels_total': 15000}
MODES = ['exact', 'below', 'above', 'zero', 'full', 'over', 'rand', 'rand', 'missing']
POSTS = [0, 1, 4, 5, 9, 10, 11, 250, None]
EXTRA = ['agencies', 'physical_servers', 'workstations', 'information_systems', 'admin_procedures']
coverage = set()

def amount(rng, hi):
    return str(Decimal(rng.randint(1, hi * 100)) / 100)

def gen_commune(rng, j, p_missing, p_zero, cross):
    """One commune's figures: {variable: text}.  j cycles the modes so that every
    indicator meets every mode across a data set."""
    d = {}
    den = {}
    for k, v in enumerate(DENS):
        x = rng.random()
        if x < p_missing:
            den[v] = None
        elif x < p_missing + p_zero:
            den[v] = 0
        elif v == 'budget_spending_total':
            den[v] = amount(rng, 40000)
        elif rng.random() < 0.75:  # a multiple of 20: every threshold falls on a whole number
            den[v] = 20 * rng.randint(1, max(1, SCALE[v] // 20))
        else:
            den[v] = rng.randint(1, SCALE[v])
    # denominators that are sums: now and then every part is zero
    for k, (a, b) in enumerate((('dvc_partial_services', 'dvc_full_services'),
                                ('civil_servants', 'public_employees'))):
        if j % 7 == 2 + 3 * k:
            den[a] = den[b] = 0
    for v in DENS:
        if den[v] is not None:
            d[v] = str(den[v])
    for k, ind in enumerate(RATIOS):
        mode = MODES[(j + k) % len(MODES)] if rng.random() < 0.7 else rng.choice(MODES)
        if rng.random() < p_missing:
            mode = 'missing'
        if p_missing == 0 and mode == 'missing':
            mode = 'rand'
        dv = [den[v] for v in ind['den']]
        is_amount = O.VARIABLES[ind['num'][0]] == O.AMOUNT
        if any(x is None for x in dv):
            b = None
        else:
            b = sum(Decimal(str(x)) for x in dv)
        t = THRESH.get(ind['id'])
        if ind['kind'] == 'cross_commune':
            t = None
        a = None
        if b is None or b == 0:
            a = rng.choice([0, rng.randint(1, 50)])
            coverage.add((ind['id'], 'den-missing' if b is None else 'den-zero'))
        elif mode == 'exact' and t is not None:
            a = Decimal(str(t)) * b
            if not is_amount and a != a.to_integral_value():
                a = None
            elif a is not None:
                coverage.add((ind['id'], 'exact'))
        elif mode == 'below' and t is not None:
            a = (Decimal(str(t)) * b)
            a = (a - Decimal('0.01')) if is_amount else (a.to_integral_value(rounding='ROUND_CEILING') - 1)
            if a < 0:
                a = None
            else:
                coverage.add((ind['id'], 'below'))
        elif mode == 'above' and t is not None:
            a = (Decimal(str(t)) * b)
            a = (a + Decimal('0.01')) if is_amount else (a.to_integral_value(rounding='ROUND_FLOOR') + 1)
            if a > b:
                a = None
            else:
                coverage.add((ind['id'], 'above'))
        elif mode == 'zero':
            a = 0
        elif mode == 'full':
            a = b
            coverage.add((ind['id'], 'full'))
        elif mode == 'over':
            a = b + (Decimal(rng.randint(1, 300)) / 100 if is_amount else rng.randint(1, int(b) + 1))
            coverage.add((ind['id'], 'over'))
        if mode != 'missing' and a is None:
            if is_amount:
                a = Decimal(rng.randint(0, int(b * 100))) / 100 * Decimal('0.01')
            elif ind['kind'] == 'cross_commune':
                a = rng.randint(0, int(b) // 3)
            else:
                a = rng.randint(0, int(b))
        if a is not None and not is_amount:
            a = int(a)
        nums = ind['num']
        if mode == 'missing':
            coverage.add((ind['id'], 'missing'))
            # all, or only one part of a sum, is missing
            drop = set(nums) if len(nums) == 1 or rng.random() < 0.5 else {rng.choice(nums)}
            parts = [None if v in drop else rng.randint(0, 40) for v in nums]
        elif len(nums) == 1:
            parts = [a]
        else:
            p = rng.randint(0, int(a))
            parts = [p, a - p]
        for v, p in zip(nums, parts):
            if p is not None and v not in d:
                d[v] = str(p)
    for v, kind in O.VARIABLES.items():
        if kind == O.YESNO and v != 'portal_dx_section':
            if rng.random() >= p_missing:
                d[v] = rng.choice(YES if rng.random() < 0.5 else NO)
        elif kind == O.ENUM:
            vals = list(O.ENUMS[v]) + [None]
            x = vals[(j + len(v)) % len(vals)]
            if x is not None and rng.random() >= p_missing:
                d[v] = x
    gate = [YES, NO, None][j % 3]
    posts = POSTS[(j // 3) % len(POSTS)]
    if gate is not None:
        d['portal_dx_section'] = rng.choice(gate)
    if posts is not None:
        d['portal_dx_posts'] = str(posts)
    coverage.add(('1.3', ('yes' if gate is YES else 'no' if gate is NO else '-'), posts))
    for v in EXTRA:
        if rng.random() < 0.5:
            d[v] = str(rng.randint(0, 50))
    if rng.random() < 0.5:
        d['dx_budget'] = amount(rng, 900)
    for v in ('digital_society_investment', 'digital_society_recurrent'):
        d.pop(v, None)
        x = cross(v)
        if x is not None:
            d[v] = x
    return d

def tie_group():
    """Communes with different answers and the same whole-number total (40),
    everything else missing: they must share a rank."""
    return [
        {'party_dx_resolution': 'Có', 'dx_plan_5year': 'YES'},
        {'steering_head': 'chair', 'radio_dx_segment': 'true', 'dx_plan_annual': 'KHÔNG'},
        {'tslcd_connected': '1', 'radio_dx_frequency': 'monthly', 'dx_staff': 'No'},
        {'portal_dx_section': 'có', 'portal_dx_posts': '10', 'dx_meetings_chaired': '5',
         'dx_meetings_total': '10', 'radio_dx_frequency': 'monthly'},
    ]

def dataset(name, seed, n, p_missing, p_zero, cross_kind, inactive=False, stale=False, split=False, big=False):
    rng = random.Random(seed)
    units = rng.sample(ALL_UNITS, n)
    codes = [c for c, _ in units]
    n_empty, n_dup = 3, 2
    special = tie_group()
    n_regular = n - n_empty - n_dup - len(special) - 4
    mx = {v: amount(rng, 900) for v in ('digital_society_investment', 'digital_society_recurrent')}
    def cross(v):
        if cross_kind == 'zero':      # max = 0: every present x scores 0
            return rng.choice(['0', '0.0', None])
        if cross_kind == 'single':    # only one commune holds a value
            return None
        if cross_kind == 'positive':  # no zero: the missing must stay out of min
            return None if rng.random() < 0.2 else str(Decimal(rng.randint(100, 90000)) / 100)
        x = rng.random()
        if x < 0.15: return None
        if x < 0.25: return '0'
        if x < 0.4: return mx[v]     # several communes share the maximum
        return str(Decimal(rng.randint(0, int(Decimal(mx[v]) * 100) - 1)) / 100)
    data = {}
    for j in range(n_regular):
        data[codes[j]] = gen_commune(rng, j, p_missing, p_zero, cross)
    if cross_kind == 'single':
        data[codes[2]]['digital_society_investment'] = '12.5'
        data[codes[3]]['digital_society_recurrent'] = '0.75'
    if cross_kind == 'positive':     # 4.6: every x present is above 0
        for j in range(n_regular):
            if data[codes[j]].get('onetouch_learners') == '0':
                del data[codes[j]]['onetouch_learners']
    if cross_kind == 'zero':         # 4.6: only clamped or missing x
        for j in range(n_regular):
            dj = data[codes[j]]
            if j % 4 == 0 and dj.get('population') not in (None, '0'):
                dj['onetouch_learners'] = str(int(dj['population']) + 7)
            else:
                dj.pop('onetouch_learners', None)
    k = n_regular
    # duplicates of two regular communes: equal (fractional) totals
    for src in (0, 1):
        data[codes[k]] = dict(data[codes[src]]); k += 1
    # near-ties: 3.1 differs by 35/1e6 = 0.000035 points (same 2-decimal display),
    # then by 35/1e9 (below the export's 6 decimals): totals differ, so ranks do
    for pop in ('1000000', '1000000000'):
        base = gen_commune(rng, 3, 0.0, 0.0, cross)
        base.update(population=pop, smartphone_users=str(int(pop) // 2))
        data[codes[k]] = dict(base); k += 1
        base['smartphone_users'] = str(int(pop) // 2 + 1)
        data[codes[k]] = base; k += 1
    for s in special:
        data[codes[k]] = s; k += 1
    empties = codes[k:]
    assert len(empties) == n_empty
    coverage.update({('tie',), ('near-tie',), ('empty',)})
    if big:   # counts beyond 32 bits: every count of one commune times 100003
        dj = data[codes[4]]
        for v in dj:
            if O.VARIABLES[v] == O.COUNT:
                dj[v] = str(int(dj[v]) * 100003)
        coverage.add(('big',))
    od = os.path.join(out, name)
    os.makedirs(od)
    def write(fn, header, rows):
        with open(os.path.join(od, fn), 'w', encoding='utf-8', newline='') as f:
            w = csv.writer(f, lineterminator='\n')
            w.writerow(header)
            w.writerows(rows)
        return os.path.join(od, fn)
    # communes.csv and inputs.csv: what the oracle scores (the values current
    # after every step below); steps.txt: what dti is given, in order
    write('communes.csv', ['code', 'name'], units)
    rows = [[c, v, x] for c in codes for v, x in data.get(c, {}).items()]
    rng.shuffle(rows)
    write('inputs.csv', ['commune_code', 'variable', 'value'], rows)
    steps = []
    if inactive:
        # communes scored earlier with data far above everyone's, then dropped
        # from the set: they must not be in the cross-commune max
        extra = [u for u in rng.sample(ALL_UNITS, 40) if u[0] not in codes][:4]
        steps.append('load ' + write('communes-all.csv', ['code', 'name'], units + extra))
        xrows = []
        for c, _ in extra:
            xrows += [[c, 'population', '1000'], [c, 'onetouch_learners', '1000'],
                      [c, 'digital_society_investment', '999999.99'],
                      [c, 'digital_society_recurrent', '888888.5'], [c, 'infosec_doc', 'có']]
        steps.append('import district-sheet ' + write('inactive.csv', ['commune_code', 'variable', 'value'], xrows))
        coverage.add(('inactive',))
    else:
        steps.append('load ' + os.path.join(od, 'communes.csv'))
    main_rows = rows
    if split:
        # variables summed over sources: the figure is split between the sheet
        # and two operators' files, whose sum is the value scored
        SUM = ('smartphone_users', 'fiber_households', 'enterprises_econtract',
               'digital_signature_holders', 'ecommerce_orders', 'parcels_total')
        main_rows, op = [], {'operator-a': [], 'operator-b': []}
        for c, v, x in rows:
            if v not in SUM:
                main_rows.append([c, v, x])
                continue
            n1 = int(x)
            a = rng.randint(0, n1); b = rng.randint(0, n1 - a); m = n1 - a - b
            how = rng.randrange(3)
            if how == 0:
                main_rows.append([c, v, x])
            elif how == 1:
                main_rows.append([c, v, str(m + b)]); op['operator-a'].append([c, v, str(a)])
            else:
                if m or rng.random() < 0.5:
                    main_rows.append([c, v, str(m)])
                else:
                    b += m
                op['operator-a'].append([c, v, str(a)]); op['operator-b'].append([c, v, str(b)])
        for src, orows in op.items():
            steps.append('import %s %s' % (src, write(src + '.csv', ['commune_code', 'variable', 'value'], orows)))
        coverage.add(('sum-over-sources',))
    if stale:
        # an earlier file of the same source with other values for figures the
        # later file holds too: the later file replaces them
        srows = []
        for c, v, x in main_rows:
            if rng.random() < 0.5:
                continue
            k = O.VARIABLES[v]
            if k == O.YESNO:
                y = rng.choice(NO if O.parse_value(v, x) else YES)
            elif k == O.ENUM:
                y = rng.choice([e for e in O.ENUMS[v] if e != x])
            elif k == O.AMOUNT:
                y = amount(rng, 90000)
            else:
                y = str(rng.randint(0, 100000))
            srows.append([c, v, y])
        steps.append('import district-sheet ' + write('stale.csv', ['commune_code', 'variable', 'value'], srows))
        coverage.add(('stale',))
    # one commune of the empties has only empty cells (skipped: no data)
    main_rows = main_rows + [[empties[0], 'population', ''], [empties[0], 'infosec_doc', '']]
    steps.append('import district-sheet ' + write('inputs-dti.csv', ['commune_code', 'variable', 'value'], main_rows))
    if inactive:
        steps.append('load ' + os.path.join(od, 'communes.csv'))
    with open(os.path.join(od, 'steps.txt'), 'w') as f:
        f.write('\n'.join(steps) + '\n')
    print('%s: %d communes, %d figures, %d steps' % (name, n, len(rows), len(steps)))

dataset('mixed', 20240101, 52, 0.12, 0.08, 'ties', inactive=True)
dataset('sparse', 20240202, 36, 0.40, 0.20, 'zero', stale=True)
dataset('dense', 20240303, 44, 0.0, 0.04, 'single', split=True)
dataset('full', 20240404, 30, 0.0, 0.0, 'positive', big=True, stale=True, split=True)

# every threshold indicator met its exact threshold, the value next to it on both
# sides, a full ratio, a numerator above, a zero and a missing denominator
need = []
for i in O.INDICATORS:
    if i['kind'] in ('ratio_threshold', 'ratio_floor'):
        need += [(i['id'], m) for m in ('exact', 'below', 'above', 'full', 'over', 'den-zero', 'den-missing', 'missing')]
    elif i in RATIOS:
        need += [(i['id'], m) for m in ('full', 'over', 'den-zero', 'missing')]
need += [('1.3', g, p) for g in ('yes', 'no', '-') for p in POSTS]
need += [('inactive',), ('stale',), ('sum-over-sources',), ('big',), ('tie',), ('near-tie',), ('empty',)]
lost = [x for x in need if x not in coverage]
if lost:
    sys.exit('data sets lack edge cases: %r' % lost)
PY
python3 "$DTI_TMP/gen.py" "$DTI_TMP/sets" "$DTI_ROOT/config/admin-units-2025-03-01.csv" "$LIB"

# 3. Compare dti's exports with the oracle.
cat > "$DTI_TMP/cmp.py" <<'PY'
import csv, sys
sys.path.insert(0, sys.argv[1])
import dti_oracle as O
name, d, out, norm = sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
communes, res = O.score_files(d + '/communes.csv', d + '/inputs.csv', norm)
SPEC_FLAGS = {O.MISSING, O.NODEN, O.ABOVE}
got, rank, total, maxes = {}, {}, {}, {}
for r in csv.DictReader(open(out + '/scores-2024.csv', encoding='utf-8-sig')):
    k = (r['commune_code'], r['indicator'])
    if k in got:
        print('%s %s %s: row twice in scores-2024.csv' % (name, *k))
    flags = {f for f in r['flags'].split(',') if f}
    got[k] = (float(r['points']), flags)
    maxes[k] = float(r['max_points'])
for r in csv.DictReader(open(out + '/ranking-2024.csv', encoding='utf-8-sig')):
    rank[r['commune_code']] = int(r['rank'])
    total[r['commune_code']] = float(r['total'])
diffs = 0
amb = {}
def diff(c, item, dti, oracle):
    global diffs
    diffs += 1
    print('%s commune %s item %s: dti %s, oracle %s' % (name, c, item, dti, oracle))
fl = lambda s: ','.join(sorted(s)) or '(none)'
for c in communes:
    for item in O.ITEMS:
        want, alts = res[c][item]
        if item == 'RANK':
            if rank.get(c) != want:
                diff(c, 'RANK', rank.get(c), want)
            if c not in total or abs(total[c] - res[c]['TOTAL'][0]) > 1e-6:
                diff(c, 'ranking total', total.get(c), res[c]['TOTAL'][0])
            continue
        if (c, item) not in got:
            diff(c, item, 'no row', want)
            continue
        pts, flags = got[(c, item)]
        if abs(pts - want) > 1e-6:
            diff(c, item, '%r points' % pts, '%r points' % want)
        if maxes[(c, item)] != O.MAX[item]:
            diff(c, item, 'max %r' % maxes[(c, item)], 'max %r' % O.MAX[item])
        if alts is not None and flags not in alts:
            diff(c, item, 'flags ' + fl(flags), 'flags ' + ' or '.join(fl(a) for a in alts))
        elif alts is not None and len(alts) > 1:
            k = (' or '.join(fl(a) for a in alts), fl(flags))
            amb[k] = amb.get(k, 0) + 1
extra = {c for c, _ in got} - set(communes)
if extra:
    diff(sorted(extra), '-', 'scored', 'not in the set')
# what the data set exercised, for the log
ranks = sorted(res[c]['RANK'][0] for c in communes)
flagged = {f: sum(1 for c in communes for i in O.INDICATORS if f in got.get((c, i['id']), (0, set()))[1])
           for f in sorted(SPEC_FLAGS)}
print('%s: %d communes, %d shared ranks, flags %s: %s' % (
    name, len(communes), len(ranks) - len(set(ranks)), flagged,
    'agree' if not diffs else '%d differences' % diffs))
for (alts, chosen), n in sorted(amb.items()):
    print('%s: where the spec allows %s, dti gives %s (%d times)' % (name, alts, chosen, n))
sys.exit(1 if diffs else 0)
PY

# 4. The same with the spec's other reading of cross-commune normalisation,
#    minmax, selected in (a copy of) the framework file's policy.
python3 - "$DTI_ROOT/config" "$DTI_TMP" <<'PY'
import json, os, sys
conf, tmp = sys.argv[1], sys.argv[2]
c = json.load(open(os.path.join(conf, 'dti.json'), encoding='utf-8'))
for k in ('database', 'output_dir', 'log_file', 'lock_file', 'admin_units', 'communes_csv'):
    c[k] = os.path.normpath(os.path.join(conf, c[k]))
for k in ('district_sheets', 'backup'):
    c[k]['dir'] = os.path.normpath(os.path.join(conf, c[k]['dir']))
fw = json.load(open(os.path.join(conf, c['framework']), encoding='utf-8'))
fw['policy']['normalisation'] = 'minmax'
for p in fw['pillars']:            # "selectable per indicator in the framework file"
    for i in p['indicators']:
        if i['rule'].get('kind') == 'cross_commune':
            i['rule']['normalisation'] = 'minmax'
c['framework'] = os.path.join(tmp, 'framework-minmax.json')
json.dump(fw, open(c['framework'], 'w', encoding='utf-8'), ensure_ascii=False)
json.dump(c, open(os.path.join(tmp, 'dti-minmax.json'), 'w', encoding='utf-8'), ensure_ascii=False)
PY

fail=0
for norm in max minmax; do
  case $norm in
    max) CONFIG=$DTI_ROOT/config/dti.json ;;
    minmax) CONFIG=$DTI_TMP/dti-minmax.json ;;
  esac
  for d in "$V" "$DTI_TMP"/sets/*; do
    name=$(basename "$d")-$norm
    db=$DTI_TMP/$name.db
    if [ -f "$d/steps.txt" ]; then
      while read -r what a b; do
        case $what in
          load) dti "$db" communes load "$a" ;;
          import) dti "$db" import --source "$a" "$b" ;;
        esac
      done < "$d/steps.txt"
    else
      dti "$db" communes load "$d/communes.csv"
      dti "$db" import "$d/inputs.csv"
    fi
    dti "$db" score
    dti "$db" export --out "$DTI_TMP/out-$name" >/dev/null
    python3 "$DTI_TMP/cmp.py" "$LIB" "$name" "$d" "$DTI_TMP/out-$name" "$norm" || fail=1
  done
done
exit $fail
