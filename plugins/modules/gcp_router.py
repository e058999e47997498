#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: gcp_router
short_description: Manage a Google Cloud Router with its BGP settings, VPN interfaces and BGP peers
version_added: 0.1.0
description:
  - Creates, updates or deletes a Cloud Router (C(routers)) and manages, on the same router, the BGP settings
    (ASN, advertisements, keepalive), the interfaces that carry BGP over HA VPN tunnels, and the BGP peers on
    those interfaces.
  - Interfaces and BGP peers are B(merged) by name. Only the entries named in O(interfaces) and O(bgp_peers)
    are created or changed, and only the fields given in an entry are set. Entries not named are kept unless
    O(purge_interfaces) or O(purge_bgp_peers) is set, so several plays (one per tunnel or per peer cloud) can
    share one router safely.
  - Changes are applied with one C(routers.patch) call carrying the whole merged list (a patch replaces lists),
    or with C(routers.update) when a list becomes empty.
  - Checks before any API call that the ASN is private (64512-65534 or 4200000000-4294967294), that each
    interface's O(interfaces[].ip_range) is an address of a /30 in 169.254.0.0/16, and that each peer's
    O(bgp_peers[].peer_ip_address) is the other usable address of that /30; the classic error "BGP Peer has IP
    address X different from interface IP address Y" is caught here, not by Google.
author:
  - multicloud.interconnect contributors (@multicloud-interconnect)
options:
  name:
    description:
      - Name of the router, unique in the region.
    type: str
    required: true
  state:
    description:
      - V(present) creates or updates the router; V(absent) deletes it.
      - Google refuses to delete a router that VPN tunnels still use; delete the tunnels first.
    type: str
    choices: [present, absent]
    default: present
  network:
    description:
      - The VPC network, as a name, a partial path or a URL. Required to create the router; it cannot change.
    type: str
  description:
    description:
      - A free-text description.
    type: str
  bgp:
    description:
      - BGP settings of the router. Settings not given are left as they are.
    type: dict
    suboptions:
      asn:
        description:
          - The router's ASN, a private one (RFC 6996), used for every BGP session of the router.
          - Required once the router has BGP peers.
        type: int
      advertise_mode:
        description:
          - V(DEFAULT) advertises the VPC's subnets; V(CUSTOM) advertises O(bgp.advertised_groups) and
            O(bgp.advertised_ip_ranges).
        type: str
        choices: [DEFAULT, CUSTOM]
      advertised_groups:
        description:
          - Groups of prefixes to advertise in V(CUSTOM) mode; V(ALL_SUBNETS) is every subnet of the VPC.
        type: list
        elements: str
        choices: [ALL_SUBNETS]
      advertised_ip_ranges:
        description:
          - Extra prefixes to advertise in V(CUSTOM) mode. The list replaces the router's list.
        type: list
        elements: dict
        suboptions:
          range:
            description:
              - The prefix, for example V(10.20.0.0/16).
            type: str
            required: true
          description:
            description:
              - A free-text description of the prefix.
            type: str
      keepalive_interval:
        description:
          - Seconds between BGP keepalive messages, 20-60; the hold time is three times this value.
            Google uses 20 when it is not set.
        type: int
  interfaces:
    description:
      - Router interfaces to create or update, matched by name. Interfaces not listed are left alone unless
        O(purge_interfaces=true). When not set, interfaces are not touched at all.
    type: list
    elements: dict
    suboptions:
      name:
        description:
          - The interface name, unique on the router.
        type: str
        required: true
      ip_range:
        description:
          - The router's address on the tunnel's inside /30, with the prefix length, for example
            V(169.254.10.1/30). It must lie in 169.254.0.0/16 and be a usable address of the /30.
        type: str
      linked_vpn_tunnel:
        description:
          - The HA VPN tunnel the interface uses, as a name (in O(region)), a partial path or a URL.
        type: str
  purge_interfaces:
    description:
      - Whether to delete interfaces that are not named in O(interfaces). Has no effect when O(interfaces) is not set.
      - Their BGP peers must go too (list them in O(bgp_peers) with O(purge_bgp_peers=true)).
    type: bool
    default: false
  bgp_peers:
    description:
      - BGP peers to create or update, matched by name. Peers not listed are left alone unless
        O(purge_bgp_peers=true). When not set, peers are not touched at all.
      - Each interface takes one peer.
    type: list
    elements: dict
    suboptions:
      name:
        description:
          - The peer name, unique on the router.
        type: str
        required: true
      interface_name:
        description:
          - The router interface the session runs on. Required for a new peer.
        type: str
      peer_ip_address:
        description:
          - The peer's address on the link, the other usable address of the interface's /30
            (for O(interfaces[].ip_range=169.254.10.1/30) this is V(169.254.10.2)).
        type: str
      ip_address:
        description:
          - The Cloud Router's own address for this session. Google takes it from the interface, so it is
            best left unset; when set it must equal the interface's address.
        type: str
      peer_asn:
        description:
          - The peer's ASN. Required for a new peer.
        type: int
      advertised_route_priority:
        description:
          - Priority (MED, 0-65535) of the routes advertised to this peer; lower is preferred. Use different
            values on two tunnels to make one of them the backup.
        type: int
      enable:
        description:
          - Whether the session is enabled. V(false) keeps the peer configured but shuts the session down.
        type: bool
      bfd:
        description:
          - Bidirectional Forwarding Detection for the session. Settings not given are left as they are.
        type: dict
        suboptions:
          session_initialization_mode:
            description:
              - V(ACTIVE) or V(PASSIVE) enables BFD; V(DISABLED) turns it off.
            type: str
            choices: [ACTIVE, PASSIVE, DISABLED]
          min_transmit_interval:
            description:
              - Minimum interval between BFD packets sent, 1000-30000 ms.
            type: int
          min_receive_interval:
            description:
              - Minimum interval between BFD packets received, 1000-30000 ms.
            type: int
          multiplier:
            description:
              - Missed packets after which the session is declared down, 5-16.
            type: int
  purge_bgp_peers:
    description:
      - Whether to delete BGP peers that are not named in O(bgp_peers). Has no effect when O(bgp_peers) is not set.
    type: bool
    default: false
