#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: aws_vpn_gateway
short_description: Manage an AWS virtual private gateway, its VPC attachment and route propagation
version_added: 0.1.0
description:
  - Creates, updates or deletes an AWS virtual private gateway (VGW), the AWS end of a Site-to-Site VPN
    attached to one VPC.
  - Attaches the gateway to a VPC (detaching it from any other) and turns VGW route propagation on or off
    for route tables of that VPC.
  - Returns the Amazon-side BGP ASN (RV(vpn_gateway.amazon_side_asn)), which the peer cloud needs.
  - An attribute whose option is not given is never changed.
author:
  - multicloud.interconnect contributors (@multicloud-interconnect)
options:
  state:
    description:
      - V(present) creates or updates the gateway; V(absent) detaches and deletes it.
    type: str
    choices: [present, absent]
    default: present
  vpn_gateway_id:
    description:
      - ID of an existing gateway to manage.
      - When not set, the gateway is found by its C(Name) tag (O(name)) among gateways that are not deleted.
    type: str
  name:
    description:
      - Value of the C(Name) tag; identifies the gateway when O(vpn_gateway_id) is not set.
      - Two gateways with this name make the module fail rather than guess.
    type: str
  amazon_side_asn:
    description:
      - The private BGP ASN of the Amazon side, 64512-65534 or 4200000000-4294967294.
      - Only used when the gateway is created (AWS picks V(64512) when not set). AWS cannot change it later,
        so a different value for an existing gateway makes the module fail.
    type: int
  vpc_id:
    description:
      - The VPC the gateway is attached to. The gateway is detached from any other VPC first.
      - An empty string detaches the gateway. When not set, the attachment is left as it is.
    type: str
  propagating_route_table_ids:
    description:
      - Route tables (of the attached VPC) in which routes learned by the gateway are propagated.
      - When not set, route propagation is left as it is.
    type: list
    elements: str
  purge_propagating_route_tables:
    description:
      - Whether to turn propagation off in route tables of the VPC that are not in O(propagating_route_table_ids).
    type: bool
    default: true
  wait:
    description:
      - Whether to wait for the gateway to be available, attached, detached or deleted.
      - Detaching before a delete and attaching before route propagation are always awaited.
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait for each state change.
    type: int
    default: 320
extends_documentation_fragment:
  - multicloud.interconnect.aws
  - multicloud.interconnect.aws.tags
attributes:
  check_mode:
    support: full
    description: Check mode predicts the result, including the gateway, without any mutating API call.
  diff_mode:
    support: full
    description: Shows the gateway before and after.
notes:
  - Unlike M(amazon.aws.ec2_vpc_vgw), the Amazon-side ASN is returned and an unset O(vpc_id) never detaches.
seealso:
  - module: multicloud.interconnect.aws_vpn_gateway_info
  - module: multicloud.interconnect.aws_vpn_connection
"""

EXAMPLES = r"""
- name: A VGW with a fixed ASN, attached to the application VPC, propagating into its private route table
  multicloud.interconnect.aws_vpn_gateway:
    name: app-to-alibaba
    amazon_side_asn: 64520
    vpc_id: vpc-0a1b2c3d4e5f60718
    propagating_route_table_ids:
      - rtb-0123456789abcdef0
    tags:
      project: interconnect
    region: eu-central-1
  register: vgw

- name: The ASN the peer cloud must use for the Amazon side
  ansible.builtin.debug:
    msg: "{{ vgw.vpn_gateway.amazon_side_asn }}"

- name: Detach the gateway but keep it
  multicloud.interconnect.aws_vpn_gateway:
    name: app-to-alibaba
    vpc_id: ""

- name: Delete the gateway (detaching it first)
  multicloud.interconnect.aws_vpn_gateway:
    name: app-to-alibaba
    state: absent
"""

RETURN = r"""
vpn_gateway:
  description: The gateway after the change (predicted in check mode); empty after O(state=absent).
  returned: always
  type: dict
  contains:
    vpn_gateway_id:
      description: The gateway ID; V(null) in check mode when the gateway would be created.
      type: str
      sample: vgw-0f1e2d3c4b5a69788
    state:
      description: C(pending), C(available), C(deleting) or C(deleted).
      type: str
      sample: available
    type:
      description: The VPN type.
      type: str
      sample: ipsec.1
    amazon_side_asn:
      description: The BGP ASN of the Amazon side.
      type: int
      sample: 64520
    availability_zone:
      description: The availability zone, when AWS reports one.
      type: str
      sample: null
    vpc_id:
      description: The VPC the gateway is attached or attaching to, V(null) when detached.
      type: str
      sample: vpc-0a1b2c3d4e5f60718
    vpc_attachments:
      description: Every attachment AWS reports, detached ones included.
      type: list
      elements: dict
      sample: [{"vpc_id": "vpc-0a1b2c3d4e5f60718", "state": "attached"}]
    propagating_route_table_ids:
      description: Route tables of the attached VPC into which the gateway propagates routes.
      type: list
      elements: str
      sample: [rtb-0123456789abcdef0]
    tags:
      description: The gateway's tags.
      type: dict
      sample: {"Name": "app-to-alibaba", "project": "interconnect"}
