"""module_utils/aws_vpn.py: tunnel option validation, API rendering, readback and comparison,
and the redacted diff of a VPN connection."""
from __future__ import annotations

import json

from ansible_collections.multicloud.interconnect.plugins.module_utils import aws_vpn
from ansible_collections.multicloud.interconnect.plugins.module_utils.diff import REDACTED, REDACTED_CHANGED, build_diff
from ansible_collections.multicloud.interconnect.plugins.modules import aws_customer_gateway

PSK_1 = "Tunnel1.Secret_Key4Lab"
PSK_2 = "Tunnel2.Secret_Key4Lab"


def api_tunnel(outside_ip: str, cidr: str, psk: str | None, **extra) -> dict:
    """A TunnelOption as DescribeVpnConnections spells it."""
    tunnel = {"OutsideIpAddress": outside_ip, "TunnelInsideCidr": cidr, "Phase1EncryptionAlgorithms": [{"Value": "AES256"}, {"Value": "AES128"}],
              "Phase1DHGroupNumbers": [{"Value": 14}, {"Value": 2}], "IkeVersions": [{"Value": "ikev1"}, {"Value": "ikev2"}],
              "DpdTimeoutSeconds": 30, "DpdTimeoutAction": "clear", "StartupAction": "add"}
    if psk is not None:
        tunnel["PreSharedKey"] = psk
    tunnel.update(extra)
    return tunnel


def api_connection(*tunnels: dict) -> dict:
    return {
        "VpnConnectionId": "vpn-1", "State": "available", "Type": "ipsec.1", "CustomerGatewayId": "cgw-1", "VpnGatewayId": "vgw-1",
        "CustomerGatewayConfiguration": "<vpn_connection>%s</vpn_connection>" % "".join(t.get("PreSharedKey", "") for t in tunnels),
        "Options": {"StaticRoutesOnly": True, "TunnelOptions": list(tunnels)},
        "Routes": [{"DestinationCidrBlock": "192.168.0.0/16", "State": "available"}, {"DestinationCidrBlock": "10.0.0.0/8", "State": "deleted"}],
        "VgwTelemetry": [
            {"OutsideIpAddress": "203.0.113.11", "Status": "DOWN", "StatusMessage": "", "AcceptedRouteCount": 0},
            {"OutsideIpAddress": "203.0.113.10", "Status": "UP", "StatusMessage": "", "AcceptedRouteCount": 2},
        ],
        "Tags": [{"Key": "Name", "Value": "aws-to-alibaba"}],
    }


# --------------------------------------------------------------------------- rendering


def test_only_given_options_are_sent_with_the_request_spellings() -> None:
    request = aws_vpn.tunnel_request({"tunnel_inside_cidr": "169.254.10.0/30", "pre_shared_key": PSK_1, "ike_versions": ["ikev2"],
                                      "dpd_timeout_seconds": 40, "dpd_timeout_action": "restart", "startup_action": None,
                                      "phase1_dh_group_numbers": [14, 2, 14]})
    assert request == {"TunnelInsideCidr": "169.254.10.0/30", "PreSharedKey": PSK_1, "IKEVersions": [{"Value": "ikev2"}],
                       "DPDTimeoutSeconds": 40, "DPDTimeoutAction": "restart", "Phase1DHGroupNumbers": [{"Value": 2}, {"Value": 14}]}


def test_canonical_and_lower_case_algorithm_names_become_aws_names() -> None:
    request = aws_vpn.tunnel_request({"phase1_encryption_algorithms": ["aes256gcm16", "aes128"], "phase2_integrity_algorithms": ["sha256"],
                                      "phase1_integrity_algorithms": ["sha2-384"]})
    assert request == {"Phase1EncryptionAlgorithms": [{"Value": "AES128"}, {"Value": "AES256-GCM-16"}],
                       "Phase1IntegrityAlgorithms": [{"Value": "SHA2-384"}], "Phase2IntegrityAlgorithms": [{"Value": "SHA2-256"}]}


