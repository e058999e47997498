"""Creating Compute Engine resources: validation, defaults and the fields Google fills in.

One ``new_<collection>`` function per collection takes the request body and returns the resource
as the API shows it. References are stored as full links (as the real API returns them) so every
later lookup is exact. Routers live in ``routers.py``; fields computed on read (status, the
network's subnetwork list, the withheld secret) in ``api.py`` and ``status.py``.
"""
from __future__ import annotations

import base64
import hashlib
import ipaddress
import re

from mci_lab.collection import import_module_utils
from mci_lab.emulators.base import PublicIpPool
from mci_lab.emulators.gcp.errors import GcpError, invalid, required, unsupported
from mci_lab.emulators.gcp.store import ComputeStore, ResourceKey, now_rfc3339, parse_reference, region_of_zone, split_scope

cloud_facts = import_module_utils("cloud_facts")

# Compute's resource-name rule (RFC 1035 label), quoted in its "Must be a match of regex" errors.
NAME_PATTERN = r"(?:[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?)"

# What GET returns in place of a tunnel's shared secret (Compute never reads a secret back).
REDACTED_SECRET = "*************"

KINDS = {
    "networks": "compute#network",
    "subnetworks": "compute#subnetwork",
    "vpnGateways": "compute#vpnGateway",
    "externalVpnGateways": "compute#externalVpnGateway",
    "routers": "compute#router",
    "vpnTunnels": "compute#vpnTunnel",
    "instances": "compute#instance",
}


def check_name(body: dict) -> None:
    name = body.get("name")
    if not name:
        raise required("resource.name")
    if not re.fullmatch(NAME_PATTERN, name):
        raise invalid("resource.name", name, f"Must be a match of regex '{NAME_PATTERN}'")


def common_fields(store: ComputeStore, key: ResourceKey, body: dict) -> dict:
    """The fields every resource carries, over whatever the client sent."""
    resource = {field: value for field, value in body.items() if field not in ("id", "selfLink", "creationTimestamp")}
    resource.update(
        kind=KINDS[key.collection],
        id=store.new_id(),
        creationTimestamp=now_rfc3339(),
        name=key.name,
        selfLink=store.link(key),
    )
    kind = split_scope(key.scope)[0]
    if kind == "regions":
        resource["region"] = store.scope_link(key.project, key.scope)
    elif kind == "zones":
        resource["zone"] = store.scope_link(key.project, key.scope)
    return resource


def require_field(body: dict, field: str, path: str) -> object:
    value = body.get(field)
    if value in (None, ""):
        raise required(path)
    return value


def require_network(store: ComputeStore, key: ResourceKey, body: dict) -> ResourceKey:
    reference = require_field(body, "network", "resource.network")
    return store.require_key(reference, "networks", key.project, "global")


# ---------------------------------------------------------------------- networks


def new_network(store: ComputeStore, key: ResourceKey, body: dict) -> dict:
    if body.get("IPv4Range"):
        raise unsupported("legacy networks (IPv4Range)")
    resource = common_fields(store, key, body)
    resource.setdefault("autoCreateSubnetworks", False)
    resource.setdefault("routingConfig", {"routingMode": "REGIONAL"})
    resource.setdefault("networkFirewallPolicyEnforcementOrder", "AFTER_CLASSIC_FIREWALL")
    return resource


# ---------------------------------------------------------------------- subnetworks


def new_subnetwork(store: ComputeStore, key: ResourceKey, body: dict) -> dict:
    network_key = require_network(store, key, body)
    cidr_text = require_field(body, "ipCidrRange", "resource.ipCidrRange")
    try:
        cidr = ipaddress.ip_network(cidr_text, strict=True)
    except ValueError:
        raise invalid("resource.ipCidrRange", cidr_text, "Must be a valid IPv4 CIDR range with no host bits set.") from None
    for other_key, other in store.items("subnetworks", key.project):
        same_network = parse_reference(other["network"], "networks", key.project, "global") == network_key
        if same_network and cidr.overlaps(ipaddress.ip_network(other["ipCidrRange"])):
            raise GcpError(
                400,
                "invalid",
                f"Invalid IPCidrRange: {cidr} conflicts with existing subnetwork '{other_key.name}' in region '{other_key.region}'.",
            )
    resource = common_fields(store, key, body)
    resource.update(
        network=store.link(network_key),
        ipCidrRange=str(cidr),
        gatewayAddress=str(cidr.network_address + 1),
        fingerprint=_fingerprint(key.path),
    )
    resource.setdefault("privateIpGoogleAccess", False)
    resource.setdefault("stackType", "IPV4_ONLY")
    resource.setdefault("purpose", "PRIVATE")
    return resource


