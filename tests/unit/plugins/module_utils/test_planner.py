"""The interconnect planner: seed scenarios, bad input, and properties over random site sets."""
from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.multicloud.interconnect.plugins.module_utils import cloud_facts as facts
from ansible_collections.multicloud.interconnect.plugins.module_utils import planner
from ansible_collections.multicloud.interconnect.plugins.module_utils.planner import PlanError, build_plan

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
APIPA_FIRST = ipaddress.ip_address(facts.AZURE_APIPA_FIRST)
APIPA_LAST = ipaddress.ip_address(facts.AZURE_APIPA_LAST)


@pytest.fixture
def triangle() -> dict:
    return yaml.safe_load((FIXTURES / "triangle.yml").read_text(encoding="utf-8"))


def link_of(plan: dict, name: str) -> dict:
    return next(link for link in plan["links"] if link["name"] == name)


def in_apipa(cidr: str) -> bool:
    network = ipaddress.ip_network(cidr)
    return APIPA_FIRST <= network.network_address and network.broadcast_address <= APIPA_LAST


# ---------------------------------------------------------------------------
# Seed 002: the AWS / Azure / GCP triangle
# ---------------------------------------------------------------------------

def test_triangle_aws_azure_gets_four_apipa_30s_one_per_aws_tunnel(triangle: dict) -> None:
    plan = build_plan(triangle["sites"], triangle["links"]).to_dict()
    tunnels = link_of(plan, "aws-azure")["tunnels"]
    assert [tunnel["inside_cidr"] for tunnel in tunnels] == [
        "169.254.21.0/30", "169.254.21.4/30", "169.254.22.0/30", "169.254.22.4/30"]
    assert all(in_apipa(tunnel["inside_cidr"]) for tunnel in tunnels)
    assert [tunnel["a"]["role"] for tunnel in tunnels] == [
        "VPN connection 1 tunnel 1", "VPN connection 1 tunnel 2", "VPN connection 2 tunnel 1", "VPN connection 2 tunnel 2"]
    # AWS connection 1 lands on Azure instance 0 (169.254.21.x), connection 2 on instance 1 (169.254.22.x)
    assert [tunnel["b"]["endpoint"] for tunnel in tunnels] == [0, 0, 1, 1]
    # AWS takes the first usable address, Azure the second (seed 002: Azure peers with .1 and .5)
    assert [tunnel["a"]["inside_ip"] for tunnel in tunnels] == ["169.254.21.1", "169.254.21.5", "169.254.22.1", "169.254.22.5"]
    assert [tunnel["b"]["inside_ip"] for tunnel in tunnels] == ["169.254.21.2", "169.254.21.6", "169.254.22.2", "169.254.22.6"]
    assert {(tunnel["a"]["asn"], tunnel["a"]["peer_asn"], tunnel["b"]["asn"]) for tunnel in tunnels} == {(65002, 65001, 65001)}


def test_triangle_gcp_azure_gets_two_apipa_30s_one_per_interface(triangle: dict) -> None:
    plan = build_plan(triangle["sites"], triangle["links"]).to_dict()
    tunnels = link_of(plan, "gcp-azure")["tunnels"]
    assert len(tunnels) == 2
    assert all(in_apipa(tunnel["inside_cidr"]) for tunnel in tunnels)
    assert [tunnel["a"]["endpoint"] for tunnel in tunnels] == [0, 1]
    assert [tunnel["b"]["endpoint"] for tunnel in tunnels] == [0, 1]
    assert ipaddress.ip_network(tunnels[0]["inside_cidr"]).subnet_of(ipaddress.ip_network("169.254.21.0/24"))
    assert ipaddress.ip_network(tunnels[1]["inside_cidr"]).subnet_of(ipaddress.ip_network("169.254.22.0/24"))
    # GCP's Cloud Router takes the first address, Azure the second (seed 002: .129 / .130)
    for tunnel in tunnels:
        network = ipaddress.ip_network(tunnel["inside_cidr"])
        assert tunnel["a"]["inside_ip"] == str(network.network_address + 1)
        assert tunnel["b"]["inside_ip"] == str(network.network_address + 2)


