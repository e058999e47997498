"""The cloud facts table: values the other parts rely on, and its helpers."""
from __future__ import annotations

import ipaddress
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.multicloud.interconnect.plugins.module_utils import cloud_facts as facts


def test_aws_reserved_inside_cidrs_are_the_seven_documented_30s() -> None:
    assert facts.AWS_RESERVED_INSIDE_CIDRS == (
        "169.254.0.0/30", "169.254.1.0/30", "169.254.2.0/30", "169.254.3.0/30",
        "169.254.4.0/30", "169.254.5.0/30", "169.254.169.252/30",
    )
    link_local = ipaddress.ip_network(facts.LINK_LOCAL_CIDR)
    for cidr in facts.AWS_RESERVED_INSIDE_CIDRS:
        assert ipaddress.ip_network(cidr).subnet_of(link_local)


def test_azure_apipa_instance_pools_lie_inside_the_apipa_range() -> None:
    first, last = ipaddress.ip_address(facts.AZURE_APIPA_FIRST), ipaddress.ip_address(facts.AZURE_APIPA_LAST)
    assert (str(first), str(last)) == ("169.254.21.0", "169.254.22.255")
    for cidr in facts.AZURE_APIPA_INSTANCE_CIDRS:
        network = ipaddress.ip_network(cidr)
        assert first <= network.network_address and network.broadcast_address <= last


def test_default_asns() -> None:
    assert (facts.AWS_DEFAULT_AMAZON_ASN, facts.AZURE_DEFAULT_ASN, facts.ALIBABA_DEFAULT_ASN) == (64512, 65515, 45104)
    assert set(facts.RESERVED_ASNS) == set(facts.CLOUDS)


@pytest.mark.parametrize(
    ("cloud", "asn", "expected"),
    [
        ("azure", 65515, "ASN 65515 is reserved by azure"),
        ("azure", 65517, "ASN 65517 is reserved by azure"),
        ("azure", 65520, "ASN 65520 is reserved by azure"),
        ("azure", 8075, "ASN 8075 is reserved by azure"),
        ("azure", 12076, "ASN 12076 is reserved by azure"),
        ("alibaba", 45104, "ASN 45104 is reserved by alibaba"),
        ("aws", 64512, "ASN 64512 is reserved by aws"),
        ("gcp", 23456, "ASN 23456 is reserved by IANA"),
        ("onprem", 64500, "ASN 64500 is reserved by IANA"),
        ("aws", 65535, "ASN 65535 is reserved by IANA"),
        ("gcp", 4294967295, "ASN 4294967295 is reserved by IANA"),
        ("aws", 16509, "ASN 16509 is outside the private range aws accepts (64512-65534, 4200000000-4294967294)"),
        ("azure", 4200000000, "ASN 4200000000 is outside the private range azure accepts (64512-65534)"),
        ("gcp", "65001", "ASN must be an integer, got '65001'"),
    ],
)
def test_asn_problem_names_the_rule(cloud: str, asn, expected: str) -> None:
    assert facts.asn_problem(cloud, asn) == expected


@pytest.mark.parametrize(("cloud", "asn"), [("aws", 65002), ("azure", 65001), ("gcp", 4200000000), ("alibaba", 65100), ("onprem", 64513)])
def test_asn_problem_accepts_private_unreserved_asns(cloud: str, asn: int) -> None:
    assert facts.asn_problem(cloud, asn) is None


def test_peer_asn_problem_uses_the_peer_clouds_reservations() -> None:
    assert facts.peer_asn_problem("azure", 65517) == "ASN 65517 is reserved by azure, so a azure peer cannot use it"
    assert facts.peer_asn_problem("gcp", 65517) is None


@pytest.mark.parametrize(
    ("psk", "expected"),
    [
        ("short", "aws pre-shared keys must be 8-64 characters long, got 5"),
        ("a" * 65, "aws pre-shared keys must be 8-64 characters long, got 65"),
        ("has-dash-in-it", "aws pre-shared keys may only contain letters, digits, '.' and '_', got '-'"),
        ("space in key", "aws pre-shared keys may only contain letters, digits, '.' and '_', got ' '"),
        ("0startswithzero", "aws pre-shared keys must not start with '0'"),
        ("Good_key.123", None),
    ],
)
def test_aws_psk_rules(psk: str, expected: str | None) -> None:
    assert facts.psk_problem("aws", psk) == expected


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet=facts.GENERATED_PSK_ALPHABET, min_size=facts.GENERATED_PSK_LENGTH, max_size=facts.GENERATED_PSK_LENGTH)
       .filter(lambda key: not key.startswith("0")))
