# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Polling kept apart from the predicates that say "ready" (as kubernetes.core does)."""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from ansible_collections.multicloud.interconnect.plugins.module_utils.errors import WaitTimeout


def wait_for(read: Callable[[], Any], is_done: Callable[[Any], bool], *, what: str, wanted: str,
             timeout: float, delay: float = 2.0, describe: Callable[[Any], str] = repr,
             is_failed: Callable[[Any], str | None] | None = None) -> Any:
    """Call ``read`` until ``is_done`` holds; raise WaitTimeout (with the last state) after ``timeout``.

    ``is_failed`` may return a reason to stop early: a state that will never become ``wanted``.
    """
    deadline = time.monotonic() + timeout
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
        time.sleep(min(delay, max(deadline - time.monotonic(), 0.05)))
