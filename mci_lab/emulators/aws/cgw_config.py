"""The CustomerGatewayConfiguration document of a VPN connection, one <ipsec_tunnel> per tunnel.

AWS returns a generic XML configuration with each tunnel's real outside addresses, inside
addresses (AWS side .1, customer side .2 of the /30), ASNs and pre-shared key; the <bgp> blocks are
left out for static connections. Algorithms are the first (preferred) entry of each list.
"""
from __future__ import annotations

from xml.etree import ElementTree
from typing import Any

from mci_lab.emulators.aws import tunnels
from mci_lab.emulators.aws.tunnels import cloud_facts

# The generic document's own vocabulary, derived from cloud_facts' canonical names: only the
# defaults (aes-128-cbc, sha1, hmac-sha1-96, group2) are confirmed by a real document.
_CIPHER_MODES = {False: "cbc", True: "gcm-16"}
_HMAC_TRUNCATION = {"sha1": 96, "sha256": 128, "sha384": 192, "sha512": 256}


def customer_gateway_configuration(vpn: Any, customer_gateway: Any, amazon_side_asn: int | None) -> str:
    root = ElementTree.Element("vpn_connection", id=vpn.id)
    _text(root, "customer_gateway_id", vpn.customer_gateway_id)
    _text(root, "vpn_gateway_id", vpn.vpn_gateway_id or "")
    _text(root, "vpn_connection_type", vpn.type)
    options = vpn.options or {}
    for tunnel in options.get("TunnelOptions", []):
        root.append(_ipsec_tunnel(tunnel, customer_gateway, amazon_side_asn, not options.get("StaticRoutesOnly")))
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(root, encoding="unicode")


def _ipsec_tunnel(tunnel: dict, customer_gateway: Any, amazon_side_asn: int | None, bgp: bool) -> ElementTree.Element:
    aws_inside, customer_inside = tunnels.inside_addresses(tunnel["TunnelInsideCidr"])
    element = ElementTree.Element("ipsec_tunnel")
    element.append(_side("customer_gateway", customer_gateway.ip_address, customer_inside, customer_gateway.bgp_asn if bgp else None))
    element.append(_side("vpn_gateway", tunnel["OutsideIpAddress"], aws_inside, amazon_side_asn if bgp else None))
    element.append(_ike(tunnel))
    element.append(_ipsec(tunnel))
    return element


def _side(name: str, outside_address: str, inside_address: str, asn: Any) -> ElementTree.Element:
    side = ElementTree.Element(name)
    _text(ElementTree.SubElement(side, "tunnel_outside_address"), "ip_address", outside_address)
    inside = ElementTree.SubElement(side, "tunnel_inside_address")
    _text(inside, "ip_address", inside_address)
    _text(inside, "network_mask", "255.255.255.252")
    _text(inside, "network_cidr", str(cloud_facts.INSIDE_PREFIX_LENGTH))
    if asn is not None:
        bgp = ElementTree.SubElement(side, "bgp")
        _text(bgp, "asn", str(asn))
        _text(bgp, "hold_time", str(cloud_facts.AWS_BGP_HOLD_TIME_SECONDS))
    return side


def _ike(tunnel: dict) -> ElementTree.Element:
    ike = ElementTree.Element("ike")
    _text(ike, "authentication_protocol", _hash_name(tunnels.canonical_values(tunnel, "Phase1IntegrityAlgorithms")[0]))
    _text(ike, "encryption_protocol", _cipher_name(tunnels.canonical_values(tunnel, "Phase1EncryptionAlgorithms")[0]))
    _text(ike, "lifetime", str(tunnel["Phase1LifetimeSeconds"]))
    _text(ike, "perfect_forward_secrecy", f"group{tunnels.canonical_values(tunnel, 'Phase1DHGroupNumbers')[0]}")
    _text(ike, "mode", "main")
    _text(ike, "pre_shared_key", tunnel["PreSharedKey"])
    return ike


def _ipsec(tunnel: dict) -> ElementTree.Element:
    ipsec = ElementTree.Element("ipsec")
    _text(ipsec, "protocol", "esp")
    integrity = tunnels.canonical_values(tunnel, "Phase2IntegrityAlgorithms")[0]
    _text(ipsec, "authentication_protocol", f"hmac-{_hash_name(integrity)}-{_HMAC_TRUNCATION[integrity]}")
    _text(ipsec, "encryption_protocol", _cipher_name(tunnels.canonical_values(tunnel, "Phase2EncryptionAlgorithms")[0]))
    _text(ipsec, "lifetime", str(tunnel["Phase2LifetimeSeconds"]))
    _text(ipsec, "perfect_forward_secrecy", f"group{tunnels.canonical_values(tunnel, 'Phase2DHGroupNumbers')[0]}")
    _text(ipsec, "mode", "tunnel")
    _text(ipsec, "clear_df_bit", "true")
    _text(ipsec, "fragmentation_before_encryption", "true")
    dpd = ElementTree.SubElement(ipsec, "dead_peer_detection")
    _text(dpd, "interval", str(cloud_facts.AWS_DPD_INTERVAL_SECONDS))
    _text(dpd, "retries", str(tunnel["DpdTimeoutSeconds"] // cloud_facts.AWS_DPD_INTERVAL_SECONDS))
    return ipsec


def _cipher_name(encryption: str) -> str:
    """"aes128" -> "aes-128-cbc", "aes256gcm16" -> "aes-256-gcm-16"."""
    aead = encryption in cloud_facts.AEAD_ENCRYPTIONS
    bits = encryption[3:6]
    return f"aes-{bits}-{_CIPHER_MODES[aead]}"


def _hash_name(integrity: str) -> str:
    """"sha1" -> "sha1", "sha256" -> "sha2-256"."""
    return integrity if integrity == "sha1" else f"sha2-{integrity[3:]}"


def _text(parent: ElementTree.Element, tag: str, text: str) -> None:
    ElementTree.SubElement(parent, tag).text = text
