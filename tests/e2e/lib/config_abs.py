"""Writes a copy of a dti configuration with absolute paths, so that it can
live in a test's scratch folder, with keys replaced.

    python3 config_abs.py SRC OUT [KEY=JSON ...]

KEY=JSON sets KEY to the JSON value; KEY= (nothing) removes KEY."""
import json, os, sys

src, out = sys.argv[1], sys.argv[2]
c = json.load(open(src, encoding="utf-8"))
base = os.path.dirname(os.path.abspath(src))
for k in ("database", "output_dir", "log_file", "framework", "admin_units", "communes_csv"):
    if k in c:
        c[k] = os.path.normpath(os.path.join(base, c[k]))
for arg in sys.argv[3:]:
    k, _, v = arg.partition("=")
    if v:
        c[k] = json.loads(v)
    else:
        c.pop(k, None)
json.dump(c, open(out, "w", encoding="utf-8"), ensure_ascii=False)
