#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: azure_vpn_connection_info
short_description: Read Azure site-to-site connections with their tunnel status
version_added: 0.1.0
description:
  - Returns one connection by name, or every connection of a resource group, in the shape
    M(multicloud.interconnect.azure_vpn_connection) returns (settings, connection status, the status of each
    gateway instance's tunnel and the bytes transferred).
  - With O(include_shared_key=true) it also returns each connection's pre-shared key, for example one Azure generated.
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
      - Name of one connection. When not set, every connection of O(resource_group) is returned.
      - A connection that does not exist gives an empty list.
    type: str
  include_shared_key:
    description:
      - Whether to read each connection's pre-shared key (one extra API call per connection) and return it as
        RV(connections[].shared_key). Use C(no_log) on the task.
    type: bool
    default: false
extends_documentation_fragment:
  - multicloud.interconnect.azure
  - multicloud.interconnect.info_module
seealso:
  - module: multicloud.interconnect.azure_vpn_connection
"""

EXAMPLES = r"""
- name: Wait until a tunnel of the connection to AWS is up
  multicloud.interconnect.azure_vpn_connection_info:
    name: aws-00
    resource_group: multicloud
  register: found
  until: found.connections[0].connection_status == 'Connected'
  retries: 30
  delay: 10

- name: Tunnel status per gateway instance
  ansible.builtin.debug:
    msg: "{{ found.connections[0].tunnel_connection_status | map(attribute='connection_status') }}"

- name: The key Azure generated, for the peer
  multicloud.interconnect.azure_vpn_connection_info:
    name: onprem
    resource_group: multicloud
    include_shared_key: true
  register: onprem
  no_log: true
"""

RETURN = r"""
connections:
  description: The connections found, sorted by name.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The connection's resource ID.
      type: str
      sample: /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/multicloud/providers/Microsoft.Network/connections/aws-00
    name:
      description: The connection's name.
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
    connection_type:
      description: C(IPsec), C(Vnet2Vnet) or C(ExpressRoute).
      type: str
      sample: IPsec
    virtual_network_gateway_id:
      description: The Azure VPN gateway.
      type: str
      sample: /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/multicloud/providers/Microsoft.Network/virtualNetworkGateways/hub-vpngw
    local_network_gateway_id:
      description: The local network gateway (the peer).
      type: str
      sample: /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/multicloud/providers/Microsoft.Network/localNetworkGateways/aws-00
    connection_protocol:
      description: C(IKEv1) or C(IKEv2).
      type: str
      sample: IKEv2
    enable_bgp:
      description: Whether BGP runs over the connection.
      type: bool
      sample: true
    use_policy_based_traffic_selectors:
      description: Whether policy-based traffic selectors are offered.
      type: bool
      sample: false
    connection_mode:
      description: C(Default), C(InitiatorOnly) or C(ResponderOnly).
      type: str
      sample: Default
    ipsec_policies:
      description: The custom IPsec policy (Azure's spelling); empty for Azure's defaults.
      type: list
      elements: dict
      sample: []
    gateway_custom_bgp_ip_addresses:
      description: The custom APIPA BGP address used on each gateway instance, instance 0 first.
      type: list
      elements: str
      sample: ["169.254.21.2", "169.254.22.2"]
    connection_status:
      description: C(Unknown), C(Connecting), C(Connected) or C(NotConnected).
      type: str
      sample: NotConnected
    tunnel_connection_status:
      description: One entry per gateway instance tunnel.
      type: list
      elements: dict
      contains:
        tunnel:
          description: The tunnel, named C(<connection>_<instance public IP>).
          type: str
          sample: aws-00_198.51.100.40
        connection_status:
          description: C(Connecting), C(Connected) or C(NotConnected).
          type: str
          sample: Connecting
        ingress_bytes_transferred:
          description: Bytes received over the tunnel.
          type: int
          sample: 0
        egress_bytes_transferred:
          description: Bytes sent over the tunnel.
          type: int
          sample: 0
        last_connection_established_utc_time:
          description: When the tunnel last came up, as Azure formats it.
          type: str
          sample: null
    ingress_bytes_transferred:
      description: Bytes received over the connection.
      type: int
      sample: 0
    egress_bytes_transferred:
      description: Bytes sent over the connection.
      type: int
      sample: 0
    tags:
      description: The connection's tags.
      type: dict
      sample: {}
    shared_key:
      description: The pre-shared key.
      returned: O(include_shared_key=true)
      type: str
      sample: 4hVbq2mD9sLx0cRt7WkEyJ3uNp6ZaF1G
"""

from typing import Any

from ansible_collections.multicloud.interconnect.plugins.module_utils import azure
from ansible_collections.multicloud.interconnect.plugins.module_utils import azure_vpn
from ansible_collections.multicloud.interconnect.plugins.module_utils.errors import CloudError, fail_with


def gateway_configuration_ids(session: azure.AzureSession, raw: dict, cache: dict[str, list[str]]) -> list[str]:
    """IP configuration ids of the connection's gateway (instance order), read once per gateway."""
    gateway_id = ((raw.get("properties") or {}).get("virtualNetworkGateway1") or {}).get("id") or ""
    if not (raw.get("properties") or {}).get("gatewayCustomBgpIpAddresses") or not gateway_id:
        return []
    if gateway_id.lower() not in cache:
        gateway = azure.get_virtual_network_gateway(session, azure.id_resource_group(gateway_id), azure.id_name(gateway_id))
        cache[gateway_id.lower()] = [instance["ip_configuration_id"] for instance in azure_vpn.normalize_gateway(gateway or {})["instances"]]
    return cache[gateway_id.lower()]


def list_connections(session: azure.AzureSession, params: dict) -> list[dict]:
    resource_group = params["resource_group"]
    if params.get("name"):
        found = azure.get_connection(session, resource_group, params["name"])
        raws = [found] if found is not None else []
    else:
        raws = azure.list_connections(session, resource_group)
    cache: dict[str, list[str]] = {}
    connections = []
    for raw in raws:
        connection = azure_vpn.normalize_connection(raw, gateway_configuration_ids(session, raw, cache))
        if params["include_shared_key"]:
            connection["shared_key"] = azure.get_shared_key(session, azure.id_resource_group(raw["id"]), raw["name"])
        connections.append(connection)
    return sorted(connections, key=lambda connection: connection["name"] or "")


def main() -> None:
    argument_spec: dict[str, Any] = dict(
        resource_group=dict(type="str", required=True),
        name=dict(type="str"),
        include_shared_key=dict(type="bool", default=False),
    )
    module = azure.azure_module(argument_spec, supports_check_mode=True)
    try:
        session = azure.network_session(module)
        module.exit_json(changed=False, connections=list_connections(session, module.params))
    except (CloudError, ValueError) as error:
        fail_with(module, error)


if __name__ == "__main__":
    main()
