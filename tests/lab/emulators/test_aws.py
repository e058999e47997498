"""The AWS emulator (moto, extended) through boto3: gateways, VPN connections, routes, errors, faults."""
from __future__ import annotations

import ipaddress
import time
from xml.etree import ElementTree
from typing import Callable

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from mci_lab import emulators
from mci_lab.collection import import_module_utils
from mci_lab.emulators.base import NoDataPlane, serve, stop
from tests.lab.conftest import context_with

cloud_facts = import_module_utils("cloud_facts")

DOCUMENTATION_RANGES = (ipaddress.ip_network("198.51.100.0/24"), ipaddress.ip_network("203.0.113.0/24"))
CUSTOMER_IP = "198.51.100.200"


def ec2_client(endpoint: str, **config) -> object:
    return boto3.client(
        "ec2",
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(**config) if config else None,
    )


@pytest.fixture(scope="module")
def ec2(tmp_path_factory):
    """One AWS lab for this module: every test makes its own VPC and gateways, and a server per
    test would cost its shutdown (up to half a second) each time. Tests that need a lab of their
    own (delays, faults, data-plane status) are in test_aws_lab.py."""
    ctx = context_with(tmp_path_factory.mktemp("aws"))
    running = serve(emulators.build("aws", ctx), ctx)
    yield ec2_client(running.endpoint)
    stop(running)


def error_code(call: Callable[[], object]) -> tuple[str, int, str]:
    with pytest.raises(ClientError) as caught:
        call()
    response = caught.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Message"]


def wait_for(read: Callable[[], object], expected: object, timeout: float = 10.0) -> None:
    deadline = time.time() + timeout
    while read() != expected:
        assert time.time() < deadline, f"still {read()!r}, expected {expected!r}"
        time.sleep(0.05)


def vpc_with_subnet(ec2, cidr: str = "10.20.0.0/16", subnet: str = "10.20.1.0/24") -> tuple[str, str]:
    vpc_id = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock=subnet)["Subnet"]["SubnetId"]
    return vpc_id, subnet_id


def attached_vgw(ec2, vpc_id: str, **kwargs) -> str:
    vgw_id = ec2.create_vpn_gateway(Type="ipsec.1", **kwargs)["VpnGateway"]["VpnGatewayId"]
    ec2.attach_vpn_gateway(VpnGatewayId=vgw_id, VpcId=vpc_id)
    return vgw_id


def customer_gateway(ec2, asn: int = 65010, ip: str = CUSTOMER_IP) -> str:
    return ec2.create_customer_gateway(Type="ipsec.1", IpAddress=ip, BgpAsn=asn)["CustomerGateway"]["CustomerGatewayId"]


FULL_TUNNEL_1 = {
    "TunnelInsideCidr": "169.254.21.0/30",
    "PreSharedKey": "first.key_of_tunnel1",
    "Phase1LifetimeSeconds": 14400,
    "Phase2LifetimeSeconds": 1800,
    "RekeyMarginTimeSeconds": 300,
    "RekeyFuzzPercentage": 50,
    "ReplayWindowSize": 512,
    "DPDTimeoutSeconds": 40,
    "DPDTimeoutAction": "restart",
    "Phase1EncryptionAlgorithms": [{"Value": "AES256"}],
    "Phase2EncryptionAlgorithms": [{"Value": "AES256-GCM-16"}],
    "Phase1IntegrityAlgorithms": [{"Value": "SHA2-256"}],
    "Phase2IntegrityAlgorithms": [{"Value": "SHA2-256"}],
    "Phase1DHGroupNumbers": [{"Value": 14}],
    "Phase2DHGroupNumbers": [{"Value": 19}],
    "IKEVersions": [{"Value": "ikev2"}],
    "StartupAction": "start",
}
FULL_TUNNEL_2 = dict(FULL_TUNNEL_1, TunnelInsideCidr="169.254.22.0/30", PreSharedKey="second_key.tunnel2", StartupAction="add")


def vpn_connection(ec2, cgw_id: str, vgw_id: str, **options) -> dict:
    return ec2.create_vpn_connection(Type="ipsec.1", CustomerGatewayId=cgw_id, VpnGatewayId=vgw_id, Options=options)["VpnConnection"]


def described_vpn(ec2, vpn_id: str) -> dict:
    return ec2.describe_vpn_connections(VpnConnectionIds=[vpn_id])["VpnConnections"][0]


# --------------------------------------------------------------------------- gateways


