#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: azure_learned_routes_info
short_description: Read the routes an Azure VPN gateway learned (over BGP and from its own network)
version_added: 0.1.0
description:
  - Returns the routes of an Azure virtual network gateway as C(az network vnet-gateway list-learned-routes)
    shows them, one row per gateway instance and route, with the peer each was learned from.
  - Routes with RV(learned_routes[].origin=EBgp) came from a BGP peer (another cloud, an on-premises router);
    the gateway puts them into the effective routes of the virtual network's network interfaces.
  - Azure computes the answer with a long-running operation, which can take tens of seconds.
author:
  - multicloud.interconnect contributors (@multicloud-interconnect)
options:
  resource_group:
    description:
      - Resource group of the gateway.
    type: str
    required: true
  name:
    description:
      - Name of the virtual network gateway.
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
  - module: multicloud.interconnect.azure_vpn_gateway_info
  - module: multicloud.interconnect.bgp_peer_status
"""

EXAMPLES = r"""
- name: What the hub gateway learned
  multicloud.interconnect.azure_learned_routes_info:
    resource_group: multicloud
    name: hub-vpngw
  register: learned

- name: The networks learned from BGP peers
  ansible.builtin.debug:
    msg: "{{ learned.learned_routes | selectattr('origin', 'equalto', 'EBgp') | map(attribute='network') | unique }}"
"""

RETURN = r"""
learned_routes:
  description: One row per gateway instance and route, in Azure's order.
  returned: always
  type: list
  elements: dict
  contains:
    local_address:
      description: The gateway instance's BGP address that holds the route.
      type: str
      sample: 192.168.1.4
    network:
      description: The destination prefix.
      type: str
      sample: 172.16.0.0/16
    next_hop:
      description: The next hop (the BGP peer), empty for the gateway's own networks.
      type: str
      sample: 169.254.21.1
    source_peer:
      description: The peer the route was learned from.
      type: str
      sample: 169.254.21.1
    origin:
      description: C(EBgp) (from a peer), C(IBgp) (from the other instance) or C(Network) (the gateway's own networks).
      type: str
      sample: EBgp
    as_path:
      description: The AS path.
      type: str
      sample: "65002"
    weight:
      description: The route's weight.
      type: int
      sample: 32768
"""

from typing import Any, Mapping

from ansible_collections.multicloud.interconnect.plugins.module_utils import azure
from ansible_collections.multicloud.interconnect.plugins.module_utils.errors import CloudError, fail_with

ROUTE_FIELDS = (("local_address", "localAddress"), ("network", "network"), ("next_hop", "nextHop"),
                ("source_peer", "sourcePeer"), ("origin", "origin"), ("as_path", "asPath"), ("weight", "weight"))


def normalize_learned_route(row: Mapping[str, Any]) -> dict[str, Any]:
    return {option: row.get(field) for option, field in ROUTE_FIELDS}


def main() -> None:
    argument_spec: dict[str, Any] = dict(
        resource_group=dict(type="str", required=True),
        name=dict(type="str", required=True),
        wait_timeout=dict(type="int", default=300),
    )
    module = azure.azure_module(argument_spec, supports_check_mode=True)
    params = module.params
    try:
        session = azure.network_session(module)
        rows = azure.get_learned_routes(session, params["resource_group"], params["name"], timeout=params["wait_timeout"])
        module.exit_json(changed=False, learned_routes=[normalize_learned_route(row) for row in rows])
    except (CloudError, ValueError) as error:
        fail_with(module, error)


if __name__ == "__main__":
    main()