def test_the_generated_psk_alphabet_satisfies_every_cloud(psk: str) -> None:
    for cloud in facts.CLOUDS:
        assert facts.psk_problem(cloud, psk) is None


@pytest.mark.parametrize(
    ("cloud", "cidr", "problem_start"),
    [
        ("aws", "169.254.5.0/30", "AWS reserves 169.254.5.0/30"),
        ("aws", "169.254.169.252/30", "AWS reserves 169.254.169.252/30"),
        ("alibaba", "169.254.6.0/30", "Alibaba reserves 169.254.6.0/30"),
        ("azure", "169.254.20.0/30", "Azure custom APIPA addresses must lie in 169.254.21.0-169.254.22.255"),
        ("gcp", "10.0.0.0/30", "tunnel inside networks must lie in 169.254.0.0/16"),
        ("gcp", "169.254.10.0/29", "tunnel inside networks must be IPv4 /30"),
        ("alibaba", "169.254.10.1/30", "not a valid network"),
    ],
)
def test_inside_cidr_problem(cloud: str, cidr: str, problem_start: str) -> None:
    assert facts.inside_cidr_problem(cloud, cidr).startswith(problem_start)


def test_inside_cidr_problem_accepts_valid_30s() -> None:
    assert facts.inside_cidr_problem("aws", "169.254.6.0/30") is None
    assert facts.inside_cidr_problem("azure", "169.254.22.252/30") is None


@pytest.mark.parametrize(
    ("encryption", "integrity", "dh_group", "expected"),
    [
        ("aes256", "sha256", 14, "aes256-sha256-modp2048"),
        ("aes256gcm16", "sha256", 19, "aes256gcm16-prfsha256-ecp256"),
        ("aes256gcm16", None, 20, "aes256gcm16-ecp384"),
        ("aes128", "sha1", 2, "aes128-sha1-modp1024"),
        ("aes256", "sha512", None, "aes256-sha512"),
        ("aes128", "sha256", 24, "aes128-sha256-modp2048s256"),
    ],
)
def test_strongswan_proposal(encryption: str, integrity: str | None, dh_group: int | None, expected: str) -> None:
    assert facts.strongswan_proposal(encryption, integrity, dh_group) == expected


def test_strongswan_dh_names_follow_the_ike_registry() -> None:
    expected = {2: "modp1024", 5: "modp1536", 14: "modp2048", 15: "modp3072", 16: "modp4096", 17: "modp6144",
                18: "modp8192", 22: "modp1024s160", 23: "modp2048s224", 24: "modp2048s256", 19: "ecp256",
                20: "ecp384", 21: "ecp521"}
    assert {group: facts.STRONGSWAN_DH_NAMES[group] for group in expected} == expected


def test_cloud_names_both_ways() -> None:
    assert [facts.cloud_name("aws", kind, value) for kind, value in
            (("encryption", "aes256"), ("integrity", "sha256"), ("dh_group", 14), ("ike_version", "ikev2"))] == ["AES256", "SHA2-256", 14, "ikev2"]
    assert [facts.cloud_name("alibaba", kind, value) for kind, value in
            (("encryption", "aes256"), ("integrity", "sha256"), ("dh_group", 14))] == ["aes256", "sha256", "group14"]
    assert [facts.cloud_name("azure", kind, value) for kind, value in
            (("encryption", "aes256"), ("integrity", "sha256"), ("dh_group", 14), ("pfs_group", 14))] == ["AES256", "SHA256", "DHGroup14", "PFS14"]
    assert facts.cloud_name("gcp", "encryption", "aes256gcm16") == "AES-GCM-16-256"
    assert facts.canonical_name("azure", "dh_group", "DHGroup2048") == 14
    assert facts.canonical_name("alibaba", "encryption", "aes") == "aes128"
    assert facts.canonical_name("aws", "integrity", "SHA2-384") == "sha384"
    with pytest.raises(ValueError, match="alibaba has no encryption 'aes256gcm16'"):
        facts.cloud_name("alibaba", "encryption", "aes256gcm16")


@pytest.mark.parametrize("cloud", facts.CLOUDS)
def test_every_capability_has_a_cloud_name(cloud: str) -> None:
    capabilities, names = facts.IKE_CAPABILITIES[cloud], facts.CLOUD_NAMES[cloud]
    for phase in ("phase1", "phase2"):
        for value in capabilities[phase]["encryption"]:
            assert value in names["encryption"]
        for value in capabilities[phase]["integrity"]:
            assert value in names["integrity"]
    for group in capabilities["phase1"]["dh_groups"]:
        assert group in names["dh_group"]
    for group in capabilities["phase2"]["pfs_groups"]:
        # strongSwan proposals simply leave the group out when PFS is off
        assert group in names["pfs_group"] or (group is None and cloud in ("digitalocean", "onprem"))
    for phase in ("phase1", "phase2"):
        low, high, default = capabilities[phase]["lifetime"]
        assert low <= default <= high


