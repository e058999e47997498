#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to the multicloud.interconnect collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: interconnect_plan
short_description: Plan the tunnels between cloud and on-premises networks
version_added: 0.1.0
description:
  - Turns a small model of O(sites) and O(links) into everything both ends of every tunnel need
    (inside /30 networks and addresses, BGP ASNs, pre-shared keys, the IKE/IPsec proposal) and a
    Mermaid diagram of the result.
  - Touches no cloud. It only computes, so it is safe in check mode and always reports RV(ignore:changed=false).
  - Bad input fails before anything else with one message that names the offending field and value,
    for example C(links[0].inside_cidrs[1]), the reason, and the value given.
  - Inside /30 networks lie in Azure's custom APIPA range (V(169.254.21.0)-V(169.254.22.255)) on every
    link with an Azure end (instance 0 uses V(169.254.21.0/24), instance 1 V(169.254.22.0/24)), elsewhere in
    V(169.254.0.0/16) away from the APIPA range and the /30s AWS reserves. They are unique across the
    plan. AWS takes the first usable address of a /30, Azure the second.
  - Sites without O(sites[].gateway.asn) that take part in a BGP link get the lowest free private ASN
    that no cloud of theirs or of their peers reserves.
  - The proposal is the strongest one both clouds accept, from the capability tables in
    C(plugins/module_utils/cloud_facts.py); O(links[].ike) narrows it.
  - B(Pre-shared keys.) A tunnel keeps the key from O(links[].psk), else the key for its name in
    O(existing_psks), else gets a new random key (Python C(secrets)). New keys are returned in
    RV(generated_psks). The plan is deterministic except for new keys, so feed every key back through
    O(existing_psks) on the next run (read back from the cloud, or kept in an ansible-vault encrypted
    file, see the examples) and reruns never rotate keys.
author:
  - multicloud.interconnect contributors (@multicloud-interconnect)
requirements:
  - netaddr
attributes:
  check_mode:
    support: full
    description: The module never changes anything.
  diff_mode:
    support: none
    description: Nothing changes, so there is no diff.
