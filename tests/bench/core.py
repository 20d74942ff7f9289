"""Driver of bench-core.sh: builds the national data set, times each step
of dti and the references measured in the same run, and prints each target
of issue 16 as a ratio (wall time, user+system CPU and peak memory of each
child).  It prints; it never fails because a machine was slow."""
import os, random, shutil, sqlite3, subprocess, sys
import national

root, bindir, tmp = sys.argv[1:4]
units, rows = national.build(root, tmp)
fw = f'{root}/config/frameworks/commune-2024.json'

MEASURE = """
import resource, subprocess, sys, time
t = time.perf_counter()
p = subprocess.run(sys.argv[1:], stdin=sys.stdin, capture_output=True, text=True)
dt = time.perf_counter() - t
u = resource.getrusage(resource.RUSAGE_CHILDREN)
sys.stderr.write(p.stderr)
print(f"{p.returncode} {dt} {u.ru_utime + u.ru_stime} {u.ru_maxrss}")
"""


class Step:
    def __init__(self, wall, cpu, rss, p):
        self.wall, self.cpu, self.rss, self.p = wall, cpu, rss, p

    def __str__(self):
        return f'{self.wall * 1000:7.0f} ms wall, {self.cpu * 1000:7.0f} ms CPU, peak {self.rss / 1024:6.1f} MB'


# Each step is measured TRIES times (DTI_BENCH_TRIES), every try from the
# same state, and its fastest try kept: on a shared or virtual machine one
# try can be a fifth slower than the next for reasons outside the program
# (memory the host has not yet given, another tenant's disk).  The
# references are measured the same way.
TRIES = max(1, int(os.environ.get('DTI_BENCH_TRIES', '3')))


def run_once(args, stdin=None):
    """Runs one step in its own wrapper so that its peak memory is its own."""
    f = open(stdin) if stdin else None
    try:
        p = subprocess.run([sys.executable, '-c', MEASURE] + args, stdin=f, capture_output=True, text=True)
    finally:
        if f:
            f.close()
    code, dt, cpu, rss = p.stdout.split()[-4:]
    if code != '0':
        sys.exit(f'{args[0]} failed: {p.stderr[-2000:]}')
    return Step(float(dt), float(cpu), int(rss), p)


def run(args, stdin=None, state=(), tries=None):
    """The fastest of TRIES runs of a step.  state: the files the step
    changes (a database, with its -wal and -shm), put back as they were
    before each try after the first, so that every try does the same work;
    the last try's files stay."""
    files = [f + extra for f in state for extra in ('', '-wal', '-shm')]
    kept = [f for f in files if os.path.exists(f)]
    for f in kept:
        shutil.copy(f, f + '.before')
    best = None
    for k in range(tries or TRIES):
        if k:
            for f in files:
                if os.path.exists(f):
                    os.remove(f)
            for f in kept:
                shutil.copy(f + '.before', f)
        s = run_once(args, stdin)
        best = s if best is None or s.wall < best.wall else best
    for f in kept:
        os.remove(f + '.before')
    return best


def size(db):
    """The database's size once its WAL is checkpointed (every dti run
    closes it so)."""
    c = sqlite3.connect(db)
    c.execute('PRAGMA wal_checkpoint(TRUNCATE)')
    n = c.execute('PRAGMA page_count').fetchone()[0] * c.execute('PRAGMA page_size').fetchone()[0]
    c.close()
    return n


def fresh(f, saved=None):
    """Database f removed (with its -wal and -shm), or put back as saved."""
    for extra in ('', '-wal', '-shm'):
        if os.path.exists(f + extra):
            os.remove(f + extra)
    if saved:
        shutil.copy(saved, f)


def best(steps):
    return min(steps, key=lambda s: s.wall)


def paired(what, pairs, target):
    """pairs: (reference, dti) steps measured one right after the other,
    a pair a round: the machine's speed drifts over minutes on a shared or
    virtual machine (a reference ran a third slower in one round than in
    the next), and a ratio of two steps that ran side by side drifts less
    than either time.  Prints the rounds' ratios, their median first."""
    walls = sorted(m.wall / r.wall for r, m in pairs)
    cpus = sorted(m.cpu / r.cpu for r, m in pairs)
    mid = len(walls) // 2
    print(f'{what:<52} {walls[mid]:.2f}x wall, {cpus[mid]:.2f}x CPU (median of {len(pairs)} rounds; '
          f'wall {", ".join(f"{x:.2f}" for x in walls)})  (target {target})')


def of_bare(step, target_ms):
    """An absolute target of issue 16 as a share of the bare INSERT loop
    measured in this run: the targets were set on a machine whose loop took
    1.0 s, and this machine's speed is not that one's."""
    print(f'{"  against the bare loop":<52} {step.wall / bare.wall:.2f}x wall, {step.cpu / bare.cpu:.2f}x CPU  '
          f'(target <= {target_ms / 1000:.2f}x: {target_ms} ms where the loop took 1.0 s)')


def line(what, step, ref=None, target=None):
    """ref: the reference step; the ratio of wall times and of CPU times
    (on a loaded machine the CPU ratio is the steadier)."""
    r = f'  -> {step.wall / ref.wall:.2f}x wall, {step.cpu / ref.cpu:.2f}x CPU' if ref else ''
    t = f'  (target {target})' if target else ''
    print(f'{what:<52} {step}{r}{t}')


db = f'{tmp}/dti.db'
dti = [f'{bindir}/dti', '--config', f'{root}/config/dti.json', '--db', db]
print(f'data set: {len(units)} units, {rows} observations ({os.path.getsize(tmp + "/inputs.csv") / 1e6:.1f} MB CSV)')
print(f'each time is the fastest of {TRIES} tries from the same state (DTI_BENCH_TRIES); each ratio to a '
      'reference the median of as many rounds, the reference and dti run side by side in each; '
      'timings are of a shared machine: run it more than once')

