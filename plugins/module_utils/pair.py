# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One link between two clouds as one object: render both ends, pair them, say whether they agree.

Pure (no SDK, no I/O); used by the vpn_connection_pair module and unit tested.

Each cloud's end of a tunnel becomes one ``TunnelEnd``, a shape shared by every cloud: outside and
peer IPs, status, inside CIDR, the proposal the end accepts (an "offer", in cloud_facts' canonical
vocabulary) and its networks. Comparison, pairing, health and summaries only ever see
``TunnelEnd``. A new cloud needs its translation here (an ``OFFER_READERS`` entry and a
``<cloud>_tunnel_ends`` function) and a reader in the module; nothing else changes.

Pre-shared keys are compared but never leave this file: ``TunnelEnd.to_dict()`` has no key and
messages only say that keys differ.
"""
from __future__ import annotations

import hmac
import ipaddress
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.multicloud.interconnect.plugins.module_utils import cloud_facts
from ansible_collections.multicloud.interconnect.plugins.module_utils.alibaba import CONNECTION_ESTABLISHED
from ansible_collections.multicloud.interconnect.plugins.module_utils.aws_vpn import TUNNEL_FIELDS

WAIT_MODES = ("none", "any", "all")
ANY_IPV4 = "0.0.0.0/0"

# --------------------------------------------------------------------------- offers

# An offer is what one end accepts, in the shape of cloud_facts.IKE_CAPABILITIES: lists of
# canonical values (one value for clouds that configure a single choice), plus the lifetimes the
# end configures. Phase 2 integrity is an empty list when the end only runs AEAD ciphers.


@dataclass(frozen=True)
class ProposalField:
    """One negotiated field: its label in messages, where it sits in an offer, how clouds name it."""

    label: str
    phase: str | None
    kind: str  # cloud_facts name kind (cloud_name / canonical_name)
    strength: tuple  # strongest first: which common value the two ends settle on

    @property
    def key(self) -> str:
        return cloud_facts.CAPABILITY_KEYS[self.kind]

    def values(self, offer: Mapping[str, Any]) -> list:
        return list(offer[self.key] if self.phase is None else offer[self.phase][self.key])


PROPOSAL_FIELDS = (
    ProposalField("IKE version", None, "ike_version", cloud_facts.IKE_VERSION_STRENGTH),
    ProposalField("IKE phase 1 encryption", "phase1", "encryption", cloud_facts.ENCRYPTION_STRENGTH),
    ProposalField("IKE phase 1 integrity", "phase1", "integrity", cloud_facts.INTEGRITY_STRENGTH),
    ProposalField("IKE phase 1 DH group", "phase1", "dh_group", cloud_facts.DH_GROUP_STRENGTH),
    ProposalField("IPsec phase 2 encryption", "phase2", "encryption", cloud_facts.ENCRYPTION_STRENGTH),
    ProposalField("IPsec phase 2 integrity", "phase2", "integrity", cloud_facts.INTEGRITY_STRENGTH),
    # PFS off (None) is the weakest choice.
    ProposalField("IPsec phase 2 PFS group", "phase2", "pfs_group", cloud_facts.DH_GROUP_STRENGTH + (None,)),
)
LIFETIME_LABELS = {"phase1": "IKE phase 1 lifetime", "phase2": "IPsec phase 2 lifetime"}

# Clouds whose tunnels take a list of algorithms per field and accept any of them (see
# cloud_facts.from_cloud_names); the others configure one choice, which they offer.
CHOICE_LIST_CLOUDS = frozenset({"aws", "gcp"})


def offer_from_proposal(proposal: Mapping[str, Any]) -> dict:
    """A single canonical proposal (the planner's or from_cloud_names' shape) as an offer."""
    phase1, phase2 = proposal["phase1"], proposal["phase2"]
    return {
        "ike_versions": [proposal["ike_version"]],
        "phase1": {"encryption": [phase1["encryption"]], "integrity": [phase1["integrity"]], "dh_groups": [phase1["dh_group"]],
                   "lifetime": phase1.get("lifetime")},
        "phase2": {"encryption": [phase2["encryption"]], "integrity": [] if phase2.get("integrity") is None else [phase2["integrity"]],
                   "pfs_groups": [phase2.get("pfs_group")], "lifetime": phase2.get("lifetime")},
    }


def aws_offer(options: Mapping[str, Any]) -> dict:
    """What one AWS tunnel accepts, from its options in aws_vpn_connection's vocabulary.

    A list the tunnel does not set accepts every value AWS allows, as AWS does by default.
    """
    capabilities = cloud_facts.IKE_CAPABILITIES["aws"]
    offer: dict[str, Any] = {"ike_versions": [], "phase1": {}, "phase2": {}}
    for tunnel_field in TUNNEL_FIELDS:
        if tunnel_field.kind is None:
            continue
        key = cloud_facts.CAPABILITY_KEYS[tunnel_field.kind]
        section = offer if tunnel_field.phase is None else offer[tunnel_field.phase]
        allowed = cloud_facts.accepted_values("aws", tunnel_field.kind, tunnel_field.phase)
        given = options.get(tunnel_field.option)
        if given:
            section[key] = [cloud_facts.canonical_name("aws", tunnel_field.kind, value) for value in given]
        else:
            section[key] = [value for value in allowed if value is not None]
    for phase in ("phase1", "phase2"):
        offer[phase]["lifetime"] = options.get(phase + "_lifetime_seconds") or capabilities[phase]["lifetime"][2]
    return offer


def _api_names(config: Mapping[str, Any] | None) -> dict:
    """alibaba_ipsec_connection option names back to the API's (``ike_enc_alg`` -> ``IkeEncAlg``)."""
    return {"".join(part.capitalize() for part in key.split("_")): value
            for key, value in (config or {}).items() if value is not None and key != "psk"}