# ---------------------------------------------------------------------- HA VPN gateways


def new_vpn_gateway(store: ComputeStore, key: ResourceKey, body: dict, public_ips: PublicIpPool) -> dict:
    network_key = require_network(store, key, body)
    if any(interface.get("interconnectAttachment") for interface in body.get("vpnInterfaces", [])):
        raise unsupported("HA VPN over Cloud Interconnect")
    if body.get("stackType", "IPV4_ONLY") != "IPV4_ONLY":
        raise unsupported("IPv6 HA VPN gateways")
    resource = common_fields(store, key, body)
    # Google assigns each interface an external address from a separate pool.
    owner = f"gcp/{key.name}"
    resource.update(
        network=store.link(network_key),
        stackType="IPV4_ONLY",
        vpnInterfaces=[{"id": index, "ipAddress": public_ips.allocate(f"{owner}/{index}")} for index in range(2)],
        labelFingerprint=_fingerprint(key.path),
    )
    return resource


def release_vpn_gateway(resource: dict, public_ips: PublicIpPool) -> None:
    for interface in resource.get("vpnInterfaces", []):
        public_ips.release(interface["ipAddress"])


# ---------------------------------------------------------------------- external VPN gateways


def new_external_vpn_gateway(store: ComputeStore, key: ResourceKey, body: dict) -> dict:
    redundancy = require_field(body, "redundancyType", "resource.redundancyType")
    if redundancy not in cloud_facts.GCP_EXTERNAL_GATEWAY_INTERFACES:
        raise invalid("resource.redundancyType", redundancy, f"Must be one of {', '.join(cloud_facts.GCP_EXTERNAL_GATEWAY_INTERFACES)}.")
    interfaces = body.get("interfaces") or []
    expected = cloud_facts.GCP_EXTERNAL_GATEWAY_INTERFACES[redundancy]
    if len(interfaces) != expected:
        raise invalid("resource.interfaces", len(interfaces), f"Redundancy type {redundancy} requires exactly {expected} interfaces.")
    ids = sorted(int(interface.get("id", 0)) for interface in interfaces)
    if ids != list(range(expected)):
        raise invalid("resource.interfaces", ids, f"Interface ids must be 0 to {expected - 1}, each used once.")
    for index, interface in enumerate(interfaces):
        check_peer_address(f"resource.interfaces[{index}].ipAddress", interface.get("ipAddress"))
    resource = common_fields(store, key, body)
    resource["interfaces"] = [{"id": int(i.get("id", 0)), "ipAddress": i["ipAddress"]} for i in interfaces]
    resource["labelFingerprint"] = _fingerprint(key.path)
    return resource


def check_peer_address(field: str, address: object) -> None:
    """A peer VPN gateway must have a public address: RFC 1918 and shared space are rejected."""
    if not address:
        raise required(field)
    try:
        parsed = ipaddress.IPv4Address(str(address))
    except ValueError:
        raise invalid(field, address, "Must be a valid IPv4 address.") from None
    for cidr in cloud_facts.GCP_PEER_FORBIDDEN_CIDRS:
        if parsed in ipaddress.ip_network(cidr):
            raise invalid(field, address, f"The peer address must be public; {cidr} is not allowed.")


# ---------------------------------------------------------------------- VPN tunnels


