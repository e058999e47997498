"""Tunnel options of an AWS VPN connection: kept as sent, completed with AWS's defaults, validated.

A tunnel is kept as the ``TunnelOption`` structure DescribeVpnConnections returns (response
spelling: ``DpdTimeoutSeconds``, ``IkeVersions``); it is the one record both the API answers and
the data-plane model read. Every rule and default comes from ``cloud_facts``.
"""
from __future__ import annotations

import ipaddress
import random
from typing import Any, Iterable

from mci_lab.collection import import_module_utils
from mci_lab.emulators.aws.errors import invalid_parameter

cloud_facts = import_module_utils("cloud_facts")

TUNNELS_PER_CONNECTION = cloud_facts.TUNNEL_LIMITS["aws"]["tunnels_per_connection"]

# The request spells three options differently from the response (botocore's EC2 model).
REQUEST_TO_RESPONSE_NAMES = {
    "DPDTimeoutSeconds": "DpdTimeoutSeconds",
    "DPDTimeoutAction": "DpdTimeoutAction",
    "IKEVersions": "IkeVersions",
}

# Algorithm lists of a tunnel: (phase of IKE_CAPABILITIES["aws"] or None, capability key, kind
# of cloud_facts names).
ALGORITHM_LISTS = {
    "IkeVersions": (None, "ike_versions", "ike_version"),
    "Phase1EncryptionAlgorithms": ("phase1", "encryption", "encryption"),
    "Phase1IntegrityAlgorithms": ("phase1", "integrity", "integrity"),
    "Phase1DHGroupNumbers": ("phase1", "dh_groups", "dh_group"),
    "Phase2EncryptionAlgorithms": ("phase2", "encryption", "encryption"),
    "Phase2IntegrityAlgorithms": ("phase2", "integrity", "integrity"),
    "Phase2DHGroupNumbers": ("phase2", "pfs_groups", "pfs_group"),
}
LIFETIMES = {"Phase1LifetimeSeconds": "phase1", "Phase2LifetimeSeconds": "phase2"}


def capability(phase: str | None, key: str) -> tuple:
    capabilities = cloud_facts.IKE_CAPABILITIES["aws"]
    return capabilities[key] if phase is None else capabilities[phase][key]


def allowed_values(field: str) -> list[Any]:
    """AWS's own names for every value an algorithm list accepts (e.g. "AES128", 14, "ikev2")."""
    phase, key, kind = ALGORITHM_LISTS[field]
    return [cloud_facts.cloud_name("aws", kind, value) for value in capability(phase, key) if value is not None]


def canonical_values(tunnel: dict, field: str) -> list[Any]:
    """A tunnel's algorithm list in cloud_facts' canonical vocabulary (e.g. "aes128", 14)."""
    kind = ALGORITHM_LISTS[field][2]
    return [cloud_facts.canonical_name("aws", kind, item["Value"]) for item in tunnel[field]]


def default_tunnel() -> dict:
    """What AWS runs for a tunnel nobody configured: every allowed algorithm, default timers."""
    tunnel: dict[str, Any] = {field: [{"Value": value} for value in allowed_values(field)] for field in ALGORITHM_LISTS}
    for field, phase in LIFETIMES.items():
        tunnel[field] = capability(phase, "lifetime")[2]
    tunnel.update(cloud_facts.AWS_TUNNEL_OPTION_DEFAULTS)
    tunnel["LogOptions"] = {"CloudWatchLogOptions": {"LogEnabled": False}}
    return tunnel


def response_names(spec: dict) -> dict:
    return {REQUEST_TO_RESPONSE_NAMES.get(name, name): value for name, value in spec.items()}


def merged_tunnel(current: dict, spec: dict) -> dict:
    """``current`` with the options of a (Modify)VpnTunnelOptionsSpecification applied as sent."""
    tunnel = dict(current)
    tunnel.update(response_names(spec))
    return tunnel


# --------------------------------------------------------------------------- validation


