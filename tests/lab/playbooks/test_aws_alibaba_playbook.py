"""playbooks/aws_alibaba.yml on the lab, in the situations an operator meets after the first build.

* a proposal changed on one side: verification fails at once and names the field;
* one tunnel's peer stops answering: traffic keeps flowing over the other tunnel and the summary
  says which tunnel is down and why;
* state=absent removes what the pattern built and nothing else, and a second run has nothing to do.

Each test has its own lab (state dir and namespace prefix, see conftest.py). The clouds are read
and changed through the official SDKs, as someone working in a console or a script would.
"""
from __future__ import annotations

import json
import re

import pytest
from alibabacloud_vpc20160428 import models as vpc_models

from mci_lab import scenarios
from tests.lab.common import wait_until

pytestmark = pytest.mark.playbook

MAIN = "playbooks/aws_alibaba.yml"
VERIFY_ONLY = "tests/lab/playbooks/aws_alibaba_verify.yml"
NAME = "mci-aws-alibaba"  # the playbook's aws_alibaba_vpn_name
AWS_REGION, ALIBABA_REGION = "us-east-1", "cn-hangzhou"
WAIT_TIMEOUT = 300  # what verification may wait for the tunnels; the failures below must come far sooner
# Build without waiting for the tunnels and without the ping play: the tests that start this way
# do not need the tunnels up, and skip about 15 s each.
BUILD_ONLY = ({"aws_alibaba_vpn_verify": False}, "--limit", "localhost")
VERIFY_TASK = "Wait until both clouds report the tunnels up"
SUMMARY_TASK = "Summary, per tunnel (both outside IPs, both statuses, the proposal in use)"
PING_TASK = "Ping the instance in the other cloud"


# --------------------------------------------------------------------------- the clouds, through their SDKs


def ec2(lab):
    return scenarios.aws_client(lab.endpoints(), AWS_REGION)


def alibaba(lab):
    return scenarios.alibaba_client(lab.endpoints(), ALIBABA_REGION)


def aws_vpn_connection(lab) -> dict:
    connections = ec2(lab).describe_vpn_connections(Filters=[{"Name": "tag:Name", "Values": [NAME]}])["VpnConnections"]
    (connection,) = _live(connections)
    return connection


def alibaba_connections(lab) -> dict:
    """The pattern's Alibaba IPsec connections by name."""
    body = alibaba(lab).describe_vpn_connections(vpc_models.DescribeVpnConnectionsRequest(region_id=ALIBABA_REGION)).body
    return {connection.name: connection for connection in body.vpn_connections.vpn_connection}


def alibaba_gateway_ip(lab) -> str:
    body = alibaba(lab).describe_vpn_gateways(vpc_models.DescribeVpnGatewaysRequest(region_id=ALIBABA_REGION)).body
    (gateway,) = [gateway for gateway in body.vpn_gateways.vpn_gateway if gateway.name == NAME]
    return gateway.internet_ip


# --------------------------------------------------------------------------- the tests


def test_a_proposal_changed_on_one_side_fails_verification_at_once_naming_the_field(playbook_lab):
    build = playbook_lab.run(MAIN, *BUILD_ONLY)
    assert build.returncode == 0, build.explain()

    # Someone sets tunnel 1's IKE encryption to AES-128 in the Alibaba console; AWS accepts only AES-256.
    tunnel_1 = alibaba_connections(playbook_lab)[f"{NAME}-t1"]
    assert tunnel_1.ike_config.ike_enc_alg == "aes256"
    alibaba(playbook_lab).modify_vpn_connection_attribute(vpc_models.ModifyVpnConnectionAttributeRequest(
        region_id=ALIBABA_REGION, vpn_connection_id=tunnel_1.vpn_connection_id, ike_config=json.dumps({"IkeEncAlg": "aes"})))

    # The role's verification step alone: a rerun of the whole playbook would put AES-256 back first.
    check = playbook_lab.run(VERIFY_ONLY, {"aws_alibaba_vpn_wait_for": "all", "aws_alibaba_vpn_wait_timeout": WAIT_TIMEOUT})

    assert check.returncode != 0, check.explain()
    assert [failed[0] for failed in check.failed_tasks()] == [f"multicloud.interconnect.aws_alibaba_vpn : {VERIFY_TASK}"], check.explain()
    failure = check.results(VERIFY_TASK)["localhost"]
    assert "aws-alibaba-t1: IKE phase 1 encryption: aws accepts [AES256] but alibaba offers aes" in failure["msg"], failure["msg"]
    assert "aws-alibaba-t2" not in failure["msg"], "tunnel 2 was not touched and must not be blamed"
    tunnel_lines = dict(line.split(": ", 1) for line in failure["summary"])
    assert "MISMATCH: IKE phase 1 encryption" in tunnel_lines["aws-alibaba-t1"]
    assert tunnel_lines["aws-alibaba-t2"].endswith("| agree")
    # It fails because the ends disagree, not because it gave up waiting.
    assert check.task_seconds(VERIFY_TASK) < WAIT_TIMEOUT / 10, check.task_seconds(VERIFY_TASK)


