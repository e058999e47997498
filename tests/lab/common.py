"""What the lab tests that drive the data plane share (data-plane, end-to-end and playbook tests):
whether this machine can run them, waiting for a state, pinging inside a lab namespace, and
whether a process still lives."""
from __future__ import annotations

import os
import time
from shutil import which
from typing import Callable, Sequence, TypeVar

from mci_lab.dataplane import netns
from mci_lab.dataplane.daemons import missing_binaries

T = TypeVar("T")


def dataplane_skip_reason(tools: Sequence[str] = ()) -> str | None:
    """None when we are root and have the lab binaries (and ``tools``), else why not."""
    if os.geteuid() != 0:
        return "the lab's data plane needs root (network namespaces)"
    missing = missing_binaries() + [tool for tool in tools if which(tool) is None]
    if missing:
        return f"lab binaries missing: {', '.join(missing)} (see bindep.txt)"
    return None


def wait_until(predicate: Callable[[], T], timeout: float, what: str = "condition", interval: float = 0.25) -> T:
    """Poll ``predicate`` until it returns something truthy and return that; fail with ``what``
    (and the last value seen) after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        last = predicate()
        if last:
            return last
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout:g}s waiting for {what}; last value: {last!r}")
        time.sleep(interval)


def ping(namespace: str, address: str, count: int = 3, wait: float = 1.0) -> bool:
    """True when every echo of ``count`` is answered (run inside a lab namespace only)."""
    result = netns.netns_exec(namespace, ["ping", "-n", "-q", "-c", str(count), "-i", "0.2", "-W", str(wait), address],
                              check=False, timeout=count * (wait + 0.5) + 5)
    return result.returncode == 0


def alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (FileNotFoundError, IndexError):
        return False
