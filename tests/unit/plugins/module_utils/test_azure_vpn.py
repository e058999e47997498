"""module_utils/azure_vpn.py: input validation, options -> ARM bodies, ARM answers -> module output, safe diffs."""
from __future__ import annotations

import json

import pytest

from ansible_collections.multicloud.interconnect.plugins.module_utils import azure_vpn
from ansible_collections.multicloud.interconnect.plugins.module_utils.diff import REDACTED, REDACTED_CHANGED, build_diff, differing_fields

SUB = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/multicloud/providers/Microsoft.Network"
GATEWAY_ID = SUB + "/virtualNetworkGateways/hub-vpngw"
SUBNET_ID = SUB + "/virtualNetworks/hub/subnets/GatewaySubnet"
PIP0, PIP1 = SUB + "/publicIPAddresses/hub-vpngw-pip0", SUB + "/publicIPAddresses/hub-vpngw-pip1"
GCM_POLICY = {
    "ike_encryption": "GCMAES256", "ike_integrity": "SHA384", "dh_group": "ECP384", "ipsec_encryption": "GCMAES256",
    "ipsec_integrity": "GCMAES256", "pfs_group": "ECP384", "sa_lifetime_seconds": 10800, "sa_data_size_kilobytes": 102400000,
}


def gateway_as_read(**properties) -> dict:
    """A gateway the way ARM returns it: ids, read-only fields and per-instance BGP addresses filled in."""
    body = {
        "id": GATEWAY_ID, "name": "hub-vpngw", "type": "Microsoft.Network/virtualNetworkGateways", "etag": 'W/"1"',
        "location": "eastus", "tags": {"env": "lab"},
        "properties": {
            "provisioningState": "Succeeded", "resourceGuid": "guid", "gatewayType": "Vpn", "vpnType": "RouteBased",
            "sku": {"name": "VpnGw1", "tier": "VpnGw1"}, "vpnGatewayGeneration": "Generation1", "activeActive": True, "enableBgp": True,
            "vpnClientConfiguration": {"vpnClientProtocols": ["OpenVPN"]},
            "ipConfigurations": [
                {"id": GATEWAY_ID + "/ipConfigurations/default", "name": "default", "etag": 'W/"1"',
                 "properties": {"provisioningState": "Succeeded", "privateIPAllocationMethod": "Dynamic",
                                "subnet": {"id": SUBNET_ID}, "publicIPAddress": {"id": PIP0}}},
                {"id": GATEWAY_ID + "/ipConfigurations/activeActive", "name": "activeActive",
                 "properties": {"privateIPAllocationMethod": "Dynamic", "subnet": {"id": SUBNET_ID}, "publicIPAddress": {"id": PIP1}}},
            ],
            "bgpSettings": {
                "asn": 65010, "peerWeight": 0, "bgpPeeringAddress": "192.168.1.4,192.168.1.5",
                "bgpPeeringAddresses": [
                    {"ipconfigurationId": GATEWAY_ID + "/ipConfigurations/default", "defaultBgpIpAddresses": ["192.168.1.4"],
                     "customBgpIpAddresses": ["169.254.21.6", "169.254.21.2"], "tunnelIpAddresses": ["198.51.100.40"]},
                    {"ipconfigurationId": GATEWAY_ID + "/ipConfigurations/activeActive", "defaultBgpIpAddresses": ["192.168.1.5"],
                     "customBgpIpAddresses": ["169.254.22.2"], "tunnelIpAddresses": ["203.0.113.41"]},
                ],
            },
        },
    }
    body["properties"].update(properties)
    return body


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize("address", ["169.254.21.0", "169.254.21.2", "169.254.22.255"])
def test_addresses_in_the_azure_apipa_range_are_accepted(address) -> None:
    assert azure_vpn.apipa_problem("x", address) is None


@pytest.mark.parametrize("address, reason", [
    ("169.254.20.255", "outside the Azure custom APIPA range 169.254.21.0-169.254.22.255"),
    ("169.254.23.0", "outside the Azure custom APIPA range"),
    ("10.0.0.1", "outside the Azure custom APIPA range"),
    ("169.254.21", "is not an IPv4 address"),
])
def test_addresses_outside_the_range_name_the_field_and_value(address, reason) -> None:
    problem = azure_vpn.apipa_problem("custom_bgp_ip_addresses[1][0]", address)
    assert problem.startswith("custom_bgp_ip_addresses[1][0]: ") and reason in problem


