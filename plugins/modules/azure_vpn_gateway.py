#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: azure_vpn_gateway
short_description: Manage an Azure route-based VPN gateway, active-active with custom APIPA BGP addresses
version_added: 0.1.0
description:
  - Creates, updates or deletes an Azure virtual network gateway of type C(Vpn), route-based, in the C(GatewaySubnet)
    of a virtual network.
  - Builds B(active-active) gateways the way Azure requires them, with exactly two IP configurations, each with its
    own Standard static public IP. The module creates the public IPs it needs (see O(public_ip_names)).
  - Sets the gateway's BGP ASN and the B(custom APIPA BGP addresses of each instance)
    (C(bgpSettings.bgpPeeringAddresses[].customBgpIpAddresses)), which peers such as AWS need because they only
    peer on link-local addresses.
  - Returns per instance the public IP, the default BGP address in the C(GatewaySubnet) and the custom APIPA
    addresses, so the other end of each tunnel (an AWS customer gateway, a GCP peer gateway) can be built from them.
  - Validates its input before any API call (APIPA range, ASN, SKU, public IP count) and fails once, naming every
    wrong field.
  - Creating a gateway in Azure takes about 40 minutes. With O(wait=false) the module returns as soon as Azure has
    accepted the request (the instance public IPs are already known then), so a play can build the other clouds'
    side meanwhile and later poll M(multicloud.interconnect.azure_vpn_gateway_info) until
    RV(multicloud.interconnect.azure_vpn_gateway_info#module:virtual_network_gateways[].provisioning_state=Succeeded).
author:
  - multicloud.interconnect contributors (@multicloud-interconnect)
options:
  state:
    description:
      - V(present) creates or updates the gateway; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  name:
    description:
      - Name of the virtual network gateway.
    type: str
    required: true
  resource_group:
    description:
      - Resource group of the gateway. Public IPs named by O(public_ip_names) without a full ID live here too.
    type: str
    required: true
  location:
    description:
      - Azure region of the gateway, for example V(eastus).
      - When not set, a new gateway takes the region of O(virtual_network).
      - Azure cannot move a gateway; a different region for an existing gateway makes the module fail.
    type: str
  virtual_network:
    description:
      - Name (in O(resource_group)) or ID of the virtual network. It must have a subnet named C(GatewaySubnet).
      - Required to create a gateway; Azure cannot move an existing gateway to another network.
    type: str
  active_active:
    description:
      - Whether both gateway instances terminate tunnels, each with its own public IP (two IP configurations).
      - A new gateway is active-active unless this is V(false). Azure can switch an existing gateway in both
        directions; turning it on adds a second IP configuration and public IP.
    type: bool
  public_ip_names:
    description:
      - Public IPs of the instances, instance 0 first, as names in O(resource_group) or IDs. Two for an
        active-active gateway, one otherwise.
      - Public IPs that do not exist are created as Standard SKU, static IPv4 addresses in the gateway's region.
        Existing ones are used as they are, and must be Standard and static for an active-active gateway.
      - When not set, a new gateway uses (and creates) V(<name>-pip0) and V(<name>-pip1).
      - Azure cannot change the public IP of an existing instance; naming another one makes the module fail.
    type: list
    elements: str
  sku:
    description:
      - The gateway SKU, for example V(VpnGw1), V(VpnGw2AZ). V(Basic) supports neither BGP nor active-active.
      - A new gateway gets V(VpnGw1) when not set.
    type: str
  generation:
    description:
      - The VPN gateway generation. Azure picks one for a new gateway when not set.
    type: str
    choices: [Generation1, Generation2]
  enable_bgp:
    description:
      - Whether the gateway runs BGP with its peers. Needed by connections with
        O(multicloud.interconnect.azure_vpn_connection#module:enable_bgp=true).
    type: bool
  asn:
    description:
      - The gateway's BGP ASN. Azure uses V(65515) when not set.
      - Must be a private 16-bit ASN (64512-65534) that Azure does not reserve (65515, Azure's own default, is allowed).
    type: int
  custom_bgp_ip_addresses:
    description:
      - Custom APIPA BGP addresses per instance, as one list per instance, instance 0 first. The addresses of an
        instance are the gateway's inside tunnel addresses towards peers that need link-local BGP (AWS).
      - Every address must lie in 169.254.21.0-169.254.22.255 and be used only once.
        By convention instance 0 takes addresses from 169.254.21.0/24 and instance 1 from 169.254.22.0/24.
      - The lists replace what the gateway has; V([[], []]) removes them all. When not set, they are left as they are.
      - A connection picks which address of each instance it uses with
        O(multicloud.interconnect.azure_vpn_connection#module:gateway_custom_bgp_ip_addresses).
    type: list
    elements: list
  delete_public_ips:
    description:
      - With O(state=absent), also delete the gateway's public IPs once the gateway is gone (needs O(wait=true)).
      - When the gateway is already gone, the public IPs named by O(public_ip_names) (or the default names) are deleted.
    type: bool
    default: false
  wait:
    description:
      - Whether to wait until Azure has finished creating, changing or deleting the gateway.
      - With V(false) the module returns once Azure has accepted the request; RV(virtual_network_gateway.provisioning_state)
        is then usually V(Updating). A later run with O(wait=true) waits for such a gateway before comparing it.
      - Public IPs are always waited for (they take seconds).
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait for each operation. Azure often takes 40 minutes or more to create a gateway.
    type: int
    default: 3600
extends_documentation_fragment:
  - multicloud.interconnect.azure
  - multicloud.interconnect.azure.tags
attributes:
  check_mode:
    support: full
    description: Check mode predicts the gateway (including the instance public IPs of existing public IP resources) without any write.
  diff_mode:
    support: full
    description: Shows the gateway's settings and instances before and after.
notes:
  - Unlike M(azure.azcollection.azure_rm_virtualnetworkgateway), this module builds active-active gateways with two
    distinct public IPs, sets custom APIPA BGP addresses per instance and has a wait timeout.
  - Updates read the gateway and write it back with only the given options changed, so settings this module
    does not manage (point-to-site, NAT rules) are kept.
seealso:
  - module: multicloud.interconnect.azure_vpn_gateway_info
  - module: multicloud.interconnect.azure_local_network_gateway
  - module: multicloud.interconnect.azure_vpn_connection
"""

EXAMPLES = r"""
- name: Active-active gateway with custom APIPA addresses for BGP with AWS (instance 0 -> .21.x, instance 1 -> .22.x)
  multicloud.interconnect.azure_vpn_gateway:
    name: hub-vpngw
    resource_group: multicloud
    virtual_network: hub
    sku: VpnGw2
    generation: Generation2
    enable_bgp: true
    asn: 65010
    custom_bgp_ip_addresses:
      - [169.254.21.2, 169.254.21.6]
      - [169.254.22.2, 169.254.22.6]
  register: vpngw

- name: The public IPs the peers connect to
  ansible.builtin.debug:
    msg: "{{ vpngw.virtual_network_gateway.instances | map(attribute='public_ip_address') }}"

- name: Start creating the gateway (about 40 minutes) and build the AWS side meanwhile
  multicloud.interconnect.azure_vpn_gateway:
    name: hub-vpngw
    resource_group: multicloud
    virtual_network: hub
    enable_bgp: true
    asn: 65010
    custom_bgp_ip_addresses: [[169.254.21.2], [169.254.22.2]]
    wait: false
  register: vpngw

- name: AWS customer gateways for both Azure instances (runs while Azure provisions)
  multicloud.interconnect.aws_customer_gateway:
    name: "azure-instance-{{ item.index }}"
    ip_address: "{{ item.public_ip_address }}"
    bgp_asn: 65010
  loop: "{{ vpngw.virtual_network_gateway.instances }}"

- name: Wait for the gateway
  multicloud.interconnect.azure_vpn_gateway_info:
    name: hub-vpngw
    resource_group: multicloud
  register: found
  until: found.virtual_network_gateways[0].provisioning_state == 'Succeeded'
  retries: 120
  delay: 30

- name: Use existing public IPs from another resource group
  multicloud.interconnect.azure_vpn_gateway:
    name: edge-vpngw
    resource_group: edge
    virtual_network: /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/edge
    public_ip_names:
      - /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ips/providers/Microsoft.Network/publicIPAddresses/edge-a
      - /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ips/providers/Microsoft.Network/publicIPAddresses/edge-b

- name: Delete the gateway and the public IPs it used
  multicloud.interconnect.azure_vpn_gateway:
    name: hub-vpngw
    resource_group: multicloud
    state: absent
    delete_public_ips: true
"""

RETURN = r"""
virtual_network_gateway:
  description: The gateway after the change (predicted in check mode); empty after O(state=absent).
  returned: always
  type: dict
  contains:
    id:
      description: The gateway's resource ID.
      type: str
      sample: /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/multicloud/providers/Microsoft.Network/virtualNetworkGateways/hub-vpngw
    name:
      description: The gateway's name.
      type: str
      sample: hub-vpngw
    resource_group:
      description: The gateway's resource group.
      type: str
      sample: multicloud
    location:
      description: The gateway's region.
      type: str
      sample: eastus
    provisioning_state:
      description: C(Succeeded) when ready; C(Updating) while Azure works on it (see O(wait)).
      type: str
      sample: Succeeded
    gateway_type:
      description: Always C(Vpn) for gateways this module creates.
      type: str
      sample: Vpn
    vpn_type:
      description: C(RouteBased) for gateways this module creates.
      type: str
      sample: RouteBased
    sku:
      description: The SKU.
      type: str
      sample: VpnGw2
    generation:
      description: The VPN gateway generation.
      type: str
      sample: Generation2
    active_active:
      description: Whether both instances are active.
      type: bool
      sample: true
    enable_bgp:
      description: Whether BGP is enabled.
      type: bool
      sample: true
    asn:
      description: The gateway's BGP ASN.
      type: int
      sample: 65010
    virtual_network_id:
      description: The virtual network the gateway is deployed in.
      type: str
      sample: /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/multicloud/providers/Microsoft.Network/virtualNetworks/hub
    custom_bgp_ip_addresses:
      description: Custom APIPA BGP addresses per instance (instance 0 first), in the shape of O(custom_bgp_ip_addresses).
      type: list
      elements: list
      sample: [["169.254.21.2", "169.254.21.6"], ["169.254.22.2", "169.254.22.6"]]
    instances:
      description: The gateway instances, one per IP configuration, instance 0 first.
      type: list
      elements: dict
      contains:
        index:
          description: Instance number (0 or 1).
          type: int
          sample: 0
        ip_configuration_name:
          description: Name of the instance's IP configuration.
          type: str
          sample: instance0
        ip_configuration_id:
          description: ID of the IP configuration; connections name it in their custom BGP address list.
          type: str
          sample: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/multicloud/providers/Microsoft.Network\
            /virtualNetworkGateways/hub-vpngw/ipConfigurations/instance0"
        public_ip_id:
          description: ID of the instance's public IP resource.
          type: str
          sample: /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/multicloud/providers/Microsoft.Network/publicIPAddresses/hub-vpngw-pip0
        public_ip_address:
          description: The instance's public IP, the remote address peers build their tunnels to.
            V(null) in check mode for a public IP that does not exist yet.
          type: str
          sample: 203.0.113.40
        default_bgp_ip_addresses:
          description: The instance's BGP address in the C(GatewaySubnet), used with peers that are not link-local.
          type: list
          elements: str
          sample: ["192.168.1.4"]
        custom_bgp_ip_addresses:
          description: The instance's custom APIPA BGP addresses.
          type: list
          elements: str
          sample: ["169.254.21.2", "169.254.21.6"]
        tunnel_ip_addresses:
          description: The tunnel endpoint addresses Azure reports for the instance.
          type: list
          elements: str
          sample: ["203.0.113.40"]
    tags:
      description: The gateway's tags.
      type: dict
      sample: {"env": "lab"}
"""

import copy
from typing import Any

from ansible_collections.multicloud.interconnect.plugins.module_utils import azure
from ansible_collections.multicloud.interconnect.plugins.module_utils import azure_vpn
from ansible_collections.multicloud.interconnect.plugins.module_utils import cloud_facts
from ansible_collections.multicloud.interconnect.plugins.module_utils.diff import build_diff, differing_fields
from ansible_collections.multicloud.interconnect.plugins.module_utils.resource import run_state_module
from ansible_collections.multicloud.interconnect.plugins.module_utils.waiters import wait_for

PUBLIC_IP_TYPE = "publicIPAddresses"


def input_problems(params: dict) -> list[str]:
    """Everything wrong with the options, found before any API call."""
    active = params.get("active_active")
    instances = azure_vpn.instance_count(active if active is not None else True)
    problems = [
        azure.base_url_problem(params.get("base_url")),
        azure_vpn.sku_problem("sku", params.get("sku")),
        azure_vpn.gateway_asn_problem("asn", params.get("asn")),
    ]
    names = params.get("public_ip_names")
    if names is not None and active is not None and len(names) != instances:
        problems.append("public_ip_names: %s gateway needs %d public IP(s), got %d"
                        % ("an active-active" if active else "a single-instance", instances, len(names)))
    elif names is not None and not 1 <= len(names) <= azure_vpn.instance_count(True):
        problems.append("public_ip_names: give 1 or 2 public IPs, got %d" % len(names))
    if active is not None:
        maximum = instances
    else:
        maximum = len(names) if names else azure_vpn.instance_count(True)
    problems.extend(azure_vpn.custom_bgp_problems("custom_bgp_ip_addresses", params.get("custom_bgp_ip_addresses"), maximum))
    if params["state"] == "absent" and params["delete_public_ips"] and not params["wait"]:
        problems.append("delete_public_ips: needs wait=true (Azure frees the public IPs only once the gateway is gone)")
    return [problem for problem in problems if problem]


class GatewayManager:
    """Brings one virtual network gateway (and its public IPs) to the wanted state; no writes in check mode."""

    def __init__(self, module: Any, session: azure.AzureSession) -> None:
        self.module = module
        self.session = session
        self.params = module.params
        self.check_mode = module.check_mode
        self.changed = False
        self.resource_group = self.params["resource_group"]
        self.name = self.params["name"]
        self.gateway_id = azure.resource_id(session.subscription_id, self.resource_group, "virtualNetworkGateways", self.name)

    # ----------------------------------------------------------------------- reads

    def read(self) -> dict | None:
        return azure.get_virtual_network_gateway(self.session, self.resource_group, self.name)

    def find(self) -> dict | None:
        """The gateway; one another run left Updating is waited for first (not in check mode, not without wait)."""
        raw = self.read()
        if raw is not None and not azure.is_settled(raw) and self.params["wait"] and not self.check_mode:
            raw = wait_for(self.read, azure.is_settled, what="virtual network gateway %s" % self.name, wanted="settled",
                           timeout=self.params["wait_timeout"], delay=self.session.settle_delay, describe=azure.describe_state)
        return raw

    def public_ip_id(self, value: str) -> str:
        return azure.reference_id(value, self.session.subscription_id, self.resource_group, PUBLIC_IP_TYPE)

    def given_public_ip_ids(self) -> list[str] | None:
        names = self.params.get("public_ip_names")
        return None if names is None else [self.public_ip_id(name) for name in names]

    def default_public_ip_ids(self, count: int) -> list[str]:
        return [self.public_ip_id("%s-pip%d" % (self.name, index)) for index in range(count)]

    def read_public_ips(self, ids: list[str]) -> dict[str, dict]:
        """Lower-case id -> public IP, for the ones that exist."""
        found = {}
        for public_ip_id in ids:
            public_ip = azure.get_public_ip_address(self.session, azure.id_resource_group(public_ip_id), azure.id_name(public_ip_id))
            if public_ip is not None:
                found[public_ip_id.lower()] = public_ip
        return found

    def public_ip_problems(self, ids: list[str], public_ips: dict[str, dict], active_active: bool) -> list[str]:
        problems = []
        instances = azure_vpn.instance_count(active_active)
        if len(ids) != instances:
            problems.append("public_ip_names: %s gateway needs %d public IP(s), got %d"
                            % ("an active-active" if active_active else "a single-instance", instances, len(ids)))
        for index, public_ip_id in enumerate(ids):
            public_ip = public_ips.get(public_ip_id.lower())
            if public_ip is not None:
                problems.append(azure_vpn.public_ip_problem("public_ip_names[%d]" % index, public_ip, active_active, self.gateway_id))
        return [problem for problem in problems if problem]

    def ensure_public_ips(self, ids: list[str], public_ips: dict[str, dict], location: str) -> None:
        """Create the public IPs that do not exist yet (always waited for: the gateway PUT references them)."""
        for public_ip_id in ids:
            if public_ip_id.lower() not in public_ips:
                public_ips[public_ip_id.lower()] = azure.create_or_update_public_ip_address(
                    self.session, azure.id_resource_group(public_ip_id), azure.id_name(public_ip_id),
                    azure_vpn.public_ip_body(location), timeout=self.params["wait_timeout"])

    def write(self, body: dict) -> dict:
        return azure.create_or_update_virtual_network_gateway(self.session, self.resource_group, self.name, body,
                                                              wait=self.params["wait"], timeout=self.params["wait_timeout"])

    # ----------------------------------------------------------------------- present

    def create(self) -> dict:
        params = self.params
        if not params.get("virtual_network"):
            raise ValueError("virtual_network: required to create virtual network gateway %s" % self.name)
        vnet_id = azure.reference_id(params["virtual_network"], self.session.subscription_id, self.resource_group, "virtualNetworks")
        vnet = azure.get_virtual_network(self.session, azure.id_resource_group(vnet_id), azure.id_name(vnet_id))
        subnet_id = azure_vpn.gateway_subnet_id(vnet) if vnet is not None else None
        if subnet_id is None:
            problem = ("virtual_network: %s does not exist" % vnet_id if vnet is None
                       else "virtual_network: %s has no subnet named %s" % (vnet["name"], azure_vpn.GATEWAY_SUBNET_NAME))
            if not self.check_mode:
                raise ValueError(problem)
            # In a check-mode run of a whole play, the task that would create the network only predicted it.
            self.module.warn(problem + " (yet); the gateway is predicted without it")
        location = params.get("location") or (vnet or {}).get("location")
        active = params["active_active"] if params["active_active"] is not None else True
        ids = self.given_public_ip_ids() or self.default_public_ip_ids(azure_vpn.instance_count(active))
        public_ips = self.read_public_ips(ids)
        problems = self.public_ip_problems(ids, public_ips, active)
        if problems:
            raise ValueError("; ".join(problems))
        settings = azure_vpn.desired_gateway_settings(params, ids)
        settings["sku"] = settings["sku"] or cloud_facts.TUNNEL_LIMITS["azure"]["default_sku"]
        settings["active_active"] = active
        tags = azure_vpn.desired_tags({}, params.get("tags"), True)
        self.changed = True
        if self.check_mode:
            state = "Succeeded" if params["wait"] else "Updating"
            return azure_vpn.predicted_gateway(self.gateway_id, self.name, location, settings, vnet_id, public_ips, tags, state)
        self.ensure_public_ips(ids, public_ips, location)
        skeleton = {"location": location, "tags": tags, "properties": {}}
        created = self.write(azure_vpn.render_gateway(skeleton, settings, self.gateway_id, subnet_id))
        return azure_vpn.normalize_gateway(created, public_ips)

    def wanted_public_ip_ids(self, current: dict, instances: int) -> list[str] | None:
        """Public IPs per instance after the change; None when they stay as they are."""
        given = self.given_public_ip_ids()
        if given is not None:
            return given
        existing = [instance["public_ip_id"] for instance in current["instances"]]
        if len(existing) == instances:
            return None
        defaults = self.default_public_ip_ids(instances)
        return [existing[index] if index < len(existing) else defaults[index] for index in range(instances)]

    def update_problems(self, current: dict, ids: list[str] | None) -> list[str]:
        params = self.params
        problems = [azure_vpn.location_problem(current, params.get("location"))]
        if params.get("virtual_network"):
            vnet_id = azure.reference_id(params["virtual_network"], self.session.subscription_id, self.resource_group, "virtualNetworks")
            problems.extend(azure_vpn.immutable_reference_problems(current, {"virtual_network": vnet_id}))
        for index, (instance, wanted) in enumerate(zip(current["instances"], ids or [])):
            if not azure.same_id(instance["public_ip_id"], wanted):
                problems.append("public_ip_names[%d]: instance %d of %s uses %s and Azure cannot change it"
                                % (index, index, self.name, instance["public_ip_id"]))
        return [problem for problem in problems if problem]

    def update(self, raw: dict) -> tuple[dict, dict]:
        params = self.params
        bare = azure_vpn.normalize_gateway(raw)
        active = params["active_active"] if params["active_active"] is not None else bare["active_active"]
        instances = azure_vpn.instance_count(active)
        ids = self.wanted_public_ip_ids(bare, instances)
        current_ids = [instance["public_ip_id"] for instance in bare["instances"] if instance["public_ip_id"]]
        public_ips = self.read_public_ips(list(dict.fromkeys(current_ids + (ids or []))))
        current = azure_vpn.normalize_gateway(raw, public_ips)
        problems = self.update_problems(current, ids)
        if ids is not None:
            problems.extend(self.public_ip_problems(ids, public_ips, active))
        if problems:
            raise ValueError("; ".join(problems))

        wanted = azure_vpn.desired_gateway_settings(params, ids)
        if wanted["custom_bgp_ip_addresses"] is not None:
            wanted["custom_bgp_ip_addresses"] = azure_vpn.padded_custom_bgp(wanted["custom_bgp_ip_addresses"], instances)
        settings = azure_vpn.gateway_settings(current)
        changes = differing_fields(azure_vpn.comparable_gateway_settings(settings), azure_vpn.comparable_gateway_settings(wanted))
        settings.update({key: wanted[key] for key in changes})
        if current["provisioning_state"] == "Failed":
            changes["provisioning_state"] = "Succeeded"  # writing the gateway again is how Azure repairs it
        tags = azure_vpn.desired_tags(current["tags"], params.get("tags"), params["purge_tags"])
        if not changes and tags == current["tags"]:
            return current, current
        self.changed = True
        body = azure_vpn.render_gateway(raw, settings, self.gateway_id, azure_vpn.first_subnet_id(raw))
        body["tags"] = tags
        if self.check_mode:
            return current, self.predicted_update(body, current, public_ips)
        if changes:
            self.ensure_public_ips(settings["public_ip_ids"], public_ips, raw["location"])
            written = self.write(body)
        else:
            written = azure.update_virtual_network_gateway_tags(self.session, self.resource_group, self.name, tags,
                                                                timeout=self.params["wait_timeout"])
        return current, azure_vpn.normalize_gateway(written, public_ips)

    def predicted_update(self, body: dict, current: dict, public_ips: dict[str, dict]) -> dict:
        """The gateway after ``body`` is written; instance addresses Azure assigns are taken from the current instances."""
        predicted = copy.deepcopy(body)
        predicted["properties"]["provisioningState"] = "Succeeded" if self.params["wait"] else "Updating"
        for configuration in predicted["properties"]["ipConfigurations"]:
            configuration["id"] = "%s/ipConfigurations/%s" % (self.gateway_id, configuration["name"])
        gateway = azure_vpn.normalize_gateway(predicted, public_ips)
        for instance, known in zip(gateway["instances"], current["instances"]):
            instance["default_bgp_ip_addresses"] = known["default_bgp_ip_addresses"]
            instance["tunnel_ip_addresses"] = known["tunnel_ip_addresses"]
        gateway["virtual_network_id"] = current["virtual_network_id"]
        return gateway

    def ensure_present(self, raw: dict | None) -> dict:
        if raw is None:
            return self.result({}, self.create())
        before, after = self.update(raw)
        return self.result(before, after)

    # ----------------------------------------------------------------------- absent

    def public_ips_to_delete(self, raw: dict | None) -> list[str]:
        if not self.params["delete_public_ips"]:
            return []
        if raw is not None:
            return [instance["public_ip_id"] for instance in azure_vpn.normalize_gateway(raw)["instances"] if instance["public_ip_id"]]
        return self.given_public_ip_ids() or self.default_public_ip_ids(azure_vpn.instance_count(True))

    def ensure_absent(self, raw: dict | None) -> dict:
        public_ip_ids = self.public_ips_to_delete(raw)
        before = {}
        if raw is not None and azure.provisioning_state(raw) != "Deleting":
            before = azure_vpn.normalize_gateway(raw)
            self.changed = True
            if not self.check_mode:
                azure.delete_virtual_network_gateway(self.session, self.resource_group, self.name,
                                                     wait=self.params["wait"], timeout=self.params["wait_timeout"])
        existing = self.read_public_ips(public_ip_ids)
        for public_ip_id in (item for item in public_ip_ids if item.lower() in existing):
            self.changed = True
            if not self.check_mode:
                azure.delete_public_ip_address(self.session, azure.id_resource_group(public_ip_id), azure.id_name(public_ip_id),
                                               wait=True, timeout=self.params["wait_timeout"])
        return self.result(before, {})

    def result(self, before: dict, after: dict) -> dict:
        result: dict[str, Any] = {"changed": self.changed, "virtual_network_gateway": after}
        if self.module._diff:
            result["diff"] = build_diff(azure_vpn.gateway_diff_state(before) if before else {},
                                        azure_vpn.gateway_diff_state(after) if after else {})
        return result


def main() -> None:
    argument_spec = dict(
        state=dict(type="str", default="present", choices=["present", "absent"]),
        name=dict(type="str", required=True),
        resource_group=dict(type="str", required=True),
        location=dict(type="str"),
        virtual_network=dict(type="str"),
        active_active=dict(type="bool"),
        public_ip_names=dict(type="list", elements="str"),
        sku=dict(type="str"),
        generation=dict(type="str", choices=list(azure_vpn.GENERATIONS)),
        enable_bgp=dict(type="bool"),
        asn=dict(type="int"),
        custom_bgp_ip_addresses=dict(type="list", elements="list"),
        delete_public_ips=dict(type="bool", default=False),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=3600),
        **azure.TAGS_ARGUMENT_SPEC,
    )
    module = azure.azure_module(argument_spec, supports_check_mode=True)
    run_state_module(module, lambda: GatewayManager(module, azure.network_session(module)), input_problems)


if __name__ == "__main__":
    main()
