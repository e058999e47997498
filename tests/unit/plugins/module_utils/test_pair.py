"""module_utils/pair.py: both ends of a link rendered from the plan, translated from each cloud's
answers, paired by address and compared; health, waiting verdicts and summaries."""
from __future__ import annotations

import json
from dataclasses import replace

import pytest

from ansible_collections.multicloud.interconnect.plugins.module_utils import alibaba, aws_vpn, pair, planner

PSK_1 = "Tunnel1.Secret_Key4Lab"
PSK_2 = "Tunnel2.Secret_Key4Lab"
AWS_CIDR = "172.80.64.0/19"
ALIBABA_CIDR = "192.168.0.0/16"
AWS_IPS = ("203.0.113.10", "203.0.113.11")
ALIBABA_IP = "198.51.100.24"


# --------------------------------------------------------------------------- what the clouds answer


def aws_api_tunnel(outside_ip: str, cidr: str, psk: str | None, **algorithms: list) -> dict:
    """A TunnelOption as DescribeVpnConnections spells it; algorithms by response field name."""
    tunnel = {"OutsideIpAddress": outside_ip, "TunnelInsideCidr": cidr, "Phase1LifetimeSeconds": 28800, "Phase2LifetimeSeconds": 3600}
    defaults = {"IkeVersions": ["ikev1", "ikev2"], "Phase1EncryptionAlgorithms": ["AES128", "AES256"], "Phase1IntegrityAlgorithms": ["SHA1"],
                "Phase1DHGroupNumbers": [2, 14], "Phase2EncryptionAlgorithms": ["AES128"], "Phase2IntegrityAlgorithms": ["SHA1"],
                "Phase2DHGroupNumbers": [2]}
    for key, values in dict(defaults, **algorithms).items():
        tunnel[key] = [{"Value": value} for value in values]
    if psk is not None:
        tunnel["PreSharedKey"] = psk
    return tunnel


def aws_connection(*tunnels: dict, static: bool = True, routes: tuple = (ALIBABA_CIDR,), **options: str) -> dict:
    """aws_vpn.normalize_vpn_connection of a DescribeVpnConnections answer, keys included."""
    raw = {
        "VpnConnectionId": "vpn-1", "State": "available", "CustomerGatewayId": "cgw-1", "VpnGatewayId": "vgw-1",
        "Options": dict({"StaticRoutesOnly": static, "TunnelOptions": list(tunnels)}, **options),
        "Routes": [{"DestinationCidrBlock": route, "State": "available"} for route in routes],
        "VgwTelemetry": [{"OutsideIpAddress": tunnel["OutsideIpAddress"], "Status": "DOWN", "StatusMessage": "IPSEC IS DOWN"} for tunnel in tunnels],
    }
    return aws_vpn.normalize_vpn_connection(raw, include_secrets=True)


def alibaba_connection(name: str, customer_gateway_id: str, psk: str | None = PSK_1, local: str = ALIBABA_CIDR, remote: str = AWS_CIDR,
                       status: str = "ike_sa_not_established", **ike: str) -> dict:
    """alibaba.normalize_vpn_connection of a single-tunnel DescribeVpnConnections entry, key included."""
    ike_config = dict({"IkeVersion": "ikev1", "IkeMode": "main", "IkeEncAlg": "aes", "IkeAuthAlg": "sha1", "IkePfs": "group2",
                       "IkeLifetime": 28800}, **ike)
    if psk is not None:
        ike_config["Psk"] = psk
    return alibaba.normalize_vpn_connection({
        "VpnConnectionId": "vco-" + name, "Name": name, "VpnGatewayId": "vpn-gw", "CustomerGatewayId": customer_gateway_id,
        "LocalSubnet": local, "RemoteSubnet": remote, "Status": status, "IkeConfig": ike_config,
        "IpsecConfig": {"IpsecEncAlg": "aes", "IpsecAuthAlg": "sha1", "IpsecPfs": "group2", "IpsecLifetime": 3600},
    })


CUSTOMER_GATEWAY_IPS = {"cgw-t1": AWS_IPS[0], "cgw-t2": AWS_IPS[1]}


