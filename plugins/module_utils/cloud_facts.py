# -*- coding: utf-8 -*-
# Copyright: contributors to the multicloud.interconnect collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one place for cloud facts: reserved ranges, ASN rules, PSK rules, IKE capabilities, limits.

Pure data plus tiny helpers, standard library only, so the planner, the modules and the lab
emulators can all import it. Every fact names its source in a comment; the sources are collected
in /work/shared/research/CLOUD_FACTS.md. Facts tagged [U] there are marked "[U]" here too: they are
plausible but not confirmed in a primary document, so re-check them before relying on them.

Canonical vocabulary (used by the planner and the lab, translated to each cloud's own names by
to_cloud_names / from_cloud_names):
  ike version  "ikev1", "ikev2"
  encryption   "aes128", "aes192", "aes256", "aes128gcm16", "aes192gcm16", "aes256gcm16", "3des"
  integrity    "md5", "sha1", "sha256", "sha384", "sha512"; in phase 1 with an AEAD cipher it
               names the PRF hash; in phase 2 with an AEAD cipher it is None (no separate MAC)
  dh groups    IKE transform numbers (int): 2 = modp1024, 14 = modp2048, 19 = ecp256, ...
"""

from __future__ import annotations

import ipaddress
import re

# ---------------------------------------------------------------------------
# Clouds
# ---------------------------------------------------------------------------

CLOUDS = ("aws", "azure", "gcp", "alibaba", "digitalocean", "onprem")

# ---------------------------------------------------------------------------
# Inside (tunnel) addressing
# ---------------------------------------------------------------------------

# Tunnel inside addresses are /30s out of IPv4 link-local.
# Source: AWS API_VpnTunnelOptionsSpecification (TunnelInsideCidr "a size /30 CIDR block from the
# 169.254.0.0/16 range"); GCP gcloud compute routers add-interface (--ip-address 169.254.x.y,
# --mask-length=30); Alibaba ROS VpnAttachment BgpConfig.TunnelCidr (169.254.x.x/30).
LINK_LOCAL_CIDR = "169.254.0.0/16"
INSIDE_PREFIX_LENGTH = 30

# AWS rejects these inside /30s.
# Source: AWS API_VpnTunnelOptionsSpecification TunnelInsideCidr; repost.aws knowledge-center
# vpn-custom-psk-inside-tunnel-ip; aws-sdk-js-v3 _VpnTunnelOptionsSpecification.ts.
AWS_RESERVED_INSIDE_CIDRS = (
    "169.254.0.0/30",
    "169.254.1.0/30",
    "169.254.2.0/30",
    "169.254.3.0/30",
    "169.254.4.0/30",
    "169.254.5.0/30",
    "169.254.169.252/30",
)

# Azure custom APIPA BGP addresses must lie in this range (all Azure clouds).
# Source: MicrosoftDocs azure-docs articles/vpn-gateway/aws-bgp.md;
# hashicorp/terraform-provider-azurerm#10381.
AZURE_APIPA_FIRST = "169.254.21.0"
AZURE_APIPA_LAST = "169.254.22.255"
# In the AWS/Azure/GCP triangle, Azure instance 0 takes its APIPA addresses from 169.254.21.0/24
# and instance 1 from 169.254.22.0/24 (each instance has its own custom BGP IP list).
# Source: seed 002 (erjosito "Tunnels Between Clouds", BGP peer tables); erjosito/mcloudcli hybrid.sh.
AZURE_APIPA_INSTANCE_CIDRS = ("169.254.21.0/24", "169.254.22.0/24")

# Which end of an inside /30 takes the first usable address (.1) and which the second (.2).
# AWS always takes the first usable address and expects the peer on the second.
# Source: MicrosoftDocs azure-docs aws-bgp.md ("169.254.21.0/30 -> AWS .1, peer .2"); seed 002.
# Azure takes the second one when the peer is GCP too (GCP router 169.254.21.129, Azure .130).
# Source: seed 002 (gcloud compute routers get-status output).
# Lower number = takes the first usable address; ties are broken by site name.
INSIDE_ADDRESS_ORDER = {"aws": 0, "gcp": 1, "alibaba": 2, "digitalocean": 3, "onprem": 4, "azure": 5}

# ---------------------------------------------------------------------------
# ASNs
# ---------------------------------------------------------------------------

# Source: AWS Kotlin SDK CreateVpnGatewayRequest.amazonSideAsn (default 64512).
AWS_DEFAULT_AMAZON_ASN = 64512
# Source: Alibaba help.aliyun.com customer-gateway doc (45104 is reserved, the VPN gateway default)
# and ROS VpnAttachment example {"LocalAsn": "45104"}.
ALIBABA_DEFAULT_ASN = 45104
# Source: MicrosoftDocs azure-docs includes/vpn-gateway-faq-bgp-include.md.
AZURE_DEFAULT_ASN = 65515
# Azure's default system routes with next hop None, in every NIC's effective routes unless a VNet
# range covers them: the RFC 1918 ranges and RFC 6598's shared space. Source: Azure docs "Virtual
# network traffic routing", default system routes; seed 002 shows two of them.
AZURE_SYSTEM_DROP_PREFIXES = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10")

# RFC 6996 private ASN ranges (inclusive).
PRIVATE_ASN_RANGES = ((64512, 65534), (4200000000, 4294967294))

# IANA reserved ASNs (AS_TRANS, documentation, last ASNs); also listed in the Azure BGP FAQ.
# Source: azure-docs vpn-gateway-faq-bgp-include.md; RFC 6793 (23456), RFC 5398 (64496-64511,
# 65536-65551), RFC 7300 (65535, 4294967295), RFC 7607 (0).
IANA_RESERVED_ASN_RANGES = (
    (0, 0),
    (23456, 23456),
    (64496, 64511),
    (65535, 65551),
    (4294967295, 4294967295),
)

# ASNs a cloud refuses, for its own gateway or for a peer of it. They are never planned.
RESERVED_ASNS = {
    # 64512 is the default Amazon-side ASN and the CGW ASN must differ from the VGW ASN, so a
    # planned ASN never takes it. Source: Kotlin SDK CreateVpnGatewayRequest; agent-toolkit
    # creating-a-site-to-site-vpn-connection.md ("AWS and CGW ASNs must differ on a VGW").
    "aws": frozenset({AWS_DEFAULT_AMAZON_ASN}),
    # Source: azure-docs includes/vpn-gateway-faq-bgp-include.md (reserved by Azure).
    "azure": frozenset({8074, 8075, 12076, 65515, 65517, 65518, 65519, 65520}),
    # No GCP-specific reservations found (Cloud Router takes any RFC 6996 private ASN).
    # Source: gcloud compute routers create --asn.
    "gcp": frozenset(),
    # Source: Alibaba customer-gateway doc ("45104 reserved").
    "alibaba": frozenset({ALIBABA_DEFAULT_ASN}),
    # strongSwan/BIRD hosts: no cloud rule; IANA reservations still apply.
    "digitalocean": frozenset(),
    "onprem": frozenset(),
}

# ASN ranges a cloud accepts for its own gateway (inclusive). The planner only plans private ASNs.
ASN_RANGES = {
    # Source: Kotlin SDK CreateVpnGatewayRequest / ModifyTransitGatewayOptions
    # (64512-65534 and 4200000000-4294967294).
    "aws": PRIVATE_ASN_RANGES,
    # 16-bit only: the Azure BGP FAQ says "16-bit ASNs only"; newer tooling accepts 32-bit [U].
    # Source: azure-docs vpn-gateway-faq-bgp-include.md.
    "azure": ((64512, 65534),),
    # Source: gcloud compute routers create; Compute API RouterBgp.asn.
    "gcp": PRIVATE_ASN_RANGES,
    # Alibaba accepts 1-4294967295 ("a.b" notation too); we still plan private ASNs only.
    # Source: Alibaba customer-gateway doc.
    "alibaba": PRIVATE_ASN_RANGES,
    "digitalocean": PRIVATE_ASN_RANGES,
    "onprem": PRIVATE_ASN_RANGES,
}


def _in_ranges(value: int, ranges) -> bool:
    return any(low <= value <= high for low, high in ranges)


def _describe_ranges(ranges) -> str:
    return ", ".join(str(low) if low == high else "%d-%d" % (low, high) for low, high in ranges)


def asn_problem(cloud: str, asn: int) -> str | None:
    """Why `asn` cannot be the gateway ASN of a `cloud` site, or None when it can.

    Checks IANA reservations, the cloud's own reserved ASNs and the cloud's accepted range.
    A peer's reserved ASNs are checked by calling this for the peer cloud too.
    """
    if cloud not in ASN_RANGES:
        return "unknown cloud %r" % (cloud,)
    if isinstance(asn, bool) or not isinstance(asn, int):
        return "ASN must be an integer, got %r" % (asn,)
    if _in_ranges(asn, IANA_RESERVED_ASN_RANGES):
        return "ASN %d is reserved by IANA" % asn
    if asn in RESERVED_ASNS[cloud]:
        return "ASN %d is reserved by %s" % (asn, cloud)
    if not _in_ranges(asn, ASN_RANGES[cloud]):
        return "ASN %d is outside the private range %s accepts (%s)" % (asn, cloud, _describe_ranges(ASN_RANGES[cloud]))
    return None


def peer_asn_problem(peer_cloud: str, asn: int) -> str | None:
    """Why a `peer_cloud` gateway would refuse `asn` on the other end of a BGP session, or None."""
    if asn in RESERVED_ASNS.get(peer_cloud, frozenset()):
        return "ASN %d is reserved by %s, so a %s peer cannot use it" % (asn, peer_cloud, peer_cloud)
    return None


def inside_cidr_problem(cloud: str, cidr: str) -> str | None:
    """Why `cidr` cannot be a tunnel inside /30 on a `cloud` gateway, or None when it can."""
    try:
        network = ipaddress.ip_network(cidr, strict=True)
    except ValueError as error:
        return "not a valid network (%s)" % error
    if network.version != 4 or network.prefixlen != INSIDE_PREFIX_LENGTH:
        return "tunnel inside networks must be IPv4 /%d" % INSIDE_PREFIX_LENGTH
    if not network.subnet_of(ipaddress.ip_network(LINK_LOCAL_CIDR)):
        return "tunnel inside networks must lie in %s" % LINK_LOCAL_CIDR
    if cloud == "aws" and str(network) in AWS_RESERVED_INSIDE_CIDRS:
        return "AWS reserves %s (reserved: %s)" % (network, ", ".join(AWS_RESERVED_INSIDE_CIDRS))
    if cloud == "alibaba" and str(network) in ALIBABA_RESERVED_TUNNEL_CIDRS:
        return "Alibaba reserves %s (reserved: %s)" % (network, ", ".join(ALIBABA_RESERVED_TUNNEL_CIDRS))
    if cloud == "azure":
        first, last = ipaddress.ip_address(AZURE_APIPA_FIRST), ipaddress.ip_address(AZURE_APIPA_LAST)
        if not (first <= network.network_address and network.broadcast_address <= last):
            return "Azure custom APIPA addresses must lie in %s-%s" % (AZURE_APIPA_FIRST, AZURE_APIPA_LAST)
    return None


# ---------------------------------------------------------------------------
# Pre-shared keys
# ---------------------------------------------------------------------------

class PskRule:
    """What a cloud accepts as a pre-shared key."""

    def __init__(self, min_length: int, max_length: int, allowed_characters: str, description: str,
                 forbidden_first: str = "") -> None:
        self.min_length = min_length
        self.max_length = max_length
        # A regular-expression character class body, e.g. "A-Za-z0-9._".
        self.allowed_characters = allowed_characters
        self.description = description
        self.forbidden_first = forbidden_first
        self._allowed = re.compile("[%s]" % allowed_characters)

    def first_forbidden_character(self, psk: str) -> str | None:
        for character in psk:
            if not self._allowed.fullmatch(character):
                return character
        return None


_PRINTABLE_NO_SPACE = "!-~"  # ASCII 0x21-0x7e

PSK_RULES = {
    # Source: CloudFormation VpnTunnelOptionsSpecification.PreSharedKey; CDK VpnTunnelOption
    # ("8-64 characters, alphanumeric, period and underscore, cannot start with zero").
    "aws": PskRule(8, 64, "A-Za-z0-9._", "letters, digits, '.' and '_'", forbidden_first="0"),
    # Azure shared keys: printable ASCII up to 128 characters [U: not in CLOUD_FACTS.md].
    "azure": PskRule(1, 128, _PRINTABLE_NO_SPACE, "printable ASCII without spaces"),
    # GCP shared secrets: printable ASCII; Google recommends 32 random characters [U].
    # Source: cloud.google.com network-connectivity/docs/vpn/how-to/generating-pre-shared-key.
    "gcp": PskRule(1, 128, _PRINTABLE_NO_SPACE, "printable ASCII without spaces"),
    # Alibaba IkeConfig.Psk: up to 100 printable characters, no spaces [U].
    # Source: aliyun/terraform-provider-alicloud website/docs/r/vpn_connection.html.markdown.
    "alibaba": PskRule(1, 100, _PRINTABLE_NO_SPACE, "printable ASCII without spaces"),
    # strongSwan hosts: the key is written into swanctl.conf as a quoted string, so keep it to
    # printable ASCII without spaces or quotes (our own rule, not a cloud's).
    "digitalocean": PskRule(8, 128, "!#-&(-~", "printable ASCII without spaces or quotes"),
    "onprem": PskRule(8, 128, "!#-&(-~", "printable ASCII without spaces or quotes"),
}

# Generated keys use only characters every cloud above accepts, never start with "0" (AWS), and
# are 32 characters long (Google's recommendation for a strong key).
GENERATED_PSK_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
GENERATED_PSK_LENGTH = 32


def psk_problem(cloud: str, psk: str) -> str | None:
    """Why `psk` is not a valid pre-shared key for `cloud`, or None when it is.

    The message never contains the key itself, only its length or the offending character.
    """
    rule = PSK_RULES.get(cloud)
    if rule is None:
        return "unknown cloud %r" % (cloud,)
    if not isinstance(psk, str):
        return "a pre-shared key must be a string"
    if not rule.min_length <= len(psk) <= rule.max_length:
        return "%s pre-shared keys must be %d-%d characters long, got %d" % (cloud, rule.min_length, rule.max_length, len(psk))
    bad = rule.first_forbidden_character(psk)
    if bad is not None:
        return "%s pre-shared keys may only contain %s, got %r" % (cloud, rule.description, bad)
    if rule.forbidden_first and psk[0] in rule.forbidden_first:
        return "%s pre-shared keys must not start with %r" % (cloud, psk[0])
    return None


# ---------------------------------------------------------------------------
# IKE / IPsec capabilities
# ---------------------------------------------------------------------------

AEAD_ENCRYPTIONS = frozenset({"aes128gcm16", "aes192gcm16", "aes256gcm16"})

# AEAD ciphers exist in IKEv2 only (RFC 5282); AWS and GCP allow GCM in phase 1 with IKEv2 only.
AEAD_PHASE1_REQUIRES = "ikev2"

# Preference order, strongest first. Encryption: AEAD before CBC, longer keys first.
ENCRYPTION_STRENGTH = ("aes256gcm16", "aes192gcm16", "aes128gcm16", "aes256", "aes192", "aes128", "3des")
INTEGRITY_STRENGTH = ("sha512", "sha384", "sha256", "sha1", "md5")
# DH groups ordered by estimated security strength (RFC 8247 section 2.4 and NIST SP 800-57):
# ecp521, modp8192, ecp384, modp6144, modp4096, modp3072 ~ ecp256, modp2048; the subgroup
# variants 24/23/22 and the small groups 5/2/1 last (RFC 8247: SHOULD NOT / MUST NOT).
DH_GROUP_STRENGTH = (21, 18, 20, 17, 16, 19, 15, 14, 24, 23, 22, 5, 2, 1)
IKE_VERSION_STRENGTH = ("ikev2", "ikev1")

# strongSwan key-exchange names per IKE transform number (strongSwan IKE/ESP cipher suites doc).
STRONGSWAN_DH_NAMES = {
    1: "modp768",
    2: "modp1024",
    5: "modp1536",
    14: "modp2048",
    15: "modp3072",
    16: "modp4096",
    17: "modp6144",
    18: "modp8192",
    19: "ecp256",
    20: "ecp384",
    21: "ecp521",
    22: "modp1024s160",
    23: "modp2048s224",
    24: "modp2048s256",
}
STRONGSWAN_ENCRYPTION_NAMES = {name: name for name in ENCRYPTION_STRENGTH}
STRONGSWAN_INTEGRITY_NAMES = {name: name for name in INTEGRITY_STRENGTH}


def _capability(ike_versions, p1_enc, p1_int, p1_dh, p1_life, p2_enc, p2_int, p2_pfs, p2_life, defaults):
    return {
        "ike_versions": tuple(ike_versions),
        "phase1": {
            "encryption": tuple(p1_enc),
            "integrity": tuple(p1_int),
            "dh_groups": tuple(p1_dh),
            # (minimum, maximum, default) seconds
            "lifetime": tuple(p1_life),
        },
        "phase2": {
            "encryption": tuple(p2_enc),
            "integrity": tuple(p2_int),
            # None in pfs_groups means "PFS disabled" is accepted.
            "pfs_groups": tuple(p2_pfs),
            "lifetime": tuple(p2_life),
        },
        # What the cloud uses when the user does not say (canonical proposal).
        "defaults": defaults,
    }


def _default(version, enc1, int1, dh, life1, enc2, int2, pfs, life2):
    return {
        "ike_version": version,
        "phase1": {"encryption": enc1, "integrity": int1, "dh_group": dh, "lifetime": life1},
        "phase2": {"encryption": enc2, "integrity": int2, "pfs_group": pfs, "lifetime": life2},
    }


_STRONGSWAN_ENCRYPTIONS = ENCRYPTION_STRENGTH
_STRONGSWAN_INTEGRITIES = INTEGRITY_STRENGTH
_STRONGSWAN_DH = (1, 2, 5, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24)

IKE_CAPABILITIES = {
    # Source: AWS API_VpnTunnelOptionsSpecification (algorithms, DH groups 2,14-24 phase 1 and
    # 2,5,14-24 phase 2, lifetimes 900-28800 / 900-3600 with defaults 28800 / 3600); defaults
    # "AES-128 / SHA-1 / DH group 2" from agent-toolkit-for-aws creating-a-site-to-site-vpn [S].
    "aws": _capability(
        ("ikev1", "ikev2"),
        ("aes128", "aes256", "aes128gcm16", "aes256gcm16"),
        ("sha1", "sha256", "sha384", "sha512"),
        (2, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24),
        (900, 28800, 28800),
        ("aes128", "aes256", "aes128gcm16", "aes256gcm16"),
        ("sha1", "sha256", "sha384", "sha512"),
        (2, 5, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24),
        (900, 3600, 3600),
        _default("ikev2", "aes128", "sha1", 2, 28800, "aes128", "sha1", 2, 3600),
    ),
    # Source: azure-mgmt-network IpsecPolicy (ike_encryption, ike_integrity, dh_group,
    # ipsec_encryption, ipsec_integrity, pfs_group known values). IKE SA lifetime is fixed at
    # 28800 s; the custom-policy phase 2 SA lifetime is 300-172799 s, default 27000 s [U].
    # Defaults (no custom policy) [U].
    "azure": _capability(
        ("ikev1", "ikev2"),
        ("aes128", "aes192", "aes256", "aes128gcm16", "aes256gcm16", "3des"),
        ("md5", "sha1", "sha256", "sha384"),
        (1, 2, 14, 19, 20, 24),
        (28800, 28800, 28800),
        ("aes128", "aes192", "aes256", "aes128gcm16", "aes192gcm16", "aes256gcm16", "3des"),
        ("md5", "sha1", "sha256"),
        (None, 1, 2, 14, 19, 20, 24),
        (300, 172799, 27000),
        _default("ikev2", "aes256", "sha256", 2, 28800, "aes256gcm16", None, None, 27000),
    ),
    # Source: Google Cloud VPN "MTU considerations" cipher tables (AES-CBC-128/192/256,
    # AES-GCM-16-128/192/256, 3DES-CBC in phase 1 only; HMAC-SHA1/SHA2 integrity) and gcloud
    # compute vpn-tunnels create (--phase1-dh, --phase2-pfs). DH group list and the fixed
    # lifetimes (phase 1 36000 s, phase 2 10800 s) are [U] in CLOUD_FACTS.md.
    "gcp": _capability(
        ("ikev1", "ikev2"),
        ("aes128", "aes192", "aes256", "aes128gcm16", "aes192gcm16", "aes256gcm16", "3des"),
        ("md5", "sha1", "sha256", "sha384", "sha512"),
        (2, 5, 14, 15, 16, 19, 20, 21),
        (36000, 36000, 36000),
        ("aes128", "aes192", "aes256", "aes128gcm16", "aes192gcm16", "aes256gcm16"),
        ("sha1", "sha256", "sha512"),
        (None, 2, 5, 14, 15, 16, 19, 20, 21),
        (10800, 10800, 10800),
        _default("ikev2", "aes128gcm16", "sha256", 14, 36000, "aes128gcm16", None, 14, 10800),
    ),
    # Source: aliyun/terraform-provider-alicloud vpn_connection docs (IkeConfig / IpsecConfig:
    # ikev1/ikev2, aes/aes192/aes256/des/3des, md5/sha1 (+ sha256/384/512 newer [U]),
    # group1/2/5/14/24, lifetime 0-86400 default 86400, IpsecPfs "disabled" [U]).
    "alibaba": _capability(
        ("ikev1", "ikev2"),
        ("aes128", "aes192", "aes256", "3des"),
        ("md5", "sha1", "sha256", "sha384", "sha512"),
        (1, 2, 5, 14, 24),
        (0, 86400, 86400),
        ("aes128", "aes192", "aes256", "3des"),
        ("md5", "sha1", "sha256", "sha384", "sha512"),
        (None, 1, 2, 5, 14, 24),
        (0, 86400, 86400),
        _default("ikev1", "aes128", "sha1", 2, 86400, "aes128", "sha1", 2, 86400),
    ),
    # Droplet and on-premises gateways run strongSwan: everything above is available.
    # Lifetimes: strongSwan swanctl.conf defaults rekey_time 4h (IKE) and 1h (CHILD).
    "digitalocean": _capability(
        ("ikev1", "ikev2"), _STRONGSWAN_ENCRYPTIONS, _STRONGSWAN_INTEGRITIES, _STRONGSWAN_DH, (60, 86400, 14400),
        _STRONGSWAN_ENCRYPTIONS, _STRONGSWAN_INTEGRITIES, (None,) + _STRONGSWAN_DH, (60, 86400, 3600),
        _default("ikev2", "aes256gcm16", "sha256", 19, 14400, "aes256gcm16", None, 19, 3600),
    ),
    "onprem": _capability(
        ("ikev1", "ikev2"), _STRONGSWAN_ENCRYPTIONS, _STRONGSWAN_INTEGRITIES, _STRONGSWAN_DH, (60, 86400, 14400),
        _STRONGSWAN_ENCRYPTIONS, _STRONGSWAN_INTEGRITIES, (None,) + _STRONGSWAN_DH, (60, 86400, 3600),
        _default("ikev2", "aes256gcm16", "sha256", 19, 14400, "aes256gcm16", None, 19, 3600),
    ),
}

# The IKE_CAPABILITIES list that holds each name kind's accepted values (kinds as in CLOUD_NAMES).
CAPABILITY_KEYS = {"ike_version": "ike_versions", "encryption": "encryption", "integrity": "integrity",
                   "dh_group": "dh_groups", "pfs_group": "pfs_groups"}


def accepted_values(cloud: str, kind: str, phase: str | None = None) -> tuple:
    """The canonical values ``cloud`` accepts for one name kind in ``phase`` (no phase for ike_version)."""
    capabilities = IKE_CAPABILITIES[cloud]
    return (capabilities if phase is None else capabilities[phase])[CAPABILITY_KEYS[kind]]


# ---------------------------------------------------------------------------
# Per-cloud names (canonical -> cloud). Sources as for IKE_CAPABILITIES.
# ---------------------------------------------------------------------------

_DH_AS_INT = {group: group for group in _STRONGSWAN_DH}

CLOUD_NAMES = {
    "aws": {
        "ike_version": {"ikev1": "ikev1", "ikev2": "ikev2"},
        "encryption": {"aes128": "AES128", "aes256": "AES256", "aes128gcm16": "AES128-GCM-16", "aes256gcm16": "AES256-GCM-16"},
        "integrity": {"sha1": "SHA1", "sha256": "SHA2-256", "sha384": "SHA2-384", "sha512": "SHA2-512"},
        "dh_group": _DH_AS_INT,
        "pfs_group": _DH_AS_INT,
    },
    "azure": {
        "ike_version": {"ikev1": "IKEv1", "ikev2": "IKEv2"},
        "encryption": {
            "aes128": "AES128", "aes192": "AES192", "aes256": "AES256", "3des": "DES3",
            "aes128gcm16": "GCMAES128", "aes192gcm16": "GCMAES192", "aes256gcm16": "GCMAES256",
        },
        "integrity": {"md5": "MD5", "sha1": "SHA1", "sha256": "SHA256", "sha384": "SHA384"},
        "dh_group": {1: "DHGroup1", 2: "DHGroup2", 14: "DHGroup14", 24: "DHGroup24", 19: "ECP256", 20: "ECP384"},
        "pfs_group": {None: "None", 1: "PFS1", 2: "PFS2", 14: "PFS14", 24: "PFS24", 19: "ECP256", 20: "ECP384"},
    },
    "gcp": {
        "ike_version": {"ikev1": 1, "ikev2": 2},
        "encryption": {
            "aes128": "AES-CBC-128", "aes192": "AES-CBC-192", "aes256": "AES-CBC-256", "3des": "3DES-CBC",
            "aes128gcm16": "AES-GCM-16-128", "aes192gcm16": "AES-GCM-16-192", "aes256gcm16": "AES-GCM-16-256",
        },
        "integrity": {
            "md5": "HMAC-MD5-96", "sha1": "HMAC-SHA1-96", "sha256": "HMAC-SHA2-256-128",
            "sha384": "HMAC-SHA2-384-192", "sha512": "HMAC-SHA2-512-256",
        },
        "prf": {
            "md5": "PRF-HMAC-MD5", "sha1": "PRF-HMAC-SHA1", "sha256": "PRF-HMAC-SHA2-256",
            "sha384": "PRF-HMAC-SHA2-384", "sha512": "PRF-HMAC-SHA2-512",
        },
        "dh_group": {group: "Group-%d" % group for group in (2, 5, 14, 15, 16, 19, 20, 21)},
        "pfs_group": dict([(None, "None")] + [(group, "Group-%d" % group) for group in (2, 5, 14, 15, 16, 19, 20, 21)]),
    },
    "alibaba": {
        "ike_version": {"ikev1": "ikev1", "ikev2": "ikev2"},
        "encryption": {"aes128": "aes", "aes192": "aes192", "aes256": "aes256", "3des": "3des"},
        "integrity": {"md5": "md5", "sha1": "sha1", "sha256": "sha256", "sha384": "sha384", "sha512": "sha512"},
        "dh_group": {group: "group%d" % group for group in (1, 2, 5, 14, 24)},
        "pfs_group": dict([(None, "disabled")] + [(group, "group%d" % group) for group in (1, 2, 5, 14, 24)]),
    },
    "digitalocean": {
        "ike_version": {"ikev1": 1, "ikev2": 2},
        "encryption": STRONGSWAN_ENCRYPTION_NAMES,
        "integrity": STRONGSWAN_INTEGRITY_NAMES,
        "dh_group": STRONGSWAN_DH_NAMES,
        "pfs_group": STRONGSWAN_DH_NAMES,
    },
}
CLOUD_NAMES["onprem"] = CLOUD_NAMES["digitalocean"]

# Azure writes "DHGroup2048"/"PFS2048" as aliases of group 14 (azure-mgmt-network DhGroup/PfsGroup).
_EXTRA_CLOUD_ALIASES = {
    ("azure", "dh_group"): {"DHGroup2048": 14},
    ("azure", "pfs_group"): {"PFS2048": 14},
    ("alibaba", "encryption"): {"aes128": "aes128"},
}


def cloud_name(cloud: str, kind: str, canonical):
    """The cloud's own name for one canonical value (kind: encryption, integrity, dh_group, ...)."""
    try:
        return CLOUD_NAMES[cloud][kind][canonical]
    except KeyError:
        raise ValueError("%s has no %s %r" % (cloud, kind.replace("_", " "), canonical)) from None


