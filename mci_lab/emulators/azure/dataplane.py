"""What the Azure resources ask the lab data plane to run (mci_lab.dataplane.model).

One Network per virtual network, one Host per network interface, and one Gateway per gateway
*instance* (an active-active gateway has two), each with one Tunnel per connection: as in Azure,
both instances build a tunnel to every local network gateway. The instance whose custom APIPA
address shares a /30 with the peer's BGP address runs the BGP session; on the other instance
the peer stays "Connecting" (seed 002's BGP peer tables), and the lab lists that tunnel disabled:
the peer, set up for the other instance's address, would never complete it.

Lab simplifications: user routes of every route table associated with a subnet apply to the
whole virtual network (one router namespace per VNet); a route to the gateway is listed once
per instance (ECMP over both instances, like the effective routes in seed 002).
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from mci_lab.collection import import_module_utils
from mci_lab.dataplane.model import BgpPeer, Gateway, Host, Network, Route, Topology, Tunnel
from mci_lab.emulators.azure.kinds import ref_id, same_id
from mci_lab.emulators.azure.network import subnet_prefix
from mci_lab.emulators.azure.store import Record
from mci_lab.emulators.azure.vpn import (
    GatewayInstance,
    gateway_asn,
    gateway_instances,
    ipsec_policy_proposal,
    is_link_local,
)

cloud_facts = import_module_utils("cloud_facts")

ALL_TRAFFIC = "0.0.0.0/0"
UNNUMBERED_TUNNEL_POOL = ipaddress.IPv4Network("169.254.250.0/24")


def network_id(virtual_network: Record) -> str:
    return f"azure/{virtual_network.name}"


def host_id(interface: Record) -> str:
    return f"azure/{interface.name}"


def instance_id(gateway: Record, instance: GatewayInstance) -> str:
    return f"azure/{gateway.name}/{instance.index}"


def tunnel_id(gateway: Record, instance: GatewayInstance, connection: Record) -> str:
    return f"azure/{gateway.name}/{instance.index}/{connection.name}"


def is_running(record: Record, now: float) -> bool:
    """Provisioned at least once and not being deleted: the cloud runs it."""
    return record.gone_at is None and now >= record.first_ready_at


# --------------------------------------------------------------------------- tunnel plan


@dataclass(frozen=True)
class PlannedTunnel:
    """One (instance, connection) pair: the facts both the data plane and the status reads need."""

    id: str
    gateway: Record
    instance: GatewayInstance
    connection: Record
    local_gateway: Record
    bgp_local_address: str | None  # None: BGP enabled but no local address pairs with the peer
    bgp_peer_address: str = ""
    bgp_peer_asn: int = 0

    @property
    def bgp_enabled(self) -> bool:
        return bool(self.connection.properties.get("enableBgp"))

    @property
    def apipa_bgp(self) -> bool:
        return self.bgp_enabled and is_link_local(self.bgp_peer_address)


def planned_tunnels(cloud, gateway: Record, now: float) -> list[PlannedTunnel]:
    """Every tunnel the gateway's instances run, connection by connection."""
    planned = []
    for connection in cloud.store.live("connections"):
        if not same_id(ref_id(connection.properties.get("virtualNetworkGateway1")), gateway.id) or not is_running(connection, now):
            continue
        local_gateway = cloud.store.get_live(ref_id(connection.properties.get("localNetworkGateway2")))
        if local_gateway is None:
            continue
        for instance in gateway_instances(cloud, gateway):
            planned.append(_plan_one(gateway, instance, connection, local_gateway))
    return planned


def _plan_one(gateway: Record, instance: GatewayInstance, connection: Record, local_gateway: Record) -> PlannedTunnel:
    identifier = tunnel_id(gateway, instance, connection)
    bgp = local_gateway.properties.get("bgpSettings") or {}
    if not connection.properties.get("enableBgp") or not bgp:
        return PlannedTunnel(identifier, gateway, instance, connection, local_gateway, None)
    peer = bgp["bgpPeeringAddress"]
    return PlannedTunnel(identifier, gateway, instance, connection, local_gateway,
                         bgp_local_address(instance, connection, peer), peer, int(bgp["asn"]))