def test_connection_options_carry_routing_mode_selectors_and_both_tunnels() -> None:
    options = aws_vpn.connection_options_request({"static_routes_only": True, "local_ipv4_network_cidr": "192.168.0.0/16",
                                                  "tunnel_options": [{"tunnel_inside_cidr": "169.254.10.0/30"}, {"pre_shared_key": PSK_2}]})
    assert options == {"StaticRoutesOnly": True, "LocalIpv4NetworkCidr": "192.168.0.0/16",
                       "TunnelOptions": [{"TunnelInsideCidr": "169.254.10.0/30"}, {"PreSharedKey": PSK_2}]}
    assert aws_vpn.connection_options_request({"static_routes_only": None, "tunnel_options": None}) == {}


def test_customer_gateway_asns_above_31_bits_use_bgp_asn_extended() -> None:
    assert aws_customer_gateway.asn_request_key(65000) == "BgpAsn"
    assert aws_customer_gateway.asn_request_key(2147483647) == "BgpAsn"
    assert aws_customer_gateway.asn_request_key(4200000101) == "BgpAsnExtended"
    assert aws_customer_gateway.asn_request_key(0) is None


# --------------------------------------------------------------------------- validation


def test_valid_tunnels_have_no_problems() -> None:
    tunnels = [{"tunnel_inside_cidr": "169.254.10.0/30", "pre_shared_key": PSK_1, "phase1_encryption_algorithms": ["AES256-GCM-16"],
                "phase2_dh_group_numbers": [5], "phase1_lifetime_seconds": 28800, "phase2_lifetime_seconds": 3600,
                "rekey_fuzz_percentage": 100, "replay_window_size": 2048, "dpd_timeout_seconds": 30},
               {"tunnel_inside_cidr": "169.254.10.4/30", "pre_shared_key": PSK_2}]
    assert aws_vpn.validate_tunnel_options(tunnels) == []


def test_inside_cidr_problems_name_the_tunnel_and_the_value() -> None:
    problems = aws_vpn.validate_tunnel_options([{"tunnel_inside_cidr": "169.254.169.252/30"}, {"tunnel_inside_cidr": "169.254.10.0/29"},
                                                {"tunnel_inside_cidr": "10.0.0.0/30"}])
    assert problems[0].startswith("tunnel_options:") and "2 tunnels, got 3" in problems[0]
    assert problems[1].startswith("tunnel_options[0].tunnel_inside_cidr: 169.254.169.252/30: AWS reserves")
    assert problems[2].startswith("tunnel_options[1].tunnel_inside_cidr: 169.254.10.0/29")
    assert problems[3].startswith("tunnel_options[2].tunnel_inside_cidr: 10.0.0.0/30") and "169.254.0.0/16" in problems[3]


def test_duplicate_inside_cidrs_and_host_bits_are_refused() -> None:
    problems = aws_vpn.validate_tunnel_options([{"tunnel_inside_cidr": "169.254.10.0/30"}, {"tunnel_inside_cidr": "169.254.10.0/30"}])
    assert problems == ["tunnel_options: the tunnels must have different tunnel_inside_cidr values, got 169.254.10.0/30, 169.254.10.0/30"]
    assert aws_vpn.validate_tunnel_options([{"tunnel_inside_cidr": "169.254.10.1/30"}])[0].startswith("tunnel_options[0].tunnel_inside_cidr: 169.254.10.1/30")


def test_psk_problems_never_repeat_the_key() -> None:
    for bad in ("0Leading.zero.key", "short", "has-a-dash-inside"):
        problems = aws_vpn.validate_tunnel_options([{"pre_shared_key": bad}])
        assert len(problems) == 1 and problems[0].startswith("tunnel_options[0].pre_shared_key: ")
        assert bad not in problems[0]