def alibaba_offer(parameters: Mapping[str, Any]) -> dict:
    """What one Alibaba tunnel offers, from ``ike_config`` / ``ipsec_config`` (unset fields: Alibaba's defaults)."""
    settings = {"IkeConfig": _api_names(parameters.get("ike_config")), "IpsecConfig": _api_names(parameters.get("ipsec_config"))}
    return offer_from_proposal(cloud_facts.from_cloud_names("alibaba", settings))


# cloud -> offer from the parameters of that cloud's module (as rendered, or as read back).
OFFER_READERS: dict[str, Callable[[Mapping[str, Any]], dict]] = {"aws": aws_offer, "alibaba": alibaba_offer}


def shown(cloud: str, kind: str, value: Any) -> str:
    """A canonical value in the cloud's own spelling (``aes128`` -> ``AES128`` on AWS, ``aes`` on Alibaba)."""
    try:
        return str(cloud_facts.cloud_name(cloud, kind, value))
    except ValueError:
        return "none" if value is None else str(value)


def _strongest(values: Iterable, strength: tuple) -> Any:
    values = set(values)
    return next(value for value in strength if value in values)


def _phase2_integrity_irrelevant(a_offer: Mapping[str, Any], b_offer: Mapping[str, Any]) -> bool:
    """With only AEAD ciphers in common for phase 2 there is no separate integrity to agree on."""
    common = set(a_offer["phase2"]["encryption"]) & set(b_offer["phase2"]["encryption"])
    return bool(common) and common <= cloud_facts.AEAD_ENCRYPTIONS


def agreed_proposal(a_offer: Mapping[str, Any], b_offer: Mapping[str, Any]) -> dict | None:
    """The canonical proposal two offers settle on (strongest common values), or None if they cannot.

    Lifetimes are local policy (RFC 7296 2.8): the shorter one is the one that rekeys.
    """
    skip_integrity = _phase2_integrity_irrelevant(a_offer, b_offer)
    chosen: dict[tuple, Any] = {}
    for proposal_field in PROPOSAL_FIELDS:
        if skip_integrity and (proposal_field.phase, proposal_field.key) == ("phase2", "integrity"):
            chosen[(proposal_field.phase, proposal_field.key)] = None
            continue
        common = set(proposal_field.values(a_offer)) & set(proposal_field.values(b_offer))
        if not common:
            return None
        chosen[(proposal_field.phase, proposal_field.key)] = _strongest(common, proposal_field.strength)

    def lifetime(phase: str) -> int | None:
        known = [offer[phase].get("lifetime") for offer in (a_offer, b_offer) if offer[phase].get("lifetime")]
        return min(known) if known else None

    return {
        "ike_version": chosen[(None, "ike_versions")],
        "phase1": {"encryption": chosen[("phase1", "encryption")], "integrity": chosen[("phase1", "integrity")],
                   "dh_group": chosen[("phase1", "dh_groups")], "lifetime": lifetime("phase1")},
        "phase2": {"encryption": chosen[("phase2", "encryption")], "integrity": chosen[("phase2", "integrity")],
                   "pfs_group": chosen[("phase2", "pfs_groups")], "lifetime": lifetime("phase2")},
    }


