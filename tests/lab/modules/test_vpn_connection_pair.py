"""vpn_connection_pair against the lab's AWS and Alibaba Cloud emulators.

The link is built as the aws_alibaba_vpn role builds it, by the collection's real modules (each
``main()`` run in this process with patched arguments, talking HTTP to the emulators through the
official SDKs), from the parameters vpn_connection_pair renders out of the planner's plan. The lab
runs without a data plane here, so no tunnel comes up: the clouds say so in their own words.
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

import boto3
import pytest
from alibabacloud_tea_openapi.utils_models import Config
from alibabacloud_vpc20160428 import models as vpc_models
from alibabacloud_vpc20160428.client import Client as VpcClient

from ansible_collections.multicloud.interconnect.plugins.module_utils import alibaba
from ansible_collections.multicloud.interconnect.plugins.modules import vpn_connection_pair
from mci_lab.emulators.alibaba import LAB_ACCESS_KEY_ID, LAB_ACCESS_KEY_SECRET
from mci_lab.emulators.base import NoDataPlane
from tests.lab.modules.conftest import ModuleLab

AWS_REGION = "us-east-1"
ALIBABA_REGION = "cn-hangzhou"
AWS_CIDR = "172.80.64.0/19"
ALIBABA_CIDR = "192.168.0.0/16"
NAME = "mci-aws-alibaba"
LINK = "aws-alibaba"
COLLECTIONS_PATH = Path(__file__).resolve().parents[3] / ".cache" / "collections"
PSKS = {"aws-alibaba-t1": "Tunnel1.Secret_Key4Lab", "aws-alibaba-t2": "Tunnel2.Secret_Key4Lab"}


@dataclass
class Clouds(ModuleLab):
    """Both emulators, the means to run modules against them, and their shared request log."""

    aws_endpoint: str
    alibaba_endpoint: str
    log_path: Path
    ec2: Any
    vpc: Any

    def connection_args(self, module: str) -> dict:
        if module.startswith("aws_"):
            return {"endpoint_url": self.aws_endpoint, "region": AWS_REGION}
        if module.startswith("alibaba_"):
            return {"endpoint": self.alibaba_endpoint, "region": ALIBABA_REGION}
        if module == "vpn_connection_pair":
            # Credentials come from the environment, through the nested options' fallbacks.
            return {"aws": {"endpoint_url": self.aws_endpoint, "region": AWS_REGION},
                    "alibaba": {"endpoint": self.alibaba_endpoint, "region": ALIBABA_REGION}}
        return {}


@pytest.fixture
def clouds(start_emulator, lab_ctx, monkeypatch) -> Clouds:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", LAB_ACCESS_KEY_ID)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", LAB_ACCESS_KEY_SECRET)
    # The lab answers at once; poll it often instead of every few seconds.
    monkeypatch.setattr(alibaba, "POLL_SECONDS", 0.1)
    monkeypatch.setattr(vpn_connection_pair, "POLL_SECONDS", 0.2)
    aws_endpoint = start_emulator("aws").endpoint
    alibaba_endpoint = start_emulator("alibaba").endpoint
    ec2 = boto3.client("ec2", region_name=AWS_REGION, endpoint_url=aws_endpoint)
    vpc = VpcClient(Config(access_key_id=LAB_ACCESS_KEY_ID, access_key_secret=LAB_ACCESS_KEY_SECRET,
                           endpoint=alibaba_endpoint.split("://", 1)[1], protocol="http", region_id=ALIBABA_REGION))
    return Clouds(aws_endpoint, alibaba_endpoint, lab_ctx.request_log.path, ec2, vpc)


def planned(clouds: Clouds) -> dict:
    sites = [{"name": "aws", "cloud": "aws", "region": AWS_REGION, "cidrs": [AWS_CIDR]},
             {"name": "alibaba", "cloud": "alibaba", "region": ALIBABA_REGION, "cidrs": [ALIBABA_CIDR]}]
    links = [{"name": LINK, "a": "aws", "b": "alibaba", "routing": "static"}]
    return clouds.ok("interconnect_plan", {"sites": sites, "links": links, "existing_psks": PSKS})["plan"]


def render(clouds: Clouds) -> dict:
    return clouds.ok("vpn_connection_pair", {"state": "rendered", "plan": planned(clouds), "link": LINK, "psks": PSKS})


def build_link(clouds: Clouds, rendered: dict, alibaba_changes: dict[int, dict] | None = None) -> dict:
    """The link as the aws_alibaba_vpn role builds it; ``alibaba_changes`` alter tunnel N's IPsec connection."""
    aws_vpc_id = clouds.ec2.create_vpc(CidrBlock=AWS_CIDR)["Vpc"]["VpcId"]
    alibaba_vpc_id = clouds.vpc.create_vpc(vpc_models.CreateVpcRequest(region_id=ALIBABA_REGION, cidr_block=ALIBABA_CIDR)).body.vpc_id
    vswitch_id = clouds.vpc.create_vswitch(vpc_models.CreateVSwitchRequest(
        region_id=ALIBABA_REGION, vpc_id=alibaba_vpc_id, cidr_block="192.168.1.0/24", zone_id="cn-hangzhou-h")).body.v_switch_id
    gateway = clouds.ok("alibaba_vpn_gateway", {"name": NAME, "vpc_id": alibaba_vpc_id, "vswitch_id": vswitch_id, "bandwidth": 10})["vpn_gateway"]
    vgw = clouds.ok("aws_vpn_gateway", {"name": NAME, "vpc_id": aws_vpc_id})["vpn_gateway"]
    cgw = clouds.ok("aws_customer_gateway", {"name": NAME, "ip_address": gateway["internet_ip"], "bgp_asn": 65000})["customer_gateway"]
    tunnels = rendered["rendered"]["tunnels"]
    options = [dict(tunnel["a"]["parameters"], pre_shared_key=PSKS[tunnel["name"]]) for tunnel in tunnels]
    connection = clouds.ok("aws_vpn_connection", {
        "name": NAME, "vpn_gateway_id": vgw["vpn_gateway_id"], "customer_gateway_id": cgw["customer_gateway_id"],
        "static_routes_only": True, "routes": [ALIBABA_CIDR], "tunnel_options": options})["vpn_connection"]
    for number, (aws_tunnel, tunnel) in enumerate(zip(connection["tunnels"], tunnels), 1):
        peer = clouds.ok("alibaba_customer_gateway", {"name": "%s-t%d" % (NAME, number), "ip_address": aws_tunnel["outside_ip_address"]})
        parameters = tunnel["b"]["parameters"]
        args = {"name": "%s-t%d" % (NAME, number), "vpn_gateway_id": gateway["vpn_gateway_id"],
                "customer_gateway_id": peer["customer_gateway"]["customer_gateway_id"], "local_subnet": [ALIBABA_CIDR],
                "remote_subnet": [AWS_CIDR], "effect_immediately": True,
                "ike_config": dict(parameters["ike_config"], psk=PSKS[tunnel["name"]]), "ipsec_config": dict(parameters["ipsec_config"])}
        for section, values in (alibaba_changes or {}).get(number, {}).items():
            args[section].update(values)
        clouds.ok("alibaba_ipsec_connection", args)
    return {"gateway": gateway, "customer_gateway": cgw, "connection": connection}


