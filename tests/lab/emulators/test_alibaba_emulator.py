"""The Alibaba Cloud emulator, driven through the official SDK (alibabacloud-vpc20160428)."""
from __future__ import annotations

import ipaddress
import json
import time
from pathlib import Path

import pytest
from alibabacloud_tea_openapi import utils_models as open_api_models
from alibabacloud_tea_openapi.exceptions import ClientException
from alibabacloud_tea_openapi.utils import Utils
from alibabacloud_vpc20160428 import models as vpc_models
from alibabacloud_vpc20160428.client import Client
from darabonba.policy.retry import RetryCondition, RetryOptions
from darabonba.runtime import RuntimeOptions

from mci_lab.dataplane.model import BgpStatus, StatusSnapshot, TunnelStatus
from mci_lab.emulators.alibaba import LAB_ACCESS_KEY_ID, LAB_ACCESS_KEY_SECRET
from mci_lab.emulators.base import DelayProfile, LabContext, RunningEmulator, read_request_log

from tests.lab.conftest import context_with

REGION = "cn-hangzhou"
DOCUMENTATION_RANGES = (ipaddress.ip_network("198.51.100.0/24"), ipaddress.ip_network("203.0.113.0/24"))
# Real-cloud seconds chosen so that, at time scale 1, the waits stay well under a second.
SHORT_DELAYS = {"alibaba.vpn_gateway": 0.4, "alibaba.vpn_connection": 0.4, "alibaba.vpn_route_entry": 0.4,
                "alibaba.route_entry": 0.4, "alibaba.instance": 0.2}


# --------------------------------------------------------------------------- helpers


def sdk_client(running: RunningEmulator, **config) -> Client:
    """The SDK pointed at the emulator: the endpoint without its scheme, plain HTTP."""
    settings = {"access_key_id": LAB_ACCESS_KEY_ID, "access_key_secret": LAB_ACCESS_KEY_SECRET,
                "endpoint": running.endpoint.split("://", 1)[1], "protocol": "http", "region_id": REGION, **config}
    return Client(open_api_models.Config(**settings))


def lab_action(client: Client, action: str, **parameters) -> dict:
    """A lab-only action through the SDK's generic RPC caller."""
    params = open_api_models.Params(action=action, version="2016-04-28", protocol="HTTP", pathname="/", method="POST",
                                    auth_type="AK", style="RPC", req_body_type="formData", body_type="json")
    request = open_api_models.OpenApiRequest(query=Utils.query({"RegionId": REGION, **parameters}))
    return client.call_api(params, request, RuntimeOptions())["body"]


def api_error(action, *args, **kwargs) -> ClientException:
    """The SDK's error for a call the emulator refuses."""
    with pytest.raises(ClientException) as raised:
        action(*args, **kwargs)
    return raised.value


def wait_until(predicate, timeout: float = 5.0):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.05)


def in_documentation_range(address: str) -> bool:
    return any(ipaddress.ip_address(address) in network for network in DOCUMENTATION_RANGES)


class FixedStatus:
    """Stands in for the realizer: the daemon states a test wants the emulator to report."""

    def __init__(self) -> None:
        self.current = StatusSnapshot()

    def snapshot(self) -> StatusSnapshot:
        return self.current


@pytest.fixture
def client(start_emulator) -> Client:
    return sdk_client(start_emulator("alibaba"))


@pytest.fixture
def slow_ctx(tmp_path: Path) -> LabContext:
    return context_with(tmp_path, delays=DelayProfile("short", SHORT_DELAYS, time_scale=1.0))


# --------------------------------------------------------------------------- builders


def make_vpc(client: Client, cidr: str = "192.168.0.0/16") -> vpc_models.CreateVpcResponseBody:
    return client.create_vpc(vpc_models.CreateVpcRequest(region_id=REGION, cidr_block=cidr, vpc_name="lab")).body


def make_vswitch(client: Client, vpc_id: str, cidr: str, zone: str = "cn-hangzhou-h") -> str:
    request = vpc_models.CreateVSwitchRequest(region_id=REGION, vpc_id=vpc_id, cidr_block=cidr, zone_id=zone)
    return client.create_vswitch(request).body.v_switch_id


def make_gateway(client: Client, vpc_id: str, vswitch_id: str, recovery_vswitch_id: str | None = None) -> str:
    request = vpc_models.CreateVpnGatewayRequest(region_id=REGION, vpc_id=vpc_id, bandwidth=10, v_switch_id=vswitch_id,
                                                 disaster_recovery_vswitch_id=recovery_vswitch_id)
    return client.create_vpn_gateway(request).body.vpn_gateway_id


def gateway_of(client: Client, gateway_id: str) -> vpc_models.DescribeVpnGatewayResponseBody:
    return client.describe_vpn_gateway(vpc_models.DescribeVpnGatewayRequest(region_id=REGION, vpn_gateway_id=gateway_id)).body


def wait_active(client: Client, gateway_id: str) -> vpc_models.DescribeVpnGatewayResponseBody:
    assert wait_until(lambda: gateway_of(client, gateway_id).status == "active"), "gateway never became active"
    return gateway_of(client, gateway_id)


