"""What the Alibaba VPC API accepts, checked against the collection's cloud facts.

Every fact (ranges, ASN rules, PSK rules, algorithm names, defaults) lives in
``plugins/module_utils/cloud_facts.py``; this module only applies them to request parameters and
raises the API's errors.
"""
from __future__ import annotations

import ipaddress
import secrets

from mci_lab.collection import import_module_utils
from mci_lab.emulators.alibaba import errors
from mci_lab.emulators.alibaba.state import BgpSettings
from mci_lab.emulators.alibaba.wire import parse_bool, parse_int

cloud_facts = import_module_utils("cloud_facts")

CLOUD = "alibaba"
IKE_KEYS = ("IkeVersion", "IkeMode", "IkeEncAlg", "IkeAuthAlg", "IkePfs", "IkeLifetime", "LocalId", "RemoteId", "Psk")
IPSEC_KEYS = ("IpsecEncAlg", "IpsecAuthAlg", "IpsecPfs", "IpsecLifetime")
IDENTITY_MAX_LENGTH = 100  # Source: CreateVpnConnection doc (LocalId / RemoteId: up to 100 characters, no spaces).


# --------------------------------------------------------------------------- addresses


def network(name: str, text: str, error: errors.ApiError | None = None) -> ipaddress.IPv4Network:
    """An IPv4 CIDR; a bare address counts as a /32, as the API treats it."""
    try:
        return ipaddress.IPv4Network(text.strip(), strict=True)
    except ValueError:
        raise (error or errors.invalid_parameter(name, "It must be an IPv4 CIDR block.")) from None


def overlaps_any(cidr: ipaddress.IPv4Network, blocks) -> bool:
    return any(cidr.overlaps(ipaddress.IPv4Network(block)) for block in blocks)


def vpc_cidr(text: str | None) -> ipaddress.IPv4Network:
    cidr = network("CidrBlock", text or cloud_facts.ALIBABA_VPC_DEFAULT_CIDR, errors.vpc_cidr_invalid())
    low, high = cloud_facts.ALIBABA_VPC_PREFIX_LENGTHS
    if not low <= cidr.prefixlen <= high or overlaps_any(cidr, cloud_facts.ALIBABA_VPC_FORBIDDEN_CIDRS):
        raise errors.vpc_cidr_invalid()
    return cidr


def vswitch_cidr(text: str, vpc_cidr_block: str, siblings: list[str]) -> ipaddress.IPv4Network:
    cidr = network("CidrBlock", text, errors.cidr_malformed())
    low, high = cloud_facts.ALIBABA_VSWITCH_PREFIX_LENGTHS
    if not low <= cidr.prefixlen <= high:
        raise errors.vswitch_mask_length()
    if not cidr.subnet_of(ipaddress.IPv4Network(vpc_cidr_block)):
        raise errors.vswitch_cidr_outside_vpc()
    if overlaps_any(cidr, siblings):
        raise errors.cidr_overlapped()
    return cidr


def usable_vswitch_range(cidr: str) -> tuple[ipaddress.IPv4Address, ipaddress.IPv4Address]:
    """First and last address a host may take: the first and the last three of a vSwitch are the cloud's."""
    block = ipaddress.IPv4Network(cidr)
    return (block.network_address + cloud_facts.ALIBABA_VSWITCH_RESERVED_FIRST,
            block.broadcast_address - cloud_facts.ALIBABA_VSWITCH_RESERVED_LAST)


def usable_vswitch_address_count(cidr: str) -> int:
    first, last = usable_vswitch_range(cidr)
    return int(last) - int(first) + 1


def is_usable_vswitch_address(cidr: str, address: str) -> bool:
    first, last = usable_vswitch_range(cidr)
    try:
        return first <= ipaddress.IPv4Address(address) <= last
    except ValueError:
        return False


def first_free_vswitch_address(cidr: str, taken: set[str]) -> str | None:
    first, last = usable_vswitch_range(cidr)
    for number in range(int(first), int(last) + 1):
        candidate = str(ipaddress.IPv4Address(number))
        if candidate not in taken:
            return candidate
    return None


def route_destination(text: str, vswitch_cidrs: list[str], next_hop_type: str) -> ipaddress.IPv4Network:
    """A custom route's destination: not a vSwitch block (nor inside / around one), not in 100.64/10."""
    cidr = network("DestinationCidrBlock", text if "/" in text else f"{text}/32", errors.cidr_malformed())
    if any(cidr.subnet_of(ipaddress.IPv4Network(block)) for block in cloud_facts.ALIBABA_ROUTE_FORBIDDEN_CIDRS):
        raise errors.route_destination_invalid()
    if cidr.prefixlen == 0 and next_hop_type in cloud_facts.ALIBABA_VPC_ROUTE_NO_DEFAULT_NEXT_HOPS:
        # cloud_facts marks this rule [U]; no documented code, so the gateway's generic one.
        raise errors.invalid_parameter("DestinationCidrBlock", f"A default route cannot point to a {next_hop_type}.")
    # A default route may cover the vSwitches (it only catches what no longer prefix matches).
    if cidr.prefixlen > 0 and overlaps_any(cidr, vswitch_cidrs):
        raise errors.route_destination_invalid()
    return cidr