def _proposals(cloud: str):
    """Canonical proposals a cloud accepts, built from its own capability table."""
    caps = facts.IKE_CAPABILITIES[cloud]

    def build(version, enc1, int1, dh, enc2, int2, pfs):
        if enc1 in facts.AEAD_ENCRYPTIONS and version != facts.AEAD_PHASE1_REQUIRES:
            enc1 = "aes256" if "aes256" in caps["phase1"]["encryption"] else caps["phase1"]["encryption"][0]
        if enc2 in facts.AEAD_ENCRYPTIONS:
            int2 = None
        return {
            "ike_version": version,
            "phase1": {"encryption": enc1, "integrity": int1, "dh_group": dh, "lifetime": caps["phase1"]["lifetime"][2]},
            "phase2": {"encryption": enc2, "integrity": int2, "pfs_group": pfs, "lifetime": caps["phase2"]["lifetime"][2]},
        }

    return st.builds(
        build,
        st.sampled_from(caps["ike_versions"]),
        st.sampled_from(caps["phase1"]["encryption"]),
        st.sampled_from(caps["phase1"]["integrity"]),
        st.sampled_from(caps["phase1"]["dh_groups"]),
        st.sampled_from(caps["phase2"]["encryption"]),
        st.sampled_from(caps["phase2"]["integrity"]),
        st.sampled_from(caps["phase2"]["pfs_groups"]),
    )


@pytest.mark.parametrize("cloud", facts.CLOUDS)
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_cloud_names_round_trip(cloud: str, data) -> None:
    proposal = data.draw(_proposals(cloud))
    assert facts.from_cloud_names(cloud, facts.to_cloud_names(cloud, proposal)) == proposal


def test_from_cloud_names_fills_in_defaults_and_reads_aws_lists() -> None:
    aws = facts.from_cloud_names("aws", {"Phase1EncryptionAlgorithms": ["AES256-GCM-16", "AES128"], "Phase1DHGroupNumbers": [20, 14]})
    assert aws["phase1"] == {"encryption": "aes256gcm16", "integrity": "sha1", "dh_group": 20, "lifetime": 28800}
    alibaba = facts.from_cloud_names("alibaba", {})
    assert alibaba == facts.IKE_CAPABILITIES["alibaba"]["defaults"]
    onprem = facts.from_cloud_names("onprem", {"proposals": "aes256-sha256-modp2048", "esp_proposals": "aes256gcm16-ecp256"})
    assert (onprem["phase1"]["dh_group"], onprem["phase2"]["encryption"], onprem["phase2"]["pfs_group"]) == (14, "aes256gcm16", 19)


def test_tunnel_limits() -> None:
    assert facts.TUNNEL_LIMITS["aws"]["tunnels_per_connection"] == 2
    assert facts.TUNNEL_LIMITS["aws"]["connections_per_vgw"] == 10
    assert facts.TUNNEL_LIMITS["gcp"]["interfaces_per_ha_vpn_gateway"] == 2
    assert facts.TUNNEL_LIMITS["alibaba"]["tunnels_per_dual_tunnel_connection"] == 2
    skus = facts.TUNNEL_LIMITS["azure"]["s2s_tunnels_per_sku"]
    assert (skus["Basic"], skus["VpnGw1"], skus["VpnGw5"]) == (10, 30, 100)
    assert facts.TUNNEL_LIMITS["azure"]["default_sku"] in skus


def test_strength_orders_cover_every_capability() -> None:
    values = set(itertools.chain.from_iterable(
        caps[phase]["encryption"] for caps in facts.IKE_CAPABILITIES.values() for phase in ("phase1", "phase2")))
    assert values <= set(facts.ENCRYPTION_STRENGTH)
    groups = set(itertools.chain.from_iterable(caps["phase1"]["dh_groups"] for caps in facts.IKE_CAPABILITIES.values()))
    assert groups <= set(facts.DH_GROUP_STRENGTH)


def test_cloud_facts_imports_only_the_standard_library() -> None:
    import sys
    source = open(facts.__file__, encoding="utf-8").read()
    imported = {line.split()[1].split(".")[0] for line in source.splitlines() if line.startswith(("import ", "from "))}
    assert imported - {"__future__"} <= set(sys.stdlib_module_names)
