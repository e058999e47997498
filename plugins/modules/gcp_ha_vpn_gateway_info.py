#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: gcp_ha_vpn_gateway_info
short_description: List Google Cloud HA VPN gateways with their interface addresses
version_added: 0.1.0
description:
  - Lists the HA VPN gateways of a region by name, by a Compute filter, or all of them.
  - Each gateway includes the external addresses of its interfaces 0 and 1.
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
      - A Compute API filter expression, for example V(name = "hub-ha-vpn").
      - When neither O(names) nor O(filter) is set, every gateway of the region is listed.
    type: str
extends_documentation_fragment:
  - multicloud.interconnect.gcp
  - multicloud.interconnect.info_module
seealso:
  - module: multicloud.interconnect.gcp_ha_vpn_gateway
"""

EXAMPLES = r"""
- name: The hub gateway
  multicloud.interconnect.gcp_ha_vpn_gateway_info:
    project: net-hub-prod
    region: us-east1
    names: [hub-ha-vpn]
  register: found

- name: Its interface addresses
  ansible.builtin.debug:
    msg: "{{ found.vpn_gateways[0].ip_addresses }}"
"""

RETURN = r"""
vpn_gateways:
  description: The gateways found, possibly none, sorted by name.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The gateway name.
      type: str
      sample: hub-ha-vpn
    id:
      description: The numeric ID, as a string.
      type: str
      sample: "4517839904171826352"
    self_link:
      description: The gateway URL.
      type: str
      sample: https://www.googleapis.com/compute/v1/projects/net-hub-prod/regions/us-east1/vpnGateways/hub-ha-vpn
    region:
      description: The region name.
      type: str
      sample: us-east1
    network:
      description: The VPC network as a C(projects/...) path.
      type: str
      sample: projects/net-hub-prod/global/networks/hub-vpc
    description:
      description: The description.
      type: str
      sample: ""
    stack_type:
      description: The IP stack of the interfaces.
      type: str
      sample: IPV4_ONLY
    interfaces:
      description: The interfaces, interface 0 first.
      type: list
      elements: dict
      sample: [{"id": 0, "ip_address": "203.0.113.21"}, {"id": 1, "ip_address": "198.51.100.37"}]
    ip_addresses:
      description: The interface addresses alone, interface 0 first.
      type: list
      elements: str
      sample: [203.0.113.21, 198.51.100.37]
"""

from ansible_collections.multicloud.interconnect.plugins.module_utils import gcp
from ansible_collections.multicloud.interconnect.plugins.module_utils.errors import CloudError, fail_with


def list_gateways(session: gcp.GcpSession, params: dict) -> list[dict]:
    if params["names"] is not None:
        raw = [gcp.get_vpn_gateway(session, name) for name in dict.fromkeys(params["names"])]
    else:
        raw = gcp.list_vpn_gateways(session, params["filter"] or "")
    return sorted((gcp.normalize_vpn_gateway(item) for item in raw if item is not None), key=lambda item: item["name"])


def main() -> None:
    argument_spec = dict(
        names=dict(type="list", elements="str"),
        filter=dict(type="str"),
    )
    module = gcp.gcp_module(argument_spec, mutually_exclusive=[["names", "filter"]], supports_check_mode=True)
    try:
        session = gcp.compute_session(module)
        module.exit_json(changed=False, vpn_gateways=list_gateways(session, module.params))
    except (CloudError, ValueError) as error:
        fail_with(module, error)


if __name__ == "__main__":
    main()