def test_one_tunnel_peer_stopped_traffic_continues_and_the_summary_names_the_down_tunnel(playbook_lab):
    build = playbook_lab.run(MAIN, {"aws_alibaba_vpn_wait_timeout": 180})
    assert build.returncode == 0, build.explain()

    connection = aws_vpn_connection(playbook_lab)
    tunnel_1_ip = connection["Options"]["TunnelOptions"][0]["OutsideIpAddress"]
    tunnel_2_ip = connection["Options"]["TunnelOptions"][1]["OutsideIpAddress"]
    gateway_ip = alibaba_gateway_ip(playbook_lab)
    playbook_lab.cli("cut", tunnel_1_ip, gateway_ip)

    def both_clouds_report_tunnel_1_down() -> bool:
        telemetry = {item["OutsideIpAddress"]: item["Status"] for item in aws_vpn_connection(playbook_lab)["VgwTelemetry"]}
        alibaba_status = alibaba_connections(playbook_lab)[f"{NAME}-t1"].status
        return telemetry[tunnel_1_ip] == "DOWN" and alibaba_status != "ipsec_sa_established"

    wait_until(both_clouds_report_tunnel_1_down, 90, "dead peer detection to take tunnel 1 down on both clouds",
               interval=1.0)

    rerun = playbook_lab.run(MAIN, {"aws_alibaba_vpn_wait_for": "any", "aws_alibaba_vpn_wait_timeout": 60})

    assert rerun.returncode == 0, rerun.explain()
    assert rerun.changed() == 0, "a degraded link is not a reason to change anything"
    lines = rerun.results(SUMMARY_TASK)["localhost"]["msg"]
    tunnel_1, tunnel_2 = sorted(lines)
    down = re.match(rf"aws-alibaba-t1: aws {re.escape(tunnel_1_ip)} DOWN \((?P<reason>.+?)\) <-> alibaba {re.escape(gateway_ip)} (?P<alibaba>\S+)",
                    tunnel_1)
    assert down, tunnel_1
    assert down["reason"].strip(), "the AWS side says why the tunnel is down"
    assert down["alibaba"] != "ipsec_sa_established", tunnel_1
    assert tunnel_2.startswith(f"aws-alibaba-t2: aws {tunnel_2_ip} UP <-> alibaba {gateway_ip} ipsec_sa_established"), tunnel_2
    pings = rerun.results(PING_TASK)
    assert sorted(pings) == ["mci-demo-alibaba", "mci-demo-aws"]
    for host, ping in pings.items():
        assert ping["rc"] == 0 and " 0% packet loss" in ping["stdout"], f"{host}: {ping.get('stdout')}"


def test_absent_removes_everything_the_pattern_created_and_nothing_else_then_has_nothing_to_do(playbook_lab):
    foreign = add_resources_of_someone_else(playbook_lab)
    before = inventory_of_both_clouds(playbook_lab)
    assert foreign <= before

    build = playbook_lab.run(MAIN, *BUILD_ONLY)
    assert build.returncode == 0, build.explain()
    built = inventory_of_both_clouds(playbook_lab) - before
    pattern_kinds = {"aws vpn connection", "aws vpn gateway", "aws customer gateway", "aws route",
                     "alibaba vpn gateway", "alibaba customer gateway", "alibaba ipsec connection", "alibaba route"}
    assert {resource[0] for resource in built} >= pattern_kinds, built

    absent = playbook_lab.run(MAIN, {"interconnect_state": "absent"}, "--limit", "localhost")
    assert absent.returncode == 0, absent.explain()
    assert absent.changed() > 0
    assert inventory_of_both_clouds(playbook_lab) == before

    again = playbook_lab.run(MAIN, {"interconnect_state": "absent"}, "--limit", "localhost")
    assert again.returncode == 0, again.explain()
    assert again.changed() == 0
    mutating = [entry for entry in playbook_lab.requests_between(again.started, again.ended) if entry["mutating"]]
    assert mutating == [], mutating
    assert inventory_of_both_clouds(playbook_lab) == before


# --------------------------------------------------------------------------- helpers of the absent test


