#!/bin/sh
# Hostile workbooks sent as commune forms are refused with a Vietnamese
# message, quickly and in bounded memory: a zip bomb, a huge shared-strings
# table, XML entity expansion (billion laughs), too many entries, a cell
# repeated a million times (.ods), one text stored in a million cells (a
# shared string, a repeated .ods cell: a small file, a gigabyte of cells),
# elements nested millions deep, two entries of one name.  And the
# annotated copy of a form with formulas written in its cells keeps them as
# text.
# The files are made here (python zipfile).
. "$DTI_ROOT/tests/e2e/forms_env"
mkdir -p "$T/h"
python3 - "$T/h" <<'PY'
import sys, zipfile
d = sys.argv[1]
CT = '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
WB = '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
def xlsx(name, parts, extra=0):
    with zipfile.ZipFile(d + "/" + name, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CT)
        z.writestr("xl/workbook.xml", WB)
        for k, v in parts.items():
            z.writestr(k, v)
        for i in range(extra):
            z.writestr("xl/media/x%d.bin" % i, "")
head = '<c r="A1" t="inlineStr"><is><t>Mã</t></is></c>'
sheet = '<?xml version="1.0"?><worksheet %s><sheetData><row r="1">%s</row></sheetData></worksheet>' % (NS, head)
# 1: 200 MB of blanks inside the sheet, a few hundred kB deflated.
bomb = '<?xml version="1.0"?><worksheet %s><sheetData>' % NS + " " * (200 << 20) + "</sheetData></worksheet>"
xlsx("bomb.xlsx", {"xl/worksheets/sheet1.xml": bomb})
# 2: 300,000 shared strings.
sst = '<?xml version="1.0"?><sst %s>' % NS + "<si><t>a</t></si>" * 300000 + "</sst>"
xlsx("strings.xlsx", {"xl/sharedStrings.xml": sst, "xl/worksheets/sheet1.xml": sheet})
# 3: billion laughs in the shared strings.
lol = '<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">' + "".join(
    '<!ENTITY %s "%s">' % (chr(98 + i), ("&%s;" % chr(97 + i)) * 10) for i in range(9)) + \
    ']><sst %s><si><t>&j;</t></si></sst>' % NS
xlsx("laughs.xlsx", {"xl/sharedStrings.xml": lol, "xl/worksheets/sheet1.xml": sheet})
# 4: 5,000 entries.
xlsx("entries.xlsx", {"xl/worksheets/sheet1.xml": sheet}, extra=5000)
# 5: an .ods cell repeated a million times.
TNS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
       'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
       'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
content = ('<?xml version="1.0"?><office:document-content %s><office:body><office:spreadsheet>'
           '<table:table><table:table-row><table:table-cell table:number-columns-repeated="1000000" '
           'office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>'
           '</table:table></office:spreadsheet></office:body></office:document-content>' % TNS)
