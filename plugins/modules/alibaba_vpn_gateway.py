#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r"""
module: alibaba_vpn_gateway
short_description: Manage an Alibaba Cloud VPN gateway with IPsec-VPN
version_added: 0.1.0
description:
  - Creates, renames or deletes an Alibaba Cloud VPN gateway in a VPC, the Alibaba end of a site-to-site
    IPsec VPN, and returns its public addresses (RV(vpn_gateway.internet_ip) and, for dual-tunnel gateways,
    RV(vpn_gateway.disaster_recovery_internet_ip)) for the peer's customer gateway.
  - The gateway is identified by O(vpn_gateway_id), else by O(name) (narrowed by O(vpc_id) when given).
    Several gateways with the same name make the module fail rather than guess.
  - B(Creating a VPN gateway is a purchase.) Alibaba Cloud bills it from creation, pay-as-you-go
    (O(instance_charge_type=POSTPAY), billed per hour and per bandwidth tier) or subscription
    (O(instance_charge_type=PREPAY) for O(period) months). With O(auto_pay=false) the order waits for payment in
    the console and the gateway stays in C(init) until it is paid, so the module's wait times out.
  - A new gateway goes through C(init) and C(provisioning) to C(active), which takes minutes in the real cloud;
    the lab's emulator creates it instantly or after a delay, depending on its delay profile.
  - Bandwidth, IPsec/SSL switches, the VPC and the vSwitches of an existing gateway change only through a new
    order in the console; the module fails when they differ instead of making a second gateway.
    O(name) (when O(vpn_gateway_id) is given) and O(description) change in place.
author:
  - multicloud.interconnect contributors (@multicloud-interconnect)
options:
  state:
    description:
      - V(present) creates or updates the gateway; V(absent) deletes it.
      - Deleting fails while IPsec connections still use the gateway, and a subscription (V(PREPAY)) gateway
        cannot be deleted before it expires.
    type: str
    choices: [present, absent]
    default: present
  vpn_gateway_id:
    description:
      - ID of an existing gateway to manage.
    type: str
  name:
    description:
      - The gateway's name; identifies the gateway when O(vpn_gateway_id) is not given.
      - 1-128 characters, starting with a letter.
    type: str
  description:
    description:
      - A description of the gateway. Set after creation (the create call takes none).
    type: str
  vpc_id:
    description:
      - The VPC the gateway serves. Required to create a gateway.
    type: str
  vswitch_id:
    description:
      - The vSwitch (in the VPC) that hosts the gateway. Alibaba picks one when it is not given, except in
        regions that need dual-tunnel gateways.
    type: str
  disaster_recovery_vswitch_id:
    description:
      - A second vSwitch, in another zone, for a dual-tunnel gateway. The gateway then gets a second public
        address, RV(vpn_gateway.disaster_recovery_internet_ip), for the second tunnel of each IPsec connection.
      - Regions that only accept dual-tunnel IPsec connections need it.
    type: str
  bandwidth:
    description:
      - The gateway's bandwidth in Mbps, for example V(10), V(100), V(200), V(500) or V(1000) (the tiers depend on the
        region). Required to create a gateway. Part of the price.
    type: int
  enable_ipsec:
    description:
      - Whether the gateway offers IPsec-VPN (site-to-site). Keep it on for these modules.
    type: bool
    default: true
  enable_ssl:
    description:
      - Whether the gateway offers SSL-VPN (client-to-site). Billed separately.
    type: bool
    default: false
  ssl_connections:
    description:
      - The number of concurrent SSL-VPN clients, when O(enable_ssl=true).
    type: int
  instance_charge_type:
    description:
      - The billing method, used at creation only.
    type: str
    choices: [POSTPAY, PREPAY]
    default: POSTPAY
  period:
    description:
      - The subscription length in months when O(instance_charge_type=PREPAY).
    type: int
  auto_pay:
    description:
      - Pay the order at creation. With V(false) the gateway waits for payment in the console.
    type: bool
    default: true
  network_type:
    description:
      - V(public) for a gateway with public addresses (the usual site-to-site case) or V(private) for one
        reached over Express Connect/CEN. Used at creation only.
    type: str
    choices: [public, private]
  vpn_type:
    description:
      - V(Normal), or V(NationalStandard) for Chinese national cryptography algorithms. Used at creation only.
    type: str
    choices: [Normal, NationalStandard]
extends_documentation_fragment:
  - multicloud.interconnect.alibaba
  - multicloud.interconnect.alibaba.wait
attributes:
  check_mode:
    support: full
    description: Check mode predicts the result without any mutating API call.
  diff_mode:
    support: full
    description: Shows the managed fields before and after.
