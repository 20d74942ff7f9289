#!/usr/bin/env python3
"""A local HTTP server for the collectors' end-to-end tests and benchmarks.

usage: httpd.py PORTFILE [DELAY_MS [REQUEST_LOG]]

Binds 127.0.0.1 on a free port, writes the port to PORTFILE, and serves
HTTPS instead of HTTP when HTTPD_TLS_CERT and HTTPD_TLS_KEY name PEM files.
It serves
scenarios chosen by the path (see do_GET).  Each request's "path?k" is
appended to REQUEST_LOG when given, and "path?k Authorization=... X-Api-Key=..."
(the credentials it carried, "-" for none) to REQUEST_LOG.headers; GET
/stats returns the counts as JSON.
Runs until killed."""
import json, sys, threading, time
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler
from urllib.parse import urlparse, parse_qs

CODES = ["11986", "11989", "11992", "11995", "11998", "12001", "12004", "12007", "12010", "12013", "12016"]
NAMES = ["Thị trấn Như Quỳnh", "Xã Lạc Đạo", "Xã Chỉ Đạo", "Xã Đại Đồng", "Xã Việt Hưng", "Xã Tân Quang",
         "Xã Đình Dù", "Xã Minh Hải", "Xã Lương Tài", "Xã Trưng Trắc", "Xã Lạc Hồng"]
DELAY = float(sys.argv[2]) / 1000 if len(sys.argv) > 2 else 0.05
LOG = open(sys.argv[3], "a", buffering=1) if len(sys.argv) > 3 else None
HLOG = open(sys.argv[3] + ".headers", "a", buffering=1) if len(sys.argv) > 3 else None

def record(i, bump=0):
    return {"ma_xa": CODES[i], "ten_xa": NAMES[i], "tb_smartphone": 1000 + i + bump,
            "hgd_cap_quang": 500 + i, "dn_vcontract": 10 + i, "tb_mysign": 200 + i}

def doc(recs, **extra):
    d = {"du_lieu": recs}
    d.update(extra)
    return json.dumps(d, ensure_ascii=False).encode()

lock = threading.Lock()
hits = {}