def proposal_text(proposal: Mapping[str, Any] | None) -> str:
    """``ikev2 ike=aes256-sha512-modp2048 esp=aes256-sha512-modp2048`` (strongSwan notation)."""
    if not proposal:
        return "no common proposal"
    phase1, phase2 = proposal["phase1"], proposal["phase2"]
    ike = cloud_facts.strongswan_proposal(phase1["encryption"], phase1["integrity"], phase1["dh_group"])
    esp = cloud_facts.strongswan_proposal(phase2["encryption"], phase2["integrity"], phase2["pfs_group"])
    return "%s ike=%s esp=%s" % (proposal["ike_version"], ike, esp)


# --------------------------------------------------------------------------- tunnel ends

# How each cloud names an end's own networks and the networks it puts into the tunnel, for messages.
NETWORK_LABELS = {
    "aws": ("VPC CIDR", "static routes"),
    "alibaba": ("local subnet", "remote subnet"),
}
DEFAULT_NETWORK_LABELS = ("networks", "remote networks")


@dataclass(frozen=True, eq=False)
class TunnelEnd:
    """One cloud's end of one tunnel, in the shape every cloud shares."""

    cloud: str
    resource: str  # where the end lives, for messages: "vpn-0abc tunnel 1", "vco-123 (mci-aws-alibaba-t1)"
    slot: int | None  # the tunnel of the link this end was built for (0-based), when it says
    offer: dict
    outside_ip: str | None = None  # this cloud's public address of the tunnel
    peer_ip: str | None = None  # where this end expects the other cloud
    status: str | None = None  # the cloud's own status word (UP / DOWN, ipsec_sa_established, ...)
    up: bool = False
    status_message: str | None = None  # the cloud's own explanation (AWS StatusMessage, Alibaba log line)
    inside_cidr: str | None = None
    local_cidrs: tuple | None = None  # this site's networks; None when the end does not say
    remote_cidrs: tuple | None = None  # what it sends into the tunnel; None when routing decides (BGP)
    selectors: tuple | None = None  # IPsec traffic selectors: (local side CIDRs, remote side CIDRs)
    psk: str | None = field(default=None, repr=False)

    @property
    def choice_lists(self) -> bool:
        return self.cloud in CHOICE_LIST_CLOUDS

    def to_dict(self) -> dict:
        """The end as the module returns it: never the pre-shared key."""
        return {
            "cloud": self.cloud, "resource": self.resource, "outside_ip": self.outside_ip, "peer_ip": self.peer_ip,
            "status": self.status, "status_message": self.status_message, "up": self.up, "inside_cidr": self.inside_cidr,
            "proposal": self.offer,
            "local_cidrs": None if self.local_cidrs is None else list(self.local_cidrs),
            "remote_cidrs": None if self.remote_cidrs is None else list(self.remote_cidrs),
            "traffic_selectors": None if self.selectors is None else {"local": list(self.selectors[0]), "remote": list(self.selectors[1])},
        }


def aws_vpc_cidrs(raw_vpc: Mapping[str, Any]) -> list[str]:
    """The IPv4 CIDR blocks associated with a VPC (DescribeVpcs shape), primary first."""
    blocks = [item["CidrBlock"] for item in raw_vpc.get("CidrBlockAssociationSet") or []
              if (item.get("CidrBlockState") or {}).get("State", "associated") == "associated" and item.get("CidrBlock")]
    primary = raw_vpc.get("CidrBlock")
    if primary and primary not in blocks:
        blocks.insert(0, primary)
    return blocks


def aws_tunnel_ends(connection: Mapping[str, Any], customer_gateway_ip: str | None, vpc_cidrs: Iterable[str] | None) -> list[TunnelEnd]:
    """Both tunnels of an AWS VPN connection.

    ``connection`` is aws_vpn.normalize_vpn_connection(raw, include_secrets=True); the customer
    gateway's IP is where AWS expects the peer; ``vpc_cidrs`` are the attached VPC's (None: unknown).
    """
    static = bool(connection.get("static_routes_only"))
    # Traffic selectors: local_ipv4_network_cidr is the customer side, remote_ipv4_network_cidr the AWS side.
    selectors = ((connection.get("remote_ipv4_network_cidr") or ANY_IPV4,), (connection.get("local_ipv4_network_cidr") or ANY_IPV4,))
    vpc = tuple(vpc_cidrs) if vpc_cidrs else None
    ends = []
    for number, tunnel in enumerate(connection.get("tunnels") or [], 1):
        ends.append(TunnelEnd(
            cloud="aws", resource="%s tunnel %d" % (connection.get("vpn_connection_id"), number), slot=number - 1,
            offer=aws_offer(tunnel.get("options") or {}), outside_ip=tunnel.get("outside_ip_address"), peer_ip=customer_gateway_ip,
            status=tunnel.get("status"), up=tunnel.get("status") == "UP", status_message=tunnel.get("status_message") or None,
            inside_cidr=tunnel.get("tunnel_inside_cidr"), local_cidrs=vpc,
            remote_cidrs=tuple(connection.get("routes") or ()) if static else None, selectors=selectors,
            psk=tunnel.get("pre_shared_key"),
        ))
    return ends