def aws_ends(**changes) -> list[pair.TunnelEnd]:
    tunnels = [aws_api_tunnel(AWS_IPS[0], "169.254.10.0/30", PSK_1), aws_api_tunnel(AWS_IPS[1], "169.254.10.4/30", PSK_2)]
    return pair.aws_tunnel_ends(aws_connection(*tunnels, **changes), ALIBABA_IP, [AWS_CIDR])


def alibaba_ends(*connections: dict, messages: dict | None = None) -> list[pair.TunnelEnd]:
    if not connections:
        connections = (alibaba_connection("mci-t1", "cgw-t1", PSK_1), alibaba_connection("mci-t2", "cgw-t2", PSK_2))
    return pair.alibaba_tunnel_ends(connections, ALIBABA_IP, CUSTOMER_GATEWAY_IPS, messages or {}, "mci")


def report(a_ends: list, b_ends: list) -> pair.LinkReport:
    return pair.LinkReport("aws-alibaba", "aws", "alibaba", pair.pair_tunnels("aws-alibaba", "aws", "alibaba", a_ends, b_ends))


def compared(a: pair.TunnelEnd, b: pair.TunnelEnd) -> list[str]:
    return pair.compare_ends(a, b)[0]


# --------------------------------------------------------------------------- translations into the shared shape


def test_an_aws_tunnel_accepts_its_lists_in_canonical_names() -> None:
    end = aws_ends()[0]
    assert (end.cloud, end.resource, end.slot, end.outside_ip, end.peer_ip) == ("aws", "vpn-1 tunnel 1", 0, AWS_IPS[0], ALIBABA_IP)
    assert (end.status, end.up, end.status_message, end.inside_cidr) == ("DOWN", False, "IPSEC IS DOWN", "169.254.10.0/30")
    assert end.offer == {
        "ike_versions": ["ikev1", "ikev2"],
        "phase1": {"encryption": ["aes128", "aes256"], "integrity": ["sha1"], "dh_groups": [2, 14], "lifetime": 28800},
        "phase2": {"encryption": ["aes128"], "integrity": ["sha1"], "pfs_groups": [2], "lifetime": 3600},
    }
    assert (end.local_cidrs, end.remote_cidrs, end.selectors) == ((AWS_CIDR,), (ALIBABA_CIDR,), (("0.0.0.0/0",), ("0.0.0.0/0",)))


def test_an_aws_tunnel_without_lists_accepts_everything_aws_allows() -> None:
    offer = pair.aws_offer({})
    assert offer["ike_versions"] == ["ikev1", "ikev2"]
    assert offer["phase1"]["dh_groups"] == [2, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24]
    assert (offer["phase1"]["lifetime"], offer["phase2"]["lifetime"]) == (28800, 3600)


def test_a_bgp_aws_connection_has_no_static_routes_to_check() -> None:
    assert aws_ends(static=False)[0].remote_cidrs is None


def test_an_alibaba_connection_offers_one_choice_in_canonical_names() -> None:
    end = alibaba_ends()[1]
    assert (end.cloud, end.resource, end.slot) == ("alibaba", "vco-mci-t2 (mci-t2)", 1)
    assert (end.outside_ip, end.peer_ip, end.status, end.up) == (ALIBABA_IP, AWS_IPS[1], "ike_sa_not_established", False)
    assert end.offer == {
        "ike_versions": ["ikev1"],
        "phase1": {"encryption": ["aes128"], "integrity": ["sha1"], "dh_groups": [2], "lifetime": 28800},
        "phase2": {"encryption": ["aes128"], "integrity": ["sha1"], "pfs_groups": [2], "lifetime": 3600},
    }
    assert (end.local_cidrs, end.remote_cidrs) == ((ALIBABA_CIDR,), (AWS_CIDR,))


def test_alibaba_defaults_fill_what_the_connection_does_not_say_and_disabled_pfs_is_none() -> None:
    offer = pair.alibaba_offer({"ike_config": {"ike_enc_alg": "aes256"}, "ipsec_config": {"ipsec_pfs": "disabled"}})
    assert offer["ike_versions"] == ["ikev1"] and offer["phase1"]["encryption"] == ["aes256"] and offer["phase1"]["dh_groups"] == [2]
    assert offer["phase2"]["pfs_groups"] == [None]


