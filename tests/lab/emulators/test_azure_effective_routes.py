"""NetworkInterfaces_GetEffectiveRouteTable: what a NIC of the VNet really routes with.

Driven through azure-mgmt-network (``network_interfaces.begin_get_effective_route_table``) against
an emulator whose data plane reports a fixed snapshot, so the gateway rows are exactly what the
snapshot says each gateway instance learned. The reference is seed post 002's
``az network nic show-effective-route-table`` output.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from azure.core.exceptions import ResourceNotFoundError
from azure.mgmt.network import NetworkManagementClient
from azure.mgmt.network import models as m

from mci_lab.dataplane.model import StatusSnapshot
from mci_lab.emulators.base import LabContext, read_request_log
from tests.lab.emulators.test_azure import (
    GROUP,
    LOCATION,
    create_connection,
    create_local_gateway,
    create_vnet,
    gateway_parameters,
    network_client,
)
from tests.lab.emulators.test_azure_dataplane import FixedStatus, build_triangle

NIC = "testvm-nic"
# Seed 002, once the triangle is up: both instances learned AWS's VPC and GCP's subnet.
TRIANGLE_ROUTES = {"azure/vng/0": ("172.16.0.0/16", "10.0.1.0/24"), "azure/vng/1": ("172.16.0.0/16", "10.0.1.0/24")}


def lab_with(start_emulator, tmp_path: Path, learned_routes: dict) -> NetworkManagementClient:
    """An Azure emulator whose data plane says each gateway instance learned ``learned_routes``; requests logged in tmp_path."""
    ctx = LabContext(state_dir=tmp_path, status=FixedStatus(StatusSnapshot(learned_routes=learned_routes)))
    return network_client(start_emulator("azure", ctx).endpoint)


def create_nic(client, route_table: m.RouteTable | None = None) -> None:
    """A VM's NIC in the ``vms`` subnet, which uses ``route_table`` when given."""
    subnet = m.Subnet(address_prefix="192.168.2.0/24", route_table=m.RouteTable(id=route_table.id) if route_table else None)
    subnet = client.subnets.begin_create_or_update(GROUP, "hub", "vms", subnet).result()
    client.network_interfaces.begin_create_or_update(GROUP, NIC, m.NetworkInterface(location=LOCATION, ip_configurations=[
        m.NetworkInterfaceIPConfiguration(name="ipconfig1", subnet=m.Subnet(id=subnet.id))])).result()


def route_table(client, *, propagate: bool, routes: tuple[m.Route, ...] = ()) -> m.RouteTable:
    return client.route_tables.begin_create_or_update(GROUP, "vms-rt", m.RouteTable(
        location=LOCATION, disable_bgp_route_propagation=not propagate, routes=list(routes))).result()


def effective_rows(client) -> list[tuple]:
    routes = client.network_interfaces.begin_get_effective_route_table(GROUP, NIC).result().value
    return [(r.source, r.state, r.address_prefix, r.next_hop_type, r.next_hop_ip_address) for r in routes]


def test_a_vm_nic_sees_seed_002s_table(start_emulator, tmp_path: Path):
    client = lab_with(start_emulator, tmp_path, TRIANGLE_ROUTES)
    build_triangle(client)
    create_nic(client)

    routes = client.network_interfaces.begin_get_effective_route_table(GROUP, NIC).result().value

    assert [(r.source, r.state, r.address_prefix, r.next_hop_type, r.next_hop_ip_address) for r in routes] == [
        ("Default", "Active", ["192.168.0.0/16"], "VnetLocal", []),
        ("VirtualNetworkGateway", "Active", ["172.16.0.0/16"], "VirtualNetworkGateway", ["192.168.1.4"]),
        ("VirtualNetworkGateway", "Active", ["172.16.0.0/16"], "VirtualNetworkGateway", ["192.168.1.5"]),
        ("VirtualNetworkGateway", "Active", ["10.0.1.0/24"], "VirtualNetworkGateway", ["192.168.1.4"]),
        ("VirtualNetworkGateway", "Active", ["10.0.1.0/24"], "VirtualNetworkGateway", ["192.168.1.5"]),
        ("Default", "Active", ["0.0.0.0/0"], "Internet", []),
        ("Default", "Active", ["10.0.0.0/8"], "None", []),
        ("Default", "Active", ["172.16.0.0/12"], "None", []),
        ("Default", "Active", ["100.64.0.0/10"], "None", []),
    ]
    assert {route.disable_bgp_route_propagation for route in routes} == {False}
    reads = [entry for entry in read_request_log(tmp_path / "requests.jsonl") if entry["operation"] == "networkInterfaces.getEffectiveRouteTable"]
    assert reads and not any(entry["mutating"] for entry in reads)


