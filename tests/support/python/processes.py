"""Processes a test kills: becoming their reaper, their children, waiting until they are gone (Linux /proc).

Python 3 standard library only; shared by tests/crash and tests/faults
(their run.py puts tests/support/python on sys.path), not run alone.
"""

import ctypes
import os
import time

PR_SET_CHILD_SUBREAPER = 36


def become_subreaper():
    """Makes this process the reaper of its orphaned descendants (Linux).

    A daemon a script starts (the postmaster pg_ctl starts) is an orphan;
    killed, it would stay a zombie (its pid still "alive" to the next
    postmaster's lock-file check) when PID 1 does not reap, as in some
    containers. As the subreaper, this process can reap it itself (reap())."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def proc_stat(pid):
    """(state, ppid) of a process, or None when it is gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            text = f.read()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = text[text.rindex(")") + 2:].split()
    return fields[0], int(fields[1])


def is_zombie(pid):
    st = proc_stat(pid)
    return st is not None and st[0] == "Z"


def children(pid):
    """The live (not zombie) children of a process."""
    out = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            st = proc_stat(int(name))
            if st and st[1] == pid and st[0] != "Z":
                out.append(int(name))
    return out


def reap(pids, timeout):
    """Waits until every pid is gone (reaping those that are our children);
    returns the set of those still there after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    left = set(pids)
    while left and time.monotonic() < deadline:
        for pid in list(left):
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
                if done == pid:
                    left.discard(pid)
                    continue
            except ChildProcessError:
                pass
            st = proc_stat(pid)
            if st is None or st[0] == "Z":  # a zombie is dead, whoever reaps it
                left.discard(pid)
        if left:
            time.sleep(0.01)
    return left
