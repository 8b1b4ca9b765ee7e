"""Waiting for a condition in a test, with a deadline.

Python 3 standard library only; shared by tests/crash and tests/faults
(their run.py puts tests/support/python on sys.path), not run alone.
"""

import time


def wait_until(predicate, timeout, what, step=0.1):
    """Calls predicate every `step` seconds until it returns a true value (returned);
    raises AssertionError naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        last = predicate()
        if last:
            return last
        if time.monotonic() >= deadline:
            raise AssertionError("%s: not within %.0f s (last: %r)" % (what, timeout, last))
        time.sleep(step)
