#!/bin/sh
# The communes' forms on the status pages (issue #16, national scale): each
# commune's form is a source of its own ("form:CODE", 10,048 of them
# nationally), so the admin's status page and the report's data-quality
# page list the feeds and count the forms in one line, with the latest
# received, instead of a row a commune.  A form source is not of a year:
# of those counted, the line says how many gave the year's form (one of
# these gave only the year before's).
. "$DTI_ROOT/tests/e2e/web_env"
q "INSERT INTO source(name, kind, created_at) VALUES ('form:11990', 'form', '2023-05-01T00:00:00Z');
   INSERT INTO run(source_id, program, year, started_at, finished_at, status)
   SELECT id, 'dti-web', 2023, '2023-05-01T00:00:00Z', '2023-05-01T00:00:01Z', 'ok'
   FROM source WHERE name = 'form:11990';"
LAST=$(q "SELECT max(last_success) FROM source_status WHERE kind = 'form'")
[ -n "$LAST" ] || die "no form received"
export LAST
py <<'PY'
import os, re
from webclient import Client, check
a = Client()
check(a.login("admin", "admin-pass-1").status == 303, "admin login")
r = a.get("/admin/status")
check(r.status == 200, f"status page: {r.status}")
table = re.search(r'<table[^>]*id="sources".*?</table>', r.text, re.S)
check(table is not None, "no sources table")
check("document-system" in table.group(0), "the feed is not listed")
check("form:" not in table.group(0), "a commune's form is listed as a source")
m = re.search(r'<p id="form-sources">(.*?)</p>', r.text, re.S)
check(m is not None, "no line of the forms")
check(re.search(r'id="form-sources-n">3<', m.group(1)) is not None, f"forms counted: {m.group(1)}")
check(re.search(r'id="form-sources-year">2</span> đã gửi biểu mẫu năm 2024', m.group(1)) is not None,
      f"the year's forms: {m.group(1)}")
PY
dti score >/dev/null 2>&1 || die "score"
dti publish >/dev/null 2>&1 || die "publish"
python3 - "$T/out/2024/report/data-quality.html" "$LAST" <<'PY' || die "the data-quality page's sources"
import re, sys
page = open(sys.argv[1], encoding="utf-8").read()
table = re.search(r'<table id="sources">.*?</table>', page, re.S).group(0)
assert "document-system" in table, "the feed is not listed"
assert "form:" not in table, "a commune's form is listed as a source"
line = re.sub(r"<[^>]+>", "", re.search(r'<p id="form-sources">(.*?)</p>', page, re.S).group(1))
assert "3 nguồn không có vấn đề" in line and "trong đó 2 đã gửi biểu mẫu năm 2024" in line, line
# The latest received, as the page writes times (Vietnam's hour and date).
assert re.search(r"lần nhận gần nhất [0-9]{2}:[0-9]{2} ngày [0-9]{2}/[0-9]{2}/[0-9]{4}", line), line
PY
echo "web-status-forms: ok"
