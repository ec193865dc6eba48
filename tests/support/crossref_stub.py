#!/usr/bin/env python3
"""A stand-in for Crossref's deposit endpoint on 127.0.0.1, for journal deposit's tests.

    crossref_stub.py --dir DIR --port-file FILE --answers FILE --login ID --password PW [--port N]

Each POST must be multipart/form-data with operation=doMDUpload, login_id,
login_passwd and fname (the deposit, as a file): the stub checks them, parses
the XML (root doi_batch in Crossref's 5.3.1 namespace) and saves it as
DIR/<n>.xml, and appends one JSON line to DIR/requests.log: the path, the
fields' names, the login, whether the password matched (never the password),
the file name, doi_batch_id and DOIs, and any problem found.

What it answers comes from the answers FILE, read on every request: one word
per line, request n gets line n (the last line once they run out):
    success   200, Crossref's acknowledgement ("SUCCESS ... successfully received")
    http500   500, an error page
    garbage   200, a page that acknowledges nothing
    failure   200, Crossref's FAILURE page (a wrong login)
A request that breaks the rules gets 400 and the problem, whatever the plan.
"""
import argparse
import email.parser
import email.policy
import json
import os
import sys
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CROSSREF_NS = "{http://www.crossref.org/schema/5.3.1}"

PAGES = {
    "success": (200, "<html><head><title>SUCCESS</title></head><body><h2>SUCCESS</h2>"
                     "<p>Your batch submission was successfully received.</p></body></html>"),
    "http500": (500, "<html><body><h1>Internal Server Error</h1>"
                     "<p>The deposit service is unavailable.</p></body></html>"),
    "garbage": (200, b"<html><body>Hello from a captive portal \x01\xff</body></html>"),
    "failure": (200, "<html><head><title>FAILURE</title></head><body><h2>FAILURE</h2>"
                     "<p>Login failed for user.</p></body></html>"),
}


def parse_form(content_type, body):
    """The multipart form's parts as {name: (filename, bytes)}; raises ValueError."""
    if not content_type.startswith("multipart/form-data"):
        raise ValueError("Content-Type is %r, not multipart/form-data" % content_type)
    raw = b"Content-Type: " + content_type.encode() + b"\r\nMIME-Version: 1.0\r\n\r\n" + body
    msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(raw)
    if not msg.is_multipart():
        raise ValueError("the body is not a multipart message")
    fields = {}
    for part in msg.iter_parts():
        disposition = part.get("Content-Disposition", "")
        if not disposition.startswith("form-data"):
            raise ValueError("a part without Content-Disposition: form-data")
        name = part.get_param("name", header="content-disposition")
        filename = part.get_param("filename", header="content-disposition")
        fields[name] = (filename, part.get_payload(decode=True) or b"")
    return fields


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, page):
        data = page.encode("utf-8", "surrogateescape") if isinstance(page, str) else page
        self.send_response(status)
        self.send_header("Content-Type", "text/html;charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.answer(405, "<html><body>POST a deposit</body></html>")

    def do_POST(self):
        server = self.server
        server.count += 1
        n = server.count
        entry = {"n": n, "path": self.path, "problems": []}
        length = int(self.headers.get("Content-Length", "0") or 0)
        body = self.rfile.read(length)
        try:
            fields = parse_form(self.headers.get("Content-Type", ""), body)
        except ValueError as e:
            fields = {}
            entry["problems"].append(str(e))
        entry["fields"] = sorted(fields)
        if fields:
            def text(name):
                return fields.get(name, (None, b""))[1].decode("utf-8", "replace")
            if text("operation") != "doMDUpload":
                entry["problems"].append("operation is %r, not doMDUpload" % text("operation"))
            entry["login_id"] = text("login_id")
            if entry["login_id"] != server.login:
                entry["problems"].append("login_id is %r" % entry["login_id"])
            entry["password_ok"] = text("login_passwd") == server.password
            if not entry["password_ok"]:
                entry["problems"].append("login_passwd is wrong")
            filename, data = fields.get("fname", (None, None))
            entry["filename"] = filename
            if data is None or not filename:
                entry["problems"].append("fname is missing or not sent as a file")
            else:
                with open(os.path.join(server.dir, "%d.xml" % n), "wb") as f:
                    f.write(data)
                try:
                    root = ET.fromstring(data)
                    if root.tag != CROSSREF_NS + "doi_batch":
                        entry["problems"].append("the root element is %s" % root.tag)
                    batch = root.find("%shead/%sdoi_batch_id" % (CROSSREF_NS, CROSSREF_NS))
                    entry["batch_id"] = batch.text if batch is not None else None
                    entry["dois"] = [d.text for d in root.iter(CROSSREF_NS + "doi")
                                     if d.text and d.text.startswith(server.prefix)]
                except ET.ParseError as e:
                    entry["problems"].append("fname is not XML: %s" % e)
        with open(os.path.join(server.dir, "requests.log"), "a") as log:
            log.write(json.dumps(entry) + "\n")
        if entry["problems"]:
            self.answer(400, "<html><body><h2>FAILURE</h2><p>%s</p></body></html>"
                        % "; ".join(entry["problems"]))
            return
        with open(server.answers) as f:
            plan = [line.strip() for line in f if line.strip()]
        word = plan[min(n, len(plan)) - 1] if plan else "success"
        status, page = PAGES.get(word, PAGES["garbage"])
        self.answer(status, page)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--answers", required=True)
    ap.add_argument("--login", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--prefix", default="10.")
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.dir = args.dir
    server.answers = args.answers
    server.login = args.login
    server.password = args.password
    server.prefix = args.prefix
    server.count = 0
    os.makedirs(args.dir, exist_ok=True)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.replace(tmp, args.port_file)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