def test_triangle_sites_keep_their_asns_and_every_tunnel_has_a_unique_30(triangle: dict) -> None:
    plan = build_plan(triangle["sites"], triangle["links"]).to_dict()
    assert {site["name"]: site["gateway"]["asn"] for site in plan["sites"]} == {"azure": 65001, "aws": 65002, "gcp": 65003}
    cidrs = planner.plan_inside_cidrs(plan)
    assert len(cidrs) == 6 and len(set(cidrs)) == 6


def test_triangle_proposal_is_the_strongest_both_clouds_accept(triangle: dict) -> None:
    proposal = link_of(build_plan(triangle["sites"], triangle["links"]).to_dict(), "aws-azure")["proposal"]
    assert proposal["ike_version"] == "ikev2"
    # Azure has no SHA-512 and only DH 1, 2, 14, 19, 20, 24: ECP384 is the strongest common group
    assert proposal["phase1"] == {"encryption": "aes256gcm16", "integrity": "sha384", "dh_group": 20, "lifetime": 28800}
    assert proposal["phase2"] == {"encryption": "aes256gcm16", "integrity": None, "pfs_group": 20, "lifetime": 3600}
    assert proposal["strongswan"] == {"ike": "aes256gcm16-prfsha384-ecp384", "esp": "aes256gcm16-ecp384"}
    assert proposal["cloud_names"]["aws"]["Phase1EncryptionAlgorithms"] == ["AES256-GCM-16"]
    assert proposal["cloud_names"]["azure"]["dhGroup"] == "ECP384"
    assert proposal["cloud_names"]["azure"]["ipsecIntegrity"] == "GCMAES256"


def test_gcp_lifetimes_are_fixed_so_each_end_keeps_its_own(triangle: dict) -> None:
    proposal = link_of(build_plan(triangle["sites"], triangle["links"]).to_dict(), "gcp-azure")["proposal"]
    assert proposal["phase2"]["lifetime"] == 10800
    assert proposal["cloud_names"]["azure"]["saLifeTimeSeconds"] == 10800
    assert proposal["cloud_names"]["gcp"]["cipherSuite"]["phase1"]["prf"] == ["PRF-HMAC-SHA2-384"]


def test_triangle_mermaid_shows_sites_tunnels_30s_and_asns(triangle: dict) -> None:
    plan = build_plan(triangle["sites"], triangle["links"])
    mermaid = plan.mermaid
    assert mermaid.startswith("flowchart LR\n")
    for text in ("aws (aws us-east-1)", "active_active<br/>ASN 65001", "192.168.0.0/16", "169.254.21.0/30",
                 "aws 169.254.21.1 - azure 169.254.21.2", "BGP 65002 - 65001", "gcp-azure-t2"):
        assert text in mermaid
    assert mermaid.count(" <-->|") == 6
    assert plan.to_dict()["mermaid"] == mermaid


def test_triangle_generated_psks_satisfy_both_clouds_and_differ(triangle: dict) -> None:
    plan = build_plan(triangle["sites"], triangle["links"])
    psks = plan.psks
    assert set(psks) == {"aws-azure-t1", "aws-azure-t2", "aws-azure-t3", "aws-azure-t4", "gcp-azure-t1", "gcp-azure-t2"}
    assert len(set(psks.values())) == 6
    for psk in psks.values():
        for cloud in ("aws", "azure", "gcp"):
            assert facts.psk_problem(cloud, psk) is None
    assert plan.generated_psks == psks


def test_rerun_with_existing_psks_keeps_them_and_gives_the_same_plan(triangle: dict) -> None:
    first = build_plan(triangle["sites"], triangle["links"])
    second = build_plan(triangle["sites"], triangle["links"], existing_psks=first.psks)
    assert second.to_dict() == first.to_dict()
    assert second.generated_psks == {}
    assert {tunnel.psk_source for link in second.links for tunnel in link.tunnels} == {"existing"}


def test_only_new_tunnels_get_new_keys(triangle: dict) -> None:
    first = build_plan(triangle["sites"], triangle["links"])
    triangle["links"].append({"name": "aws-gcp", "a": "aws", "b": "gcp"})
    second = build_plan(triangle["sites"], triangle["links"], existing_psks=first.psks)
    assert set(second.generated_psks) == {"aws-gcp-t1", "aws-gcp-t2", "aws-gcp-t3", "aws-gcp-t4"}
    assert {name: psk for name, psk in second.psks.items() if name in first.psks} == first.psks


