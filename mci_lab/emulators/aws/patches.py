"""Everything the lab changes in moto, applied once per process (moto's classes are global)."""
from __future__ import annotations

import threading

from mci_lab.emulators.aws import addresses, gateways, lifecycle, routing, vpn

_applied = False
_lock = threading.Lock()


def apply() -> None:
    """Install the patches; later calls do nothing."""
    global _applied
    with _lock:
        if _applied:
            return
        lifecycle.install()
        gateways.install()
        addresses.install()
        vpn.install()
        routing.install()
        _applied = True
