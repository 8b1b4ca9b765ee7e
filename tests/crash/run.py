#!/usr/bin/env python3
"""Crash consistency of erp-server and its store.

    ERP_SERVER_BIN=build/erp-server python3 tests/crash/run.py sqlite|postgresql

(CTest: `ctest -L crash`, tests crash_sqlite and crash_postgresql.)

Four client threads post journal entries (alone, and in batches posted all
or none) and stock moves (receipts and deliveries of a FIFO and an
average-cost product, each valued and posted to the ledger) over HTTP,
each request with its own Idempotency-Key (load.py). At a random moment
of the load something is killed with SIGKILL: erp-server, or (postgresql)
the PostgreSQL server itself, or both.
Then PostgreSQL restarts (crash recovery), `erp-server --verify` checks the
store as the crash left it (erp_store_verify: hash chains, balances = sum
of lines, on hand = sum of moves, value = sum of layers...), erp-server
restarts on the same store (or, when only PostgreSQL died, the running one
must serve again), and audit.py checks over HTTP that every acknowledged
request is there once and reads back as acknowledged, that every request
left unknown, sent again with its key, gives exactly one entry or move (the
one that had committed, or a new one), that no entry or move is
half-written, and that the trial balance, the stock valuation and the
quants equal the sums of what exists. Several rounds on one store; a clean
SIGTERM stop and a last verify at the end, and then the proof that the
verifier can fail: a copy of the store with one journal line deleted by
hand must be refused (tamper.py).

SQLite: the store is a file in WAL mode; a killed process loses nothing
committed. PostgreSQL: the test makes its own cluster with
scripts/pg-start.sh (tests/support/python/pgcluster.py) and never touches
the one at ERP_TEST_PG_URL, which only tells that PostgreSQL is installed;
unset, the postgresql run exits 77 (skipped).

Environment:
  ERP_SERVER_BIN       the erp-server binary (CTest passes it)
  ERP_TEST_SEED        replays a run: the same requests, kinds of crash and
                       delays (the threads' interleaving still varies)
  ERP_CRASH_ROUNDS     crashes per run (default 6)
  ERP_TEST_REDIS_URL   when set, erp-server uses that Redis as its cache
  ERP_CRASH_PG_SYNCHRONOUS_COMMIT  off (default) or on, the cluster's
                       synchronous_commit. liberp runs its writes with
                       synchronous_commit on whatever the server says (the
                       store's default durable mode), so even with the
                       cluster's default off no acknowledged commit may be
                       lost when PostgreSQL is killed

Exit status: 0 every check passed, 1 a check failed, 77 skipped.
"""

import os
import random
import secrets
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "server"))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "support", "python"))
sys.path.insert(0, HERE)

import api  # noqa: E402
import audit  # noqa: E402
import erpserver  # noqa: E402
import load  # noqa: E402
import pgcluster  # noqa: E402
import store_verify  # noqa: E402
import tamper  # noqa: E402
import waiting  # noqa: E402

WORKERS = 4
MIN_ACKS_BEFORE_KILL = 5
WAIT_LIMIT = 60.0


def log(text):
    sys.stderr.write("crash: %s\n" % text)
    sys.stderr.flush()


def plan(rng, kind, rounds):
    """What each round kills: erp-server; on PostgreSQL also PostgreSQL alone, or both."""
    if kind == "sqlite":
        return ["server"] * rounds
    kinds = (["server", "postgres", "both"] * rounds)[:rounds]
    rng.shuffle(kinds)
    return kinds


def acknowledged(book):
    with book.lock:
        return sum(1 for r in book.requests if r.status == "ack")


def start_server(url):
    return erpserver.Server(url, env={"ALLOW_SIGNUP": "1"}).start()


def wal_size(url):
    path = url[len("sqlite:"):] + "-wal"
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