def canonical_name(cloud: str, kind: str, value):
    """The canonical value for one of the cloud's own names (inverse of cloud_name)."""
    names = CLOUD_NAMES[cloud][kind]
    for canonical, own in names.items():
        if own == value or (isinstance(own, str) and isinstance(value, str) and own.lower() == value.lower()):
            return canonical
    aliases = _EXTRA_CLOUD_ALIASES.get((cloud, kind), {})
    for alias, canonical in aliases.items():
        if isinstance(value, str) and alias.lower() == value.lower():
            return canonical
    if kind in ("dh_group", "pfs_group") and isinstance(value, int) and value in names:
        return value
    raise ValueError("%s %s %r is not known" % (cloud, kind.replace("_", " "), value))


def strongswan_proposal(encryption: str, integrity: str | None, dh_group: int | None) -> str:
    """A strongSwan proposal string, e.g. "aes256-sha256-modp2048".

    An AEAD cipher carries its own integrity: in IKE (phase 1) the hash becomes the PRF
    ("aes256gcm16-prfsha256-ecp256"); in ESP (phase 2) pass integrity=None ("aes256gcm16-ecp256").
    """
    if encryption not in STRONGSWAN_ENCRYPTION_NAMES:
        raise ValueError("unknown encryption %r" % (encryption,))
    parts = [STRONGSWAN_ENCRYPTION_NAMES[encryption]]
    if integrity is not None:
        if integrity not in STRONGSWAN_INTEGRITY_NAMES:
            raise ValueError("unknown integrity %r" % (integrity,))
        prefix = "prf" if encryption in AEAD_ENCRYPTIONS else ""
        parts.append(prefix + STRONGSWAN_INTEGRITY_NAMES[integrity])
    if dh_group is not None:
        if dh_group not in STRONGSWAN_DH_NAMES:
            raise ValueError("unknown DH group %r" % (dh_group,))
        parts.append(STRONGSWAN_DH_NAMES[dh_group])
    return "-".join(parts)


