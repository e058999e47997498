"""The Azure emulator's data plane model and the status it reads back (seed 002's triangle)."""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from azure.mgmt.network import models as m

from mci_lab.dataplane.layout import Layout
from mci_lab.dataplane.model import BgpStatus, Route, StatusSnapshot, Topology, TunnelStatus
from mci_lab.dataplane.naming import Names
from mci_lab.dataplane.plan import build_plan
from mci_lab.emulators.base import DelayProfile, LabContext
from tests.lab.conftest import context_with
from tests.lab.emulators.test_azure import (
    GROUP,
    LOCATION,
    create_connection,
    create_local_gateway,
    create_public_ip,
    create_vnet,
    gateway_parameters,
    network_client,
)

# Seed 002: instance 0 holds 169.254.21.x, instance 1 169.254.22.x; AWS takes .1/.5 of each /30,
# GCP's Cloud Router .129 (Azure .130).
INSTANCE_APIPA = (("169.254.21.2", "169.254.21.6", "169.254.21.130"), ("169.254.22.2", "169.254.22.6", "169.254.22.130"))
PEERS = {  # local network gateway -> (public IP, BGP peer address, ASN)
    "aws00": ("203.0.113.200", "169.254.21.1", 65002),
    "aws01": ("203.0.113.201", "169.254.21.5", 65002),
    "aws10": ("203.0.113.202", "169.254.22.1", 65002),
    "aws11": ("203.0.113.203", "169.254.22.5", 65002),
    "gcp0": ("198.51.100.200", "169.254.21.129", 65003),
    "gcp1": ("198.51.100.201", "169.254.22.129", 65003),
}


class FixedStatus:
    """A data plane that reports a fixed snapshot: the input whose translation is under test."""

    def __init__(self, snapshot: StatusSnapshot) -> None:
        self._snapshot = snapshot

    def snapshot(self) -> StatusSnapshot:
        return self._snapshot


def build_triangle(client) -> None:
    create_vnet(client)
    gateway = client.virtual_network_gateways.begin_create_or_update(
        GROUP, "vng", gateway_parameters(client, instance_apipa=INSTANCE_APIPA)).result()
    for name, (address, peer, asn) in PEERS.items():
        create_connection(client, name, gateway, create_local_gateway(client, name, address, peer, asn=asn))


def tunnels_by_id(model) -> dict:
    return {tunnel.id: tunnel for gateway in model.gateways for tunnel in gateway.tunnels}


def assert_realizable(model: Topology, tmp_path: Path) -> None:
    """The data plane can plan the model (pure: no namespace is touched)."""
    plan = build_plan(model, Names(), Layout.for_state_dir(tmp_path), "fast")
    assert plan.namespaces


def test_each_instance_runs_bgp_only_with_peers_in_its_apipa_30s(start_emulator, lab_ctx, tmp_path: Path):
    running = start_emulator("azure")
    client = network_client(running.endpoint)
    build_triangle(client)
    model = running.emulator.dataplane_model()

    assert [gateway.id for gateway in model.gateways] == ["azure/vng/0", "azure/vng/1"]
    public = [client.public_ip_addresses.get(GROUP, f"vng-pip{index}").ip_address for index in (0, 1)]
    assert [gateway.public_ips for gateway in model.gateways] == [(public[0],), (public[1],)]
    tunnels = tunnels_by_id(model)
    assert len(tunnels) == 12  # both instances build a tunnel to every local network gateway
    with_bgp = {tunnel_id: tunnel.bgp.local_address for tunnel_id, tunnel in tunnels.items() if tunnel.bgp}
    assert with_bgp == {
        "azure/vng/0/aws00": "169.254.21.2", "azure/vng/0/aws01": "169.254.21.6", "azure/vng/0/gcp0": "169.254.21.130",
        "azure/vng/1/aws10": "169.254.22.2", "azure/vng/1/aws11": "169.254.22.6", "azure/vng/1/gcp1": "169.254.22.130",
    }
    # The other instance keeps a tunnel to each of those peers, which can never come up there.
    idle = {tunnel_id: tunnel.inside_address for tunnel_id, tunnel in tunnels.items() if not tunnel.enabled}
    assert idle == {
        "azure/vng/1/aws00": "169.254.21.2", "azure/vng/1/aws01": "169.254.21.6", "azure/vng/1/gcp0": "169.254.21.130",
        "azure/vng/0/aws10": "169.254.22.2", "azure/vng/0/aws11": "169.254.22.6", "azure/vng/0/gcp1": "169.254.22.130",
    }
    gcp = tunnels["azure/vng/0/gcp0"]
    assert (gcp.local_address, gcp.remote_address, gcp.psk) == (public[0], "198.51.100.200", "Lab0SharedKey0123")
    assert (gcp.inside_address, gcp.bgp.peer_address, gcp.bgp.peer_asn, gcp.bgp.local_asn) == ("169.254.21.130", "169.254.21.129", 65003, 65001)
    assert gcp.bgp.passive and not gcp.initiate  # Azure never initiates from APIPA
    assert gcp.bgp.advertise == ("192.168.0.0/16",)
    assert gcp.ike_proposals[0].startswith("aes256-") and "modp1024" in gcp.ike_proposals[0]  # Azure's default set
    network = model.networks[0]
    assert (network.id, network.cidrs, network.propagate_from) == ("azure/hub", ("192.168.0.0/16",), ("azure/vng/0", "azure/vng/1"))
    assert lab_ctx.changed.is_set()
    assert_realizable(model, tmp_path)


