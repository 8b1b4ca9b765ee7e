"""The load of the crash test: client threads posting journal entries (alone
and in batches) and stock moves (receipts and deliveries, valued and
posted) to erp-server over HTTP, each request with its own
Idempotency-Key, and the book of what the server acknowledged.

Python 3 standard library only; imported by tests/crash/run.py, not run alone.

Every request is kept (Request): its body, its key, and whether the server
acknowledged it (2xx with the id; a batch of entries, posted all or none,
gives their ids) or its outcome is unknown (the connection broke, timed
out, or the server answered 5xx: it may have committed). A worker that gets
no answer while the server lives sends the same request again with the same
key, as a real client would; once told to stop it leaves the request
unknown for the audit (audit.py) to resend.

Deliveries never ask for more than the acknowledged receipts less every
delivery attempted (Book.budget), so that stock suffices whatever the
unknown requests did, and any 4xx answer is a failure of the test.
"""

import decimal
import http.client
import random
import threading
import time

import api  # tests/server/api.py and erpserver.py: run.py puts tests/server on sys.path
import erpserver

D = decimal.Decimal
CENT = D("0.01")
MOVE_DATE = "2026-03-10"
REQUEST_TIMEOUT = 15.0


class Request:
    """One POST and what became of it."""

    __slots__ = ("kind", "key", "path", "body", "status", "ids", "answer", "attempts", "read_back")

    def __init__(self, kind, key, path, body):
        self.kind = kind          # "entry", "batch" (of entries, all or none), "receipt" or "delivery"
        self.key = key            # the Idempotency-Key, also the body's reference ("KEY/i" in a batch)
        self.path = path
        self.body = body
        self.status = "unknown"   # "ack" once a 2xx answer came
        self.ids = None           # the id of what it made (the entries' ids, in order, for a batch)
        self.answer = None        # the JSON of the 2xx answer
        self.attempts = 0
        self.read_back = False    # GET by id done after it was acknowledged

    @staticmethod
    def ids_of(kind, answer):
        """The ids a 2xx answer gives, or None when it has none."""
        if not isinstance(answer, dict):
            return None
        ids = answer.get("ids") if kind == "batch" else [answer.get("id")]
        if not isinstance(ids, list) or not ids or not all(isinstance(i, str) and i for i in ids):
            return None
        return ids

    def entries(self):
        """The journal entries the request asks for, as (reference, entry body)."""
        if self.kind == "entry":
            return [(self.key, self.body)]
        if self.kind == "batch":
            return [(e["reference"], e) for e in self.body["entries"]]
        return []

    def acknowledge(self, answer):
        self.status = "ack"
        self.answer = answer
        self.ids = self.ids_of(self.kind, answer)


