"""Cloud Routers: creation, PATCH (JSON merge patch) and PUT, and the checks Google applies.

PATCH follows RFC 7396, as the routers.patch reference says: a field the body leaves out keeps its
value (patching ``bgpPeers`` keeps ``interfaces`` and ``bgp``), a nested object merges, and a list
the body sends replaces the stored list. That is why gcloud and Terraform add a peer by reading the
router, appending, and patching the whole list back, and remove one the same way.
"""
from __future__ import annotations

import ipaddress

from mci_lab.collection import import_module_utils
from mci_lab.emulators.gcp.errors import GcpError, invalid, required
from mci_lab.emulators.gcp.resources import common_fields, require_network
from mci_lab.emulators.gcp.store import ComputeStore, ResourceKey

cloud_facts = import_module_utils("cloud_facts")

# Fields Google owns; a client's copy in a PATCH or PUT body is ignored.
OUTPUT_ONLY = frozenset({"kind", "id", "creationTimestamp", "selfLink", "region", "name"})


def new_router(store: ComputeStore, key: ResourceKey, body: dict) -> dict:
    network_key = require_network(store, key, body)
    router = common_fields(store, key, body)
    router["network"] = store.link(network_key)
    return checked_router(store, key, router)


def patched_router(store: ComputeStore, key: ResourceKey, current: dict, patch: dict) -> dict:
    """routers.patch: RFC 7396 merge of the body into the stored router."""
    changes = {field: value for field, value in patch.items() if field not in OUTPUT_ONLY}
    if "network" in changes and changes["network"] != current["network"]:
        _require_same_network(store, key, current, changes["network"])
    return checked_router(store, key, json_merge_patch(current, changes))


def replaced_router(store: ComputeStore, key: ResourceKey, current: dict, body: dict) -> dict:
    """routers.update (PUT): the body replaces every field the client may set."""
    router = {field: value for field, value in current.items() if field in OUTPUT_ONLY}
    router.update({field: value for field, value in body.items() if field not in OUTPUT_ONLY})
    router.setdefault("network", current["network"])
    if router["network"] != current["network"]:
        _require_same_network(store, key, current, router["network"])
    return checked_router(store, key, router)


def json_merge_patch(target: dict, patch: dict) -> dict:
    """RFC 7396: null deletes, objects merge recursively, anything else (lists too) replaces."""
    merged = dict(target)
    for field, value in patch.items():
        if value is None:
            merged.pop(field, None)
        elif isinstance(value, dict) and isinstance(merged.get(field), dict):
            merged[field] = json_merge_patch(merged[field], value)
        else:
            merged[field] = value
    return merged


def _require_same_network(store: ComputeStore, key: ResourceKey, current: dict, wanted: str) -> None:
    network_key = store.require_key(wanted, "networks", key.project, "global")
    if store.link(network_key) != current["network"]:
        raise invalid("resource.network", wanted, "A router's network cannot be changed.")


def checked_router(store: ComputeStore, key: ResourceKey, router: dict) -> dict:
    """Validate the whole router as Google does after every change, and fill Google's defaults."""
    router = dict(router)
    if router.get("bgp"):
        router["bgp"] = _checked_bgp(router["bgp"])
    interfaces = [_checked_interface(store, key, router, index, interface)
                  for index, interface in enumerate(router.get("interfaces") or [])]
    _check_unique(interfaces, "interfaces")
    _check_tunnels_linked_once(interfaces)
    by_name = {interface["name"]: interface for interface in interfaces}
    peers = [_checked_peer(key, by_name, index, peer) for index, peer in enumerate(router.get("bgpPeers") or [])]
    _check_unique(peers, "bgpPeers")
    _check_one_peer_per_interface(peers)
    if peers and not (router.get("bgp") or {}).get("asn"):
        raise required("resource.bgp.asn")
    for field, items in (("interfaces", interfaces), ("bgpPeers", peers)):
        if items:
            router[field] = items
        else:
            router.pop(field, None)
    return router


def _checked_bgp(bgp: dict) -> dict:
    asn = bgp.get("asn")
    if asn is None:
        raise required("resource.bgp.asn")
    problem = cloud_facts.asn_problem("gcp", int(asn))
    if problem:
        raise invalid("resource.bgp.asn", asn, problem)
    return {"advertiseMode": "DEFAULT", **bgp}