options:
  sites:
    description:
      - The networks to connect, one per cloud VPC/VNet or on-premises site.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description:
          - Unique site name (letters, digits, V(.), V(_) and V(-)); links refer to sites by it.
        type: str
        required: true
      cloud:
        description:
          - Where the site lives.
        type: str
        required: true
        choices: [aws, azure, gcp, alibaba, digitalocean, onprem]
      region:
        description:
          - The cloud region (or a free-form location for V(onprem)).
        type: str
        required: true
      cidrs:
        description:
          - The site's address space. No two sites may overlap, and none may overlap V(169.254.0.0/16).
        type: list
        elements: str
        required: true
      gateway:
        description:
          - The site's VPN gateway.
        type: dict
        suboptions:
          kind:
            description:
              - V(vgw) or V(tgw) on AWS; V(active_active), V(active_standby) or V(policy) on Azure; V(ha_vpn) on GCP;
                V(vpn_gateway) on Alibaba; V(droplet) on DigitalOcean; V(strongswan) or V(router) on premises.
              - Defaults to the first kind listed for the cloud.
            type: str
            choices: [vgw, tgw, active_active, active_standby, policy, ha_vpn, vpn_gateway, droplet, strongswan, router]
          asn:
            description:
              - The gateway's BGP ASN. Must be private, unique, and not reserved by this cloud or any BGP peer's cloud
                (for example 64512, the AWS default, or 65515, 65517-65520 on Azure).
              - Planned when omitted and the site has a BGP link.
            type: int
          sku:
            description:
              - Azure gateway SKU, used for the tunnel limit (default V(VpnGw1), 30 S2S tunnels).
            type: str
  links:
    description:
      - The tunnels to build, one entry per pair of sites.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description:
          - Unique link name; tunnels are named after it (V(<name>-t1), V(<name>-t2), ...).
          - Defaults to V(<a>-<b>).
        type: str
      a:
        description:
          - Name of the first site.
        type: str
        required: true
      b:
        description:
          - Name of the second site.
        type: str
        required: true
      routing:
        description:
          - V(bgp) plans ASNs and BGP addresses; V(static) leaves ASNs out.
        type: str
        choices: [bgp, static]
        default: bgp
      tunnels:
        description:
          - Number of tunnels. Defaults to what the pattern needs, for example 4 between AWS and an active-active
            Azure gateway or GCP HA VPN (two AWS connections), 2 between AWS and any other peer, 2 between GCP HA VPN
            and an active-active Azure gateway.
          - Links to AWS need a multiple of 2 (one AWS VPN connection has 2 tunnels).
        type: int
      inside_cidrs:
        description:
          - Inside /30 networks for the first tunnels, in tunnel order; the rest are planned.
          - Pin the planned ones here to keep them when links are added or renamed later.
        type: list
        elements: str
      psk:
        description:
          - Pre-shared key for every tunnel of the link. Must satisfy both clouds (AWS 8-64 letters, digits, V(.)
            and V(_), not starting with V(0)).
        type: str
      ike:
        description:
          - Narrow the negotiated proposal. Every value must be accepted by both clouds.
        type: dict
        suboptions:
          ike_version:
            description: IKE version.
            type: str
            choices: [ikev1, ikev2]
          encryption:
            description: Encryption for both phases.
            type: str
            choices: [aes128, aes192, aes256, aes128gcm16, aes192gcm16, aes256gcm16, 3des]
          integrity:
            description: Integrity (or, with an AES-GCM cipher in phase 1, PRF) hash.
            type: str
            choices: [md5, sha1, sha256, sha384, sha512]
          dh_group:
            description: Phase 1 Diffie-Hellman group number (for example V(14) for modp2048, V(20) for ecp384).
            type: int
          pfs_group:
            description: Phase 2 PFS group number.
            type: int
          phase1_lifetime:
            description: Phase 1 (IKE SA) lifetime in seconds.
            type: int
          phase2_lifetime:
            description: Phase 2 (IPsec SA) lifetime in seconds.
            type: int
  existing_psks:
    description:
      - Pre-shared keys to keep, by tunnel name, for example the RV(generated_psks) of an earlier run
        read back from the cloud or from an ansible-vault encrypted file.
      - Because this option is C(no_log), Ansible masks these values wherever they appear in the result.
        That is why the result returns only new keys (RV(generated_psks)) and never the keys passed in.
    type: dict
    default: {}
notes:
  - The plan is deterministic for a given input, except for newly generated pre-shared keys.
  - Adding a link can move the planned /30s of links whose names sort after it; pin them with O(links[].inside_cidrs).
seealso:
  - name: AWS Site-to-Site VPN tunnel options
    description: Inside CIDR, pre-shared key and IKE rules AWS applies.
    link: https://docs.aws.amazon.com/vpn/latest/s2svpn/VPNTunnels.html
  - name: Azure VPN gateway and AWS over BGP
    description: The APIPA layout this planner follows for AWS and Azure.
    link: https://learn.microsoft.com/azure/vpn-gateway/vpn-gateway-howto-aws-bgp
"""

EXAMPLES = r"""
- name: Plan the AWS / Azure / GCP triangle
  multicloud.interconnect.interconnect_plan:
    sites:
      - name: azure
        cloud: azure
        region: eastus
        cidrs: [192.168.0.0/16]
        gateway: {kind: active_active, asn: 65001}
      - name: aws
        cloud: aws
        region: us-east-1
        cidrs: [172.16.0.0/16]
        gateway: {kind: vgw, asn: 65002}
      - name: gcp
        cloud: gcp
        region: us-east1
        cidrs: [10.0.1.0/24]
        gateway: {kind: ha_vpn, asn: 65003}
    links:
      - {a: aws, b: azure}
      - {a: gcp, b: azure}
      - {a: aws, b: gcp}
    existing_psks: "{{ interconnect_psks | default({}) }}"
  register: triangle
  no_log: true  # the result holds new pre-shared keys