def test_an_established_alibaba_connection_is_up_and_a_log_line_explains_one_that_is_not() -> None:
    ends = alibaba_ends(alibaba_connection("mci-t1", "cgw-t1", status=alibaba.CONNECTION_ESTABLISHED),
                        alibaba_connection("mci-t2", "cgw-t2"), messages={"vco-mci-t2": "ike_sa_not_established: NO_PROPOSAL_CHOSEN"})
    assert [(end.up, end.status_message) for end in ends] == [(True, None), (False, "ike_sa_not_established: NO_PROPOSAL_CHOSEN")]


def test_destination_based_routing_on_alibaba_leaves_its_networks_unknown() -> None:
    end = alibaba_ends(alibaba_connection("mci-t1", "cgw-t1", local="0.0.0.0/0", remote="0.0.0.0/0"))[0]
    assert (end.local_cidrs, end.remote_cidrs) == (None, ("0.0.0.0/0",))


def test_each_tunnel_of_a_dual_tunnel_alibaba_connection_is_an_end() -> None:
    ike = {"IkeVersion": "ikev2", "IkeEncAlg": "aes256", "IkeAuthAlg": "sha256", "IkePfs": "group14", "Psk": PSK_1}
    connection = alibaba.normalize_vpn_connection({
        "VpnConnectionId": "vco-dual", "Name": "mci", "LocalSubnet": ALIBABA_CIDR, "RemoteSubnet": AWS_CIDR,
        "TunnelOptionsSpecification": {"TunnelOptions": [
            {"TunnelId": "tun-a", "Role": "master", "CustomerGatewayId": "cgw-t1", "InternetIp": ALIBABA_IP,
             "Status": "ipsec_sa_established", "TunnelIkeConfig": ike, "TunnelIpsecConfig": {"IpsecPfs": "group14"}},
            {"TunnelId": "tun-b", "Role": "slave", "CustomerGatewayId": "cgw-t2", "InternetIp": "198.51.100.25",
             "Status": "ike_sa_not_established", "TunnelIkeConfig": ike, "TunnelIpsecConfig": {"IpsecPfs": "group14"}},
        ]},
    })
    ends = pair.alibaba_tunnel_ends([connection], ALIBABA_IP, CUSTOMER_GATEWAY_IPS, {"tun-b": "peer not responding"}, "mci")
    assert [(end.slot, end.outside_ip, end.peer_ip, end.up, end.status_message) for end in ends] == [
        (0, ALIBABA_IP, AWS_IPS[0], True, None), (1, "198.51.100.25", AWS_IPS[1], False, "peer not responding")]
    assert ends[0].offer["phase1"]["encryption"] == ["aes256"] and ends[0].psk == PSK_1


def test_slots_come_from_the_names_the_role_gives() -> None:
    assert [pair.slot_from_name(name, "mci.x") for name in ("mci.x-t1", "mci.x-t12", "mci.x", "mciax-t1", None)] == [0, 11, None, None, None]


def test_vpc_cidrs_are_the_associated_blocks() -> None:
    vpc = {"CidrBlock": AWS_CIDR, "CidrBlockAssociationSet": [
        {"CidrBlock": AWS_CIDR, "CidrBlockState": {"State": "associated"}},
        {"CidrBlock": "10.9.0.0/16", "CidrBlockState": {"State": "associated"}},
        {"CidrBlock": "10.8.0.0/16", "CidrBlockState": {"State": "disassociated"}}]}
    assert pair.aws_vpc_cidrs(vpc) == [AWS_CIDR, "10.9.0.0/16"]


def test_an_end_never_returns_its_key() -> None:
    assert PSK_1 not in json.dumps([end.to_dict() for end in aws_ends() + alibaba_ends()])
    assert PSK_1 not in repr(aws_ends()[0])


# --------------------------------------------------------------------------- comparison