def slot_from_name(name: str | None, base_name: str) -> int | None:
    """``<base>-t2`` -> 1: the role names the peer of AWS tunnel N ``<base>-tN``."""
    match = re.match(r"^%s-t(\d+)$" % re.escape(base_name), name or "")
    return int(match.group(1)) - 1 if match else None


def _alibaba_end(connection: Mapping[str, Any], tunnel: Mapping[str, Any], resource: str, slot: int | None, gateway_ip: str | None,
                 customer_gateway_ips: Mapping[str, str], message: str | None) -> TunnelEnd:
    local = list(connection.get("local_subnet") or [])
    remote = list(connection.get("remote_subnet") or [])
    bgp = tunnel.get("bgp_config") or tunnel.get("vpn_bgp_config") or {}
    status = tunnel.get("status")
    return TunnelEnd(
        cloud="alibaba", resource=resource, slot=slot,
        offer=alibaba_offer({"ike_config": tunnel.get("ike_config"), "ipsec_config": tunnel.get("ipsec_config")}),
        outside_ip=tunnel.get("internet_ip") or gateway_ip, peer_ip=customer_gateway_ips.get(tunnel.get("customer_gateway_id") or ""),
        status=status, up=status == CONNECTION_ESTABLISHED, status_message=message, inside_cidr=bgp.get("tunnel_cidr") or None,
        # 0.0.0.0/0 on the local side means destination-based routing: the routes, not the subnet, say what the site has.
        local_cidrs=None if local in ([], [ANY_IPV4]) else tuple(local), remote_cidrs=tuple(remote) or None,
        selectors=(tuple(local), tuple(remote)) if local and remote else None,
        psk=(tunnel.get("ike_config") or {}).get("psk"),
    )


def alibaba_tunnel_ends(connections: Iterable[Mapping[str, Any]], gateway_ip: str | None, customer_gateway_ips: Mapping[str, str],
                        messages: Mapping[str, str], base_name: str) -> list[TunnelEnd]:
    """The tunnels of Alibaba IPsec connections (single- or dual-tunnel).

    ``connections`` are alibaba.normalize_vpn_connection() results with their keys; ``messages``
    holds the last negotiation log line per connection ID (single-tunnel) or tunnel ID (dual-tunnel).
    """
    ends = []
    for connection in connections:
        connection_id, name = connection.get("vpn_connection_id"), connection.get("name")
        tunnels = connection.get("tunnel_options") or []
        if not tunnels:
            ends.append(_alibaba_end(connection, connection, "%s (%s)" % (connection_id, name), slot_from_name(name, base_name), gateway_ip,
                                     customer_gateway_ips, messages.get(connection_id or "")))
            continue
        for position, tunnel in enumerate(tunnels):
            resource = "%s tunnel %s (%s)" % (connection_id, tunnel.get("tunnel_id"), name)
            ends.append(_alibaba_end(connection, tunnel, resource, position, gateway_ip, customer_gateway_ips,
                                     messages.get(tunnel.get("tunnel_id") or "")))
    return ends


# --------------------------------------------------------------------------- comparison


def _describe_values(end: TunnelEnd, proposal_field: ProposalField) -> str:
    values = [shown(end.cloud, proposal_field.kind, value) for value in proposal_field.values(end.offer)]
    if end.choice_lists or len(values) != 1:
        return "%s accepts [%s]" % (end.cloud, ", ".join(values))
    return "%s offers %s" % (end.cloud, values[0])


def proposal_mismatches(a: TunnelEnd, b: TunnelEnd) -> list[str]:
    """One message per field the two ends have no value in common for, in each cloud's own names."""
    skip_integrity = _phase2_integrity_irrelevant(a.offer, b.offer)
    problems = []
    for proposal_field in PROPOSAL_FIELDS:
        if skip_integrity and (proposal_field.phase, proposal_field.key) == ("phase2", "integrity"):
            continue
        if not set(proposal_field.values(a.offer)) & set(proposal_field.values(b.offer)):
            problems.append("%s: %s but %s" % (proposal_field.label, _describe_values(a, proposal_field), _describe_values(b, proposal_field)))
    return problems


