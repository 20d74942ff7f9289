#!/bin/sh
# Installs the configuration for an installed dti (called by `make install`):
#   install-config.sh DESTDIR ETCDIR SHAREDIR DATADIR LOGDIR [SRC]
# writes DESTDIR/ETCDIR/dti.json from SRC (default config/dti.json; e.g.
# config/hung-yen-2025.json for the province on the new list) with every path
# rewritten for the installed layout:
#   database, output_dir, lock_file, backup.dir   -> DATADIR (/var/lib/dti)
#   log_file                                      -> LOGDIR (/var/log/dti)
#   framework, admin_units, crosswalk             -> SHAREDIR (/usr/share/dti)
#   unit_list: a file                             -> SHAREDIR; an edition id
#     ("2026-04-30") stays, with admin_units set to its file in SHAREDIR
#     when none is given (the lists and the conversion table are found
#     beside it)
#   communes_csv, crosswalk_corrections           -> ETCDIR (copied there)
#   crosswalk-corrections.csv (the local corrections of the conversion
#     table, read beside the configuration) is copied to ETCDIR once
#   district_sheets.dir, file: URLs of samples    -> SHAREDIR/samples (the
#     bundled sample district, so the first run works offline; point them
#     at DATADIR/sheets and the real feeds when going live)
# An existing dti.json is never overwritten: the new one is written next
# to it as dti.json.dist.
set -eu
if [ $# -ne 5 ] && [ $# -ne 6 ]; then
	echo "usage: install-config.sh DESTDIR ETCDIR SHAREDIR DATADIR LOGDIR [SRC]" >&2
	exit 2
fi
destdir=$1 etc=$2 share=$3 data=$4 logdir=$5
here=$(cd "$(dirname "$0")" && pwd)
src=${6:-$here/../config/dti.json}
command -v python3 >/dev/null 2>&1 || {
	echo "install-config.sh: python3 is needed to write the configuration" >&2
	exit 1
}
install -d "$destdir$etc"
target=$destdir$etc/dti.json
if [ -e "$target" ]; then
	out=$target.dist
	echo "install-config.sh: keeping $target; the new default is $out" >&2
else
	out=$target
fi
python3 - "$src" "$out" "$etc" "$share" "$data" "$logdir" <<'PY'
import json, os, sys

src, out, etc, share, data, logdir = sys.argv[1:]
c = json.load(open(src, encoding="utf-8"))
base = lambda k: os.path.basename(c[k])

c["database"] = data + "/dti.db"
c["output_dir"] = data + "/out"
c["lock_file"] = data + "/dti-nightly.lock"
c["log_file"] = logdir + "/dti-nightly.log"
c["framework"] = share + "/frameworks/" + base("framework")
if "admin_units" in c:
    c["admin_units"] = share + "/" + base("admin_units")
ul = c.get("unit_list")
if isinstance(ul, str) and ("/" in ul or ul.endswith(".csv")):
    c["unit_list"] = share + "/" + base("unit_list")
elif isinstance(ul, str) and "admin_units" not in c and os.path.exists(
        os.path.join(os.path.dirname(src), "admin-units-%s.csv" % ul)):
    c["admin_units"] = share + "/admin-units-%s.csv" % ul
if "crosswalk" in c:
    c["crosswalk"] = share + "/" + base("crosswalk")
for k in ("communes_csv", "crosswalk_corrections"):
    if k in c:
        c[k] = etc + "/" + base(k)
c["backup"] = dict(c.get("backup", {}), dir=data + "/backup")
sheets = c.get("district_sheets")
if isinstance(sheets, dict) and "dir" in sheets:
    d = sheets["dir"]
    i = d.find("samples/")
    sheets["dir"] = share + "/" + d[i:] if i >= 0 else data + "/sheets"

def samples_urls(v):
    """file: URLs into the bundled samples now point at SHAREDIR/samples."""
    if isinstance(v, dict):
        return {k: samples_urls(x) for k, x in v.items()}
    if isinstance(v, list):
        return [samples_urls(x) for x in v]
    if isinstance(v, str) and v.startswith("file:") and "samples/" in v:
        return "file:" + share + "/" + v[v.find("samples/"):]
    return v

c["sources"] = samples_urls(c.get("sources", []))
if not c["sources"]:
    del c["sources"]
with open(out, "w", encoding="utf-8") as f:
    json.dump(c, f, ensure_ascii=False, indent=2)
    f.write("\n")
PY
chmod 644 "$out"
if [ -n "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("communes_csv",""))' "$src")" ]; then
	csv=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["communes_csv"])' "$src")
	case $csv in /*) ;; *) csv=$(dirname "$src")/$csv ;; esac
	[ -e "$destdir$etc/$(basename "$csv")" ] || install -m 644 "$csv" "$destdir$etc/"
fi
for k in crosswalk_corrections; do
	f=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get(sys.argv[2],""))' "$src" "$k")
	[ -n "$f" ] || continue
	case $f in /*) ;; *) f=$(dirname "$src")/$f ;; esac
	[ -e "$destdir$etc/$(basename "$f")" ] || install -m 644 "$f" "$destdir$etc/"
done
[ -e "$destdir$etc/crosswalk-corrections.csv" ] ||
	install -m 644 "$here/../config/crosswalk-corrections.csv" "$destdir$etc/"
echo "install-config.sh: wrote $out" >&2