def test_a_single_alibaba_choice_within_the_aws_lists_agrees() -> None:
    aws_end, alibaba_end = aws_ends()[0], alibaba_ends()[0]
    assert pair.compare_ends(aws_end, alibaba_end) == ([], [])
    assert pair.agreed_proposal(aws_end.offer, alibaba_end.offer) == {
        "ike_version": "ikev1",
        "phase1": {"encryption": "aes128", "integrity": "sha1", "dh_group": 2, "lifetime": 28800},
        "phase2": {"encryption": "aes128", "integrity": "sha1", "pfs_group": 2, "lifetime": 3600},
    }


def test_two_lists_settle_on_the_strongest_common_values_and_the_shorter_lifetime() -> None:
    a = {"ike_versions": ["ikev1", "ikev2"],
         "phase1": {"encryption": ["aes128", "aes256"], "integrity": ["sha1", "sha256"], "dh_groups": [2, 14], "lifetime": 28800},
         "phase2": {"encryption": ["aes128", "aes256"], "integrity": ["sha1"], "pfs_groups": [2, 14], "lifetime": 3600}}
    b = {"ike_versions": ["ikev2"], "phase1": {"encryption": ["aes256", "aes192"], "integrity": ["sha256"], "dh_groups": [14, 5], "lifetime": 900},
         "phase2": {"encryption": ["aes256"], "integrity": ["sha1", "md5"], "pfs_groups": [14, None], "lifetime": 3600}}
    assert pair.agreed_proposal(a, b) == {
        "ike_version": "ikev2",
        "phase1": {"encryption": "aes256", "integrity": "sha256", "dh_group": 14, "lifetime": 900},
        "phase2": {"encryption": "aes256", "integrity": "sha1", "pfs_group": 14, "lifetime": 3600},
    }


@pytest.mark.parametrize(
    ("ike", "message"),
    [
        ({"IkeEncAlg": "aes192"}, "IKE phase 1 encryption: aws accepts [AES128, AES256] but alibaba offers aes192"),
        ({"IkeAuthAlg": "md5"}, "IKE phase 1 integrity: aws accepts [SHA1] but alibaba offers md5"),
        ({"IkePfs": "group5"}, "IKE phase 1 DH group: aws accepts [2, 14] but alibaba offers group5"),
    ],
)
def test_each_phase_1_disagreement_names_the_field_and_both_clouds_values(ike, message) -> None:
    alibaba_end = alibaba_ends(alibaba_connection("mci-t1", "cgw-t1", **ike))[0]
    assert compared(aws_ends()[0], alibaba_end) == [message]
    assert pair.agreed_proposal(aws_ends()[0].offer, alibaba_end.offer) is None


def test_ike_version_and_phase_2_disagreements_are_named_too() -> None:
    only_ikev2 = pair.aws_tunnel_ends(aws_connection(aws_api_tunnel(AWS_IPS[0], "169.254.10.0/30", PSK_1, IkeVersions=["ikev2"],
                                                                    Phase2DHGroupNumbers=[14, 19])), ALIBABA_IP, None)[0]
    no_pfs = alibaba.normalize_vpn_connection({"Name": "mci-t1", "CustomerGatewayId": "cgw-t1", "IkeConfig": {"Psk": PSK_1},
                                               "IpsecConfig": {"IpsecPfs": "disabled"}})
    alibaba_end = pair.alibaba_tunnel_ends([no_pfs], ALIBABA_IP, CUSTOMER_GATEWAY_IPS, {}, "mci")[0]
    assert compared(only_ikev2, alibaba_end) == ["IKE version: aws accepts [ikev2] but alibaba offers ikev1",
                                                 "IPsec phase 2 PFS group: aws accepts [14, 19] but alibaba offers disabled"]


def test_phase_2_integrity_is_not_compared_when_only_aead_ciphers_are_common() -> None:
    gcm = {"ike_versions": ["ikev2"], "phase1": {"encryption": ["aes256gcm16"], "integrity": ["sha256"], "dh_groups": [19], "lifetime": None},
           "phase2": {"encryption": ["aes256gcm16"], "integrity": [], "pfs_groups": [19], "lifetime": None}}
    aws_gcm = pair.TunnelEnd(cloud="aws", resource="vpn-1 tunnel 1", slot=0,
                             offer=pair.aws_offer({"ike_versions": ["ikev2"], "phase1_encryption_algorithms": ["AES256-GCM-16"],
                                                   "phase2_encryption_algorithms": ["AES256-GCM-16"], "phase2_integrity_algorithms": ["SHA1"]}))
    strongswan = pair.TunnelEnd(cloud="onprem", resource="router", slot=0, offer=gcm)
    assert compared(aws_gcm, strongswan) == []
    assert pair.agreed_proposal(aws_gcm.offer, gcm)["phase2"] == {"encryption": "aes256gcm16", "integrity": None, "pfs_group": 19, "lifetime": 3600}