def test_vpn_gateway_gets_amazon_default_asn_attaches_and_deletes(ec2):
    vpc_id = vpc_with_subnet(ec2)[0]
    vgw = ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]
    chosen = ec2.create_vpn_gateway(Type="ipsec.1", AmazonSideAsn=65100)["VpnGateway"]
    ec2.attach_vpn_gateway(VpnGatewayId=vgw["VpnGatewayId"], VpcId=vpc_id)

    described = ec2.describe_vpn_gateways(VpnGatewayIds=[vgw["VpnGatewayId"]])["VpnGateways"][0]
    assert vgw["AmazonSideAsn"] == cloud_facts.AWS_DEFAULT_AMAZON_ASN == 64512
    assert chosen["AmazonSideAsn"] == 65100
    assert described["State"] == "available"
    assert described["VpcAttachments"] == [{"VpcId": vpc_id, "State": "attached"}]

    ec2.delete_vpn_gateway(VpnGatewayId=chosen["VpnGatewayId"])
    assert ec2.describe_vpn_gateways(VpnGatewayIds=[chosen["VpnGatewayId"]])["VpnGateways"][0]["State"] == "deleted"


def test_vpn_gateway_refuses_an_asn_outside_the_amazon_ranges(ec2):
    code, status = error_code(lambda: ec2.create_vpn_gateway(Type="ipsec.1", AmazonSideAsn=100))[:2]
    assert (code, status) == ("InvalidParameterValue", 400)


def test_customer_gateway_is_idempotent_and_deletable(ec2):
    first = customer_gateway(ec2, asn=65010, ip="198.51.100.210")
    again = customer_gateway(ec2, asn=65010, ip="198.51.100.210")
    other = customer_gateway(ec2, asn=65011, ip="198.51.100.210")
    default_asn = ec2.create_customer_gateway(Type="ipsec.1", IpAddress="198.51.100.211")["CustomerGateway"]

    assert first == again != other
    assert default_asn["BgpAsn"] == str(cloud_facts.AWS_DEFAULT_CUSTOMER_GATEWAY_ASN)
    ec2.delete_customer_gateway(CustomerGatewayId=other)
    states = {gateway["CustomerGatewayId"]: gateway["State"] for gateway in ec2.describe_customer_gateways()["CustomerGateways"]}
    assert states[first] == "available" and states[other] == "deleted"


# --------------------------------------------------------------------------- VPN connections


def test_vpn_connection_keeps_tunnel_options_as_sent(ec2):
    vpc_id = vpc_with_subnet(ec2)[0]
    vgw_id = attached_vgw(ec2, vpc_id)
    cgw_id = customer_gateway(ec2)
    created = vpn_connection(ec2, cgw_id, vgw_id, StaticRoutesOnly=False, TunnelOptions=[FULL_TUNNEL_1, FULL_TUNNEL_2])

    vpn = described_vpn(ec2, created["VpnConnectionId"])
    assert vpn["State"] == "available" and vpn["VpnGatewayId"] == vgw_id and vpn["Category"] == "VPN"
    assert vpn["Options"]["StaticRoutesOnly"] is False
    for sent, kept in zip([FULL_TUNNEL_1, FULL_TUNNEL_2], vpn["Options"]["TunnelOptions"]):
        renamed = {"DPDTimeoutSeconds": "DpdTimeoutSeconds", "DPDTimeoutAction": "DpdTimeoutAction", "IKEVersions": "IkeVersions"}
        assert {renamed.get(name, name): value for name, value in sent.items()} == {
            renamed.get(name, name): kept[renamed.get(name, name)] for name in sent}


def test_vgw_telemetry_has_unique_documentation_outside_ips_and_reads_down_without_a_data_plane(ec2):
    vpc_id = vpc_with_subnet(ec2)[0]
    vgw_id = attached_vgw(ec2, vpc_id)
    cgw_id = customer_gateway(ec2)
    first = vpn_connection(ec2, cgw_id, vgw_id)
    second = vpn_connection(ec2, cgw_id, vgw_id)

    telemetry = [described_vpn(ec2, vpn["VpnConnectionId"])["VgwTelemetry"] for vpn in (first, second)]
    outside_ips = [tunnel["OutsideIpAddress"] for per_vpn in telemetry for tunnel in per_vpn]
    assert len(outside_ips) == len(set(outside_ips)) == 4
    assert all(any(ipaddress.ip_address(ip) in network for network in DOCUMENTATION_RANGES) for ip in outside_ips)
    tunnel_ips = [tunnel["OutsideIpAddress"] for tunnel in described_vpn(ec2, first["VpnConnectionId"])["Options"]["TunnelOptions"]]
    assert tunnel_ips == outside_ips[:2]
    assert {(tunnel["Status"], tunnel["StatusMessage"], tunnel["AcceptedRouteCount"]) for per_vpn in telemetry for tunnel in per_vpn} == {
        ("DOWN", NoDataPlane.MESSAGE, 0)}


