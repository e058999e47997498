"""Fixtures of the end-to-end tests: one whole lab per test module, always torn down and checked.

Each module gets its own lab (every emulator plus the realizer, in this process) with a namespace
prefix of its own (``mci-e<pid><letter>-``) and a temporary state dir. When the module is done the
lab is stopped and nothing of it may remain: no namespace with its prefix, no host interface
named after it, none of its processes. Whatever is left is removed anyway, then reported as an
error of the module's last test.

While a lab runs, name resolution answers only loopback names: an SDK that tried to reach a real
cloud fails at once instead of sending a packet.
"""
from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from tests.lab.e2e.support import RunningLab, next_prefix, skip_reason, start_lab, stop_and_check
from tests.lab.loopback import loopback_getaddrinfo


@pytest.fixture(scope="module")
def loopback_only() -> Iterator[list[str]]:
    """Refuse to resolve anything but loopback; yields the names that were refused."""
    refused: list[str] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket, "getaddrinfo", loopback_getaddrinfo(refused, "e2e lab"))
        yield refused


@pytest.fixture(scope="module")
def lab(tmp_path_factory, loopback_only) -> Iterator[RunningLab]:
    reason = skip_reason()
    if reason:
        pytest.skip(reason)
    running = start_lab(tmp_path_factory.mktemp("e2e") / "state", next_prefix())
    try:
        yield running
    finally:
        problems = stop_and_check(running)
    assert not problems, f"lab {running.prefix} left things behind (now removed): {problems}"
    assert not loopback_only, f"an SDK tried to resolve non-loopback names: {loopback_only}"
