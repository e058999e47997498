#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: azure_local_network_gateway_info
short_description: Read Azure local network gateways
version_added: 0.1.0
description:
  - Returns one local network gateway by name, or every one of a resource group, in the shape
    M(multicloud.interconnect.azure_local_network_gateway) returns.
author:
  - multicloud.interconnect contributors (@multicloud-interconnect)
options:
  resource_group:
    description:
      - Resource group to read.
    type: str
    required: true
  name:
    description:
      - Name of one local network gateway. When not set, every one of O(resource_group) is returned.
      - One that does not exist gives an empty list.
    type: str
extends_documentation_fragment:
  - multicloud.interconnect.azure
  - multicloud.interconnect.info_module
seealso:
  - module: multicloud.interconnect.azure_local_network_gateway
"""

EXAMPLES = r"""
- name: Every peer of the hub
  multicloud.interconnect.azure_local_network_gateway_info:
    resource_group: multicloud
  register: peers

- name: Their public IPs
  ansible.builtin.debug:
    msg: "{{ peers.local_network_gateways | map(attribute='gateway_ip_address') }}"
"""

RETURN = r"""
local_network_gateways:
  description: The local network gateways found, sorted by name.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The resource ID.
      type: str
      sample: /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/multicloud/providers/Microsoft.Network/localNetworkGateways/aws-00
    name:
      description: The name.
      type: str
      sample: aws-00
    resource_group:
      description: The resource group.
      type: str
      sample: multicloud
    location:
      description: The region.
      type: str
      sample: eastus
    provisioning_state:
      description: C(Succeeded) when ready.
      type: str
      sample: Succeeded
    gateway_ip_address:
      description: The peer's public IP.
      type: str
      sample: 198.51.100.21
    fqdn:
      description: The peer's FQDN, when it is defined by name.
      type: str
      sample: null
    address_prefixes:
      description: Prefixes behind the peer, sorted.
      type: list
      elements: str
      sample: []
    bgp_settings:
      description: The peer's BGP settings, V(null) without BGP.
      type: dict
      contains:
        asn:
          description: The peer's ASN.
          type: int
          sample: 64520
        bgp_peering_address:
          description: The peer's BGP address.
          type: str
          sample: 169.254.21.1
        peer_weight:
          description: Weight of routes learned from the peer.
          type: int
          sample: 0
    tags:
      description: The tags.
      type: dict
      sample: {}
"""

from typing import Any

from ansible_collections.multicloud.interconnect.plugins.module_utils import azure
from ansible_collections.multicloud.interconnect.plugins.module_utils import azure_vpn
from ansible_collections.multicloud.interconnect.plugins.module_utils.errors import CloudError, fail_with


def list_local_gateways(session: azure.AzureSession, params: dict) -> list[dict]:
    if params.get("name"):
        found = azure.get_local_network_gateway(session, params["resource_group"], params["name"])
        raws = [found] if found is not None else []
    else:
        raws = azure.list_local_network_gateways(session, params["resource_group"])
    return sorted((azure_vpn.normalize_local_gateway(raw) for raw in raws), key=lambda gateway: gateway["name"] or "")


def main() -> None:
    argument_spec: dict[str, Any] = dict(
        resource_group=dict(type="str", required=True),
        name=dict(type="str"),
    )
    module = azure.azure_module(argument_spec, supports_check_mode=True)
    try:
        session = azure.network_session(module)
        module.exit_json(changed=False, local_network_gateways=list_local_gateways(session, module.params))
    except (CloudError, ValueError) as error:
        fail_with(module, error)


if __name__ == "__main__":
    main()
