"""Tunnel status and ``getRouterStatus``, read from the data plane's last snapshot.

Nothing here is a constant "up": a tunnel is ESTABLISHED only when the data plane says its IKE and
IPsec SAs are, and a BGP peer is UP only when BIRD says the session is Established. Without a data
plane, tunnels stay in FIRST_HANDSHAKE and the detailed status says why.
"""
from __future__ import annotations

from mci_lab.dataplane.model import StatusSnapshot, TunnelStatus
from mci_lab.emulators.base import NoDataPlane, StatusSource, is_ready
from mci_lab.emulators.gcp.dataplane import BgpSession, bgp_session_for, gateway_id, tunnel_id
from mci_lab.emulators.gcp.store import ComputeStore, ResourceKey, parse_reference

ESTABLISHED_DETAIL = "Tunnel is up and running."

# Daemon messages (strongSwan notify names and log phrases) -> Compute's tunnel status enum.
_FAILURE_STATUS = (
    ("no_proposal_chosen", "NEGOTIATION_FAILURE"),
    ("ts_unacceptable", "NEGOTIATION_FAILURE"),
    ("authentication_failed", "AUTHORIZATION_ERROR"),
    ("authentication failed", "AUTHORIZATION_ERROR"),
    ("peer_identity", "AUTHORIZATION_ERROR"),
    ("retransmit", "NO_INCOMING_PACKETS"),
    ("giving up", "NO_INCOMING_PACKETS"),
    ("timed out", "NO_INCOMING_PACKETS"),
    ("timeout", "NO_INCOMING_PACKETS"),
    ("no response", "NO_INCOMING_PACKETS"),
)


def tunnel_status(store: ComputeStore, source: StatusSource, key: ResourceKey, tunnel: dict) -> tuple[str, str]:
    """``(status, detailedStatus)`` of one VPN tunnel as Compute reports it now."""
    if not is_ready(store.ready_at(key)):
        return "ALLOCATING_RESOURCES", "Allocating resources. VPN tunnel will start soon."
    session = bgp_session_for(store, key, tunnel)
    if not isinstance(session, BgpSession):
        return "WAITING_FOR_FULL_CONFIG", f"Waiting for full config: {session}."
    reported = source.snapshot().tunnels.get(tunnel_id(key.name))
    if reported is None:
        return "FIRST_HANDSHAKE", f"Handshake with peer: {_silence_reason(source)}."
    return status_from_daemon(reported)


def status_from_daemon(reported: TunnelStatus) -> tuple[str, str]:
    if reported.up:
        return "ESTABLISHED", ESTABLISHED_DETAIL
    message = reported.message or ("IKE SA established, waiting for the IPsec SA" if reported.ike_established else "no IKE SA yet")
    lowered = message.lower()
    for needle, status in _FAILURE_STATUS:
        if needle in lowered:
            return status, message
    return "FIRST_HANDSHAKE", message


def _silence_reason(source: StatusSource) -> str:
    if isinstance(source, NoDataPlane):
        return NoDataPlane.MESSAGE
    return "the lab data plane has not reported this tunnel yet"


# ---------------------------------------------------------------------- getRouterStatus


def router_status(store: ComputeStore, source: StatusSource, key: ResourceKey, router: dict) -> dict:
    """The ``result`` of routers.getRouterStatus: BGP peer states and the routes learned over them."""
    snapshot = source.snapshot()
    peers, best_routes = [], []
    for peer in router.get("bgpPeers", []):
        interface = next((i for i in router.get("interfaces", []) if i["name"] == peer["interfaceName"]), {})
        tunnel_link = interface.get("linkedVpnTunnel", "")
        peer_status, routes = _peer_status(store, snapshot, key, router, peer, tunnel_link)
        peers.append(peer_status)
        best_routes.extend(routes)
    return {
        "network": router["network"],
        "bgpPeerStatus": peers,
        "bestRoutes": best_routes,
        "bestRoutesForRouter": best_routes,
    }


def _peer_status(store: ComputeStore, snapshot: StatusSnapshot, key: ResourceKey, router: dict, peer: dict,
                 tunnel_link: str) -> tuple[dict, list[dict]]:
    tunnel_key = parse_reference(tunnel_link, "vpnTunnels", key.project, key.scope) if tunnel_link else None
    session = snapshot.bgp.get(tunnel_id(tunnel_key.name)) if tunnel_key else None
    state = session.state if session else "Idle"
    up = state == "Established"
    status = {
        "name": peer["name"],
        "ipAddress": peer.get("ipAddress", ""),
        "peerIpAddress": peer.get("peerIpAddress", ""),
        "linkedVpnTunnel": tunnel_link,
        "enableIpv4": True,
        "status": "UP" if up else "DOWN",
        "state": state,
        "numLearnedRoutes": session.routes_received if session and up else 0,
        "md5AuthEnabled": False,
    }
    if up:
        status["uptimeSeconds"] = str(int(session.uptime_seconds))
        status["uptime"] = format_uptime(session.uptime_seconds)
    routes = _learned_routes(store, snapshot, key, router, peer, tunnel_key) if up else []
    return status, routes


def _learned_routes(store: ComputeStore, snapshot: StatusSnapshot, key: ResourceKey, router: dict, peer: dict,
                    tunnel_key: ResourceKey) -> list[dict]:
    """The data plane reports learned prefixes per HA VPN interface; they go via this peer's next hop."""
    tunnel = store.find(tunnel_key)
    if tunnel is None:
        return []
    gateway_key = parse_reference(tunnel["vpnGateway"], "vpnGateways", key.project, key.scope)
    prefixes = snapshot.learned_routes.get(gateway_id(gateway_key.name, tunnel["vpnGatewayInterface"]), ())
    return [
        {
            "kind": "compute#route",
            "destRange": prefix,
            "network": router["network"],
            "nextHopIp": peer["peerIpAddress"],
            "nextHopVpnTunnel": tunnel["selfLink"],
            "priority": 100,
            "routeType": "BGP",
            "routeStatus": "ACTIVE",
            "asPaths": [{"pathSegmentType": "AS_SEQUENCE", "asLists": [int(peer["peerAsn"])]}],
        }
        for prefix in prefixes
    ]


def format_uptime(seconds: float) -> str:
    """Compute's human form, e.g. "2 hours, 5 minutes, 3 seconds"."""
    remaining = int(seconds)
    parts = []
    for unit, size in (("days", 86400), ("hours", 3600), ("minutes", 60)):
        count, remaining = divmod(remaining, size)
        if count or parts:
            parts.append(f"{count} {unit if count != 1 else unit[:-1]}")
    parts.append(f"{remaining} {'second' if remaining == 1 else 'seconds'}")
    return ", ".join(parts)
