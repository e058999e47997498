"""Helpers shared by the data-plane tests (imported by name: this directory is on sys.path)."""
from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path
from typing import Callable

from mci_lab.dataplane.daemons import missing_binaries

ROOT = Path(__file__).resolve().parents[3]


def dataplane_skip_reason() -> str | None:
    if os.geteuid() != 0:
        return "the data plane needs root (network namespaces)"
    missing = missing_binaries()
    if missing:
        return f"lab binaries missing: {', '.join(missing)} (see bindep.txt)"
    return None


def wait_until(predicate: Callable[[], object], timeout: float, interval: float = 0.2, what: str = "condition") -> object:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def ping(namespace: str, address: str, count: int = 3, timeout: float = 1.0) -> bool:
    result = subprocess.run(
        ["ip", "netns", "exec", namespace, "ping", "-n", "-q", "-c", str(count), "-i", "0.2", "-W", str(timeout), address],
        capture_output=True, text=True, check=False)
    return result.returncode == 0
