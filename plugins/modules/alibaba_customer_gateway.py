#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: alibaba_customer_gateway
short_description: Manage an Alibaba Cloud customer gateway (the peer end of an IPsec-VPN)
version_added: 0.1.0
description:
  - Creates, renames or deletes an Alibaba Cloud customer gateway, which tells Alibaba the public address (and,
    for BGP, the ASN) of the device at the other end of an IPsec connection, for example one tunnel endpoint of
    an AWS Site-to-Site VPN.
  - The gateway is identified by O(customer_gateway_id), else by O(ip_address) (Alibaba allows one customer
    gateway per address and region), else by O(name).
  - Alibaba cannot change the address or the ASN of a customer gateway; a different value for an existing
    gateway makes the module fail instead of creating a second one. O(name) and O(description) change in place.
  - Input is checked before any API call; addresses in V(100.64.0.0/10), V(127.0.0.0/8), V(169.254.0.0/16),
    V(224.0.0.0/4) and V(255.0.0.0/8) and the ASN V(45104) (Alibaba's own) are refused.
author:
  - multicloud.interconnect contributors (@multicloud-interconnect)
options:
  state:
    description:
      - V(present) creates or updates the gateway; V(absent) deletes it.
      - Deleting fails while an IPsec connection uses the gateway.
    type: str
    choices: [present, absent]
    default: present
  customer_gateway_id:
    description:
      - ID of an existing customer gateway to manage.
    type: str
  ip_address:
    description:
      - The public IPv4 address of the peer device, for example an AWS tunnel's outside address. Required to
        create a gateway.
    type: str
  asn:
    description:
      - The peer's BGP ASN (1-4294967295 except V(45104)), for BGP over the IPsec connection. Static routing
        does not need it.
    type: int
  name:
    description:
      - The gateway's name.
    type: str
  description:
    description:
      - A description of the gateway.
    type: str
extends_documentation_fragment:
  - multicloud.interconnect.alibaba
attributes:
  check_mode:
    support: full
    description: Check mode predicts the result without any mutating API call.
  diff_mode:
    support: full
    description: Shows the gateway before and after.
seealso:
  - module: multicloud.interconnect.alibaba_customer_gateway_info
  - module: multicloud.interconnect.alibaba_ipsec_connection
"""

EXAMPLES = r"""
- name: The first AWS tunnel as seen from Alibaba
  multicloud.interconnect.alibaba_customer_gateway:
    region: cn-hangzhou
    name: aws-use1-tunnel1
    ip_address: 203.0.113.10
    description: AWS vpn-0a1b2c3d tunnel 1
  register: cgw1

- name: The second AWS tunnel, with the VGW's ASN for BGP
  multicloud.interconnect.alibaba_customer_gateway:
    region: cn-hangzhou
    name: aws-use1-tunnel2
    ip_address: 203.0.113.11
    asn: 64512

- name: Delete it
  multicloud.interconnect.alibaba_customer_gateway:
    region: cn-hangzhou
    ip_address: 203.0.113.11
    state: absent
"""

RETURN = r"""
customer_gateway:
  description: The customer gateway after the change (predicted in check mode); empty after O(state=absent).
  returned: always
  type: dict
  contains:
    customer_gateway_id:
      description: The gateway ID; V(null) in check mode when it would be created.
      type: str
      sample: cgw-bp1q8m2xkq0w3n5b6v7c8
    name:
      description: The gateway's name.
      type: str
      sample: aws-use1-tunnel1
    description:
      description: The gateway's description.
      type: str
      sample: AWS vpn-0a1b2c3d tunnel 1
    ip_address:
      description: The peer's public address.
      type: str
      sample: 203.0.113.10
    asn:
      description: The peer's ASN, when set.
      type: int
      sample: 64512
    create_time:
      description: Creation time (milliseconds since the epoch).
      type: int
      sample: 1732290000000
    tags:
      description: The gateway's tags.
      type: dict
      sample: {}
"""

from typing import Any

from ansible_collections.multicloud.interconnect.plugins.module_utils import alibaba
from ansible_collections.multicloud.interconnect.plugins.module_utils.diff import build_diff, redact
from ansible_collections.multicloud.interconnect.plugins.module_utils.errors import CloudError
from ansible_collections.multicloud.interconnect.plugins.module_utils.resource import run_state_module

DIFF_FIELDS = ("name", "description", "ip_address", "asn")
RENAMABLE = {"name": "Name", "description": "Description"}


def diff_view(gateway: dict | None) -> dict:
    return {key: gateway.get(key) for key in DIFF_FIELDS if gateway and gateway.get(key) not in (None, "")}


def input_problems(params: dict) -> list[str]:
    problems = []
    if params.get("ip_address") is not None:
        problem = alibaba.ip_address_problem("ip_address", params["ip_address"])
        if problem:
            problems.append(problem)
    if params.get("asn") is not None:
        problem = alibaba.customer_gateway_asn_problem(params["asn"])
        if problem:
            problems.append(problem)
    return problems


def find_customer_gateway(client: Any, region: str, params: dict) -> dict | None:
    """The gateway the options name, or None. Several gateways with the name make the lookup fail."""
    if params["customer_gateway_id"]:
        found = alibaba.describe_customer_gateways(client, region, customer_gateway_id=params["customer_gateway_id"])
        return next((item for item in found if item.get("CustomerGatewayId") == params["customer_gateway_id"]), None)
    found = alibaba.describe_customer_gateways(client, region)
    if params["ip_address"]:
        return next((item for item in found if item.get("IpAddress") == params["ip_address"]), None)
    named = [item for item in found if item.get("Name") == params["name"]]
    if len(named) > 1:
        ids = ", ".join(item["CustomerGatewayId"] for item in named)
        raise ValueError("name: several customer gateways are named %r (%s); set customer_gateway_id or ip_address" % (params["name"], ids))
    return named[0] if named else None


def fixed_field_problems(gateway: dict, params: dict) -> list[str]:
    problems = []
    for key in ("ip_address", "asn"):
        wanted = params.get(key)
        if wanted is not None and gateway.get(key) != wanted:
            problems.append("%s: customer gateway %s has %s %s and Alibaba cannot change it; delete it first to use %s"
                            % (key, gateway["customer_gateway_id"], key, gateway.get(key), wanted))
    return problems


class CustomerGatewayManager:
    def __init__(self, module: Any, client: Any) -> None:
        self.module = module
        self.client = client
        self.params = module.params
        self.region = module.params["region"]
        self.changed = False

    def find(self) -> dict | None:
        return find_customer_gateway(self.client, self.region, self.params)

    def create(self) -> dict:
        self.changed = True
        if self.module.check_mode:
            return {"customer_gateway_id": None, "name": self.params["name"], "description": self.params["description"],
                    "ip_address": self.params["ip_address"], "asn": self.params["asn"], "tags": {}}
        request = {"RegionId": self.region, "ClientToken": alibaba.client_token(), "IpAddress": self.params["ip_address"],
                   "Asn": self.params["asn"], "Name": self.params["name"], "Description": self.params["description"]}
        gateway_id = alibaba.create_customer_gateway(self.client, request)
        return self.read(gateway_id)

    def read(self, gateway_id: str) -> dict:
        found = alibaba.describe_customer_gateways(self.client, self.region, customer_gateway_id=gateway_id)
        raw = next((item for item in found if item.get("CustomerGatewayId") == gateway_id), None)
        if raw is None:
            raise CloudError("customer gateway %s is not listed" % gateway_id, cloud=alibaba.CLOUD, operation="DescribeCustomerGateways")
        return alibaba.normalize_customer_gateway(raw)

    def update(self, gateway: dict) -> dict:
        changes = {api: self.params[key] for key, api in RENAMABLE.items()
                   if self.params[key] is not None and (gateway.get(key) or "") != self.params[key]}
        if not changes:
            return gateway
        self.changed = True
        if self.module.check_mode:
            return dict(gateway, **{key: self.params[key] for key, api in RENAMABLE.items() if api in changes})
        request = dict(changes, RegionId=self.region, CustomerGatewayId=gateway["customer_gateway_id"], ClientToken=alibaba.client_token())
        alibaba.modify_customer_gateway_attribute(self.client, request)
        return self.read(gateway["customer_gateway_id"])

    def ensure_present(self, raw: dict | None) -> dict:
        if raw is None:
            if not self.params["ip_address"]:
                raise ValueError("ip_address is required to create a customer gateway")
            return self.result({}, self.create())
        before = alibaba.normalize_customer_gateway(raw)
        problems = fixed_field_problems(before, self.params)
        if problems:
            raise ValueError("; ".join(problems))
        return self.result(before, self.update(before))

    def ensure_absent(self, raw: dict | None) -> dict:
        if raw is None:
            return self.result({}, {})
        before = alibaba.normalize_customer_gateway(raw)
        self.changed = True
        if not self.module.check_mode:
            self.changed = alibaba.delete_customer_gateway(self.client, self.region, before["customer_gateway_id"])
        return self.result(before, {})

    def result(self, before: dict, after: dict) -> dict:
        result: dict[str, Any] = {"changed": self.changed, "customer_gateway": redact(after)}
        if self.module._diff:
            result["diff"] = build_diff(diff_view(before), diff_view(after))
        return result


def main() -> None:
    argument_spec = dict(
        state=dict(type="str", default="present", choices=["present", "absent"]),
        customer_gateway_id=dict(type="str"),
        ip_address=dict(type="str"),
        asn=dict(type="int"),
        name=dict(type="str"),
        description=dict(type="str"),
    )
    module = alibaba.alibaba_module(
        argument_spec,
        required_one_of=[["customer_gateway_id", "ip_address", "name"]],
        supports_check_mode=True,
    )
    run_state_module(module, lambda: CustomerGatewayManager(module, alibaba.vpc_client(module.params)), input_problems, id_option="customer_gateway_id")


if __name__ == "__main__":
    main()