def vpn_route_destination(text: str) -> ipaddress.IPv4Network:
    cidr = network("RouteDest", text)
    if str(cidr) in cloud_facts.ALIBABA_VPN_ROUTE_FORBIDDEN_DESTINATIONS:
        # No specific code documented; the doc only says 0.0.0.0/0 "is not supported".
        raise errors.invalid_parameter("RouteDest", f"Destination routes to {cidr} are not supported.")
    if overlaps_any(cidr, cloud_facts.ALIBABA_VPN_ROUTE_FORBIDDEN_OVERLAPS):
        raise errors.invalid_parameter("RouteDest", f"{cidr} overlaps a range the VPN gateway cannot route.")
    return cidr


def customer_gateway_ip(text: str) -> str:
    try:
        address = ipaddress.IPv4Address(text.strip())
    except ValueError:
        raise errors.customer_gateway_ip_invalid() from None
    if any(address in ipaddress.IPv4Network(block) for block in cloud_facts.ALIBABA_CUSTOMER_GATEWAY_FORBIDDEN_CIDRS):
        raise errors.customer_gateway_ip_invalid()
    return str(address)


# --------------------------------------------------------------------------- ASNs


def asn_value(name: str, value) -> int:
    """An ASN as the API takes it: a number or the two-segment ``high.low`` notation."""
    text = str(value).strip()
    if "." in text:
        high, _dot, low = text.partition(".")
        if not (high.isdigit() and low.isdigit()) or int(high) > 65535 or int(low) > 65535:
            raise errors.invalid_parameter(name, "Use a number or the two-segment notation high.low.")
        asn = int(high) * 65536 + int(low)
    else:
        asn = parse_int(name, text)
    low_bound, high_bound = cloud_facts.ALIBABA_CUSTOMER_GATEWAY_ASN_RANGE  # any 32-bit ASN
    if not low_bound <= asn <= high_bound:
        raise errors.invalid_parameter(name, f"The ASN must be {low_bound}-{high_bound}.")
    return asn


def customer_gateway_asn(value) -> int:
    asn = asn_value("Asn", value)
    if asn in cloud_facts.RESERVED_ASNS[CLOUD]:
        # No specific code documented; the customer-gateway doc says 45104 is reserved.
        raise errors.invalid_parameter("Asn", f"ASN {asn} is reserved by Alibaba Cloud.")
    return asn


# --------------------------------------------------------------------------- IKE / IPsec settings


def default_settings() -> dict:
    """The cloud's default IkeConfig / IpsecConfig, in the API's names."""
    names = cloud_facts.to_cloud_names(CLOUD, cloud_facts.IKE_CAPABILITIES[CLOUD]["defaults"])
    names["IkeConfig"]["IkeMode"] = cloud_facts.ALIBABA_IKE_MODES[0]
    return names


def generated_psk() -> str:
    """The cloud generates a key when none is given (16 lowercase letters and digits, as it shows)."""
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(secrets.choice(alphabet) for _position in range(16))


def initial_ike(local_id: str, remote_id: str) -> dict:
    """A new tunnel's IkeConfig before the caller's keys: the defaults, the two addresses as ids, a key."""
    return {**default_settings()["IkeConfig"], "LocalId": local_id, "RemoteId": remote_id, "Psk": generated_psk()}


def initial_ipsec() -> dict:
    return dict(default_settings()["IpsecConfig"])


def ike_settings(name: str, given: dict | None, base: dict) -> dict:
    """``base`` (a tunnel's IkeConfig) with the ``given`` keys checked and applied."""
    settings = dict(base)
    for key, value in (given or {}).items():
        if key not in IKE_KEYS:
            raise errors.invalid_parameter(f"{name}.{key}", "Unknown key.")
        settings[key] = _checked_ike_value(f"{name}.{key}", key, value)
    return settings


def ipsec_settings(name: str, given: dict | None, base: dict) -> dict:
    settings = dict(base)
    for key, value in (given or {}).items():
        if key not in IPSEC_KEYS:
            raise errors.invalid_parameter(f"{name}.{key}", "Unknown key.")
        settings[key] = _checked_ipsec_value(f"{name}.{key}", key, value)
    return settings


def _capabilities(phase: str) -> dict:
    return cloud_facts.IKE_CAPABILITIES[CLOUD][phase]