def assert_no_key_in(result: dict) -> None:
    text = json.dumps(result)
    assert all(psk not in text for psk in PSKS.values())


def test_rendered_ends_build_a_link_that_reads_back_in_agreement(clouds: Clouds) -> None:
    plan = planned(clouds)
    since = time.time()
    # No connection options at all: rendering needs no cloud and no credentials.
    rendered = clouds.ok("vpn_connection_pair", {"state": "rendered", "plan": plan, "link": LINK, "psks": PSKS, "aws": None, "alibaba": None})
    assert clouds.calls_since(since) == []
    assert rendered["changed"] is False
    assert_no_key_in(rendered)
    first = rendered["rendered"]["tunnels"][0]
    assert first["a"]["module"] == "multicloud.interconnect.aws_vpn_connection"
    assert first["a"]["parameters"]["tunnel_inside_cidr"] == plan["links"][0]["tunnels"][0]["inside_cidr"]
    assert first["a"]["parameters"]["phase1_encryption_algorithms"] == ["AES256"]
    assert first["b"]["parameters"]["ike_config"]["ike_enc_alg"] == "aes256"
    assert [(tunnel["psk_given"], tunnel["agree"], tunnel["problems"]) for tunnel in rendered["rendered"]["tunnels"]] == [(True, True, [])] * 2

    built = build_link(clouds, rendered)
    since = time.time()
    gathered = clouds.ok("vpn_connection_pair", {"name": NAME, "link": LINK})
    assert [entry for entry in clouds.calls_since(since) if entry["mutating"]] == []
    assert gathered["changed"] is False
    assert_no_key_in(gathered)
    assert [tunnel["name"] for tunnel in gathered["tunnels"]] == ["aws-alibaba-t1", "aws-alibaba-t2"]
    for tunnel, aws_tunnel in zip(gathered["tunnels"], built["connection"]["tunnels"]):
        assert (tunnel["agree"], tunnel["mismatches"], tunnel["up"]) == (True, [], False)
        aws_end, alibaba_end = tunnel["a"], tunnel["b"]
        assert (aws_end["cloud"], aws_end["outside_ip"], aws_end["peer_ip"]) == ("aws", aws_tunnel["outside_ip_address"], built["gateway"]["internet_ip"])
        assert (alibaba_end["outside_ip"], alibaba_end["peer_ip"]) == (built["gateway"]["internet_ip"], aws_tunnel["outside_ip_address"])
        # Without a data plane nothing is up, and each cloud says so its own way.
        assert (aws_end["status"], aws_end["status_message"]) == ("DOWN", NoDataPlane.MESSAGE)
        assert alibaba_end["status"] == "ike_sa_not_established"
        assert (aws_end["local_cidrs"], aws_end["remote_cidrs"]) == ([AWS_CIDR], [ALIBABA_CIDR])
        assert (alibaba_end["local_cidrs"], alibaba_end["remote_cidrs"]) == ([ALIBABA_CIDR], [AWS_CIDR])
        assert tunnel["proposal"]["phase1"]["encryption"] == "aes256" and tunnel["proposal"]["ike_version"] == "ikev2"
    assert (gathered["healthy"], gathered["up_tunnels"]) == (False, 0)
    assert gathered["summary"][0].startswith("aws-alibaba-t1: aws %s DOWN (%s) <-> alibaba %s ike_sa_not_established"
                                             % (built["connection"]["tunnels"][0]["outside_ip_address"], NoDataPlane.MESSAGE,
                                                built["gateway"]["internet_ip"]))
    assert gathered["summary"][0].endswith("| ikev2 ike=aes256-sha512-modp2048 esp=aes256-sha512-modp2048 | agree")

    # Waiting for tunnels that agree but never come up ends in a timeout that says what each cloud reports.
    started = time.time()
    waited = clouds.run("vpn_connection_pair", {"name": NAME, "link": LINK, "wait": "all", "wait_timeout": 1})
    assert waited["failed"] and time.time() - started < 10
    assert "timed out after 1s waiting for the tunnels of link aws-alibaba to be up on both ends (all)" in waited["msg"]
    assert "aws-alibaba-t1: aws DOWN (%s), alibaba ike_sa_not_established" % NoDataPlane.MESSAGE in waited["msg"]
    assert len(waited["tunnels"]) == 2 and waited["summary"]
    assert_no_key_in(waited)

    # Check mode reads once and does not wait.
    checked = clouds.ok("vpn_connection_pair", {"name": NAME, "link": LINK, "wait": "all", "wait_timeout": 600}, check=True)
    assert checked["healthy"] is False


