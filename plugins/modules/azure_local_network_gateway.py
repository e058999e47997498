#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: azure_local_network_gateway
short_description: Manage an Azure local network gateway (the peer end of a site-to-site VPN) with drift detection
version_added: 0.1.0
description:
  - Creates, updates or deletes an Azure local network gateway, Azure's record of the peer VPN device (its public IP,
    the address prefixes behind it and its BGP settings).
  - Compares every given option with what Azure has and corrects the difference, address prefixes included
    (they are replaced by default, see O(purge_address_prefixes)).
  - In the AWS/Azure layout there is one local network gateway per AWS tunnel; its O(gateway_ip_address) is the
    tunnel's outside IP and its O(bgp_settings.bgp_peering_address) the AWS inside address (the first usable
    address of the tunnel's /30).
author:
  - multicloud.interconnect contributors (@multicloud-interconnect)
options:
  state:
    description:
      - V(present) creates or updates the local network gateway; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  name:
    description:
      - Name of the local network gateway.
    type: str
    required: true
  resource_group:
    description:
      - Resource group of the local network gateway.
    type: str
    required: true
  location:
    description:
      - Azure region, for example V(eastus). Required to create a local network gateway; it must be the region of
        the virtual network gateway that connects to it.
      - Azure cannot move a local network gateway; a different region for an existing one makes the module fail.
    type: str
  gateway_ip_address:
    description:
      - The public IPv4 address of the peer VPN device. Required to create a local network gateway.
    type: str
  address_prefixes:
    description:
      - IPv4 prefixes of the networks behind the peer, routed into the tunnel.
      - With BGP the list can be empty, or hold just the peer's BGP address as a /32 when that is not link-local.
      - When not set, the prefixes are left as they are.
    type: list
    elements: str
  purge_address_prefixes:
    description:
      - Whether to remove prefixes that are not in O(address_prefixes). With V(false) the given prefixes are added.
    type: bool
    default: true
  bgp_settings:
    description:
      - BGP settings of the peer.
      - Suboptions that are not set are left as they are; a new BGP configuration needs O(bgp_settings.asn) and
        O(bgp_settings.bgp_peering_address).
      - V({}) (no suboption set) removes the BGP settings.
    type: dict
    suboptions:
      asn:
        description:
          - The peer's BGP ASN, 1-4294967295, neither reserved by IANA nor by Azure (65515, 65517-65520, 8074, 8075, 12076).
        type: int
      bgp_peering_address:
        description:
          - The peer's BGP address. A link-local (APIPA) address, for example the AWS inside address V(169.254.21.1),
            or an address inside O(address_prefixes).
        type: str
      peer_weight:
        description:
          - Weight (0-100) Azure adds to routes learned from this peer.
        type: int
  wait:
    description:
      - Whether to wait until Azure has finished creating, changing or deleting the local network gateway.
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait for each operation.
    type: int
    default: 600
extends_documentation_fragment:
  - multicloud.interconnect.azure
  - multicloud.interconnect.azure.tags
attributes:
  check_mode:
    support: full
    description: Check mode predicts the local network gateway without any write.
  diff_mode:
    support: full
    description: Shows the gateway IP, prefixes, BGP settings and tags before and after.
notes:
  - Unlike M(azure.azcollection.azure_rm_localnetworkgateway), prefixes that are no longer wanted are removed and
    changed BGP settings are detected and applied.
  - The peer's address must be an IPv4 address; FQDN peers are not supported.
seealso:
  - module: multicloud.interconnect.azure_local_network_gateway_info
  - module: multicloud.interconnect.azure_vpn_connection
"""

EXAMPLES = r"""
- name: The peer end of AWS tunnel 1 of the connection to Azure instance 0 (BGP over APIPA)
  multicloud.interconnect.azure_local_network_gateway:
    name: aws-00
    resource_group: multicloud
    location: eastus
    gateway_ip_address: 198.51.100.21
    address_prefixes: []
    bgp_settings:
      asn: 64520
      bgp_peering_address: 169.254.21.1