def test_bgp_peer_table_without_a_data_plane_is_all_connecting(azure):
    build_triangle(azure)
    peers = azure.virtual_network_gateways.begin_get_bgp_peer_status(GROUP, "vng").result().value
    assert len(peers) == 12
    assert {peer.state for peer in peers} == {"Connecting"}
    assert sorted({peer.local_address for peer in peers}) == ["192.168.1.4", "192.168.1.5"]
    assert azure.virtual_network_gateway_connections.get(GROUP, "gcp0").connection_status == "NotConnected"


def test_status_reads_come_from_the_data_plane_snapshot(start_emulator, tmp_path: Path):
    snapshot = StatusSnapshot(
        tunnels={"azure/vng/0/aws00": TunnelStatus("azure/vng/0/aws00", up=True, ike_established=True,
                                                   ipsec_established=True, last_change=time.time() - 60)},
        bgp={"azure/vng/0/aws00": BgpStatus("azure/vng/0/aws00", "169.254.21.2", "169.254.21.1", 65002, "Established",
                                            routes_received=1, uptime_seconds=33826.1155616),
             "azure/vng/1/aws10": BgpStatus("azure/vng/1/aws10", "169.254.22.2", "169.254.22.1", 65002, "Active")},
        learned_routes={"azure/vng/0": ("172.16.0.0/16",)},
    )
    ctx = LabContext(state_dir=tmp_path, status=FixedStatus(snapshot))
    client = network_client(start_emulator("azure", ctx).endpoint)
    build_triangle(client)

    connection = client.virtual_network_gateway_connections.get(GROUP, "aws00")
    assert connection.connection_status == "Connected"
    assert sorted(entry.connection_status for entry in connection.tunnel_connection_status) == ["Connected", "NotConnected"]
    peers = {(peer.local_address, peer.neighbor): peer for peer in
             client.virtual_network_gateways.begin_get_bgp_peer_status(GROUP, "vng").result().value}
    up = peers[("192.168.1.4", "169.254.21.1")]
    assert (up.state, up.routes_received, up.connected_duration) == ("Connected", 1, "09:23:46.1155616")
    assert peers[("192.168.1.5", "169.254.22.1")].state == "Connecting"
    assert peers[("192.168.1.5", "169.254.21.1")].state == "Connecting"

    learned = client.virtual_network_gateways.begin_get_learned_routes(GROUP, "vng").result().value
    assert [(r.local_address, r.network, r.next_hop, r.origin, r.as_path) for r in learned] == [
        ("192.168.1.4", "172.16.0.0/16", "169.254.21.1", "EBgp", "65002")]

    subnet = client.subnets.get(GROUP, "hub", "vms")
    client.network_interfaces.begin_create_or_update(GROUP, "vm-nic", m.NetworkInterface(location=LOCATION, ip_configurations=[
        m.NetworkInterfaceIPConfiguration(name="ipconfig1", subnet=m.Subnet(id=subnet.id))])).result()
    routes = client.network_interfaces.begin_get_effective_route_table(GROUP, "vm-nic").result().value
    assert ("VirtualNetworkGateway", ["172.16.0.0/16"], ["192.168.1.4"]) in [
        (route.source, route.address_prefix, route.next_hop_ip_address) for route in routes]