def test_different_keys_are_reported_without_either_key() -> None:
    mismatches, notes = pair.compare_ends(aws_ends()[0], alibaba_ends(alibaba_connection("mci-t1", "cgw-t1", PSK_2))[0])
    assert (mismatches, notes) == (["pre-shared keys differ"], [])


def test_a_key_one_cloud_does_not_report_is_a_note_not_a_mismatch() -> None:
    silent = pair.aws_tunnel_ends(aws_connection(aws_api_tunnel(AWS_IPS[0], "169.254.10.0/30", None)), ALIBABA_IP, None)[0]
    assert pair.compare_ends(silent, alibaba_ends()[0]) == ([], ["pre-shared keys not compared: aws does not report its key"])


def test_each_end_must_expect_the_other_at_its_real_address() -> None:
    wrong = pair.aws_tunnel_ends(aws_connection(aws_api_tunnel(AWS_IPS[0], "169.254.10.0/30", PSK_1)), "198.51.100.99", None)[0]
    assert compared(wrong, alibaba_ends()[0]) == [
        "tunnel IPs: alibaba vco-mci-t1 (mci-t1) is at 198.51.100.24 but aws expects its peer at 198.51.100.99"]


def test_networks_each_end_sends_must_cover_the_other_ends_networks() -> None:
    narrow_alibaba = alibaba_ends(alibaba_connection("mci-t1", "cgw-t1", remote="10.0.0.0/16"))[0]
    # AWS's selectors (0.0.0.0/0 both ways) still take Alibaba's narrower ones: only the networks disagree.
    assert compared(aws_ends()[0], narrow_alibaba) == ["aws VPC CIDR 172.80.64.0/19 is not covered by alibaba remote subnet 10.0.0.0/16"]
    assert compared(aws_ends(routes=("10.1.0.0/16",))[0], alibaba_ends()[0]) == [
        "alibaba local subnet 192.168.0.0/16 is not covered by aws static routes 10.1.0.0/16"]


def test_networks_covered_in_part_are_a_note_because_that_can_be_intended() -> None:
    part = aws_ends(routes=("192.168.0.0/24",))[0]
    assert pair.compare_ends(part, alibaba_ends()[0]) == ([], ["alibaba local subnet 192.168.0.0/16 is not covered by aws static routes 192.168.0.0/24"])
    two_vpc_cidrs = pair.aws_tunnel_ends(aws_connection(aws_api_tunnel(AWS_IPS[0], "169.254.10.0/30", PSK_1)), ALIBABA_IP,
                                         [AWS_CIDR, "10.9.0.0/16"])[0]
    assert pair.compare_ends(two_vpc_cidrs, alibaba_ends()[0]) == ([], ["aws VPC CIDR 10.9.0.0/16 is not covered by alibaba remote subnet 172.80.64.0/19"])


def test_aws_traffic_selectors_narrower_than_alibabas_subnets_do_not_fit() -> None:
    narrow = aws_ends(LocalIpv4NetworkCidr="192.168.1.0/24")[0]  # the customer (Alibaba) side
    assert compared(narrow, alibaba_ends()[0]) == [
        "IPsec traffic selectors do not fit: aws has 0.0.0.0/0 <-> 192.168.1.0/24 but alibaba has 192.168.0.0/16 <-> 172.80.64.0/19"]


