"""VgwTelemetry and propagated routes, read from the data plane's status, never from a constant.

Status follows what AWS shows: a BGP tunnel whose IPsec is up but whose BGP session is not reads
DOWN with "IPSEC IS UP"; an up BGP tunnel reads "<n> BGP ROUTES"; a tunnel the data plane does not
know reads DOWN with the status source's own explanation.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from mci_lab.dataplane.model import StatusSnapshot
from mci_lab.emulators.aws.connections import is_static, static_routes, tunnel_options
from mci_lab.emulators.aws.lab import current_lab
from mci_lab.emulators.aws.naming import endpoint_gateway_id, tunnel_id

UNKNOWN_TUNNEL_MESSAGE = "no status from the lab data plane yet"


def snapshot() -> StatusSnapshot:
    return current_lab().status()


def vgw_telemetry(vpn: Any) -> list[dict]:
    status = snapshot()
    return [_tunnel_telemetry(vpn, number, tunnel, status) for number, tunnel in enumerate(tunnel_options(vpn), 1)]


def _tunnel_telemetry(vpn: Any, number: int, tunnel: dict, status: StatusSnapshot) -> dict:
    up, message, routes = _tunnel_state(vpn, tunnel_id(vpn.id, number), status)
    return {
        "OutsideIpAddress": tunnel["OutsideIpAddress"],
        "Status": "UP" if up else "DOWN",
        "StatusMessage": message,
        "AcceptedRouteCount": routes,
        "LastStatusChange": _last_change(vpn, tunnel_id(vpn.id, number), status),
    }


def _tunnel_state(vpn: Any, tunnel: str, status: StatusSnapshot) -> tuple[bool, str, int]:
    """(up, status message, accepted route count) of one tunnel."""
    tunnel_status = status.tunnels.get(tunnel)
    if tunnel_status is None:
        # A status source may say why it knows nothing (NoDataPlane.MESSAGE).
        return False, getattr(current_lab().ctx.status, "MESSAGE", UNKNOWN_TUNNEL_MESSAGE), 0
    if not tunnel_status.up:
        return False, tunnel_status.message, 0
    if is_static(vpn):
        return True, "", len(static_routes(vpn))
    bgp = status.bgp.get(tunnel)
    if bgp is None or bgp.state != "Established":
        return False, "IPSEC IS UP", 0
    return True, f"{bgp.routes_received} BGP ROUTES", bgp.routes_received


def _last_change(vpn: Any, tunnel: str, status: StatusSnapshot) -> datetime:
    tunnel_status = status.tunnels.get(tunnel)
    when = tunnel_status.last_change if tunnel_status and tunnel_status.last_change else getattr(vpn, "_mci_created", 0.0)
    return datetime.fromtimestamp(when, tz=timezone.utc)


def learned_prefixes(vpn: Any, status: StatusSnapshot) -> list[str]:
    """What the VGW learned over a BGP connection's tunnels (all endpoints), in order, once."""
    prefixes: dict[str, None] = {}
    for number in range(1, len(tunnel_options(vpn)) + 1):
        for prefix in status.learned_routes.get(endpoint_gateway_id(vpn.vpn_gateway_id, vpn.id, number), ()):
            prefixes[prefix] = None
    return list(prefixes)


def propagated_prefixes(vpn: Any, status: StatusSnapshot) -> list[str]:
    """The routes a connection puts into route tables with propagation: static routes as AWS
    propagates them for static connections, BGP-learned ones otherwise."""
    return static_routes(vpn) if is_static(vpn) else learned_prefixes(vpn, status)
