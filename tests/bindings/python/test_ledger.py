"""Posting (JSON entry and JSON batch), reversal, balances, trial balance."""
import unittest
from decimal import Decimal

from support import StoreTest, entry


class LedgerTest(StoreTest):
    def test_post_and_balances(self):
        posted = self.ctx.post(entry(self.fx, Decimal("1000.00"), memo="capital", idempotency_key="k1"))
        self.assertEqual([l["debit"] for l in posted["lines"]], [Decimal("1000.00"), Decimal("0.00")])
        again = self.ctx.post(entry(self.fx, Decimal("1000.00"), memo="capital", idempotency_key="k1"))
        self.assertEqual(again["id"], posted["id"])  # idempotent
        self.assertEqual(self.ctx.journal_entry(posted["id"])["memo"], "capital")
        bal = self.ctx.account_balance(self.fx["bank"])
        self.assertEqual(bal["balances"], [{"currency": "EUR", "debit": Decimal("1000.00"),
                                            "credit": Decimal("0.00"), "balance": Decimal("1000.00")}])

    def test_amounts_as_int_str_decimal(self):
        self.ctx.post(entry(self.fx, 10))
        self.ctx.post(entry(self.fx, "0.25"))
        self.ctx.post(entry(self.fx, Decimal("5.5")))
        self.assertEqual(self.ctx.account_balance(self.fx["bank"])["balances"][0]["balance"],
                         Decimal("15.75"))

    def test_batch_all_or_none_and_trial_balance(self):
        ids = self.ctx.post_batch([entry(self.fx, "100.00"),
                                   entry(self.fx, "40.00", debit="bank", credit="sales", date="2026-02-01")])
        self.assertEqual(len(ids), 2)
        tb = self.ctx.trial_balance()
        self.assertEqual(tb["totals"], [{"currency": "EUR", "debit": Decimal("140.00"),
                                         "credit": Decimal("140.00")}])
        by_code = {a["code"]: a for a in tb["accounts"]}
        self.assertEqual(by_code["512"]["balance"], Decimal("140.00"))
        self.assertEqual(self.ctx.trial_balance("2026-01-31")["totals"][0]["debit"], Decimal("100.00"))
        gl = self.ctx.general_ledger(self.fx["bank"], limit=10)
        self.assertEqual([l["balance"] for l in gl["lines"]], [Decimal("100.00"), Decimal("140.00")])
        listed = self.ctx.journal_entries(limit=10)
        self.assertEqual(len(listed["items"]), 2)

    def test_reverse_and_lock_date(self):
        posted = self.ctx.post(entry(self.fx, "70.00"))
        rid = self.ctx.reverse(posted["id"], "2026-01-20")
        self.assertEqual(self.ctx.journal_entry(rid)["reversal_of"], posted["id"])
        self.assertEqual(self.ctx.account_balance(self.fx["bank"])["balances"][0]["balance"], Decimal("0.00"))
        self.assertIsNone(self.ctx.lock_date())
        self.ctx.set_lock_date("2026-01-31")
        self.assertEqual(self.ctx.lock_date(), "2026-01-31")
        self.ctx.set_lock_date(None)
        self.assertIsNone(self.ctx.lock_date())


if __name__ == "__main__":
    unittest.main()
