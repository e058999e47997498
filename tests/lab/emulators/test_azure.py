"""The Azure emulator through azure-mgmt-network: resources, long-running operations, errors, faults."""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from azure.core.credentials import AccessToken
from azure.core.exceptions import HttpResponseError, ResourceExistsError, ResourceNotFoundError
from azure.core.pipeline.policies import SansIOHTTPPolicy
from azure.core.rest import HttpRequest
from azure.mgmt.network import NetworkManagementClient
from azure.mgmt.network import models as m

from mci_lab.emulators.base import DelayProfile, FaultProfile, LabContext, read_request_log
from tests.lab.conftest import context_with

SUBSCRIPTION = "00000000-0000-0000-0000-000000000001"
GROUP = "multicloud"
LOCATION = "eastus"
LAB_PUBLIC_RANGES = ("198.51.100.", "203.0.113.")


# --------------------------------------------------------------------------- client wiring (SDK_WIRING.md 4)


class LabCredential:
    """A TokenCredential for the lab: the emulator does not check tokens."""

    def get_token(self, *scopes, **kwargs) -> AccessToken:
        return AccessToken("lab-token", int(time.time()) + 3600)


class LabBearerPolicy(SansIOHTTPPolicy):
    """Replaces ARM's bearer policy, which refuses plain http."""

    def on_request(self, request) -> None:
        request.http_request.headers["Authorization"] = "Bearer lab-token"


def network_client(endpoint: str, **kwargs) -> NetworkManagementClient:
    return NetworkManagementClient(LabCredential(), SUBSCRIPTION, base_url=endpoint,
                                   authentication_policy=LabBearerPolicy(), polling_interval=0, **kwargs)


@pytest.fixture
def azure(start_emulator) -> NetworkManagementClient:
    return network_client(start_emulator("azure").endpoint)


def gateway_config_id(gateway: str, name: str) -> str:
    return (f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{GROUP}/providers/Microsoft.Network/"
            f"virtualNetworkGateways/{gateway}/ipConfigurations/{name}")


# --------------------------------------------------------------------------- builders


def create_vnet(client, name: str = "hub", space: str = "192.168.0.0/16", gateway_subnet: str = "192.168.1.0/24",
                vm_subnet: str = "192.168.2.0/24") -> m.VirtualNetwork:
    return client.virtual_networks.begin_create_or_update(GROUP, name, m.VirtualNetwork(
        location=LOCATION,
        address_space=m.AddressSpace(address_prefixes=[space]),
        subnets=[m.Subnet(name="GatewaySubnet", address_prefix=gateway_subnet), m.Subnet(name="vms", address_prefix=vm_subnet)],
    )).result()


def create_public_ip(client, name: str, sku: str = "Standard", method: str = "Static") -> m.PublicIPAddress:
    return client.public_ip_addresses.begin_create_or_update(GROUP, name, m.PublicIPAddress(
        location=LOCATION, sku=m.PublicIPAddressSku(name=sku), public_ip_allocation_method=method)).result()


def gateway_parameters(client, name: str = "vng", instance_apipa=(("169.254.21.2",), ("169.254.22.2",)),
                       configurations: int = 2, asn: int = 65001) -> m.VirtualNetworkGateway:
    subnet = client.subnets.get(GROUP, "hub", "GatewaySubnet")
    ips = [create_public_ip(client, f"{name}-pip{index}") for index in range(configurations)]
    return m.VirtualNetworkGateway(
        location=LOCATION, gateway_type="Vpn", vpn_type="RouteBased", active_active=True, enable_bgp=True,
        sku=m.VirtualNetworkGatewaySku(name="VpnGw1", tier="VpnGw1"),
        ip_configurations=[
            m.VirtualNetworkGatewayIPConfiguration(name=f"ipconfig{index}", subnet=m.SubResource(id=subnet.id),
                                                   public_ip_address=m.SubResource(id=ip.id))
            for index, ip in enumerate(ips)
        ],
        bgp_settings=m.BgpSettings(asn=asn, bgp_peering_addresses=[
            m.IPConfigurationBgpPeeringAddress(ipconfiguration_id=gateway_config_id(name, f"ipconfig{index}"),
                                               custom_bgp_ip_addresses=list(addresses))
            for index, addresses in enumerate(instance_apipa[:configurations])
        ]),
    )


