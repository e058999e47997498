#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: azure_vpn_gateway_info
short_description: Read Azure VPN gateways with their instance public IPs and APIPA BGP addresses
version_added: 0.1.0
description:
  - Returns one gateway by name, or every virtual network gateway of a resource group, in the shape
    M(multicloud.interconnect.azure_vpn_gateway) returns.
  - Per instance it returns the public IP, the default BGP address and the custom APIPA BGP addresses.
  - Use it to poll a gateway created with O(multicloud.interconnect.azure_vpn_gateway#module:wait=false) until its
    RV(virtual_network_gateways[].provisioning_state) is V(Succeeded).
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
      - Name of one gateway. When not set, every gateway of O(resource_group) is returned.
      - A gateway that does not exist gives an empty list.
    type: str
extends_documentation_fragment:
  - multicloud.interconnect.azure
  - multicloud.interconnect.info_module
seealso:
  - module: multicloud.interconnect.azure_vpn_gateway
"""

EXAMPLES = r"""
- name: Wait until a gateway created with wait=false is ready
  multicloud.interconnect.azure_vpn_gateway_info:
    name: hub-vpngw
    resource_group: multicloud
  register: found
  until: found.virtual_network_gateways[0].provisioning_state == 'Succeeded'
  retries: 120
  delay: 30

- name: The APIPA addresses of instance 1
  ansible.builtin.debug:
    msg: "{{ found.virtual_network_gateways[0].instances[1].custom_bgp_ip_addresses }}"

- name: Every gateway of a resource group
  multicloud.interconnect.azure_vpn_gateway_info:
    resource_group: multicloud
"""

RETURN = r"""
virtual_network_gateways:
  description: The gateways found, sorted by name; each as RV(multicloud.interconnect.azure_vpn_gateway#module:virtual_network_gateway).
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The gateway's resource ID.
      type: str
      sample: /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/multicloud/providers/Microsoft.Network/virtualNetworkGateways/hub-vpngw
    name:
      description: The gateway's name.
      type: str
      sample: hub-vpngw
    resource_group:
      description: The gateway's resource group.
      type: str
      sample: multicloud
    location:
      description: The gateway's region.
      type: str
      sample: eastus
    provisioning_state:
      description: C(Succeeded) when ready, C(Updating) while Azure works on it.
      type: str
      sample: Updating
    gateway_type:
      description: C(Vpn) or C(ExpressRoute).
      type: str
      sample: Vpn
    vpn_type:
      description: C(RouteBased) or C(PolicyBased).
      type: str
      sample: RouteBased
    sku:
      description: The SKU.
      type: str
      sample: VpnGw1
    generation:
      description: The VPN gateway generation.
      type: str
      sample: Generation1
    active_active:
      description: Whether both instances are active.
      type: bool
      sample: true
    enable_bgp:
      description: Whether BGP is enabled.
      type: bool
      sample: true
    asn:
      description: The gateway's BGP ASN.
      type: int
      sample: 65010
    virtual_network_id:
      description: The virtual network the gateway is deployed in.
      type: str
      sample: /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/multicloud/providers/Microsoft.Network/virtualNetworks/hub
    custom_bgp_ip_addresses:
      description: Custom APIPA BGP addresses per instance, instance 0 first.
      type: list
      elements: list
      sample: [["169.254.21.2"], ["169.254.22.2"]]
    instances:
      description: The gateway instances, instance 0 first.
      type: list
      elements: dict
      contains:
        index:
          description: Instance number (0 or 1).
          type: int
          sample: 1
        ip_configuration_name:
          description: Name of the instance's IP configuration.
          type: str
          sample: instance1
        ip_configuration_id:
          description: ID of the IP configuration.
          type: str
          sample: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/multicloud/providers/Microsoft.Network\
            /virtualNetworkGateways/hub-vpngw/ipConfigurations/instance1"
        public_ip_id:
          description: ID of the instance's public IP resource.
          type: str
          sample: /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/multicloud/providers/Microsoft.Network/publicIPAddresses/hub-vpngw-pip1
        public_ip_address:
          description: The instance's public IP, read from the public IP resource.
          type: str
          sample: 198.51.100.41
        default_bgp_ip_addresses:
          description: The instance's BGP address in the C(GatewaySubnet).
          type: list
          elements: str
          sample: ["192.168.1.5"]
        custom_bgp_ip_addresses:
          description: The instance's custom APIPA BGP addresses.
          type: list
          elements: str
          sample: ["169.254.22.2"]
        tunnel_ip_addresses:
          description: The tunnel endpoint addresses Azure reports for the instance.
          type: list
          elements: str
          sample: ["198.51.100.41"]
    tags:
      description: The gateway's tags.
      type: dict
      sample: {}
"""

from typing import Any

from ansible_collections.multicloud.interconnect.plugins.module_utils import azure
from ansible_collections.multicloud.interconnect.plugins.module_utils import azure_vpn
from ansible_collections.multicloud.interconnect.plugins.module_utils.errors import CloudError, fail_with


def read_public_ips(session: azure.AzureSession, raw: dict) -> dict[str, dict]:
    """The public IPs of a gateway's instances (their addresses), by lower-case id."""
    found = {}
    for instance in azure_vpn.normalize_gateway(raw)["instances"]:
        public_ip_id = instance["public_ip_id"]
        if public_ip_id:
            public_ip = azure.get_public_ip_address(session, azure.id_resource_group(public_ip_id), azure.id_name(public_ip_id))
            if public_ip is not None:
                found[public_ip_id.lower()] = public_ip
    return found


def list_gateways(session: azure.AzureSession, params: dict) -> list[dict]:
    if params.get("name"):
        found = azure.get_virtual_network_gateway(session, params["resource_group"], params["name"])
        raws = [found] if found is not None else []
    else:
        raws = azure.list_virtual_network_gateways(session, params["resource_group"])
    gateways = [azure_vpn.normalize_gateway(raw, read_public_ips(session, raw)) for raw in raws]
    return sorted(gateways, key=lambda gateway: gateway["name"] or "")


def main() -> None:
    argument_spec: dict[str, Any] = dict(
        resource_group=dict(type="str", required=True),
        name=dict(type="str"),
    )
    module = azure.azure_module(argument_spec, supports_check_mode=True)
    try:
        session = azure.network_session(module)
        module.exit_json(changed=False, virtual_network_gateways=list_gateways(session, module.params))
    except (CloudError, ValueError) as error:
        fail_with(module, error)


if __name__ == "__main__":
    main()
