#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: azure_vpn_connection
short_description: Manage an Azure site-to-site IPsec connection with reconciled shared key, IPsec policy and APIPA choice
version_added: 0.1.0
description:
  - Creates, updates or deletes an Azure IPsec connection between a virtual network gateway and a local network gateway.
  - Compares every given option with what Azure has and corrects the difference, B(the shared key included)
    (read with the connection's C(sharedkey) API, never shown), the IKE version, BGP, traffic selectors,
    the connection mode and the custom IPsec policy.
  - Sets which custom APIPA BGP address of each gateway instance the connection uses
    (C(gatewayCustomBgpIpAddresses)), as a BGP session with AWS needs.
  - Validates its input before any API call (shared key rules, IPsec algorithm names and lifetimes, APIPA range)
    and fails once, naming every wrong field.
  - Returns the connection status, the status of each instance's tunnel and the bytes transferred.
author:
  - multicloud.interconnect contributors (@multicloud-interconnect)
options:
  state:
    description:
      - V(present) creates or updates the connection; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  name:
    description:
      - Name of the connection.
    type: str
    required: true
  resource_group:
    description:
      - Resource group of the connection.
    type: str
    required: true
  location:
    description:
      - Azure region. A new connection takes the region of O(virtual_network_gateway) when not set.
      - Azure cannot move a connection; a different region for an existing one makes the module fail.
    type: str
  virtual_network_gateway:
    description:
      - Name (in O(resource_group)) or ID of the Azure VPN gateway. Required to create a connection.
      - Azure cannot change it on an existing connection; a different one makes the module fail.
      - A gateway that Azure is still provisioning is waited for (within O(wait_timeout)) before a write, when O(wait=true).
    type: str
  local_network_gateway:
    description:
      - Name (in O(resource_group)) or ID of the local network gateway (the peer). Required to create a connection.
      - Azure cannot change it on an existing connection; a different one makes the module fail.
    type: str
  shared_key:
    description:
      - The IPsec pre-shared key, 1-128 printable ASCII characters without spaces.
      - Azure generates one for a new connection when not set; read it with
        O(multicloud.interconnect.azure_vpn_connection_info#module:include_shared_key=true).
      - An existing connection's key is read and replaced when it differs. It never appears in output or diffs.
    type: str
  connection_protocol:
    description:
      - The IKE version. Azure uses V(IKEv2) for a new connection when not set.
    type: str
    choices: [IKEv1, IKEv2]
  enable_bgp:
    description:
      - Whether the connection runs BGP. The gateway needs BGP enabled and the local network gateway BGP settings.
    type: bool
  use_policy_based_traffic_selectors:
    description:
      - Whether to offer policy-based traffic selectors (one per prefix pair) instead of any-to-any, for peers that
        need them.
    type: bool
  connection_mode:
    description:
      - V(ResponderOnly) makes Azure wait for the peer to start IKE, V(InitiatorOnly) makes it always start,
        V(Default) does both.
      - Azure does not initiate BGP from custom APIPA addresses, so a peer such as AWS must start the tunnel
        (AWS C(startup_action=start)); V(ResponderOnly) is what Microsoft's AWS tutorial sets.
    type: str
    choices: [Default, InitiatorOnly, ResponderOnly]
  ipsec_policies:
    description:
      - A custom IKE/IPsec policy (Azure takes at most one). V([]) removes it and Azure goes back to its default proposals.
      - Names are Azure's own (any case), for example V(AES256), V(GCMAES256), V(SHA256), V(DHGroup14), V(ECP384),
        V(PFS2048), V(None); the planner's canonical names (V(aes256), V(aes256gcm16), V(sha256), V(14)) are accepted too.
      - When not set, the policy is left as it is.
    type: list
    elements: dict
    suboptions:
      ike_encryption:
        description:
          - IKE (phase 1) encryption, for example V(AES256) or V(GCMAES256) (GCM needs V(IKEv2)).
        type: str
        required: true
      ike_integrity:
        description:
          - IKE (phase 1) integrity, for example V(SHA256).
        type: str
        required: true
      dh_group:
        description:
          - IKE (phase 1) Diffie-Hellman group, for example V(DHGroup14), V(DHGroup24), V(ECP256), V(ECP384).
        type: str
        required: true
      ipsec_encryption:
        description:
          - IPsec (phase 2) encryption, for example V(AES256) or V(GCMAES256).
        type: str
        required: true
      ipsec_integrity:
        description:
          - IPsec (phase 2) integrity, for example V(SHA256). With a GCM encryption it must name the same cipher
            (V(GCMAES256) with V(GCMAES256)).
        type: str
        required: true
      pfs_group:
        description:
          - Phase 2 perfect forward secrecy group, for example V(PFS2048), V(PFS24), V(ECP384), or V(None).
        type: str
        required: true
      sa_lifetime_seconds:
        description:
          - Phase 2 SA lifetime in seconds, 300-172799.
        type: int
        required: true
      sa_data_size_kilobytes:
        description:
          - Phase 2 SA lifetime in kilobytes (Azure's default policy uses V(102400000)).
        type: int
        required: true
  gateway_custom_bgp_ip_addresses:
    description:
      - Which custom APIPA BGP address of each gateway instance this connection uses, instance 0 first. Each must be
        one of that instance's O(multicloud.interconnect.azure_vpn_gateway#module:custom_bgp_ip_addresses).
      - For a tunnel whose AWS inside /30 is 169.254.21.0/30, instance 0 uses V(169.254.21.2).
      - V([]) removes the choice (the instances use their default BGP addresses); when not set it is left as it is.
    type: list
    elements: str
  wait:
    description:
      - Whether to wait until Azure has finished creating, changing or deleting the connection.
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait for each operation (and for a gateway that is still being provisioned).
    type: int
    default: 900
extends_documentation_fragment:
  - multicloud.interconnect.azure
  - multicloud.interconnect.azure.tags
attributes:
  check_mode:
    support: full
    description: Check mode predicts the connection, and whether the shared key would change, without any write.
  diff_mode:
    support: full
    description: Shows the connection's settings before and after; the shared key is replaced by a marker that only says whether it changes.
notes:
  - Unlike M(azure.azcollection.azure_rm_virtualnetworkgatewayconnection), a changed shared key, IKE version, IPsec
    policy or custom BGP address choice is detected and applied to an existing connection.
  - Set C(no_log) on tasks that pass shared keys in loops or templated variables you print elsewhere.
seealso:
  - module: multicloud.interconnect.azure_vpn_connection_info
  - module: multicloud.interconnect.azure_vpn_gateway
  - module: multicloud.interconnect.azure_local_network_gateway
"""

EXAMPLES = r"""
- name: BGP connection from Azure instance 0 to AWS tunnel 1, AWS starts the tunnel
  multicloud.interconnect.azure_vpn_connection:
    name: aws-00
    resource_group: multicloud
    virtual_network_gateway: hub-vpngw
    local_network_gateway: aws-00
    shared_key: "{{ tunnel.psk }}"
    enable_bgp: true
    connection_protocol: IKEv2
    connection_mode: ResponderOnly
    gateway_custom_bgp_ip_addresses: [169.254.21.2, 169.254.22.2]
  no_log: true

- name: Pin the IKE/IPsec proposal the planner negotiated
  multicloud.interconnect.azure_vpn_connection:
    name: gcp-0
    resource_group: multicloud
    virtual_network_gateway: hub-vpngw
    local_network_gateway: gcp-0
    shared_key: "{{ vault_gcp_psk }}"
    enable_bgp: true
    ipsec_policies:
      - ike_encryption: GCMAES256
        ike_integrity: SHA384
        dh_group: ECP384
        ipsec_encryption: GCMAES256
        ipsec_integrity: GCMAES256
        pfs_group: ECP384
        sa_lifetime_seconds: 10800
        sa_data_size_kilobytes: 102400000

- name: Back to Azure's default proposals
  multicloud.interconnect.azure_vpn_connection:
    name: gcp-0
    resource_group: multicloud
    ipsec_policies: []

- name: Delete the connection
  multicloud.interconnect.azure_vpn_connection:
    name: gcp-0
    resource_group: multicloud
    state: absent
"""

RETURN = r"""
connection:
  description: The connection after the change (predicted in check mode); empty after O(state=absent). Never contains the shared key.
  returned: always
  type: dict
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
      description: C(IPsec).
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
      sample: ResponderOnly
    ipsec_policies:
      description: The custom IPsec policy, with the option names of O(ipsec_policies) and Azure's spelling; empty for Azure's defaults.
      type: list
      elements: dict
      sample: [{"ike_encryption": "GCMAES256", "ike_integrity": "SHA384", "dh_group": "ECP384", "ipsec_encryption": "GCMAES256",
                "ipsec_integrity": "GCMAES256", "pfs_group": "ECP384", "sa_lifetime_seconds": 10800, "sa_data_size_kilobytes": 102400000}]
    gateway_custom_bgp_ip_addresses:
      description: The custom APIPA BGP address the connection uses on each gateway instance, instance 0 first.
      type: list
      elements: str
      sample: ["169.254.21.2", "169.254.22.2"]
    connection_status:
      description: C(Unknown), C(Connecting), C(Connected) or C(NotConnected). Azure shows C(Connected) when one instance's tunnel is up.
      type: str
      sample: Connected
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
          sample: Connected
        ingress_bytes_transferred:
          description: Bytes received over the tunnel.
          type: int
          sample: 3780
        egress_bytes_transferred:
          description: Bytes sent over the tunnel.
          type: int
          sample: 18720
        last_connection_established_utc_time:
          description: When the tunnel last came up, as Azure formats it.
          type: str
          sample: 11/22/2026 8:14:03 PM
    ingress_bytes_transferred:
      description: Bytes received over the connection.
      type: int
      sample: 3780
    egress_bytes_transferred:
      description: Bytes sent over the connection.
      type: int
      sample: 18720
    tags:
      description: The connection's tags.
      type: dict
      sample: {}
shared_key_changed:
  description: Whether the shared key was (or, in check mode, would be) replaced. V(false) when O(shared_key) is not set.
  returned: O(state=present)
  type: bool
  sample: false
"""

import copy
from typing import Any

from ansible_collections.multicloud.interconnect.plugins.module_utils import azure
from ansible_collections.multicloud.interconnect.plugins.module_utils import azure_vpn
from ansible_collections.multicloud.interconnect.plugins.module_utils.diff import build_diff, differing_fields
from ansible_collections.multicloud.interconnect.plugins.module_utils.resource import run_state_module
from ansible_collections.multicloud.interconnect.plugins.module_utils.waiters import wait_for

STATUS_FIELDS = ("connection_status", "tunnel_connection_status", "ingress_bytes_transferred", "egress_bytes_transferred")


def input_problems(params: dict) -> list[str]:
    """Everything wrong with the options, found before any API call."""
    problems = [azure.base_url_problem(params.get("base_url"))]
    problems.extend(azure_vpn.connection_problems(params))
    return [problem for problem in problems if problem]


def bgp_problems(params: dict, gateway: dict, local_gateway: dict | None) -> list[str]:
    """BGP on a connection needs it on both gateways (checked before the write Azure would refuse)."""
    if not params.get("enable_bgp"):
        return []
    problems = []
    if not gateway["enable_bgp"]:
        problems.append("enable_bgp: virtual network gateway %s has BGP disabled" % gateway["name"])
    if local_gateway is not None and local_gateway["bgp_settings"] is None:
        problems.append("enable_bgp: local network gateway %s has no bgp_settings" % local_gateway["name"])
    return problems


class ConnectionManager:
    """Brings one connection to the wanted state; no writes in check mode."""

    def __init__(self, module: Any, session: azure.AzureSession) -> None:
        self.module = module
        self.session = session
        self.params = module.params
        self.check_mode = module.check_mode
        self.changed = False
        self.shared_key_changed = False
        self.resource_group = self.params["resource_group"]
        self.name = self.params["name"]
        self.connection_id = azure.resource_id(session.subscription_id, self.resource_group, "connections", self.name)

    # ----------------------------------------------------------------------- reads

    def reference(self, option: str, resource_type: str) -> str | None:
        value = self.params.get(option)
        return azure.reference_id(value, self.session.subscription_id, self.resource_group, resource_type) if value else None

    def settle(self, read: Any, what: str) -> dict | None:
        """Read a resource; one Azure is still working on is waited for when the module waits and writes."""
        raw = read()
        if raw is not None and not azure.is_settled(raw) and self.params["wait"] and not self.check_mode:
            raw = wait_for(read, azure.is_settled, what=what, wanted="settled", timeout=self.params["wait_timeout"],
                           delay=self.session.settle_delay, describe=azure.describe_state)
        return raw

    def read(self) -> dict | None:
        return azure.get_connection(self.session, self.resource_group, self.name)

    def find(self) -> dict | None:
        return self.settle(self.read, "connection %s" % self.name)

    def missing_reference(self, option: str, resource_id: str) -> None:
        """A referenced resource that does not exist fails the module, except in check mode.

        In a check-mode run of a whole play the task that would create the gateway only predicted
        it, so the connection is predicted without the checks that need the gateway.
        """
        if not self.check_mode:
            raise ValueError("%s: %s does not exist" % (option, resource_id))
        self.module.warn("%s %s does not exist (yet); the connection is predicted without checking it" % (option, resource_id))

    def read_gateway(self, gateway_id: str) -> dict | None:
        def read() -> dict | None:
            return azure.get_virtual_network_gateway(self.session, azure.id_resource_group(gateway_id), azure.id_name(gateway_id))
        raw = self.settle(read, "virtual network gateway %s" % azure.id_name(gateway_id))
        if raw is None:
            self.missing_reference("virtual_network_gateway", gateway_id)
            return None
        return azure_vpn.normalize_gateway(raw)

    def read_local_gateway(self, local_id: str) -> dict | None:
        def read() -> dict | None:
            return azure.get_local_network_gateway(self.session, azure.id_resource_group(local_id), azure.id_name(local_id))
        raw = self.settle(read, "local network gateway %s" % azure.id_name(local_id))
        if raw is None:
            self.missing_reference("local_network_gateway", local_id)
            return None
        return azure_vpn.normalize_local_gateway(raw)

    def write(self, body: dict) -> dict:
        return azure.create_or_update_connection(self.session, self.resource_group, self.name, body,
                                                 wait=self.params["wait"], timeout=self.params["wait_timeout"])

    def predicted(self, body: dict, gateway: dict, current: dict | None) -> dict:
        predicted = dict(body, id=self.connection_id, name=self.name)
        predicted["properties"] = dict(body["properties"], provisioningState="Succeeded" if self.params["wait"] else "Updating")
        connection = self.normalized(predicted, gateway)
        if self.params.get("gateway_custom_bgp_ip_addresses") is not None:
            connection["gateway_custom_bgp_ip_addresses"] = [str(address) for address in self.params["gateway_custom_bgp_ip_addresses"]]
        for field in STATUS_FIELDS:
            connection[field] = copy.deepcopy((current or {}).get(field))
        return connection

    # ----------------------------------------------------------------------- present

    def create(self) -> dict:
        params = self.params
        gateway_id = self.reference("virtual_network_gateway", "virtualNetworkGateways")
        local_id = self.reference("local_network_gateway", "localNetworkGateways")
        missing = [option for option, value in (("virtual_network_gateway", gateway_id), ("local_network_gateway", local_id)) if not value]
        if missing:
            raise ValueError("; ".join("%s: required to create connection %s" % (option, self.name) for option in missing))
        gateway = self.read_gateway(gateway_id)
        local_gateway = self.read_local_gateway(local_id)
        if gateway is not None:
            problems = azure_vpn.connection_custom_bgp_problems(params.get("gateway_custom_bgp_ip_addresses"), gateway)
            problems.extend(bgp_problems(params, gateway, local_gateway))
            if problems:
                raise ValueError("; ".join(problems))
        else:  # check mode only: the gateway is still to be created
            gateway = {"id": gateway_id, "name": azure.id_name(gateway_id), "location": params.get("location"), "instances": []}
        skeleton = {
            "location": params.get("location") or gateway["location"],
            "tags": azure_vpn.desired_tags({}, params.get("tags"), True),
            "properties": {"virtualNetworkGateway1": {"id": gateway_id}, "localNetworkGateway2": {"id": local_id}},
        }
        body = azure_vpn.render_connection(skeleton, params, gateway)
        self.changed = True
        self.shared_key_changed = params.get("shared_key") is not None
        after = self.predicted(body, gateway, None) if self.check_mode else self.normalized(self.write(body), gateway)
        return self.result({}, after, None)

    def normalized(self, raw: dict, gateway: dict) -> dict:
        return azure_vpn.normalize_connection(raw, [instance["ip_configuration_id"] for instance in gateway["instances"]])

    def update(self, raw: dict) -> dict:
        params = self.params
        gateway_id = raw["properties"]["virtualNetworkGateway1"]["id"]
        gateway = self.read_gateway(gateway_id)
        if gateway is None:  # check mode and a connection whose gateway is gone: Azure would refuse any write
            raise ValueError("virtual_network_gateway: %s of connection %s does not exist" % (gateway_id, self.name))
        current = self.normalized(raw, gateway)
        wanted_references = {
            "virtual_network_gateway": self.reference("virtual_network_gateway", "virtualNetworkGateways"),
            "local_network_gateway": self.reference("local_network_gateway", "localNetworkGateways"),
        }
        problems = [azure_vpn.location_problem(current, params.get("location"))]
        problems.extend(azure_vpn.immutable_reference_problems(current, wanted_references))
        problems.extend(azure_vpn.connection_custom_bgp_problems(params.get("gateway_custom_bgp_ip_addresses"), gateway))
        if params.get("enable_bgp") and not current["enable_bgp"]:
            problems.extend(bgp_problems(params, gateway, self.read_local_gateway(current["local_network_gateway_id"])))
        problems = [problem for problem in problems if problem]
        if problems:
            raise ValueError("; ".join(problems))

        changes = differing_fields(azure_vpn.connection_settings(current), azure_vpn.desired_connection_settings(params))
        current_key = azure.get_shared_key(self.session, self.resource_group, self.name) if params.get("shared_key") is not None else None
        self.shared_key_changed = params.get("shared_key") is not None and current_key != params["shared_key"]
        tags = azure_vpn.desired_tags(current["tags"], params.get("tags"), params["purge_tags"])
        rewrite = bool(changes) or current["provisioning_state"] == "Failed"
        if not (rewrite or self.shared_key_changed or tags != current["tags"]):
            return self.result(current, current, current_key)
        self.changed = True
        # The key goes into the PUT only when it changes; a key-only change uses the sharedkey API.
        write_params = dict(params, shared_key=params["shared_key"] if self.shared_key_changed else None)
        body = azure_vpn.render_connection(raw, write_params, gateway)
        body["tags"] = tags
        if self.check_mode:
            return self.result(current, self.predicted(body, gateway, current), current_key)
        if rewrite:
            written = self.write(body)
        else:
            if self.shared_key_changed:
                azure.set_shared_key(self.session, self.resource_group, self.name, params["shared_key"],
                                     wait=params["wait"], timeout=params["wait_timeout"])
            if tags != current["tags"]:
                azure.update_connection_tags(self.session, self.resource_group, self.name, tags, timeout=params["wait_timeout"])
            written = self.read() or raw
        return self.result(current, self.normalized(written, gateway), current_key)

    def ensure_present(self, raw: dict | None) -> dict:
        return self.create() if raw is None else self.update(raw)

    # ----------------------------------------------------------------------- absent

    def ensure_absent(self, raw: dict | None) -> dict:
        if raw is None or azure.provisioning_state(raw) == "Deleting":
            return self.result({}, {}, None)
        self.changed = True
        if not self.check_mode:
            azure.delete_connection(self.session, self.resource_group, self.name, wait=self.params["wait"], timeout=self.params["wait_timeout"])
        return self.result(azure_vpn.normalize_connection(raw), {}, None)

    def result(self, before: dict, after: dict, current_key: str | None) -> dict:
        result: dict[str, Any] = {"changed": self.changed, "connection": after}
        if self.params["state"] == "present":
            result["shared_key_changed"] = self.shared_key_changed
        if self.module._diff:
            wanted_key = self.params.get("shared_key") if self.params["state"] == "present" else None
            result["diff"] = build_diff(azure_vpn.connection_diff_state(before, current_key) if before else {},
                                        azure_vpn.connection_diff_state(after, wanted_key or current_key) if after else {})
        return result


def main() -> None:
    argument_spec = dict(
        state=dict(type="str", default="present", choices=["present", "absent"]),
        name=dict(type="str", required=True),
        resource_group=dict(type="str", required=True),
        location=dict(type="str"),
        virtual_network_gateway=dict(type="str"),
        local_network_gateway=dict(type="str"),
        shared_key=dict(type="str", no_log=True),
        connection_protocol=dict(type="str", choices=list(azure_vpn.CONNECTION_PROTOCOLS)),
        enable_bgp=dict(type="bool"),
        use_policy_based_traffic_selectors=dict(type="bool"),
        connection_mode=dict(type="str", choices=list(azure_vpn.CONNECTION_MODES)),
        ipsec_policies=dict(type="list", elements="dict", options=dict(
            ike_encryption=dict(type="str", required=True),
            ike_integrity=dict(type="str", required=True),
            dh_group=dict(type="str", required=True),
            ipsec_encryption=dict(type="str", required=True),
            ipsec_integrity=dict(type="str", required=True),
            pfs_group=dict(type="str", required=True),
            sa_lifetime_seconds=dict(type="int", required=True),
            sa_data_size_kilobytes=dict(type="int", required=True),
        )),
        gateway_custom_bgp_ip_addresses=dict(type="list", elements="str"),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=900),
        **azure.TAGS_ARGUMENT_SPEC,
    )
    module = azure.azure_module(argument_spec, supports_check_mode=True)
    run_state_module(module, lambda: ConnectionManager(module, azure.network_session(module)), input_problems)


if __name__ == "__main__":
    main()
