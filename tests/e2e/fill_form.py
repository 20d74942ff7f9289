#!/usr/bin/env python3
"""Fills a generated commune form the way an officer would in a spreadsheet.

usage: fill_form.py FORM OUT [ASSIGNMENT...]
  ITEM=ANSWER[|LINK[|NOTE]]   answer an item (row key ITEM), optionally with
                              a proof link and a note
  ITEM.note@=FILE             the note is FILE's bytes (may be invalid UTF-8)
  contact=default             fill both contact rows
  name=nfd                    rewrite the commune name in decomposed Unicode
  delim=;                     save with semicolons (as Excel does in some locales)
  bom=no                      save without the BOM
  row=K,V...                  append a raw row
Rows keep their order; the file is written as UTF-8 with CRLF line ends."""
import csv
import sys
import unicodedata

src, dst = sys.argv[1], sys.argv[2]
sets, notes, extra = {}, {}, []
opts = {"delim": ",", "bom": "yes"}
for a in sys.argv[3:]:
    k, v = a.split("=", 1)
    if k.endswith(".note@"):
        notes[k[:-6]] = open(v, "rb").read().decode("utf-8", "surrogateescape")
    elif k == "row":
        extra.append(v.split(","))
    elif k in ("contact", "name", "delim", "bom"):
        opts[k] = v
    else:
        sets[k] = v.split("|")
rows = list(csv.reader(open(src, encoding="utf-8-sig", newline="")))
for r in rows:
    k = r[0]
    if k in sets:
        parts = sets[k]
        r[2] = parts[0]
        if len(parts) > 1:
            r[5] = parts[1]
        if len(parts) > 2:
            r[6] = parts[2]
    if k in notes:
        r[6] = notes[k]
    if k == "contact.officer" and opts.get("contact") == "default":
        r[2:7] = ["Nguyễn Thị Hương", "Văn phòng - Thống kê xã", "Công chức", "0912 345 678",
                  "huong.nt@example.vn"]
    if k == "contact.approver" and opts.get("contact") == "default":
        r[2:7] = ["Trần Văn Đức", "UBND xã", "Phó Chủ tịch UBND xã", "84 221 3987 654", ""]
    if k == "commune_name" and opts.get("name") == "nfd":
        r[2] = unicodedata.normalize("NFD", r[2])
rows.extend(extra)
enc = "utf-8-sig" if opts["bom"] == "yes" else "utf-8"
with open(dst, "w", encoding=enc, errors="surrogateescape", newline="") as f:
    csv.writer(f, delimiter=opts["delim"], lineterminator="\r\n").writerows(rows)