def test_link_psk_wins_and_is_hidden_without_secrets(triangle: dict) -> None:
    triangle["links"][0]["psk"] = "Shared_key.2024"
    plan = build_plan(triangle["sites"], triangle["links"])
    tunnels = link_of(plan.to_dict(), "aws-azure")["tunnels"]
    assert {tunnel["psk"] for tunnel in tunnels} == {"Shared_key.2024"}
    assert {tunnel.psk_source for tunnel in plan.links[0].tunnels} == {"link"}
    assert not any(name.startswith("aws-azure") for name in plan.generated_psks)
    assert "Shared_key.2024" not in repr(plan.to_dict(include_secrets=False))
    assert "Shared_key.2024" not in repr(plan)


def test_aws_azure_default_tunnels_follow_the_azure_gateway_kind(triangle: dict) -> None:
    triangle["sites"][0]["gateway"]["kind"] = "active_standby"
    plan = build_plan(triangle["sites"], triangle["links"]).to_dict()
    tunnels = link_of(plan, "aws-azure")["tunnels"]
    assert [tunnel["inside_cidr"] for tunnel in tunnels] == ["169.254.21.0/30", "169.254.21.4/30"]


def test_requested_inside_cidrs_are_kept_and_the_rest_planned(triangle: dict) -> None:
    triangle["links"][0]["inside_cidrs"] = ["169.254.22.100/30"]
    plan = build_plan(triangle["sites"], triangle["links"]).to_dict()
    cidrs = planner.plan_inside_cidrs(plan, link="aws-azure")
    assert cidrs[0] == "169.254.22.100/30"
    assert len(set(cidrs)) == 4 and all(in_apipa(cidr) for cidr in cidrs)


def test_input_order_does_not_change_the_plan(triangle: dict) -> None:
    first = build_plan(triangle["sites"], triangle["links"])
    reordered = build_plan(list(reversed(triangle["sites"])), list(reversed(triangle["links"])), existing_psks=first.psks)
    assert reordered.to_dict() == first.to_dict()


# ---------------------------------------------------------------------------
# Seed 003: AWS <-> Alibaba, static routing
# ---------------------------------------------------------------------------

SEED_003_SITES = [
    {"name": "aws", "cloud": "aws", "region": "us-east-1", "cidrs": ["172.80.64.0/19"]},
    {"name": "ali", "cloud": "alibaba", "region": "us-west-1", "cidrs": ["192.168.0.0/16"]},
]


def test_aws_alibaba_static_link_has_two_tunnels_no_asns_and_a_strong_common_proposal() -> None:
    plan = build_plan(SEED_003_SITES, [{"a": "aws", "b": "ali", "routing": "static"}]).to_dict()
    link = plan["links"][0]
    assert link["name"] == "aws-ali"
    assert [tunnel["name"] for tunnel in link["tunnels"]] == ["aws-ali-t1", "aws-ali-t2"]
    assert {site["gateway"]["asn"] for site in plan["sites"]} == {None}
    for tunnel in link["tunnels"]:
        assert tunnel["a"]["asn"] is None and tunnel["b"]["peer_asn"] is None
        assert facts.inside_cidr_problem("aws", tunnel["inside_cidr"]) is None
        assert facts.inside_cidr_problem("alibaba", tunnel["inside_cidr"]) is None
        assert not in_apipa(tunnel["inside_cidr"])
    # both clouds reserve the low /30s of 169.254.0.0/16 (Alibaba up to 169.254.6.0/30)
    assert [tunnel["inside_cidr"] for tunnel in link["tunnels"]] == ["169.254.0.4/30", "169.254.0.8/30"]
    assert [tunnel["b"]["role"] for tunnel in link["tunnels"]] == ["IPsec connection 1 tunnel 1", "IPsec connection 1 tunnel 2"]
    proposal = link["proposal"]
    # Alibaba has no AES-GCM; DH 14 beats 24 and 2 (RFC 8247)
    assert proposal["phase1"]["encryption"] == "aes256" and proposal["phase1"]["dh_group"] == 14
    assert proposal["cloud_names"]["alibaba"]["IkeConfig"]["IkeEncAlg"] == "aes256"
    assert proposal["cloud_names"]["alibaba"]["IkeConfig"]["IkePfs"] == "group14"
    # the shortest default that both ranges allow, on both ends
    assert proposal["cloud_names"]["alibaba"]["IkeConfig"]["IkeLifetime"] == 28800
    assert proposal["cloud_names"]["aws"]["Phase1LifetimeSeconds"] == 28800
    assert proposal["cloud_names"]["alibaba"]["IpsecConfig"]["IpsecLifetime"] == 3600


