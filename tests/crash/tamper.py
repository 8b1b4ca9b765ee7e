"""The crash test's proof that its verifier can fail: a copy of the store
with one journal line deleted by hand (the immutability triggers bypassed),
which is what a half-written entry looks like. `erp-server --verify` must
refuse the copy, or the test fails (run.py, at the end of each run).

Python 3 standard library only; imported by tests/crash/run.py, not run alone.
SQLite: the store file is copied and edited with the sqlite3 module.
PostgreSQL: the test's own cluster (tests/support/python/pgcluster.py) makes the copy with
CREATE DATABASE ... TEMPLATE and edits it as the superuser, with the
triggers off (session_replication_role = replica).
"""

import json
import os
import shutil
import sqlite3

import erpserver

COPY_DB = "erp_tampered"


def sqlite_copy_without_a_line(url, directory):
    """A copy of the SQLite store at `url` without its last journal line; returns its URL."""
    src = url[len("sqlite:"):]
    dst = os.path.join(directory, "tampered.db")
    for suffix in ("", "-wal"):
        if os.path.exists(src + suffix):
            shutil.copyfile(src + suffix, dst + suffix)
    db = sqlite3.connect(dst)
    try:
        db.execute("DROP TRIGGER financial_entry_lines_immutable_delete")
        db.execute("DELETE FROM financial_entry_lines WHERE (tenant_id, seq, line_no) = "
                   "(SELECT tenant_id, seq, line_no FROM financial_entry_lines ORDER BY seq DESC, line_no DESC LIMIT 1)")
        db.commit()
    finally:
        db.close()
    return "sqlite:" + dst


def postgres_copy_without_a_line(cluster):
    """A copy of the cluster's erp_test database without its last journal line; returns its URL."""
    cluster.superuser_sql("CREATE DATABASE %s TEMPLATE erp_test OWNER erp" % COPY_DB)
    cluster.superuser_sql("SET session_replication_role = replica; "
                          "DELETE FROM financial.entry_lines WHERE ctid = "
                          "(SELECT ctid FROM financial.entry_lines ORDER BY seq DESC, line_no DESC LIMIT 1)",
                          database=COPY_DB)
    return erpserver.pg_url_with_db(cluster.url, COPY_DB)


def ledger_check_failed(report_text):
    """True when erp-server --verify's report says the ledger check failed."""
    first = report_text.split("\n", 1)[0]
    try:
        report = json.loads(first)
    except ValueError:
        return False
    return report.get("ok") is False and any(c.get("name") == "ledger" and c.get("ok") is False
                                             for c in report.get("checks", []))
