"""Timer profiles: "fast" for tests and demos, "cloud" for the clouds' own defaults.

The fast profile compresses failure detection to seconds (LAB_RECIPE.md: hold 3 / keepalive 1,
BIRD connect delay 1, error wait 1,5, DPD 2 s). The cloud profile keeps what the emulator put in
the model (each Tunnel's ``dpd_delay``) and the clouds' documented BGP timers (cloud_facts.py),
so failover takes as long as it would in the real clouds.
"""
from __future__ import annotations

from dataclasses import dataclass

from mci_lab.collection import import_module_utils

from .model import Tunnel

PROFILES = ("fast", "cloud")


@dataclass(frozen=True)
class BgpTimers:
    keepalive: int
    hold: int
    connect_delay: int | None = None  # None: BIRD's default
    connect_retry: int | None = None
    error_wait: tuple[int, int] | None = None
    error_forget: int | None = None


@dataclass(frozen=True)
class IkeRetransmit:
    timeout: float
    base: float
    tries: int


FAST_BGP = BgpTimers(keepalive=1, hold=3, connect_delay=1, connect_retry=1, error_wait=(1, 5), error_forget=10)
FAST_DPD_DELAY = 2
# ~1 + 1.4 + 2 + 2.7 s: a dead peer is declared after ~7 s (strongSwan's default cycle is 165 s).
FAST_IKE_RETRANSMIT = IkeRetransmit(timeout=1.0, base=1.4, tries=3)
CLOUD_IKE_RETRANSMIT = IkeRetransmit(timeout=4.0, base=1.8, tries=5)  # strongSwan defaults

# The cloud profile's BGP keepalive/hold per cloud come from cloud_facts.BGP_TIMERS_SECONDS (the
# one place for cloud facts); clouds without a documented value keep BIRD's defaults.
BIRD_DEFAULT_BGP = BgpTimers(keepalive=80, hold=240)


def check_profile(profile: str) -> str:
    if profile not in PROFILES:
        raise ValueError(f"timer profile must be one of {PROFILES}, got {profile!r}")
    return profile


def dpd_delay(profile: str, tunnel: Tunnel) -> int:
    return FAST_DPD_DELAY if profile == "fast" else tunnel.dpd_delay


def bgp_timers(profile: str, cloud: str) -> BgpTimers:
    if profile == "fast":
        return FAST_BGP
    known = cloud_bgp_timers().get(cloud.lower())
    if known is None:
        return BIRD_DEFAULT_BGP
    return BgpTimers(keepalive=known["keepalive"], hold=known["hold"])


def cloud_bgp_timers() -> dict[str, dict[str, int]]:
    return import_module_utils("cloud_facts").BGP_TIMERS_SECONDS


def internal_bgp_timers() -> BgpTimers:
    """Router <-> gateway sessions are lab plumbing (a cloud's internal route propagation)."""
    return FAST_BGP


def ike_retransmit(profile: str) -> IkeRetransmit:
    return FAST_IKE_RETRANSMIT if profile == "fast" else CLOUD_IKE_RETRANSMIT
