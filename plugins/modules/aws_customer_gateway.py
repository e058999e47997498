#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: aws_customer_gateway
short_description: Manage an AWS customer gateway (the peer end of a Site-to-Site VPN)
version_added: 0.1.0
description:
  - Creates, tags or deletes an AWS customer gateway, which tells AWS the public IP address and BGP ASN of the
    device at the other end of a VPN, for example an Alibaba Cloud VPN gateway.
  - The gateway is identified by O(customer_gateway_id), else by its C(Name) tag (O(name), narrowed by
    O(ip_address) when given), else by O(ip_address) and O(bgp_asn).
  - AWS cannot change the IP address, ASN or type of a customer gateway; a different value for an existing
    gateway makes the module fail instead of silently creating a second one.
  - AWS answers a create for an identical type, IP address and ASN with the existing gateway. The module
    checks this first, and adopts such a gateway when it has no C(Name) tag and fails when it carries another name.
author:
  - multicloud.interconnect contributors (@multicloud-interconnect)
options:
  state:
    description:
      - V(present) creates or tags the gateway; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  customer_gateway_id:
    description:
      - ID of an existing customer gateway to manage.
    type: str
  name:
    description:
      - Value of the C(Name) tag; with O(ip_address) it identifies the gateway.
    type: str
  ip_address:
    description:
      - The public IPv4 address of the peer device, for example the Alibaba VPN gateway's IP.
      - Required to create a gateway.
    type: str
  bgp_asn:
    description:
      - The BGP ASN of the peer device. ASNs above 2147483647 (32-bit) are sent as C(BgpAsnExtended).
      - Static VPNs ignore it; AWS uses V(65000) when it is not set.
    type: int
  type:
    description:
      - The VPN type.
    type: str
    choices: [ipsec.1]
    default: ipsec.1
  device_name:
    description:
      - A name for the peer device, shown in the AWS console. Only used when the gateway is created.
    type: str
extends_documentation_fragment:
  - multicloud.interconnect.aws
  - multicloud.interconnect.aws.tags
attributes:
  check_mode:
    support: full
    description: Check mode predicts the result without any mutating API call.
  diff_mode:
    support: full
    description: Shows the gateway before and after.
seealso:
  - module: multicloud.interconnect.aws_customer_gateway_info
  - module: multicloud.interconnect.aws_vpn_connection
"""

EXAMPLES = r"""
- name: The Alibaba VPN gateway as seen from AWS (static routing)
  multicloud.interconnect.aws_customer_gateway:
    name: alibaba-hangzhou
    ip_address: 198.51.100.24
    tags:
      project: interconnect
  register: cgw

- name: A BGP peer with a 32-bit ASN
  multicloud.interconnect.aws_customer_gateway:
    name: onprem-fra
    ip_address: 203.0.113.77
    bgp_asn: 4200000101

- name: Delete it
  multicloud.interconnect.aws_customer_gateway:
    name: alibaba-hangzhou
    ip_address: 198.51.100.24
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
      sample: cgw-0a9b8c7d6e5f40312
    state:
      description: C(pending), C(available), C(deleting) or C(deleted).
      type: str
      sample: available
    type:
      description: The VPN type.
      type: str
      sample: ipsec.1
    ip_address:
      description: The peer's public IPv4 address.
      type: str
      sample: 198.51.100.24
    bgp_asn:
      description: The peer's BGP ASN as an integer (from C(BgpAsnExtended) for 32-bit ASNs).
      type: int
      sample: 65000
    device_name:
      description: The device name, when set.
      type: str
      sample: null
    certificate_arn:
      description: The certificate ARN for certificate-based gateways, else V(null).
      type: str
      sample: null
    tags:
      description: The gateway's tags.
      type: dict
      sample: {"Name": "alibaba-hangzhou", "project": "interconnect"}
