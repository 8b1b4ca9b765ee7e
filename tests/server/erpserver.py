"""Harness for the erp-server tests: a real server process over loopback.

Python 3 standard library only. The tests start build/server/erp-server
(ERP_SERVER_BIN) with `--port 0 --ready-file FILE`, read the port from the
file, and talk HTTP/1.1 to it with http.client.

Environment:
  ERP_SERVER_BIN           the erp-server binary (CTest passes it)
  ERP_TEST_SERVER_BACKEND  sqlite (default) or postgresql
  ERP_TEST_PG_URL          PostgreSQL URL whose role may CREATE DATABASE
                           (scripts/pg-start.sh); a fresh database per server
  ERP_TEST_REDIS_URL       when set, the servers use it as REDIS_URL
  ERP_SERVER_WRAPPER       a command line put before the binary, e.g. valgrind
                           and its options (scripts/valgrind-suite.sh)
"""

import http.client
import json
import os
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

SKIP = 77
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "support", "python"))

from pg_admin import pg_admin, pg_url, pg_url_with_db  # noqa: E402,F401  (used by the suites too)

# Generous timeouts: the tests run on small, busy machines (2 cores, CTest -j2,
# sanitizers). Nothing below asserts on speed.
START_TIMEOUT = 90.0
STOP_TIMEOUT = 60.0
HTTP_TIMEOUT = 60.0


def server_bin():
    b = os.environ.get("ERP_SERVER_BIN")
    if b:
        return b
    for c in (os.path.join(ROOT, "build", "erp-server"), os.path.join(ROOT, "build", "server", "erp-server")):
        if os.access(c, os.X_OK):
            return c
    return None


def server_command(args):
    """The command that runs erp-server with `args`: ERP_SERVER_WRAPPER's
    words (split as a shell would), the binary, the arguments."""
    binary = server_bin()
    if not binary:
        raise RuntimeError("ERP_SERVER_BIN is not set and build/server/erp-server does not exist")
    return shlex.split(os.environ.get("ERP_SERVER_WRAPPER", "")) + [binary] + list(args)


def backend():
    return os.environ.get("ERP_TEST_SERVER_BACKEND", "sqlite") or "sqlite"


def redis_url():
    return os.environ.get("ERP_TEST_REDIS_URL") or None


def unique(prefix="t"):
    return prefix + secrets.token_hex(5)


# ---- PostgreSQL: a fresh database per server ---------------------------------


class Database:
    """A fresh, empty store for one test run: a SQLite file or a PostgreSQL database."""

    def __init__(self, kind=None):
        self.kind = kind or backend()
        self.tmp = tempfile.mkdtemp(prefix="erp-srv-")
        if self.kind == "sqlite":
            self.url = "sqlite:%s/erp.db" % self.tmp
            self.db = None
        elif self.kind == "postgresql":
            if not pg_url():
                raise unittest.SkipTest("ERP_TEST_PG_URL is not set")
            self.db = "erp_srv_" + secrets.token_hex(6)
            pg_admin("CREATE DATABASE %s" % self.db)
            self.url = pg_url_with_db(pg_url(), self.db)
        else:
            raise ValueError("unknown backend %r" % self.kind)

    def drop(self):
        if self.db:
            try:
                pg_admin("DROP DATABASE IF EXISTS %s WITH (FORCE)" % self.db)
            except Exception as e:  # pragma: no cover - cleanup only
                sys.stderr.write("dropping %s: %s\n" % (self.db, e))
            self.db = None
        shutil.rmtree(self.tmp, ignore_errors=True)


# ---- the server process ----------------------------------------------------------------


