#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: gcp_external_vpn_gateway_info
short_description: List Google Cloud external (peer) VPN gateways
version_added: 0.1.0
description:
  - Lists the external VPN gateways of a project by name, by a Compute filter, or all of them.
author:
  - multicloud.interconnect contributors (@multicloud-interconnect)
options:
  names:
    description:
      - Names of the gateways to list. A name that does not exist is not an error; it is simply not listed.
      - Mutually exclusive with O(filter).
    type: list
    elements: str
  filter:
    description:
      - A Compute API filter expression, for example V(name = "aws-peer").
      - When neither O(names) nor O(filter) is set, every external VPN gateway of the project is listed.
    type: str
extends_documentation_fragment:
  - multicloud.interconnect.gcp
  - multicloud.interconnect.info_module
notes:
  - O(region) is not used; external VPN gateways are global resources.
seealso:
  - module: multicloud.interconnect.gcp_external_vpn_gateway
"""

EXAMPLES = r"""
- name: Every peer gateway of the project
  multicloud.interconnect.gcp_external_vpn_gateway_info:
    project: net-hub-prod
  register: peers

- name: Peer addresses per gateway
  ansible.builtin.debug:
    msg: "{{ peers.external_vpn_gateways | items2dict(key_name='name', value_name='interfaces') }}"
"""

RETURN = r"""
external_vpn_gateways:
  description: The gateways found, possibly none, sorted by name.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The gateway name.
      type: str
      sample: aws-peer
    id:
      description: The numeric ID, as a string.
      type: str
      sample: "7384019283746512093"
    self_link:
      description: The gateway URL.
      type: str
      sample: https://www.googleapis.com/compute/v1/projects/net-hub-prod/global/externalVpnGateways/aws-peer
    description:
      description: The description.
      type: str
      sample: ""
    redundancy_type:
      description: The redundancy type.
      type: str
      sample: FOUR_IPS_REDUNDANCY
    interfaces:
      description: The interfaces, ordered by id.
      type: list
      elements: dict
      sample: [{"id": 0, "ip_address": "203.0.113.10"}, {"id": 1, "ip_address": "203.0.113.11"}]
"""

from ansible_collections.multicloud.interconnect.plugins.module_utils import gcp
from ansible_collections.multicloud.interconnect.plugins.module_utils.errors import CloudError, fail_with


def list_gateways(session: gcp.GcpSession, params: dict) -> list[dict]:
    if params["names"] is not None:
        raw = [gcp.get_external_vpn_gateway(session, name) for name in dict.fromkeys(params["names"])]
    else:
        raw = gcp.list_external_vpn_gateways(session, params["filter"] or "")
    return sorted((gcp.normalize_external_vpn_gateway(item) for item in raw if item is not None), key=lambda item: item["name"])


def main() -> None:
    argument_spec = dict(
        names=dict(type="list", elements="str"),
        filter=dict(type="str"),
    )
    module = gcp.gcp_module(argument_spec, mutually_exclusive=[["names", "filter"]], supports_check_mode=True)
    try:
        session = gcp.compute_session(module, regional=False)
        module.exit_json(changed=False, external_vpn_gateways=list_gateways(session, module.params))
    except (CloudError, ValueError) as error:
        fail_with(module, error)


if __name__ == "__main__":
    main()
