#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: aws_route
short_description: Manage one route in an AWS VPC route table, leaving every other route alone
version_added: 0.1.0
description:
  - Creates, replaces or deletes one IPv4 route (destination CIDR to a target) in a VPC route table.
  - Never touches any other route of the table, so it is safe on route tables shared with other teams or tools
    (unlike M(amazon.aws.ec2_vpc_route_table), which owns the whole table and purges unknown routes by default).
  - The route table is given by ID or as the main route table of a VPC.
author:
  - multicloud.interconnect contributors (@multicloud-interconnect)
options:
  state:
    description:
      - V(present) creates the route or points it at the given target; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  route_table_id:
    description:
      - The route table. Mutually exclusive with O(vpc_id).
    type: str
  vpc_id:
    description:
      - Use the main route table of this VPC. Mutually exclusive with O(route_table_id).
    type: str
  destination_cidr_block:
    description:
      - The IPv4 destination of the route, for example the peer cloud's VPC CIDR.
    type: str
    required: true
  gateway_id:
    description:
      - A virtual private gateway (C(vgw-...)) or internet gateway (C(igw-...)) as the target.
    type: str
  instance_id:
    description:
      - An EC2 instance as the target, for example a NAT or VPN instance (its source/destination check must be off).
    type: str
  network_interface_id:
    description:
      - A network interface as the target.
    type: str
  nat_gateway_id:
    description:
      - A NAT gateway (public or private) as the target.
    type: str
  transit_gateway_id:
    description:
      - A transit gateway as the target.
    type: str
extends_documentation_fragment:
  - multicloud.interconnect.aws
attributes:
  check_mode:
    support: full
    description: Check mode predicts the result without any mutating API call.
  diff_mode:
    support: full
    description: Shows the route before and after.
notes:
  - With O(state=absent) and a target, the route is only deleted when it points at that target, so a play never
    removes a route that someone re-pointed elsewhere.
  - The C(local) route and routes propagated by a virtual private gateway cannot be managed; a static route for the
    same destination takes precedence over a propagated one.
seealso:
  - module: multicloud.interconnect.aws_vpn_gateway
"""

EXAMPLES = r"""
- name: Send the Alibaba VPC's range to the VGW, in the VPC's main route table
  multicloud.interconnect.aws_route:
    vpc_id: vpc-0a1b2c3d4e5f60718
    destination_cidr_block: 192.168.0.0/16
    gateway_id: vgw-0f1e2d3c4b5a69788

- name: Send the overlay range through a NAT instance, in a given route table
  multicloud.interconnect.aws_route:
    route_table_id: rtb-0123456789abcdef0
    destination_cidr_block: 10.99.0.0/16
    instance_id: i-0abc1234def567890

- name: Remove the route, but only if it still points at the VGW
  multicloud.interconnect.aws_route:
    vpc_id: vpc-0a1b2c3d4e5f60718
    destination_cidr_block: 192.168.0.0/16
    gateway_id: vgw-0f1e2d3c4b5a69788
    state: absent
"""

RETURN = r"""
route_table_id:
  description: The route table the route is in.
  returned: always
  type: str
  sample: rtb-0123456789abcdef0
route:
  description: The route after the change (predicted in check mode); empty when absent. Only the fields AWS sets appear.
  returned: always
  type: dict
  contains:
    destination_cidr_block:
      description: The destination.
      type: str
      sample: 192.168.0.0/16
    gateway_id:
      description: The gateway target, if any.
      type: str
      sample: vgw-0f1e2d3c4b5a69788
    instance_id:
      description: The instance target, if any.
      type: str
      sample: i-0abc1234def567890
    network_interface_id:
      description: The network interface target (also set for instance targets).
      type: str
      sample: eni-0fedcba9876543210
    nat_gateway_id:
      description: The NAT gateway target, if any.
      type: str
      sample: nat-0aa11bb22cc33dd44
    transit_gateway_id:
      description: The transit gateway target, if any.
      type: str
      sample: tgw-04d3c2b1a09f8e7d6
    origin:
      description: How the route was made, C(CreateRoute) for routes this module manages.
      type: str
      sample: CreateRoute
    state:
      description: C(active), or C(blackhole) when the target is gone.
      type: str
      sample: active