def test_different_inside_cidrs_disagree_and_different_lifetimes_are_only_noted() -> None:
    aws_end = aws_ends()[0]
    bgp_alibaba = pair.TunnelEnd(cloud="alibaba", resource="vco-1", slot=0, offer=dict(alibaba_ends()[0].offer, phase1=dict(
        alibaba_ends()[0].offer["phase1"], lifetime=86400)), inside_cidr="169.254.10.4/30")
    mismatches, notes = pair.compare_ends(aws_end, bgp_alibaba)
    assert mismatches == ["inside CIDR: aws has 169.254.10.0/30 but alibaba has 169.254.10.4/30"]
    assert "IKE phase 1 lifetime: aws 28800 s, alibaba 86400 s (local policy; the shorter one rekeys)" in notes


# --------------------------------------------------------------------------- pairing


def test_tunnels_pair_by_address_whatever_order_the_clouds_list_them() -> None:
    tunnels = report(aws_ends(), list(reversed(alibaba_ends()))).tunnels
    assert [(tunnel.name, tunnel.a.outside_ip, tunnel.b.peer_ip, tunnel.agree) for tunnel in tunnels] == [
        ("aws-alibaba-t1", AWS_IPS[0], AWS_IPS[0], True), ("aws-alibaba-t2", AWS_IPS[1], AWS_IPS[1], True)]


def test_an_end_pointing_at_the_wrong_address_still_pairs_by_its_slot_and_says_so() -> None:
    ips = dict(CUSTOMER_GATEWAY_IPS, **{"cgw-t2": "203.0.113.99"})
    ends = pair.alibaba_tunnel_ends((alibaba_connection("mci-t1", "cgw-t1", PSK_1), alibaba_connection("mci-t2", "cgw-t2", PSK_2)),
                                    ALIBABA_IP, ips, {}, "mci")
    second = report(aws_ends(), ends).tunnels[1]
    assert second.b.resource == "vco-mci-t2 (mci-t2)"
    assert second.mismatches == ["tunnel IPs: aws vpn-1 tunnel 2 is at 203.0.113.11 but alibaba expects its peer at 203.0.113.99"]


def test_swapped_alibaba_connections_pair_by_address_and_their_keys_then_differ() -> None:
    swapped = (alibaba_connection("mci-t1", "cgw-t2", PSK_1), alibaba_connection("mci-t2", "cgw-t1", PSK_2))
    tunnels = report(aws_ends(), alibaba_ends(*swapped)).tunnels
    assert [(tunnel.a.resource, tunnel.b.resource, tunnel.mismatches) for tunnel in tunnels] == [
        ("vpn-1 tunnel 1", "vco-mci-t2 (mci-t2)", ["pre-shared keys differ"]),
        ("vpn-1 tunnel 2", "vco-mci-t1 (mci-t1)", ["pre-shared keys differ"])]


def test_ends_without_a_counterpart_are_tunnels_of_their_own() -> None:
    stray = alibaba_connection("mci-t3", "cgw-t3")
    ends = pair.alibaba_tunnel_ends([alibaba_connection("mci-t1", "cgw-t1"), stray], ALIBABA_IP, dict(CUSTOMER_GATEWAY_IPS, **{"cgw-t3": "203.0.113.50"}),
                                    {}, "mci")
    tunnels = report(aws_ends(), ends).tunnels
    assert [(tunnel.name, tunnel.agree) for tunnel in tunnels] == [("aws-alibaba-t1", True), ("aws-alibaba-t2", False), ("aws-alibaba-t3", False)]
    assert tunnels[1].b is None and tunnels[1].mismatches == [
        "no alibaba end: aws vpn-1 tunnel 2 (at 203.0.113.11, peer 198.51.100.24) has no counterpart pointing at it"]
    assert tunnels[2].a is None and tunnels[2].mismatches == [
        "no aws end: alibaba vco-mci-t3 (mci-t3) (at 198.51.100.24, peer 203.0.113.50) has no counterpart pointing at it"]
    assert tunnels[1].to_dict()["b"] is None and tunnels[1].to_dict()["up"] is False


# --------------------------------------------------------------------------- health, waiting, summary


def up_ends(*up: bool) -> list[pair.TunnelEnd]:
    statuses = ["ipsec_sa_established" if flag else "ike_sa_not_established" for flag in up]
    return alibaba_ends(alibaba_connection("mci-t1", "cgw-t1", PSK_1, status=statuses[0]),
                        alibaba_connection("mci-t2", "cgw-t2", PSK_2, status=statuses[1]))