"""

from typing import Any

from ansible_collections.multicloud.interconnect.plugins.module_utils import aws
from ansible_collections.multicloud.interconnect.plugins.module_utils import cloud_facts
from ansible_collections.multicloud.interconnect.plugins.module_utils.diff import build_diff
from ansible_collections.multicloud.interconnect.plugins.module_utils.errors import CloudError
from ansible_collections.multicloud.interconnect.plugins.module_utils.resource import run_state_module
from ansible_collections.multicloud.interconnect.plugins.module_utils.waiters import wait_for


def input_problems(params: dict) -> list[str]:
    problems = []
    asn = params.get("amazon_side_asn")
    ranges = cloud_facts.ASN_RANGES["aws"]
    if asn is not None and not any(low <= asn <= high for low, high in ranges):
        accepted = ", ".join("%d-%d" % pair for pair in ranges)
        problems.append("amazon_side_asn: %d is outside the private ranges AWS accepts (%s)" % (asn, accepted))
    if params.get("propagating_route_table_ids") and params.get("vpc_id") == "":
        problems.append("propagating_route_table_ids: route propagation needs an attached VPC, but vpc_id is empty")
    return problems


def find_vpn_gateway(client: Any, params: dict) -> dict | None:
    """The gateway the options name, or None."""
    if params.get("vpn_gateway_id"):
        found = aws.get_vpn_gateway(client, params["vpn_gateway_id"])
        return None if aws.resource_is_gone(found) else found
    found = aws.describe_vpn_gateways(client, filters=[{"Name": "tag:Name", "Values": [params["name"]]}, {"Name": "state", "Values": aws.LIVE_STATES}])
    # State and name are checked here too: not every EC2 implementation applies every filter.
    matches = [item for item in found if item.get("State") in aws.LIVE_STATES and aws.tags_to_dict(item.get("Tags")).get("Name") == params["name"]]
    if len(matches) > 1:
        ids = ", ".join(item["VpnGatewayId"] for item in matches)
        raise CloudError("several VPN gateways are named %r (%s); set vpn_gateway_id" % (params["name"], ids),
                         cloud="aws", operation="find vpn gateway")
    return matches[0] if matches else None


def propagating_tables(client: Any, raw: dict) -> list[str]:
    """Route tables of the attached VPC that propagate this gateway's routes."""
    vpc_id = aws.normalize_vpn_gateway(raw)["vpc_id"]
    if not vpc_id:
        return []
    tables = aws.describe_route_tables(client, filters=[{"Name": "vpc-id", "Values": [vpc_id]}])
    return [table["RouteTableId"] for table in tables if raw["VpnGatewayId"] in aws.propagating_vgw_ids(table)]


def describe(client: Any, raw: dict) -> dict:
    return aws.normalize_vpn_gateway(raw, propagating_tables(client, raw))


