"""Runs the repository's service scripts (scripts/pg-start.sh, redis-start.sh,
their -stop.sh) for a test that wants a throwaway server of its own.

Python 3 standard library only; shared by tests/crash and tests/faults
(their run.py puts tests/support/python on sys.path), not run alone.
"""

import os
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
SCRIPTS = os.path.join(ROOT, "scripts")


def run_script(name, *args):
    """Runs scripts/NAME ARGS; returns its last stdout line (the URL of a start script)."""
    r = subprocess.run(["bash", os.path.join(SCRIPTS, name)] + list(args), stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=180)
    if r.returncode != 0:
        raise RuntimeError("%s %s failed (%d):\n%s" % (name, " ".join(args), r.returncode, r.stderr[-4000:]))
    lines = r.stdout.strip().splitlines()
    return lines[-1] if lines else ""


def short_tmpdir(prefix):
    """An empty directory under /tmp with a short path (Unix socket paths must stay short)."""
    return tempfile.mkdtemp(prefix=prefix, dir="/tmp")
