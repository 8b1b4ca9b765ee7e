#!/usr/bin/env python3
"""Runs the erp-server test suite against one backend.

    ERP_SERVER_BIN=build/server/erp-server ERP_TEST_SERVER_BACKEND=sqlite \
        python3 tests/server/run.py [-v] [unittest names...]

Exits 0 when every test passed, 1 on a failure, 77 (CTest: skipped) when
the backend asked for is not configured (postgresql without
ERP_TEST_PG_URL). The tests are plain unittest modules (test_*.py): pytest
runs them too (`pytest tests/server`).
"""

import os
import sys
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import erpserver  # noqa: E402


def main(argv):
    verbosity = 2 if "-v" in argv else 1
    names = [a for a in argv if not a.startswith("-")]
    kind = erpserver.backend()
    if kind not in ("sqlite", "postgresql"):
        sys.stderr.write("unknown ERP_TEST_SERVER_BACKEND %r (sqlite or postgresql)\n" % kind)
        return 2
    if kind == "postgresql" and not erpserver.pg_url():
        sys.stderr.write("ERP_TEST_PG_URL is not set: skipping the PostgreSQL server run\n")
        return erpserver.SKIP
    binary = erpserver.server_bin()
    if not binary or not os.access(binary, os.X_OK):
        sys.stderr.write("no erp-server binary (set ERP_SERVER_BIN)\n")
        return 2
    sys.stderr.write("erp-server tests: %s on %s, cache %s\n" %
                     (binary, kind, "redis" if erpserver.redis_url() else "mem"))
    loader = unittest.TestLoader()
    if names:
        suite = loader.loadTestsFromNames(names)
    else:
        suite = loader.discover(HERE, pattern="test_*.py", top_level_dir=HERE)
    result = unittest.TextTestRunner(verbosity=verbosity, stream=sys.stderr).run(suite)
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
