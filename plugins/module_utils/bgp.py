# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""BGP adjacencies of every cloud in one shape, and the judgement of which ones must be up.

Pure (no SDK, no I/O); used by the bgp_peer_status module and unit tested.

Each cloud's answer (AWS VgwTelemetry, Azure getBgpPeerStatus, GCP getRouterStatus) becomes a list of
``Adjacency``: local address, neighbor, ASNs, a normalised state with the cloud's own word beside it,
routes received, uptime, and the cloud's reason when it is down. An adjacency also carries the few
configuration facts the judgement needs (the address the end speaks from inside the tunnel /30, the
addresses of the gateway's other instances).

The judgement says, per adjacency, whether it is expected up. Not every configured adjacency is: an
Azure active-active gateway tries every local network gateway from both instances, but each instance
only reaches the tunnels whose /30 holds one of its own APIPA addresses, so half of those adjacencies
stay ``Connecting`` by design (seed 002's peer tables). With a plan, an adjacency is expected up when
its two addresses are the two ends of one planned /30; without one, the clouds' own configuration
decides the same way.
"""
from __future__ import annotations

import datetime
import ipaddress
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ansible_collections.multicloud.interconnect.plugins.module_utils import cloud_facts
from ansible_collections.multicloud.interconnect.plugins.module_utils.alibaba import as_int
from ansible_collections.multicloud.interconnect.plugins.module_utils.aws_vpn import tunnels_from_api
from ansible_collections.multicloud.interconnect.plugins.module_utils.azure import same_id
from ansible_collections.multicloud.interconnect.plugins.module_utils.gcp import short_name
from ansible_collections.multicloud.interconnect.plugins.module_utils.pair import plan_of

ESTABLISHED, CONNECTING, IDLE, DOWN = cloud_facts.BGP_SESSION_STATES
LINK_LOCAL = ipaddress.IPv4Network(cloud_facts.LINK_LOCAL_CIDR)
UP, EXPECTED_DOWN = "up", "down"
# GCP says "no reason" in two ways; neither explains anything.
GCP_EMPTY_REASONS = frozenset({"STATUS_REASON_UNSPECIFIED", "UNDEFINED_STATUS_REASON"})
# A .NET TimeSpan as Azure prints connectedDuration: [d.]hh:mm:ss[.fffffff].
TIMESPAN = re.compile(r"^(?:(?P<days>\d+)\.)?(?P<hours>\d+):(?P<minutes>\d{2}):(?P<seconds>\d{2})(?:\.\d+)?$")


# --------------------------------------------------------------------------- addresses


def ipv4(value: Any) -> ipaddress.IPv4Address | None:
    try:
        return ipaddress.IPv4Address(str(value))
    except ValueError:
        return None


def is_link_local(address: str | None) -> bool:
    parsed = ipv4(address)
    return parsed is not None and parsed in LINK_LOCAL


def inside_network(address: str | None) -> ipaddress.IPv4Network | None:
    """The tunnel /30 a link-local BGP address belongs to (None for any other address)."""
    if not is_link_local(address):
        return None
    return ipaddress.IPv4Network("%s/%d" % (address, cloud_facts.INSIDE_PREFIX_LENGTH), strict=False)


def in_network(address: str | None, network: ipaddress.IPv4Network | None) -> bool:
    parsed = ipv4(address)
    return parsed is not None and network is not None and parsed in network


# --------------------------------------------------------------------------- one shape


@dataclass(frozen=True)
class Adjacency:
    """One BGP session as one cloud reports it, plus what the judgement needs to know about its end."""

    cloud: str
    resource: str  # where the session lives: "vpn-0abc tunnel 1", "hub-vpngw instance 0", "hub-router peer azure-0"
    local_address: str | None  # the address the cloud reports for its end (Azure: the instance's default BGP IP)
    neighbor: str | None
    asn: int | None  # the neighbor's ASN
    local_asn: int | None
    state: str  # one of cloud_facts.BGP_SESSION_STATES
    cloud_state: str | None  # the cloud's own word (UP / DOWN, Connected / Connecting, ...)
    routes_received: int | None = None
    uptime_seconds: int | None = None
    message: str | None = None  # the cloud's reason while the session is not established
    inside_address: str | None = None  # the address this end speaks from inside the tunnel /30
    sibling_addresses: tuple = ()  # addresses that belong to the gateway's other instances (Azure active-active)
    gateway_addresses: tuple = ()  # the default BGP addresses of the gateway's instances (Azure iBGP between them)
    enabled: bool = True
    cloud_tunnel: str | None = None  # the cloud's name for the tunnel: AWS "vpn-0abc tunnel 1", Azure connection, GCP VPN tunnel

    @property
    def up(self) -> bool:
        return self.state == ESTABLISHED

    @property
    def inside_cidr(self) -> str | None:
        network = inside_network(self.neighbor)
        return str(network) if network else None

    def describe(self) -> str:
        """``azure hub-vpngw instance 0 192.168.1.4 -> 169.254.21.1 (AS65002)``"""
        asn = " (AS%s)" % self.asn if self.asn is not None else ""
        return "%s %s %s -> %s%s" % (self.cloud, self.resource, self.local_address or "?", self.neighbor or "?", asn)


def uptime_from_timespan(text: str | None) -> int | None:
    """Seconds in a .NET TimeSpan (``3.11:18:40.3414080``); None when empty or unreadable."""
    match = TIMESPAN.match((text or "").strip())
    if not match:
        return None
    parts = {key: int(value or 0) for key, value in match.groupdict().items()}
    return ((parts["days"] * 24 + parts["hours"]) * 60 + parts["minutes"]) * 60 + parts["seconds"]


# --------------------------------------------------------------------------- AWS


def aws_inside_addresses(cidr: str | None) -> tuple[str | None, str | None]:
    """(AWS's address, the customer gateway's) in a tunnel inside /30: AWS takes the first usable one
    (cloud_facts.INSIDE_ADDRESS_ORDER)."""
    try:
        hosts = list(ipaddress.IPv4Network(str(cidr)).hosts())
    except ValueError:
        return None, None
    return (str(hosts[0]), str(hosts[1])) if len(hosts) >= 2 else (None, None)


def aws_state(status: str | None, message: str | None) -> str:
    """VgwTelemetry of a BGP connection: UP is an established session; IPsec up without BGP is still connecting."""
    if status == "UP":
        return ESTABLISHED
    if (message or "").strip().upper() == cloud_facts.AWS_TELEMETRY_IPSEC_ONLY_MESSAGE:
        return CONNECTING
    return DOWN


def seconds_since(when: Any, now: datetime.datetime) -> int | None:
    if not when:
        return None
    try:
        moment = when if isinstance(when, datetime.datetime) else datetime.datetime.fromisoformat(str(when))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return max(int((now - moment).total_seconds()), 0)


def aws_adjacencies(raw_connection: Mapping[str, Any], amazon_side_asn: int | None, customer_gateway_asn: int | None,
                    now: datetime.datetime) -> list[Adjacency]:
    """The BGP sessions of one VPN connection (DescribeVpnConnections shape); none for a static one."""
    if (raw_connection.get("Options") or {}).get("StaticRoutesOnly"):
        return []
    connection_id = raw_connection.get("VpnConnectionId")
    sessions = []
    for number, tunnel in enumerate(tunnels_from_api(raw_connection), 1):
        local, neighbor = aws_inside_addresses(tunnel.get("tunnel_inside_cidr"))
        state = aws_state(tunnel.get("status"), tunnel.get("status_message"))
        name = "%s tunnel %d" % (connection_id, number)
        sessions.append(Adjacency(
            cloud="aws", resource=name, local_address=local, neighbor=neighbor, asn=customer_gateway_asn, local_asn=amazon_side_asn,
            state=state, cloud_state=tunnel.get("status"), routes_received=tunnel.get("accepted_route_count"),
            uptime_seconds=seconds_since(tunnel.get("last_status_change"), now) if state == ESTABLISHED else None,
            message=None if state == ESTABLISHED else (tunnel.get("status_message") or None),
            inside_address=local, cloud_tunnel=name,
        ))
    return sessions


# --------------------------------------------------------------------------- Azure


def _azure_instance(gateway: Mapping[str, Any], local_address: str | None) -> Mapping[str, Any] | None:
    """The gateway instance a peer row belongs to: Azure lists rows by the instance's default BGP IP."""
    for key in ("default_bgp_ip_addresses", "custom_bgp_ip_addresses"):
        for instance in gateway.get("instances") or []:
            if local_address in (instance.get(key) or []):
                return instance
    return None


def _azure_connection(neighbor: str | None, gateway: Mapping[str, Any], connections: Iterable[Mapping[str, Any]],
                      local_gateways: Iterable[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The gateway's connection whose local network gateway peers with ``neighbor``."""
    peers = [item["id"] for item in local_gateways if ((item.get("bgp_settings") or {}).get("bgp_peering_address")) == neighbor]
    for connection in connections:
        if same_id(connection.get("virtual_network_gateway_id"), gateway.get("id")) and any(
                same_id(connection.get("local_network_gateway_id"), peer) for peer in peers):
            return connection
    return None


def azure_inside_address(instance: Mapping[str, Any] | None, connection: Mapping[str, Any] | None, neighbor: str | None) -> str | None:
    """The address an instance speaks BGP from towards ``neighbor``.

    The connection may pin one custom APIPA address per instance; otherwise Azure uses the instance's
    custom APIPA address in the neighbor's /30, and its default BGP IP for a peer outside link-local.
    """
    if instance is None:
        return None
    pinned = list((connection or {}).get("gateway_custom_bgp_ip_addresses") or [])
    index = instance.get("index", 0)
    if index < len(pinned) and pinned[index]:
        return pinned[index]
    network = inside_network(neighbor)
    if network is None:
        defaults = instance.get("default_bgp_ip_addresses") or []
        return defaults[0] if defaults else None
    return next((address for address in instance.get("custom_bgp_ip_addresses") or [] if in_network(address, network)), None)


def azure_message(connection: Mapping[str, Any] | None, instance: Mapping[str, Any] | None) -> str | None:
    """Azure gives no reason for a BGP peer; its connection's status for this instance's tunnel is the nearest word."""
    if connection is None:
        return None
    tunnel_name = "%s_%s" % (connection.get("name"), (instance or {}).get("public_ip_address"))
    for tunnel in connection.get("tunnel_connection_status") or []:
        if tunnel.get("tunnel") == tunnel_name:
            return "connection %s, tunnel %s: %s" % (connection.get("name"), tunnel_name, tunnel.get("connection_status"))
    if connection.get("connection_status"):
        return "connection %s: %s" % (connection.get("name"), connection["connection_status"])
    return None


def azure_adjacencies(rows: Iterable[Mapping[str, Any]], gateway: Mapping[str, Any], connections: Iterable[Mapping[str, Any]] = (),
                      local_gateways: Iterable[Mapping[str, Any]] = ()) -> list[Adjacency]:
    """getBgpPeerStatus rows (ARM shape) of a gateway (azure_vpn.normalize_gateway), with its connections
    and local network gateways (normalised) for the addresses each instance uses and the connections' status."""
    connections, local_gateways = list(connections), list(local_gateways)
    instances = list(gateway.get("instances") or [])
    defaults = tuple(address for instance in instances for address in instance.get("default_bgp_ip_addresses") or [])
    sessions = []
    for row in rows:
        instance = _azure_instance(gateway, row.get("localAddress"))
        connection = _azure_connection(row.get("neighbor"), gateway, connections, local_gateways)
        siblings = tuple(address for other in instances if other is not instance for address in other.get("custom_bgp_ip_addresses") or [])
        cloud_state = row.get("state")
        state = cloud_facts.AZURE_BGP_PEER_STATES.get(cloud_state or "", DOWN)
        where = "instance %d" % instance["index"] if instance is not None else "instance ?"
        sessions.append(Adjacency(
            cloud="azure", resource="%s %s" % (gateway.get("name"), where), local_address=row.get("localAddress"),
            neighbor=row.get("neighbor"), asn=as_int(row.get("asn")), local_asn=as_int(gateway.get("asn")), state=state,
            cloud_state=cloud_state, routes_received=as_int(row.get("routesReceived")),
            uptime_seconds=uptime_from_timespan(row.get("connectedDuration")) if state == ESTABLISHED else None,
            message=None if state == ESTABLISHED else azure_message(connection, instance),
            inside_address=azure_inside_address(instance, connection, row.get("neighbor")), sibling_addresses=siblings,
            gateway_addresses=defaults, cloud_tunnel=(connection or {}).get("name"),
        ))
    return sorted(sessions, key=_azure_order)


def _azure_order(session: Adjacency) -> tuple:
    neighbor = ipv4(session.neighbor)
    return (session.resource, int(neighbor) if neighbor is not None else -1)


# --------------------------------------------------------------------------- GCP


def gcp_state(status: str | None, state: str | None) -> str:
    if status == "UP":
        return ESTABLISHED
    normalised = cloud_facts.GCP_BGP_PEER_STATES.get(state or "", DOWN)
    return DOWN if normalised == ESTABLISHED else normalised  # a session DOWN is not established whatever the FSM says


def gcp_message(peer: Mapping[str, Any], tunnel: Mapping[str, Any] | None) -> str | None:
    """The router's status reason, if any, and the linked VPN tunnel's status with Google's explanation."""
    parts = []
    reason = peer.get("status_reason")
    if reason and reason not in GCP_EMPTY_REASONS:
        parts.append(reason)
    if tunnel is not None:
        parts.append("VPN tunnel %s: %s (%s)" % (tunnel.get("name"), tunnel.get("status"), tunnel.get("detailed_status") or "no detail"))
    return "; ".join(parts) or None


def gcp_adjacencies(router_status: Mapping[str, Any], router: Mapping[str, Any],
                    tunnels: Mapping[str, Mapping[str, Any]] | None = None) -> list[Adjacency]:
    """getRouterStatus (snake_case ``result``) of a router (gcp.normalize_router); ``tunnels`` are the
    normalised linked VPN tunnels of the peers that are down, by name, for their reason."""
    configured = {peer.get("name"): peer for peer in router.get("bgp_peers") or []}
    local_asn = (router.get("bgp") or {}).get("asn")
    sessions = []
    for peer in router_status.get("bgp_peer_status") or []:
        config = configured.get(peer.get("name"), {})
        state = gcp_state(peer.get("status"), peer.get("state"))
        tunnel = short_name(peer.get("linked_vpn_tunnel"))
        sessions.append(Adjacency(
            cloud="gcp", resource="%s peer %s" % (router.get("name"), peer.get("name")), local_address=peer.get("ip_address") or None,
            neighbor=peer.get("peer_ip_address") or None, asn=as_int(config.get("peer_asn")), local_asn=as_int(local_asn), state=state,
            cloud_state="%s/%s" % (peer.get("status"), peer.get("state")) if peer.get("state") else peer.get("status"),
            routes_received=as_int(peer.get("num_learned_routes")) or 0,
            uptime_seconds=as_int(peer.get("uptime_seconds")) if state == ESTABLISHED else None,
            message=None if state == ESTABLISHED else gcp_message(peer, (tunnels or {}).get(tunnel or "")),
            inside_address=peer.get("ip_address") or None, enabled=config.get("enable") is not False, cloud_tunnel=tunnel,
        ))
    return sessions


# --------------------------------------------------------------------------- the plan


@dataclass(frozen=True)
class PlannedEnd:
    site: str
    cloud: str
    address: str
    peer_address: str


@dataclass(frozen=True)
class PlannedTunnel:
    """One tunnel of a BGP link of the plan: its /30 and its two ends."""

    link: str
    name: str
    network: ipaddress.IPv4Network
    ends: tuple

    def own_address_towards(self, neighbor: str | None) -> str | None:
        """The address of the end facing ``neighbor``; None when ``neighbor`` is neither end."""
        return next((end.address for end in self.ends if end.peer_address == neighbor), None)

    @property
    def label(self) -> str:
        return "planned tunnel %s (%s)" % (self.name, self.network)


def planned_tunnels(plan: Any) -> list[PlannedTunnel]:
    """Every tunnel of the plan's BGP links (the plan of interconnect_plan, or its whole result)."""
    tunnels = []
    for link in plan_of(plan).get("links") or []:
        if link.get("routing") != "bgp":
            continue
        for tunnel in link.get("tunnels") or []:
            try:
                ends = tuple(PlannedEnd(tunnel[key]["site"], tunnel[key]["cloud"], tunnel[key]["inside_ip"], tunnel[key]["peer_inside_ip"])
                             for key in ("a", "b"))
                tunnels.append(PlannedTunnel(link["name"], tunnel["name"], ipaddress.IPv4Network(tunnel["inside_cidr"]), ends))
            except (KeyError, TypeError, ValueError) as error:
                raise ValueError("plan: link %s has a tunnel that is not in the shape interconnect_plan returns (%s: %s)"
                                 % (link.get("name"), type(error).__name__, error)) from error
    return tunnels


def find_planned(tunnels: Iterable[PlannedTunnel], neighbor: str | None) -> PlannedTunnel | None:
    return next((tunnel for tunnel in tunnels if in_network(neighbor, tunnel.network)), None)


# --------------------------------------------------------------------------- judgement


@dataclass(frozen=True)
class Expectation:
    up: bool
    reason: str
    link: str | None = None
    tunnel: str | None = None


BY_DESIGN = "by design: each instance of an Azure active-active gateway only reaches the tunnels whose /30 holds one of its own APIPA addresses"


def judge_from_plan(session: Adjacency, planned: PlannedTunnel) -> Expectation:
    """Expected up when the session's two addresses are the two ends of the planned /30."""
    own = planned.own_address_towards(session.neighbor)
    named = {"link": planned.link, "tunnel": planned.name}
    if own is None:
        return Expectation(True, "%s lies in %s but is not one of its ends" % (session.neighbor, planned.label), **named)
    if session.inside_address == own:
        return Expectation(True, "%s and %s are the two ends of %s" % (own, session.neighbor, planned.label), **named)
    if own in session.sibling_addresses:
        return Expectation(False, "%s ends on another instance of the gateway (%s); %s" % (planned.label, own, BY_DESIGN), **named)
    return Expectation(True, "%s pairs %s with %s, but this end has %s" % (
        planned.label, own, session.neighbor, session.inside_address or "no address in that /30"), **named)


def judge_from_configuration(session: Adjacency) -> Expectation:
    """Expected up when this end has an address in the neighbor's /30 (or the neighbor is not link-local)."""
    network = inside_network(session.neighbor)
    if network is None:
        return Expectation(True, "the neighbor is not link-local, so every instance reaches it from its own BGP address")
    if in_network(session.inside_address, network):
        return Expectation(True, "%s and %s share %s (from the cloud's configuration)" % (session.inside_address, session.neighbor, network))
    sibling = next((address for address in session.sibling_addresses if in_network(address, network)), None)
    if sibling is not None:
        return Expectation(False, "%s is reached from another instance of the gateway (%s); %s" % (network, sibling, BY_DESIGN))
    return Expectation(True, "no address of this end lies in %s, so it cannot connect" % network)


def judge(session: Adjacency, plan: list[PlannedTunnel] | None) -> Expectation:
    """Whether ``session`` must be up, and why."""
    if session.neighbor is not None and session.neighbor == session.local_address:
        return Expectation(False, "the gateway instance itself: Azure lists each instance's own address, which never connects")
    if session.neighbor in session.gateway_addresses:
        return Expectation(True, "iBGP between the instances of the gateway")
    if not session.enabled:
        return Expectation(False, "the BGP peer is disabled in the cloud's configuration")
    planned = find_planned(plan, session.neighbor) if plan is not None else None
    if planned is not None:
        return judge_from_plan(session, planned)
    expectation = judge_from_configuration(session)
    if plan is not None:
        expectation = replace(expectation, reason=expectation.reason + "; not in the plan")
    return expectation


# --------------------------------------------------------------------------- report


@dataclass(frozen=True)
class JudgedPeer:
    session: Adjacency
    expectation: Expectation
    link: str
    tunnel: str | None

    @property
    def down_unexpected(self) -> bool:
        return self.expectation.up and not self.session.up

    def failure(self) -> str:
        """``<session> [link L, tunnel T]: <state> (<the cloud's reason>)``"""
        where = "link %s" % self.link + (", tunnel %s" % self.tunnel if self.tunnel else "")
        reason = " (%s)" % self.session.message if self.session.message else ""
        return "%s [%s]: %s%s" % (self.session.describe(), where, self.session.cloud_state or self.session.state, reason)

    def to_dict(self) -> dict:
        session = self.session
        return {
            "cloud": session.cloud, "resource": session.resource, "local_address": session.local_address,
            "inside_address": session.inside_address, "neighbor": session.neighbor, "inside_cidr": session.inside_cidr,
            "asn": session.asn, "local_asn": session.local_asn, "state": session.state, "cloud_state": session.cloud_state,
            "routes_received": session.routes_received, "uptime_seconds": session.uptime_seconds,
            "expected": UP if self.expectation.up else EXPECTED_DOWN, "expected_reason": self.expectation.reason,
            "link": self.link, "tunnel": self.tunnel, "message": session.message,
        }


@dataclass
class LinkHealth:
    name: str
    peers: list = field(default_factory=list)
    missing: list = field(default_factory=list)

    @property
    def down_unexpected(self) -> list[str]:
        return [peer.failure() for peer in self.peers if peer.down_unexpected]

    @property
    def healthy(self) -> bool:
        return not self.missing and not any(peer.down_unexpected for peer in self.peers)

    def to_dict(self) -> dict:
        expected_up = [peer for peer in self.peers if peer.expectation.up]
        return {
            "name": self.name, "healthy": self.healthy, "up": sum(1 for peer in self.peers if peer.session.up),
            "expected_up": len(expected_up) + len(self.missing), "expected_down": len(self.peers) - len(expected_up),
            "down_unexpected": self.down_unexpected, "missing": list(self.missing),
        }

    def summary(self) -> str:
        up = sum(1 for peer in self.peers if peer.expectation.up and peer.session.up)
        by_design = len(self.peers) - sum(1 for peer in self.peers if peer.expectation.up)
        text = "%s: %s, %d/%d expected adjacencies established" % (self.name, "healthy" if self.healthy else "UNHEALTHY", up,
                                                                   up + len(self.down_unexpected) + len(self.missing))
        if by_design:
            text += ", %d down by design" % by_design
        return text


def asn_owners(sessions: Iterable[Adjacency]) -> dict[int, str]:
    """ASN -> the cloud that uses it as its own, when exactly one cloud read does."""
    owners: dict[int, set] = {}
    for session in sessions:
        if session.local_asn is not None:
            owners.setdefault(session.local_asn, set()).add(session.cloud)
    return {asn: next(iter(clouds)) for asn, clouds in owners.items() if len(clouds) == 1}


def derived_link_name(session: Adjacency, owners: Mapping[int, str]) -> str:
    """Without a plan, a link is named after the clouds (or ASNs) at its two ends: ``aws-azure``, ``AS65010-gcp``."""
    local = owners.get(session.local_asn, session.cloud) if session.local_asn is not None else session.cloud
    peer = owners.get(session.asn) if session.asn is not None else None
    peer = peer or ("AS%s" % session.asn if session.asn is not None else "unknown peer")
    if peer == local:
        return "%s iBGP" % local
    return "-".join(sorted((local, peer)))


def missing_sessions(plan: list[PlannedTunnel], sessions: list[Adjacency], clouds: Iterable[str]) -> dict[str, list[str]]:
    """Planned tunnel ends on the clouds read that have no session between the planned addresses, by link."""
    clouds = set(clouds)
    present = {(session.cloud, session.inside_address, session.neighbor) for session in sessions}
    missing: dict[str, list[str]] = {}
    for tunnel in plan:
        for end in tunnel.ends:
            if end.cloud in clouds and (end.cloud, end.address, end.peer_address) not in present:
                missing.setdefault(tunnel.link, []).append("%s: no %s BGP session from %s to %s (site %s)" % (
                    tunnel.name, end.cloud, end.address, end.peer_address, end.site))
    return missing


@dataclass
class BgpReport:
    peers: list
    links: list

    @property
    def healthy(self) -> bool:
        return all(link.healthy for link in self.links)

    def failures(self) -> list[str]:
        return [line for link in self.links for line in link.down_unexpected + link.missing]

    def describe_failures(self) -> str:
        failures = self.failures()
        return "; ".join(failures) if failures else "every adjacency expected up is established"

    def to_result(self) -> dict:
        return {"peers": [peer.to_dict() for peer in self.peers], "links": [link.to_dict() for link in self.links],
                "healthy": self.healthy, "summary": [link.summary() for link in self.links]}


def build_report(sessions: list[Adjacency], tunnels: list[PlannedTunnel] | None = None, clouds: Iterable[str] = ()) -> BgpReport:
    """Judge every session and group them by link; with a plan (its ``planned_tunnels``), planned
    sessions missing on a cloud that was read count too (``clouds``: the clouds read)."""
    owners = asn_owners(sessions)
    peers = []
    for session in sessions:
        expectation = judge(session, tunnels)
        link = expectation.link or derived_link_name(session, owners)
        peers.append(JudgedPeer(session, expectation, link, expectation.tunnel or session.cloud_tunnel))
    missing = missing_sessions(tunnels, sessions, clouds) if tunnels is not None else {}
    order = list(dict.fromkeys([tunnel.link for tunnel in tunnels or []]))
    names = order + sorted({peer.link for peer in peers} - set(order))
    links = []
    for name in names:
        members = [peer for peer in peers if peer.link == name]
        if members or name in missing:
            links.append(LinkHealth(name, members, missing.get(name, [])))
    return BgpReport(peers, links)