- name: A static peer (no BGP) with the networks behind it
  multicloud.interconnect.azure_local_network_gateway:
    name: branch
    resource_group: multicloud
    location: eastus
    gateway_ip_address: 203.0.113.77
    address_prefixes:
      - 10.20.0.0/16
      - 10.30.0.0/16

- name: Add a prefix, keep the others
  multicloud.interconnect.azure_local_network_gateway:
    name: branch
    resource_group: multicloud
    address_prefixes: [10.40.0.0/16]
    purge_address_prefixes: false

- name: Delete it
  multicloud.interconnect.azure_local_network_gateway:
    name: branch
    resource_group: multicloud
    state: absent
"""

RETURN = r"""
local_network_gateway:
  description: The local network gateway after the change (predicted in check mode); empty after O(state=absent).
  returned: always
  type: dict
  contains:
    id:
      description: The resource ID.
      type: str
      sample: /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/multicloud/providers/Microsoft.Network/localNetworkGateways/aws-00
    name:
      description: The name.
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
    gateway_ip_address:
      description: The peer's public IP.
      type: str
      sample: 198.51.100.21
    fqdn:
      description: The peer's FQDN, when it was defined by name elsewhere.
      type: str
      sample: null
    address_prefixes:
      description: Prefixes behind the peer, sorted.
      type: list
      elements: str
      sample: ["10.20.0.0/16"]
    bgp_settings:
      description: The peer's BGP settings, V(null) without BGP.
      type: dict
      contains:
        asn:
          description: The peer's ASN.
          type: int
          sample: 64520
        bgp_peering_address:
          description: The peer's BGP address.
          type: str
          sample: 169.254.21.1
        peer_weight:
          description: Weight of routes learned from the peer.
          type: int
          sample: 0
    tags:
      description: The tags.
      type: dict
      sample: {}
