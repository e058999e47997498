"""What the emulated clouds ask the data plane to run: a small, frozen topology model.

Emulators translate their resources into these objects (one cloud at a time, each side of a
tunnel only from its own cloud's resources); the realizer turns them into namespaces and daemons.
Proposal strings use strongSwan syntax (``aes256-sha256-modp2048``), converted by each emulator
from its cloud's own vocabulary.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Route:
    """One route-table entry as the cloud applies it inside a network."""

    destination: str  # CIDR
    target_kind: str  # "vpn_gateway" | "instance" | "nat_gateway" | "transit_gateway" | "internet" | "local"
    # (in a TgwRouteTable: "attachment" | "blackhole")
    target_id: str = ""


@dataclass(frozen=True)
class Host:
    """An instance or droplet: a namespace with one private address in its network."""

    id: str
    network_id: str
    private_ip: str
    prefix_length: int
    public_ip: str | None = None
    source_dest_check: bool = True


@dataclass(frozen=True)
class Network:
    """A VPC or VNet: a router namespace holding the CIDRs and applying the routes."""

    id: str
    cloud: str
    cidrs: tuple[str, ...]
    routes: tuple[Route, ...] = ()
    propagate_from: tuple[str, ...] = ()  # gateway ids whose BGP-learned routes enter this network


@dataclass(frozen=True)
class BgpPeer:
    """A BGP session a gateway runs over one route-based tunnel."""

    local_asn: int
    peer_asn: int
    local_address: str  # inside address on this side's tunnel interface
    peer_address: str
    prefix_length: int = 30
    advertise: tuple[str, ...] = ()
    passive: bool = False  # Azure never initiates from APIPA addresses


@dataclass(frozen=True)
class Tunnel:
    """One IPsec tunnel as one cloud's gateway runs it."""

    id: str  # unique across the lab, e.g. "aws/vpn-0abc/1", "alibaba/vco-123"
    local_address: str  # this gateway's public (outside) address
    remote_address: str  # the peer's public address
    psk: str
    ike_version: int = 2
    aggressive: bool = False
    ike_proposals: tuple[str, ...] = ("aes128-sha1-modp2048",)
    esp_proposals: tuple[str, ...] = ("aes128-sha1-modp2048",)
    ike_lifetime: int = 28800
    ipsec_lifetime: int = 3600
    initiate: bool = False  # start_action start vs. wait for the peer
    dpd_delay: int = 10
    dpd_action: str = "restart"
    local_ts: tuple[str, ...] = ("0.0.0.0/0",)  # policy-based: the protected subnets
    remote_ts: tuple[str, ...] = ("0.0.0.0/0",)
    route_based: bool = True
    inside_address: str | None = None  # route-based: this side's inside address, e.g. 169.254.21.1
    inside_prefix_length: int = 30
    bgp: BgpPeer | None = None
    enabled: bool = True


@dataclass(frozen=True)
class Gateway:
    """A cloud VPN gateway (or one instance of it) attached to a network."""

    id: str
    cloud: str
    network_id: str
    public_ips: tuple[str, ...]
    tunnels: tuple[Tunnel, ...] = ()
    asn: int | None = None


@dataclass(frozen=True)
class NatGateway:
    """A private NAT gateway: an address in its network that SNATs what it forwards to itself.

    ``routes`` is the route table of the NAT gateway's own subnet (AWS: the table associated with
    it), applied to the traffic it has translated; the network's routes send traffic *to* it.
    Public NAT gateways (Elastic IP, internet) are not modelled yet.
    """

    id: str
    network_id: str
    private_ip: str
    subnet_prefix_length: int
    routes: tuple[Route, ...] = ()


@dataclass(frozen=True)
class TgwAttachment:
    """A transit gateway's attachment to one network, associated with one of its route tables."""

    id: str
    network_id: str
    route_table_id: str = ""  # "": not associated, the transit gateway drops what arrives here


@dataclass(frozen=True)
class TgwRouteTable:
    """A transit gateway route table: Route(destination, "attachment", attachment id) or
    Route(destination, "blackhole"). Static routes only; propagated routes are not modelled yet."""

    id: str
    routes: tuple[Route, ...] = ()


@dataclass(frozen=True)
class TransitGateway:
    """A transit gateway: one router with a leg per attachment and a routing table per route table."""

    id: str
    cloud: str
    attachments: tuple[TgwAttachment, ...] = ()
    route_tables: tuple[TgwRouteTable, ...] = ()


@dataclass(frozen=True)
class Topology:
    """Everything the data plane should run, merged over all emulators."""

    networks: tuple[Network, ...] = ()
    hosts: tuple[Host, ...] = ()
    gateways: tuple[Gateway, ...] = ()
    nat_gateways: tuple[NatGateway, ...] = ()
    transit_gateways: tuple[TransitGateway, ...] = ()


@dataclass(frozen=True)
class TunnelStatus:
    """A tunnel's state read from its daemon, never from a constant."""

    tunnel_id: str
    up: bool
    ike_established: bool
    ipsec_established: bool
    message: str = ""  # why it is down, from the daemon's log (e.g. NO_PROPOSAL_CHOSEN)
    last_change: float = 0.0  # epoch seconds


@dataclass(frozen=True)
class BgpStatus:
    """One BGP session's state read from the BGP daemon."""

    tunnel_id: str
    local_address: str
    neighbor: str
    peer_asn: int
    state: str  # Idle, Connect, Active, OpenSent, OpenConfirm, Established
    routes_received: int = 0
    uptime_seconds: float = 0.0
    message: str = ""


@dataclass
class StatusSnapshot:
    """What the realizer last read from the daemons, keyed by tunnel id."""

    tunnels: dict[str, TunnelStatus] = field(default_factory=dict)
    bgp: dict[str, BgpStatus] = field(default_factory=dict)
    learned_routes: dict[str, tuple[str, ...]] = field(default_factory=dict)  # gateway id -> prefixes
