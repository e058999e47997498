"""AWS <-> Alibaba static IKEv1 VPN, built and read through boto3 and alibabacloud_vpc20160428 only.

A tunnel whose proposals agree comes up and carries pings both ways; one whose proposals differ
stays down, and both clouds say why (NO_PROPOSAL_CHOSEN). The two pairs use separate networks,
so they share one lab.
"""
from __future__ import annotations

import time

import pytest

from mci_lab import scenarios
from tests.lab.common import ping, wait_until
from tests.lab.e2e.clouds import (
    ALIBABA_REGION, AWS_REGION, StaticSite, alibaba_connection_logs, alibaba_connection_status, alibaba_ipsec_config,
    aws_algorithms, aws_alibaba_static, aws_telemetry)

pytestmark = pytest.mark.dataplane

UP_TIMEOUT = 30.0  # instant provisioning: only IKE (fractions of a second) and the 1 s status poll
IKEV1_AES128_SHA1_GROUP2 = aws_algorithms("ikev1", "AES128", "SHA1", 2)
IKEV1_AES256_SHA256_GROUP14 = aws_algorithms("ikev1", "AES256", "SHA2-256", 14)
ALIBABA_AES_SHA1_GROUP2 = {"version": "ikev1", "encryption": "aes", "integrity": "sha1", "group": "group2"}

AGREEING = StaticSite("mci-e2e-static", "172.80.64.0/19", "172.80.64.0/24", "172.80.64.10",
                      "192.168.0.0/16", "192.168.0.0/24", "192.168.0.10")
DISAGREEING = StaticSite("mci-e2e-mismatch", "10.50.0.0/16", "10.50.1.0/24", "10.50.1.10",
                         "10.60.0.0/16", "10.60.1.0/24", "10.60.1.10")


def test_static_ikev1_tunnel_comes_up_and_carries_pings_both_ways(lab):
    pair = aws_alibaba_static(lab.endpoints, AGREEING, IKEV1_AES128_SHA1_GROUP2, ALIBABA_AES_SHA1_GROUP2,
                              alibaba_ipsec_config("aes", "sha1", "group2"))
    ec2 = scenarios.aws_client(lab.endpoints, AWS_REGION)
    alibaba = scenarios.alibaba_client(lab.endpoints, ALIBABA_REGION)
    vpn_id = pair.vpn["VpnConnectionId"]

    telemetry = wait_until(lambda: (t := aws_telemetry(ec2, vpn_id)) and all(i["Status"] == "UP" for i in t) and t,
                           UP_TIMEOUT, "AWS VgwTelemetry UP on both tunnels")
    # A static connection accepts its static routes: one, the Alibaba VPC.
    assert [item["AcceptedRouteCount"] for item in telemetry] == [1, 1], telemetry
    wait_until(lambda: all(alibaba_connection_status(alibaba, c) == "ipsec_sa_established" for c in pair.alibaba_connections),
               UP_TIMEOUT, "Alibaba DescribeVpnConnection ipsec_sa_established")
    options = pair.vpn["Options"]
    assert options["StaticRoutesOnly"] is True and [r["DestinationCidrBlock"] for r in pair.vpn["Routes"]] == [AGREEING.alibaba_cidr]

    aws_ns, alibaba_ns = lab.host_namespace(pair.instances["aws"]), lab.host_namespace(pair.instances["alibaba"])
    wait_until(lambda: ping(aws_ns, AGREEING.alibaba_host, count=1), 10, "AWS instance -> Alibaba instance")
    assert ping(aws_ns, AGREEING.alibaba_host, count=5), "AWS instance -> Alibaba instance"
    assert ping(alibaba_ns, AGREEING.aws_host, count=5), "Alibaba instance -> AWS instance"


def test_proposal_mismatch_stays_down_and_both_clouds_say_no_proposal_chosen(lab):
    # AWS accepts only AES256 / SHA2-256 / group 14; Alibaba offers aes (128) / sha1 / group2.
    pair = aws_alibaba_static(lab.endpoints, DISAGREEING, IKEV1_AES256_SHA256_GROUP14, ALIBABA_AES_SHA1_GROUP2,
                              alibaba_ipsec_config("aes", "sha1", "group2"), peered_tunnels=1)
    ec2 = scenarios.aws_client(lab.endpoints, AWS_REGION)
    alibaba = scenarios.alibaba_client(lab.endpoints, ALIBABA_REGION)
    vpn_id, [connection_id] = pair.vpn["VpnConnectionId"], pair.alibaba_connections

    def reasons_reported():
        tunnel = aws_telemetry(ec2, vpn_id)[0]
        assert tunnel["Status"] == "DOWN", f"a tunnel whose proposals differ came UP: {tunnel}"
        status = alibaba_connection_status(alibaba, connection_id)
        assert status != "ipsec_sa_established", "Alibaba says the mismatched connection is up"
        logs = alibaba_connection_logs(alibaba, connection_id)
        aws_says = "NO_PROPOSAL_CHOSEN" in tunnel["StatusMessage"]
        alibaba_says = any("NO_PROPOSAL_CHOSEN" in line for line in logs)
        return aws_says and alibaba_says and (tunnel, status, logs)

    tunnel, status, logs = wait_until(reasons_reported, UP_TIMEOUT, "NO_PROPOSAL_CHOSEN from AWS and Alibaba")
    assert status == "ike_sa_not_established", status
    # Still down a few status polls later: the initiator keeps retrying and keeps being refused.
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        assert reasons_reported(), "the reason disappeared while the tunnel stayed down"
        time.sleep(0.5)
    aws_ns = lab.host_namespace(pair.instances["aws"])
    assert not ping(aws_ns, DISAGREEING.alibaba_host, count=2, wait=0.5), "no traffic may cross a tunnel that is down"
    print(f"AWS StatusMessage: {tunnel['StatusMessage']}\nAlibaba: {status}; logs: {logs}")
