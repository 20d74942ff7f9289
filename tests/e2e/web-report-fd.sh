#!/bin/sh
# dti-web sends a published report's files from their descriptor: none is
# left open by any way a request ends (a page, an export, HEAD, a 404, a
# client gone part-way through a download); a page's policy has the hash of
# each of its styles, read a block at a time (tags and styles across blocks,
# a page over 256 MB) and, for a page of more than a block, once until the
# file changes (once it is 2 s old); a file over 4 GB (sparse) is announced at its 64-bit size and
# its first bytes sent, every file has its type and a policy, and a
# commune officer gets none of them.
. "$DTI_ROOT/tests/e2e/web_env"
dti score >/dev/null 2>&1 || die "score"
dti publish >/dev/null 2>&1 || die "publish"
D=$T/out/2024
[ -f "$D/report/index.html" ] || die "no report published"
python3 - "$D" <<'PY'
import sys
d = sys.argv[1]
open(d + "/big-2024.json", "w").write("[" + " " * (8 << 20) + "]")
with open(d + "/huge-2024.csv", "wb") as f:  # sparse: 5 GiB
    f.write(b"a,b\n")
    f.truncate(5 << 30)
# Pages read a 64 KB block at a time for their styles' hashes: styles
# whose tags and text straddle blocks, and one at the end of a page past
# the 256 MB once read whole for them (sparse).
with open(d + "/report/blocks.html", "wb") as f:
    f.write(b"<html>" + b"x" * (65536 - 6 - 3) + b"<style>" + b"p{color:red}" * 9000 + b"</style>"
            + b"y" * (65536 - 5) + b"<style>b{}</style><p>")
with open(d + "/report/over.html", "wb") as f:
    f.write(b"<html><style>p{}</style>")
    f.seek(256 << 20)
    f.write(b"<style>i{}</style></html>")
PY
D=$D T=$T WEB_PID=$WEB_PID py <<'PY'
import http.client, os, socket
from webclient import Client, check, PORT
pid = os.environ["WEB_PID"]
D = os.path.realpath(os.environ["D"])
def fd_names():
    out = []
    for x in sorted(os.listdir(f"/proc/{pid}/fd"), key=int):
        try:
            out.append(os.readlink(f"/proc/{pid}/fd/{x}"))
        except OSError:
            pass
    return out
# What a request could leave open: a report file's descriptor, a client's
# socket (each thread of the pool opens its own database connection on its
# first request, so the count of all descriptors grows without a leak).
fds = lambda: len([n for n in fd_names() if n.startswith(D + "/") or n.startswith("socket:")])
v = Client()
check(v.login("boss", "boss-pass-1").status == 303, "viewer login")
cookie = "; ".join(f"{k}={x}" for k, x in v.cookies.items())
for path in ("/report/2024/report/index.html", "/report/2024/dti-2024.json", "/report/2024/wide-2024.csv"):
    v.get(path)
before = fds()
kinds = {"/report/2024/report/index.html": "text/html; charset=utf-8",
         "/report/2024/dti-2024.json": "application/json",
         "/report/2024/wide-2024.csv": "text/csv; charset=utf-8"}
for i in range(40):
    for path, kind in kinds.items():
        for method in ("GET", "HEAD"):
            r = v.request(method, path)
            check(r.status == 200 and r.header("content-type") == kind, f"{method} {path}: {r.status} {r.header('content-type')}")
            csp = r.header("content-security-policy") or ""
            check(csp.startswith("default-src 'none'"), f"{method} {path}: policy {csp!r}")
            check(method == "GET" or r.body == b"", f"HEAD {path} has a body")
    for bad in ("/report/2024/report/nope.html",
                "/report/2024/report/../dti-2024.json", "/report/2024/report/%2e%2e/x.html"):
        check(v.get(bad).status == 404, f"{bad} served")
import base64, hashlib, time
def hashes(styles):
    return [f"'sha256-{base64.b64encode(hashlib.sha256(x).digest()).decode()}'" for x in styles]
