"""VGW route propagation: EnableVgwRoutePropagation / DisableVgwRoutePropagation, and the
propagated routes (Origin ``EnableVgwRoutePropagation``) DescribeRouteTables shows.

Propagated routes come from the data plane (BGP-learned prefixes of the VGW's tunnel endpoints)
and, for static connections, from their static routes, as AWS propagates those too.
"""
from __future__ import annotations

from typing import Any

from moto.core.responses import EmptyResult
from moto.ec2.models.route_tables import RouteTable
from moto.ec2.responses import EC2Response

from mci_lab.emulators.aws import telemetry
from mci_lab.emulators.aws.connections import available_connections
from mci_lab.emulators.aws.errors import ec2_error

PROPAGATING = "_mci_propagating_vgws"


def propagating_vgws(route_table: Any) -> list[str]:
    """VGW ids whose routes propagate into a route table, in the order they were enabled."""
    return list(getattr(route_table, PROPAGATING, ()))


def enable_vgw_route_propagation(self: EC2Response) -> EmptyResult:
    route_table, vpn_gateway = _table_and_gateway(self)
    if route_table.vpc_id not in vpn_gateway.attachments or vpn_gateway.attachments[route_table.vpc_id].state == "detached":
        raise ec2_error("Gateway.NotAttached", f"resource {vpn_gateway.id} is not attached to network {route_table.vpc_id}")
    if vpn_gateway.id not in propagating_vgws(route_table):
        setattr(route_table, PROPAGATING, propagating_vgws(route_table) + [vpn_gateway.id])
    return EmptyResult()


def disable_vgw_route_propagation(self: EC2Response) -> EmptyResult:
    route_table, vpn_gateway = _table_and_gateway(self)
    if vpn_gateway.id in propagating_vgws(route_table):
        setattr(route_table, PROPAGATING, [vgw for vgw in propagating_vgws(route_table) if vgw != vpn_gateway.id])
    return EmptyResult()


def _table_and_gateway(response: EC2Response) -> tuple[Any, Any]:
    backend = response.ec2_backend
    route_table = backend.get_route_table(response._get_param("RouteTableId"))
    vpn_gateway = backend.get_vpn_gateway(response._get_param("GatewayId"))
    return route_table, vpn_gateway


def propagated_routes(route_table: Any) -> list[dict]:
    """Routes the table's propagating VGWs add, skipping destinations a static route already has."""
    backend = route_table.ec2_backend
    status = telemetry.snapshot()
    static = {route.destination_cidr_block for route in route_table._routes.values()}
    routes: dict[str, dict] = {}
    for vpn_gateway_id in propagating_vgws(route_table):
        for vpn in available_connections(backend, vpn_gateway_id):
            for prefix in telemetry.propagated_prefixes(vpn, status):
                if prefix not in static and prefix not in routes:
                    routes[prefix] = {
                        "DestinationCidrBlock": prefix,
                        "GatewayId": vpn_gateway_id,
                        "Origin": "EnableVgwRoutePropagation",
                        "State": "active",
                    }
    return list(routes.values())


def install() -> None:
    EC2Response.enable_vgw_route_propagation = enable_vgw_route_propagation
    EC2Response.disable_vgw_route_propagation = disable_vgw_route_propagation
    stored_routes = RouteTable.routes.fget
    RouteTable.routes = property(lambda table: stored_routes(table) + propagated_routes(table))
    RouteTable.propagating_vgws = property(lambda table: [{"GatewayId": vgw} for vgw in propagating_vgws(table)])