def test_static_policy_based_connection_uses_its_ipsec_policy(start_emulator, tmp_path: Path):
    running = start_emulator("azure")
    client = network_client(running.endpoint)
    create_vnet(client)
    parameters = gateway_parameters(client, configurations=1)
    parameters.active_active, parameters.enable_bgp, parameters.bgp_settings = False, False, None
    gateway = client.virtual_network_gateways.begin_create_or_update(GROUP, "vng", parameters).result()
    assert gateway.bgp_settings.bgp_peering_address == "192.168.1.254"  # single instance: last usable address
    onprem = create_local_gateway(client, "onprem", "203.0.113.77", None, prefixes=("10.20.0.0/16",))
    policy = m.IpsecPolicy(sa_life_time_seconds=27000, sa_data_size_kilobytes=102400000, ipsec_encryption="GCMAES256",
                           ipsec_integrity="GCMAES256", ike_encryption="AES256", ike_integrity="SHA256",
                           dh_group="DHGroup14", pfs_group="PFS14")
    create_connection(client, "onprem", gateway, onprem, bgp=False, ipsec_policies=[policy], connection_protocol="IKEv1",
                      use_policy_based_traffic_selectors=True)

    model = running.emulator.dataplane_model()
    tunnel = tunnels_by_id(model)["azure/vng/0/onprem"]
    assert (tunnel.ike_version, tunnel.ike_proposals, tunnel.esp_proposals) == (1, ("aes256-sha256-modp2048",), ("aes256gcm16-modp2048",))
    assert (tunnel.ike_lifetime, tunnel.ipsec_lifetime, tunnel.initiate, tunnel.bgp) == (28800, 27000, True, None)
    assert (tunnel.route_based, tunnel.local_ts, tunnel.remote_ts) == (False, ("192.168.0.0/16",), ("10.20.0.0/16",))
    assert Route("10.20.0.0/16", "vpn_gateway", "azure/vng/0") in model.networks[0].routes
    assert model.gateways[0].asn is None
    assert_realizable(model, tmp_path)


def test_static_route_based_tunnels_get_lab_inside_addresses(start_emulator, tmp_path: Path):
    running = start_emulator("azure")
    client = network_client(running.endpoint)
    create_vnet(client)
    gateway = client.virtual_network_gateways.begin_create_or_update(GROUP, "vng", gateway_parameters(client)).result()
    for name, address, prefix in (("site-a", "203.0.113.70", "10.30.0.0/16"), ("site-b", "203.0.113.71", "10.31.0.0/16")):
        create_connection(client, name, gateway, create_local_gateway(client, name, address, None, prefixes=(prefix,)), bgp=False)

    model = running.emulator.dataplane_model()
    tunnels = tunnels_by_id(model)
    assert {tunnel_id: (t.inside_address, t.route_based, t.initiate, t.bgp) for tunnel_id, t in tunnels.items()} == {
        "azure/vng/0/site-a": ("169.254.250.1", True, True, None), "azure/vng/0/site-b": ("169.254.250.5", True, True, None),
        "azure/vng/1/site-a": ("169.254.250.1", True, True, None), "azure/vng/1/site-b": ("169.254.250.5", True, True, None),
    }
    assert Route("10.31.0.0/16", "vpn_gateway", "azure/vng/1") in model.networks[0].routes
    assert_realizable(model, tmp_path)


def test_hosts_and_user_routes_come_from_nics_and_route_tables(start_emulator):
    running = start_emulator("azure")
    client = network_client(running.endpoint)
    create_vnet(client)
    subnet = client.subnets.get(GROUP, "hub", "vms")
    public = create_public_ip(client, "nva-pip")
    nva = client.network_interfaces.begin_create_or_update(GROUP, "nva-nic", m.NetworkInterface(
        location=LOCATION, enable_ip_forwarding=True, ip_configurations=[m.NetworkInterfaceIPConfiguration(
            name="ipconfig1", subnet=m.Subnet(id=subnet.id), private_ip_allocation_method="Static",
            private_ip_address="192.168.2.10", public_ip_address=m.PublicIPAddress(id=public.id))])).result()
    table = client.route_tables.begin_create_or_update(GROUP, "via-nva", m.RouteTable(location=LOCATION, routes=[
        m.Route(name="onprem", address_prefix="10.20.0.0/16", next_hop_type="VirtualAppliance", next_hop_ip_address="192.168.2.10")])).result()
    client.subnets.begin_create_or_update(GROUP, "hub", "vms", m.Subnet(address_prefix="192.168.2.0/24", route_table=m.RouteTable(id=table.id))).result()

    model = running.emulator.dataplane_model()
    host = model.hosts[0]
    assert (host.id, host.network_id, host.private_ip, host.prefix_length) == ("azure/nva-nic", "azure/hub", "192.168.2.10", 24)
    assert (host.public_ip, host.source_dest_check) == (public.ip_address, False)
    assert model.networks[0].routes == (Route("10.20.0.0/16", "instance", "azure/nva-nic"),)
    assert nva.ip_configurations[0].private_ip_address == "192.168.2.10"


def test_a_gateway_joins_the_data_plane_only_once_provisioned(start_emulator, tmp_path: Path):
    ctx = context_with(tmp_path, delays=DelayProfile("test", {"azure.virtual_network_gateway": 40}, 0.01))
    running = start_emulator("azure", ctx)
    client = network_client(running.endpoint)
    create_vnet(client)
    poller = client.virtual_network_gateways.begin_create_or_update(GROUP, "vng", gateway_parameters(client))
    assert running.emulator.dataplane_model().gateways == ()
    poller.result()
    assert [gateway.id for gateway in running.emulator.dataplane_model().gateways] == ["azure/vng/0", "azure/vng/1"]


@pytest.fixture
def azure(start_emulator):
    return network_client(start_emulator("azure").endpoint)