def test_per_instance_lists_are_checked_for_range_reuse_and_instance_count() -> None:
    problems = azure_vpn.custom_bgp_problems("custom_bgp_ip_addresses", [["169.254.21.2", "169.254.30.2"], ["169.254.21.2"], ["169.254.22.9"]], 2)
    assert problems == [
        "custom_bgp_ip_addresses: 3 instance lists given but the gateway has 2 instance(s)",
        "custom_bgp_ip_addresses[0][1]: 169.254.30.2 is outside the Azure custom APIPA range 169.254.21.0-169.254.22.255",
        "custom_bgp_ip_addresses[1][0]: 169.254.21.2 is already used at custom_bgp_ip_addresses[0][0]",
    ]
    assert azure_vpn.custom_bgp_problems("x", None, 2) == []


def test_gateway_asn_follows_azure_rules_but_may_keep_azure_default() -> None:
    assert azure_vpn.gateway_asn_problem("asn", 65515) is None
    assert azure_vpn.gateway_asn_problem("asn", 65010) is None
    assert azure_vpn.gateway_asn_problem("asn", 65517) == "asn: ASN 65517 is reserved by azure"
    assert "outside the private range azure accepts" in azure_vpn.gateway_asn_problem("asn", 4200000001)
    assert azure_vpn.gateway_asn_problem("asn", 23456) == "asn: ASN 23456 is reserved by IANA"


def test_peer_asn_may_be_public_but_not_reserved() -> None:
    assert azure_vpn.peer_asn_problem("bgp_settings.asn", 7224) is None
    assert azure_vpn.peer_asn_problem("bgp_settings.asn", 64512) is None
    assert azure_vpn.peer_asn_problem("bgp_settings.asn", 65515) == "bgp_settings.asn: ASN 65515 is reserved by azure, so a azure peer cannot use it"
    assert azure_vpn.peer_asn_problem("bgp_settings.asn", 64496) == "bgp_settings.asn: ASN 64496 is reserved by IANA"
    assert "not a 32-bit ASN" in azure_vpn.peer_asn_problem("bgp_settings.asn", 4294967296)


def test_shared_key_problems_never_contain_the_key() -> None:
    problem = azure_vpn.shared_key_problem("shared_key", "has a space secret")
    assert problem.startswith("shared_key: ") and "secret" not in problem
    assert azure_vpn.shared_key_problem("shared_key", "Lab0SharedKey0123") is None
    assert "1-128 characters" in azure_vpn.shared_key_problem("shared_key", "x" * 129)


def test_unknown_sku_lists_the_known_ones() -> None:
    assert azure_vpn.sku_problem("sku", "VpnGw2AZ") is None
    assert azure_vpn.sku_problem("sku", "VpnGw9").startswith("sku: 'VpnGw9' is not a VPN gateway SKU (Basic, VpnGw1,")


def test_local_gateway_input_is_checked_field_by_field() -> None:
    params = {"gateway_ip_address": "203.0.113.300", "address_prefixes": ["10.1.0.0/16", "10.2.0.1/16"],
              "bgp_settings": {"asn": 65518, "bgp_peering_address": "192.168.9.1", "peer_weight": 101}}
    assert azure_vpn.local_gateway_problems(params) == [
        "gateway_ip_address: '203.0.113.300' is not an IPv4 address",
        "address_prefixes[1]: '10.2.0.1/16' is not an IPv4 network prefix (10.2.0.1/16 has host bits set)",
        "bgp_settings.asn: ASN 65518 is reserved by azure, so a azure peer cannot use it",
        "bgp_settings.bgp_peering_address: 192.168.9.1 is not link-local, so it must lie in address_prefixes",
        "bgp_settings.peer_weight: must be 0-100, got 101",
    ]
    apipa_peer = {"gateway_ip_address": "198.51.100.21", "address_prefixes": [], "bgp_settings": {"asn": 64520, "bgp_peering_address": "169.254.21.1"}}
    assert azure_vpn.local_gateway_problems(apipa_peer) == []


# --------------------------------------------------------------------------- IPsec policies