def make_customer_gateway(client: Client, address: str, asn: str | None = None) -> str:
    request = vpc_models.CreateCustomerGatewayRequest(region_id=REGION, ip_address=address, asn=asn)
    return client.create_customer_gateway(request).body.customer_gateway_id


def connection_of(client: Client, connection_id: str) -> vpc_models.DescribeVpnConnectionResponseBody:
    request = vpc_models.DescribeVpnConnectionRequest(region_id=REGION, vpn_connection_id=connection_id)
    return client.describe_vpn_connection(request).body


def single_tunnel_site(client: Client) -> tuple[str, str, str]:
    """A VPC with an active single-tunnel gateway and a customer gateway: (vpc, gateway, customer gateway)."""
    vpc = make_vpc(client)
    gateway_id = make_gateway(client, vpc.vpc_id, make_vswitch(client, vpc.vpc_id, "192.168.1.0/24"))
    wait_active(client, gateway_id)
    return vpc.vpc_id, gateway_id, make_customer_gateway(client, "203.0.113.250", asn="64512")


def single_tunnel_connection(client: Client, gateway_id: str, customer_gateway_id: str, **extra) -> str:
    settings = {"local_subnet": "192.168.0.0/16", "remote_subnet": "172.80.64.0/19", **extra}
    request = vpc_models.CreateVpnConnectionRequest(region_id=REGION, vpn_gateway_id=gateway_id,
                                                    customer_gateway_id=customer_gateway_id, **settings)
    return client.create_vpn_connection(request).body.vpn_connection_id


# --------------------------------------------------------------------------- VPC, vSwitch, routes


def test_vpc_vswitch_and_route_table_round_trip(client):
    vpc = make_vpc(client)
    vswitch_id = make_vswitch(client, vpc.vpc_id, "192.168.1.0/24")

    listed = client.describe_vpcs(vpc_models.DescribeVpcsRequest(region_id=REGION, vpc_id=vpc.vpc_id)).body
    assert listed.total_count == 1
    assert listed.vpcs.vpc[0].cidr_block == "192.168.0.0/16"
    assert listed.vpcs.vpc[0].v_switch_ids.v_switch_id == [vswitch_id]
    switches = client.describe_vswitches(vpc_models.DescribeVSwitchesRequest(region_id=REGION, vpc_id=vpc.vpc_id)).body
    assert switches.v_switches.v_switch[0].cidr_block == "192.168.1.0/24"
    assert switches.v_switches.v_switch[0].available_ip_address_count == 252  # first and last three reserved
    tables = client.describe_route_table_list(vpc_models.DescribeRouteTableListRequest(region_id=REGION, vpc_id=vpc.vpc_id)).body
    table = tables.router_table_list.router_table_list_type[0]
    assert (table.route_table_id, table.route_table_type) == (vpc.route_table_id, "System")
    assert table.v_switch_ids.v_switch_id == [vswitch_id]

    still_used = api_error(client.delete_vpc, vpc_models.DeleteVpcRequest(region_id=REGION, vpc_id=vpc.vpc_id))
    assert (still_used.code, still_used.status_code) == ("DependencyViolation.VSwitch", 400)
    client.delete_vswitch(vpc_models.DeleteVSwitchRequest(region_id=REGION, v_switch_id=vswitch_id))
    client.delete_vpc(vpc_models.DeleteVpcRequest(region_id=REGION, vpc_id=vpc.vpc_id))
    gone = api_error(client.describe_vpc_attribute, vpc_models.DescribeVpcAttributeRequest(region_id=REGION, vpc_id=vpc.vpc_id))
    assert (gone.code, gone.status_code) == ("InvalidVpcId.NotFound", 404)


def test_vswitch_blocks_follow_the_cloud_rules(client):
    vpc = make_vpc(client)
    make_vswitch(client, vpc.vpc_id, "192.168.1.0/24")
    cases = {"10.0.0.0/24": "InvalidParameter", "192.168.1.128/25": "InvalidCidrBlock.Overlapped",
             "192.168.2.0/30": "InvalidCirdrBlock.MaskLength", "192.168.2.0/33": "InvalidCidrBlock.Malformed"}
    for cidr, code in cases.items():
        request = vpc_models.CreateVSwitchRequest(region_id=REGION, vpc_id=vpc.vpc_id, cidr_block=cidr, zone_id="cn-hangzhou-h")
        assert api_error(client.create_vswitch, request).code == code, cidr


