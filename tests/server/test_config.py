"""erp-server refuses a bad configuration before it opens anything."""

import os
import subprocess
import tempfile
import unittest

import erpserver


def run_server(env=None, args=None, timeout=60):
    """Runs erp-server to its end; returns (exit status, stderr)."""
    tmp = tempfile.mkdtemp(prefix="erp-srv-cfg-")
    base = {k: v for k, v in os.environ.items() if k not in erpserver.Server.CONFIG_VARS}
    # A database that must not be created when the configuration is refused.
    base["DATABASE_URL"] = "sqlite:%s/never.db" % tmp
    base.update(env or {})
    r = subprocess.run(erpserver.server_command(args or []), env=base, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    created = os.listdir(tmp)
    os.rmdir(tmp) if not created else None
    return r.returncode, r.stderr.decode("utf-8", "replace"), created


class TestBadConfig(unittest.TestCase):
    def refused(self, name, env=None, args=None):
        rc, err, created = run_server(env, args)
        self.assertEqual(rc, 2, "exit status for %s %s: %s" % (env, args, err))
        self.assertIn(name, err, "stderr must name %s" % name)
        self.assertIn("erp-server: %s:" % name, err)
        self.assertEqual(created, [], "the store was opened in spite of the bad configuration")

    def test_port_not_a_number(self):
        self.refused("PORT", {"PORT": "abc"})

    def test_port_out_of_range(self):
        self.refused("PORT", {"PORT": "70000"})

    def test_flag_names_itself(self):
        self.refused("--port", args=["--port", "abc"])

    def test_flag_wins_but_is_checked(self):
        # A good environment value and a bad flag: the flag is named.
        self.refused("--rate-limit-max", {"RATE_LIMIT_MAX": "10"}, ["--rate-limit-max", "-3"])

    def test_other_variables(self):
        cases = [
            ("LOG_LEVEL", "loud"),
            ("RATE_LIMIT_TTL", "0"),
            ("RATE_LIMIT_MAX", "many"),
            ("BODY_LIMIT", "0"),
            ("THREADS", "0"),
            ("POOL_SIZE", "x"),
            ("ALLOWED_ORIGINS", "ftp//nowhere"),
            ("BIND_ADDRESS", "not-an-address"),
            ("ALLOW_SIGNUP", "perhaps"),
            ("SESSION_IDLE_TIMEOUT", "0"),
            ("SESSION_IDLE_TIMEOUT", "10s"),
            ("DURABILITY", "fast"),
        ]
        for name, value in cases:
            with self.subTest(name=name, value=value):
                self.refused(name, {name: value})

    def test_unknown_flag(self):
        rc, err, created = run_server(args=["--no-such-flag"])
        self.assertEqual(rc, 2, err)
        self.assertIn("--no-such-flag", err)
        self.assertEqual(created, [])

    def test_unreachable_database_ends_the_process(self):
        # Nothing listens on port 1: the server must exit non-zero, not hang or serve.
        rc, err, _ = run_server({"DATABASE_URL": "postgresql://nobody:x@127.0.0.1:1/none?connect_timeout=5"},
                                ["--port", "0"])
        self.assertNotEqual(rc, 0, err)
        self.assertTrue(err.strip(), "no message on stderr")

    def test_verify_of_a_store_that_does_not_exist_creates_nothing(self):
        # Checking a store never changes it, and a SQLite file that is not there is not made.
        rc, err, created = run_server(args=["--verify"])
        self.assertEqual(rc, 1, err)
        self.assertIn("never.db", err, "stderr must name the file")
        self.assertEqual(created, [], "--verify created %s" % created)


if __name__ == "__main__":
    unittest.main()
