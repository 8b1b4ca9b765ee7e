"""A full disk under erp-server's SQLite store (the scenario: disk_full.py).

The SQLite file lives on a small tmpfs of its own.

    ERP_SERVER_BIN=build/erp-server python3 tests/faults/run.py sqlite test_sqlite_disk_full -v
"""

import unittest

import disk_full
import faultkit

FS_SIZE = 6 * 1024 * 1024


class SqliteDiskFullTest(disk_full.DiskFullScenario):

    def setUp(self):
        self.fs = faultkit.Tmpfs(FS_SIZE)
        self.addCleanup(self.fs.unmount)
        self.url = "sqlite:%s/erp.db" % self.fs.path
        self.srv = self.serve(self.url, redis=False)
        self.begin()


if __name__ == "__main__":
    unittest.main()
