#!/usr/bin/env python3
# Usage: python3 scripts/gen-sample-feeds.py samples/sheets samples/feeds config/communes-van-lam.csv
# Generates samples/feeds/ from the district figures (feeds-summary.csv and
# the office sheets), splitting summed figures across operators.
import csv, json, random, unicodedata, sys, os
src = sys.argv[1]; out = sys.argv[2]
random.seed(2024)
names = {}
for r in csv.DictReader(open(os.path.join(sys.argv[3]))):
    names[r['code']] = r['name']
codes = list(names)
vals = {}
for r in csv.DictReader(open(os.path.join(src, 'feeds-summary.csv')), delimiter=';'):
    vals.setdefault(r['commune_code'], {})[r['variable']] = int(r['value'])
def split(total, shares):
    parts = [int(total * s) for s in shares[:-1]]
    parts.append(total - sum(parts))
    return parts
def strip_prefix(n):
    for p in ('Thị trấn ', 'Xã ', 'Phường '):
        if n.startswith(p): return n[len(p):]
    return n
def nodia(s):
    s = s.replace('Đ', 'D').replace('đ', 'd')
    return ''.join(c for c in unicodedata.normalize('NFD', s) if unicodedata.category(c) != 'Mn')
def w(name, text):
    open(os.path.join(out, name), 'w', encoding='utf-8', newline='').write(text)
def wj(name, obj):
    w(name, json.dumps(obj, ensure_ascii=False, indent=1) + '\n')

# --- portal: rest.jsp answers, two pages of report_tthc rows -------------
rows = []
for i, c in enumerate(codes):
    v = vals[c]
    rows.append({"ID": 31000 + i, "TEN": "UBND " + names[c], "MA_COQUAN": "000.%02d.31.H31" % (i + 20),
                 "CAPDONVIID": 3, "NAM": 2024,
                 "TONG_TTHC_MOT_PHAN": v['dvc_partial_services'],
                 "TONG_TTHC_TOAN_TRINH": v['dvc_full_services'],
                 "DVC_MOT_PHAN_PHAT_SINH_HS": v['dvc_partial_services_online'],
                 "DVC_TOAN_TRINH_PHAT_SINH_HS": v['dvc_full_services_online'],
                 "TONG_HS_TIEP_NHAN": v['dossiers_total'],
                 "HS_TRUC_TUYEN_MOT_PHAN": v['dossiers_online_partial'],
                 "HS_TRUC_TUYEN_TOAN_TRINH": v['dossiers_online_full']})
for page, chunk in ((1, rows[:6]), (2, rows[6:])):
    wj('portal-dvc-page%d.json' % page, {"error_code": "0", "message": "Thành công",
        "service": "report_tthc_tilexulyhs_service", "pageIndex": page, "pageSize": 6,
        "totalPages": 2, "total": len(rows), "data": chunk})

# --- telecom -----------------------------------------------------------------
vt, vnpt, mbf = [], [], []
for c in codes:
    v = vals[c]
    s = split(v['smartphone_users'], [0.5, 0.32, 0.18])
    f = split(v['fiber_households'], [0.56, 0.39, 0.05])
    e = split(v['enterprises_econtract'], [0.6, 0.4])
    g = split(v['digital_signature_holders'], [0.45, 0.4, 0.15])
    vt.append({"ma_xa": c, "ten_xa": names[c], "nam": 2024, "tb_smartphone": s[0],
               "hgd_cap_quang": f[0], "dn_vcontract": e[0], "tb_mysign": g[0]})
    vnpt.append({"MaXa": int(c), "TenXa": names[c], "SoThueBaoSmartphone": s[1],
                 "SoHoFiberVNN": f[1], "SoDNeContract": e[1], "SoCKS_VNPTCA": g[1]})
    mbf.append({"commune": nodia(strip_prefix(names[c])).upper(), "district": "VAN LAM",
                "smartphone_subscribers": s[2], "ftth_households": f[2], "mobifone_ca": g[2]})
# A commune of the neighbouring town, outside the assessed set.
vt.append({"ma_xa": "12109", "ten_xa": "Xã Cẩm Xá", "nam": 2024, "tb_smartphone": 4120,
           "hgd_cap_quang": 1630, "dn_vcontract": 21, "tb_mysign": 530})
wj('telecom-viettel.json', {"don_vi": "Viettel Hưng Yên", "ky_bao_cao": "2024", "ngay_xuat": "2025-01-06",
                            "du_lieu": vt})
wj('telecom-vnpt.json', {"status": "success", "code": 200,
                         "data": {"province": "Hưng Yên", "period": "2024", "items": vnpt}})
wj('telecom-mobifone.json', {"result": mbf, "period": "2024-12", "source": "MobiFone KV1"})

