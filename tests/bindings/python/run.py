#!/usr/bin/env python3
"""Runs the Python binding's suite on one storage backend.

    PYTHONPATH=build-bind/bindings/python ERP_TEST_BINDINGS_BACKEND=sqlite \
        python3 tests/bindings/python/run.py [-v] [unittest names...]

Exits 0 when every test passed, 1 on a failure, 77 (CTest: skipped) for
postgresql without ERP_TEST_PG_URL. The modules are plain unittest:
`pytest tests/bindings/python` runs them too (same environment).
"""
import os
import sys
import unittest

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import support  # noqa: E402


def main(argv):
    kind = support.backend()
    if kind not in ("sqlite", "postgresql"):
        sys.stderr.write("unknown ERP_TEST_BINDINGS_BACKEND %r\n" % kind)
        return 2
    if kind == "postgresql" and not support.pg_url():
        sys.stderr.write("ERP_TEST_PG_URL is not set: skipping the PostgreSQL bindings run\n")
        return support.SKIP
    import erp
    sys.stderr.write("erp %s (%s) on %s, Python %s\n" % (erp.version(), erp.__file__, kind,
                                                      sys.version.split()[0]))
    names = [a for a in argv if not a.startswith("-")]
    loader = unittest.TestLoader()
    suite = loader.loadTestsFromNames(names) if names else \
        loader.discover(HERE, pattern="test_*.py", top_level_dir=HERE)
    verbosity = 2 if "-v" in argv else 1
    result = unittest.TextTestRunner(verbosity=verbosity, stream=sys.stderr).run(suite)
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
