"""A small HTTP client for the dti-web end-to-end tests: one session (its
own cookie jar), redirects not followed (a test looks at the 303), forms
sent as application/x-www-form-urlencoded or multipart/form-data, the
page's CSRF token read from its hidden field."""
import http.client
import http.cookies
import re
import urllib.parse
import uuid


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None


class Client:
    def __init__(self, port, host="127.0.0.1", timeout=30):
        self.host, self.port, self.timeout = host, port, timeout
        self.cookies = {}
        self.csrf = None

    def request(self, method, path, body=None, content_type=None):
        c = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if content_type:
            headers["Content-Type"] = content_type
        c.request(method, path, body=body, headers=headers)
        r = c.getresponse()
        data = r.read()
        hs = r.getheaders()
        c.close()
        for k, v in hs:
            if k.lower() == "set-cookie":
                morsel = http.cookies.SimpleCookie(v)
                for name, m in morsel.items():
                    if m["max-age"] == "0" or m.value == "":
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = m.value
        resp = Response(r.status, hs, data)
        m = re.search(rb'name="csrf" value="([0-9a-f]+)"', data)
        if m:
            self.csrf = m.group(1).decode()
        return resp

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, fields, csrf=True):
        items = list(fields.items()) if isinstance(fields, dict) else list(fields)
        if csrf and self.csrf:
            items.append(("csrf", self.csrf))
        return self.request("POST", path, urllib.parse.urlencode(items).encode(),
                            "application/x-www-form-urlencoded")

    def upload(self, path, fields, filename, data, content_type="application/pdf"):
        boundary = "dti" + uuid.uuid4().hex
        items = list(fields.items())
        if self.csrf:
            items.append(("csrf", self.csrf))
        out = b""
        for k, v in items:
            out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n"
                    f"{v}\r\n").encode()
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
                f"filename=\"{filename}\"\r\nContent-Type: {content_type}\r\n\r\n").encode()
        out += data + f"\r\n--{boundary}--\r\n".encode()
        return self.request("POST", path, out, f"multipart/form-data; boundary={boundary}")

    def login(self, name, password):
        self.get("/login")
        r = self.post("/login", {"username": name, "password": password})
        if r.status != 303:
            raise AssertionError(f"login of {name}: {r.status} {r.text[:300]}")
        return r


def page_fields(html):
    """The declaration form's fields as a browser would send them: inputs,
    checked radios, textareas (disabled ones left out)."""
    fields = []
    form = re.search(r'<form method="post" action="/commune/save" id="declaration">(.*?)</form>',
                     html, re.S)
    if not form:
        return fields
    body = form.group(1)
    import html as h
    for m in re.finditer(r'<input ([^>]*)>', body):
        a = dict(re.findall(r'(\w+)="([^"]*)"', m.group(1)))
        if "disabled" in m.group(1) or "name" not in a or a.get("type") == "file":
            continue
        if a.get("type") == "radio" and " checked" not in m.group(1):
            continue
        fields.append((h.unescape(a["name"]), h.unescape(a.get("value", ""))))
    for m in re.finditer(r'<textarea name="([^"]*)"([^>]*)>(.*?)</textarea>', body, re.S):
        if "disabled" not in m.group(2):
            fields.append((h.unescape(m.group(1)), h.unescape(m.group(3))))
    return [(k, v) for k, v in fields if k != "csrf"]


def with_answers(fields, **changes):
    """fields with the named answers set: answer-VAR=value, link-VAR=…"""
    out = dict(fields)
    for k, v in changes.items():
        out[k.replace("__", "-")] = v
    return list(out.items())