# --- postal -----------------------------------------------------------------
vp, vtp = [], ["ma_xa,ten_xa,thang,so_buu_gui_phat"]
for c in codes:
    v = vals[c]
    p = split(v['parcels_total'], [0.58, 0.42])
    e = split(v['ecommerce_orders'], [0.55, 0.45])
    vp.append({"MA_XA": c, "TEN_XA": names[c], "NAM": 2024,
               "SO_DIEM_BDVHX_CO_BANG_RONG": v['postal_points_broadband'],
               "DON_HANG_VOSO": e[0], "DON_HANG_POSTMART": e[1],
               "SAN_LUONG_BUU_GUI": p[0], "SO_HO_CO_DIA_CHI_SO": v['households_digital_address']})
    vtp.append('%s,%s,01-12/2024,%d' % (c, names[c], p[1]))
wj('postal-vnpost.json', {"code": "00", "message": "OK", "data": vp})
w('postal-viettelpost.csv', '\r\n'.join(vtp) + '\r\n')

# --- OneTouch learners ---------------------------------------------------------
surn = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đỗ', 'Bùi', 'Đặng', 'Ngô']
mid = ['Văn', 'Thị', 'Đức', 'Minh', 'Thu', 'Hữu', 'Ngọc', 'Thanh']
given = ['An', 'Bình', 'Chi', 'Dũng', 'Hà', 'Hạnh', 'Hùng', 'Lan', 'Long', 'Mai', 'Nam', 'Phương', 'Quang', 'Thảo', 'Trang', 'Tuấn']
courses = ['Kỹ năng số cơ bản', 'An toàn thông tin cho người dân', 'Sử dụng dịch vụ công trực tuyến',
           'Thanh toán không dùng tiền mặt']
def commune_text(c):
    n = names[c]; k = random.random()
    if k < 0.45: return n
    if k < 0.6: return strip_prefix(n)
    if k < 0.7: return n.upper()
    if k < 0.8: return nodia(n)
    if k < 0.9: return unicodedata.normalize('NFD', n)
    return n + ', Huyện Văn Lâm, Tỉnh Hưng Yên'
def date(year):
    d, m = random.randint(1, 28), random.randint(1, 12); k = random.random()
    if k < 0.6: return '%02d/%02d/%d' % (d, m, year)
    if k < 0.85: return '%d-%02d-%02d' % (year, m, d)
    return '%02d-%02d-%d %02d:%02d:%02d' % (d, m, year, random.randint(7, 21), random.randint(0, 59), random.randint(0, 59))
lines = ['STT,Họ và tên,Ngày sinh,Số điện thoại,Xã/Phường,Quận/Huyện,Tỉnh/Thành phố,Khóa học,Ngày hoàn thành']
recs = []
for c in codes:
    n = vals[c]['onetouch_learners']
    for _ in range(n): recs.append((c, 2024))
    for _ in range(n // 5): recs.append((c, 2023))
    for _ in range(n // 8): recs.append((c, None))
for _ in range(300): recs.append(('12109', 2024))
random.shuffle(recs)
for i, (c, y) in enumerate(recs, 1):
    name = '%s %s %s' % (random.choice(surn), random.choice(mid), random.choice(given))
    born = '%02d/%02d/%d' % (random.randint(1, 28), random.randint(1, 12), random.randint(1950, 2008))
    phone = '09%08d' % random.randint(0, 99999999)
    if c == '12109':
        ct, dist = 'Xã Cẩm Xá', 'Thị xã Mỹ Hào'
    else:
        ct, dist = commune_text(c), 'Huyện Văn Lâm'
    comp = date(y) if y else ''
    lines.append('%d,%s,%s,%s,"%s",%s,Tỉnh Hưng Yên,%s,%s' % (i, name, born, phone, ct, dist, random.choice(courses), comp))
w('onetouch-learners-2024.csv', '\ufeff' + '\r\n'.join(lines) + '\r\n')

# --- district office sheets -------------------------------------------------------
def sheet(name):
    return list(csv.DictReader(open(os.path.join(src, name))))
edu = sheet('education-office.csv')
wj('education-office.json', [{"commune_code": r['commune_code'], "commune_name": r['commune_name'],
                              "schools_dx": int(r['schools_dx'])} for r in edu])
tax = sheet('tax-office.csv')
long_rows = []
for r in tax:
    long_rows.append({"ma_xa": r['commune_code'], "chi_tieu": "DN_NEN_TANG_SO", "gia_tri": int(r['smes_digital_platform'])})
    long_rows.append({"ma_xa": r['commune_code'], "chi_tieu": "DN_HOA_DON_THUE_DIEN_TU", "gia_tri": int(r['enterprises_etax'])})
wj('tax-office.json', {"don_vi": "Chi cục Thuế khu vực Văn Lâm - Mỹ Hào", "nam": 2024, "rows": long_rows})
fin = sheet('finance-office.csv')
fl = ['commune_code;commune_name;budget_spending_total;dx_budget;digital_economy_spending;digital_society_investment;digital_society_recurrent']
for r in fin:
    fl.append(';'.join([r['commune_code'], r['commune_name']] + [r[k].replace('.', ',') for k in
              ['budget_spending_total', 'dx_budget', 'digital_economy_spending', 'digital_society_investment', 'digital_society_recurrent']]))
w('finance-office.csv', '\r\n'.join(fl) + '\r\n')
