"""IPsec connection options -> checks, API requests (IkeConfig JSON, TunnelOptionsSpecification), changes and safe diffs."""
from __future__ import annotations

import json

import pytest
from alibabacloud_vpc20160428 import models as vpc_models

from ansible_collections.multicloud.interconnect.plugins.module_utils import alibaba
from ansible_collections.multicloud.interconnect.plugins.module_utils.diff import REDACTED, REDACTED_CHANGED, build_diff

AWS_PSK = "Tunnel1.Secret_Key4Lab"
REGION = "cn-hangzhou"


def options(**given) -> dict:
    """Module options as AnsibleModule hands them over: every option present, None when not given."""
    ike = dict.fromkeys(("ike_version", "ike_mode", "ike_enc_alg", "ike_auth_alg", "ike_pfs", "ike_lifetime", "local_id", "remote_id", "psk"))
    ipsec = dict.fromkeys(("ipsec_enc_alg", "ipsec_auth_alg", "ipsec_pfs", "ipsec_lifetime"))
    params = dict.fromkeys(("name", "vpn_gateway_id", "customer_gateway_id", "local_subnet", "remote_subnet", "effect_immediately",
                            "enable_dpd", "enable_nat_traversal", "ike_config", "ipsec_config", "tunnel_options", "peer_cloud"))
    for key in ("ike_config", "ipsec_config"):
        if given.get(key) is not None:
            given[key] = dict(ike if key == "ike_config" else ipsec, **given[key])
    for tunnel in given.get("tunnel_options") or []:
        tunnel.setdefault("role", None)
        for key, blank in (("ike_config", ike), ("ipsec_config", ipsec)):
            tunnel[key] = dict(blank, **tunnel[key]) if tunnel.get(key) else None
    params.update(given)
    return params


SINGLE = dict(
    name="to-aws-tunnel1", vpn_gateway_id="vpn-bp1gw", customer_gateway_id="cgw-bp1one",
    local_subnet=["192.168.0.0/16"], remote_subnet=["172.80.64.0/19", "10.20.0.0/16"], effect_immediately=True,
    ike_config={"ike_version": "ikev1", "ike_mode": "main", "ike_enc_alg": "aes128", "ike_auth_alg": "SHA1", "ike_pfs": "group2", "psk": AWS_PSK},
    ipsec_config={"ipsec_enc_alg": "aes", "ipsec_auth_alg": "sha1", "ipsec_pfs": "group2"},
)


def single(**changes) -> dict:
    """The options of SINGLE with some changed."""
    return options(**{**SINGLE, **changes})


# What DescribeVpnConnections answers for the connection SINGLE creates.
DESCRIBED = {
    "VpnConnectionId": "vco-bp1conn", "VpnGatewayId": "vpn-bp1gw", "CustomerGatewayId": "cgw-bp1one", "Name": "to-aws-tunnel1",
    "LocalSubnet": "192.168.0.0/16", "RemoteSubnet": "10.20.0.0/16,172.80.64.0/19", "EffectImmediately": True,
    "EnableDpd": True, "EnableNatTraversal": True, "Status": "ike_sa_not_established",
    "IkeConfig": {"IkeVersion": "ikev1", "IkeMode": "main", "IkeEncAlg": "aes", "IkeAuthAlg": "sha1", "IkePfs": "group2",
                  "IkeLifetime": 86400, "LocalId": "198.51.100.24", "RemoteId": "203.0.113.10", "Psk": AWS_PSK},
    "IpsecConfig": {"IpsecEncAlg": "aes", "IpsecAuthAlg": "sha1", "IpsecPfs": "group2", "IpsecLifetime": 86400},
}


# --------------------------------------------------------------------------- checks before any call


def test_a_sound_task_has_no_problems() -> None:
    assert alibaba.connection_problems(single(peer_cloud="aws")) == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"local_subnet": ["192.168.0.0/33"]}, "local_subnet: '192.168.0.0/33' is not a CIDR block"),
        ({"local_subnet": ["192.168.1.7/24"]}, "local_subnet: '192.168.1.7/24' has host bits set; the network is 192.168.1.0/24"),
        ({"remote_subnet": ["0.0.0.0/0", "10.0.0.0/8"]}, "remote_subnet mixes 0.0.0.0/0 with specific CIDR blocks"),
        ({"remote_subnet": []}, "remote_subnet must name at least one CIDR block"),
        ({"ike_config": {"ike_enc_alg": "des"}}, "ike_config.ike_enc_alg: 'des' is not one of aes, aes192, aes256, 3des"),
        ({"ike_config": {"ike_pfs": "group19"}}, "ike_config.ike_pfs: 'group19' is not one of group1, group2, group5, group14, group24"),
        ({"ipsec_config": {"ipsec_pfs": "group3"}}, "ipsec_config.ipsec_pfs: 'group3' is not one of disabled, group1, group2, group5, group14, group24"),
        ({"ike_config": {"ike_lifetime": 90000}}, "ike_config.ike_lifetime: 90000 is outside 0-86400 seconds"),
        ({"ike_config": {"psk": "has a space"}}, "ike_config.psk: alibaba pre-shared keys may only contain printable ASCII without spaces"),
        ({"ike_config": {"psk": "x" * 101}}, "ike_config.psk: alibaba pre-shared keys must be 1-100 characters long, got 101"),
    ],
)
def test_problems_name_the_option_and_the_reason(change, problem) -> None:
    found = alibaba.connection_problems(single(**change))
    assert any(item.startswith(problem) for item in found), found