"""

from typing import Any

from ansible_collections.multicloud.interconnect.plugins.module_utils import azure
from ansible_collections.multicloud.interconnect.plugins.module_utils import azure_vpn
from ansible_collections.multicloud.interconnect.plugins.module_utils.diff import build_diff
from ansible_collections.multicloud.interconnect.plugins.module_utils.resource import run_state_module
from ansible_collections.multicloud.interconnect.plugins.module_utils.waiters import wait_for


def input_problems(params: dict) -> list[str]:
    """Everything wrong with the options, found before any API call."""
    problems = [azure.base_url_problem(params.get("base_url"))]
    problems.extend(azure_vpn.local_gateway_problems(params))
    return [problem for problem in problems if problem]


def creation_problems(params: dict, settings: dict) -> list[str]:
    problems = []
    if not params.get("location"):
        problems.append("location: required to create local network gateway %s" % params["name"])
    if not settings["gateway_ip_address"]:
        problems.append("gateway_ip_address: required to create local network gateway %s" % params["name"])
    bgp = settings["bgp_settings"]
    if bgp is not None and (bgp["asn"] is None or bgp["bgp_peering_address"] is None):
        problems.append("bgp_settings: a new BGP peer needs asn and bgp_peering_address")
    return problems


class LocalGatewayManager:
    """Brings one local network gateway to the wanted state; no writes in check mode."""

    def __init__(self, module: Any, session: azure.AzureSession) -> None:
        self.module = module
        self.session = session
        self.params = module.params
        self.check_mode = module.check_mode
        self.changed = False
        self.resource_group = self.params["resource_group"]
        self.name = self.params["name"]
        self.gateway_id = azure.resource_id(session.subscription_id, self.resource_group, "localNetworkGateways", self.name)

    def read(self) -> dict | None:
        return azure.get_local_network_gateway(self.session, self.resource_group, self.name)

    def find(self) -> dict | None:
        raw = self.read()
        if raw is not None and not azure.is_settled(raw) and self.params["wait"] and not self.check_mode:
            raw = wait_for(self.read, azure.is_settled, what="local network gateway %s" % self.name, wanted="settled",
                           timeout=self.params["wait_timeout"], delay=self.session.settle_delay, describe=azure.describe_state)
        return raw

    def write(self, body: dict) -> dict:
        return azure.create_or_update_local_network_gateway(self.session, self.resource_group, self.name, body,
                                                            wait=self.params["wait"], timeout=self.params["wait_timeout"])

    def predicted(self, body: dict) -> dict:
        predicted = dict(body, id=self.gateway_id, name=self.name)
        predicted["properties"] = dict(body["properties"], provisioningState="Succeeded" if self.params["wait"] else "Updating")
        return azure_vpn.normalize_local_gateway(predicted)

    def ensure_present(self, raw: dict | None) -> dict:
        params = self.params
        if raw is None:
            settings = azure_vpn.desired_local_gateway_settings(params, None)
            problems = creation_problems(params, settings)
            if problems:
                raise ValueError("; ".join(problems))
            self.changed = True
            skeleton = {"location": params["location"], "tags": azure_vpn.desired_tags({}, params.get("tags"), True), "properties": {}}
            body = azure_vpn.render_local_gateway(skeleton, settings)
            after = self.predicted(body) if self.check_mode else azure_vpn.normalize_local_gateway(self.write(body))
            return self.result({}, after)

        current = azure_vpn.normalize_local_gateway(raw)
        problem = azure_vpn.location_problem(current, params.get("location"))
        if problem:
            raise ValueError(problem)
        settings = azure_vpn.desired_local_gateway_settings(params, current)
        bgp = settings["bgp_settings"]
        if bgp is not None and current["bgp_settings"] is None and (bgp["asn"] is None or bgp["bgp_peering_address"] is None):
            raise ValueError("bgp_settings: a new BGP peer needs asn and bgp_peering_address")
        tags = azure_vpn.desired_tags(current["tags"], params.get("tags"), params["purge_tags"])
        settings_changed = settings != azure_vpn.local_gateway_settings(current) or current["provisioning_state"] == "Failed"
        if not settings_changed and tags == current["tags"]:
            return self.result(current, current)
        self.changed = True
        body = azure_vpn.render_local_gateway(raw, settings)
        body["tags"] = tags
        if self.check_mode:
            return self.result(current, self.predicted(body))
        if settings_changed:
            written = self.write(body)
        else:
            written = azure.update_local_network_gateway_tags(self.session, self.resource_group, self.name, tags)
        return self.result(current, azure_vpn.normalize_local_gateway(written))

    def ensure_absent(self, raw: dict | None) -> dict:
        if raw is None or azure.provisioning_state(raw) == "Deleting":
            return self.result({}, {})
        self.changed = True
        if not self.check_mode:
            azure.delete_local_network_gateway(self.session, self.resource_group, self.name,
                                               wait=self.params["wait"], timeout=self.params["wait_timeout"])
        return self.result(azure_vpn.normalize_local_gateway(raw), {})

    def result(self, before: dict, after: dict) -> dict:
        result: dict[str, Any] = {"changed": self.changed, "local_network_gateway": after}
        if self.module._diff:
            result["diff"] = build_diff(azure_vpn.local_gateway_diff_state(before) if before else {},
                                        azure_vpn.local_gateway_diff_state(after) if after else {})
        return result


def main() -> None:
    argument_spec = dict(
        state=dict(type="str", default="present", choices=["present", "absent"]),
        name=dict(type="str", required=True),
        resource_group=dict(type="str", required=True),
        location=dict(type="str"),
        gateway_ip_address=dict(type="str"),
        address_prefixes=dict(type="list", elements="str"),
        purge_address_prefixes=dict(type="bool", default=True),
        bgp_settings=dict(type="dict", options=dict(
            asn=dict(type="int"),
            bgp_peering_address=dict(type="str"),
            peer_weight=dict(type="int"),
        )),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=600),
        **azure.TAGS_ARGUMENT_SPEC,
    )
    module = azure.azure_module(argument_spec, supports_check_mode=True)
    run_state_module(module, lambda: LocalGatewayManager(module, azure.network_session(module)), input_problems)


if __name__ == "__main__":
    main()
