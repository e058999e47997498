"""Google Cloud Compute Engine (v1 REST) emulator: networks, subnetworks, HA VPN, Cloud Router, tunnels.

``build(ctx)`` returns the emulator; ``api.py`` serves the REST surface, ``resources.py`` and
``routers.py`` hold Google's validation and defaults, ``status.py`` turns data plane state into
Compute's status fields and ``dataplane.py`` describes what Google would run.
"""
from __future__ import annotations

from mci_lab.emulators.base import LabContext
from mci_lab.emulators.gcp.api import GcpEmulator


def build(ctx: LabContext) -> GcpEmulator:
    return GcpEmulator(ctx)


__all__ = ["GcpEmulator", "build"]
