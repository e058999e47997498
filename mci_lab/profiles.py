"""Named lab profiles: provisioning delays and fault injection."""
from __future__ import annotations

from mci_lab.collection import import_module_utils
from mci_lab.emulators.base import FAULT_PROFILES, DelayProfile, FaultProfile

cloud_facts = import_module_utils("cloud_facts")

# The realistic profile keeps the clouds' proportions: 0.01 turns Azure's ~40 minute gateway
# into 24 seconds and AWS's ~6.6 minute VPN connection into 4 seconds.
REALISTIC_TIME_SCALE = 0.01


def delay_profile(name: str, time_scale: float | None = None) -> DelayProfile:
    """``instant`` (tests) or ``realistic`` (real-cloud proportions at ``time_scale``)."""
    if name == "instant":
        return DelayProfile("instant")
    if name == "realistic":
        scale = REALISTIC_TIME_SCALE if time_scale is None else time_scale
        return DelayProfile("realistic", dict(cloud_facts.PROVISIONING_SECONDS), scale)
    raise ValueError(f"unknown delay profile {name!r}: use instant or realistic")


def fault_profile(name: str) -> FaultProfile:
    if name not in FAULT_PROFILES:
        raise ValueError(f"unknown fault profile {name!r}: use one of {', '.join(FAULT_PROFILES)}")
    return FAULT_PROFILES[name]