def create_local_gateway(client, name: str, address: str, bgp_peer: str | None, asn: int = 65002,
                         prefixes: tuple[str, ...] = ()) -> m.LocalNetworkGateway:
    bgp = m.BgpSettings(asn=asn, bgp_peering_address=bgp_peer) if bgp_peer else None
    return client.local_network_gateways.begin_create_or_update(GROUP, name, m.LocalNetworkGateway(
        location=LOCATION, gateway_ip_address=address,
        local_network_address_space=m.AddressSpace(address_prefixes=list(prefixes)), bgp_settings=bgp)).result()


def create_connection(client, name: str, gateway, local_gateway, bgp: bool = True, **extra) -> m.VirtualNetworkGatewayConnection:
    return client.virtual_network_gateway_connections.begin_create_or_update(GROUP, name, m.VirtualNetworkGatewayConnection(
        location=LOCATION, connection_type="IPsec", virtual_network_gateway1=m.VirtualNetworkGateway(id=gateway.id),
        local_network_gateway2=m.LocalNetworkGateway(id=local_gateway.id), shared_key="Lab0SharedKey0123", enable_bgp=bgp,
        **extra)).result()


def arm_error(raised: pytest.ExceptionInfo) -> tuple[int, str]:
    return raised.value.status_code, raised.value.error.code


# --------------------------------------------------------------------------- networks


def test_virtual_network_and_subnets_round_trip(azure):
    vnet = create_vnet(azure)
    assert vnet.provisioning_state == "Succeeded"
    assert [subnet.name for subnet in vnet.subnets] == ["GatewaySubnet", "vms"]

    added = azure.subnets.begin_create_or_update(GROUP, "hub", "apps", m.Subnet(address_prefix="192.168.3.0/24")).result()
    assert added.address_prefix == "192.168.3.0/24"
    assert sorted(subnet.name for subnet in azure.subnets.list(GROUP, "hub")) == ["GatewaySubnet", "apps", "vms"]
    assert [net.name for net in azure.virtual_networks.list(GROUP)] == ["hub"]

    again = azure.virtual_networks.begin_create_or_update(GROUP, "hub", azure.virtual_networks.get(GROUP, "hub")).result()
    assert sorted(subnet.name for subnet in again.subnets) == ["GatewaySubnet", "apps", "vms"]  # GET, PUT back: no change

    azure.subnets.begin_delete(GROUP, "hub", "apps").result()
    with pytest.raises(ResourceNotFoundError) as raised:
        azure.subnets.get(GROUP, "hub", "apps")
    assert arm_error(raised) == (404, "ResourceNotFound")


def test_subnet_ranges_are_checked_like_arm(azure):
    create_vnet(azure)
    with pytest.raises(HttpResponseError) as outside:
        azure.subnets.begin_create_or_update(GROUP, "hub", "far", m.Subnet(address_prefix="10.9.0.0/24")).result()
    assert arm_error(outside) == (400, "NetcfgSubnetRangeOutsideVnet")
    with pytest.raises(HttpResponseError) as overlap:
        azure.subnets.begin_create_or_update(GROUP, "hub", "twin", m.Subnet(address_prefix="192.168.2.128/25")).result()
    assert arm_error(overlap) == (400, "NetcfgSubnetRangesOverlap")
    with pytest.raises(HttpResponseError) as transit:
        azure.virtual_networks.begin_create_or_update(GROUP, "odd", m.VirtualNetwork(
            location=LOCATION, address_space=m.AddressSpace(address_prefixes=["198.18.0.0/16"]))).result()
    assert arm_error(transit) == (400, "NotSupportedByLab")  # the data plane's own transit links
    with pytest.raises(ResourceNotFoundError) as orphan:
        azure.subnets.begin_create_or_update(GROUP, "nowhere", "a", m.Subnet(address_prefix="10.0.0.0/24")).result()
    assert arm_error(orphan) == (404, "ParentResourceNotFound")


def test_public_ips_come_from_the_lab_pool_and_go_back(start_emulator, lab_ctx):
    client = network_client(start_emulator("azure").endpoint)
    first, second = create_public_ip(client, "a"), create_public_ip(client, "b")
    assert first.ip_address != second.ip_address
    assert all(ip.ip_address.startswith(LAB_PUBLIC_RANGES) for ip in (first, second))

    client.public_ip_addresses.begin_delete(GROUP, "a").result()
    with pytest.raises(ResourceNotFoundError):
        client.public_ip_addresses.get(GROUP, "a")
    handed_out = []
    while True:  # drain the shared pool: the released address is among what is left
        try:
            handed_out.append(lab_ctx.public_ips.allocate("probe"))
        except RuntimeError:
            break
    assert first.ip_address in handed_out and second.ip_address not in handed_out