def address_mismatches(a: TunnelEnd, b: TunnelEnd) -> list[str]:
    """Each end must expect the other at the address the other really has."""
    problems = []
    for this, other in ((a, b), (b, a)):
        if this.outside_ip and other.peer_ip and this.outside_ip != other.peer_ip:
            problems.append("tunnel IPs: %s %s is at %s but %s expects its peer at %s"
                            % (this.cloud, this.resource, this.outside_ip, other.cloud, other.peer_ip))
    return problems


def psk_findings(a: TunnelEnd, b: TunnelEnd) -> tuple[list[str], list[str]]:
    """(mismatches, notes) about the pre-shared keys; never a key itself."""
    if a.psk is None and b.psk is None:
        return [], []
    if a.psk is None or b.psk is None:
        silent = a if a.psk is None else b
        return [], ["pre-shared keys not compared: %s does not report its key" % silent.cloud]
    # Constant-time comparison: the keys are secrets, their common prefix is nobody's business.
    if hmac.compare_digest(a.psk.encode("utf-8"), b.psk.encode("utf-8")):
        return [], []
    return ["pre-shared keys differ"], []


def _networks(cidrs: Iterable[str]) -> list:
    return [ipaddress.ip_network(cidr, strict=False) for cidr in cidrs]


def uncovered(cidrs: Iterable[str], by: Iterable[str]) -> list[str]:
    """The CIDRs that lie in none of ``by``."""
    covering = _networks(by)
    return [cidr for cidr, network in zip(cidrs, _networks(cidrs))
            if not any(network.version == other.version and network.subnet_of(other) for other in covering)]


def _overlap(cidrs: Iterable[str], others: Iterable[str]) -> bool:
    return any(network.version == other.version and network.overlaps(other) for network in _networks(cidrs) for other in _networks(others))


def network_findings(a: TunnelEnd, b: TunnelEnd) -> tuple[list[str], list[str]]:
    """(mismatches, notes): what one end sends into the tunnel should cover the other end's networks.

    Sending nothing of them is a mismatch (no traffic can cross); covering only part of them is a
    note, since exposing part of a network can be intended.
    """
    mismatches, notes = [], []
    for sender, owner in ((a, b), (b, a)):
        if sender.remote_cidrs is None or owner.local_cidrs is None:
            continue
        sender_label = NETWORK_LABELS.get(sender.cloud, DEFAULT_NETWORK_LABELS)[1]
        owner_label = NETWORK_LABELS.get(owner.cloud, DEFAULT_NETWORK_LABELS)[0]
        found = mismatches if not _overlap(owner.local_cidrs, sender.remote_cidrs) else notes
        for cidr in uncovered(owner.local_cidrs, sender.remote_cidrs):
            found.append("%s %s %s is not covered by %s %s %s"
                         % (owner.cloud, owner_label, cidr, sender.cloud, sender_label, ", ".join(sender.remote_cidrs) or "(none)"))
    return mismatches, notes


def _selectors_fit(inner: TunnelEnd, outer: TunnelEnd) -> bool:
    """``inner``'s selectors lie within ``outer``'s, crosswise (its local side in the other's remote side)."""
    inner_local, inner_remote = inner.selectors
    outer_local, outer_remote = outer.selectors
    return not uncovered(inner_local, outer_remote) and not uncovered(inner_remote, outer_local)


def selector_mismatches(a: TunnelEnd, b: TunnelEnd) -> list[str]:
    """Phase 2 needs one end's traffic selectors within the other's, so the responder can narrow them."""
    if a.selectors is None or b.selectors is None or _selectors_fit(a, b) or _selectors_fit(b, a):
        return []
    return ["IPsec traffic selectors do not fit: %s has %s <-> %s but %s has %s <-> %s"
            % (a.cloud, ", ".join(a.selectors[0]), ", ".join(a.selectors[1]), b.cloud, ", ".join(b.selectors[0]), ", ".join(b.selectors[1]))]


def inside_cidr_mismatches(a: TunnelEnd, b: TunnelEnd) -> list[str]:
    if a.inside_cidr and b.inside_cidr and a.inside_cidr != b.inside_cidr:
        return ["inside CIDR: %s has %s but %s has %s" % (a.cloud, a.inside_cidr, b.cloud, b.inside_cidr)]
    return []