def test_seed_003_proposal_can_be_pinned_to_what_the_post_used() -> None:
    link = {"a": "aws", "b": "ali", "routing": "static",
            "ike": {"ike_version": "ikev1", "encryption": "aes128", "integrity": "sha1", "dh_group": 2, "pfs_group": 2}}
    proposal = build_plan(SEED_003_SITES, [link]).to_dict()["links"][0]["proposal"]
    assert proposal["cloud_names"]["alibaba"]["IkeConfig"] == {
        "IkeVersion": "ikev1", "IkeEncAlg": "aes", "IkeAuthAlg": "sha1", "IkePfs": "group2", "IkeLifetime": 28800}


def test_sites_without_asn_get_unique_private_unreserved_asns() -> None:
    sites = [
        {"name": "b-azure", "cloud": "azure", "region": "westeurope", "cidrs": ["10.1.0.0/16"]},
        {"name": "a-aws", "cloud": "aws", "region": "eu-west-1", "cidrs": ["10.2.0.0/16"]},
        {"name": "c-ali", "cloud": "alibaba", "region": "eu-central-1", "cidrs": ["10.3.0.0/16"], "gateway": {"asn": 64513}},
    ]
    plan = build_plan(sites, [{"a": "a-aws", "b": "b-azure"}, {"a": "a-aws", "b": "c-ali"}]).to_dict()
    asns = {site["name"]: site["gateway"]["asn"] for site in plan["sites"]}
    assert asns == {"a-aws": 64514, "b-azure": 64515, "c-ali": 64513}


def test_plan_filters_read_a_plan(triangle: dict) -> None:
    plan = build_plan(triangle["sites"], triangle["links"]).to_dict(include_secrets=False)
    assert planner.plan_inside_cidrs(plan, site="gcp") == ["169.254.21.8/30", "169.254.22.8/30"]
    ends = planner.plan_site_tunnels(plan, "azure")
    assert len(ends) == 6
    assert ends[0]["local"]["site"] == "azure" and ends[0]["remote"]["site"] == "aws"
    assert ends[0]["proposal"]["connectionProtocol"] == "IKEv2"
    assert "psk" not in ends[0]


# ---------------------------------------------------------------------------
# Bad input: one message naming the field and the value
# ---------------------------------------------------------------------------

def _triangle_with(change) -> tuple:
    data = yaml.safe_load((FIXTURES / "triangle.yml").read_text(encoding="utf-8"))
    change(data)
    return data["sites"], data["links"], data.get("existing_psks")


