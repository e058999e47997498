"""What the emulated Alibaba Cloud region holds: VPCs, vSwitches, routes, VPN resources, lab hosts.

Pending states are computed on read from ``ready_at`` / ``busy_until`` (epoch seconds): no timers
change the state. Every resource belongs to one region, as in the real API.
"""
from __future__ import annotations

import ipaddress
import secrets
import threading
import time
from dataclasses import dataclass, field

from mci_lab.emulators.alibaba import errors

RESOURCE_GROUP_ID = "rg-acfmlabdefault"  # the account's default resource group
LAB_OWNER_ID = 1234567890123456


def now() -> float:
    return time.time()


def epoch_ms(seconds: float) -> int:
    return int(seconds * 1000)


def iso_time(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def new_id(prefix: str) -> str:
    """Ids shaped like the cloud's (``vpc-bp1ub1yt9cvakoeljxxxx``): a prefix and 21 lowercase characters."""
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    return f"{prefix}-bp1" + "".join(secrets.choice(alphabet) for _position in range(18))


# --------------------------------------------------------------------------- VPC side


@dataclass
class Vpc:
    id: str
    region: str
    cidr: str
    name: str
    description: str
    vrouter_id: str
    route_table_id: str
    created: float
    tags: dict[str, str] = field(default_factory=dict)


@dataclass
class VSwitch:
    id: str
    region: str
    vpc_id: str
    cidr: str
    zone_id: str
    name: str
    description: str
    created: float
    tags: dict[str, str] = field(default_factory=dict)


@dataclass
class RouteEntry:
    """A custom entry of a VPC's system route table."""

    id: str
    route_table_id: str
    destination: str
    next_hop_type: str
    next_hop_id: str
    name: str
    description: str
    ready_at: float

    @property
    def status(self) -> str:
        return "Available" if now() >= self.ready_at else "Pending"


@dataclass
class LabInstance:
    """A lab-only host in a vSwitch (ECS is not part of the VPC API)."""

    id: str
    region: str
    vpc_id: str
    vswitch_id: str
    zone_id: str
    private_ip: str
    name: str
    created: float
    ready_at: float

    @property
    def status(self) -> str:
        return "Running" if now() >= self.ready_at else "Pending"


# --------------------------------------------------------------------------- VPN side


@dataclass
class VpnGateway:
    id: str
    region: str
    vpc_id: str
    vswitch_id: str
    disaster_recovery_vswitch_id: str
    name: str
    description: str
    bandwidth: int
    enable_ipsec: bool
    enable_ssl: bool
    ssl_connections: int
    charge_type: str
    internet_ip: str
    disaster_recovery_internet_ip: str
    created: float
    ready_at: float
    busy_until: float = 0.0
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def status(self) -> str:
        """``init`` until provisioned, ``updating`` while a change is applied, else ``active``."""
        moment = now()
        if moment < self.ready_at:
            return "init"
        if moment < self.busy_until:
            return "updating"
        return "active"

    @property
    def dual_tunnel(self) -> bool:
        """Gateways with a disaster-recovery vSwitch run dual-tunnel IPsec connections only."""
        return bool(self.disaster_recovery_vswitch_id)

    def mark_busy(self, seconds: float) -> float:
        """The gateway shows ``updating`` while a change is applied; returns when it is done."""
        self.busy_until = max(self.busy_until, now() + seconds)
        return self.busy_until


@dataclass
class CustomerGateway:
    id: str
    region: str
    ip_address: str
    asn: int | None
    auth_key: str
    name: str
    description: str
    created: float
    tags: dict[str, str] = field(default_factory=dict)


@dataclass
class BgpSettings:
    """BGP over one tunnel: the Alibaba side's ASN and inside address in a 169.254.x.x/30."""

    local_asn: int
    tunnel_cidr: str
    local_bgp_ip: str
    auth_key: str = ""

    @property
    def peer_bgp_ip(self) -> str:
        """The other usable address of the /30."""
        hosts = [str(host) for host in ipaddress.ip_network(self.tunnel_cidr).hosts()]
        return next(host for host in hosts if host != self.local_bgp_ip)


@dataclass
class TunnelConfig:
    """One tunnel's settings in the API's own vocabulary (IkeConfig / IpsecConfig shapes).

    A single-tunnel connection has one of these without a tunnel id; a dual-tunnel connection has
    a ``master`` and a ``slave`` one, each with its own id and customer gateway.
    """

    customer_gateway_id: str
    ike: dict
    ipsec: dict
    bgp: BgpSettings | None
    enable_dpd: bool
    enable_nat_traversal: bool
    tunnel_id: str = ""
    role: str = ""
    index: int = 0


@dataclass
class HealthCheck:
    enabled: bool = False
    source_ip: str = ""
    destination_ip: str = ""
    interval: int = 3
    retry: int = 3
    policy: str = "revoke_route"


@dataclass
class VpnConnection:
    id: str
    region: str
    vpn_gateway_id: str
    name: str
    local_subnet: str
    remote_subnet: str
    effect_immediately: bool
    auto_config_route: bool
    tunnels: list[TunnelConfig]
    dual_tunnel: bool
    bgp_enabled: bool
    health_check: HealthCheck
    created: float
    ready_at: float
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def customer_gateway_id(self) -> str:
        return self.tunnels[0].customer_gateway_id

    @property
    def configured(self) -> bool:
        """The gateway runs the connection once the ``updating`` that created it is over."""
        return now() >= self.ready_at


@dataclass
class VpnRouteEntry:
    """A destination-based route of a VPN gateway (next hop: an IPsec connection)."""

    vpn_gateway_id: str
    route_dest: str
    next_hop: str
    weight: int
    publish_vpc: bool
    overlay_mode: str
    description: str
    created: float
    ready_at: float

    @property
    def state(self) -> str:
        return "published" if self.publish_vpc else "normal"

    @property
    def configured(self) -> bool:
        return now() >= self.ready_at


# --------------------------------------------------------------------------- the region store


@dataclass
class AlibabaState:
    """Every resource of the emulated account, guarded by one lock (calls are short)."""

    lock: threading.RLock = field(default_factory=threading.RLock)
    vpcs: dict[str, Vpc] = field(default_factory=dict)
    vswitches: dict[str, VSwitch] = field(default_factory=dict)
    route_entries: dict[str, RouteEntry] = field(default_factory=dict)
    instances: dict[str, LabInstance] = field(default_factory=dict)
    vpn_gateways: dict[str, VpnGateway] = field(default_factory=dict)
    customer_gateways: dict[str, CustomerGateway] = field(default_factory=dict)
    vpn_connections: dict[str, VpnConnection] = field(default_factory=dict)
    vpn_route_entries: list[VpnRouteEntry] = field(default_factory=list)
    answered_tokens: dict[tuple[str, str], dict] = field(default_factory=dict)  # ClientToken idempotence

    # Lookups raise the API's not-found errors; a resource of another region is not found.

    def vpc(self, region: str, vpc_id: str) -> Vpc:
        found = self.vpcs.get(vpc_id)
        if found is None or found.region != region:
            raise errors.vpc_not_found()
        return found

    def vswitch(self, region: str, vswitch_id: str) -> VSwitch:
        found = self.vswitches.get(vswitch_id)
        if found is None or found.region != region:
            raise errors.vswitch_not_found()
        return found

    def vpc_of_route_table(self, region: str, route_table_id: str) -> Vpc:
        for vpc in self.vpcs.values():
            if vpc.route_table_id == route_table_id and vpc.region == region:
                return vpc
        raise errors.route_table_not_found()

    def vpn_gateway(self, region: str, gateway_id: str) -> VpnGateway:
        found = self.vpn_gateways.get(gateway_id)
        if found is None or found.region != region:
            raise errors.vpn_gateway_not_found()
        return found

    def customer_gateway(self, region: str, gateway_id: str) -> CustomerGateway:
        found = self.customer_gateways.get(gateway_id)
        if found is None or found.region != region:
            raise errors.customer_gateway_not_found()
        return found

    def vpn_connection(self, region: str, connection_id: str) -> VpnConnection:
        found = self.vpn_connections.get(connection_id)
        if found is None or found.region != region:
            raise errors.vpn_connection_not_found()
        return found

    def instance(self, region: str, instance_id: str) -> LabInstance:
        found = self.instances.get(instance_id)
        if found is None or found.region != region:
            raise errors.instance_not_found()
        return found

    # Relations

    def vswitches_of(self, vpc_id: str) -> list[VSwitch]:
        return [vswitch for vswitch in self.vswitches.values() if vswitch.vpc_id == vpc_id]

    def route_entries_of(self, route_table_id: str) -> list[RouteEntry]:
        return [entry for entry in self.route_entries.values() if entry.route_table_id == route_table_id]

    def instances_in(self, vswitch_id: str) -> list[LabInstance]:
        return [instance for instance in self.instances.values() if instance.vswitch_id == vswitch_id]

    def connections_of(self, gateway_id: str) -> list[VpnConnection]:
        return [connection for connection in self.vpn_connections.values() if connection.vpn_gateway_id == gateway_id]

    def vpn_routes_of(self, gateway_id: str) -> list[VpnRouteEntry]:
        return [route for route in self.vpn_route_entries if route.vpn_gateway_id == gateway_id]

    def gateways_in(self, vpc_id: str) -> list[VpnGateway]:
        return [gateway for gateway in self.vpn_gateways.values() if gateway.vpc_id == vpc_id]
