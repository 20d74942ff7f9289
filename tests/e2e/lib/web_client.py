"""web_client.py — webclient.py's client with what the declaration tests
need besides: a file upload (multipart/form-data), a login that raises
when refused, and the declaration form's fields as a browser sends them."""
import html as htmllib
import re
import uuid

import webclient


class Client(webclient.Client):
    def login(self, name, password):
        r = super().login(name, password)
        if r.status != 303:
            raise AssertionError(f"login of {name}: {r.status} {r.text[:300]}")
        return r

    def upload(self, path, fields, filename, data, content_type="application/pdf"):
        """A multipart form with fields and one file in the field "file";
        the client's CSRF token added when it has one."""
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
        return self.request("POST", path, out,
                            {"Content-Type": f"multipart/form-data; boundary={boundary}"})


def page_fields(page):
    """The declaration form's fields as a browser would send them: inputs,
    checked radios, textareas (disabled ones and the CSRF token left out)."""
    fields = []
    form = re.search(r'<form method="post" action="/commune/save" id="declaration">(.*?)</form>',
                     page, re.S)
    if not form:
        return fields
    body = form.group(1)
    for m in re.finditer(r'<input ([^>]*)>', body):
        a = dict(re.findall(r'(\w+)="([^"]*)"', m.group(1)))
        if "disabled" in m.group(1) or "name" not in a or a.get("type") == "file":
            continue
        if a.get("type") == "radio" and " checked" not in m.group(1):
            continue
        fields.append((htmllib.unescape(a["name"]), htmllib.unescape(a.get("value", ""))))
    for m in re.finditer(r'<textarea name="([^"]*)"([^>]*)>(.*?)</textarea>', body, re.S):
        if "disabled" not in m.group(2):
            fields.append((htmllib.unescape(m.group(1)), htmllib.unescape(m.group(3))))
    return [(k, v) for k, v in fields if k != "csrf"]


def with_answers(fields, **changes):
    """fields with some set: answer__VAR="…" sets answer-VAR (a double
    underscore for the dash), and so on."""
    out = dict(fields)
    for k, v in changes.items():
        out[k.replace("__", "-")] = v
    return list(out.items())
