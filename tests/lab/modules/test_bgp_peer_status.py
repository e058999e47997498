"""bgp_peer_status against the lab's AWS, Azure and GCP emulators, without a data plane.

The triangle of seed 002 is built from the planner's plan by the collection's own modules (each
``main()`` run in this process, talking HTTP to the emulators through the official SDKs): an AWS
VGW with two BGP VPN connections to the two instances of an active-active Azure gateway, and a GCP
HA VPN gateway whose Cloud Router peers with both Azure instances. No data plane runs, so no session
comes up and each cloud says so in its own words; the module must report that and still know that
half of the Azure sessions are down by design.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml
from azure.mgmt.network import NetworkManagementClient
from azure.mgmt.network import models as azure_models
from google.api_core.client_options import ClientOptions
from google.auth.credentials import AnonymousCredentials
from google.cloud import compute_v1

from ansible_collections.multicloud.interconnect.plugins.module_utils import azure
from ansible_collections.multicloud.interconnect.plugins.modules import bgp_peer_status
from mci_lab.emulators.base import NoDataPlane
from tests.lab.modules.conftest import ModuleLab

REPO_ROOT = Path(__file__).resolve().parents[3]
TRIANGLE = yaml.safe_load((REPO_ROOT / "tests" / "unit" / "fixtures" / "triangle.yml").read_text(encoding="utf-8"))
AWS_REGION = "us-east-1"
SUBSCRIPTION = "00000000-0000-0000-0000-000000000001"
GROUP = "multicloud"
LOCATION = "eastus"
PROJECT, GCP_REGION = "mci-lab", "us-east1"
PSK = "Lab0SharedKey0123"
GATEWAY, ROUTER = "mci-azure-vng", "mci-gcp-router"
AWS_CONNECTIONS = ["mci-aws-azure-1", "mci-aws-azure-2"]


@dataclass
class Triangle(ModuleLab):
    """The three emulators, the means to run modules against them, and the plan the triangle is built from."""

    aws_endpoint: str
    azure_endpoint: str
    gcp_endpoint: str
    log_path: Path
    plan: dict = field(default_factory=dict)

    def connection_args(self, module: str) -> dict:
        aws_options = {"endpoint_url": self.aws_endpoint, "region": AWS_REGION}
        azure_options = {"base_url": self.azure_endpoint, "subscription_id": SUBSCRIPTION}
        gcp_options = {"api_endpoint": self.gcp_endpoint, "project": PROJECT, "region": GCP_REGION}
        if module == "bgp_peer_status":
            return {"aws": aws_options, "azure": azure_options, "gcp": gcp_options}
        return {"aws": aws_options, "azure": azure_options, "gcp": gcp_options}.get(module.split("_", 1)[0], {})

    def status(self, **args: Any) -> dict:
        arguments = {"plan": self.plan, "aws_vpn_connections": AWS_CONNECTIONS, "azure_resource_group": GROUP, "azure_gateway": GATEWAY,
                     "gcp_router": ROUTER}
        arguments.update(args)
        return self.run("bgp_peer_status", arguments, check=arguments.pop("check", False))


# --------------------------------------------------------------------------- building the triangle


def tunnels_of(plan: dict, link: str) -> list[dict]:
    return next(item for item in plan["links"] if item["name"] == link)["tunnels"]


def build_azure_gateway(lab: Triangle) -> list[str]:
    """The VNet (SDK) and the active-active gateway with the plan's APIPA addresses; its instances' public IPs."""
    client = NetworkManagementClient(azure.LabCredential(), SUBSCRIPTION, base_url=lab.azure_endpoint,
                                     authentication_policy=azure.LabBearerPolicy(), polling_interval=0)
    client.virtual_networks.begin_create_or_update(GROUP, "hub", azure_models.VirtualNetwork(
        location=LOCATION, address_space=azure_models.AddressSpace(address_prefixes=["192.168.0.0/16"]),
        subnets=[azure_models.Subnet(name="GatewaySubnet", address_prefix="192.168.1.0/24")])).result()
    ends = [tunnel["b"] for link in ("aws-azure", "gcp-azure") for tunnel in tunnels_of(lab.plan, link)]
    apipa = [[end["inside_ip"] for end in ends if end["endpoint"] == index] for index in (0, 1)]
    gateway = lab.ok("azure_vpn_gateway", {"name": GATEWAY, "resource_group": GROUP, "virtual_network": "hub", "active_active": True,
                                           "enable_bgp": True, "asn": 65001, "custom_bgp_ip_addresses": apipa})["virtual_network_gateway"]
    return [instance["public_ip_address"] for instance in gateway["instances"]]


def connect_azure(lab: Triangle, name: str, peer_ip: str, peer_asn: int, bgp_address: str) -> None:
    lab.ok("azure_local_network_gateway", {"name": name, "resource_group": GROUP, "location": LOCATION, "gateway_ip_address": peer_ip,
                                           "address_prefixes": [], "bgp_settings": {"asn": peer_asn, "bgp_peering_address": bgp_address}})
    lab.ok("azure_vpn_connection", {"name": name, "resource_group": GROUP, "virtual_network_gateway": GATEWAY, "local_network_gateway": name,
                                    "shared_key": PSK, "enable_bgp": True, "connection_protocol": "IKEv2"})


def build_aws(lab: Triangle, azure_ips: list[str]) -> None:
    """A VGW and one BGP VPN connection per Azure instance, two tunnels each, on the plan's /30s (through boto3,
    which loads its EC2 model once where each module run would load it again)."""
    ec2 = boto3.client("ec2", region_name=AWS_REGION, endpoint_url=lab.aws_endpoint)
    vpc_id = ec2.create_vpc(CidrBlock="172.16.0.0/16")["Vpc"]["VpcId"]
    vgw = ec2.create_vpn_gateway(Type="ipsec.1", AmazonSideAsn=65002)["VpnGateway"]["VpnGatewayId"]
    ec2.attach_vpn_gateway(VpnGatewayId=vgw, VpcId=vpc_id)
    tunnels = tunnels_of(lab.plan, "aws-azure")
    for index, name in enumerate(AWS_CONNECTIONS):
        cgw = ec2.create_customer_gateway(Type="ipsec.1", PublicIp=azure_ips[index], BgpAsn=65001)["CustomerGateway"]["CustomerGatewayId"]
        planned = tunnels[2 * index:2 * index + 2]
        options = {"StaticRoutesOnly": False,
                   "TunnelOptions": [{"TunnelInsideCidr": tunnel["inside_cidr"], "PreSharedKey": PSK} for tunnel in planned]}
        connection = ec2.create_vpn_connection(Type="ipsec.1", CustomerGatewayId=cgw, VpnGatewayId=vgw, Options=options, TagSpecifications=[
            {"ResourceType": "vpn-connection", "Tags": [{"Key": "Name", "Value": name}]}])["VpnConnection"]
        outside = {option["TunnelInsideCidr"]: option["OutsideIpAddress"] for option in connection["Options"]["TunnelOptions"]}
        for tunnel in planned:
            connect_azure(lab, tunnel["name"], outside[tunnel["inside_cidr"]], 65002, tunnel["a"]["inside_ip"])


def build_gcp(lab: Triangle, azure_ips: list[str]) -> None:
    """HA VPN to both Azure instances, one tunnel and one Cloud Router BGP peer each, on the plan's /30s."""
    networks = compute_v1.NetworksClient(credentials=AnonymousCredentials(), transport="rest",
                                         client_options=ClientOptions(api_endpoint=lab.gcp_endpoint))
    operation = networks.insert_unary(project=PROJECT, network_resource=compute_v1.Network(name="hub-vpc", auto_create_subnetworks=False))
    compute_v1.GlobalOperationsClient(credentials=AnonymousCredentials(), transport="rest",
                                      client_options=ClientOptions(api_endpoint=lab.gcp_endpoint)).wait(project=PROJECT, operation=operation.name)
    gateway_ips = lab.ok("gcp_ha_vpn_gateway", {"name": "mci-gcp-vpn", "network": "hub-vpc"})["vpn_gateway"]["ip_addresses"]
    lab.ok("gcp_external_vpn_gateway", {"name": "azure", "redundancy_type": "TWO_IPS_REDUNDANCY",
                                        "interfaces": [{"ip_address": ip} for ip in azure_ips]})
    interfaces, peers = [], []
    for tunnel in tunnels_of(lab.plan, "gcp-azure"):
        index, gcp_end = tunnel["index"], tunnel["a"]
        if index == 0:
            lab.ok("gcp_router", {"name": ROUTER, "network": "hub-vpc", "bgp": {"asn": 65003}})
        lab.ok("gcp_vpn_tunnel", {"name": tunnel["name"], "vpn_gateway": "mci-gcp-vpn", "vpn_gateway_interface": index,
                                  "peer_external_gateway": "azure", "peer_external_gateway_interface": index, "router": ROUTER,
                                  "ike_version": 2, "shared_secret": PSK})
        interfaces.append({"name": "if-" + tunnel["name"], "ip_range": "%s/30" % gcp_end["inside_ip"], "linked_vpn_tunnel": tunnel["name"]})
        peers.append({"name": tunnel["name"], "interface_name": "if-" + tunnel["name"], "peer_ip_address": gcp_end["peer_inside_ip"],
                      "peer_asn": 65001})
        connect_azure(lab, tunnel["name"], gateway_ips[index], 65003, gcp_end["inside_ip"])
    lab.ok("gcp_router", {"name": ROUTER, "interfaces": interfaces, "bgp_peers": peers})