def test_missing_resources_answer_arm_404s(azure):
    with pytest.raises(ResourceNotFoundError) as no_group:
        azure.virtual_network_gateways.get("no-such-group", "vng")
    assert arm_error(no_group) == (404, "ResourceGroupNotFound")
    create_vnet(azure)
    with pytest.raises(ResourceNotFoundError) as no_gateway:
        azure.virtual_network_gateways.get(GROUP, "vng")
    assert arm_error(no_gateway) == (404, "ResourceNotFound")
    assert "virtualNetworkGateways/vng" in no_gateway.value.error.message


def test_resource_groups_put_get_head_delete(azure):
    base = f"/subscriptions/{SUBSCRIPTION}/resourcegroups/playground?api-version=2024-03-01"
    created = azure.send_request(HttpRequest("PUT", base, json={"location": LOCATION}))
    assert created.status_code == 201 and created.json()["name"] == "playground"
    assert azure.send_request(HttpRequest("HEAD", base)).status_code == 204
    assert azure.send_request(HttpRequest("GET", base)).json()["location"] == LOCATION
    assert azure.send_request(HttpRequest("DELETE", base)).status_code == 202
    missing = azure.send_request(HttpRequest("GET", base))
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "ResourceGroupNotFound"


# --------------------------------------------------------------------------- VPN gateway


def test_active_active_gateway_provisions_through_the_lro_protocol(start_emulator, tmp_path: Path):
    # 60 cloud seconds at a 0.01 time scale: 0.6 s of Updating; Retry-After is whole seconds.
    ctx = context_with(tmp_path, delays=DelayProfile("test", {"azure.virtual_network_gateway": 60}, 0.01))
    client = network_client(start_emulator("azure", ctx).endpoint)
    create_vnet(client)
    parameters = gateway_parameters(client, instance_apipa=(("169.254.21.2", "169.254.21.6"), ("169.254.22.2", "169.254.22.6")))
    first_answers = []
    started = time.time()
    poller = client.virtual_network_gateways.begin_create_or_update(
        GROUP, "vng", parameters, raw_response_hook=lambda response: first_answers.append(response.http_response))

    assert first_answers[0].status_code == 201
    assert "/operations/" in first_answers[0].headers["Azure-AsyncOperation"]
    assert first_answers[0].headers["Retry-After"] == "1"
    assert client.virtual_network_gateways.get(GROUP, "vng").provisioning_state == "Updating"
    with pytest.raises(ResourceExistsError) as busy:
        client.virtual_network_gateways.begin_create_or_update(GROUP, "vng", parameters)
    assert arm_error(busy) == (409, "AnotherOperationInProgress")

    gateway = poller.result()
    assert gateway.provisioning_state == "Succeeded"
    assert time.time() - started >= 0.6
    polls = [entry for entry in read_request_log(ctx.state_dir / "requests.jsonl") if entry["operation"] == "operations.get"]
    assert len(polls) >= 2

    bgp = gateway.bgp_settings
    assert bgp.asn == 65001 and bgp.bgp_peering_address == "192.168.1.4,192.168.1.5"
    instances = {entry.ipconfiguration_id.rsplit("/", 1)[-1]: entry for entry in bgp.bgp_peering_addresses}
    assert instances["ipconfig0"].default_bgp_ip_addresses == ["192.168.1.4"]
    assert instances["ipconfig0"].custom_bgp_ip_addresses == ["169.254.21.2", "169.254.21.6"]
    assert instances["ipconfig1"].custom_bgp_ip_addresses == ["169.254.22.2", "169.254.22.6"]
    public = [client.public_ip_addresses.get(GROUP, f"vng-pip{index}").ip_address for index in (0, 1)]
    assert [instances[f"ipconfig{index}"].tunnel_ip_addresses for index in (0, 1)] == [[public[0]], [public[1]]]


def test_active_active_with_one_ip_configuration_is_rejected(azure):
    create_vnet(azure)
    parameters = gateway_parameters(azure, configurations=1)
    with pytest.raises(HttpResponseError) as raised:
        azure.virtual_network_gateways.begin_create_or_update(GROUP, "vng", parameters).result()
    assert arm_error(raised) == (400, "ActiveActiveGatewayMustHaveExactlyTwoIpConfigurations")
    assert "two IP configurations" in raised.value.error.message