seealso:
  - module: multicloud.interconnect.alibaba_vpn_gateway_info
  - module: multicloud.interconnect.alibaba_customer_gateway
  - module: multicloud.interconnect.alibaba_ipsec_connection
"""

EXAMPLES = r"""
- name: A VPN gateway for the Hangzhou VPC (pay-as-you-go, 10 Mbps)
  multicloud.interconnect.alibaba_vpn_gateway:
    region: cn-hangzhou
    name: hz-to-aws
    vpc_id: vpc-bp1q8z4kxq2rbmszq8w7e
    vswitch_id: vsw-bp1n7qdk7zx8k2a9ohx3m
    bandwidth: 10
    description: IPsec to AWS us-east-1
  register: alibaba_gateway

- name: Give the Alibaba public address to the AWS customer gateway
  multicloud.interconnect.aws_customer_gateway:
    name: alibaba-hangzhou
    ip_address: "{{ alibaba_gateway.vpn_gateway.internet_ip }}"

- name: A dual-tunnel gateway (two zones, two public addresses)
  multicloud.interconnect.alibaba_vpn_gateway:
    region: eu-central-1
    name: fra-dual
    vpc_id: vpc-gw8k2lq0x9m3n4b5v6c7d
    vswitch_id: vsw-gw8a1b2c3d4e5f6g7h8i9
    disaster_recovery_vswitch_id: vsw-gw8j0k1l2m3n4o5p6q7r8
    bandwidth: 100

- name: Against the lab emulator
  multicloud.interconnect.alibaba_vpn_gateway:
    endpoint: http://127.0.0.1:8082
    access_key: LTAIlabkey
    secret_key: labsecret
    region: cn-hangzhou
    name: lab-gateway
    vpc_id: vpc-lab0001
    bandwidth: 10

- name: Delete the gateway (after its IPsec connections)
  multicloud.interconnect.alibaba_vpn_gateway:
    region: cn-hangzhou
    name: hz-to-aws
    vpc_id: vpc-bp1q8z4kxq2rbmszq8w7e
    state: absent
"""

RETURN = r"""
vpn_gateway:
  description:
    - The gateway after the change (predicted in check mode); empty after O(state=absent).
    - Fields come from C(DescribeVpnGateways) in snake_case; the most useful are listed here.
  returned: always
  type: dict
  contains:
    vpn_gateway_id:
      description: The gateway ID; V(null) in check mode when it would be created.
      type: str
      sample: vpn-bp1q8m2xkq0w3n5b6v7c8
    name:
      description: The gateway's name.
      type: str
      sample: hz-to-aws
    description:
      description: The gateway's description.
      type: str
      sample: IPsec to AWS us-east-1
    status:
      description: C(init), C(provisioning), C(active), C(updating) or C(deleting).
      type: str
      sample: active
    business_status:
      description: C(Normal) or C(FinancialLocked).
      type: str
      sample: Normal
    internet_ip:
      description: The gateway's public address, the peer's customer gateway address for the first tunnel.
      type: str
      sample: 198.51.100.24
    disaster_recovery_internet_ip:
      description: The second public address of a dual-tunnel gateway, else empty.
      type: str
      sample: 198.51.100.25
    vpc_id:
      description: The VPC.
      type: str
      sample: vpc-bp1q8z4kxq2rbmszq8w7e
    vswitch_id:
      description: The vSwitch hosting the gateway.
      type: str
      sample: vsw-bp1n7qdk7zx8k2a9ohx3m
    disaster_recovery_vswitch_id:
      description: The second vSwitch of a dual-tunnel gateway.
      type: str
      sample: vsw-bp1d4t5r6e7w8q9a0s1d2
    bandwidth:
      description: The bandwidth in Mbps (from C(spec)).
      type: int
      sample: 10
    spec:
      description: The bandwidth as Alibaba writes it.
      type: str
      sample: 10M
    enable_ipsec:
      description: Whether IPsec-VPN is on.
      type: bool
      sample: true
    enable_ssl:
      description: Whether SSL-VPN is on.
      type: bool
      sample: false
    charge_type:
      description: The billing method.
      type: str
      sample: PostPay
    tags:
      description: The gateway's tags.
      type: dict
      sample: {}
