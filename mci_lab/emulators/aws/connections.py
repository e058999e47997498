"""Reading the VPN connection records the emulator keeps on moto's objects."""
from __future__ import annotations

from typing import Any

from moto.ec2.models.vpn_connections import VPNConnection


def vpn_connection(backend: Any, vpn_connection_id: str) -> VPNConnection:
    """The connection, or InvalidVpnConnectionID.NotFound as AWS answers."""
    return backend.describe_vpn_connections(vpn_connection_ids=[vpn_connection_id])[0]


def live_connections(backend: Any) -> list[VPNConnection]:
    return [vpn for vpn in backend.vpn_connections.values() if vpn.state not in ("deleting", "deleted")]


def available_connections(backend: Any, vpn_gateway_id: str) -> list[VPNConnection]:
    return [vpn for vpn in backend.vpn_connections.values() if vpn.vpn_gateway_id == vpn_gateway_id and vpn.state == "available"]


def tunnel_options(vpn: Any) -> list[dict]:
    """The connection's tunnels, as Options.TunnelOptions shows them (outside IP included)."""
    return (getattr(vpn, "options", None) or {}).get("TunnelOptions", [])


def is_static(vpn: Any) -> bool:
    return bool((getattr(vpn, "options", None) or {}).get("StaticRoutesOnly"))


def static_routes(vpn: Any) -> list[str]:
    return [route["DestinationCidrBlock"] for route in getattr(vpn, "routes", None) or []]
