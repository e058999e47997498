"""DigitalOcean API v2 emulator: VPCs, Droplets (new -> active, private and public IPv4), tags, firewalls.

``build(ctx)`` returns the emulator; ``api.py`` serves ``/v2``, ``resources.py`` holds
DigitalOcean's rules and answer shapes, ``dataplane.py`` describes the VPCs and Droplets.
"""
from __future__ import annotations

from mci_lab.emulators.base import LabContext
from mci_lab.emulators.digitalocean.api import DigitalOceanEmulator


def build(ctx: LabContext) -> DigitalOceanEmulator:
    return DigitalOceanEmulator(ctx)


__all__ = ["DigitalOceanEmulator", "build"]
