#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: vpn_connection_pair
short_description: One VPN link between two clouds as one object, rendered from the plan or read back from both clouds
version_added: 0.1.0
description:
  - Treats both ends of a VPN link between two clouds (today AWS and Alibaba Cloud) as one object.
  - With O(state=rendered) it renders, from the plan of M(multicloud.interconnect.interconnect_plan), the matched
    parameters of both ends of every tunnel of a link, each in the vocabulary of its cloud's module
    (one entry of O(multicloud.interconnect.aws_vpn_connection#module:tunnel_options) for AWS,
    O(multicloud.interconnect.alibaba_ipsec_connection#module:ike_config) and
    O(multicloud.interconnect.alibaba_ipsec_connection#module:ipsec_config) for Alibaba). It touches no cloud and needs
    no credentials. Both rendered ends are also translated back and compared, as with O(state=gathered).
  - With O(state=gathered) it reads both ends of a built link back (the AWS VPN connection with its tunnel options,
    pre-shared keys and telemetry; the Alibaba VPN gateway, IPsec connections and customer gateways), pairs the
    tunnels by their addresses, and reports for each tunnel whether the two ends agree (tunnel IPs, IKE/IPsec
    proposal, pre-shared keys, inside CIDR, networks and traffic selectors) and whether both clouds report it up,
    in one shape for every cloud.
  - Proposals are compared in the collection's canonical vocabulary. An AWS tunnel accepts lists of algorithms, so
    it agrees with an Alibaba tunnel when Alibaba's single choice for every field is in AWS's list.
  - With O(wait=any) or O(wait=all) it waits until that many tunnels are up on both ends. It fails at once, not
    after O(wait_timeout), when the tunnels it waits for have configurations that disagree, naming each mismatch.
    After a timeout the failure gives every tunnel's last status with the clouds' own explanations.
  - Pre-shared keys are compared, never returned; a difference is reported as C(pre-shared keys differ).
  - The module only reads, so it never reports a change.
author:
  - multicloud.interconnect contributors (@multicloud-interconnect)
options:
  state:
    description:
      - V(rendered) computes both ends' parameters from O(plan), offline.
      - V(gathered) reads both ends back from the clouds named by O(aws) and O(alibaba).
    type: str
    choices: [rendered, gathered]
    default: gathered
  plan:
    description:
      - The RV(multicloud.interconnect.interconnect_plan#module:plan) of M(multicloud.interconnect.interconnect_plan),
        or its whole registered result. Required with O(state=rendered).
    type: dict
  link:
    description:
      - The link's name in O(plan). Required with O(state=rendered).
      - With O(state=gathered) tunnels are named after it (V(<link>-t1), V(<link>-t2), the planner's names);
        defaults to O(name).
    type: str
  psks:
    description:
      - Pre-shared keys by tunnel name, for example the plan's RV(multicloud.interconnect.interconnect_plan#module:generated_psks)
        with the keys it was given. Only used with O(state=rendered), to check that every key suits both clouds and to
        report in C(psk_given) of RV(rendered.tunnels) which tunnels have one. Keys are never returned.
    type: dict
    default: {}
  name:
    description:
      - The base name the resources of the link have, as the C(multicloud.interconnect.aws_alibaba_vpn) role gives them.
        The AWS VPN connection (C(Name) tag) and the Alibaba VPN gateway are named O(name), the Alibaba IPsec connections
        V(<name>-t1), V(<name>-t2) (the peer of AWS tunnel 1 and 2), or O(name) for one dual-tunnel connection.
      - Required with O(state=gathered).
    type: str
  aws:
    description:
      - How to reach the AWS end, with the options every AWS module of this collection takes. The environment
        variables those options fall back to still apply.
      - With O(state=gathered), give the options of both ends (O(aws) and O(alibaba)); an empty dict means
        "environment and SDK defaults only".
  alibaba:
    description:
      - How to reach the Alibaba Cloud end, with the options every Alibaba module of this collection takes. The
        environment variables those options fall back to still apply.
  wait:
    description:
      - With O(state=gathered), wait until V(any) tunnel or V(all) tunnels are up on both ends, within O(wait_timeout).
        V(none) reads once.
      - Fails at once when the tunnels waited for have ends that disagree (with V(any), when every tunnel does),
        because such a tunnel never comes up; the message names each mismatch.
      - Also decides what RV(healthy) requires, V(any) one tunnel up, V(all) and V(none) every tunnel up.
      - Not done in check mode (the link is read once).
    type: str
    choices: [none, any, all]
    default: none
  wait_timeout:
    description:
      - How many seconds to wait for the tunnels with O(wait).
    type: int
    default: 900
extends_documentation_fragment:
  - multicloud.interconnect.nested_connections.aws_option
  - multicloud.interconnect.nested_connections.alibaba_option
  - multicloud.interconnect.info_module
attributes:
  check_mode:
    description: The module only reads; in check mode it reads once and does not wait.
requirements:
  - boto3 >= 1.34.0 and botocore >= 1.34.0 (O(state=gathered) with an AWS end)
  - alibabacloud-vpc20160428 >= 7.0.0 and alibabacloud-tea-openapi >= 0.4.3 (O(state=gathered) with an Alibaba end)
notes:
  - Reading needs these permissions. AWS C(ec2:DescribeVpnConnections) (the response includes the tunnels' pre-shared
    keys), C(ec2:DescribeCustomerGateways), C(ec2:DescribeVpnGateways), C(ec2:DescribeVpcs). Alibaba
    C(vpc:DescribeVpnGateways), C(vpc:DescribeVpnConnections), C(vpc:DescribeCustomerGateways),
    C(vpc:DescribeVpnConnectionLogs).
  - Lifetimes are not compared; each end rekeys on its own timer. Different lifetimes are listed in
    RV(tunnels[].notes).
  - What each end sends into the tunnel (AWS static routes, the Alibaba remote subnet) is checked against the other
    end's networks (the Alibaba local subnet, the CIDRs of the VPC the AWS gateway is attached to). Covering none of
    them is a mismatch; covering part of them is a note, because exposing part of a network can be intended. BGP
    connections learn their routes, so the check is skipped for their AWS end.
  - In check mode of a play that would build the link, the resources do not exist yet and O(state=gathered) fails;
    skip the task there with a C(when) condition on C(ansible_check_mode).
seealso:
  - module: multicloud.interconnect.interconnect_plan
  - module: multicloud.interconnect.aws_vpn_connection
  - module: multicloud.interconnect.alibaba_ipsec_connection
  - name: ansible.netcommon resource module states
    description: Where the V(rendered) and V(gathered) states come from.
    link: https://docs.ansible.com/ansible/latest/network/user_guide/network_resource_modules.html
"""

EXAMPLES = r"""
- name: Render both ends of the AWS <-> Alibaba link, offline
  multicloud.interconnect.vpn_connection_pair:
    state: rendered
    plan: "{{ aws_alibaba_plan.plan }}"
    link: aws-alibaba
    psks: "{{ existing_psks | combine(aws_alibaba_plan.generated_psks) }}"
  register: rendered

- name: The AWS tunnel options of tunnel 1, ready for aws_vpn_connection (add the key)
  ansible.builtin.debug:
    msg: "{{ rendered.rendered.tunnels[0].a.parameters }}"

- name: Wait until both tunnels are up on both clouds, or fail with the mismatch or the clouds' reason
  multicloud.interconnect.vpn_connection_pair:
    state: gathered
    name: mci-aws-alibaba
    link: aws-alibaba
    aws:
      region: us-east-1
    alibaba:
      region: cn-hangzhou
    wait: all
    wait_timeout: 900
  register: link_status

- name: One line per tunnel for the play's final summary
  ansible.builtin.debug:
    msg: "{{ link_status.summary }}"

- name: Report without waiting, and fail only if the ends disagree
  multicloud.interconnect.vpn_connection_pair:
    name: mci-aws-alibaba
    aws: {}
    alibaba: {}
  register: link_status
  failed_when: link_status.tunnels | rejectattr('agree') | list | length > 0
"""

RETURN = r"""
rendered:
  description:
    - Both ends of every tunnel of the link, from the plan. Pre-shared keys are never included.
  returned: O(state=rendered)
  type: dict
  contains:
    link:
      description: The link's C(name), sites C(a) and C(b), and C(routing).
      type: dict
      sample: {"name": "aws-alibaba", "a": "aws", "b": "alibaba", "routing": "static"}
    proposal:
      description: The planned proposal in canonical names (C(ike_version), C(phase1), C(phase2), C(strongswan)).
      type: dict
      sample:
        ike_version: ikev2
        phase1: {encryption: aes256, integrity: sha512, dh_group: 14, lifetime: 28800}
        phase2: {encryption: aes256, integrity: sha512, pfs_group: 14, lifetime: 3600}
        strongswan: {ike: aes256-sha512-modp2048, esp: aes256-sha512-modp2048}
    tunnels:
      description:
        - One entry per tunnel with its C(name), C(index), C(inside_cidr), both ends C(a) and C(b), C(psk_given),
          C(problems) (keys a cloud would refuse), C(agree), C(mismatches) and C(notes).
        - Each end has C(site), C(cloud), C(role), C(inside_ip), C(peer_inside_ip), C(asn), C(peer_asn), C(module) (the
          module the parameters are for) and C(parameters) in that module's vocabulary (V(null) for a cloud without a
          module yet).
      type: list
      elements: dict
      sample:
        - name: aws-alibaba-t1
          index: 0
          inside_cidr: 169.254.0.4/30
          a:
            site: aws
            cloud: aws
            role: VPN connection 1 tunnel 1
            inside_ip: 169.254.0.5
            peer_inside_ip: 169.254.0.6
            asn: null
            peer_asn: null
            module: multicloud.interconnect.aws_vpn_connection
            parameters: {ike_versions: [ikev2], phase1_encryption_algorithms: [AES256], phase1_integrity_algorithms: [SHA2-512],
                         phase1_dh_group_numbers: [14], phase1_lifetime_seconds: 28800, phase2_encryption_algorithms: [AES256],
                         phase2_integrity_algorithms: [SHA2-512], phase2_dh_group_numbers: [14], phase2_lifetime_seconds: 3600,
                         tunnel_inside_cidr: 169.254.0.4/30}
          b:
            site: alibaba
            cloud: alibaba
            role: IPsec connection 1 tunnel 1
            inside_ip: 169.254.0.6
            peer_inside_ip: 169.254.0.5
            asn: null
            peer_asn: null
            module: multicloud.interconnect.alibaba_ipsec_connection
            parameters:
              ike_config: {ike_version: ikev2, ike_enc_alg: aes256, ike_auth_alg: sha512, ike_pfs: group14, ike_lifetime: 28800}
              ipsec_config: {ipsec_enc_alg: aes256, ipsec_auth_alg: sha512, ipsec_pfs: group14, ipsec_lifetime: 3600}
          psk_given: true
          problems: []
          agree: true
          mismatches: []
          notes: []
tunnels:
  description:
    - Every tunnel of the link as read back, in the order the first cloud (AWS) lists its tunnels, then the second
      cloud's ends that have no counterpart. An end is V(null) when the other cloud has nothing for it.
  returned: O(state=gathered)
  type: list
  elements: dict
  contains:
    name:
      description: The planner's tunnel name, V(<link>-tN) for the tunnel the ends were built for.
      type: str
      sample: aws-alibaba-t1
    a:
      description:
        - The first cloud's end (AWS), in the shape every cloud shares. C(cloud), C(resource) (where it lives),
          C(outside_ip) (its public address), C(peer_ip) (where it expects the other cloud), C(status) (the cloud's own
          word), C(status_message) (the cloud's explanation, for example AWS's C(StatusMessage) or Alibaba's last
          negotiation log line), C(up), C(inside_cidr), C(proposal) (what it accepts, in canonical names, in the
          shape of the collection's IKE capability tables), C(local_cidrs), C(remote_cidrs), C(traffic_selectors).
        - Never contains the pre-shared key.
      type: dict
      sample:
        cloud: aws
        resource: vpn-0123456789abcdef0 tunnel 1
        outside_ip: 203.0.113.10
        peer_ip: 198.51.100.24
        status: DOWN
        status_message: lab data plane is not running
        up: false
        inside_cidr: 169.254.0.4/30
        proposal:
          ike_versions: [ikev2]
          phase1: {encryption: [aes256], integrity: [sha512], dh_groups: [14], lifetime: 28800}
          phase2: {encryption: [aes256], integrity: [sha512], pfs_groups: [14], lifetime: 3600}
        local_cidrs: [172.80.64.0/19]
        remote_cidrs: [192.168.0.0/16]
        traffic_selectors: {local: [0.0.0.0/0], remote: [0.0.0.0/0]}
    b:
      description: The second cloud's end (Alibaba), same shape as RV(tunnels[].a).
      type: dict
      sample:
        cloud: alibaba
        resource: vco-bp1q8m2xkq0w3n5b6v7c8 (mci-aws-alibaba-t1)
        outside_ip: 198.51.100.24
        peer_ip: 203.0.113.10
        status: ike_sa_not_established
        status_message: null
        up: false
        inside_cidr: null
        proposal:
          ike_versions: [ikev2]
          phase1: {encryption: [aes256], integrity: [sha512], dh_groups: [14], lifetime: 28800}
          phase2: {encryption: [aes256], integrity: [sha512], pfs_groups: [14], lifetime: 3600}
        local_cidrs: [192.168.0.0/16]
        remote_cidrs: [172.80.64.0/19]
        traffic_selectors: {local: [192.168.0.0/16], remote: [172.80.64.0/19]}
    agree:
      description: Both ends exist and nothing in their configurations keeps the tunnel down.
      type: bool
      sample: true
    mismatches:
      description: One message per disagreement, naming the field and both clouds' values (never a key).
      type: list
      elements: str
      sample: ["IKE phase 1 encryption: aws accepts [AES128] but alibaba offers aes256", "pre-shared keys differ"]
    notes:
      description: Differences that do not keep the tunnel down (lifetimes, networks covered in part), and what could not be compared.
      type: list
      elements: str
      sample: []
    up:
      description: Both clouds report the tunnel up (AWS C(UP), Alibaba C(ipsec_sa_established)).
      type: bool
      sample: false
    proposal:
      description: The canonical proposal the two ends settle on (strongest common values), V(null) when they cannot.
      type: dict
      sample:
        ike_version: ikev2
        phase1: {encryption: aes256, integrity: sha512, dh_group: 14, lifetime: 28800}
        phase2: {encryption: aes256, integrity: sha512, pfs_group: 14, lifetime: 3600}
healthy:
  description: Every tunnel's ends agree and the tunnels O(wait) asks for are up (V(none) and V(all) every tunnel, V(any) one).
  returned: O(state=gathered)
  type: bool
  sample: true
up_tunnels:
  description: How many tunnels both clouds report up.
  returned: O(state=gathered)
  type: int
  sample: 2
summary:
  description: One line per tunnel for a play's final summary.
  returned: always
  type: list
  elements: str
  sample:
    - "aws-alibaba-t1: aws 203.0.113.10 UP <-> alibaba 198.51.100.24 ipsec_sa_established
      | ikev2 ike=aes256-sha512-modp2048 esp=aes256-sha512-modp2048 | agree"
    - "aws-alibaba-t2: aws 203.0.113.11 DOWN (lab data plane is not running) <-> alibaba 198.51.100.24 ike_sa_not_established
      | no common proposal | MISMATCH: IKE phase 1 encryption: aws accepts [AES128] but alibaba offers aes256"
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.multicloud.interconnect.plugins.module_utils import alibaba
from ansible_collections.multicloud.interconnect.plugins.module_utils import aws
from ansible_collections.multicloud.interconnect.plugins.module_utils import aws_vpn
from ansible_collections.multicloud.interconnect.plugins.module_utils import pair
from ansible_collections.multicloud.interconnect.plugins.module_utils.errors import CloudError, WaitTimeout, fail_with
from ansible_collections.multicloud.interconnect.plugins.module_utils.waiters import wait_for

MODULE_NAME = "vpn_connection_pair"
# Seconds between two reads of both clouds while waiting (each read is a handful of Describe calls).
POLL_SECONDS = 10.0


# --------------------------------------------------------------------------- readers, one per cloud


@dataclass
class ClientOptions:
    """What aws.ec2_client reads from a module: the connection options and the module name."""

    params: dict
    _name: str = MODULE_NAME


def find_aws_connection(client: Any, name: str) -> dict:
    found = aws.live_vpn_connections(client, name=name)
    if not found:
        raise ValueError("aws: no VPN connection has the Name tag %r" % name)
    if len(found) > 1:
        raise ValueError("aws: several VPN connections have the Name tag %r (%s)" % (name, ", ".join(item["VpnConnectionId"] for item in found)))
    return found[0]


def aws_vpc_cidrs(client: Any, raw_connection: dict) -> list[str] | None:
    """CIDRs of the VPC the connection's VGW is attached to; None on a transit gateway or a detached VGW."""
    gateway_id = raw_connection.get("VpnGatewayId")
    gateway = aws.get_vpn_gateway(client, gateway_id) if gateway_id else None
    vpc_ids = [item["VpcId"] for item in (gateway or {}).get("VpcAttachments") or [] if item.get("State") == "attached"]
    if not vpc_ids:
        return None
    return [cidr for vpc in aws.describe_vpcs(client, ids=vpc_ids) for cidr in pair.aws_vpc_cidrs(vpc)]


def aws_reader(options: dict, name: str) -> Callable[[], list[pair.TunnelEnd]]:
    client = aws.ec2_client(ClientOptions(params=options))

    def read() -> list[pair.TunnelEnd]:
        raw = find_aws_connection(client, name)
        gateways = aws.describe_customer_gateways(client, ids=[raw["CustomerGatewayId"]]) if raw.get("CustomerGatewayId") else []
        customer_gateway_ip = gateways[0].get("IpAddress") if gateways else None
        connection = aws_vpn.normalize_vpn_connection(raw, include_secrets=True)
        return pair.aws_tunnel_ends(connection, customer_gateway_ip, aws_vpc_cidrs(client, raw))
    return read


def find_alibaba_gateway(client: Any, region: str, name: str) -> dict:
    found = [gateway for gateway in alibaba.describe_vpn_gateways(client, region) if gateway.get("Name") == name]
    if not found:
        raise ValueError("alibaba: no VPN gateway is named %r in %s" % (name, region))
    if len(found) > 1:
        raise ValueError("alibaba: several VPN gateways are named %r (%s)" % (name, ", ".join(item["VpnGatewayId"] for item in found)))
    return found[0]


def alibaba_customer_gateway_ips(client: Any, region: str, connections: list[dict]) -> dict[str, str]:
    ids = {connection.get("customer_gateway_id") for connection in connections}
    ids |= {tunnel.get("customer_gateway_id") for connection in connections for tunnel in connection.get("tunnel_options") or []}
    ips = {}
    for gateway_id in sorted(item for item in ids if item):
        found = alibaba.describe_customer_gateways(client, region, customer_gateway_id=gateway_id)
        if found:
            ips[gateway_id] = found[0].get("IpAddress")
    return ips


def alibaba_messages(client: Any, region: str, connections: list[dict]) -> dict[str, str]:
    """The last negotiation log line of every tunnel that is not up: Alibaba's own words on why."""
    messages = {}
    for connection in connections:
        if connection.get("established"):
            continue
        try:
            lines = alibaba.describe_vpn_connection_logs(client, region, connection["vpn_connection_id"])
        except CloudError:
            continue  # the log is an explanation, not a reason to fail
        tunnels = connection.get("tunnel_options") or []
        if not tunnels and lines:
            messages[connection["vpn_connection_id"]] = lines[-1]
        for tunnel in tunnels:
            own = [line for line in lines if tunnel.get("tunnel_id") and tunnel["tunnel_id"] in line]
            if own:
                messages[tunnel["tunnel_id"]] = own[-1]
    return messages


def alibaba_reader(options: dict, name: str) -> Callable[[], list[pair.TunnelEnd]]:
    client = alibaba.vpc_client(options)
    region = options["region"]

    def read() -> list[pair.TunnelEnd]:
        gateway = find_alibaba_gateway(client, region, name)
        raw = [connection for connection in alibaba.describe_vpn_connections(client, region, vpn_gateway_id=gateway["VpnGatewayId"])
               if connection.get("Name") == name or pair.slot_from_name(connection.get("Name"), name) is not None]
        if not raw:
            raise ValueError("alibaba: VPN gateway %s (%s) has no IPsec connection named %s-t1, %s-t2, ... or %s"
                             % (gateway["VpnGatewayId"], name, name, name, name))
        connections = [alibaba.normalize_vpn_connection(item) for item in raw]
        return pair.alibaba_tunnel_ends(connections, gateway.get("InternetIp"), alibaba_customer_gateway_ips(client, region, connections),
                                        alibaba_messages(client, region, connections), name)
    return read


# Cloud option -> (reader factory, whether its SDK is there, what to install). In a link's order: the
# first given cloud is end "a".
READERS: dict[str, tuple[Callable[[dict, str], Callable[[], list[pair.TunnelEnd]]], bool, str]] = {
    "aws": (aws_reader, aws.HAS_BOTO3, "boto3 and botocore"),
    "alibaba": (alibaba_reader, alibaba.HAS_ALIBABA_SDK, alibaba.SDK_REQUIREMENT),
}


# --------------------------------------------------------------------------- states


def rendered_result(params: dict) -> dict:
    rendered = pair.render_link(pair.plan_of(params["plan"]), params["link"], params["psks"])
    return {"changed": False, "rendered": rendered, "summary": pair.rendered_summary(rendered)}


class LinkReader:
    """Reads both ends of the link and keeps the last report, so that a failure can show it."""

    def __init__(self, module: AnsibleModule) -> None:
        params = module.params
        self.link = params["link"] or params["name"]
        given = [cloud for cloud in READERS if params[cloud] is not None]
        if len(given) != 2:
            raise ValueError("state=gathered needs the connection options of both ends (%s), got %s"
                             % (" and ".join(READERS), " and ".join(given) or "none"))
        for cloud in given:
            _factory, available, requirement = READERS[cloud]
            if not available:
                fail_with(module, ImportError(missing_required_lib(requirement)))
        self.clouds = given
        self.readers = [READERS[cloud][0](params[cloud], params["name"]) for cloud in given]
        self.last: pair.LinkReport | None = None

    def read(self) -> pair.LinkReport:
        a_ends, b_ends = (read() for read in self.readers)
        a_cloud, b_cloud = self.clouds
        self.last = pair.LinkReport(self.link, a_cloud, b_cloud, pair.pair_tunnels(self.link, a_cloud, b_cloud, a_ends, b_ends))
        return self.last


def gather(reader: LinkReader, mode: str, timeout: int, check_mode: bool) -> pair.LinkReport:
    """One read, or reads until the wanted tunnels are up; a disagreement that keeps them down ends the wait."""
    if mode == "none" or check_mode:
        return reader.read()
    report = wait_for(reader.read, lambda current: current.enough_up(mode) or current.hopeless(mode) is not None,
                      what="the tunnels of link %s" % reader.link, wanted="up on both ends (%s)" % mode, timeout=timeout,
                      delay=POLL_SECONDS, describe=pair.LinkReport.describe_statuses)
    reason = report.hopeless(mode)
    if reason and not report.enough_up(mode):
        raise ValueError(reason)
    return report


def argument_spec() -> dict:
    return dict(
        state=dict(type="str", default="gathered", choices=["rendered", "gathered"]),
        plan=dict(type="dict"),
        link=dict(type="str"),
        psks=dict(type="dict", default={}, no_log=True),
        name=dict(type="str"),
        aws=aws.nested_connection_option(),
        alibaba=alibaba.nested_connection_option(),
        wait=dict(type="str", default="none", choices=list(pair.WAIT_MODES)),
        wait_timeout=dict(type="int", default=900),
    )


def main() -> None:
    module = AnsibleModule(
        argument_spec=argument_spec(),
        required_if=[("state", "rendered", ["plan", "link"]), ("state", "gathered", ["name"])],
        supports_check_mode=True,
    )
    params = module.params
    reader: LinkReader | None = None
    try:
        if params["state"] == "rendered":
            module.exit_json(**rendered_result(params))
        reader = LinkReader(module)
        report = gather(reader, params["wait"], params["wait_timeout"], module.check_mode)
        module.exit_json(changed=False, **report.to_result(params["wait"]))
    except (CloudError, WaitTimeout, ValueError) as error:
        extra = reader.last.to_result(params["wait"]) if reader is not None and reader.last is not None else {}
        fail_with(module, error, **extra)


if __name__ == "__main__":
    main()