"""

from typing import Any

from ansible_collections.multicloud.interconnect.plugins.module_utils import alibaba
from ansible_collections.multicloud.interconnect.plugins.module_utils.diff import build_diff
from ansible_collections.multicloud.interconnect.plugins.module_utils.errors import CloudError
from ansible_collections.multicloud.interconnect.plugins.module_utils.resource import run_state_module
from ansible_collections.multicloud.interconnect.plugins.module_utils.waiters import wait_for

# Fields the module manages: the diff shows these.
DIFF_FIELDS = ("name", "description", "vpc_id", "vswitch_id", "disaster_recovery_vswitch_id", "bandwidth", "enable_ipsec", "enable_ssl")
# Given options that an existing gateway must already match (a new order would be needed otherwise).
FIXED_FIELDS = ("vpc_id", "vswitch_id", "disaster_recovery_vswitch_id", "bandwidth", "enable_ipsec", "enable_ssl")


def diff_view(gateway: dict | None) -> dict:
    return {key: gateway.get(key) for key in DIFF_FIELDS if gateway and gateway.get(key) not in (None, "")}


def find_vpn_gateway(client: Any, region: str, params: dict) -> dict | None:
    """The gateway the options name, or None. Several gateways with the name make the lookup fail."""
    if params["vpn_gateway_id"]:
        return alibaba.get_vpn_gateway(client, region, params["vpn_gateway_id"])
    found = alibaba.describe_vpn_gateways(client, region, vpc_id=params["vpc_id"])
    named = [gateway for gateway in found if gateway.get("Name") == params["name"] and str(gateway.get("Status")).lower() != "deleting"]
    if len(named) > 1:
        ids = ", ".join(gateway["VpnGatewayId"] for gateway in named)
        raise ValueError("name: several VPN gateways are named %r (%s); set vpn_gateway_id" % (params["name"], ids))
    return named[0] if named else None


def fixed_field_problems(gateway: dict, params: dict) -> list[str]:
    problems = []
    for key in FIXED_FIELDS:
        wanted = params.get(key)
        if wanted is not None and gateway.get(key) not in (None, "") and gateway.get(key) != wanted:
            problems.append("%s: gateway %s has %s, not %s; changing it needs a new order in the Alibaba Cloud console"
                            % (key, gateway["vpn_gateway_id"], gateway.get(key), wanted))
    return problems


def create_request(region: str, params: dict) -> dict:
    request = {
        "RegionId": region,
        "ClientToken": alibaba.client_token(),
        "Name": params["name"],
        "VpcId": params["vpc_id"],
        "VSwitchId": params["vswitch_id"],
        "DisasterRecoveryVSwitchId": params["disaster_recovery_vswitch_id"],
        "Bandwidth": params["bandwidth"],
        "EnableIpsec": params["enable_ipsec"],
        "EnableSsl": params["enable_ssl"],
        "SslConnections": params["ssl_connections"] if params["enable_ssl"] else None,
        "InstanceChargeType": params["instance_charge_type"],
        "Period": params["period"] if params["instance_charge_type"] == "PREPAY" else None,
        "AutoPay": params["auto_pay"],
        "NetworkType": params["network_type"],
        "VpnType": params["vpn_type"],
    }
    return {key: value for key, value in request.items() if value is not None}


def predicted_gateway(params: dict) -> dict:
    """What a created gateway would look like; the cloud assigns the ID and the addresses."""
    fields = ("name", "description", "vpc_id", "vswitch_id", "disaster_recovery_vswitch_id", "bandwidth", "enable_ipsec", "enable_ssl")
    predicted = {key: params.get(key) for key in fields}
    predicted.update({"vpn_gateway_id": None, "status": "active", "internet_ip": None, "disaster_recovery_internet_ip": None, "tags": {}})
    return predicted


class VpnGatewayManager:
    def __init__(self, module: Any, client: Any) -> None:
        self.module = module
        self.client = client
        self.params = module.params
        self.region = module.params["region"]
        self.changed = False

    def find(self) -> dict | None:
        return find_vpn_gateway(self.client, self.region, self.params)

    def read(self, gateway_id: str) -> dict:
        raw = alibaba.get_vpn_gateway(self.client, self.region, gateway_id)
        if raw is None:
            raise CloudError("VPN gateway %s is not listed" % gateway_id, cloud=alibaba.CLOUD, operation="DescribeVpnGateways")
        return alibaba.normalize_vpn_gateway(raw)

    def create(self) -> dict:
        self.changed = True
        if self.module.check_mode:
            return predicted_gateway(self.params)
        gateway_id = alibaba.create_vpn_gateway(self.client, create_request(self.region, self.params))
        if self.params["wait"] or self.params["description"] is not None:
            raw = alibaba.wait_for_vpn_gateway(self.client, self.region, gateway_id, self.params["wait_timeout"], missing_is_failure=False)
            gateway = alibaba.normalize_vpn_gateway(raw)
        else:
            raw = alibaba.get_vpn_gateway(self.client, self.region, gateway_id)
            gateway = alibaba.normalize_vpn_gateway(raw) if raw else dict(predicted_gateway(self.params), vpn_gateway_id=gateway_id, status="init")
        return self.update(gateway)

    def update(self, gateway: dict) -> dict:
        changes = {}
        if self.params["vpn_gateway_id"] and self.params["name"] is not None and gateway.get("name") != self.params["name"]:
            changes["Name"] = self.params["name"]
        if self.params["description"] is not None and (gateway.get("description") or "") != self.params["description"]:
            changes["Description"] = self.params["description"]
        if not changes:
            return gateway
        self.changed = True
        if self.module.check_mode or not gateway.get("vpn_gateway_id"):
            return dict(gateway, **{alibaba.snake_name(key): value for key, value in changes.items()})
        request = dict(changes, RegionId=self.region, VpnGatewayId=gateway["vpn_gateway_id"], ClientToken=alibaba.client_token())
        alibaba.change_vpn_gateway(self.client, self.region, gateway["vpn_gateway_id"],
                                   lambda: alibaba.modify_vpn_gateway_attribute(self.client, request), self.params["wait_timeout"])
        return self.read(gateway["vpn_gateway_id"])

    def ensure_present(self, raw: dict | None) -> dict:
        if raw is None:
            missing = [key for key in ("name", "vpc_id", "bandwidth") if self.params.get(key) is None]
            if missing:
                raise ValueError("to create a VPN gateway, set %s" % ", ".join(missing))
            return self.result({}, self.create())
        before = alibaba.normalize_vpn_gateway(raw)
        problems = fixed_field_problems(before, self.params)
        if problems:
            raise ValueError("; ".join(problems))
        after = self.update(before)
        if self.params["wait"] and not self.module.check_mode and not alibaba.vpn_gateway_is_active(raw):
            after = alibaba.normalize_vpn_gateway(
                alibaba.wait_for_vpn_gateway(self.client, self.region, before["vpn_gateway_id"], self.params["wait_timeout"]))
        return self.result(before, after)

    def ensure_absent(self, raw: dict | None) -> dict:
        if raw is None:
            return self.result({}, {})
        before = alibaba.normalize_vpn_gateway(raw)
        self.changed = True
        if self.module.check_mode:
            return self.result(before, {})
        gateway_id = before["vpn_gateway_id"]
        self.changed = alibaba.retry_while_busy(lambda: alibaba.delete_vpn_gateway(self.client, self.region, gateway_id),
                                                alibaba.GATEWAY_BUSY_CODES, self.params["wait_timeout"])
        if self.changed and self.params["wait"]:
            wait_for(lambda: alibaba.get_vpn_gateway(self.client, self.region, gateway_id), lambda found: found is None,
                     what="VPN gateway %s" % gateway_id, wanted="deleted", timeout=self.params["wait_timeout"],
                     delay=alibaba.POLL_SECONDS, describe=alibaba.describe_vpn_gateway_state)
        return self.result(before, {})

    def result(self, before: dict, after: dict) -> dict:
        result: dict[str, Any] = {"changed": self.changed, "vpn_gateway": after}
        if self.module._diff:
            result["diff"] = build_diff(diff_view(before), diff_view(after))
        return result


def main() -> None:
    argument_spec = dict(
        state=dict(type="str", default="present", choices=["present", "absent"]),
        vpn_gateway_id=dict(type="str"),
        name=dict(type="str"),
        description=dict(type="str"),
        vpc_id=dict(type="str"),
        vswitch_id=dict(type="str"),
        disaster_recovery_vswitch_id=dict(type="str"),
        bandwidth=dict(type="int"),
        enable_ipsec=dict(type="bool", default=True),
        enable_ssl=dict(type="bool", default=False),
        ssl_connections=dict(type="int"),
        instance_charge_type=dict(type="str", default="POSTPAY", choices=["POSTPAY", "PREPAY"]),
        period=dict(type="int"),
        auto_pay=dict(type="bool", default=True),
        network_type=dict(type="str", choices=["public", "private"]),
        vpn_type=dict(type="str", choices=["Normal", "NationalStandard"]),
        **alibaba.WAIT_ARGUMENT_SPEC,
    )
    module = alibaba.alibaba_module(
        argument_spec,
        required_one_of=[["vpn_gateway_id", "name"]],
        required_if=[["instance_charge_type", "PREPAY", ["period"]]],
        supports_check_mode=True,
    )
    run_state_module(module, lambda: VpnGatewayManager(module, alibaba.vpc_client(module.params)), id_option="vpn_gateway_id")


if __name__ == "__main__":
    main()