def bgp_local_address(instance: GatewayInstance, connection: Record, peer: str) -> str | None:
    """The address this instance speaks BGP from towards ``peer``.

    A connection may pin one custom APIPA address per ip configuration; otherwise Azure uses the
    instance's custom APIPA address in the same /30 as an APIPA peer (None when there is none:
    that peer never connects on this instance), and the default BGP IP for any other peer.
    A pinned address outside an APIPA peer's /30 never reaches that peer either (the peer is set
    up for the other instance, seed 002's "Connecting" rows): None too, so the instance does not
    put a second copy of that address, with its /30, on another tunnel.
    """
    peer_net = ipaddress.IPv4Network(f"{peer}/{cloud_facts.INSIDE_PREFIX_LENGTH}", strict=False)

    def pairs_with_peer(address: str) -> bool:
        return ipaddress.IPv4Address(address) in peer_net and address != peer

    for entry in connection.properties.get("gatewayCustomBgpIpAddresses") or []:
        if same_id(entry.get("ipConfigurationId", ""), instance.ip_configuration_id):
            pinned = entry["customBgpIpAddress"]
            return pinned if not is_link_local(peer) or pairs_with_peer(pinned) else None
    if not is_link_local(peer):
        return instance.private_ip
    return next((address for address in instance.custom_apipa if pairs_with_peer(address)), None)


# --------------------------------------------------------------------------- proposals