def test_route_entry_to_a_lab_instance(client):
    vpc = make_vpc(client)
    vswitch_id = make_vswitch(client, vpc.vpc_id, "192.168.1.0/24")
    host = lab_action(client, "CreateLabInstance", VSwitchId=vswitch_id, InstanceName="router")
    assert host["PrivateIpAddress"] == "192.168.1.1"  # .0 and the last three belong to the cloud
    reserved = api_error(lab_action, client, "CreateLabInstance", VSwitchId=vswitch_id, PrivateIpAddress="192.168.1.253")
    assert reserved.code == "InvalidParameter"

    created = client.create_route_entry(vpc_models.CreateRouteEntryRequest(
        region_id=REGION, route_table_id=vpc.route_table_id, destination_cidr_block="10.50.0.0/16",
        next_hop_type="Instance", next_hop_id=host["InstanceId"])).body
    entries = client.describe_route_entry_list(vpc_models.DescribeRouteEntryListRequest(
        region_id=REGION, route_table_id=vpc.route_table_id)).body.route_entrys.route_entry
    by_destination = {entry.destination_cidr_block: entry for entry in entries}
    assert by_destination["192.168.1.0/24"].type == "System"
    custom = by_destination["10.50.0.0/16"]
    assert (custom.route_entry_id, custom.type, custom.status) == (created.route_entry_id, "Custom", "Available")
    assert (custom.next_hops.next_hop[0].next_hop_type, custom.next_hops.next_hop[0].next_hop_id) == ("Instance", host["InstanceId"])

    again = vpc_models.CreateRouteEntryRequest(region_id=REGION, route_table_id=vpc.route_table_id,
                                               destination_cidr_block="10.50.0.0/16", next_hop_id=host["InstanceId"])
    assert api_error(client.create_route_entry, again).code == "InvalidCIDRBlock.Duplicate"
    inside_vswitch = vpc_models.CreateRouteEntryRequest(region_id=REGION, route_table_id=vpc.route_table_id,
                                                        destination_cidr_block="192.168.1.0/25", next_hop_id=host["InstanceId"])
    assert api_error(client.create_route_entry, inside_vswitch).code == "InvalidCidrBlock"
    client.delete_route_entry(vpc_models.DeleteRouteEntryRequest(region_id=REGION, route_table_id=vpc.route_table_id,
                                                                 route_entry_id=created.route_entry_id))
    lab_action(client, "DeleteLabInstance", InstanceId=host["InstanceId"])
    assert lab_action(client, "DescribeLabInstances", VpcId=vpc.vpc_id)["Instances"]["Instance"] == []


def test_route_table_takes_one_change_at_a_time(start_emulator, slow_ctx):
    client = sdk_client(start_emulator("alibaba", slow_ctx))
    vpc = make_vpc(client)
    host = lab_action(client, "CreateLabInstance", VSwitchId=make_vswitch(client, vpc.vpc_id, "192.168.1.0/24"))

    def add(destination: str):
        return client.create_route_entry(vpc_models.CreateRouteEntryRequest(
            region_id=REGION, route_table_id=vpc.route_table_id, destination_cidr_block=destination,
            next_hop_type="Instance", next_hop_id=host["InstanceId"]))

    add("10.1.0.0/16")
    busy = api_error(add, "10.2.0.0/16")
    assert (busy.code, busy.status_code) == ("IncorrectRouteEntryStatus", 400)
    assert wait_until(lambda: _accepted(add, "10.2.0.0/16"))


def _accepted(action, *args) -> bool:
    try:
        action(*args)
    except ClientException:
        return False
    return True


def test_default_route_to_a_vpn_gateway_is_refused(client):
    vpc_id, gateway_id, _customer_id = single_tunnel_site(client)
    route_table_id = client.describe_vpcs(vpc_models.DescribeVpcsRequest(region_id=REGION, vpc_id=vpc_id)) \
        .body.vpcs.vpc[0].router_table_ids.router_table_ids[0]
    default = vpc_models.CreateRouteEntryRequest(region_id=REGION, route_table_id=route_table_id, destination_cidr_block="0.0.0.0/0",
                                                 next_hop_type="VpnGateway", next_hop_id=gateway_id)
    assert api_error(client.create_route_entry, default).code == "InvalidParameter"
    specific = vpc_models.CreateRouteEntryRequest(region_id=REGION, route_table_id=route_table_id, destination_cidr_block="172.80.64.0/19",
                                                  next_hop_type="VpnGateway", next_hop_id=gateway_id)
    assert client.create_route_entry(specific).body.route_entry_id.startswith("rte-")


# --------------------------------------------------------------------------- VPN gateway and customer gateway


def test_vpn_gateway_goes_from_init_to_active_with_internet_ips(start_emulator, slow_ctx):
    client = sdk_client(start_emulator("alibaba", slow_ctx))
    vpc = make_vpc(client)
    primary = make_vswitch(client, vpc.vpc_id, "192.168.1.0/24", zone="cn-hangzhou-h")
    recovery = make_vswitch(client, vpc.vpc_id, "192.168.2.0/24", zone="cn-hangzhou-i")
    gateway_id = make_gateway(client, vpc.vpc_id, primary, recovery)

    provisioning = gateway_of(client, gateway_id)
    assert (provisioning.status, provisioning.internet_ip) == ("init", "")
    active = wait_active(client, gateway_id)
    assert active.business_status == "Normal" and active.spec == "10M"
    assert in_documentation_range(active.internet_ip)
    assert in_documentation_range(active.disaster_recovery_internet_ip)
    assert active.internet_ip != active.disaster_recovery_internet_ip
    listed = client.describe_vpn_gateways(vpc_models.DescribeVpnGatewaysRequest(region_id=REGION, vpc_id=vpc.vpc_id)).body
    assert [gateway.vpn_gateway_id for gateway in listed.vpn_gateways.vpn_gateway] == [gateway_id]
    same_zone = vpc_models.CreateVpnGatewayRequest(region_id=REGION, vpc_id=vpc.vpc_id, bandwidth=10, v_switch_id=primary,
                                                   disaster_recovery_vswitch_id=primary)
    assert api_error(client.create_vpn_gateway, same_zone).code == "InvalidParameter"