def _checked_interface(store: ComputeStore, key: ResourceKey, router: dict, index: int, interface: dict) -> dict:
    field = f"resource.interfaces[{index}]"
    if not interface.get("name"):
        raise required(f"{field}.name")
    checked = dict(interface)
    checked.setdefault("managementType", "MANAGED_BY_USER")
    if interface.get("ipRange"):
        address = _parse_interface(f"{field}.ipRange", interface["ipRange"])
        if address not in ipaddress.ip_network(cloud_facts.LINK_LOCAL_CIDR):
            raise invalid(f"{field}.ipRange", interface["ipRange"],
                          f"The IP range of an interface linked to a VPN tunnel must be within {cloud_facts.LINK_LOCAL_CIDR}.")
    if interface.get("linkedVpnTunnel"):
        tunnel_key, tunnel = store.require(interface["linkedVpnTunnel"], "vpnTunnels", key.project, key.scope)
        if tunnel.get("router") != store.link(key):
            raise invalid(f"{field}.linkedVpnTunnel", interface["linkedVpnTunnel"],
                          f"VPN tunnel '{tunnel_key.name}' does not use router '{key.name}'.")
        checked["linkedVpnTunnel"] = store.link(tunnel_key)
    return checked


def _parse_interface(field: str, text: str) -> ipaddress.IPv4Interface:
    try:
        return ipaddress.IPv4Interface(text)
    except ValueError:
        raise invalid(field, text, "Must be an IPv4 address with a prefix length, e.g. 169.254.0.1/30.") from None


def _checked_peer(key: ResourceKey, interfaces: dict[str, dict], index: int, peer: dict) -> dict:
    field = f"resource.bgpPeers[{index}]"
    name = peer.get("name")
    if not name:
        raise required(f"{field}.name")
    interface_name = peer.get("interfaceName")
    if not interface_name:
        raise required(f"{field}.interfaceName")
    interface = interfaces.get(interface_name)
    if interface is None:
        raise invalid(f"{field}.interfaceName", interface_name, f"Router '{key.name}' has no interface '{interface_name}'.")
    if peer.get("peerAsn") in (None, 0):
        raise required(f"{field}.peerAsn")
    checked = dict(peer)
    checked.setdefault("advertiseMode", "DEFAULT")
    checked.setdefault("enable", "TRUE")
    checked.setdefault("managementType", "MANAGED_BY_USER")
    peer_ip = peer.get("peerIpAddress")
    if not interface.get("ipRange"):
        if peer_ip:
            # Google's own wording (hashicorp/terraform-provider-google#7662).
            raise invalid(field, name, f'In BGP Peer "{name}", peer IP address {peer_ip} is specified, but IP address is not specified.')
        return checked
    local = ipaddress.IPv4Interface(interface["ipRange"])
    if peer.get("ipAddress") and peer["ipAddress"] != str(local.ip):
        # Google's own wording (terraform-google-modules/terraform-google-vpn#45).
        raise invalid(f"{field}.ipAddress", peer["ipAddress"],
                      f'BGP Peer "{name}" has IP address {peer["ipAddress"]} different from interface IP address {local.ip}')
    checked["ipAddress"] = str(local.ip)
    if not peer_ip:
        raise required(f"{field}.peerIpAddress")
    _check_peer_ip(field, name, peer_ip, local)
    return checked


def _check_peer_ip(field: str, name: str, peer_ip: str, local: ipaddress.IPv4Interface) -> None:
    """The peer must be the other usable address of the interface's subnet (same wording family)."""
    try:
        address = ipaddress.IPv4Address(peer_ip)
    except ValueError:
        raise invalid(f"{field}.peerIpAddress", peer_ip, "Must be a valid IPv4 address.") from None
    network = local.network
    if address == local.ip:
        raise invalid(f"{field}.peerIpAddress", peer_ip,
                      f'BGP Peer "{name}" has peer IP address {peer_ip} equal to interface IP address {local.ip}')
    if address not in network or address in (network.network_address, network.broadcast_address):
        raise invalid(f"{field}.peerIpAddress", peer_ip,
                      f'BGP Peer "{name}" has peer IP address {peer_ip} outside the range of interface IP address {local.with_prefixlen}')


def _check_unique(items: list[dict], field: str) -> None:
    seen: set[str] = set()
    for index, item in enumerate(items):
        if item["name"] in seen:
            raise invalid(f"resource.{field}[{index}].name", item["name"], "Names must be unique within a router.")
        seen.add(item["name"])


def _check_tunnels_linked_once(interfaces: list[dict]) -> None:
    linked: dict[str, str] = {}
    for index, interface in enumerate(interfaces):
        tunnel = interface.get("linkedVpnTunnel")
        if not tunnel:
            continue
        if tunnel in linked:
            raise invalid(f"resource.interfaces[{index}].linkedVpnTunnel", tunnel,
                          f"The VPN tunnel is already linked to interface '{linked[tunnel]}'.")
        linked[tunnel] = interface["name"]


def _check_one_peer_per_interface(peers: list[dict]) -> None:
    owner: dict[str, str] = {}
    for index, peer in enumerate(peers):
        interface = peer["interfaceName"]
        if interface in owner:
            raise GcpError(400, "invalid", f"Invalid value for field 'resource.bgpPeers[{index}].interfaceName': '{interface}'. "
                           f"Interface '{interface}' already has BGP peer '{owner[interface]}'.")
        owner[interface] = peer["name"]
