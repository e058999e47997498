"""AWS <-> GCP HA VPN with BGP over two tunnels (ECMP), through boto3 and google-cloud-compute only.

One AWS VPN connection (BGP, both tunnels' inside /30s, StartupAction start) to HA VPN interface 0;
on GCP an external VPN gateway with the two AWS outside IPs, two tunnels and a Cloud Router with an
interface and a BGP peer per tunnel. Both sessions come up, each VPC learns the other's prefix,
pings cross. Then one tunnel's outside path goes dark (impair.cut): pings keep flowing over the
other tunnel after at most a BGP hold time, and both clouds report that tunnel and its session
down; once the path is back, so are they.
"""
from __future__ import annotations

import ipaddress
import time
from dataclasses import dataclass

import pytest
from google.cloud import compute_v1

from mci_lab import scenarios
from mci_lab.dataplane import impair
from tests.lab.common import ping, wait_until
from tests.lab.e2e.clouds import (
    AWS_REGION, GCP_PROJECT, GCP_REGION, GCP_ZONE, aws_attached_vgw, aws_telemetry, aws_vpn_connection)
from tests.lab.e2e.support import PingStream, longest_gap

pytestmark = pytest.mark.dataplane

AWS_CIDR, AWS_SUBNET, AWS_HOST = "10.70.0.0/16", "10.70.1.0/24", "10.70.1.10"
GCP_CIDR = "10.80.1.0/24"
AWS_ASN, GCP_ASN = 64512, 65010
INSIDE = ("169.254.21.0/30", "169.254.22.0/30")  # AWS takes .1 of each, GCP .2
UP_TIMEOUT = 30.0
# Fast timers (timers.py): BGP hold 3 s, DPD every 2 s with ~7 s of retransmits.
HOLD_TIME = 3.0
PING_INTERVAL = 0.1
HA_VPN, ROUTER, AWS_PEER = "mci-e2e-havpn", "mci-e2e-cr", "mci-e2e-aws"
GCP_TUNNELS = ("mci-e2e-tun-1", "mci-e2e-tun-2")


@dataclass(frozen=True)
class Interconnect:
    """What the tests need of the built interconnect: clients, ids, addresses, namespaces."""

    ec2: object
    gcp: dict
    vpn_id: str
    vgw_id: str
    aws_outside_ips: tuple[str, ...]
    gcp_tunnels: tuple[str, ...]
    gcp_ip: str
    route_table_ids: tuple[str, ...]
    gcp_host: str
    aws_ns: str
    gcp_ns: str


def inside_address(cidr: str, side: str) -> str:
    """AWS takes the first usable address of a tunnel's inside /30, its peer the second."""
    first, second = list(ipaddress.ip_network(cidr).hosts())[:2]
    return str(first if side == "aws" else second)


