#!/usr/bin/python3
"""A real SMTP server on 127.0.0.1 for tests: it stores every message it accepts.

    /usr/bin/python3 smtp_sink.py --dir MAILDIR --port-file FILE [--port N]

Run it with Debian's /usr/bin/python3 (python3-aiosmtpd); a pyenv python3 first
on PATH does not have aiosmtpd.

--port 0 (the default) lets the system pick a free port; the port actually
bound is written to --port-file (atomically, once the server is listening), so
a test waits for that file and reads it. To restart on the same port, stop the
server (SIGTERM) and start it again with --port N.

Each accepted message is stored in MAILDIR as two files with the same stem:
NAME.eml, the data exactly as received (after SMTP dot-unstuffing), and
NAME.json, the envelope {"mail_from": ..., "rcpt_tos": [...]}. The .json is
written after the .eml, so a complete pair exists once the .json does.

Recipients whose local part starts with "reject-" are refused with 550 and
those starting with "later-" with 451, so that tests can see how the client
classifies permanent and temporary refusals.
"""

import argparse
import asyncio
import json
import os
import signal
import sys
import time

from aiosmtpd.smtp import SMTP


class StoringHandler:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0]
        if local.startswith("reject-"):
            return "550 5.1.1 <%s>: recipient address rejected: user unknown" % address
        if local.startswith("later-"):
            return "451 4.3.0 <%s>: temporarily unavailable, try again later" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        stem = "%d-%d-%04d" % (time.time_ns(), os.getpid(), self.count)
        data = envelope.original_content
        if data is None:
            data = envelope.content
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogateescape")
        write_atomic(os.path.join(self.folder, stem + ".eml"), data)
        meta = {"mail_from": envelope.mail_from, "rcpt_tos": list(envelope.rcpt_tos)}
        write_atomic(os.path.join(self.folder, stem + ".json"),
                     json.dumps(meta, ensure_ascii=False).encode("utf-8"))
        return "250 2.0.0 OK: stored as %s" % stem


def write_atomic(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.rename(tmp, path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dir", required=True, help="folder for received messages")
    parser.add_argument("--port-file", required=True, help="written with the bound port")
    parser.add_argument("--port", type=int, default=0, help="0: pick a free port")
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    handler = StoringHandler(args.dir)

    def factory():
        # decode_data=False keeps the bytes as sent; the test decodes them itself.
        return SMTP(handler, hostname="sink.test", decode_data=False, enable_SMTPUTF8=True)

    server = loop.run_until_complete(
        loop.create_server(factory, host="127.0.0.1", port=args.port, reuse_address=True))
    port = server.sockets[0].getsockname()[1]
    write_atomic(args.port_file, ("%d\n" % port).encode())

    loop.add_signal_handler(signal.SIGTERM, loop.stop)
    loop.add_signal_handler(signal.SIGINT, loop.stop)
    try:
        loop.run_forever()
    finally:
        server.close()
        loop.run_until_complete(server.wait_closed())
        loop.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