def new_vpn_tunnel(store: ComputeStore, key: ResourceKey, body: dict) -> dict:
    if body.get("targetVpnGateway"):
        raise unsupported("Classic VPN tunnels (targetVpnGateway); use an HA VPN gateway")
    if body.get("peerIp"):
        # Google's own wording (hashicorp/terraform-provider-google#7639).
        raise invalid("resource.peerIp", body["peerIp"], "Cannot specify peer IP for HA VPN tunnel creation, "
                      "please specify peerExternalGateway or peerGcpGateway instead.")
    gateway_key = store.require_key(require_field(body, "vpnGateway", "resource.vpnGateway"), "vpnGateways", key.project, key.scope)
    interface = body.get("vpnGatewayInterface")
    if interface not in (0, 1):
        raise invalid("resource.vpnGatewayInterface", interface, "HA VPN gateways have interfaces 0 and 1.")
    router_key, router = store.require(require_field(body, "router", "resource.router"), "routers", key.project, key.scope)
    gateway = store.get(gateway_key)
    if router["network"] != gateway["network"]:
        raise invalid("resource.router", store.link(router_key), "The router must be in the network of the VPN gateway.")
    peer = _peer_fields(store, key, body)
    _check_not_duplicate(store, store.link(gateway_key), interface, peer)
    secret = require_field(body, "sharedSecret", "resource.sharedSecret")
    problem = cloud_facts.psk_problem("gcp", secret)
    if problem:
        raise invalid("resource.sharedSecret", REDACTED_SECRET, problem)
    ike_version = body.get("ikeVersion", 2)
    if ike_version not in (1, 2):
        raise invalid("resource.ikeVersion", ike_version, "IKE version must be 1 or 2.")
    check_cipher_suite(body.get("cipherSuite"))
    resource = common_fields(store, key, body)
    resource.update(peer)
    resource.update(
        vpnGateway=store.link(gateway_key),
        vpnGatewayInterface=interface,
        router=store.link(router_key),
        ikeVersion=ike_version,
        sharedSecret=secret,
        sharedSecretHash=_secret_hash(secret),
        localTrafficSelector=["0.0.0.0/0"],
        remoteTrafficSelector=["0.0.0.0/0"],
        labelFingerprint=_fingerprint(key.path),
    )
    return resource


def _peer_fields(store: ComputeStore, key: ResourceKey, body: dict) -> dict:
    """HA VPN tunnels name their peer as an external gateway interface or a peer HA VPN gateway."""
    if body.get("peerExternalGateway"):
        peer_key, peer = store.require(body["peerExternalGateway"], "externalVpnGateways", key.project, "global")
        index = body.get("peerExternalGatewayInterface", 0)
        if index not in {interface["id"] for interface in peer["interfaces"]}:
            raise invalid("resource.peerExternalGatewayInterface", index,
                          f"External VPN gateway '{peer_key.name}' has no interface {index}.")
        return {"peerExternalGateway": store.link(peer_key), "peerExternalGatewayInterface": index}
    if body.get("peerGcpGateway"):
        peer_key = store.require_key(body["peerGcpGateway"], "vpnGateways", key.project, key.scope)
        return {"peerGcpGateway": store.link(peer_key)}
    raise required("resource.peerExternalGateway")


def _check_not_duplicate(store: ComputeStore, gateway_link: str, interface: int, peer: dict) -> None:
    """One tunnel per (HA VPN interface, peer interface) pair (terraform-provider-google#16619)."""
    if "peerExternalGateway" not in peer:
        return
    wanted = (gateway_link, interface, peer["peerExternalGateway"], peer["peerExternalGatewayInterface"])
    for other in store.values("vpnTunnels"):
        pair = (other["vpnGateway"], other["vpnGatewayInterface"], other.get("peerExternalGateway"),
                other.get("peerExternalGatewayInterface"))
        if pair == wanted:
            raise invalid("resource.peerExternalGatewayInterface", peer["peerExternalGatewayInterface"],
                          f"A tunnel with same peer external VPN gateway interface already exists on VPN gateway "
                          f"interface {interface}: '{other['name']}'.")


def check_cipher_suite(suite: dict | None) -> None:
    """Every algorithm named in ``cipherSuite`` must be one Cloud VPN offers."""
    if not suite:
        return
    kinds = {("phase1", "encryption"): "encryption", ("phase1", "integrity"): "integrity", ("phase1", "prf"): "prf",
             ("phase1", "dh"): "dh_group", ("phase2", "encryption"): "encryption", ("phase2", "integrity"): "integrity",
             ("phase2", "pfs"): "pfs_group"}
    for (phase, field), kind in kinds.items():
        for value in (suite.get(phase) or {}).get(field, []):
            try:
                cloud_facts.canonical_name("gcp", kind, value)
            except ValueError as error:
                raise invalid(f"resource.cipherSuite.{phase}.{field}", value, str(error)) from None


def _secret_hash(secret: str) -> str:
    """An opaque digest, so clients can notice a changed secret without reading it."""
    return base64.b64encode(hashlib.sha256(secret.encode()).digest()[:24]).decode()