@pytest.fixture(scope="module")
def interconnect(lab) -> Interconnect:
    """Build the AWS and GCP sides through their SDKs, in the order the clouds need."""
    ec2 = scenarios.aws_client(lab.endpoints, AWS_REGION)
    gcp = scenarios.gcp_clients(lab.endpoints)
    seeded = scenarios.Seeded()
    aws = scenarios.seed_aws_vpc(ec2, seeded, "mci-e2e-bgp-aws", AWS_CIDR, AWS_SUBNET, AWS_HOST)
    gcp_site = scenarios.seed_gcp_network(gcp, seeded, GCP_PROJECT, GCP_REGION, GCP_ZONE, "mci-e2e-bgp-gcp", GCP_CIDR)
    network = f"global/networks/{gcp_site['network']}"

    def done(operation) -> None:
        scenarios.gcp_wait(gcp, operation, GCP_PROJECT)

    # GCP first: its HA VPN interface 0 is AWS's customer gateway.
    done(gcp["vpn_gateways"].insert_unary(project=GCP_PROJECT, region=GCP_REGION, vpn_gateway_resource=compute_v1.VpnGateway(
        name=HA_VPN, network=network)))
    gcp_ip = gcp["vpn_gateways"].get(project=GCP_PROJECT, region=GCP_REGION, vpn_gateway=HA_VPN).vpn_interfaces[0].ip_address
    done(gcp["routers"].insert_unary(project=GCP_PROJECT, region=GCP_REGION, router_resource=compute_v1.Router(
        name=ROUTER, network=network, bgp=compute_v1.RouterBgp(asn=GCP_ASN))))

    vgw_id = aws_attached_vgw(ec2, aws["vpc_id"], AmazonSideAsn=AWS_ASN)
    vpn = aws_vpn_connection(ec2, gcp_ip, GCP_ASN, vgw_id, {"StaticRoutesOnly": False, "TunnelOptions": [
        {"TunnelInsideCidr": cidr, "StartupAction": "start", "IKEVersions": [{"Value": "ikev2"}]} for cidr in INSIDE]})
    for table_id in aws["route_table_ids"]:
        ec2.enable_vgw_route_propagation(GatewayId=vgw_id, RouteTableId=table_id)
    tunnels = vpn["Options"]["TunnelOptions"]

    # An external VPN gateway with AWS's two outside IPs, one GCP tunnel to each, both on interface 0.
    done(gcp["external_vpn_gateways"].insert_unary(project=GCP_PROJECT, external_vpn_gateway_resource=compute_v1.ExternalVpnGateway(
        name=AWS_PEER, redundancy_type="TWO_IPS_REDUNDANCY", interfaces=[
            compute_v1.ExternalVpnGatewayInterface(id=index, ip_address=tunnel["OutsideIpAddress"])
            for index, tunnel in enumerate(tunnels)])))
    for index, (name, tunnel) in enumerate(zip(GCP_TUNNELS, tunnels)):
        done(gcp["vpn_tunnels"].insert_unary(project=GCP_PROJECT, region=GCP_REGION, vpn_tunnel_resource=compute_v1.VpnTunnel(
            name=name, vpn_gateway=HA_VPN, vpn_gateway_interface=0, peer_external_gateway=AWS_PEER,
            peer_external_gateway_interface=index, router=ROUTER, ike_version=2, shared_secret=tunnel["PreSharedKey"])))
    links = [gcp["vpn_tunnels"].get(project=GCP_PROJECT, region=GCP_REGION, vpn_tunnel=name).self_link for name in GCP_TUNNELS]
    interfaces = [compute_v1.RouterInterface(name=f"if-{n}", ip_range=f"{inside_address(cidr, 'gcp')}/30", linked_vpn_tunnel=link)
                  for n, (cidr, link) in enumerate(zip(INSIDE, links), 1)]
    peers = [compute_v1.RouterBgpPeer(name=f"peer-{n}", interface_name=f"if-{n}", peer_ip_address=inside_address(cidr, "aws"),
                                      peer_asn=AWS_ASN) for n, cidr in enumerate(INSIDE, 1)]
    done(gcp["routers"].patch_unary(project=GCP_PROJECT, region=GCP_REGION, router=ROUTER,
                                    router_resource=compute_v1.Router(interfaces=interfaces, bgp_peers=peers)))

    namespaces = {instance.cloud: lab.host_namespace(instance.model_id) for instance in seeded.instances}
    return Interconnect(ec2=ec2, gcp=gcp, vpn_id=vpn["VpnConnectionId"], vgw_id=vgw_id,
                        aws_outside_ips=tuple(t["OutsideIpAddress"] for t in tunnels), gcp_tunnels=GCP_TUNNELS,
                        gcp_ip=gcp_ip, route_table_ids=tuple(aws["route_table_ids"]), gcp_host=gcp_site["instance_ip"],
                        aws_ns=namespaces["aws"], gcp_ns=namespaces["gcp"])


# --------------------------------------------------------------------------- what the APIs say


def bgp_peers(gcp) -> dict[str, compute_v1.BgpPeerStatus]:
    result = gcp["routers"].get_router_status(project=GCP_PROJECT, region=GCP_REGION, router=ROUTER).result
    return {peer.name: peer for peer in result.bgp_peer_status}


def gcp_tunnel_status(gcp, name: str) -> tuple[str, str]:
    tunnel = gcp["vpn_tunnels"].get(project=GCP_PROJECT, region=GCP_REGION, vpn_tunnel=name)
    return tunnel.status, tunnel.detailed_status


def propagated_routes(ec2, table_ids: list[str]) -> list[dict]:
    tables = ec2.describe_route_tables(RouteTableIds=table_ids)["RouteTables"]
    return [route for table in tables for route in table["Routes"] if route.get("Origin") == "EnableVgwRoutePropagation"]


def both_up(ic: Interconnect) -> bool:
    telemetry = aws_telemetry(ic.ec2, ic.vpn_id)
    peers = bgp_peers(ic.gcp)
    return (all(t["Status"] == "UP" and t["StatusMessage"] == "1 BGP ROUTES" for t in telemetry)
            and len(peers) == 2 and all(p.state == "Established" and p.num_learned_routes == 1 for p in peers.values())
            and all(gcp_tunnel_status(ic.gcp, name)[0] == "ESTABLISHED" for name in ic.gcp_tunnels))


def tunnel_one_reported_down(ic: Interconnect) -> tuple[list[dict], dict] | None:
    telemetry = aws_telemetry(ic.ec2, ic.vpn_id)
    peers = bgp_peers(ic.gcp)
    down = (telemetry[0]["Status"] == "DOWN" and telemetry[1]["Status"] == "UP"
            and peers["peer-1"].state != "Established" and peers["peer-2"].state == "Established")
    return (telemetry, peers) if down else None


