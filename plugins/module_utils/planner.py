# -*- coding: utf-8 -*-
# Copyright: contributors to the multicloud.interconnect collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The interconnect planner: sites + links -> inside /30s, ASNs, PSKs, IKE proposal, Mermaid.

Pure and deterministic: the same input gives the same plan. The one exception is a pre-shared key
that neither the link nor ``existing_psks`` provides: it is generated with ``secrets``. Feed the
generated keys back as ``existing_psks`` (read back from the cloud or kept in an ansible-vault file)
and a rerun gives the very same plan.

Every input problem raises one ``PlanError(field, value, reason)`` before anything else happens;
``field`` is the path of the offending input (``links[1].inside_cidrs[0]``).

Cloud facts come from ``cloud_facts`` only; this file holds the planning rules.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field as dataclass_field

try:
    import netaddr
    HAS_NETADDR = True
    NETADDR_IMPORT_ERROR = None
except ImportError as _netaddr_error:  # pragma: no cover - exercised by ansible-test's import test
    netaddr = None
    HAS_NETADDR = False
    NETADDR_IMPORT_ERROR = _netaddr_error

from ansible_collections.multicloud.interconnect.plugins.module_utils import cloud_facts as facts

ROUTING_MODES = ("bgp", "static")
SITE_KEYS = ("name", "cloud", "region", "cidrs", "gateway")
GATEWAY_KEYS = ("kind", "asn", "sku")
LINK_KEYS = ("name", "a", "b", "routing", "tunnels", "inside_cidrs", "psk", "ike")
IKE_PREFERENCE_KEYS = ("ike_version", "encryption", "integrity", "dh_group", "pfs_group", "phase1_lifetime", "phase2_lifetime")
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
REDACTED = "<redacted>"


class PlanError(ValueError):
    """Bad planner input: which field, which value, and why."""

    def __init__(self, field: str, value, reason: str) -> None:
        self.field = field
        self.value = value
        self.reason = reason
        super().__init__(str(self))

    def __str__(self) -> str:
        return "%s: %s (got %s)" % (self.field, self.reason, _show(self.value))


def _show(value) -> str:
    if isinstance(value, str):
        return repr(value)
    return str(value)


def _require_netaddr() -> None:
    if not HAS_NETADDR:
        raise ImportError("the interconnect planner needs the Python library netaddr") from NETADDR_IMPORT_ERROR


# ---------------------------------------------------------------------------
# Input model
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Gateway:
    kind: str
    asn: int | None = None
    sku: str | None = None


@dataclass(frozen=True)
class Site:
    index: int
    name: str
    cloud: str
    region: str
    cidrs: tuple
    gateway: Gateway

    @property
    def path(self) -> str:
        return "sites[%d]" % self.index

    @property
    def kind_facts(self) -> dict:
        return facts.GATEWAY_KINDS[self.cloud][self.gateway.kind]

    @property
    def endpoints(self) -> int:
        return self.kind_facts["endpoints"]


@dataclass(frozen=True)
class IkePreference:
    ike_version: str | None = None
    encryption: str | None = None
    integrity: str | None = None
    dh_group: int | None = None
    pfs_group: int | None = None
    phase1_lifetime: int | None = None
    phase2_lifetime: int | None = None


@dataclass(frozen=True)
class Link:
    index: int
    name: str
    a: Site
    b: Site
    routing: str
    tunnels: int
    inside_cidrs: tuple
    psk: str | None
    ike: IkePreference

    @property
    def path(self) -> str:
        return "links[%d]" % self.index

    @property
    def ends(self) -> tuple:
        return (self.a, self.b)

    def peer_of(self, site: Site) -> Site:
        return self.b if site is self.a else self.a

    def tunnel_name(self, index: int) -> str:
        return "%s-t%d" % (self.name, index + 1)


def _reject_unknown_keys(raw: dict, allowed: tuple, path: str) -> None:
    for key in sorted(raw):
        if key not in allowed:
            raise PlanError("%s.%s" % (path, key), raw[key], "unknown key; expected one of %s" % ", ".join(allowed))


def _require_mapping(raw, path: str) -> dict:
    if not isinstance(raw, dict):
        raise PlanError(path, raw, "must be a mapping")
    return raw


