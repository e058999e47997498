#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: alibaba_route_entry
short_description: Manage one route entry in an Alibaba Cloud VPC route table
version_added: 0.1.0
description:
  - Creates, repoints or deletes the custom route entry for one destination in a VPC route table, for example
    the peer VPC's CIDR block with a VPN gateway as next hop.
  - Only the entry for O(destination_cidr_block) is touched; every other entry of the table stays as it is, so
    several tasks (or other tools) can share a route table.
  - An entry whose next hop differs is repointed in place with C(ModifyRouteEntry), as are its name and description.
  - Input is checked before any API call; a default route (V(0.0.0.0/0)) to a VPN gateway is refused, as Alibaba
    does.
  - Route entries are created asynchronously (C(Pending), then C(Available)); with O(wait=true) the module returns
    once the entry is C(Available). When the next hop is a VPN gateway, the change also waits for the gateway to
    leave C(updating).
author:
  - multicloud.interconnect contributors (@multicloud-interconnect)
options:
  state:
    description:
      - V(present) creates or repoints the entry; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  route_table_id:
    description:
      - The route table. Give it or O(vpc_id).
    type: str
  vpc_id:
    description:
      - Use the system route table of this VPC (the table the console shows as the VPC's).
    type: str
  destination_cidr_block:
    description:
      - The destination, for example the peer VPC's CIDR block V(172.80.64.0/19).
    type: str
    required: true
  next_hop_type:
    description:
      - The kind of next hop, for example V(VpnGateway), V(Instance), V(HaVip), V(NetworkInterface),
        V(RouterInterface), V(NatGateway), V(IPv6Gateway), V(Attachment) or V(VpcPeer). Required with O(state=present).
    type: str
  next_hop_id:
    description:
      - The next hop's ID, for example the VPN gateway's. Required with O(state=present).
    type: str
  name:
    description:
      - The entry's name.
    type: str
  description:
    description:
      - The entry's description.
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
    description: Shows the entry before and after.
seealso:
  - module: multicloud.interconnect.alibaba_vpn_route_entry
  - module: multicloud.interconnect.alibaba_vpn_gateway
"""

EXAMPLES = r"""
- name: Send the AWS VPC's traffic to the VPN gateway
  multicloud.interconnect.alibaba_route_entry:
    region: cn-hangzhou
    vpc_id: vpc-bp1q8z4kxq2rbmszq8w7e
    destination_cidr_block: 172.80.64.0/19
    next_hop_type: VpnGateway
    next_hop_id: "{{ alibaba_gateway.vpn_gateway.vpn_gateway_id }}"
    name: to-aws

- name: Remove it again (other entries stay)
  multicloud.interconnect.alibaba_route_entry:
    region: cn-hangzhou
    route_table_id: vtb-bp1r2t3y4u5i6o7p8a9s0
    destination_cidr_block: 172.80.64.0/19
    state: absent
"""

RETURN = r"""
route_entry:
  description: The entry after the change (predicted in check mode); empty after O(state=absent).
  returned: always
  type: dict
  contains:
    route_entry_id:
      description: The entry's ID; V(null) in check mode when it would be created.
      type: str
      sample: rte-bp1a2s3d4f5g6h7j8k9l0
    route_table_id:
      description: The route table.
      type: str
      sample: vtb-bp1r2t3y4u5i6o7p8a9s0
    destination_cidr_block:
      description: The destination.
      type: str
      sample: 172.80.64.0/19
    next_hop_type:
      description: The kind of next hop.
      type: str
      sample: VpnGateway
    next_hop_id:
      description: The next hop's ID.
      type: str
      sample: vpn-bp1q8m2xkq0w3n5b6v7c8
    status:
      description: C(Pending), C(Available) or C(Modifying).
      type: str
      sample: Available
    type:
      description: C(Custom) for entries this module manages.
      type: str
      sample: Custom
    name:
      description: The entry's name.
      type: str
      sample: to-aws
    description:
      description: The entry's description.
      type: str
      sample: ""
"""

from typing import Any

from ansible_collections.multicloud.interconnect.plugins.module_utils import alibaba
from ansible_collections.multicloud.interconnect.plugins.module_utils.diff import build_diff
from ansible_collections.multicloud.interconnect.plugins.module_utils.errors import CloudError
from ansible_collections.multicloud.interconnect.plugins.module_utils.resource import run_state_module
from ansible_collections.multicloud.interconnect.plugins.module_utils.waiters import wait_for

DIFF_FIELDS = ("route_table_id", "destination_cidr_block", "next_hop_type", "next_hop_id", "name", "description")


def diff_view(entry: dict | None) -> dict:
    return {key: entry.get(key) for key in DIFF_FIELDS if entry and entry.get(key) not in (None, "")}


def input_problems(params: dict) -> list[str]:
    problems = []
    if params["state"] == "present":
        problems += ["%s is required with state=present" % key for key in ("next_hop_type", "next_hop_id") if not params[key]]
        problem = alibaba.vpc_route_problem(params["destination_cidr_block"], params["next_hop_type"])
    else:
        problem = alibaba.vpc_route_problem(params["destination_cidr_block"], None)
    if problem:
        problems.append(problem)
    return problems


def find_route_entry(client: Any, region: str, route_table_id: str, destination: str) -> dict | None:
    """The custom entry for ``destination``, or None; a system entry there cannot be managed."""
    entries = [entry for entry in alibaba.describe_route_entries(client, region, route_table_id, destination_cidr_block=destination)
               if entry.get("DestinationCidrBlock") == destination]
    custom = [entry for entry in entries if str(entry.get("Type", "Custom")).lower() == "custom"]
    if entries and not custom:
        raise ValueError("destination_cidr_block: %s in %s is a %s route, which cannot be managed"
                         % (destination, route_table_id, entries[0].get("Type")))
    if len(custom) > 1:
        raise ValueError("destination_cidr_block: %s has %d custom entries in %s (ECMP); manage them in the console"
                         % (destination, len(custom), route_table_id))
    return custom[0] if custom else None


class RouteEntryManager:
    def __init__(self, module: Any, client: Any, route_table_id: str) -> None:
        self.module = module
        self.client = client
        self.params = module.params
        self.region = module.params["region"]
        self.route_table_id = route_table_id
        self.timeout = module.params["wait_timeout"]
        self.changed = False

    def find(self) -> dict | None:
        return self.read()

    def run(self, mutation: Any, next_hop_type: str | None, next_hop_id: str | None) -> Any:
        """One change of the table; waits for a VPN gateway next hop and retries while the table is busy."""
        gateway_id = next_hop_id if next_hop_type == "VpnGateway" else None

        def wait_for_gateway(remaining: float) -> None:
            if gateway_id:
                alibaba.wait_for_vpn_gateway(self.client, self.region, gateway_id, remaining)

        return alibaba.retry_while_busy(mutation, alibaba.ROUTE_TABLE_BUSY_CODES, self.timeout, before_each=wait_for_gateway)

    def read(self) -> dict | None:
        return find_route_entry(self.client, self.region, self.route_table_id, self.params["destination_cidr_block"])

    def wait_available(self) -> dict:
        return wait_for(self.read, alibaba.route_entry_is_available, what="route entry %s in %s" % (self.params["destination_cidr_block"], self.route_table_id),
                        wanted="Available", timeout=self.timeout, delay=alibaba.POLL_SECONDS,
                        describe=lambda raw: "not found" if raw is None else "Status=%s" % raw.get("Status"))

    def settled(self) -> dict:
        raw = self.wait_available() if self.params["wait"] else self.read()
        if raw is None:
            raise CloudError("the route entry for %s is not listed" % self.params["destination_cidr_block"], cloud=alibaba.CLOUD,
                             operation="DescribeRouteEntryList")
        return alibaba.normalize_route_entry(raw)

    def create(self) -> dict:
        self.changed = True
        predicted = {"route_entry_id": None, "route_table_id": self.route_table_id, "destination_cidr_block": self.params["destination_cidr_block"],
                     "next_hop_type": self.params["next_hop_type"], "next_hop_id": self.params["next_hop_id"], "name": self.params["name"],
                     "description": self.params["description"], "status": "Available", "type": "Custom"}
        if self.module.check_mode:
            return predicted
        request = {"RegionId": self.region, "ClientToken": alibaba.client_token(), "RouteTableId": self.route_table_id,
                   "DestinationCidrBlock": self.params["destination_cidr_block"], "NextHopType": self.params["next_hop_type"],
                   "NextHopId": self.params["next_hop_id"], "RouteEntryName": self.params["name"], "Description": self.params["description"]}
        self.run(lambda: alibaba.create_route_entry(self.client, request), self.params["next_hop_type"], self.params["next_hop_id"])
        return self.settled()

    def update(self, entry: dict) -> dict:
        request: dict[str, Any] = {}
        if (entry.get("next_hop_type"), entry.get("next_hop_id")) != (self.params["next_hop_type"], self.params["next_hop_id"]):
            request.update(NewNextHopType=self.params["next_hop_type"], NewNextHopId=self.params["next_hop_id"])
        if self.params["name"] is not None and (entry.get("name") or "") != self.params["name"]:
            request["RouteEntryName"] = self.params["name"]
        if self.params["description"] is not None and (entry.get("description") or "") != self.params["description"]:
            request["Description"] = self.params["description"]
        if not request:
            return entry
        self.changed = True
        predicted = dict(entry, next_hop_type=self.params["next_hop_type"], next_hop_id=self.params["next_hop_id"],
                         name=request.get("RouteEntryName", entry.get("name")), description=request.get("Description", entry.get("description")))
        if self.module.check_mode:
            return predicted
        request.update(RegionId=self.region, RouteEntryId=entry["route_entry_id"])
        self.run(lambda: alibaba.modify_route_entry(self.client, request), self.params["next_hop_type"], self.params["next_hop_id"])
        return self.settled()

    def ensure_present(self, raw: dict | None) -> dict:
        if raw is None:
            return self.result({}, self.create())
        before = alibaba.normalize_route_entry(raw)
        return self.result(before, self.update(before))

    def ensure_absent(self, raw: dict | None) -> dict:
        if raw is None:
            return self.result({}, {})
        before = alibaba.normalize_route_entry(raw)
        self.changed = True
        if self.module.check_mode:
            return self.result(before, {})
        self.changed = self.run(lambda: alibaba.delete_route_entry(self.client, self.region, self.route_table_id, before["route_entry_id"],
                                                                   before["destination_cidr_block"], before.get("next_hop_id")),
                                before.get("next_hop_type"), before.get("next_hop_id"))
        if self.changed and self.params["wait"]:
            wait_for(self.read, lambda found: found is None, what="route entry %s in %s" % (before["destination_cidr_block"], self.route_table_id),
                     wanted="deleted", timeout=self.timeout, delay=alibaba.POLL_SECONDS,
                     describe=lambda found: "Status=%s" % (found or {}).get("Status"))
        return self.result(before, {})

    def result(self, before: dict, after: dict) -> dict:
        result: dict[str, Any] = {"changed": self.changed, "route_entry": after}
        if self.module._diff:
            result["diff"] = build_diff(diff_view(before), diff_view(after))
        return result


def resolve_route_table(client: Any, params: dict) -> str:
    if params["route_table_id"]:
        return params["route_table_id"]
    table_id = alibaba.system_route_table_id(client, params["region"], params["vpc_id"])
    if not table_id:
        raise ValueError("vpc_id: %s has no system route table (does the VPC exist in %s?)" % (params["vpc_id"], params["region"]))
    return table_id


def main() -> None:
    argument_spec = dict(
        state=dict(type="str", default="present", choices=["present", "absent"]),
        route_table_id=dict(type="str"),
        vpc_id=dict(type="str"),
        destination_cidr_block=dict(type="str", required=True),
        next_hop_type=dict(type="str"),
        next_hop_id=dict(type="str"),
        name=dict(type="str"),
        description=dict(type="str"),
        **alibaba.WAIT_ARGUMENT_SPEC,
    )
    module = alibaba.alibaba_module(
        argument_spec,
        required_one_of=[["route_table_id", "vpc_id"]],
        mutually_exclusive=[["route_table_id", "vpc_id"]],
        supports_check_mode=True,
    )

    def make_manager() -> RouteEntryManager:
        client = alibaba.vpc_client(module.params)
        return RouteEntryManager(module, client, resolve_route_table(client, module.params))

    run_state_module(module, make_manager, input_problems)


if __name__ == "__main__":
    main()