def lifetime_notes(a: TunnelEnd, b: TunnelEnd) -> list[str]:
    """Different lifetimes still interoperate (each end rekeys on its own timer); worth knowing."""
    notes = []
    for phase, label in LIFETIME_LABELS.items():
        mine, theirs = a.offer[phase].get("lifetime"), b.offer[phase].get("lifetime")
        if mine and theirs and mine != theirs:
            notes.append("%s: %s %d s, %s %d s (local policy; the shorter one rekeys)" % (label, a.cloud, mine, b.cloud, theirs))
    return notes


def compare_ends(a: TunnelEnd, b: TunnelEnd) -> tuple[list[str], list[str]]:
    """(mismatches, notes): mismatches keep the tunnel down; notes do not."""
    psk_problems, psk_notes = psk_findings(a, b)
    network_problems, network_notes = network_findings(a, b)
    mismatches = (address_mismatches(a, b) + proposal_mismatches(a, b) + psk_problems + inside_cidr_mismatches(a, b)
                  + network_problems + selector_mismatches(a, b))
    return mismatches, psk_notes + network_notes + lifetime_notes(a, b)


# --------------------------------------------------------------------------- pairing


@dataclass
class PairedTunnel:
    """One tunnel of a link with both its ends (an end is None when the other cloud has none for it)."""

    name: str
    a: TunnelEnd | None
    b: TunnelEnd | None
    mismatches: list[str]
    notes: list[str]
    proposal: dict | None

    @property
    def agree(self) -> bool:
        return self.a is not None and self.b is not None and not self.mismatches

    @property
    def up(self) -> bool:
        """Both clouds say the tunnel is up (one end's word alone proves nothing)."""
        return self.a is not None and self.b is not None and self.a.up and self.b.up

    def to_dict(self) -> dict:
        return {
            "name": self.name, "a": self.a.to_dict() if self.a else None, "b": self.b.to_dict() if self.b else None,
            "agree": self.agree, "mismatches": list(self.mismatches), "notes": list(self.notes), "up": self.up,
            "proposal": self.proposal,
        }


def _take(candidates: list, wanted: Callable[[TunnelEnd], bool]) -> TunnelEnd | None:
    for candidate in candidates:
        if wanted(candidate):
            candidates.remove(candidate)
            return candidate
    return None


def match_ends(a_ends: list[TunnelEnd], b_ends: list[TunnelEnd]) -> list[tuple[TunnelEnd | None, TunnelEnd | None]]:
    """Pair ends: by both addresses, then by the address b points at, then by slot; leftovers alone.

    Addresses decide first because they are what IKE uses; the slot (the tunnel an end was built
    for) still pairs ends whose addresses are wrong, so the wrong address is reported as such.
    """
    free = list(b_ends)
    partners: dict[int, TunnelEnd] = {}
    rules = (
        lambda a, b: bool(a.outside_ip) and b.peer_ip == a.outside_ip and a.peer_ip == b.outside_ip,
        lambda a, b: bool(a.outside_ip) and b.peer_ip == a.outside_ip,
        lambda a, b: a.slot is not None and b.slot == a.slot,
    )
    for rule in rules:
        for position, a in enumerate(a_ends):
            if position not in partners:
                match = _take(free, lambda b, a=a, rule=rule: rule(a, b))
                if match is not None:
                    partners[position] = match
    pairs: list[tuple[TunnelEnd | None, TunnelEnd | None]] = [(a, partners.get(position)) for position, a in enumerate(a_ends)]
    pairs.extend((None, b) for b in free)
    return pairs


def tunnel_name(link: str, a: TunnelEnd | None, b: TunnelEnd | None, position: int) -> str:
    """The planner's tunnel name (``<link>-tN``) from the slot an end was built for."""
    slot = next((end.slot for end in (a, b) if end is not None and end.slot is not None), position)
    return "%s-t%d" % (link, slot + 1)


def missing_end_message(present: TunnelEnd, missing_cloud: str) -> str:
    if present.outside_ip and present.peer_ip:
        return ("no %s end: %s %s (at %s, peer %s) has no counterpart pointing at it"
                % (missing_cloud, present.cloud, present.resource, present.outside_ip, present.peer_ip))
    return "no %s end: %s %s has no counterpart" % (missing_cloud, present.cloud, present.resource)


def pair_tunnels(link: str, a_cloud: str, b_cloud: str, a_ends: list[TunnelEnd], b_ends: list[TunnelEnd]) -> list[PairedTunnel]:
    """Every tunnel of the link, compared: in the order the first cloud lists its tunnels, then the
    second cloud's ends that have no counterpart."""
    tunnels = []
    for position, (a, b) in enumerate(match_ends(a_ends, b_ends)):
        name = tunnel_name(link, a, b, position)
        if a is None or b is None:
            message = missing_end_message(a, b_cloud) if b is None else missing_end_message(b, a_cloud)
            tunnels.append(PairedTunnel(name, a, b, [message], [], None))
            continue
        mismatches, notes = compare_ends(a, b)
        tunnels.append(PairedTunnel(name, a, b, mismatches, notes, agreed_proposal(a.offer, b.offer)))
    return tunnels