def _phase2_integrity_name(cloud: str, phase2: dict):
    """Azure names the phase-2 integrity of an AEAD cipher after the cipher itself."""
    if phase2["encryption"] in AEAD_ENCRYPTIONS:
        return cloud_name(cloud, "encryption", phase2["encryption"]) if cloud == "azure" else None
    return cloud_name(cloud, "integrity", phase2["integrity"])


def to_cloud_names(cloud: str, proposal: dict) -> dict:
    """A canonical proposal in the shape and names of the cloud's own API.

    aws: VpnTunnelOptionsSpecification fields; azure: IpsecPolicy (+ connectionProtocol);
    gcp: VpnTunnel ikeVersion + cipherSuite; alibaba: IkeConfig / IpsecConfig;
    digitalocean / onprem: swanctl.conf proposals and rekey times.
    """
    phase1, phase2 = proposal["phase1"], proposal["phase2"]
    aead1 = phase1["encryption"] in AEAD_ENCRYPTIONS
    aead2 = phase2["encryption"] in AEAD_ENCRYPTIONS
    if cloud == "aws":
        result = {
            "IkeVersions": [cloud_name(cloud, "ike_version", proposal["ike_version"])],
            "Phase1EncryptionAlgorithms": [cloud_name(cloud, "encryption", phase1["encryption"])],
            "Phase1IntegrityAlgorithms": [cloud_name(cloud, "integrity", phase1["integrity"])],
            "Phase1DHGroupNumbers": [cloud_name(cloud, "dh_group", phase1["dh_group"])],
            "Phase1LifetimeSeconds": phase1["lifetime"],
            "Phase2EncryptionAlgorithms": [cloud_name(cloud, "encryption", phase2["encryption"])],
            "Phase2DHGroupNumbers": [cloud_name(cloud, "pfs_group", phase2["pfs_group"])] if phase2["pfs_group"] is not None else [],
            "Phase2LifetimeSeconds": phase2["lifetime"],
        }
        if not aead2:
            result["Phase2IntegrityAlgorithms"] = [cloud_name(cloud, "integrity", phase2["integrity"])]
        return result
    if cloud == "azure":
        return {
            "connectionProtocol": cloud_name(cloud, "ike_version", proposal["ike_version"]),
            "ikeEncryption": cloud_name(cloud, "encryption", phase1["encryption"]),
            "ikeIntegrity": cloud_name(cloud, "integrity", phase1["integrity"]),
            "dhGroup": cloud_name(cloud, "dh_group", phase1["dh_group"]),
            "ipsecEncryption": cloud_name(cloud, "encryption", phase2["encryption"]),
            "ipsecIntegrity": _phase2_integrity_name(cloud, phase2),
            "pfsGroup": cloud_name(cloud, "pfs_group", phase2["pfs_group"]),
            "saLifeTimeSeconds": phase2["lifetime"],
        }
    if cloud == "gcp":
        suite1 = {
            "encryption": [cloud_name(cloud, "encryption", phase1["encryption"])],
            "prf": [cloud_name(cloud, "prf", phase1["integrity"])],
            "dh": [cloud_name(cloud, "dh_group", phase1["dh_group"])],
        }
        if not aead1:
            suite1["integrity"] = [cloud_name(cloud, "integrity", phase1["integrity"])]
        suite2 = {
            "encryption": [cloud_name(cloud, "encryption", phase2["encryption"])],
            "pfs": [cloud_name(cloud, "pfs_group", phase2["pfs_group"])],
        }
        if not aead2:
            suite2["integrity"] = [cloud_name(cloud, "integrity", phase2["integrity"])]
        return {"ikeVersion": cloud_name(cloud, "ike_version", proposal["ike_version"]),
                "cipherSuite": {"phase1": suite1, "phase2": suite2}}
    if cloud == "alibaba":
        return {
            "IkeConfig": {
                "IkeVersion": cloud_name(cloud, "ike_version", proposal["ike_version"]),
                "IkeEncAlg": cloud_name(cloud, "encryption", phase1["encryption"]),
                "IkeAuthAlg": cloud_name(cloud, "integrity", phase1["integrity"]),
                "IkePfs": cloud_name(cloud, "dh_group", phase1["dh_group"]),
                "IkeLifetime": phase1["lifetime"],
            },
            "IpsecConfig": {
                "IpsecEncAlg": cloud_name(cloud, "encryption", phase2["encryption"]),
                "IpsecAuthAlg": cloud_name(cloud, "integrity", phase2["integrity"]),
                "IpsecPfs": cloud_name(cloud, "pfs_group", phase2["pfs_group"]),
                "IpsecLifetime": phase2["lifetime"],
            },
        }
    if cloud in ("digitalocean", "onprem"):
        return {
            "version": cloud_name(cloud, "ike_version", proposal["ike_version"]),
            "proposals": strongswan_proposal(phase1["encryption"], phase1["integrity"], phase1["dh_group"]),
            "esp_proposals": strongswan_proposal(phase2["encryption"], None if aead2 else phase2["integrity"], phase2["pfs_group"]),
            "rekey_time": phase1["lifetime"],
            "child_rekey_time": phase2["lifetime"],
        }
    raise ValueError("unknown cloud %r" % (cloud,))


