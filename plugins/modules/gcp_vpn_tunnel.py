#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: gcp_vpn_tunnel
short_description: Manage a Google Cloud HA VPN tunnel and wait until it is established
version_added: 0.1.0
description:
  - Creates or deletes an HA VPN tunnel (C(vpnTunnels)) from one interface of an HA VPN gateway to one
    interface of an external VPN gateway (another cloud, an on-premises device) or to another HA VPN gateway.
  - Returns the tunnel's C(status) and C(detailed_status) as Google reports them, and can wait until the
    tunnel is C(ESTABLISHED), failing with the detailed status when it is not within O(established_timeout).
  - Google cannot change a tunnel; every setting is fixed at creation. A different value for an existing
    tunnel makes the module fail and name the field, unless O(recreate=true), which deletes the tunnel and
    creates it again with the new settings (an outage on that tunnel).
  - B(Google never returns the shared secret), so a changed O(shared_secret) cannot be detected. The secret
    is only sent when the tunnel is created. To change it, run once with O(rotate_shared_secret=true), which
    recreates the tunnel with the given secret.
author:
  - multicloud.interconnect contributors (@multicloud-interconnect)
options:
  name:
    description:
      - Name of the tunnel, unique in the region.
    type: str
    required: true
  state:
    description:
      - V(present) creates the tunnel when it does not exist; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  vpn_gateway:
    description:
      - The HA VPN gateway, as a name (in O(region)), a partial path or a URL. Required to create the tunnel.
    type: str
  vpn_gateway_interface:
    description:
      - The interface of O(vpn_gateway) the tunnel leaves from. Required to create the tunnel.
      - For the 99.99% SLA, put tunnels on both interfaces.
    type: int
    choices: [0, 1]
  peer_external_gateway:
    description:
      - The external VPN gateway describing the peer, as a name, a partial path or a URL.
      - Mutually exclusive with O(peer_gcp_gateway); one of them is required to create the tunnel.
    type: str
  peer_external_gateway_interface:
    description:
      - The interface of O(peer_external_gateway) the tunnel goes to. Google uses 0 when it is not set.
      - With V(FOUR_IPS_REDUNDANCY) (AWS), interfaces 0 and 1 must be reached from one HA VPN interface and
        2 and 3 from the other.
    type: int
  peer_gcp_gateway:
    description:
      - Another HA VPN gateway as the peer (GCP to GCP), as a name, a partial path or a URL.
    type: str
  router:
    description:
      - The Cloud Router that runs BGP over the tunnel, as a name, a partial path or a URL. It must be in the
        network of O(vpn_gateway). Required to create the tunnel.
      - The BGP session itself (router interface and peer) is managed with M(multicloud.interconnect.gcp_router).
    type: str
  ike_version:
    description:
      - The IKE version. Google uses V(2) when it is not set.
    type: int
    choices: [1, 2]
  shared_secret:
    description:
      - The pre-shared key, printable ASCII without spaces (Google recommends 32 random characters).
        Required to create the tunnel.
      - Never shown in output or diffs. Google never returns it, so it is only used when the tunnel is created,
        recreated or rotated (see O(rotate_shared_secret)).
    type: str
  cipher_suite:
    description:
      - The IKE and IPsec algorithms the tunnel offers, with the names of the Compute API
        (for example V(AES-GCM-16-256), V(PRF-HMAC-SHA2-256), V(Group-14)). When not set, Google offers its default list.
      - The planner's proposal gives these lists ready to use (C(proposal.cloud_names.gcp.cipherSuite)).
    type: dict
    suboptions:
      phase1:
        description:
          - IKE SA algorithms.
        type: dict
        suboptions:
          encryption:
            description: Encryption algorithms, for example V(AES-CBC-256) or V(AES-GCM-16-256).
            type: list
            elements: str
          integrity:
            description: Integrity algorithms, for example V(HMAC-SHA2-256-128); leave empty with an AES-GCM cipher.
            type: list
            elements: str
          prf:
            description: Pseudo-random functions, for example V(PRF-HMAC-SHA2-256).
            type: list
            elements: str
          dh:
            description: Diffie-Hellman groups, for example V(Group-14).
            type: list
            elements: str
      phase2:
        description:
          - IPsec (ESP) SA algorithms.
        type: dict
        suboptions:
          encryption:
            description: Encryption algorithms.
            type: list
            elements: str
          integrity:
            description: Integrity algorithms; leave empty with an AES-GCM cipher.
            type: list
            elements: str
          pfs:
            description: Perfect forward secrecy groups, for example V(Group-14).
            type: list
            elements: str
  description:
    description:
      - A free-text description, set at creation.
    type: str
  recreate:
    description:
      - What to do when an existing tunnel differs from the parameters given (Google cannot change a tunnel).
      - V(false) fails and names the differing fields, changing nothing; V(true) deletes the tunnel and creates
        it with the new settings, which needs O(shared_secret).
      - Google refuses to delete a tunnel that a Cloud Router interface links; remove that interface first
        (M(multicloud.interconnect.gcp_router) with O(multicloud.interconnect.gcp_router#module:purge_interfaces=true)).
    type: bool
    default: false
  rotate_shared_secret:
    description:
      - Recreate the tunnel so that it uses O(shared_secret), even though nothing else differs.
      - Every run with V(true) recreates the tunnel (Google cannot tell whether the secret differs), so set it
        for the run that rotates the secret only.
      - The same constraint as O(recreate) applies to tunnels linked by a router interface.
    type: bool
    default: false
  wait_established:
    description:
      - Wait until the tunnel's status is C(ESTABLISHED). Without a configured peer it never is.
      - The module fails after O(established_timeout) seconds with the last status and detailed status.
    type: bool
    default: false
  established_timeout:
    description:
      - How many seconds O(wait_established) waits.
    type: int
    default: 600
extends_documentation_fragment:
  - multicloud.interconnect.gcp
attributes:
  check_mode:
    support: full
    description: Check mode predicts the tunnel, including a recreate, without any mutating API call.
  diff_mode:
    support: full
    description: Shows the tunnel before and after; the shared secret is replaced by a marker that only says it is set.
notes:
  - Unlike M(google.cloud.gcp_compute_vpn_tunnel), a difference is never applied silently by deleting the
    tunnel; O(recreate) or O(rotate_shared_secret) must ask for it.
seealso:
  - module: multicloud.interconnect.gcp_vpn_tunnel_info
  - module: multicloud.interconnect.gcp_ha_vpn_gateway
  - module: multicloud.interconnect.gcp_external_vpn_gateway
  - module: multicloud.interconnect.gcp_router
"""

EXAMPLES = r"""
- name: Tunnel from HA VPN interface 0 to the first outside address of AWS connection 1
  multicloud.interconnect.gcp_vpn_tunnel:
    project: net-hub-prod
    region: us-east1
    name: aws-tunnel-0
    vpn_gateway: hub-ha-vpn
    vpn_gateway_interface: 0
    peer_external_gateway: aws-peer
    peer_external_gateway_interface: 0
    router: hub-router
    ike_version: 2
    shared_secret: "{{ plan_psks['gcp-aws-t1'] }}"
  no_log: true

- name: Same tunnel with the planner's cipher suite, waiting until it is up
  multicloud.interconnect.gcp_vpn_tunnel:
    project: net-hub-prod
    region: us-east1
    name: aws-tunnel-0
    vpn_gateway: hub-ha-vpn
    vpn_gateway_interface: 0
    peer_external_gateway: aws-peer
    peer_external_gateway_interface: 0
    router: hub-router
    shared_secret: "{{ plan_psks['gcp-aws-t1'] }}"
    cipher_suite:
      phase1:
        encryption: [AES-GCM-16-256]
        prf: [PRF-HMAC-SHA2-256]
        dh: [Group-14]
      phase2:
        encryption: [AES-GCM-16-256]
        pfs: [Group-14]
    wait_established: true
    established_timeout: 900
  no_log: true

- name: Rotate the pre-shared key (recreates the tunnel once)
  multicloud.interconnect.gcp_vpn_tunnel:
    project: net-hub-prod
    region: us-east1
    name: aws-tunnel-0
    shared_secret: "{{ new_psk }}"
    rotate_shared_secret: true
  no_log: true
"""

RETURN = r"""
vpn_tunnel:
  description: The tunnel after the change (predicted in check mode); empty after O(state=absent). Never contains the shared secret.
  returned: always
  type: dict
  contains:
    name:
      description: The tunnel name.
      type: str
      sample: aws-tunnel-0
    id:
      description: The numeric ID, as a string; V(null) in check mode when it would be created.
      type: str
      sample: "6071926473829102744"
    self_link:
      description: The tunnel URL; V(null) in check mode when it would be created.
      type: str
      sample: https://www.googleapis.com/compute/v1/projects/net-hub-prod/regions/us-east1/vpnTunnels/aws-tunnel-0
    region:
      description: The region name.
      type: str
      sample: us-east1
    description:
      description: The description.
      type: str
      sample: ""
    vpn_gateway:
      description: The HA VPN gateway as a C(projects/...) path.
      type: str
      sample: projects/net-hub-prod/regions/us-east1/vpnGateways/hub-ha-vpn
    vpn_gateway_interface:
      description: The HA VPN gateway interface.
      type: int
      sample: 0
    peer_external_gateway:
      description: The external VPN gateway as a C(projects/...) path, V(null) for a GCP-to-GCP tunnel.
      type: str
      sample: projects/net-hub-prod/global/externalVpnGateways/aws-peer
    peer_external_gateway_interface:
      description: The external VPN gateway interface.
      type: int
      sample: 0
    peer_gcp_gateway:
      description: The peer HA VPN gateway as a C(projects/...) path, V(null) unless GCP-to-GCP.
      type: str
      sample: null
    peer_ip:
      description: The peer's address as Google reports it.
      type: str
      sample: 203.0.113.10
    router:
      description: The Cloud Router as a C(projects/...) path.
      type: str
      sample: projects/net-hub-prod/regions/us-east1/routers/hub-router
    ike_version:
      description: The IKE version.
      type: int
      sample: 2
    cipher_suite:
      description: The algorithms the tunnel offers, V(null) when Google's defaults apply.
      type: dict
      sample: {"phase1": {"encryption": ["AES-GCM-16-256"], "integrity": [], "prf": ["PRF-HMAC-SHA2-256"], "dh": ["Group-14"]},
               "phase2": {"encryption": ["AES-GCM-16-256"], "integrity": [], "pfs": ["Group-14"]}}
    local_traffic_selector:
      description: Local traffic selectors (V(0.0.0.0/0) for route-based HA VPN).
      type: list
      elements: str
      sample: [0.0.0.0/0]
    remote_traffic_selector:
      description: Remote traffic selectors.
      type: list
      elements: str
      sample: [0.0.0.0/0]
    status:
      description:
        - The tunnel status (Compute's VpnTunnel status), for example C(ESTABLISHED), C(FIRST_HANDSHAKE),
          C(WAITING_FOR_FULL_CONFIG), C(NO_INCOMING_PACKETS), C(AUTHORIZATION_ERROR), C(NEGOTIATION_FAILURE).
        - V(null) in check mode when the tunnel would be created.
      type: str
      sample: ESTABLISHED
    detailed_status:
      description: Google's explanation of the status.
      type: str
      sample: Tunnel is up and running.
recreated:
  description: Whether the tunnel was (or, in check mode, would be) deleted and created again.
  returned: O(state=present)
  type: bool
  sample: false
"""

from typing import Any

from ansible_collections.multicloud.interconnect.plugins.module_utils import cloud_facts, gcp
from ansible_collections.multicloud.interconnect.plugins.module_utils.errors import CloudError, WaitTimeout, fail_with
from ansible_collections.multicloud.interconnect.plugins.module_utils.waiters import wait_for

SECRET_FIELDS = ("shared_secret",)


def input_problems(params: dict) -> list[str]:
    """Checked before any API call; the secret itself never appears in a message."""
    if params["state"] != "present":
        return []
    problems = gcp.cipher_suite_problems(params["cipher_suite"])
    if params["shared_secret"] is not None:
        problem = cloud_facts.psk_problem("gcp", params["shared_secret"])
        if problem:
            problems.append("shared_secret: %s" % problem)
    return problems


class TunnelManager:
    """Brings one tunnel to the wanted state; mutating calls are skipped in check mode."""

    def __init__(self, module: Any, session: gcp.GcpSession) -> None:
        self.module = module
        self.session = session
        self.params = module.params
        self.last_seen: dict | None = None

    def read(self) -> dict | None:
        raw = gcp.get_vpn_tunnel(self.session, self.params["name"])
        self.last_seen = gcp.normalize_vpn_tunnel(raw) if raw is not None else None
        return raw

    def ensure_present(self, raw: dict | None) -> dict:
        wanted = gcp.desired_tunnel(self.params, self.session.project, self.session.region)
        current = gcp.normalize_vpn_tunnel(raw) if raw is not None else None
        if current is not None:
            differences = gcp.tunnel_differences(current, wanted)
            if differences and not self.params["recreate"]:
                remedy = "set recreate=true to delete and recreate the tunnel"
                gcp.raise_problems([gcp.immutable_problem(key, "VPN tunnel %s" % current["name"], have, want, remedy)
                                    for key, (have, want) in sorted(differences.items())])
            if not differences and not self.params["rotate_shared_secret"]:
                return self.finish(False, current, current, recreated=False)
        merged = gcp.merged_tunnel(current, wanted)
        gcp.raise_problems(gcp.tunnel_create_problems(merged, self.params["shared_secret"], self.params["name"]))
        before = current or {}
        if self.module.check_mode:
            after = gcp.predicted_tunnel(merged, self.params["name"], self.session.region)
            return self.finish(True, before, dict(after, shared_secret=self.params["shared_secret"]), recreated=current is not None)
        if current is not None:
            gcp.delete_vpn_tunnel(self.session, self.params["name"])
        gcp.insert_vpn_tunnel(self.session, gcp.tunnel_create_body(merged, self.params["name"], self.params["shared_secret"]))
        after = gcp.normalize_vpn_tunnel(self.read() or {})
        return self.finish(True, before, dict(after, shared_secret=self.params["shared_secret"]), recreated=current is not None)

    def finish(self, changed: bool, before: dict, after: dict, *, recreated: bool) -> dict:
        if self.params["wait_established"] and not self.module.check_mode:
            latest = self.wait_established()
            after = dict(latest, **{key: after[key] for key in SECRET_FIELDS if key in after})
        result = gcp.module_result(self.module, "vpn_tunnel", changed, before, after, hidden_fields=SECRET_FIELDS)
        result["recreated"] = recreated
        return result

    def wait_established(self) -> dict:
        raw = wait_for(self.read, gcp.tunnel_is_established, what="VPN tunnel %s" % self.params["name"], wanted="ESTABLISHED",
                       timeout=self.params["established_timeout"], delay=self.session.status_delay,
                       describe=gcp.describe_tunnel_status, is_failed=gcp.tunnel_gone_while_waiting)
        return gcp.normalize_vpn_tunnel(raw)

    def ensure_absent(self, raw: dict | None) -> dict:
        if raw is None:
            return gcp.module_result(self.module, "vpn_tunnel", False, {}, {})
        changed = True
        if not self.module.check_mode:
            changed = gcp.delete_vpn_tunnel(self.session, self.params["name"])
        return gcp.module_result(self.module, "vpn_tunnel", changed, gcp.normalize_vpn_tunnel(raw), {})


def main() -> None:
    phase1 = dict(encryption=dict(type="list", elements="str"), integrity=dict(type="list", elements="str"),
                  prf=dict(type="list", elements="str"), dh=dict(type="list", elements="str"))
    phase2 = dict(encryption=dict(type="list", elements="str"), integrity=dict(type="list", elements="str"),
                  pfs=dict(type="list", elements="str"))
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        vpn_gateway=dict(type="str"),
        vpn_gateway_interface=dict(type="int", choices=[0, 1]),
        peer_external_gateway=dict(type="str"),
        peer_external_gateway_interface=dict(type="int"),
        peer_gcp_gateway=dict(type="str"),
        router=dict(type="str"),
        ike_version=dict(type="int", choices=[1, 2]),
        shared_secret=dict(type="str", no_log=True),
        cipher_suite=dict(type="dict", options=dict(phase1=dict(type="dict", options=phase1), phase2=dict(type="dict", options=phase2))),
        description=dict(type="str"),
        recreate=dict(type="bool", default=False),
        rotate_shared_secret=dict(type="bool", default=False, no_log=False),
        wait_established=dict(type="bool", default=False),
        established_timeout=dict(type="int", default=600),
    )
    module = gcp.gcp_module(
        argument_spec,
        mutually_exclusive=[["peer_external_gateway", "peer_gcp_gateway"]],
        required_if=[["rotate_shared_secret", True, ["shared_secret"]]],
        supports_check_mode=True,
    )
    manager = None
    try:
        gcp.raise_problems(input_problems(module.params))
        session = gcp.compute_session(module)
        manager = TunnelManager(module, session)
        raw = manager.read()
        if module.params["state"] == "absent":
            result = manager.ensure_absent(raw)
        else:
            result = manager.ensure_present(raw)
        module.exit_json(**result)
    except (CloudError, WaitTimeout, ValueError) as error:
        fail_with(module, error, vpn_tunnel=manager.last_seen if manager else None)


if __name__ == "__main__":
    main()
