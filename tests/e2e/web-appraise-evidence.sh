#!/bin/sh
# The appraiser's item page shows the commune's evidence for that item
# (issue #15: "one item shows the commune's answer and evidence beside
# every feed value"): each file the commune uploaded for the variable is
# linked, its name escaped, a file of another item is not; the link serves
# the very bytes as an attachment to the appraiser, and nothing of
# another commune.
. "$DTI_ROOT/tests/e2e/web_env"
py <<'PY'
import os, re
from web_client import Client
from webclient import check
pdf = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
other = b"%PDF-1.7\n% another item\ntrailer<<>>\n%%EOF\n"
c = Client()
c.login("lacdao", "lacdao-pass-1")
c.get("/commune")
r = c.upload("/commune/evidence", {"commune": "11989", "variable": "dx_meetings_total"},
             "biên bản <i>họp & x.pdf", pdf)
check(r.status == 303, f"upload: {r.status} {r.text[:300]}")
r = c.upload("/commune/evidence", {"commune": "11989", "variable": "steering_head"},
             "quyet-dinh-khac.pdf", other)
check(r.status == 303, f"upload of another item: {r.status}")

a = Client()
a.login("appr", "appr-pass-1")
page = a.get("/appraise/item?id=" + os.environ["OBS_OWN"])
check(page.status == 200, f"item page: {page.status}")
block = re.search(r'<ul id="evidence">(.*?)</ul>', page.text, re.S)
check(block, "no evidence list on the item page")
links = re.findall(r'<a class="evidence-file" href="([^"]*)">([^<]*)</a>', block.group(1))
check(len(links) == 1, f"the item's evidence only: {links}")
href, name = links[0]
check(name == "biên bản &lt;i&gt;họp &amp; x.pdf", f"the name escaped: {name!r}")
check("quyet-dinh-khac" not in page.text, "another item's file shown")
m = re.fullmatch(r"/commune/evidence\?commune=11989&amp;sha=([0-9a-f]{64})", href)
check(m, f"link {href}")
f = a.get(href.replace("&amp;", "&"))
check(f.status == 200 and f.body == pdf, f"the file served to the appraiser: {f.status}")
check(f.header("content-disposition").startswith("attachment"), "served as an attachment")
check(a.get(f"/commune/evidence?commune=11986&sha={m.group(1)}").status == 404,
      "another commune's evidence served under this hash")
# An item without evidence says so.
page = a.get("/appraise/item?id=" + os.environ["OBS_OTHER"])
check(page.status == 200 and 'id="no-evidence"' in page.text and 'id="evidence"' not in page.text,
      "an item without evidence")
PY