def add_resources_of_someone_else(lab) -> set[tuple]:
    """Resources of the kinds the pattern manages, in the same VPCs and route tables, that are not the pattern's."""
    resources = lab.seeded.resources
    aws = ec2(lab)
    customer_gateway = aws.create_customer_gateway(Type="ipsec.1", PublicIp="198.51.100.201", BgpAsn=65100, TagSpecifications=[
        {"ResourceType": "customer-gateway", "Tags": [{"Key": "Name", "Value": "someone-else"}]}])["CustomerGateway"]
    internet_gateway = aws.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    aws.attach_internet_gateway(InternetGatewayId=internet_gateway, VpcId=resources["aws"]["vpc_id"])
    aws_table = resources["aws"]["route_table_ids"][0]
    aws.create_route(RouteTableId=aws_table, DestinationCidrBlock="10.99.0.0/16", GatewayId=internet_gateway)

    client = alibaba(lab)
    ali_gateway = client.create_customer_gateway(vpc_models.CreateCustomerGatewayRequest(
        region_id=ALIBABA_REGION, ip_address="198.51.100.202", name="someone-else")).body.customer_gateway_id
    (ali_instance,) = [instance for instance in lab.seeded.instances if instance.cloud == "alibaba"]
    client.create_route_entry(vpc_models.CreateRouteEntryRequest(
        region_id=ALIBABA_REGION, route_table_id=resources["alibaba"]["route_table_id"], destination_cidr_block="10.98.0.0/16",
        next_hop_type="Instance", next_hop_id=ali_instance.id))
    return {("aws customer gateway", customer_gateway["CustomerGatewayId"], "someone-else"),
            ("aws route", aws_table, "10.99.0.0/16", internet_gateway, "active"),
            ("alibaba customer gateway", ali_gateway, "someone-else", "198.51.100.202"),
            ("alibaba route", resources["alibaba"]["route_table_id"], "10.98.0.0/16", "Instance", ali_instance.id)}


def inventory_of_both_clouds(lab) -> set[tuple]:
    """Everything that exists on both clouds (deleted records excluded), one tuple per resource."""
    return aws_inventory(ec2(lab)) | alibaba_inventory(alibaba(lab), lab.seeded.resources["alibaba"]["route_table_id"])


def _name(item: dict) -> str:
    return next((tag["Value"] for tag in item.get("Tags", []) if tag["Key"] == "Name"), "")


def _live(items: list[dict]) -> list[dict]:
    # Checked here, not with a "state" filter: the lab's EC2 (moto) ignores that filter for gateways.
    return [item for item in items if item["State"] in ("pending", "available")]


def aws_inventory(aws) -> set[tuple]:
    found = {("aws vpc", vpc["VpcId"], vpc["CidrBlock"]) for vpc in aws.describe_vpcs()["Vpcs"]}
    found |= {("aws subnet", subnet["SubnetId"], subnet["CidrBlock"]) for subnet in aws.describe_subnets()["Subnets"]}
    found |= {("aws instance", instance["InstanceId"], instance["State"]["Name"])
              for reservation in aws.describe_instances()["Reservations"] for instance in reservation["Instances"]}
    found |= {("aws internet gateway", gateway["InternetGatewayId"], tuple(a["VpcId"] for a in gateway.get("Attachments", [])))
              for gateway in aws.describe_internet_gateways()["InternetGateways"]}
    found |= {("aws route", table["RouteTableId"], route.get("DestinationCidrBlock"),
               route.get("GatewayId") or route.get("InstanceId") or route.get("NatGatewayId"), route.get("State"))
              for table in aws.describe_route_tables()["RouteTables"] for route in table["Routes"]}
    found |= {("aws customer gateway", gateway["CustomerGatewayId"], _name(gateway))
              for gateway in _live(aws.describe_customer_gateways()["CustomerGateways"])}
    found |= {("aws vpn gateway", gateway["VpnGatewayId"], _name(gateway))
              for gateway in _live(aws.describe_vpn_gateways()["VpnGateways"])}
    found |= {("aws vpn connection", connection["VpnConnectionId"], _name(connection))
              for connection in _live(aws.describe_vpn_connections()["VpnConnections"])}
    return found


def alibaba_inventory(client, route_table_id: str) -> set[tuple]:
    region = ALIBABA_REGION
    found = {("alibaba vpc", vpc.vpc_id, vpc.cidr_block)
             for vpc in client.describe_vpcs(vpc_models.DescribeVpcsRequest(region_id=region)).body.vpcs.vpc}
    found |= {("alibaba vswitch", vswitch.v_switch_id, vswitch.cidr_block) for vswitch in
              client.describe_vswitches(vpc_models.DescribeVSwitchesRequest(region_id=region)).body.v_switches.v_switch}
    found |= {("alibaba vpn gateway", gateway.vpn_gateway_id, gateway.name) for gateway in
              client.describe_vpn_gateways(vpc_models.DescribeVpnGatewaysRequest(region_id=region)).body.vpn_gateways.vpn_gateway}
    found |= {("alibaba customer gateway", gateway.customer_gateway_id, gateway.name, gateway.ip_address) for gateway in
              client.describe_customer_gateways(vpc_models.DescribeCustomerGatewaysRequest(region_id=region))
              .body.customer_gateways.customer_gateway}
    found |= {("alibaba ipsec connection", connection.vpn_connection_id, connection.name) for connection in
              client.describe_vpn_connections(vpc_models.DescribeVpnConnectionsRequest(region_id=region)).body.vpn_connections.vpn_connection}
    entries = client.describe_route_entry_list(vpc_models.DescribeRouteEntryListRequest(
        region_id=region, route_table_id=route_table_id)).body.route_entrys.route_entry
    found |= {("alibaba route", route_table_id, entry.destination_cidr_block, entry.next_hops.next_hop[0].next_hop_type,
               entry.next_hops.next_hop[0].next_hop_id) for entry in entries}
    return found
