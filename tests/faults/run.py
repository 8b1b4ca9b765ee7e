#!/usr/bin/env python3
"""Runs the backend-fault tests of erp-server for one storage backend.

    ERP_SERVER_BIN=build/erp-server python3 tests/faults/run.py sqlite|postgresql [-v] [unittest names...]

sqlite: a full disk and a read-only file system under the SQLite store
(test_sqlite_disk_full, test_sqlite_read_only: they mount a small tmpfs, so
they need root; run.py re-runs itself under `unshare -rm` when it is not
root, and those tests skip when neither works), and Redis killed under the
server, or hung (test_redis_outage, its own redis-server).
postgresql: its own PostgreSQL crashed, stopped and restarted under the
server (test_pg_restart), and a tablespace of its own on a full tmpfs
(test_pg_disk_full: needs real root, skips otherwise). Exits 77 (CTest: skipped) when ERP_TEST_PG_URL is
unset, the sign that the machine has no PostgreSQL to test with.

Exits 0 when every test passed, 1 on a failure, 2 on a usage error.
"""

import os
import shutil
import subprocess
import sys
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import faultkit  # noqa: E402

MODULES = {
    "sqlite": ["test_sqlite_disk_full", "test_sqlite_read_only", "test_redis_outage"],
    "postgresql": ["test_pg_restart", "test_pg_disk_full"],
}
IN_NAMESPACE = "ERP_FAULTS_IN_USER_NAMESPACE"


def main(argv):
    verbosity = 2 if "-v" in argv else 1
    words = [a for a in argv if not a.startswith("-")]
    if not words or words[0] not in MODULES:
        sys.stderr.write("usage: run.py sqlite|postgresql [-v] [unittest names...]\n")
        return 2
    kind, names = words[0], words[1:]
    if kind == "postgresql" and not faultkit.erpserver.pg_url():
        sys.stderr.write("ERP_TEST_PG_URL is not set: skipping the PostgreSQL fault tests\n")
        return faultkit.erpserver.SKIP
    binary = faultkit.erpserver.server_bin()
    if not binary or not os.access(binary, os.X_OK):
        sys.stderr.write("no erp-server binary (set ERP_SERVER_BIN)\n")
        return 2
    if kind == "sqlite" and os.geteuid() != 0 and not os.environ.get(IN_NAMESPACE) and shutil.which("unshare"):
        # Mounting a tmpfs needs root: become root of a user and mount namespace of our own.
        probe = subprocess.run(["unshare", "-rm", "true"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if probe.returncode == 0:
            sys.stderr.write("not root: running under `unshare -rm`\n")
            env = dict(os.environ, **{IN_NAMESPACE: "1"})
            return subprocess.call(["unshare", "-rm", sys.executable, os.path.abspath(__file__)] + argv, env=env)
        sys.stderr.write("not root and `unshare -rm` fails: the tmpfs tests will skip\n")
    sys.stderr.write("erp-server fault tests: %s on %s\n" % (binary, kind))
    loader = unittest.TestLoader()
    suite = loader.loadTestsFromNames(names or MODULES[kind])
    result = unittest.TextTestRunner(verbosity=verbosity, stream=sys.stderr).run(suite)
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
