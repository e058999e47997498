"""Ids the AWS emulator gives its objects in the data-plane model (unique across the lab)."""
from __future__ import annotations

PREFIX = "aws/"


def model_id(aws_id: str) -> str:
    """A network, host or route target: "aws/vpc-0abc", "aws/i-0abc", "aws/nat-0abc"."""
    return PREFIX + aws_id


def tunnel_id(vpn_connection_id: str, number: int) -> str:
    """Tunnel ``number`` (1 or 2, in the order of Options.TunnelOptions): "aws/vpn-0abc/1"."""
    return f"{PREFIX}{vpn_connection_id}/{number}"


def endpoint_gateway_id(vpn_gateway_id: str, vpn_connection_id: str, number: int) -> str:
    """The VGW endpoint that terminates one tunnel (its own outside IP): "aws/vgw-0abc/vpn-0def/1"."""
    return f"{PREFIX}{vpn_gateway_id}/{vpn_connection_id}/{number}"