# --------------------------------------------------------------------------- tests


def test_both_bgp_sessions_come_up_routes_propagate_and_pings_cross(interconnect):
    ic = interconnect
    wait_until(lambda: both_up(ic), UP_TIMEOUT, "both tunnels UP and both BGP sessions Established (AWS and GCP)")
    telemetry = aws_telemetry(ic.ec2, ic.vpn_id)
    assert [t["AcceptedRouteCount"] for t in telemetry] == [1, 1]
    peers = bgp_peers(ic.gcp)
    assert {p.peer_ip_address for p in peers.values()} == {inside_address(cidr, "aws") for cidr in INSIDE}
    assert all(p.status == "UP" for p in peers.values())

    routes = wait_until(lambda: propagated_routes(ic.ec2, list(ic.route_table_ids)), 10, "a propagated route on AWS")
    assert [(r["DestinationCidrBlock"], r["GatewayId"], r["State"]) for r in routes] == [(GCP_CIDR, ic.vgw_id, "active")]
    router = ic.gcp["routers"].get_router_status(project=GCP_PROJECT, region=GCP_REGION, router=ROUTER).result
    assert {route.dest_range for route in router.best_routes} == {AWS_CIDR}, "GCP learned the AWS VPC over both peers"
    assert len(router.best_routes) == 2

    wait_until(lambda: ping(ic.aws_ns, ic.gcp_host, count=1), 10, "AWS instance -> GCP VM")
    assert ping(ic.aws_ns, ic.gcp_host, count=5)
    assert ping(ic.gcp_ns, AWS_HOST, count=5)


def test_cutting_one_tunnel_keeps_traffic_flowing_and_both_clouds_report_it(interconnect, lab):
    ic = interconnect
    wait_until(lambda: both_up(ic), UP_TIMEOUT, "both tunnels up before the cut")
    aws_outside_1 = ic.aws_outside_ips[0]
    count = 120  # 12 s of pings at 0.1 s: the cut, BGP's hold time, and well after
    try:
        with PingStream(ic.gcp_ns, AWS_HOST, count=count, interval=PING_INTERVAL) as pings:
            time.sleep(1.0)
            impair.cut(lab.prefix, aws_outside_1, ic.gcp_ip)
            cut_at = time.monotonic()
            telemetry, peers = wait_until(lambda: tunnel_one_reported_down(ic), HOLD_TIME + 7,
                                          "AWS tunnel 1 DOWN and GCP peer-1 not Established, tunnel 2 still up")
            detected_after = time.monotonic() - cut_at
            answered = pings.answered(timeout=count * PING_INTERVAL + 10)
        lost, gap = count - len(answered), longest_gap(answered, count)
        print(f"\ncut reported by both clouds after {detected_after:.1f} s; pings lost {lost}/{count}, "
              f"longest outage {gap * PING_INTERVAL:.1f} s; AWS tunnel 1: {telemetry[0]['StatusMessage']!r}; "
              f"GCP peer-1: {peers['peer-1'].state}")
        # The session over the dark path ends within its hold time; the flow then takes tunnel 2.
        assert gap * PING_INTERVAL <= HOLD_TIME + 1.5, f"outage of {gap * PING_INTERVAL:.1f} s is longer than a hold time"
        assert set(range(count - 30, count + 1)) <= answered, "pings must flow over tunnel 2 after the failover"
        assert peers["peer-1"].status == "DOWN" and peers["peer-1"].num_learned_routes == 0
        assert telemetry[0]["AcceptedRouteCount"] == 0 and telemetry[1]["StatusMessage"] == "1 BGP ROUTES"

        # Dead peer detection then gives up on the dark path: GCP shows the tunnel itself down.
        status, detail = wait_until(
            lambda: (s := gcp_tunnel_status(ic.gcp, ic.gcp_tunnels[0]))[0] != "ESTABLISHED" and s,
            20, "GCP tunnel 1 no longer ESTABLISHED (DPD)")
        print(f"GCP tunnel 1: {status}: {detail} ({time.monotonic() - cut_at:.1f} s after the cut)")
        assert gcp_tunnel_status(ic.gcp, ic.gcp_tunnels[1])[0] == "ESTABLISHED"
        assert ping(ic.aws_ns, ic.gcp_host, count=3)
    finally:
        impair.restore(lab.prefix, aws_outside_1, ic.gcp_ip)
    restored = time.monotonic()
    wait_until(lambda: both_up(ic), 30, "tunnel 1 and its BGP session back after the path is restored")
    print(f"both tunnels back {time.monotonic() - restored:.1f} s after the path was restored")
    assert ping(ic.gcp_ns, AWS_HOST, count=3)
