#!/bin/sh
# Every Vietnamese name of the framework file (pillars and indicators) is the
# plan's own (the seed document's table), but for the corrections listed,
# each with its reason, in docs/framework-corrections.md; and that list
# is true: its "plan" cells are what the plan says, its "framework" cells
# what the file says.
set -eu
# The plan as it was handed to the project, kept as a fixture.
SEED=$DTI_ROOT/tests/fixtures/seed
python3 - "$DTI_ROOT/config/frameworks/commune-2024.json" "$DTI_ROOT/docs/framework-corrections.md" "$SEED" <<'PY'
import glob, html, json, re, sys
fw_path, corrections_path, seed_dir = sys.argv[1:4]
fw = json.load(open(fw_path, encoding='utf-8'))
seed_file = sorted(glob.glob(f'{seed_dir}/*.txt'))[0]
lines = open(seed_file, encoding='utf-8').read().split('\n')

def norm(s):
    return re.sub(r'\s+', ' ', html.unescape(re.sub(r'<[^>]+>', '', s))).strip()

# The plan's scoring table: rows "ID<TAB>name<TAB>points…" from its first
# pillar on; a row split by a page break continues on a line whose first
# cell is empty.  The table's own header lines are skipped.
start = next(i for i, l in enumerate(lines) if re.match(r'^1\tNhận thức số\t100', l))
plan, last = {}, None
for l in lines[start:]:
    cells = l.split('\t')
    m = re.match(r'^\d+(\.\d+)?$', cells[0])
    if m and len(cells) > 2 and cells[0] not in plan:
        last = cells[0]
        plan[last] = cells[1]
    elif cells[0] == '' and len(cells) > 1 and last and cells[1].strip():
        plan[last] += ' ' + cells[1]
    elif cells[0] == 'STT':
        continue

ours = {}
for i, p in enumerate(fw['pillars'], 1):
    ours[(str(i), f'P{i}')] = p['name']
    for j, ind in enumerate(p['indicators'], 1):
        assert ind['id'] == f'{i}.{j}', f'indicator {ind["id"]} is not the {j}th of pillar {i}'
        ours[(f'{i}.{j}', ind['id'])] = ind['name']

corrections = {}
for row in open(corrections_path, encoding='utf-8'):
    cells = [c.strip() for c in row.strip().strip('|').split('|')]
    if len(cells) == 4 and re.match(r'^(P\d+|\d+\.\d+)$', cells[0]):
        corrections[cells[0]] = cells
assert corrections, 'no corrections read from the table'

problems = []
for (plan_id, fw_id), name in ours.items():
    seed_name = norm(plan.get(plan_id, '<missing from the plan>'))
    if fw_id in corrections:
        _, c_plan, c_fw, reason = corrections[fw_id]
        if norm(c_plan) != seed_name:
            problems.append(f'{fw_id}: the corrections list says the plan writes "{c_plan}"; it writes "{seed_name}"')
        if norm(c_fw) != norm(name):
            problems.append(f'{fw_id}: the corrections list says the file writes "{c_fw}"; it writes "{name}"')
        if not reason:
            problems.append(f'{fw_id}: a correction without a reason')
    elif norm(name) != seed_name:
        problems.append(f'{fw_id}: the file writes "{name}", the plan "{seed_name}", and no correction says why')
for fw_id in corrections:
    if fw_id not in {k[1] for k in ours}:
        problems.append(f'{fw_id}: listed as corrected but not in the framework file')
if problems:
    sys.exit('\n'.join(problems))
print(f'{len(ours)} names compared with the plan; {len(corrections)} corrections, each with its reason')
PY
