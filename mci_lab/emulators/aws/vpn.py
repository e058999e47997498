"""Site-to-Site VPN connections as AWS runs them, on top of moto's bare records.

Adds what moto drops or lacks: ``Options`` with ``TunnelOptions`` kept as sent (plus AWS's
defaults and generated inside CIDRs and keys), per-tunnel outside IPs (``VgwTelemetry``), static
routes, a per-tunnel customer gateway configuration, and the actions CreateVpnConnectionRoute,
DeleteVpnConnectionRoute and ModifyVpnTunnelOptions.
"""
from __future__ import annotations

import functools
import ipaddress
import time
from typing import Any

from moto.core.responses import ActionResult, EmptyResult
from moto.ec2.models.vpn_connections import VPNConnection, VPNConnectionBackend
from moto.ec2.responses import EC2Response
from moto.ec2.responses.vpn_connections import VPNConnections
from moto.ec2.utils import add_tag_specification

from mci_lab.emulators.aws import cgw_config, telemetry, tunnels
from mci_lab.emulators.aws.connections import is_static, live_connections, static_routes, tunnel_options, vpn_connection
from mci_lab.emulators.aws.errors import ec2_error, invalid_parameter
from mci_lab.emulators.aws.lab import current_lab
from mci_lab.emulators.aws.naming import tunnel_id

ALL_IPV4 = "0.0.0.0/0"


# --------------------------------------------------------------------------- inside CIDRs


def inside_cidrs_in_use(backend: Any, vpn_gateway_id: str | None, skip: dict | None = None) -> set[str]:
    """Inside CIDRs taken on a VGW: AWS wants them unique per VGW (not per TGW)."""
    if not vpn_gateway_id:
        return set()
    return {
        tunnel["TunnelInsideCidr"]
        for vpn in live_connections(backend)
        if vpn.vpn_gateway_id == vpn_gateway_id
        for tunnel in tunnel_options(vpn)
        if tunnel is not skip
    }


# --------------------------------------------------------------------------- CreateVpnConnection


def create_vpn_connection(self: VPNConnections) -> ActionResult:
    lab = current_lab()
    backend = self.ec2_backend
    gateway_type = self._get_param("Type")
    customer_gateway_id = self._get_param("CustomerGatewayId")
    vpn_gateway_id = self._get_param("VpnGatewayId")
    transit_gateway_id = self._get_param("TransitGatewayId")
    options = self._get_param("Options") or {}

    if gateway_type != "ipsec.1":
        raise invalid_parameter(f"Value ({gateway_type}) for parameter type is invalid. Valid values: ipsec.1.")
    customer_gateway = backend.get_customer_gateway(customer_gateway_id)
    if vpn_gateway_id:
        _check_asns_differ(backend.get_vpn_gateway(vpn_gateway_id), customer_gateway)
    requested = _requested_tunnels(options.get("TunnelOptions") or [], inside_cidrs_in_use(backend, vpn_gateway_id))
    connection_options = _connection_options(options, requested)  # validated before anything exists

    vpn = backend.create_vpn_connection(
        gateway_type,
        customer_gateway_id,
        vpn_gateway_id=vpn_gateway_id,
        transit_gateway_id=transit_gateway_id,
        tags=add_tag_specification(self._get_param("TagSpecifications", [])),
    )
    for number, tunnel in enumerate(requested, 1):
        tunnel["OutsideIpAddress"] = lab.public_ip(tunnel_id(vpn.id, number))
    vpn.options = connection_options
    vpn.routes = []
    vpn.category = "VPN"
    vpn._mci_created = time.time()
    lab.stamp_ready(vpn, "vpn_connection")
    if transit_gateway_id:
        backend.create_transit_gateway_vpn_attachment(vpn_id=vpn.id, transit_gateway_id=transit_gateway_id)
    return ActionResult({"VpnConnection": vpn})