@pytest.fixture
def triangle(start_emulator, lab_ctx, monkeypatch) -> Triangle:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setattr(bgp_peer_status, "LAB_POLL_SECONDS", 0.2)
    lab = Triangle(start_emulator("aws").endpoint, start_emulator("azure").endpoint, start_emulator("gcp").endpoint,
                   lab_ctx.request_log.path)
    lab.plan = lab.ok("interconnect_plan", {"sites": TRIANGLE["sites"], "links": TRIANGLE["links"]})["plan"]
    azure_ips = build_azure_gateway(lab)
    build_aws(lab, azure_ips)
    build_gcp(lab, azure_ips)
    return lab


# --------------------------------------------------------------------------- the module


def by_key(peers: list[dict]) -> dict:
    return {(peer["cloud"], peer["local_address"], peer["neighbor"]): peer for peer in peers}


def test_without_a_data_plane_every_session_is_down_and_only_the_expected_ones_fail_the_task(triangle: Triangle) -> None:
    since = time.time()
    result = triangle.status()

    assert result["failed"] is True and result["healthy"] is False
    assert triangle.mutating_since(since) == []
    peers = by_key(result["peers"])
    assert [peer["cloud"] for peer in result["peers"]] == ["aws"] * 4 + ["azure"] * 12 + ["gcp"] * 2
    # AWS: DOWN, with the lab's reason, on the plan's tunnels.
    first = peers[("aws", "169.254.21.1", "169.254.21.2")]
    assert (first["state"], first["cloud_state"], first["message"], first["asn"], first["local_asn"], first["link"], first["tunnel"]) == (
        "Down", "DOWN", NoDataPlane.MESSAGE, 65001, 65002, "aws-azure", "aws-azure-t1")
    # Azure: every instance tries every peer; the ones on the other instance's /30s are down by design.
    for (cloud, local, neighbor), peer in peers.items():
        if cloud != "azure":
            continue
        own_instance = neighbor.startswith("169.254.21.") == (local == "192.168.1.4")
        assert (peer["state"], peer["cloud_state"], peer["expected"]) == ("Connecting", "Connecting", "up" if own_instance else "down")
        assert peer["message"].startswith("connection %s, tunnel %s_" % (peer["tunnel"], peer["tunnel"]))
        assert peer["message"].endswith(": NotConnected")
    assert peers[("azure", "192.168.1.5", "169.254.21.1")]["expected_reason"].startswith(
        "planned tunnel aws-azure-t1 (169.254.21.0/30) ends on another instance of the gateway (169.254.21.2); by design")
    # GCP: the router's peer is idle and the linked tunnel says why.
    gcp_peer = peers[("gcp", "169.254.21.9", "169.254.21.10")]
    assert (gcp_peer["state"], gcp_peer["cloud_state"], gcp_peer["asn"], gcp_peer["local_asn"], gcp_peer["tunnel"]) == (
        "Idle", "DOWN/Idle", 65001, 65003, "gcp-azure-t1")
    assert gcp_peer["message"] == "VPN tunnel gcp-azure-t1: FIRST_HANDSHAKE (Handshake with peer: %s.)" % NoDataPlane.MESSAGE

    links = {link["name"]: link for link in result["links"]}
    assert [(link["name"], link["healthy"], link["up"], link["expected_up"], link["expected_down"], link["missing"]) for link in result["links"]] == [
        ("aws-azure", False, 0, 8, 4, []), ("gcp-azure", False, 0, 4, 2, [])]
    assert result["msg"].startswith("12 BGP session(s) expected up are not established: aws ")
    assert all(line in result["msg"] for link in links.values() for line in link["down_unexpected"])
    assert "192.168.1.5 -> 169.254.21.1 " not in result["msg"]  # expected down: never a reason to fail