def default_proposals(ike_version: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Azure's default policy set: everything its gateway accepts without a custom policy.

    Built from IKE_CAPABILITIES["azure"] as a few multi-algorithm strongSwan proposals, strongest
    algorithms first (a full cross product would not fit an unfragmented IKE_SA_INIT).
    """
    capability = cloud_facts.IKE_CAPABILITIES["azure"]
    phase1, phase2 = capability["phase1"], capability["phase2"]
    ike = [_combined(phase1["encryption"], phase1["integrity"], phase1["dh_groups"], aead=False)]
    if ike_version == cloud_facts.AEAD_PHASE1_REQUIRES:
        ike.append(_combined(phase1["encryption"], phase1["integrity"], phase1["dh_groups"], aead=True, prf=True))
    groups = [group for group in phase2["pfs_groups"] if group is not None]
    esp = [
        _combined(phase2["encryption"], (), (), aead=True),
        _combined(phase2["encryption"], phase2["integrity"], (), aead=False),
        _combined(phase2["encryption"], (), groups, aead=True),
        _combined(phase2["encryption"], phase2["integrity"], groups, aead=False),
    ]
    return tuple(ike), tuple(esp)


def _combined(encryptions, integrities, groups, aead: bool, prf: bool = False) -> str:
    chosen = [name for name in cloud_facts.ENCRYPTION_STRENGTH
              if name in encryptions and (name in cloud_facts.AEAD_ENCRYPTIONS) == aead]
    hashes = [name for name in cloud_facts.INTEGRITY_STRENGTH if name in integrities]
    tokens = [cloud_facts.STRONGSWAN_ENCRYPTION_NAMES[name] for name in chosen]
    tokens += [("prf" if prf else "") + cloud_facts.STRONGSWAN_INTEGRITY_NAMES[name] for name in hashes]
    tokens += [cloud_facts.STRONGSWAN_DH_NAMES[group] for group in cloud_facts.DH_GROUP_STRENGTH if group in groups]
    return "-".join(tokens)


def connection_proposals(connection: Record) -> tuple[tuple[str, ...], tuple[str, ...], int, int]:
    """IKE proposals, ESP proposals, IKE and IPsec SA lifetimes of one connection."""
    properties = connection.properties
    version = cloud_facts.canonical_name("azure", "ike_version", properties.get("connectionProtocol", "IKEv2"))
    policies = properties.get("ipsecPolicies") or []
    if not policies:
        defaults = cloud_facts.IKE_CAPABILITIES["azure"]["defaults"]
        ike, esp = default_proposals(version)
        return ike, esp, defaults["phase1"]["lifetime"], defaults["phase2"]["lifetime"]
    proposal = ipsec_policy_proposal(policies[0], properties.get("connectionProtocol", "IKEv2"), connection.id)
    phase1, phase2 = proposal["phase1"], proposal["phase2"]
    ike = cloud_facts.strongswan_proposal(phase1["encryption"], phase1["integrity"], phase1["dh_group"])
    aead = phase2["encryption"] in cloud_facts.AEAD_ENCRYPTIONS
    esp = cloud_facts.strongswan_proposal(phase2["encryption"], None if aead else phase2["integrity"], phase2["pfs_group"])
    return (ike,), (esp,), phase1["lifetime"], phase2["lifetime"]


# --------------------------------------------------------------------------- topology


def topology(cloud, now: float) -> Topology:
    gateways_by_network: dict[str, list[str]] = {}
    gateways = []
    for gateway in cloud.store.live("virtualnetworkgateways"):
        if not is_running(gateway, now):
            continue
        virtual_network = gateway_network(cloud, gateway)
        if virtual_network is None:
            continue
        for model in gateway_models(cloud, gateway, virtual_network, now):
            gateways.append(model)
            gateways_by_network.setdefault(virtual_network.id.lower(), []).append(model.id)
    networks = tuple(
        network_model(cloud, virtual_network, gateways_by_network.get(virtual_network.id.lower(), []), now)
        for virtual_network in cloud.store.live("virtualnetworks") if is_running(virtual_network, now)
    )
    hosts = tuple(host for interface in cloud.store.live("networkinterfaces") if is_running(interface, now)
                  for host in [host_model(cloud, interface)] if host is not None)
    return Topology(networks=networks, hosts=hosts, gateways=tuple(gateways))


def gateway_network(cloud, gateway: Record) -> Record | None:
    entries = gateway.computed.get("subnet_ips") or []
    if not entries:
        return None
    return cloud.store.get_live(entries[0]["subnet"].rsplit("/subnets/", 1)[0])


def gateway_models(cloud, gateway: Record, virtual_network: Record, now: float) -> list[Gateway]:
    advertise = tuple(virtual_network.properties["addressSpace"]["addressPrefixes"])
    planned = planned_tunnels(cloud, gateway, now)
    asn = gateway_asn(gateway) if gateway.properties.get("enableBgp") else None
    models = []
    for instance in gateway_instances(cloud, gateway):
        mine = [tunnel for tunnel in planned if tunnel.instance.index == instance.index]
        slots = unnumbered_slots(mine)
        tunnels = tuple(tunnel_model(tunnel, advertise, slots.get(tunnel.id)) for tunnel in mine)
        models.append(Gateway(id=instance_id(gateway, instance), cloud="azure", network_id=network_id(virtual_network),
                              public_ips=(instance.public_ip,), tunnels=tunnels, asn=asn))
    return models


def is_policy_based(planned: PlannedTunnel) -> bool:
    return bool(planned.connection.properties.get("usePolicyBasedTrafficSelectors")) or \
        planned.gateway.properties.get("vpnType") == "PolicyBased"


def unnumbered_slots(planned: list[PlannedTunnel]) -> dict[str, str]:
    """Inside addresses for one instance's route-based tunnels without BGP.

    Azure's tunnel interfaces are unnumbered; the lab's need an address, so each such tunnel takes
    the first address of its own /30 of UNNUMBERED_TUNNEL_POOL (lab-only, outside Azure's APIPA
    range, so it never meets a /30 that carries BGP).
    """
    static = sorted((tunnel for tunnel in planned if not tunnel.bgp_enabled and not is_policy_based(tunnel)),
                    key=lambda tunnel: tunnel.connection.name)
    slots = list(UNNUMBERED_TUNNEL_POOL.subnets(new_prefix=cloud_facts.INSIDE_PREFIX_LENGTH))
    return {tunnel.id: str(next(slots[index].hosts())) for index, tunnel in enumerate(static)}


def tunnel_model(planned: PlannedTunnel, advertise: tuple[str, ...], unnumbered: str | None) -> Tunnel:
    properties = planned.connection.properties
    ike, esp, ike_lifetime, ipsec_lifetime = connection_proposals(planned.connection)
    policy_based = is_policy_based(planned)
    bgp, inside, inside_length, enabled = tunnel_addressing(planned, advertise, unnumbered, policy_based)
    mode = properties.get("connectionMode", "Default")
    return Tunnel(
        id=planned.id,
        local_address=planned.instance.public_ip,
        remote_address=planned.local_gateway.properties["gatewayIpAddress"],
        psk=planned.connection.computed["shared_key"],
        ike_version=1 if properties.get("connectionProtocol") == "IKEv1" else 2,
        ike_proposals=ike,
        esp_proposals=esp,
        ike_lifetime=ike_lifetime,
        ipsec_lifetime=ipsec_lifetime,
        # Azure never initiates when the session runs over APIPA addresses: the peer must (CLOUD_FACTS.md 1.2).
        initiate=mode == "InitiatorOnly" or (mode == "Default" and not planned.apipa_bgp),
        local_ts=advertise if policy_based else (ALL_TRAFFIC,),
        remote_ts=tuple(planned.local_gateway.properties["localNetworkAddressSpace"]["addressPrefixes"]) if policy_based
        else (ALL_TRAFFIC,),
        route_based=not policy_based,
        inside_address=inside,
        inside_prefix_length=inside_length,
        bgp=bgp,
        enabled=enabled,
    )


def tunnel_addressing(planned: PlannedTunnel, advertise: tuple[str, ...], unnumbered: str | None,
                      policy_based: bool) -> tuple[BgpPeer | None, str | None, int, bool]:
    """BGP peer, inside address and prefix length, and whether the tunnel runs at all."""
    apipa_length = cloud_facts.INSIDE_PREFIX_LENGTH
    if policy_based:
        return None, None, apipa_length, True
    if not planned.bgp_enabled:
        return None, unnumbered, apipa_length, True
    if planned.bgp_local_address is None:
        # No custom APIPA address of this instance pairs with the peer: the peer, set up for the
        # other instance, never completes this tunnel (seed 002's "Connecting" rows). The lab
        # keeps it in the model but does not run it; the address is the free end of the peer's /30.
        peer_net = ipaddress.IPv4Network(f"{planned.bgp_peer_address}/{apipa_length}", strict=False)
        free_end = next(str(host) for host in peer_net.hosts() if str(host) != planned.bgp_peer_address)
        return None, free_end, apipa_length, False
    apipa = planned.apipa_bgp
    # A non-APIPA peer is reached from the instance's default BGP IP, a /32 on the tunnel.
    length = apipa_length if apipa else 32
    bgp = BgpPeer(local_asn=gateway_asn(planned.gateway), peer_asn=planned.bgp_peer_asn,
                  local_address=planned.bgp_local_address, peer_address=planned.bgp_peer_address,
                  prefix_length=length, advertise=advertise, passive=apipa)
    return bgp, planned.bgp_local_address, length, True


def network_model(cloud, virtual_network: Record, gateway_ids: list[str], now: float) -> Network:
    tables = route_tables_of(cloud, virtual_network)
    routes = [route for table in tables for route in user_routes(cloud, table, gateway_ids)]
    routes += static_gateway_routes(cloud, virtual_network, gateway_ids, now)
    propagate = bool(gateway_ids) and not (tables and all(t.properties.get("disableBgpRoutePropagation") for t in tables))
    return Network(
        id=network_id(virtual_network),
        cloud="azure",
        cidrs=tuple(virtual_network.properties["addressSpace"]["addressPrefixes"]),
        routes=tuple(routes),
        propagate_from=tuple(gateway_ids) if propagate else (),
    )


def route_tables_of(cloud, virtual_network: Record) -> list[Record]:
    tables = []
    for subnet in cloud.store.children(virtual_network.id, "subnets"):
        table = cloud.store.get_live(ref_id(subnet.properties.get("routeTable")))
        if table is not None and table not in tables:
            tables.append(table)
    return tables


def user_routes(cloud, table: Record, gateway_ids: list[str]) -> list[Route]:
    routes = []
    for route in cloud.store.children(table.id, "routes"):
        prefix, hop = route.properties["addressPrefix"], route.properties["nextHopType"]
        if hop == "VirtualNetworkGateway":
            routes += [Route(prefix, "vpn_gateway", gateway) for gateway in gateway_ids]
        elif hop == "VirtualAppliance":
            target = interface_with_address(cloud, route.properties["nextHopIpAddress"])
            routes.append(Route(prefix, "instance", host_id(target) if target is not None else ""))
        elif hop == "Internet":
            routes.append(Route(prefix, "internet"))
        elif hop == "VnetLocal":
            routes.append(Route(prefix, "local"))
        # "None" drops the traffic: the model has no blackhole target, so the route is left out.
    return routes


def static_gateway_routes(cloud, virtual_network: Record, gateway_ids: list[str], now: float) -> list[Route]:
    """Connections without BGP route the local network gateway's prefixes to the gateway."""
    routes = []
    for gateway in cloud.store.live("virtualnetworkgateways"):
        network = gateway_network(cloud, gateway)
        if network is None or not same_id(network.id, virtual_network.id) or not is_running(gateway, now):
            continue
        seen = set()
        for planned in planned_tunnels(cloud, gateway, now):
            if planned.bgp_enabled or planned.connection.id in seen:
                continue
            seen.add(planned.connection.id)
            for prefix in planned.local_gateway.properties["localNetworkAddressSpace"]["addressPrefixes"]:
                routes += [Route(prefix, "vpn_gateway", gateway_id) for gateway_id in gateway_ids]
    return routes


def interface_with_address(cloud, address: str) -> Record | None:
    for interface in cloud.store.live("networkinterfaces"):
        if any(entry["ip"] == address for entry in interface.computed.get("subnet_ips", [])):
            return interface
    return None


def host_model(cloud, interface: Record) -> Host | None:
    entries = interface.computed.get("subnet_ips") or []
    subnet = cloud.store.get_live(entries[0]["subnet"]) if entries else None
    if subnet is None:
        return None
    virtual_network = cloud.store.get_live(subnet.id.rsplit("/subnets/", 1)[0])
    primary = entries[0]["ip_configuration"]
    public_ref = next((ref for ref in interface.computed.get("public_ip_refs") or [] if ref["ip_configuration"] == primary), None)
    public_ip = cloud.store.get_live(public_ref["public_ip"]) if public_ref else None
    return Host(
        id=host_id(interface),
        network_id=network_id(virtual_network),
        private_ip=entries[0]["ip"],
        prefix_length=subnet_prefix(subnet).prefixlen,
        public_ip=public_ip.computed.get("ip") if public_ip is not None else None,
        source_dest_check=not interface.properties.get("enableIPForwarding", False),
    )