"""

import ipaddress
from typing import Any

from ansible_collections.multicloud.interconnect.plugins.module_utils import aws
from ansible_collections.multicloud.interconnect.plugins.module_utils.diff import build_diff
from ansible_collections.multicloud.interconnect.plugins.module_utils.errors import CloudError, fail_with

# Module option -> CreateRoute/ReplaceRoute parameter.
TARGETS = {
    "gateway_id": "GatewayId",
    "instance_id": "InstanceId",
    "network_interface_id": "NetworkInterfaceId",
    "nat_gateway_id": "NatGatewayId",
    "transit_gateway_id": "TransitGatewayId",
}
UNMANAGED_ORIGINS = ("CreateRouteTable", "EnableVgwRoutePropagation", "Advertisement")


def input_problems(params: dict) -> list[str]:
    try:
        network = ipaddress.ip_network(params["destination_cidr_block"], strict=True)
    except ValueError:
        return ["destination_cidr_block: %r is not a network address with a prefix (host bits must be zero)" % params["destination_cidr_block"]]
    if network.version != 4:
        return ["destination_cidr_block: %s is not IPv4" % params["destination_cidr_block"]]
    return []


def wanted_target(params: dict) -> tuple[str, str] | None:
    """(API parameter, value) of the target the options name, if any."""
    for option, key in TARGETS.items():
        if params.get(option):
            return key, params[option]
    return None


def find_route_table(client: Any, params: dict) -> dict:
    if params["route_table_id"]:
        table = aws.get_route_table(client, params["route_table_id"])
        missing = "route_table_id: %s does not exist" % params["route_table_id"]
    else:
        table = aws.get_main_route_table(client, params["vpc_id"])
        missing = "vpc_id: %s has no main route table (does the VPC exist?)" % params["vpc_id"]
    if table is None:
        raise ValueError(missing)
    return table


def managed_route(table: dict, destination: str) -> dict | None:
    """The static route for ``destination``; fails for the local route, which nobody can change."""
    routes = [route for route in table.get("Routes") or [] if route.get("DestinationCidrBlock") == destination]
    for route in routes:
        if route.get("Origin") == "CreateRouteTable":
            raise ValueError("destination_cidr_block: %s is the local route of %s and cannot be managed" % (destination, table["RouteTableId"]))
    static = [route for route in routes if route.get("Origin") not in UNMANAGED_ORIGINS]
    return static[0] if static else None


def ensure_present(client: Any, check_mode: bool, table_id: str, route: dict | None, destination: str, target: tuple[str, str]) -> tuple[bool, dict]:
    key, value = target
    if route is not None and route.get(key) == value:
        return False, route
    predicted = {"DestinationCidrBlock": destination, key: value, "Origin": "CreateRoute", "State": "active"}
    if not check_mode:
        call = aws.create_route if route is None else aws.replace_route
        call(client, RouteTableId=table_id, DestinationCidrBlock=destination, **{key: value})
    return True, predicted


def ensure_absent(client: Any, check_mode: bool, table_id: str, route: dict | None, target: tuple[str, str] | None) -> tuple[bool, dict]:
    if route is None:
        return False, {}
    if target is not None and route.get(target[0]) != target[1]:
        return False, route  # re-pointed elsewhere since: not ours to delete
    if check_mode:
        return True, {}
    return aws.delete_route(client, table_id, route["DestinationCidrBlock"]), {}


def main() -> None:
    argument_spec = dict(
        state=dict(type="str", default="present", choices=["present", "absent"]),
        route_table_id=dict(type="str"),
        vpc_id=dict(type="str"),
        destination_cidr_block=dict(type="str", required=True),
        gateway_id=dict(type="str"),
        instance_id=dict(type="str"),
        network_interface_id=dict(type="str"),
        nat_gateway_id=dict(type="str"),
        transit_gateway_id=dict(type="str"),
    )
    module = aws.aws_module(
        argument_spec,
        mutually_exclusive=[["route_table_id", "vpc_id"], list(TARGETS)],
        required_one_of=[["route_table_id", "vpc_id"]],
        required_if=[["state", "present", list(TARGETS), True]],
        supports_check_mode=True,
    )
    params = module.params
    try:
        problems = input_problems(params)
        if problems:
            raise ValueError("; ".join(problems))
        client = aws.ec2_client(module)
        table = find_route_table(client, params)
        route = managed_route(table, params["destination_cidr_block"])
        target = wanted_target(params)
        if params["state"] == "present":
            changed, after = ensure_present(client, module.check_mode, table["RouteTableId"], route, params["destination_cidr_block"], target)
            if changed and not module.check_mode:
                after = managed_route(find_route_table(client, {"route_table_id": table["RouteTableId"]}), params["destination_cidr_block"]) or after
        else:
            changed, after = ensure_absent(client, module.check_mode, table["RouteTableId"], route, target)
        result: dict[str, Any] = {"changed": changed, "route_table_id": table["RouteTableId"], "route": aws.normalize_route(after) if after else {}}
        if module._diff:
            result["diff"] = build_diff(aws.normalize_route(route) if route else {}, result["route"])
        module.exit_json(**result)
    except (CloudError, ValueError) as error:
        fail_with(module, error)


if __name__ == "__main__":
    main()