for page, styles in (("blocks", [b"p{color:red}" * 9000, b"b{}"]), ("over", [b"p{}", b"i{}"])):
    r = v.request("HEAD", f"/report/2024/report/{page}.html")
    csp = r.header("content-security-policy") or ""
    got = csp.split("style-src", 1)[-1].split(";", 1)[0].split()
    check(r.status == 200 and got == hashes(styles), f"{page}.html: {r.status}, style-src {got}")
    size = os.path.getsize(f"{os.environ['D']}/report/{page}.html")
    check(r.header("content-length") == str(size), f"{page}.html: length {r.header('content-length')}")
# A large page is read for its styles once (dti-web logs each reading)
# once its times are over 2 s old; written over in place (its times
# change), or replaced by another file of the same size and modification
# time, it is read again for its new styles.
log = os.environ["T"] + "/web.log"
reads = lambda: open(log, encoding="utf-8").read().count("the styles of '2024/report/blocks.html' read")
path = os.environ["D"] + "/report/blocks.html"
def blocks_styles():
    r = v.request("GET", "/report/2024/report/blocks.html")
    csp = r.header("content-security-policy") or ""
    return r.status, csp.split("style-src", 1)[-1].split(";", 1)[0].split()
def settle():  # past dti-web's 2 s, counted in whole seconds of its clock
    st = os.stat(path)
    while int(time.time()) - int(max(st.st_mtime, st.st_ctime)) <= 2:
        time.sleep(0.2)
def read_once(styles, what):
    settle()
    n = reads()
    for _ in range(4):
        got = blocks_styles()
        check(got == (200, hashes(styles)), f"{what}: {got}")
    # Once, or not at all when an earlier request found it settled.
    check(reads() - n <= 1, f"{what}: read {reads() - n} times for 4 requests")
read_once([b"p{color:red}" * 9000, b"b{}"], "blocks.html")
with open(path, "r+b") as f:
    page = f.read()
    f.seek(0)
    f.write(page.replace(b"<style>b{}</style>", b"<style>i{}</style>"))
check(blocks_styles() == (200, hashes([b"p{color:red}" * 9000, b"i{}"])), "blocks.html written over")
read_once([b"p{color:red}" * 9000, b"i{}"], "blocks.html written over")
st = os.stat(path)
with open(path + ".new", "wb") as f:
    f.write(page.replace(b"<style>b{}</style>", b"<style>u{}</style>"))
os.utime(path + ".new", ns=(st.st_atime_ns, st.st_mtime_ns))
os.rename(path + ".new", path)
check(blocks_styles() == (200, hashes([b"p{color:red}" * 9000, b"u{}"])), "blocks.html replaced")
read_once([b"p{color:red}" * 9000, b"u{}"], "blocks.html replaced")
# Not kept while its times are not 2 s old (here its modification time is
# an hour ahead): read for every request.
os.utime(path, (time.time(), time.time() + 3600))
n = reads()
for _ in range(3):
    check(blocks_styles() == (200, hashes([b"p{color:red}" * 9000, b"u{}"])), "blocks.html ahead")
check(reads() == n + 3, f"a page changed in the last 2 s was kept: read {reads() - n} times for 3")
# Clients gone part-way through an 8 MB download.
for i in range(30):
    s = socket.create_connection(("127.0.0.1", PORT))
    s.sendall(f"GET /report/2024/big-2024.json HTTP/1.1\r\nHost: x\r\nCookie: {cookie}\r\n\r\n".encode())
    s.recv(4096)
    s.close()
# A 5 GiB file: its size whole in Content-Length, its first bytes sent.
c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
c.request("GET", "/report/2024/huge-2024.csv", headers={"Cookie": cookie})
r = c.getresponse()
check(r.status == 200 and r.getheader("content-length") == str(5 << 30), f"5 GiB: {r.status} {r.getheader('content-length')}")
check(r.read(4) == b"a,b\n", "5 GiB: first bytes")
c.close()
import time
for _ in range(50):
    if fds() <= before:
        break
    time.sleep(0.1)
check(fds() <= before, f"descriptors left open: {before} before, {fds()} after: {fd_names()}")
o = Client()
check(o.login("lacdao", "lacdao-pass-1").status == 303, "commune login")
for path in kinds:
    check(o.get(path).status == 403, f"a commune officer got {path}")
check(Client().get("/report/2024/dti-2024.json").status == 303, "served without a session")
PY
echo "web-report-fd: ok"