def test_customer_gateway_rules(client):
    reserved = vpc_models.CreateCustomerGatewayRequest(region_id=REGION, ip_address="203.0.113.5", asn="45104")
    assert api_error(client.create_customer_gateway, reserved).code == "InvalidParameter"
    shared_space = vpc_models.CreateCustomerGatewayRequest(region_id=REGION, ip_address="100.64.1.1")
    assert api_error(client.create_customer_gateway, shared_space).code == "InvalidIpAddress.WrongFormat"

    gateway_id = make_customer_gateway(client, "203.0.113.5", asn="1.10")  # two-segment notation
    body = client.describe_customer_gateway(vpc_models.DescribeCustomerGatewayRequest(
        region_id=REGION, customer_gateway_id=gateway_id)).body
    assert (body.ip_address, body.asn) == ("203.0.113.5", 65546)
    duplicate = vpc_models.CreateCustomerGatewayRequest(region_id=REGION, ip_address="203.0.113.5")
    assert api_error(client.create_customer_gateway, duplicate).code == "InvalidIpAddress.AlreadyExist"
    client.delete_customer_gateway(vpc_models.DeleteCustomerGatewayRequest(region_id=REGION, customer_gateway_id=gateway_id))
    listed = client.describe_customer_gateways(vpc_models.DescribeCustomerGatewaysRequest(region_id=REGION)).body
    assert listed.total_count == 0 and listed.customer_gateways.customer_gateway == []


# --------------------------------------------------------------------------- IPsec connections


def test_single_tunnel_connection_reads_back_its_settings(client):
    _vpc_id, gateway_id, customer_id = single_tunnel_site(client)
    ike = {"IkeVersion": "ikev2", "IkeEncAlg": "aes256", "IkeAuthAlg": "sha256", "IkePfs": "group14",
           "IkeLifetime": 28800, "Psk": "AlibabaLabKey.1"}
    ipsec = {"IpsecEncAlg": "aes256", "IpsecAuthAlg": "sha256", "IpsecPfs": "disabled", "IpsecLifetime": 3600}
    connection_id = single_tunnel_connection(client, gateway_id, customer_id, ike_config=json.dumps(ike),
                                             ipsec_config=json.dumps(ipsec), effect_immediately=True, name="to-aws")
    body = connection_of(client, connection_id)
    gateway = gateway_of(client, gateway_id)
    assert (body.name, body.customer_gateway_id, body.effect_immediately) == ("to-aws", customer_id, True)
    assert (body.local_subnet, body.remote_subnet) == ("192.168.0.0/16", "172.80.64.0/19")
    read_ike = body.ike_config.to_map()
    assert {key: read_ike[key] for key in ike} == ike
    assert (read_ike["IkeMode"], read_ike["LocalId"], read_ike["RemoteId"]) == ("main", gateway.internet_ip, "203.0.113.250")
    assert body.ipsec_config.to_map() == ipsec
    assert body.status == "ike_sa_not_established"  # no data plane, nothing negotiated

    defaults_id = single_tunnel_connection(client, gateway_id, make_customer_gateway(client, "203.0.113.251"))
    wait_active(client, gateway_id)
    defaults = connection_of(client, defaults_id)
    assert (defaults.ike_config.ike_version, defaults.ike_config.ike_enc_alg, defaults.ike_config.ike_pfs) == ("ikev1", "aes", "group2")
    assert len(defaults.ike_config.psk) == 16  # generated by the cloud when not given


def test_connection_settings_are_validated(client):
    _vpc_id, gateway_id, customer_id = single_tunnel_site(client)
    cases = {
        "IkeConfig.IkeEncAlg": {"ike_config": json.dumps({"IkeEncAlg": "chacha20"})},
        "IpsecConfig.IpsecLifetime": {"ipsec_config": json.dumps({"IpsecLifetime": 90000})},
        "BgpConfig.TunnelCidr": {"bgp_config": json.dumps({"EnableBgp": True, "TunnelCidr": "169.254.1.0/30"})},
    }
    for name, settings in cases.items():
        error = api_error(lambda: single_tunnel_connection(client, gateway_id, customer_id, **settings))
        assert error.code == "InvalidParameter" and name in error.message, name
    bad_psk = api_error(lambda: single_tunnel_connection(client, gateway_id, customer_id,
                                                         ike_config=json.dumps({"Psk": "has space"})))
    assert bad_psk.code == "InvalidParameter" and "has space" not in bad_psk.message  # the key is never echoed
    missing = api_error(lambda: single_tunnel_connection(client, gateway_id, "cgw-missing"))
    assert (missing.code, missing.status_code) == ("InvalidCustomerGatewayInstanceId.NotFound", 404)