def test_a_gcm_policy_in_azure_names_is_valid_and_renders_as_given() -> None:
    assert azure_vpn.ipsec_policy_problems("ipsec_policies", [GCM_POLICY], "IKEv2") == []
    assert azure_vpn.ipsec_policy_body(GCM_POLICY) == {
        "ikeEncryption": "GCMAES256", "ikeIntegrity": "SHA384", "dhGroup": "ECP384", "ipsecEncryption": "GCMAES256",
        "ipsecIntegrity": "GCMAES256", "pfsGroup": "ECP384", "saLifeTimeSeconds": 10800, "saDataSizeKilobytes": 102400000,
    }


def test_planner_names_and_azure_aliases_render_in_azure_spelling() -> None:
    policy = {"ike_encryption": "aes256", "ike_integrity": "sha256", "dh_group": "DHGroup2048", "ipsec_encryption": "aes256gcm16",
              "ipsec_integrity": "aes256gcm16", "pfs_group": "none", "sa_lifetime_seconds": 27000, "sa_data_size_kilobytes": 102400000}
    assert azure_vpn.ipsec_policy_problems("ipsec_policies", [policy], None) == []
    body = azure_vpn.ipsec_policy_body(policy)
    assert (body["ikeEncryption"], body["dhGroup"], body["ipsecEncryption"], body["ipsecIntegrity"], body["pfsGroup"]) == (
        "AES256", "DHGroup14", "GCMAES256", "GCMAES256", "None")
    same = dict(policy, dh_group="14", ike_encryption="AES256")
    assert azure_vpn.comparable_policy(azure_vpn.ipsec_policy_option(body)) == azure_vpn.comparable_policy(same)


def test_bad_policies_fail_naming_each_field() -> None:
    bad = dict(GCM_POLICY, dh_group="DHGroup5", sa_lifetime_seconds=100)
    problems = azure_vpn.ipsec_policy_problems("ipsec_policies", [bad, GCM_POLICY], "IKEv1")
    assert problems == [
        "ipsec_policies: Azure takes at most one custom IPsec policy per connection, got 2",
        "ipsec_policies[0]: 'DHGroup5' is not an Azure dh group",
        "ipsec_policies[1].ike_encryption: GCMAES256 needs connection_protocol IKEv2",
    ]
    mismatch = dict(GCM_POLICY, ipsec_integrity="SHA256")
    assert azure_vpn.ipsec_policy_problems("p", [mismatch], None) == [
        "p[0]: with ipsec_encryption GCMAES256, ipsec_integrity must name the same GCM cipher, got 'SHA256'"]
    short = dict(GCM_POLICY, sa_lifetime_seconds=100)
    assert azure_vpn.ipsec_policy_problems("p", [short], None) == ["p[0].sa_lifetime_seconds: must be 300-172799, got 100"]
    unoffered = dict(GCM_POLICY, ipsec_encryption="AES256", ipsec_integrity="SHA384")
    assert azure_vpn.ipsec_policy_problems("p", [unoffered], None) == ["p[0].ipsec_integrity: Azure does not offer SHA384 here"]


# --------------------------------------------------------------------------- gateways


def test_a_new_active_active_gateway_renders_two_ip_configurations_and_apipa_per_instance() -> None:
    settings = azure_vpn.desired_gateway_settings(
        {"sku": "VpnGw2", "generation": None, "active_active": True, "enable_bgp": True, "asn": 65010,
         "custom_bgp_ip_addresses": [["169.254.21.6", "169.254.21.2"], ["169.254.22.2"]]}, [PIP0, PIP1])
    body = azure_vpn.render_gateway({"location": "eastus", "tags": {}, "properties": {}}, settings, GATEWAY_ID, SUBNET_ID)
    properties = body["properties"]
    assert properties["sku"] == {"name": "VpnGw2", "tier": "VpnGw2"}
    assert "vpnGatewayGeneration" not in properties  # not given: Azure's default, never null
    assert (properties["gatewayType"], properties["vpnType"], properties["activeActive"], properties["enableBgp"]) == ("Vpn", "RouteBased", True, True)
    assert properties["ipConfigurations"] == [
        {"name": "instance0", "properties": {"privateIPAllocationMethod": "Dynamic", "subnet": {"id": SUBNET_ID}, "publicIPAddress": {"id": PIP0}}},
        {"name": "instance1", "properties": {"privateIPAllocationMethod": "Dynamic", "subnet": {"id": SUBNET_ID}, "publicIPAddress": {"id": PIP1}}},
    ]
    assert properties["bgpSettings"] == {"asn": 65010, "bgpPeeringAddresses": [
        {"ipconfigurationId": GATEWAY_ID + "/ipConfigurations/instance0", "customBgpIpAddresses": ["169.254.21.2", "169.254.21.6"]},
        {"ipconfigurationId": GATEWAY_ID + "/ipConfigurations/instance1", "customBgpIpAddresses": ["169.254.22.2"]},
    ]}


