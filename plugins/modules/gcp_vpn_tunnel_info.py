#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: gcp_vpn_tunnel_info
short_description: List Google Cloud VPN tunnels with their status
version_added: 0.1.0
description:
  - Lists the VPN tunnels of a region by name, by a Compute filter, or all of them, each with its peer,
    router, IKE settings, status and detailed status. Shared secrets are never returned (Google does not
    return them either).
author:
  - multicloud.interconnect contributors (@multicloud-interconnect)
options:
  names:
    description:
      - Names of the tunnels to list. A name that does not exist is not an error; it is simply not listed.
      - Mutually exclusive with O(filter).
    type: list
    elements: str
  filter:
    description:
      - A Compute API filter expression, for example V(name = "aws-tunnel-0").
      - When neither O(names) nor O(filter) is set, every tunnel of the region is listed.
    type: str
extends_documentation_fragment:
  - multicloud.interconnect.gcp
  - multicloud.interconnect.info_module
seealso:
  - module: multicloud.interconnect.gcp_vpn_tunnel
"""

EXAMPLES = r"""
- name: Tunnels that are not up
  multicloud.interconnect.gcp_vpn_tunnel_info:
    project: net-hub-prod
    region: us-east1
  register: tunnels

- name: Report them
  ansible.builtin.debug:
    msg: "{{ item.name }}: {{ item.status }} ({{ item.detailed_status }})"
  loop: "{{ tunnels.vpn_tunnels | rejectattr('status', 'equalto', 'ESTABLISHED') }}"
"""

RETURN = r"""
vpn_tunnels:
  description: The tunnels found, possibly none, sorted by name, as M(multicloud.interconnect.gcp_vpn_tunnel) returns them.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The tunnel name.
      type: str
      sample: aws-tunnel-0
    id:
      description: The numeric ID, as a string.
      type: str
      sample: "6071926473829102744"
    self_link:
      description: The tunnel URL.
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
      description: The external VPN gateway as a C(projects/...) path.
      type: str
      sample: projects/net-hub-prod/global/externalVpnGateways/aws-peer
    peer_external_gateway_interface:
      description: The external VPN gateway interface.
      type: int
      sample: 0
    peer_gcp_gateway:
      description: The peer HA VPN gateway, for GCP-to-GCP tunnels.
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
      sample: null
    local_traffic_selector:
      description: Local traffic selectors.
      type: list
      elements: str
      sample: [0.0.0.0/0]
    remote_traffic_selector:
      description: Remote traffic selectors.
      type: list
      elements: str
      sample: [0.0.0.0/0]
    status:
      description: The tunnel status, for example C(ESTABLISHED) or C(NO_INCOMING_PACKETS).
      type: str
      sample: ESTABLISHED
    detailed_status:
      description: Google's explanation of the status.
      type: str
      sample: Tunnel is up and running.
"""

from ansible_collections.multicloud.interconnect.plugins.module_utils import gcp
from ansible_collections.multicloud.interconnect.plugins.module_utils.errors import CloudError, fail_with


def list_tunnels(session: gcp.GcpSession, params: dict) -> list[dict]:
    if params["names"] is not None:
        raw = [gcp.get_vpn_tunnel(session, name) for name in dict.fromkeys(params["names"])]
    else:
        raw = gcp.list_vpn_tunnels(session, params["filter"] or "")
    return sorted((gcp.normalize_vpn_tunnel(item) for item in raw if item is not None), key=lambda item: item["name"])


def main() -> None:
    argument_spec = dict(
        names=dict(type="list", elements="str"),
        filter=dict(type="str"),
    )
    module = gcp.gcp_module(argument_spec, mutually_exclusive=[["names", "filter"]], supports_check_mode=True)
    try:
        session = gcp.compute_session(module)
        module.exit_json(changed=False, vpn_tunnels=list_tunnels(session, module.params))
    except (CloudError, ValueError) as error:
        fail_with(module, error)


if __name__ == "__main__":
    main()