def _first(value):
    if isinstance(value, (list, tuple)):
        return value[0] if value else None
    return value


def _canonical_or_default(cloud: str, kind: str, value, default):
    value = _first(value)
    if value is None or value == "":
        return default
    return canonical_name(cloud, kind, value)


def _parse_strongswan(text: str) -> tuple:
    """Split a strongSwan proposal into (encryption, integrity, dh_group)."""
    encryption, integrity, dh_group = None, None, None
    dh_by_name = {name: group for group, name in STRONGSWAN_DH_NAMES.items()}
    for token in text.split(",")[0].split("-"):
        if token in STRONGSWAN_ENCRYPTION_NAMES:
            encryption = token
        elif token.startswith("prf") and token[3:] in STRONGSWAN_INTEGRITY_NAMES:
            integrity = token[3:]
        elif token in STRONGSWAN_INTEGRITY_NAMES:
            integrity = token
        elif token in dh_by_name:
            dh_group = dh_by_name[token]
        else:
            raise ValueError("unknown strongSwan proposal token %r" % (token,))
    return encryption, integrity, dh_group


def from_cloud_names(cloud: str, settings: dict) -> dict:
    """A canonical proposal from the cloud's own API shape (inverse of to_cloud_names).

    Missing fields take the cloud's defaults (IKE_CAPABILITIES[cloud]["defaults"]). Where the cloud
    takes a list (AWS, GCP), the first entry is used; call canonical_name() per entry for all.
    """
    defaults = IKE_CAPABILITIES[cloud]["defaults"]
    d1, d2 = defaults["phase1"], defaults["phase2"]
    if cloud == "aws":
        version = _canonical_or_default(cloud, "ike_version", settings.get("IkeVersions"), defaults["ike_version"])
        phase1 = {
            "encryption": _canonical_or_default(cloud, "encryption", settings.get("Phase1EncryptionAlgorithms"), d1["encryption"]),
            "integrity": _canonical_or_default(cloud, "integrity", settings.get("Phase1IntegrityAlgorithms"), d1["integrity"]),
            "dh_group": _canonical_or_default(cloud, "dh_group", settings.get("Phase1DHGroupNumbers"), d1["dh_group"]),
            "lifetime": settings.get("Phase1LifetimeSeconds") or d1["lifetime"],
        }
        encryption2 = _canonical_or_default(cloud, "encryption", settings.get("Phase2EncryptionAlgorithms"), d2["encryption"])
        phase2 = {
            "encryption": encryption2,
            "integrity": (None if encryption2 in AEAD_ENCRYPTIONS
                          else _canonical_or_default(cloud, "integrity", settings.get("Phase2IntegrityAlgorithms"), d2["integrity"])),
            "pfs_group": _canonical_or_default(cloud, "pfs_group", settings.get("Phase2DHGroupNumbers"), d2["pfs_group"]),
            "lifetime": settings.get("Phase2LifetimeSeconds") or d2["lifetime"],
        }
    elif cloud == "azure":
        version = _canonical_or_default(cloud, "ike_version", settings.get("connectionProtocol"), defaults["ike_version"])
        phase1 = {
            "encryption": _canonical_or_default(cloud, "encryption", settings.get("ikeEncryption"), d1["encryption"]),
            "integrity": _canonical_or_default(cloud, "integrity", settings.get("ikeIntegrity"), d1["integrity"]),
            "dh_group": _canonical_or_default(cloud, "dh_group", settings.get("dhGroup"), d1["dh_group"]),
            "lifetime": d1["lifetime"],
        }
        ipsec_integrity = settings.get("ipsecIntegrity")
        if isinstance(ipsec_integrity, str) and ipsec_integrity.upper().startswith("GCMAES"):
            ipsec_integrity = None
            integrity2 = None
        else:
            integrity2 = _canonical_or_default(cloud, "integrity", ipsec_integrity, d2["integrity"])
        phase2 = {
            "encryption": _canonical_or_default(cloud, "encryption", settings.get("ipsecEncryption"), d2["encryption"]),
            "integrity": integrity2,
            "pfs_group": canonical_name(cloud, "pfs_group", settings["pfsGroup"]) if settings.get("pfsGroup") else d2["pfs_group"],
            "lifetime": settings.get("saLifeTimeSeconds") or d2["lifetime"],
        }
    elif cloud == "gcp":
        suite = settings.get("cipherSuite") or {}
        s1, s2 = suite.get("phase1") or {}, suite.get("phase2") or {}
        version = _canonical_or_default(cloud, "ike_version", settings.get("ikeVersion"), defaults["ike_version"])
        integrity1 = _first(s1.get("integrity"))
        phase1 = {
            "encryption": _canonical_or_default(cloud, "encryption", s1.get("encryption"), d1["encryption"]),
            "integrity": (canonical_name(cloud, "integrity", integrity1) if integrity1
                          else _canonical_or_default(cloud, "prf", s1.get("prf"), d1["integrity"])),
            "dh_group": _canonical_or_default(cloud, "dh_group", s1.get("dh"), d1["dh_group"]),
            "lifetime": d1["lifetime"],
        }
        encryption2 = _canonical_or_default(cloud, "encryption", s2.get("encryption"), d2["encryption"])
        phase2 = {
            "encryption": encryption2,
            "integrity": (None if encryption2 in AEAD_ENCRYPTIONS
                          else _canonical_or_default(cloud, "integrity", s2.get("integrity"), d2["integrity"] or "sha256")),
            "pfs_group": _canonical_or_default(cloud, "pfs_group", s2.get("pfs"), d2["pfs_group"]),
            "lifetime": d2["lifetime"],
        }
    elif cloud == "alibaba":
        ike, ipsec = settings.get("IkeConfig") or {}, settings.get("IpsecConfig") or {}
        version = _canonical_or_default(cloud, "ike_version", ike.get("IkeVersion"), defaults["ike_version"])
        phase1 = {
            "encryption": _canonical_or_default(cloud, "encryption", ike.get("IkeEncAlg"), d1["encryption"]),
            "integrity": _canonical_or_default(cloud, "integrity", ike.get("IkeAuthAlg"), d1["integrity"]),
            "dh_group": _canonical_or_default(cloud, "dh_group", ike.get("IkePfs"), d1["dh_group"]),
            "lifetime": ike.get("IkeLifetime") or d1["lifetime"],
        }
        phase2 = {
            "encryption": _canonical_or_default(cloud, "encryption", ipsec.get("IpsecEncAlg"), d2["encryption"]),
            "integrity": _canonical_or_default(cloud, "integrity", ipsec.get("IpsecAuthAlg"), d2["integrity"]),
            "pfs_group": canonical_name(cloud, "pfs_group", ipsec["IpsecPfs"]) if ipsec.get("IpsecPfs") else d2["pfs_group"],
            "lifetime": ipsec.get("IpsecLifetime") or d2["lifetime"],
        }
    elif cloud in ("digitalocean", "onprem"):
        version = _canonical_or_default(cloud, "ike_version", settings.get("version"), defaults["ike_version"])
        enc1, int1, dh1 = _parse_strongswan(settings["proposals"]) if settings.get("proposals") else (
            d1["encryption"], d1["integrity"], d1["dh_group"])
        enc2, int2, pfs2 = _parse_strongswan(settings["esp_proposals"]) if settings.get("esp_proposals") else (
            d2["encryption"], d2["integrity"], d2["pfs_group"])
        phase1 = {"encryption": enc1, "integrity": int1, "dh_group": dh1, "lifetime": settings.get("rekey_time") or d1["lifetime"]}
        phase2 = {"encryption": enc2, "integrity": int2, "pfs_group": pfs2, "lifetime": settings.get("child_rekey_time") or d2["lifetime"]}
    else:
        raise ValueError("unknown cloud %r" % (cloud,))
    return {"ike_version": version, "phase1": phase1, "phase2": phase2}