def test_dual_tunnel_connection_reads_back_each_tunnel(client):
    vpc = make_vpc(client)
    gateway_id = make_gateway(client, vpc.vpc_id, make_vswitch(client, vpc.vpc_id, "192.168.1.0/24", zone="cn-hangzhou-h"),
                              make_vswitch(client, vpc.vpc_id, "192.168.2.0/24", zone="cn-hangzhou-i"))
    gateway = wait_active(client, gateway_id)
    first, second = make_customer_gateway(client, "203.0.113.30", "64512"), make_customer_gateway(client, "203.0.113.31", "64512")
    tunnel = vpc_models.CreateVpnConnectionRequestTunnelOptionsSpecification
    ike = vpc_models.CreateVpnConnectionRequestTunnelOptionsSpecificationTunnelIkeConfig
    ipsec = vpc_models.CreateVpnConnectionRequestTunnelOptionsSpecificationTunnelIpsecConfig
    bgp = vpc_models.CreateVpnConnectionRequestTunnelOptionsSpecificationTunnelBgpConfig
    request = vpc_models.CreateVpnConnectionRequest(
        region_id=REGION, vpn_gateway_id=gateway_id, local_subnet="0.0.0.0/0", remote_subnet="0.0.0.0/0",
        enable_tunnels_bgp=True, tunnel_options_specification=[
            tunnel(role="master", customer_gateway_id=first,
                   tunnel_ike_config=ike(psk="tunnel1.key", ike_version="ikev2", ike_enc_alg="aes256", ike_pfs="group14"),
                   tunnel_ipsec_config=ipsec(ipsec_enc_alg="aes256", ipsec_pfs="group14"),
                   tunnel_bgp_config=bgp(local_asn=65010, tunnel_cidr="169.254.10.0/30", local_bgp_ip="169.254.10.2")),
            tunnel(role="slave", customer_gateway_id=second, enable_dpd=False,
                   tunnel_ike_config=ike(psk="tunnel2.key", ike_version="ikev2"),
                   tunnel_bgp_config=bgp(local_asn=65010, tunnel_cidr="169.254.11.0/30", local_bgp_ip="169.254.11.2")),
        ])
    connection_id = client.create_vpn_connection(request).body.vpn_connection_id

    body = connection_of(client, connection_id)
    tunnels = {option.role: option for option in body.tunnel_options_specification.tunnel_options}
    master, slave = tunnels["master"], tunnels["slave"]
    assert (master.tunnel_index, master.internet_ip, master.customer_gateway_id) == (1, gateway.internet_ip, first)
    assert (slave.tunnel_index, slave.internet_ip, slave.customer_gateway_id) == (2, gateway.disaster_recovery_internet_ip, second)
    assert (master.tunnel_ike_config.psk, master.tunnel_ike_config.ike_enc_alg, master.tunnel_ipsec_config.ipsec_pfs) == \
        ("tunnel1.key", "aes256", "group14")
    assert (slave.tunnel_ike_config.psk, slave.enable_dpd, master.enable_dpd) == ("tunnel2.key", "false", "true")
    assert (master.tunnel_bgp_config.local_bgp_ip, master.tunnel_bgp_config.peer_bgp_ip, master.tunnel_bgp_config.peer_asn) == \
        ("169.254.10.2", "169.254.10.1", "64512")
    assert body.enable_tunnels_bgp is True and master.state == "active"  # instant delays
    assert {master.status, slave.status} == {"ike_sa_not_established"}

    change = vpc_models.ModifyVpnConnectionAttributeRequestTunnelOptionsSpecification
    change_ike = vpc_models.ModifyVpnConnectionAttributeRequestTunnelOptionsSpecificationTunnelIkeConfig
    client.modify_vpn_connection_attribute(vpc_models.ModifyVpnConnectionAttributeRequest(
        region_id=REGION, vpn_connection_id=connection_id,
        tunnel_options_specification=[change(tunnel_id=slave.tunnel_id, tunnel_ike_config=change_ike(psk="rotated.key"))]))
    changed = {option.role: option for option in connection_of(client, connection_id).tunnel_options_specification.tunnel_options}
    assert (changed["master"].tunnel_ike_config.psk, changed["slave"].tunnel_ike_config.psk) == ("tunnel1.key", "rotated.key")
    assert changed["slave"].tunnel_ike_config.ike_version == "ikev2"

    single = vpc_models.CreateVpnConnectionRequest(region_id=REGION, vpn_gateway_id=gateway_id, customer_gateway_id=first,
                                                   local_subnet="0.0.0.0/0", remote_subnet="0.0.0.0/0")
    assert api_error(client.create_vpn_connection, single).code == "MissingTunnelOptionsSpecification"


