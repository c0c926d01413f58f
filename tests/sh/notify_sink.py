#!/usr/bin/env python3
"""Loopback sinks for the notify tests: an SMTP server and a webhook (SMS/WeChat gateway) server.

Every message accepted is appended as one JSON line to the log: channel, key, to, subject, body,
and for webhooks whether the X-Duijie-Signature header is the HMAC-SHA256 of the body under the
secret. --fail-first N answers the first N webhook requests of each key with 500 (to test retry);
--delay-ms holds each reply back (to kill a sender mid-send). Writes the two ports to --ports.

With --tls-cert and --tls-key (PEM) the SMTP server also offers STARTTLS, and two more servers
listen: SMTP with implicit TLS (smtps) and the webhook over HTTPS; --ports then holds four ports
(smtp http smtps https) and each log entry says whether it arrived over TLS."""
import argparse, base64, email, email.header, hashlib, hmac, http.server, json, socketserver
import ssl, threading, time

ap = argparse.ArgumentParser()
ap.add_argument("--log", required=True)
ap.add_argument("--ports", required=True)
ap.add_argument("--secret", default="")
ap.add_argument("--fail-first", type=int, default=0)
ap.add_argument("--delay-ms", type=int, default=0)
ap.add_argument("--tls-cert")
ap.add_argument("--tls-key")
args = ap.parse_args()
tls = None
if args.tls_cert:
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(args.tls_cert, args.tls_key)
lock = threading.Lock()
failures = {}


def record(entry):
    with lock, open(args.log, "a", encoding="utf-8") as f:
        f.write(json.dumps(entry, ensure_ascii=False) + "\n")


class Smtp(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write((line + "\r\n").encode())
        self.wfile.flush()

    def handle(self):
        self.reply("220 sink ESMTP")
        rcpt = []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            cmd = line.decode("utf-8", "replace").strip()
            up = cmd.upper()
            if up.startswith("EHLO") or up.startswith("HELO"):
                is_tls = isinstance(self.connection, ssl.SSLSocket)
                ext = b"250-STARTTLS\r\n" if tls and not is_tls else b""
                self.wfile.write(b"250-sink\r\n" + ext + b"250 8BITMIME\r\n")
                self.wfile.flush()
            elif up == "STARTTLS" and tls and not isinstance(self.connection, ssl.SSLSocket):
                self.reply("220 go ahead")
                self.connection = tls.wrap_socket(self.connection, server_side=True)
                self.rfile = self.connection.makefile("rb")
                self.wfile = self.connection.makefile("wb")
                rcpt = []
            elif up.startswith("MAIL FROM:"):
                self.reply("250 ok")
            elif up.startswith("RCPT TO:"):
                rcpt.append(cmd[8:].strip("<> "))
                self.reply("250 ok")
            elif up == "DATA":
                self.reply("354 go ahead")
                data = b""
                while True:
                    l = self.rfile.readline()
                    if not l or l == b".\r\n":
                        break
                    data += l[1:] if l.startswith(b"..") else l
                time.sleep(args.delay_ms / 1000)
                msg = email.message_from_bytes(data)
                subject = str(email.header.make_header(email.header.decode_header(msg["Subject"])))
                body = msg.get_payload(decode=True).decode("utf-8")
                record({"channel": "email", "key": msg["X-Duijie-Key"], "to": rcpt[-1],
                        "subject": subject, "body": body,
                        "tls": isinstance(self.connection, ssl.SSLSocket),
                        "unsubscribe": msg.get("List-Unsubscribe", "")})
                self.reply("250 queued")
            elif up == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 unknown")


class Hook(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        key = self.headers.get("Idempotency-Key", "")
        with lock:
            n = failures.get(key, 0)
            failures[key] = n + 1
        if n < args.fail_first:
            self.send_response(500)
            self.end_headers()
            return
        time.sleep(args.delay_ms / 1000)
        want = "sha256=" + hmac.new(args.secret.encode(), body, hashlib.sha256).hexdigest()
        j = json.loads(body)
        record({"channel": j["channel"], "path": self.path, "key": key, "to": j["to"],
                "subject": j["subject"], "body": j["body"],
                "tls": isinstance(self.connection, ssl.SSLSocket),
                "sig_ok": hmac.compare_digest(want, self.headers.get("X-Duijie-Signature", ""))})
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")


class TS(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a sender killed mid-message resets the connection: expected here


class HS(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass


class TlsTS(TS):  # TLS from the first byte: a failed handshake drops that connection only
    def get_request(self):
        sock, addr = self.socket.accept()
        sock.settimeout(5)
        return tls.wrap_socket(sock, server_side=True), addr


class TlsHS(HS):
    def get_request(self):
        sock, addr = self.socket.accept()
        sock.settimeout(5)
        return tls.wrap_socket(sock, server_side=True), addr


smtp = TS(("127.0.0.1", 0), Smtp)
hook = HS(("127.0.0.1", 0), Hook)
ports = [smtp.server_address[1], hook.server_address[1]]
threading.Thread(target=smtp.serve_forever, daemon=True).start()
if tls:
    smtps = TlsTS(("127.0.0.1", 0), Smtp)
    hooks = TlsHS(("127.0.0.1", 0), Hook)
    ports += [smtps.server_address[1], hooks.server_address[1]]
    threading.Thread(target=smtps.serve_forever, daemon=True).start()
    threading.Thread(target=hooks.serve_forever, daemon=True).start()
with open(args.ports + ".tmp", "w") as f:
    f.write(" ".join(str(p) for p in ports) + "\n")
import os
os.rename(args.ports + ".tmp", args.ports)
hook.serve_forever()
