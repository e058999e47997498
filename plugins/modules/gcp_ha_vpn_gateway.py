#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: gcp_ha_vpn_gateway
short_description: Manage a Google Cloud HA VPN gateway and read its two interface addresses
version_added: 0.1.0
description:
  - Creates or deletes a Google Cloud HA VPN gateway (C(vpnGateways)) in a VPC network.
  - An HA VPN gateway has two interfaces, 0 and 1, each with an external IP address Google assigns from a
    separate pool. The module returns both, in interface order, ready to be used as the peer addresses of
    the other cloud (an AWS customer gateway, an Azure local network gateway).
  - Google cannot change a gateway's network, stack type or description; a different value for an existing
    gateway makes the module fail without any change.
author:
  - multicloud.interconnect contributors (@multicloud-interconnect)
options:
  name:
    description:
      - Name of the gateway, unique in the region (lowercase letters, digits and hyphens, up to 63 characters).
    type: str
    required: true
  state:
    description:
      - V(present) creates the gateway when it does not exist; V(absent) deletes it.
      - Google refuses to delete a gateway that VPN tunnels still use; delete the tunnels first.
    type: str
    choices: [present, absent]
    default: present
  network:
    description:
      - The VPC network, as a name (V(hub-vpc)), a partial path (V(projects/net-hub-prod/global/networks/hub-vpc))
        or a URL. Required to create the gateway.
    type: str
  stack_type:
    description:
      - The IP stack of the gateway's interfaces. Google uses V(IPV4_ONLY) when it is not set.
    type: str
    choices: [IPV4_ONLY, IPV4_IPV6, IPV6_ONLY]
  description:
    description:
      - A free-text description, set at creation.
    type: str
extends_documentation_fragment:
  - multicloud.interconnect.gcp
attributes:
  check_mode:
    support: full
    description: Check mode predicts the gateway without any mutating API call; the interface addresses are V(null) until Google assigns them.
  diff_mode:
    support: full
    description: Shows the gateway before and after.
