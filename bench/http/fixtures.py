#!/usr/bin/env python3
"""Makes the fixtures of scripts/bench-http.sh on a running erp-server (with
ALLOW_SIGNUP=1): a tenant and its admin, a session token, a partner, books
and a stock world. Prints shell assignments (ERP_BENCH_*=...) for the wrk
scripts.

    python3 bench/http/fixtures.py PORT
"""

import os
import shlex
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "server"))

import api  # noqa: E402
from api import Books, StockWorld, Tenant  # noqa: E402
from erpserver import Client  # noqa: E402


class Running:
    """The bits of erpserver.Server that api.Tenant uses, for a server started elsewhere."""

    def __init__(self, port):
        self.port = port

    def client(self, token=None):
        return Client(self.port, token)


def main(argv):
    port = int(argv[1])
    t = Tenant(Running(port))
    b = Books(t)
    w = StockWorld(t)
    partner = t.create("core.partner", {"name": "Bench partner", "email": "bench@example.com",
                                        "credit_limit": "1000.00", "is_customer": True})["id"]
    out = {
        "ERP_BENCH_TOKEN": t.admin.token,
        "ERP_BENCH_PARTNER": partner,
        "ERP_BENCH_JOURNAL": b.journal,
        "ERP_BENCH_DEBIT": b.receivable,
        "ERP_BENCH_CREDIT": b.revenue,
        "ERP_BENCH_PRODUCT": w.average,
        "ERP_BENCH_SUPPLIER": w.supplier,
        "ERP_BENCH_STOCK": w.stock,
        "ERP_BENCH_DATE": "2026-03-10",
        "ERP_BENCH_JOURNAL_PATH": api.JOURNAL,
        "ERP_BENCH_MOVE_PATH": api.MOVES,
    }
    t.admin.close()
    for k, v in out.items():
        print("%s=%s" % (k, shlex.quote(v)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