def test_algorithms_lifetimes_and_ranges_follow_cloud_facts() -> None:
    problems = aws_vpn.validate_tunnel_options([{
        "phase1_encryption_algorithms": ["3DES"], "phase1_integrity_algorithms": ["MD5"], "phase1_dh_group_numbers": [5],
        "ike_versions": ["ikev3"], "phase1_lifetime_seconds": 30000, "phase2_lifetime_seconds": 600,
        "rekey_margin_time_seconds": 10, "rekey_fuzz_percentage": 101, "replay_window_size": 4096, "dpd_timeout_seconds": 10}])
    fields = [problem.split(":")[0] for problem in problems]
    assert fields == ["tunnel_options[0].phase1_encryption_algorithms", "tunnel_options[0].phase1_integrity_algorithms",
                      "tunnel_options[0].phase1_dh_group_numbers", "tunnel_options[0].ike_versions",
                      "tunnel_options[0].phase1_lifetime_seconds", "tunnel_options[0].phase2_lifetime_seconds",
                      "tunnel_options[0].rekey_margin_time_seconds", "tunnel_options[0].rekey_fuzz_percentage",
                      "tunnel_options[0].replay_window_size", "tunnel_options[0].dpd_timeout_seconds"]
    assert "AWS accepts AES128, AES256, AES128-GCM-16, AES256-GCM-16" in problems[0]
    # group 5 is a phase 2 group only
    assert aws_vpn.validate_tunnel_options([{"phase2_dh_group_numbers": [5]}]) == []


# --------------------------------------------------------------------------- readback


def test_tunnels_join_telemetry_by_outside_ip_and_hide_keys_by_default() -> None:
    raw = api_connection(api_tunnel("203.0.113.10", "169.254.10.0/30", PSK_1), api_tunnel("203.0.113.11", "169.254.10.4/30", PSK_2))
    connection = aws_vpn.normalize_vpn_connection(raw)
    assert [(t["outside_ip_address"], t["tunnel_inside_cidr"], t["status"], t["accepted_route_count"]) for t in connection["tunnels"]] == [
        ("203.0.113.10", "169.254.10.0/30", "UP", 2), ("203.0.113.11", "169.254.10.4/30", "DOWN", 0)]
    assert connection["tunnels"][0]["options"]["phase1_encryption_algorithms"] == ["AES128", "AES256"]
    assert connection["tunnels"][0]["options"]["phase1_dh_group_numbers"] == [2, 14]
    assert connection["routes"] == ["192.168.0.0/16"]
    assert PSK_1 not in json.dumps(connection) and "customer_gateway_configuration" not in connection

    secret = aws_vpn.normalize_vpn_connection(raw, include_secrets=True)
    assert [t["pre_shared_key"] for t in secret["tunnels"]] == [PSK_1, PSK_2]
    assert PSK_1 in secret["customer_gateway_configuration"]


# --------------------------------------------------------------------------- comparison


def existing_connection() -> dict:
    return api_connection(api_tunnel("203.0.113.10", "169.254.10.0/30", PSK_1), api_tunnel("203.0.113.11", "169.254.10.4/30", PSK_2))


def test_options_as_they_are_need_no_change_whatever_the_list_order_or_spelling() -> None:
    desired = [{"tunnel_inside_cidr": "169.254.10.0/30", "pre_shared_key": PSK_1, "phase1_encryption_algorithms": ["aes128", "AES256"],
                "ike_versions": ["ikev2", "ikev1"], "dpd_timeout_action": "clear"},
               {"pre_shared_key": PSK_2, "phase1_dh_group_numbers": [14, 2], "startup_action": None}]
    assert aws_vpn.tunnel_changes(existing_connection(), desired) == []
    assert aws_vpn.tunnel_changes(existing_connection(), None) == []