class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, *a):
        pass

    def send(self, status, body, ctype="application/json; charset=utf-8", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        self.post_body = self.rfile.read(n).decode("utf-8", "replace")
        self.do_GET()

    def do_GET(self):
        u = urlparse(self.path)
        q = parse_qs(u.query)
        p = u.path
        key = p + "?" + q.get("k", [""])[0]
        with lock:
            hits[key] = hits.get(key, 0) + 1
            n = hits[key]
            if LOG:
                LOG.write(key + "\n")
                HLOG.write("%s Authorization=%s X-Api-Key=%s\n" % (
                    key, self.headers.get("Authorization", "-"), self.headers.get("X-Api-Key", "-")))
        if p == "/stats":
            with lock:
                return self.send(200, json.dumps(hits).encode())
        if p == "/feed/ok":
            # page-number pagination: 6 + 5 records, then an empty page
            page = int(q.get("page", ["1"])[0])
            recs = [record(i) for i in range(11)][(page - 1) * 6: page * 6]
            return self.send(200, doc(recs, trang=page))
        if p.startswith("/feed/next/"):
            page = int(p.rsplit("/", 1)[1])
            recs = [record(i) for i in range(11)][(page - 1) * 6: page * 6]
            nxt = "/feed/next/%d" % (page + 1) if page < 2 else None
            return self.send(200, doc(recs, links={"next": nxt}))
        if p.startswith("/feed/loop/"):
            page = int(p.rsplit("/", 1)[1])
            recs = [record(i) for i in range(11)][(page - 1) * 6: page * 6]
            return self.send(200, doc(recs, links={"next": "/feed/loop/%d" % (2 if page == 1 else 1)}))
        if p.startswith("/feed/commune-pages/"):
            # a commune's own feed in two pages linked by "next": its record,
            # then nothing; with ?loop=1 the second page links back
            _, _, _, code, page = p.split("/")
            if code not in CODES:
                return self.send(404, b'{"error":"no such commune"}')
            loop = "?loop=1" if q.get("loop") else ""
            if page == "1":
                return self.send(200, doc([record(CODES.index(code))],
                                          links={"next": "/feed/commune-pages/%s/2%s" % (code, loop)}))
            nxt = "/feed/commune-pages/%s/1%s" % (code, loop) if loop else None
            return self.send(200, doc([], links={"next": nxt}))
        if p == "/feed/samepage":
            # ignores the page number: every page is the first
            return self.send(200, doc([record(i) for i in range(6)]))
        if p == "/feed/etag":
            bump = int(q.get("v", ["0"])[0])
            etag = '"v%d"' % bump
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            return self.send(200, doc([record(i, bump) for i in range(11)]),
                             headers=[("ETag", etag), ("Last-Modified", "Tue, 31 Dec 2024 10:00:00 GMT")])
        if p == "/feed/auth":
            if self.headers.get("Authorization") != "Bearer s3cret-token":
                return self.send(401, b'{"error":"unauthorized"}')
            return self.send(200, doc([record(i) for i in range(11)]))
        if p.startswith("/feed/district/"):
            # one answer per district: every commune of Văn Lâm (district 325)
            if p.rsplit("/", 1)[1] == "325":
                return self.send(200, doc([record(i) for i in range(11)]))
            return self.send(200, doc([]))
        if p == "/feed/429":
            if n == 1:
                return self.send(429, b'{"error":"too many requests"}', headers=[("Retry-After", "1")])
            return self.send(200, doc([record(i) for i in range(11)]))
        if p == "/feed/429long":
            return self.send(429, b'{"error":"too many requests"}', headers=[("Retry-After", "3600")])
        if p == "/feed/500once":
            if n == 1:
                return self.send(500, b"internal error", "text/plain")
            return self.send(200, doc([record(i) for i in range(11)]))
        if p == "/feed/500":
            return self.send(500, b"internal error", "text/plain")
        if p == "/feed/partial":
            body = doc([record(i) for i in range(11)])
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 3])
            self.wfile.flush()
            self.close_connection = True
            return
        if p == "/feed/drip":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            try:
                for _ in range(200):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.5)
            except OSError:
                pass
            self.close_connection = True
            return
        if p == "/feed/big":
            return self.send(200, b"[" + b" " * (2 << 20) + b"]")
        if p == "/feed/bigchunked":
            # no Content-Length: only the write callback can stop it
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            try:
                chunk = b" " * 65536
                for _ in range(64):
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.write(b"0\r\n\r\n")
            except OSError:
                pass
            self.close_connection = True
            return
        if p == "/feed/truncated":
            body = doc([record(i) for i in range(11)])
            return self.send(200, body[: len(body) - 40])
        if p == "/feed/html":
            return self.send(200, "<!DOCTYPE html><html><body><h1>Hệ thống đang bảo trì</h1></body></html>".encode(),
                             "text/html; charset=utf-8")
        if p == "/feed/badutf8":
            body = doc([record(i) for i in range(11)]).replace("Lạc Đạo".encode(), b"L\xe1c \xd0\xe1o")
            return self.send(200, body)
        if p == "/feed/wrongtypes":
            recs = [record(i) for i in range(11)]
            recs[2]["tb_smartphone"] = "nhiều"
            recs[5]["hgd_cap_quang"] = -5
            recs[7]["dn_vcontract"] = [1, 2]
            return self.send(200, doc(recs))
        if p == "/feed/unknown":
            recs = [record(i) for i in range(11)]
            recs.append({"ma_xa": "12109", "ten_xa": "Xã Cẩm Xá", "tb_smartphone": 1, "hgd_cap_quang": 1})
            recs.append({"ma_xa": None, "ten_xa": "Xã Không Có", "tb_smartphone": 1})
            return self.send(200, doc(recs))
        if p == "/feed/redirect-file":
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if p == "/feed/next-to":
            # the first six records, and a next link taken from ?to=
            return self.send(200, doc([record(i) for i in range(6)], links={"next": q["to"][0]}))
        if p == "/feed/rest":
            # the last five records, no next link
            return self.send(200, doc([record(i) for i in range(6, 11)], links={"next": None}))
        if p == "/feed/next-number":
            return self.send(200, doc([record(i) for i in range(11)], links={"next": 12}))
        if p == "/feed/bom":
            return self.send(200, b"\xef\xbb\xbf" + doc([record(i) for i in range(11)]))
        if p == "/feed/ragged.csv":
            rows = ["ma_xa,ten_xa,tb_smartphone"] + ["%s,%s,%d" % (CODES[i], NAMES[i], 1000 + i) for i in range(11)]
            rows[4] += ",99"
            rows[7] = CODES[6]
            return self.send(200, ("\n".join(rows) + "\n").encode(), "text/csv; charset=utf-8")
        if p == "/feed/http09":
            # no status line, no headers: an HTTP/0.9 answer
            self.wfile.write(doc([record(0)]))
            self.wfile.flush()
            self.close_connection = True
            return
        if p == "/feed/bigheader":
            return self.send(200, doc([record(0)]), headers=[("X-Padding", "x" * (2 << 20))])
        if p == "/feed/redirect-to":
            self.send_response(int(q.get("status", ["302"])[0]))
            self.send_header("Location", q["to"][0])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if p == "/feed/redirect-ok":
            self.send_response(301)
            self.send_header("Location", "/feed/ok")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if p.startswith("/feed/commune/"):
            code = p.rsplit("/", 1)[1]
            time.sleep(DELAY)
            if code in CODES:
                return self.send(200, doc([record(CODES.index(code))]))
            return self.send(200, doc([]))
        if p == "/feed/slow":
            time.sleep(DELAY)
            return self.send(200, b'{"du_lieu":[]}')
        if p == "/portal":
            # the portal's rest.jsp: POST params={...} with pageIndex
            body = getattr(self, "post_body", "")
            from urllib.parse import parse_qs as pq
            params = json.loads(pq(body).get("params", ["{}"])[0])
            page = int(params.get("pageIndex", 1))
            rows = [{"TEN": "UBND " + NAMES[i], "MA_COQUAN": "000.%02d.31.H31" % i, "NAM": params.get("p_nam"),
                     "TONG_HS": 100 + i} for i in range(11)][(page - 1) * 4: page * 4]
            if self.headers.get("groupId") != "35417":
                return self.send(403, b'{"error":"no group"}')
            return self.send(200, json.dumps({"error_code": "0", "data": rows, "totalPages": 3}).encode())
        if p == "/onetouch.csv":
            etag = '"ot-bad"' if q.get("bad") else '"ot1"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            lines = ["\ufeffSTT,Họ và tên,Xã/Phường,Ngày hoàn thành"]
            k = 0
            for i, name in enumerate(NAMES):
                for j in range(i + 1):
                    k += 1
                    lines.append('%d,Người %d,"%s",%02d/03/2024' % (k, k, name.upper() if j % 2 else name, j % 28 + 1))
                lines.append('%d,Người cũ,%s,2023-05-01' % (k, name))
                lines.append('%d,Chưa xong,%s,' % (k, name))
            lines.append('999,Người ngoài,"Xã Cẩm Xá, Thị xã Mỹ Hào",01/01/2024')
            if q.get("bad"):
                lines.append('1000,Sai ngày,Xã Lạc Đạo,31/02/20x4')
            return self.send(200, ("\r\n".join(lines) + "\r\n").encode(), "text/csv; charset=utf-8",
                             headers=[("ETag", etag)])
        return self.send(404, b'{"error":"not found"}')

class S(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

srv = S(("127.0.0.1", 0), H)
import os
if os.environ.get("HTTPD_TLS_CERT"):
    import ssl
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(os.environ["HTTPD_TLS_CERT"], os.environ["HTTPD_TLS_KEY"])
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
srv.serve_forever()
