"""Hand-built topologies for the data-plane tests (the emulators build the real ones later)."""
from __future__ import annotations

from mci_lab.dataplane.model import BgpPeer, Gateway, Host, Network, Route, Topology, Tunnel

NET_A, NET_B = "10.10.0.0/16", "192.168.0.0/16"
HOST_A, HOST_B = "10.10.1.10", "192.168.10.10"


def two_networks(gateways: tuple[Gateway, ...], routes_a: tuple[Route, ...] = (), routes_b: tuple[Route, ...] = (),
                 propagate_a: tuple[str, ...] = (), propagate_b: tuple[str, ...] = ()) -> Topology:
    return Topology(
        networks=(
            Network("vpc-a", "alibaba", (NET_A,), routes=routes_a, propagate_from=propagate_a),
            Network("vpc-b", "aws", (NET_B,), routes=routes_b, propagate_from=propagate_b),
        ),
        hosts=(
            Host("host-a", "vpc-a", HOST_A, 24),
            Host("host-b", "vpc-b", HOST_B, 24),
        ),
        gateways=gateways,
    )


def policy_ikev1_pair(psk_b: str = "alibaba-psk-1", proposals_b: tuple[str, ...] = ("aes128-sha1-modp1024",)) -> Topology:
    """Alibaba-style static policy-based IKEv1 main mode between vpc-a and vpc-b."""
    common = dict(ike_version=1, esp_proposals=("aes128-sha1-modp1024",), route_based=False)
    side_a = Tunnel("alibaba/vco-1", "198.51.100.10", "203.0.113.10", "alibaba-psk-1", initiate=True,
                    ike_proposals=("aes128-sha1-modp1024",), local_ts=(NET_A,), remote_ts=(NET_B,), **common)
    side_b = Tunnel("aws/vpn-1/1", "203.0.113.10", "198.51.100.10", psk_b, initiate=False,
                    ike_proposals=proposals_b, local_ts=(NET_B,), remote_ts=(NET_A,), **common)
    return two_networks(
        gateways=(
            Gateway("vpn-gw-a", "alibaba", "vpc-a", ("198.51.100.10",), (side_a,)),
            Gateway("cgw-b", "aws", "vpc-b", ("203.0.113.10",), (side_b,)),
        ),
        routes_a=(Route(NET_B, "vpn_gateway", "vpn-gw-a"),),
        routes_b=(Route(NET_A, "vpn_gateway", "cgw-b"),),
    )


def bgp_ecmp_pair(enabled_a1: bool = True) -> Topology:
    """AWS-like gateway (two outside addresses, one tunnel each) to a customer gateway with one
    address and two tunnels (port-mux), eBGP over both tunnels, routes propagated into both VPCs."""
    aws_ips, cgw_ip = ("203.0.113.21", "203.0.113.22"), "198.51.100.30"
    inside = (("169.254.21.1", "169.254.21.2"), ("169.254.22.1", "169.254.22.2"))
    aws_tunnels, cgw_tunnels = [], []
    for n, (aws_ip, (aws_in, cgw_in)) in enumerate(zip(aws_ips, inside), start=1):
        aws_tunnels.append(Tunnel(
            f"aws/vpn-0abc/{n}", aws_ip, cgw_ip, f"aws-psk-{n}", ike_proposals=("aes256-sha256-modp2048",),
            esp_proposals=("aes256-sha256-modp2048",), inside_address=aws_in,
            bgp=BgpPeer(64512, 65000, aws_in, cgw_in), enabled=enabled_a1 or n != 1))
        cgw_tunnels.append(Tunnel(
            f"cgw/tunnel-{n}", cgw_ip, aws_ip, f"aws-psk-{n}", ike_proposals=("aes256-sha256-modp2048",),
            esp_proposals=("aes256-sha256-modp2048",), initiate=True, inside_address=cgw_in,
            bgp=BgpPeer(65000, 64512, cgw_in, aws_in)))
    return two_networks(
        gateways=(
            Gateway("vgw-b", "aws", "vpc-b", aws_ips, tuple(aws_tunnels), asn=64512),
            Gateway("cgw-a", "alibaba", "vpc-a", (cgw_ip,), tuple(cgw_tunnels), asn=65000),
        ),
        propagate_a=("cgw-a",),
        propagate_b=("vgw-b",),
    )