class GatewayManager:
    """Brings one gateway to the wanted state; every mutating call is skipped in check mode."""

    def __init__(self, module: Any, client: Any) -> None:
        self.module = module
        self.client = client
        self.params = module.params
        self.check_mode = module.check_mode
        self.changed = False

    def find(self) -> dict | None:
        return find_vpn_gateway(self.client, self.params)

    def wait(self, gateway_id: str, is_done: Any, wanted: str, always: bool = False) -> dict | None:
        if not (self.params["wait"] or always):
            return None
        return wait_for(lambda: aws.get_vpn_gateway(self.client, gateway_id), is_done, what="VPN gateway %s" % gateway_id,
                        wanted=wanted, timeout=self.params["wait_timeout"], describe=aws.describe_state)

    def create(self) -> dict:
        self.changed = True
        wanted_tags = aws.desired_tags(self.params["tags"], self.params["name"]) or {}
        if self.check_mode:
            asn = self.params["amazon_side_asn"] or cloud_facts.AWS_DEFAULT_AMAZON_ASN
            return {"VpnGatewayId": None, "State": "available", "Type": "ipsec.1", "AmazonSideAsn": asn,
                    "VpcAttachments": [], "Tags": aws.dict_to_tags(wanted_tags)}
        request: dict[str, Any] = {"Type": "ipsec.1", "TagSpecifications": aws.tag_specifications("vpn-gateway", wanted_tags)}
        if self.params["amazon_side_asn"] is not None:
            request["AmazonSideAsn"] = self.params["amazon_side_asn"]
        created = aws.create_vpn_gateway(self.client, **{key: value for key, value in request.items() if value})
        return self.wait(created["VpnGatewayId"], aws.vpn_gateway_is_available, "available") or created

    def ensure_tags(self, raw: dict) -> dict:
        wanted = aws.desired_tags(self.params["tags"], self.params["name"])
        changed, tags = aws.reconcile_tags(self.client, raw["VpnGatewayId"], aws.tags_to_dict(raw.get("Tags")), wanted,
                                           self.params["purge_tags"], self.check_mode)
        self.changed = self.changed or changed
        return dict(raw, Tags=aws.dict_to_tags(tags))

    def detach(self, raw: dict, vpc_id: str) -> dict:
        self.changed = True
        attachments = [item for item in raw.get("VpcAttachments") or [] if item.get("VpcId") != vpc_id]
        predicted = dict(raw, VpcAttachments=attachments + [{"VpcId": vpc_id, "State": "detached"}])
        if self.check_mode or not raw["VpnGatewayId"]:
            return predicted
        aws.detach_vpn_gateway(self.client, raw["VpnGatewayId"], vpc_id)
        return self.wait(raw["VpnGatewayId"], aws.vpn_gateway_is_detached, "detached", always=True) or predicted

    def attach(self, raw: dict, vpc_id: str, must_wait: bool) -> dict:
        self.changed = True
        attachments = [item for item in raw.get("VpcAttachments") or [] if item.get("VpcId") != vpc_id]
        predicted = dict(raw, VpcAttachments=attachments + [{"VpcId": vpc_id, "State": "attached"}])
        if self.check_mode or not raw["VpnGatewayId"]:
            return predicted
        aws.attach_vpn_gateway(self.client, raw["VpnGatewayId"], vpc_id)
        return self.wait(raw["VpnGatewayId"], aws.vpn_gateway_is_attached_to(vpc_id), "attached to %s" % vpc_id, always=must_wait) or predicted

    def ensure_attachment(self, raw: dict) -> dict:
        wanted = self.params["vpc_id"]
        if wanted is None:
            return raw
        current = aws.normalize_vpn_gateway(raw)["vpc_id"]
        if current == (wanted or None):
            return raw
        if current:
            raw = self.detach(raw, current)
        if wanted:
            raw = self.attach(raw, wanted, must_wait=self.params["propagating_route_table_ids"] is not None)
        return raw

    def ensure_propagation(self, raw: dict, current: list[str]) -> list[str]:
        wanted = self.params["propagating_route_table_ids"]
        if wanted is None:
            return current
        to_enable = sorted(set(wanted) - set(current))
        to_disable = sorted(set(current) - set(wanted)) if self.params["purge_propagating_route_tables"] else []
        if not (to_enable or to_disable):
            return current
        self.changed = True
        if not self.check_mode and raw["VpnGatewayId"]:
            for table_id in to_enable:
                aws.enable_vgw_route_propagation(self.client, raw["VpnGatewayId"], table_id)
            for table_id in to_disable:
                aws.disable_vgw_route_propagation(self.client, raw["VpnGatewayId"], table_id)
        return sorted((set(current) | set(to_enable)) - set(to_disable))

    def ensure_present(self, raw: dict | None) -> dict:
        before = describe(self.client, raw) if raw else {}
        if raw is None:
            raw = self.create()
        elif self.params["amazon_side_asn"] is not None and raw.get("AmazonSideAsn") != self.params["amazon_side_asn"]:
            raise ValueError("amazon_side_asn: %s has ASN %s and AWS cannot change it; delete the gateway to use %d"
                             % (raw["VpnGatewayId"], raw.get("AmazonSideAsn"), self.params["amazon_side_asn"]))
        raw = self.ensure_tags(raw)
        raw = self.ensure_attachment(raw)
        current_tables = propagating_tables(self.client, raw) if raw["VpnGatewayId"] else []
        tables = self.ensure_propagation(raw, current_tables)
        if self.changed and not self.check_mode:
            raw = aws.get_vpn_gateway(self.client, raw["VpnGatewayId"]) or raw
            after = describe(self.client, raw)
        else:
            after = aws.normalize_vpn_gateway(raw, tables)
        return self.result(before, after)

    def ensure_absent(self, raw: dict | None) -> dict:
        if raw is None:
            return self.result({}, {})
        before = describe(self.client, raw)
        current_vpc = before["vpc_id"]
        if current_vpc:
            self.detach(raw, current_vpc)
        self.changed = True
        if not self.check_mode:
            aws.delete_vpn_gateway(self.client, raw["VpnGatewayId"])
            self.wait(raw["VpnGatewayId"], aws.resource_is_gone, "deleted")
        return self.result(before, {})

    def result(self, before: dict, after: dict) -> dict:
        result: dict[str, Any] = {"changed": self.changed, "vpn_gateway": after}
        if self.module._diff:
            result["diff"] = build_diff(before, after)
        return result


def main() -> None:
    argument_spec = dict(
        state=dict(type="str", default="present", choices=["present", "absent"]),
        vpn_gateway_id=dict(type="str"),
        name=dict(type="str"),
        amazon_side_asn=dict(type="int"),
        vpc_id=dict(type="str"),
        propagating_route_table_ids=dict(type="list", elements="str"),
        purge_propagating_route_tables=dict(type="bool", default=True),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=320),
        **aws.TAGS_ARGUMENT_SPEC,
    )
    module = aws.aws_module(argument_spec, required_one_of=[["vpn_gateway_id", "name"]], supports_check_mode=True)
    run_state_module(module, lambda: GatewayManager(module, aws.ec2_client(module)), input_problems, id_option="vpn_gateway_id")


if __name__ == "__main__":
    main()
