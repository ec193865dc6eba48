#!/usr/bin/env python3
"""A stand-in for pub.orcid.org and api.ror.org on 127.0.0.1, for journal enrich's tests.

    registry_stub.py --fixtures FILE --port-file FILE --log FILE [--port N]

FILE (JSON) says what the registries know:
    {"orcid": {"0000-0003-5882-8559": {"given": "Dana", "family": "Seitkali"}},
     "ror": {"03vek6s52": {"name": "...", "country": "KZ", "status": "active"}},
     "affiliation": {"Exact affiliation text": "03vek6s52"},
     "fail": ["/orcid/"]}          # paths starting so answer 503
Served as ORCID's /v3.0/<id>/person and ROR's v2 /organizations/<id> and
/organizations?affiliation=..., under /orcid and /ror. Every request path is
appended to the log, one per line, so a test can count what was asked. The
fixtures file is read again on every request, so a test can change it.
"""
import argparse
import json
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def ror_record(rid, org):
    return {
        "id": "https://ror.org/" + rid,
        "status": org.get("status", "active"),
        "types": org.get("types", ["education"]),
        "names": [{"value": org["name"], "types": ["ror_display", "label"], "lang": "en"}]
        + [{"value": a, "types": ["alias"], "lang": None} for a in org.get("aliases", [])],
        "locations": [{"geonames_id": 1, "geonames_details": {
            "country_code": org["country"], "country_name": org["country"], "name": "City"}}],
    }


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        with open(self.server.log, "a") as log:
            log.write(self.path + "\n")
        with open(self.server.fixtures) as f:
            fx = json.load(f)
        if any(self.path.startswith(p) for p in fx.get("fail", [])):
            return self.answer(503, {"error": "unavailable"})
        if self.headers.get("Accept") != "application/json":
            return self.answer(406, {"error": "ask for application/json"})
        url = urllib.parse.urlsplit(self.path)
        parts = url.path.strip("/").split("/")
        if parts[:2] == ["orcid", "v3.0"] and len(parts) == 4 and parts[3] == "person":
            person = fx.get("orcid", {}).get(parts[2])
            if person is None:
                return self.answer(404, {"error": "not found"})
            name = {"given-names": {"value": person["given"]},
                    "family-name": {"value": person["family"]},
                    "credit-name": {"value": person["credit"]} if person.get("credit") else None}
            return self.answer(200, {"name": name, "emails": {"email": []}})
        if parts[:3] == ["ror", "v2", "organizations"]:
            if len(parts) == 4:
                org = fx.get("ror", {}).get(parts[3])
                if org is None:
                    return self.answer(404, {"errors": ["not found"]})
                return self.answer(200, ror_record(parts[3], org))
            query = urllib.parse.parse_qs(url.query).get("affiliation", [""])[0]
            rid = fx.get("affiliation", {}).get(query)
            items = []
            if rid:
                items.append({"score": 1.0, "matching_type": "EXACT", "chosen": True,
                              "substring": query,
                              "organization": ror_record(rid, fx["ror"][rid])})
            return self.answer(200, {"number_of_results": len(items), "items": items})
        return self.answer(404, {"error": "no such endpoint"})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fixtures", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.fixtures, server.log = args.fixtures, args.log
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    import os
    os.rename(args.port_file + ".tmp", args.port_file)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
