"""Prints everything a dti run leaves behind that must not change with a
refactor: the rows of every table and view analysts read, without time
columns (the store's own storage tables are compared through the views that
read them), and every output file with its time stamps masked (a workbook
member by member).  Used by tests/compare-behaviour.sh."""
import hashlib, os, re, sqlite3, sys, zipfile

# Columns that hold a time, a duration or a process detail: they differ from
# one run to the next by nature.
TIME_COL = re.compile(r'(_at|^at|time|duration|_ms|elapsed|pid|host|^detail)$')
# Times written into text: ISO 8601, Vietnamese d/m/y h:m, seconds and durations.
TIME_TXT = [re.compile(p) for p in (
    r'\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?',
    r'\d\d?:\d\d(:\d\d)? (ngày )?\d\d?/\d\d?/\d{4}',
    r'\d\d?/\d\d?/\d{4} \d\d?:\d\d(:\d\d)?',
    r'\d{8}T\d+Z?',
    r'\b\d+([.,]\d+)? ?(ms|s|giây)\b',
)]


# A source's age in hours on the report's data-quality page: the time
# between the import and the publish, which no two runs share.
AGE_CELL = re.compile(r'<td class="n">\d+([.,]\d+)?</td>(<td>[^<]*</td></tr>)')


def mask(text):
    for p in TIME_TXT:
        text = p.sub('<T>', text)
    return AGE_CELL.sub(r'<td class="n"><AGE></td>\2', text)


# How the store keeps what analysts read: compared through the views that
# read them (current_input, score_input, score), not row by row, so that a
# change of storage that keeps every view's rows shows as the same.
STORAGE = {'current_value', 'current_input_resolved', 'input_set', 'input_layout',
           'scoring_input', 'score_set', 'score_rows', 'score_result', 'source_batch'}
# Columns added on purpose and documented (docs/analyst.md): the marker of
# what a scoring run's inputs were as of, and the digest of the batch an
# import or collector run was given (digests, not scores).
ADDED_COL = {'marker', 'batch_sha256'}
# A view's age in hours: the time since a run, which no two runs share.
AGE_COL = re.compile(r'age_hours$')


def dump_db(path, out):
    db = sqlite3.connect(f'file:{path}?mode=ro', uri=True)
    # Every table and view analysts read (docs/analyst.md), by name, and
    # every row of each: what the schema says is in what the rows say.
    names = [r for r in db.execute(
        "SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view') "
        "AND name NOT LIKE 'sqlite_%' ORDER BY name") if r[0] not in STORAGE]
    for t, kind in names:
        cols = [r[1] for r in db.execute(f'PRAGMA table_info("{t}")')
                if not TIME_COL.search(r[1]) and not AGE_COL.search(r[1]) and r[1] not in ADDED_COL]
        if not cols:
            continue
        q = ', '.join(f'"{c}"' for c in cols)
        out.write(f'== {t} ({", ".join(cols)})\n')
        n = 0
        for r in db.execute(f'SELECT {q} FROM "{t}" ORDER BY {q}'):
            line = '\t'.join('' if v is None else str(v) for v in r)
            out.write((mask(line) if any(isinstance(v, str) for v in r) else line) + '\n')
            n += 1
        out.write(f'({n} rows)\n')


# A zip member larger than this is shown by the digest of its masked text.
BIG_MEMBER = 1 << 20


def dump_zip(rel, path, out):
    """A workbook by what it holds: each member's text with its times
    masked (the run's time is in docProps/core.xml, and the size of that
    member once compressed follows its digits, so the file's bytes are no
    measure)."""
    with zipfile.ZipFile(path) as z:
        for name in sorted(z.namelist()):
            data = z.read(name)
            try:
                text = mask(data.decode('utf-8'))
            except UnicodeDecodeError:
                text = f'<{len(data)} bytes of binary, sha256 {hashlib.sha256(data).hexdigest()}>'
            if len(text) > BIG_MEMBER:
                text = f'<{len(text)} characters, sha256 {hashlib.sha256(text.encode()).hexdigest()}>'
            out.write(f'== file {rel}!{name}\n{text}\n')


def dump_files(top, out):
    for d, dirs, files in sorted(os.walk(top)):
        dirs.sort()
        for f in sorted(files):
            if f == '.publish.lock':
                continue  # the id of the last process to publish
            p = os.path.join(d, f)
            rel = os.path.relpath(p, top)
            if f.endswith('.xlsx') and zipfile.is_zipfile(p):
                dump_zip(rel, p, out)
                continue
            data = open(p, 'rb').read()
            try:
                text = mask(data.decode('utf-8'))
            except UnicodeDecodeError:
                text = f'<{len(data)} bytes of binary>'
            out.write(f'== file {rel}\n{text}\n')


if __name__ == '__main__':
    kind, path = sys.argv[1:3]
    (dump_db if kind == 'db' else dump_files)(path, sys.stdout)
