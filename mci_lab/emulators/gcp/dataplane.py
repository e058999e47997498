"""What the emulated Google Cloud asks the lab data plane to run.

One ``Network`` per VPC network (its subnetwork ranges, BGP-learned routes imported from its HA VPN
interfaces), one ``Host`` per instance, one ``Gateway`` per HA VPN interface with one ``Tunnel`` per
VPN tunnel on it. A tunnel is handed to the data plane only once its Cloud Router has an interface
linked to it and a BGP peer on that interface: until then Google waits for the full configuration
and does not start IKE. Google initiates, offers every cipher Cloud VPN supports (or only the
tunnel's ``cipherSuite``), and runs route-based tunnels with 0.0.0.0/0 traffic selectors.
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from mci_lab.collection import import_module_utils
from mci_lab.dataplane.model import BgpPeer, Gateway, Host, Network, Route, Topology, Tunnel
from mci_lab.emulators.gcp.store import ComputeStore, ResourceKey, parse_reference

cloud_facts = import_module_utils("cloud_facts")


def tunnel_id(tunnel_name: str) -> str:
    return f"gcp/{tunnel_name}"


def gateway_id(gateway_name: str, interface: int) -> str:
    return f"gcp/{gateway_name}/{interface}"


def network_id(network_name: str) -> str:
    return f"gcp/net/{network_name}"


def host_id(instance_name: str) -> str:
    return f"gcp/vm/{instance_name}"


@dataclass(frozen=True)
class BgpSession:
    """The Cloud Router side of one tunnel: router, the interface linked to it, the peer on it."""

    router_key: ResourceKey
    router: dict
    interface: dict
    peer: dict

    @property
    def local(self) -> ipaddress.IPv4Interface:
        return ipaddress.IPv4Interface(self.interface["ipRange"])


def bgp_session_for(store: ComputeStore, tunnel_key: ResourceKey, tunnel: dict) -> BgpSession | str:
    """The tunnel's BGP session, or why Google still waits for the full configuration."""
    router_key = parse_reference(tunnel["router"], "routers", tunnel_key.project, tunnel_key.scope)
    router = store.find(router_key)
    if router is None:
        return f"router '{router_key.name}' does not exist"
    interface = next((i for i in router.get("interfaces", []) if i.get("linkedVpnTunnel") == tunnel["selfLink"]), None)
    if interface is None:
        return f"router '{router_key.name}' has no interface linked to this tunnel"
    if not interface.get("ipRange"):
        return f"interface '{interface['name']}' of router '{router_key.name}' has no IP range"
    peer = next((p for p in router.get("bgpPeers", []) if p.get("interfaceName") == interface["name"]), None)
    if peer is None:
        return f"router '{router_key.name}' has no BGP peer on interface '{interface['name']}'"
    return BgpSession(router_key, router, interface, peer)


def build_topology(store: ComputeStore) -> Topology:
    networks = tuple(_network(store, key) for key in store.keys("networks"))
    hosts = tuple(_host(store, key, instance) for key, instance in store.items("instances"))
    gateways = tuple(
        gateway
        for key, vpn_gateway in store.items("vpnGateways")
        for gateway in _gateways(store, key, vpn_gateway)
    )
    return Topology(networks=networks, hosts=hosts, gateways=gateways)


# ---------------------------------------------------------------------- networks and hosts


def subnetwork_ranges(store: ComputeStore, network_link: str) -> tuple[str, ...]:
    return tuple(sorted(s["ipCidrRange"] for s in store.values("subnetworks") if s["network"] == network_link))


def _network(store: ComputeStore, key: ResourceKey) -> Network:
    link = store.link(key)
    cidrs = subnetwork_ranges(store, link)
    vpn_interfaces = tuple(
        gateway_id(gateway_key.name, interface["id"])
        for gateway_key, gateway in store.items("vpnGateways")
        if gateway["network"] == link
        for interface in gateway["vpnInterfaces"]
    )
    return Network(
        id=network_id(key.name),
        cloud="gcp",
        cidrs=cidrs,
        routes=tuple(Route(destination=cidr, target_kind="local") for cidr in cidrs),
        propagate_from=vpn_interfaces,
    )


