"""webclient.py — a small HTTP client for the dti-web tests: one cookie jar
per client, no redirect followed (the tests look at each 303), the CSRF
token read from the last page that carried one.  Standard library only."""
import http.client
import os
import re
import socket
import sys
import time
import urllib.parse

PORT = int(os.environ.get("WEB_PORT", "0"))
HOST = "127.0.0.1"


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # list of (name, value), names lowercased
        self.body = body
        self.text = body.decode("utf-8", "replace")

    def header(self, name):
        for k, v in self.headers:
            if k == name.lower():
                return v
        return None

    def all(self, name):
        return [v for k, v in self.headers if k == name.lower()]


class Client:
    def __init__(self, port=None):
        self.port = port or PORT
        self.cookies = {}
        self.csrf = None

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
        h = dict(headers or {})
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        data = r.read()
        resp = Response(r.status, [(k.lower(), v) for k, v in r.getheaders()], data)
        conn.close()
        for c in resp.all("set-cookie"):
            name, _, rest = c.partition("=")
            value = rest.split(";", 1)[0]
            if "Max-Age=0" in c:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        m = re.search(r'name="csrf" value="([0-9a-f]*)"', resp.text)
        if m:
            self.csrf = m.group(1)
        return resp

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, fields, csrf=True):
        """fields: list of (name, value) or dict; csrf: True adds the
        client's token, a string sends that one, False none."""
        items = list(fields.items()) if isinstance(fields, dict) else list(fields)
        if csrf is True:
            if self.csrf is None:
                self.get("/login")
            items.append(("csrf", self.csrf or ""))
        elif isinstance(csrf, str):
            items.append(("csrf", csrf))
        body = urllib.parse.urlencode(items)
        return self.request("POST", path, body,
                            {"Content-Type": "application/x-www-form-urlencoded"})

    def login(self, name, password):
        self.get("/login")
        r = self.post("/login", {"username": name, "password": password})
        if r.status == 303:
            self.home()
        return r

    def home(self):
        """The role's first page (every signed-in page carries the
        session's CSRF token in its logout form)."""
        r = self.get("/")
        loc = r.header("location")
        if loc and loc.startswith("/"):
            r = self.get(loc)
        return r


def wait_port(port, seconds=10):
    end = time.time() + seconds
    while time.time() < end:
        try:
            socket.create_connection((HOST, port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    fail(f"dti-web did not listen on {port}")