def test_a_key_from_aws_must_suit_both_clouds() -> None:
    # '-' is fine for Alibaba, not for AWS; a leading 0 too.
    for psk, reason in (("Tunnel-1-Key", "aws pre-shared keys may only contain letters, digits, '.' and '_', got '-'"),
                        ("0Tunnel1Key", "aws pre-shared keys must not start with '0'")):
        task = single(peer_cloud="aws", ike_config=dict(SINGLE["ike_config"], psk=psk))
        assert alibaba.connection_problems(task) == ["ike_config.psk: the key must suit both ends; " + reason]
        assert alibaba.connection_problems(dict(task, peer_cloud=None)) == []


def test_the_key_itself_never_appears_in_a_problem() -> None:
    secret = "Top Secret"
    found = alibaba.connection_problems(single(peer_cloud="aws", ike_config={"psk": secret}))
    assert found and all(secret not in item for item in found)


def test_the_peer_must_accept_the_proposal_given_or_defaulted() -> None:
    task = single(peer_cloud="aws", ike_config={"ike_auth_alg": "md5", "psk": AWS_PSK}, ipsec_config={"ipsec_pfs": "disabled"})
    assert alibaba.connection_problems(task) == [
        "ike_config.ike_auth_alg: md5 is not accepted by aws",
        "ipsec_config.ipsec_pfs: disabled is not accepted by aws",
    ]
    defaults_to_group5 = single(peer_cloud="aws", ike_config={"ike_pfs": "group5", "psk": AWS_PSK})
    assert alibaba.connection_problems(defaults_to_group5) == ["ike_config.ike_pfs: group5 is not accepted by aws"]


def test_an_unknown_peer_cloud_is_named() -> None:
    assert alibaba.connection_problems(options(peer_cloud="oracle", **SINGLE))[0].startswith("peer_cloud: unknown cloud 'oracle'")


def test_dual_tunnel_checks_each_tunnel_and_the_roles() -> None:
    task = options(peer_cloud="aws", name="to-aws", vpn_gateway_id="vpn-1", local_subnet=["0.0.0.0/0"], remote_subnet=["0.0.0.0/0"],
                   tunnel_options=[{"customer_gateway_id": "cgw-1", "role": "slave", "ike_config": {"psk": "Good.Key_1"}},
                                   {"customer_gateway_id": "cgw-2", "ike_config": {"psk": "bad-key-2"}}])
    assert alibaba.connection_problems(task) == [
        "tunnel_options: each role (master, slave) may appear once",
        "tunnel_options[1].ike_config.psk: the key must suit both ends; aws pre-shared keys may only contain letters, digits, '.' and '_', got '-'",
    ]


# --------------------------------------------------------------------------- requests


def test_single_tunnel_create_request_carries_ike_and_ipsec_config_as_json() -> None:
    wanted = alibaba.desired_connection(single())
    request = alibaba.create_connection_request(REGION, wanted, "token-1")
    assert request == {
        "RegionId": REGION, "ClientToken": "token-1", "VpnGatewayId": "vpn-bp1gw", "Name": "to-aws-tunnel1",
        "LocalSubnet": "192.168.0.0/16", "RemoteSubnet": "10.20.0.0/16,172.80.64.0/19", "EffectImmediately": True,
        "CustomerGatewayId": "cgw-bp1one",
        # Names in the API's own spelling (aes128 -> aes, SHA1 -> sha1), keys sorted, compact.
        "IkeConfig": '{"IkeAuthAlg":"sha1","IkeEncAlg":"aes","IkeMode":"main","IkePfs":"group2","IkeVersion":"ikev1","Psk":"%s"}' % AWS_PSK,
        "IpsecConfig": '{"IpsecAuthAlg":"sha1","IpsecEncAlg":"aes","IpsecPfs":"group2"}',
    }