def test_it_can_report_without_failing_read_once_in_check_mode_and_wait_until_a_timeout(triangle: Triangle) -> None:
    reported = triangle.status(fail_on_unhealthy=False)
    assert "failed" not in reported and (reported["changed"], reported["healthy"]) == (False, False)
    assert reported["summary"] == ["aws-azure: UNHEALTHY, 0/8 expected adjacencies established, 4 down by design",
                                   "gcp-azure: UNHEALTHY, 0/4 expected adjacencies established, 2 down by design"]

    started = time.monotonic()
    checked = triangle.status(wait_healthy=True, wait_timeout=30, fail_on_unhealthy=False, check=True)
    assert checked["healthy"] is False and time.monotonic() - started < 10

    waited = triangle.status(wait_healthy=True, wait_timeout=1)
    assert waited["failed"] is True
    assert waited["msg"].startswith("timed out after 1s waiting for the BGP sessions expected up to be established; last seen: aws ")
    assert NoDataPlane.MESSAGE in waited["msg"] and waited["links"][0]["name"] == "aws-azure"


def test_without_a_plan_the_clouds_configuration_gives_the_same_judgement(triangle: Triangle) -> None:
    planned = by_key(triangle.status(fail_on_unhealthy=False)["peers"])
    result = triangle.status(plan=None, fail_on_unhealthy=False)
    peers = by_key(result["peers"])

    assert {key: peer["expected"] for key, peer in peers.items()} == {key: peer["expected"] for key, peer in planned.items()}
    assert [link["name"] for link in result["links"]] == ["aws-azure", "azure-gcp"]
    assert peers[("azure", "192.168.1.4", "169.254.21.1")]["tunnel"] == "aws-azure-t1"  # the Azure connection's name
    assert peers[("aws", "169.254.21.1", "169.254.21.2")]["tunnel"].endswith(" tunnel 1")


def test_one_cloud_alone_can_be_read_and_a_missing_resource_is_an_error(triangle: Triangle) -> None:
    only_gcp = triangle.status(aws_vpn_connections=None, azure_gateway=None, azure_resource_group=None, fail_on_unhealthy=False)
    assert [peer["cloud"] for peer in only_gcp["peers"]] == ["gcp", "gcp"]
    assert [link["name"] for link in only_gcp["links"]] == ["gcp-azure"]

    missing = triangle.status(aws_vpn_connections=["mci-aws-azure-9"], azure_gateway=None, azure_resource_group=None, gcp_router=None)
    assert missing["failed"] is True
    assert missing["msg"] == "aws_vpn_connections: no live VPN connection has the ID or Name tag 'mci-aws-azure-9'"