class Run:
    """One run: a store, its erp-server, the load and a crash per round, the audits."""

    def __init__(self, kind, seed, rounds):
        self.kind = kind
        self.seed = seed
        self.rng = random.Random(seed)
        self.rounds = rounds
        self.problems = []
        self.cluster = None
        self.database = None
        self.server = None

    def open_store(self):
        if self.kind == "sqlite":
            self.database = erpserver.Database("sqlite")
            return self.database.url
        t0 = time.monotonic()
        self.cluster = pgcluster.Cluster(os.environ.get("ERP_CRASH_PG_SYNCHRONOUS_COMMIT") or "off",
                                         prefix="erpcr.")
        log("own PostgreSQL cluster in %s (synchronous_commit=%s), started in %.1fs" % (
            self.cluster.dir, self.cluster.synchronous_commit, time.monotonic() - t0))
        return self.cluster.url

    def close(self):
        if self.server:
            self.server.kill()
        if self.cluster:
            self.cluster.remove()
        if self.database:
            self.database.drop()

    def verify(self, url, label):
        passed, report, took = store_verify.verify_store(url)
        if not passed:
            self.problems.append("%s: erp-server --verify failed:\n%s" % (label, report))
        return took

    def prove_verifier_fails(self, url):
        """--verify must refuse a copy of the store with a journal line deleted by hand (tamper.py)."""
        if self.kind == "sqlite":
            copy = tamper.sqlite_copy_without_a_line(url, self.database.tmp)
        else:
            copy = tamper.postgres_copy_without_a_line(self.cluster)
        passed, report, took = store_verify.verify_store(copy)
        if passed or not tamper.ledger_check_failed(report):
            self.problems.append("erp-server --verify did not refuse a copy of the store with a journal line "
                                 "deleted by hand:\n" + report)
        return took

    def round(self, i, kind, url, book, token):
        label = "r%d" % i
        before = acknowledged(book)
        ld = load.Load(self.server.port, token, book, self.rng, label, WORKERS).start()
        delay = self.rng.uniform(0.05, 0.8)
        pg_down = self.rng.uniform(0.1, 0.5)
        server_first = self.rng.random() < 0.5
        t0 = time.monotonic()
        waiting.wait_until(lambda: acknowledged(book) - before >= MIN_ACKS_BEFORE_KILL or book.failures,
                           WAIT_LIMIT, "the first acknowledgements of %s" % label, step=0.01)
        time.sleep(delay)
        note = ""
        if kind == "server" or (kind == "both" and server_first):
            wal = wal_size(url) if self.kind == "sqlite" else 0
            self.server.kill()  # SIGKILL
            note += "erp-server killed" + (" (WAL %d bytes)" % wal if self.kind == "sqlite" else "")
        if kind in ("postgres", "both"):
            n = self.cluster.kill()
            note += ("; " if note else "") + "PostgreSQL killed (%d processes)" % n
        if kind == "both" and not server_first:
            self.server.kill()
            note += "; erp-server killed"
        if kind == "postgres":
            # The server lives on: requests fail (and are sent again) until PostgreSQL is back.
            time.sleep(pg_down)
            self.cluster.start()
            mark = acknowledged(book)
            waiting.wait_until(lambda: acknowledged(book) - mark >= MIN_ACKS_BEFORE_KILL or book.failures,
                               WAIT_LIMIT, "erp-server to post again after PostgreSQL restarted", step=0.01)
            note += ", restarted; erp-server posts again"
        if not ld.stop():
            raise AssertionError("%s: a load thread did not stop" % label)
        loaded = time.monotonic() - t0
        if kind == "both":
            self.cluster.start()
        unknown = len(book.unknown())
        retried = sum(1 for r in book.requests if r.status == "ack" and r.attempts > 1 and ("-%s-" % label) in r.key)
        verify_s = self.verify(url, label)
        t1 = time.monotonic()
        if not self.server.alive():
            self.server = start_server(url)
        client = erpserver.Client(self.server.port, token)
        try:
            au = audit.Audit(client, book)
            n_entries, n_moves = au.run(label)
        finally:
            client.close()
        self.problems.extend(au.problems)
        self.problems.extend(book.failures)
        del book.failures[:]
        log("%s: %s after %.2fs of load; %d acknowledged (%d after retries), %d unknown (%d had committed, "
            "%d had not); verify %.2fs, restart+audit %.2fs; store: %d entries, %d moves%s" % (
                label, note, loaded, acknowledged(book) - before - unknown, retried, unknown,
                au.stats["committed_unacknowledged"], au.stats["never_committed"], verify_s,
                time.monotonic() - t1, n_entries, n_moves, "" if not au.problems else
                " -- %d PROBLEMS" % len(au.problems)))

    def main(self):
        t_start = time.monotonic()
        url = self.open_store()
        self.server = start_server(url)
        tenant = api.Tenant(self.server)
        book = load.Book(self.seed, api.Books(tenant), api.StockWorld(tenant))
        token = tenant.admin.token
        tenant.admin.close()
        kinds = plan(self.rng, self.kind, self.rounds)
        log("%d rounds: %s" % (self.rounds, ", ".join(kinds)))
        for i, kind in enumerate(kinds):
            self.round(i, kind, url, book, token)
        try:
            self.server.finish()
        except AssertionError as e:
            self.problems.append("the last clean stop: %s" % e)
        self.server = None
        took = self.verify(url, "at the end")
        refused = self.prove_verifier_fails(url)
        n = len(book.requests)
        log("%d requests in all (%d sent more than once); final verify %.2fs; a copy with a line deleted "
            "by hand refused in %.2fs; total %.1fs" % (
                n, sum(1 for r in book.requests if r.attempts > 1), took, refused, time.monotonic() - t_start))


def main(argv):
    kind = argv[0] if argv else erpserver.backend()
    if kind not in ("sqlite", "postgresql"):
        sys.stderr.write("usage: run.py sqlite|postgresql\n")
        return 2
    if kind == "postgresql" and not erpserver.pg_url():
        log("ERP_TEST_PG_URL is not set: skipping the PostgreSQL crash run")
        return erpserver.SKIP
    binary = erpserver.server_bin()
    if not binary or not os.access(binary, os.X_OK):
        log("no erp-server binary (set ERP_SERVER_BIN)")
        return 2
    seed = int(os.environ.get("ERP_TEST_SEED") or secrets.randbits(32))
    rounds = int(os.environ.get("ERP_CRASH_ROUNDS") or 6)
    log("%s on %s, cache %s, seed %d (ERP_TEST_SEED=%d replays it)" % (
        binary, kind, "redis" if erpserver.redis_url() else "mem", seed, seed))
    run = Run(kind, seed, rounds)
    try:
        run.main()
    finally:
        run.close()
    if run.problems:
        log("FAILED, seed %d: %d problems:" % (seed, len(run.problems)))
        for p in run.problems[:50]:
            sys.stderr.write("  - %s\n" % p)
        return 1
    log("passed, seed %d" % seed)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
