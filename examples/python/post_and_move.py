#!/usr/bin/env python3
"""Posts a journal entry, moves stock in, prints the trial balance.

    python3 post_and_move.py            # a fresh tenant in ./example.db
    ERP_EXAMPLE_URL=sqlite::memory: python3 post_and_move.py
"""
import os
import uuid
from decimal import Decimal

import erp

with erp.Store(os.environ.get("ERP_EXAMPLE_URL", "sqlite:example.db")) as store:
    tenant = store.create_tenant("Example " + uuid.uuid4().hex[:8], "EUR")
    with store.context(tenant, "alice", "admin") as ctx:
        cash = ctx.create("financial.account", {"code": "512", "name": "Bank", "type": "asset"})
        capital = ctx.create("financial.account", {"code": "101", "name": "Capital", "type": "equity"})
        journal = ctx.create("financial.journal", {"code": "MISC", "name": "Miscellaneous"})
        ctx.post({"journal_id": journal["id"], "date": "2026-01-15", "memo": "Capital paid in",
                  "lines": [{"account_id": cash["id"], "debit": Decimal("1000.00")},
                            {"account_id": capital["id"], "credit": Decimal("1000.00")}]})

        unit = ctx.create("core.uom", {"name": "Unit", "precision": 0})
        widget = ctx.create("core.product", {"name": "Widget", "uom_id": unit["id"]})
        vendor = ctx.create("inventory.location", {"name": "Vendors", "usage": "supplier"})
        shelf = ctx.create("inventory.location", {"name": "Shelf", "usage": "internal"})
        ctx.move({"product_id": widget["id"], "quantity": 5, "unit_cost": "12.50",
                  "location_id": vendor["id"], "location_dest_id": shelf["id"], "date": "2026-01-16"})

        for q in ctx.quants(product_id=widget["id"]):
            print("on hand at Shelf:", q["on_hand"])
        for a in ctx.trial_balance()["accounts"]:
            print("%-6s %-10s %10s %10s" % (a["code"], a["name"], a["debit"], a["credit"]))