def test_a_mismatched_alibaba_proposal_and_key_are_named_and_end_the_wait_at_once(clouds: Clouds) -> None:
    rendered = render(clouds)
    build_link(clouds, rendered, alibaba_changes={
        1: {"ike_config": {"ike_enc_alg": "aes"}},  # AES-128, while the AWS tunnel accepts AES-256 only
        2: {"ike_config": {"psk": PSKS["aws-alibaba-t1"]}},  # the other tunnel's key
    })

    gathered = clouds.ok("vpn_connection_pair", {"name": NAME, "link": LINK})
    first, second = gathered["tunnels"]
    assert (first["agree"], first["mismatches"]) == (False, ["IKE phase 1 encryption: aws accepts [AES256] but alibaba offers aes"])
    assert first["proposal"] is None
    assert (second["agree"], second["mismatches"]) == (False, ["pre-shared keys differ"])
    assert gathered["healthy"] is False
    assert "MISMATCH: IKE phase 1 encryption: aws accepts [AES256] but alibaba offers aes" in gathered["summary"][0]
    assert_no_key_in(gathered)

    started = time.time()
    failed = clouds.run("vpn_connection_pair", {"name": NAME, "link": LINK, "wait": "all", "wait_timeout": 600})
    assert failed["failed"] and time.time() - started < 10  # at once, not after the timeout
    assert failed["msg"] == ("link aws-alibaba will not work, its ends disagree: "
                             "aws-alibaba-t1: IKE phase 1 encryption: aws accepts [AES256] but alibaba offers aes; "
                             "aws-alibaba-t2: pre-shared keys differ")
    assert_no_key_in(failed)


