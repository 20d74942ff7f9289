#!/bin/sh
# The report in a real browser: headless Chromium renders the district page
# (served over HTTP) and a commune page (from file://); the test fails when a
# screenshot is missing or blank, or a chart is missing from the DOM.
# Skips when Chromium is absent, unless DTI_REQUIRE_BROWSER=1 (CI sets it).
set -eu
V=$DTI_ROOT/tests/fixtures/vectors
T=$DTI_TMP
browser=""
for b in chromium chromium-browser; do
  if command -v "$b" >/dev/null 2>&1; then browser=$(command -v "$b"); break; fi
done
if [ -z "$browser" ]; then
  if [ "${DTI_REQUIRE_BROWSER:-0}" = 1 ]; then
    echo "chromium is not installed (Debian package chromium) and DTI_REQUIRE_BROWSER=1"; exit 1
  fi
  echo "SKIP: chromium is not installed (apt-get install chromium); the report was not rendered"
  exit 0
fi

dti() { "$DTI_BIN/dti" --config "$DTI_ROOT/config/dti.json" --db "$T/dti.db" "$@"; }
dti communes load "$V/communes.csv"
dti import "$V/inputs.csv"
dti score
dti publish --out "$T/out" > "$T/paths"
R=$T/out/2024/report

server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; true; }
trap cleanup EXIT INT TERM
python3 -u -m http.server --bind 127.0.0.1 --directory "$R" 0 > "$T/http.log" 2>&1 &
server=$!
port=""
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
  port=$(sed -n 's/.* port \([0-9][0-9]*\).*/\1/p' "$T/http.log" | head -n 1)
  [ -n "$port" ] && break
  sleep 0.25
done
[ -n "$port" ] || { echo "local HTTP server did not start"; cat "$T/http.log"; exit 1; }

render() { # URL NAME
  rm -rf "$T/profile-$2"
  set -- "$1" "$2" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --disable-dev-shm-usage --user-data-dir="$T/profile-$2" --window-size=1280,2200
  url=$1 name=$2; shift 2
  timeout 120 "$browser" "$@" --screenshot="$T/$name.png" "$url" > "$T/$name.shot.log" 2>&1 || true
  rm -rf "$T/profile-$name"
  timeout 120 "$browser" "$@" --dump-dom "$url" > "$T/$name.dom" 2> "$T/$name.dom.log" || true
  rm -rf "$T/profile-$name"
  [ -s "$T/$name.png" ] || { echo "$name: no screenshot"; tail -n 5 "$T/$name.shot.log"; exit 1; }
  [ -s "$T/$name.dom" ] || { echo "$name: no DOM"; tail -n 5 "$T/$name.dom.log"; exit 1; }
}
render "http://127.0.0.1:$port/index.html" district
render "file://$R/commune-25270.html" commune

# It prints: Chromium's print-to-PDF of a commune page gives a PDF of
# several pages (the print style sheet hides the navigation).
rm -rf "$T/profile-pdf"
timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync --disable-dev-shm-usage \
  --user-data-dir="$T/profile-pdf" --no-pdf-header-footer --print-to-pdf="$T/commune.pdf" \
  "file://$R/commune-25270.html" > "$T/pdf.log" 2>&1 || true
rm -rf "$T/profile-pdf"
python3 - "$T/commune.pdf" <<'PY'
import re, sys
data = open(sys.argv[1], "rb").read()
assert data.startswith(b"%PDF"), "print-to-pdf gave no PDF"
pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
assert pages >= 2, "printed commune page has %d page(s)" % pages
print("printed: %d pages, %d bytes" % (pages, len(data)))
PY

# Not blank: the decoded image has many distinct colours.
python3 - "$T/district.png" "$T/commune.png" <<'PY'
import struct, sys, zlib
def pixels(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path + ": not a PNG"
    pos, idat, bpp = 8, b"", 3
    w = h = 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and ctype in (2, 6), (depth, ctype)
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    prev = bytearray(stride)
    colours = set()
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1: line[x] = (line[x] + a) & 255
            elif f == 2: line[x] = (line[x] + b) & 255
            elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        if y % 4 == 0:
            for x in range(0, stride, bpp * 4):
                colours.add(bytes(line[x:x + 3]))
        prev = line
    return w, h, colours
for p in sys.argv[1:]:
    w, h, colours = pixels(p)
    if len(colours) < 20:
        sys.exit("%s: %dx%d looks blank (%d colours)" % (p, w, h, len(colours)))
    print("%s: %dx%d, %d colours" % (p, w, h, len(colours)))
PY

# The charts are in the rendered DOM, with a bar per commune / cell per pillar.
python3 - "$T/district.dom" "$T/commune.dom" <<'PY'
import re, sys
d = open(sys.argv[1], encoding="utf-8").read()
c = open(sys.argv[2], encoding="utf-8").read()
def svg(doc, id_):
    m = re.search(r'<svg[^>]*id="%s".*?</svg>' % id_, doc, re.S)
    if not m:
        sys.exit("chart %s missing from the rendered page" % id_)
    return m.group(0)
totals = svg(d, "chart-totals")
assert len(re.findall(r'<rect[^>]*class="bar"', totals)) == 3, "totals chart: not 3 bars"
heat = svg(d, "chart-heatmap")
assert len(re.findall(r'<rect[^>]*class="cell"', heat)) == 24, "heat map: not 3 x 8 cells"
assert "Thị trấn Lộc Ninh" in d and 'id="ranking"' in d, "district page text missing"
pillars = svg(c, "chart-pillars")
assert len(re.findall(r'<rect[^>]*class="bar"', pillars)) == 8, "pillar chart: not 8 bars"
assert 'id="gaps"' in c and 'id="scorecard"' in c and 'id="inputs"' in c, "commune page sections missing"
print("charts present: totals, heat map, pillars")
PY
echo "report rendered in $browser"
