"""What the AWS emulator asks the data plane to run (dataplane_model), built through boto3."""
from __future__ import annotations

from pathlib import Path

import pytest

from mci_lab import profiles
from mci_lab.collection import import_module_utils
from mci_lab.dataplane.model import BgpPeer, Host, Route, Tunnel
from tests.lab.conftest import context_with
from tests.lab.emulators.test_aws import (
    CUSTOMER_IP,
    FULL_TUNNEL_1,
    FULL_TUNNEL_2,
    attached_vgw,
    customer_gateway,
    described_vpn,
    ec2_client,
    main_route_table,
    vpc_with_subnet,
    vpn_connection,
    wait_for,
)

cloud_facts = import_module_utils("cloud_facts")
AWS = cloud_facts.IKE_CAPABILITIES["aws"]


@pytest.fixture
def aws(start_emulator):
    running = start_emulator("aws")
    return running.emulator, ec2_client(running.endpoint)


def gateways_of(topology, vpn_id: str) -> list:
    return [gateway for gateway in topology.gateways if f"/{vpn_id}/" in gateway.id]


def test_bgp_vpn_connection_becomes_networks_hosts_and_one_gateway_per_tunnel_endpoint(aws):
    emulator, ec2 = aws
    vpc_id, subnet_id = vpc_with_subnet(ec2, cidr="10.30.0.0/16", subnet="10.30.1.0/24")
    ec2.associate_vpc_cidr_block(VpcId=vpc_id, CidrBlock="100.64.0.0/16")
    vgw_id = attached_vgw(ec2, vpc_id, AmazonSideAsn=65200)
    vpn = vpn_connection(ec2, customer_gateway(ec2, asn=65010), vgw_id, TunnelOptions=[FULL_TUNNEL_1, FULL_TUNNEL_2],
                         LocalIpv4NetworkCidr="192.168.0.0/16", RemoteIpv4NetworkCidr="10.30.0.0/16")
    instance_id = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, SubnetId=subnet_id)["Instances"][0]["InstanceId"]
    ec2.modify_instance_attribute(InstanceId=instance_id, SourceDestCheck={"Value": False})
    elastic_ip = ec2.allocate_address(Domain="vpc")
    ec2.associate_address(AllocationId=elastic_ip["AllocationId"], InstanceId=instance_id)
    igw_id = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw_id, VpcId=vpc_id)
    nat_id = ec2.create_nat_gateway(SubnetId=subnet_id, ConnectivityType="private")["NatGateway"]["NatGatewayId"]
    tgw_id = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    table_id = main_route_table(ec2, vpc_id)["RouteTableId"]
    ec2.create_route(RouteTableId=table_id, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw_id)
    ec2.create_route(RouteTableId=table_id, DestinationCidrBlock="172.16.0.0/12", GatewayId=vgw_id)
    ec2.create_route(RouteTableId=table_id, DestinationCidrBlock="192.168.50.0/24", InstanceId=instance_id)
    ec2.create_route(RouteTableId=table_id, DestinationCidrBlock="10.99.0.0/16", NatGatewayId=nat_id)
    ec2.create_route(RouteTableId=table_id, DestinationCidrBlock="10.200.0.0/16", TransitGatewayId=tgw_id)
    ec2.enable_vgw_route_propagation(GatewayId=vgw_id, RouteTableId=table_id)

    topology = emulator.dataplane_model()

    vpn_id = vpn["VpnConnectionId"]
    endpoints = [f"aws/{vgw_id}/{vpn_id}/1", f"aws/{vgw_id}/{vpn_id}/2"]
    outside = [telemetry["OutsideIpAddress"] for telemetry in described_vpn(ec2, vpn_id)["VgwTelemetry"]]
    [network] = [network for network in topology.networks if network.id == f"aws/{vpc_id}"]
    assert network.cidrs == ("10.30.0.0/16", "100.64.0.0/16")
    assert set(network.routes) == {
        Route("10.30.0.0/16", "local", ""),
        Route("100.64.0.0/16", "local", ""),
        Route("0.0.0.0/0", "internet", f"aws/{igw_id}"),
        Route("172.16.0.0/12", "vpn_gateway", endpoints[0]),
        Route("172.16.0.0/12", "vpn_gateway", endpoints[1]),
        Route("192.168.50.0/24", "instance", f"aws/{instance_id}"),
        Route("10.99.0.0/16", "nat_gateway", f"aws/{nat_id}"),
        Route("10.200.0.0/16", "transit_gateway", f"aws/{tgw_id}"),
    }
    assert network.propagate_from == tuple(endpoints)
    [host] = topology.hosts
    private_ip = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"][0]["PrivateIpAddress"]
    assert host == Host(f"aws/{instance_id}", f"aws/{vpc_id}", private_ip, 24, elastic_ip["PublicIp"], source_dest_check=False)

    gateways = gateways_of(topology, vpn_id)
    assert [gateway.id for gateway in gateways] == endpoints
    assert [gateway.public_ips for gateway in gateways] == [(outside[0],), (outside[1],)]
    assert {(gateway.network_id, gateway.asn, gateway.cloud) for gateway in gateways} == {(f"aws/{vpc_id}", 65200, "aws")}
    first, second = (gateway.tunnels[0] for gateway in gateways)
    assert first == Tunnel(
        id=f"aws/{vpn_id}/1",
        local_address=outside[0],
        remote_address=CUSTOMER_IP,
        psk=FULL_TUNNEL_1["PreSharedKey"],
        ike_version=2,
        ike_proposals=(cloud_facts.strongswan_proposal("aes256", "sha256", 14),),
        esp_proposals=(cloud_facts.strongswan_proposal("aes256gcm16", None, 19),),
        ike_lifetime=14400,
        ipsec_lifetime=1800,
        initiate=True,
        dpd_delay=cloud_facts.AWS_DPD_INTERVAL_SECONDS,
        dpd_action="restart",
        local_ts=("10.30.0.0/16",),  # RemoteIpv4NetworkCidr: the AWS side
        remote_ts=("192.168.0.0/16",),  # LocalIpv4NetworkCidr: the customer side
        route_based=True,
        inside_address="169.254.21.1",
        inside_prefix_length=30,
        bgp=BgpPeer(65200, 65010, "169.254.21.1", "169.254.21.2", 30, advertise=("10.30.0.0/16", "100.64.0.0/16")),
    )
    assert (second.id, second.psk, second.initiate, second.inside_address, second.bgp.local_address) == (
        f"aws/{vpn_id}/2", FULL_TUNNEL_2["PreSharedKey"], False, "169.254.22.1", "169.254.22.1")


