#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: aws_vpn_connection_info
short_description: List AWS Site-to-Site VPN connections with tunnel status and options
version_added: 0.1.0
description:
  - Lists AWS Site-to-Site VPN connections by ID, by filters, or all of them in the region.
  - Each connection includes per tunnel the outside IP address, inside CIDR, status (C(UP)/C(DOWN)), status
    message, accepted route count and tunnel options.
  - With O(include_secrets=true) it also returns each tunnel's pre-shared key and the device configuration
    text, which is how a play reads the keys AWS generated to configure the other cloud.
author:
  - multicloud.interconnect contributors (@multicloud-interconnect)
options:
  vpn_connection_ids:
    description:
      - IDs of the connections to list. An ID that does not exist is not an error; it is simply not listed.
    type: list
    elements: str
  filters:
    description:
      - EC2 filters as a dictionary of filter name to value or list of values.
      - For example C(tag:Name) or C(vpn-gateway-id) (see EXAMPLES).
      - See the AWS DescribeVpnConnections API for the filter names.
    type: dict
    default: {}
  include_deleted:
    description:
      - Whether to list connections in state C(deleted), which AWS keeps reporting for a while.
    type: bool
    default: false
  include_secrets:
    description:
      - Whether to return RV(vpn_connections[].tunnels[].pre_shared_key) and
        RV(vpn_connections[].customer_gateway_configuration), which contain the pre-shared keys in clear text.
      - Set C(no_log=true) on the task when you use this, and keep the registered variable out of logs.
    type: bool
    default: false
extends_documentation_fragment:
  - multicloud.interconnect.aws
  - multicloud.interconnect.info_module
seealso:
  - module: multicloud.interconnect.aws_vpn_connection
"""

EXAMPLES = r"""
- name: Tunnel status of one connection
  multicloud.interconnect.aws_vpn_connection_info:
    vpn_connection_ids:
      - vpn-0123456789abcdef0
  register: vpn_status

- name: Fail unless a tunnel is up
  ansible.builtin.assert:
    that: vpn_status.vpn_connections[0].tunnels | selectattr('status', 'equalto', 'UP') | list | length > 0

- name: Read the keys AWS generated, to configure the Alibaba side
  multicloud.interconnect.aws_vpn_connection_info:
    filters:
      "tag:Name": aws-to-alibaba
    include_secrets: true
  register: aws_vpn
  no_log: true

- name: Use them without printing them
  ansible.builtin.set_fact:
    alibaba_tunnel_psks: "{{ aws_vpn.vpn_connections[0].tunnels | map(attribute='pre_shared_key') | list }}"
  no_log: true
"""

RETURN = r"""
vpn_connections:
  description: The connections found, possibly none.
  returned: always
  type: list
  elements: dict
  contains:
    vpn_connection_id:
      description: The connection ID.
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
    customer_gateway_configuration:
      description: The device configuration text AWS generates (XML), which includes the pre-shared keys.
      returned: when O(include_secrets=true)
      type: str
      sample: "<?xml version=\"1.0\" encoding=\"UTF-8\"?><vpn_connection id=\"vpn-0123456789abcdef0\">...</vpn_connection>"
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
        pre_shared_key:
          description: The tunnel's pre-shared key, in clear text.
          returned: when O(include_secrets=true)
          type: str
          sample: Xk3v9Qw7Lm2Np8Rt5Yz1Bc4Df6Gh0Jk.
        status:
          description: C(UP) or C(DOWN), from the VGW telemetry.
          type: str
          sample: UP
        status_message:
          description: AWS's explanation of the status.
          type: str
          sample: "2 BGP ROUTES"
        accepted_route_count:
          description: Routes AWS accepted over this tunnel (BGP).
          type: int
          sample: 2
        last_status_change:
          description: When the status last changed (ISO 8601).
          type: str
          sample: "2026-11-22T20:14:03+00:00"
        options:
          description: The tunnel's options, named as in M(multicloud.interconnect.aws_vpn_connection), without the key.
          type: dict
          sample:
            ike_versions: [ikev2]
            phase1_encryption_algorithms: [AES256-GCM-16]
            startup_action: start
    tags:
      description: The connection's tags.
      type: dict
      sample: {"Name": "aws-to-alibaba"}
"""

from typing import Any

from ansible_collections.multicloud.interconnect.plugins.module_utils import aws
from ansible_collections.multicloud.interconnect.plugins.module_utils import aws_vpn
from ansible_collections.multicloud.interconnect.plugins.module_utils.errors import CloudError, fail_with


def list_vpn_connections(client: Any, params: dict) -> list[dict]:
    raw = aws.describe_by_ids(aws.describe_vpn_connections, client, params["vpn_connection_ids"], aws.filters_from_dict(params["filters"]))
    if not params["include_deleted"]:
        raw = [item for item in raw if item.get("State") != "deleted"]
    connections = [aws_vpn.normalize_vpn_connection(item, include_secrets=params["include_secrets"]) for item in raw]
    return sorted(connections, key=lambda item: item["vpn_connection_id"])


def main() -> None:
    argument_spec = dict(
        vpn_connection_ids=dict(type="list", elements="str"),
        filters=dict(type="dict", default={}),
        include_deleted=dict(type="bool", default=False),
        include_secrets=dict(type="bool", default=False),
    )
    module = aws.aws_module(argument_spec, supports_check_mode=True)
    try:
        client = aws.ec2_client(module)
        module.exit_json(changed=False, vpn_connections=list_vpn_connections(client, module.params))
    except CloudError as error:
        fail_with(module, error)


if __name__ == "__main__":
    main()
