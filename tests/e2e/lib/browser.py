"""browser.py — headless Chromium for the dti-web tests, driven through
Debian's chromedriver and python3-selenium (run it with /usr/bin/python3:
the selenium package is Debian's).  The tests act as a person does:
they click links and buttons and type into fields, and wait for what the
next page shows (WebDriverWait, never a sleep: the suite runs ~60 scripts
at once on two cores).  Screenshots are taken at an exact viewport width
with a device pixel ratio of 1 (DevTools' Emulation.setDeviceMetricsOverride:
headless Chromium will not make a window narrower than ~500 px) and
checked: the PNG's size is the viewport's, the page does not scroll
sideways, and the key elements are shown inside the viewport."""
import os
import struct

from selenium import webdriver
from selenium.common.exceptions import (StaleElementReferenceException, TimeoutException,
                                        WebDriverException)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

WAIT = 60  # seconds for any one page or element: generous, the machine is shared


# What chromedriver says of an element or script of a page that is being
# replaced by the next one, instead of a stale element, depending on the
# moment: the old page is gone, which is all the tests wait for.
_REPLACED = ("does not belong to the document", "No node with given id",
             "Cannot find context with specified id", "Execution context was destroyed",
             "Inspected target navigated or closed")


def replaced(e):
    return isinstance(e, StaleElementReferenceException) or any(m in (e.msg or "") for m in _REPLACED)


def gone(old):
    """A wait condition: old (an element) no longer belongs to the page."""
    def cond(d):
        try:
            old.is_enabled()
            return False
        except WebDriverException as e:
            if replaced(e):
                return True
            raise
    return cond


class Failure(Exception):
    """A check of the test failed; the message says which."""


def check(cond, what):
    if not cond:
        raise Failure(what)


