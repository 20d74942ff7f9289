#!/usr/bin/env python3
"""Writes the Hưng Yên 2025 sample (samples/hung-yen-2025/README.md).

    python3 samples/hung-yen-2025/make-sample.py [ROOT]

ROOT is the source tree (default: two folders up).  Deterministic: the same
tree gives the same files, byte for byte.  Every figure of a new commune is
the figure of one of the eleven Văn Lâm communes of samples/ (its template,
by position) scaled by a factor of the commune (the new communes are about
three times the old ones), except the figures that do not grow with an area
(the procedures a commune offers, the items its portal must publish), which
are copied.  Feeds and sheets are keyed by the codes of the unit list
2026-04-30, except feeds/telecom-vnpt-old-codes.json: VNPT's export still on
the codes of 2025-03-01, each new commune's figures divided among its old
units as the conversion table lists them.  The three old units the table
splits ("Nhập một phần") are left out of it — their figures belong to no
one new commune — so the five new communes they went into get no VNPT
figure from it, which the run reports."""
import csv
import json
import os
import random
import sys
import unicodedata

root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
here = os.path.join(root, "samples", "hung-yen-2025")
YEAR = 2025
PROVINCE = "33"


def rows(path, delimiter=","):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f, delimiter=delimiter))


units = [r for r in rows(os.path.join(root, "config", "admin-units-2026-04-30.csv")) if r["province_code"] == PROVINCE]
units.sort(key=lambda r: r["commune_code"])
assert len(units) == 104, len(units)
names = {u["commune_code"]: u["commune_name"] for u in units}
codes = list(names)
van_lam = [r["code"] for r in rows(os.path.join(root, "config", "communes-van-lam.csv"))]
template = {c: van_lam[i % len(van_lam)] for i, c in enumerate(codes)}
rng = random.Random(2025)
factor = {c: round(rng.uniform(2.2, 4.2), 3) for c in codes}

# Fields that do not grow with the area: copied from the template.
KEEP = {"TONG_TTHC_MOT_PHAN", "TONG_TTHC_TOAN_TRINH", "DVC_MOT_PHAN_PHAT_SINH_HS", "DVC_TOAN_TRINH_PHAT_SINH_HS",
        "portal_info_items_required", "portal_info_items_provided", "admin_procedures", "agencies",
        "physical_servers", "information_systems", "dx_meetings_chaired", "dx_meetings_total"}


def scaled(c, field, v):
    """A template figure for commune c."""
    if field in KEEP or isinstance(v, bool):
        return v
    if isinstance(v, int):
        return int(round(v * factor[c]))
    if isinstance(v, float):
        return round(v * factor[c], 1)
    return v


def number(s):
    """A CSV field as a number when it is one (decimal comma too)."""
    try:
        return int(s)
    except ValueError:
        pass
    try:
        return float(s.replace(",", "."))
    except ValueError:
        return s


def nodia(s):
    s = s.replace("Đ", "D").replace("đ", "d")
    return "".join(ch for ch in unicodedata.normalize("NFD", s) if unicodedata.category(ch) != "Mn")


def short(n):
    for p in ("Phường ", "Xã ", "Đặc khu "):
        if n.startswith(p):
            return n[len(p):]
    return n


def write(rel, text):
    path = os.path.join(here, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)


def write_json(rel, obj):
    write(rel, json.dumps(obj, ensure_ascii=False, indent=1) + "\n")


def write_csv(rel, header, body, delimiter=","):
    lines = [delimiter.join(header)]
    for r in body:
        lines.append(delimiter.join(str(x) for x in r))
    write(rel, "\n".join(lines) + "\n")


def by_code(records, key):
    out = {}
    for r in records:
        out[str(r[key]).zfill(5)] = r
    return out


feeds = os.path.join(root, "samples", "feeds")
sheets = os.path.join(root, "samples", "sheets")

# --- portal: three pages of 40, communes by name ("UBND Xã ...") ---------
portal = []
for p in (1, 2):
    portal += json.load(open(os.path.join(feeds, "portal-dvc-page%d.json" % p), encoding="utf-8"))["data"]
