"""Topology -> the namespaces, links, routes, rules and daemons that realise it (pure).

The plan is data: it holds rendered configuration text and names but touches nothing, so it can
be unit-tested without root. The realizer compares it with what it applied before and changes
only the difference.

Shape of the lab (see docs in realizer.py):

    host ns (eth0) --bridge lan0-- router ns --vpc0/gXXXX (198.18.x.x/30)-- gateway ns --wan0-- inet ns (br0)
                                   router ns --wan0 (public IPs, 1:1 NAT)----------------------- inet ns
"""
from __future__ import annotations

import ipaddress
from collections import defaultdict
from dataclasses import dataclass, field, replace

from . import naming, timers
from .layout import Layout
from .model import Gateway, Host, NatGateway, Network, Route, Topology, TransitGateway, Tunnel
from .render import bird as bird_render
from .render import iptables as ipt
from .render import strongswan as ss
from .validate import PUBLIC_GATEWAY_IPS, TopologyError, charon_units, first_usable, subnet_gateway, validate

__all__ = ["Plan", "TopologyError", "build_plan"]  # TopologyError is raised here and caught by callers

# Every route the realizer installs carries this protocol number, so reconciliation can tell its
# own routes from the kernel's, charon's (static), BIRD's (bird) and those a role added by hand.
ROUTE_PROTO = 77  # unassigned in iproute2's rt_protos, so `ip route` prints the number
TUN_PREFIX = "tun:"  # a route device resolved at apply time to the tunnel's ipsecN
# Policy rules the realizer owns (``ip rule`` priorities) and the routing tables they select:
# a transit gateway's route tables, and the route tables of NAT gateways' subnets in a router.
RULE_PRIORITY_FIRST, RULE_PRIORITY_LAST = 1000, 1999
ROUTE_TABLE_BASE = 100  # below the 220+ tables charon uses in gateway namespaces
UNASSOCIATED_TABLE = 99  # an attachment without a route table: everything is dropped

ROUTER_SYSCTLS = (
    ("net.ipv4.ip_forward", "1"),
    ("net.ipv4.conf.all.rp_filter", "0"),
    ("net.ipv4.conf.default.rp_filter", "0"),
    ("net.ipv4.conf.all.send_redirects", "0"),
    ("net.ipv4.conf.default.send_redirects", "0"),
    ("net.ipv4.fib_multipath_hash_policy", "1"),
)


@dataclass(frozen=True)
class Nexthop:
    via: str | None = None
    dev: str | None = None  # "tun:<tunnel id>" stands for that tunnel's TUN device
    # Tunnels behind this hop (a VPN gateway namespace): like the clouds, the lab sends static
    # routes only over gateways whose tunnels are up, as long as one is.
    tunnels: tuple[str, ...] = ()


@dataclass(frozen=True)
class RouteSpec:
    destination: str
    nexthops: tuple[Nexthop, ...] = ()
    blackhole: bool = False
    note: str = ""  # why a route is a blackhole
    table: int | None = None  # None: the main table


@dataclass(frozen=True)
class VethSpec:
    ns_a: str
    if_a: str
    ns_b: str
    if_b: str
    mac_a: str
    mac_b: str
    bridge_a: str | None = None
    bridge_b: str | None = None

    @property
    def key(self) -> str:
        return f"{self.ns_a}/{self.if_a}"


@dataclass(frozen=True)
class NamespaceSpec:
    name: str
    role: str  # "inet" | "router" | "host" | "gateway"
    owner: str  # network, host or gateway id ("" for the internet)
    bridges: tuple[str, ...] = ()
    addresses: tuple[tuple[str, str], ...] = ()  # (ifname, address/prefix)
    sysctls: tuple[tuple[str, str], ...] = ()
    routes: tuple[RouteSpec, ...] = ()
    iptables: str | None = None  # iptables-restore text; None: the namespace's rules are not ours
    rules: tuple[tuple[int, str, int], ...] = ()  # policy rules: (priority, selector, table)


@dataclass(frozen=True)
class CharonSpec:
    key: str
    namespace: str
    index: int
    directory: str
    vici_socket: str
    log_path: str
    strongswan_conf: str
    swanctl_conf: str
    tunnel_ids: tuple[str, ...]
    inside: tuple[tuple[str, str], ...] = ()  # (tunnel id, inside address/prefix) on its TUN
    initiates: bool = False