def test_custom_apipa_outside_azure_range_is_rejected(azure):
    create_vnet(azure)
    parameters = gateway_parameters(azure, instance_apipa=(("169.254.20.2",), ("169.254.22.2",)))
    with pytest.raises(HttpResponseError) as raised:
        azure.virtual_network_gateways.begin_create_or_update(GROUP, "vng", parameters).result()
    assert arm_error(raised) == (400, "InvalidCustomBgpIpAddress")
    assert "169.254.21.0 - 169.254.22.255" in raised.value.error.message


@pytest.mark.parametrize("asn, accepted", [(65515, True), (65517, False), (23456, False)])
def test_gateway_asn_rules(azure, asn: int, accepted: bool):
    create_vnet(azure)
    parameters = gateway_parameters(azure, asn=asn)
    if accepted:
        assert azure.virtual_network_gateways.begin_create_or_update(GROUP, "vng", parameters).result().bgp_settings.asn == asn
        return
    with pytest.raises(HttpResponseError) as raised:
        azure.virtual_network_gateways.begin_create_or_update(GROUP, "vng", parameters).result()
    assert arm_error(raised) == (400, "InvalidBgpAsn")


def test_active_active_needs_standard_static_public_ips(azure):
    create_vnet(azure)
    parameters = gateway_parameters(azure)
    basic = create_public_ip(azure, "basic", sku="Basic", method="Dynamic")
    parameters.ip_configurations[1].public_ip_address = m.SubResource(id=basic.id)
    with pytest.raises(HttpResponseError) as raised:
        azure.virtual_network_gateways.begin_create_or_update(GROUP, "vng", parameters).result()
    assert arm_error(raised)[0] == 400 and "Standard" in raised.value.error.message


def test_local_network_gateway_bgp_rules(azure):
    refused = [
        (65515, "169.254.21.1", (), "InvalidLocalNetworkGatewayBgpAsn"),  # Azure's own ASN
        (64500, "169.254.21.1", (), "InvalidLocalNetworkGatewayBgpAsn"),  # IANA documentation range
        (65002, "10.20.0.1", ("10.30.0.0/16",), "BgpPeeringAddressNotInLocalNetworkAddressSpace"),
    ]
    for asn, peer, prefixes, code in refused:
        with pytest.raises(HttpResponseError) as raised:
            create_local_gateway(azure, "peer", "203.0.113.9", peer, asn=asn, prefixes=prefixes)
        assert arm_error(raised) == (400, code)
    accepted = create_local_gateway(azure, "peer", "203.0.113.9", "10.20.0.1", asn=65002, prefixes=("10.20.0.0/16",))
    assert accepted.bgp_settings.bgp_peering_address == "10.20.0.1"


# --------------------------------------------------------------------------- connections and status


def test_connection_reads_back_its_ipsec_policy_and_status(azure):
    create_vnet(azure)
    gateway = azure.virtual_network_gateways.begin_create_or_update(GROUP, "vng", gateway_parameters(azure)).result()
    aws = create_local_gateway(azure, "aws00", "203.0.113.200", "169.254.21.1")
    policy = m.IpsecPolicy(sa_life_time_seconds=3600, sa_data_size_kilobytes=102400000, ipsec_encryption="GCMAES256",
                           ipsec_integrity="GCMAES256", ike_encryption="AES256", ike_integrity="SHA256",
                           dh_group="DHGroup14", pfs_group="PFS14")
    connection = create_connection(azure, "aws00", gateway, aws, ipsec_policies=[policy], connection_mode="ResponderOnly")

    assert connection.provisioning_state == "Succeeded"
    assert connection.enable_bgp is True and connection.connection_mode == "ResponderOnly"
    read = azure.virtual_network_gateway_connections.get(GROUP, "aws00").ipsec_policies[0]
    assert (read.ipsec_encryption, read.ike_integrity, read.dh_group, read.pfs_group) == ("GCMAES256", "SHA256", "DHGroup14", "PFS14")
    # No data plane: the far end never answers.
    assert connection.connection_status == "NotConnected"
    assert sorted(entry.tunnel for entry in connection.tunnel_connection_status) == sorted(
        f"aws00_{ip}" for ip in (azure.public_ip_addresses.get(GROUP, f"vng-pip{i}").ip_address for i in (0, 1)))
    assert azure.virtual_network_gateway_connections.get_shared_key(GROUP, "aws00").value == "Lab0SharedKey0123"
    updated = azure.virtual_network_gateways.begin_create_or_update(GROUP, "vng", azure.virtual_network_gateways.get(GROUP, "vng")).result()
    assert updated.bgp_settings.as_dict() == gateway.bgp_settings.as_dict()  # GET, PUT back: same addresses
    azure.virtual_network_gateway_connections.begin_set_shared_key(GROUP, "aws00", m.ConnectionSharedKey(value="Other0Key99")).result()
    assert azure.virtual_network_gateway_connections.get_shared_key(GROUP, "aws00").value == "Other0Key99"


