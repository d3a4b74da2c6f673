"""HTTP(S) transport: a ThreadingHTTPServer with HTTP/1.1 keep-alive, TLS handshakes off the accept loop,
sane socket timeouts, and the faults that act on the connection itself (reset, drop mid-body, slow body,
outage).
"""
import email.utils
import http.server
import socket
import ssl
import struct
import sys
import threading
import time
import traceback
from http import HTTPStatus

from .api import Request, Response, json_response
from .common import dumpb
from .faults import html_page
from .routing import route

REASONS = {s.value: s.phrase for s in HTTPStatus}


class SimServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False

    def __init__(self, address, sim, ssl_context=None):
        self.request_queue_size = sim.config.request_queue_size
        host = address[0]
        if ":" in host:
            self.address_family = socket.AF_INET6
        self.sim = sim
        self.ssl_context = ssl_context
        super().__init__(address, Handler)

    def get_request(self):
        sock, addr = super().get_request()
        if self.ssl_context is not None:
            # the handshake happens in the connection's own thread (Handler.setup), never in the accept loop
            sock = self.ssl_context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, addr

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, ssl.SSLError, socket.timeout, OSError)):
            return
        traceback.print_exc()


def _hard_close(sock):
    """Close with RST (SO_LINGER 0): the client sees a reset, not an orderly end."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass


class Headers(dict):
    """Case-insensitive request headers (the stdlib email parser costs ~50 us per request)."""

    def __setitem__(self, key, value):
        dict.__setitem__(self, key.lower(), value)

    def get(self, key, default=None):
        return dict.get(self, key.lower(), default)

    def __getitem__(self, key):
        return dict.__getitem__(self, key.lower())

    def __contains__(self, key):
        return dict.__contains__(self, key.lower())


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "nginx"
    sys_version = ""
    rbufsize = 64 * 1024

    def setup(self):
        sim = self.server.sim
        self.timeout = sim.config.socket_timeout
        super().setup()
        try:
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        sim.stats.connection()
        sim.track(self.connection, True)
        self.tls_ok = True
        if isinstance(self.connection, ssl.SSLSocket):
            try:
                self.connection.do_handshake()
            except (ssl.SSLError, OSError, ValueError):
                self.tls_ok = False
                self.close_connection = True

    def handle(self):
        if not self.tls_ok:
            return
        try:
            super().handle()
        except (ConnectionError, ssl.SSLError, socket.timeout, OSError):
            self.close_connection = True

    def finish(self):
        self.server.sim.track(self.connection, False)
        try:
            super().finish()
        except (ConnectionError, ssl.SSLError, OSError):
            pass

    def log_message(self, fmt, *args):  # silence the default stderr access log
        pass

    def parse_request(self):
        """A lean HTTP/1.x request parser (same contract as BaseHTTPRequestHandler.parse_request)."""
        self.command = None
        self.request_version = self.default_request_version
        self.close_connection = True
        requestline = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
        self.requestline = requestline
        words = requestline.split()
        if len(words) != 3 or not words[2].startswith("HTTP/1."):
            self.send_error(400, "Bad request line")
            return False
        self.command, self.path, self.request_version = words
        headers = Headers()
        for _ in range(101):
            line = self.rfile.readline(65537)
            if len(line) > 65536:
                self.send_error(431, "Header line too long")
                return False
            if line in (b"\r\n", b"\n", b""):
                break
            name, sep, value = line.decode("iso-8859-1").partition(":")
            if not sep:
                self.send_error(400, "Bad header line")
                return False
            headers[name.strip()] = value.strip()
        else:
            self.send_error(431, "Too many headers")
            return False
        self.headers = headers
        conn = headers.get("Connection", "").lower()
        if conn == "close":
            self.close_connection = True
        elif conn == "keep-alive" or self.request_version == "HTTP/1.1":
            self.close_connection = False
        if headers.get("Expect", "").lower() == "100-continue" and self.request_version == "HTTP/1.1":
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        return True

    def send_error(self, code, message=None, explain=None):
        """Malformed requests (bad request line, huge headers) answer JSON and close."""
        self.close_connection = True
        body = dumpb({"detail": message or REASONS.get(code, "Error")})
        try:
            self._send_raw(code, body, "application/json", [])
        except OSError:
            pass

    # every verb goes through process()
    def do_GET(self):
        self.process()

    do_POST = do_PATCH = do_PUT = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    # ---- plumbing --------------------------------------------------------------------------------------------------
    def _read_body(self):
        length = self.headers.get("Content-Length")
        if length:
            n = int(length)
            if n < 0 or n > 64 * 1024 * 1024:
                raise ValueError("bad Content-Length")
            return self.rfile.read(n)
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline().strip():
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        return b""

    def _head_bytes(self, status, length, ctype, extra):
        lines = ["HTTP/1.1 %d %s" % (status, REASONS.get(status, "Unknown")), "Server: nginx",
                 "Date: " + email.utils.formatdate(usegmt=True)]
        if ctype:
            lines.append("Content-Type: " + ctype)
        lines.append("Content-Length: %d" % length if length is not None else "Transfer-Encoding: chunked")
        for name, value in extra:
            lines.append("%s: %s" % (name, value))
        lines.append("Connection: close" if self.close_connection else "Connection: keep-alive")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def _send_raw(self, status, body, ctype, extra, head_only=False):
        """Send a response; a body that is an iterator of bytes goes out chunked. Returns the body size."""
        if not isinstance(body, bytes):
            self.wfile.write(self._head_bytes(status, None, ctype, extra))
            total = 0
            for piece in body:
                if piece and not head_only:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                total += len(piece)
            if not head_only:
                self.wfile.write(b"0\r\n\r\n")
            return total
        data = self._head_bytes(status, len(body), ctype, extra)
        if not head_only:
            data += body
        self.wfile.write(data)
        return len(body)

    def _abort(self):
        self.close_connection = True
        _hard_close(self.connection)

    # ---- one request -------------------------------------------------------------------------------------------------
    def process(self):
        sim = self.server.sim
        t0 = time.perf_counter()
        method = self.command
        path, _, query = self.path.partition("?")
        if path.startswith(("http://", "https://")):
            path = "/" + path.split("/", 3)[3] if path.count("/") >= 3 else "/"
        try:
            body = self._read_body()
        except (ValueError, OSError):
            self.send_error(400, "Bad request body")
            return
        rt = route(sim.routes, path)
        scheme = "http" if sim.config.plain_http else "https"
        request = Request(method, path, query, self.headers, body, self.headers.get("Host"), scheme, rt.rel or None)
        if rt.kind == "admin":
            try:
                resp = sim.admin.handle(request, rt)
            except Exception:  # pylint: disable=broad-except
                traceback.print_exc()
                resp = json_response(500, {"detail": "A server error occurred."})
            self._finish(request, resp, t0, admin=True)
            return
        if sim.outage_active():
            sim.record(request, 0, 0, "none", None, t0, "outage")
            self._abort()
            return
        limit, adm_fault = sim.faults.admission_limit(method, rt.rel or path)
        limit = limit or sim.config.max_concurrent
        in_flight = sim.stats.enter()
        try:
            if limit and in_flight > limit:
                retry = (adm_fault.spec.get("retry_after", 1) if adm_fault else 1)
                resp = json_response(429, {"detail": "Request was throttled. Expected available in %s seconds."
                                           % retry}, [("Retry-After", str(retry))])
                resp.fault = "admission"
                self._finish(request, resp, t0)
                return
            decision = sim.faults.decide(method, rt.rel or path)
            delay = decision.delay + sim.base_delay()
            if delay > 0:
                time.sleep(delay)
            pre, post = decision.pre, decision.post
            if pre is not None:
                label = pre.type + ":" + pre.id
                if pre.type == "reset":
                    sim.record(request, 0, 0, "none", None, t0, label)
                    self._abort()
                    return
                if pre.type == "outage":
                    sim.record(request, 0, 0, "none", None, t0, label)
                    sim.start_outage(float(pre.spec.get("seconds", 5)), pre.spec.get("mode", "reset"))
                    self._abort()
                    return
                if pre.type == "revoke_tokens":
                    sim.auth.expire_or_revoke("revoke", pre.spec.get("kind", "all"))
                    resp = self._call_api(sim, request, rt)
                elif pre.type == "html_error":
                    resp = Response(pre.status, html_page(pre.status), "text/html")
                elif pre.type == "vanish":
                    resp = json_response(404, {"detail": "Not found."})
                else:
                    status = pre.status
                    value = pre.spec.get("body", {"detail": REASONS.get(status, "Error")})
                    extra = []
                    retry = pre.spec.get("retry_after", 1 if status == 429 else None)
                    if retry is not None:
                        extra.append(("Retry-After", str(retry)))
                    resp = json_response(status, value, extra)
                resp.fault = label
            else:
                resp = self._call_api(sim, request, rt)
            if decision.delay and resp.fault is None:
                resp.fault = "latency"
            if post is not None:
                if not isinstance(resp.body, bytes):
                    resp.body = b"".join(resp.body)
                resp.fault = post.type + ":" + post.id
                if post.type == "malformed_json":
                    resp.body = resp.body[: max(1, len(resp.body) // 2)] + b'\x00{"'
                    resp.content_type = "application/json"
                elif post.type == "drop":
                    sim.record(request, resp.status, len(resp.body), resp.auth, resp.user, t0, resp.fault)
                    self._send_partial(resp, int(post.spec.get("bytes", len(resp.body) // 2)))
                    return
                elif post.type == "slow_body":
                    sim.record(request, resp.status, len(resp.body), resp.auth, resp.user, t0, resp.fault)
                    self._send_slow(resp, int(post.spec.get("chunk_bytes", 512)),
                                    float(post.spec.get("interval_ms", 100)) / 1000.0)
                    return
            self._finish(request, resp, t0)
        finally:
            sim.stats.leave()

    def _call_api(self, sim, request, rt):
        try:
            return sim.api.handle(request, rt)
        except Exception:  # a simulator bug must not look like a network failure
            traceback.print_exc()
            return json_response(500, {"detail": "A server error occurred."})

    def _finish(self, request, resp, t0, admin=False):
        """Log, then send: once a client holds the answer, its log entry is there (no race for tests).
        A streamed body is logged after it went out (its size is known only then)."""
        sim = self.server.sim
        logged = not admin or sim.config.log_admin
        streamed = not isinstance(resp.body, bytes)
        if logged and not streamed:
            sim.record(request, resp.status, len(resp.body), resp.auth, resp.user, t0, resp.fault, admin=admin)
        size = 0
        try:
            size = self._send_raw(resp.status, resp.body, resp.content_type, resp.headers,
                                  head_only=request.method == "HEAD")
        except (OSError, ssl.SSLError):
            self.close_connection = True
        if logged and streamed:
            sim.record(request, resp.status, size, resp.auth, resp.user, t0, resp.fault, admin=admin)

    def _send_partial(self, resp, nbytes):
        try:
            self.close_connection = False
            head = self._head_bytes(resp.status, len(resp.body), resp.content_type, resp.headers)
            self.wfile.write(head + resp.body[: max(0, min(nbytes, len(resp.body) - 1))])
        except OSError:
            pass
        self._abort()

    def _send_slow(self, resp, chunk, interval):
        try:
            self.wfile.write(self._head_bytes(resp.status, len(resp.body), resp.content_type, resp.headers))
            for i in range(0, len(resp.body), max(1, chunk)):
                self.wfile.write(resp.body[i:i + chunk])
                time.sleep(interval)
        except OSError:
            self.close_connection = True


class ServerThread:
    """One listening server and its serve_forever thread."""

    def __init__(self, sim, host, port, ssl_context):
        self.server = SimServer((host, port), sim, ssl_context)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       name="vms-sim-%d" % self.server.server_address[1], daemon=True)

    @property
    def port(self):
        return self.server.server_address[1]

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def make_ssl_context(cert_path, key_path):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(cert_path, key_path)
    ctx.set_alpn_protocols(["http/1.1"])
    return ctx