def test_a_gateway_without_bgp_input_sends_no_bgp_settings() -> None:
    settings = azure_vpn.desired_gateway_settings({"active_active": False}, [PIP0])
    settings["sku"] = "VpnGw1"
    body = azure_vpn.render_gateway({"location": "eastus", "properties": {}}, settings, GATEWAY_ID, SUBNET_ID)
    assert "bgpSettings" not in body["properties"] and "enableBgp" not in body["properties"]


def test_read_gateway_normalises_instances_in_order_with_addresses() -> None:
    public_ips = {PIP0.lower(): {"properties": {"ipAddress": "198.51.100.40"}}}
    gateway = azure_vpn.normalize_gateway(gateway_as_read(), public_ips)
    assert (gateway["sku"], gateway["asn"], gateway["resource_group"]) == ("VpnGw1", 65010, "multicloud")
    assert gateway["virtual_network_id"] == SUB + "/virtualNetworks/hub"
    assert gateway["custom_bgp_ip_addresses"] == [["169.254.21.2", "169.254.21.6"], ["169.254.22.2"]]
    first, second = gateway["instances"]
    assert (first["ip_configuration_name"], first["public_ip_address"], first["default_bgp_ip_addresses"]) == ("default", "198.51.100.40", ["192.168.1.4"])
    # Without the public IP resource, the tunnel address Azure reports stands in.
    assert (second["index"], second["public_ip_address"], second["public_ip_id"]) == (1, "203.0.113.41", PIP1)


def test_an_update_changes_only_what_was_given_and_keeps_unmanaged_properties() -> None:
    raw = gateway_as_read()
    current = azure_vpn.gateway_settings(azure_vpn.normalize_gateway(raw))
    wanted = azure_vpn.desired_gateway_settings({"custom_bgp_ip_addresses": [["169.254.21.2"], ["169.254.22.2", "169.254.22.6"]]}, None)
    settings = dict(current, custom_bgp_ip_addresses=wanted["custom_bgp_ip_addresses"])
    body = azure_vpn.render_gateway(raw, settings, GATEWAY_ID, azure_vpn.first_subnet_id(raw))
    properties = body["properties"]
    assert properties["vpnClientConfiguration"] == {"vpnClientProtocols": ["OpenVPN"]}
    assert "provisioningState" not in properties and "resourceGuid" not in properties and "etag" not in body
    assert [configuration["name"] for configuration in properties["ipConfigurations"]] == ["default", "activeActive"]
    assert "provisioningState" not in properties["ipConfigurations"][0]["properties"]
    assert properties["bgpSettings"] == {"asn": 65010, "peerWeight": 0, "bgpPeeringAddresses": [
        {"ipconfigurationId": GATEWAY_ID + "/ipConfigurations/default", "customBgpIpAddresses": ["169.254.21.2"]},
        {"ipconfigurationId": GATEWAY_ID + "/ipConfigurations/activeActive", "customBgpIpAddresses": ["169.254.22.2", "169.254.22.6"]},
    ]}
    assert body["tags"] == {"env": "lab"}


def test_ids_compare_without_case_and_custom_lists_pad_per_instance() -> None:
    upper = azure_vpn.comparable_gateway_settings({"public_ip_ids": [PIP0.upper()]})
    assert upper == azure_vpn.comparable_gateway_settings({"public_ip_ids": [PIP0]})
    assert azure_vpn.padded_custom_bgp([["169.254.21.2"]], 2) == [["169.254.21.2"], []]
    assert azure_vpn.padded_custom_bgp(None, 1) == [[]]


