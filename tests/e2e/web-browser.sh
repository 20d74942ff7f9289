#!/bin/sh
# dti-web in a real browser (issue #15, acceptance "A real browser"):
# headless Chromium, through Debian's chromedriver and python3-selenium,
# drives the whole round through the pages only — clicking and typing, no
# request made by hand.  The officer of Lạc Đạo (11989) logs in, answers
# the commune's items, saves a draft, uploads a PDF made here, fills the
# contact block and submits; the appraiser of the units that verify those
# items finds one in the queue and rejects it with a reason; the officer
# reads the reason, answers again and resubmits; the appraiser verifies
# it and then the commune's remaining items at once; `dti score
# --official` is run from here (no page scores); the admin approves that
# run on the approval page; the viewer opens the official report, whose
# score of Lạc Đạo is the one `dti explain` and the published ranking
# give.  The commune form and the queue are photographed at 1280 and 390
# px, the appraiser's item page at 390, and checked (size, no sideways
# scroll, key elements in view); the PNGs stay in $DTI_TMP and their
# paths are printed.
# Skips without Chromium, chromedriver or selenium, unless
# DTI_REQUIRE_BROWSER=1 (CI sets it).
set -eu
need() {
	if [ "${DTI_REQUIRE_BROWSER:-0}" = 1 ]; then
		echo "FAIL: $1 and DTI_REQUIRE_BROWSER=1" >&2
		exit 1
	fi
	echo "SKIP: $1; dti-web was not driven in a browser"
	exit 0
}
CHROMIUM=""
for b in chromium chromium-browser; do
	command -v "$b" >/dev/null 2>&1 && CHROMIUM=$(command -v "$b") && break
done
[ -n "$CHROMIUM" ] || need "chromium is not installed (apt-get install chromium)"
CHROMEDRIVER=$(command -v chromedriver 2>/dev/null || true)
[ -n "$CHROMEDRIVER" ] || need "chromedriver is not installed (apt-get install chromium-driver)"
# Debian's selenium is for Debian's python3 (the first python3 on PATH may
# be another).
PYB=""
for p in /usr/bin/python3 python3; do
	"$p" -c "import selenium" 2>/dev/null && PYB=$p && break
done
[ -n "$PYB" ] || need "selenium is not installed (apt-get install python3-selenium)"
export CHROMIUM CHROMEDRIVER

. "$DTI_ROOT/tests/e2e/web_commune_env"
# The appraiser holds the two units that, between them, verify every item
# a commune answers (the framework's "verifiers").
UNIT1="Phòng Văn hóa và Thông tin"
UNIT2="Văn phòng HĐND-UBND huyện"
add_user lacdao.cb commune --commune 11989
add_user thamdinh appraiser --unit "$UNIT1" --unit "$UNIT2"
add_user quantri admin
add_user lanhdao viewer
web_start
export PORT T PW LINK DB
export DTI_CONFIG_FILE="$T/dti.json" FRAMEWORK="$R/config/frameworks/commune-2024.json"

"$PYB" - <<'PY' || die "the flow in the browser"
import csv, hashlib, json, os, re, sqlite3, subprocess, sys, zlib
from browser import Browser, Failure, check
from selenium.common.exceptions import WebDriverException

T, PW, LINK = os.environ["T"], os.environ["PW"], os.environ["LINK"]
fw = json.load(open(os.environ["FRAMEWORK"]))
label = {v["name"]: v["label"] for v in fw["variables"]}
db = sqlite3.connect(f"file:{os.environ['DB']}?mode=ro", uri=True)


def q(sql, *args):
    return db.execute(sql, args).fetchall()


def dti(*args):
    r = subprocess.run([os.environ["DTI_BIN"] + "/dti", "--config", os.environ["DTI_CONFIG_FILE"],
                        *args], capture_output=True, text=True)
    check(r.returncode == 0, f"dti {' '.join(args)}: exit {r.returncode}: {r.stderr[-600:]}")
    return r.stdout + r.stderr


def real_pdf(path, text):
    """A small PDF that viewers open: one page with a line of text, its
    cross-reference table at the right offsets."""
    stream = zlib.compress(f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode())
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream +
            b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    open(path, "wb").write(out)
    return out