"""

import ipaddress
from typing import Any

from ansible_collections.multicloud.interconnect.plugins.module_utils import aws
from ansible_collections.multicloud.interconnect.plugins.module_utils import cloud_facts
from ansible_collections.multicloud.interconnect.plugins.module_utils.diff import build_diff
from ansible_collections.multicloud.interconnect.plugins.module_utils.errors import CloudError
from ansible_collections.multicloud.interconnect.plugins.module_utils.resource import run_state_module


def input_problems(params: dict) -> list[str]:
    problems = []
    if params.get("ip_address") is not None:
        try:
            if ipaddress.ip_address(params["ip_address"]).version != 4:
                problems.append("ip_address: %s is not an IPv4 address" % params["ip_address"])
        except ValueError:
            problems.append("ip_address: %r is not an IP address" % params["ip_address"])
    asn = params.get("bgp_asn")
    if asn is not None and asn_request_key(asn) is None:
        accepted = ", ".join("%d-%d" % pair for pair in cloud_facts.AWS_CUSTOMER_GATEWAY_ASN_RANGES.values())
        problems.append("bgp_asn: %d is outside the ranges AWS accepts (%s)" % (asn, accepted))
    return problems


def asn_request_key(asn: int) -> str | None:
    """``BgpAsn`` or, for large 32-bit ASNs, ``BgpAsnExtended``; None when AWS takes neither."""
    for key, (low, high) in cloud_facts.AWS_CUSTOMER_GATEWAY_ASN_RANGES.items():
        if low <= asn <= high:
            return key
    return None


def effective_asn(params: dict) -> int:
    """The ASN a created gateway gets: the given one or AWS's default."""
    return params["bgp_asn"] if params["bgp_asn"] is not None else cloud_facts.AWS_DEFAULT_CUSTOMER_GATEWAY_ASN


def live_gateways(client: Any, filters: list[dict]) -> list[dict]:
    """Matching gateways that are not being deleted. The state is also checked here, not only in
    the filter, because not every EC2 implementation (moto among them) applies every filter."""
    found = aws.describe_customer_gateways(client, filters=filters + [{"Name": "state", "Values": aws.LIVE_STATES}])
    return [item for item in found if item.get("State") in aws.LIVE_STATES]


def live_gateways_at(client: Any, ip_address: str, type_: str) -> list[dict]:
    found = live_gateways(client, [{"Name": "ip-address", "Values": [ip_address]}, {"Name": "type", "Values": [type_]}])
    return [item for item in found if item.get("IpAddress") == ip_address and item.get("Type") == type_]


def name_of(raw: dict) -> str | None:
    return aws.tags_to_dict(raw.get("Tags")).get("Name")


def find_customer_gateway(client: Any, params: dict) -> dict | None:
    """The gateway the options name, or None. Several candidates make the lookup fail."""
    if params["customer_gateway_id"]:
        found = aws.describe_customer_gateways(client, ids=[params["customer_gateway_id"]])
        live = [item for item in found if not aws.resource_is_gone(item)]
        return live[0] if live else None
    if params["name"] is not None:
        named = [item for item in live_gateways(client, [{"Name": "tag:Name", "Values": [params["name"]]}]) if name_of(item) == params["name"]]
        candidates = [item for item in named if params["ip_address"] in (None, item.get("IpAddress"))]
        if named and not candidates and params["state"] == "present":
            raise ValueError("ip_address: the customer gateway named %r (%s) has IP %s and AWS cannot change it; delete it first to use %s"
                             % (params["name"], named[0]["CustomerGatewayId"], named[0].get("IpAddress"), params["ip_address"]))
    else:
        candidates = live_gateways_at(client, params["ip_address"], params["type"])
        if params["bgp_asn"] is not None:
            candidates = [item for item in candidates if aws.customer_gateway_asn(item) == params["bgp_asn"]]
    if len(candidates) > 1:
        ids = ", ".join(item["CustomerGatewayId"] for item in candidates)
        raise CloudError("several customer gateways match (%s); set customer_gateway_id or a distinct name" % ids,
                         cloud="aws", operation="find customer gateway")
    return candidates[0] if candidates else None


def immutable_problems(gateway: dict, params: dict) -> list[str]:
    """Attributes AWS cannot change that differ from what was asked."""
    problems = []
    for option in ("ip_address", "bgp_asn", "type"):
        wanted = params.get(option)
        if wanted is not None and gateway.get(option) != wanted:
            problems.append("%s: %s has %s %s and AWS cannot change it; delete the gateway (or use another name) to get %s"
                            % (option, gateway["customer_gateway_id"], option, gateway.get(option), wanted))
    return problems