def test_a_route_table_that_disables_gateway_propagation_keeps_gateway_routes_out(start_emulator, tmp_path: Path):
    client = lab_with(start_emulator, tmp_path, TRIANGLE_ROUTES)
    build_triangle(client)
    to_nva = m.Route(name="to-nva", address_prefix="10.50.0.0/16", next_hop_type="VirtualAppliance", next_hop_ip_address="192.168.2.10")
    create_nic(client, route_table(client, propagate=False, routes=(to_nva,)))

    routes = client.network_interfaces.begin_get_effective_route_table(GROUP, NIC).result().value

    assert [route.source for route in routes] == ["Default", "User", "Default", "Default", "Default", "Default"]
    assert (routes[1].name, routes[1].address_prefix, routes[1].next_hop_ip_address) == ("to-nva", ["10.50.0.0/16"], ["192.168.2.10"])
    assert {route.disable_bgp_route_propagation for route in routes} == {True}

    # The same table with propagation back on: the learned routes return.
    route_table(client, propagate=True, routes=(to_nva,))
    learned = [row for row in effective_rows(client) if row[0] == "VirtualNetworkGateway"]
    assert len(learned) == 4


def test_a_user_route_beats_a_learned_one_and_a_learned_one_beats_a_system_one(start_emulator, tmp_path: Path):
    client = lab_with(start_emulator, tmp_path, {"azure/vng/0": ("172.16.0.0/16", "10.0.0.0/8")})
    build_triangle(client)
    firewall = m.Route(name="inspect-aws", address_prefix="172.16.0.0/16", next_hop_type="VirtualAppliance",
                       next_hop_ip_address="192.168.2.10")
    create_nic(client, route_table(client, propagate=True, routes=(firewall,)))

    states = {(source, prefix[0], hop): state for source, state, prefix, hop, _hops in effective_rows(client)}

    assert states[("User", "172.16.0.0/16", "VirtualAppliance")] == "Active"
    assert states[("VirtualNetworkGateway", "172.16.0.0/16", "VirtualNetworkGateway")] == "Invalid"
    assert states[("VirtualNetworkGateway", "10.0.0.0/8", "VirtualNetworkGateway")] == "Active"
    assert states[("Default", "10.0.0.0/8", "None")] == "Invalid"
    assert states[("Default", "172.16.0.0/12", "None")] == "Active"  # a different prefix: longest match decides


def test_static_connections_route_their_local_network_prefixes_through_every_instance(start_emulator, tmp_path: Path):
    client = lab_with(start_emulator, tmp_path, {})
    create_vnet(client)
    gateway = client.virtual_network_gateways.begin_create_or_update(GROUP, "vng", gateway_parameters(client)).result()
    onprem = create_local_gateway(client, "onprem", "203.0.113.70", None, prefixes=("10.30.0.0/16",))
    create_connection(client, "onprem", gateway, onprem, bgp=False)
    create_nic(client)

    learned = [row for row in effective_rows(client) if row[0] == "VirtualNetworkGateway"]

    assert learned == [
        ("VirtualNetworkGateway", "Active", ["10.30.0.0/16"], "VirtualNetworkGateway", ["192.168.1.4"]),
        ("VirtualNetworkGateway", "Active", ["10.30.0.0/16"], "VirtualNetworkGateway", ["192.168.1.5"]),
    ]


def test_an_unknown_nic_is_a_404(start_emulator, tmp_path: Path):
    client = lab_with(start_emulator, tmp_path, {})
    create_vnet(client)
    with pytest.raises(ResourceNotFoundError) as raised:
        client.network_interfaces.begin_get_effective_route_table(GROUP, "no-such-nic").result()
    assert raised.value.error.code == "ResourceNotFound"