def _host(store: ComputeStore, key: ResourceKey, instance: dict) -> Host:
    nic = instance["networkInterfaces"][0]
    subnet = store.get(parse_reference(nic["subnetwork"], "subnetworks", key.project, key.scope))
    network_key = parse_reference(nic["network"], "networks", key.project, "global")
    nat_ips = [config["natIP"] for config in nic.get("accessConfigs", [])]
    return Host(
        id=host_id(key.name),
        network_id=network_id(network_key.name),
        private_ip=nic["networkIP"],
        prefix_length=ipaddress.ip_network(subnet["ipCidrRange"]).prefixlen,
        public_ip=nat_ips[0] if nat_ips else None,
        # canIpForward is GCP's switch for the anti-spoofing check.
        source_dest_check=not instance.get("canIpForward", False),
    )


# ---------------------------------------------------------------------- HA VPN


def _gateways(store: ComputeStore, key: ResourceKey, vpn_gateway: dict) -> list[Gateway]:
    network_key = parse_reference(vpn_gateway["network"], "networks", key.project, "global")
    gateways = []
    for interface in vpn_gateway["vpnInterfaces"]:
        sessions = [
            (tunnel_key, tunnel, session)
            for tunnel_key, tunnel in store.items("vpnTunnels")
            if tunnel["vpnGateway"] == vpn_gateway["selfLink"] and tunnel["vpnGatewayInterface"] == interface["id"]
            for session in [bgp_session_for(store, tunnel_key, tunnel)]
            if isinstance(session, BgpSession)
        ]
        tunnels = tuple(_tunnel(store, tunnel_key, tunnel, session, interface["ipAddress"]) for tunnel_key, tunnel, session in sessions)
        asn = int(sessions[0][2].router["bgp"]["asn"]) if sessions else None
        gateways.append(Gateway(
            id=gateway_id(key.name, interface["id"]),
            cloud="gcp",
            network_id=network_id(network_key.name),
            public_ips=(interface["ipAddress"],),
            tunnels=tunnels,
            asn=asn,
        ))
    return gateways


def _tunnel(store: ComputeStore, key: ResourceKey, tunnel: dict, session: BgpSession, local_address: str) -> Tunnel:
    capabilities = cloud_facts.IKE_CAPABILITIES["gcp"]
    ike_proposals, esp_proposals = gcp_proposals(tunnel["ikeVersion"], tunnel.get("cipherSuite"))
    local = session.local
    return Tunnel(
        id=tunnel_id(key.name),
        local_address=local_address,
        remote_address=peer_address(store, key, tunnel),
        psk=tunnel["sharedSecret"],
        ike_version=tunnel["ikeVersion"],
        ike_proposals=ike_proposals,
        esp_proposals=esp_proposals,
        ike_lifetime=capabilities["phase1"]["lifetime"][2],
        ipsec_lifetime=capabilities["phase2"]["lifetime"][2],
        initiate=True,
        route_based=True,
        inside_address=str(local.ip),
        inside_prefix_length=local.network.prefixlen,
        bgp=BgpPeer(
            local_asn=int(session.router["bgp"]["asn"]),
            peer_asn=int(session.peer["peerAsn"]),
            local_address=str(local.ip),
            peer_address=session.peer["peerIpAddress"],
            prefix_length=local.network.prefixlen,
            advertise=advertised_prefixes(session.router, session.peer, subnetwork_ranges(store, session.router["network"])),
        ),
    )


def peer_address(store: ComputeStore, key: ResourceKey, tunnel: dict) -> str:
    """The far end: an external gateway's interface, or the same-numbered peer HA VPN interface."""
    if tunnel.get("peerExternalGateway"):
        external = store.get(parse_reference(tunnel["peerExternalGateway"], "externalVpnGateways", key.project, "global"))
        return next(i["ipAddress"] for i in external["interfaces"] if i["id"] == tunnel["peerExternalGatewayInterface"])
    peer = store.get(parse_reference(tunnel["peerGcpGateway"], "vpnGateways", key.project, key.scope))
    return next(i["ipAddress"] for i in peer["vpnInterfaces"] if i["id"] == tunnel["vpnGatewayInterface"])


