#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: azure_effective_routes_info
short_description: Read the routes an Azure network interface really uses (its effective route table)
version_added: 0.1.0
description:
  - Returns the effective route table of an Azure network interface as C(az network nic show-effective-route-table)
    shows it, one row per route, whatever created it.
  - The table joins the system routes of the interface's subnet (RV(effective_routes[].source=Default), for the virtual
    network's address space, the Internet default route and the reserved ranges that drop traffic), the user routes
    of the subnet's route table (V(User)) and the routes of the virtual network's VPN gateway
    (V(VirtualNetworkGateway)), one row per gateway instance, learned over BGP or from a static connection.
  - Gateway routes are missing when the subnet's route table disables gateway route propagation
    (RV(effective_routes[].disable_bgp_route_propagation=true)).
  - Of several routes with the same prefix, Azure uses the user route, then the gateway route, then the system
    route; the others show RV(effective_routes[].state=Invalid).
  - Azure computes the answer with a long-running operation, which can take tens of seconds, and only for an
    interface attached to a running virtual machine.
author:
  - multicloud.interconnect contributors (@multicloud-interconnect)
options:
  resource_group:
    description:
      - Resource group of the network interface.
    type: str
    required: true
  network_interface:
    description:
      - Name of the network interface.
    type: str
    required: true
  wait_timeout:
    description:
      - How many seconds to wait for Azure's answer.
    type: int
    default: 300
extends_documentation_fragment:
  - multicloud.interconnect.azure
  - multicloud.interconnect.info_module
seealso:
  - module: multicloud.interconnect.azure_learned_routes_info
  - module: multicloud.interconnect.bgp_peer_status
"""

EXAMPLES = r"""
- name: What the VM's network interface routes with
  multicloud.interconnect.azure_effective_routes_info:
    resource_group: multicloud
    network_interface: testvm-nic
  register: effective

- name: The networks the VPN gateway brings to the VM
  ansible.builtin.debug:
    msg: >-
      {{ effective.effective_routes | selectattr('next_hop_type', 'equalto', 'VirtualNetworkGateway')
         | selectattr('state', 'equalto', 'Active') | map(attribute='address_prefix') | flatten | unique }}
"""

RETURN = r"""
effective_routes:
  description: One row per route, in Azure's order.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Name of the user route, null for the other routes.
      type: str
      sample: to-firewall
    source:
      description: Who created the route, C(Default) (Azure), C(User) (a route table) or C(VirtualNetworkGateway).
      type: str
      sample: VirtualNetworkGateway
    state:
      description: C(Active), or C(Invalid) when a route of higher priority holds the same prefix.
      type: str
      sample: Active
    address_prefix:
      description: The destination prefixes.
      type: list
      elements: str
      sample: ["172.16.0.0/16"]
    next_hop_type:
      description: C(VnetLocal), C(VirtualNetworkGateway), C(Internet), C(VirtualAppliance) or C(None) (dropped).
      type: str
      sample: VirtualNetworkGateway
    next_hop_ip_address:
      description: The next hops' addresses (a gateway instance, a virtual appliance); empty for the other types.
      type: list
      elements: str
      sample: ["192.168.1.4"]
    disable_bgp_route_propagation:
      description: Whether the subnet's route table keeps the gateway's routes out of this interface.
      type: bool
      sample: false
"""

from typing import Any, Mapping

from ansible_collections.multicloud.interconnect.plugins.module_utils import azure
from ansible_collections.multicloud.interconnect.plugins.module_utils.errors import CloudError, fail_with

ROUTE_FIELDS = (("name", "name"), ("source", "source"), ("state", "state"), ("address_prefix", "addressPrefix"),
                ("next_hop_type", "nextHopType"), ("next_hop_ip_address", "nextHopIpAddress"),
                ("disable_bgp_route_propagation", "disableBgpRoutePropagation"))
LIST_FIELDS = ("address_prefix", "next_hop_ip_address")


def normalize_effective_route(row: Mapping[str, Any]) -> dict[str, Any]:
    route = {option: row.get(field) for option, field in ROUTE_FIELDS}
    for option in LIST_FIELDS:
        route[option] = list(route[option] or [])  # Azure leaves out an empty list
    return route


def main() -> None:
    argument_spec: dict[str, Any] = dict(
        resource_group=dict(type="str", required=True),
        network_interface=dict(type="str", required=True),
        wait_timeout=dict(type="int", default=300),
    )
    module = azure.azure_module(argument_spec, supports_check_mode=True)
    params = module.params
    try:
        session = azure.network_session(module)
        rows = azure.get_effective_route_table(session, params["resource_group"], params["network_interface"],
                                               timeout=params["wait_timeout"])
        module.exit_json(changed=False, effective_routes=[normalize_effective_route(row) for row in rows])
    except (CloudError, ValueError) as error:
        fail_with(module, error)


if __name__ == "__main__":
    main()