def _check_asns_differ(vpn_gateway: Any, customer_gateway: Any) -> None:
    """AWS refuses a customer gateway ASN equal to the VGW's Amazon-side ASN."""
    if int(customer_gateway.bgp_asn) == int(vpn_gateway.amazon_side_asn):
        raise invalid_parameter(
            f"The customer gateway ASN {customer_gateway.bgp_asn} must differ from the Amazon side ASN "
            f"{vpn_gateway.amazon_side_asn} of {vpn_gateway.id}."
        )


def _requested_tunnels(specs: list[dict], in_use: set[str]) -> list[dict]:
    """Both tunnels: as sent, AWS's defaults for the rest, inside CIDRs and keys generated."""
    if len(specs) > tunnels.TUNNELS_PER_CONNECTION:
        raise invalid_parameter(f"A VPN connection has {tunnels.TUNNELS_PER_CONNECTION} tunnels; {len(specs)} tunnel options were given.")
    result: list[dict] = []
    padded = list(specs) + [{}] * (tunnels.TUNNELS_PER_CONNECTION - len(specs))
    for spec in padded:
        tunnel = tunnels.merged_tunnel(tunnels.default_tunnel(), spec)
        tunnels.check_tunnel(tunnel, in_use | _inside_cidrs(result))
        result.append(tunnel)
    for tunnel in result:
        if "TunnelInsideCidr" not in tunnel:
            tunnel["TunnelInsideCidr"] = tunnels.free_inside_cidr(in_use | _inside_cidrs(result))
        tunnel.setdefault("PreSharedKey", tunnels.generated_psk())
    return result


def _inside_cidrs(tunnel_list: list[dict]) -> set[str]:
    return {tunnel["TunnelInsideCidr"] for tunnel in tunnel_list if "TunnelInsideCidr" in tunnel}


def _connection_options(options: dict, tunnel_list: list[dict]) -> dict:
    """Options as DescribeVpnConnections shows them (VpnConnectionOptions)."""
    connection = {
        "EnableAcceleration": False,
        "StaticRoutesOnly": False,
        "LocalIpv4NetworkCidr": ALL_IPV4,
        "RemoteIpv4NetworkCidr": ALL_IPV4,
        "OutsideIpAddressType": "PublicIpv4",
        "TunnelInsideIpVersion": "ipv4",
    }
    connection.update({name: value for name, value in options.items() if name != "TunnelOptions"})
    for name in ("LocalIpv4NetworkCidr", "RemoteIpv4NetworkCidr"):
        _check_cidr(name, connection[name])
    connection["TunnelOptions"] = tunnel_list
    return connection


def _check_cidr(name: str, cidr: str) -> None:
    try:
        ipaddress.IPv4Network(cidr)
    except ValueError:
        raise invalid_parameter(f"Value ({cidr}) for parameter {name} is invalid. It must be an IPv4 CIDR block.") from None


# --------------------------------------------------------------------------- DeleteVpnConnection


def _release_outside_ips(vpn: Any) -> None:
    for tunnel in tunnel_options(vpn):
        current_lab().release_public_ip(tunnel.get("OutsideIpAddress"))


def _wrap_delete() -> None:
    original = VPNConnectionBackend.delete_vpn_connection

    @functools.wraps(original)
    def delete_vpn_connection(self: Any, vpn_connection_id: str) -> VPNConnection:
        already_deleted = vpn_connection_id in self.vpn_connections and self.vpn_connections[vpn_connection_id].state == "deleted"
        vpn = original(self, vpn_connection_id)
        if not already_deleted:
            _release_outside_ips(vpn)
        return vpn

    VPNConnectionBackend.delete_vpn_connection = delete_vpn_connection


# --------------------------------------------------------------------------- ModifyVpnTunnelOptions


