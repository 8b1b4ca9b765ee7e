"""A full disk under erp-server's PostgreSQL database (the scenario: disk_full.py).

A cluster of the test's own (pgcluster) with a tablespace on a small tmpfs;
the test's database lives in that tablespace (its WAL does not: the
cluster's data directory is elsewhere), so that filling the tmpfs makes
PostgreSQL refuse to extend a table: SQLSTATE 53100 disk_full, which must
answer like SQLite's full disk (507), not like a transient outage (503).
Needs real root (mounting the tmpfs, and giving it to the postgres account
the cluster runs as); skips otherwise.

    ERP_SERVER_BIN=build/erp-server python3 tests/faults/run.py postgresql test_pg_disk_full -v
"""

import os
import pwd
import unittest

import disk_full
import faultkit
import pgcluster

# A new database is a copy of template1 (about 8 MB), moved onto the tmpfs.
FS_SIZE = 32 * 1024 * 1024


class PostgresDiskFullTest(disk_full.DiskFullScenario):

    every_write_needs_space = False

    def setUp(self):
        if os.geteuid() != 0:
            raise unittest.SkipTest("needs root (a tmpfs for the postgres account)")
        self.fs = faultkit.Tmpfs(FS_SIZE)
        self.addCleanup(self.fs.unmount)
        self.pg = pgcluster.Cluster(prefix="erpdf")
        self.addCleanup(self.pg.remove)
        location = os.path.join(self.fs.path, "tablespace")
        os.mkdir(location, 0o700)
        owner = pwd.getpwnam("postgres")
        os.chown(location, owner.pw_uid, owner.pw_gid)
        self.pg.superuser_sql("CREATE TABLESPACE on_small_disk LOCATION '%s'" % location)
        db = self.pg.database()
        self.addCleanup(self.pg.drop, db)
        self.pg.superuser_sql("ALTER DATABASE %s SET TABLESPACE on_small_disk" % db.db)
        self.url = db.url
        self.srv = self.serve(self.url, redis=False)
        self.begin()


if __name__ == "__main__":
    unittest.main()
