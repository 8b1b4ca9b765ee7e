"""The checks of the crash test over HTTP after each crash (run.py first runs
the store's own verifier, tests/support/python/store_verify.py): that what
the server acknowledged is there exactly once, that every request left
unknown resolves to exactly one entry or move (a batch to all its entries)
when sent again with its Idempotency-Key, that nothing is half-written (an
entry, a move and its valuation entry, a batch of entries posted all or
none), and that the reports equal the sums computed here from what exists.

Python 3 standard library only; imported by tests/crash/run.py, not run alone.
Every check appends a sentence to a list of problems instead of stopping,
so that one run tells everything that went wrong.
"""

import decimal

import api
import load

D = decimal.Decimal


def _dec(v):
    return D(v) if v is not None else D(0)


def _lines(lines):
    """Journal lines as a sorted list of (account, debit, credit), to compare."""
    return sorted((l["account_id"], _dec(l.get("debit")), _dec(l.get("credit"))) for l in lines)


class Audit:
    """One pass of the checks over a live server (a Client with the admin's token)."""

    def __init__(self, client, book):
        self.c = client
        self.book = book
        self.books = book.books
        self.world = book.world
        self.problems = []
        self.stats = {"committed_unacknowledged": 0, "never_committed": 0, "read_back": 0}

    def problem(self, text):
        self.problems.append(text)

    def get(self, path):
        r = self.c.get(path)
        if r.status != 200:
            raise AssertionError("GET %s: %r" % (path, r))
        return r.json

    def pages(self, path, items_key, **params):
        out, cursor = [], None
        while True:
            page = self.get(api.query(path, limit=1000, cursor=cursor, **params))
            out.extend(page[items_key])
            cursor = page.get("next_cursor")
            if not cursor:
                return out

    # ---- what exists ----

    def entries(self):
        """Every posted entry (list items, without lines)."""
        return self.pages(api.JOURNAL, "items")

    def moves(self):
        return self.pages(api.MOVES, "items")

    def lines(self, account_ids):
        """Every journal line on these accounts, from the general ledger, as {entry_id: [line]}."""
        by_entry = {}
        for acc in account_ids:
            for line in self.pages(api.GENERAL_LEDGER, "lines", account_id=acc):
                line = dict(line, account_id=acc)
                by_entry.setdefault(line["entry_id"], []).append(line)
        return by_entry

    # ---- the checks ----

    def present_exactly_once(self, label):
        """Each acknowledged request exists once with its ids; an unknown one at most once, and
        a batch whole or not at all. Returns {key: ids} of the unknown requests that had committed."""
        gen = {}
        for e in self.entries():
            if e["journal_id"] == self.books.journal:
                gen.setdefault(e.get("reference"), []).append(e["id"])
        mv = {}
        for m in self.moves():
            mv.setdefault(m.get("reference"), []).append(m["id"])
        committed = {}
        refs = set()
        for req in self.book.by_kind("entry", "batch", "receipt", "delivery"):
            wanted = [ref for ref, _ in req.entries()] or [req.key]
            index = mv if req.kind in ("receipt", "delivery") else gen
            refs.update(wanted)
            found = [index.get(ref, []) for ref in wanted]
            for ref, ids in zip(wanted, found):
                if len(ids) > 1:
                    self.problem("%s: %s %s exists %d times: %s" % (label, req.kind, ref, len(ids), ids))
            present = [ids[0] for ids in found if ids]
            if req.status == "ack":
                for ref, ids, want in zip(wanted, found, req.ids):
                    if not ids:
                        self.problem("%s: acknowledged %s %s (id %s) is missing" % (label, req.kind, ref, want))
                    elif want not in ids:
                        self.problem("%s: acknowledged %s %s has id %s, the store %s" % (label, req.kind, ref,
                                                                                       want, ids))
            elif present:
                if len(present) != len(wanted):
                    self.problem("%s: batch %s is half there: %d of its %d entries" % (label, req.key, len(present),
                                                                                       len(wanted)))
                committed[req.key] = present
        for ref, ids in list(gen.items()) + list(mv.items()):
            if ref not in refs:
                self.problem("%s: %s exists but no request made it (reference %r)" % (label, ids, ref))
        return committed

    def resend_unknown(self, label, committed):
        """Sends every unknown request again with its key: one answer, the earlier ids if it had committed."""
        for req in self.book.unknown():
            r = self.c.post(req.path, req.body, headers={"Idempotency-Key": req.key})
            req.attempts += 1
            ids = load.Request.ids_of(req.kind, r.json)
            if not 200 <= r.status < 300 or ids is None:
                self.problem("%s: resending %s %s: %r" % (label, req.kind, req.key, r))
                continue
            earlier = committed.get(req.key)
            if earlier is not None:
                self.stats["committed_unacknowledged"] += 1
                if ids != earlier:
                    self.problem("%s: resent %s %s made %s beside the committed %s" % (label, req.kind, req.key,
                                                                                      ids, earlier))
            else:
                self.stats["never_committed"] += 1
            self.book.acknowledged(req, r.json)

    def read_back_entry(self, label, req, ref, body, eid):
        path = "%s/%s" % (api.JOURNAL, eid)
        r = self.c.get(path)
        if r.status != 200:
            self.problem("%s: acknowledged %s %s: GET %s: %r" % (label, req.kind, ref, path, r))
            return
        got = r.json
        fields = [("id", eid), ("reference", ref), ("date", body["date"]), ("journal_id", body["journal_id"])]
        if req.kind == "entry":
            fields += [(f, req.answer.get(f)) for f in ("idempotency_key", "hash", "seq")]
        for field, want in fields:
            if got.get(field) != want:
                self.problem("%s: %s %s: %s reads %r, was acknowledged as %r" % (label, req.kind, ref, field,
                                                                                got.get(field), want))
        if _lines(body["lines"]) != _lines(got["lines"]):
            self.problem("%s: entry %s: lines %s, sent %s" % (label, ref, _lines(got["lines"]), _lines(body["lines"])))

    def read_back_move(self, label, req):
        path = "%s/%s" % (api.MOVES, req.ids[0])
        r = self.c.get(path)
        if r.status != 200:
            self.problem("%s: acknowledged %s %s: GET %s: %r" % (label, req.kind, req.key, path, r))
            return
        got = r.json
        for field in ("id", "reference", "quantity", "value", "entry_id", "product_id"):
            if got.get(field) != req.answer.get(field):
                self.problem("%s: %s %s: %s reads %r, was acknowledged as %r" % (
                    label, req.kind, req.key, field, got.get(field), req.answer.get(field)))
        for field in ("product_id", "location_id", "location_dest_id", "quantity"):
            g, s = str(got[field]), str(req.body[field])
            if (D(g) != D(s)) if field == "quantity" else g != s:
                self.problem("%s: move %s: %s %r, sent %r" % (label, req.key, field, g, s))

    def read_back(self, label):
        """GET by id of every request acknowledged since the last audit: it reads as acknowledged."""
        for req in self.book.by_kind("entry", "batch", "receipt", "delivery"):
            if req.status != "ack" or req.read_back:
                continue
            if req.kind in ("receipt", "delivery"):
                self.read_back_move(label, req)
            else:
                for (ref, body), eid in zip(req.entries(), req.ids):
                    self.read_back_entry(label, req, ref, body, eid)
            req.read_back = True
            self.stats["read_back"] += 1

    def consistent(self, label):
        """Nothing half-written, and every report equals the sums of what exists."""
        b, w = self.books, self.world
        accounts = [b.cash, b.receivable, b.revenue, b.expense, w.valuation, w.input, w.output]
        entries = {e["id"]: e for e in self.entries()}
        moves = self.moves()
        lines = self.lines(accounts)
        bodies = {ref: body for r in self.book.by_kind("entry", "batch") for ref, body in r.entries()}
        reqs = {r.key: r for r in self.book.by_kind("receipt", "delivery")}

        # Every entry whole: two lines or more, balanced; no line without its entry.
        for eid, e in entries.items():
            ls = lines.get(eid, [])
            debit = sum(_dec(l["debit"]) for l in ls)
            credit = sum(_dec(l["credit"]) for l in ls)
            if len(ls) < 2 or debit != credit or debit == 0:
                self.problem("%s: entry %s (%s) is not whole: %d lines, debit %s, credit %s" % (
                    label, eid, e.get("reference"), len(ls), debit, credit))
            body = bodies.get(e.get("reference")) if e["journal_id"] == b.journal else None
            if body and _lines(body["lines"]) != _lines(ls):
                self.problem("%s: entry %s has lines %s, the request %s" % (label, e.get("reference"), _lines(ls),
                                                                           _lines(body["lines"])))
        for eid in lines:
            if eid not in entries:
                self.problem("%s: lines of entry %s, which is not listed" % (label, eid))

        # Every move whole: its valuation entry, with the move's value, on the right accounts.
        stock_entries = {eid for eid, e in entries.items() if e["journal_id"] == w.journal}
        move_entries = set()
        qty = {w.fifo: D(0), w.average: D(0)}
        value = {w.fifo: D(0), w.average: D(0)}
        for m in moves:
            req = reqs.get(m.get("reference"))
            v = D(m["value"])
            q = D(str(m["quantity"]))
            inbound = m["location_dest_id"] == w.stock
            if req is not None:
                if req.kind == "receipt":
                    want = q * D(req.body["unit_cost"])
                    if not inbound or v != want:
                        self.problem("%s: receipt %s valued %s, %s x %s sent" % (label, req.key, v, q,
                                                                                req.body["unit_cost"]))
                elif inbound or v >= 0:
                    self.problem("%s: delivery %s valued %s" % (label, req.key, v))
            qty[m["product_id"]] += q if inbound else -q
            value[m["product_id"]] += v
            eid = m.get("entry_id")
            if v != 0 and not eid:
                self.problem("%s: move %s (value %s) has no entry" % (label, m["id"], v))
                continue
            if not eid:
                continue
            move_entries.add(eid)
            ls = lines.get(eid, [])
            stock_side = w.valuation
            other = w.input if inbound else w.output
            want = sorted([(stock_side, v if v > 0 else D(0), -v if v < 0 else D(0)),
                           (other, -v if v < 0 else D(0), v if v > 0 else D(0))])
            have = _lines(ls)
            if have != want:
                self.problem("%s: move %s (%s, value %s): entry %s has lines %s" % (label, m["id"],
                                                                                   m.get("reference"), v, eid, have))
        if stock_entries != move_entries:
            self.problem("%s: stock entries without a move %s; moves' entries not posted %s" % (
                label, sorted(stock_entries - move_entries), sorted(move_entries - stock_entries)))

        # Quantities from the requests themselves (every one is acknowledged by now).
        want_qty = {w.fifo: D(0), w.average: D(0)}
        for r in self.book.by_kind("receipt", "delivery"):
            n = D(str(r.body["quantity"]))
            want_qty[r.body["product_id"]] += n if r.kind == "receipt" else -n
        for p in qty:
            if qty[p] != want_qty[p] or qty[p] < 0:
                self.problem("%s: product %s: moves sum to %s, requests to %s" % (label, p, qty[p], want_qty[p]))

        # The trial balance equals the lines, and the lines the requests and the moves.
        sums = {a: [D(0), D(0)] for a in accounts}
        for ls in lines.values():
            for l in ls:
                sums[l["account_id"]][0] += _dec(l["debit"])
                sums[l["account_id"]][1] += _dec(l["credit"])
        expected = {a: [D(0), D(0)] for a in accounts}
        for body in bodies.values():
            for l in body["lines"]:
                expected[l["account_id"]][0] += _dec(l.get("debit"))
                expected[l["account_id"]][1] += _dec(l.get("credit"))
        for m in moves:
            v = D(m["value"])
            inbound = m["location_dest_id"] == w.stock
            other = w.input if inbound else w.output
            expected[w.valuation][0 if v > 0 else 1] += abs(v)
            expected[other][1 if v > 0 else 0] += abs(v)
        tb = self.get(api.TRIAL_BALANCE)
        seen = set()
        for row in tb["accounts"]:
            a = row["account_id"]
            seen.add(a)
            got = [_dec(row["debit"]), _dec(row["credit"])]
            if a not in sums:
                self.problem("%s: trial balance has account %s that nothing posted to" % (label, a))
            elif got != sums[a] or got != expected[a]:
                self.problem("%s: trial balance of %s: %s; its lines %s; the requests and moves %s" % (
                    label, a, got, sums[a], expected[a]))
        for a in accounts:
            if a not in seen and sums[a] != [0, 0]:
                self.problem("%s: account %s has lines %s but no trial balance row" % (label, a, sums[a]))
        for t in tb["totals"]:
            if _dec(t["debit"]) != _dec(t["credit"]):
                self.problem("%s: trial balance totals differ: %s" % (label, t))

        # The stock valuation equals the moves, and the valuation account the stock's value.
        val = self.get(api.STOCK_VALUATION)
        reported = {p["product_id"]: p for p in val["products"]}
        for p in qty:
            row = reported.get(p, {"quantity": "0", "value": "0"})
            if D(str(row["quantity"])) != qty[p] or D(row["value"]) != value[p]:
                self.problem("%s: valuation of %s: %s / %s; the moves %s / %s" % (
                    label, p, row["quantity"], row["value"], qty[p], value[p]))
        stock_value = sums[w.valuation][0] - sums[w.valuation][1]
        if stock_value != value[w.fifo] + value[w.average]:
            self.problem("%s: stock valuation account %s, the stock's value %s" % (
                label, stock_value, value[w.fifo] + value[w.average]))
        for qt in self.get(api.query(api.QUANTS, location_id=w.stock)):
            if D(str(qt["on_hand"])) != qty.get(qt["product_id"], D(0)):
                self.problem("%s: quant of %s on hand %s, the moves %s" % (label, qt["product_id"], qt["on_hand"],
                                                                          qty.get(qt["product_id"])))
        return len(entries), len(moves)

    def run(self, label):
        """Every check, in order; returns (entries, moves) counted at the end."""
        committed = self.present_exactly_once(label + " before resending")
        self.resend_unknown(label, committed)
        self.present_exactly_once(label + " after resending")
        self.read_back(label)
        return self.consistent(label)