def test_connection_to_a_gateway_still_updating_is_refused(start_emulator, tmp_path: Path):
    ctx = context_with(tmp_path, delays=DelayProfile("test", {"azure.virtual_network_gateway": 3000}, 0.01))
    client = network_client(start_emulator("azure", ctx).endpoint)
    create_vnet(client)
    client.virtual_network_gateways.begin_create_or_update(GROUP, "vng", gateway_parameters(client))
    gateway = client.virtual_network_gateways.get(GROUP, "vng")
    aws = create_local_gateway(client, "aws00", "203.0.113.200", "169.254.21.1")
    with pytest.raises(HttpResponseError) as raised:
        create_connection(client, "aws00", gateway, aws)
    assert arm_error(raised) == (400, "ReferencedResourceNotProvisioned")


def test_bgp_peer_status_and_learned_routes_are_long_running_posts(azure, tmp_path: Path):
    create_vnet(azure)
    gateway = azure.virtual_network_gateways.begin_create_or_update(GROUP, "vng", gateway_parameters(azure)).result()
    create_connection(azure, "aws00", gateway, create_local_gateway(azure, "aws00", "203.0.113.200", "169.254.21.1"))

    peers = azure.virtual_network_gateways.begin_get_bgp_peer_status(GROUP, "vng").result().value
    assert {(peer.local_address, peer.neighbor, peer.asn, peer.state) for peer in peers} == {
        ("192.168.1.4", "169.254.21.1", 65002, "Connecting"), ("192.168.1.5", "169.254.21.1", 65002, "Connecting")}
    assert azure.virtual_network_gateways.begin_get_learned_routes(GROUP, "vng").result().value == []
    only = azure.virtual_network_gateways.begin_get_bgp_peer_status(GROUP, "vng", peer="169.254.99.1").result().value
    assert only == []


def test_deleting_what_is_in_use_is_refused_until_dependents_go(azure, lab_ctx):
    create_vnet(azure)
    gateway = azure.virtual_network_gateways.begin_create_or_update(GROUP, "vng", gateway_parameters(azure)).result()
    create_connection(azure, "aws00", gateway, create_local_gateway(azure, "aws00", "203.0.113.200", "169.254.21.1"))

    with pytest.raises(HttpResponseError) as ip_in_use:
        azure.public_ip_addresses.begin_delete(GROUP, "vng-pip0").result()
    assert arm_error(ip_in_use) == (400, "PublicIPAddressCannotBeDeleted")
    with pytest.raises(HttpResponseError) as gateway_in_use:
        azure.virtual_network_gateways.begin_delete(GROUP, "vng").result()
    assert arm_error(gateway_in_use) == (400, "VirtualNetworkGatewayCannotBeDeleted")
    with pytest.raises(HttpResponseError) as subnet_in_use:
        azure.subnets.begin_delete(GROUP, "hub", "GatewaySubnet").result()
    assert arm_error(subnet_in_use) == (400, "InUseSubnetCannotBeDeleted")

    azure.virtual_network_gateway_connections.begin_delete(GROUP, "aws00").result()
    azure.virtual_network_gateways.begin_delete(GROUP, "vng").result()
    azure.public_ip_addresses.begin_delete(GROUP, "vng-pip0").result()
    assert [ip.name for ip in azure.public_ip_addresses.list(GROUP)] == ["vng-pip1"]