# --------------------------------------------------------------------------- health, waiting, summary


def _end_status(end: TunnelEnd | None, cloud: str) -> str:
    if end is None:
        return "%s: no end" % cloud
    text = "%s %s" % (end.cloud, end.status or "unknown")
    return text + (" (%s)" % end.status_message if end.status_message else "")


@dataclass
class LinkReport:
    """Every tunnel of one link, read back from both clouds."""

    link: str
    a_cloud: str
    b_cloud: str
    tunnels: list[PairedTunnel]

    @property
    def up_tunnels(self) -> int:
        return sum(1 for tunnel in self.tunnels if tunnel.up)

    def enough_up(self, mode: str) -> bool:
        """``any``: one tunnel up on both ends; ``all`` (and ``none``): every tunnel."""
        if not self.tunnels:
            return False
        return self.up_tunnels >= 1 if mode == "any" else self.up_tunnels == len(self.tunnels)

    def healthy(self, mode: str) -> bool:
        return bool(self.tunnels) and all(tunnel.agree for tunnel in self.tunnels) and self.enough_up(mode)

    def hopeless(self, mode: str) -> str | None:
        """Why the wanted tunnels will never come up: their configurations disagree. None while there is hope."""
        broken = [tunnel for tunnel in self.tunnels if not tunnel.agree]
        if not broken or (mode == "any" and len(broken) < len(self.tunnels)):
            return None
        return "link %s will not work, its ends disagree: %s" % (
            self.link, "; ".join("%s: %s" % (tunnel.name, ", ".join(tunnel.mismatches)) for tunnel in broken))

    def describe_statuses(self) -> str:
        """Each tunnel's last status on both ends, with the clouds' own explanations (for timeouts)."""
        if not self.tunnels:
            return "no tunnels"
        return "; ".join("%s: %s, %s" % (tunnel.name, _end_status(tunnel.a, self.a_cloud), _end_status(tunnel.b, self.b_cloud))
                         + ("" if tunnel.agree else " (ends disagree: %s)" % ", ".join(tunnel.mismatches))
                         for tunnel in self.tunnels)

    def summary(self) -> list[str]:
        """One line per tunnel: both outside IPs, both statuses, the proposal in use, agreement."""
        lines = []
        for tunnel in self.tunnels:
            ends = []
            for end, cloud in ((tunnel.a, self.a_cloud), (tunnel.b, self.b_cloud)):
                if end is None:
                    ends.append("%s missing" % cloud)
                else:
                    ends.append("%s %s %s" % (end.cloud, end.outside_ip or "?", end.status or "unknown")
                                + (" (%s)" % end.status_message if end.status_message else ""))
            verdict = "agree" if tunnel.agree else "MISMATCH: " + "; ".join(tunnel.mismatches)
            lines.append("%s: %s | %s | %s" % (tunnel.name, " <-> ".join(ends), proposal_text(tunnel.proposal), verdict))
        return lines

    def to_result(self, mode: str) -> dict:
        return {"tunnels": [tunnel.to_dict() for tunnel in self.tunnels], "healthy": self.healthy(mode),
                "up_tunnels": self.up_tunnels, "summary": self.summary()}


# --------------------------------------------------------------------------- rendering from a plan

# The module each cloud's parameters are for, and what it needs besides the proposal.
MODULES = {"aws": "multicloud.interconnect.aws_vpn_connection", "alibaba": "multicloud.interconnect.alibaba_ipsec_connection"}


def _aws_extras(end: Mapping[str, Any]) -> dict:
    return {"tunnel_inside_cidr": end["inside_cidr"]}


RENDER_EXTRAS: dict[str, Callable[[Mapping[str, Any]], dict]] = {"aws": _aws_extras}


def plan_of(value: Any) -> dict:
    """The plan itself or the whole registered result of interconnect_plan."""
    if isinstance(value, Mapping) and isinstance(value.get("plan"), Mapping):
        value = value["plan"]
    if not isinstance(value, Mapping) or "links" not in value or "sites" not in value:
        raise ValueError("plan: expected the plan of multicloud.interconnect.interconnect_plan (a dict with sites and links)")
    return dict(value)