vl_names = {r["code"]: r["name"] for r in rows(os.path.join(root, "config", "communes-van-lam.csv"))}
by_name = {r["TEN"][len("UBND "):]: r for r in portal}
portal_t = {code: by_name[name] for code, name in vl_names.items()}
out = []
for i, c in enumerate(codes):
    t = portal_t[template[c]]
    r = {k: scaled(c, k, v) for k, v in t.items()}
    r.update({"ID": 33000 + i, "TEN": "UBND " + names[c], "MA_COQUAN": "000.%02d.33.H33" % (i % 100), "NAM": YEAR})
    out.append(r)
for page in (1, 2, 3):
    chunk = out[(page - 1) * 40:page * 40]
    write_json("feeds/portal-dvc-page%d.json" % page,
               {"error_code": "0", "message": "Thành công", "service": "report_tthc_tilexulyhs_service",
                "pageIndex": page, "pageSize": 40, "totalPages": 3, "total": len(out), "data": chunk})

# --- telecom: Viettel by code, MobiFone by name, VNPT on the old codes -----
vt = by_code(json.load(open(os.path.join(feeds, "telecom-viettel.json"), encoding="utf-8"))["du_lieu"], "ma_xa")
write_json("feeds/telecom-viettel.json", {
    "don_vi": "Viettel Hưng Yên", "ky_bao_cao": str(YEAR), "ngay_xuat": "2026-01-08",
    "du_lieu": [dict({k: scaled(c, k, v) for k, v in vt[template[c]].items()},
                     ma_xa=c, ten_xa=names[c], nam=YEAR) for c in codes]})

mbf_src = json.load(open(os.path.join(feeds, "telecom-mobifone.json"), encoding="utf-8"))["result"]
mbf_t = {r["commune"]: r for r in mbf_src}
mbf = []
for c in codes:
    t = mbf_t[nodia(vl_names[template[c]].replace("Thị trấn ", "").replace("Xã ", "")).upper()]
    r = {k: scaled(c, k, v) for k, v in t.items() if k != "district"}
    r["commune"] = nodia(short(names[c])).upper()
    mbf.append(r)
write_json("feeds/telecom-mobifone.json", {"result": mbf, "period": str(YEAR), "source": "MobiFone"})

vnpt_t = by_code(json.load(open(os.path.join(feeds, "telecom-vnpt.json"), encoding="utf-8"))["data"]["items"], "MaXa")
crosswalk = [r for r in rows(os.path.join(root, "config", "admin-crosswalk-2025-07-01.csv"))
             if r["new_province_code"] == PROVINCE]
olds_of, targets = {}, {}
for r in crosswalk:
    olds_of.setdefault(r["new_commune_code"], []).append(r)
    targets.setdefault(r["old_commune_code"], set()).add(r["new_commune_code"])
split = {o for o, t in targets.items() if len(t) > 1} | {r["old_commune_code"] for r in crosswalk if "một phần" in r["change"]}
items = []
for c in codes:
    t = {k: scaled(c, k, v) for k, v in vnpt_t[template[c]].items() if k not in ("MaXa", "TenXa")}
    olds = olds_of[c]
    weights = [rng.uniform(0.5, 1.5) for _ in olds]
    left = dict(t)
    for j, o in enumerate(olds):
        part = {}
        for k, v in t.items():
            if j == len(olds) - 1:
                part[k] = left[k]
            else:
                part[k] = int(v * weights[j] / sum(weights))
                left[k] -= part[k]
        if o["old_commune_code"] in split:
            continue
        items.append(dict({"MaXa": int(o["old_commune_code"]), "TenXa": o["old_commune_name"]}, **part))
items.sort(key=lambda r: r["MaXa"])
write_json("feeds/telecom-vnpt-old-codes.json", {
    "status": "success", "code": 200,
    "data": {"province": "Hưng Yên", "period": str(YEAR),
             "note": "Mã xã theo danh mục ĐVHC 01/3/2025 (trước sắp xếp)", "items": items}})

# --- postal ------------------------------------------------------------------
vp = by_code(json.load(open(os.path.join(feeds, "postal-vnpost.json"), encoding="utf-8"))["data"], "MA_XA")
write_json("feeds/postal-vnpost.json", {"code": "00", "message": "OK", "data": [
    dict({k: scaled(c, k, v) for k, v in vp[template[c]].items()}, MA_XA=c, TEN_XA=names[c], NAM=YEAR)
    for c in codes]})