def ods(name, content):
    with zipfile.ZipFile(d + "/" + name, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        z.writestr("content.xml", content)
ods("repeat.ods", content)
# 6: a 1 kB shared string in 1,000 x 1,000 cells (20 MB of sheet XML).
one = '<?xml version="1.0"?><sst %s><si><t>%s</t></si></sst>' % (NS, "a" * 1000)
row = "<row>" + '<c t="s"><v>0</v></c>' * 1000 + "</row>"
many = '<?xml version="1.0"?><worksheet %s><sheetData>%s</sheetData></worksheet>' % (NS, row * 1000)
xlsx("copies.xlsx", {"xl/sharedStrings.xml": one, "xl/worksheets/sheet1.xml": many})
# 7: a 1 kB .ods cell repeated 1,000 times in a row repeated 1,000 times.
ods("copies.ods", ('<?xml version="1.0"?><office:document-content %s><office:body><office:spreadsheet>'
    '<table:table><table:table-row table:number-rows-repeated="1000"><table:table-cell '
    'table:number-columns-repeated="1000" office:value-type="string"><text:p>%s</text:p>'
    '</table:table-cell></table:table-row></table:table></office:spreadsheet></office:body>'
    '</office:document-content>' % (TNS, "b" * 1000)))
# 8: 3 million nested elements (20 kB deflated; expat keeps each open one).
xlsx("deep.xlsx", {"xl/worksheets/sheet1.xml": "<worksheet %s>" % NS + "<a>" * 3000000 +
                   "</a>" * 3000000 + "</worksheet>"})
# 9: two sheets of one name (case aside): Calc would show one, dti read another.
import warnings
warnings.simplefilter("ignore")
other = sheet.replace("Mã", "Mã khác")
xlsx("twice.xlsx", {"xl/worksheets/sheet1.xml": sheet, "xl/worksheets/Sheet1.xml": other})
PY
# Outside the sanitizer build (which maps terabytes of shadow memory), the
# address space is capped, so a regression fails here, not on the machine;
# the sanitizer's allocator (red zones, quarantine) gets a larger budget.
AS_CAP=$((1536 << 20)) RSS_MB=400
if ldd "$DTI_BIN/dti" | grep -q libasan; then AS_CAP=0 RSS_MB=1000; fi
# refused FILE MESSAGE: refused with MESSAGE, in under 20 s and RSS_MB.
refused() {
  python3 - "$DTI_BIN/dti" "$T/dti.json" "$T/h/$1" "$2" "$AS_CAP" "$RSS_MB" <<'PY' || die "$1"
import resource, subprocess, sys, time
dti, cfg, path, want, cap, rss_mb = sys.argv[1:]
def limit():
    if int(cap):
        resource.setrlimit(resource.RLIMIT_AS, (int(cap), int(cap)))
t = time.monotonic()
p = subprocess.run([dti, "--config", cfg, "form", "import", path], capture_output=True, timeout=20,
                   preexec_fn=limit)
took = time.monotonic() - t
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
err = p.stderr.decode()
print("%s: exit %d, %.1f s, %d MB" % (path.rsplit("/", 1)[1], p.returncode, took, rss))
ok = p.returncode == 1 and want in err and took < 20 and rss < int(rss_mb)
if not ok:
    print(err)
sys.exit(0 if ok else 1)
PY
}
refused bomb.xlsx "bomb.xlsx: phần xl/worksheets/sheet1.xml của bảng tính giải nén ra hơn 32 MB"
refused strings.xlsx "strings.xlsx: bảng tính có quá nhiều chuỗi văn bản (hơn 200000)"
refused laughs.xlsx "laughs.xlsx: xl/sharedStrings.xml có khai báo DOCTYPE (thực thể XML)"
refused entries.xlsx "entries.xlsx: bảng tính có 5003 phần, quá 1000"
refused repeat.ods "repeat.ods: có ô ngoài giới hạn 100000 dòng × 1024 cột"
refused copies.xlsx "copies.xlsx: các ô của bảng tính chứa hơn 64 MB chữ"
refused copies.ods "copies.ods: các ô của bảng tính chứa hơn 64 MB chữ"
refused twice.xlsx "twice.xlsx: bảng tính có hai phần cùng tên xl/worksheets/Sheet1.xml"
refused deep.xlsx "deep.xlsx: phần xl/worksheets/sheet1.xml của bảng tính lồng nhau quá 256 tầng"

# The annotated copy of a refused CSV form holds what the officer wrote as
# text, never as a live formula: no <f> in the sheet, the texts as strings.
dti form generate --commune 11989 --out "$T/csv" > /dev/null
python3 - "$T/csv/form-2024-11989.csv" "$T/h/evil.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
for r in rows:
    if r and r[0] == "portal_dx_posts":
        r[2] = "=cmd|' /C calc'!A0"
        r[6] = '=HYPERLINK("http://evil.example/","bấm")'
with open(sys.argv[2], "w", encoding="utf-8-sig", newline="") as f:
    csv.writer(f).writerows(rows)
PY
dti form import --annotate "$T/back" "$T/h/evil.csv" 2> "$T/err" && die "evil.csv accepted"
[ -s "$T/back/evil-loi.xlsx" ] || { cat "$T/err"; die "no annotated copy of evil.csv"; }
python3 - "$T/back/evil-loi.xlsx" <<'PY' || die "annotated copy of evil.csv"
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
sheet = z.read("xl/worksheets/sheet1.xml").decode()
strings = z.read("xl/sharedStrings.xml").decode()
assert "<f>" not in sheet and "<f " not in sheet, "a live formula in the annotated copy"
assert "=cmd|' /C calc'!A0" in strings, "the answer as written is lost"
assert "=HYPERLINK(&quot;http://evil.example/&quot;,&quot;bấm&quot;)" in strings or \
       '=HYPERLINK("http://evil.example/","bấm")' in strings, "the note as written is lost"
PY

# One cell of a CSV form not in UTF-8: its annotated copy is still a
# workbook Excel opens (well-formed XML), the cell shown with a '?'.
python3 - "$T/csv/form-2024-11989.csv" "$T/h/latin.csv" <<'PY'
import sys
lines = open(sys.argv[1], "rb").read().split(b"\n")
for i, l in enumerate(lines):
    if l.startswith(b"portal_dx_posts,"):
        lines[i] = l.rstrip(b"\r") + b"ghi ch\xfa\r"
open(sys.argv[2], "wb").write(b"\n".join(lines))
PY
dti form import --annotate "$T/back" "$T/h/latin.csv" 2> "$T/err" && die "latin.csv accepted"
python3 - "$T/back/latin-loi.xlsx" <<'PY' || die "annotated copy of latin.csv"
import sys, zipfile
from xml.etree import ElementTree as ET
z = zipfile.ZipFile(sys.argv[1])
for part in ("xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"):
    ET.fromstring(z.read(part))
assert "ghi ch?" in z.read("xl/sharedStrings.xml").decode()
PY
echo "forms-xlsx-hostile: ok"
