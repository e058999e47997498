#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: bgp_peer_status
short_description: Read the BGP adjacencies of AWS, Azure and GCP VPN gateways in one shape and judge their health
version_added: 0.1.0
description:
  - Reads the BGP sessions of the VPN resources named for each cloud and returns them in one shape (local address,
    neighbor, ASNs, state, routes received, uptime, the cloud's reason when a session is down).
    AWS sessions come from the tunnel telemetry of Site-to-Site VPN connections, Azure sessions from the BGP peer
    status of a virtual network gateway, GCP sessions from the status of a Cloud Router.
  - Any subset of the clouds can be read; a cloud is read when its resource option is given
    (O(aws_vpn_connections), O(azure_gateway), O(gcp_router)). The connection options O(aws), O(azure) and O(gcp)
    of a cloud that is not read are ignored, so a play can set all three with C(module_defaults).
  - Judges each session as expected up or expected down. Not every configured session is expected up. An Azure
    active-active gateway tries every local network gateway from both of its instances, but each instance only
    reaches the tunnels whose /30 holds one of its own custom APIPA addresses, so with AWS (four local network
    gateways) or GCP half of the Azure sessions stay C(Connecting) by design. Such a session is reported as
    expected V(down), with the explanation.
  - With O(plan), a session is expected up when its two addresses are the two ends of one planned tunnel /30; the
    session is then named after the plan's link and tunnel. A planned tunnel end on a cloud that is read, for which
    no session exists, is reported as missing. Without O(plan), or for a session the plan does not know, the
    clouds' own configuration decides the same way (the Azure instance's custom APIPA address, or the address the
    connection pins for it, against the local network gateway's BGP peering address).
  - Reports per link whether it is healthy (every session expected up is established and none is missing) and
    fails, unless O(fail_on_unhealthy=false), only when a session expected up is not established or missing,
    naming each one with the cloud's reason. Sessions expected down never cause a failure.
  - With O(wait_healthy=true) it reads again until every session expected up is established, within
    O(wait_timeout).
  - The module only reads, so it never reports a change. It returns no secret (the AWS pre-shared keys that
    C(DescribeVpnConnections) returns are dropped at once).
author:
  - multicloud.interconnect contributors (@multicloud-interconnect)
options:
  aws_vpn_connections:
    description:
      - The AWS Site-to-Site VPN connections to read, each by ID (V(vpn-) followed by 8 or 17 hexadecimal digits)
        or by C(Name) tag. A connection that does not exist, or a name that several live connections share, is an
        error.
      - Connections with static routing have no BGP session and are skipped.
    type: list
    elements: str
  azure_resource_group:
    description:
      - The resource group of O(azure_gateway), its connections and its local network gateways. Required with
        O(azure_gateway).
    type: str
  azure_gateway:
    description:
      - The name of the Azure virtual network gateway whose BGP peers to read.
    type: str
  gcp_router:
    description:
      - The name of the GCP Cloud Router whose BGP peers to read, in the region O(gcp.region).
    type: str
  plan:
    description:
      - The RV(multicloud.interconnect.interconnect_plan#module:plan) of M(multicloud.interconnect.interconnect_plan),
        or its whole registered result.
      - Names links and tunnels after the plan and decides which sessions are expected up (see the description).
        Only links with C(routing=bgp) matter.
      - Every planned BGP tunnel end on a cloud that is read must appear as a session; give all the resources of
        that cloud's site, or a missing session is reported.
    type: dict
  wait_healthy:
    description:
      - Read again until every session expected up is established, within O(wait_timeout).
      - Not done in check mode, where the sessions are read once.
    type: bool
    default: false
  wait_timeout:
    description:
      - How many seconds to wait with O(wait_healthy=true). Azure holds a BGP session for up to 180 seconds after
        its peer stops answering, and an Azure gateway answers a BGP status request in tens of seconds.
    type: int
    default: 600
  fail_on_unhealthy:
    description:
      - Fail when a session expected up is not established or missing (after waiting, with O(wait_healthy=true)).
      - With V(false) the module only reports; RV(healthy) says whether all is well.
    type: bool
    default: true
  aws:
    description:
      - How to reach AWS, with the options every AWS module of this collection takes; used when
        O(aws_vpn_connections) is given. The environment variables those options fall back to still apply.
    default: {}
  azure:
    description:
      - How to reach Azure Resource Manager, with the options every Azure module of this collection takes; used
        when O(azure_gateway) is given. The environment variables those options fall back to still apply.
    default: {}
  gcp:
    description:
      - How to reach Compute Engine, with the options every GCP module of this collection takes; used when
        O(gcp_router) is given. The environment variables those options fall back to still apply.
    default: {}
extends_documentation_fragment:
  - multicloud.interconnect.nested_connections.aws_option
  - multicloud.interconnect.nested_connections.azure_option
  - multicloud.interconnect.nested_connections.gcp_option
  - multicloud.interconnect.info_module
attributes:
  check_mode:
    description: The module only reads; in check mode it reads once and does not wait.
requirements:
  - boto3 >= 1.34.0 and botocore >= 1.34.0 (with O(aws_vpn_connections))
  - azure-mgmt-network >= 28.0.0, azure-core >= 1.30.0 and azure-identity >= 1.15.0 (with O(azure_gateway))
  - google-cloud-compute >= 1.18.0 and google-auth >= 2.20.0 (with O(gcp_router))
notes:
  - Reading needs these permissions. AWS C(ec2:DescribeVpnConnections), C(ec2:DescribeVpnGateways),
    C(ec2:DescribeCustomerGateways). Azure C(Microsoft.Network/virtualNetworkGateways/read),
    C(Microsoft.Network/virtualNetworkGateways/getBgpPeerStatus/action),
    C(Microsoft.Network/connections/read), C(Microsoft.Network/localNetworkGateways/read). GCP
    C(compute.routers.get), C(compute.vpnTunnels.get).
  - States are normalised to V(Established), V(Connecting) (the session is being tried), V(Idle) (configured but
    not tried) and V(Down) (it cannot run, because the tunnel is down, the peer stopped or the state is unknown);
    RV(peers[].cloud_state) keeps the cloud's own word. AWS reports a BGP tunnel C(UP) only while its session is established, and
    C(DOWN) with C(IPSEC IS UP) while IPsec is up but BGP is not.
  - Azure gives no reason for a BGP peer that is down; RV(peers[].message) then carries the status of the
    connection's tunnel on that instance. GCP's reason is the linked VPN tunnel's status and detailed status.
  - The AWS local ASN is the virtual private gateway's; it is V(null) for a connection on a transit gateway.
  - C(module_defaults) merges only the top-level options, so keep the connection options in O(aws), O(azure),
    O(gcp) and the resources in their own options, as in the examples.
  - The module is in no action group, because its connection options are nested per cloud; give it its own
    C(module_defaults) entry.
seealso:
  - module: multicloud.interconnect.interconnect_plan
  - module: multicloud.interconnect.vpn_connection_pair
  - module: multicloud.interconnect.azure_vpn_gateway_info
  - module: multicloud.interconnect.gcp_router_info
  - module: multicloud.interconnect.aws_vpn_connection_info
"""

EXAMPLES = r"""
# Give the connection options once, in the play:
#   module_defaults:
#     multicloud.interconnect.bgp_peer_status:
#       aws: {region: us-east-1}
#       azure: {subscription_id: "{{ azure_subscription_id }}"}
#       gcp: {project: net-hub-prod, region: us-east1}
- name: Wait until every BGP session of the triangle that should be up is up
  multicloud.interconnect.bgp_peer_status:
    plan: "{{ triangle_plan.plan }}"
    aws_vpn_connections: [mci-aws-azure-1, mci-aws-azure-2]
    azure_resource_group: multicloud
    azure_gateway: mci-azure-vng
    gcp_router: mci-gcp-router
    wait_healthy: true
    wait_timeout: 900
  register: bgp

- name: One line per link for the play's summary
  ansible.builtin.debug:
    msg: "{{ bgp.summary }}"

- name: Report only, without a plan and without failing
  multicloud.interconnect.bgp_peer_status:
    azure_resource_group: multicloud
    azure_gateway: mci-azure-vng
    fail_on_unhealthy: false
  register: azure_bgp

- name: The sessions Azure keeps in Connecting by design
  ansible.builtin.debug:
    msg: "{{ azure_bgp.peers | selectattr('expected', 'equalto', 'down') | map(attribute='expected_reason') | list }}"
"""

RETURN = r"""
peers:
  description:
    - Every BGP session read, AWS first, then Azure (instance by instance), then GCP.
  returned: always
  type: list
  elements: dict
  contains:
    cloud:
      description: The cloud that reports the session (V(aws), V(azure), V(gcp)).
      type: str
      sample: azure
    resource:
      description: Where the session lives, C(<vpn id> tunnel <n>), C(<gateway> instance <i>) or C(<router> peer <name>).
      type: str
      sample: mci-azure-vng instance 1
    local_address:
      description: The address the cloud reports for its end (for Azure the instance's default BGP address).
      type: str
      sample: 192.168.1.5
    inside_address:
      description:
        - The address this end speaks BGP from inside the tunnel /30 (for Azure the instance's custom APIPA address
          in the neighbor's /30, or the address the connection pins); V(null) when the end has none.
      type: str
      sample: 169.254.22.2
    neighbor:
      description: The peer's BGP address.
      type: str
      sample: 169.254.21.1
    inside_cidr:
      description: The tunnel /30 the neighbor belongs to (the same on both clouds), V(null) for a peer outside link-local.
      type: str
      sample: 169.254.21.0/30
    asn:
      description: The peer's ASN.
      type: int
      sample: 65002
    local_asn:
      description: This end's ASN.
      type: int
      sample: 65001
    state:
      description: The normalised state, V(Established), V(Connecting), V(Idle) or V(Down).
      type: str
      sample: Connecting
    cloud_state:
      description: The cloud's own word (AWS C(UP)/C(DOWN), Azure C(Connected)/C(Connecting)/..., GCP C(<status>/<state>)).
      type: str
      sample: Connecting
    routes_received:
      description: How many routes the session learned.
      type: int
      sample: 0
    uptime_seconds:
      description: How long the session has been established; V(null) when it is not.
      type: int
      sample: null
    expected:
      description: V(up) or V(down).
      type: str
      sample: down
    expected_reason:
      description: Why the session is expected up or down.
      type: str
      sample: "planned tunnel aws-azure-t1 (169.254.21.0/30) ends on another instance of the gateway (169.254.21.2); by design:
        each instance of an Azure active-active gateway only reaches the tunnels whose /30 holds one of its own APIPA addresses"
    link:
      description: The plan's link, or without a plan the two ends' clouds (or V(AS<n>) for an ASN no cloud read owns).
      type: str
      sample: aws-azure
    tunnel:
      description: The plan's tunnel, or the cloud's name for it (AWS C(<vpn id> tunnel <n>), the Azure connection, the GCP VPN tunnel).
      type: str
      sample: aws-azure-t1
    message:
      description: The cloud's reason while the session is not established.
      type: str
      sample: "connection aws-azure-t1, tunnel aws-azure-t1_198.51.100.41: NotConnected"
links:
  description: The health of each link; planned links first, in plan order.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The link's name (see RV(peers[].link)).
      type: str
      sample: aws-azure
    healthy:
      description: Every session of the link expected up is established and none is missing.
      type: bool
      sample: true
    up:
      description: How many sessions of the link are established.
      type: int
      sample: 8
    expected_up:
      description: How many sessions of the link are expected up (missing ones included).
      type: int
      sample: 8
    expected_down:
      description: How many sessions of the link are expected down.
      type: int
      sample: 4
    down_unexpected:
      description: Each session expected up that is not established, with its state and the cloud's reason.
      type: list
      elements: str
      sample:
        - "aws vpn-0123456789abcdef0 tunnel 1 169.254.21.1 -> 169.254.21.2 (AS65001) [link aws-azure, tunnel aws-azure-t1]: DOWN
          (lab data plane is not running)"
    missing:
      description: Planned tunnel ends on a cloud that was read that have no session between the planned addresses.
      type: list
      elements: str
      sample: ["gcp-azure-t2: no gcp BGP session from 169.254.22.9 to 169.254.22.10 (site gcp)"]
healthy:
  description: Every link is healthy.
  returned: always
  type: bool
  sample: true
summary:
  description: One line per link, for a play's final summary.
  returned: always
  type: list
  elements: str
  sample: ["aws-azure: healthy, 8/8 expected adjacencies established, 8 down by design"]
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.multicloud.interconnect.plugins.module_utils import aws
from ansible_collections.multicloud.interconnect.plugins.module_utils import azure
from ansible_collections.multicloud.interconnect.plugins.module_utils import azure_vpn
from ansible_collections.multicloud.interconnect.plugins.module_utils import bgp
from ansible_collections.multicloud.interconnect.plugins.module_utils import endpoints
from ansible_collections.multicloud.interconnect.plugins.module_utils import gcp
from ansible_collections.multicloud.interconnect.plugins.module_utils.errors import CloudError, WaitTimeout, fail_with
from ansible_collections.multicloud.interconnect.plugins.module_utils.waiters import wait_for

MODULE_NAME = "bgp_peer_status"
# Seconds between two reads while waiting: BGP timers on the clouds run in tens of seconds
# (cloud_facts.BGP_TIMERS_SECONDS); the lab answers at once.
POLL_SECONDS = 15.0
LAB_POLL_SECONDS = 1.0
# Seconds the Azure getBgpPeerStatus long-running operation may take per read.
AZURE_STATUS_TIMEOUT = 300
AWS_CONNECTION_ID = re.compile(r"^vpn-(?:[0-9a-f]{8}|[0-9a-f]{17})$")

Reader = Callable[[], list]


@dataclass
class ConnectionOptions:
    """What the per-cloud session factories read from a module: its options and its name."""

    params: dict
    _name: str = MODULE_NAME


# --------------------------------------------------------------------------- AWS


def find_aws_connections(client: Any, references: list[str]) -> list[dict]:
    """Each connection by ID or Name tag, in the order given; anything missing or ambiguous is an error."""
    found = []
    for reference in dict.fromkeys(references):
        if AWS_CONNECTION_ID.match(reference):
            matches = aws.live_vpn_connections(client, vpn_connection_id=reference)
        else:
            matches = aws.live_vpn_connections(client, name=reference)
        if not matches:
            raise ValueError("aws_vpn_connections: no live VPN connection has the ID or Name tag %r" % reference)
        if len(matches) > 1:
            raise ValueError("aws_vpn_connections: several VPN connections have the Name tag %r (%s)"
                             % (reference, ", ".join(item["VpnConnectionId"] for item in matches)))
        found.append(matches[0])
    return found


def aws_reader(options: dict, references: list[str]) -> Reader:
    client = aws.ec2_client(ConnectionOptions(params=options))
    asns: dict[str, int | None] = {}  # gateway ID -> ASN; fixed once a gateway exists

    def gateway_asn(raw: dict) -> tuple[int | None, int | None]:
        vgw, cgw = raw.get("VpnGatewayId"), raw.get("CustomerGatewayId")
        if vgw and vgw not in asns:
            gateways = aws.describe_vpn_gateways(client, ids=[vgw])
            asns[vgw] = bgp.as_int(gateways[0].get("AmazonSideAsn")) if gateways else None
        if cgw and cgw not in asns:
            gateways = aws.describe_customer_gateways(client, ids=[cgw])
            asns[cgw] = aws.customer_gateway_asn(gateways[0]) if gateways else None
        return asns.get(vgw) if vgw else None, asns.get(cgw) if cgw else None

    def read() -> list:
        now = datetime.datetime.now(datetime.timezone.utc)
        sessions = []
        for raw in find_aws_connections(client, references):
            local_asn, peer_asn = gateway_asn(raw)
            sessions.extend(bgp.aws_adjacencies(raw, local_asn, peer_asn, now))
        return sessions
    return read


# --------------------------------------------------------------------------- Azure


def azure_local_gateways(session: azure.AzureSession, resource_group: str, connections: list[dict]) -> list[dict]:
    """The resource group's local network gateways, plus any a connection uses from another group."""
    raws = azure.list_local_network_gateways(session, resource_group)
    known = {(raw.get("id") or "").lower() for raw in raws}
    for connection in connections:
        wanted = connection.get("local_network_gateway_id") or ""
        if wanted and wanted.lower() not in known:
            raw = azure.get_local_network_gateway(session, azure.id_resource_group(wanted), azure.id_name(wanted))
            if raw is not None:
                raws.append(raw)
                known.add(wanted.lower())
    return [azure_vpn.normalize_local_gateway(raw) for raw in raws]


def azure_reader(options: dict, resource_group: str, name: str) -> Reader:
    if not options.get("subscription_id"):
        raise ValueError("azure.subscription_id: required to read Azure (or set AZURE_SUBSCRIPTION_ID)")
    session = azure.network_session(ConnectionOptions(params=options))

    def read() -> list:
        raw = azure.get_virtual_network_gateway(session, resource_group, name)
        if raw is None:
            raise ValueError("azure_gateway: no virtual network gateway %r in resource group %s" % (name, resource_group))
        gateway = azure_vpn.normalize_gateway(raw)
        rows = azure.get_bgp_peer_status(session, resource_group, name, timeout=AZURE_STATUS_TIMEOUT)
        configuration_ids = [instance["ip_configuration_id"] for instance in gateway["instances"]]
        connections = [connection for connection in (azure_vpn.normalize_connection(item, configuration_ids)
                                                     for item in azure.list_connections(session, resource_group))
                       if azure.same_id(connection["virtual_network_gateway_id"], gateway["id"])]
        return bgp.azure_adjacencies(rows, gateway, connections, azure_local_gateways(session, resource_group, connections))
    return read


# --------------------------------------------------------------------------- GCP


def gcp_reader(options: dict, name: str) -> Reader:
    session = gcp.compute_session(ConnectionOptions(params=dict(options, wait_timeout=None)))

    def read() -> list:
        raw = gcp.get_router(session, name)
        if raw is None:
            raise ValueError("gcp_router: no Cloud Router %r in %s/%s" % (name, session.project, session.region))
        status = gcp.get_router_status(session, name) or {}
        tunnels = {}
        for peer in status.get("bgp_peer_status") or []:
            tunnel = gcp.short_name(peer.get("linked_vpn_tunnel"))
            if peer.get("status") != "UP" and tunnel and tunnel not in tunnels:
                found = gcp.get_vpn_tunnel(session, tunnel)
                if found is not None:
                    tunnels[tunnel] = gcp.normalize_vpn_tunnel(found)
        return bgp.gcp_adjacencies(status, gcp.normalize_router(raw), tunnels)
    return read


# --------------------------------------------------------------------------- reading and judging

# cloud -> (whether its SDK is there, what to install, the connection option holding its endpoint URL)
SDKS = {
    "aws": (aws.HAS_BOTO3, "boto3 and botocore", "endpoint_url"),
    "azure": (azure.HAS_AZURE, "azure-mgmt-network and azure-identity", "base_url"),
    "gcp": (gcp.HAS_GOOGLE_CLOUD_COMPUTE, "google-cloud-compute and google-auth", "api_endpoint"),
}


def clouds_to_read(params: dict) -> list[str]:
    given = {"aws": params["aws_vpn_connections"], "azure": params["azure_gateway"], "gcp": params["gcp_router"]}
    return [cloud for cloud, resource in given.items() if resource]


def make_reader(cloud: str, params: dict) -> Reader:
    options = params[cloud]
    if cloud == "aws":
        return aws_reader(options, params["aws_vpn_connections"])
    if cloud == "azure":
        return azure_reader(options, params["azure_resource_group"], params["azure_gateway"])
    return gcp_reader(options, params["gcp_router"])


class Survey:
    """Reads every cloud given, judges the sessions, and keeps the last report so that a failure can show it."""

    def __init__(self, module: AnsibleModule) -> None:
        params = module.params
        self.clouds = clouds_to_read(params)
        for cloud in self.clouds:
            available, requirement, _endpoint = SDKS[cloud]
            if not available:
                fail_with(module, ImportError(missing_required_lib(requirement)))
        # A bad plan fails before any API call.
        self.tunnels = bgp.planned_tunnels(params["plan"]) if params["plan"] is not None else None
        self.readers = [make_reader(cloud, params) for cloud in self.clouds]
        lab = all(endpoints.is_lab_endpoint(params[cloud].get(SDKS[cloud][2])) for cloud in self.clouds)
        self.poll_seconds = LAB_POLL_SECONDS if lab else POLL_SECONDS
        self.last: bgp.BgpReport | None = None

    def read(self) -> bgp.BgpReport:
        sessions = [session for read in self.readers for session in read()]
        self.last = bgp.build_report(sessions, self.tunnels, self.clouds)
        return self.last

    def gather(self, wait: bool, timeout: int) -> bgp.BgpReport:
        if not wait:
            return self.read()
        return wait_for(self.read, lambda report: report.healthy, what="the BGP sessions expected up", wanted="established",
                        timeout=timeout, delay=self.poll_seconds, describe=bgp.BgpReport.describe_failures)


def unhealthy_error(report: bgp.BgpReport) -> ValueError:
    failures = report.failures()
    return ValueError("%d BGP session(s) expected up are not established: %s" % (len(failures), "; ".join(failures)))


def argument_spec() -> dict:
    return dict(
        aws_vpn_connections=dict(type="list", elements="str"),
        azure_resource_group=dict(type="str"),
        azure_gateway=dict(type="str"),
        gcp_router=dict(type="str"),
        plan=dict(type="dict"),
        wait_healthy=dict(type="bool", default=False),
        wait_timeout=dict(type="int", default=600),
        fail_on_unhealthy=dict(type="bool", default=True),
        aws=aws.nested_connection_option(default={}),
        azure=azure.nested_connection_option(default={}),
        gcp=gcp.nested_connection_option(default={}),
    )


def main() -> None:
    module = AnsibleModule(
        argument_spec=argument_spec(),
        required_one_of=[("aws_vpn_connections", "azure_gateway", "gcp_router")],
        required_together=[("azure_resource_group", "azure_gateway")],
        supports_check_mode=True,
    )
    params = module.params
    survey: Survey | None = None
    try:
        survey = Survey(module)
        report = survey.gather(params["wait_healthy"] and not module.check_mode, params["wait_timeout"])
        if params["fail_on_unhealthy"] and not report.healthy:
            raise unhealthy_error(report)
    except WaitTimeout as error:
        if not params["fail_on_unhealthy"]:
            module.exit_json(changed=False, **survey.last.to_result())
        fail_with(module, error, **survey.last.to_result())
    except (CloudError, ValueError) as error:
        extra = survey.last.to_result() if survey is not None and survey.last is not None else {}
        fail_with(module, error, **extra)
    module.exit_json(changed=False, **report.to_result())


if __name__ == "__main__":
    main()