# ---------------------------------------------------------------------- instances (lab hosts)


def new_instance(store: ComputeStore, key: ResourceKey, body: dict, public_ips: PublicIpPool) -> dict:
    """A minimal VM: one NIC whose ``networkIP`` Google picks from its subnetwork."""
    nics = body.get("networkInterfaces") or []
    if not nics:
        raise required("resource.networkInterfaces")
    if len(nics) > 1:
        raise unsupported("instances with more than one network interface")
    subnet_key, subnet = _instance_subnetwork(store, key, nics[0])
    nic = {
        "kind": "compute#networkInterface",
        "name": "nic0",
        "network": subnet["network"],
        "subnetwork": store.link(subnet_key),
        "networkIP": _instance_address(store, subnet, nics[0].get("networkIP")),
        "stackType": "IPV4_ONLY",
        "fingerprint": _fingerprint(key.path + "/nic0"),
    }
    access_configs = nics[0].get("accessConfigs") or []
    if any(config.get("natIP") for config in access_configs):
        raise unsupported("static external addresses (natIP); leave it empty and Google assigns one")
    if access_configs:
        nic["accessConfigs"] = [
            {"kind": "compute#accessConfig", "type": "ONE_TO_ONE_NAT", "name": config.get("name", "External NAT"),
             "natIP": public_ips.allocate(f"gcp/{key.name}"), "networkTier": config.get("networkTier", "PREMIUM")}
            for config in access_configs
        ]
    resource = common_fields(store, key, body)
    resource.update(networkInterfaces=[nic], canIpForward=bool(body.get("canIpForward", False)))
    resource.setdefault("machineType", f"{store.scope_link(key.project, key.scope)}/machineTypes/e2-micro")
    return resource


def release_instance(resource: dict, public_ips: PublicIpPool) -> None:
    for nic in resource.get("networkInterfaces", []):
        for config in nic.get("accessConfigs", []):
            public_ips.release(config["natIP"])


def _instance_subnetwork(store: ComputeStore, key: ResourceKey, nic: dict) -> tuple[ResourceKey, dict]:
    region_scope = f"regions/{region_of_zone(key.scope.partition('/')[2])}"
    if nic.get("subnetwork"):
        subnet_key, subnet = store.require(nic["subnetwork"], "subnetworks", key.project, region_scope)
        if subnet_key.scope != region_scope:
            raise invalid("resource.networkInterfaces[0].subnetwork", nic["subnetwork"], "The subnetwork must be in the instance's region.")
        return subnet_key, subnet
    if not nic.get("network"):
        raise required("resource.networkInterfaces[0].subnetwork")
    network_key = store.require_key(nic["network"], "networks", key.project, "global")
    candidates = [(k, s) for k, s in store.items("subnetworks", key.project, region_scope)
                  if parse_reference(s["network"], "networks", key.project, "global") == network_key]
    if len(candidates) != 1:
        raise invalid("resource.networkInterfaces[0].network", nic["network"],
                      "Name a subnetwork: the network does not have exactly one subnetwork in this region.")
    return candidates[0]


def _instance_address(store: ComputeStore, subnet: dict, wanted: str | None) -> str:
    """The first free address, skipping the addresses Google keeps in every subnet."""
    cidr = ipaddress.ip_network(subnet["ipCidrRange"])
    taken = {nic["networkIP"] for vm in store.values("instances") for nic in vm.get("networkInterfaces", [])
             if nic.get("subnetwork") == subnet["selfLink"]}
    addresses = list(cidr)
    usable = [str(a) for a in addresses[cloud_facts.GCP_SUBNET_RESERVED_FIRST:len(addresses) - cloud_facts.GCP_SUBNET_RESERVED_LAST]]
    if wanted:
        if wanted not in usable:
            raise invalid("resource.networkInterfaces[0].networkIP", wanted, f"The address is not usable in subnetwork range {cidr}.")
        if wanted in taken:
            raise GcpError(400, "invalid", f"IP address '{wanted}' is already being used by another resource.")
        return wanted
    for address in usable:
        if address not in taken:
            return address
    raise GcpError(400, "ipSpaceExhausted", f"The subnetwork range {cidr} has no free addresses.")


def _fingerprint(seed: str) -> str:
    return base64.b64encode(hashlib.sha1(seed.encode()).digest()[:8]).decode()