def test_dual_tunnel_create_request_has_one_tunnel_options_entry_per_tunnel() -> None:
    task = options(name="to-aws", vpn_gateway_id="vpn-1", local_subnet=["0.0.0.0/0"], remote_subnet=["0.0.0.0/0"],
                   tunnel_options=[{"customer_gateway_id": "cgw-1", "enable_dpd": True,
                                    "ike_config": {"ike_version": "ikev2", "psk": "Key.One_1"}, "ipsec_config": {"ipsec_pfs": "group14"}},
                                   {"customer_gateway_id": "cgw-2", "ike_config": {"psk": "Key.Two_2"}}])
    request = alibaba.create_connection_request(REGION, alibaba.desired_connection(task), "token-2")
    assert "CustomerGatewayId" not in request and "IkeConfig" not in request
    assert request["TunnelOptionsSpecification"] == [
        {"Role": "master", "CustomerGatewayId": "cgw-1", "EnableDpd": True,
         "TunnelIkeConfig": {"IkeVersion": "ikev2", "Psk": "Key.One_1"}, "TunnelIpsecConfig": {"IpsecPfs": "group14"}},
        {"Role": "slave", "CustomerGatewayId": "cgw-2", "TunnelIkeConfig": {"Psk": "Key.Two_2"}},
    ]
    # The SDK's own request model takes it as nested objects (it flattens them into the form body).
    model = vpc_models.CreateVpnConnectionRequest().from_map(request)
    assert model.tunnel_options_specification[0].tunnel_ike_config.psk == "Key.One_1"
    assert model.tunnel_options_specification[1].role == "slave"
    assert model.to_map()["TunnelOptionsSpecification"] == request["TunnelOptionsSpecification"]


def test_single_tunnel_request_fits_the_sdk_model() -> None:
    request = alibaba.create_connection_request(REGION, alibaba.desired_connection(single()), "token-3")
    model = vpc_models.CreateVpnConnectionRequest().from_map(request)
    model.validate()
    assert json.loads(model.ike_config)["Psk"] == AWS_PSK
    assert {key: value for key, value in model.to_map().items() if value != []} == request


# --------------------------------------------------------------------------- changes


def current() -> dict:
    return alibaba.normalize_vpn_connection(DESCRIBED)


def test_the_same_task_again_changes_nothing() -> None:
    # Subnet order, 'aes128' for 'aes' and 'SHA1' for 'sha1' are the same settings.
    assert alibaba.connection_changes(current(), alibaba.desired_connection(single())) == {}


def test_unset_options_are_never_changed() -> None:
    wanted = alibaba.desired_connection(options(name="to-aws-tunnel1", vpn_gateway_id="vpn-bp1gw"))
    assert alibaba.connection_changes(current(), wanted) == {}


def test_changing_ike_settings_sends_the_whole_ike_config() -> None:
    wanted = alibaba.desired_connection(single(ike_config={"ike_version": "ikev2", "ike_enc_alg": "aes256"}))
    changes = alibaba.connection_changes(current(), wanted)
    assert changes == {"ike_config": {"ike_version": "ikev2", "ike_enc_alg": "aes256"}}
    request = alibaba.modify_connection_request(REGION, current(), changes)
    assert set(request) == {"RegionId", "VpnConnectionId", "IkeConfig"}
    assert json.loads(request["IkeConfig"]) == {
        "IkeVersion": "ikev2", "IkeMode": "main", "IkeEncAlg": "aes256", "IkeAuthAlg": "sha1", "IkePfs": "group2", "IkeLifetime": 86400,
        "LocalId": "198.51.100.24", "RemoteId": "203.0.113.10", "Psk": AWS_PSK}


def test_a_new_key_and_new_subnets_are_changes() -> None:
    wanted = alibaba.desired_connection(single(local_subnet=["192.168.0.0/17", "192.168.128.0/17"],
                                               ike_config=dict(SINGLE["ike_config"], psk="Rotated.Key_2")))
    changes = alibaba.connection_changes(current(), wanted)
    assert changes == {"local_subnet": ["192.168.0.0/17", "192.168.128.0/17"], "ike_config": {"psk": "Rotated.Key_2"}}
    request = alibaba.modify_connection_request(REGION, current(), changes)
    assert request["LocalSubnet"] == "192.168.0.0/17,192.168.128.0/17"
    assert json.loads(request["IkeConfig"])["Psk"] == "Rotated.Key_2"


def test_gateway_and_mode_cannot_change_in_place() -> None:
    wanted = alibaba.desired_connection(single(customer_gateway_id="cgw-other"))
    assert alibaba.immutable_connection_problems(current(), wanted) == [
        "customer_gateway_id cannot change on an existing IPsec connection (cgw-bp1one -> cgw-other); delete it and create a new one"]
    dual = alibaba.desired_connection(options(name="x", vpn_gateway_id="vpn-bp1gw", tunnel_options=[{"customer_gateway_id": "cgw-bp1one"}]))
    assert alibaba.immutable_connection_problems(current(), dual)[-1].startswith("tunnel_options given, but the connection is single-tunnel")


