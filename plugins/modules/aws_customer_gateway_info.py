#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: aws_customer_gateway_info
short_description: List AWS customer gateways
version_added: 0.1.0
description:
  - Lists AWS customer gateways by ID, by filters, or all of them in the region.
author:
  - multicloud.interconnect contributors (@multicloud-interconnect)
options:
  customer_gateway_ids:
    description:
      - IDs of the gateways to list. An ID that does not exist is not an error; it is simply not listed.
    type: list
    elements: str
  filters:
    description:
      - EC2 filters as a dictionary of filter name to value or list of values.
      - For example C(tag:Name) or C(ip-address) (see EXAMPLES).
      - See the AWS DescribeCustomerGateways API for the filter names.
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
  - module: multicloud.interconnect.aws_customer_gateway
"""

EXAMPLES = r"""
- name: Customer gateways pointing at the Alibaba VPN gateway
  multicloud.interconnect.aws_customer_gateway_info:
    filters:
      ip-address: 198.51.100.24
  register: found
"""

RETURN = r"""
customer_gateways:
  description: The customer gateways found, possibly none.
  returned: always
  type: list
  elements: dict
  contains:
    customer_gateway_id:
      description: The gateway ID.
      type: str
      sample: cgw-0a9b8c7d6e5f40312
    state:
      description: C(pending), C(available), C(deleting) or C(deleted).
      type: str
      sample: available
    type:
      description: The VPN type.
      type: str
      sample: ipsec.1
    ip_address:
      description: The peer's public IPv4 address.
      type: str
      sample: 198.51.100.24
    bgp_asn:
      description: The peer's BGP ASN as an integer (from C(BgpAsnExtended) for 32-bit ASNs).
      type: int
      sample: 65000
    device_name:
      description: The device name, when set.
      type: str
      sample: null
    certificate_arn:
      description: The certificate ARN for certificate-based gateways, else V(null).
      type: str
      sample: null
    tags:
      description: The gateway's tags.
      type: dict
      sample: {"Name": "alibaba-hangzhou"}
"""

from typing import Any

from ansible_collections.multicloud.interconnect.plugins.module_utils import aws
from ansible_collections.multicloud.interconnect.plugins.module_utils.errors import CloudError, fail_with


def list_customer_gateways(client: Any, params: dict) -> list[dict]:
    raw = aws.describe_by_ids(aws.describe_customer_gateways, client, params["customer_gateway_ids"], aws.filters_from_dict(params["filters"]))
    if not params["include_deleted"]:
        raw = [item for item in raw if item.get("State") != "deleted"]
    return sorted((aws.normalize_customer_gateway(item) for item in raw), key=lambda item: item["customer_gateway_id"])


def main() -> None:
    argument_spec = dict(
        customer_gateway_ids=dict(type="list", elements="str"),
        filters=dict(type="dict", default={}),
        include_deleted=dict(type="bool", default=False),
    )
    module = aws.aws_module(argument_spec, supports_check_mode=True)
    try:
        client = aws.ec2_client(module)
        module.exit_json(changed=False, customer_gateways=list_customer_gateways(client, module.params))
    except CloudError as error:
        fail_with(module, error)


if __name__ == "__main__":
    main()