# ---------------------------------------------------------------------------
# Gateways and limits
# ---------------------------------------------------------------------------

# Gateway kinds per cloud: how many public endpoints (instances / interfaces) terminate tunnels,
# whether BGP is possible, and which IKE versions the kind speaks.
GATEWAY_KINDS = {
    # Source: AWS how_it_works.html (VGW, TGW; 2 tunnels per connection, each its own outside IP).
    "aws": {
        "vgw": {"endpoints": 2, "bgp": True},
        "tgw": {"endpoints": 2, "bgp": True},
    },
    # Source: azure-docs about-active-active-gateways.md (two instances, two public IPs);
    # active-standby exposes one; policy-based gateways: static routing and IKEv1 only
    # (azure-docs vpn-gateway-about-vpngateways "PolicyBased") [U].
    "azure": {
        "active_active": {"endpoints": 2, "bgp": True},
        "active_standby": {"endpoints": 1, "bgp": True},
        "policy": {"endpoints": 1, "bgp": False, "ike_versions": ("ikev1",)},
    },
    # Source: cloud.google.com network-connectivity/docs/vpn/concepts/overview (HA VPN: 2 interfaces).
    "gcp": {
        "ha_vpn": {"endpoints": 2, "bgp": True},
    },
    # Source: Alibaba CreateVpnConnection doc (dual-tunnel connections, default since 2024-11-26).
    "alibaba": {
        "vpn_gateway": {"endpoints": 2, "bgp": True},
    },
    # A Droplet running strongSwan + BIRD (DO has no managed VPN; docs.digitalocean.com limits).
    "digitalocean": {
        "droplet": {"endpoints": 1, "bgp": True},
    },
    # A Linux router running strongSwan + BIRD, or any customer VPN device.
    "onprem": {
        "strongswan": {"endpoints": 1, "bgp": True},
        "router": {"endpoints": 1, "bgp": True},
    },
}