@dataclass(frozen=True)
class BirdSpec:
    key: str
    namespace: str
    role: str  # "gateway" | "router"
    directory: str
    socket: str
    log_path: str
    conf: str


@dataclass(frozen=True)
class TunnelPlacement:
    tunnel: Tunnel
    gateway_id: str
    cloud: str
    namespace: str
    charon_key: str | None  # None while the tunnel is disabled
    conn_name: str
    child_names: tuple[str, ...]
    bird_key: str | None = None
    bgp_protocol: str | None = None


@dataclass
class Plan:
    namespaces: dict[str, NamespaceSpec] = field(default_factory=dict)
    veths: dict[str, VethSpec] = field(default_factory=dict)
    charons: dict[str, CharonSpec] = field(default_factory=dict)
    birds: dict[str, BirdSpec] = field(default_factory=dict)
    tunnels: dict[str, TunnelPlacement] = field(default_factory=dict)
    hosts: dict[str, str] = field(default_factory=dict)  # host id -> namespace
    gateway_namespaces: dict[str, tuple[str, ...]] = field(default_factory=dict)
    transit: dict[str, int] = field(default_factory=dict)  # link key -> /30 index in the pool
    nat_gateways: dict[str, str] = field(default_factory=dict)  # NAT gateway id -> namespace
    transit_gateways: dict[str, str] = field(default_factory=dict)  # transit gateway id -> namespace
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class TransitLink:
    router_if: str
    router_ip: str
    gateway_ip: str
    prefix: int = 30


def build_plan(topology: Topology, names: naming.Names, layout: Layout, profile: str,
               previous_transit: dict[str, int] | None = None) -> Plan:
    """The whole lab for ``topology``; ``previous_transit`` keeps link addresses stable."""
    validate(topology)
    return _PlanBuilder(topology, names, layout, timers.check_profile(profile), previous_transit or {}).build()


# --------------------------------------------------------------------------- helpers

def transit_link(index: int, gateway_namespace: str) -> TransitLink:
    return _pool_link(index, naming.router_gateway_port(gateway_namespace))


def attachment_link(index: int, attachment_id: str) -> TransitLink:
    """A network router's /30 towards a transit gateway: ``gateway_ip`` is the transit gateway's."""
    return _pool_link(index, naming.router_attachment_port(attachment_id))


def _pool_link(index: int, router_if: str) -> TransitLink:
    base = naming.TRANSIT_POOL.network_address + 4 * index
    if base + 3 > naming.TRANSIT_POOL.broadcast_address:
        raise TopologyError("the lab's transit pool is exhausted")
    return TransitLink(router_if, str(base + 1), str(base + 2))


