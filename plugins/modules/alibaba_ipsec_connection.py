#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: alibaba_ipsec_connection
short_description: Manage an Alibaba Cloud IPsec-VPN connection (single- or dual-tunnel)
version_added: 0.1.0
description:
  - Creates, updates or deletes an IPsec-VPN connection between an Alibaba Cloud VPN gateway and one customer
    gateway (single-tunnel) or two (dual-tunnel, O(tunnel_options)), and reports its negotiation status.
  - The connection is identified by O(vpn_connection_id), else by O(name) on O(vpn_gateway_id).
  - B(Single-tunnel) connections take O(customer_gateway_id), O(ike_config), O(ipsec_config), O(enable_dpd) and
    O(enable_nat_traversal). B(Dual-tunnel) connections take one O(tunnel_options) entry per tunnel instead. Some
    regions only accept dual-tunnel connections (and, since late 2024, new connections are dual-tunnel by
    default in the console); their VPN gateways need a disaster-recovery vSwitch.
  - Differences in the subnets, the name, the IKE/IPsec settings, DPD and NAT traversal are applied in place with
    C(ModifyVpnConnectionAttribute). Only the options given are compared; a setting not given is never changed.
    A changed O(ike_config) is sent whole, current values merged with the ones given.
  - The gateway or customer gateway of a connection, and its single/dual-tunnel mode, cannot change; the module
    fails instead of deleting and recreating the connection.
  - Alibaba applies the changes of a VPN gateway one at a time. The module waits for the gateway to be
    C(active) before each change and, with O(wait=true), until the change is applied.
  - Input is checked before any API call, with every problem reported at once; the algorithm names and
    lifetimes come from the collection's cloud facts. Pre-shared keys must suit Alibaba (and O(peer_cloud)
    when given, for example AWS when the key comes from an AWS VPN connection).
  - Pre-shared keys are never returned and C(--diff) shows only whether one changes.
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
    type: str
  name:
    description:
      - The connection's name; with O(vpn_gateway_id) it identifies the connection.
    type: str
  vpn_gateway_id:
    description:
      - The Alibaba VPN gateway. Required to create a connection or to find it by O(name).
    type: str
  customer_gateway_id:
    description:
      - The customer gateway of a single-tunnel connection.
    type: str
  local_subnet:
    description:
      - The Alibaba-side CIDR blocks, for example the VPC's. Required to create a connection.
      - V([0.0.0.0/0]) on both sides selects destination-based routing (routes decide what enters the tunnel,
        see M(multicloud.interconnect.alibaba_vpn_route_entry)); specific blocks select protected data flows.
        V(0.0.0.0/0) cannot be mixed with specific blocks.
      - Compared as a set (order does not matter).
    type: list
    elements: str
  remote_subnet:
    description:
      - The peer-side CIDR blocks, for example the AWS VPC's. Required to create a connection. Same rules as
        O(local_subnet).
    type: list
    elements: str
  effect_immediately:
    description:
      - V(true) starts negotiating as soon as the connection is configured; V(false) waits for traffic.
    type: bool
  enable_dpd:
    description:
      - Dead peer detection (single-tunnel connections).
    type: bool
  enable_nat_traversal:
    description:
      - NAT traversal (single-tunnel connections).
    type: bool
  ike_config:
    description:
      - IKE (phase 1) settings of a single-tunnel connection. Options not given keep their current value (or
        Alibaba's default at creation).
    type: dict
    suboptions:
      ike_version:
        description: The IKE version.
        type: str
        choices: [ikev1, ikev2]
      ike_mode:
        description: The IKEv1 negotiation mode.
        type: str
        choices: [main, aggressive]
      ike_enc_alg:
        description:
          - Phase 1 encryption, as Alibaba names it, for example V(aes) (AES-128), V(aes192), V(aes256) or V(3des).
        type: str
      ike_auth_alg:
        description:
          - Phase 1 integrity, for example V(sha1), V(sha256), V(sha384), V(sha512) or V(md5).
        type: str
      ike_pfs:
        description:
          - Phase 1 Diffie-Hellman group, for example V(group2), V(group5), V(group14) or V(group24).
        type: str
      ike_lifetime:
        description: IKE SA lifetime in seconds (0-86400).
        type: int
      local_id:
        description: The identifier of the Alibaba end (by default its public address).
        type: str
      remote_id:
        description: The identifier of the peer (by default its public address).
        type: str
      psk:
        description:
          - The pre-shared key. Alibaba generates one when it is not given at creation; it is then not
            returned, so give the key the peer uses.
        type: str
  ipsec_config:
    description:
      - IPsec (phase 2) settings of a single-tunnel connection.
    type: dict
    suboptions:
      ipsec_enc_alg:
        description:
          - Phase 2 encryption, for example V(aes), V(aes192), V(aes256) or V(3des).
        type: str
      ipsec_auth_alg:
        description:
          - Phase 2 integrity, for example V(sha1), V(sha256), V(sha384), V(sha512) or V(md5).
        type: str
      ipsec_pfs:
        description:
          - Phase 2 PFS group, for example V(group2) or V(group14), or V(disabled).
        type: str
      ipsec_lifetime:
        description: IPsec SA lifetime in seconds (0-86400).
        type: int
  tunnel_options:
    description:
      - The tunnels of a dual-tunnel connection, at most two. Giving them makes the connection dual-tunnel.
      - Existing tunnels are matched by O(tunnel_options[].role).
    type: list
    elements: dict
    suboptions:
      role:
        description:
          - V(master) (active) or V(slave) (standby). Defaults to V(master) for the first entry and V(slave) for the second.
        type: str
        choices: [master, slave]
      customer_gateway_id:
        description: The customer gateway of this tunnel.
        type: str
        required: true
      enable_dpd:
        description: Dead peer detection on this tunnel.
        type: bool
      enable_nat_traversal:
        description: NAT traversal on this tunnel.
        type: bool
      ike_config:
        description: IKE (phase 1) settings of this tunnel, as O(ike_config).
        type: dict
        suboptions:
          ike_version:
            description: The IKE version.
            type: str
            choices: [ikev1, ikev2]
          ike_mode:
            description: The IKEv1 negotiation mode.
            type: str
            choices: [main, aggressive]
          ike_enc_alg:
            description: Phase 1 encryption.
            type: str
          ike_auth_alg:
            description: Phase 1 integrity.
            type: str
          ike_pfs:
            description: Phase 1 Diffie-Hellman group.
            type: str
          ike_lifetime:
            description: IKE SA lifetime in seconds.
            type: int
          local_id:
            description: The identifier of the Alibaba end.
            type: str
          remote_id:
            description: The identifier of the peer.
            type: str
          psk:
            description: The tunnel's pre-shared key.
            type: str
      ipsec_config:
        description: IPsec (phase 2) settings of this tunnel, as O(ipsec_config).
        type: dict
        suboptions:
          ipsec_enc_alg:
            description: Phase 2 encryption.
            type: str
          ipsec_auth_alg:
            description: Phase 2 integrity.
            type: str
          ipsec_pfs:
            description: Phase 2 PFS group, or V(disabled).
            type: str
          ipsec_lifetime:
            description: IPsec SA lifetime in seconds.
            type: int
  peer_cloud:
    description:
      - The cloud at the other end (V(aws), V(azure), V(gcp), V(digitalocean) or V(onprem)). The pre-shared keys
        must then also suit that cloud's rules (AWS allows only letters, digits, V(.) and V(_), 8-64 characters,
        not starting with V(0)), and the proposal (given or Alibaba's default) must be one the peer accepts.
    type: str
  wait_established:
    description:
      - Wait until every tunnel reports C(ipsec_sa_established), within O(wait_timeout). On timeout the module fails
        with the last negotiation status and, when Alibaba has them, the connection's recent log lines.
    type: bool
    default: false
extends_documentation_fragment:
  - multicloud.interconnect.alibaba
  - multicloud.interconnect.alibaba.wait
attributes:
  check_mode:
    support: full
    description: Check mode predicts the result without any mutating API call.
  diff_mode:
    support: full
    description: Shows the managed settings before and after, pre-shared keys redacted.
seealso:
  - module: multicloud.interconnect.alibaba_ipsec_connection_info
  - module: multicloud.interconnect.alibaba_vpn_gateway
  - module: multicloud.interconnect.alibaba_customer_gateway
  - module: multicloud.interconnect.alibaba_vpn_route_entry
"""

EXAMPLES = r"""
- name: One tunnel to AWS (static routing, the AWS tunnel's key and proposal)
  multicloud.interconnect.alibaba_ipsec_connection:
    region: cn-hangzhou
    name: to-aws-tunnel1
    vpn_gateway_id: "{{ alibaba_gateway.vpn_gateway.vpn_gateway_id }}"
    customer_gateway_id: "{{ cgw1.customer_gateway.customer_gateway_id }}"
    local_subnet: [192.168.0.0/16]
    remote_subnet: [172.80.64.0/19]
    effect_immediately: true
    peer_cloud: aws
    ike_config:
      ike_version: ikev1
      ike_mode: main
      ike_enc_alg: aes
      ike_auth_alg: sha1
      ike_pfs: group2
      psk: "{{ aws_tunnel1_psk }}"
    ipsec_config:
      ipsec_enc_alg: aes
      ipsec_auth_alg: sha1
      ipsec_pfs: group2
    wait_established: true
    wait_timeout: 900
  register: ipsec

- name: Both AWS tunnels in one dual-tunnel connection
  multicloud.interconnect.alibaba_ipsec_connection:
    region: eu-central-1
    name: to-aws
    vpn_gateway_id: vpn-gw8q8m2xkq0w3n5b6v7c8
    local_subnet: [0.0.0.0/0]
    remote_subnet: [0.0.0.0/0]
    peer_cloud: aws
    tunnel_options:
      - customer_gateway_id: cgw-gw8tunnel1aaaaaaaaaaa
        ike_config: {ike_version: ikev2, ike_enc_alg: aes256, ike_auth_alg: sha256, ike_pfs: group14, psk: "{{ psk1 }}"}
        ipsec_config: {ipsec_enc_alg: aes256, ipsec_auth_alg: sha256, ipsec_pfs: group14}
      - customer_gateway_id: cgw-gw8tunnel2bbbbbbbbbbb
        ike_config: {ike_version: ikev2, ike_enc_alg: aes256, ike_auth_alg: sha256, ike_pfs: group14, psk: "{{ psk2 }}"}
        ipsec_config: {ipsec_enc_alg: aes256, ipsec_auth_alg: sha256, ipsec_pfs: group14}

- name: Move phase 1 to IKEv2 and AES-256 (other settings stay)
  multicloud.interconnect.alibaba_ipsec_connection:
    region: cn-hangzhou
    name: to-aws-tunnel1
    vpn_gateway_id: vpn-bp1q8m2xkq0w3n5b6v7c8
    ike_config:
      ike_version: ikev2
      ike_enc_alg: aes256

- name: Delete the connection
  multicloud.interconnect.alibaba_ipsec_connection:
    region: cn-hangzhou
    name: to-aws-tunnel1
    vpn_gateway_id: vpn-bp1q8m2xkq0w3n5b6v7c8
    state: absent
"""

RETURN = r"""
vpn_connection:
  description:
    - The connection after the change (predicted in check mode); empty after O(state=absent).
    - Fields come from C(DescribeVpnConnections) in snake_case; pre-shared keys are replaced by
      C(VALUE_SPECIFIED_IN_NO_LOG_PARAMETER).
  returned: always
  type: dict
  contains:
    vpn_connection_id:
      description: The connection ID; V(null) in check mode when it would be created.
      type: str
      sample: vco-bp1q8m2xkq0w3n5b6v7c8
    name:
      description: The connection's name.
      type: str
      sample: to-aws-tunnel1
    vpn_gateway_id:
      description: The Alibaba VPN gateway.
      type: str
      sample: vpn-bp1q8m2xkq0w3n5b6v7c8
    customer_gateway_id:
      description: The customer gateway of a single-tunnel connection.
      type: str
      sample: cgw-bp1t5r6e7w8q9a0s1d2f3
    local_subnet:
      description: The Alibaba-side CIDR blocks, sorted.
      type: list
      elements: str
      sample: [192.168.0.0/16]
    remote_subnet:
      description: The peer-side CIDR blocks, sorted.
      type: list
      elements: str
      sample: [172.80.64.0/19]
    status:
      description:
        - The negotiation status of a single-tunnel connection, C(ike_sa_not_established), C(ike_sa_established),
          C(ipsec_sa_not_established) or C(ipsec_sa_established). Dual-tunnel connections report it per tunnel.
      type: str
      sample: ipsec_sa_established
    established:
      description:
        - Whether every tunnel has its IPsec SA, that is RV(vpn_connection.status) (single-tunnel) or every
          RV(vpn_connection.tunnel_options[].status) (dual-tunnel) is C(ipsec_sa_established).
      type: bool
      sample: true
    effect_immediately:
      description: Whether negotiation starts without waiting for traffic.
      type: bool
      sample: true
    enable_dpd:
      description: Dead peer detection (single-tunnel).
      type: bool
      sample: true
    enable_nat_traversal:
      description: NAT traversal (single-tunnel).
      type: bool
      sample: true
    ike_config:
      description: IKE settings of a single-tunnel connection.
      type: dict
      sample: {"ike_version": "ikev1", "ike_mode": "main", "ike_enc_alg": "aes", "ike_auth_alg": "sha1", "ike_pfs": "group2",
               "ike_lifetime": 86400, "local_id": "198.51.100.24", "remote_id": "203.0.113.10", "psk": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"}
    ipsec_config:
      description: IPsec settings of a single-tunnel connection.
      type: dict
      sample: {"ipsec_enc_alg": "aes", "ipsec_auth_alg": "sha1", "ipsec_pfs": "group2", "ipsec_lifetime": 86400}
    tunnel_options:
      description: The tunnels of a dual-tunnel connection (empty for single-tunnel ones).
      type: list
      elements: dict
      contains:
        tunnel_id:
          description: The tunnel ID.
          type: str
          sample: tun-bp1a2s3d4f5g6h7j8k9l0
        role:
          description: C(master) or C(slave).
          type: str
          sample: master
        status:
          description: The tunnel's negotiation status (same values as RV(vpn_connection.status)).
          type: str
          sample: ipsec_sa_established
        state:
          description: The tunnel's state, for example C(active) or C(updating).
          type: str
          sample: active
        customer_gateway_id:
          description: The tunnel's customer gateway.
          type: str
          sample: cgw-gw8tunnel1aaaaaaaaaaa
        internet_ip:
          description: The Alibaba public address this tunnel uses.
          type: str
          sample: 198.51.100.24
        ike_config:
          description: The tunnel's IKE settings (pre-shared key redacted).
          type: dict
          sample: {"ike_version": "ikev2", "ike_enc_alg": "aes256", "psk": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"}
        ipsec_config:
          description: The tunnel's IPsec settings.
          type: dict
          sample: {"ipsec_enc_alg": "aes256", "ipsec_auth_alg": "sha256", "ipsec_pfs": "group14"}
"""

from typing import Any

from ansible_collections.multicloud.interconnect.plugins.module_utils import alibaba
from ansible_collections.multicloud.interconnect.plugins.module_utils import cloud_facts
from ansible_collections.multicloud.interconnect.plugins.module_utils.diff import build_diff, redact
from ansible_collections.multicloud.interconnect.plugins.module_utils.errors import CloudError, WaitTimeout
from ansible_collections.multicloud.interconnect.plugins.module_utils.resource import run_state_module
from ansible_collections.multicloud.interconnect.plugins.module_utils.waiters import wait_for

IKE_SUBOPTIONS = dict(
    ike_version=dict(type="str", choices=list(cloud_facts.IKE_CAPABILITIES[alibaba.CLOUD]["ike_versions"])),
    ike_mode=dict(type="str", choices=list(cloud_facts.ALIBABA_IKE_MODES)),
    ike_enc_alg=dict(type="str"),
    ike_auth_alg=dict(type="str"),
    ike_pfs=dict(type="str"),
    ike_lifetime=dict(type="int"),
    local_id=dict(type="str"),
    remote_id=dict(type="str"),
    psk=dict(type="str", no_log=True),
)
IPSEC_SUBOPTIONS = dict(
    ipsec_enc_alg=dict(type="str"),
    ipsec_auth_alg=dict(type="str"),
    ipsec_pfs=dict(type="str"),
    ipsec_lifetime=dict(type="int"),
)
# How many recent negotiation log lines a failed wait quotes.
LOG_LINES_IN_FAILURE = 5


def find_connection(client: Any, region: str, params: dict) -> dict | None:
    """The connection the options name, or None. Several connections with the name make the lookup fail."""
    if params["vpn_connection_id"]:
        return alibaba.get_vpn_connection(client, region, params["vpn_connection_id"])
    found = alibaba.describe_vpn_connections(client, region, vpn_gateway_id=params["vpn_gateway_id"])
    named = [connection for connection in found if connection.get("Name") == params["name"]]
    if len(named) > 1:
        ids = ", ".join(connection["VpnConnectionId"] for connection in named)
        raise ValueError("name: several IPsec connections on %s are named %r (%s); set vpn_connection_id"
                         % (params["vpn_gateway_id"], params["name"], ids))
    return named[0] if named else None


def input_problems(params: dict) -> list[str]:
    """Everything wrong with the options, found before any API call."""
    problems = []
    if not params["vpn_connection_id"] and not params["vpn_gateway_id"]:
        problems.append("vpn_gateway_id is required to find a connection by name")
    if params["state"] == "present":
        problems += alibaba.connection_problems(params)
    return problems


def creation_problems(params: dict) -> list[str]:
    missing = [key for key in ("vpn_gateway_id", "local_subnet", "remote_subnet") if not params.get(key)]
    problems = ["%s is required to create an IPsec connection" % key for key in missing]
    if not params.get("customer_gateway_id") and not params.get("tunnel_options"):
        problems.append("customer_gateway_id (single-tunnel) or tunnel_options (dual-tunnel) is required to create an IPsec connection")
    return problems


class IpsecConnectionManager:
    def __init__(self, module: Any, client: Any) -> None:
        self.module = module
        self.client = client
        self.params = module.params
        self.region = module.params["region"]
        self.timeout = module.params["wait_timeout"]
        self.changed = False

    def find(self) -> dict | None:
        return find_connection(self.client, self.region, self.params)

    def read(self, connection_id: str) -> dict:
        raw = alibaba.get_vpn_connection(self.client, self.region, connection_id)
        if raw is None:
            raise CloudError("IPsec connection %s is not listed" % connection_id, cloud=alibaba.CLOUD, operation="DescribeVpnConnections")
        return raw

    def settle(self, gateway_id: str) -> None:
        """With wait=true, return only once the gateway has applied the change."""
        if self.params["wait"]:
            alibaba.wait_for_vpn_gateway(self.client, self.region, gateway_id, self.timeout)

    def create(self, wanted: dict) -> dict | None:
        problems = creation_problems(self.params)
        if problems:
            raise ValueError("; ".join(problems))
        self.changed = True
        if self.module.check_mode:
            return None
        gateway_id = wanted["vpn_gateway_id"]
        request = alibaba.create_connection_request(self.region, wanted, alibaba.client_token())
        connection_id = alibaba.change_vpn_gateway(self.client, self.region, gateway_id,
                                                   lambda: alibaba.create_vpn_connection(self.client, request), self.timeout)
        self.settle(gateway_id)
        return self.read(connection_id)

    def update(self, raw: dict, wanted: dict) -> tuple[dict, dict]:
        """(raw connection after the change, normalised prediction)."""
        current = alibaba.normalize_vpn_connection(raw)
        problems = alibaba.immutable_connection_problems(current, wanted)
        if problems:
            raise ValueError("; ".join(problems))
        changes = alibaba.connection_changes(current, wanted)
        predicted = alibaba.apply_connection_changes(current, changes)
        if not changes:
            return raw, predicted
        self.changed = True
        if self.module.check_mode:
            return raw, predicted
        request = alibaba.modify_connection_request(self.region, current, changes)
        gateway_id = current["vpn_gateway_id"]
        alibaba.change_vpn_gateway(self.client, self.region, gateway_id,
                                   lambda: alibaba.modify_vpn_connection_attribute(self.client, request), self.timeout)
        self.settle(gateway_id)
        return self.read(current["vpn_connection_id"]), predicted

    def wait_established(self, connection_id: str) -> dict:
        try:
            return wait_for(lambda: alibaba.get_vpn_connection(self.client, self.region, connection_id), alibaba.connection_is_established,
                            what="IPsec connection %s" % connection_id, wanted=alibaba.CONNECTION_ESTABLISHED, timeout=self.timeout,
                            delay=alibaba.POLL_SECONDS, describe=alibaba.describe_connection_status)
        except WaitTimeout as error:
            lines = self.negotiation_log(connection_id)
            if not lines:
                raise
            raise WaitTimeout(error.what, error.wanted, "%s; Alibaba's log: %s" % (error.last_seen, " | ".join(lines)), error.timeout) from error

    def negotiation_log(self, connection_id: str) -> list[str]:
        """The last lines of the connection's log, or nothing when the cloud has none for us."""
        try:
            return alibaba.describe_vpn_connection_logs(self.client, self.region, connection_id)[-LOG_LINES_IN_FAILURE:]
        except CloudError:
            return []

    def ensure_present(self, raw: dict | None) -> dict:
        wanted = alibaba.desired_connection(self.params)
        if raw is None:
            before: dict = {}
            created = self.create(wanted)
            after = alibaba.normalize_vpn_connection(created) if created else alibaba.predicted_connection(wanted)
        else:
            before = alibaba.normalize_vpn_connection(raw)
            updated, predicted = self.update(raw, wanted)
            after = predicted if self.module.check_mode else alibaba.normalize_vpn_connection(updated)
        if self.params["wait_established"] and not self.module.check_mode:
            after = alibaba.normalize_vpn_connection(self.wait_established(after["vpn_connection_id"]))
        return self.result(before, after)

    def ensure_absent(self, raw: dict | None) -> dict:
        if raw is None:
            return self.result({}, {})
        before = alibaba.normalize_vpn_connection(raw)
        self.changed = True
        if self.module.check_mode:
            return self.result(before, {})
        gateway_id, connection_id = before["vpn_gateway_id"], before["vpn_connection_id"]
        self.changed = alibaba.change_vpn_gateway(self.client, self.region, gateway_id,
                                                  lambda: alibaba.delete_vpn_connection(self.client, self.region, connection_id), self.timeout)
        if self.changed:
            self.settle(gateway_id)
        return self.result(before, {})

    def result(self, before: dict, after: dict) -> dict:
        result: dict[str, Any] = {"changed": self.changed, "vpn_connection": redact(after)}
        if self.module._diff:
            result["diff"] = build_diff(alibaba.connection_diff_view(before), alibaba.connection_diff_view(after))
        return result


def main() -> None:
    tunnel_suboptions = dict(
        role=dict(type="str", choices=["master", "slave"]),
        customer_gateway_id=dict(type="str", required=True),
        enable_dpd=dict(type="bool"),
        enable_nat_traversal=dict(type="bool"),
        ike_config=dict(type="dict", options=IKE_SUBOPTIONS),
        ipsec_config=dict(type="dict", options=IPSEC_SUBOPTIONS),
    )
    argument_spec = dict(
        state=dict(type="str", default="present", choices=["present", "absent"]),
        vpn_connection_id=dict(type="str"),
        name=dict(type="str"),
        vpn_gateway_id=dict(type="str"),
        customer_gateway_id=dict(type="str"),
        local_subnet=dict(type="list", elements="str"),
        remote_subnet=dict(type="list", elements="str"),
        effect_immediately=dict(type="bool"),
        enable_dpd=dict(type="bool"),
        enable_nat_traversal=dict(type="bool"),
        ike_config=dict(type="dict", options=IKE_SUBOPTIONS),
        ipsec_config=dict(type="dict", options=IPSEC_SUBOPTIONS),
        tunnel_options=dict(type="list", elements="dict", options=tunnel_suboptions),
        peer_cloud=dict(type="str"),
        wait_established=dict(type="bool", default=False),
        **alibaba.WAIT_ARGUMENT_SPEC,
    )
    module = alibaba.alibaba_module(
        argument_spec,
        required_one_of=[["vpn_connection_id", "name"]],
        mutually_exclusive=[["tunnel_options", "customer_gateway_id"], ["tunnel_options", "ike_config"],
                            ["tunnel_options", "ipsec_config"], ["tunnel_options", "enable_dpd"],
                            ["tunnel_options", "enable_nat_traversal"]],
        supports_check_mode=True,
    )
    run_state_module(module, lambda: IpsecConnectionManager(module, alibaba.vpc_client(module.params)), input_problems, id_option="vpn_connection_id")


if __name__ == "__main__":
    main()