def test_unset_tunnel_options_get_aws_defaults_and_generated_inside_cidrs_and_keys(ec2):
    vpc_id = vpc_with_subnet(ec2)[0]
    vgw_id = attached_vgw(ec2, vpc_id)
    cgw_id = customer_gateway(ec2)
    tunnels = vpn_connection(ec2, cgw_id, vgw_id)["Options"]["TunnelOptions"]

    assert len(tunnels) == 2
    cidrs = [tunnel["TunnelInsideCidr"] for tunnel in tunnels]
    assert len(set(cidrs)) == 2 and all(cloud_facts.inside_cidr_problem("aws", cidr) is None for cidr in cidrs)
    assert all(cloud_facts.psk_problem("aws", tunnel["PreSharedKey"]) is None for tunnel in tunnels)
    assert {value["Value"] for value in tunnels[0]["Phase1EncryptionAlgorithms"]} == {"AES128", "AES256", "AES128-GCM-16", "AES256-GCM-16"}
    assert {value["Value"] for value in tunnels[0]["IkeVersions"]} == {"ikev1", "ikev2"}
    assert (tunnels[0]["DpdTimeoutAction"], tunnels[0]["StartupAction"], tunnels[0]["Phase1LifetimeSeconds"]) == ("clear", "add", 28800)


def test_customer_gateway_configuration_describes_each_tunnel_with_its_own_values(ec2):
    vpc_id = vpc_with_subnet(ec2)[0]
    vgw_id = attached_vgw(ec2, vpc_id, AmazonSideAsn=65200)
    cgw_id = customer_gateway(ec2, asn=65010)
    vpn = vpn_connection(ec2, cgw_id, vgw_id, TunnelOptions=[FULL_TUNNEL_1, FULL_TUNNEL_2])

    document = ElementTree.fromstring(described_vpn(ec2, vpn["VpnConnectionId"])["CustomerGatewayConfiguration"])
    tunnels = document.findall("ipsec_tunnel")
    outside = [tunnel["OutsideIpAddress"] for tunnel in vpn["Options"]["TunnelOptions"]]
    assert document.get("id") == vpn["VpnConnectionId"] and len(tunnels) == 2
    for tunnel, sent, vgw_ip, inside in zip(tunnels, [FULL_TUNNEL_1, FULL_TUNNEL_2], outside, ["169.254.21", "169.254.22"]):
        assert tunnel.findtext("ike/pre_shared_key") == sent["PreSharedKey"]
        assert tunnel.findtext("customer_gateway/tunnel_outside_address/ip_address") == CUSTOMER_IP
        assert tunnel.findtext("vpn_gateway/tunnel_outside_address/ip_address") == vgw_ip
        assert tunnel.findtext("vpn_gateway/tunnel_inside_address/ip_address") == f"{inside}.1"
        assert tunnel.findtext("customer_gateway/tunnel_inside_address/ip_address") == f"{inside}.2"
        assert tunnel.findtext("customer_gateway/bgp/asn") == "65010"
        assert tunnel.findtext("vpn_gateway/bgp/asn") == "65200"
        assert tunnel.findtext("ike/lifetime") == "14400"


def test_static_connection_configuration_has_no_bgp(ec2):
    vpc_id = vpc_with_subnet(ec2)[0]
    vpn = vpn_connection(ec2, customer_gateway(ec2), attached_vgw(ec2, vpc_id), StaticRoutesOnly=True)
    document = ElementTree.fromstring(vpn["CustomerGatewayConfiguration"])
    assert document.findall(".//bgp") == [] and len(document.findall("ipsec_tunnel")) == 2


