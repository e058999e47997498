# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Polling kept apart from the predicates that say "ready" (as kubernetes.core does)."""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from ansible_collections.multicloud.interconnect.plugins.module_utils.errors import WaitTimeout


FIRST_DELAY = 0.5  # seconds before the second read
BACKOFF = 1.5  # each pause is this much longer than the one before, up to ``delay``


def poll_delays(delay: float):
    """Pauses between reads: short at first (many resources are ready soon), then ``delay``.

    Against a real cloud this costs a handful of extra reads per wait; against the lab, or a
    resource that is ready at once, the wait ends within a fraction of a second of it.
    """
    pause = min(FIRST_DELAY, delay)
    while True:
        yield pause
        pause = min(pause * BACKOFF, delay)


def wait_for(read: Callable[[], Any], is_done: Callable[[Any], bool], *, what: str, wanted: str,
             timeout: float, delay: float = 2.0, describe: Callable[[Any], str] = repr,
             is_failed: Callable[[Any], str | None] | None = None) -> Any:
    """Call ``read`` until ``is_done`` holds; raise WaitTimeout (with the last state) after ``timeout``.

    Reads back off from half a second to ``delay`` (see ``poll_delays``). ``is_failed`` may
    return a reason to stop early: a state that will never become ``wanted``.
    """
    deadline = time.monotonic() + timeout
    pauses = poll_delays(delay)
    while True:
        current = read()
        if is_done(current):
            return current
        if is_failed is not None:
            reason = is_failed(current)
            if reason:
                raise WaitTimeout(what, wanted, reason, 0)
        if time.monotonic() >= deadline:
            raise WaitTimeout(what, wanted, describe(current), timeout)
        time.sleep(min(next(pauses), max(deadline - time.monotonic(), 0.05)))