def test_a_tunnel_left_to_aws_defaults_accepts_every_allowed_proposal_and_either_ike_version(aws):
    emulator, ec2 = aws
    vpc_id = vpc_with_subnet(ec2)[0]
    vpn_id = vpn_connection(ec2, customer_gateway(ec2), attached_vgw(ec2, vpc_id))["VpnConnectionId"]

    tunnel = gateways_of(emulator.dataplane_model(), vpn_id)[0].tunnels[0]

    def accepted(proposals: tuple[str, ...], combination: str) -> bool:
        return any(set(combination.split("-")) <= set(proposal.split("-")) for proposal in proposals)

    phase1, phase2 = AWS["phase1"], AWS["phase2"]
    for encryption in phase1["encryption"]:
        for integrity in phase1["integrity"]:
            for group in phase1["dh_groups"]:
                assert accepted(tunnel.ike_proposals, cloud_facts.strongswan_proposal(encryption, integrity, group))
    for encryption in phase2["encryption"]:
        for integrity in ([None] if encryption in cloud_facts.AEAD_ENCRYPTIONS else phase2["integrity"]):
            for group in phase2["pfs_groups"]:
                assert accepted(tunnel.esp_proposals, cloud_facts.strongswan_proposal(encryption, integrity, group))
    assert (tunnel.ike_version, tunnel.initiate, tunnel.dpd_action) == (0, False, "clear")
    assert (tunnel.local_ts, tunnel.remote_ts) == (("0.0.0.0/0",), ("0.0.0.0/0",))


def test_static_connection_routes_enter_networks_that_propagate_its_vgw(aws):
    emulator, ec2 = aws
    vpc_id = vpc_with_subnet(ec2)[0]
    vgw_id = attached_vgw(ec2, vpc_id)
    vpn_id = vpn_connection(ec2, customer_gateway(ec2), vgw_id, StaticRoutesOnly=True)["VpnConnectionId"]
    ec2.create_vpn_connection_route(VpnConnectionId=vpn_id, DestinationCidrBlock="172.16.0.0/16")

    def vpn_routes() -> set[Route]:
        [network] = [network for network in emulator.dataplane_model().networks if network.id == f"aws/{vpc_id}"]
        return {route for route in network.routes if route.target_kind == "vpn_gateway"}

    assert vpn_routes() == set()
    ec2.enable_vgw_route_propagation(GatewayId=vgw_id, RouteTableId=main_route_table(ec2, vpc_id)["RouteTableId"])
    topology = emulator.dataplane_model()
    assert vpn_routes() == {Route("172.16.0.0/16", "vpn_gateway", f"aws/{vgw_id}/{vpn_id}/{number}") for number in (1, 2)}
    assert all(gateway.tunnels[0].bgp is None for gateway in gateways_of(topology, vpn_id))
    [network] = [network for network in topology.networks if network.id == f"aws/{vpc_id}"]
    assert network.propagate_from == ()


