"""psql against the test PostgreSQL (ERP_TEST_PG_URL): a database per test
run, made and dropped with a statement that is retried while a store just
closed still has backends exiting. Shared by tests/server (and, through
it, tests/crash and tests/faults) and tests/bindings/python."""

import glob
import os
import shutil
import subprocess
import time


def pg_url():
    return os.environ.get("ERP_TEST_PG_URL") or None


def psql_bin():
    p = shutil.which("psql")
    if p:
        return p
    c = sorted(glob.glob("/usr/lib/postgresql/*/bin/psql"))
    return c[-1] if c else None


def pg_url_with_db(base, db):
    """The base URL with its database name replaced (query string kept)."""
    head, _, tail = base.rpartition("/")
    query = ""
    if "?" in tail:
        query = tail[tail.index("?"):]
    return "%s/%s%s" % (head, db, query)


def pg_admin(sql, base=None):
    """Runs one statement as the test role on the base database."""
    base = base or pg_url()
    psql = psql_bin()
    if not psql:
        raise RuntimeError("no psql binary (apt-get install postgresql-client)")
    last = None
    # A store just closed may still have backends exiting (DROP DATABASE): retry.
    for _ in range(30):
        r = subprocess.run([psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", base, "-c", sql],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60)
        if r.returncode == 0:
            return
        last = r.stderr
        time.sleep(0.2)
    raise RuntimeError("psql %r failed: %s" % (sql, last))