# What the officer answers: choices by their value, numbers typed, a proof
# link where the answer earns points (the CSV form's rules).
ANSWERS = {
    "steering_head": ("chair", LINK), "dx_meetings_chaired": ("3", LINK),
    "dx_meetings_total": ("4", ""), "portal_dx_section": ("yes", LINK),
    "portal_dx_posts": ("12", ""), "radio_dx_segment": ("yes", LINK),
    "radio_dx_frequency": ("monthly", LINK), "party_dx_resolution": ("yes", LINK),
    "dx_plan_5year": ("no", ""), "dx_plan_annual": ("yes", LINK),
    "dvc_promotion_doc": ("yes", LINK), "sme_dx_doc": ("no", ""),
    "tslcd_connected": ("yes", LINK), "community_tech_team": ("yes", LINK),
    "villages_with_team": ("5", LINK), "dx_staff": ("yes", LINK), "infosec_doc": ("no", ""),
    "online_meeting_all_devices": ("yes", LINK),
}
REJECTED = "radio_dx_segment"
REASON = "Chưa có <b>biên bản</b> kiểm tra hệ thống truyền thanh"


def answer(b, var, value):
    radios = b.d.find_elements("css selector", f'input[type=radio][name="answer-{var}"]')
    if radios:
        mine = [r for r in radios if r.get_attribute("value") == value]
        check(len(mine) == 1, f"{var}: no choice {value!r} among the radios")
        mine[0].click()
        check(mine[0].is_selected(), f"{var}: the choice {value!r} is not selected")
    else:
        b.type(f"#answer-{var}", value)


def officer_declares(b):
    b.login("lacdao.cb", PW)
    b.find("form#declaration", "the declaration after login")
    check("Xã Lạc Đạo" in b.text("h1"), f"the commune named: {b.text('h1')!r}")
    items = [s.get_attribute("id")[len("item-"):]
             for s in b.d.find_elements("css selector", "section.card.item")]
    check(sorted(items) == sorted(ANSWERS), f"the commune's items: {items}")
    before = b.text("#provisional-total")
    for width, height in ((1280, 900), (390, 844)):
        b.screenshot("commune-form", width, height,
                     [("#submit", "the submit button"), ("#save", "the save button"),
                      ("section.card.item fieldset.answer input", "the first answer field"),
                      ("#contact-officer-name", "the contact block")])
    b.viewport(1280, 900)
    for var, (value, link) in ANSWERS.items():
        answer(b, var, value)
        if link:
            b.type(f"#link-{var}", link)
    b.type("#note-online_meeting_all_devices", "Đã triển khai cho 25/25 cán bộ")
    b.click("#save")
    b.wait_text("#notice", "Đã lưu bản nháp")
    after = b.text("#provisional-total")
    check(after != before, f"the provisional score moves with the draft ({before} -> {after})")
    # Evidence: a real PDF through the item's file field and upload button.
    pdf = real_pdf(f"{T}/quyet-dinh-ban-chi-dao.pdf", "Quyet dinh thanh lap Ban chi dao")
    b.find('input[type=file][form="upload-steering_head"]').send_keys(
        f"{T}/quyet-dinh-ban-chi-dao.pdf")
    b.click('button[form="upload-steering_head"]')
    b.wait_text("#notice", "Đã tải tệp lên")
    link = b.find("#item-steering_head a.evidence-file", "the uploaded file listed")
    check(link.text == "quyet-dinh-ban-chi-dao.pdf", f"the file's name: {link.text!r}")
    sha = hashlib.sha256(pdf).hexdigest()
    check(f"sha={sha}" in link.get_attribute("href"), "the file linked by its SHA-256")
    check(open(f"{T}/evidence/{sha[:2]}/{sha}", "rb").read() == pdf, "the stored bytes")
    # The draft survived the upload; the contact block, then submit.
    check(b.find("#answer-portal_dx_posts").get_attribute("value") == "12", "the draft kept")
    for field, value in (("officer-name", "Nguyễn Thị Hương"), ("officer-unit", "UBND xã Lạc Đạo"),
                         ("officer-position", "Công chức Văn hóa - Xã hội"),
                         ("officer-phone", "0912 345 678"), ("officer-email", "huong@example.vn"),
                         ("approver-name", "Trần Văn Đức"), ("approver-position", "Chủ tịch UBND xã"),
                         ("approver-phone", "0987654321")):
        b.type(f"#contact-{field}", value)
    b.click("#submit")
    b.wait_text("#notice", "Đã nộp phiếu")
    states = [s.text for s in b.d.find_elements("css selector", "section.item .item-state strong")]
    check(states == ["Chờ thẩm định"] * len(ANSWERS), f"every item awaits appraisal: {states}")
    check(b.find("#contact-approver-name").get_attribute("value") == "Trần Văn Đức", "contacts kept")
    b.logout()


