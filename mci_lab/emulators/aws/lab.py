"""The lab the AWS emulator currently serves, and what every patch needs from it.

moto keeps its state in module-level backends and our patches live on moto's classes, so one
process hosts one AWS emulator at a time: ``build(ctx)`` resets moto and makes its lab the
active one. Patched code reaches the lab's context (delays, public IPs, data-plane status)
through ``current_lab()``.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from mci_lab.dataplane.model import StatusSnapshot
from mci_lab.emulators.base import LabContext, is_ready

CLOUD = "aws"

# Attribute under which a moto object keeps the epoch time it leaves its pending state.
READY_AT = "_mci_ready_at"


@dataclass
class AwsLab:
    """One lab's AWS: its context and the lock that serialises access to moto's state."""

    ctx: LabContext
    # moto is not thread-safe; API requests and data-plane reads take turns.
    lock: threading.RLock = field(default_factory=threading.RLock)
    # What the data plane reported during the current request (requests hold the lock).
    request_status: StatusSnapshot | None = field(default=None, repr=False)

    def begin_request(self) -> None:
        self.request_status = None

    def status(self) -> StatusSnapshot:
        """The data plane's status, read from its daemons at most once per API request."""
        if self.request_status is None:
            self.request_status = self.ctx.status.snapshot()
        return self.request_status

    def stamp_ready(self, resource: Any, kind: str) -> None:
        """Start a resource's provisioning delay; its state is computed from it on every read."""
        delay = self.ctx.delays.delay(CLOUD, kind)
        setattr(resource, READY_AT, self.ctx.delays.ready_at(CLOUD, kind))
        if delay > 0:
            # The data plane must learn that the resource became ready, though no request says so.
            timer = threading.Timer(delay, self.ctx.notify_changed)
            timer.daemon = True
            timer.start()

    def public_ip(self, owner: str) -> str:
        return self.ctx.public_ips.allocate(owner)

    def release_public_ip(self, address: str | None) -> None:
        if address:
            self.ctx.public_ips.release(address)


_active: AwsLab | None = None


def activate(lab: AwsLab) -> None:
    global _active
    _active = lab


def current_lab() -> AwsLab:
    if _active is None:
        raise RuntimeError("no AWS lab is active: build the emulator with mci_lab.emulators.aws.build(ctx)")
    return _active


def is_provisioned(resource: Any) -> bool:
    """True once a resource's provisioning delay is over (resources without one are ready)."""
    return is_ready(getattr(resource, READY_AT, 0.0))
