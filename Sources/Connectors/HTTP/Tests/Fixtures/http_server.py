#!/usr/bin/env python3
"""Test HTTP/1.1 server for HTTPConnectorTests (stdlib only).

Binds 127.0.0.1 on a free port (or argv[1]), prints the port on stdout, serves until stdin closes
(the test process ended) or it gets SIGTERM.

Endpoints:
  /ok                      200 "ok"
  /echo                    200 JSON {method, path, query, headers (lower-case names), body_b64, client_port}
  /slow?ms=N               waits N ms, then 200 "slow N"
  /status/N[?pad=P]        status N, body "status N" + P dots
  /flaky?key=K&fail=N      503 for the first N calls with key K, then 200 "ok after N"
  /big?bytes=N[&chunked=1] N bytes (byte i = i % 251), with Content-Length or chunked
  /redirect?to=PATH        302 to PATH
  /drop                    closes the connection without a response
  /garbage                 answers with a line that is not HTTP, then closes
  /reset                   resets the connection (RST) without a response
"""
import base64
import json
import os
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

_flaky_lock = threading.Lock()
_flaky_calls = {}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so the client can reuse connections
    # Headers and body go out in separate writes; with Nagle on, the body waits for the client's delayed ACK
    # (~40 ms per request on a reused connection).
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):  # quiet
        pass

    def _send(self, status, body=b"", content_type="text/plain", headers=()):
        self.send_response(status)
        if status in (204, 304) or status < 200:  # no body allowed (RFC 9110 §6.4.1)
            body = b""
        else:
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def _handle(self):
        body = self._read_body()
        url = urlsplit(self.path)
        q = {k: v[-1] for k, v in parse_qs(url.query).items()}
        path = url.path

        if path == "/ok":
            return self._send(200, b"ok")
        if path == "/echo":
            doc = {
                "method": self.command,
                "path": path,
                "query": q,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body_b64": base64.b64encode(body).decode("ascii"),
                "client_port": self.client_address[1],
            }
            return self._send(200, json.dumps(doc).encode(), "application/json",
                              headers=[("X-Echo-Method", self.command), ("x-multi", "a"), ("X-Multi", "b")])
        if path == "/slow":
            ms = int(q.get("ms", "1000"))
            time.sleep(ms / 1000.0)
            return self._send(200, b"slow %d" % ms)
        if path.startswith("/status/"):
            code = int(path.split("/")[2])
            return self._send(code, b"status %d" % code + b"." * int(q.get("pad", "0")))
        if path == "/flaky":
            key, fail = q.get("key", ""), int(q.get("fail", "1"))
            with _flaky_lock:
                n = _flaky_calls.get(key, 0) + 1
                _flaky_calls[key] = n
            if n <= fail:
                return self._send(503, b"flaky %s call %d of %d failing" % (key.encode(), n, fail),
                                  headers=[("Retry-After", "0")])
            return self._send(200, b"ok after %d" % fail)
        if path == "/big":
            n = int(q.get("bytes", "0"))
            pattern = bytes(i % 251 for i in range(251))
            data = (pattern * (n // 251 + 1))[:n]
            if q.get("chunked") == "1":
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                step = 64 * 1024
                try:
                    for i in range(0, n, step):
                        part = data[i:i + step]
                        self.wfile.write(b"%x\r\n" % len(part) + part + b"\r\n")
                    self.wfile.write(b"0\r\n\r\n")
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True
                return
            return self._send(200, data, "application/octet-stream")
        if path == "/redirect":
            return self._send(302, b"", headers=[("Location", q.get("to", "/ok"))])
        if path == "/drop":
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        if path == "/garbage":
            self.close_connection = True
            self.wfile.write(b"this is not HTTP\r\n\r\n")
            return
        if path == "/reset":
            self.close_connection = True
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            return
        return self._send(404, b"no such endpoint: " + path.encode())

    def _safe(self):
        try:
            self._handle()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _safe


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024  # 200+ concurrent connects must not overflow the accept backlog

    def handle_error(self, request, client_address):  # client went away mid-request: not interesting
        pass


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    server = Server(("127.0.0.1", port), Handler)
    print(server.server_address[1], flush=True)

    def watch_stdin():
        try:
            sys.stdin.buffer.read()
        finally:
            os._exit(0)

    threading.Thread(target=watch_stdin, daemon=True).start()
    try:
        server.serve_forever(poll_interval=0.1)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