def test_gateway_rejects_changes_while_updating(start_emulator, slow_ctx):
    client = sdk_client(start_emulator("alibaba", slow_ctx))
    _vpc_id, gateway_id, customer_id = single_tunnel_site(client)
    connection_id = single_tunnel_connection(client, gateway_id, customer_id)
    assert gateway_of(client, gateway_id).status == "updating"

    second = api_error(lambda: single_tunnel_connection(client, gateway_id, make_customer_gateway(client, "203.0.113.9")))
    assert (second.code, second.status_code) == ("VpnGateway.Configuring", 400)
    route = vpc_models.CreateVpnRouteEntryRequest(region_id=REGION, vpn_gateway_id=gateway_id, route_dest="172.80.64.0/19",
                                                  next_hop=connection_id, weight=100, publish_vpc=True)
    assert api_error(client.create_vpn_route_entry, route).code == "VpnGateway.Configuring"
    delete = vpc_models.DeleteVpnConnectionRequest(region_id=REGION, vpn_connection_id=connection_id)
    assert api_error(client.delete_vpn_connection, delete).code == "VpnGateway.Configuring"
    wait_active(client, gateway_id)
    assert client.create_vpn_route_entry(route).body.state == "published"


def test_modify_connection_changes_the_key_and_keeps_the_rest(client):
    _vpc_id, gateway_id, customer_id = single_tunnel_site(client)
    connection_id = single_tunnel_connection(client, gateway_id, customer_id, ike_config=json.dumps({"IkeVersion": "ikev2"}))
    client.modify_vpn_connection_attribute(vpc_models.ModifyVpnConnectionAttributeRequest(
        region_id=REGION, vpn_connection_id=connection_id, ike_config=json.dumps({"Psk": "rotated.key"}),
        remote_subnet="172.80.64.0/19,172.81.0.0/16"))
    body = connection_of(client, connection_id)
    assert (body.ike_config.psk, body.ike_config.ike_version) == ("rotated.key", "ikev2")
    assert body.remote_subnet == "172.80.64.0/19,172.81.0.0/16"


# --------------------------------------------------------------------------- VPN destination routes


def test_vpn_route_entries(client):
    _vpc_id, gateway_id, customer_id = single_tunnel_site(client)
    connection_id = single_tunnel_connection(client, gateway_id, customer_id, local_subnet="0.0.0.0/0", remote_subnet="0.0.0.0/0")

    def route(destination: str, weight: int = 100):
        return vpc_models.CreateVpnRouteEntryRequest(region_id=REGION, vpn_gateway_id=gateway_id, route_dest=destination,
                                                     next_hop=connection_id, weight=weight, publish_vpc=False)

    default = api_error(client.create_vpn_route_entry, route("0.0.0.0/0"))
    assert (default.code, default.status_code) == ("InvalidParameter", 400)
    assert api_error(client.create_vpn_route_entry, route("10.0.0.0/16", weight=50)).code == "InvalidParameter"
    created = client.create_vpn_route_entry(route("172.80.64.0/19")).body
    assert (created.route_dest, created.next_hop, created.weight, created.state) == ("172.80.64.0/19", connection_id, 100, "normal")

    client.publish_vpn_route_entry(vpc_models.PublishVpnRouteEntryRequest(
        region_id=REGION, vpn_gateway_id=gateway_id, route_dest="172.80.64.0/19", next_hop=connection_id,
        publish_vpc=True, route_type="dbr"))
    client.modify_vpn_route_entry_weight(vpc_models.ModifyVpnRouteEntryWeightRequest(
        region_id=REGION, vpn_gateway_id=gateway_id, route_dest="172.80.64.0/19", next_hop=connection_id, weight=100, new_weight=0))
    listed = client.describe_vpn_route_entries(vpc_models.DescribeVpnRouteEntriesRequest(
        region_id=REGION, vpn_gateway_id=gateway_id, route_entry_type="custom")).body
    [entry] = listed.vpn_route_entries.vpn_route_entry
    assert (entry.route_dest, entry.weight, entry.state) == ("172.80.64.0/19", 0, "published")

    still_routed = vpc_models.DeleteVpnConnectionRequest(region_id=REGION, vpn_connection_id=connection_id)
    assert api_error(client.delete_vpn_connection, still_routed).code == "DependencyViolation"
    delete = vpc_models.DeleteVpnRouteEntryRequest(region_id=REGION, vpn_gateway_id=gateway_id, route_dest="172.80.64.0/19",
                                                   next_hop=connection_id, weight=0)
    client.delete_vpn_route_entry(delete)
    assert api_error(client.delete_vpn_route_entry, delete).code.endswith("NotFound")
    client.delete_vpn_connection(still_routed)


# --------------------------------------------------------------------------- statuses and the data plane