def test_only_differing_options_of_the_matching_tunnel_are_changed() -> None:
    # The entry names tunnel 2's inside CIDR first: it is matched by CIDR, not by position.
    desired = [{"tunnel_inside_cidr": "169.254.10.4/30", "ike_versions": ["ikev2"], "pre_shared_key": PSK_2, "startup_action": "start"}]
    assert aws_vpn.tunnel_changes(existing_connection(), desired) == [("203.0.113.11", {"ike_versions": ["ikev2"], "startup_action": "start"})]
    request = aws_vpn.tunnel_request({"ike_versions": ["ikev2"], "startup_action": "start"})
    assert request == {"IKEVersions": [{"Value": "ikev2"}], "StartupAction": "start"}


def test_a_new_key_is_a_change_unless_aws_does_not_report_keys() -> None:
    assert aws_vpn.tunnel_changes(existing_connection(), [{"pre_shared_key": "Brand.New_Key9"}]) == [("203.0.113.10", {"pre_shared_key": "Brand.New_Key9"})]
    hidden = api_connection(api_tunnel("203.0.113.10", "169.254.10.0/30", None), api_tunnel("203.0.113.11", "169.254.10.4/30", None))
    assert aws_vpn.tunnel_changes(hidden, [{"pre_shared_key": "Brand.New_Key9"}]) == []


def test_pairing_falls_back_to_position_for_entries_without_a_known_cidr() -> None:
    existing = [{"tunnel_inside_cidr": "169.254.10.0/30"}, {"tunnel_inside_cidr": "169.254.10.4/30"}]
    pairs = aws_vpn.pair_tunnels(existing, [{"tunnel_inside_cidr": "169.254.20.0/30"}, {"tunnel_inside_cidr": "169.254.10.0/30"}])
    assert [(have["tunnel_inside_cidr"], wanted["tunnel_inside_cidr"]) for have, wanted in pairs] == [
        ("169.254.10.0/30", "169.254.10.0/30"), ("169.254.10.4/30", "169.254.20.0/30")]


def test_diff_of_a_key_rotation_is_redacted_but_says_which_key_changes() -> None:
    raw = existing_connection()
    before = aws_vpn.normalize_vpn_connection(raw, include_secrets=True)
    before.pop("customer_gateway_configuration")
    changes = aws_vpn.tunnel_changes(raw, [{}, {"pre_shared_key": "Rotated.Key_42", "ike_versions": ["ikev2"]}])
    after = aws_vpn.apply_tunnel_changes(json.loads(json.dumps(before)), changes)
    diff = build_diff(before, after)
    dumped = json.dumps(diff)
    assert PSK_1 not in dumped and PSK_2 not in dumped and "Rotated.Key_42" not in dumped
    assert [t["pre_shared_key"] for t in diff["after"]["tunnels"]] == [REDACTED, REDACTED_CHANGED]
    assert diff["after"]["tunnels"][1]["options"]["ike_versions"] == ["ikev2"]
    assert diff["before"]["tunnels"][1]["options"]["ike_versions"] == ["ikev1", "ikev2"]


def test_route_and_selector_changes() -> None:
    assert aws_vpn.route_changes(["10.0.0.0/8", "192.168.0.0/16"], ["192.168.0.0/16", "172.16.0.0/12"], purge=True) == (["172.16.0.0/12"], ["10.0.0.0/8"])
    assert aws_vpn.route_changes(["10.0.0.0/8"], ["172.16.0.0/12"], purge=False) == (["172.16.0.0/12"], [])
    assert aws_vpn.route_changes(["10.0.0.0/8"], None, purge=True) == ([], [])
    raw = {"Options": {"LocalIpv4NetworkCidr": "0.0.0.0/0", "RemoteIpv4NetworkCidr": "0.0.0.0/0"}}
    assert aws_vpn.connection_option_changes(raw, {"local_ipv4_network_cidr": "192.168.0.0/16", "remote_ipv4_network_cidr": "0.0.0.0/0"}) == {
        "LocalIpv4NetworkCidr": "192.168.0.0/16"}