class Book:
    """Every request of the run, and the stock budget of deliveries."""

    def __init__(self, seed, books, world):
        self.seed = seed
        self.books = books
        self.world = world
        self.lock = threading.Lock()
        self.requests = []
        self.budget = {world.fifo: 0, world.average: 0}
        self.failures = []  # unexpected answers (4xx), as text

    def add(self, req):
        with self.lock:
            self.requests.append(req)

    def acknowledged(self, req, answer):
        with self.lock:
            req.acknowledge(answer)
            if req.kind == "receipt":
                self.budget[req.body["product_id"]] += int(req.body["quantity"])

    def take_budget(self, product, want):
        """Up to `want` units of acknowledged stock for a delivery (0: none)."""
        with self.lock:
            n = min(want, self.budget[product])
            self.budget[product] -= n
            return n

    def fail(self, text):
        with self.lock:
            self.failures.append(text)

    def by_kind(self, *kinds):
        with self.lock:
            return [r for r in self.requests if r.kind in kinds]

    def unknown(self):
        with self.lock:
            return [r for r in self.requests if r.status != "ack"]

    # ---- making requests ----

    def _amount(self, rng):
        return (D(rng.randint(1, 99999)) * CENT).quantize(CENT)

    def new_entry(self, rng, key):
        b = self.books
        accounts = [b.cash, b.receivable, b.revenue, b.expense]
        rng.shuffle(accounts)
        total = self._amount(rng)
        lines = [{"account_id": accounts[0], "debit": str(total)}]
        if rng.random() < 0.4 and total > CENT:
            # Three lines: a half-written entry would not balance.
            part = (total * D(rng.randint(1, 99)) / 100).quantize(CENT)
            part = min(max(part, CENT), total - CENT)
            lines += [{"account_id": accounts[1], "credit": str(part)},
                      {"account_id": accounts[2], "credit": str(total - part)}]
        else:
            lines.append({"account_id": accounts[1], "credit": str(total)})
        date = "2026-%02d-%02d" % (rng.randint(1, 6), rng.randint(1, 28))
        body = {"journal_id": b.journal, "date": date, "reference": key, "lines": lines}
        return Request("entry", key, api.JOURNAL, body)

    def new_batch(self, rng, key):
        """2 to 5 entries posted all or none (the server keys entry i "KEY/i")."""
        entries = [self.new_entry(rng, "%s/%d" % (key, i)).body for i in range(rng.randint(2, 5))]
        return Request("batch", key, api.JOURNAL_BATCH, {"entries": entries})

    def new_move(self, rng, key):
        w = self.world
        product = rng.choice([w.fifo, w.average])
        if rng.random() < 0.45:
            qty = self.take_budget(product, rng.randint(1, 8))
            if qty:
                body = w.move(product, qty, w.stock, w.customer, date=MOVE_DATE, reference=key)
                return Request("delivery", key, api.MOVES, body)
        unit_cost = str(self._amount(rng) if rng.random() < 0.5 else D(rng.randint(1, 5000)) * CENT)
        body = w.move(product, rng.randint(1, 12), w.supplier, w.stock, unit_cost=unit_cost, date=MOVE_DATE,
                      reference=key)
        return Request("receipt", key, api.MOVES, body)


def send(client, book, req, stop):
    """Sends `req` until acknowledged, or until `stop` is set (then it stays unknown).
    Returns False after an unexpected answer (4xx)."""
    while True:
        req.attempts += 1
        try:
            resp = client.post(req.path, req.body, headers={"Idempotency-Key": req.key})
        except (OSError, http.client.HTTPException):
            resp = None
        if resp is not None and 200 <= resp.status < 300:
            answer = resp.json
            if Request.ids_of(req.kind, answer) is None:
                book.fail("%s %s: a 2xx answer without its id: %r" % (req.kind, req.key, resp))
                return False
            book.acknowledged(req, answer)
            return True
        if resp is not None and resp.status < 500:
            book.fail("%s %s: unexpected answer %r to %s" % (req.kind, req.key, resp, req.body))
            return False
        if stop.is_set():
            return True
        time.sleep(0.02)


class Load:
    """`workers` threads posting through a server at `port` until stop()."""

    def __init__(self, port, token, book, rng, label, workers=4):
        self.port = port
        self.token = token
        self.book = book
        self.label = label
        self.stop_event = threading.Event()
        # One PRNG per thread, seeded from the round's: the same seed makes the same requests.
        self.seeds = [rng.getrandbits(64) for _ in range(workers)]
        self.threads = []

    def _worker(self, i):
        rng = random.Random(self.seeds[i])
        client = erpserver.Client(self.port, self.token, timeout=REQUEST_TIMEOUT)
        n = 0
        try:
            while not self.stop_event.is_set():
                key = "crash-%d-%s-w%d-%d" % (self.book.seed, self.label, i, n)
                n += 1
                pick = rng.random()
                req = (self.book.new_entry(rng, key) if pick < 0.45 else
                       self.book.new_batch(rng, key) if pick < 0.55 else self.book.new_move(rng, key))
                self.book.add(req)
                if not send(client, self.book, req, self.stop_event):
                    return
        except Exception as e:  # pragma: no cover - a bug of the test itself
            self.book.fail("worker %d: %r" % (i, e))
            raise
        finally:
            client.close()

    def start(self):
        for i in range(len(self.seeds)):
            t = threading.Thread(target=self._worker, args=(i,), name="load-%d" % i, daemon=True)
            t.start()
            self.threads.append(t)
        return self

    def stop(self, timeout=60):
        """Tells the threads to stop and waits for them; False if one is still running."""
        self.stop_event.set()
        for t in self.threads:
            t.join(timeout)
        return not any(t.is_alive() for t in self.threads)
