#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: aws_vpn_connection
short_description: Manage an AWS Site-to-Site VPN connection with full per-tunnel IKE/IPsec options
version_added: 0.1.0
description:
  - Creates, updates or deletes an AWS Site-to-Site VPN connection between a customer gateway and a virtual
    private gateway (VGW) or a transit gateway (TGW).
  - Sets every tunnel option (inside CIDR, pre-shared key, phase 1 and 2 algorithms, DH groups, IKE versions,
    lifetimes, rekey, replay window, dead peer detection, startup action) when the connection is created and
    B(reconciles them later) with C(ModifyVpnTunnelOptions), one tunnel at a time, so a changed option in the
    play is applied to an existing connection.
  - Manages the connection's static routes and returns per tunnel the outside IP address, inside CIDR and
    status (C(UP)/C(DOWN), message, accepted route count).
  - Validates its input before any API call (inside CIDRs, pre-shared keys, algorithm names, lifetimes) and
    fails once, naming every wrong field.
  - The connection never returns pre-shared keys. When AWS generated them, read them with
    M(multicloud.interconnect.aws_vpn_connection_info) and O(multicloud.interconnect.aws_vpn_connection_info#module:include_secrets=true).
author:
  - multicloud.interconnect contributors (@multicloud-interconnect)
options:
  state:
    description:
      - V(present) creates or updates the connection; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  vpn_connection_id:
    description:
      - ID of an existing connection to manage.
      - When not set, the connection is found by O(customer_gateway_id), O(vpn_gateway_id) or O(transit_gateway_id)
        and, when set, its C(Name) tag O(name), among connections that are not being deleted.
    type: str
  name:
    description:
      - Value of the C(Name) tag; narrows the lookup when one customer gateway has several connections to one gateway.
    type: str
  customer_gateway_id:
    description:
      - The customer gateway (the peer's public IP and ASN). Required when O(vpn_connection_id) is not set.
      - AWS cannot change it; a different value for an existing connection makes the module fail.
    type: str
  vpn_gateway_id:
    description:
      - The virtual private gateway the connection ends on. Mutually exclusive with O(transit_gateway_id).
      - One of O(vpn_gateway_id) and O(transit_gateway_id) is required when O(vpn_connection_id) is not set.
    type: str
  transit_gateway_id:
    description:
      - The transit gateway the connection ends on. Mutually exclusive with O(vpn_gateway_id).
      - Static routes of a TGW connection live in the TGW route table, so O(routes) cannot be used with it.
    type: str
  static_routes_only:
    description:
      - V(true) for static routing (no BGP), V(false) for BGP.
      - Only used at creation (AWS uses V(false) when it is not set); a different value for an existing
        connection makes the module fail, because AWS cannot change it.
    type: bool
  routes:
    description:
      - Static routes (IPv4 CIDRs of the peer network) AWS sends over the VPN. Needs O(static_routes_only=true).
      - When not set, routes are left as they are.
    type: list
    elements: str
  purge_routes:
    description:
      - Whether to delete static routes that are not in O(routes).
    type: bool
    default: true
  local_ipv4_network_cidr:
    description:
      - The IPv4 CIDR on the customer gateway side allowed through the tunnels (traffic selector).
        AWS uses V(0.0.0.0/0) when not set. Changed later with C(ModifyVpnConnectionOptions).
    type: str
  remote_ipv4_network_cidr:
    description:
      - The IPv4 CIDR on the AWS side allowed through the tunnels (traffic selector).
        AWS uses V(0.0.0.0/0) when not set. Changed later with C(ModifyVpnConnectionOptions).
    type: str
  tunnel_options:
    description:
      - Options of the two tunnels; the first entry is tunnel 1, the second tunnel 2. At most two entries.
      - Existing tunnels are matched by O(tunnel_options[].tunnel_inside_cidr) when it is set, else by position.
      - Options not set in an entry are left as AWS has them. Give both entries to avoid AWS defaults on tunnel 2.
      - Algorithm names are AWS's own (V(AES256), V(SHA2-256), V(AES256-GCM-16), V(ikev2)), in any case;
        the planner's canonical names (V(aes256), V(sha256), V(aes256gcm16)) are accepted too.
      - Changing an option of an existing connection replaces that tunnel's endpoint (a short outage);
        the module changes one tunnel and waits for the connection to be available before the next.
    type: list
    elements: dict
    suboptions:
      tunnel_inside_cidr:
        description:
          - A /30 from 169.254.0.0/16 for the tunnel's inside addresses (AWS takes the first usable address,
            the peer the second). The two tunnels need different CIDRs.
          - AWS rejects 169.254.0.0/30 to 169.254.5.0/30 and 169.254.169.252/30.
        type: str
      pre_shared_key:
        description:
          - The tunnel's pre-shared key, 8 to 64 letters, digits, V(.) or V(_), not starting with V(0).
          - AWS generates one when it is not set. Never shown in output or diffs.
          - When AWS does not report the key (stored in AWS Secrets Manager), it is only used at creation.
        type: str
      phase1_encryption_algorithms:
        description:
          - Allowed IKE (phase 1) encryption algorithms.
          - AWS accepts V(AES128), V(AES256), V(AES128-GCM-16), V(AES256-GCM-16).
        type: list
        elements: str
      phase2_encryption_algorithms:
        description:
          - Allowed IPsec (phase 2) encryption algorithms; same names as O(tunnel_options[].phase1_encryption_algorithms).
        type: list
        elements: str
      phase1_integrity_algorithms:
        description:
          - Allowed IKE (phase 1) integrity algorithms.
          - AWS accepts V(SHA1), V(SHA2-256), V(SHA2-384), V(SHA2-512).
        type: list
        elements: str
      phase2_integrity_algorithms:
        description:
          - Allowed IPsec (phase 2) integrity algorithms; same names as O(tunnel_options[].phase1_integrity_algorithms).
        type: list
        elements: str
      phase1_dh_group_numbers:
        description:
          - Allowed Diffie-Hellman groups for phase 1. AWS accepts 2 and 14-24.
        type: list
        elements: int
      phase2_dh_group_numbers:
        description:
          - Allowed Diffie-Hellman (PFS) groups for phase 2. AWS accepts 2, 5 and 14-24.
        type: list
        elements: int
      ike_versions:
        description:
          - Allowed IKE versions, V(ikev1) and/or V(ikev2).
        type: list
        elements: str
      phase1_lifetime_seconds:
        description:
          - Phase 1 (IKE SA) lifetime, 900-28800 seconds.
        type: int
      phase2_lifetime_seconds:
        description:
          - Phase 2 (IPsec SA) lifetime, 900-3600 seconds and less than the phase 1 lifetime.
        type: int
      rekey_margin_time_seconds:
        description:
          - Seconds before a lifetime ends at which AWS rekeys; at least 60 and at most half the phase 2 lifetime.
        type: int
      rekey_fuzz_percentage:
        description:
          - Percentage (0-100) by which the rekey time is randomly increased.
        type: int
      replay_window_size:
        description:
          - Number of packets in the IKE replay window, 64-2048.
        type: int
      dpd_timeout_seconds:
        description:
          - Seconds without dead peer detection answers after which the peer is considered dead; at least 30.
        type: int
      dpd_timeout_action:
        description:
          - What AWS does when dead peer detection fires.
          - V(clear) ends the IKE session, V(none) does nothing, V(restart) restarts the IKE session.
        type: str
        choices: [clear, none, restart]
      startup_action:
        description:
          - V(add) waits for the peer to start IKE; V(start) makes AWS start it.
          - Use V(start) when the peer only responds (for example Azure with custom APIPA BGP addresses).
        type: str
        choices: [add, start]
      enable_tunnel_lifecycle_control:
        description:
          - Whether tunnel endpoint replacements for AWS maintenance wait for you to apply them.
        type: bool
  wait:
    description:
      - Whether to wait for the connection to be available after a create or change, and gone after a delete.
      - Between changes of the two tunnels the module always waits.
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait for each state change. A new AWS VPN connection can take several minutes.
    type: int
    default: 1800
  wait_for_tunnels:
    description:
      - After the connection is available, wait until V(any) or V(all) tunnels report C(UP), within O(wait_timeout).
      - V(none) does not wait for tunnels (the peer side usually does not exist yet).
    type: str
    choices: [none, any, all]
    default: none
extends_documentation_fragment:
  - multicloud.interconnect.aws
  - multicloud.interconnect.aws.tags
attributes:
  check_mode:
    support: full
    description: Check mode predicts the result, including which tunnel options would change, without any mutating API call.
  diff_mode:
    support: full
    description: Shows the connection before and after; pre-shared keys are replaced by a marker that only says whether they change.
notes:
  - Unlike M(amazon.aws.ec2_vpc_vpn), tunnel options given for an existing connection are compared and applied
    (see ansible/ansible#67094), and unset tunnel options are never sent to AWS (see amazon.aws#2546).
  - Keys given in O(tunnel_options[].pre_shared_key) are hidden by Ansible; still set C(no_log=true) on tasks that loop
    over keys or template them from variables you print elsewhere.
seealso:
  - module: multicloud.interconnect.aws_vpn_connection_info
  - module: multicloud.interconnect.aws_customer_gateway
  - module: multicloud.interconnect.aws_vpn_gateway
"""

EXAMPLES = r"""
- name: Static VPN from a VGW to an Alibaba Cloud VPN gateway, with planned inside CIDRs and keys
  multicloud.interconnect.aws_vpn_connection:
    name: aws-to-alibaba
    customer_gateway_id: "{{ cgw.customer_gateway.customer_gateway_id }}"
    vpn_gateway_id: "{{ vgw.vpn_gateway.vpn_gateway_id }}"
    static_routes_only: true
    routes:
      - 192.168.0.0/16
    tunnel_options:
      - tunnel_inside_cidr: 169.254.10.0/30
        pre_shared_key: "{{ plan.tunnels[0].psk }}"
        ike_versions: [ikev1]
        phase1_encryption_algorithms: [AES128]
        phase1_integrity_algorithms: [SHA1]
        phase1_dh_group_numbers: [2]
        phase2_encryption_algorithms: [AES128]
        phase2_integrity_algorithms: [SHA1]
        phase2_dh_group_numbers: [2]
        startup_action: start
      - tunnel_inside_cidr: 169.254.10.4/30
        pre_shared_key: "{{ plan.tunnels[1].psk }}"
        ike_versions: [ikev1]
        startup_action: start
  register: vpn

- name: The outside IPs the peer connects to
  ansible.builtin.debug:
    msg: "{{ vpn.vpn_connection.tunnels | map(attribute='outside_ip_address') }}"

- name: Later, move both tunnels to IKEv2 with AES-256-GCM (applied one tunnel at a time)
  multicloud.interconnect.aws_vpn_connection:
    name: aws-to-alibaba
    customer_gateway_id: "{{ cgw.customer_gateway.customer_gateway_id }}"
    vpn_gateway_id: "{{ vgw.vpn_gateway.vpn_gateway_id }}"
    tunnel_options:
      - tunnel_inside_cidr: 169.254.10.0/30
        ike_versions: [ikev2]
        phase1_encryption_algorithms: [AES256-GCM-16]
        phase2_encryption_algorithms: [AES256-GCM-16]
      - tunnel_inside_cidr: 169.254.10.4/30
        ike_versions: [ikev2]
        phase1_encryption_algorithms: [AES256-GCM-16]
        phase2_encryption_algorithms: [AES256-GCM-16]

- name: A BGP VPN on a transit gateway that waits until a tunnel is up
  multicloud.interconnect.aws_vpn_connection:
    name: tgw-to-onprem
    customer_gateway_id: cgw-0a9b8c7d6e5f40312
    transit_gateway_id: tgw-04d3c2b1a09f8e7d6
    static_routes_only: false
    wait_for_tunnels: any
    wait_timeout: 900

- name: Delete the connection
  multicloud.interconnect.aws_vpn_connection:
    vpn_connection_id: vpn-0123456789abcdef0
    state: absent
"""

RETURN = r"""
vpn_connection:
  description: The connection after the change (predicted in check mode); empty after O(state=absent). Never contains pre-shared keys.
  returned: always
  type: dict
  contains:
    vpn_connection_id:
      description: The connection ID; V(null) in check mode when it would be created.
      type: str
      sample: vpn-0123456789abcdef0
    state:
      description: C(pending), C(available), C(deleting) or C(deleted).
      type: str
      sample: available
    type:
      description: The VPN type.
      type: str
      sample: ipsec.1
    category:
      description: C(VPN) for current connections.
      type: str
      sample: VPN
    customer_gateway_id:
      description: The customer gateway.
      type: str
      sample: cgw-0a9b8c7d6e5f40312
    vpn_gateway_id:
      description: The virtual private gateway, if the connection ends on one.
      type: str
      sample: vgw-0f1e2d3c4b5a69788
    transit_gateway_id:
      description: The transit gateway, if the connection ends on one.
      type: str
      sample: null
    static_routes_only:
      description: Whether the connection uses static routes instead of BGP.
      type: bool
      sample: true
    local_ipv4_network_cidr:
      description: Traffic selector on the customer side.
      type: str
      sample: 0.0.0.0/0
    remote_ipv4_network_cidr:
      description: Traffic selector on the AWS side.
      type: str
      sample: 0.0.0.0/0
    routes:
      description: Static routes of the connection (not those being deleted).
      type: list
      elements: str
      sample: [192.168.0.0/16]
    tunnels:
      description: The two tunnels, tunnel 1 first.
      type: list
      elements: dict
      contains:
        outside_ip_address:
          description: The AWS public IP of the tunnel; the peer's remote gateway address.
          type: str
          sample: 203.0.113.10
        tunnel_inside_cidr:
          description: The tunnel's inside /30 (AWS uses the first usable address, the peer the second).
          type: str
          sample: 169.254.10.0/30
        status:
          description: C(UP) or C(DOWN), from the VGW telemetry.
          type: str
          sample: DOWN
        status_message:
          description: AWS's explanation of the status.
          type: str
          sample: ""
        accepted_route_count:
          description: Routes AWS accepted over this tunnel (BGP).
          type: int
          sample: 0
        last_status_change:
          description: When the status last changed (ISO 8601).
          type: str
          sample: "2026-11-22T20:14:03+00:00"
        options:
          description: The tunnel's options with the same names as O(tunnel_options), without the pre-shared key.
          type: dict
          sample:
            ike_versions: [ikev1, ikev2]
            phase1_encryption_algorithms: [AES128, AES256]
            phase1_dh_group_numbers: [2, 14]
            dpd_timeout_seconds: 30
            dpd_timeout_action: clear
            startup_action: add
    tags:
      description: The connection's tags.
      type: dict
      sample: {"Name": "aws-to-alibaba"}
changed_tunnels:
  description: Outside IPs of the tunnels whose options were (or, in check mode, would be) modified, with the option names.
  returned: O(state=present)
  type: list
  elements: dict
  sample: [{"outside_ip_address": "203.0.113.10", "options": ["ike_versions", "phase1_encryption_algorithms"]}]
"""

import copy
from typing import Any

from ansible_collections.multicloud.interconnect.plugins.module_utils import aws
from ansible_collections.multicloud.interconnect.plugins.module_utils import aws_vpn
from ansible_collections.multicloud.interconnect.plugins.module_utils import cloud_facts
from ansible_collections.multicloud.interconnect.plugins.module_utils.diff import build_diff
from ansible_collections.multicloud.interconnect.plugins.module_utils.errors import CloudError
from ansible_collections.multicloud.interconnect.plugins.module_utils.resource import run_state_module
from ansible_collections.multicloud.interconnect.plugins.module_utils.waiters import wait_for


def input_problems(params: dict) -> list[str]:
    """Everything wrong with the options, found before any API call."""
    problems = aws_vpn.validate_tunnel_options(params.get("tunnel_options"))
    for option in ("local_ipv4_network_cidr", "remote_ipv4_network_cidr"):
        problem = aws_vpn.validate_ipv4_cidr(option, params.get(option))
        if problem:
            problems.append(problem)
    for index, route in enumerate(params.get("routes") or []):
        problem = aws_vpn.validate_ipv4_cidr("routes[%d]" % index, route)
        if problem:
            problems.append(problem)
    if params.get("routes"):
        if params.get("transit_gateway_id"):
            problems.append("routes: static routes of a transit gateway connection belong in the TGW route table")
        elif params.get("static_routes_only") is not True:
            problems.append("routes: static routes need static_routes_only=true")
    if not params.get("vpn_connection_id"):
        # Without an ID the connection is found (or created) by its customer gateway and gateway.
        if not params.get("customer_gateway_id"):
            problems.append("customer_gateway_id: required when vpn_connection_id is not set")
        if not (params.get("vpn_gateway_id") or params.get("transit_gateway_id")):
            problems.append("vpn_gateway_id: vpn_gateway_id or transit_gateway_id is required when vpn_connection_id is not set")
    return problems


def find_vpn_connection(client: Any, params: dict) -> dict | None:
    if params.get("vpn_connection_id"):
        found = aws.get_vpn_connection(client, params["vpn_connection_id"])
        return found if found and found.get("State") in aws.LIVE_STATES else None
    filters = [{"Name": "customer-gateway-id", "Values": [params["customer_gateway_id"]]}, {"Name": "state", "Values": aws.LIVE_STATES}]
    if params.get("vpn_gateway_id"):
        filters.append({"Name": "vpn-gateway-id", "Values": [params["vpn_gateway_id"]]})
    else:
        filters.append({"Name": "transit-gateway-id", "Values": [params["transit_gateway_id"]]})
    if params.get("name") is not None:
        filters.append({"Name": "tag:Name", "Values": [params["name"]]})
    # State and name are checked here too: not every EC2 implementation applies every filter.
    matches = [item for item in aws.describe_vpn_connections(client, filters=filters) if item.get("State") in aws.LIVE_STATES
               and params.get("name") in (None, aws.tags_to_dict(item.get("Tags")).get("Name"))]
    if len(matches) > 1:
        ids = ", ".join(item["VpnConnectionId"] for item in matches)
        raise CloudError("several VPN connections match (%s); set vpn_connection_id or a distinct name" % ids,
                         cloud="aws", operation="find vpn connection")
    return matches[0] if matches else None


def immutable_problems(raw: dict, params: dict) -> list[str]:
    """Options AWS cannot change on an existing connection."""
    problems = []
    have = aws_vpn.normalize_vpn_connection(raw)
    for option in ("customer_gateway_id", "vpn_gateway_id", "transit_gateway_id", "static_routes_only"):
        wanted = params.get(option)
        if wanted is not None and have.get(option) != wanted:
            problems.append("%s: %s has %s %s and AWS cannot change it in place; delete the connection to use %s"
                            % (option, have["vpn_connection_id"], option, have.get(option), wanted))
    return problems


def diff_state(raw: dict) -> dict:
    """The connection with its keys (redacted by build_diff) but without the device configuration text."""
    state = aws_vpn.normalize_vpn_connection(raw, include_secrets=True)
    state.pop("customer_gateway_configuration", None)
    return state


def strip_secrets(state: dict) -> dict:
    public = copy.deepcopy(state)
    for tunnel in public.get("tunnels") or []:
        tunnel.pop("pre_shared_key", None)
    return public


def predicted_new_connection(params: dict) -> dict:
    """What a create would produce, for check mode (AWS fills outside IPs and unset options)."""
    tags = aws.desired_tags(params["tags"], params["name"]) or {}
    tunnels = []
    for options in params.get("tunnel_options") or []:
        settings = aws_vpn.desired_tunnel(options)
        tunnels.append({
            "outside_ip_address": None, "tunnel_inside_cidr": settings.pop("tunnel_inside_cidr", None), "status": None,
            "status_message": None, "accepted_route_count": None, "last_status_change": None,
            "pre_shared_key": settings.pop("pre_shared_key", None), "options": settings,
        })
    return {
        "vpn_connection_id": None, "state": "available", "type": "ipsec.1", "category": "VPN",
        "customer_gateway_id": params["customer_gateway_id"], "vpn_gateway_id": params.get("vpn_gateway_id"),
        "transit_gateway_id": params.get("transit_gateway_id"), "static_routes_only": bool(params.get("static_routes_only")),
        "local_ipv4_network_cidr": params.get("local_ipv4_network_cidr"), "remote_ipv4_network_cidr": params.get("remote_ipv4_network_cidr"),
        "routes": sorted(params.get("routes") or []), "tunnels": tunnels, "tags": tags,
    }


class ConnectionManager:
    """Brings one VPN connection to the wanted state; mutating calls are skipped in check mode."""

    def __init__(self, module: Any, client: Any) -> None:
        self.module = module
        self.client = client
        self.params = module.params
        self.check_mode = module.check_mode
        self.changed = False
        self.changed_tunnels: list[dict] = []

    def find(self) -> dict | None:
        return find_vpn_connection(self.client, self.params)

    def read(self, connection_id: str) -> dict | None:
        return aws.get_vpn_connection(self.client, connection_id)

    def wait_available(self, connection_id: str, always: bool = False) -> dict | None:
        if not (self.params["wait"] or always):
            return None
        return wait_for(lambda: self.read(connection_id), aws.vpn_connection_is_available, what="VPN connection %s" % connection_id,
                        wanted="available", timeout=self.params["wait_timeout"], describe=aws.describe_state,
                        is_failed=aws.vpn_connection_failure)

    def wait_tunnels(self, connection_id: str) -> None:
        mode = self.params["wait_for_tunnels"]
        if mode == "none" or self.check_mode:
            return
        wait_for(lambda: self.read(connection_id), aws.tunnels_are_up(mode), what="tunnels of %s" % connection_id,
                 wanted="UP (%s)" % mode, timeout=self.params["wait_timeout"], describe=aws.describe_tunnel_status,
                 is_failed=aws.vpn_connection_failure, delay=5.0)

    def create(self) -> dict:
        self.changed = True
        request: dict[str, Any] = {"Type": "ipsec.1", "CustomerGatewayId": self.params["customer_gateway_id"]}
        if self.params.get("vpn_gateway_id"):
            request["VpnGatewayId"] = self.params["vpn_gateway_id"]
        else:
            request["TransitGatewayId"] = self.params["transit_gateway_id"]
        options = aws_vpn.connection_options_request(self.params)
        if options:
            request["Options"] = options
        tags = aws.desired_tags(self.params["tags"], self.params["name"])
        if tags:
            request["TagSpecifications"] = aws.tag_specifications("vpn-connection", tags)
        created = aws.create_vpn_connection(self.client, **request)
        connection_id = created["VpnConnectionId"]
        raw = self.wait_available(connection_id) or created
        for route in sorted(self.params.get("routes") or []):
            aws.create_vpn_connection_route(self.client, connection_id, route)
        self.wait_tunnels(connection_id)
        return self.read(connection_id) or raw

    def ensure_present(self, raw: dict | None) -> dict:
        if raw is None:
            if self.check_mode:
                self.changed = True
                after = predicted_new_connection(self.params)
                return self.result({}, after)
            created = self.create()
            return self.result({}, diff_state(created))
        problems = immutable_problems(raw, self.params)
        if problems:
            raise ValueError("; ".join(problems))
        before = diff_state(raw)
        after = copy.deepcopy(before)
        connection_id = raw["VpnConnectionId"]

        wanted_tags = aws.desired_tags(self.params["tags"], self.params["name"])
        tags_changed, after["tags"] = aws.reconcile_tags(self.client, connection_id, before["tags"], wanted_tags,
                                                         self.params["purge_tags"], self.check_mode)
        self.changed = self.changed or tags_changed

        option_changes = aws_vpn.connection_option_changes(raw, self.params)
        if option_changes:
            self.changed = True
            after["local_ipv4_network_cidr"] = option_changes.get("LocalIpv4NetworkCidr", after["local_ipv4_network_cidr"])
            after["remote_ipv4_network_cidr"] = option_changes.get("RemoteIpv4NetworkCidr", after["remote_ipv4_network_cidr"])
            if not self.check_mode:
                aws.modify_vpn_connection_options(self.client, connection_id, **option_changes)
                self.wait_available(connection_id, always=True)

        tunnel_changes = aws_vpn.tunnel_changes(raw, self.params.get("tunnel_options"))
        if tunnel_changes:
            self.changed = True
            after = aws_vpn.apply_tunnel_changes(after, tunnel_changes)
            self.changed_tunnels = [{"outside_ip_address": ip, "options": sorted(changes)} for ip, changes in tunnel_changes]
            if not self.check_mode:
                for outside_ip, changes in tunnel_changes:
                    # One tunnel at a time: each change replaces that tunnel's endpoint, the other keeps traffic flowing.
                    aws.modify_vpn_tunnel_options(self.client, connection_id, outside_ip, aws_vpn.tunnel_request(changes))
                    self.wait_available(connection_id, always=True)

        to_add, to_delete = aws_vpn.route_changes(before["routes"], self.params.get("routes"), self.params["purge_routes"])
        if to_add or to_delete:
            self.changed = True
            after["routes"] = sorted((set(before["routes"]) | set(to_add)) - set(to_delete))
            if not self.check_mode:
                for route in to_add:
                    aws.create_vpn_connection_route(self.client, connection_id, route)
                for route in to_delete:
                    aws.delete_vpn_connection_route(self.client, connection_id, route)

        if not self.check_mode:
            if self.changed:
                self.wait_available(connection_id)
            self.wait_tunnels(connection_id)
            if self.changed:
                after = diff_state(self.read(connection_id) or raw)
        return self.result(before, after)

    def ensure_absent(self, raw: dict | None) -> dict:
        if raw is None:
            return self.result({}, {})
        before = diff_state(raw)
        self.changed = True
        if not self.check_mode:
            self.changed = aws.delete_vpn_connection(self.client, raw["VpnConnectionId"])
            if self.params["wait"]:
                wait_for(lambda: self.read(raw["VpnConnectionId"]), aws.resource_is_gone, what="VPN connection %s" % raw["VpnConnectionId"],
                         wanted="deleted", timeout=self.params["wait_timeout"], describe=aws.describe_state)
        return self.result(before, {})

    def result(self, before: dict, after: dict) -> dict:
        result: dict[str, Any] = {"changed": self.changed, "vpn_connection": strip_secrets(after)}
        if self.params["state"] == "present":
            result["changed_tunnels"] = self.changed_tunnels
        if self.module._diff:
            result["diff"] = build_diff(before, after)
        return result


def tunnel_option_spec() -> dict:
    return dict(
        tunnel_inside_cidr=dict(type="str"),
        pre_shared_key=dict(type="str", no_log=True),
        phase1_encryption_algorithms=dict(type="list", elements="str"),
        phase2_encryption_algorithms=dict(type="list", elements="str"),
        phase1_integrity_algorithms=dict(type="list", elements="str"),
        phase2_integrity_algorithms=dict(type="list", elements="str"),
        phase1_dh_group_numbers=dict(type="list", elements="int"),
        phase2_dh_group_numbers=dict(type="list", elements="int"),
        ike_versions=dict(type="list", elements="str"),
        phase1_lifetime_seconds=dict(type="int"),
        phase2_lifetime_seconds=dict(type="int"),
        rekey_margin_time_seconds=dict(type="int", no_log=False),
        rekey_fuzz_percentage=dict(type="int", no_log=False),
        replay_window_size=dict(type="int"),
        dpd_timeout_seconds=dict(type="int"),
        dpd_timeout_action=dict(type="str", choices=list(cloud_facts.AWS_TUNNEL_OPTION_CHOICES["DpdTimeoutAction"])),
        startup_action=dict(type="str", choices=list(cloud_facts.AWS_TUNNEL_OPTION_CHOICES["StartupAction"])),
        enable_tunnel_lifecycle_control=dict(type="bool"),
    )


def main() -> None:
    argument_spec = dict(
        state=dict(type="str", default="present", choices=["present", "absent"]),
        vpn_connection_id=dict(type="str"),
        name=dict(type="str"),
        customer_gateway_id=dict(type="str"),
        vpn_gateway_id=dict(type="str"),
        transit_gateway_id=dict(type="str"),
        static_routes_only=dict(type="bool"),
        routes=dict(type="list", elements="str"),
        purge_routes=dict(type="bool", default=True),
        local_ipv4_network_cidr=dict(type="str"),
        remote_ipv4_network_cidr=dict(type="str"),
        tunnel_options=dict(type="list", elements="dict", options=tunnel_option_spec()),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=1800),
        wait_for_tunnels=dict(type="str", default="none", choices=["none", "any", "all"]),
        **aws.TAGS_ARGUMENT_SPEC,
    )
    module = aws.aws_module(
        argument_spec,
        mutually_exclusive=[["vpn_gateway_id", "transit_gateway_id"]],
        required_one_of=[["vpn_connection_id", "customer_gateway_id"]],
        supports_check_mode=True,
    )
    run_state_module(module, lambda: ConnectionManager(module, aws.ec2_client(module)), input_problems, id_option="vpn_connection_id")


if __name__ == "__main__":
    main()