def test_only_provisioned_resources_reach_the_data_plane(start_emulator, tmp_path: Path):
    ctx = context_with(tmp_path, delays=profiles.delay_profile("realistic", time_scale=0.002))
    running = start_emulator("aws", ctx)
    ec2 = ec2_client(running.endpoint)
    vpc_id, subnet_id = vpc_with_subnet(ec2)
    vpn_id = vpn_connection(ec2, customer_gateway(ec2), attached_vgw(ec2, vpc_id))["VpnConnectionId"]
    ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, SubnetId=subnet_id)

    pending = running.emulator.dataplane_model()
    wait_for(lambda: described_vpn(ec2, vpn_id)["State"], "available")
    ready = running.emulator.dataplane_model()

    assert (gateways_of(pending, vpn_id), pending.hosts) == ([], ())
    assert len(gateways_of(ready, vpn_id)) == 2 and len(ready.hosts) == 1


def test_private_nat_gateway_and_transit_gateway_of_the_nat_vpc_pattern(aws):
    emulator, ec2 = aws
    spoke_id, spoke_subnet = vpc_with_subnet(ec2, cidr="10.0.0.0/16", subnet="10.0.1.0/24")
    nat_vpc_id = ec2.create_vpc(CidrBlock="100.64.10.0/27")["Vpc"]["VpcId"]
    public_half = ec2.create_subnet(VpcId=nat_vpc_id, CidrBlock="100.64.10.16/28")["Subnet"]["SubnetId"]
    nat = ec2.create_nat_gateway(SubnetId=public_half, ConnectivityType="private")["NatGateway"]
    tgw_id = ec2.create_transit_gateway(Options={"DefaultRouteTableAssociation": "disable",
                                                 "DefaultRouteTablePropagation": "disable"})["TransitGateway"]["TransitGatewayId"]
    attachments = [ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw_id, VpcId=vpc, SubnetIds=[subnet])[
        "TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"] for vpc, subnet in ((spoke_id, spoke_subnet), (nat_vpc_id, public_half))]
    table_id = ec2.create_transit_gateway_route_table(TransitGatewayId=tgw_id)["TransitGatewayRouteTable"]["TransitGatewayRouteTableId"]
    ec2.associate_transit_gateway_route_table(TransitGatewayRouteTableId=table_id, TransitGatewayAttachmentId=attachments[0])
    ec2.create_transit_gateway_route(DestinationCidrBlock="192.168.100.0/24", TransitGatewayRouteTableId=table_id,
                                     TransitGatewayAttachmentId=attachments[1])
    ec2.create_transit_gateway_route(DestinationCidrBlock="172.16.0.0/12", TransitGatewayRouteTableId=table_id, Blackhole=True)
    public_table = ec2.create_route_table(VpcId=nat_vpc_id)["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=public_table, SubnetId=public_half)
    ec2.create_route(RouteTableId=public_table, DestinationCidrBlock="192.168.100.0/24", TransitGatewayId=tgw_id)

    topology = emulator.dataplane_model()

    [nat_gateway] = topology.nat_gateways
    assert (nat_gateway.id, nat_gateway.network_id, nat_gateway.private_ip, nat_gateway.subnet_prefix_length) == (
        f"aws/{nat['NatGatewayId']}", f"aws/{nat_vpc_id}", nat["NatGatewayAddresses"][0]["PrivateIp"], 28)
    assert Route("192.168.100.0/24", "transit_gateway", f"aws/{tgw_id}") in nat_gateway.routes  # its subnet's table
    [tgw] = topology.transit_gateways
    assert tgw.id == f"aws/{tgw_id}"
    assert [(a.id, a.network_id, a.route_table_id) for a in tgw.attachments] == [
        (f"aws/{attachments[0]}", f"aws/{spoke_id}", f"aws/{table_id}"), (f"aws/{attachments[1]}", f"aws/{nat_vpc_id}", "")]
    [table] = tgw.route_tables
    assert set(table.routes) == {Route("192.168.100.0/24", "attachment", f"aws/{attachments[1]}"),
                                 Route("172.16.0.0/12", "blackhole")}