def test_modify_vpn_tunnel_options_changes_only_the_named_tunnel(ec2):
    vpc_id = vpc_with_subnet(ec2)[0]
    vgw_id = attached_vgw(ec2, vpc_id)
    vpn = vpn_connection(ec2, customer_gateway(ec2), vgw_id, TunnelOptions=[FULL_TUNNEL_1, FULL_TUNNEL_2])
    first, second = vpn["Options"]["TunnelOptions"]

    modified = ec2.modify_vpn_tunnel_options(
        VpnConnectionId=vpn["VpnConnectionId"],
        VpnTunnelOutsideIpAddress=second["OutsideIpAddress"],
        TunnelOptions={"PreSharedKey": "changed.key_2", "TunnelInsideCidr": "169.254.30.0/30", "IKEVersions": [{"Value": "ikev1"}]},
    )["VpnConnection"]

    after = described_vpn(ec2, vpn["VpnConnectionId"])["Options"]["TunnelOptions"]
    assert modified["Options"]["TunnelOptions"] == after
    assert after[0] == first
    assert (after[1]["PreSharedKey"], after[1]["TunnelInsideCidr"], after[1]["IkeVersions"]) == (
        "changed.key_2", "169.254.30.0/30", [{"Value": "ikev1"}])
    assert after[1]["OutsideIpAddress"] == second["OutsideIpAddress"]
    code = error_code(lambda: ec2.modify_vpn_tunnel_options(
        VpnConnectionId=vpn["VpnConnectionId"], VpnTunnelOutsideIpAddress="203.0.113.254", TunnelOptions={"PreSharedKey": "another.key"}))[0]
    assert code == "InvalidParameterValue"
    code = error_code(lambda: ec2.modify_vpn_tunnel_options(
        VpnConnectionId=vpn["VpnConnectionId"], VpnTunnelOutsideIpAddress=second["OutsideIpAddress"],
        TunnelOptions={"TunnelInsideCidr": first["TunnelInsideCidr"]}))[0]
    assert code == "InvalidParameterValue"


def test_vpn_connection_routes_are_created_listed_and_deleted(ec2):
    vpc_id = vpc_with_subnet(ec2)[0]
    vpn_id = vpn_connection(ec2, customer_gateway(ec2), attached_vgw(ec2, vpc_id), StaticRoutesOnly=True)["VpnConnectionId"]

    ec2.create_vpn_connection_route(VpnConnectionId=vpn_id, DestinationCidrBlock="172.16.0.0/16")
    ec2.create_vpn_connection_route(VpnConnectionId=vpn_id, DestinationCidrBlock="172.17.0.0/16")
    assert error_code(lambda: ec2.create_vpn_connection_route(VpnConnectionId=vpn_id, DestinationCidrBlock="172.16.0.0/16"))[0] == "RouteAlreadyExists"
    assert described_vpn(ec2, vpn_id)["Routes"] == [
        {"DestinationCidrBlock": "172.16.0.0/16", "Source": "Static", "State": "available"},
        {"DestinationCidrBlock": "172.17.0.0/16", "Source": "Static", "State": "available"},
    ]
    ec2.delete_vpn_connection_route(VpnConnectionId=vpn_id, DestinationCidrBlock="172.16.0.0/16")
    assert [route["DestinationCidrBlock"] for route in described_vpn(ec2, vpn_id)["Routes"]] == ["172.17.0.0/16"]
    assert error_code(lambda: ec2.delete_vpn_connection_route(VpnConnectionId=vpn_id, DestinationCidrBlock="172.16.0.0/16"))[0] == "InvalidRoute.NotFound"


# --------------------------------------------------------------------------- routing


def main_route_table(ec2, vpc_id: str) -> dict:
    return ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["RouteTables"][0]


def test_vgw_route_propagation_shows_static_vpn_routes_as_propagated(ec2):
    vpc_id = vpc_with_subnet(ec2)[0]
    vgw_id = attached_vgw(ec2, vpc_id)
    vpn_id = vpn_connection(ec2, customer_gateway(ec2), vgw_id, StaticRoutesOnly=True)["VpnConnectionId"]
    ec2.create_vpn_connection_route(VpnConnectionId=vpn_id, DestinationCidrBlock="172.16.0.0/16")
    table_id = main_route_table(ec2, vpc_id)["RouteTableId"]

    ec2.enable_vgw_route_propagation(GatewayId=vgw_id, RouteTableId=table_id)
    table = main_route_table(ec2, vpc_id)
    assert table["PropagatingVgws"] == [{"GatewayId": vgw_id}]
    assert {"DestinationCidrBlock": "172.16.0.0/16", "GatewayId": vgw_id, "Origin": "EnableVgwRoutePropagation", "State": "active"} in table["Routes"]

    ec2.disable_vgw_route_propagation(GatewayId=vgw_id, RouteTableId=table_id)
    table = main_route_table(ec2, vpc_id)
    assert table.get("PropagatingVgws", []) == []
    assert [route["Origin"] for route in table["Routes"]] == ["CreateRouteTable"]