extends_documentation_fragment:
  - multicloud.interconnect.gcp
attributes:
  check_mode:
    support: full
    description: Check mode predicts the merged router, and which interfaces and peers would change, without any mutating API call.
  diff_mode:
    support: full
    description: Shows the router, with its interfaces and peers, before and after.
notes:
  - google.cloud's router module cannot manage interfaces or BGP peers (google.cloud#251); this module does,
    with merge semantics, check mode and diff support.
seealso:
  - module: multicloud.interconnect.gcp_router_info
  - module: multicloud.interconnect.gcp_vpn_tunnel
"""

EXAMPLES = r"""
- name: Cloud Router of the hub, ASN 65010
  multicloud.interconnect.gcp_router:
    project: net-hub-prod
    region: us-east1
    name: hub-router
    network: hub-vpc
    bgp:
      asn: 65010
      keepalive_interval: 20

- name: BGP over the two tunnels to AWS (other peers on the router are kept)
  multicloud.interconnect.gcp_router:
    project: net-hub-prod
    region: us-east1
    name: hub-router
    interfaces:
      - name: if-aws-0
        ip_range: 169.254.10.2/30
        linked_vpn_tunnel: aws-tunnel-0
      - name: if-aws-1
        ip_range: 169.254.10.6/30
        linked_vpn_tunnel: aws-tunnel-1
    bgp_peers:
      - name: aws-peer-0
        interface_name: if-aws-0
        peer_ip_address: 169.254.10.1
        peer_asn: 64520
      - name: aws-peer-1
        interface_name: if-aws-1
        peer_ip_address: 169.254.10.5
        peer_asn: 64520
        advertised_route_priority: 200

- name: Drain one session for maintenance, touching nothing else
  multicloud.interconnect.gcp_router:
    project: net-hub-prod
    region: us-east1
    name: hub-router
    bgp_peers:
      - name: aws-peer-1
        enable: false

