"""Tools of the backend-fault tests (tests/faults): the test's own throwaway
Redis server that it may kill and restart; a small tmpfs to fill up or
remount read-only; the test case class and the ledger as the server shows it.

Python 3 standard library only; builds on tests/server/erpserver.py (the
server process and the HTTP client) and tests/support/python (shared with
tests/crash: pgcluster.Cluster, the test's own PostgreSQL; store_verify, i.e.
`erp-server --verify`; waiting.wait_until). Never touches the shared servers
of ERP_TEST_PG_URL / ERP_TEST_REDIS_URL: every server here is started by the
test with scripts/pg-start.sh or scripts/redis-start.sh and stopped by it.

Environment:
  ERP_SERVER_BIN       the erp-server binary (CTest passes it); its --verify
                       mode checks a store after a fault
"""

import errno
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "server"))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "support", "python"))

import api  # noqa: E402
import erpserver  # noqa: E402
import processes  # noqa: E402
from service_scripts import run_script, short_tmpdir  # noqa: E402
import waiting  # noqa: E402


# ---- the test's own Redis -------------------------------------------------------------------


class OwnRedis:
    """A throwaway Redis (scripts/redis-start.sh) that this test may kill and start again
    on the same port with the same password (so the server's REDIS_URL stays right)."""

    def __init__(self):
        if not shutil.which("redis-server"):
            raise unittest.SkipTest("no redis-server on PATH (apt-get install redis-server)")
        self.dir = short_tmpdir("erpfr")
        self.url = run_script("redis-start.sh", self.dir)
        with open(os.path.join(self.dir, "port")) as f:
            self.port = int(f.read().strip())
        self.password = self.url.split("://:", 1)[1].split("@", 1)[0]

    def pid(self):
        with open(os.path.join(self.dir, "redis.pid")) as f:
            return int(f.read().strip())

    def kill(self):
        """SIGKILL: no goodbye to the clients, and (no persistence) every key is gone."""
        pid = self.pid()
        os.kill(pid, signal.SIGKILL)
        if processes.reap([pid], 10):
            raise AssertionError("redis pid %d survived SIGKILL" % pid)
        os.unlink(os.path.join(self.dir, "redis.pid"))

    def start_again(self):
        subprocess.run(["redis-server", os.path.join(self.dir, "redis.conf")], cwd=self.dir, check=True,
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
        waiting.wait_until(lambda: self.command("PING") == "PONG", 20, "redis to answer PING again")

    def command(self, *words):
        """One command after AUTH and SELECT 1 (the database of the URL); the reply's
        first line without its type mark, or None when the server cannot be reached."""
        def bulk(*ws):
            out = b"*%d\r\n" % len(ws)
            for w in ws:
                w = w.encode() if isinstance(w, str) else w
                out += b"$%d\r\n%s\r\n" % (len(w), w)
            return out
        try:
            s = socket.create_connection(("127.0.0.1", self.port), timeout=5)
        except OSError:
            return None
        try:
            s.sendall(bulk("AUTH", self.password) + bulk("SELECT", "1") + bulk(*words))
            f = s.makefile("rb")
            replies = [f.readline().decode().rstrip("\r\n") for _ in range(3)]
        except OSError:
            return None
        finally:
            s.close()
        return replies[2][1:] if replies[2] else None

    def remove(self):
        run_script("redis-stop.sh", self.dir)


# ---- a small file system ---------------------------------------------------------------------


class Tmpfs:
    """A tmpfs of `size` bytes mounted on a new directory (needs root, or a user
    namespace: run.py re-runs itself under `unshare -rm` when not root)."""

    def __init__(self, size):
        self.path = tempfile.mkdtemp(prefix="erp-faults-fs-")
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%d,mode=0755" % size, "tmpfs", self.path],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            os.rmdir(self.path)
            raise unittest.SkipTest("cannot mount a tmpfs (needs root or `unshare -rm`): %s" % r.stdout.strip())
        self.filler = os.path.join(self.path, "filler")

    def fill(self):
        """Writes a filler file until the file system refuses (ENOSPC); returns its size."""
        chunk = b"\xa5" * 4096
        written = 0
        with open(self.filler, "ab", buffering=0) as f:
            while True:
                try:
                    written += f.write(chunk)
                except OSError as e:
                    if e.errno != errno.ENOSPC:
                        raise
                    break
        return written

    def free(self):
        """Removes the filler: the space is back."""
        if os.path.exists(self.filler):
            os.unlink(self.filler)

    def remount(self, mode):
        subprocess.run(["mount", "-t", "tmpfs", "-o", "remount,%s" % mode, "tmpfs", self.path], check=True,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    def unmount(self):
        subprocess.run(["umount", "-l", self.path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            os.rmdir(self.path)
        except OSError:
            pass


# ---- a test case with servers and cleanups -------------------------------------------------


class FaultCase(erpserver.ServerCase):
    """A fault test: serve() starts a server for one test, killed at its end if the
    test did not finish() it."""

    def serve(self, database_url, env=None, **kw):
        """A server with sign-up open (the tests make their tenants by sign-up)."""
        srv = erpserver.Server(database_url, env=dict({"ALLOW_SIGNUP": "1"}, **(env or {})), **kw)
        self.addCleanup(srv.kill)
        srv.start()
        return srv

    def assertBackendError(self, resp, status, *words):
        """`status` with the "backend" error shape and a message naming the problem."""
        e = self.assertError(resp, status, "backend")
        for w in words:
            self.assertIn(w, e["message"], resp)
        return e

    def access_log_of(self, srv, request_id):
        """The access-log record of one request (found by its X-Request-Id)."""
        rec = srv.wait_log(lambda r: r.get("request_id") == request_id and "status" in r, timeout=10)
        self.assertIsNotNone(rec, "no access-log line for request %s" % request_id)
        return rec


# ---- the ledger as the server shows it -------------------------------------------------------


def journal_ids(client):
    """The ids of every journal entry of the client's tenant (all pages)."""
    ids, cursor = set(), None
    while True:
        r = client.get(api.query(api.JOURNAL, limit=1000, cursor=cursor))
        if r.status != 200:
            raise AssertionError("listing journal entries: %r" % r)
        ids.update(x["id"] for x in r.json["items"])
        cursor = r.json.get("next_cursor")
        if not cursor:
            return ids


def total_debit(client):
    """The trial balance's total debit in USD, as a string ("0.00" when empty)."""
    r = client.get(api.TRIAL_BALANCE)
    if r.status != 200:
        raise AssertionError("trial balance: %r" % r)
    for t in r.json["totals"]:
        if t["currency"] == "USD":
            if t["debit"] != t["credit"]:
                raise AssertionError("the trial balance does not balance: %r" % r.json)
            return t["debit"]
    return "0.00"