TUNNEL_LIMITS = {
    "aws": {
        # Source: AWS how_it_works.html (2 tunnels per VPN connection).
        "tunnels_per_connection": 2,
        # Source: AWS S2S VPN user guide vpn-limits ("VPN connections per VGW: 10", adjustable).
        "connections_per_vgw": 10,
        # Source: AWS vpn-limits ("Site-to-Site VPN connections per Region: 50", adjustable).
        "connections_per_region": 50,
        # Source: AWS tgw quotas (5,000 attachments per TGW).
        "attachments_per_tgw": 5000,
    },
    "azure": {
        # S2S tunnels per gateway SKU. Source: azure-docs about-gateway-skus.md + include tables.
        "s2s_tunnels_per_sku": {
            "Basic": 10,
            "VpnGw1": 30, "VpnGw2": 30, "VpnGw3": 30, "VpnGw4": 100, "VpnGw5": 100,
            "VpnGw1AZ": 30, "VpnGw2AZ": 30, "VpnGw3AZ": 30, "VpnGw4AZ": 100, "VpnGw5AZ": 100,
        },
        # The planner assumes this SKU when a site does not name one.
        "default_sku": "VpnGw1",
        # Source: azure-docs about-active-active-gateways.md (exactly two IP configurations).
        "instances_active_active": 2,
        "instances_active_standby": 1,
        # Source: azure-docs FAQ include (up to 4,000 prefixes from one BGP peer).
        "bgp_prefixes_per_peer": 4000,
    },
    "gcp": {
        # Source: GCP VPN concepts overview (HA VPN gateway: interfaces 0 and 1).
        "interfaces_per_ha_vpn_gateway": 2,
        # Source: Compute API ExternalVpnGateway.RedundancyType (up to FOUR_IPS_REDUNDANCY).
        "external_gateway_interfaces": 4,
    },
    "alibaba": {
        # Source: Alibaba CreateVpnConnection (dual-tunnel: TunnelOptionsSpecification[] of 2).
        "tunnels_per_dual_tunnel_connection": 2,
        # Source: alibabacloud.com/help/en/vpn/user-guide/quotas (50 IPsec connections per TR).
        "connections_per_transit_router": 50,
    },
    "digitalocean": {
        # One Droplet, one public IP; our own rule for the overlay gateway.
        "endpoints": 1,
    },
    "onprem": {
        "endpoints": 1,
    },
}

