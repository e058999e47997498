#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: gcp_external_vpn_gateway
short_description: Manage a Google Cloud external (peer) VPN gateway
version_added: 0.1.0
description:
  - Creates or deletes a Google Cloud external VPN gateway (C(externalVpnGateways)), the description of the
    peer device (another cloud's VPN gateway, an on-premises router) that HA VPN tunnels connect to.
  - The number of interfaces must match O(redundancy_type) and every address must be public. Both are
    checked before any API call, and the module fails once naming every wrong field.
  - Google cannot change an external VPN gateway; a different redundancy type, interface list or description
    for an existing gateway makes the module fail without any change.
author:
  - multicloud.interconnect contributors (@multicloud-interconnect)
options:
  name:
    description:
      - Name of the gateway, unique in the project (external VPN gateways are global).
    type: str
    required: true
  state:
    description:
      - V(present) creates the gateway when it does not exist; V(absent) deletes it.
      - Google refuses to delete a gateway that VPN tunnels still use; delete the tunnels first.
    type: str
    choices: [present, absent]
    default: present
  redundancy_type:
    description:
      - How many addresses the peer has.
      - V(SINGLE_IP_INTERNALLY_REDUNDANT) takes one interface (one device, or a cluster behind one address),
        V(TWO_IPS_REDUNDANCY) two (two devices, or an Azure active-active gateway),
        V(FOUR_IPS_REDUNDANCY) four (two AWS VPN connections, two outside addresses each; connection 1 on
        interfaces 0 and 1, connection 2 on interfaces 2 and 3).
      - When not set at creation, it follows from the number of O(interfaces).
    type: str
    choices: [SINGLE_IP_INTERNALLY_REDUNDANT, TWO_IPS_REDUNDANCY, FOUR_IPS_REDUNDANCY]
  interfaces:
    description:
      - The peer's addresses. Required to create the gateway.
      - Addresses in 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 and 100.64.0.0/10 are refused, as Google refuses them.
    type: list
    elements: dict
    suboptions:
      id:
        description:
          - The interface number, from 0. Defaults to the entry's position in the list.
        type: int
      ip_address:
        description:
          - The peer's public IPv4 address on this interface.
        type: str
        required: true
  description:
    description:
      - A free-text description, set at creation.
    type: str
extends_documentation_fragment:
  - multicloud.interconnect.gcp
attributes:
  check_mode:
    support: full
    description: Check mode predicts the gateway without any mutating API call.
  diff_mode:
    support: full
    description: Shows the gateway before and after.
notes:
  - O(region) is not used; external VPN gateways are global resources.
seealso:
  - module: multicloud.interconnect.gcp_external_vpn_gateway_info
  - module: multicloud.interconnect.gcp_vpn_tunnel
"""

EXAMPLES = r"""
- name: Peer gateway for two AWS VPN connections (four outside addresses)
  multicloud.interconnect.gcp_external_vpn_gateway:
    project: net-hub-prod
    name: aws-peer
    redundancy_type: FOUR_IPS_REDUNDANCY
    interfaces:
      - ip_address: "{{ aws_vpn_1.vpn_connection.tunnels[0].outside_ip_address }}"
      - ip_address: "{{ aws_vpn_1.vpn_connection.tunnels[1].outside_ip_address }}"
      - ip_address: "{{ aws_vpn_2.vpn_connection.tunnels[0].outside_ip_address }}"
      - ip_address: "{{ aws_vpn_2.vpn_connection.tunnels[1].outside_ip_address }}"

- name: Peer gateway for an Azure active-active VPN gateway
  multicloud.interconnect.gcp_external_vpn_gateway:
    project: net-hub-prod
    name: azure-peer
    redundancy_type: TWO_IPS_REDUNDANCY
    interfaces:
      - id: 0
        ip_address: 198.51.100.20
      - id: 1
        ip_address: 198.51.100.21
"""

RETURN = r"""
external_vpn_gateway:
  description: The gateway after the change (predicted in check mode); empty after O(state=absent).
  returned: always
  type: dict
  contains:
    name:
      description: The gateway name.
      type: str
      sample: aws-peer
    id:
      description: The numeric ID, as a string; V(null) in check mode when it would be created.
      type: str
      sample: "7384019283746512093"
    self_link:
      description: The gateway URL; V(null) in check mode when it would be created.
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
      sample:
        - {"id": 0, "ip_address": "203.0.113.10"}
        - {"id": 1, "ip_address": "203.0.113.11"}
        - {"id": 2, "ip_address": "203.0.113.12"}
        - {"id": 3, "ip_address": "203.0.113.13"}
"""

from dataclasses import dataclass
from typing import Any

from ansible_collections.multicloud.interconnect.plugins.module_utils import cloud_facts, gcp
from ansible_collections.multicloud.interconnect.plugins.module_utils.resource import run_state_module


def desired_interfaces(params: dict) -> list[dict] | None:
    if params["interfaces"] is None:
        return None
    return gcp.external_interfaces(
        {"id": item["id"] if item["id"] is not None else index, "ip_address": item["ip_address"]} for index, item in enumerate(params["interfaces"]))


def redundancy_for(params: dict) -> str | None:
    """The type given, else the one that takes as many interfaces as given."""
    if params["redundancy_type"] or params["interfaces"] is None:
        return params["redundancy_type"]
    by_count = {count: kind for kind, count in cloud_facts.GCP_EXTERNAL_GATEWAY_INTERFACES.items()}
    return by_count.get(len(params["interfaces"]))


def input_problems(params: dict) -> list[str]:
    if params["state"] != "present" or params["interfaces"] is None:
        return []
    problems = gcp.external_gateway_problems(redundancy_for(params), params["interfaces"])
    if redundancy_for(params) is None:
        counts = ", ".join("%d (%s)" % (count, kind) for kind, count in cloud_facts.GCP_EXTERNAL_GATEWAY_INTERFACES.items())
        problems.append("interfaces: an external VPN gateway has %s interfaces (got %d)" % (counts, len(params["interfaces"])))
    return problems


def immutable_problems(current: dict, params: dict) -> list[str]:
    wanted = {"redundancy_type": params["redundancy_type"], "interfaces": desired_interfaces(params), "description": params["description"]}
    remedy = "delete the gateway (state=absent, after its tunnels) to create it anew"
    return [gcp.immutable_problem(field, "external VPN gateway %s" % current["name"], current.get(field), value, remedy)
            for field, value in wanted.items() if value is not None and current.get(field) != value]


def predicted_gateway(params: dict) -> dict:
    return {"name": params["name"], "id": None, "self_link": None, "description": params["description"] or "",
            "redundancy_type": redundancy_for(params), "interfaces": desired_interfaces(params)}


def create_body(params: dict) -> dict:
    body = {"name": params["name"], "redundancy_type": redundancy_for(params), "interfaces": desired_interfaces(params)}
    if params["description"] is not None:
        body["description"] = params["description"]
    return body


@dataclass
class GatewayManager:
    """Brings one external VPN gateway to O(state); nothing changes in check mode."""

    module: Any
    session: gcp.GcpSession

    def find(self) -> dict | None:
        return gcp.get_external_vpn_gateway(self.session, self.module.params["name"])

    def ensure_present(self, raw: dict | None) -> dict:
        params = self.module.params
        if raw is not None:
            current = gcp.normalize_external_vpn_gateway(raw)
            gcp.raise_problems(immutable_problems(current, params))
            return gcp.module_result(self.module, "external_vpn_gateway", False, current, current)
        if params["interfaces"] is None:
            raise ValueError("interfaces: required to create external VPN gateway %s (got None)" % params["name"])
        if self.module.check_mode:
            return gcp.module_result(self.module, "external_vpn_gateway", True, {}, predicted_gateway(params))
        gcp.insert_external_vpn_gateway(self.session, create_body(params))
        created = gcp.get_external_vpn_gateway(self.session, params["name"]) or {}
        return gcp.module_result(self.module, "external_vpn_gateway", True, {}, gcp.normalize_external_vpn_gateway(created))

    def ensure_absent(self, raw: dict | None) -> dict:
        if raw is None:
            return gcp.module_result(self.module, "external_vpn_gateway", False, {}, {})
        changed = True
        if not self.module.check_mode:
            changed = gcp.delete_external_vpn_gateway(self.session, self.module.params["name"])
        return gcp.module_result(self.module, "external_vpn_gateway", changed, gcp.normalize_external_vpn_gateway(raw), {})


def main() -> None:
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        redundancy_type=dict(type="str", choices=list(cloud_facts.GCP_EXTERNAL_GATEWAY_INTERFACES)),
        interfaces=dict(type="list", elements="dict", options=dict(
            id=dict(type="int"),
            ip_address=dict(type="str", required=True),
        )),
        description=dict(type="str"),
    )
    module = gcp.gcp_module(argument_spec, supports_check_mode=True)
    run_state_module(module, lambda: GatewayManager(module, gcp.compute_session(module, regional=False)), input_problems)


if __name__ == "__main__":
    main()