def test_public_ips_must_suit_an_active_active_gateway_and_be_free() -> None:
    basic = {"name": "old", "sku": {"name": "Basic"}, "properties": {"publicIPAllocationMethod": "Dynamic"}}
    assert azure_vpn.public_ip_problem("public_ip_names[0]", basic, True, GATEWAY_ID) == (
        "public_ip_names[0]: old is a Basic/Dynamic public IP; an active-active gateway needs Standard SKU with Static allocation")
    assert azure_vpn.public_ip_problem("public_ip_names[0]", basic, False, GATEWAY_ID) is None
    taken = {"name": "vm-ip", "sku": {"name": "Standard"},
             "properties": {"publicIPAllocationMethod": "Static", "ipConfiguration": {"id": SUB + "/networkInterfaces/vm/ipConfigurations/ip"}}}
    assert "is already used by" in azure_vpn.public_ip_problem("public_ip_names[1]", taken, True, GATEWAY_ID)
    ours = dict(taken, properties={"publicIPAllocationMethod": "Static", "ipConfiguration": {"id": GATEWAY_ID + "/ipConfigurations/default"}})
    assert azure_vpn.public_ip_problem("public_ip_names[1]", ours, True, GATEWAY_ID) is None
    assert azure_vpn.public_ip_body("eastus")["sku"] == {"name": "Standard", "tier": "Regional"}


def test_the_gateway_subnet_is_found_by_name() -> None:
    vnet = {"id": SUB + "/virtualNetworks/hub", "properties": {"subnets": [{"name": "vms", "id": "a"}, {"name": "gatewaysubnet", "id": SUBNET_ID}]}}
    assert azure_vpn.gateway_subnet_id(vnet) == SUBNET_ID
    assert azure_vpn.gateway_subnet_id({"id": "x", "properties": {"subnets": []}}) is None


# --------------------------------------------------------------------------- local network gateways


def local_gateway_as_read() -> dict:
    return {"id": SUB + "/localNetworkGateways/aws-00", "name": "aws-00", "location": "eastus", "tags": {},
            "properties": {"provisioningState": "Succeeded", "gatewayIpAddress": "198.51.100.21",
                           "localNetworkAddressSpace": {"addressPrefixes": ["10.2.0.0/16", "10.1.0.0/16"]},
                           "bgpSettings": {"asn": 64520, "bgpPeeringAddress": "169.254.21.1", "peerWeight": 0}}}


def test_prefixes_are_replaced_by_default_and_merged_without_purge() -> None:
    current = azure_vpn.normalize_local_gateway(local_gateway_as_read())
    assert current["address_prefixes"] == ["10.1.0.0/16", "10.2.0.0/16"]
    replaced = azure_vpn.desired_local_gateway_settings({"address_prefixes": ["10.3.0.0/16"], "purge_address_prefixes": True}, current)
    merged = azure_vpn.desired_local_gateway_settings({"address_prefixes": ["10.3.0.0/16"], "purge_address_prefixes": False}, current)
    assert replaced["address_prefixes"] == ["10.3.0.0/16"]
    assert merged["address_prefixes"] == ["10.1.0.0/16", "10.2.0.0/16", "10.3.0.0/16"]
    unchanged = azure_vpn.desired_local_gateway_settings({}, current)
    assert unchanged == azure_vpn.local_gateway_settings(current)


def test_bgp_settings_merge_given_fields_and_empty_dict_removes_them() -> None:
    current = azure_vpn.normalize_local_gateway(local_gateway_as_read())
    moved = azure_vpn.desired_local_gateway_settings({"bgp_settings": {"asn": None, "bgp_peering_address": "169.254.21.5", "peer_weight": None}}, current)
    assert moved["bgp_settings"] == {"asn": 64520, "bgp_peering_address": "169.254.21.5", "peer_weight": 0}
    removed = azure_vpn.desired_local_gateway_settings({"bgp_settings": {"asn": None, "bgp_peering_address": None, "peer_weight": None}}, current)
    assert removed["bgp_settings"] is None
    body = azure_vpn.render_local_gateway(local_gateway_as_read(), removed)
    assert "bgpSettings" not in body["properties"] and "provisioningState" not in body["properties"]


