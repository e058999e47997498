#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: alibaba_vpn_route_entry
short_description: Manage a destination-based route of an Alibaba Cloud VPN gateway
version_added: 0.1.0
description:
  - Creates, updates or deletes one destination-based route of a VPN gateway, which sends traffic for
    O(route_dest) into an IPsec connection (O(next_hop)). Used with connections in destination-based routing mode
    (local and remote subnets V(0.0.0.0/0)).
  - The route is identified by O(vpn_gateway_id), O(route_dest) and O(next_hop); other routes of the gateway are
    never touched.
  - O(weight) changes in place (C(ModifyVpnRouteEntryWeight)), and so does advertising to the VPC
    (O(publish_vpc), C(PublishVpnRouteEntry)).
  - Input is checked before any API call. Alibaba refuses V(0.0.0.0/0) as a destination, and destinations that
    overlap V(100.64.0.0/10) break IPsec negotiation, so both are refused up front.
  - The gateway applies route changes one at a time (it shows C(updating) meanwhile); the module waits for it
    to be C(active) before each change and, with O(wait=true), until the change is applied.
author:
  - multicloud.interconnect contributors (@multicloud-interconnect)
options:
  state:
    description:
      - V(present) creates or updates the route; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  vpn_gateway_id:
    description:
      - The VPN gateway.
    type: str
    required: true
  route_dest:
    description:
      - The destination CIDR block, for example the AWS VPC's V(172.80.64.0/19).
    type: str
    required: true
  next_hop:
    description:
      - The IPsec connection ID that carries the traffic.
    type: str
    required: true
  weight:
    description:
      - V(100) for an active route, V(0) for a standby one (two routes to one destination through two connections
        make an active/standby pair). A new route gets V(100) when it is not given.
    type: int
  publish_vpc:
    description:
      - Whether to advertise the route to the VPC's route tables (a VPC route with the VPN gateway as next hop).
        A new route is not advertised when it is not given.
    type: bool
  description:
    description:
      - A description of the route, used when it is created.
    type: str
extends_documentation_fragment:
  - multicloud.interconnect.alibaba
  - multicloud.interconnect.alibaba.wait
attributes:
  check_mode:
    support: full
    description: Check mode predicts the result without any mutating API call.
  diff_mode:
    support: full
    description: Shows the route before and after.
seealso:
  - module: multicloud.interconnect.alibaba_ipsec_connection
  - module: multicloud.interconnect.alibaba_route_entry
"""

EXAMPLES = r"""
- name: Send the AWS VPC's range into the connection and tell the VPC
  multicloud.interconnect.alibaba_vpn_route_entry:
    region: cn-hangzhou
    vpn_gateway_id: vpn-bp1q8m2xkq0w3n5b6v7c8
    route_dest: 172.80.64.0/19
    next_hop: "{{ ipsec.vpn_connection.vpn_connection_id }}"
    weight: 100
    publish_vpc: true

- name: A standby route through the second connection
  multicloud.interconnect.alibaba_vpn_route_entry:
    region: cn-hangzhou
    vpn_gateway_id: vpn-bp1q8m2xkq0w3n5b6v7c8
    route_dest: 172.80.64.0/19
    next_hop: vco-bp1standby0000000000
    weight: 0
    publish_vpc: true

- name: Remove the standby route
  multicloud.interconnect.alibaba_vpn_route_entry:
    region: cn-hangzhou
    vpn_gateway_id: vpn-bp1q8m2xkq0w3n5b6v7c8
    route_dest: 172.80.64.0/19
    next_hop: vco-bp1standby0000000000
    state: absent
"""

RETURN = r"""
vpn_route_entry:
  description: The route after the change (predicted in check mode); empty after O(state=absent).
  returned: always
  type: dict
  contains:
    vpn_gateway_id:
      description: The VPN gateway.
      type: str
      sample: vpn-bp1q8m2xkq0w3n5b6v7c8
    route_dest:
      description: The destination CIDR block.
      type: str
      sample: 172.80.64.0/19
    next_hop:
      description: The IPsec connection ID.
      type: str
      sample: vco-bp1q8m2xkq0w3n5b6v7c8
    weight:
      description: V(100) (active) or V(0) (standby).
      type: int
      sample: 100
    publish_vpc:
      description: Whether the route is advertised to the VPC.
      type: bool
      sample: true
    state:
      description: C(published) or C(normal) (not advertised).
      type: str
      sample: published
    route_entry_type:
      description: C(custom) for routes this module manages.
      type: str
      sample: custom
