"""Azure connections that pin one custom APIPA address per instance (Microsoft's AWS tutorial).

Only the instance whose pinned address shares the APIPA peer's /30 can ever run that session; the
other instance's tunnel is kept but never run, as when nothing is pinned. Otherwise that instance
would put a second copy of its address, with the /30, on another tunnel and route its real
session into the wrong one.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from azure.mgmt.network import models as m

from tests.lab.emulators.test_azure import GROUP, create_connection, create_local_gateway, create_vnet, gateway_config_id, network_client
from tests.lab.emulators.test_azure import gateway_parameters
from tests.lab.emulators.test_azure_dataplane import assert_realizable, tunnels_by_id

# Seed 002's AWS side: four local network gateways, two per instance.
INSTANCE_APIPA = (("169.254.21.2", "169.254.21.6"), ("169.254.22.2", "169.254.22.6"))
AWS_PEERS = {  # local network gateway -> (public IP, BGP peer address, pinned address per instance)
    "aws00": ("203.0.113.200", "169.254.21.1", ("169.254.21.2", "169.254.22.2")),
    "aws01": ("203.0.113.201", "169.254.21.5", ("169.254.21.6", "169.254.22.2")),
    "aws10": ("203.0.113.202", "169.254.22.1", ("169.254.21.2", "169.254.22.2")),
    "aws11": ("203.0.113.203", "169.254.22.5", ("169.254.21.2", "169.254.22.6")),
}


def pinned(addresses: tuple[str, str]) -> list[m.GatewayCustomBgpIpAddressIpConfiguration]:
    return [m.GatewayCustomBgpIpAddressIpConfiguration(ip_configuration_id=gateway_config_id("vng", f"ipconfig{index}"),
                                                       custom_bgp_ip_address=address)
            for index, address in enumerate(addresses)]


def test_a_pinned_address_outside_the_peers_30_runs_no_session(start_emulator, tmp_path: Path):
    running = start_emulator("azure")
    client = network_client(running.endpoint)
    create_vnet(client)
    gateway = client.virtual_network_gateways.begin_create_or_update(
        GROUP, "vng", gateway_parameters(client, instance_apipa=INSTANCE_APIPA)).result()
    for name, (address, peer, addresses) in AWS_PEERS.items():
        create_connection(client, name, gateway, create_local_gateway(client, name, address, peer),
                          gateway_custom_bgp_ip_addresses=pinned(addresses))

    model = running.emulator.dataplane_model()
    tunnels = tunnels_by_id(model)
    sessions = {tunnel_id: (tunnel.bgp.local_address, tunnel.bgp.peer_address) for tunnel_id, tunnel in tunnels.items() if tunnel.bgp}
    assert sessions == {
        "azure/vng/0/aws00": ("169.254.21.2", "169.254.21.1"), "azure/vng/0/aws01": ("169.254.21.6", "169.254.21.5"),
        "azure/vng/1/aws10": ("169.254.22.2", "169.254.22.1"), "azure/vng/1/aws11": ("169.254.22.6", "169.254.22.5"),
    }
    assert sorted(tunnel_id for tunnel_id, tunnel in tunnels.items() if not tunnel.enabled) == [
        "azure/vng/0/aws10", "azure/vng/0/aws11", "azure/vng/1/aws00", "azure/vng/1/aws01"]
    for gateway_model in model.gateways:
        inside = Counter(tunnel.inside_address for tunnel in gateway_model.tunnels if tunnel.enabled)
        assert all(count == 1 for count in inside.values()), f"{gateway_model.id} repeats an inside address: {inside}"
    assert_realizable(model, tmp_path)

    peers = client.virtual_network_gateways.begin_get_bgp_peer_status(GROUP, "vng").result().value
    assert len(peers) == 8 and {peer.state for peer in peers} == {"Connecting"}  # no data plane in this test
