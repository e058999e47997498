"""What the emulated Alibaba Cloud asks the lab data plane to run, built from its own resources only.

- one Network per VPC (its CIDR; custom route entries and published VPN destination routes),
- one Host per running lab instance (ECS has no source/destination check: routes to it just work),
- one Gateway per provisioned VPN gateway, with the tunnels of its configured IPsec connections as
  the VPN gateway runs them: a single-tunnel connection is one tunnel from the gateway's InternetIp;
  a dual-tunnel connection is a master tunnel from InternetIp and a slave tunnel from
  DisasterRecoveryInternetIp.
"""
from __future__ import annotations

import ipaddress

from mci_lab.collection import import_module_utils
from mci_lab.dataplane.model import BgpPeer, Gateway, Host, Network, Route, Topology, Tunnel
from mci_lab.emulators.alibaba.state import AlibabaState, TunnelConfig, VpnConnection, VpnGateway

cloud_facts = import_module_utils("cloud_facts")

CLOUD = "alibaba"
ANY = "0.0.0.0/0"
# NextHopType -> the data plane's route target kinds.
ROUTE_TARGETS = {"Instance": "instance", "VpnGateway": "vpn_gateway"}
DPD_DELAY_SECONDS = 10  # [lab] the gateway's DPD interval is not documented; strongSwan-style 10 s


def model_id(alibaba_id: str) -> str:
    """Networks, hosts and gateways carry the cloud in their data plane id: ``alibaba/vpc-...``."""
    return f"{CLOUD}/{alibaba_id}"


def tunnel_id(connection: VpnConnection, tunnel: TunnelConfig) -> str:
    """``alibaba/<VpnConnectionId>`` for single-tunnel, ``alibaba/<VpnConnectionId>/<TunnelId>`` for dual."""
    return f"{CLOUD}/{connection.id}" + (f"/{tunnel.tunnel_id}" if tunnel.tunnel_id else "")


def build_topology(state: AlibabaState) -> Topology:
    with state.lock:
        return Topology(
            networks=tuple(network(state, vpc_id) for vpc_id in sorted(state.vpcs)),
            hosts=tuple(host(state, instance_id) for instance_id in sorted(state.instances)
                        if state.instances[instance_id].status == "Running"),
            gateways=tuple(gateway(state, item) for _gateway_id, item in sorted(state.vpn_gateways.items())
                           if item.status != "init"),
        )


def network(state: AlibabaState, vpc_id: str) -> Network:
    vpc = state.vpcs[vpc_id]
    routes = [Route(entry.destination, ROUTE_TARGETS[entry.next_hop_type], model_id(entry.next_hop_id))
              for entry in state.route_entries_of(vpc.route_table_id) if entry.status == "Available"]
    gateways = [item for item in state.gateways_in(vpc.id) if item.status != "init"]
    for item in gateways:
        routes += [Route(route.route_dest, "vpn_gateway", model_id(item.id))
                   for route in state.vpn_routes_of(item.id) if route.publish_vpc and route.configured and _configured(state, route.next_hop)]
    # BGP-learned routes of the VPC's gateways enter the route table (automatic route propagation).
    propagating = tuple(model_id(item.id) for item in gateways
                        if any(connection.bgp_enabled for connection in state.connections_of(item.id)))
    return Network(id=model_id(vpc.id), cloud=CLOUD, cidrs=(vpc.cidr,), routes=tuple(routes), propagate_from=propagating)


def _configured(state: AlibabaState, connection_id: str) -> bool:
    connection = state.vpn_connections.get(connection_id)
    return connection is not None and connection.configured


def host(state: AlibabaState, instance_id: str) -> Host:
    instance = state.instances[instance_id]
    prefix_length = ipaddress.IPv4Network(state.vswitches[instance.vswitch_id].cidr).prefixlen
    return Host(id=model_id(instance.id), network_id=model_id(instance.vpc_id), private_ip=instance.private_ip,
                prefix_length=prefix_length, source_dest_check=False)