def plan_link(plan: Mapping[str, Any], link: str) -> dict:
    for candidate in plan.get("links") or []:
        if candidate.get("name") == link:
            return candidate
    names = ", ".join(candidate.get("name", "?") for candidate in plan.get("links") or []) or "none"
    raise ValueError("link: %r is not in the plan (its links: %s)" % (link, names))


def render_end(end: Mapping[str, Any], proposal: Mapping[str, Any]) -> dict:
    """One end's parameters, in the vocabulary of its cloud's module (None where there is no module yet)."""
    cloud = end["cloud"]
    cloud_names = (proposal.get("cloud_names") or {}).get(cloud)
    parameters = None
    if cloud_names is not None:
        parameters = camel_dict_to_snake_dict(cloud_names)
        extras = RENDER_EXTRAS.get(cloud)
        if extras:
            parameters.update(extras(end))
    return {
        "site": end["site"], "cloud": cloud, "role": end.get("role"), "inside_ip": end.get("inside_ip"),
        "peer_inside_ip": end.get("peer_inside_ip"), "asn": end.get("asn"), "peer_asn": end.get("peer_asn"),
        "module": MODULES.get(cloud), "parameters": parameters,
    }


def _rendered_end(rendered: Mapping[str, Any], slot: int, psk: str | None) -> TunnelEnd | None:
    reader = OFFER_READERS.get(rendered["cloud"])
    if reader is None or rendered["parameters"] is None:
        return None
    return TunnelEnd(cloud=rendered["cloud"], resource=rendered["role"] or rendered["site"], slot=slot, offer=reader(rendered["parameters"]), psk=psk)


def psk_problems(tunnel: str, clouds: Iterable[str], psk: str) -> list[str]:
    """What each cloud of the tunnel refuses in its key (the key itself never appears)."""
    problems = []
    for cloud in dict.fromkeys(clouds):
        problem = cloud_facts.psk_problem(cloud, psk)
        if problem:
            problems.append("psks.%s: %s" % (tunnel, problem))
    return problems


def render_link(plan: Mapping[str, Any], link: str, psks: Mapping[str, str] | None = None) -> dict:
    """Both ends of every tunnel of a planned link, as their clouds' modules take them; keys are never included.

    Each tunnel is also checked the way a built one is: both rendered ends translated back into
    offers and compared, so a plan whose ends would disagree says so before anything is built.
    """
    psks = psks or {}
    link_plan = plan_link(plan, link)
    proposal = link_plan["proposal"]
    tunnels = []
    for tunnel in link_plan["tunnels"]:
        a, b = render_end(tunnel["a"], proposal), render_end(tunnel["b"], proposal)
        psk = psks.get(tunnel["name"])
        problems = psk_problems(tunnel["name"], (a["cloud"], b["cloud"]), psk) if psk is not None else []
        a_end, b_end = _rendered_end(a, tunnel["index"], psk), _rendered_end(b, tunnel["index"], psk)
        mismatches, notes = compare_ends(a_end, b_end) if a_end and b_end else ([], ["not checked: no module for one of the clouds yet"])
        tunnels.append({"name": tunnel["name"], "index": tunnel["index"], "inside_cidr": tunnel["inside_cidr"], "a": a, "b": b,
                        "psk_given": psk is not None, "problems": problems, "agree": not mismatches and not problems,
                        "mismatches": mismatches, "notes": notes})
    canonical = {key: proposal[key] for key in ("ike_version", "phase1", "phase2", "strongswan") if key in proposal}
    return {"link": {"name": link_plan["name"], "a": link_plan["a"], "b": link_plan["b"], "routing": link_plan["routing"]},
            "proposal": canonical, "tunnels": tunnels}


def rendered_summary(rendered: Mapping[str, Any]) -> list[str]:
    lines = []
    for tunnel in rendered["tunnels"]:
        a, b = tunnel["a"], tunnel["b"]
        verdicts = (["MISMATCH: " + "; ".join(tunnel["mismatches"])] if tunnel["mismatches"] else []) + (
            ["PROBLEM: " + "; ".join(tunnel["problems"])] if tunnel["problems"] else [])
        verdict = " | ".join(verdicts) or "agree"
        lines.append("%s %s: %s %s (%s) <-> %s %s (%s) | %s | key %s | %s" % (
            tunnel["name"], tunnel["inside_cidr"], a["cloud"], a["inside_ip"], a["role"], b["cloud"], b["inside_ip"], b["role"],
            proposal_text(rendered["proposal"]), "given" if tunnel["psk_given"] else "not given", verdict))
    return lines
