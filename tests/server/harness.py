"""Test harness for the kvpt server: start the real binary on 127.0.0.1,
create users, log in, and talk JSON and Server-Sent Events to it.

Standard library only.  Usage:

    with Server(kvpt, plans=[...]) as srv:
        admin = srv.login("admin", srv.admin_password)
        st, body = admin.get("/api/exercises")
"""

import http.client
import json
import os
import queue
import secrets
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "fixture.yaml")


class Server:
    """A kvpt server process with its own database in a temp directory."""

    def __init__(self, kvpt, plans=(), db=None, keep=False, extra=()):
        self.kvpt = kvpt
        self.plans = list(plans)
        self.extra = list(extra)
        self.tmp = tempfile.mkdtemp(prefix="kvpt-srv-")
        self.db = db or os.path.join(self.tmp, "kvpt.db")
        self.keep = keep
        self.proc = None
        self.port = None
        self.admin_password = None

    def __enter__(self):
        if not os.path.exists(self.db):
            self.admin_password = "adm-" + secrets.token_hex(8)
            self.add_user("admin", self.admin_password, admin=True)
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        if not self.keep:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def add_user(self, name, password, admin=False, clearance=None):
        cmd = [self.kvpt, "user", "add", "--db", self.db, "--password-stdin"]
        if admin:
            cmd.append("--admin")
        if clearance:
            cmd += ["--clearance", clearance]
        cmd.append(name)
        subprocess.run(cmd, input=password + "\n", text=True, check=True,
                       capture_output=True)

    def start(self):
        # a restart keeps the port, so clients reconnect as browsers do
        cmd = [self.kvpt, "serve", "--db", self.db, "--listen",
               "127.0.0.1:%d" % (self.port or 0)] + self.extra
        for p in self.plans:
            cmd += ["--plan", p]
        self.log = open(os.path.join(self.tmp, "server.log"), "ab")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                                     stderr=self.log)
        # "listening http://127.0.0.1:PORT/", within 30 s.
        line = b""
        end = time.time() + 30
        while not line.endswith(b"\n") and time.time() < end:
            r, _, _ = select.select([self.proc.stdout], [], [], 0.5)
            if r:
                ch = os.read(self.proc.stdout.fileno(), 1)
                if not ch:
                    break
                line += ch
        line = line.decode(errors="replace")
        if not line.startswith("listening http://"):
            self.proc.kill()
            self.proc.wait()
            self.log.flush()
            with open(self.log.name, errors="replace") as f:
                tail = f.read()[-2000:]
            raise RuntimeError("server did not start: %r (%s):\n%s" %
                               (line, self.log.name, tail))
        self.port = int(line.strip().rstrip("/").rsplit(":", 1)[1])
        # Keep draining stdout so that the server never blocks on it.
        out = self.proc.stdout
        threading.Thread(target=lambda: [None for _ in iter(
            lambda: out.read(4096), b"")], daemon=True).start()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def kill9(self):
        self.stop(signal.SIGKILL)

    def client(self):
        return Client(self.port)

    def login(self, user, password):
        c = Client(self.port)
        st, body = c.post("/api/login", {"user": user, "password": password})
        if st != 200:
            raise RuntimeError("login %s: %s %s" % (user, st, body))
        return c


