"""The NAT VPC pattern: overlapping spokes reach a constrained on-prem range through a transit
gateway and a private NAT gateway, so on-prem only ever sees the NAT gateway's private address.

    spoke-a 10.0.0.0/16 --+                         +-- nat-vpc 100.64.10.0/27 (NAT gw in a /28)
    spoke-b 10.0.0.0/16 --+-- TGW (a table each) ---+-- onprem 192.168.100.0/24
"""
from __future__ import annotations

from pathlib import Path

import pytest

from mci_lab.dataplane import netns
from mci_lab.dataplane.layout import Layout
from mci_lab.dataplane.model import (Host, NatGateway, Network, Route, TgwAttachment, TgwRouteTable, Topology,
                                     TransitGateway)
from mci_lab.dataplane.naming import Names
from mci_lab.dataplane.plan import UNASSOCIATED_TABLE, build_plan
from tests.lab.common import ping

SPOKE_CIDR, ONPREM_CIDR, NAT_VPC_CIDR = "10.0.0.0/16", "192.168.100.0/24", "100.64.10.0/27"
SPOKE_HOST, ONPREM_HOST = "10.0.1.10", "192.168.100.10"
NAT_IP = "100.64.10.20"  # in 100.64.10.16/28, the second /28 carved from the /27
TGW = "aws/tgw-1"


def nat_vpc_topology() -> Topology:
    via_tgw = Route(ONPREM_CIDR, "transit_gateway", TGW)
    return Topology(
        networks=(
            Network("aws/vpc-spoke-a", "aws", (SPOKE_CIDR,), routes=(via_tgw,)),
            Network("aws/vpc-spoke-b", "aws", (SPOKE_CIDR,), routes=(via_tgw,)),
            # The attachment's subnet: on-prem via the NAT gateway, the spokes back via the TGW.
            Network("aws/vpc-nat", "aws", (NAT_VPC_CIDR,), routes=(
                Route(ONPREM_CIDR, "nat_gateway", "aws/nat-1"),
                Route(SPOKE_CIDR, "transit_gateway", TGW),
            )),
            Network("aws/vpc-onprem", "aws", (ONPREM_CIDR,), routes=(Route(NAT_VPC_CIDR, "transit_gateway", TGW),)),
        ),
        hosts=(
            Host("aws/i-spoke-a", "aws/vpc-spoke-a", SPOKE_HOST, 24),
            Host("aws/i-spoke-b", "aws/vpc-spoke-b", SPOKE_HOST, 24),
            Host("aws/i-onprem", "aws/vpc-onprem", ONPREM_HOST, 24),
        ),
        nat_gateways=(
            # Its own subnet's table sends what it translated on to the TGW.
            NatGateway("aws/nat-1", "aws/vpc-nat", NAT_IP, 28, routes=(Route(ONPREM_CIDR, "transit_gateway", TGW),)),
        ),
        transit_gateways=(TransitGateway(
            TGW, "aws",
            attachments=(
                TgwAttachment("aws/tgw-attach-a", "aws/vpc-spoke-a", "aws/tgw-rtb-spokes"),
                TgwAttachment("aws/tgw-attach-b", "aws/vpc-spoke-b", "aws/tgw-rtb-spokes"),
                TgwAttachment("aws/tgw-attach-nat", "aws/vpc-nat", "aws/tgw-rtb-nat"),
                TgwAttachment("aws/tgw-attach-onprem", "aws/vpc-onprem", "aws/tgw-rtb-onprem"),
            ),
            route_tables=(
                TgwRouteTable("aws/tgw-rtb-spokes", (Route(ONPREM_CIDR, "attachment", "aws/tgw-attach-nat"),)),
                # One route per destination: only one of the overlapping spokes can get replies.
                TgwRouteTable("aws/tgw-rtb-nat", (Route(ONPREM_CIDR, "attachment", "aws/tgw-attach-onprem"),
                                                  Route(SPOKE_CIDR, "attachment", "aws/tgw-attach-a"))),
                TgwRouteTable("aws/tgw-rtb-onprem", (Route(NAT_VPC_CIDR, "attachment", "aws/tgw-attach-nat"),)),
            ),
        ),),
    )


def test_transit_gateway_plan_has_a_table_per_route_table_and_a_rule_per_attachment(tmp_path: Path) -> None:
    plan = build_plan(nat_vpc_topology(), Names("mci-plan-"), Layout.for_state_dir(tmp_path), "fast")
    tgw = plan.namespaces[plan.transit_gateways[TGW]]
    assert sorted(table for _priority, _interface, table in tgw.rules) == [100, 100, 101, 102]
    by_table = {(r.table, r.destination): r for r in tgw.routes}
    assert not by_table[(100, ONPREM_CIDR)].blackhole
    assert by_table[(100, "0.0.0.0/0")].blackhole  # no route in the table: dropped, not main
    assert by_table[(UNASSOCIATED_TABLE, "0.0.0.0/0")].blackhole
    nat_router = plan.namespaces[Names("mci-plan-").router("aws/vpc-nat")]
    assert nat_router.rules == ((1000, f"from {NAT_IP}/32 iif lan0", 100),)
    assert ("lan0", "100.64.10.17/28") in nat_router.addresses  # the NAT gateway's subnet gateway
    assert not any(r.blackhole for r in nat_router.routes)


def icmp_packets_from(namespace: str, source: str) -> int:
    """Packets counted by the ``-p icmp -s <source> -j ACCEPT`` rule the test added to INPUT."""
    listing = netns.netns_exec(namespace, ["iptables", "-n", "-v", "-x", "-L", "INPUT"]).stdout
    for line in listing.splitlines():
        fields = line.split()  # pkts bytes target prot opt in out source destination
        if len(fields) >= 9 and fields[2] == "ACCEPT" and fields[7] == source:
            return int(fields[0])
    raise AssertionError(f"no counting rule for {source} in {namespace}:\n{listing}")


@pytest.mark.dataplane
def test_spoke_reaches_onprem_as_the_private_nat_gateway(realizer) -> None:
    realizer.apply(nat_vpc_topology())
    spoke_a, spoke_b = realizer.host_namespace("aws/i-spoke-a"), realizer.host_namespace("aws/i-spoke-b")
    onprem = realizer.host_namespace("aws/i-onprem")
    # Counting rules in the on-prem instance (its OS, so the test may add them): who is the source?
    for source in (NAT_IP, SPOKE_HOST):
        netns.netns_exec(onprem, ["iptables", "-A", "INPUT", "-p", "icmp", "-s", source, "-j", "ACCEPT"])

    assert ping(spoke_a, ONPREM_HOST), "spoke A cannot reach on-prem through the TGW and the NAT gateway"
    assert icmp_packets_from(onprem, NAT_IP) >= 3
    assert icmp_packets_from(onprem, SPOKE_HOST) == 0  # the spoke's own address never leaves AWS

    # Spoke B's requests are translated too, but the NAT VPC's single 10.0.0.0/16 route returns
    # the replies to spoke A: overlapping spokes need one NAT in each spoke to both get replies.
    before = icmp_packets_from(onprem, NAT_IP)
    assert not ping(spoke_b, ONPREM_HOST, count=1)
    assert icmp_packets_from(onprem, NAT_IP) == before + 1

    # Idempotent: a second apply changes nothing and the path still works.
    realizer.apply(nat_vpc_topology())
    assert ping(spoke_a, ONPREM_HOST, count=1)