def advertised_prefixes(router: dict, peer: dict, subnet_ranges: tuple[str, ...]) -> tuple[str, ...]:
    """DEFAULT mode advertises the network's subnets; CUSTOM (peer first, then router) its list."""
    source = peer if peer.get("advertiseMode") == "CUSTOM" else router.get("bgp", {})
    if source.get("advertiseMode") != "CUSTOM":
        return subnet_ranges
    prefixes = [item["range"] for item in source.get("advertisedIpRanges", [])]
    if "ALL_SUBNETS" in source.get("advertisedGroups", []):
        prefixes = list(subnet_ranges) + prefixes
    return tuple(dict.fromkeys(prefixes))


# ---------------------------------------------------------------------- proposals


def gcp_proposals(ike_version: int, cipher_suite: dict | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """strongSwan IKE and ESP proposals: everything Cloud VPN offers, or the tunnel's cipherSuite."""
    algorithms = _algorithms(cipher_suite or {})
    aead = cloud_facts.AEAD_ENCRYPTIONS
    ike = []
    cbc1 = [e for e in algorithms["p1_encryption"] if e not in aead]
    gcm1 = [e for e in algorithms["p1_encryption"] if e in aead]
    if cbc1:
        ike.append(_merged(cbc1, algorithms["p1_integrity"], algorithms["p1_dh"]))
    if gcm1 and ike_version == 2:  # AEAD in IKE needs IKEv2 (RFC 5282)
        ike.append(_merged(gcm1, algorithms["p1_prf"], algorithms["p1_dh"]))
    groups = [g for g in algorithms["p2_pfs"] if g is not None]
    pfs_options = ([groups] if groups else []) + ([[None]] if None in algorithms["p2_pfs"] else [])
    esp = []
    cbc2 = [e for e in algorithms["p2_encryption"] if e not in aead]
    gcm2 = [e for e in algorithms["p2_encryption"] if e in aead]
    for pfs in pfs_options:
        if cbc2:
            esp.append(_merged(cbc2, algorithms["p2_integrity"], pfs))
        if gcm2:
            esp.append(_merged(gcm2, [None], pfs))
    return tuple(ike), tuple(esp)


def _algorithms(suite: dict) -> dict[str, list]:
    capabilities = cloud_facts.IKE_CAPABILITIES["gcp"]
    phase1, phase2 = suite.get("phase1") or {}, suite.get("phase2") or {}

    def chosen(values: list, kind: str, default: tuple) -> list:
        return [cloud_facts.canonical_name("gcp", kind, value) for value in values] if values else list(default)

    return {
        "p1_encryption": chosen(phase1.get("encryption"), "encryption", capabilities["phase1"]["encryption"]),
        "p1_integrity": chosen(phase1.get("integrity"), "integrity", capabilities["phase1"]["integrity"]),
        "p1_prf": chosen(phase1.get("prf"), "prf", capabilities["phase1"]["integrity"]),
        "p1_dh": chosen(phase1.get("dh"), "dh_group", capabilities["phase1"]["dh_groups"]),
        "p2_encryption": chosen(phase2.get("encryption"), "encryption", capabilities["phase2"]["encryption"]),
        "p2_integrity": chosen(phase2.get("integrity"), "integrity", capabilities["phase2"]["integrity"]),
        "p2_pfs": chosen(phase2.get("pfs"), "pfs_group", capabilities["phase2"]["pfs_groups"]),
    }


def _merged(encryptions: list[str], integrities: list, groups: list) -> str:
    """One strongSwan proposal carrying several algorithms of each kind, in preference order.

    Each token comes from ``strongswan_proposal`` (so AEAD ciphers get "prf" hashes in IKE);
    encryption first, integrity/PRF next, key exchange last.
    """
    kinds: tuple[list[str], list[str], list[str]] = ([], [], [])
    for encryption in encryptions:
        for integrity in integrities:
            for group in groups:
                tokens = cloud_facts.strongswan_proposal(encryption, integrity, group).split("-")
                positions = [0] + ([1] if integrity is not None else []) + ([2] if group is not None else [])
                for position, token in zip(positions, tokens):
                    if token not in kinds[position]:
                        kinds[position].append(token)
    return "-".join(kinds[0] + kinds[1] + kinds[2])
