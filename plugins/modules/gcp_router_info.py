#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: gcp_router_info
short_description: List Google Cloud Routers with their interfaces, BGP peers and, optionally, BGP session status
version_added: 0.1.0
description:
  - Lists the Cloud Routers of a region by name, by a Compute filter, or all of them, each with its BGP
    settings, interfaces and BGP peers.
  - With O(include_status=true), adds each router's live status (C(routers.getRouterStatus)), that is the state of
    every BGP session and the routes the router learned.
author:
  - multicloud.interconnect contributors (@multicloud-interconnect)
options:
  names:
    description:
      - Names of the routers to list. A name that does not exist is not an error; it is simply not listed.
      - Mutually exclusive with O(filter).
    type: list
    elements: str
  filter:
    description:
      - A Compute API filter expression, for example V(name = "hub-router").
      - When neither O(names) nor O(filter) is set, every router of the region is listed.
    type: str
  include_status:
    description:
      - Whether to read each router's BGP session states and learned routes (one more API call per router).
    type: bool
    default: false
extends_documentation_fragment:
  - multicloud.interconnect.gcp
  - multicloud.interconnect.info_module
seealso:
  - module: multicloud.interconnect.gcp_router
"""

EXAMPLES = r"""
- name: Wait until both BGP sessions to AWS are up
  multicloud.interconnect.gcp_router_info:
    project: net-hub-prod
    region: us-east1
    names: [hub-router]
    include_status: true
  register: hub
  until: hub.routers[0].status.bgp_peer_status | selectattr('status', 'equalto', 'UP') | list | length == 2
  retries: 30
  delay: 10
"""

RETURN = r"""
routers:
  description: The routers found, possibly none, sorted by name.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The router name.
      type: str
      sample: hub-router
    id:
      description: The numeric ID, as a string.
      type: str
      sample: "2958102938475610293"
    self_link:
      description: The router URL.
      type: str
      sample: https://www.googleapis.com/compute/v1/projects/net-hub-prod/regions/us-east1/routers/hub-router
    region:
      description: The region name.
      type: str
      sample: us-east1
    network:
      description: The VPC network as a C(projects/...) path.
      type: str
      sample: projects/net-hub-prod/global/networks/hub-vpc
    description:
      description: The description.
      type: str
      sample: ""
    bgp:
      description: The BGP settings, as M(multicloud.interconnect.gcp_router) returns them.
      type: dict
      sample: {"asn": 65010, "advertise_mode": "DEFAULT", "advertised_groups": [], "advertised_ip_ranges": [], "keepalive_interval": 20}
    interfaces:
      description: The interfaces, as M(multicloud.interconnect.gcp_router) returns them.
      type: list
      elements: dict
      sample:
        - {"name": "if-aws-0", "ip_range": "169.254.10.2/30", "linked_vpn_tunnel": "projects/net-hub-prod/regions/us-east1/vpnTunnels/aws-tunnel-0",
           "management_type": "MANAGED_BY_USER"}
    bgp_peers:
      description: The BGP peers, as M(multicloud.interconnect.gcp_router) returns them.
      type: list
      elements: dict
      sample:
        - {"name": "aws-peer-0", "interface_name": "if-aws-0", "ip_address": "169.254.10.2", "peer_ip_address": "169.254.10.1",
           "peer_asn": 64520, "advertised_route_priority": 100, "enable": true, "bfd": null, "management_type": "MANAGED_BY_USER"}
    status:
      description: The router's live status.
      returned: O(include_status=true)
      type: dict
      contains:
        bgp_peer_status:
          description: One entry per BGP peer.
          type: list
          elements: dict
          sample:
            - {"name": "aws-peer-0", "ip_address": "169.254.10.2", "peer_ip_address": "169.254.10.1", "status": "UP",
               "state": "Established", "num_learned_routes": 2, "uptime": "2 hours, 5 minutes, 3 seconds",
               "linked_vpn_tunnel": "projects/net-hub-prod/regions/us-east1/vpnTunnels/aws-tunnel-0"}
        best_routes_for_router:
          description: The routes the router learned over BGP and selected.
          type: list
          elements: dict
          sample:
            - {"dest_range": "10.20.0.0/16", "next_hop_ip": "169.254.10.1", "priority": 100, "route_type": "BGP",
               "next_hop_vpn_tunnel": "projects/net-hub-prod/regions/us-east1/vpnTunnels/aws-tunnel-0"}
"""

from ansible_collections.multicloud.interconnect.plugins.module_utils import gcp
from ansible_collections.multicloud.interconnect.plugins.module_utils.errors import CloudError, fail_with


def list_routers(session: gcp.GcpSession, params: dict) -> list[dict]:
    if params["names"] is not None:
        raw = [gcp.get_router(session, name) for name in dict.fromkeys(params["names"])]
    else:
        raw = gcp.list_routers(session, params["filter"] or "")
    routers = sorted((gcp.normalize_router(item) for item in raw if item is not None), key=lambda item: item["name"])
    if params["include_status"]:
        for router in routers:
            router["status"] = gcp.normalize_router_status(gcp.get_router_status(session, router["name"]))
    return routers


def main() -> None:
    argument_spec = dict(
        names=dict(type="list", elements="str"),
        filter=dict(type="str"),
        include_status=dict(type="bool", default=False),
    )
    module = gcp.gcp_module(argument_spec, mutually_exclusive=[["names", "filter"]], supports_check_mode=True)
    try:
        session = gcp.compute_session(module)
        module.exit_json(changed=False, routers=list_routers(session, module.params))
    except (CloudError, ValueError) as error:
        fail_with(module, error)


if __name__ == "__main__":
    main()