def png_size(path):
    """(width, height) from a PNG file's IHDR chunk."""
    with open(path, "rb") as f:
        head = f.read(24)
    check(head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR", f"{path}: not a PNG")
    return struct.unpack(">II", head[16:24])


# Where an element is once scrolled into view, and whether it is what
# the eye meets at its centre (not hidden under something else).
_PLACE = """
const el = arguments[0];
el.scrollIntoView({block: 'center', inline: 'nearest'});
const r = el.getBoundingClientRect();
const s = getComputedStyle(el);
const x = r.left + r.width / 2, y = r.top + r.height / 2;
const hit = document.elementFromPoint(x, y);
return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width,
        height: r.height, shown: s.visibility !== 'hidden' && s.display !== 'none',
        on_top: hit !== null && (hit === el || el.contains(hit) || hit.contains(el)
                                 || (el.labels && [...el.labels].some(l => l.contains(hit))))};
"""


class Browser:
    """One headless Chromium with a fresh profile under tmp; base is the
    site's address (http://127.0.0.1:PORT)."""

    def __init__(self, base, tmp, chromium, chromedriver):
        self.base = base.rstrip("/")
        self.tmp = tmp
        self.shots = []
        opts = webdriver.ChromeOptions()
        opts.binary_location = chromium
        for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--disable-quic", "--disable-features=Translate",
                  "--password-store=basic", "--force-device-scale-factor=1", "--hide-scrollbars", "--lang=en-US",
                  "--window-size=1280,900", f"--user-data-dir={tmp}/chromium-profile"):
            opts.add_argument(a)
        opts.add_experimental_option("prefs", {"intl.accept_languages": "en-US",
                                               "credentials_enable_service": False})
        service = Service(executable_path=chromedriver, log_path=os.path.join(tmp, "chromedriver.log"))
        self.d = webdriver.Chrome(service=service, options=opts)
        self.d.set_page_load_timeout(120)
        self.viewport(1280, 900)

    def quit(self):
        try:
            self.d.quit()
        except WebDriverException:
            pass

    # ---- what is on the page ---------------------------------------------

    def where(self):
        """The current page, for a failure's message: its address, heading
        and message."""
        try:
            h1 = self.d.find_elements(By.TAG_NAME, "h1")
            msg = self.d.find_elements(By.CSS_SELECTOR, "#message, #problems, .problem")
            return (f"at {self.d.current_url}: h1 {h1[0].text if h1 else '-'!r}; "
                    f"{' | '.join(m.text for m in msg)[:600]!r}")
        except WebDriverException as e:
            return f"(page unreadable: {e.msg})"

    def wait(self, cond, what):
        """cond(driver) once it is true; asked again while a page being
        replaced answers it with an error of the old page."""
        def asked(d):
            try:
                return cond(d)
            except WebDriverException as e:
                if replaced(e):
                    return False
                raise
        try:
            return WebDriverWait(self.d, WAIT).until(asked)
        except TimeoutException:
            raise Failure(f"waited {WAIT} s for {what}, {self.where()}") from None

    def find(self, css, what=None):
        """The visible element css names, once it is there."""
        return self.wait(EC.visibility_of_element_located((By.CSS_SELECTOR, css)), what or css)

    def find_xpath(self, xpath, what):
        return self.wait(EC.visibility_of_element_located((By.XPATH, xpath)), what)

    def text(self, css):
        return self.find(css).text

    def wait_text(self, css, text):
        """The element css names, once it contains text."""
        self.wait(EC.text_to_be_present_in_element((By.CSS_SELECTOR, css), text),
                  f"{text!r} in {css}")
        return self.d.find_element(By.CSS_SELECTOR, css)

    # ---- acting ----------------------------------------------------------

    def open(self, path):
        """Types an address, as a person starts."""
        self.d.get(self.base + path)
        self.wait(lambda d: d.execute_script("return document.readyState") == "complete",
                  f"{path} to load")

    def type(self, css, text):
        el = self.find(css)
        el.clear()
        el.send_keys(text)
        return el

    def click(self, el):
        """Clicks el (an element or a CSS selector) and waits for the page
        it leads to (a link followed, a form posted and its 303 followed)."""
        if isinstance(el, str):
            el = self.find(el)
        what = el.text or el.get_attribute("id") or el.tag_name
        old = self.d.find_element(By.TAG_NAME, "html")
        self.d.execute_script("arguments[0].scrollIntoView({block: 'center'})", el)
        el.click()
        self.wait(gone(old), f"the page after clicking {what!r}")
        self.wait(lambda d: d.execute_script("return document.readyState") == "complete",
                  "the next page to load")

    def login(self, name, password):
        """From the site's first page: the login form, then the role's page."""
        self.open("/")
        self.find("#login-form")
        check(self.d.current_url == self.base + "/login", f"/ led to {self.d.current_url}")
        self.type('#login-form input[name="username"]', name)
        self.type('#login-form input[name="password"][type="password"]', password)
        self.click("#login-form button[type=submit]")
        self.wait_text("#account-name", name)

    def logout(self):
        self.click("#logout")
        self.find("#login-form", "the login form after logging out")

    # ---- screenshots -----------------------------------------------------

    def viewport(self, width, height):
        """The viewport at width x height CSS pixels, one device pixel each;
        a phone (touch, the page's viewport meta obeyed) below 600 px."""
        self.d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": width, "height": height, "deviceScaleFactor": 1,
                                "mobile": width < 600})
        self.wait(lambda d: d.execute_script("return document.documentElement.clientWidth")
                  == width, f"the layout to be {width} px wide")

    def screenshot(self, name, width, height, keys):
        """The current page at width x height, saved as NAME-WIDTH.png in
        tmp (scrolled to the top), checked: the PNG is the viewport's size,
        nothing scrolls sideways, and each (css, what) of keys is shown,
        whole, inside the viewport once scrolled to.  Returns the path."""
        self.viewport(width, height)
        doc = self.d.execute_script(
            "const e = document.documentElement; return [e.scrollWidth, e.clientWidth,"
            " document.body.scrollWidth, window.innerWidth];")
        check(doc[0] <= width and doc[2] <= width,
              f"{name} at {width} px scrolls sideways: scrollWidth {doc[0]}, body {doc[2]}, "
              f"innerWidth {doc[3]} ({self.d.current_url})")
        for css, what in keys:
            el = self.find(css, f"{what} on {name}")
            p = self.d.execute_script(_PLACE, el)
            check(p["shown"] and p["width"] > 0 and p["height"] > 0,
                  f"{name} at {width} px: {what} ({css}) is not shown: {p}")
            check(p["left"] >= 0 and p["right"] <= width + 0.5,
                  f"{name} at {width} px: {what} ({css}) is outside the viewport "
                  f"horizontally: {p['left']:.1f}..{p['right']:.1f}")
            check(p["top"] >= 0 and p["bottom"] <= height + 0.5 or p["height"] > height,
                  f"{name} at {width} px: {what} ({css}) cannot be scrolled into view: {p}")
            check(p["on_top"] or p["height"] > height,
                  f"{name} at {width} px: {what} ({css}) is covered by another element")
        self.d.execute_script("window.scrollTo(0, 0)")
        path = os.path.join(self.tmp, f"{name}-{width}.png")
        check(self.d.save_screenshot(path), f"{path}: no screenshot")
        w, h = png_size(path)
        check((w, h) == (width, height),
              f"{path}: {w}x{h} pixels, the viewport is {width}x{height} (device pixel ratio 1)")
        self.shots.append(path)
        return path