# The references, measured in rounds beside dti's whole path (the end).
py_args = ['python3', f'{root}/tests/bench/baseline.py', fw, f'{tmp}/communes.csv', f'{tmp}/inputs.csv', '-',
           f'{tmp}/py.csv']
with open(f'{tmp}/sql.sql', 'w') as f:
    subprocess.run(['python3', f'{root}/tests/bench/sql_path.py', fw, f'{tmp}/communes.csv', f'{tmp}/inputs.csv',
                    f'{tmp}/sql.db', f'{tmp}/sql.csv'], stdout=f, check=True)


def sql_once():
    fresh(f'{tmp}/sql.db')
    return run_once(['sqlite3', f'{tmp}/sql.db'], stdin=f'{tmp}/sql.sql')


load = run(dti + ['communes', 'load', f'{tmp}/communes.csv'], state=[db])
line('dti communes load', load)
# A bare INSERT loop into the same schema: a copy of the database as dti
# made it, the observations inserted by one prepared statement; in rounds
# with dti's import into the same copy.
size(db)  # its WAL checkpointed: the copy is the whole database
shutil.copy(db, f'{tmp}/loaded.db')
bare_args = ['python3', '-c', '''
import csv, sqlite3, sys
db = sqlite3.connect(sys.argv[1]); db.execute("PRAGMA synchronous = NORMAL")
db.execute("INSERT INTO source(name, kind, created_at) VALUES ('bare', 'sheet', 'now')")
db.execute("INSERT INTO run(source_id, program, year, started_at, status) VALUES (1, 'bare', 2024, 'now', 'ok')")
r = csv.reader(open(sys.argv[2], encoding='utf-8')); next(r)
db.executemany("INSERT INTO observation(commune_code, year, variable, value, num, source_id, run_id, observed_at) "
               "VALUES (?, 2024, ?, ?, NULL, 1, 1, 'now')", r)
db.commit()
''', f'{tmp}/bare.db', f'{tmp}/inputs.csv']
pairs = []
for k in range(TRIES):
    fresh(f'{tmp}/bare.db', f'{tmp}/loaded.db')
    b = run_once(bare_args)
    fresh(db, f'{tmp}/loaded.db')
    pairs.append((b, run_once(dti + ['import', f'{tmp}/inputs.csv'])))
bare = best(b for b, _ in pairs)
line('reference: bare INSERT loop into the same schema', bare)
line('dti import, fresh', best(i for _, i in pairs))
paired('  dti import against the bare loop', pairs, '<= 1.15x')
re0 = run(dti + ['import', f'{tmp}/inputs.csv'], state=[db])
line('dti import again, unchanged', re0, None, '<= 500 ms')
of_bare(re0, 500)
random.seed(3)
with open(f'{tmp}/inputs.csv', encoding='utf-8', newline='') as f, \
        open(f'{tmp}/changed.csv', 'w', encoding='utf-8') as g:
    g.write(f.readline())
    for row in f:
        code, var, val = row.rstrip('\r\n').split(',')
        if random.random() < 0.013 and val.isdigit() and val != '1':  # about 1 % of all rows
            val = str(int(val) + 1)
        g.write(f'{code},{var},{val}\n')
re1 = run(dti + ['import', f'{tmp}/changed.csv'], state=[db])
line('dti import, 1 % of the values changed', re1, None, '<= 500 ms')
of_bare(re1, 500)
sc = run(dti + ['score'], state=[db])
line('dti score', sc, None, '<= 800 ms')
of_bare(sc, 800)
before = size(db)
sc2 = run(dti + ['score'], tries=1)
grown = size(db) - before
line('dti score again, same inputs (a forced rerun)', sc2)
print(f'{"  database growth of that rerun":<52} {grown / 1e6:.2f} MB')
before = size(db)
ic = run(dti + ['score', '--if-changed'], state=[db])
re2 = run(dti + ['import', f'{tmp}/changed.csv'], tries=1)
ic2 = run(dti + ['score', '--if-changed'], tries=1)
grown = size(db) - before
line('dti score --if-changed, nothing changed', ic, None, '<= 50 ms')
of_bare(ic, 50)
print(f'{"  an unchanged nightly (re-import + score --if-changed)":<52} {grown / 1e6:.2f} MB database growth  (target < 1 MB)')
ex = run(dti + ['export', '--out', f'{tmp}/out'], state=[f'{tmp}/out/scores-2024.csv', f'{tmp}/out/ranking-2024.csv'])
line('dti export', ex)


def whole_once():
    """dti's whole path into a database of its own: load, import, score, export."""
    w = f'{tmp}/whole.db'
    fresh(w)
    d = [f'{bindir}/dti', '--config', f'{root}/config/dti.json', '--db', w]
    steps = [run_once(d + a) for a in (['communes', 'load', f'{tmp}/communes.csv'],
                                       ['import', f'{tmp}/inputs.csv'], ['score'],
                                       ['export', '--out', f'{tmp}/whole-out'])]
    return Step(sum(x.wall for x in steps), sum(x.cpu for x in steps), max(x.rss for x in steps), None)


rounds = []
for k in range(TRIES):
    rounds.append((run_once(py_args), sql_once(), whole_once()))
line('reference: plain Python script (no database)', best(p for p, _, _ in rounds))
line('reference: sqlite3 .import + scoring in SQL', best(q for _, q, _ in rounds))
line('dti whole path (load + import + score + export)', best(w for _, _, w in rounds))
paired('  against the Python script', [(p, w) for p, _, w in rounds], '<= 1.3x')
paired('  against the sqlite3 .import + SQL path', [(q, w) for _, q, w in rounds], '< 1x')