- name: Keep new keys in an ansible-vault encrypted file, so the next run reuses them
  ansible.builtin.copy:
    dest: "{{ inventory_dir }}/group_vars/all/interconnect_psks.yml"
    content: "{{ {'interconnect_psks': interconnect_psks | default({}) | combine(triangle.generated_psks)} | to_nice_yaml }}"
    mode: "0600"
  when: triangle.generated_psks | length > 0
  no_log: true
  # then: ansible-vault encrypt group_vars/all/interconnect_psks.yml

- name: Show the diagram (paste into a README or https://mermaid.live)
  ansible.builtin.debug:
    msg: "{{ triangle.mermaid }}"

- name: Static AWS <-> Alibaba link with a given key and IKEv2 only
  multicloud.interconnect.interconnect_plan:
    sites:
      - {name: aws, cloud: aws, region: us-east-1, cidrs: [172.80.64.0/19]}
      - {name: ali, cloud: alibaba, region: cn-shanghai, cidrs: [192.168.0.0/16]}
    links:
      - a: aws
        b: ali
        routing: static
        psk: "{{ vault_aws_ali_psk }}"
        ike: {ike_version: ikev2}
"""

RETURN = r"""
plan:
  description:
    - The plan, sites and links sorted by name. Pre-shared keys are not in it (see RV(generated_psks)).
  returned: success
  type: dict
  contains:
    sites:
      description: One entry per site with its planned gateway ASN (V(null) without BGP).
      type: list
      elements: dict
      sample: [{"name": "aws", "cloud": "aws", "region": "us-east-1", "cidrs": ["172.16.0.0/16"],
                "gateway": {"kind": "vgw", "asn": 65002}}]
    links:
      description:
        - One entry per link with its tunnels and proposal.
        - Each tunnel has C(name), C(index), C(inside_cidr) and one end per site (C(a), C(b)) with C(site), C(cloud),
          C(role) (for example V(VPN connection 1 tunnel 2) or V(instance 0 connection 1)), C(connection),
          C(endpoint) (Azure instance, GCP interface, AWS tunnel slot),
          C(inside_cidr), C(inside_ip), C(peer_inside_ip), C(asn) and C(peer_asn).
        - C(proposal) has C(ike_version), C(phase1) (C(encryption), C(integrity), C(dh_group), C(lifetime)),
          C(phase2) (C(encryption), C(integrity), C(pfs_group), C(lifetime)), C(strongswan) (C(ike) and C(esp)
          proposal strings) and C(cloud_names), the proposal in each cloud's own API shape and names.
      type: list
      elements: dict
      sample:
        - name: aws-azure
          a: aws
          b: azure
          routing: bgp
          tunnels:
            - name: aws-azure-t1
              index: 0
              inside_cidr: 169.254.21.0/30
              a: {site: aws, cloud: aws, role: VPN connection 1 tunnel 1, connection: 0, endpoint: 0,
                  inside_cidr: 169.254.21.0/30, inside_ip: 169.254.21.1, peer_inside_ip: 169.254.21.2,
                  asn: 65002, peer_asn: 65001}
              b: {site: azure, cloud: azure, role: instance 0 connection 1, connection: 0, endpoint: 0,
                  inside_cidr: 169.254.21.0/30, inside_ip: 169.254.21.2, peer_inside_ip: 169.254.21.1,
                  asn: 65001, peer_asn: 65002}
          proposal:
            ike_version: ikev2
            phase1: {encryption: aes256gcm16, integrity: sha384, dh_group: 20, lifetime: 28800}
            phase2: {encryption: aes256gcm16, integrity: null, pfs_group: 20, lifetime: 3600}
            strongswan: {ike: aes256gcm16-prfsha384-ecp384, esp: aes256gcm16-ecp384}
            cloud_names:
              azure: {connectionProtocol: IKEv2, ikeEncryption: GCMAES256, ikeIntegrity: SHA384, dhGroup: ECP384,
                      ipsecEncryption: GCMAES256, ipsecIntegrity: GCMAES256, pfsGroup: ECP384, saLifeTimeSeconds: 3600}
    mermaid:
      description: Same as RV(mermaid).
      type: str
mermaid:
  description:
    - The plan as a Mermaid flowchart (sites, gateways with ASNs, one edge per tunnel with its /30, inside addresses and ASNs).
    - Paste it into a fenced C(mermaid) block of a Markdown file or into U(https://mermaid.live).
  returned: success
  type: str
  sample: "flowchart LR\n  subgraph site0[\"aws (aws us-east-1)\"]\n    gw0[\"vgw<br/>ASN 65002\"]\n ..."
generated_psks:
  description:
    - B(Secret.) New pre-shared keys by tunnel name, only for tunnels that had no key in O(links[].psk) or O(existing_psks).
    - Store them (ansible-vault, or read them back from the cloud next time) and pass them as O(existing_psks) on the
      next run. Run the task with C(no_log) to keep them out of logs.
  returned: success
  type: dict
  sample: {"aws-azure-t1": "Gq3vX0bK9rT2mW7yN4pL8sD1fH6jZ5cA"}
"""

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.multicloud.interconnect.plugins.module_utils import planner

CLOUD_CHOICES = ["aws", "azure", "gcp", "alibaba", "digitalocean", "onprem"]
GATEWAY_KIND_CHOICES = ["vgw", "tgw", "active_active", "active_standby", "policy", "ha_vpn", "vpn_gateway", "droplet", "strongswan", "router"]


def argument_spec() -> dict:
    gateway = dict(
        kind=dict(type="str", choices=GATEWAY_KIND_CHOICES),
        asn=dict(type="int"),
        sku=dict(type="str"),
    )
    site = dict(
        name=dict(type="str", required=True),
        cloud=dict(type="str", required=True, choices=CLOUD_CHOICES),
        region=dict(type="str", required=True),
        cidrs=dict(type="list", elements="str", required=True),
        gateway=dict(type="dict", options=gateway),
    )
    ike = dict(
        ike_version=dict(type="str", choices=["ikev1", "ikev2"]),
        encryption=dict(type="str", choices=["aes128", "aes192", "aes256", "aes128gcm16", "aes192gcm16", "aes256gcm16", "3des"]),
        integrity=dict(type="str", choices=["md5", "sha1", "sha256", "sha384", "sha512"]),
        dh_group=dict(type="int"),
        pfs_group=dict(type="int"),
        phase1_lifetime=dict(type="int"),
        phase2_lifetime=dict(type="int"),
    )
    link = dict(
        name=dict(type="str"),
        a=dict(type="str", required=True),
        b=dict(type="str", required=True),
        routing=dict(type="str", choices=["bgp", "static"], default="bgp"),
        tunnels=dict(type="int"),
        inside_cidrs=dict(type="list", elements="str"),
        psk=dict(type="str", no_log=True),
        ike=dict(type="dict", options=ike),
    )
    return dict(
        sites=dict(type="list", elements="dict", required=True, options=site),
        links=dict(type="list", elements="dict", default=[], options=link),
        existing_psks=dict(type="dict", default={}, no_log=True),
    )


def _without_unset(value):
    """Drop the None values AnsibleModule fills in for options the user did not set."""
    if isinstance(value, dict):
        return {key: _without_unset(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_unset(item) for item in value]
    return value


def main() -> None:
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    if not planner.HAS_NETADDR:
        module.fail_json(msg=missing_required_lib("netaddr"), exception=str(planner.NETADDR_IMPORT_ERROR))
    try:
        plan = planner.build_plan(
            _without_unset(module.params["sites"]),
            _without_unset(module.params["links"]),
            existing_psks=module.params["existing_psks"],
        )
    except planner.PlanError as error:
        module.fail_json(msg=str(error), field=error.field)
    plan_dict = plan.to_dict(include_secrets=False)
    module.exit_json(changed=False, plan=plan_dict, mermaid=plan_dict["mermaid"], generated_psks=plan.generated_psks)


if __name__ == "__main__":
    main()
