#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: alibaba_customer_gateway_info
short_description: List Alibaba Cloud customer gateways
version_added: 0.1.0
description:
  - Lists the customer gateways of a region, optionally narrowed to one ID, address or name.
  - Reads only; every page of C(DescribeCustomerGateways) is fetched.
author:
  - multicloud.interconnect contributors (@multicloud-interconnect)
options:
  customer_gateway_id:
    description:
      - Only this gateway.
    type: str
  ip_address:
    description:
      - Only the gateway with this public address.
    type: str
  name:
    description:
      - Only the gateways with this name.
    type: str
extends_documentation_fragment:
  - multicloud.interconnect.alibaba
  - multicloud.interconnect.info_module
seealso:
  - module: multicloud.interconnect.alibaba_customer_gateway
"""

EXAMPLES = r"""
- name: The customer gateway of an AWS tunnel address
  multicloud.interconnect.alibaba_customer_gateway_info:
    region: cn-hangzhou
    ip_address: 203.0.113.10
  register: found
"""

RETURN = r"""
customer_gateways:
  description:
    - The matching gateways, in snake_case, as M(multicloud.interconnect.alibaba_customer_gateway) returns them.
  returned: always
  type: list
  elements: dict
  sample:
    - customer_gateway_id: cgw-bp1q8m2xkq0w3n5b6v7c8
      name: aws-use1-tunnel1
      description: AWS vpn-0a1b2c3d tunnel 1
      ip_address: 203.0.113.10
      asn: 64512
      create_time: 1732290000000
      tags: {}
"""

from ansible_collections.multicloud.interconnect.plugins.module_utils import alibaba
from ansible_collections.multicloud.interconnect.plugins.module_utils.diff import redact
from ansible_collections.multicloud.interconnect.plugins.module_utils.errors import CloudError, fail_with


def main() -> None:
    argument_spec = dict(
        customer_gateway_id=dict(type="str"),
        ip_address=dict(type="str"),
        name=dict(type="str"),
    )
    module = alibaba.alibaba_module(argument_spec, supports_check_mode=True)
    params = module.params
    try:
        client = alibaba.vpc_client(params)
        found = alibaba.describe_customer_gateways(client, params["region"], customer_gateway_id=params["customer_gateway_id"])
        gateways = [redact(alibaba.normalize_customer_gateway(raw)) for raw in found
                    if params["ip_address"] in (None, raw.get("IpAddress")) and params["name"] in (None, raw.get("Name"))
                    and params["customer_gateway_id"] in (None, raw.get("CustomerGatewayId"))]
        module.exit_json(changed=False, customer_gateways=gateways)
    except (CloudError, ValueError) as error:
        fail_with(module, error)


if __name__ == "__main__":
    main()
