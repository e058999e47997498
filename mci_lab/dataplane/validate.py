"""Checks that a Topology can be realised, with messages that name the resource and the reason.

Run before anything is created (``build_plan`` calls ``validate``), so a bad model from an
emulator fails fast instead of leaving half a lab behind.
"""
from __future__ import annotations

import ipaddress

from . import naming
from .model import Gateway, Host, Network, Topology, Tunnel

# The internet namespace's own addresses, one per documentation /24.
PUBLIC_GATEWAY_IPS = tuple(str(next(net.hosts())) for net in naming.PUBLIC_RANGES)


class TopologyError(ValueError):
    """The topology cannot be realised as given (the message says which resource and why)."""


def first_usable(cidr: str) -> str:
    return str(next(ipaddress.ip_network(cidr, strict=False).hosts()))


def subnet_gateway(host: Host) -> str:
    """The router address in the instance's subnet (the cloud's "+1" address)."""
    return first_usable(f"{host.private_ip}/{host.prefix_length}")


def charon_units(gateway: Gateway, address: str) -> list[tuple[str, list[Tunnel]]]:
    """Charons of one public address: the shared policy-based one first, then one per route-based tunnel.

    Disabled tunnels keep their slot, so the others keep their ports when one is switched off.
    """
    local = [t for t in gateway.tunnels if t.local_address == address]
    units: list[tuple[str, list[Tunnel]]] = []
    policy = [t for t in local if not t.route_based]
    if policy:
        units.append(("policy", sorted(policy, key=lambda t: t.id)))
    units += [(t.id, [t]) for t in sorted((t for t in local if t.route_based), key=lambda t: t.id)]
    return units


def validate(topology: Topology) -> None:
    _unique("network", [n.id for n in topology.networks])
    _unique("host", [h.id for h in topology.hosts])
    _unique("gateway", [g.id for g in topology.gateways])
    _unique("tunnel", [t.id for g in topology.gateways for t in g.tunnels])
    networks = {n.id: n for n in topology.networks}
    for network in topology.networks:
        _check_network(network)
    for host in topology.hosts:
        _check_host(host, networks)
    for gateway in topology.gateways:
        _check_gateway(gateway, networks)
    _check_public_addresses(topology)
    _check_nat_gateways(topology, networks)
    _check_transit_gateways(topology, networks)


def _check_nat_gateways(topology: Topology, networks: dict[str, Network]) -> None:
    _unique("NAT gateway", [n.id for n in topology.nat_gateways])
    for nat in topology.nat_gateways:
        network = _network_of(f"NAT gateway {nat.id}", nat.network_id, networks)
        if not _holds(network, nat.private_ip):
            raise TopologyError(f"NAT gateway {nat.id}: {nat.private_ip} is outside {network.id}'s CIDRs")


def _check_transit_gateways(topology: Topology, networks: dict[str, Network]) -> None:
    _unique("transit gateway", [t.id for t in topology.transit_gateways])
    for tgw in topology.transit_gateways:
        _unique(f"attachment of {tgw.id}", [a.id for a in tgw.attachments])
        # The lab gives a network one leg per transit gateway (its routes name the gateway, not the leg).
        _unique(f"network attached to {tgw.id}", [a.network_id for a in tgw.attachments])
        for attachment in tgw.attachments:
            if attachment.network_id not in networks:
                raise TopologyError(f"transit gateway {tgw.id}: attachment {attachment.id} to unknown network "
                                    f"{attachment.network_id!r}")


def _unique(kind: str, ids: list[str]) -> set[str]:
    seen: set[str] = set()
    for item in ids:
        if item in seen:
            raise TopologyError(f"duplicate {kind} id {item!r}")
        seen.add(item)
    return seen