def check_tunnel(tunnel: dict, inside_cidrs_in_use: Iterable[str]) -> None:
    """Raise the InvalidParameterValue AWS gives for the first option it would refuse."""
    _check_inside_cidr(tunnel.get("TunnelInsideCidr"), set(inside_cidrs_in_use))
    _check_psk(tunnel.get("PreSharedKey"))
    for field in ALGORITHM_LISTS:
        _check_algorithms(field, tunnel[field])
    _check_lifetimes(tunnel)
    for field, (low, high) in cloud_facts.AWS_TUNNEL_OPTION_RANGES.items():
        _check_range(field, tunnel[field], low, high)
    _check_rekey_margin(tunnel)
    for field, choices in cloud_facts.AWS_TUNNEL_OPTION_CHOICES.items():
        if tunnel[field] not in choices:
            raise invalid_parameter(f"Value ({tunnel[field]}) for parameter {field} is invalid. Valid values: {', '.join(choices)}.")


def _check_inside_cidr(cidr: str | None, in_use: set[str]) -> None:
    if cidr is None:
        return
    problem = cloud_facts.inside_cidr_problem("aws", cidr)
    if problem:
        raise invalid_parameter(f"The tunnel inside CIDR {cidr} is not valid: {problem}.")
    if cidr in in_use:
        raise invalid_parameter(f"The tunnel inside CIDR {cidr} is already in use by a tunnel of this virtual private gateway.")


def _check_psk(psk: str | None) -> None:
    if psk is None:
        return
    problem = cloud_facts.psk_problem("aws", psk)
    if problem:
        raise invalid_parameter(f"Invalid pre-shared key: {problem}.")


def _check_algorithms(field: str, items: list[dict]) -> None:
    allowed = allowed_values(field)
    if not items:
        raise invalid_parameter(f"The parameter {field} must contain at least one value.")
    for item in items:
        if item.get("Value") not in allowed:
            raise invalid_parameter(
                f"Value ({item.get('Value')}) for parameter {field} is invalid. Valid values: {', '.join(map(str, allowed))}."
            )


def _check_lifetimes(tunnel: dict) -> None:
    for field, phase in LIFETIMES.items():
        low, high, _default = capability(phase, "lifetime")
        _check_range(field, tunnel[field], low, high)
    if tunnel["Phase2LifetimeSeconds"] >= tunnel["Phase1LifetimeSeconds"]:
        raise invalid_parameter("Phase2LifetimeSeconds must be less than Phase1LifetimeSeconds.")


def _check_rekey_margin(tunnel: dict) -> None:
    # At most half of the phase 2 lifetime (API_VpnTunnelOptionsSpecification).
    if tunnel["RekeyMarginTimeSeconds"] > tunnel["Phase2LifetimeSeconds"] // 2:
        raise invalid_parameter("RekeyMarginTimeSeconds must be at most half of Phase2LifetimeSeconds.")


def _check_range(field: str, value: Any, low: int, high: int | None) -> None:
    if not isinstance(value, int) or value < low or (high is not None and value > high):
        bounds = f"at least {low}" if high is None else f"between {low} and {high}"
        raise invalid_parameter(f"Value ({value}) for parameter {field} is invalid. It must be {bounds}.")


# --------------------------------------------------------------------------- what AWS fills in


def free_inside_cidr(in_use: Iterable[str], rng: random.Random | None = None) -> str:
    """A random /30 of 169.254.0.0/16 that is neither reserved nor in use, as AWS picks one."""
    rng = rng or random.Random()
    taken = set(in_use) | set(cloud_facts.AWS_RESERVED_INSIDE_CIDRS)
    link_local = ipaddress.ip_network(cloud_facts.LINK_LOCAL_CIDR)
    blocks = link_local.num_addresses // 4
    while True:
        candidate = ipaddress.ip_network((int(link_local.network_address) + 4 * rng.randrange(blocks), 30))
        if str(candidate) not in taken:
            return str(candidate)


def generated_psk(rng: random.Random | None = None) -> str:
    """A key AWS would generate: cloud_facts' alphabet and length, valid for AWS's rules."""
    rng = rng or random.SystemRandom()
    while True:
        psk = "".join(rng.choices(cloud_facts.GENERATED_PSK_ALPHABET, k=cloud_facts.GENERATED_PSK_LENGTH))
        if cloud_facts.psk_problem("aws", psk) is None:
            return psk


def inside_addresses(cidr: str) -> tuple[str, str]:
    """(AWS side, customer side): AWS takes the first usable address of the /30, the peer the second."""
    first, second = list(ipaddress.ip_network(cidr).hosts())[:2]
    return str(first), str(second)