def test_connection_status_comes_from_the_data_plane(start_emulator, tmp_path):
    status = FixedStatus()
    client = sdk_client(start_emulator("alibaba", LabContext(state_dir=tmp_path, status=status)))
    _vpc_id, gateway_id, customer_id = single_tunnel_site(client)
    connection_id = single_tunnel_connection(client, gateway_id, customer_id, local_subnet="0.0.0.0/0", remote_subnet="0.0.0.0/0",
                                             bgp_config=json.dumps({"EnableBgp": True, "LocalAsn": 65010,
                                                                    "TunnelCidr": "169.254.20.0/30", "LocalBgpIp": "169.254.20.2"}))
    tunnel_id = f"alibaba/{connection_id}"
    assert connection_of(client, connection_id).status == "ike_sa_not_established"

    status.current = StatusSnapshot(tunnels={tunnel_id: TunnelStatus(tunnel_id, up=False, ike_established=True, ipsec_established=False,
                                                                     message="TS_UNACCEPTABLE")})
    assert connection_of(client, connection_id).status == "ipsec_sa_not_established"
    logs = client.describe_vpn_connection_logs(vpc_models.DescribeVpnConnectionLogsRequest(
        region_id=REGION, vpn_connection_id=connection_id, minute_period=10)).body
    assert len(logs.data.logs) == 1 and logs.data.logs[0].endswith("ipsec_sa_not_established: TS_UNACCEPTABLE")
    status.current = StatusSnapshot(
        tunnels={tunnel_id: TunnelStatus(tunnel_id, up=True, ike_established=True, ipsec_established=True)},
        bgp={tunnel_id: BgpStatus(tunnel_id, "169.254.20.2", "169.254.20.1", 64512, "Established")},
        learned_routes={f"alibaba/{gateway_id}": ("172.80.64.0/19",)})
    body = connection_of(client, connection_id)
    assert (body.status, body.vpn_bgp_config.status, body.vpn_bgp_config.peer_bgp_ip) == ("ipsec_sa_established", "success", "169.254.20.1")
    learned = client.describe_vpn_route_entries(vpc_models.DescribeVpnRouteEntriesRequest(
        region_id=REGION, vpn_gateway_id=gateway_id, route_entry_type="bgp")).body.vpn_route_entries.vpn_route_entry
    assert [entry.route_dest for entry in learned] == ["172.80.64.0/19"]


def test_dataplane_model_describes_what_the_gateway_runs(start_emulator, lab_ctx):
    running = start_emulator("alibaba")
    client = sdk_client(running)
    vpc_id, gateway_id, customer_id = single_tunnel_site(client)
    vswitch_id = client.describe_vswitches(vpc_models.DescribeVSwitchesRequest(region_id=REGION, vpc_id=vpc_id)).body.v_switches.v_switch[0].v_switch_id
    host = lab_action(client, "CreateLabInstance", VSwitchId=vswitch_id)
    policy = single_tunnel_connection(client, gateway_id, customer_id, effect_immediately=True, ike_config=json.dumps(
        {"IkeMode": "aggressive", "IkeEncAlg": "aes256", "IkeAuthAlg": "sha256", "IkePfs": "group14", "Psk": "policy.key"}),
        ipsec_config=json.dumps({"IpsecPfs": "disabled", "IpsecLifetime": 3600}))
    wait_active(client, gateway_id)
    routed = single_tunnel_connection(client, gateway_id, make_customer_gateway(client, "203.0.113.252", asn="64513"),
                                      local_subnet="0.0.0.0/0", remote_subnet="0.0.0.0/0", bgp_config=json.dumps(
                                          {"EnableBgp": "true", "TunnelCidr": "169.254.30.0/30", "LocalBgpIp": "169.254.30.1"}))
    wait_active(client, gateway_id)
    client.create_vpn_route_entry(vpc_models.CreateVpnRouteEntryRequest(
        region_id=REGION, vpn_gateway_id=gateway_id, route_dest="10.99.0.0/16", next_hop=routed, weight=100, publish_vpc=True))
    wait_active(client, gateway_id)

    model = running.emulator.dataplane_model()
    [network] = model.networks
    assert (network.id, network.cidrs, network.propagate_from) == (f"alibaba/{vpc_id}", ("192.168.0.0/16",), (f"alibaba/{gateway_id}",))
    assert [(route.destination, route.target_kind, route.target_id) for route in network.routes] == [("10.99.0.0/16", "vpn_gateway", f"alibaba/{gateway_id}")]
    [machine] = model.hosts
    wanted = (f"alibaba/{host['InstanceId']}", f"alibaba/{vpc_id}", "192.168.1.1", 24)
    assert (machine.id, machine.network_id, machine.private_ip, machine.prefix_length) == wanted
    [gateway] = model.gateways
    internet_ip = gateway_of(client, gateway_id).internet_ip
    assert (gateway.id, gateway.network_id, gateway.public_ips) == (f"alibaba/{gateway_id}", f"alibaba/{vpc_id}", (internet_ip,))
    tunnels = {tunnel.id: tunnel for tunnel in gateway.tunnels}

    first = tunnels[f"alibaba/{policy}"]
    assert (first.local_address, first.remote_address, first.psk) == (internet_ip, "203.0.113.250", "policy.key")
    assert (first.ike_version, first.aggressive, first.initiate) == (1, True, True)
    assert first.ike_proposals == ("aes256-sha256-modp2048",) and first.esp_proposals == ("aes128-sha1",)
    assert (first.ike_lifetime, first.ipsec_lifetime) == (86400, 3600)
    assert (first.route_based, first.local_ts, first.remote_ts) == (False, ("192.168.0.0/16",), ("172.80.64.0/19",))

    second = tunnels[f"alibaba/{routed}"]
    assert (second.route_based, second.local_ts, second.remote_ts, second.initiate) == (True, ("0.0.0.0/0",), ("0.0.0.0/0",), False)
    assert (second.inside_address, second.inside_prefix_length) == ("169.254.30.1", 30)
    assert (second.bgp.local_asn, second.bgp.peer_asn, second.bgp.peer_address, second.bgp.advertise) == \
        (45104, 64513, "169.254.30.2", ("192.168.0.0/16",))


