"""Driver of bench-core.sh: builds the national data set, times each step
and reports wall time and peak memory (max RSS of the child)."""
import os, subprocess, sys
import national

root, bindir, tmp = sys.argv[1:4]
units, rows = national.build(root, tmp)

MEASURE = """
import resource, subprocess, sys, time
t = time.perf_counter()
p = subprocess.run(sys.argv[1:], stdin=sys.stdin, capture_output=True, text=True)
dt = time.perf_counter() - t
sys.stderr.write(p.stderr)
print(f"{p.returncode} {dt} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}")
"""

def run(args, **kw):
    """Runs one step in its own wrapper so that its peak memory is its own."""
    p = subprocess.run([sys.executable, '-c', MEASURE] + args, capture_output=True, text=True, **kw)
    code, dt, rss = p.stdout.split()[-3:]
    if code != '0':
        sys.exit(f'{args[0]} failed: {p.stderr[-2000:]}')
    return float(dt), int(rss), p

dti = [f'{bindir}/dti', '--config', f'{root}/config/dti.json', '--db', f'{tmp}/dti.db']
print(f'data set: {len(units)} units, {rows} observations ({os.path.getsize(tmp + "/inputs.csv") / 1e6:.1f} MB CSV)')
run(dti + ['communes', 'load', f'{tmp}/communes.csv'])
t_imp, m1, _ = run(dti + ['import', f'{tmp}/inputs.csv'])
t_sc, m2, p = run(dti + ['score'])
t_ex, m3, _ = run(dti + ['export', '--out', f'{tmp}/out'])
print(f'dti import:  {t_imp * 1000:8.0f} ms, peak {m1 / 1024:6.1f} MB')
print(f'dti score:   {t_sc * 1000:8.0f} ms, peak {m2 / 1024:6.1f} MB  ({p.stderr.strip().split("(")[-1].rstrip(")")})')
print(f'dti export:  {t_ex * 1000:8.0f} ms, peak {m3 / 1024:6.1f} MB')
print(f'dti whole path (import + score + export): {(t_imp + t_sc + t_ex) * 1000:.0f} ms')
t_re, m4, _ = run(dti + ['import', f'{tmp}/inputs.csv'])
print(f'dti import of the same file again (every value unchanged, nothing stored): '
      f'{t_re * 1000:.0f} ms, peak {m4 / 1024:.1f} MB')
t_sq, _, _ = run(['sqlite3', f'{tmp}/plain.db'], input=f'.mode csv\n.import {tmp}/inputs.csv obs\n')
print(f'sqlite3 .import of the same file: {t_sq * 1000:.0f} ms  -> dti import / sqlite3 = {t_imp / t_sq:.2f}x')
t_py, _, _ = run(['python3', f'{root}/tests/bench/baseline.py', f'{root}/config/frameworks/commune-2024.json',
                  f'{tmp}/communes.csv', f'{tmp}/inputs.csv', f'{tmp}/py.db', f'{tmp}/py.csv'])
print(f'python baseline (CSV -> SQLite -> scores -> CSV): {t_py * 1000:.0f} ms  -> '
      f'python / dti = {t_py / (t_imp + t_sc + t_ex):.1f}x')