- name: Advertise the VPC subnets and an on-premises summary
  multicloud.interconnect.gcp_router:
    project: net-hub-prod
    region: us-east1
    name: hub-router
    bgp:
      advertise_mode: CUSTOM
      advertised_groups: [ALL_SUBNETS]
      advertised_ip_ranges:
        - range: 10.128.0.0/9
          description: GCP summary
"""

RETURN = r"""
router:
  description: The router after the change (predicted in check mode); empty after O(state=absent).
  returned: always
  type: dict
  contains:
    name:
      description: The router name.
      type: str
      sample: hub-router
    id:
      description: The numeric ID, as a string; V(null) in check mode when it would be created.
      type: str
      sample: "2958102938475610293"
    self_link:
      description: The router URL; V(null) in check mode when it would be created.
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
      description: The BGP settings; V(null) when the router has none.
      type: dict
      sample:
        asn: 65010
        advertise_mode: DEFAULT
        advertised_groups: []
        advertised_ip_ranges: []
        keepalive_interval: 20
    interfaces:
      description: The router interfaces.
      type: list
      elements: dict
      contains:
        name:
          description: The interface name.
          type: str
          sample: if-aws-0
        ip_range:
          description: The router's address on the link, with the prefix length.
          type: str
          sample: 169.254.10.2/30
        linked_vpn_tunnel:
          description: The tunnel as a C(projects/...) path.
          type: str
          sample: projects/net-hub-prod/regions/us-east1/vpnTunnels/aws-tunnel-0
        management_type:
          description: C(MANAGED_BY_USER), or C(MANAGED_BY_ATTACHMENT) for interfaces Google manages.
          type: str
          sample: MANAGED_BY_USER
    bgp_peers:
      description: The BGP peers.
      type: list
      elements: dict
      contains:
        name:
          description: The peer name.
          type: str
          sample: aws-peer-0
        interface_name:
          description: The interface the session runs on.
          type: str
          sample: if-aws-0
        ip_address:
          description: The Cloud Router's address for the session.
          type: str
          sample: 169.254.10.2
        peer_ip_address:
          description: The peer's address.
          type: str
          sample: 169.254.10.1
        peer_asn:
          description: The peer's ASN.
          type: int
          sample: 64520
        advertised_route_priority:
          description: The priority of the routes advertised to the peer.
          type: int
          sample: 100
        enable:
          description: Whether the session is enabled.
          type: bool
          sample: true
        bfd:
          description: The BFD settings, V(null) when none are set.
          type: dict
          sample: {"session_initialization_mode": "ACTIVE", "min_transmit_interval": 1000, "min_receive_interval": 1000, "multiplier": 5}
        management_type:
          description: Who manages the peer.
          type: str
          sample: MANAGED_BY_USER
changes:
  description: What was (or, in check mode, would be) changed on the router.
  returned: O(state=present)
  type: dict
  sample:
    bgp: [keepalive_interval]
    description: false
    interfaces: {"added": ["if-aws-1"], "updated": [], "removed": []}
    bgp_peers: {"added": ["aws-peer-1"], "updated": ["aws-peer-0"], "removed": []}
