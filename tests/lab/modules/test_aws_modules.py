"""The aws_* modules, run for real against the lab's AWS emulator.

Each module's ``main()`` runs in this process with its arguments patched in (ansible's own
``patch_module_args``), talking HTTP to the emulator through boto3 exactly as it does under
ansible-playbook; one test also runs a playbook. Idempotency and check mode are proven with the
lab's request log: a re-run or a check-mode run must make no mutating API call.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.lab.conftest import context_with
from tests.lab.modules.conftest import REGION, AwsLab, assert_absent_twice, assert_predicts_without_mutating, run_idempotent

REPO_ROOT = Path(__file__).resolve().parents[3]
COLLECTIONS_PATH = REPO_ROOT / ".cache" / "collections"
PSK_1 = "Tunnel1.Secret_Key4Lab"
PSK_2 = "Tunnel2.Secret_Key4Lab"
PSK_3 = "Rotated3.Secret_Key4Lab"


@pytest.fixture
def vpc_id(aws_lab: AwsLab) -> str:
    return aws_lab.ec2.create_vpc(CidrBlock="10.10.0.0/16")["Vpc"]["VpcId"]


# --------------------------------------------------------------------------- VPN gateway


def test_vpn_gateway_is_created_attached_propagating_and_returns_its_asn(aws_lab: AwsLab, vpc_id: str) -> None:
    table_id = aws_lab.ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    args = {"name": "app-to-alibaba", "amazon_side_asn": 64520, "vpc_id": vpc_id, "propagating_route_table_ids": [table_id],
            "tags": {"project": "interconnect"}}

    predicted = assert_predicts_without_mutating(aws_lab, "aws_vpn_gateway", args)
    assert predicted["vpn_gateway"]["amazon_side_asn"] == 64520
    assert aws_lab.ec2.describe_vpn_gateways()["VpnGateways"] == []

    created = run_idempotent(aws_lab, "aws_vpn_gateway", args)["vpn_gateway"]
    assert created["amazon_side_asn"] == 64520
    assert created["vpc_id"] == vpc_id
    assert created["propagating_route_table_ids"] == [table_id]
    assert created["tags"] == {"Name": "app-to-alibaba", "project": "interconnect"}
    table = aws_lab.ec2.describe_route_tables(RouteTableIds=[table_id])["RouteTables"][0]
    assert [item["GatewayId"] for item in table["PropagatingVgws"]] == [created["vpn_gateway_id"]]

    listed = aws_lab.run("aws_vpn_gateway_info", {"filters": {"tag:Name": "app-to-alibaba"}})["vpn_gateways"]
    assert [(item["vpn_gateway_id"], item["amazon_side_asn"], item["propagating_route_table_ids"]) for item in listed] == [
        (created["vpn_gateway_id"], 64520, [table_id])]


def test_vpn_gateway_detaches_stops_propagation_and_deletes_once(aws_lab: AwsLab, vpc_id: str) -> None:
    table_id = aws_lab.ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    gateway = aws_lab.run("aws_vpn_gateway", {"name": "gw", "vpc_id": vpc_id, "propagating_route_table_ids": [table_id]})["vpn_gateway"]
    assert gateway["amazon_side_asn"] == 64512  # AWS's default, returned

    no_propagation = aws_lab.run("aws_vpn_gateway", {"name": "gw", "propagating_route_table_ids": []})
    assert no_propagation["changed"] is True
    assert no_propagation["vpn_gateway"]["propagating_route_table_ids"] == []

    detached = aws_lab.run("aws_vpn_gateway", {"name": "gw", "vpc_id": ""}, diff=True)
    assert detached["changed"] is True
    assert detached["vpn_gateway"]["vpc_id"] is None
    assert detached["diff"]["before"]["vpc_id"] == vpc_id

    assert_absent_twice(aws_lab, "aws_vpn_gateway", {"name": "gw"})
    states = [item["State"] for item in aws_lab.ec2.describe_vpn_gateways(VpnGatewayIds=[gateway["vpn_gateway_id"]])["VpnGateways"]]
    assert states == ["deleted"]


def test_vpn_gateway_asn_cannot_change_and_bad_asn_touches_no_api(aws_lab: AwsLab) -> None:
    aws_lab.run("aws_vpn_gateway", {"name": "gw", "amazon_side_asn": 64520})
    since = time.time()
    changed_asn = aws_lab.run("aws_vpn_gateway", {"name": "gw", "amazon_side_asn": 64530})
    assert changed_asn["failed"] and "amazon_side_asn" in changed_asn["msg"] and "64520" in changed_asn["msg"]
    assert aws_lab.mutating_since(since) == []

    since = time.time()
    public_asn = aws_lab.run("aws_vpn_gateway", {"name": "other", "amazon_side_asn": 7224})
    assert public_asn["failed"] and "amazon_side_asn: 7224" in public_asn["msg"]
    assert aws_lab.calls_since(since) == []


def test_vpn_gateway_named_by_an_unknown_id_is_an_error_not_a_new_gateway(aws_lab: AwsLab) -> None:
    unknown = {"vpn_gateway_id": "vgw-0123456789abcdef0"}
    since = time.time()
    present = aws_lab.run("aws_vpn_gateway", unknown)
    assert present["failed"] and present["msg"] == "vpn_gateway_id: vgw-0123456789abcdef0 does not exist"
    absent = aws_lab.ok("aws_vpn_gateway", dict(unknown, state="absent"))
    assert absent["changed"] is False
    assert aws_lab.mutating_since(since) == []


# --------------------------------------------------------------------------- customer gateway


def test_customer_gateway_is_idempotent_immutable_and_deleted_once(aws_lab: AwsLab) -> None:
    args = {"name": "alibaba-hangzhou", "ip_address": "198.51.100.24", "bgp_asn": 65010, "tags": {"project": "interconnect"}}
    predicted = assert_predicts_without_mutating(aws_lab, "aws_customer_gateway", args)
    assert predicted["customer_gateway"]["bgp_asn"] == 65010

    created = run_idempotent(aws_lab, "aws_customer_gateway", args)["customer_gateway"]
    assert (created["ip_address"], created["bgp_asn"], created["tags"]["Name"]) == ("198.51.100.24", 65010, "alibaba-hangzhou")

    since = time.time()
    new_asn = aws_lab.run("aws_customer_gateway", dict(args, bgp_asn=65020))
    assert new_asn["failed"] and new_asn["msg"].startswith("bgp_asn:")
    assert aws_lab.mutating_since(since) == []

    twin = aws_lab.run("aws_customer_gateway", dict(args, name="another-name"))
    assert twin["failed"] and created["customer_gateway_id"] in twin["msg"]

    listed = aws_lab.run("aws_customer_gateway_info", {"filters": {"ip-address": "198.51.100.24"}})["customer_gateways"]
    assert [item["customer_gateway_id"] for item in listed] == [created["customer_gateway_id"]]

    assert_absent_twice(aws_lab, "aws_customer_gateway", {"name": "alibaba-hangzhou", "ip_address": "198.51.100.24"})


def test_customer_gateway_retag_changes_only_tags(aws_lab: AwsLab) -> None:
    created = aws_lab.run("aws_customer_gateway", {"name": "peer", "ip_address": "203.0.113.77", "tags": {"a": "1", "b": "2"}})
    since = time.time()
    retagged = aws_lab.run("aws_customer_gateway", {"name": "peer", "ip_address": "203.0.113.77", "tags": {"a": "1"}}, diff=True)
    assert retagged["changed"] is True
    assert retagged["customer_gateway"]["tags"] == {"Name": "peer", "a": "1"}
    assert retagged["customer_gateway"]["customer_gateway_id"] == created["customer_gateway"]["customer_gateway_id"]
    assert sorted(aws_lab.mutating_since(since)) == ["DeleteTags"]


# --------------------------------------------------------------------------- VPN connection


@pytest.fixture
def gateways(aws_lab: AwsLab, vpc_id: str) -> dict:
    vgw = aws_lab.run("aws_vpn_gateway", {"name": "vgw", "vpc_id": vpc_id})["vpn_gateway"]["vpn_gateway_id"]
    cgw = aws_lab.run("aws_customer_gateway", {"name": "alibaba", "ip_address": "198.51.100.24"})["customer_gateway"]["customer_gateway_id"]
    return {"vpn_gateway_id": vgw, "customer_gateway_id": cgw}


def planned_tunnels(psk_2: str = PSK_2, ike: str = "ikev1") -> list[dict]:
    return [
        {"tunnel_inside_cidr": "169.254.10.0/30", "pre_shared_key": PSK_1, "ike_versions": [ike],
         "phase1_encryption_algorithms": ["AES128"], "phase1_integrity_algorithms": ["SHA1"], "phase1_dh_group_numbers": [2],
         "phase2_encryption_algorithms": ["aes128"], "phase2_integrity_algorithms": ["sha1"], "phase2_dh_group_numbers": [2],
         "phase1_lifetime_seconds": 28800, "phase2_lifetime_seconds": 3600, "dpd_timeout_seconds": 30,
         "dpd_timeout_action": "restart", "startup_action": "start"},
        {"tunnel_inside_cidr": "169.254.10.4/30", "pre_shared_key": psk_2, "ike_versions": [ike], "startup_action": "start"},
    ]


def tunnel_options_in_aws(lab: AwsLab, connection_id: str) -> list[dict]:
    return lab.ec2.describe_vpn_connections(VpnConnectionIds=[connection_id])["VpnConnections"][0]["Options"]["TunnelOptions"]


def test_vpn_connection_applies_full_tunnel_options_and_reruns_without_calls(aws_lab: AwsLab, gateways: dict) -> None:
    args = dict(gateways, name="aws-to-alibaba", static_routes_only=True, routes=["192.168.0.0/16"], tunnel_options=planned_tunnels())

    predicted = assert_predicts_without_mutating(aws_lab, "aws_vpn_connection", args)
    assert [tunnel["tunnel_inside_cidr"] for tunnel in predicted["vpn_connection"]["tunnels"]] == ["169.254.10.0/30", "169.254.10.4/30"]
    assert aws_lab.ec2.describe_vpn_connections()["VpnConnections"] == []

    connection = run_idempotent(aws_lab, "aws_vpn_connection", args)["vpn_connection"]
    assert connection["state"] == "available" and connection["static_routes_only"] is True
    assert connection["routes"] == ["192.168.0.0/16"]
    tunnels = connection["tunnels"]
    assert [tunnel["tunnel_inside_cidr"] for tunnel in tunnels] == ["169.254.10.0/30", "169.254.10.4/30"]
    assert all(tunnel["outside_ip_address"] and tunnel["status"] in ("UP", "DOWN") for tunnel in tunnels)
    assert all("pre_shared_key" not in tunnel for tunnel in tunnels)
    assert tunnels[0]["options"]["dpd_timeout_action"] == "restart"
    assert tunnels[0]["options"]["phase2_encryption_algorithms"] == ["AES128"]

    in_aws = tunnel_options_in_aws(aws_lab, connection["vpn_connection_id"])
    assert [tunnel["PreSharedKey"] for tunnel in in_aws] == [PSK_1, PSK_2]
    assert [item["Value"] for item in in_aws[0]["Phase1DHGroupNumbers"]] == [2]
    assert [item["Value"] for item in in_aws[1]["IkeVersions"]] == ["ikev1"]
    assert [tunnel["StartupAction"] for tunnel in in_aws] == ["start", "start"]


def test_vpn_connection_reconciles_tunnel_options_one_tunnel_at_a_time_with_redacted_diff(aws_lab: AwsLab, gateways: dict) -> None:
    args = dict(gateways, name="aws-to-alibaba", static_routes_only=True, tunnel_options=planned_tunnels())
    connection_id = aws_lab.run("aws_vpn_connection", args)["vpn_connection"]["vpn_connection_id"]
    tunnel_2_ip = tunnel_options_in_aws(aws_lab, connection_id)[1]["OutsideIpAddress"]
    changed_args = dict(args, tunnel_options=planned_tunnels(psk_2=PSK_3, ike="ikev2")[1:])
    changed_args["tunnel_options"][0]["tunnel_inside_cidr"] = "169.254.10.4/30"  # matched by CIDR, not position

    predicted = assert_predicts_without_mutating(aws_lab, "aws_vpn_connection", changed_args)
    assert predicted["changed_tunnels"] == [{"outside_ip_address": tunnel_2_ip, "options": ["ike_versions", "pre_shared_key"]}]

    since = time.time()
    applied = aws_lab.run("aws_vpn_connection", changed_args, diff=True)
    assert applied["changed"] is True
    assert aws_lab.mutating_since(since) == ["ModifyVpnTunnelOptions"]
    dumped = json.dumps(applied)
    assert PSK_1 not in dumped and PSK_2 not in dumped and PSK_3 not in dumped
    diff_tunnel_2 = applied["diff"]["after"]["tunnels"][1]
    assert diff_tunnel_2["pre_shared_key"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER (changed)"
    assert applied["diff"]["after"]["tunnels"][0]["pre_shared_key"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
    assert applied["diff"]["before"]["tunnels"][1]["options"]["ike_versions"] == ["ikev1"]
    assert diff_tunnel_2["options"]["ike_versions"] == ["ikev2"]

    in_aws = tunnel_options_in_aws(aws_lab, connection_id)
    assert [tunnel["PreSharedKey"] for tunnel in in_aws] == [PSK_1, PSK_3]
    assert [[item["Value"] for item in tunnel["IkeVersions"]] for tunnel in in_aws] == [["ikev1"], ["ikev2"]]

    since = time.time()
    assert aws_lab.run("aws_vpn_connection", changed_args)["changed"] is False
    assert aws_lab.mutating_since(since) == []


def test_vpn_connection_routes_are_purged_and_deleted_connection_is_deleted_once(aws_lab: AwsLab, gateways: dict) -> None:
    args = dict(gateways, name="static", static_routes_only=True, routes=["192.168.0.0/16", "172.16.0.0/12"])
    aws_lab.run("aws_vpn_connection", args)
    since = time.time()
    kept = aws_lab.run("aws_vpn_connection", dict(args, routes=["192.168.0.0/16", "10.99.0.0/16"], purge_routes=False))
    assert kept["vpn_connection"]["routes"] == ["10.99.0.0/16", "172.16.0.0/12", "192.168.0.0/16"]
    assert aws_lab.mutating_since(since) == ["CreateVpnConnectionRoute"]
    purged = aws_lab.run("aws_vpn_connection", dict(args, routes=["192.168.0.0/16"]))
    assert purged["vpn_connection"]["routes"] == ["192.168.0.0/16"]

    assert_absent_twice(aws_lab, "aws_vpn_connection", {**gateways, "name": "static"})
    assert [item["State"] for item in aws_lab.ec2.describe_vpn_connections()["VpnConnections"]] == ["deleted"]


def test_vpn_connection_info_returns_aws_generated_keys_only_when_asked(aws_lab: AwsLab, gateways: dict) -> None:
    created = aws_lab.run("aws_vpn_connection", dict(gateways, static_routes_only=True))["vpn_connection"]
    plain = aws_lab.run("aws_vpn_connection_info", {"vpn_connection_ids": [created["vpn_connection_id"], "vpn-0000000000000000f"]})
    assert [item["vpn_connection_id"] for item in plain["vpn_connections"]] == [created["vpn_connection_id"]]
    assert "pre_shared_key" not in json.dumps(plain) and "customer_gateway_configuration" not in plain["vpn_connections"][0]

    secret = aws_lab.run("aws_vpn_connection_info", {"vpn_connection_ids": [created["vpn_connection_id"]], "include_secrets": True})
    keys = [tunnel["pre_shared_key"] for tunnel in secret["vpn_connections"][0]["tunnels"]]
    assert keys == [tunnel["PreSharedKey"] for tunnel in tunnel_options_in_aws(aws_lab, created["vpn_connection_id"])]
    assert all(len(key) >= 8 for key in keys) and keys[0] != keys[1]
    assert keys[0] in secret["vpn_connections"][0]["customer_gateway_configuration"]


def test_vpn_connection_bad_input_fails_once_naming_fields_before_any_api_call(aws_lab: AwsLab, gateways: dict) -> None:
    tunnels = [
        {"tunnel_inside_cidr": "169.254.5.0/30", "pre_shared_key": "0starts.with.zero", "phase1_encryption_algorithms": ["DES"]},
        {"tunnel_inside_cidr": "169.254.5.0/30", "phase2_dh_group_numbers": [1], "replay_window_size": 10},
    ]
    since = time.time()
    result = aws_lab.run("aws_vpn_connection", dict(gateways, static_routes_only=False, routes=["192.168.0.0/16"], tunnel_options=tunnels))
    assert result["failed"] is True
    for expected in ("tunnel_options[0].tunnel_inside_cidr: 169.254.5.0/30", "tunnel_options[0].pre_shared_key", "'DES'",
                     "tunnel_options[1].phase2_dh_group_numbers: 1", "tunnel_options[1].replay_window_size: 10",
                     "different tunnel_inside_cidr", "routes: static routes need static_routes_only=true"):
        assert expected in result["msg"]
    assert "0starts.with.zero" not in json.dumps(result)
    assert aws_lab.calls_since(since) == []


def test_vpn_connection_wait_for_tunnels_reports_what_it_saw(aws_lab: AwsLab, gateways: dict) -> None:
    result = aws_lab.run("aws_vpn_connection", dict(gateways, static_routes_only=True, wait_for_tunnels="all", wait_timeout=1))
    assert result["failed"] is True
    assert "timed out after 1s waiting for tunnels" in result["msg"] and "DOWN" in result["msg"]


# --------------------------------------------------------------------------- route


def test_route_manages_one_route_and_leaves_the_others(aws_lab: AwsLab, vpc_id: str) -> None:
    vgw = aws_lab.run("aws_vpn_gateway", {"name": "vgw", "vpc_id": vpc_id})["vpn_gateway"]["vpn_gateway_id"]
    igw = aws_lab.ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    aws_lab.ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc_id)
    main_table = aws_lab.ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["RouteTables"][0]["RouteTableId"]
    aws_lab.ec2.create_route(RouteTableId=main_table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    args = {"vpc_id": vpc_id, "destination_cidr_block": "192.168.0.0/16", "gateway_id": vgw}

    assert_predicts_without_mutating(aws_lab, "aws_route", args)
    created = run_idempotent(aws_lab, "aws_route", args)
    assert created["route_table_id"] == main_table and created["route"]["gateway_id"] == vgw

    repointed = aws_lab.run("aws_route", dict(args, gateway_id=igw), diff=True)
    assert repointed["changed"] is True and repointed["diff"]["before"]["gateway_id"] == vgw
    not_ours = aws_lab.run("aws_route", dict(args, state="absent"))  # still names the VGW: someone re-pointed it
    assert not_ours["changed"] is False

    assert_absent_twice(aws_lab, "aws_route", {"route_table_id": main_table, "destination_cidr_block": "192.168.0.0/16"})
    routes = aws_lab.ec2.describe_route_tables(RouteTableIds=[main_table])["RouteTables"][0]["Routes"]
    assert sorted(route["DestinationCidrBlock"] for route in routes) == ["0.0.0.0/0", "10.10.0.0/16"]


def test_route_refuses_the_local_route(aws_lab: AwsLab, vpc_id: str) -> None:
    result = aws_lab.run("aws_route", {"vpc_id": vpc_id, "destination_cidr_block": "10.10.0.0/16", "gateway_id": "vgw-0f1e2d3c4b5a69788"})
    assert result["failed"] and "local route" in result["msg"]


# --------------------------------------------------------------------------- retries and the real module path


def test_throttled_calls_are_retried_by_the_sdk(start_emulator, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    ctx = context_with(tmp_path / "throttled", faults="throttle")
    running = start_emulator("aws", ctx)
    lab = AwsLab(running.endpoint, ctx.request_log.path, None)
    for index in range(4):
        result = lab.run("aws_customer_gateway", {"name": "cgw%d" % index, "ip_address": "203.0.113.%d" % (20 + index)})
        assert result["changed"] is True, result.get("msg")
    assert any(entry["fault"] == "throttle" for entry in lab.calls_since(0))


PLAYBOOK = """
- hosts: localhost
  gather_facts: false
  tasks:
    - multicloud.interconnect.aws_vpn_gateway:
        name: pb-vgw
      register: vgw
    - multicloud.interconnect.aws_customer_gateway:
        name: pb-cgw
        ip_address: 198.51.100.30
      register: cgw
    - multicloud.interconnect.aws_vpn_connection:
        name: pb-vpn
        customer_gateway_id: "{{ cgw.customer_gateway.customer_gateway_id }}"
        vpn_gateway_id: "{{ vgw.vpn_gateway.vpn_gateway_id }}"
        static_routes_only: true
        tunnel_options:
          - pre_shared_key: %(psk_1)s
          - pre_shared_key: %(psk_2)s
"""


@pytest.mark.playbook
def test_playbook_with_diff_never_prints_keys(aws_lab: AwsLab, tmp_path: Path) -> None:
    playbook = tmp_path / "vpn.yml"
    playbook.write_text(PLAYBOOK % {"psk_1": PSK_1, "psk_2": PSK_2})
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS_PATH), AWS_ENDPOINT_URL=aws_lab.endpoint, AWS_REGION=REGION,
               ANSIBLE_LOCALHOST_WARNING="false", ANSIBLE_INVENTORY_UNPARSED_WARNING="false", ANSIBLE_PYTHON_INTERPRETER=sys.executable)
    command = [str(Path(sys.executable).parent / "ansible-playbook"), "--diff", "-v", str(playbook)]
    finished = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path, check=False)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert "changed=3" in finished.stdout
    assert PSK_1 not in finished.stdout + finished.stderr and PSK_2 not in finished.stdout + finished.stderr
    assert '"pre_shared_key": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER (changed)"' in finished.stdout  # the --diff was shown
    keys = [tunnel["PreSharedKey"] for tunnel in aws_lab.ec2.describe_vpn_connections()["VpnConnections"][0]["Options"]["TunnelOptions"]]
    assert keys == [PSK_1, PSK_2]