vtp = by_code(rows(os.path.join(feeds, "postal-viettelpost.csv")), "ma_xa")
write_csv("feeds/postal-viettelpost.csv", ["ma_xa", "ten_xa", "thang", "so_buu_gui_phat"],
          [(c, names[c], "01-12/%d" % YEAR, scaled(c, "so_buu_gui_phat", int(vtp[template[c]]["so_buu_gui_phat"])))
           for c in codes])

# --- OneTouch learners: one row a learner, the commune by name -------------
courses = ["Kỹ năng số cơ bản", "An toàn thông tin cho người dân", "Sử dụng dịch vụ công trực tuyến",
           "Thanh toán không dùng tiền mặt"]
family = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ"]
given = ["Văn An", "Thị Hà", "Minh Quang", "Thu Trang", "Ngọc Nam", "Thị Hạnh", "Đức Long", "Thị Mai"]
lines = ["STT,Họ và tên,Ngày sinh,Số điện thoại,Xã/Phường,Tỉnh/Thành phố,Khóa học,Ngày hoàn thành"]
n = 0
for c in codes:
    for _ in range(rng.randint(20, 60)):
        n += 1
        year = YEAR if rng.random() < 0.9 else YEAR - 1
        written = names[c] if rng.random() < 0.7 else names[c].upper()
        lines.append('%d,%s %s,%02d/%02d/%d,09%08d,"%s",Tỉnh Hưng Yên,%s,%02d/%02d/%d' % (
            n, rng.choice(family), rng.choice(given), rng.randint(1, 28), rng.randint(1, 12), rng.randint(1960, 2007),
            rng.randint(0, 99999999), written, rng.choice(courses), rng.randint(1, 28), rng.randint(1, 12), year))
write("feeds/onetouch-learners-%d.csv" % YEAR, "\ufeff" + "\r\n".join(lines) + "\r\n")

# --- office feeds: education (JSON wide), tax (JSON long), finance (CSV) ---
edu = by_code(json.load(open(os.path.join(feeds, "education-office.json"), encoding="utf-8")), "commune_code")
write_json("feeds/education-office.json", [
    {"commune_code": c, "commune_name": names[c], "schools_dx": scaled(c, "schools_dx", edu[template[c]]["schools_dx"])}
    for c in codes])
tax_src = json.load(open(os.path.join(feeds, "tax-office.json"), encoding="utf-8"))["rows"]
tax = []
for c in codes:
    for r in tax_src:
        if r["ma_xa"] == template[c]:
            tax.append({"ma_xa": c, "chi_tieu": r["chi_tieu"], "gia_tri": scaled(c, "gia_tri", r["gia_tri"])})
write_json("feeds/tax-office.json", {"don_vi": "Thuế tỉnh Hưng Yên", "nam": YEAR, "rows": tax})
fin = by_code(rows(os.path.join(feeds, "finance-office.csv"), ";"), "commune_code")
fin_cols = list(next(iter(fin.values())).keys())
write_csv("feeds/finance-office.csv", fin_cols,
          [[c, names[c]] + [str(scaled(c, k, number(fin[template[c]][k]))).replace(".", ",") for k in fin_cols[2:]]
           for c in codes], ";")

# --- district sheets (wide, and the commune answers long) ------------------
for name in ("bank-branches", "culture-office", "document-system", "statistics-office"):
    src = by_code(rows(os.path.join(sheets, name + ".csv")), "commune_code")
    cols = list(next(iter(src.values())).keys())
    write_csv("sheets/%s.csv" % name, cols,
              [[c, names[c]] + [scaled(c, k, number(src[template[c]][k])) for k in cols[2:]] for c in codes])
answers = rows(os.path.join(sheets, "commune-answers.csv"))
body = []
for c in codes:
    for r in answers:
        if r["commune_code"] == template[c]:
            v = number(r["value"])
            if r["variable"] in ("villages_with_team", "portal_dx_posts"):
                v = scaled(c, r["variable"], v)
            body.append((c, r["variable"], v))
write_csv("sheets/commune-answers.csv", ["commune_code", "variable", "value"], body)
