"""aws_route_table_info, azure_learned_routes_info and azure_effective_routes_info, run for real against the lab's emulators.

All only read: the request log shows no mutating call. The routes come from what the emulators
compute (AWS: static VPN routes a propagating VGW shows in DescribeRouteTables; Azure: the routes
its data plane snapshot says each instance learned, and those a NIC of the VNet routes with).
"""
from __future__ import annotations

import time
from pathlib import Path

from azure.mgmt.network import models as m

from mci_lab.dataplane.model import BgpStatus, StatusSnapshot
from mci_lab.emulators.base import LabContext, read_request_log
from tests.lab.emulators.test_aws import attached_vgw, customer_gateway, main_route_table, vpc_with_subnet, vpn_connection
from tests.lab.emulators.test_azure import (
    GROUP,
    LOCATION,
    create_connection,
    create_local_gateway,
    create_vnet,
    gateway_parameters,
    network_client,
)
from tests.lab.emulators.test_azure_dataplane import FixedStatus
from tests.lab.modules.conftest import AwsLab
from tests.lab.modules.test_azure_modules import AzureLab


def test_route_tables_show_what_the_vpn_gateway_propagates(aws_lab: AwsLab) -> None:
    ec2 = aws_lab.ec2
    vpc_id, subnet_id = vpc_with_subnet(ec2)
    vgw_id = attached_vgw(ec2, vpc_id)
    vpn_id = vpn_connection(ec2, customer_gateway(ec2), vgw_id, StaticRoutesOnly=True)["VpnConnectionId"]
    ec2.create_vpn_connection_route(VpnConnectionId=vpn_id, DestinationCidrBlock="172.16.0.0/16")
    table_id = main_route_table(ec2, vpc_id)["RouteTableId"]
    ec2.enable_vgw_route_propagation(GatewayId=vgw_id, RouteTableId=table_id)
    since = time.time()

    by_filter = aws_lab.run("aws_route_table_info", {"filters": {"vpc-id": vpc_id}})
    by_id = aws_lab.run("aws_route_table_info", {"route_table_ids": [table_id, "rtb-00000000000000000"]})

    [table] = by_filter["route_tables"]
    assert by_id["route_tables"] == [table]  # an unknown ID hides nothing
    assert (table["route_table_id"], table["vpc_id"], table["main"], table["propagating_vgw_ids"]) == (table_id, vpc_id, True, [vgw_id])
    assert {"destination_cidr_block": "172.16.0.0/16", "gateway_id": vgw_id, "origin": "EnableVgwRoutePropagation",
            "state": "active"} in table["routes"]
    assert not by_filter["changed"] and not aws_lab.mutating_since(since)


def test_learned_routes_of_each_instance_with_their_peer(start_emulator, tmp_path: Path) -> None:
    snapshot = StatusSnapshot(
        bgp={"azure/vng/0/aws": BgpStatus("azure/vng/0/aws", "169.254.21.2", "169.254.21.1", 65002, "Established", routes_received=1),
             "azure/vng/1/gcp": BgpStatus("azure/vng/1/gcp", "169.254.22.10", "169.254.22.9", 65003, "Established", routes_received=1)},
        learned_routes={"azure/vng/0": ("172.16.0.0/16",), "azure/vng/1": ("10.0.1.0/24",)},
    )
    ctx = LabContext(state_dir=tmp_path, status=FixedStatus(snapshot))
    running = start_emulator("azure", ctx)
    client = network_client(running.endpoint)
    create_vnet(client)
    gateway = client.virtual_network_gateways.begin_create_or_update(
        GROUP, "vng", gateway_parameters(client, instance_apipa=(("169.254.21.2",), ("169.254.22.10",)))).result()
    create_connection(client, "aws", gateway, create_local_gateway(client, "aws", "203.0.113.200", "169.254.21.1", asn=65002))
    create_connection(client, "gcp", gateway, create_local_gateway(client, "gcp", "198.51.100.200", "169.254.22.9", asn=65003))
    lab = AzureLab(running.endpoint, ctx.request_log.path, client)
    since = time.time()

    result = lab.run("azure_learned_routes_info", {"resource_group": GROUP, "name": "vng"})

    assert not result.get("failed"), result.get("msg")
    assert [(row["local_address"], row["network"], row["source_peer"], row["origin"], row["as_path"]) for row in result["learned_routes"]] == [
        ("192.168.1.4", "172.16.0.0/16", "169.254.21.1", "EBgp", "65002"),
        ("192.168.1.5", "10.0.1.0/24", "169.254.22.9", "EBgp", "65003"),
    ]
    assert not [entry for entry in read_request_log(ctx.request_log.path, since) if entry["mutating"]]