def test_gathered_runs_under_ansible_playbook_with_the_connection_options_as_module_defaults(clouds: Clouds, tmp_path: Path) -> None:
    build_link(clouds, render(clouds))
    # As playbooks/aws_alibaba.yml sets them: each cloud's connection options as one nested dict.
    play = [{
        "hosts": "localhost", "connection": "local", "gather_facts": False,
        "module_defaults": {"multicloud.interconnect.vpn_connection_pair": {
            "aws": {"endpoint_url": clouds.aws_endpoint, "region": AWS_REGION, "access_key": "testing", "secret_key": "aws-lab-secret"},
            "alibaba": {"endpoint": clouds.alibaba_endpoint, "region": ALIBABA_REGION, "access_key": LAB_ACCESS_KEY_ID,
                        "secret_key": LAB_ACCESS_KEY_SECRET}}},
        "tasks": [{"name": "verify", "multicloud.interconnect.vpn_connection_pair": {"name": NAME, "link": LINK}}],
    }]
    (tmp_path / "verify.yml").write_text(json.dumps(play))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS_PATH), ANSIBLE_STDOUT_CALLBACK="json", ANSIBLE_LOAD_CALLBACK_PLUGINS="1",
               ANSIBLE_HOME=str(tmp_path / "ansible-home"), ANSIBLE_LOCALHOST_WARNING="0", ANSIBLE_INVENTORY_UNPARSED_WARNING="0")
    command = [str(Path(sys.executable).with_name("ansible-playbook")), "verify.yml", "-e", "ansible_python_interpreter=%s" % sys.executable]
    completed = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    result = json.loads(completed.stdout)["plays"][0]["tasks"][0]["hosts"]["localhost"]
    expected = [("aws-alibaba-t1", True, False), ("aws-alibaba-t2", True, False)]
    assert [(tunnel["name"], tunnel["agree"], tunnel["up"]) for tunnel in result["tunnels"]] == expected
    assert "aws-lab-secret" not in completed.stdout and LAB_ACCESS_KEY_SECRET not in completed.stdout
    assert_no_key_in(result)


def test_gathering_a_link_that_was_never_built_names_what_is_missing(clouds: Clouds) -> None:
    missing = clouds.run("vpn_connection_pair", {"name": "nothing-here"})
    assert missing["failed"] and missing["msg"] == "aws: no VPN connection has the Name tag 'nothing-here'"
    one_end = clouds.run("vpn_connection_pair", {"name": NAME, "alibaba": None})
    assert one_end["failed"] and "needs the connection options of both ends (aws and alibaba), got aws" in one_end["msg"]