"""

from typing import Any

from ansible_collections.multicloud.interconnect.plugins.module_utils import alibaba
from ansible_collections.multicloud.interconnect.plugins.module_utils import cloud_facts
from ansible_collections.multicloud.interconnect.plugins.module_utils.diff import build_diff
from ansible_collections.multicloud.interconnect.plugins.module_utils.errors import CloudError
from ansible_collections.multicloud.interconnect.plugins.module_utils.resource import run_state_module

# The only overlay the API offers for destination routes.
OVERLAY_MODE = "Ipsec"
DIFF_FIELDS = ("vpn_gateway_id", "route_dest", "next_hop", "weight", "publish_vpc")
# Applied when a new route is created and the task does not say.
CREATE_DEFAULTS = {"weight": 100, "publish_vpc": False}


def diff_view(entry: dict | None) -> dict:
    return {key: entry.get(key) for key in DIFF_FIELDS if entry and entry.get(key) is not None}


def input_problems(params: dict) -> list[str]:
    problems = []
    problem = alibaba.vpn_route_destination_problem(params["route_dest"])
    if problem:
        problems.append(problem)
    if params["weight"] is not None and params["weight"] not in cloud_facts.ALIBABA_VPN_ROUTE_WEIGHTS:
        problems.append("weight: %d is not one of %s" % (params["weight"], ", ".join(str(w) for w in cloud_facts.ALIBABA_VPN_ROUTE_WEIGHTS)))
    return problems


def find_vpn_route(client: Any, region: str, params: dict) -> dict | None:
    entries = alibaba.describe_vpn_route_entries(client, region, params["vpn_gateway_id"])
    return next((entry for entry in entries
                 if entry.get("RouteDest") == params["route_dest"] and entry.get("NextHop") == params["next_hop"]), None)


class VpnRouteManager:
    def __init__(self, module: Any, client: Any) -> None:
        self.module = module
        self.client = client
        self.params = module.params
        self.region = module.params["region"]
        self.gateway_id = module.params["vpn_gateway_id"]
        self.timeout = module.params["wait_timeout"]
        self.changed = False

    def find(self) -> dict | None:
        return find_vpn_route(self.client, self.region, self.params)

    def change(self, mutation: Any) -> Any:
        return alibaba.change_vpn_gateway(self.client, self.region, self.gateway_id, mutation, self.timeout)

    def settled(self) -> dict:
        if self.params["wait"]:
            alibaba.wait_for_vpn_gateway(self.client, self.region, self.gateway_id, self.timeout)
        raw = find_vpn_route(self.client, self.region, self.params)
        if raw is None:
            raise CloudError("the route to %s via %s is not listed" % (self.params["route_dest"], self.params["next_hop"]),
                             cloud=alibaba.CLOUD, operation="DescribeVpnRouteEntries")
        return alibaba.normalize_vpn_route_entry(raw)

    def route_key(self) -> dict:
        return {"RegionId": self.region, "VpnGatewayId": self.gateway_id, "RouteDest": self.params["route_dest"],
                "NextHop": self.params["next_hop"], "ClientToken": alibaba.client_token()}

    def create(self) -> dict:
        self.changed = True
        weight = CREATE_DEFAULTS["weight"] if self.params["weight"] is None else self.params["weight"]
        publish = CREATE_DEFAULTS["publish_vpc"] if self.params["publish_vpc"] is None else self.params["publish_vpc"]
        if self.module.check_mode:
            return {"vpn_gateway_id": self.gateway_id, "route_dest": self.params["route_dest"], "next_hop": self.params["next_hop"],
                    "weight": weight, "publish_vpc": publish, "state": "published" if publish else "normal", "route_entry_type": "custom"}
        request = dict(self.route_key(), Weight=weight, PublishVpc=publish, OverlayMode=OVERLAY_MODE, Description=self.params["description"])
        self.change(lambda: alibaba.create_vpn_route_entry(self.client, request))
        return self.settled()

    def update(self, entry: dict) -> dict:
        new_weight = self.params["weight"] if self.params["weight"] not in (None, entry.get("weight")) else None
        new_publish = self.params["publish_vpc"] if self.params["publish_vpc"] not in (None, entry.get("publish_vpc")) else None
        if new_weight is None and new_publish is None:
            return entry
        self.changed = True
        if self.module.check_mode:
            predicted = dict(entry)
            if new_weight is not None:
                predicted["weight"] = new_weight
            if new_publish is not None:
                predicted.update(publish_vpc=new_publish, state="published" if new_publish else "normal")
            return predicted
        if new_weight is not None:
            request = dict(self.route_key(), Weight=entry.get("weight"), NewWeight=new_weight, OverlayMode=OVERLAY_MODE)
            self.change(lambda: alibaba.modify_vpn_route_entry_weight(self.client, request))
        if new_publish is not None:
            request = dict(self.route_key(), PublishVpc=new_publish, RouteType="dbr")
            self.change(lambda: alibaba.publish_vpn_route_entry(self.client, request))
        return self.settled()

    def ensure_present(self, raw: dict | None) -> dict:
        if raw is None:
            return self.result({}, self.create())
        before = alibaba.normalize_vpn_route_entry(raw)
        return self.result(before, self.update(before))

    def ensure_absent(self, raw: dict | None) -> dict:
        if raw is None:
            return self.result({}, {})
        before = alibaba.normalize_vpn_route_entry(raw)
        self.changed = True
        if self.module.check_mode:
            return self.result(before, {})
        request = dict(self.route_key(), Weight=before.get("weight"), OverlayMode=OVERLAY_MODE)
        self.changed = self.change(lambda: alibaba.delete_vpn_route_entry(self.client, request))
        if self.changed and self.params["wait"]:
            alibaba.wait_for_vpn_gateway(self.client, self.region, self.gateway_id, self.timeout)
        return self.result(before, {})

    def result(self, before: dict, after: dict) -> dict:
        result: dict[str, Any] = {"changed": self.changed, "vpn_route_entry": after}
        if self.module._diff:
            result["diff"] = build_diff(diff_view(before), diff_view(after))
        return result


def main() -> None:
    argument_spec = dict(
        state=dict(type="str", default="present", choices=["present", "absent"]),
        vpn_gateway_id=dict(type="str", required=True),
        route_dest=dict(type="str", required=True),
        next_hop=dict(type="str", required=True),
        weight=dict(type="int"),
        publish_vpc=dict(type="bool"),
        description=dict(type="str"),
        **alibaba.WAIT_ARGUMENT_SPEC,
    )
    module = alibaba.alibaba_module(argument_spec, supports_check_mode=True)
    run_state_module(module, lambda: VpnRouteManager(module, alibaba.vpc_client(module.params)), input_problems)


if __name__ == "__main__":
    main()