def _check_network(network: Network) -> None:
    if not network.cidrs:
        raise TopologyError(f"network {network.id}: no CIDR")
    for cidr in network.cidrs:
        net = _network(cidr, f"network {network.id}")
        if net.overlaps(naming.TRANSIT_POOL):
            raise TopologyError(f"network {network.id}: {cidr} overlaps the lab's transit pool {naming.TRANSIT_POOL}")


def _network_of(owner: str, network_id: str, networks: dict[str, Network]) -> Network:
    network = networks.get(network_id)
    if network is None:
        raise TopologyError(f"{owner}: unknown network {network_id!r}")
    return network


def _holds(network: Network, private_ip: str) -> bool:
    address = ipaddress.ip_address(private_ip)
    return any(address in ipaddress.ip_network(cidr) for cidr in network.cidrs)


def _check_host(host: Host, networks: dict[str, Network]) -> None:
    network = _network_of(f"host {host.id}", host.network_id, networks)
    if not _holds(network, host.private_ip):
        raise TopologyError(f"host {host.id}: {host.private_ip} is in none of {network.id}'s CIDRs {network.cidrs}")
    if str(ipaddress.ip_address(host.private_ip)) == subnet_gateway(host):
        raise TopologyError(f"host {host.id}: {host.private_ip} is its subnet's router address")


def _check_gateway(gateway: Gateway, networks: dict[str, Network]) -> None:
    _network_of(f"gateway {gateway.id}", gateway.network_id, networks)
    if not gateway.public_ips:
        raise TopologyError(f"gateway {gateway.id}: no public IP")
    for tunnel in gateway.tunnels:
        where = f"gateway {gateway.id} tunnel {tunnel.id}"
        if tunnel.local_address not in gateway.public_ips:
            raise TopologyError(f"{where}: local address {tunnel.local_address} is not one of {gateway.public_ips}")
        _check_public(tunnel.remote_address, f"{where} remote address")
        if tunnel.route_based and not tunnel.inside_address:
            raise TopologyError(f"{where}: a route-based tunnel needs inside_address")
        if tunnel.bgp is not None and not tunnel.route_based:
            raise TopologyError(f"{where}: BGP runs only over route-based tunnels")
    _check_peers_distinguishable(gateway)


def _check_peers_distinguishable(gateway: Gateway) -> None:
    """Charons sharing a public address are told apart by the peer address (port-mux)."""
    for address in gateway.public_ips:
        owners: dict[str, str] = {}
        for unit, tunnels in charon_units(gateway, address):
            for tunnel in tunnels:
                other = owners.setdefault(tunnel.remote_address, unit)
                if other != unit:
                    raise TopologyError(
                        f"gateway {gateway.id}: two tunnels from {address} to the same peer "
                        f"{tunnel.remote_address} need separate charons, which the lab's port-mux "
                        "cannot tell apart (give the peer two public addresses)")


def _check_public_addresses(topology: Topology) -> None:
    seen: dict[str, str] = {}
    claims = [(h.public_ip, f"host {h.id}") for h in topology.hosts if h.public_ip]
    claims += [(ip, f"gateway {g.id}") for g in topology.gateways for ip in g.public_ips]
    for address, owner in claims:
        _check_public(address, owner)
        if address in PUBLIC_GATEWAY_IPS:
            raise TopologyError(f"{owner}: {address} is the lab internet's own address")
        if address in seen:
            raise TopologyError(f"{owner}: public address {address} is already used by {seen[address]}")
        seen[address] = owner


def _check_public(address: str, owner: str) -> None:
    try:
        naming.public_gateway_of(address)
    except ValueError as exc:
        raise TopologyError(f"{owner}: {exc}") from exc


def _network(cidr: str, where: str) -> ipaddress.IPv4Network:
    try:
        net = ipaddress.ip_network(cidr)
    except ValueError as exc:
        raise TopologyError(f"{where}: bad CIDR {cidr!r}: {exc}") from exc
    if not isinstance(net, ipaddress.IPv4Network):
        raise TopologyError(f"{where}: only IPv4 is supported, got {cidr}")
    return net
