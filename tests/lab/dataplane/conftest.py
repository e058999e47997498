"""Fixtures for the data-plane tests: a Realizer with its own namespace prefix, always torn down.

These tests create network namespaces and run charon, BIRD and wireguard-go inside them, so they
need root and the lab's packages (bindep.txt); otherwise they are skipped with the reason.
"""
from __future__ import annotations

import itertools
import os
import sys
from pathlib import Path
from typing import Iterator

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))  # dataplane_topologies

from mci_lab.dataplane import Realizer, daemons, netns, teardown_from_state  # noqa: E402
from tests.lab.common import dataplane_skip_reason  # noqa: E402

_TEST_COUNTER = itertools.count(1)
RUN_PREFIX = f"mci-t{os.getpid()}-"


@pytest.fixture
def lab_prefix() -> str:
    """A namespace prefix unique to this test run and this test: parallel runs never collide."""
    return f"{RUN_PREFIX}{next(_TEST_COUNTER)}-"


@pytest.fixture
def realizer(tmp_path: Path, lab_prefix: str) -> Iterator[Realizer]:
    reason = dataplane_skip_reason()
    if reason:
        pytest.skip(reason)
    state_dir = tmp_path / "state"
    lab = Realizer(state_dir, prefix=lab_prefix, timers="fast")
    try:
        yield lab
    finally:
        try:
            lab.teardown()
        finally:
            teardown_from_state(state_dir)
            _remove_leftovers(lab_prefix)


def _remove_leftovers(prefix: str) -> None:
    """Last resort if teardown itself failed: our own prefix only, processes by PID."""
    for name in netns.list_namespaces(prefix):
        daemons.kill_namespace_processes(name)
        netns.delete_namespace(name)
