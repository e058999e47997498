#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: aws_route_table_info
short_description: List AWS VPC route tables with their routes, including those propagated from a VPN gateway
version_added: 0.1.0
description:
  - Lists VPC route tables by ID, by filters, or all of them in the region, each with its routes as AWS applies
    them and the virtual private gateways that propagate routes into it.
  - Routes learned over BGP by a virtual private gateway appear in RV(route_tables[].routes) with C(origin) V(EnableVgwRoutePropagation)
    once the gateway propagates into the table, which is how a play checks that a peer cloud's networks reached the VPC.
author:
  - multicloud.interconnect contributors (@multicloud-interconnect)
options:
  route_table_ids:
    description:
      - IDs of the route tables to list. An ID that does not exist is not an error; it is simply not listed.
    type: list
    elements: str
  filters:
    description:
      - EC2 filters as a dictionary of filter name to value or list of values, for example C(vpc-id) or
        C(association.main). See the AWS DescribeRouteTables API for the filter names.
    type: dict
    default: {}
extends_documentation_fragment:
  - multicloud.interconnect.aws
  - multicloud.interconnect.info_module
seealso:
  - module: multicloud.interconnect.aws_route
  - module: multicloud.interconnect.aws_vpn_gateway
"""

EXAMPLES = r"""
- name: The routes of the VPC's route tables
  multicloud.interconnect.aws_route_table_info:
    filters:
      vpc-id: vpc-0a1b2c3d4e5f60718
  register: tables

- name: Networks the virtual private gateway propagated (learned over BGP)
  ansible.builtin.debug:
    msg: "{{ tables.route_tables | map(attribute='routes') | flatten | selectattr('origin', 'equalto', 'EnableVgwRoutePropagation')
             | map(attribute='destination_cidr_block') | unique }}"
"""

RETURN = r"""
route_tables:
  description: The route tables found, possibly none, sorted by ID.
  returned: always
  type: list
  elements: dict
  contains:
    route_table_id:
      description: The route table ID.
      type: str
      sample: rtb-0123456789abcdef0
    vpc_id:
      description: The VPC the table belongs to.
      type: str
      sample: vpc-0a1b2c3d4e5f60718
    main:
      description: Whether it is the VPC's main route table.
      type: bool
      sample: true
    subnet_ids:
      description: Subnets explicitly associated with the table.
      type: list
      elements: str
      sample: [subnet-0123456789abcdef0]
    propagating_vgw_ids:
      description: Virtual private gateways that propagate their routes into the table.
      type: list
      elements: str
      sample: [vgw-0f1e2d3c4b5a69788]
    routes:
      description: The routes, each with the fields AWS set, in snake_case.
      type: list
      elements: dict
      sample:
        - {"destination_cidr_block": "172.16.0.0/16", "gateway_id": "local", "origin": "CreateRouteTable", "state": "active"}
        - {"destination_cidr_block": "192.168.0.0/16", "gateway_id": "vgw-0f1e2d3c4b5a69788", "origin": "EnableVgwRoutePropagation",
           "state": "active"}
    tags:
      description: The table's tags.
      type: dict
      sample: {"Name": "app"}
"""

from typing import Any, Mapping

from ansible_collections.multicloud.interconnect.plugins.module_utils import aws
from ansible_collections.multicloud.interconnect.plugins.module_utils.errors import CloudError, fail_with


def normalize_route_table(raw: Mapping[str, Any]) -> dict[str, Any]:
    associations = raw.get("Associations") or []
    return {
        "route_table_id": raw.get("RouteTableId"),
        "vpc_id": raw.get("VpcId"),
        "main": any(association.get("Main") for association in associations),
        "subnet_ids": sorted(association["SubnetId"] for association in associations if association.get("SubnetId")),
        "propagating_vgw_ids": aws.propagating_vgw_ids(raw),
        "routes": [aws.normalize_route(route) for route in raw.get("Routes") or []],
        "tags": aws.tags_to_dict(raw.get("Tags")),
    }


def list_route_tables(client: Any, params: Mapping[str, Any]) -> list[dict]:
    raw = aws.describe_by_ids(aws.describe_route_tables, client, params["route_table_ids"], aws.filters_from_dict(params["filters"]))
    return sorted((normalize_route_table(item) for item in raw), key=lambda item: item["route_table_id"])


def main() -> None:
    argument_spec = dict(
        route_table_ids=dict(type="list", elements="str"),
        filters=dict(type="dict", default={}),
    )
    module = aws.aws_module(argument_spec, supports_check_mode=True)
    try:
        client = aws.ec2_client(module)
        module.exit_json(changed=False, route_tables=list_route_tables(client, module.params))
    except CloudError as error:
        fail_with(module, error)


if __name__ == "__main__":
    main()
