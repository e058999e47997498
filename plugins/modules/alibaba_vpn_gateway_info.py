#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: alibaba_vpn_gateway_info
short_description: List Alibaba Cloud VPN gateways
version_added: 0.1.0
description:
  - Lists the VPN gateways of a region, optionally narrowed to one ID, one VPC or one name.
  - Reads only; every page of C(DescribeVpnGateways) is fetched.
author:
  - multicloud.interconnect contributors (@multicloud-interconnect)
options:
  vpn_gateway_id:
    description:
      - Only this gateway.
    type: str
  vpc_id:
    description:
      - Only the gateways of this VPC.
    type: str
  name:
    description:
      - Only the gateways with this name.
    type: str
extends_documentation_fragment:
  - multicloud.interconnect.alibaba
  - multicloud.interconnect.info_module
seealso:
  - module: multicloud.interconnect.alibaba_vpn_gateway
"""

EXAMPLES = r"""
- name: The VPN gateways of a VPC
  multicloud.interconnect.alibaba_vpn_gateway_info:
    region: cn-hangzhou
    vpc_id: vpc-bp1q8z4kxq2rbmszq8w7e
  register: gateways

- name: Their public addresses
  ansible.builtin.debug:
    msg: "{{ gateways.vpn_gateways | map(attribute='internet_ip') | list }}"
"""

RETURN = r"""
vpn_gateways:
  description:
    - The matching gateways, in snake_case, as M(multicloud.interconnect.alibaba_vpn_gateway) returns them.
  returned: always
  type: list
  elements: dict
  sample:
    - vpn_gateway_id: vpn-bp1q8m2xkq0w3n5b6v7c8
      name: hz-to-aws
      status: active
      business_status: Normal
      vpc_id: vpc-bp1q8z4kxq2rbmszq8w7e
      vswitch_id: vsw-bp1n7qdk7zx8k2a9ohx3m
      internet_ip: 198.51.100.24
      disaster_recovery_internet_ip: ""
      bandwidth: 10
      spec: 10M
      enable_ipsec: true
      enable_ssl: false
      tags: {}
"""

from ansible_collections.multicloud.interconnect.plugins.module_utils import alibaba
from ansible_collections.multicloud.interconnect.plugins.module_utils.errors import CloudError, fail_with


def main() -> None:
    argument_spec = dict(
        vpn_gateway_id=dict(type="str"),
        vpc_id=dict(type="str"),
        name=dict(type="str"),
    )
    module = alibaba.alibaba_module(argument_spec, supports_check_mode=True)
    params = module.params
    try:
        client = alibaba.vpc_client(params)
        if params["vpn_gateway_id"]:
            raw = alibaba.get_vpn_gateway(client, params["region"], params["vpn_gateway_id"])
            found = [raw] if raw else []
        else:
            found = alibaba.describe_vpn_gateways(client, params["region"], vpc_id=params["vpc_id"])
        gateways = [alibaba.normalize_vpn_gateway(raw) for raw in found
                    if params["name"] is None or raw.get("Name") == params["name"]]
        module.exit_json(changed=False, vpn_gateways=gateways)
    except (CloudError, ValueError) as error:
        fail_with(module, error)


if __name__ == "__main__":
    main()