def test_local_gateway_renders_arm_fields() -> None:
    settings = {"gateway_ip_address": "203.0.113.77", "address_prefixes": ["10.20.0.0/16"],
                "bgp_settings": {"asn": 64520, "bgp_peering_address": "169.254.21.1", "peer_weight": None}}
    body = azure_vpn.render_local_gateway({"location": "eastus", "properties": {}}, settings)
    assert body["properties"] == {"gatewayIpAddress": "203.0.113.77", "localNetworkAddressSpace": {"addressPrefixes": ["10.20.0.0/16"]},
                                  "bgpSettings": {"asn": 64520, "bgpPeeringAddress": "169.254.21.1", "peerWeight": 0}}


# --------------------------------------------------------------------------- connections


def connection_as_read() -> dict:
    return {
        "id": SUB + "/connections/aws-00", "name": "aws-00", "location": "eastus", "tags": {},
        "properties": {
            "provisioningState": "Succeeded", "connectionType": "IPsec", "connectionProtocol": "IKEv2", "enableBgp": True,
            "usePolicyBasedTrafficSelectors": False, "connectionMode": "Default", "routingWeight": 0, "dpdTimeoutSeconds": 45,
            "virtualNetworkGateway1": {"id": GATEWAY_ID}, "localNetworkGateway2": {"id": SUB + "/localNetworkGateways/aws-00"},
            "ipsecPolicies": [azure_vpn.ipsec_policy_body(GCM_POLICY)],
            "gatewayCustomBgpIpAddresses": [
                {"ipConfigurationId": GATEWAY_ID + "/ipConfigurations/activeActive", "customBgpIpAddress": "169.254.22.2"},
                {"ipConfigurationId": GATEWAY_ID + "/ipConfigurations/default", "customBgpIpAddress": "169.254.21.2"},
            ],
            "connectionStatus": "Connected", "ingressBytesTransferred": 3780, "egressBytesTransferred": 18720,
            "tunnelConnectionStatus": [{"tunnel": "aws-00_198.51.100.40", "connectionStatus": "Connected",
                                        "ingressBytesTransferred": 3780, "egressBytesTransferred": 18720}],
        },
    }


def test_connection_output_orders_apipa_choice_by_instance_and_reports_status() -> None:
    gateway = azure_vpn.normalize_gateway(gateway_as_read())
    ids = [instance["ip_configuration_id"] for instance in gateway["instances"]]
    connection = azure_vpn.normalize_connection(connection_as_read(), ids)
    assert connection["gateway_custom_bgp_ip_addresses"] == ["169.254.21.2", "169.254.22.2"]
    assert (connection["connection_status"], connection["egress_bytes_transferred"]) == ("Connected", 18720)
    assert connection["tunnel_connection_status"][0]["connection_status"] == "Connected"
    assert connection["ipsec_policies"] == [GCM_POLICY]


def test_an_unchanged_connection_has_no_differences() -> None:
    gateway = azure_vpn.normalize_gateway(gateway_as_read())
    connection = azure_vpn.normalize_connection(connection_as_read(), [instance["ip_configuration_id"] for instance in gateway["instances"]])
    params = {"connection_protocol": "IKEv2", "enable_bgp": True, "connection_mode": None, "use_policy_based_traffic_selectors": None,
              "ipsec_policies": [dict(GCM_POLICY, dh_group="ecp384")], "gateway_custom_bgp_ip_addresses": ["169.254.21.2", "169.254.22.2"]}
    assert differing_fields(azure_vpn.connection_settings(connection), azure_vpn.desired_connection_settings(params)) == {}
    changed = dict(params, connection_mode="ResponderOnly", ipsec_policies=[])
    assert differing_fields(azure_vpn.connection_settings(connection), azure_vpn.desired_connection_settings(changed)) == {
        "connection_mode": "ResponderOnly", "ipsec_policies": []}


def test_connection_body_maps_the_apipa_choice_to_instances_and_drops_status() -> None:
    gateway = azure_vpn.normalize_gateway(gateway_as_read())
    params = {"connection_mode": "ResponderOnly", "gateway_custom_bgp_ip_addresses": ["169.254.21.6", "169.254.22.2"], "shared_key": None}
    body = azure_vpn.render_connection(connection_as_read(), params, gateway)
    properties = body["properties"]
    assert properties["gatewayCustomBgpIpAddresses"] == [
        {"ipConfigurationId": GATEWAY_ID + "/ipConfigurations/default", "customBgpIpAddress": "169.254.21.6"},
        {"ipConfigurationId": GATEWAY_ID + "/ipConfigurations/activeActive", "customBgpIpAddress": "169.254.22.2"},
    ]
    assert properties["connectionMode"] == "ResponderOnly" and properties["dpdTimeoutSeconds"] == 45
    for read_only in ("connectionStatus", "tunnelConnectionStatus", "ingressBytesTransferred", "provisioningState", "sharedKey"):
        assert read_only not in properties
    with_key = azure_vpn.render_connection(connection_as_read(), dict(params, shared_key="Rotated0Key0456"), gateway)
    assert with_key["properties"]["sharedKey"] == "Rotated0Key0456"