def gateway(state: AlibabaState, item: VpnGateway) -> Gateway:
    addresses = (item.internet_ip,) + ((item.disaster_recovery_internet_ip,) if item.disaster_recovery_internet_ip else ())
    connections = [connection for connection in state.connections_of(item.id) if connection.configured]
    tunnels = tuple(tunnel(state, item, connection, config) for connection in connections for config in connection.tunnels)
    asns = [config.bgp.local_asn for connection in connections for config in connection.tunnels if config.bgp]
    return Gateway(id=model_id(item.id), cloud=CLOUD, network_id=model_id(item.vpc_id), public_ips=addresses, tunnels=tunnels,
                   asn=asns[0] if asns else None)


def tunnel(state: AlibabaState, item: VpnGateway, connection: VpnConnection, config: TunnelConfig) -> Tunnel:
    proposal = cloud_facts.from_cloud_names(CLOUD, {"IkeConfig": config.ike, "IpsecConfig": config.ipsec})
    phase1, phase2 = proposal["phase1"], proposal["phase2"]
    local_ts, remote_ts = tuple(connection.local_subnet.split(",")), tuple(connection.remote_subnet.split(","))
    # Destination-routing mode (both sides 0.0.0.0/0) and BGP are route-based; specific CIDRs are
    # "protected data flows", i.e. policy-based with those traffic selectors.
    route_based = config.bgp is not None or (local_ts == (ANY,) and remote_ts == (ANY,))
    customer = state.customer_gateways[config.customer_gateway_id]
    local_address = item.disaster_recovery_internet_ip if config.role == "slave" else item.internet_ip
    return Tunnel(
        id=tunnel_id(connection, config),
        local_address=local_address,
        remote_address=customer.ip_address,
        psk=config.ike["Psk"],
        ike_version=2 if proposal["ike_version"] == "ikev2" else 1,
        aggressive=config.ike.get("IkeMode") == "aggressive",
        ike_proposals=(cloud_facts.strongswan_proposal(phase1["encryption"], phase1["integrity"], phase1["dh_group"]),),
        esp_proposals=(cloud_facts.strongswan_proposal(phase2["encryption"], phase2["integrity"], phase2["pfs_group"]),),
        ike_lifetime=int(phase1["lifetime"]),
        ipsec_lifetime=int(phase2["lifetime"]),
        # EffectImmediately: the gateway negotiates as soon as it is configured; otherwise it waits
        # for traffic or for the peer to start.
        initiate=connection.effect_immediately,
        dpd_delay=DPD_DELAY_SECONDS if config.enable_dpd else 0,
        # On a dead peer the gateway deletes the SAs; it starts again by itself only when it initiates.
        dpd_action="restart" if connection.effect_immediately else "clear",
        local_ts=(ANY,) if route_based else local_ts,
        remote_ts=(ANY,) if route_based else remote_ts,
        route_based=route_based,
        inside_address=config.bgp.local_bgp_ip if config.bgp else None,
        inside_prefix_length=ipaddress.IPv4Network(config.bgp.tunnel_cidr).prefixlen if config.bgp else cloud_facts.INSIDE_PREFIX_LENGTH,
        bgp=bgp_peer(state, item, config, customer.asn) if config.bgp else None,
    )


def bgp_peer(state: AlibabaState, item: VpnGateway, config: TunnelConfig, peer_asn: int | None) -> BgpPeer:
    """The gateway advertises its VPC's CIDR to the peer."""
    return BgpPeer(local_asn=config.bgp.local_asn, peer_asn=peer_asn or 0, local_address=config.bgp.local_bgp_ip,
                   peer_address=config.bgp.peer_bgp_ip, prefix_length=ipaddress.IPv4Network(config.bgp.tunnel_cidr).prefixlen,
                   advertise=(state.vpcs[item.vpc_id].cidr,))
