#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: aws_vpn_gateway_info
short_description: List AWS virtual private gateways with their ASN, attachment and route propagation
version_added: 0.1.0
description:
  - Lists AWS virtual private gateways (VGWs) by ID, by filters, or all of them in the region.
  - Each gateway includes its Amazon-side ASN, the VPC it is attached to and the route tables it propagates into.
author:
  - multicloud.interconnect contributors (@multicloud-interconnect)
options:
  vpn_gateway_ids:
    description:
      - IDs of the gateways to list. An ID that does not exist is not an error; it is simply not listed.
    type: list
    elements: str
  filters:
    description:
      - EC2 filters as a dictionary of filter name to value or list of values.
      - For example C(tag:Name) or C(attachment.vpc-id) (see EXAMPLES).
      - See the AWS DescribeVpnGateways API for the filter names.
    type: dict
    default: {}
  include_deleted:
    description:
      - Whether to list gateways in state C(deleted), which AWS keeps reporting for a while.
    type: bool
    default: false
extends_documentation_fragment:
  - multicloud.interconnect.aws
  - multicloud.interconnect.info_module
seealso:
  - module: multicloud.interconnect.aws_vpn_gateway
"""

EXAMPLES = r"""
- name: The gateway named app-to-alibaba
  multicloud.interconnect.aws_vpn_gateway_info:
    filters:
      "tag:Name": app-to-alibaba
  register: found

- name: Its Amazon-side ASN
  ansible.builtin.debug:
    msg: "{{ found.vpn_gateways[0].amazon_side_asn }}"
"""

RETURN = r"""
vpn_gateways:
  description: The gateways found, possibly none.
  returned: always
  type: list
  elements: dict
  contains:
    vpn_gateway_id:
      description: The gateway ID.
      type: str
      sample: vgw-0f1e2d3c4b5a69788
    state:
      description: C(pending), C(available), C(deleting) or C(deleted).
      type: str
      sample: available
    type:
      description: The VPN type.
      type: str
      sample: ipsec.1
    amazon_side_asn:
      description: The BGP ASN of the Amazon side.
      type: int
      sample: 64520
    availability_zone:
      description: The availability zone, when AWS reports one.
      type: str
      sample: null
    vpc_id:
      description: The VPC the gateway is attached or attaching to, V(null) when detached.
      type: str
      sample: vpc-0a1b2c3d4e5f60718
    vpc_attachments:
      description: Every attachment AWS reports, detached ones included.
      type: list
      elements: dict
      sample: [{"vpc_id": "vpc-0a1b2c3d4e5f60718", "state": "attached"}]
    propagating_route_table_ids:
      description: Route tables of the attached VPC into which the gateway propagates routes.
      type: list
      elements: str
      sample: [rtb-0123456789abcdef0]
    tags:
      description: The gateway's tags.
      type: dict
      sample: {"Name": "app-to-alibaba"}
"""

from typing import Any

from ansible_collections.multicloud.interconnect.plugins.module_utils import aws
from ansible_collections.multicloud.interconnect.plugins.module_utils.errors import CloudError, fail_with


def propagation_by_gateway(client: Any, vpc_ids: list[str]) -> dict[str, list[str]]:
    """Gateway ID -> route tables propagating it, from one read of the attached VPCs' tables."""
    if not vpc_ids:
        return {}
    tables = aws.describe_route_tables(client, filters=[{"Name": "vpc-id", "Values": sorted(set(vpc_ids))}])
    result: dict[str, list[str]] = {}
    for table in tables:
        for gateway_id in aws.propagating_vgw_ids(table):
            result.setdefault(gateway_id, []).append(table["RouteTableId"])
    return result


def list_vpn_gateways(client: Any, params: dict) -> list[dict]:
    raw = aws.describe_by_ids(aws.describe_vpn_gateways, client, params["vpn_gateway_ids"], aws.filters_from_dict(params["filters"]))
    if not params["include_deleted"]:
        raw = [item for item in raw if item.get("State") != "deleted"]
    gateways = [aws.normalize_vpn_gateway(item) for item in raw]
    propagation = propagation_by_gateway(client, [item["vpc_id"] for item in gateways if item["vpc_id"]])
    for gateway in gateways:
        gateway["propagating_route_table_ids"] = sorted(propagation.get(gateway["vpn_gateway_id"], []))
    return sorted(gateways, key=lambda item: item["vpn_gateway_id"])


def main() -> None:
    argument_spec = dict(
        vpn_gateway_ids=dict(type="list", elements="str"),
        filters=dict(type="dict", default={}),
        include_deleted=dict(type="bool", default=False),
    )
    module = aws.aws_module(argument_spec, supports_check_mode=True)
    try:
        client = aws.ec2_client(module)
        module.exit_json(changed=False, vpn_gateways=list_vpn_gateways(client, module.params))
    except CloudError as error:
        fail_with(module, error)


if __name__ == "__main__":
    main()