class Server:
    """One erp-server process. stdout and stderr are read by threads into lists."""

    # Variables of the server's configuration, cleared from the inherited
    # environment so that only what a test asks for applies.
    CONFIG_VARS = ("DATABASE_URL", "REDIS_URL", "BIND_ADDRESS", "PORT", "LOG_LEVEL", "ALLOWED_ORIGINS",
                   "RATE_LIMIT_TTL", "RATE_LIMIT_MAX", "BODY_LIMIT", "THREADS", "POOL_SIZE", "ALLOW_SIGNUP",
                   "SESSION_IDLE_TIMEOUT", "DURABILITY")

    def __init__(self, database_url, env=None, args=None, redis=True, rate_limit_max="0"):
        self.database_url = database_url
        self.extra_env = dict(env or {})
        self.args = list(args or [])
        self.redis = redis_url() if redis is True else (redis or None)
        self.rate_limit_max = rate_limit_max
        self.proc = None
        self.port = None
        self.stdout_lines = []
        self.stderr_lines = []
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._threads = []
        self.tmp = tempfile.mkdtemp(prefix="erp-srv-run-")
        self.ready_file = os.path.join(self.tmp, "ready")

    def environment(self):
        env = {k: v for k, v in os.environ.items() if k not in self.CONFIG_VARS}
        env["DATABASE_URL"] = self.database_url
        if self.redis:
            env["REDIS_URL"] = self.redis
        env["LOG_LEVEL"] = "info"
        if self.rate_limit_max is not None:
            env["RATE_LIMIT_MAX"] = str(self.rate_limit_max)
        env["THREADS"] = env.get("ERP_TEST_SERVER_THREADS", "8")
        env.update(self.extra_env)
        for k, v in list(env.items()):
            if v is None:
                del env[k]
        return env

    def _reader(self, stream, sink):
        for raw in iter(stream.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip("\n")
            with self._cond:
                sink.append(line)
                self._cond.notify_all()
        stream.close()

    def spawn(self, args=None):
        """Starts the process without waiting for it to serve."""
        cmd = server_command(self.args if args is None else args)
        self.proc = subprocess.Popen(cmd, env=self.environment(), stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for stream, sink in ((self.proc.stdout, self.stdout_lines), (self.proc.stderr, self.stderr_lines)):
            t = threading.Thread(target=self._reader, args=(stream, sink), daemon=True)
            t.start()
            self._threads.append(t)
        return self.proc

    def start(self, timeout=START_TIMEOUT):
        self.spawn(["--port", "0", "--ready-file", self.ready_file] + self.args)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with open(self.ready_file) as f:
                    text = f.read().strip()
                if text.isdigit() and int(text) > 0:
                    self.port = int(text)
                    return self
            except FileNotFoundError:
                pass
            if self.proc.poll() is not None:
                self._join_readers()
                raise RuntimeError("erp-server exited with %s before serving:\n%s" %
                                   (self.proc.returncode, "\n".join(self.stderr_lines[-40:])))
            time.sleep(0.05)
        self.kill()
        raise RuntimeError("erp-server did not write %s within %ss:\n%s" %
                           (self.ready_file, timeout, "\n".join(self.stderr_lines[-40:])))

    def _join_readers(self, timeout=10):
        for t in self._threads:
            t.join(timeout)

    def wait(self, timeout=STOP_TIMEOUT):
        """Waits for the process to end; returns its exit status."""
        rc = self.proc.wait(timeout=timeout)
        self._join_readers()
        return rc

    def stop(self, sig=signal.SIGTERM, timeout=STOP_TIMEOUT):
        """Sends `sig` and waits; returns the exit status (killed after the timeout)."""
        if not self.proc or self.proc.poll() is not None:
            rc = self.proc.returncode if self.proc else None
            if self.proc:
                self._join_readers()
            self._cleanup()
            return rc
        self.proc.send_signal(sig)
        try:
            rc = self.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise
        self._cleanup()
        return rc

    SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                       "WARNING: ThreadSanitizer", "SUMMARY: AddressSanitizer", "SUMMARY: UndefinedBehaviorSanitizer")

    def finish(self, timeout=STOP_TIMEOUT):
        """Stops the server with SIGTERM (if it still runs) and checks that it
        exited 0 with no sanitizer report: the end of every server of the tests."""
        try:
            rc = self.stop(signal.SIGTERM, timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError("erp-server did not stop within %ss of SIGTERM:\n%s" %
                                 (timeout, self.stderr_text()[-4000:]))
        err = self.stderr_text()
        reports = [m for m in self.SANITIZER_MARKS if m in err]
        if rc != 0 or reports:
            raise AssertionError("erp-server exited %s%s:\n%s" % (
                rc, " with sanitizer reports" if reports else "", err[-8000:]))
        return rc

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
        self._cleanup()

    def _cleanup(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stderr_text(self):
        with self._lock:
            return "\n".join(self.stderr_lines)

    def stdout_text(self):
        with self._lock:
            return "\n".join(self.stdout_lines)

    def log_records(self):
        """The stderr lines that are JSON objects (the access log and other structured logs)."""
        out = []
        with self._lock:
            lines = list(self.stderr_lines)
        for line in lines:
            line = line.strip()
            if line.startswith("{"):
                try:
                    v = json.loads(line)
                except ValueError:
                    continue
                if isinstance(v, dict):
                    out.append(v)
        return out

    def wait_log(self, predicate, timeout=10.0):
        """Waits for a JSON log record that satisfies predicate; returns it or None."""
        deadline = time.monotonic() + timeout
        while True:
            for r in self.log_records():
                if predicate(r):
                    return r
            if time.monotonic() >= deadline:
                return None
            with self._cond:
                self._cond.wait(0.1)

    def client(self, token=None):
        return Client(self.port, token)


# ---- HTTP ---------------------------------------------------------------------------------


class Response:
    def __init__(self, status, reason, headers, body):
        self.status = status
        self.reason = reason
        self.headers = headers  # list of (name, value)
        self.body = body
        self._json = None
        self._parsed = False

    def header(self, name):
        name = name.lower()
        for k, v in self.headers:
            if k.lower() == name:
                return v
        return None

    def header_all(self, name):
        name = name.lower()
        return [v for k, v in self.headers if k.lower() == name]

    @property
    def json(self):
        if not self._parsed:
            self._parsed = True
            try:
                self._json = json.loads(self.body.decode("utf-8")) if self.body else None
            except ValueError:
                self._json = None
        return self._json

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def error_code(self):
        j = self.json
        if isinstance(j, dict) and isinstance(j.get("error"), dict):
            return j["error"].get("code")
        return None

    def __repr__(self):
        body = self.text
        if len(body) > 600:
            body = body[:600] + "..."
        return "<%d %s %s>" % (self.status, self.reason, body)


class Client:
    """An HTTP/1.1 keep-alive client of one server; remembers a bearer token."""

    def __init__(self, port, token=None, host="127.0.0.1", timeout=HTTP_TIMEOUT):
        self.host = host
        self.port = port
        self.token = token
        self.timeout = timeout
        self.conn = None
        self.connections_made = 0

    def _connect(self):
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            self.connections_made += 1
        return self.conn

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(self, method, path, body=None, headers=None, token=True, raw=None):
        """
        Sends one request. `body` is JSON-encoded (dict/list/str...); `raw`
        (bytes) is sent as is. `token`: True uses the client's token, None
        sends no Authorization, a string uses that token.
        """
        hdrs = {}
        data = None
        if raw is not None:
            data = raw
        elif body is not None:
            data = json.dumps(body).encode("utf-8")
            hdrs["Content-Type"] = "application/json"
        if token is True:
            token = self.token
        if token:
            hdrs["Authorization"] = "Bearer " + token
        if headers:
            for k, v in headers.items():
                if v is None:
                    hdrs.pop(k, None)
                else:
                    hdrs[k] = v
        if data is not None and "Content-Length" not in hdrs:
            hdrs["Content-Length"] = str(len(data))
        for attempt in range(2):
            conn = self._connect()
            reused = conn.sock is not None
            try:
                conn.request(method, path, body=data, headers=hdrs)
                r = conn.getresponse()
                payload = r.read()
                resp = Response(r.status, r.reason, r.getheaders(), payload)
                if r.will_close:
                    self.close()
                return resp
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                # A kept-alive connection the server had closed: once more on a new one.
                if attempt == 0 and reused:
                    continue
                raise
            except Exception:
                self.close()
                raise

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body=body, **kw)

    def patch(self, path, body=None, **kw):
        return self.request("PATCH", path, body=body, **kw)

    def put(self, path, body=None, **kw):
        return self.request("PUT", path, body=body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)


def raw_http(port, data, timeout=30.0):
    """Sends raw bytes on a new connection and returns everything read until close or timeout."""
    import socket
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(data)
        chunks = []
        while True:
            try:
                b = s.recv(65536)
            except socket.timeout:
                break
            if not b:
                break
            chunks.append(b)
            joined = b"".join(chunks)
            # Stop once one whole response with a Content-Length has come.
            head, sep, rest = joined.partition(b"\r\n\r\n")
            if sep:
                for line in head.split(b"\r\n")[1:]:
                    k, _, v = line.partition(b":")
                    if k.strip().lower() == b"content-length" and len(rest) >= int(v.strip()):
                        return joined
        return b"".join(chunks)
    finally:
        s.close()


# ---- test cases with their own servers ----------------------------------------------------


class ServerCase(unittest.TestCase):
    """A test class that starts servers (each on a fresh store) and stops them after."""

    @classmethod
    def start_server(cls, env=None, args=None, database=None, **kw):
        """Starts a server on `database` (a fresh one when None); stopped after the class."""
        db = database
        if db is None:
            db = Database()
            cls.addClassCleanup(db.drop)
        srv = Server(db.url, env=env, args=args, **kw)
        try:
            srv.start()
        except Exception:
            srv.kill()
            raise
        cls.addClassCleanup(srv.finish)
        srv.database = db
        return srv

    def assertStatus(self, resp, *statuses):
        if resp.status not in statuses:
            self.fail("expected %s, got %r" % ("/".join(map(str, statuses)), resp))

    def assertError(self, resp, status, code=None, field=None):
        """The answer is `status` with the error shape {"error":{"code","message","field"}}."""
        self.assertStatus(resp, status)
        j = resp.json
        self.assertIsInstance(j, dict, "not a JSON object: %r" % resp)
        self.assertEqual(set(j.keys()), {"error"}, resp)
        e = j["error"]
        self.assertIsInstance(e, dict, resp)
        self.assertEqual(set(e.keys()), {"code", "message", "field"}, resp)
        self.assertIsInstance(e["code"], str, resp)
        self.assertTrue(e["code"], resp)
        self.assertIsInstance(e["message"], str, resp)
        self.assertTrue(e["message"], resp)
        self.assertTrue(e["field"] is None or isinstance(e["field"], str), resp)
        if code is not None:
            self.assertEqual(e["code"], code, resp)
        if field is not None:
            self.assertEqual(e["field"], field, resp)
        ctype = resp.header("Content-Type") or ""
        self.assertTrue(ctype.startswith("application/json"), "Content-Type %r" % ctype)
        return e


def wait_window_start(ttl_s, margin=0.05):
    """Sleeps until just after the start of the next fixed rate-limit window of ttl_s seconds
    (windows are aligned on the epoch: now_ms / window_ms), unless one has just begun."""
    now = time.time()
    into = now % ttl_s
    if into > margin + 0.15:
        time.sleep(ttl_s - into + margin)