def twin_gateway(client: Any, params: dict) -> dict | None:
    """The gateway AWS would hand back for a create with these (type, IP, ASN), if any."""
    twins = [item for item in live_gateways_at(client, params["ip_address"], params["type"])
             if aws.customer_gateway_asn(item) == effective_asn(params)]
    return twins[0] if twins else None


class CustomerGatewayManager:
    def __init__(self, module: Any, client: Any) -> None:
        self.module = module
        self.client = client
        self.params = module.params
        self.changed = False

    def find(self) -> dict | None:
        return find_customer_gateway(self.client, self.params)

    def create(self) -> dict:
        twin = twin_gateway(self.client, self.params)
        if twin is not None:
            twin_name = name_of(twin)
            if twin_name is not None:
                details = (twin["CustomerGatewayId"], twin_name, self.params["type"], self.params["ip_address"], effective_asn(self.params))
                raise ValueError("name: AWS would return the existing customer gateway %s (Name=%s) for type %s, IP %s and ASN %d; "
                                 "use that name or its customer_gateway_id" % details)
            return twin  # an unnamed identical gateway: adopt it, tagging it below
        self.changed = True
        wanted_tags = aws.desired_tags(self.params["tags"], self.params["name"]) or {}
        asn = effective_asn(self.params)
        if self.module.check_mode:
            return {"CustomerGatewayId": None, "State": "available", "Type": self.params["type"], "IpAddress": self.params["ip_address"],
                    "BgpAsn": str(asn), "DeviceName": self.params["device_name"], "Tags": aws.dict_to_tags(wanted_tags)}
        request: dict[str, Any] = {"Type": self.params["type"], "IpAddress": self.params["ip_address"]}
        if self.params["bgp_asn"] is not None:
            request[asn_request_key(asn)] = asn
        if self.params["device_name"]:
            request["DeviceName"] = self.params["device_name"]
        if wanted_tags:
            request["TagSpecifications"] = aws.tag_specifications("customer-gateway", wanted_tags)
        return aws.create_customer_gateway(self.client, **request)

    def ensure_tags(self, raw: dict) -> dict:
        wanted = aws.desired_tags(self.params["tags"], self.params["name"])
        changed, tags = aws.reconcile_tags(self.client, raw["CustomerGatewayId"], aws.tags_to_dict(raw.get("Tags")), wanted,
                                           self.params["purge_tags"], self.module.check_mode)
        self.changed = self.changed or changed
        return dict(raw, Tags=aws.dict_to_tags(tags))

    def ensure_present(self, raw: dict | None) -> dict:
        before = aws.normalize_customer_gateway(raw) if raw else {}
        if raw is None:
            raw = self.create()
        else:
            problems = immutable_problems(before, self.params)
            if problems:
                raise ValueError("; ".join(problems))
        raw = self.ensure_tags(raw)
        return self.result(before, aws.normalize_customer_gateway(raw))

    def ensure_absent(self, raw: dict | None) -> dict:
        if raw is None:
            return self.result({}, {})
        before = aws.normalize_customer_gateway(raw)
        self.changed = True
        if not self.module.check_mode:
            self.changed = aws.delete_customer_gateway(self.client, raw["CustomerGatewayId"])
        return self.result(before, {})

    def result(self, before: dict, after: dict) -> dict:
        result: dict[str, Any] = {"changed": self.changed, "customer_gateway": after}
        if self.module._diff:
            result["diff"] = build_diff(before, after)
        return result


def main() -> None:
    argument_spec = dict(
        state=dict(type="str", default="present", choices=["present", "absent"]),
        customer_gateway_id=dict(type="str"),
        name=dict(type="str"),
        ip_address=dict(type="str"),
        bgp_asn=dict(type="int"),
        type=dict(type="str", default="ipsec.1", choices=["ipsec.1"]),
        device_name=dict(type="str"),
        **aws.TAGS_ARGUMENT_SPEC,
    )
    module = aws.aws_module(
        argument_spec,
        required_one_of=[["customer_gateway_id", "name", "ip_address"]],
        required_if=[["state", "present", ["customer_gateway_id", "ip_address"], True]],
        supports_check_mode=True,
    )
    run_state_module(module, lambda: CustomerGatewayManager(module, aws.ec2_client(module)), input_problems, id_option="customer_gateway_id")


if __name__ == "__main__":
    main()