def _checked_name(name: str, kind: str, value, allowed) -> str:
    """A cloud name (``aes``, ``sha1``, ``group14``) whose canonical value the cloud supports."""
    try:
        canonical = cloud_facts.canonical_name(CLOUD, kind, value)
    except ValueError:
        raise errors.invalid_parameter(name, f"{value!r} is not supported.") from None
    if canonical not in allowed:
        raise errors.invalid_parameter(name, f"{value!r} is not supported.")
    return cloud_facts.cloud_name(CLOUD, kind, canonical)


def _checked_lifetime(name: str, value, phase: str) -> int:
    lifetime = parse_int(name, value)
    low, high, _default = _capabilities(phase)["lifetime"]
    if not low <= lifetime <= high:
        raise errors.invalid_parameter(name, f"It must be {low}-{high} seconds.")
    return lifetime


def _checked_identity(name: str, value) -> str:
    text = str(value)
    if len(text) > IDENTITY_MAX_LENGTH or " " in text:
        raise errors.invalid_parameter(name, f"Up to {IDENTITY_MAX_LENGTH} characters without spaces.")
    return text


def _checked_ike_value(name: str, key: str, value):
    phase1 = _capabilities("phase1")
    if key == "IkeVersion":
        versions = cloud_facts.IKE_CAPABILITIES[CLOUD]["ike_versions"]
        return _checked_name(name, "ike_version", value, versions)
    if key == "IkeMode":
        if value not in cloud_facts.ALIBABA_IKE_MODES:
            raise errors.invalid_parameter(name, f"Use one of {', '.join(cloud_facts.ALIBABA_IKE_MODES)}.")
        return value
    if key == "IkeEncAlg":
        return _checked_name(name, "encryption", value, phase1["encryption"])
    if key == "IkeAuthAlg":
        return _checked_name(name, "integrity", value, phase1["integrity"])
    if key == "IkePfs":
        return _checked_name(name, "dh_group", value, phase1["dh_groups"])
    if key == "IkeLifetime":
        return _checked_lifetime(name, value, "phase1")
    if key == "Psk":
        problem = cloud_facts.psk_problem(CLOUD, value)
        if problem:
            raise errors.invalid_parameter(name, problem)
        return value
    return _checked_identity(name, value)  # LocalId, RemoteId


def _checked_ipsec_value(name: str, key: str, value):
    phase2 = _capabilities("phase2")
    if key == "IpsecEncAlg":
        return _checked_name(name, "encryption", value, phase2["encryption"])
    if key == "IpsecAuthAlg":
        return _checked_name(name, "integrity", value, phase2["integrity"])
    if key == "IpsecPfs":
        return _checked_name(name, "pfs_group", value, phase2["pfs_groups"])
    return _checked_lifetime(name, value, "phase2")  # IpsecLifetime


def canonical_proposal(ike: dict, ipsec: dict) -> dict:
    """The canonical proposal (cloud_facts vocabulary) of one tunnel's settings."""
    return cloud_facts.from_cloud_names(CLOUD, {"IkeConfig": ike, "IpsecConfig": ipsec})


# --------------------------------------------------------------------------- BGP


def bgp_enabled(name: str, config: dict | None) -> bool:
    return parse_bool(f"{name}.EnableBgp", (config or {}).get("EnableBgp"), False)


def bgp_settings(name: str, config: dict, taken_tunnel_cidrs: list[str]) -> BgpSettings:
    """BGP over a tunnel: LocalAsn (default 45104), a /30 TunnelCidr in 169.254/16, LocalBgpIp in it."""
    asn_text = config.get("LocalAsn")
    local_asn = cloud_facts.ALIBABA_DEFAULT_ASN if asn_text in (None, "") else asn_value(f"{name}.LocalAsn", asn_text)
    tunnel_cidr = _tunnel_cidr(f"{name}.TunnelCidr", config.get("TunnelCidr"), taken_tunnel_cidrs)
    hosts = [str(host) for host in tunnel_cidr.hosts()]
    local_bgp_ip = str(config.get("LocalBgpIp") or hosts[0])
    if local_bgp_ip not in hosts:
        raise errors.invalid_parameter(f"{name}.LocalBgpIp", f"It must be a usable address of {tunnel_cidr}.")
    return BgpSettings(local_asn=local_asn, tunnel_cidr=str(tunnel_cidr), local_bgp_ip=local_bgp_ip,
                       auth_key=str(config.get("AuthKey") or ""))


def _tunnel_cidr(name: str, text, taken: list[str]) -> ipaddress.IPv4Network:
    """A /30 of 169.254.0.0/16 the cloud does not reserve, unique on the VPN gateway."""
    if not text:
        raise errors.missing_parameter(name)
    problem = cloud_facts.inside_cidr_problem(CLOUD, str(text))
    if problem:
        raise errors.invalid_parameter(name, problem)
    cidr = ipaddress.IPv4Network(str(text))
    if str(cidr) in taken:
        # Source: CreateVpnConnection doc ("must be unique" per VPN gateway); no specific code found.
        raise errors.invalid_parameter(name, f"{cidr} is already used by another connection of this VPN gateway.")
    return cidr