def _set(path: list, value):
    def change(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return change


def _compose(*changes):
    def change(data):
        for step in changes:
            step(data)
    return change


def _many_links(count: int, **extra):
    def change(data):
        data["links"] = [dict({"name": "l%d" % number, "a": "aws", "b": "azure"}, **extra) for number in range(count)]
    return change


def _all_static(data):
    for link in data["links"]:
        link["routing"] = "static"


def _more_gcp_azure_links(count: int):
    def change(data):
        data["links"].extend({"name": "more-%d" % number, "a": "gcp", "b": "azure", "tunnels": 2} for number in range(count))
    return change


BAD_INPUT = [
    ("overlapping CIDRs between sites", _set(["sites", 2, "cidrs"], ["172.16.8.0/24"]),
     "sites[2].cidrs[0]: overlaps 172.16.0.0/16 of site aws (sites[1].cidrs[0]) (got '172.16.8.0/24')"),
    ("overlapping CIDRs inside a site", _set(["sites", 2, "cidrs"], ["10.0.0.0/16", "10.0.1.0/24"]),
     "sites[2].cidrs[1]: overlaps 10.0.0.0/16 of site gcp (sites[2].cidrs[0]) (got '10.0.1.0/24')"),
    ("a CIDR with host bits", _set(["sites", 2, "cidrs"], ["10.0.1.7/24"]),
     "sites[2].cidrs[0]: has host bits set; did you mean 10.0.1.0/24? (got '10.0.1.7/24')"),
    ("a site in link-local space", _set(["sites", 2, "cidrs"], ["169.254.0.0/20"]),
     "sites[2].cidrs[0]: overlaps 169.254.0.0/16, which tunnel inside addresses use (got '169.254.0.0/20')"),
    ("a /30 AWS reserves", _set(["links"], [{"a": "aws", "b": "gcp", "inside_cidrs": ["169.254.10.0/30", "169.254.5.0/30"]}]),
     "links[0].inside_cidrs[1]: AWS reserves 169.254.5.0/30"),
    ("a /30 outside Azure's APIPA range", _set(["links", 0, "inside_cidrs"], ["169.254.30.0/30"]),
     "links[0].inside_cidrs[0]: Azure custom APIPA addresses must lie in 169.254.21.0-169.254.22.255 (site azure) "
     "(got '169.254.30.0/30')"),
    ("a /30 that is not a /30", _set(["links", 0, "inside_cidrs"], ["169.254.21.0/29"]),
     "links[0].inside_cidrs[0]: tunnel inside networks must be IPv4 /30 (got '169.254.21.0/29')"),
    ("the same /30 twice", _set(["links", 1, "inside_cidrs"], ["169.254.21.0/30", "169.254.21.0/30"]),
     "links[1].inside_cidrs[1]: already used by tunnel gcp-azure-t1 (got '169.254.21.0/30')"),
    ("an ASN clash", _set(["sites", 2, "gateway", "asn"], 65001),
     "sites[2].gateway.asn: ASN clash: site azure (sites[0].gateway.asn) already uses it (got 65001)"),
    ("an ASN Azure reserves", _set(["sites", 0, "gateway", "asn"], 65515),
     "sites[0].gateway.asn: ASN 65515 is reserved by azure (got 65515)"),
    ("the AWS default ASN", _set(["sites", 1, "gateway", "asn"], 64512),
     "sites[1].gateway.asn: ASN 64512 is reserved by aws (got 64512)"),
    ("an ASN the Azure peer reserves", _set(["sites", 1, "gateway", "asn"], 65518),
     "sites[1].gateway.asn: ASN 65518 is reserved by azure, so a azure peer cannot use it (site azure on link aws-azure) (got 65518)"),
    ("an IANA reserved ASN", _set(["sites", 2, "gateway", "asn"], 23456),
     "sites[2].gateway.asn: ASN 23456 is reserved by IANA (got 23456)"),
    ("a public ASN", _set(["sites", 1, "gateway", "asn"], 16509),
     "sites[1].gateway.asn: ASN 16509 is outside the private range aws accepts (64512-65534, 4200000000-4294967294) (got 16509)"),
    ("a 32-bit ASN on Azure", _set(["sites", 0, "gateway", "asn"], 4200000001),
     "sites[0].gateway.asn: ASN 4200000001 is outside the private range azure accepts (64512-65534) (got 4200000001)"),
    ("a PSK with forbidden characters", _set(["links", 0, "psk"], "pass-word!"),
     "links[0].psk: aws pre-shared keys may only contain letters, digits, '.' and '_', got '-' (got '<redacted>')"),
    ("a PSK starting with 0", _set(["links", 0, "psk"], "0secret_key"),
     "links[0].psk: aws pre-shared keys must not start with '0' (got '<redacted>')"),
    ("a stored PSK that is too short", _set(["existing_psks"], {"aws-azure-t2": "short"}),
     "existing_psks.aws-azure-t2: aws pre-shared keys must be 8-64 characters long, got 5 (got '<redacted>')"),
    ("an IKE choice one cloud refuses", _set(["links", 0, "ike"], {"dh_group": 21}),
     "links[0].ike.dh_group: azure does not accept phase 1 DH group 21 (got 21)"),
    ("a lifetime one cloud refuses", _set(["links", 0, "ike"], {"phase2_lifetime": 7200}),
     "links[0].ike.phase2_lifetime: aws accepts 900-3600 seconds (got 7200)"),
    ("an unknown cipher", _set(["links", 0, "ike"], {"encryption": "chacha20"}),
     "links[0].ike.encryption: must be one of aes256gcm16, aes192gcm16, aes128gcm16, aes256, aes192, aes128, 3des (got 'chacha20')"),
    ("an odd tunnel count on AWS", _set(["links", 0, "tunnels"], 3),
     "links[0].tunnels: an AWS VPN connection has exactly 2 tunnels, so a link to AWS site aws needs a multiple of 2 (got 3)"),
    ("more connections than a VGW allows", _set(["links", 0, "tunnels"], 22),
     "links[0].tunnels: AWS site aws would have 11 VPN connections; a VGW allows 10 (got 22)"),
    ("more VGW connections over several links", _many_links(3, tunnels=8),
     "links[2].tunnels: AWS site aws would have 12 VPN connections; a VGW allows 10 (got 8)"),
    ("more tunnels than the Azure SKU allows",
     _compose(_set(["sites", 0, "gateway"], {"kind": "active_standby", "sku": "Basic"}), _more_gcp_azure_links(4), _all_static),
     "links[5].tunnels: Azure site azure would have 12 S2S tunnels; SKU Basic allows 10 (got 2)"),
    ("more tunnels than a GCP external gateway has interfaces", _set(["links", 1, "tunnels"], 6),
     "links[1].tunnels: GCP site gcp reaches a peer through an external VPN gateway of at most 4 interfaces (got 6)"),
    ("BGP on a policy-based Azure gateway", _set(["sites", 0, "gateway", "kind"], "policy"),
     "links[0].routing: site azure (azure policy gateway) cannot run BGP; use static routing (got 'bgp')"),
    ("a link to an unknown site", _set(["links", 1, "a"], "oracle"),
     "links[1].a: is not the name of a site (sites: aws, azure, gcp) (got 'oracle')"),
    ("a link from AWS to AWS",
     _compose(_set(["sites", 2, "cloud"], "aws"), _set(["sites", 2, "gateway", "kind"], "tgw"), _set(["links"], [{"a": "aws", "b": "gcp"}])),
     "links[0].b: AWS VPN cannot terminate on another AWS VPN gateway; use VPC or TGW peering (got 'gcp')"),
    ("a gateway kind of another cloud", _set(["sites", 2, "gateway", "kind"], "vgw"),
     "sites[2].gateway.kind: gcp gateways are one of ha_vpn (got 'vgw')"),
    ("a duplicate site name", _set(["sites", 2, "name"], "aws"),
     "sites[2].name: duplicate site name (also sites[1]) (got 'aws')"),
    ("an unknown key", _set(["sites", 0, "vnet_cidr"], "192.168.0.0/16"),
     "sites[0].vnet_cidr: unknown key; expected one of name, cloud, region, cidrs, gateway (got '192.168.0.0/16')"),
]


@pytest.mark.parametrize(("case", "change", "message"), BAD_INPUT, ids=[case for case, _change, _message in BAD_INPUT])
def test_bad_input_is_rejected_with_one_clear_message(case: str, change, message: str) -> None:
    sites, links, existing = _triangle_with(change)
    with pytest.raises(PlanError) as raised:
        build_plan(sites, links, existing_psks=existing)
    assert str(raised.value).startswith(message)
    assert raised.value.field == message.split(":")[0]


def test_a_rejected_psk_never_appears_in_the_message() -> None:
    sites, links, _existing = _triangle_with(_set(["links", 0, "psk"], "my secret key"))
    with pytest.raises(PlanError) as raised:
        build_plan(sites, links)
    assert "my secret key" not in str(raised.value)


def test_two_clouds_with_no_common_proposal() -> None:
    aws = facts.IKE_CAPABILITIES["aws"]
    legacy_box = dict(aws, phase1=dict(aws["phase1"], encryption=("3des",)))
    with pytest.raises(PlanError) as raised:
        planner.negotiate_proposal([("legacy-box", legacy_box), ("aws", aws)], planner.IkePreference(), "links[0].ike")
    assert str(raised.value) == (
        "links[0].ike.encryption: no common IKE proposal: no common phase 1 encryption "
        "(legacy-box accepts 3des; aws accepts aes128, aes256, aes128gcm16, aes256gcm16) (got 'legacy-box<->aws')")


def test_a_preference_outside_one_cloud_is_named() -> None:
    with pytest.raises(PlanError) as raised:
        build_plan(SEED_003_SITES, [{"a": "aws", "b": "ali", "ike": {"encryption": "aes256gcm16"}}])
    assert str(raised.value) == "links[0].ike.encryption: alibaba does not accept phase 1 encryption aes256gcm16 (got 'aes256gcm16')"


def test_ikev1_never_gets_aead_in_phase_1() -> None:
    link = {"a": "aws", "b": "dc", "ike": {"ike_version": "ikev1"}}
    sites = [dict(SEED_003_SITES[0]), {"name": "dc", "cloud": "onprem", "region": "dc1", "cidrs": ["192.168.0.0/16"]}]
    proposal = build_plan(sites, [link]).to_dict()["links"][0]["proposal"]
    assert proposal["phase1"]["encryption"] == "aes256"
    assert proposal["phase2"]["encryption"] == "aes256gcm16"


# ---------------------------------------------------------------------------
# Properties over random site sets
# ---------------------------------------------------------------------------

KINDS = {cloud: list(kinds) for cloud, kinds in facts.GATEWAY_KINDS.items()}


@st.composite
def site_sets(draw) -> tuple:
    count = draw(st.integers(min_value=2, max_value=5))
    sites = []
    for number in range(count):
        cloud = draw(st.sampled_from(facts.CLOUDS))
        kind = draw(st.sampled_from([kind for kind in KINDS[cloud] if kind != "policy"]))
        # /16s to /24s out of a small space, so overlaps happen now and then
        second = draw(st.integers(min_value=0, max_value=40))
        prefix = draw(st.sampled_from([16, 20, 24]))
        cidr = str(ipaddress.ip_network("10.%d.0.0/%d" % (second, prefix)))
        gateway = {"kind": kind}
        if draw(st.booleans()):
            gateway["asn"] = 65000 + number  # unique, private, reserved by nobody
        sites.append({"name": "site-%d" % number, "cloud": cloud, "region": "r%d" % number, "cidrs": [cidr], "gateway": gateway})
    pairs = [(a, b) for a in range(count) for b in range(a + 1, count)
             if not (sites[a]["cloud"] == "aws" and sites[b]["cloud"] == "aws")]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=4)) if pairs else []
    links = [{"a": sites[a]["name"], "b": sites[b]["name"], "routing": draw(st.sampled_from(["bgp", "static"]))} for a, b in chosen]
    return sites, links