# ---------------------------------------------------------------------------
# Alibaba Cloud VPN API rules (added for the alibaba_* modules; checked before any call)
# ---------------------------------------------------------------------------

# A customer gateway's public address must not lie in these ranges.
# Source: help.aliyun.com VPN "customer gateway" doc (CLOUD_FACTS.md 1.4).
ALIBABA_CUSTOMER_GATEWAY_FORBIDDEN_CIDRS = ("100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "224.0.0.0/4", "255.0.0.0/8")
# A customer gateway takes any 32-bit ASN (45104 stays reserved, see RESERVED_ASNS["alibaba"]).
# Source: help.aliyun.com VPN "customer gateway" doc.
ALIBABA_CUSTOMER_GATEWAY_ASN_RANGE = (1, 4294967295)
# VPN gateway destination routes: 0.0.0.0/0 is refused, and anything overlapping 100.64.0.0/10
# breaks negotiation. Source: CreateVpnRouteEntry API doc "Limits"; ROS ALIYUN::VPC::VpnRouteEntry.
ALIBABA_VPN_ROUTE_FORBIDDEN_DESTINATIONS = ("0.0.0.0/0",)
ALIBABA_VPN_ROUTE_FORBIDDEN_OVERLAPS = ("100.64.0.0/10",)
# VPN gateway destination route weights: 0 (standby) or 100 (active). Source: CreateVpnRouteEntry.
ALIBABA_VPN_ROUTE_WEIGHTS = (0, 100)
# VPC route table entries whose next hop is a VPN gateway cannot be a default route [U: the lab
# enforces it as CLOUD_FACTS.md 4.5 "Alibaba 0/0 route ban" asks; not seen in the CreateRouteEntry doc].
ALIBABA_VPC_ROUTE_NO_DEFAULT_NEXT_HOPS = ("VpnGateway",)
# VPC CIDR: masks 8-28, default 172.16.0.0/12, never inside these ranges.
# Source: Alibaba CreateVpc API doc (CidrBlock; custom blocks "other than 100.64.0.0/10,
# 224.0.0.0/4, 127.0.0.0/8, or 169.254.0.0/16").
ALIBABA_VPC_DEFAULT_CIDR = "172.16.0.0/12"
ALIBABA_VPC_PREFIX_LENGTHS = (8, 28)
ALIBABA_VPC_FORBIDDEN_CIDRS = ("100.64.0.0/10", "224.0.0.0/4", "127.0.0.0/8", "169.254.0.0/16")
# vSwitch CIDR: masks 16-29; the first and the last three addresses belong to the cloud.
# Source: Alibaba CreateVSwitch API doc.
ALIBABA_VSWITCH_PREFIX_LENGTHS = (16, 29)
ALIBABA_VSWITCH_RESERVED_FIRST = 1
ALIBABA_VSWITCH_RESERVED_LAST = 3
# VPC custom route destinations must not be, or lie in, 100.64.0.0/10. Source: CreateRouteEntry doc.
ALIBABA_ROUTE_FORBIDDEN_CIDRS = ("100.64.0.0/10",)
# IkeConfig.IkeMode values, the default first. Source: CreateVpnConnection doc (IkeMode main|aggressive).
ALIBABA_IKE_MODES = ("main", "aggressive")
# BgpConfig.TunnelCidr / TunnelBgpConfig.TunnelCidr: a /30 of 169.254.0.0/16 but none of these.
# Source: alibabacloud-vpc20160428 CreateVpnConnectionRequest (BgpConfig.TunnelCidr doc).
ALIBABA_RESERVED_TUNNEL_CIDRS = (
    "169.254.0.0/30", "169.254.1.0/30", "169.254.2.0/30", "169.254.3.0/30",
    "169.254.4.0/30", "169.254.5.0/30", "169.254.6.0/30", "169.254.169.252/30",
)

# ---------------------------------------------------------------------------
# AWS Site-to-Site VPN API rules (added for the aws_* modules and the AWS emulator)
# ---------------------------------------------------------------------------

# ASN a customer gateway gets when none is given. Source: Kotlin SDK CreateCustomerGatewayRequest.
AWS_DEFAULT_CUSTOMER_GATEWAY_ASN = 65000
# Customer gateway ASNs: BgpAsn takes 1-2147483647, larger (32-bit) ASNs go in BgpAsnExtended.
# Source: Kotlin SDK CreateCustomerGatewayRequest (CLOUD_FACTS.md 1.1 "Customer-gateway ASN").
AWS_CUSTOMER_GATEWAY_ASN_RANGES = {"BgpAsn": (1, 2147483647), "BgpAsnExtended": (2147483648, 4294967295)}
# Numeric tunnel options, keyed by the TunnelOption (response) field name: (minimum, maximum or
# None). The rekey margin is also at most half the phase 2 lifetime; lifetimes are in
# IKE_CAPABILITIES["aws"]. Source: API_VpnTunnelOptionsSpecification; aws-sdk-js-v3
# (CLOUD_FACTS.md 1.1 rekey margin, rekey fuzz, replay window and DPD rows).
AWS_TUNNEL_OPTION_RANGES = {
    "RekeyMarginTimeSeconds": (60, None),
    "RekeyFuzzPercentage": (0, 100),
    "ReplayWindowSize": (64, 2048),
    "DpdTimeoutSeconds": (30, None),
}
# Enumerated tunnel options (response field name -> values). Source: API_VpnTunnelOptionsSpecification.
AWS_TUNNEL_OPTION_CHOICES = {
    "DpdTimeoutAction": ("clear", "none", "restart"),
    "StartupAction": ("add", "start"),
}
# What AWS uses for a tunnel option the request leaves out (response field names; lifetimes and
# algorithms are in IKE_CAPABILITIES["aws"]). Source: API_VpnTunnelOptionsSpecification
# (CLOUD_FACTS.md 1.1: rekey margin 270 (some SDK docs say 540), rekey fuzz 100, replay window
# 1024, DPD timeout 30 / action clear, startup action add).
AWS_TUNNEL_OPTION_DEFAULTS = {
    "RekeyMarginTimeSeconds": 270,
    "RekeyFuzzPercentage": 100,
    "ReplayWindowSize": 1024,
    "DpdTimeoutSeconds": 30,
    "DpdTimeoutAction": "clear",
    "StartupAction": "add",
    "EnableTunnelLifecycleControl": False,
}
# AWS's generic customer gateway configuration document: dead peer detection every 10 s (3 misses
# make the 30 s default timeout) and BGP hold time 30 s. Source: the CustomerGatewayConfiguration
# AWS returns (CLOUD_FACTS.md 4.4 "AWS BGP (sample CGW config)"; moto keeps a copy of one).
AWS_DPD_INTERVAL_SECONDS = 10
AWS_BGP_HOLD_TIME_SECONDS = 30

# ---------------------------------------------------------------------------
# GCP Cloud VPN and DigitalOcean API rules (added for the GCP and DigitalOcean emulators)
# ---------------------------------------------------------------------------

# A peer VPN gateway (external VPN gateway interface) needs a public address: RFC 1918 and the
# shared address space 100.64.0.0/10 are refused. Source: CLOUD_FACTS.md 1.3 "Peer IP" [S]
# (princessokafor.dev HA VPN post; hashicorp/terraform-provider-google#7639).
GCP_PEER_FORBIDDEN_CIDRS = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10")
# External VPN gateway redundancy types and the number of interfaces each one takes.
# Source: Compute API ExternalVpnGateway.RedundancyType (CLOUD_FACTS.md 1.3).
GCP_EXTERNAL_GATEWAY_INTERFACES = {"SINGLE_IP_INTERNALLY_REDUNDANT": 1, "TWO_IPS_REDUNDANCY": 2, "FOUR_IPS_REDUNDANCY": 4}
# Every subnet gives up its first two addresses (network, default gateway) and its last two
# (second-to-last, broadcast). Source: cloud.google.com/vpc/docs/subnets "unusable addresses" [U].
GCP_SUBNET_RESERVED_FIRST = 2
GCP_SUBNET_RESERVED_LAST = 2

# VPC ranges: RFC 1918 only, /16 to /28, a generated /20 when none is given.
# Source: docs.digitalocean.com/glossary/network-size-range; pydo vpcs.create (CLOUD_FACTS.md 1.5).
DIGITALOCEAN_VPC_ALLOWED_CIDRS = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
DIGITALOCEAN_VPC_PREFIX_LENGTHS = (16, 28)
DIGITALOCEAN_VPC_DEFAULT_PREFIX_LENGTH = 20
# API budget per token. Source: DO OpenAPI shared/headers.yml (CLOUD_FACTS.md 1.5 and 4.1).
DIGITALOCEAN_API_REQUESTS_PER_HOUR = 5000
DIGITALOCEAN_API_REQUESTS_PER_MINUTE = 250

# ---------------------------------------------------------------------------
# Provisioning times (real-cloud seconds, keyed "cloud.kind"): the lab's realistic delay profile
# keeps these proportions. Sources: CLOUD_FACTS.md 4.2 and the rows it cites: Azure VNG 39 m 4 s,
# connection 1 m 55 s, LNG 25 s (public multi-cloud terraform apply log; azure-docs aws-bgp.md);
# AWS VPN connection 6 m 36 s, VGW 27-47 s, CGW 12-19 s, TGW 1 m 18 s, VPC attachment 2 m 1 s,
# NAT gateway ~1.5-2 min (same log; steampipe-plugin-aws#486); GCP HA VPN gateway 12 s, external
# gateway 13 s, router 13 s, tunnel 15 s (same log). Alibaba: no measured value found [U]: the
# API docs only say "asynchronous, minutes"; 2 minutes for a gateway is our assumption.
# DigitalOcean droplet ~30 s [U].
# ---------------------------------------------------------------------------
PROVISIONING_SECONDS = {
    "aws.vpn_gateway": 37.0,
    "aws.vpn_gateway_attachment": 20.0,
    "aws.customer_gateway": 15.0,
    "aws.vpn_connection": 396.0,
    "aws.nat_gateway": 105.0,
    "aws.transit_gateway": 78.0,
    "aws.transit_gateway_attachment": 121.0,
    "aws.instance": 30.0,
    "azure.virtual_network_gateway": 2344.0,
    "azure.connection": 115.0,
    "azure.local_network_gateway": 25.0,
    "azure.public_ip": 5.0,
    "azure.virtual_network": 5.0,
    "azure.route_table": 5.0,
    "azure.network_interface": 5.0,
    "gcp.network": 12.0,
    "gcp.subnetwork": 12.0,
    "gcp.vpn_gateway": 12.0,
    "gcp.external_vpn_gateway": 13.0,
    "gcp.router": 13.0,
    "gcp.vpn_tunnel": 15.0,
    "gcp.instance": 20.0,
    "alibaba.vpn_gateway": 120.0,
    "alibaba.vpn_connection": 30.0,
    "alibaba.customer_gateway": 5.0,
    "alibaba.vpn_route_entry": 10.0,
    "alibaba.route_entry": 5.0,
    "alibaba.instance": 30.0,
    "digitalocean.droplet": 30.0,
    "digitalocean.vpc": 2.0,
}

# ---------------------------------------------------------------------------
# BGP timers of the managed VPN gateways (added for the lab data plane's "cloud" timer profile)
# ---------------------------------------------------------------------------
# Keepalive / hold time in seconds each cloud's gateway uses on its BGP sessions. Clouds not listed
# have no documented value (the lab then keeps BIRD's defaults). Source: CLOUD_FACTS.md 4.4
# (AWS sample CGW config "adjusted to provide more rapid detection"; Azure 60/180, no BFD over VPN;
# GCP Cloud Router 20/60, configurable).
BGP_TIMERS_SECONDS = {
    "aws": {"keepalive": 10, "hold": AWS_BGP_HOLD_TIME_SECONDS},
    "azure": {"keepalive": 60, "hold": 180},
    "gcp": {"keepalive": 20, "hold": 60},
}

# ---------------------------------------------------------------------------
# GCP Cloud Router BGP settings (added for the gcp_router module; checked before any call)
# ---------------------------------------------------------------------------
# BGP keepalive interval in seconds (minimum, maximum); the default (20) is BGP_TIMERS_SECONDS["gcp"].
# Source: Compute API RouterBgp.keepaliveInterval; router/how-to/managing-bgp-timers (CLOUD_FACTS.md 1.3
# "BGP timers") [U: the 20-60 bounds are not quoted in CLOUD_FACTS.md].
GCP_BGP_KEEPALIVE_RANGE_SECONDS = (20, 60)
# BFD transmit/receive intervals in milliseconds and the detection multiplier (minimum, maximum).
# Source: Compute API RouterBgpPeerBfd (CLOUD_FACTS.md 1.3 "BFD": 1000-30000 ms, multiplier default 5)
# [U: multiplier bounds 5-16].
GCP_BFD_INTERVAL_RANGE_MS = (1000, 30000)
GCP_BFD_MULTIPLIER_RANGE = (5, 16)
# Priority (MED) of the routes Cloud Router advertises to one peer; lower wins.
# Source: gcloud compute routers add-bgp-peer --advertised-route-priority [U: 0-65535].
GCP_ADVERTISED_ROUTE_PRIORITY_RANGE = (0, 65535)

# ---------------------------------------------------------------------------
# BGP session states (added for the bgp_peer_status module)
# ---------------------------------------------------------------------------
# The collection's four session states: up; trying to connect; configured but not trying; cannot run
# (tunnel down, peer stopped, state unknown). Each cloud's own words map onto them below.
BGP_SESSION_STATES = ("Established", "Connecting", "Idle", "Down")
# Azure BgpPeerStatus.state: Unknown, Stopped, Idle, Connecting, Connected. Azure lists each instance's
# own address as a peer in state Unknown. Source: learn.microsoft.com BgpPeerStatus (CLOUD_FACTS.md 1.2
# "BGP peer status"); azure-mgmt-network BgpPeerState; seed 002 (list-bgp-peer-status tables).
AZURE_BGP_PEER_STATES = {"Connected": "Established", "Connecting": "Connecting", "Idle": "Idle", "Stopped": "Down", "Unknown": "Down"}
# GCP RouterStatusBgpPeerStatus: ``status`` UP means the session is established (DOWN: not yet,
# UNKNOWN: unknown); ``state`` is the BGP finite state machine's state (RFC 4271 names).
# Source: Compute API RouterStatusBgpPeerStatus (google-cloud-compute Status enum; "BGP state as
# specified in RFC1771").
GCP_BGP_PEER_STATES = {"Established": "Established", "OpenConfirm": "Connecting", "OpenSent": "Connecting", "Active": "Connecting",
                       "Connect": "Connecting", "Idle": "Idle"}
# AWS VgwTelemetry of a BGP VPN connection: Status UP only while the tunnel's BGP session is
# established (StatusMessage "<n> BGP ROUTES"); a tunnel whose IPsec SA is up but whose BGP session
# is not reads DOWN with this StatusMessage. Source: CLOUD_FACTS.md 1.1 "CloudWatch TunnelState"
# (BGP: 1 = established) and "VgwTelemetry"; seed 002 ("1 BGP ROUTES  UP") [U: the exact
# "IPSEC IS UP" wording, which the lab's AWS emulator uses too].
AWS_TELEMETRY_IPSEC_ONLY_MESSAGE = "IPSEC IS UP"