def test_route_propagation_needs_the_vgw_attached_to_the_vpc(ec2):
    vpc_id = vpc_with_subnet(ec2)[0]
    detached = ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
    table_id = main_route_table(ec2, vpc_id)["RouteTableId"]
    assert error_code(lambda: ec2.enable_vgw_route_propagation(GatewayId=detached, RouteTableId=table_id))[0] == "Gateway.NotAttached"


def test_nat_gateway_private_ip_comes_from_its_subnet(ec2):
    vpc_id, subnet_id = vpc_with_subnet(ec2, subnet="10.20.7.0/28")
    instance_ip = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, SubnetId=subnet_id)["Instances"][0]["PrivateIpAddress"]
    nat = ec2.create_nat_gateway(SubnetId=subnet_id, ConnectivityType="private")["NatGateway"]

    private_ip = ec2.describe_nat_gateways(NatGatewayIds=[nat["NatGatewayId"]])["NatGateways"][0]["NatGatewayAddresses"][0]["PrivateIp"]
    usable = list(ipaddress.ip_network("10.20.7.0/28").hosts())[3:-1]  # AWS keeps the first four and the last
    assert ipaddress.ip_address(private_ip) in usable
    assert private_ip != instance_ip


def test_elastic_ips_come_from_the_lab_documentation_ranges(ec2):
    address = ec2.allocate_address(Domain="vpc")
    assert any(ipaddress.ip_address(address["PublicIp"]) in network for network in DOCUMENTATION_RANGES)


# --------------------------------------------------------------------------- errors


def test_bad_input_gets_the_error_aws_gives(ec2):
    vpc_id = vpc_with_subnet(ec2)[0]
    vgw_id = attached_vgw(ec2, vpc_id)
    cgw_id = customer_gateway(ec2)

    def create(**tunnel):
        return lambda: vpn_connection(ec2, cgw_id, vgw_id, TunnelOptions=[tunnel])

    assert error_code(lambda: ec2.describe_vpn_gateways(VpnGatewayIds=["vgw-0123456789abcdef0"]))[:2] == ("InvalidVpnGatewayID.NotFound", 400)
    assert error_code(lambda: ec2.describe_customer_gateways(CustomerGatewayIds=["cgw-0123456789abcdef0"]))[0] == "InvalidCustomerGatewayID.NotFound"
    assert error_code(lambda: ec2.describe_vpn_connections(VpnConnectionIds=["vpn-0123456789abcdef0"]))[0] == "InvalidVpnConnectionID.NotFound"
    assert error_code(lambda: ec2.describe_nat_gateways(NatGatewayIds=["nat-0123456789abcdef0"]))[0] == "NatGatewayNotFound"
    assert error_code(lambda: ec2.delete_nat_gateway(NatGatewayId="nat-0123456789abcdef0"))[0] == "NatGatewayNotFound"
    assert error_code(lambda: vpn_connection(ec2, cgw_id, "vgw-0123456789abcdef0"))[0] == "InvalidVpnGatewayID.NotFound"
    for reserved in cloud_facts.AWS_RESERVED_INSIDE_CIDRS:
        code, status, message = error_code(create(TunnelInsideCidr=reserved))
        assert (code, status) == ("InvalidParameterValue", 400) and reserved in message
    for bad_psk in ("0startswithzero", "short", "has-a-dash-in-it"):
        assert error_code(create(PreSharedKey=bad_psk))[0] == "InvalidParameterValue"
    assert error_code(create(Phase1EncryptionAlgorithms=[{"Value": "3DES"}]))[0] == "InvalidParameterValue"
    assert error_code(create(DPDTimeoutSeconds=10))[0] == "InvalidParameterValue"
    assert error_code(lambda: vpn_connection(ec2, customer_gateway(ec2, asn=64512), vgw_id))[0] == "InvalidParameterValue"
    # Nothing was half-created by the refused requests.
    assert [vpn for vpn in ec2.describe_vpn_connections()["VpnConnections"] if vpn.get("VpnGatewayId") == vgw_id] == []


def test_unimplemented_action_is_an_ec2_error_not_an_html_page(ec2):
    code, status, message = error_code(ec2.get_vpn_connection_device_types)
    assert (code, status) == ("InvalidAction", 400)
    assert "GetVpnConnectionDeviceTypes" in message