def test_tunnel_changes_are_matched_by_role_and_sent_with_the_tunnel_id() -> None:
    existing = alibaba.normalize_vpn_connection({
        "VpnConnectionId": "vco-dual", "VpnGatewayId": "vpn-1", "Name": "x", "LocalSubnet": "0.0.0.0/0", "RemoteSubnet": "0.0.0.0/0",
        "TunnelOptionsSpecification": {"TunnelOptions": [
            {"TunnelId": "tun-a", "Role": "master", "CustomerGatewayId": "cgw-1", "EnableDpd": "true",
             "TunnelIkeConfig": {"IkeVersion": "ikev2", "IkeEncAlg": "aes", "Psk": "Key.One_1"}, "TunnelIpsecConfig": {"IpsecPfs": "group2"}},
            {"TunnelId": "tun-b", "Role": "slave", "CustomerGatewayId": "cgw-2", "EnableDpd": "true",
             "TunnelIkeConfig": {"IkeVersion": "ikev2", "IkeEncAlg": "aes", "Psk": "Key.Two_2"}, "TunnelIpsecConfig": {"IpsecPfs": "group2"}},
        ]}})
    wanted = alibaba.desired_connection(options(name="x", vpn_gateway_id="vpn-1", tunnel_options=[
        {"customer_gateway_id": "cgw-1", "ike_config": {"psk": "Key.One_1"}},
        {"customer_gateway_id": "cgw-2", "ike_config": {"ike_enc_alg": "aes256"}, "ipsec_config": {"ipsec_pfs": "group14"}}]))
    changes = alibaba.connection_changes(existing, wanted)
    assert changes == {"tunnel_options": {"slave": {"ike_config": {"ike_enc_alg": "aes256"}, "ipsec_config": {"ipsec_pfs": "group14"}}}}
    request = alibaba.modify_connection_request(REGION, existing, changes)
    # Only the changed tunnel, named by its ID; its IKE settings whole (current merged with the change).
    assert request["TunnelOptionsSpecification"] == [{
        "TunnelId": "tun-b",
        "TunnelIkeConfig": {"IkeVersion": "ikev2", "IkeEncAlg": "aes256", "Psk": "Key.Two_2"},
        "TunnelIpsecConfig": {"IpsecPfs": "group14"},
    }]
    after = alibaba.apply_connection_changes(existing, changes)
    assert after["tunnel_options"][1]["ike_config"]["ike_enc_alg"] == "aes256"
    assert after["tunnel_options"][0] == existing["tunnel_options"][0]


# --------------------------------------------------------------------------- diffs


def test_diff_shows_that_the_key_changes_but_never_the_key() -> None:
    before = current()
    changes = {"ike_config": {"psk": "Rotated.Key_2", "ike_version": "ikev2"}}
    after = alibaba.apply_connection_changes(before, changes)
    diff = build_diff(alibaba.connection_diff_view(before), alibaba.connection_diff_view(after))
    text = json.dumps(diff)
    assert AWS_PSK not in text and "Rotated.Key_2" not in text
    assert diff["before"]["ike_config"]["psk"] == REDACTED
    assert diff["after"]["ike_config"]["psk"] == REDACTED_CHANGED
    assert (diff["before"]["ike_config"]["ike_version"], diff["after"]["ike_config"]["ike_version"]) == ("ikev1", "ikev2")


def test_diff_of_a_new_dual_tunnel_connection_redacts_every_tunnel_key() -> None:
    task = options(name="to-aws", vpn_gateway_id="vpn-1", local_subnet=["0.0.0.0/0"], remote_subnet=["0.0.0.0/0"],
                   tunnel_options=[{"customer_gateway_id": "cgw-1", "ike_config": {"psk": "Key.One_1"}},
                                   {"customer_gateway_id": "cgw-2", "ike_config": {"psk": "Key.Two_2"}}])
    predicted = alibaba.predicted_connection(alibaba.desired_connection(task))
    diff = build_diff({}, alibaba.connection_diff_view(predicted))
    assert "Key.One_1" not in json.dumps(diff) and "Key.Two_2" not in json.dumps(diff)
    assert [tunnel["role"] for tunnel in diff["after"]["tunnel_options"]] == ["master", "slave"]


def test_effective_proposal_fills_alibaba_defaults() -> None:
    proposal = alibaba.effective_proposal({"ike_enc_alg": "aes256"}, None)
    assert proposal == {"ike_version": "ikev1",
                        "phase1": {"encryption": "aes256", "integrity": "sha1", "dh_group": 2},
                        "phase2": {"encryption": "aes128", "integrity": "sha1", "pfs_group": 2}}
