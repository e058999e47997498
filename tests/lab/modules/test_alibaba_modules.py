"""The alibaba_* modules, run for real against the lab's Alibaba Cloud emulator.

Each module's ``main()`` runs in this process with its arguments patched in (ansible's own
``patch_module_args``) and talks HTTP to the emulator through the official SDK, exactly as under
ansible-playbook; one test runs a module through ``ansible`` itself. Idempotency and check mode are
proven with the lab's request log: a re-run or a check-mode run makes no mutating API call.
Test setup (VPCs, vSwitches) and read-backs go through the official SDK too.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from alibabacloud_tea_openapi.exceptions import ClientException
from alibabacloud_tea_openapi.utils_models import Config
from alibabacloud_vpc20160428 import models as vpc_models
from alibabacloud_vpc20160428.client import Client as VpcClient

from ansible_collections.multicloud.interconnect.plugins.module_utils import alibaba
from mci_lab.emulators.alibaba import LAB_ACCESS_KEY_ID, LAB_ACCESS_KEY_SECRET
from mci_lab.emulators.base import DelayProfile
from tests.lab.conftest import context_with
from tests.lab.modules.conftest import OneCloudLab

REPO_ROOT = Path(__file__).resolve().parents[3]
COLLECTIONS_PATH = REPO_ROOT / ".cache" / "collections"
REGION = "cn-hangzhou"
PSK_1 = "Tunnel1.Secret_Key4Lab"
PSK_2 = "Tunnel2.Secret_Key4Lab"
PSK_ROTATED = "Rotated3.Secret_Key4Lab"


@dataclass
class AlibabaLab(OneCloudLab):
    sdk: Any

    def connection_args(self, module: str) -> dict:
        return {"endpoint": self.endpoint, "region": REGION}


def sdk_client(endpoint: str) -> Any:
    host = endpoint.split("://", 1)[1]
    return VpcClient(Config(access_key_id=LAB_ACCESS_KEY_ID, access_key_secret=LAB_ACCESS_KEY_SECRET, endpoint=host,
                            protocol="http", region_id=REGION))


def make_lab(start_emulator, ctx, monkeypatch) -> AlibabaLab:
    # Credentials come from the usual environment variables, as on a real control node.
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", LAB_ACCESS_KEY_ID)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", LAB_ACCESS_KEY_SECRET)
    # The lab answers within a second; poll it often instead of the real cloud's 2 s.
    monkeypatch.setattr(alibaba, "POLL_SECONDS", 0.1)
    running = start_emulator("alibaba", ctx)
    return AlibabaLab(running.endpoint, ctx.request_log.path, sdk_client(running.endpoint))


@pytest.fixture
def lab(start_emulator, lab_ctx, monkeypatch) -> AlibabaLab:
    return make_lab(start_emulator, lab_ctx, monkeypatch)


@dataclass
class Network:
    vpc_id: str
    vswitch_id: str
    recovery_vswitch_id: str


def make_network(lab: AlibabaLab) -> Network:
    vpc_id = lab.sdk.create_vpc(vpc_models.CreateVpcRequest(region_id=REGION, cidr_block="192.168.0.0/16", vpc_name="lab")).body.vpc_id
    vswitches = [
        lab.sdk.create_vswitch(vpc_models.CreateVSwitchRequest(region_id=REGION, vpc_id=vpc_id, cidr_block=cidr, zone_id=zone)).body.v_switch_id
        for cidr, zone in (("192.168.1.0/24", "cn-hangzhou-h"), ("192.168.2.0/24", "cn-hangzhou-i"))
    ]
    return Network(vpc_id, *vswitches)


@pytest.fixture
def network(lab: AlibabaLab) -> Network:
    return make_network(lab)


def gateway_args(network: Network, **extra: Any) -> dict:
    return dict(dict(name="hz-to-aws", vpc_id=network.vpc_id, vswitch_id=network.vswitch_id, bandwidth=10), **extra)


def make_gateway(lab: AlibabaLab, network: Network, **extra: Any) -> dict:
    return lab.ok("alibaba_vpn_gateway", gateway_args(network, **extra))["vpn_gateway"]


def make_customer_gateway(lab: AlibabaLab, ip_address: str, name: str) -> str:
    return lab.ok("alibaba_customer_gateway", dict(ip_address=ip_address, name=name))["customer_gateway"]["customer_gateway_id"]


def single_tunnel_args(gateway_id: str, customer_gateway_id: str, **extra: Any) -> dict:
    args = dict(
        name="to-aws-tunnel1", vpn_gateway_id=gateway_id, customer_gateway_id=customer_gateway_id,
        local_subnet=["192.168.0.0/16"], remote_subnet=["172.80.64.0/19"], effect_immediately=True, peer_cloud="aws",
        ike_config=dict(ike_version="ikev1", ike_mode="main", ike_enc_alg="aes", ike_auth_alg="sha1", ike_pfs="group2", psk=PSK_1),
        ipsec_config=dict(ipsec_enc_alg="aes", ipsec_auth_alg="sha1", ipsec_pfs="group2"),
    )
    args.update(extra)
    return args


def described_connection(lab: AlibabaLab, connection_id: str) -> Any:
    return lab.sdk.describe_vpn_connection(vpc_models.DescribeVpnConnectionRequest(region_id=REGION, vpn_connection_id=connection_id)).body


# --------------------------------------------------------------------------- VPN gateway


def test_vpn_gateway_lifecycle(lab: AlibabaLab, network: Network) -> None:
    args = gateway_args(network, description="IPsec to AWS us-east-1")

    since = time.time()
    predicted = lab.ok("alibaba_vpn_gateway", args, check=True, diff=True)
    assert predicted["changed"] is True and predicted["vpn_gateway"]["vpn_gateway_id"] is None
    assert predicted["diff"]["after"]["bandwidth"] == 10
    assert lab.mutating_since(since) == []

    created = lab.ok("alibaba_vpn_gateway", args)
    gateway = created["vpn_gateway"]
    assert created["changed"] is True
    assert gateway["status"] == "active" and gateway["description"] == "IPsec to AWS us-east-1"
    assert gateway["internet_ip"].startswith(("198.51.100.", "203.0.113."))
    assert (gateway["bandwidth"], gateway["enable_ipsec"], gateway["vswitch_id"]) == (10, True, network.vswitch_id)

    again = lab.rerun_changes_nothing("alibaba_vpn_gateway", args)
    assert again["vpn_gateway"]["internet_ip"] == gateway["internet_ip"]

    listed = lab.ok("alibaba_vpn_gateway_info", dict(vpc_id=network.vpc_id))["vpn_gateways"]
    assert [item["vpn_gateway_id"] for item in listed] == [gateway["vpn_gateway_id"]]

    renamed = lab.ok("alibaba_vpn_gateway", dict(vpn_gateway_id=gateway["vpn_gateway_id"], name="hz-renamed"), diff=True)
    assert renamed["changed"] and renamed["diff"]["after"]["name"] == "hz-renamed"

    refused = lab.run("alibaba_vpn_gateway", dict(vpn_gateway_id=gateway["vpn_gateway_id"], bandwidth=100))
    assert refused["failed"] and "needs a new order" in refused["msg"]

    since = time.time()
    gone = lab.ok("alibaba_vpn_gateway", dict(vpn_gateway_id=gateway["vpn_gateway_id"], state="absent"))
    assert gone["changed"] is True and lab.mutating_since(since) == ["DeleteVpnGateway"]
    lab.rerun_changes_nothing("alibaba_vpn_gateway", dict(name="hz-renamed", vpc_id=network.vpc_id, state="absent"))


def test_dual_tunnel_gateway_has_two_public_addresses(lab: AlibabaLab, network: Network) -> None:
    gateway = make_gateway(lab, network, disaster_recovery_vswitch_id=network.recovery_vswitch_id)
    assert gateway["disaster_recovery_vswitch_id"] == network.recovery_vswitch_id
    assert gateway["disaster_recovery_internet_ip"] not in ("", None, gateway["internet_ip"])


def test_gateway_creation_waits_until_active(start_emulator, tmp_path, monkeypatch) -> None:
    ctx = context_with(tmp_path, DelayProfile("test", {"alibaba.vpn_gateway": 1.0}, 1.0))
    lab = make_lab(start_emulator, ctx, monkeypatch)
    network = make_network(lab)
    started = time.time()
    gateway = make_gateway(lab, network)
    assert gateway["status"] == "active" and gateway["internet_ip"]
    assert time.time() - started >= 1.0
    polls = [entry["operation"] for entry in lab.calls_since(started)].count("DescribeVpnGateways")
    assert polls >= 2


# --------------------------------------------------------------------------- customer gateway


def test_customer_gateway_lifecycle(lab: AlibabaLab) -> None:
    args = dict(ip_address="203.0.113.10", name="aws-use1-tunnel1", asn=64512, description="AWS tunnel 1")
    since = time.time()
    assert lab.ok("alibaba_customer_gateway", args, check=True)["changed"] is True
    assert lab.mutating_since(since) == []

    gateway = lab.ok("alibaba_customer_gateway", args)["customer_gateway"]
    assert (gateway["ip_address"], gateway["asn"], gateway["name"]) == ("203.0.113.10", 64512, "aws-use1-tunnel1")
    lab.rerun_changes_nothing("alibaba_customer_gateway", args)

    described = lab.ok("alibaba_customer_gateway", dict(args, description="AWS vpn-0a1b tunnel 1"), diff=True)
    assert described["diff"] == {"before": {"name": "aws-use1-tunnel1", "description": "AWS tunnel 1", "ip_address": "203.0.113.10", "asn": 64512},
                                 "after": {"name": "aws-use1-tunnel1", "description": "AWS vpn-0a1b tunnel 1", "ip_address": "203.0.113.10",
                                           "asn": 64512}}

    refused = lab.run("alibaba_customer_gateway", dict(args, asn=65001))
    assert refused["failed"] and "Alibaba cannot change it" in refused["msg"]

    found = lab.ok("alibaba_customer_gateway_info", dict(ip_address="203.0.113.10"))["customer_gateways"]
    assert [item["customer_gateway_id"] for item in found] == [gateway["customer_gateway_id"]]

    assert lab.ok("alibaba_customer_gateway", dict(ip_address="203.0.113.10", state="absent"))["changed"] is True
    lab.rerun_changes_nothing("alibaba_customer_gateway", dict(ip_address="203.0.113.10", state="absent"))


def test_info_reads_every_page(lab: AlibabaLab) -> None:
    addresses = ["203.0.113.%d" % host for host in range(100, 100 + alibaba.PAGE_SIZE + 5)]
    for address in addresses:
        lab.sdk.create_customer_gateway(vpc_models.CreateCustomerGatewayRequest(region_id=REGION, ip_address=address))
    since = time.time()
    found = lab.ok("alibaba_customer_gateway_info", {})["customer_gateways"]
    assert sorted(item["ip_address"] for item in found) == sorted(addresses)
    assert [entry["operation"] for entry in lab.calls_since(since)] == ["DescribeCustomerGateways"] * 2


def test_customer_gateway_input_is_refused_before_any_call(lab: AlibabaLab) -> None:
    since = time.time()
    refused = lab.run("alibaba_customer_gateway", dict(ip_address="100.64.0.9", asn=45104))
    assert refused["failed"]
    assert "100.64.0.0/10" in refused["msg"] and "asn 45104 is reserved by Alibaba Cloud" in refused["msg"]
    assert lab.calls_since(since) == []


# --------------------------------------------------------------------------- IPsec connection


def test_single_tunnel_connection_lifecycle(lab: AlibabaLab, network: Network) -> None:
    gateway = make_gateway(lab, network)
    customer_gateway_id = make_customer_gateway(lab, "203.0.113.10", "aws-tunnel1")
    args = single_tunnel_args(gateway["vpn_gateway_id"], customer_gateway_id)

    since = time.time()
    predicted = lab.ok("alibaba_ipsec_connection", args, check=True, diff=True)
    assert predicted["changed"] is True and lab.mutating_since(since) == []
    assert PSK_1 not in json.dumps(predicted)

    created = lab.ok("alibaba_ipsec_connection", args, diff=True)
    connection = created["vpn_connection"]
    assert created["changed"] is True
    assert PSK_1 not in json.dumps(created)  # not in the result, not in the diff
    assert created["diff"]["after"]["ike_config"]["psk"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER (changed)"
    assert connection["ike_config"]["psk"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
    assert connection["status"] == "ike_sa_not_established" and connection["established"] is False
    assert (connection["local_subnet"], connection["remote_subnet"]) == (["192.168.0.0/16"], ["172.80.64.0/19"])
    # What the cloud holds, read back through the SDK: the key and the proposal as asked.
    held = described_connection(lab, connection["vpn_connection_id"])
    assert (held.ike_config.psk, held.ike_config.ike_version, held.ipsec_config.ipsec_pfs) == (PSK_1, "ikev1", "group2")

    lab.rerun_changes_nothing("alibaba_ipsec_connection", args)

    # Modify the IKE settings: check mode predicts without a call, then the change is made.
    moved = dict(args, ike_config=dict(args["ike_config"], ike_version="ikev2", ike_enc_alg="aes256", psk=PSK_ROTATED))
    since = time.time()
    preview = lab.ok("alibaba_ipsec_connection", moved, check=True, diff=True)
    assert preview["changed"] is True and lab.mutating_since(since) == []
    assert (preview["diff"]["before"]["ike_config"]["ike_version"], preview["diff"]["after"]["ike_config"]["ike_version"]) == ("ikev1", "ikev2")
    assert preview["diff"]["after"]["ike_config"]["psk"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER (changed)"
    assert PSK_1 not in json.dumps(preview) and PSK_ROTATED not in json.dumps(preview)

    since = time.time()
    changed = lab.ok("alibaba_ipsec_connection", moved)
    assert changed["changed"] is True and lab.mutating_since(since) == ["ModifyVpnConnectionAttribute"]
    held = described_connection(lab, connection["vpn_connection_id"])
    assert (held.ike_config.ike_version, held.ike_config.ike_enc_alg, held.ike_config.psk) == ("ikev2", "aes256", PSK_ROTATED)
    assert (held.ike_config.ike_pfs, held.ike_config.ike_mode) == ("group2", "main")  # the rest stays
    lab.rerun_changes_nothing("alibaba_ipsec_connection", moved)

    statuses = lab.ok("alibaba_ipsec_connection_info", dict(vpn_gateway_id=gateway["vpn_gateway_id"]))["vpn_connections"]
    assert [(item["name"], item["status"]) for item in statuses] == [("to-aws-tunnel1", "ike_sa_not_established")]
    assert PSK_ROTATED not in json.dumps(statuses)

    absent = dict(name="to-aws-tunnel1", vpn_gateway_id=gateway["vpn_gateway_id"], state="absent")
    assert lab.ok("alibaba_ipsec_connection", absent)["changed"] is True
    lab.rerun_changes_nothing("alibaba_ipsec_connection", absent)


def test_connection_input_is_refused_before_any_call(lab: AlibabaLab) -> None:
    args = single_tunnel_args("vpn-bp1anything", "cgw-bp1anything", local_subnet=["0.0.0.0/0", "192.168.0.0/16"],
                              ike_config=dict(psk="aws-cannot-take-dashes", ike_enc_alg="des"))
    since = time.time()
    refused = lab.run("alibaba_ipsec_connection", args)
    assert refused["failed"]
    for expected in ("local_subnet mixes 0.0.0.0/0", "ike_config.ike_enc_alg: 'des' is not one of aes, aes192, aes256, 3des",
                     "aws pre-shared keys may only contain letters, digits"):
        assert expected in refused["msg"]
    assert "aws-cannot-take-dashes" not in refused["msg"]
    assert lab.calls_since(since) == []


def test_dual_tunnel_connection(lab: AlibabaLab, network: Network) -> None:
    gateway = make_gateway(lab, network, disaster_recovery_vswitch_id=network.recovery_vswitch_id)
    first = make_customer_gateway(lab, "203.0.113.10", "aws-tunnel1")
    second = make_customer_gateway(lab, "203.0.113.11", "aws-tunnel2")
    args = dict(
        name="to-aws", vpn_gateway_id=gateway["vpn_gateway_id"], local_subnet=["0.0.0.0/0"], remote_subnet=["0.0.0.0/0"], peer_cloud="aws",
        tunnel_options=[
            dict(customer_gateway_id=customer_gateway_id,
                 ike_config=dict(ike_version="ikev2", ike_enc_alg="aes256", ike_auth_alg="sha256", ike_pfs="group14", psk=psk),
                 ipsec_config=dict(ipsec_enc_alg="aes256", ipsec_auth_alg="sha256", ipsec_pfs="group14"))
            for customer_gateway_id, psk in ((first, PSK_1), (second, PSK_2))
        ],
    )
    created = lab.ok("alibaba_ipsec_connection", args, diff=True)
    tunnels = created["vpn_connection"]["tunnel_options"]
    assert [(tunnel["role"], tunnel["customer_gateway_id"]) for tunnel in tunnels] == [("master", first), ("slave", second)]
    assert [tunnel["internet_ip"] for tunnel in tunnels] == [gateway["internet_ip"], gateway["disaster_recovery_internet_ip"]]
    assert PSK_1 not in json.dumps(created) and PSK_2 not in json.dumps(created)
    lab.rerun_changes_nothing("alibaba_ipsec_connection", args)

    args["tunnel_options"][1]["ipsec_config"]["ipsec_pfs"] = "group5"
    args["peer_cloud"] = None  # group5 is fine for Alibaba (and AWS phase 2)
    since = time.time()
    assert lab.ok("alibaba_ipsec_connection", args)["changed"] is True
    assert lab.mutating_since(since) == ["ModifyVpnConnectionAttribute"]
    held = described_connection(lab, created["vpn_connection"]["vpn_connection_id"]).tunnel_options_specification.tunnel_options
    assert [tunnel.tunnel_ipsec_config.ipsec_pfs for tunnel in held] == ["group14", "group5"]
    assert [tunnel.tunnel_ike_config.psk for tunnel in held] == [PSK_1, PSK_2]
    lab.rerun_changes_nothing("alibaba_ipsec_connection", args)


def test_waiting_for_an_established_tunnel_fails_with_the_status_and_its_meaning(lab: AlibabaLab, network: Network) -> None:
    gateway = make_gateway(lab, network)
    customer_gateway_id = make_customer_gateway(lab, "203.0.113.10", "aws-tunnel1")
    args = single_tunnel_args(gateway["vpn_gateway_id"], customer_gateway_id, wait_established=True, wait_timeout=1)
    failed = lab.run("alibaba_ipsec_connection", args)  # no data plane in this lab: IKE never comes up
    assert failed["failed"]
    assert "waiting for IPsec connection vco-" in failed["msg"] and "to be ipsec_sa_established" in failed["msg"]
    assert "status ike_sa_not_established (IKE phase 1 did not complete" in failed["msg"]


# --------------------------------------------------------------------------- the gateway's updating window


def test_changes_wait_for_the_gateway_to_leave_updating(start_emulator, tmp_path, monkeypatch) -> None:
    delays = DelayProfile("test", {"alibaba.vpn_connection": 1.5, "alibaba.vpn_route_entry": 1.0}, 1.0)
    lab = make_lab(start_emulator, context_with(tmp_path, delays), monkeypatch)
    network = make_network(lab)
    gateway = make_gateway(lab, network)
    customer_gateway_id = make_customer_gateway(lab, "203.0.113.10", "aws-tunnel1")
    gateway_id = gateway["vpn_gateway_id"]

    # wait=false returns while the gateway still applies the new connection...
    created = lab.ok("alibaba_ipsec_connection", single_tunnel_args(gateway_id, customer_gateway_id, wait=False))
    status = lab.sdk.describe_vpn_gateway(vpc_models.DescribeVpnGatewayRequest(region_id=REGION, vpn_gateway_id=gateway_id)).body.status
    assert status == "updating"
    # ...and the cloud refuses any other change meanwhile.
    with pytest.raises(ClientException) as refused:
        lab.sdk.modify_vpn_connection_attribute(vpc_models.ModifyVpnConnectionAttributeRequest(
            region_id=REGION, vpn_connection_id=created["vpn_connection"]["vpn_connection_id"], name="racing"))
    assert refused.value.code == "VpnGateway.Configuring"

    # The next module waits for the gateway instead of failing.
    since = time.time()
    route_args = dict(vpn_gateway_id=gateway_id, route_dest="172.80.64.0/19", next_hop=created["vpn_connection"]["vpn_connection_id"],
                      publish_vpc=False)
    route = lab.ok("alibaba_vpn_route_entry", route_args)
    assert route["changed"] is True
    calls = lab.calls_since(since)
    assert [entry["operation"] for entry in calls if entry["mutating"]] == ["CreateVpnRouteEntry"]
    assert all(entry["status"] == 200 for entry in calls)  # no call was made into the updating gateway
    assert [entry["operation"] for entry in calls].count("DescribeVpnGateways") >= 2
    # wait=true (the default) returned only once the gateway had applied the route.
    status = lab.sdk.describe_vpn_gateway(vpc_models.DescribeVpnGatewayRequest(region_id=REGION, vpn_gateway_id=gateway_id)).body.status
    assert status == "active"


# --------------------------------------------------------------------------- VPN destination routes


def test_vpn_route_entry_lifecycle(lab: AlibabaLab, network: Network) -> None:
    gateway = make_gateway(lab, network)
    customer_gateway_id = make_customer_gateway(lab, "203.0.113.10", "aws-tunnel1")
    connection_id = lab.ok("alibaba_ipsec_connection", single_tunnel_args(
        gateway["vpn_gateway_id"], customer_gateway_id, local_subnet=["0.0.0.0/0"], remote_subnet=["0.0.0.0/0"]))["vpn_connection"]["vpn_connection_id"]
    args = dict(vpn_gateway_id=gateway["vpn_gateway_id"], route_dest="172.80.64.0/19", next_hop=connection_id, weight=100, publish_vpc=True)

    since = time.time()
    assert lab.ok("alibaba_vpn_route_entry", args, check=True)["changed"] is True
    assert lab.mutating_since(since) == []
    route = lab.ok("alibaba_vpn_route_entry", args)["vpn_route_entry"]
    assert (route["weight"], route["publish_vpc"], route["state"]) == (100, True, "published")
    lab.rerun_changes_nothing("alibaba_vpn_route_entry", args)

    since = time.time()
    standby = lab.ok("alibaba_vpn_route_entry", dict(args, weight=0, publish_vpc=False), diff=True)
    assert standby["diff"] == {"before": dict(args, weight=100, publish_vpc=True), "after": dict(args, weight=0, publish_vpc=False)}
    assert lab.mutating_since(since) == ["ModifyVpnRouteEntryWeight", "PublishVpnRouteEntry"]
    lab.rerun_changes_nothing("alibaba_vpn_route_entry", dict(args, weight=0, publish_vpc=False))

    absent = dict(args, state="absent")
    assert lab.ok("alibaba_vpn_route_entry", absent)["changed"] is True
    lab.rerun_changes_nothing("alibaba_vpn_route_entry", absent)


def test_vpn_route_to_everywhere_is_refused_before_any_call(lab: AlibabaLab) -> None:
    since = time.time()
    refused = lab.run("alibaba_vpn_route_entry", dict(vpn_gateway_id="vpn-1", route_dest="0.0.0.0/0", next_hop="vco-1"))
    assert refused["failed"] and "route_dest 0.0.0.0/0 is not allowed" in refused["msg"]
    assert lab.calls_since(since) == []


# --------------------------------------------------------------------------- VPC route entries


def route_entries(lab: AlibabaLab, route_table_id: str) -> dict[str, str]:
    body = lab.sdk.describe_route_entry_list(vpc_models.DescribeRouteEntryListRequest(region_id=REGION, route_table_id=route_table_id)).body
    return {entry.destination_cidr_block: entry.next_hops.next_hop[0].next_hop_id for entry in body.route_entrys.route_entry
            if entry.type == "Custom"}


def test_route_entry_touches_only_its_destination(lab: AlibabaLab, network: Network) -> None:
    gateway_id = make_gateway(lab, network)["vpn_gateway_id"]
    second_gateway_id = make_gateway(lab, network, name="second")["vpn_gateway_id"]
    args = dict(vpc_id=network.vpc_id, destination_cidr_block="172.80.64.0/19", next_hop_type="VpnGateway", next_hop_id=gateway_id, name="to-aws")
    neighbour = lab.ok("alibaba_route_entry", dict(args, destination_cidr_block="10.50.0.0/16", name="someone-else"))["route_entry"]
    table_id = neighbour["route_table_id"]

    since = time.time()
    assert lab.ok("alibaba_route_entry", args, check=True)["changed"] is True
    assert lab.mutating_since(since) == []
    entry = lab.ok("alibaba_route_entry", args)["route_entry"]
    assert (entry["status"], entry["next_hop_id"], entry["route_table_id"]) == ("Available", gateway_id, table_id)
    lab.rerun_changes_nothing("alibaba_route_entry", args)

    since = time.time()
    moved = lab.ok("alibaba_route_entry", dict(args, next_hop_id=second_gateway_id), diff=True)
    assert moved["diff"]["before"]["next_hop_id"] == gateway_id and moved["diff"]["after"]["next_hop_id"] == second_gateway_id
    assert lab.mutating_since(since) == ["ModifyRouteEntry"]
    assert route_entries(lab, table_id) == {"10.50.0.0/16": gateway_id, "172.80.64.0/19": second_gateway_id}

    absent = dict(route_table_id=table_id, destination_cidr_block="172.80.64.0/19", state="absent")
    assert lab.ok("alibaba_route_entry", absent)["changed"] is True
    lab.rerun_changes_nothing("alibaba_route_entry", absent)
    assert route_entries(lab, table_id) == {"10.50.0.0/16": gateway_id}  # the neighbour is untouched


def test_default_route_to_a_vpn_gateway_is_refused_before_any_call(lab: AlibabaLab) -> None:
    since = time.time()
    refused = lab.run("alibaba_route_entry", dict(route_table_id="vtb-1", destination_cidr_block="0.0.0.0/0", next_hop_type="VpnGateway",
                                                  next_hop_id="vpn-1"))
    assert refused["failed"] and "0.0.0.0/0 cannot point to a VpnGateway" in refused["msg"]
    assert lab.calls_since(since) == []


# --------------------------------------------------------------------------- throttling and the real ansible path


def test_throttled_calls_are_retried_by_the_sdk(start_emulator, tmp_path, monkeypatch) -> None:
    lab = make_lab(start_emulator, context_with(tmp_path, faults="throttle"), monkeypatch)
    for index in range(6):
        lab.ok("alibaba_customer_gateway", dict(ip_address="203.0.113.%d" % (20 + index), name="peer-%d" % index))
    entries = lab.calls_since(0)
    throttled = [entry for entry in entries if entry["fault"] == "throttle"]
    assert throttled, "the fault profile throttles a fifth of the calls"
    assert all(entry["status"] == 400 for entry in throttled)
    created = lab.ok("alibaba_customer_gateway_info", {})["customer_gateways"]
    assert len(created) == 6  # every create went through exactly once


def test_module_runs_under_ansible(lab: AlibabaLab, tmp_path: Path) -> None:
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS_PATH), ANSIBLE_STDOUT_CALLBACK="json", ANSIBLE_LOAD_CALLBACK_PLUGINS="1",
               ALIBABA_CLOUD_ENDPOINT=lab.endpoint, ALIBABA_CLOUD_REGION_ID=REGION, ANSIBLE_HOME=str(tmp_path / "ansible-home"))
    command = [str(Path(sys.executable).with_name("ansible")), "localhost", "-m", "multicloud.interconnect.alibaba_customer_gateway",
               "-a", "ip_address=203.0.113.44 name=from-ansible", "-e", "ansible_python_interpreter=%s" % sys.executable]
    completed = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    result = json.loads(completed.stdout)["plays"][0]["tasks"][0]["hosts"]["localhost"]
    assert result["changed"] is True and result["customer_gateway"]["ip_address"] == "203.0.113.44"
    assert lab.mutating_since(0) == ["CreateCustomerGateway"]
