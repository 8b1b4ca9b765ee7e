"""erp_store_verify run on a store from a test: `erp-server --verify`.

Python 3 standard library only; shared by tests/crash and tests/faults
(their run.py puts tests/support/python and tests/server on sys.path), not
run alone. The binary is erpserver.server_bin() (ERP_SERVER_BIN).
"""

import json
import os
import subprocess
import time

import erpserver


def verify_store(database_url):
    """Runs `erp-server --verify` (read-only) on the store at `database_url`.

    Returns (passed, report, seconds): passed when the exit status is 0 and the
    JSON report on stdout says "ok": true; report is stdout, then stderr if any."""
    # Only the store given here: none of the caller's erp-server settings.
    env = {k: v for k, v in os.environ.items() if k not in erpserver.Server.CONFIG_VARS}
    t0 = time.monotonic()
    r = subprocess.run([erpserver.server_bin(), "--verify", "--database-url", database_url], env=env,
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       timeout=300)
    took = time.monotonic() - t0
    try:
        report = json.loads(r.stdout)
    except ValueError:
        report = None
    passed = r.returncode == 0 and isinstance(report, dict) and report.get("ok") is True
    text = r.stdout.strip() + ("\n" + r.stderr.strip() if r.stderr.strip() else "")
    return passed, text, took
