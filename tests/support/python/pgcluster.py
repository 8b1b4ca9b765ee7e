"""A PostgreSQL cluster of a test's own, which it may stop, crash and restart.

Python 3 standard library only; shared by tests/crash (SIGKILL of the whole
server under load) and tests/faults (stops and restarts under a running
erp-server); their run.py puts tests/support/python and tests/server on
sys.path. Not run alone.

The cluster is made by scripts/pg-start.sh in a new short directory under
/tmp (never the shared server at ERP_TEST_PG_URL, which other tests use)
and removed by scripts/pg-stop.sh (remove()).

Ways down, each followed by start():
  stop("fast")       a clean shutdown;
  stop("immediate")  PostgreSQL's own crash stop (no checkpoint, clients cut);
  kill()             a crash from outside: SIGKILL to the postmaster and to
                     every child of it at once (the postmaster is first
                     stopped with SIGSTOP, so that it forks no new backend).
start() then runs crash recovery from the WAL.

pg-start.sh sets synchronous_commit=off (fast tests): a commit then returns
before its WAL record leaves PostgreSQL's shared memory, and a crash loses
acknowledged transactions by design, unless the client asks for it per
transaction, as liberp does by default (SET LOCAL synchronous_commit = on
in every write). The cluster is switched to synchronous_commit=on unless
the caller says otherwise (tests/crash runs with the cluster's default off
and must still lose nothing: ERP_CRASH_PG_SYNCHRONOUS_COMMIT). fsync stays off: a
crash of processes leaves the kernel's page cache, and so the written WAL,
intact (no power loss is simulated).
"""

import contextlib
import os
import shutil
import signal
import subprocess
import sys

import erpserver
import processes
import service_scripts


class Cluster:
    """One throwaway cluster: url (database erp_test, role erp), superuser_sql(),
    database()/drop() for a fresh database each, stop(mode)/kill() and start(), remove()."""

    def __init__(self, synchronous_commit="on", prefix="erppg."):
        processes.become_subreaper()  # so that kill() can reap the orphaned postmaster
        self.dir = service_scripts.short_tmpdir(prefix)
        os.rmdir(self.dir)  # pg-start.sh makes it (and marks it as its own)
        self.url = service_scripts.run_script("pg-start.sh", self.dir)
        with open(os.path.join(self.dir, "bindir")) as f:
            self.bindir = f.read().strip()
        with open(os.path.join(self.dir, "port")) as f:
            self.port = int(f.read().strip())
        self.data = os.path.join(self.dir, "data")
        self.run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.synchronous_commit = synchronous_commit
        self.stopped = False
        try:
            self.superuser_sql("ALTER SYSTEM SET synchronous_commit = %s" % synchronous_commit)
            self.pg_ctl("reload")
        except Exception:
            self.remove()
            raise

    # ---- commands ----

    def pg_ctl(self, *args):
        cmd = self.run_as + [os.path.join(self.bindir, "pg_ctl"), "-D", self.data] + list(args)
        r = subprocess.run(cmd, cwd="/", stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, timeout=180)
        if r.returncode != 0:
            raise RuntimeError("pg_ctl %s failed:\n%s\n%s" % (" ".join(args), r.stdout, self.log_tail()))
        return r.stdout

    def superuser_sql(self, sql, database="postgres"):
        """Runs SQL as the superuser postgres (over the Unix socket) on `database`."""
        cmd = self.run_as + [os.path.join(self.bindir, "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1",
                             "-h", self.dir, "-p", str(self.port), "-U", "postgres", "-d", database, "-c", sql]
        r = subprocess.run(cmd, cwd="/", stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, timeout=120)
        if r.returncode != 0:
            raise RuntimeError("psql %r on %s failed: %s" % (sql, database, r.stderr))

    def log_tail(self, n=30):
        try:
            with open(os.path.join(self.dir, "server.log"), errors="replace") as f:
                return "".join(f.readlines()[-n:])
        except OSError:
            return ""

    def postmaster_pid(self):
        try:
            with open(os.path.join(self.data, "postmaster.pid")) as f:
                return int(f.readline().strip())
        except (OSError, ValueError):
            return None

    # ---- down and up again ----

    def stop(self, mode="immediate"):
        """pg_ctl stop: immediate, as if the server crashed (no checkpoint, clients cut); fast, a clean shutdown."""
        pm = self.postmaster_pid()
        self.pg_ctl("-m", mode, "-w", "-t", "60", "stop")
        self.stopped = True
        if pm:
            processes.reap([pm], 10)

    def kill(self):
        """SIGKILL to the postmaster and all its children; waits until they are gone.
        Returns how many processes were killed."""
        pm = self.postmaster_pid()
        if pm is None or processes.proc_stat(pm) is None:
            raise RuntimeError("no running postmaster in %s" % self.data)
        os.kill(pm, signal.SIGSTOP)  # no new backend from now on
        children = processes.children(pm)
        for pid in children:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        os.kill(pm, signal.SIGKILL)
        self.stopped = True
        left = processes.reap(children + [pm], 30)
        if left:
            raise RuntimeError("PostgreSQL processes %s survived SIGKILL" % sorted(left))
        return len(children) + 1

    def start(self):
        """Starts the cluster (crash recovery after kill() or an immediate stop) and waits
        until it accepts connections."""
        pm = self.postmaster_pid()
        if pm and processes.is_zombie(pm):
            # A killed postmaster nobody reaped yet (its parent is whoever
            # adopted it, and reaps when it will): its pid still answers
            # kill(pid, 0), and PostgreSQL would take the stale lock files,
            # the data directory's and the socket's, for a running server.
            os.unlink(os.path.join(self.data, "postmaster.pid"))
            try:
                os.unlink(os.path.join(self.dir, ".s.PGSQL.%d.lock" % self.port))
            except FileNotFoundError:
                pass
        self.pg_ctl("-l", os.path.join(self.dir, "server.log"), "-w", "-t", "120", "start")
        self.stopped = False

    def start_if_stopped(self):
        """After a test that failed half-way through an outage."""
        if self.stopped:
            self.start()

    # ---- a database per test ----

    def database(self):
        """A fresh database on this cluster, as an erpserver.Database; drop it with drop()."""
        with self._as_test_server():
            return erpserver.Database("postgresql")

    def drop(self, db):
        with self._as_test_server():
            db.drop()

    @contextlib.contextmanager
    def _as_test_server(self):
        """erpserver.Database makes and drops databases on ERP_TEST_PG_URL: point it here meanwhile."""
        saved = os.environ.get("ERP_TEST_PG_URL")
        os.environ["ERP_TEST_PG_URL"] = self.url
        try:
            yield
        finally:
            if saved is None:
                del os.environ["ERP_TEST_PG_URL"]
            else:
                os.environ["ERP_TEST_PG_URL"] = saved

    # ---- the end ----

    def remove(self):
        """Stops the cluster (scripts/pg-stop.sh) and removes its directory; never raises."""
        pm = self.postmaster_pid()
        try:
            service_scripts.run_script("pg-stop.sh", self.dir)
        except Exception as e:
            sys.stderr.write("pgcluster: %s\n" % e)
            shutil.rmtree(self.dir, ignore_errors=True)
        if pm:
            processes.reap([pm], 10)