def queue_item(b, var):
    """The queue, narrowed to Lạc Đạo, and the item of var opened from it."""
    b.click('nav a[href="/appraise"]')
    b.type("#queue-filter #commune", "11989")
    b.click("#queue-filter button[type=submit]")
    b.find("table#queue")
    links = [a for a in b.d.find_elements("css selector", "table#queue a.item-link")
             if a.text.strip() == label[var]]
    check(len(links) == 1, f"{var} ({label[var]!r}) once in the queue: {len(links)}")
    b.click(links[0])
    b.wait_text("#item-commune", "11989")


def appraiser_rejects(b):
    b.login("thamdinh", PW)
    b.find("table#queue", "the queue after login")
    rows = b.d.find_elements("css selector", "table#queue a.item-link")
    check(len(rows) == len(ANSWERS), f"the queue holds the commune's {len(ANSWERS)} items: {len(rows)}")
    for width, height in ((1280, 900), (390, 844)):
        b.screenshot("appraise-queue", width, height,
                     [("table#queue", "the queue table"),
                      ("table#queue a.item-link", "the first item's link"),
                      ('form[action="/appraise/commune"] button', "the verify-the-rest button")])
    b.viewport(1280, 900)
    queue_item(b, REJECTED)
    b.screenshot("appraise-item", 390, 844,
                 [("table#values", "the values table"), ("#reject-reason", "the reason field"),
                  ("#reject", "the reject button")])
    b.viewport(1280, 900)
    b.type("#reject-reason", REASON)
    b.click("#reject")
    b.wait_text("tr.this-item", "bị từ chối")
    check(b.text("tr.this-item .reason") == REASON, "the reason shown on the item")
    b.logout()


def officer_answers_again(b):
    b.login("lacdao.cb", PW)
    item = f"#item-{REJECTED}"
    b.wait_text(f"{item} .item-state", "Bị từ chối")
    reason = b.find(f"{item} .item-state .reason")
    check(REASON in reason.text, f"the reason, as text: {reason.text!r}")
    check(not reason.find_elements("css selector", "b"), "the reason's markup is not markup")
    # A rejected item is answered again from blank fields (lib/declare.c).
    check(not [r for r in b.d.find_elements("css selector", f'{item} input[type=radio]')
               if r.is_selected() and r.get_attribute("value")], "the rejected answer is not kept")
    answer(b, REJECTED, ANSWERS[REJECTED][0])
    b.type(f"#link-{REJECTED}", LINK + "?bien-ban=2")
    b.type(f"#note-{REJECTED}", "Đã bổ sung biên bản kiểm tra")
    b.click("#submit")
    b.wait_text("#notice", "Đã nộp phiếu")
    b.wait_text(f"{item} .item-state", "Chờ thẩm định")
    b.logout()


def appraiser_verifies(b):
    b.login("thamdinh", PW)
    queue_item(b, REJECTED)
    check(b.find(f"tr.this-item a").get_attribute("href").endswith("?bien-ban=2"),
          "the new proof link on the item")
    b.click("#verify")
    b.wait_text("tr.this-item", "đã xác nhận")
    b.click('a[href="/appraise"]')
    b.type("#queue-filter #commune", "11989")
    b.click("#queue-filter button[type=submit]")
    n = len(b.d.find_elements("css selector", "table#queue a.item-link"))
    check(n == len(ANSWERS) - 1, f"the remaining items in the queue: {n}")
    b.click(b.find('form[action="/appraise/commune"] button', "the verify-the-rest button"))
    left = b.text("#queue-count")
    check(left.startswith("0 mục"), f"nothing of Lạc Đạo left in the queue: {left!r}")
    check(not b.d.find_elements("css selector", "table#queue a.item-link"), "queue rows left")
    b.logout()


def admin_approves(b, run):
    b.login("quantri", PW)
    b.click('nav a[href="/admin/approve"]')
    check(b.find("#run").get_attribute("value") == str(run), "the latest run offered")
    b.type("#decision", "45/QĐ-UBND")
    date = b.find("#decision-date")
    date.send_keys("01152025")  # en-US: month, day, year
    check(date.get_attribute("value") == "2025-01-15", f"the date typed: {date.get_attribute('value')!r}")
    b.click("#approve")
    official = b.wait_text("#official", "45/QĐ-UBND").text
    check(f"lần chấm số {run}" in official and "quantri" in official, f"the approval: {official!r}")
    b.logout()


