"""One way to bring emulated clouds up and down in tests."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mci_lab import emulators
from mci_lab.emulators.base import FAULT_PROFILES, DelayProfile, LabContext, RunningEmulator, serve, stop


@pytest.fixture
def lab_ctx(tmp_path: Path) -> LabContext:
    """A fresh lab context: instant delays, no faults, no data plane."""
    return LabContext(state_dir=tmp_path)


@pytest.fixture
def start_emulator(lab_ctx: LabContext) -> Iterator:
    """Start emulators of given clouds on 127.0.0.1; all are stopped after the test."""
    running: list[RunningEmulator] = []

    def _start(cloud: str, ctx: LabContext | None = None) -> RunningEmulator:
        started = serve(emulators.build(cloud, ctx or lab_ctx), ctx or lab_ctx)
        running.append(started)
        return started

    yield _start
    for item in running:
        stop(item)


def context_with(tmp_path: Path, delays: DelayProfile | None = None, faults: str = "none") -> LabContext:
    """A context with a given delay profile and named fault profile."""
    return LabContext(state_dir=tmp_path, delays=delays or DelayProfile("instant"), faults=FAULT_PROFILES[faults])
