"""The AWS calls the overlay, VPN hub and NAT VPC patterns need, through boto3 against the lab.

The VPN calls are covered in test_aws.py; these are the others: a NAT instance (source/dest
check, routes via an instance), VPC discovery by tag across regions, a transit gateway with its
route tables, and private NAT gateways in /28 subnets carved from a small /27.
"""
from __future__ import annotations

import ipaddress

import boto3
import pytest

from mci_lab import emulators
from mci_lab.emulators.base import serve, stop
from tests.lab.conftest import context_with


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    ctx = context_with(tmp_path_factory.mktemp("aws-patterns"))
    running = serve(emulators.build("aws", ctx), ctx)
    yield running.endpoint
    stop(running)


def ec2_in(endpoint: str, region: str = "us-east-1"):
    return boto3.client("ec2", region_name=region, endpoint_url=endpoint,
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def new_vpc(ec2, cidr: str, tags: dict | None = None) -> str:
    spec = [{"ResourceType": "vpc", "Tags": [{"Key": k, "Value": v} for k, v in (tags or {}).items()]}] if tags else []
    return ec2.create_vpc(CidrBlock=cidr, TagSpecifications=spec)["Vpc"]["VpcId"]


def test_nat_instance_source_dest_check_and_a_route_through_it(endpoint):
    ec2 = ec2_in(endpoint)
    vpc = new_vpc(ec2, "172.16.0.0/16")
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="172.16.0.0/24")["Subnet"]["SubnetId"]
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    nat = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, SubnetId=subnet, PrivateIpAddress="172.16.0.11")["Instances"][0]

    ec2.modify_instance_attribute(InstanceId=nat["InstanceId"], SourceDestCheck={"Value": False})
    table = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"][0]["RouteTableId"]
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="192.168.254.0/24", InstanceId=nat["InstanceId"])

    attribute = ec2.describe_instance_attribute(InstanceId=nat["InstanceId"], Attribute="sourceDestCheck")
    routes = ec2.describe_route_tables(RouteTableIds=[table])["RouteTables"][0]["Routes"]
    assert attribute["SourceDestCheck"]["Value"] is False
    assert {"DestinationCidrBlock": "192.168.254.0/24", "InstanceId": nat["InstanceId"]}.items() <= next(
        route for route in routes if route["DestinationCidrBlock"] == "192.168.254.0/24").items()


def test_vpcs_are_discovered_by_tag_in_several_regions(endpoint):
    for region, cidr in (("us-east-1", "10.61.0.0/16"), ("eu-west-1", "10.62.0.0/16")):
        new_vpc(ec2_in(endpoint, region), cidr, {"vpn-hub": "spoke"})
    new_vpc(ec2_in(endpoint, "eu-west-1"), "10.63.0.0/16", {"vpn-hub": "no"})

    found = {region: sorted(vpc["CidrBlock"] for vpc in ec2_in(endpoint, region).describe_vpcs(
        Filters=[{"Name": "tag:vpn-hub", "Values": ["spoke"]}])["Vpcs"]) for region in ("us-east-1", "eu-west-1")}
    assert found == {"us-east-1": ["10.61.0.0/16"], "eu-west-1": ["10.62.0.0/16"]}


def test_transit_gateway_route_tables_attachments_and_static_routes(endpoint):
    ec2 = ec2_in(endpoint)
    vpc = new_vpc(ec2, "10.70.0.0/16")
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.70.0.0/28")["Subnet"]["SubnetId"]
    tgw = ec2.create_transit_gateway(Options={"AmazonSideAsn": 64600, "DefaultRouteTableAssociation": "disable",
                                              "DefaultRouteTablePropagation": "disable"})["TransitGateway"]["TransitGatewayId"]
    attachment = ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=vpc, SubnetIds=[subnet])[
        "TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
    table = ec2.create_transit_gateway_route_table(TransitGatewayId=tgw)["TransitGatewayRouteTable"]["TransitGatewayRouteTableId"]
    ec2.associate_transit_gateway_route_table(TransitGatewayRouteTableId=table, TransitGatewayAttachmentId=attachment)
    ec2.enable_transit_gateway_route_table_propagation(TransitGatewayRouteTableId=table, TransitGatewayAttachmentId=attachment)
    ec2.create_transit_gateway_route(DestinationCidrBlock="10.200.0.0/16", TransitGatewayRouteTableId=table,
                                     TransitGatewayAttachmentId=attachment)

    routes = ec2.search_transit_gateway_routes(TransitGatewayRouteTableId=table,
                                               Filters=[{"Name": "type", "Values": ["static"]}])["Routes"]
    described = ec2.describe_transit_gateways(TransitGatewayIds=[tgw])["TransitGateways"][0]
    assert [route["DestinationCidrBlock"] for route in routes] == ["10.200.0.0/16"]
    assert described["Options"]["AmazonSideAsn"] == 64600


def test_private_nat_gateways_in_28s_carved_from_a_small_27(endpoint):
    ec2 = ec2_in(endpoint)
    vpc = new_vpc(ec2, "10.80.0.0/16")
    ec2.associate_vpc_cidr_block(VpcId=vpc, CidrBlock="100.64.10.0/27")
    halves = list(ipaddress.ip_network("100.64.10.0/27").subnets(new_prefix=28))
    gateways = []
    for half in halves:
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=str(half))["Subnet"]["SubnetId"]
        gateways.append(ec2.create_nat_gateway(SubnetId=subnet, ConnectivityType="private")["NatGateway"])

    cidrs = [association["CidrBlock"] for association in ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]["CidrBlockAssociationSet"]]
    assert cidrs == ["10.80.0.0/16", "100.64.10.0/27"]
    for half, gateway in zip(halves, gateways):
        private_ip = ipaddress.ip_address(gateway["NatGatewayAddresses"][0]["PrivateIp"])
        assert gateway["ConnectivityType"] == "private" and private_ip in half