def _require_name(raw: dict, key: str, path: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not NAME_PATTERN.match(value):
        raise PlanError("%s.%s" % (path, key), value, "must be a name of letters, digits, '.', '_' or '-'")
    return value


def _optional_int(raw: dict, key: str, path: str) -> int | None:
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise PlanError("%s.%s" % (path, key), value, "must be an integer")
    return value


def parse_network(text, path: str):
    """A netaddr IPNetwork from a CIDR string that must be a network address."""
    _require_netaddr()
    if not isinstance(text, str):
        raise PlanError(path, text, "must be a CIDR string such as 10.0.0.0/16")
    try:
        network = netaddr.IPNetwork(text)
    except (netaddr.AddrFormatError, ValueError, TypeError):
        raise PlanError(path, text, "is not a valid CIDR") from None
    if "/" not in text:
        raise PlanError(path, text, "needs a prefix length, e.g. %s/24" % text)
    if network.network != network.ip:
        raise PlanError(path, text, "has host bits set; did you mean %s?" % network.cidr)
    return network


def parse_gateway(raw, cloud: str, path: str) -> Gateway:
    raw = _require_mapping(raw if raw is not None else {}, path)
    _reject_unknown_keys(raw, GATEWAY_KEYS, path)
    kinds = facts.GATEWAY_KINDS[cloud]
    kind = raw.get("kind") or next(iter(kinds))
    if kind not in kinds:
        raise PlanError(path + ".kind", kind, "%s gateways are one of %s" % (cloud, ", ".join(kinds)))
    sku = raw.get("sku")
    if sku is not None:
        skus = facts.TUNNEL_LIMITS["azure"]["s2s_tunnels_per_sku"]
        if cloud != "azure":
            raise PlanError(path + ".sku", sku, "only Azure gateways have a SKU")
        if sku not in skus:
            raise PlanError(path + ".sku", sku, "Azure VPN gateway SKUs are %s" % ", ".join(skus))
        if sku == "Basic" and kind == "active_active":
            raise PlanError(path + ".sku", sku, "the Basic SKU cannot be active-active")
    return Gateway(kind=kind, asn=_optional_int(raw, "asn", path), sku=sku)


def parse_site(raw, index: int) -> Site:
    path = "sites[%d]" % index
    raw = _require_mapping(raw, path)
    _reject_unknown_keys(raw, SITE_KEYS, path)
    name = _require_name(raw, "name", path)
    cloud = raw.get("cloud")
    if cloud not in facts.CLOUDS:
        raise PlanError(path + ".cloud", cloud, "must be one of %s" % ", ".join(facts.CLOUDS))
    region = raw.get("region")
    if not isinstance(region, str) or not region:
        raise PlanError(path + ".region", region, "must be a non-empty string")
    cidrs = raw.get("cidrs")
    if not isinstance(cidrs, (list, tuple)) or not cidrs:
        raise PlanError(path + ".cidrs", cidrs, "must be a non-empty list of CIDRs")
    networks = tuple(str(parse_network(cidr, "%s.cidrs[%d]" % (path, position))) for position, cidr in enumerate(cidrs))
    gateway = parse_gateway(raw.get("gateway"), cloud, path + ".gateway")
    return Site(index=index, name=name, cloud=cloud, region=region, cidrs=networks, gateway=gateway)


def parse_sites(raw_sites) -> list:
    if not isinstance(raw_sites, (list, tuple)) or not raw_sites:
        raise PlanError("sites", raw_sites, "must be a non-empty list")
    sites = [parse_site(raw, index) for index, raw in enumerate(raw_sites)]
    seen = {}
    for site in sites:
        if site.name in seen:
            raise PlanError(site.path + ".name", site.name, "duplicate site name (also %s)" % seen[site.name].path)
        seen[site.name] = site
    return sites


def parse_ike_preference(raw, path: str) -> IkePreference:
    if raw is None:
        return IkePreference()
    raw = _require_mapping(raw, path)
    _reject_unknown_keys(raw, IKE_PREFERENCE_KEYS, path)
    checks = (
        ("ike_version", facts.IKE_VERSION_STRENGTH),
        ("encryption", facts.ENCRYPTION_STRENGTH),
        ("integrity", facts.INTEGRITY_STRENGTH),
        ("dh_group", facts.DH_GROUP_STRENGTH),
        ("pfs_group", facts.DH_GROUP_STRENGTH),
    )
    for key, known in checks:
        value = raw.get(key)
        if value is not None and value not in known:
            raise PlanError("%s.%s" % (path, key), value, "must be one of %s" % ", ".join(str(item) for item in known))
    for key in ("phase1_lifetime", "phase2_lifetime"):
        _optional_int(raw, key, path)
    return IkePreference(**{key: raw.get(key) for key in IKE_PREFERENCE_KEYS})


def default_tunnel_count(a: Site, b: Site) -> int:
    """How many tunnels the usual pattern between two gateways has.

    AWS builds one VPN connection (2 tunnels) per peer endpoint: 4 to an active-active Azure
    gateway or to GCP HA VPN (seed 002, GCP FOUR_IPS_REDUNDANCY), 2 otherwise (seed 003).
    Without AWS, one tunnel per endpoint of the larger side: GCP HA VPN <-> Azure active-active = 2.
    """
    tunnels_per_connection = facts.TUNNEL_LIMITS["aws"]["tunnels_per_connection"]
    for aws_end, other in ((a, b), (b, a)):
        if aws_end.cloud == "aws":
            peer_endpoints = other.endpoints if other.cloud in ("azure", "gcp") else 1
            return tunnels_per_connection * peer_endpoints
    return max(a.endpoints, b.endpoints)


def parse_link(raw, index: int, sites_by_name: dict) -> Link:
    path = "links[%d]" % index
    raw = _require_mapping(raw, path)
    _reject_unknown_keys(raw, LINK_KEYS, path)
    ends = []
    for key in ("a", "b"):
        name = raw.get(key)
        if name not in sites_by_name:
            raise PlanError("%s.%s" % (path, key), name, "is not the name of a site (sites: %s)" % ", ".join(sorted(sites_by_name)))
        ends.append(sites_by_name[name])
    a, b = ends
    if a is b:
        raise PlanError(path + ".b", b.name, "a link needs two different sites")
    if a.cloud == "aws" and b.cloud == "aws":
        raise PlanError(path + ".b", b.name, "AWS VPN cannot terminate on another AWS VPN gateway; use VPC or TGW peering")
    name = raw.get("name")
    if name is None:
        name = "%s-%s" % (a.name, b.name)
    elif not isinstance(name, str) or not NAME_PATTERN.match(name):
        raise PlanError(path + ".name", name, "must be a name of letters, digits, '.', '_' or '-'")
    routing = raw.get("routing") or "bgp"
    if routing not in ROUTING_MODES:
        raise PlanError(path + ".routing", routing, "must be one of %s" % ", ".join(ROUTING_MODES))
    if routing == "bgp":
        for site in (a, b):
            if not site.kind_facts["bgp"]:
                raise PlanError(path + ".routing", routing, "site %s (%s %s gateway) cannot run BGP; use static routing"
                                % (site.name, site.cloud, site.gateway.kind))
    tunnels = _optional_int(raw, "tunnels", path)
    if tunnels is None:
        tunnels = default_tunnel_count(a, b)
    if tunnels < 1:
        raise PlanError(path + ".tunnels", tunnels, "a link needs at least one tunnel")
    inside_cidrs = raw.get("inside_cidrs") or ()
    if not isinstance(inside_cidrs, (list, tuple)):
        raise PlanError(path + ".inside_cidrs", inside_cidrs, "must be a list of /30 CIDRs")
    if len(inside_cidrs) > tunnels:
        raise PlanError(path + ".inside_cidrs", list(inside_cidrs), "lists more /30s than the link has tunnels (%d)" % tunnels)
    psk = raw.get("psk")
    if psk is not None:
        for site in (a, b):
            problem = facts.psk_problem(site.cloud, psk)
            if problem:
                raise PlanError(path + ".psk", REDACTED, problem)
    ike = parse_ike_preference(raw.get("ike"), path + ".ike")
    return Link(index=index, name=name, a=a, b=b, routing=routing, tunnels=tunnels,
                inside_cidrs=tuple(inside_cidrs), psk=psk, ike=ike)


def parse_links(raw_links, sites: list) -> list:
    if raw_links is None:
        raw_links = []
    if not isinstance(raw_links, (list, tuple)):
        raise PlanError("links", raw_links, "must be a list")
    sites_by_name = {site.name: site for site in sites}
    links = [parse_link(raw, index, sites_by_name) for index, raw in enumerate(raw_links)]
    seen = {}
    for link in links:
        if link.name in seen:
            raise PlanError(link.path + ".name", link.name, "duplicate link name (also %s)" % seen[link.name].path)
        seen[link.name] = link
    return links


# ---------------------------------------------------------------------------
# Checks across sites and links
# ---------------------------------------------------------------------------

def check_cidr_overlaps(sites: list) -> None:
    """No two site CIDRs overlap (within a site or across sites), and none uses link-local space."""
    link_local = netaddr.IPNetwork(facts.LINK_LOCAL_CIDR)
    seen = []  # (network, site, position)
    for site in sites:
        for position, cidr in enumerate(site.cidrs):
            network = netaddr.IPNetwork(cidr)
            path = "%s.cidrs[%d]" % (site.path, position)
            if network.version == 4 and (network in link_local or link_local in network):
                raise PlanError(path, cidr, "overlaps %s, which tunnel inside addresses use" % facts.LINK_LOCAL_CIDR)
            for other, other_site, other_position in seen:
                if network.version == other.version and (network in other or other in network):
                    raise PlanError(path, cidr, "overlaps %s of site %s (%s.cidrs[%d])"
                                    % (other, other_site.name, other_site.path, other_position))
            seen.append((network, site, position))


def check_tunnel_limits(links: list) -> None:
    """Per link and per gateway: no more tunnels or connections than the cloud allows."""
    aws_limits = facts.TUNNEL_LIMITS["aws"]
    azure_limits = facts.TUNNEL_LIMITS["azure"]
    gcp_limits = facts.TUNNEL_LIMITS["gcp"]
    aws_connections = {}
    azure_tunnels = {}
    for link in links:
        for site in link.ends:
            peer = link.peer_of(site)
            if site.cloud == "aws":
                per_connection = aws_limits["tunnels_per_connection"]
                if link.tunnels % per_connection:
                    raise PlanError(link.path + ".tunnels", link.tunnels,
                                    "an AWS VPN connection has exactly %d tunnels, so a link to AWS site %s needs a multiple of %d"
                                    % (per_connection, site.name, per_connection))
                total = aws_connections.get(site.name, 0) + link.tunnels // per_connection
                aws_connections[site.name] = total
                if site.gateway.kind == "vgw" and total > aws_limits["connections_per_vgw"]:
                    raise PlanError(link.path + ".tunnels", link.tunnels,
                                    "AWS site %s would have %d VPN connections; a VGW allows %d"
                                    % (site.name, total, aws_limits["connections_per_vgw"]))
            elif site.cloud == "azure":
                sku = site.gateway.sku or azure_limits["default_sku"]
                limit = azure_limits["s2s_tunnels_per_sku"][sku]
                total = azure_tunnels.get(site.name, 0) + link.tunnels
                azure_tunnels[site.name] = total
                if total > limit:
                    raise PlanError(link.path + ".tunnels", link.tunnels,
                                    "Azure site %s would have %d S2S tunnels; SKU %s allows %d" % (site.name, total, sku, limit))
                if sku == "Basic" and link.routing == "bgp":
                    raise PlanError(link.path + ".routing", link.routing, "Azure site %s uses the Basic SKU, which has no BGP" % site.name)
            elif site.cloud == "gcp" and peer.cloud != "gcp":
                limit = gcp_limits["external_gateway_interfaces"]
                if link.tunnels > limit:
                    raise PlanError(link.path + ".tunnels", link.tunnels,
                                    "GCP site %s reaches a peer through an external VPN gateway of at most %d interfaces"
                                    % (site.name, limit))


# ---------------------------------------------------------------------------
# ASNs
# ---------------------------------------------------------------------------

def _bgp_peers(links: list) -> dict:
    """site name -> list of (peer site, link) over BGP links."""
    peers = {}
    for link in links:
        if link.routing != "bgp":
            continue
        for site in link.ends:
            peers.setdefault(site.name, []).append((link.peer_of(site), link))
    return peers


def _asn_candidates():
    for low, high in facts.PRIVATE_ASN_RANGES:
        yield from range(low, high + 1)


def assign_asns(sites: list, links: list) -> dict:
    """site name -> ASN for every site that has a user ASN or takes part in a BGP link.

    User ASNs are checked (range, reservations of the site's cloud and of every BGP peer's cloud,
    uniqueness); the other BGP sites get the lowest free private ASN, in site-name order.
    """
    peers = _bgp_peers(links)
    assigned = {}
    owner = {}
    for site in sites:
        asn = site.gateway.asn
        if asn is None:
            continue
        path = site.path + ".gateway.asn"
        problem = facts.asn_problem(site.cloud, asn)
        if problem:
            raise PlanError(path, asn, problem)
        for peer, link in peers.get(site.name, []):
            problem = facts.peer_asn_problem(peer.cloud, asn)
            if problem:
                raise PlanError(path, asn, "%s (site %s on link %s)" % (problem, peer.name, link.name))
        if asn in owner:
            raise PlanError(path, asn, "ASN clash: site %s (%s.gateway.asn) already uses it" % (owner[asn].name, owner[asn].path))
        owner[asn] = site
        assigned[site.name] = asn
    for site in sorted(sites, key=lambda item: item.name):
        if site.name in assigned or site.name not in peers:
            continue
        peer_clouds = sorted({peer.cloud for peer, _link in peers[site.name]})
        for asn in _asn_candidates():
            if asn in owner or facts.asn_problem(site.cloud, asn):
                continue
            if any(facts.peer_asn_problem(cloud, asn) for cloud in peer_clouds):
                continue
            owner[asn] = site
            assigned[site.name] = asn
            break
    return assigned


# ---------------------------------------------------------------------------
# Tunnel roles and inside /30s
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class EndLayout:
    """Where a tunnel lands on one gateway."""

    connection: int  # which cloud connection object of this link (AWS VPN connection, Azure connection, ...)
    endpoint: int  # which public endpoint of the gateway (Azure instance, GCP interface, AWS/Alibaba tunnel slot)
    role: str


def end_layout(site: Site, peer: Site, index: int) -> EndLayout:
    """The role of tunnel `index` of a link on `site`'s gateway (see default_tunnel_count)."""
    per_connection = facts.TUNNEL_LIMITS["aws"]["tunnels_per_connection"]
    if site.cloud == "aws":
        connection, slot = divmod(index, per_connection)
        return EndLayout(connection, slot, "VPN connection %d tunnel %d" % (connection + 1, slot + 1))
    if site.cloud == "alibaba":
        connection, slot = divmod(index, facts.TUNNEL_LIMITS["alibaba"]["tunnels_per_dual_tunnel_connection"])
        return EndLayout(connection, slot, "IPsec connection %d tunnel %d" % (connection + 1, slot + 1))
    # Azure and GCP spread the peer's connections (AWS) or tunnels (others) over their endpoints.
    group = index // per_connection if peer.cloud == "aws" else index
    endpoint = group % site.endpoints
    if site.cloud == "azure":
        return EndLayout(index, endpoint, "instance %d connection %d" % (endpoint, index + 1))
    if site.cloud == "gcp":
        return EndLayout(index, endpoint, "interface %d tunnel %d" % (endpoint, index + 1))
    return EndLayout(index, 0, "tunnel %d" % (index + 1))


def inside_pool(link: Link, index: int):
    """The range to allocate tunnel `index`'s /30 from, as (first, last) integers.

    With an Azure end: the APIPA /24 of the Azure instance the tunnel lands on (seed 002:
    instance 0 uses 169.254.21.x, instance 1 169.254.22.x). Otherwise all of link-local; the
    per-cloud rules (AWS reserved /30s) are applied to each candidate.
    """
    for site in link.ends:
        if site.cloud == "azure":
            layout = end_layout(site, link.peer_of(site), index)
            pools = facts.AZURE_APIPA_INSTANCE_CIDRS
            network = netaddr.IPNetwork(pools[layout.endpoint % len(pools)])
            return network.first, network.last
    network = netaddr.IPNetwork(facts.LINK_LOCAL_CIDR)
    return network.first, network.last


def _azure_apipa_range():
    return int(netaddr.IPAddress(facts.AZURE_APIPA_FIRST)), int(netaddr.IPAddress(facts.AZURE_APIPA_LAST))


def _inside_problem(link: Link, cidr: str) -> str | None:
    """Why `cidr` cannot be a tunnel /30 of `link`; cloud-specific reasons name the site."""
    problem = facts.inside_cidr_problem("onprem", cidr)  # the rules every cloud shares
    if problem:
        return problem
    for site in link.ends:
        problem = facts.inside_cidr_problem(site.cloud, cidr)
        if problem:
            return "%s (site %s)" % (problem, site.name)
    return None


def allocate_inside_cidrs(links: list) -> dict:
    """(link name, tunnel index) -> inside /30, unique across the plan (so unique per gateway).

    Requested /30s are checked and kept first; the rest are the lowest free /30 of each tunnel's
    pool, links in name order, tunnels in index order. Away from Azure the APIPA range is skipped,
    so Azure links never run out because other links used it.
    """
    taken = {}
    result = {}
    for link in links:
        for position, cidr in enumerate(link.inside_cidrs):
            path = "%s.inside_cidrs[%d]" % (link.path, position)
            if not isinstance(cidr, str):
                raise PlanError(path, cidr, "must be a /30 CIDR string")
            problem = _inside_problem(link, cidr)
            if problem:
                raise PlanError(path, cidr, problem)
            cidr = str(netaddr.IPNetwork(cidr).cidr)
            if cidr in taken:
                raise PlanError(path, cidr, "already used by tunnel %s" % taken[cidr])
            taken[cidr] = link.tunnel_name(position)
            result[(link.name, position)] = cidr
    apipa_first, apipa_last = _azure_apipa_range()
    block = 2 ** (32 - facts.INSIDE_PREFIX_LENGTH)
    for link in sorted(links, key=lambda item: item.name):
        has_azure = any(site.cloud == "azure" for site in link.ends)
        for index in range(link.tunnels):
            if (link.name, index) in result:
                continue
            first, last = inside_pool(link, index)
            chosen = None
            for start in range(first, last + 1, block):
                if not has_azure and apipa_first <= start <= apipa_last:
                    continue
                cidr = "%s/%d" % (netaddr.IPAddress(start), facts.INSIDE_PREFIX_LENGTH)
                if cidr in taken or _inside_problem(link, cidr):
                    continue
                chosen = cidr
                break
            if chosen is None:
                raise PlanError(link.path + ".tunnels", link.tunnels, "no free inside /30 left in %s-%s for tunnel %s"
                                % (netaddr.IPAddress(first), netaddr.IPAddress(last), link.tunnel_name(index)))
            taken[chosen] = link.tunnel_name(index)
            result[(link.name, index)] = chosen
    return result


def address_order(link: Link) -> tuple:
    """(site taking the first usable address, site taking the second) — AWS first, Azure last."""
    return tuple(sorted(link.ends, key=lambda site: (facts.INSIDE_ADDRESS_ORDER[site.cloud], site.name)))


# ---------------------------------------------------------------------------
# Pre-shared keys
# ---------------------------------------------------------------------------

def generate_psk() -> str:
    """A fresh key every cloud accepts (letters and digits, never starting with 0)."""
    alphabet = facts.GENERATED_PSK_ALPHABET
    first_choices = alphabet.replace("0", "")
    return secrets.choice(first_choices) + "".join(secrets.choice(alphabet) for _position in range(facts.GENERATED_PSK_LENGTH - 1))


def check_existing_psks(existing_psks) -> dict:
    if existing_psks is None:
        return {}
    if not isinstance(existing_psks, dict):
        raise PlanError("existing_psks", REDACTED, "must be a mapping of tunnel name to pre-shared key")
    return existing_psks


def choose_psk(link: Link, index: int, existing_psks: dict) -> tuple:
    """(psk, source) for one tunnel: the link's own key, else the existing one, else a new one."""
    if link.psk is not None:
        return link.psk, "link"
    name = link.tunnel_name(index)
    if name in existing_psks:
        psk = existing_psks[name]
        for site in link.ends:
            problem = facts.psk_problem(site.cloud, psk)
            if problem:
                raise PlanError("existing_psks.%s" % name, REDACTED, problem)
        return psk, "existing"
    return generate_psk(), "generated"


# ---------------------------------------------------------------------------
# IKE / IPsec proposal
# ---------------------------------------------------------------------------

def capabilities_for(site: Site) -> dict:
    """The site's IKE capabilities, narrowed by its gateway kind (e.g. Azure policy-based: IKEv1)."""
    capabilities = facts.IKE_CAPABILITIES[site.cloud]
    versions = site.kind_facts.get("ike_versions")
    if versions:
        capabilities = dict(capabilities, ike_versions=tuple(v for v in capabilities["ike_versions"] if v in versions))
    return capabilities


def _strongest(options, strength_order):
    ranked = [item for item in strength_order if item in options]
    return ranked[0] if ranked else None


def _common(field: str, value_label: str, what: str, named_options: list) -> list:
    """Values every end accepts, or a PlanError that lists what each end accepts."""
    common = set(named_options[0][1])
    for _name, options in named_options[1:]:
        common &= set(options)
    if not common:
        accepted = "; ".join("%s accepts %s" % (name, ", ".join(str(item) for item in options)) for name, options in named_options)
        raise PlanError(field, value_label, "no common IKE proposal: no common %s (%s)" % (what, accepted))
    return common


def _pick(field: str, value_label: str, what: str, named_options: list, strength_order, preferred):
    common = _common(field, value_label, what, named_options)
    if preferred is None:
        return _strongest(common, strength_order)
    if preferred not in common:
        refusing = [name for name, options in named_options if preferred not in options]
        raise PlanError(field, preferred, "%s does not accept %s %s" % (" and ".join(refusing), what, preferred))
    return preferred


def _pick_lifetime(field: str, named_ranges: list, preferred: int | None) -> tuple:
    """(canonical lifetime, {name: lifetime each end configures}).

    Lifetimes are local policy in IKEv2 (RFC 7296 section 2.8): each end rekeys on its own
    timer, so ends with disjoint ranges still interoperate; the plan takes the shortest default
    and clamps it into each end's range.
    """
    if preferred is not None:
        for name, (low, high, _default) in named_ranges:
            if not low <= preferred <= high:
                raise PlanError(field, preferred, "%s accepts %d-%d seconds" % (name, low, high))
        return preferred, {name: preferred for name, _range in named_ranges}
    target = min(default for _name, (_low, _high, default) in named_ranges)
    per_end = {name: min(max(target, low), high) for name, (low, high, _default) in named_ranges}
    return min(per_end.values()), per_end


@dataclass(frozen=True)
class Proposal:
    ike_version: str
    phase1: dict
    phase2: dict
    # cloud -> canonical proposal with that cloud's lifetimes (lifetime ranges differ per cloud)
    per_cloud: dict = dataclass_field(default_factory=dict)

    def canonical(self) -> dict:
        return {"ike_version": self.ike_version, "phase1": dict(self.phase1), "phase2": dict(self.phase2)}

    def to_dict(self) -> dict:
        phase2_integrity = None if self.phase2["encryption"] in facts.AEAD_ENCRYPTIONS else self.phase2["integrity"]
        result = self.canonical()
        result["strongswan"] = {
            "ike": facts.strongswan_proposal(self.phase1["encryption"], self.phase1["integrity"], self.phase1["dh_group"]),
            "esp": facts.strongswan_proposal(self.phase2["encryption"], phase2_integrity, self.phase2["pfs_group"]),
        }
        result["cloud_names"] = {cloud: facts.to_cloud_names(cloud, proposal) for cloud, proposal in sorted(self.per_cloud.items())}
        return result


def negotiate_proposal(named_capabilities: list, preference: IkePreference, field: str) -> Proposal:
    """The strongest proposal every end accepts, honouring the user's preference.

    named_capabilities: [(cloud, capabilities), ...] in the IKE_CAPABILITIES shape.
    """
    label = "<->".join(name for name, _caps in named_capabilities)

    def options(getter):
        return [(name, getter(caps)) for name, caps in named_capabilities]

    version = _pick(field + ".ike_version", label, "IKE version", options(lambda c: c["ike_versions"]),
                    facts.IKE_VERSION_STRENGTH, preference.ike_version)

    def phase1_encryptions(caps):
        allowed = caps["phase1"]["encryption"]
        if version != facts.AEAD_PHASE1_REQUIRES:
            allowed = tuple(item for item in allowed if item not in facts.AEAD_ENCRYPTIONS)
        return allowed

    encryption1 = _pick(field + ".encryption", label, "phase 1 encryption", options(phase1_encryptions),
                        facts.ENCRYPTION_STRENGTH, preference.encryption)
    integrity1 = _pick(field + ".integrity", label, "phase 1 integrity", options(lambda c: c["phase1"]["integrity"]),
                       facts.INTEGRITY_STRENGTH, preference.integrity)
    dh_group = _pick(field + ".dh_group", label, "phase 1 DH group", options(lambda c: c["phase1"]["dh_groups"]),
                     facts.DH_GROUP_STRENGTH, preference.dh_group)
    preferred_encryption2 = preference.encryption
    encryption2 = _pick(field + ".encryption", label, "phase 2 encryption", options(lambda c: c["phase2"]["encryption"]),
                        facts.ENCRYPTION_STRENGTH, preferred_encryption2)
    integrity2 = None
    if encryption2 not in facts.AEAD_ENCRYPTIONS:
        integrity2 = _pick(field + ".integrity", label, "phase 2 integrity", options(lambda c: c["phase2"]["integrity"]),
                           facts.INTEGRITY_STRENGTH, preference.integrity)
    pfs_options = options(lambda c: c["phase2"]["pfs_groups"])
    if preference.pfs_group is None and not (_common(field + ".pfs_group", label, "phase 2 PFS group", pfs_options) - {None}):
        pfs_group = None
    else:
        pfs_group = _pick(field + ".pfs_group", label, "phase 2 PFS group",
                          [(name, tuple(item for item in groups if item is not None)) for name, groups in pfs_options],
                          facts.DH_GROUP_STRENGTH, preference.pfs_group)
    lifetime1, per_end1 = _pick_lifetime(field + ".phase1_lifetime", options(lambda c: c["phase1"]["lifetime"]),
                                         preference.phase1_lifetime)
    lifetime2, per_end2 = _pick_lifetime(field + ".phase2_lifetime", options(lambda c: c["phase2"]["lifetime"]),
                                         preference.phase2_lifetime)
    phase1 = {"encryption": encryption1, "integrity": integrity1, "dh_group": dh_group, "lifetime": lifetime1}
    phase2 = {"encryption": encryption2, "integrity": integrity2, "pfs_group": pfs_group, "lifetime": lifetime2}
    per_cloud = {}
    for name, _caps in named_capabilities:
        per_cloud[name] = {
            "ike_version": version,
            "phase1": dict(phase1, lifetime=per_end1[name]),
            "phase2": dict(phase2, lifetime=per_end2[name]),
        }
    return Proposal(ike_version=version, phase1=phase1, phase2=phase2, per_cloud=per_cloud)


def link_proposal(link: Link) -> Proposal:
    """The link's proposal; two ends in one cloud share one capability table (narrowed by kind)."""
    caps_a, caps_b = capabilities_for(link.a), capabilities_for(link.b)
    if link.a.cloud != link.b.cloud:
        named = [(link.a.cloud, caps_a), (link.b.cloud, caps_b)]
    else:
        versions = tuple(version for version in caps_a["ike_versions"] if version in caps_b["ike_versions"])
        named = [(link.a.cloud, dict(caps_a, ike_versions=versions))]
    return negotiate_proposal(named, link.ike, link.path + ".ike")


# ---------------------------------------------------------------------------
# Output model
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class TunnelEnd:
    site: str
    cloud: str
    role: str
    connection: int
    endpoint: int
    inside_cidr: str
    inside_ip: str
    peer_inside_ip: str
    asn: int | None
    peer_asn: int | None

    def to_dict(self) -> dict:
        return {
            "site": self.site, "cloud": self.cloud, "role": self.role, "connection": self.connection,
            "endpoint": self.endpoint, "inside_cidr": self.inside_cidr, "inside_ip": self.inside_ip,
            "peer_inside_ip": self.peer_inside_ip, "asn": self.asn, "peer_asn": self.peer_asn,
        }


@dataclass(frozen=True)
class Tunnel:
    name: str
    index: int
    inside_cidr: str
    a: TunnelEnd
    b: TunnelEnd
    psk: str = dataclass_field(repr=False)
    # "link", "existing" or "generated"; not part of to_dict(), so a rerun that feeds the keys
    # back gives an identical plan
    psk_source: str = "generated"

    def to_dict(self, include_secrets: bool = True) -> dict:
        result = {
            "name": self.name, "index": self.index, "inside_cidr": self.inside_cidr,
            "a": self.a.to_dict(), "b": self.b.to_dict(),
        }
        if include_secrets:
            result["psk"] = self.psk
        return result


@dataclass(frozen=True)
class LinkPlan:
    name: str
    a: str
    b: str
    routing: str
    tunnels: tuple
    proposal: Proposal

    def to_dict(self, include_secrets: bool = True) -> dict:
        return {
            "name": self.name, "a": self.a, "b": self.b, "routing": self.routing,
            "tunnels": [tunnel.to_dict(include_secrets) for tunnel in self.tunnels],
            "proposal": self.proposal.to_dict(),
        }


@dataclass(frozen=True)
class SitePlan:
    name: str
    cloud: str
    region: str
    cidrs: tuple
    gateway_kind: str
    asn: int | None
    sku: str | None = None

    def to_dict(self) -> dict:
        result = {"name": self.name, "cloud": self.cloud, "region": self.region, "cidrs": list(self.cidrs),
                  "gateway": {"kind": self.gateway_kind, "asn": self.asn}}
        if self.sku is not None:
            result["gateway"]["sku"] = self.sku
        return result


@dataclass(frozen=True)
class Plan:
    sites: tuple
    links: tuple

    def to_dict(self, include_secrets: bool = True) -> dict:
        result = {
            "sites": [site.to_dict() for site in self.sites],
            "links": [link.to_dict(include_secrets) for link in self.links],
        }
        result["mermaid"] = render_mermaid(result)
        return result

    @property
    def psks(self) -> dict:
        return {tunnel.name: tunnel.psk for link in self.links for tunnel in link.tunnels}

    @property
    def generated_psks(self) -> dict:
        return {tunnel.name: tunnel.psk for link in self.links for tunnel in link.tunnels if tunnel.psk_source == "generated"}

    @property
    def mermaid(self) -> str:
        return render_mermaid(self.to_dict(include_secrets=False))


def _tunnel_end(site: Site, peer: Site, index: int, cidr: str, first: Site, asns: dict, routing: str) -> TunnelEnd:
    network = netaddr.IPNetwork(cidr)
    first_ip, second_ip = str(netaddr.IPAddress(network.first + 1)), str(netaddr.IPAddress(network.first + 2))
    mine, theirs = (first_ip, second_ip) if site is first else (second_ip, first_ip)
    layout = end_layout(site, peer, index)
    bgp = routing == "bgp"
    return TunnelEnd(site=site.name, cloud=site.cloud, role=layout.role, connection=layout.connection,
                     endpoint=layout.endpoint, inside_cidr=cidr, inside_ip=mine, peer_inside_ip=theirs,
                     asn=asns.get(site.name) if bgp else None, peer_asn=asns.get(peer.name) if bgp else None)


def build_plan(sites, links=None, existing_psks=None) -> Plan:
    """Plan every tunnel of every link. Raises PlanError on the first bad input."""
    _require_netaddr()
    site_models = parse_sites(sites)
    link_models = parse_links(links, site_models)
    known_psks = check_existing_psks(existing_psks)
    check_cidr_overlaps(site_models)
    check_tunnel_limits(link_models)
    asns = assign_asns(site_models, link_models)
    proposals = {link.name: link_proposal(link) for link in link_models}
    inside = allocate_inside_cidrs(link_models)
    link_plans = []
    for link in sorted(link_models, key=lambda item: item.name):
        first, _second = address_order(link)
        tunnels = []
        for index in range(link.tunnels):
            cidr = inside[(link.name, index)]
            psk, source = choose_psk(link, index, known_psks)
            tunnels.append(Tunnel(
                name=link.tunnel_name(index), index=index, inside_cidr=cidr,
                a=_tunnel_end(link.a, link.b, index, cidr, first, asns, link.routing),
                b=_tunnel_end(link.b, link.a, index, cidr, first, asns, link.routing),
                psk=psk, psk_source=source,
            ))
        link_plans.append(LinkPlan(name=link.name, a=link.a.name, b=link.b.name, routing=link.routing,
                                   tunnels=tuple(tunnels), proposal=proposals[link.name]))
    site_plans = tuple(
        SitePlan(name=site.name, cloud=site.cloud, region=site.region, cidrs=site.cidrs,
                 gateway_kind=site.gateway.kind, asn=asns.get(site.name), sku=site.gateway.sku)
        for site in sorted(site_models, key=lambda item: item.name)
    )
    return Plan(sites=site_plans, links=tuple(link_plans))


# ---------------------------------------------------------------------------
# Reading a plan (used by the module and the filter plugins)
# ---------------------------------------------------------------------------

def plan_inside_cidrs(plan: dict, link: str | None = None, site: str | None = None) -> list:
    """Inside /30s of a plan dict, optionally only one link's or one site's, in plan order."""
    result = []
    for link_plan in plan.get("links", []):
        if link is not None and link_plan["name"] != link:
            continue
        if site is not None and site not in (link_plan["a"], link_plan["b"]):
            continue
        result.extend(tunnel["inside_cidr"] for tunnel in link_plan["tunnels"])
    return result


def plan_site_tunnels(plan: dict, site: str) -> list:
    """Every tunnel end a site must configure: its own end, the peer's end, and the proposal."""
    result = []
    for link_plan in plan.get("links", []):
        if site not in (link_plan["a"], link_plan["b"]):
            continue
        local_key, remote_key = ("a", "b") if link_plan["a"] == site else ("b", "a")
        for tunnel in link_plan["tunnels"]:
            local = tunnel[local_key]
            entry = {
                "link": link_plan["name"], "tunnel": tunnel["name"], "index": tunnel["index"],
                "routing": link_plan["routing"], "inside_cidr": tunnel["inside_cidr"],
                "local": local, "remote": tunnel[remote_key],
                "proposal": link_plan["proposal"]["cloud_names"].get(local["cloud"]),
            }
            if "psk" in tunnel:
                entry["psk"] = tunnel["psk"]
            result.append(entry)
    return result


# ---------------------------------------------------------------------------
# Mermaid
# ---------------------------------------------------------------------------

def _mermaid_text(text: str) -> str:
    """Text safe inside a quoted Mermaid label."""
    return str(text).replace("&", "#amp;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def render_mermaid(plan: dict) -> str:
    """A Mermaid flowchart of a plan dict: one box per site (gateway + networks), one edge per tunnel.

    BGP tunnels are solid lines, static ones dotted; each edge names the tunnel, its /30, the
    inside address of each end and, for BGP, both ASNs.
    """
    lines = ["flowchart LR"]
    gateway_ids = {}
    for number, site in enumerate(plan.get("sites", [])):
        gateway_ids[site["name"]] = "gw%d" % number
        gateway = site["gateway"]
        gateway_label = [gateway["kind"]] + (["ASN %s" % gateway["asn"]] if gateway.get("asn") is not None else [])
        lines.append('  subgraph site%d["%s"]' % (number, _mermaid_label(["%s (%s %s)" % (site["name"], site["cloud"], site["region"])])))
        lines.append('    gw%d["%s"]' % (number, _mermaid_label(gateway_label)))
        lines.append('    net%d[("%s")]' % (number, _mermaid_label(site["cidrs"])))
        lines.append("    net%d --- gw%d" % (number, number))
        lines.append("  end")
    for link in plan.get("links", []):
        bgp = link["routing"] == "bgp"
        for tunnel in link["tunnels"]:
            a, b = tunnel["a"], tunnel["b"]
            label = [
                "%s %s" % (tunnel["name"], tunnel["inside_cidr"]),
                "%s %s - %s %s" % (a["site"], a["inside_ip"], b["site"], b["inside_ip"]),
                "BGP %s - %s" % (a["asn"], b["asn"]) if bgp else "static",
            ]
            arrow = "<-->" if bgp else "<-.->"
            lines.append('  %s %s|"%s"| %s' % (gateway_ids[link["a"]], arrow, _mermaid_label(label), gateway_ids[link["b"]]))
    return "\n".join(lines) + "\n"


def _mermaid_label(parts) -> str:
    return "<br/>".join(_mermaid_text(part) for part in parts)