def test_pending_resources_stay_out_of_the_model(start_emulator, slow_ctx):
    running = start_emulator("alibaba", slow_ctx)
    client = sdk_client(running)
    vpc = make_vpc(client)
    vswitch_id = make_vswitch(client, vpc.vpc_id, "192.168.1.0/24")
    make_gateway(client, vpc.vpc_id, vswitch_id)
    host = lab_action(client, "CreateLabInstance", VSwitchId=vswitch_id)
    assert lab_action(client, "DescribeLabInstances", InstanceId=host["InstanceId"])["Instances"]["Instance"][0]["Status"] == "Pending"
    assert slow_ctx.changed.is_set()  # the realizer is told at once
    assert running.emulator.dataplane_model().gateways == () and running.emulator.dataplane_model().hosts == ()
    assert wait_until(lambda: running.emulator.dataplane_model().gateways and running.emulator.dataplane_model().hosts)


# --------------------------------------------------------------------------- wire: signatures, faults, request log


def test_classic_v2_signature_is_verified(start_emulator):
    running = start_emulator("alibaba")
    signed = sdk_client(running, signature_algorithm="v2")
    assert signed.create_vpc(vpc_models.CreateVpcRequest(region_id=REGION, cidr_block="10.10.0.0/16")).body.vpc_id.startswith("vpc-")

    forged = sdk_client(running, signature_algorithm="v2", access_key_secret="not-the-secret")
    error = api_error(forged.describe_vpcs, vpc_models.DescribeVpcsRequest(region_id=REGION))
    assert (error.code, error.status_code) == ("SignatureDoesNotMatch", 400)
    assert "server string to sign is:POST&%2F&" in error.message
    unknown = sdk_client(running, signature_algorithm="v2", access_key_id="LTAInobody")
    assert api_error(unknown.describe_vpcs, vpc_models.DescribeVpcsRequest(region_id=REGION)).code == "InvalidAccessKeyId.NotFound"
    # ACS3 (the SDK default) is accepted without verification.
    assert sdk_client(running, access_key_secret="anything").describe_vpcs(vpc_models.DescribeVpcsRequest(region_id=REGION)).body.total_count == 1


def test_throttling_reaches_the_sdk_as_a_client_error_it_can_retry(start_emulator, tmp_path):
    ctx = context_with(tmp_path, faults="throttle")
    running = start_emulator("alibaba", ctx)
    describe = vpc_models.DescribeVpcsRequest(region_id=REGION)
    # tea-openapi retries nothing unless Config.retry_options says so: the fault reaches the caller.
    plain = sdk_client(running)
    error = api_error(lambda: [plain.describe_vpcs(describe) for _attempt in range(50)])
    assert (type(error), error.code, error.status_code) == (ClientException, "Throttling.User", 400)

    retry = RetryOptions({"retryable": True, "retryCondition": [RetryCondition(
        {"maxAttempts": 10, "errorCode": ["Throttling", "Throttling.User"], "backoff": {"policy": "Fixed", "period": 5}})]})
    patient = sdk_client(running, retry_options=retry)
    assert all(patient.describe_vpcs(describe).body.total_count == 0 for _attempt in range(20))
    throttled = [entry for entry in read_request_log(ctx.request_log.path) if entry["fault"] == "throttle"]
    assert len(throttled) >= 2 and {entry["status"] for entry in throttled} == {400}


def test_request_log_names_each_call(start_emulator, lab_ctx):
    client = sdk_client(start_emulator("alibaba"))
    started = time.time()
    vpc = make_vpc(client)
    client.describe_vpcs(vpc_models.DescribeVpcsRequest(region_id=REGION))
    api_error(client.delete_vswitch, vpc_models.DeleteVSwitchRequest(region_id=REGION, v_switch_id="vsw-missing"))
    lab_action(client, "DescribeLabInstances", VpcId=vpc.vpc_id)
    entries = read_request_log(lab_ctx.request_log.path, since=started)
    assert [(entry["cloud"], entry["operation"], entry["mutating"], entry["status"]) for entry in entries] == [
        ("alibaba", "CreateVpc", True, 200),
        ("alibaba", "DescribeVpcs", False, 200),
        ("alibaba", "DeleteVSwitch", True, 404),
        ("alibaba", "DescribeLabInstances", False, 200),
    ]