def aws_up(*up: bool) -> list[pair.TunnelEnd]:
    return [replace(end, up=flag, status="UP" if flag else "DOWN", status_message=None if flag else end.status_message)
            for end, flag in zip(aws_ends(), up)]


def test_a_tunnel_is_up_only_when_both_clouds_say_so() -> None:
    link = report(aws_up(True, True), up_ends(True, False))
    assert [tunnel.up for tunnel in link.tunnels] == [True, False] and link.up_tunnels == 1
    assert (link.enough_up("any"), link.enough_up("all"), link.healthy("any"), link.healthy("all"), link.healthy("none")) == (
        True, False, True, False, False)
    assert report(aws_up(True, True), up_ends(True, True)).healthy("all") is True
    assert report([], []).healthy("any") is False


def test_the_wait_is_hopeless_once_the_tunnels_it_needs_disagree() -> None:
    one_broken = report(aws_ends(), alibaba_ends(alibaba_connection("mci-t1", "cgw-t1", PSK_2), alibaba_connection("mci-t2", "cgw-t2", PSK_2)))
    assert one_broken.hopeless("all") == "link aws-alibaba will not work, its ends disagree: aws-alibaba-t1: pre-shared keys differ"
    assert one_broken.hopeless("any") is None  # tunnel 2 may still come up
    both_broken = report(aws_ends(), alibaba_ends(alibaba_connection("mci-t1", "cgw-t1", PSK_2), alibaba_connection("mci-t2", "cgw-t2", PSK_1)))
    assert both_broken.hopeless("any").endswith("aws-alibaba-t1: pre-shared keys differ; aws-alibaba-t2: pre-shared keys differ")
    assert one_broken.healthy("any") is False  # a tunnel whose ends disagree is never healthy
    assert report(aws_ends(), alibaba_ends()).hopeless("all") is None


def test_statuses_for_a_timeout_carry_the_clouds_own_words() -> None:
    link = report(aws_ends(), alibaba_ends(messages={"vco-mci-t1": "peer not responding"}))
    assert link.describe_statuses() == (
        "aws-alibaba-t1: aws DOWN (IPSEC IS DOWN), alibaba ike_sa_not_established (peer not responding); "
        "aws-alibaba-t2: aws DOWN (IPSEC IS DOWN), alibaba ike_sa_not_established")


def test_the_summary_has_one_line_per_tunnel_with_both_ends_and_the_proposal() -> None:
    link = report(aws_up(True, False), up_ends(True, False))
    link.tunnels[1].mismatches.append("pre-shared keys differ")
    assert link.summary() == [
        "aws-alibaba-t1: aws 203.0.113.10 UP <-> alibaba 198.51.100.24 ipsec_sa_established | ikev1 ike=aes128-sha1-modp1024 esp=aes128-sha1-modp1024"
        " | agree",
        "aws-alibaba-t2: aws 203.0.113.11 DOWN (IPSEC IS DOWN) <-> alibaba 198.51.100.24 ike_sa_not_established"
        " | ikev1 ike=aes128-sha1-modp1024 esp=aes128-sha1-modp1024 | MISMATCH: pre-shared keys differ",
    ]
    result = link.to_result("all")
    assert (result["healthy"], result["up_tunnels"], len(result["tunnels"])) == (False, 1, 2)


# --------------------------------------------------------------------------- rendering from the plan


@pytest.fixture(name="plan")
def plan_fixture() -> dict:
    sites = [{"name": "aws", "cloud": "aws", "region": "us-east-1", "cidrs": [AWS_CIDR]},
             {"name": "ali", "cloud": "alibaba", "region": "cn-hangzhou", "cidrs": [ALIBABA_CIDR]}]
    ike = {"ike_version": "ikev1", "encryption": "aes128", "integrity": "sha1", "dh_group": 2, "pfs_group": 2}
    links = [{"name": "aws-ali", "a": "aws", "b": "ali", "routing": "static", "ike": ike}]
    return planner.build_plan(sites, links, existing_psks={"aws-ali-t1": PSK_1, "aws-ali-t2": PSK_2}).to_dict(include_secrets=False)