def test_the_apipa_choice_must_belong_to_each_instance() -> None:
    gateway = azure_vpn.normalize_gateway(gateway_as_read())
    assert azure_vpn.connection_custom_bgp_problems(["169.254.21.2", "169.254.22.2"], gateway) == []
    assert azure_vpn.connection_custom_bgp_problems(["169.254.22.2", "169.254.21.2", "169.254.21.6"], gateway) == [
        "gateway_custom_bgp_ip_addresses: 3 addresses given but gateway hub-vpngw has 2 instance(s)",
        "gateway_custom_bgp_ip_addresses[0]: 169.254.22.2 is not a custom BGP IP address of gateway hub-vpngw instance 0 (169.254.21.2, 169.254.21.6)",
        "gateway_custom_bgp_ip_addresses[1]: 169.254.21.2 is not a custom BGP IP address of gateway hub-vpngw instance 1 (169.254.22.2)",
    ]


def test_connection_input_problems_cover_key_policy_and_apipa_before_any_call() -> None:
    params = {"shared_key": "two words", "ipsec_policies": [dict(GCM_POLICY, pfs_group="PFS99")], "connection_protocol": None,
              "gateway_custom_bgp_ip_addresses": ["169.254.21.2", "169.254.99.2"]}
    problems = azure_vpn.connection_problems(params)
    assert problems == [
        "shared_key: azure pre-shared keys may only contain printable ASCII without spaces, got ' '",
        "ipsec_policies[0]: 'PFS99' is not an Azure pfs group",
        "gateway_custom_bgp_ip_addresses[1]: 169.254.99.2 is outside the Azure custom APIPA range 169.254.21.0-169.254.22.255",
    ]


# --------------------------------------------------------------------------- diffs


def test_diff_redacts_the_shared_key_and_only_says_that_it_changes() -> None:
    connection = azure_vpn.normalize_connection(connection_as_read())
    before = azure_vpn.connection_diff_state(connection, "Lab0SharedKey0123")
    same = build_diff(before, azure_vpn.connection_diff_state(connection, "Lab0SharedKey0123"))
    rotated = build_diff(before, azure_vpn.connection_diff_state(connection, "Rotated0Key0456"))
    assert same["after"]["shared_key"] == REDACTED
    assert rotated["before"]["shared_key"] == REDACTED and rotated["after"]["shared_key"] == REDACTED_CHANGED
    text = json.dumps([same, rotated])
    assert "Lab0SharedKey0123" not in text and "Rotated0Key0456" not in text
    assert "connectionStatus" not in text and "connection_status" not in rotated["after"]


def test_immutable_references_and_location_are_reported() -> None:
    current = {"name": "aws-00", "location": "eastus", "virtual_network_gateway_id": GATEWAY_ID}
    assert azure_vpn.location_problem(current, "East US") is None
    assert azure_vpn.location_problem(current, "westeurope") == "location: aws-00 is in eastus and Azure cannot move it to westeurope"
    assert azure_vpn.immutable_reference_problems(current, {"virtual_network_gateway": GATEWAY_ID.upper()}) == []
    problem = azure_vpn.immutable_reference_problems(current, {"virtual_network_gateway": SUB + "/virtualNetworkGateways/other"})
    assert problem[0].startswith("virtual_network_gateway: aws-00 uses %s and Azure cannot change it" % GATEWAY_ID)


def test_tags_replace_by_default_and_merge_without_purge() -> None:
    assert azure_vpn.desired_tags({"a": "1", "b": "2"}, {"a": 3}, True) == {"a": "3"}
    assert azure_vpn.desired_tags({"a": "1", "b": "2"}, {"a": 3}, False) == {"a": "3", "b": "2"}
    assert azure_vpn.desired_tags({"a": "1"}, None, True) == {"a": "1"}