def test_nic_effective_routes_show_vnet_user_and_default_routes(azure):
    create_vnet(azure)
    table = azure.route_tables.begin_create_or_update(GROUP, "spokes", m.RouteTable(location=LOCATION, routes=[
        m.Route(name="to-nva", address_prefix="10.50.0.0/16", next_hop_type="VirtualAppliance", next_hop_ip_address="192.168.2.10"),
    ])).result()
    with_table = m.Subnet(address_prefix="192.168.2.0/24", route_table=m.RouteTable(id=table.id))
    azure.subnets.begin_create_or_update(GROUP, "hub", "vms", with_table).result()
    nic = azure.network_interfaces.begin_create_or_update(GROUP, "vm1-nic", m.NetworkInterface(location=LOCATION, ip_configurations=[
        m.NetworkInterfaceIPConfiguration(name="ipconfig1", subnet=m.Subnet(id=azure.subnets.get(GROUP, "hub", "vms").id))])).result()
    assert nic.ip_configurations[0].private_ip_address == "192.168.2.4"  # .0-.3 are Azure's

    routes = azure.network_interfaces.begin_get_effective_route_table(GROUP, "vm1-nic").result().value
    assert [(r.source, r.address_prefix, r.next_hop_type, r.next_hop_ip_address) for r in routes] == [
        ("Default", ["192.168.0.0/16"], "VnetLocal", []),
        ("User", ["10.50.0.0/16"], "VirtualAppliance", ["192.168.2.10"]),
        ("Default", ["0.0.0.0/0"], "Internet", []),
        # Azure's reserved ranges drop traffic, but the one that is the VNet's own address space.
        ("Default", ["10.0.0.0/8"], "None", []),
        ("Default", ["172.16.0.0/12"], "None", []),
        ("Default", ["100.64.0.0/10"], "None", []),
    ]
    assert [subnet.id.rsplit("/", 1)[-1] for subnet in azure.route_tables.get(GROUP, "spokes").subnets] == ["vms"]


# --------------------------------------------------------------------------- request log and faults


def test_request_log_names_operations_and_mutations(azure, lab_ctx):
    create_vnet(azure)
    azure.virtual_network_gateways.begin_create_or_update(GROUP, "vng", gateway_parameters(azure)).result()
    azure.virtual_network_gateways.begin_get_bgp_peer_status(GROUP, "vng").result()
    entries = {(entry["operation"], entry["mutating"]) for entry in read_request_log(lab_ctx.state_dir / "requests.jsonl")}
    assert {
        ("virtualNetworks.createOrUpdate", True),
        ("virtualNetworkGateways.createOrUpdate", True),
        ("virtualNetworkGateways.get", False),
        ("virtualNetworkGateways.getBgpPeerStatus", False),
        ("operations.get", False),
        ("operationResults.get", False),
        ("subnets.get", False),
    } <= entries


def test_throttling_is_retried_by_azure_core(start_emulator, tmp_path: Path):
    ctx = context_with(tmp_path, faults="throttle")
    client = network_client(start_emulator("azure", ctx).endpoint)
    subnet = create_vnet(client).subnets[1]
    client.network_interfaces.begin_create_or_update(GROUP, "nic", m.NetworkInterface(location=LOCATION, ip_configurations=[
        m.NetworkInterfaceIPConfiguration(name="ipconfig1", subnet=m.Subnet(id=subnet.id))])).result()
    assert client.network_interfaces.begin_get_effective_route_table(GROUP, "nic").result().value

    log = read_request_log(ctx.state_dir / "requests.jsonl")
    throttled = [entry for entry in log if entry["fault"] == "throttle"]
    assert throttled and all(entry["status"] == 429 for entry in throttled)
    # The profile's generator is seeded, so the same calls are throttled on every run; among them
    # a POST, which azure-core retries on 429 only because the answer carries Retry-After.
    posts = [entry["status"] for entry in log if entry["operation"] == "networkInterfaces.getEffectiveRouteTable"]
    assert 429 in posts and posts[-1] == 202
    assert log[-1]["status"] == 200


def test_server_errors_are_retried_by_azure_core(start_emulator, tmp_path: Path):
    ctx = LabContext(state_dir=tmp_path, faults=FaultProfile(name="errors", server_error=0.3, seed=3))
    client = network_client(start_emulator("azure", ctx).endpoint, retry_backoff_factor=0.01)
    create_vnet(client)
    assert client.virtual_networks.get(GROUP, "hub").provisioning_state == "Succeeded"
    log = read_request_log(ctx.state_dir / "requests.jsonl")
    assert any(entry["status"] == 500 and entry["fault"] == "server_error" for entry in log)