def modify_vpn_tunnel_options(self: EC2Response) -> ActionResult:
    backend = self.ec2_backend
    vpn = vpn_connection(backend, self._get_param("VpnConnectionId"))
    _check_available(vpn)
    outside_ip = self._get_param("VpnTunnelOutsideIpAddress")
    current = _tunnel_by_outside_ip(vpn, outside_ip)
    tunnel = tunnels.merged_tunnel(current, self._get_param("TunnelOptions") or {})
    in_use = inside_cidrs_in_use(backend, vpn.vpn_gateway_id, skip=current)
    in_use |= {other["TunnelInsideCidr"] for other in tunnel_options(vpn) if other is not current}
    tunnels.check_tunnel(tunnel, in_use)
    options = tunnel_options(vpn)
    options[options.index(current)] = tunnel
    return ActionResult({"VpnConnection": vpn})


def _check_available(vpn: Any) -> None:
    if vpn.state != "available":
        raise ec2_error(
            "InvalidVpnConnection.InvalidState",
            f"The VPN connection {vpn.id} is in state {vpn.state}; it must be available.",
        )


def _tunnel_by_outside_ip(vpn: Any, outside_ip: str) -> dict:
    for tunnel in tunnel_options(vpn):
        if tunnel["OutsideIpAddress"] == outside_ip:
            return tunnel
    raise invalid_parameter(f"The tunnel outside IP address {outside_ip} does not belong to {vpn.id}.")


# --------------------------------------------------------------------------- static routes


def create_vpn_connection_route(self: EC2Response) -> EmptyResult:
    vpn = vpn_connection(self.ec2_backend, self._get_param("VpnConnectionId"))
    cidr = _destination(self._get_param("DestinationCidrBlock"))
    if not is_static(vpn):
        raise invalid_parameter(f"The VPN connection {vpn.id} uses BGP; static routes need StaticRoutesOnly.")
    if cidr in static_routes(vpn):
        raise ec2_error("RouteAlreadyExists", f"The route identified by {cidr} already exists.")
    vpn.routes.append({"DestinationCidrBlock": cidr, "Source": "Static", "State": "available"})
    return EmptyResult()


def delete_vpn_connection_route(self: EC2Response) -> EmptyResult:
    vpn = vpn_connection(self.ec2_backend, self._get_param("VpnConnectionId"))
    cidr = _destination(self._get_param("DestinationCidrBlock"))
    if cidr not in static_routes(vpn):
        raise ec2_error("InvalidRoute.NotFound", f"No route with destination-cidr-block {cidr} in VPN connection {vpn.id}.")
    vpn.routes = [route for route in vpn.routes if route["DestinationCidrBlock"] != cidr]
    return EmptyResult()


def _destination(cidr: str | None) -> str:
    try:
        return str(ipaddress.IPv4Network(cidr or ""))
    except ValueError:
        raise invalid_parameter(f"Value ({cidr}) for parameter destinationCidrBlock is invalid. This is not a valid CIDR block.") from None


# --------------------------------------------------------------------------- describe


def _customer_gateway_configuration(vpn: VPNConnection) -> str:
    backend = vpn.ec2_backend
    customer_gateway = backend.customer_gateways.get(vpn.customer_gateway_id)
    vpn_gateway = backend.vpn_gateways.get(vpn.vpn_gateway_id) if vpn.vpn_gateway_id else None
    transit_gateway = backend.transit_gateways.get(vpn.transit_gateway_id) if vpn.transit_gateway_id else None
    amazon_side_asn = vpn_gateway.amazon_side_asn if vpn_gateway else _transit_gateway_asn(transit_gateway)
    return cgw_config.customer_gateway_configuration(vpn, customer_gateway, amazon_side_asn)


def _transit_gateway_asn(transit_gateway: Any) -> int | None:
    return int(transit_gateway.options["AmazonSideAsn"]) if transit_gateway else None


def install() -> None:
    VPNConnections.create_vpn_connection = create_vpn_connection
    EC2Response.modify_vpn_tunnel_options = modify_vpn_tunnel_options
    EC2Response.create_vpn_connection_route = create_vpn_connection_route
    EC2Response.delete_vpn_connection_route = delete_vpn_connection_route
    VPNConnection.customer_gateway_configuration = property(_customer_gateway_configuration)
    VPNConnection.vgw_telemetry = property(telemetry.vgw_telemetry)
    _wrap_delete()
