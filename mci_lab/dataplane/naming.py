"""Stable names for everything the data plane creates.

Namespaces are global on the machine, so they carry the lab prefix (``mci-`` by default, a
per-run prefix such as ``mci-t1234-`` in tests). Interface names live inside one namespace
each, so they need no prefix, only uniqueness there and the kernel's 15-character limit.
"""
from __future__ import annotations

import hashlib
import ipaddress
import re
from dataclasses import dataclass

DEFAULT_PREFIX = "mci-"
IFNAME_MAX = 15
SLUG_MAX = 16

# Interface names used inside lab namespaces (one fixed meaning each).
INET_BRIDGE = "br0"  # the "internet" bridge in <prefix>inet
WAN_IF = "wan0"  # a namespace's leg on the internet bridge
LAN_BRIDGE = "lan0"  # a network router's VPC bridge
GATEWAY_TRANSIT_IF = "vpc0"  # a gateway namespace's leg towards its network router
HOST_IF = "eth0"  # an instance's only NIC

# Documentation ranges only (RFC 5737): the lab's whole "internet".
PUBLIC_RANGES = (ipaddress.ip_network("198.51.100.0/24"), ipaddress.ip_network("203.0.113.0/24"))
# Router <-> gateway links. 198.18.0.0/15 is reserved for benchmarking (RFC 2544), and AWS
# refuses 198.19.0.0/16 as a VPC block, so it cannot clash with a realistic VPC CIDR.
TRANSIT_POOL = ipaddress.ip_network("198.18.0.0/15")
# Private ASN of every lab network router when it learns a gateway's BGP routes (RFC 6996).
ROUTER_ASN = 4200000000


def short_hash(text: str, length: int = 8) -> str:
    """Hex digest prefix of a resource id: stable across runs and processes."""
    return hashlib.sha1(text.encode()).hexdigest()[:length]


def slug(text: str, max_len: int = SLUG_MAX) -> str:
    """A readable, namespace-safe fragment of a resource id."""
    cleaned = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return cleaned[:max_len].strip("-") or "x"


def mac_for(namespace: str, ifname: str) -> str:
    """A locally administered unicast MAC, stable per interface (source/dest check keys on it)."""
    digest = hashlib.sha1(f"{namespace}/{ifname}".encode()).digest()
    return "02:" + ":".join(f"{b:02x}" for b in digest[:5])


def public_gateway_of(address: str) -> str:
    """The internet namespace's address in the documentation /24 that holds ``address``."""
    ip = ipaddress.ip_address(address)
    for net in PUBLIC_RANGES:
        if ip in net:
            return str(next(net.hosts()))
    raise ValueError(
        f"public address {address} is outside the lab's internet ranges "
        f"({', '.join(str(n) for n in PUBLIC_RANGES)})"
    )


@dataclass(frozen=True)
class Names:
    """Namespace and interface names for one lab (one prefix)."""

    prefix: str = DEFAULT_PREFIX

    def __post_init__(self) -> None:
        if not self.prefix.startswith("mci-"):
            raise ValueError(f"namespace prefix must start with 'mci-', got {self.prefix!r}")
        if not re.fullmatch(r"[a-z0-9-]+", self.prefix):
            raise ValueError(f"namespace prefix may hold only a-z, 0-9 and '-': {self.prefix!r}")

    def inet(self) -> str:
        return f"{self.prefix}inet"

    def router(self, network_id: str) -> str:
        return f"{self.prefix}r-{slug(network_id)}-{short_hash(network_id, 6)}"

    def host(self, host_id: str) -> str:
        return f"{self.prefix}h-{slug(host_id)}-{short_hash(host_id, 6)}"

    def gateway(self, gateway_id: str, public_ip: str) -> str:
        key = f"{gateway_id}@{public_ip}"
        return f"{self.prefix}g-{slug(gateway_id)}-{short_hash(key, 6)}"

    def nat_gateway(self, nat_gateway_id: str) -> str:
        return f"{self.prefix}n-{slug(nat_gateway_id)}-{short_hash(nat_gateway_id, 6)}"

    def transit_gateway(self, transit_gateway_id: str) -> str:
        return f"{self.prefix}t-{slug(transit_gateway_id)}-{short_hash(transit_gateway_id, 6)}"

    def owns(self, namespace: str) -> bool:
        return namespace.startswith(self.prefix)


def inet_port(namespace: str) -> str:
    """The internet bridge's port towards ``namespace``."""
    return _ifname("p", namespace)


def router_host_port(host_id: str) -> str:
    """The router's bridge port towards one instance."""
    return _ifname("h", host_id)


def router_gateway_port(gateway_namespace: str) -> str:
    """The router's leg towards one gateway namespace."""
    return _ifname("g", gateway_namespace)


def router_attachment_port(attachment_id: str) -> str:
    """A network router's leg towards the transit gateway of one attachment."""
    return _ifname("a", attachment_id)


def transit_gateway_port(attachment_id: str) -> str:
    """The transit gateway's leg towards the network of one attachment."""
    return _ifname("t", attachment_id)


def _ifname(kind: str, key: str) -> str:
    name = f"{kind}{short_hash(key, 8)}"
    assert len(name) <= IFNAME_MAX
    return name