def _overlapping(sites: list) -> bool:
    networks = [ipaddress.ip_network(site["cidrs"][0]) for site in sites]
    return any(x.overlaps(y) for i, x in enumerate(networks) for y in networks[i + 1:])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(site_sets())
def test_random_site_sets_give_valid_unique_deterministic_plans(data) -> None:
    sites, links = data
    if _overlapping(sites):
        with pytest.raises(PlanError, match=r"^sites\[\d\]\.cidrs\[0\]: overlaps "):
            build_plan(sites, links)
        return
    plan = build_plan(sites, links)
    result = plan.to_dict()
    clouds = {site["name"]: site["cloud"] for site in sites}

    seen = set()
    for link in result["links"]:
        for tunnel in link["tunnels"]:
            cidr = tunnel["inside_cidr"]
            # valid for both clouds, and unique across the plan (hence per gateway)
            for end in (tunnel["a"], tunnel["b"]):
                assert facts.inside_cidr_problem(clouds[end["site"]], cidr) is None
            assert cidr not in seen
            seen.add(cidr)
            network = ipaddress.ip_network(cidr)
            addresses = {tunnel["a"]["inside_ip"], tunnel["b"]["inside_ip"]}
            assert addresses == {str(network.network_address + 1), str(network.network_address + 2)}
            assert tunnel["a"]["peer_inside_ip"] == tunnel["b"]["inside_ip"]
            for end in (tunnel["a"], tunnel["b"]):
                if end["cloud"] == "aws":
                    assert end["inside_ip"] == str(network.network_address + 1)
                if end["cloud"] == "azure":
                    assert in_apipa(cidr)
                    if tunnel["a"]["cloud"] != tunnel["b"]["cloud"]:
                        assert end["inside_ip"] == str(network.network_address + 2)
            for cloud in (tunnel["a"]["cloud"], tunnel["b"]["cloud"]):
                assert facts.psk_problem(cloud, plan.psks[tunnel["name"]]) is None

    asns = [site["gateway"]["asn"] for site in result["sites"] if site["gateway"]["asn"] is not None]
    assert len(asns) == len(set(asns))
    for site in result["sites"]:
        if site["gateway"]["asn"] is not None:
            assert facts.asn_problem(site["cloud"], site["gateway"]["asn"]) is None

    # determinism: same input (with the keys fed back) -> same plan, whatever the input order
    again = build_plan(list(reversed(sites)), list(reversed(links)), existing_psks=plan.psks)
    assert again.to_dict() == result
