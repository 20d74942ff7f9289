#!/bin/sh
# Hostile workbooks sent as commune forms are refused with a Vietnamese
# message, quickly and in bounded memory: a zip bomb, a huge shared-strings
# table, XML entity expansion (billion laughs), too many entries, a cell
# repeated a million times (.ods).  The files are made here (python zipfile).
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
with zipfile.ZipFile(d + "/repeat.ods", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
    z.writestr("content.xml", content)
PY
# refused FILE MESSAGE: refused with MESSAGE, in under 20 s and 400 MB.
refused() {
  python3 - "$DTI_BIN/dti" "$T/dti.json" "$T/h/$1" "$2" <<'PY' || die "$1"
import resource, subprocess, sys, time
dti, cfg, path, want = sys.argv[1:]
t = time.monotonic()
p = subprocess.run([dti, "--config", cfg, "form", "import", path], capture_output=True, timeout=20)
took = time.monotonic() - t
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
err = p.stderr.decode()
print("%s: exit %d, %.1f s, %d MB" % (path.rsplit("/", 1)[1], p.returncode, took, rss))
ok = p.returncode == 1 and want in err and took < 20 and rss < 400
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
echo "forms-xlsx-hostile: ok"