def viewer_reads(b):
    b.login("lanhdao", PW)
    b.click(b.find("#report-official", "the official report's link"))
    row = b.find_xpath("//table[@id='ranking']//tr[.//a[normalize-space()='Xã Lạc Đạo']]",
                       "Lạc Đạo in the official ranking")
    cells = row.find_elements("css selector", "td")
    shown = cells[-1].text
    check("45/QĐ-UBND" in b.text("p.summary"), "the report names the decision")
    b.click(row.find_element("css selector", "a"))
    total = re.search(r"Tổng điểm (\S+) /", b.text("p.summary"))
    check(total and total.group(1) == shown, f"the commune page's total {total and total.group(1)}")
    b.open("/")  # the published pages have no top bar of dti-web
    b.logout()
    return shown


b = Browser(f"http://127.0.0.1:{os.environ['PORT']}", T, os.environ["CHROMIUM"],
            os.environ["CHROMEDRIVER"])
try:
    officer_declares(b)
    appraiser_rejects(b)
    officer_answers_again(b)
    appraiser_verifies(b)
    # No page scores: the official scoring run, as the admin runs it.
    out = dti("score", "--official")
    run = q("SELECT max(id) FROM scoring_run")[0][0]
    check(f"scoring run {run}" in out and "official" in out, f"dti score: {out!r}")
    admin_approves(b, run)
    shown = viewer_reads(b)
    # The page writes numbers the Vietnamese way (1.000,5); dti and the CSV 1000.5.
    page = float(shown.replace(".", "").replace(",", "."))
    said = re.search(r"^TOTAL: (\S+) / 1000 points", dti("explain", "--run", str(run), "11989", "TOTAL"),
                     re.M)
    check(said and float(said.group(1)) == page, f"the viewer reads {shown}, dti explain says "
          f"{said and said.group(1)}")
    ranking = {r["commune_code"]: r["total"] for r in
               csv.DictReader(open(f"{T}/out/official-2024/ranking-2024.csv", encoding="utf-8"))}
    check(float(ranking["11989"]) == page, f"the published ranking says {ranking['11989']}, the page {shown}")
    check(page > 0, "Lạc Đạo scores points")
    print(f"official score of 11989: {shown} (run {run})")
except (Failure, WebDriverException) as e:
    print(f"FAIL: {e}", file=sys.stderr)
    print(f"FAIL: {b.where()}", file=sys.stderr)
    try:
        b.d.save_screenshot(f"{T}/failure.png")
        print(f"the page at the failure: {T}/failure.png", file=sys.stderr)
    except Exception:
        pass
    sys.exit(1)
finally:
    b.quit()
    for p in b.shots:
        print(f"screenshot: {p}")
PY

# The evidence was a real PDF (poppler reads it, where installed: CI).
if command -v pdfinfo >/dev/null 2>&1; then
	pdfinfo "$T/quyet-dinh-ban-chi-dao.pdf" | grep -q '^Pages: *1$' || die "the evidence is not a PDF of one page"
fi
# What the pages did is in the store, by the accounts.
expect_eq "runs of the declaration" "$(q "SELECT count(*) || ' ' || group_concat(DISTINCT user) FROM run WHERE program = 'dti-web' AND status = 'ok'")" "2 lacdao.cb"
expect_eq "the rejection" "$(q "SELECT by FROM appraisal WHERE action = 'reject'")" thamdinh
expect_eq "every answer verified" "$(q "SELECT group_concat(DISTINCT v.state) || ' ' || count(*) FROM source_value v JOIN source s ON s.id = v.source_id WHERE v.commune_code = '11989' AND s.name = 'form:11989'")" "verified 18"
expect_eq "the acts" "$(q "SELECT group_concat(DISTINCT by) || ' ' || count(*) FROM appraisal")" "thamdinh 19"
expect_eq "the approval" "$(q "SELECT by || ' ' || decision || ' ' || decision_date FROM approval")" "quantri 45/QĐ-UBND 2025-01-15"
expect_eq "the evidence" "$(q "SELECT variable || ' ' || uploaded_by FROM evidence")" "steering_head lacdao.cb"
echo "web-browser: ok"