class Client:
    """One browser-like client: keeps the session cookie and CSRF token."""

    def __init__(self, port):
        self.port = port
        self.cookie = None
        self.csrf = None
        self.conn = None

    def _conn(self):
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port,
                                                   timeout=30)
        return self.conn

    def raw(self, method, path, body=None, headers=None):
        """Send a request; returns (status, headers dict, body bytes)."""
        h = {}
        if self.cookie:
            h["Cookie"] = self.cookie
        if self.csrf and method not in ("GET", "HEAD"):
            h["X-CSRF-Token"] = self.csrf
        if headers:
            h.update(headers)
        for attempt in (0, 1):
            try:
                c = self._conn()
                c.request(method, path, body=body, headers=h)
                r = c.getresponse()
                data = r.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError,
                    BrokenPipeError):
                self.conn = None
                if attempt:
                    raise
        hdrs = {k.lower(): v for k, v in r.getheaders()}
        if r.getheader("Connection", "").lower() == "close":
            self.conn = None
        sc = r.getheader("Set-Cookie")
        if sc and sc.startswith("kvpt_session="):
            val = sc.split(";", 1)[0]
            self.cookie = None if val == "kvpt_session=" else val
        return r.status, hdrs, data

    def request(self, method, path, obj=None, headers=None):
        body = None
        h = dict(headers or {})
        if obj is not None:
            body = json.dumps(obj).encode()
            h.setdefault("Content-Type", "application/json")
        st, hdrs, data = self.raw(method, path, body, h)
        try:
            parsed = json.loads(data) if data else None
        except ValueError:
            parsed = data
        if path == "/api/login" and st == 200:
            self.csrf = parsed["csrf"]
        return st, parsed

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, obj=None, headers=None):
        return self.request("POST", path, obj if obj is not None else {},
                            headers)

    def put(self, path, obj):
        return self.request("PUT", path, obj)

    def patch(self, path, obj):
        return self.request("PATCH", path, obj)

    def delete(self, path):
        return self.request("DELETE", path)

    def stream(self, exercise, last_id=None, after=None, timeout=10):
        return Stream(self, exercise, last_id, timeout=timeout, after=after)

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class Stream:
    """A Server-Sent Events connection; events() yields (id, type, data).

    A reader thread parses the stream into a queue, so that next() can
    wait with a timeout without spoiling the connection."""

    def __init__(self, client, exercise, last_id=None, timeout=10,
                 after=None):
        self.timeout = timeout
        self.conn = http.client.HTTPConnection("127.0.0.1", client.port,
                                               timeout=timeout)
        h = {"Accept": "text/event-stream"}
        if client.cookie:
            h["Cookie"] = client.cookie
        if last_id is not None:
            h["Last-Event-ID"] = str(last_id)
        path = "/api/exercises/%s/stream" % exercise
        if after is not None:
            path += "?after=%s" % after
        self.conn.request("GET", path, headers=h)
        self.resp = self.conn.getresponse()
        self.status = self.resp.status
        self.headers = {k.lower(): v for k, v in self.resp.getheaders()}
        self.q = queue.Queue()
        self.closed = False
        self.comments = []      # comment lines (": ping") as received
        if self.status == 200:
            # No read timeout from here on: idle streams are normal.
            self.conn.sock.settimeout(None)
            threading.Thread(target=self._reader, daemon=True).start()
        else:
            self.body = self.resp.read()

    def _reader(self):
        eid, etype, data = None, "message", []
        try:
            while True:
                line = self.resp.readline()
                if not line:
                    raise EOFError("stream closed")
                line = line.decode().rstrip("\r\n")
                if line == "":
                    if data:
                        self.q.put((int(eid) if eid else None, etype,
                                    json.loads("\n".join(data))))
                    eid, etype, data = None, "message", []
                    continue
                if line.startswith(":"):
                    self.comments.append((time.time(), line))
                    continue
                k, _, v = line.partition(":")
                v = v[1:] if v.startswith(" ") else v
                if k == "id":
                    eid = v
                elif k == "event":
                    etype = v
                elif k == "data":
                    data.append(v)
        except Exception as e:  # closed, reset, bad JSON: report it
            self.q.put(e if not self.closed else EOFError("closed"))

    def next(self, timeout=None):
        """The next event as (id, type, data dict); raises TimeoutError
        after timeout seconds (default: the stream's), EOFError when the
        stream ended."""
        try:
            item = self.q.get(timeout=self.timeout if timeout is None
                              else timeout)
        except queue.Empty:
            raise TimeoutError("no event within %ss" %
                               (self.timeout if timeout is None
                                else timeout))
        if isinstance(item, Exception):
            self.q.put(item)   # stays ended
            raise item
        return item

    def poll(self, timeout=0.0):
        """The next event, or None when none arrives within timeout."""
        try:
            return self.next(timeout)
        except TimeoutError:
            return None

    def close(self):
        self.closed = True
        try:
            if self.conn.sock is not None:
                self.conn.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.conn.close()


def raw_exchange(port, data, timeout=30):
    """Send raw bytes (a whole request, possibly malformed or huge) from a
    thread while reading the answer, so that a server answering early and
    closing does not lose its answer.  Returns (status, headers, body) or
    (None, None, b"") when the server closed without an answer."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)

    def send():
        try:
            s.sendall(data)
        except OSError:
            pass
    t = threading.Thread(target=send, daemon=True)
    t.start()
    try:
        r = http.client.HTTPResponse(s, method="POST")
        r.begin()
        body = r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, body
    except (http.client.RemoteDisconnected, ConnectionResetError,
            http.client.BadStatusLine, BrokenPipeError):
        return None, None, b""
    finally:
        s.close()
        t.join(5)


def request_bytes(method, path, headers=None, body=b""):
    """A raw HTTP/1.1 request as bytes (Host, Content-Length added)."""
    h = {"Host": "127.0.0.1", "Connection": "close"}
    if body or method in ("POST", "PUT", "PATCH"):
        h["Content-Length"] = str(len(body))
    h.update(headers or {})
    head = "%s %s HTTP/1.1\r\n" % (method, path)
    head += "".join("%s: %s\r\n" % kv for kv in h.items()) + "\r\n"
    return head.encode("latin-1") + body


def quote_name(name):
    """X-Filename: percent-encoded UTF-8."""
    return urllib.parse.quote(name, safe="")


def wait_for(pred, timeout=5.0, step=0.02):
    end = time.time() + timeout
    while time.time() < end:
        v = pred()
        if v:
            return v
        time.sleep(step)
    return pred()