"""

from typing import Any

from ansible_collections.multicloud.interconnect.plugins.module_utils import gcp
from ansible_collections.multicloud.interconnect.plugins.module_utils.errors import CloudError, WaitTimeout, fail_with


def create(module: Any, session: gcp.GcpSession) -> dict:
    params = module.params
    if not params["network"]:
        raise ValueError("network: required to create router %s (got None)" % params["name"])
    body = gcp.router_create_body(params, session.project, session.region)
    bgp = body.get("bgp") or {}
    problems = gcp.router_links_problems(body["interfaces"], body["bgp_peers"], bgp.get("asn"))
    mode_problem = gcp.advertise_mode_problem(bgp.get("advertise_mode"), params["bgp"])
    gcp.raise_problems(problems + ([mode_problem] if mode_problem else []))
    summary = {"bgp": sorted(body.get("bgp") or {}), "description": params["description"] is not None,
               "interfaces": {"added": [item["name"] for item in body["interfaces"]], "updated": [], "removed": []},
               "bgp_peers": {"added": [item["name"] for item in body["bgp_peers"]], "updated": [], "removed": []}}
    if module.check_mode:
        predicted = dict(gcp.with_peer_addresses(body), region=session.region)
        return dict(gcp.module_result(module, "router", True, {}, gcp.normalize_router(predicted)), changes=summary)
    gcp.insert_router(session, body)
    created = gcp.get_router(session, params["name"]) or {}
    return dict(gcp.module_result(module, "router", True, {}, gcp.normalize_router(created)), changes=summary)


def update(module: Any, session: gcp.GcpSession, raw: dict) -> dict:
    params = module.params
    before = gcp.normalize_router(raw)
    wanted_network = gcp.router_network_path(params["network"], session.project)
    if wanted_network and wanted_network != before["network"]:
        raise ValueError(gcp.immutable_problem("network", "router %s" % raw["name"], before["network"], params["network"],
                                               "delete the router (state=absent) to create it in another network"))
    plan = gcp.plan_router(raw, params, session.project, session.region)
    gcp.raise_problems(gcp.router_plan_problems(plan, params))
    if not plan.changed:
        return dict(gcp.module_result(module, "router", False, before, before), changes=plan.summary())
    if module.check_mode:
        after = gcp.normalize_router(gcp.with_peer_addresses(plan.after))
        return dict(gcp.module_result(module, "router", True, before, after), changes=plan.summary())
    if plan.use_update:
        gcp.update_router(session, raw["name"], gcp.router_update_body(plan.after))
    else:
        gcp.patch_router(session, raw["name"], plan.changes)
    after = gcp.normalize_router(gcp.get_router(session, raw["name"]) or {})
    return dict(gcp.module_result(module, "router", True, before, after), changes=plan.summary())


def ensure_absent(module: Any, session: gcp.GcpSession, raw: dict | None) -> dict:
    if raw is None:
        return gcp.module_result(module, "router", False, {}, {})
    changed = True
    if not module.check_mode:
        changed = gcp.delete_router(session, module.params["name"])
    return gcp.module_result(module, "router", changed, gcp.normalize_router(raw), {})


def main() -> None:
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        network=dict(type="str"),
        description=dict(type="str"),
        bgp=dict(type="dict", options=dict(
            asn=dict(type="int"),
            advertise_mode=dict(type="str", choices=["DEFAULT", "CUSTOM"]),
            advertised_groups=dict(type="list", elements="str", choices=["ALL_SUBNETS"]),
            advertised_ip_ranges=dict(type="list", elements="dict", options=dict(
                range=dict(type="str", required=True),
                description=dict(type="str"),
            )),
            keepalive_interval=dict(type="int"),
        )),
        interfaces=dict(type="list", elements="dict", options=dict(
            name=dict(type="str", required=True),
            ip_range=dict(type="str"),
            linked_vpn_tunnel=dict(type="str"),
        )),
        purge_interfaces=dict(type="bool", default=False),
        bgp_peers=dict(type="list", elements="dict", options=dict(
            name=dict(type="str", required=True),
            interface_name=dict(type="str"),
            peer_ip_address=dict(type="str"),
            ip_address=dict(type="str"),
            peer_asn=dict(type="int"),
            advertised_route_priority=dict(type="int"),
            enable=dict(type="bool"),
            bfd=dict(type="dict", options=dict(
                session_initialization_mode=dict(type="str", choices=["ACTIVE", "PASSIVE", "DISABLED"]),
                min_transmit_interval=dict(type="int"),
                min_receive_interval=dict(type="int"),
                multiplier=dict(type="int"),
            )),
        )),
        purge_bgp_peers=dict(type="bool", default=False),
    )
    module = gcp.gcp_module(argument_spec, supports_check_mode=True)
    try:
        if module.params["state"] == "present":
            gcp.raise_problems(gcp.router_input_problems(module.params))
        session = gcp.compute_session(module)
        raw = gcp.get_router(session, module.params["name"])
        if module.params["state"] == "absent":
            result = ensure_absent(module, session, raw)
        elif raw is None:
            result = create(module, session)
        else:
            result = update(module, session, raw)
        module.exit_json(**result)
    except (CloudError, WaitTimeout, ValueError) as error:
        fail_with(module, error)


if __name__ == "__main__":
    main()
