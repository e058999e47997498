"""One emulator per cloud; each module exposes ``build(ctx: LabContext) -> Emulator``."""
from __future__ import annotations

import importlib

from mci_lab.emulators.base import Emulator, LabContext

CLOUDS = ("aws", "alibaba", "azure", "gcp", "digitalocean")


def build(cloud: str, ctx: LabContext) -> Emulator:
    """Build the emulator of one cloud."""
    return importlib.import_module(f"mci_lab.emulators.{cloud}").build(ctx)