def allocate_transit(keys: list[str], previous: dict[str, int]) -> dict[str, int]:
    """Stable /30 indexes: a link keeps its index; new links take the lowest free ones."""
    kept = {k: previous[k] for k in keys if k in previous}
    used = set(kept.values())
    free = (i for i in range(naming.TRANSIT_POOL.num_addresses // 4) if i not in used)
    for key in sorted(k for k in keys if k not in kept):
        kept[key] = next(free)
    return kept


def conn_name(tunnel_id: str) -> str:
    return f"t{naming.short_hash(tunnel_id, 10)}"


def bgp_protocol_name(tunnel_id: str) -> str:
    return f"tun_{naming.short_hash(tunnel_id, 10)}"


def router_session_name(gateway_namespace: str) -> str:
    return f"gw_{naming.short_hash(gateway_namespace, 10)}"


def charon_ports(index: int) -> tuple[int, int]:
    """IKE and NAT-T ports of the index-th charon sharing one public address."""
    return (500, 4500) if index == 0 else (20000 + 2 * index, 20001 + 2 * index)


# --------------------------------------------------------------------------- builder

class _PlanBuilder:
    def __init__(self, topology: Topology, names: naming.Names, layout: Layout, profile: str,
                 previous_transit: dict[str, int]) -> None:
        self.topology = topology
        self.names = names
        self.layout = layout
        self.profile = profile
        self.previous_transit = previous_transit
        self.plan = Plan()
        self.networks = {n.id: n for n in topology.networks}
        self.hosts_by_network: dict[str, list[Host]] = defaultdict(list)
        for host in topology.hosts:
            self.hosts_by_network[host.network_id].append(host)
        self.gateways = {g.id: g for g in topology.gateways}
        self.links: dict[str, TransitLink] = {}  # gateway namespace -> its link to the router
        self.nat_gateways = {n.id: n for n in topology.nat_gateways}
        # (transit gateway id, network id) -> the router's link to the transit gateway
        self.attachment_links: dict[tuple[str, str], TransitLink] = {}
        self.gateway_asn: dict[str, int] = {}  # gateway namespace -> ASN its BIRD uses

    def build(self) -> Plan:
        self._allocate_transit()
        if self.topology.networks or self.topology.gateways:
            self._internet()
        for gateway in self.topology.gateways:
            self._gateway(gateway)
        for transit_gateway in self.topology.transit_gateways:
            self._transit_gateway(transit_gateway)
        for network in self.topology.networks:
            self._router(network)
        for host in self.topology.hosts:
            self._host(host)
        for nat_gateway in self.topology.nat_gateways:
            self._nat_gateway(nat_gateway)
        return self.plan

    # -- internet

    def _internet(self) -> None:
        name = self.names.inet()
        self.plan.namespaces[name] = NamespaceSpec(
            name=name, role="inet", owner="",
            bridges=(naming.INET_BRIDGE,),
            addresses=tuple((naming.INET_BRIDGE, f"{ip}/24") for ip in PUBLIC_GATEWAY_IPS),
            sysctls=ROUTER_SYSCTLS,
        )

    def _attach_to_internet(self, namespace: str) -> None:
        inet = self.names.inet()
        port = naming.inet_port(namespace)
        self._veth(VethSpec(
            ns_a=namespace, if_a=naming.WAN_IF, ns_b=inet, if_b=port,
            mac_a=naming.mac_for(namespace, naming.WAN_IF), mac_b=naming.mac_for(inet, port),
            bridge_b=naming.INET_BRIDGE,
        ))

    def _veth(self, spec: VethSpec) -> None:
        self.plan.veths[spec.key] = spec

    # -- transit links

    def _allocate_transit(self) -> None:
        keys = []
        for gateway in self.topology.gateways:
            router = self.names.router(gateway.network_id)
            keys += [f"{router}|{self.names.gateway(gateway.id, ip)}" for ip in gateway.public_ips]
        attachments = {}  # link key -> (transit gateway id, attachment)
        for transit_gateway in self.topology.transit_gateways:
            tgw_ns = self.names.transit_gateway(transit_gateway.id)
            for attachment in transit_gateway.attachments:
                key = f"{self.names.router(attachment.network_id)}|{tgw_ns}|{attachment.id}"
                attachments[key] = (transit_gateway.id, attachment)
                keys.append(key)
        self.plan.transit = allocate_transit(keys, self.previous_transit)
        for key, index in self.plan.transit.items():
            if key in attachments:
                tgw_id, attachment = attachments[key]
                self.attachment_links[(tgw_id, attachment.network_id)] = attachment_link(index, attachment.id)
                continue
            gateway_ns = key.split("|", 1)[1]
            self.links[gateway_ns] = transit_link(index, gateway_ns)

    # -- gateways

    def _gateway(self, gateway: Gateway) -> None:
        network = self.networks[gateway.network_id]
        namespaces = []
        for address in gateway.public_ips:
            namespace = self.names.gateway(gateway.id, address)
            namespaces.append(namespace)
            self._gateway_namespace(gateway, network, address, namespace)
        self.plan.gateway_namespaces[gateway.id] = tuple(namespaces)

    def _gateway_namespace(self, gateway: Gateway, network: Network, address: str, namespace: str) -> None:
        router = self.names.router(network.id)
        link = self.links[namespace]
        self._attach_to_internet(namespace)
        self._veth(VethSpec(
            ns_a=namespace, if_a=naming.GATEWAY_TRANSIT_IF, ns_b=router, if_b=link.router_if,
            mac_a=naming.mac_for(namespace, naming.GATEWAY_TRANSIT_IF), mac_b=naming.mac_for(router, link.router_if),
        ))
        rules = ipt.RuleSet()
        units = charon_units(gateway, address)
        for index, (unit, tunnels) in enumerate(units):
            self._charon(gateway, namespace, index, unit, tunnels, rules)
        served_directly = [t.remote_address for t in (units[0][1] if units else []) if t.enabled]
        rules.filter += ipt.unserved_ike_rules(address, served_directly)
        routes = [RouteSpec("0.0.0.0/0", (Nexthop(via=naming.public_gateway_of(address), dev=naming.WAN_IF),))]
        routes += [RouteSpec(cidr, (Nexthop(via=link.router_ip, dev=naming.GATEWAY_TRANSIT_IF),)) for cidr in network.cidrs]
        routes += self._static_tunnel_routes(gateway, network, address)
        addresses = [(naming.WAN_IF, f"{address}/24"), (naming.GATEWAY_TRANSIT_IF, f"{link.gateway_ip}/{link.prefix}")]
        addresses += [("lo", a) for a in _local_source_addresses(gateway, network, address)]
        self.plan.namespaces[namespace] = NamespaceSpec(
            name=namespace, role="gateway", owner=gateway.id,
            addresses=tuple(addresses),
            sysctls=ROUTER_SYSCTLS,
            routes=tuple(routes),
            iptables=ipt.render_restore(rules),
        )
        self._gateway_bird(gateway, network, address, namespace)

    def _charon(self, gateway: Gateway, namespace: str, index: int, unit: str, tunnels: list[Tunnel],
                rules: ipt.RuleSet) -> None:
        route_based = unit != "policy"
        key = f"{namespace}#charon{index}"
        enabled = [t for t in tunnels if t.enabled]
        connections = [ss.SwanctlConnection(conn_name(t.id), t, timers.dpd_delay(self.profile, t)) for t in tunnels]
        for conn in connections:
            self.plan.tunnels[conn.tunnel.id] = TunnelPlacement(
                tunnel=conn.tunnel, gateway_id=gateway.id, cloud=gateway.cloud, namespace=namespace,
                charon_key=key if conn.tunnel.enabled else None, conn_name=conn.name,
                child_names=tuple(ss.child_names(conn)),
            )
        if not enabled:
            return
        port, port_nat_t = charon_ports(index)
        if index > 0:
            for tunnel in enabled:
                rules.nat += ipt.port_mux_rules(tunnel.local_address, tunnel.remote_address, port, port_nat_t)
        directory = self.layout.charon_dir(namespace, index)
        settings = ss.CharonSettings(
            vici_socket=str(self.layout.vici_socket(key)),
            log_path=str(directory / "charon.log"),
            retransmit=timers.ike_retransmit(self.profile),
            port=port, port_nat_t=port_nat_t,
            routing_table=220 + index,
            # Route-based charons install 0/0 via their TUN: look at that table only after main.
            routing_table_prio=32800 + index if route_based else 220,
            interfaces_use=naming.WAN_IF if route_based else None,
        )
        inside = tuple(
            (t.id, f"{t.inside_address}/{t.inside_prefix_length}") for t in enabled if route_based and t.inside_address
        )
        self.plan.charons[key] = CharonSpec(
            key=key, namespace=namespace, index=index, directory=str(directory),
            vici_socket=settings.vici_socket, log_path=settings.log_path,
            strongswan_conf=ss.render_strongswan_conf(settings),
            swanctl_conf=ss.render_swanctl_conf([c for c in connections if c.tunnel.enabled]),
            tunnel_ids=tuple(t.id for t in enabled), inside=inside,
            initiates=any(t.initiate for t in enabled),
        )

    def _static_tunnel_routes(self, gateway: Gateway, network: Network, address: str) -> list[RouteSpec]:
        """Route-based tunnels without BGP carry the network's routes that point at this gateway."""
        static = [t for t in gateway.tunnels
                  if t.local_address == address and t.route_based and t.enabled and t.bgp is None]
        if not static:
            return []
        hops = tuple(Nexthop(dev=f"{TUN_PREFIX}{t.id}") for t in sorted(static, key=lambda t: t.id))
        return [RouteSpec(r.destination, hops) for r in network.routes
                if r.target_kind == "vpn_gateway" and r.target_id == gateway.id]

    def _gateway_bird(self, gateway: Gateway, network: Network, address: str, namespace: str) -> None:
        bgp_tunnels = sorted((t for t in gateway.tunnels if t.local_address == address and t.bgp is not None),
                             key=lambda t: t.id)
        if not bgp_tunnels:
            return
        key = f"{namespace}#bird"
        bgp_timers = timers.bgp_timers(self.profile, gateway.cloud)
        sessions, advertised = [], []
        for tunnel in bgp_tunnels:
            peer = tunnel.bgp
            assert peer is not None
            exported = peer.advertise or network.cidrs
            advertised += [p for p in exported if p not in advertised]
            name = bgp_protocol_name(tunnel.id)
            sessions.append(bird_render.BgpSession(
                name=name, local_address=peer.local_address, local_asn=peer.local_asn,
                neighbor=peer.peer_address, peer_asn=peer.peer_asn, timers=bgp_timers,
                export_prefixes=tuple(exported), passive=peer.passive, disabled=not tunnel.enabled,
            ))
            placement = self.plan.tunnels[tunnel.id]
            self.plan.tunnels[tunnel.id] = replace(placement, bird_key=key, bgp_protocol=name)
        asn = bgp_tunnels[0].bgp.local_asn if bgp_tunnels[0].bgp else gateway.asn or 0
        self.gateway_asn[namespace] = asn
        if gateway.id in network.propagate_from:
            link = self.links[namespace]
            sessions.append(bird_render.BgpSession(
                name=bird_render.VPC_SESSION, local_address=link.gateway_ip, local_asn=asn,
                neighbor=link.router_ip, peer_asn=_router_asn(asn), timers=timers.internal_bgp_timers(),
                export_learned=True, import_routes=False,
            ))
        directory = self.layout.bird_dir(namespace)
        log_path = str(directory / "bird.log")
        self.plan.birds[key] = BirdSpec(
            key=key, namespace=namespace, role="gateway", directory=str(directory),
            socket=str(self.layout.bird_socket(key)), log_path=log_path,
            conf=bird_render.render_gateway_bird(address, log_path, tuple(advertised), sessions),
        )

    # -- routers

    def _router(self, network: Network) -> None:
        name = self.names.router(network.id)
        hosts = sorted(self.hosts_by_network[network.id], key=lambda h: h.id)
        public_hosts = [h for h in hosts if h.public_ip]
        nat_gateways = [n for n in self.topology.nat_gateways if n.network_id == network.id]
        addresses = [(naming.LAN_BRIDGE, a) for a in _router_lan_addresses(network, hosts, nat_gateways)]
        rules = ipt.RuleSet()
        routes: list[RouteSpec] = []
        if public_hosts:
            self._attach_to_internet(name)
            addresses += [(naming.WAN_IF, f"{h.public_ip}/24") for h in public_hosts]
            routes += _public_range_routes([h.public_ip for h in public_hosts if h.public_ip])
        for host in hosts:
            host_ns = self.names.host(host.id)
            if host.public_ip:
                rules.nat += ipt.one_to_one_nat_rules(host.public_ip, host.private_ip, naming.WAN_IF)
            if host.source_dest_check:
                rules.filter += ipt.source_check_rules(naming.mac_for(host_ns, naming.HOST_IF), host.private_ip)
        for gateway in self.topology.gateways:
            if gateway.network_id == network.id:
                for gateway_ns in self.plan.gateway_namespaces[gateway.id]:
                    link = self.links[gateway_ns]
                    addresses.append((link.router_if, f"{link.router_ip}/{link.prefix}"))
        for (_tgw_id, network_id), link in sorted(self.attachment_links.items()):
            if network_id == network.id:
                addresses.append((link.router_if, f"{link.router_ip}/{link.prefix}"))
        routes += self._table_routes(network, network.routes, bool(public_hosts))
        policy_rules = []
        for index, nat in enumerate(sorted(nat_gateways, key=lambda n: n.id)):
            if not nat.routes:
                continue  # what it translated follows the network's own routes
            table = ROUTE_TABLE_BASE + index
            routes += [replace(r, table=table) for r in self._table_routes(network, nat.routes, bool(public_hosts))]
            # What the NAT gateway sends after translation follows its own subnet's route table.
            policy_rules.append((RULE_PRIORITY_FIRST + index, f"from {nat.private_ip}/32 iif {naming.LAN_BRIDGE}", table))
        self.plan.notes += [f"{network.id}: route {r.destination} is a blackhole: {r.note}"
                            for r in routes if r.blackhole]
        self.plan.namespaces[name] = NamespaceSpec(
            name=name, role="router", owner=network.id,
            bridges=(naming.LAN_BRIDGE,),
            addresses=tuple(addresses),
            sysctls=ROUTER_SYSCTLS,
            routes=tuple(routes),
            iptables=ipt.render_restore(rules),
            rules=tuple(policy_rules),
        )
        self._router_bird(network, name)

    def _table_routes(self, network: Network, routes: tuple[Route, ...], has_wan: bool) -> list[RouteSpec]:
        return _merge_same_destination([self._network_route(network, route, has_wan) for route in routes
                                        if route.target_kind != "local"])

    def _network_route(self, network: Network, route: Route, has_wan: bool) -> RouteSpec:
        kind, target = route.target_kind, route.target_id
        if kind == "vpn_gateway":
            gateway_nss = self.plan.gateway_namespaces.get(target, ())
            if target not in self.gateways or self.gateways[target].network_id != network.id:
                return _blackhole(route, f"gateway {target} is not attached to {network.id}")
            tunnels = tuple(tunnel.id for tunnel in self.gateways[target].tunnels if tunnel.enabled)
            hops = tuple(Nexthop(via=self.links[ns].gateway_ip, dev=self.links[ns].router_if, tunnels=tunnels) for ns in gateway_nss)
            return RouteSpec(route.destination, hops)
        if kind == "instance":
            host = next((h for h in self.hosts_by_network[network.id] if h.id == target), None)
            if host is None:
                return _blackhole(route, f"instance {target} is not in {network.id}")
            if host.source_dest_check:
                # The cloud drops what is routed through an instance that checks source/dest.
                return _blackhole(route, f"instance {target} has source/dest check on")
            return RouteSpec(route.destination, (Nexthop(via=host.private_ip, dev=naming.LAN_BRIDGE),))
        if kind == "internet":
            if not has_wan:
                return _blackhole(route, "no instance in this network has a public address")
            first_public = next(h.public_ip for h in self.hosts_by_network[network.id] if h.public_ip)
            assert first_public is not None
            return RouteSpec(route.destination,
                             (Nexthop(via=naming.public_gateway_of(first_public), dev=naming.WAN_IF),))
        if kind == "nat_gateway":
            nat = self.nat_gateways.get(target)
            if nat is None or nat.network_id != network.id:
                return _blackhole(route, f"NAT gateway {target} is not in {network.id}")
            return RouteSpec(route.destination, (Nexthop(via=nat.private_ip, dev=naming.LAN_BRIDGE),))
        if kind == "transit_gateway":
            link = self.attachment_links.get((target, network.id))
            if link is None:
                return _blackhole(route, f"transit gateway {target} has no attachment to {network.id}")
            return RouteSpec(route.destination, (Nexthop(via=link.gateway_ip, dev=link.router_if),))
        return _blackhole(route, f"target kind {kind!r} is not realised by the lab yet")

    # -- transit gateways

    def _transit_gateway(self, transit_gateway: TransitGateway) -> None:
        """One router namespace: a leg per attachment, a routing table per route table, and a
        policy rule per attachment choosing the table associated with it."""
        name = self.names.transit_gateway(transit_gateway.id)
        tables = {rt.id: ROUTE_TABLE_BASE + i for i, rt in enumerate(transit_gateway.route_tables)}
        legs = {}  # attachment id -> (our interface, the router's address on the link)
        addresses, policy_rules = [], []
        for index, attachment in enumerate(transit_gateway.attachments):
            link = self.attachment_links[(transit_gateway.id, attachment.network_id)]
            router = self.names.router(attachment.network_id)
            port = naming.transit_gateway_port(attachment.id)
            self._veth(VethSpec(
                ns_a=name, if_a=port, ns_b=router, if_b=link.router_if,
                mac_a=naming.mac_for(name, port), mac_b=naming.mac_for(router, link.router_if),
            ))
            legs[attachment.id] = (port, link.router_ip)
            addresses.append((port, f"{link.gateway_ip}/{link.prefix}"))
            policy_rules.append((RULE_PRIORITY_FIRST + index, f"iif {port}",
                                 tables.get(attachment.route_table_id, UNASSOCIATED_TABLE)))
        routes = [RouteSpec("0.0.0.0/0", blackhole=True, table=UNASSOCIATED_TABLE,
                            note="attachment without an associated route table")]
        for route_table in transit_gateway.route_tables:
            routes += self._tgw_table_routes(transit_gateway, route_table.routes, legs, tables[route_table.id])
        self.plan.notes += [f"{transit_gateway.id}: route {r.destination} (table {r.table}) is a blackhole: {r.note}"
                            for r in routes if r.blackhole and r.table != UNASSOCIATED_TABLE]
        self.plan.namespaces[name] = NamespaceSpec(
            name=name, role="tgw", owner=transit_gateway.id,
            addresses=tuple(addresses),
            sysctls=ROUTER_SYSCTLS,
            routes=tuple(routes),
            iptables=None,
            rules=tuple(policy_rules),
        )
        self.plan.transit_gateways[transit_gateway.id] = name

    @staticmethod
    def _tgw_table_routes(transit_gateway: TransitGateway, routes: tuple[Route, ...],
                          legs: dict[str, tuple[str, str]], table: int) -> list[RouteSpec]:
        specs: dict[str, RouteSpec] = {}
        for route in routes:
            leg = legs.get(route.target_id) if route.target_kind == "attachment" else None
            if leg is not None:
                specs.setdefault(route.destination, RouteSpec(
                    route.destination, (Nexthop(via=leg[1], dev=leg[0]),), table=table))
            else:
                why = "blackhole route" if route.target_kind == "blackhole" else \
                    f"{route.target_kind} {route.target_id} is not an attachment of {transit_gateway.id}"
                specs.setdefault(route.destination, replace(_blackhole(route, why), table=table))
        # A destination the table has no route for is dropped, not looked up in the main table.
        specs.setdefault("0.0.0.0/0", RouteSpec("0.0.0.0/0", blackhole=True, table=table, note="no route"))
        return list(specs.values())

    # -- NAT gateways

    def _nat_gateway(self, nat: NatGateway) -> None:
        """A namespace on its network's bridge that SNATs all it forwards to its own private address."""
        name = self.names.nat_gateway(nat.id)
        self._lan_port(name, nat.network_id, nat.id)
        rules = ipt.RuleSet(nat=ipt.private_nat_rules(nat.private_ip, naming.HOST_IF))
        gateway = first_usable(f"{nat.private_ip}/{nat.subnet_prefix_length}")
        self.plan.namespaces[name] = NamespaceSpec(
            name=name, role="nat", owner=nat.id,
            addresses=((naming.HOST_IF, f"{nat.private_ip}/{nat.subnet_prefix_length}"),),
            sysctls=ROUTER_SYSCTLS,
            routes=(RouteSpec("0.0.0.0/0", (Nexthop(via=gateway, dev=naming.HOST_IF),)),),
            iptables=ipt.render_restore(rules),
        )
        self.plan.nat_gateways[nat.id] = name

    def _router_bird(self, network: Network, name: str) -> None:
        sessions = []
        for gateway_id in network.propagate_from:
            for gateway_ns in self.plan.gateway_namespaces.get(gateway_id, ()):
                if gateway_ns not in self.gateway_asn or self.gateways[gateway_id].network_id != network.id:
                    continue
                link = self.links[gateway_ns]
                asn = self.gateway_asn[gateway_ns]
                sessions.append(bird_render.BgpSession(
                    name=router_session_name(gateway_ns), local_address=link.router_ip, local_asn=_router_asn(asn),
                    neighbor=link.gateway_ip, peer_asn=asn, timers=timers.internal_bgp_timers(),
                ))
        if not sessions:
            return
        key = f"{name}#bird"
        directory = self.layout.bird_dir(name)
        log_path = str(directory / "bird.log")
        self.plan.birds[key] = BirdSpec(
            key=key, namespace=name, role="router", directory=str(directory),
            socket=str(self.layout.bird_socket(key)), log_path=log_path,
            conf=bird_render.render_router_bird(sessions[0].local_address, log_path, sessions),
        )

    # -- hosts

    def _lan_port(self, namespace: str, network_id: str, owner_id: str) -> None:
        """Plug ``namespace`` (an instance or a NAT gateway) into its network router's LAN bridge."""
        router = self.names.router(network_id)
        port = naming.router_host_port(owner_id)
        self._veth(VethSpec(
            ns_a=namespace, if_a=naming.HOST_IF, ns_b=router, if_b=port,
            mac_a=naming.mac_for(namespace, naming.HOST_IF), mac_b=naming.mac_for(router, port),
            bridge_b=naming.LAN_BRIDGE,
        ))

    def _host(self, host: Host) -> None:
        name = self.names.host(host.id)
        self._lan_port(name, host.network_id, host.id)
        self.plan.namespaces[name] = NamespaceSpec(
            name=name, role="host", owner=host.id,
            addresses=((naming.HOST_IF, f"{host.private_ip}/{host.prefix_length}"),),
            routes=(RouteSpec("0.0.0.0/0", (Nexthop(via=subnet_gateway(host), dev=naming.HOST_IF),)),),
        )
        self.plan.hosts[host.id] = name


def _merge_same_destination(routes: list[RouteSpec]) -> list[RouteSpec]:
    """One route per destination: several routes to one prefix (an AWS VGW's two tunnel endpoints
    each carry the VPC's static route) become one route over all their next hops."""
    merged: dict[str, RouteSpec] = {}
    for route in routes:
        earlier = merged.get(route.destination)
        if earlier is None or earlier.blackhole:
            merged[route.destination] = route
        elif not route.blackhole:
            hops = earlier.nexthops + tuple(hop for hop in route.nexthops if hop not in earlier.nexthops)
            merged[route.destination] = RouteSpec(route.destination, hops)
    return list(merged.values())


def _local_source_addresses(gateway: Gateway, network: Network, address: str) -> list[str]:
    """An address inside each local traffic selector the gateway's tunnels may install.

    kernel-libipsec routes a policy's remote subnet through its TUN with a source address taken
    from the local selector and refuses the CHILD_SA when the namespace has none ("error
    installing route with policy"). The gateway namespace sits outside the VPC, so it gets the
    selector's first address (a VPC's router address, as on a cloud gateway) as a /32 on lo.
    A route-based tunnel's 0.0.0.0/0 selector needs none, unless a policy-based peer narrows it
    to the VPC's CIDRs: so route-based tunnels get the network's CIDRs' first addresses.
    """
    found: list[str] = []
    for tunnel in gateway.tunnels:
        if tunnel.local_address != address or not tunnel.enabled:
            continue
        selectors = network.cidrs if tunnel.route_based else tunnel.local_ts
        for selector in selectors:
            net = ipaddress.ip_network(selector, strict=False)
            if net.prefixlen == 0:
                continue  # any address matches 0/0 already
            candidate = f"{first_usable(selector)}/32"
            if candidate not in found:
                found.append(candidate)
    return found


def _router_lan_addresses(network: Network, hosts: list[Host], nat_gateways: list[NatGateway] | None = None) -> list[str]:
    """The first usable address of each CIDR, plus each instance's (and NAT gateway's) subnet gateway address."""
    wanted: dict[str, str] = {}
    for cidr in network.cidrs:
        net = ipaddress.ip_network(cidr)
        wanted.setdefault(first_usable(cidr), f"{first_usable(cidr)}/{net.prefixlen}")
    for host in hosts:
        gw = subnet_gateway(host)
        wanted.setdefault(gw, f"{gw}/{host.prefix_length}")
    for nat in nat_gateways or ():
        gw = first_usable(f"{nat.private_ip}/{nat.subnet_prefix_length}")
        wanted.setdefault(gw, f"{gw}/{nat.subnet_prefix_length}")
    return list(wanted.values())


def _public_range_routes(public_ips: list[str]) -> list[RouteSpec]:
    """The whole lab internet is the two documentation /24s; reach the one not on our wan0."""
    connected = {str(ipaddress.ip_network(f"{ip}/24", strict=False)) for ip in public_ips}
    via = naming.public_gateway_of(public_ips[0])
    return [RouteSpec(str(net), (Nexthop(via=via, dev=naming.WAN_IF),))
            for net in naming.PUBLIC_RANGES if str(net) not in connected]


def _blackhole(route: Route, why: str) -> RouteSpec:
    return RouteSpec(route.destination, blackhole=True, note=why)


def _router_asn(gateway_asn: int) -> int:
    return naming.ROUTER_ASN if gateway_asn != naming.ROUTER_ASN else naming.ROUTER_ASN + 1
