#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: alibaba_ipsec_connection_info
short_description: List Alibaba Cloud IPsec-VPN connections and their negotiation status
version_added: 0.1.0
description:
  - Lists the IPsec-VPN connections of a region, optionally narrowed to one ID, VPN gateway, customer gateway or
    name, with their negotiation status per connection and per tunnel.
  - Reads only; every page of C(DescribeVpnConnections) is fetched. Pre-shared keys are never returned.
author:
  - multicloud.interconnect contributors (@multicloud-interconnect)
options:
  vpn_connection_id:
    description:
      - Only this connection.
    type: str
  vpn_gateway_id:
    description:
      - Only the connections of this VPN gateway.
    type: str
  customer_gateway_id:
    description:
      - Only the connections to this customer gateway.
    type: str
  name:
    description:
      - Only the connections with this name.
    type: str
extends_documentation_fragment:
  - multicloud.interconnect.alibaba
  - multicloud.interconnect.info_module
seealso:
  - module: multicloud.interconnect.alibaba_ipsec_connection
"""

EXAMPLES = r"""
- name: Is the tunnel to AWS up?
  multicloud.interconnect.alibaba_ipsec_connection_info:
    region: cn-hangzhou
    vpn_gateway_id: vpn-bp1q8m2xkq0w3n5b6v7c8
    name: to-aws-tunnel1
  register: found

- name: Fail unless every tunnel has its IPsec SA
  ansible.builtin.assert:
    that: found.vpn_connections | map(attribute='established') | min
"""

RETURN = r"""
vpn_connections:
  description:
    - The matching connections, in snake_case, as M(multicloud.interconnect.alibaba_ipsec_connection) returns them
      (pre-shared keys replaced by C(VALUE_SPECIFIED_IN_NO_LOG_PARAMETER)).
  returned: always
  type: list
  elements: dict
  sample:
    - vpn_connection_id: vco-bp1q8m2xkq0w3n5b6v7c8
      name: to-aws-tunnel1
      vpn_gateway_id: vpn-bp1q8m2xkq0w3n5b6v7c8
      customer_gateway_id: cgw-bp1t5r6e7w8q9a0s1d2f3
      local_subnet: [192.168.0.0/16]
      remote_subnet: [172.80.64.0/19]
      status: ipsec_sa_established
      established: true
      ike_config: {"ike_version": "ikev1", "ike_enc_alg": "aes", "psk": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"}
      ipsec_config: {"ipsec_enc_alg": "aes", "ipsec_auth_alg": "sha1", "ipsec_pfs": "group2"}
      tunnel_options: []
"""

from ansible_collections.multicloud.interconnect.plugins.module_utils import alibaba
from ansible_collections.multicloud.interconnect.plugins.module_utils.diff import redact
from ansible_collections.multicloud.interconnect.plugins.module_utils.errors import CloudError, fail_with


def main() -> None:
    argument_spec = dict(
        vpn_connection_id=dict(type="str"),
        vpn_gateway_id=dict(type="str"),
        customer_gateway_id=dict(type="str"),
        name=dict(type="str"),
    )
    module = alibaba.alibaba_module(argument_spec, supports_check_mode=True)
    params = module.params
    try:
        client = alibaba.vpc_client(params)
        found = alibaba.describe_vpn_connections(client, params["region"], vpn_connection_id=params["vpn_connection_id"],
                                                 vpn_gateway_id=params["vpn_gateway_id"], customer_gateway_id=params["customer_gateway_id"])
        connections = [redact(alibaba.normalize_vpn_connection(raw)) for raw in found
                       if params["name"] in (None, raw.get("Name")) and params["vpn_connection_id"] in (None, raw.get("VpnConnectionId"))]
        module.exit_json(changed=False, vpn_connections=connections)
    except (CloudError, ValueError) as error:
        fail_with(module, error)


if __name__ == "__main__":
    main()
