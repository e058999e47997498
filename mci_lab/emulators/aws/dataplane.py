"""What AWS would run for the resources in moto: the data-plane model of the AWS emulator.

- One Network per VPC (CIDRs incl. secondary; routes of its main and subnet route tables, main
  table first, a destination taken from the first table that has it; ``propagate_from`` = the
  tunnel endpoints of VGWs with route propagation). An empty default VPC is left out.
- One Host per running instance.
- One Gateway per VGW tunnel endpoint (each tunnel has its own outside IP), holding that tunnel
  as AWS runs it. A route to a VGW becomes one Route per endpoint of the VGW; static routes of a
  static connection enter networks that propagate the VGW as routes to its endpoints.
- One NatGateway per available private NAT gateway, with the routes of its subnet's table (public
  NAT gateways are not modelled yet).
- One TransitGateway per transit gateway with VPC attachments: its attachments (one per VPC),
  their associated route tables and the tables' static routes (propagated routes: not yet).
- Only resources past their provisioning delay appear. VPN connections on transit gateways are
  not modelled yet.
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from moto.ec2.models import ec2_backends

from mci_lab.dataplane.model import (BgpPeer, Gateway, Host, NatGateway, Network, Route, TgwAttachment, TgwRouteTable,
                                     Topology, TransitGateway, Tunnel)
from mci_lab.emulators.aws import routing, tunnels
from mci_lab.emulators.aws.connections import available_connections, is_static, static_routes, tunnel_options
from mci_lab.emulators.aws.naming import endpoint_gateway_id, model_id, tunnel_id
from mci_lab.emulators.aws.tunnels import cloud_facts

CLOUD = "aws"


def loaded_backends() -> Iterator[Any]:
    """Every EC2 backend (account, region) a request has touched."""
    for account in list(ec2_backends.values()):
        yield from list(account.values())


def topology(backends: Iterable[Any]) -> Topology:
    networks: list[Network] = []
    hosts: list[Host] = []
    gateways: list[Gateway] = []
    nat_gateways: list[NatGateway] = []
    transit_gateways: list[TransitGateway] = []
    for backend in backends:
        endpoints = endpoint_gateways(backend)
        backend_hosts = running_hosts(backend)
        occupied = {gateway.network_id for gateway in endpoints.all()} | {host.network_id for host in backend_hosts}
        for vpc in backend.vpcs.values():
            if vpc.is_default and model_id(vpc.id) not in occupied:
                continue  # every region has an empty default VPC: no namespace for it
            networks.append(vpc_network(backend, vpc, endpoints))
        hosts.extend(backend_hosts)
        gateways.extend(endpoints.all())
        modelled_vpcs = {network.id for network in networks}
        nat_gateways.extend(private_nat_gateways(backend, endpoints, modelled_vpcs))
        transit_gateways.extend(vpc_transit_gateways(backend, modelled_vpcs))
    return Topology(networks=tuple(networks), hosts=tuple(hosts), gateways=tuple(gateways),
                    nat_gateways=tuple(nat_gateways), transit_gateways=tuple(transit_gateways))


# --------------------------------------------------------------------------- gateways


@dataclass
class Endpoints:
    """The endpoint Gateways of running VPN connections, by VGW id and connection id."""

    by_vgw: dict[str, dict[str, list[Gateway]]] = field(default_factory=dict)

    def of_gateway(self, vpn_gateway_id: str) -> list[Gateway]:
        return [gateway for per_vpn in self.by_vgw.get(vpn_gateway_id, {}).values() for gateway in per_vpn]

    def of_connection(self, vpn_gateway_id: str, vpn_connection_id: str) -> list[Gateway]:
        return self.by_vgw.get(vpn_gateway_id, {}).get(vpn_connection_id, [])

    def all(self) -> list[Gateway]:
        return [gateway for vpn_gateway_id in self.by_vgw for gateway in self.of_gateway(vpn_gateway_id)]


def endpoint_gateways(backend: Any) -> Endpoints:
    endpoints = Endpoints()
    for vpn in backend.vpn_connections.values():
        running = running_vpn(backend, vpn)
        if running is None:
            continue
        vpn_gateway, vpc, customer_gateway = running
        endpoints.by_vgw.setdefault(vpn_gateway.id, {})[vpn.id] = [
            Gateway(
                id=endpoint_gateway_id(vpn_gateway.id, vpn.id, number),
                cloud=CLOUD,
                network_id=model_id(vpc.id),
                public_ips=(tunnel["OutsideIpAddress"],),
                tunnels=(model_tunnel(vpn, number, tunnel, vpn_gateway, customer_gateway, vpc_cidrs(vpc)),),
                asn=int(vpn_gateway.amazon_side_asn),
            )
            for number, tunnel in enumerate(tunnel_options(vpn), 1)
        ]
    return endpoints


def running_vpn(backend: Any, vpn: Any) -> tuple[Any, Any, Any] | None:
    """(VGW, VPC, CGW) when AWS would run the connection's tunnels: everything provisioned and
    the VGW attached to a VPC."""
    if vpn.state != "available" or not vpn.vpn_gateway_id:
        return None
    vpn_gateway = backend.vpn_gateways.get(vpn.vpn_gateway_id)
    customer_gateway = backend.customer_gateways.get(vpn.customer_gateway_id)
    if vpn_gateway is None or vpn_gateway.state != "available" or customer_gateway is None or customer_gateway.state != "available":
        return None
    attached = [vpc_id for vpc_id, attachment in vpn_gateway.attachments.items() if attachment.state == "attached"]
    if not attached or attached[0] not in backend.vpcs:
        return None
    return vpn_gateway, backend.vpcs[attached[0]], customer_gateway


def model_tunnel(vpn: Any, number: int, tunnel: dict, vpn_gateway: Any, customer_gateway: Any, advertise: tuple[str, ...]) -> Tunnel:
    aws_inside, customer_inside = tunnels.inside_addresses(tunnel["TunnelInsideCidr"])
    options = vpn.options
    bgp = None
    if not options.get("StaticRoutesOnly"):
        bgp = BgpPeer(
            local_asn=int(vpn_gateway.amazon_side_asn),
            peer_asn=int(customer_gateway.bgp_asn),
            local_address=aws_inside,
            peer_address=customer_inside,
            prefix_length=cloud_facts.INSIDE_PREFIX_LENGTH,
            advertise=advertise,
        )
    return Tunnel(
        id=tunnel_id(vpn.id, number),
        local_address=tunnel["OutsideIpAddress"],
        remote_address=customer_gateway.ip_address,
        psk=tunnel["PreSharedKey"],
        ike_version=ike_version(tunnel),
        ike_proposals=offered_proposals(tunnel, phase=1),
        esp_proposals=offered_proposals(tunnel, phase=2),
        ike_lifetime=tunnel["Phase1LifetimeSeconds"],
        ipsec_lifetime=tunnel["Phase2LifetimeSeconds"],
        initiate=tunnel["StartupAction"] == "start",
        dpd_delay=cloud_facts.AWS_DPD_INTERVAL_SECONDS,
        dpd_action=tunnel["DpdTimeoutAction"],
        # Local/Remote are named from the customer gateway's point of view: "Local" is the
        # customer side, "Remote" the AWS side.
        local_ts=(options["RemoteIpv4NetworkCidr"],),
        remote_ts=(options["LocalIpv4NetworkCidr"],),
        route_based=True,
        inside_address=aws_inside,
        inside_prefix_length=cloud_facts.INSIDE_PREFIX_LENGTH,
        bgp=bgp,
    )


def ike_version(tunnel: dict) -> int:
    """1 or 2, or 0 when AWS accepts both (strongSwan's "version = 0": either as responder)."""
    versions = set(tunnels.canonical_values(tunnel, "IkeVersions"))
    if versions == {"ikev1"}:
        return 1
    if versions == {"ikev2"}:
        return 2
    return 0


def offered_proposals(tunnel: dict, phase: int) -> tuple[str, ...]:
    """Every combination the tunnel allows, as one strongSwan proposal per cipher family (CBC,
    GCM), families in the order of the tunnel's encryption list.

    A multi-algorithm proposal ("aes128-aes256-sha1-sha256-modp2048-ecp256") accepts any
    combination of its algorithms, as AWS accepts any of its allowed proposals, and keeps the
    IKE_SA_INIT small; a tunnel with one algorithm of each kind gets exactly
    ``strongswan_proposal(encryption, integrity, dh_group)``.
    """
    encryptions = tunnels.canonical_values(tunnel, f"Phase{phase}EncryptionAlgorithms")
    integrities = tunnels.canonical_values(tunnel, f"Phase{phase}IntegrityAlgorithms")
    dh_groups = tunnels.canonical_values(tunnel, f"Phase{phase}DHGroupNumbers")
    proposals = []
    for aead in _families_in_order(encryptions):
        family = [encryption for encryption in encryptions if (encryption in cloud_facts.AEAD_ENCRYPTIONS) == aead]
        # In ESP an AEAD cipher carries its own integrity; in IKE the hash still names the PRF.
        family_integrities: list[str | None] = [None] if aead and phase == 2 else list(integrities)
        combinations = [
            cloud_facts.strongswan_proposal(encryption, integrity, dh_group)
            for encryption in family
            for integrity in family_integrities
            for dh_group in dh_groups
        ]
        proposals.append(_merged(combinations))
    return tuple(proposals)


def _families_in_order(encryptions: list[str]) -> list[bool]:
    families: list[bool] = []
    for encryption in encryptions:
        aead = encryption in cloud_facts.AEAD_ENCRYPTIONS
        if aead not in families:
            families.append(aead)
    return families


def _merged(proposals: list[str]) -> str:
    """One proposal offering every algorithm of same-shaped proposals, position by position."""
    positions: list[dict[str, None]] = []
    for proposal in proposals:
        for index, token in enumerate(proposal.split("-")):
            if index == len(positions):
                positions.append({})
            positions[index][token] = None
    return "-".join(token for position in positions for token in position)


# --------------------------------------------------------------------------- networks and hosts


def vpc_cidrs(vpc: Any) -> tuple[str, ...]:
    return tuple(
        association["cidr_block"]
        for association in vpc.get_cidr_block_association_set()
        if association["cidr_block_state"]["state"] == "associated"
    )


def vpc_route_tables(backend: Any, vpc: Any) -> list[Any]:
    """The VPC's main route table first, then the tables associated with its subnets."""
    tables = [table for table in backend.route_tables.values() if table.vpc_id == vpc.id]
    main = [table for table in tables if table.main_association_id is not None]
    associated = [table for table in tables if table.main_association_id is None and table._associations]
    return main + associated


def vpc_network(backend: Any, vpc: Any, endpoints: Endpoints) -> Network:
    tables = vpc_route_tables(backend, vpc)
    routes: dict[str, list[Route]] = {}
    for table in tables:
        for destination, table_routes in _table_routes(backend, table, endpoints).items():
            routes.setdefault(destination, table_routes)
    propagating = list(dict.fromkeys(vgw for table in tables for vgw in routing.propagating_vgws(table)))
    return Network(
        id=model_id(vpc.id),
        cloud=CLOUD,
        cidrs=vpc_cidrs(vpc),
        routes=tuple(route for table_routes in routes.values() for route in table_routes),
        propagate_from=tuple(
            gateway.id for vgw in propagating for gateway in endpoints.of_gateway(vgw) if gateway.tunnels[0].bgp is not None
        ),
    )


def _table_routes(backend: Any, table: Any, endpoints: Endpoints) -> dict[str, list[Route]]:
    routes: dict[str, list[Route]] = {}
    for route in table._routes.values():
        if route.destination_cidr_block:
            targets = _targets(route, endpoints)
            if targets:
                routes[route.destination_cidr_block] = [Route(route.destination_cidr_block, kind, target) for kind, target in targets]
    for vpn_gateway_id in routing.propagating_vgws(table):
        for vpn in available_connections(backend, vpn_gateway_id):
            if is_static(vpn):
                for destination in static_routes(vpn):
                    targets = endpoints.of_connection(vpn_gateway_id, vpn.id)
                    if targets and destination not in routes:
                        routes[destination] = [Route(destination, "vpn_gateway", gateway.id) for gateway in targets]
    return routes


def _targets(route: Any, endpoints: Endpoints) -> list[tuple[str, str]]:
    """(target_kind, target_id) pairs a route-table entry sends its traffic to."""
    if route.local:
        return [("local", "")]
    if route.gateway is not None and route.gateway.id.startswith("vgw-"):
        return [("vpn_gateway", gateway.id) for gateway in endpoints.of_gateway(route.gateway.id)]
    if route.gateway is not None and route.gateway.id.startswith("igw-"):
        return [("internet", model_id(route.gateway.id))]
    if route.instance is not None:
        return [("instance", model_id(route.instance.id))]
    if route.interface is not None:
        owner = route.interface.instance
        return [("instance", model_id(owner.id if owner else route.interface.id))]
    if route.nat_gateway is not None:
        return [("nat_gateway", model_id(route.nat_gateway.id))]
    if route.transit_gateway is not None:
        return [("transit_gateway", model_id(route.transit_gateway.id))]
    return []


def running_hosts(backend: Any) -> list[Host]:
    hosts = []
    for reservation in backend.reservations.values():
        for instance in reservation.instances:
            if instance.state != "running" or not instance.subnet_id:
                continue
            subnet = backend.get_subnet(instance.subnet_id)
            hosts.append(
                Host(
                    id=model_id(instance.id),
                    network_id=model_id(subnet.vpc_id),
                    private_ip=instance.private_ip,
                    prefix_length=ipaddress.ip_network(subnet.cidr_block).prefixlen,
                    public_ip=instance.public_ip or None,
                    source_dest_check=_as_bool(instance.source_dest_check),
                )
            )
    return hosts


def _as_bool(value: Any) -> bool:
    return value if isinstance(value, bool) else str(value).lower() == "true"


# --------------------------------------------------------------------------- NAT and transit gateways


def private_nat_gateways(backend: Any, endpoints: Endpoints, modelled_vpcs: set[str]) -> list[NatGateway]:
    found = []
    for nat in backend.nat_gateways.values():
        if nat.state != "available" or nat.connectivity_type != "private" or model_id(nat.vpc_id) not in modelled_vpcs:
            continue
        subnet = backend.get_subnet(nat.subnet_id)
        prefix = ipaddress.ip_network(subnet.cidr_block)
        if ipaddress.ip_address(nat.private_ip) not in prefix:
            continue  # an address outside its subnet cannot be realised
        table = subnet_route_table(backend, subnet)
        routes = _table_routes(backend, table, endpoints) if table is not None else {}
        found.append(NatGateway(
            id=model_id(nat.id), network_id=model_id(nat.vpc_id), private_ip=nat.private_ip,
            subnet_prefix_length=prefix.prefixlen,
            routes=tuple(route for table_routes in routes.values() for route in table_routes),
        ))
    return found


def subnet_route_table(backend: Any, subnet: Any) -> Any | None:
    """The table associated with the subnet, else its VPC's main table."""
    tables = [table for table in backend.route_tables.values() if table.vpc_id == subnet.vpc_id]
    associated = [table for table in tables if subnet.id in table._associations.values()]
    main = [table for table in tables if table.main_association_id is not None]
    return (associated or main or [None])[0]


def vpc_transit_gateways(backend: Any, modelled_vpcs: set[str]) -> list[TransitGateway]:
    found = []
    for tgw in backend.transit_gateways.values():
        if tgw.state != "available":
            continue
        tables = [t for t in backend.transit_gateways_route_tables.values()
                  if t.transit_gateway_id == tgw.id and t.state == "available" and not _phantom_default_table(tgw, t)]
        attachments = _vpc_attachments(backend, tgw.id, tables, modelled_vpcs)
        if not attachments:
            continue
        found.append(TransitGateway(
            id=model_id(tgw.id), cloud=CLOUD, attachments=tuple(attachments),
            route_tables=tuple(TgwRouteTable(model_id(t.id), _tgw_static_routes(t)) for t in tables),
        ))
    return found


def _phantom_default_table(tgw: Any, table: Any) -> bool:
    """moto always makes a default route table and associates every new attachment with it;
    AWS makes none when default association and propagation are both disabled."""
    options = getattr(tgw, "options", {}) or {}
    disabled = all(options.get(key) == "disable" for key in ("DefaultRouteTableAssociation", "DefaultRouteTablePropagation"))
    default = getattr(tgw, "default_route_table", None)
    return disabled and default is not None and table.id == default.id


def _vpc_attachments(backend: Any, tgw_id: str, tables: list[Any], modelled_vpcs: set[str]) -> list[TgwAttachment]:
    associated = {attachment_id: table.id for table in tables for attachment_id in table.route_table_associations}
    found: dict[str, TgwAttachment] = {}  # network id -> its first attachment (the lab runs one leg per VPC)
    for attachment in backend.transit_gateway_attachments.values():
        network_id = model_id(attachment.resource_id)
        if (attachment.transit_gateway_id != tgw_id or attachment.resource_type != "vpc"
                or attachment.state != "available" or network_id not in modelled_vpcs):
            continue
        table_id = associated.get(attachment.id)
        found.setdefault(network_id, TgwAttachment(model_id(attachment.id), network_id,
                                                   model_id(table_id) if table_id else ""))
    return list(found.values())


def _tgw_static_routes(table: Any) -> tuple[Route, ...]:
    routes = []
    for destination, route in table.routes.items():
        if route.get("type") != "static":
            continue  # propagated routes are not modelled yet
        attachment = (route.get("transitGatewayAttachments") or {}).get("transitGatewayAttachmentId")
        if route.get("state") == "blackhole" or not attachment:
            routes.append(Route(destination, "blackhole"))
        else:
            routes.append(Route(destination, "attachment", model_id(attachment)))
    return tuple(routes)