def test_both_ends_render_in_their_modules_vocabulary(plan) -> None:
    rendered = pair.render_link(plan, "aws-ali", {"aws-ali-t1": PSK_1, "aws-ali-t2": PSK_2})
    first = rendered["tunnels"][0]
    assert first["a"]["module"] == "multicloud.interconnect.aws_vpn_connection"
    assert first["a"]["parameters"] == {
        "ike_versions": ["ikev1"], "phase1_encryption_algorithms": ["AES128"], "phase1_integrity_algorithms": ["SHA1"],
        "phase1_dh_group_numbers": [2], "phase1_lifetime_seconds": 28800, "phase2_encryption_algorithms": ["AES128"],
        "phase2_integrity_algorithms": ["SHA1"], "phase2_dh_group_numbers": [2], "phase2_lifetime_seconds": 3600,
        "tunnel_inside_cidr": first["inside_cidr"]}
    assert first["b"]["parameters"] == {
        "ike_config": {"ike_version": "ikev1", "ike_enc_alg": "aes", "ike_auth_alg": "sha1", "ike_pfs": "group2", "ike_lifetime": 28800},
        "ipsec_config": {"ipsec_enc_alg": "aes", "ipsec_auth_alg": "sha1", "ipsec_pfs": "group2", "ipsec_lifetime": 3600}}
    assert (first["a"]["inside_ip"], first["b"]["peer_inside_ip"]) == (plan["links"][0]["tunnels"][0]["a"]["inside_ip"],) * 2
    assert [(tunnel["psk_given"], tunnel["agree"], tunnel["mismatches"]) for tunnel in rendered["tunnels"]] == [(True, True, [])] * 2
    assert PSK_1 not in json.dumps(rendered) and PSK_2 not in json.dumps(rendered)


def test_rendered_parameters_pass_the_modules_own_checks(plan) -> None:
    for tunnel in pair.render_link(plan, "aws-ali")["tunnels"]:
        assert aws_vpn.validate_tunnel_options([dict(tunnel["a"]["parameters"], pre_shared_key=PSK_1)]) == []
        parameters = tunnel["b"]["parameters"]
        assert alibaba.connection_problems({"local_subnet": [ALIBABA_CIDR], "remote_subnet": [AWS_CIDR], "peer_cloud": "aws",
                                            "ike_config": dict(parameters["ike_config"], psk=PSK_1), "ipsec_config": parameters["ipsec_config"],
                                            "tunnel_options": None}) == []


def test_a_key_a_cloud_refuses_is_a_problem_that_does_not_show_the_key(plan) -> None:
    rendered = pair.render_link(plan, "aws-ali", {"aws-ali-t1": "has-dashes-here"})
    first, second = rendered["tunnels"]
    assert first["problems"] == ["psks.aws-ali-t1: aws pre-shared keys may only contain letters, digits, '.' and '_', got '-'"]
    assert (first["agree"], second["psk_given"], second["agree"]) == (False, False, True)
    assert "has-dashes-here" not in json.dumps(rendered)
    assert pair.rendered_summary(rendered)[0].endswith("| key given | PROBLEM: " + first["problems"][0])


def test_rendering_reads_the_registered_result_too_and_names_a_missing_link(plan) -> None:
    assert pair.plan_of({"changed": False, "plan": plan}) == plan
    with pytest.raises(ValueError, match=r"link: 'nope' is not in the plan \(its links: aws-ali\)"):
        pair.render_link(plan, "nope")
    with pytest.raises(ValueError, match="expected the plan"):
        pair.plan_of({"links": []})


def test_the_rendered_summary_names_both_ends_and_the_proposal(plan) -> None:
    rendered = pair.render_link(plan, "aws-ali")
    tunnel = rendered["tunnels"][0]
    assert pair.rendered_summary(rendered)[0] == (
        "aws-ali-t1 %s: aws %s (VPN connection 1 tunnel 1) <-> alibaba %s (IPsec connection 1 tunnel 1)"
        " | ikev1 ike=aes128-sha1-modp1024 esp=aes128-sha1-modp1024 | key not given | agree"
        % (tunnel["inside_cidr"], tunnel["a"]["inside_ip"], tunnel["b"]["inside_ip"]))