notes:
  - google.cloud has no HA VPN gateway module (google.cloud#315); this module fills that gap with check mode and diff support.
seealso:
  - module: multicloud.interconnect.gcp_ha_vpn_gateway_info
  - module: multicloud.interconnect.gcp_vpn_tunnel
  - module: multicloud.interconnect.gcp_router
"""

EXAMPLES = r"""
- name: HA VPN gateway in the hub network
  multicloud.interconnect.gcp_ha_vpn_gateway:
    project: net-hub-prod
    region: us-east1
    name: hub-ha-vpn
    network: hub-vpc
  register: ha_vpn

- name: The two addresses the other cloud connects to
  ansible.builtin.debug:
    msg: "interface 0: {{ ha_vpn.vpn_gateway.ip_addresses[0] }}, interface 1: {{ ha_vpn.vpn_gateway.ip_addresses[1] }}"

- name: Delete the gateway (after its tunnels)
  multicloud.interconnect.gcp_ha_vpn_gateway:
    project: net-hub-prod
    region: us-east1
    name: hub-ha-vpn
    state: absent
"""

RETURN = r"""
vpn_gateway:
  description: The gateway after the change (predicted in check mode); empty after O(state=absent).
  returned: always
  type: dict
  contains:
    name:
      description: The gateway name.
      type: str
      sample: hub-ha-vpn
    id:
      description: The numeric ID Google assigned, as a string; V(null) in check mode when it would be created.
      type: str
      sample: "4517839904171826352"
    self_link:
      description: The gateway URL; V(null) in check mode when it would be created.
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
      description: The two interfaces, interface 0 first, with the external address Google assigned to each.
      type: list
      elements: dict
      contains:
        id:
          description: The interface number, 0 or 1.
          type: int
          sample: 0
        ip_address:
          description: The interface's external IPv4 address; V(null) in check mode when the gateway would be created.
          type: str
          sample: 203.0.113.21
    ip_addresses:
      description: The interface addresses alone, interface 0 first.
      type: list
      elements: str
      sample: [203.0.113.21, 198.51.100.37]
"""

from dataclasses import dataclass
from typing import Any

from ansible_collections.multicloud.interconnect.plugins.module_utils import cloud_facts, gcp
from ansible_collections.multicloud.interconnect.plugins.module_utils.resource import run_state_module


def network_path(session: gcp.GcpSession, network: str | None) -> str | None:
    return gcp.reference_path(network, project=session.project, scope="global", collection="networks")


def immutable_problems(current: dict, params: dict, session: gcp.GcpSession) -> list[str]:
    """Fields of an existing gateway that differ from the parameters given."""
    wanted = {"network": network_path(session, params["network"]), "stack_type": params["stack_type"], "description": params["description"]}
    remedy = "delete the gateway (state=absent) to create it anew"
    return [gcp.immutable_problem(field, "HA VPN gateway %s" % current["name"], current.get(field), value, remedy)
            for field, value in wanted.items() if value is not None and current.get(field) != value]


def create_body(params: dict, session: gcp.GcpSession) -> dict:
    body = {"name": params["name"], "network": network_path(session, params["network"])}
    for field in ("stack_type", "description"):
        if params[field] is not None:
            body[field] = params[field]
    return body


def predicted_gateway(params: dict, session: gcp.GcpSession) -> dict:
    """What a create would produce, for check mode (Google assigns the addresses)."""
    interfaces = [{"id": index, "ip_address": None} for index in range(cloud_facts.TUNNEL_LIMITS["gcp"]["interfaces_per_ha_vpn_gateway"])]
    return {
        "name": params["name"], "id": None, "self_link": None, "region": session.region,
        "network": network_path(session, params["network"]), "description": params["description"] or "",
        "stack_type": params["stack_type"] or "IPV4_ONLY", "interfaces": interfaces, "ip_addresses": [None] * len(interfaces),
    }


@dataclass
class GatewayManager:
    """Brings one HA VPN gateway to O(state); nothing changes in check mode."""

    module: Any
    session: gcp.GcpSession

    def find(self) -> dict | None:
        return gcp.get_vpn_gateway(self.session, self.module.params["name"])

    def ensure_present(self, raw: dict | None) -> dict:
        params = self.module.params
        if raw is not None:
            current = gcp.normalize_vpn_gateway(raw)
            gcp.raise_problems(immutable_problems(current, params, self.session))
            return gcp.module_result(self.module, "vpn_gateway", False, current, current)
        if not params["network"]:
            raise ValueError("network: required to create HA VPN gateway %s (got None)" % params["name"])
        if self.module.check_mode:
            return gcp.module_result(self.module, "vpn_gateway", True, {}, predicted_gateway(params, self.session))
        gcp.insert_vpn_gateway(self.session, create_body(params, self.session))
        created = gcp.get_vpn_gateway(self.session, params["name"])
        return gcp.module_result(self.module, "vpn_gateway", True, {}, gcp.normalize_vpn_gateway(created or {}))

    def ensure_absent(self, raw: dict | None) -> dict:
        if raw is None:
            return gcp.module_result(self.module, "vpn_gateway", False, {}, {})
        changed = True
        if not self.module.check_mode:
            changed = gcp.delete_vpn_gateway(self.session, self.module.params["name"])
        return gcp.module_result(self.module, "vpn_gateway", changed, gcp.normalize_vpn_gateway(raw), {})


def main() -> None:
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        network=dict(type="str"),
        stack_type=dict(type="str", choices=["IPV4_ONLY", "IPV4_IPV6", "IPV6_ONLY"]),
        description=dict(type="str"),
    )
    module = gcp.gcp_module(argument_spec, supports_check_mode=True)
    run_state_module(module, lambda: GatewayManager(module, gcp.compute_session(module)))


if __name__ == "__main__":
    main()