def test_effective_routes_of_a_nic_with_the_gateway_routes_of_each_instance(start_emulator, tmp_path: Path) -> None:
    snapshot = StatusSnapshot(learned_routes={"azure/vng/0": ("172.16.0.0/16",), "azure/vng/1": ("172.16.0.0/16",)})
    ctx = LabContext(state_dir=tmp_path, status=FixedStatus(snapshot))
    running = start_emulator("azure", ctx)
    client = network_client(running.endpoint)
    create_vnet(client)
    gateway = client.virtual_network_gateways.begin_create_or_update(GROUP, "vng", gateway_parameters(client)).result()
    create_connection(client, "aws", gateway, create_local_gateway(client, "aws", "203.0.113.200", "169.254.21.1", asn=65002))
    table = client.route_tables.begin_create_or_update(GROUP, "vms-rt", m.RouteTable(location=LOCATION, routes=[
        m.Route(name="to-nva", address_prefix="10.50.0.0/16", next_hop_type="VirtualAppliance", next_hop_ip_address="192.168.2.10")])).result()
    subnet = client.subnets.begin_create_or_update(GROUP, "hub", "vms", m.Subnet(
        address_prefix="192.168.2.0/24", route_table=m.RouteTable(id=table.id))).result()
    client.network_interfaces.begin_create_or_update(GROUP, "vm-nic", m.NetworkInterface(location=LOCATION, ip_configurations=[
        m.NetworkInterfaceIPConfiguration(name="ipconfig1", subnet=m.Subnet(id=subnet.id))])).result()
    lab = AzureLab(running.endpoint, ctx.request_log.path, client)
    since = time.time()

    result = lab.run("azure_effective_routes_info", {"resource_group": GROUP, "network_interface": "vm-nic"})
    missing = lab.run("azure_effective_routes_info", {"resource_group": GROUP, "network_interface": "no-such-nic"})

    assert not result.get("failed"), result.get("msg")
    routes = result["effective_routes"]
    assert {"name": None, "source": "VirtualNetworkGateway", "state": "Active", "address_prefix": ["172.16.0.0/16"],
            "next_hop_type": "VirtualNetworkGateway", "next_hop_ip_address": ["192.168.1.5"],
            "disable_bgp_route_propagation": False} in routes
    assert [(row["source"], row["address_prefix"], row["next_hop_type"], row["next_hop_ip_address"]) for row in routes][:4] == [
        ("Default", ["192.168.0.0/16"], "VnetLocal", []),
        ("User", ["10.50.0.0/16"], "VirtualAppliance", ["192.168.2.10"]),
        ("VirtualNetworkGateway", ["172.16.0.0/16"], "VirtualNetworkGateway", ["192.168.1.4"]),
        ("VirtualNetworkGateway", ["172.16.0.0/16"], "VirtualNetworkGateway", ["192.168.1.5"]),
    ]
    assert routes[1]["name"] == "to-nva"
    assert result["changed"] is False
    assert missing["failed"] and "no-such-nic" in missing["msg"], missing
    assert not [entry for entry in read_request_log(ctx.request_log.path, since) if entry["mutating"]]
