"""The Compute Engine emulator, driven through google-cloud-compute (REST transport) only."""
from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from google.api_core import exceptions as gexc
from google.api_core.client_options import ClientOptions
from google.api_core.retry import Retry
from google.auth.credentials import AnonymousCredentials
from google.cloud import compute_v1

from mci_lab.dataplane.model import BgpStatus, StatusSnapshot, TunnelStatus
from mci_lab.emulators.base import DelayProfile, FaultProfile, LabContext, NoDataPlane, RunningEmulator, read_request_log
from tests.lab.conftest import context_with
from tests.lab.loopback import loopback_getaddrinfo

PROJECT, REGION, ZONE = "lab-project", "us-east1", "us-east1-b"
DOCUMENTATION_RANGES = (ipaddress.ip_network("198.51.100.0/24"), ipaddress.ip_network("203.0.113.0/24"))
PSK = "Wd3sQ9kLm2Xr7TbV1nYc5Ha8Ju4Pe6Fz"


# --------------------------------------------------------------------------- SDK wiring


@dataclass
class Compute:
    """One client per service, all on the emulator, with pollers that stay on it too."""

    networks: compute_v1.NetworksClient
    subnetworks: compute_v1.SubnetworksClient
    vpn_gateways: compute_v1.VpnGatewaysClient
    external_vpn_gateways: compute_v1.ExternalVpnGatewaysClient
    routers: compute_v1.RoutersClient
    vpn_tunnels: compute_v1.VpnTunnelsClient
    instances: compute_v1.InstancesClient
    region_operations: compute_v1.RegionOperationsClient
    global_operations: compute_v1.GlobalOperationsClient
    zone_operations: compute_v1.ZoneOperationsClient


def compute_clients(endpoint: str, fix_pollers: bool = True) -> Compute:
    """Clients for ``endpoint``; ``fix_pollers`` pre-seeds the operation clients (SDK_WIRING.md 5).

    Without it, ``ExtendedOperation.result()`` builds its own operations client without the
    client options and polls https://compute.googleapis.com.
    """
    options, credentials = ClientOptions(api_endpoint=endpoint), AnonymousCredentials()

    def make(client_class):
        return client_class(credentials=credentials, transport="rest", client_options=options)

    operations = {
        "region_operations": make(compute_v1.RegionOperationsClient),
        "global_operations": make(compute_v1.GlobalOperationsClient),
        "zone_operations": make(compute_v1.ZoneOperationsClient),
    }
    services = [make(c) for c in (compute_v1.NetworksClient, compute_v1.SubnetworksClient, compute_v1.VpnGatewaysClient,
                                  compute_v1.ExternalVpnGatewaysClient, compute_v1.RoutersClient,
                                  compute_v1.VpnTunnelsClient, compute_v1.InstancesClient)]
    if fix_pollers:
        for service in services:
            service._transport._extended_operations_services.update(operations)
    return Compute(*services, *operations.values())


@pytest.fixture
def loopback_only(monkeypatch) -> list[str]:
    """Name resolution fails for anything but loopback; returns the hosts that were attempted."""
    attempted: list[str] = []
    monkeypatch.setattr(socket, "getaddrinfo", loopback_getaddrinfo(attempted, "lab test"))
    return attempted


@dataclass
class GcpLab:
    running: RunningEmulator
    api: Compute


@pytest.fixture
def gcp(start_emulator, loopback_only) -> GcpLab:
    running = start_emulator("gcp")
    return GcpLab(running, compute_clients(running.endpoint))


# --------------------------------------------------------------------------- building blocks


def make_network(api: Compute, name: str = "lab-net", cidr: str = "10.10.1.0/24") -> None:
    api.networks.insert(project=PROJECT, network_resource=compute_v1.Network(name=name, auto_create_subnetworks=False)).result(timeout=30)
    api.subnetworks.insert(project=PROJECT, region=REGION, subnetwork_resource=compute_v1.Subnetwork(
        name=f"{name}-sub", network=f"global/networks/{name}", ip_cidr_range=cidr)).result(timeout=30)


def make_ha_vpn(api: Compute, name: str = "ha-gw", network: str = "lab-net") -> compute_v1.VpnGateway:
    api.vpn_gateways.insert(project=PROJECT, region=REGION, vpn_gateway_resource=compute_v1.VpnGateway(
        name=name, network=f"global/networks/{network}")).result(timeout=30)
    return api.vpn_gateways.get(project=PROJECT, region=REGION, vpn_gateway=name)


def make_aws_peer(api: Compute, name: str = "aws-peer") -> compute_v1.ExternalVpnGateway:
    """AWS is FOUR_IPS_REDUNDANCY: two connections, two outside IPs each (CLOUD_FACTS.md 1.3)."""
    interfaces = [compute_v1.ExternalVpnGatewayInterface(id=i, ip_address=f"203.0.113.{201 + i}") for i in range(4)]
    api.external_vpn_gateways.insert(project=PROJECT, external_vpn_gateway_resource=compute_v1.ExternalVpnGateway(
        name=name, redundancy_type="FOUR_IPS_REDUNDANCY", interfaces=interfaces)).result(timeout=30)
    return api.external_vpn_gateways.get(project=PROJECT, external_vpn_gateway=name)


def make_router(api: Compute, name: str = "cr", asn: int = 65010, network: str = "lab-net") -> None:
    api.routers.insert(project=PROJECT, region=REGION, router_resource=compute_v1.Router(
        name=name, network=f"global/networks/{network}", bgp=compute_v1.RouterBgp(asn=asn))).result(timeout=30)


def make_tunnel(api: Compute, name: str, interface: int, peer_interface: int) -> compute_v1.VpnTunnel:
    api.vpn_tunnels.insert(project=PROJECT, region=REGION, vpn_tunnel_resource=compute_v1.VpnTunnel(
        name=name, vpn_gateway="ha-gw", vpn_gateway_interface=interface, peer_external_gateway="aws-peer",
        peer_external_gateway_interface=peer_interface, router="cr", ike_version=2, shared_secret=PSK)).result(timeout=30)
    return api.vpn_tunnels.get(project=PROJECT, region=REGION, vpn_tunnel=name)


def bgp_session(tunnel: compute_v1.VpnTunnel, index: int, local: str,
                peer: str) -> tuple[compute_v1.RouterInterface, compute_v1.RouterBgpPeer]:
    interface = compute_v1.RouterInterface(name=f"if-{index}", ip_range=f"{local}/30", linked_vpn_tunnel=tunnel.self_link)
    bgp_peer = compute_v1.RouterBgpPeer(name=f"peer-{index}", interface_name=f"if-{index}", peer_ip_address=peer, peer_asn=64512)
    return interface, bgp_peer


def make_vpn_to_aws(api: Compute) -> list[compute_v1.VpnTunnel]:
    """Network, HA VPN, AWS peer, router and two tunnels with BGP: the GCP side of the triangle."""
    make_network(api)
    make_ha_vpn(api)
    make_aws_peer(api)
    make_router(api)
    tunnels = [make_tunnel(api, "tun-0", 0, 0), make_tunnel(api, "tun-1", 1, 2)]
    sessions = [bgp_session(tunnels[0], 0, "169.254.21.2", "169.254.21.1"), bgp_session(tunnels[1], 1, "169.254.22.2", "169.254.22.1")]
    api.routers.patch(project=PROJECT, region=REGION, router="cr", router_resource=compute_v1.Router(
        interfaces=[s[0] for s in sessions], bgp_peers=[s[1] for s in sessions])).result(timeout=30)
    return tunnels


# --------------------------------------------------------------------------- resources


def test_network_lists_its_subnetwork_and_the_gateway_address_is_taken(gcp):
    api = gcp.api
    make_network(api, cidr="10.20.0.0/24")
    subnet = api.subnetworks.get(project=PROJECT, region=REGION, subnetwork="lab-net-sub")
    network = api.networks.get(project=PROJECT, network="lab-net")
    assert subnet.ip_cidr_range == "10.20.0.0/24" and subnet.gateway_address == "10.20.0.1"
    assert network.subnetworks == [subnet.self_link]
    assert network.id > 0 and subnet.self_link.startswith("http://127.0.0.1:")
    with pytest.raises(gexc.BadRequest, match="conflicts with existing subnetwork 'lab-net-sub'"):
        api.subnetworks.insert(project=PROJECT, region=REGION, subnetwork_resource=compute_v1.Subnetwork(
            name="overlap", network="global/networks/lab-net", ip_cidr_range="10.20.0.128/25"))


def test_ha_vpn_gateway_gets_two_documentation_range_addresses_released_on_delete(gcp):
    running, api = gcp.running, gcp.api
    make_network(api)
    gateway = make_ha_vpn(api)
    addresses = [ipaddress.ip_address(i.ip_address) for i in gateway.vpn_interfaces]
    assert [i.id for i in gateway.vpn_interfaces] == [0, 1]
    assert len(set(addresses)) == 2 and all(any(a in r for r in DOCUMENTATION_RANGES) for a in addresses)
    api.vpn_gateways.delete(project=PROJECT, region=REGION, vpn_gateway="ha-gw").result(timeout=30)
    assert running.emulator.ctx.public_ips._owners.keys().isdisjoint({str(a) for a in addresses})


def test_external_gateway_four_ips_and_the_peer_must_be_public(gcp):
    api = gcp.api
    peer = make_aws_peer(api)
    assert peer.redundancy_type == "FOUR_IPS_REDUNDANCY"
    assert [i.ip_address for i in peer.interfaces] == ["203.0.113.201", "203.0.113.202", "203.0.113.203", "203.0.113.204"]
    private = compute_v1.ExternalVpnGateway(name="onprem", redundancy_type="SINGLE_IP_INTERNALLY_REDUNDANT",
                                            interfaces=[compute_v1.ExternalVpnGatewayInterface(id=0, ip_address="10.1.2.3")])
    with pytest.raises(gexc.BadRequest, match=r"resource.interfaces\[0\].ipAddress"):
        api.external_vpn_gateways.insert(project=PROJECT, external_vpn_gateway_resource=private)
    too_few = compute_v1.ExternalVpnGateway(name="two", redundancy_type="TWO_IPS_REDUNDANCY",
                                            interfaces=[compute_v1.ExternalVpnGatewayInterface(id=0, ip_address="198.51.100.77")])
    with pytest.raises(gexc.BadRequest, match="requires exactly 2 interfaces"):
        api.external_vpn_gateways.insert(project=PROJECT, external_vpn_gateway_resource=too_few)


def test_router_patch_keeps_what_the_body_leaves_out(gcp):
    api = gcp.api
    make_network(api)
    make_ha_vpn(api)
    make_aws_peer(api)
    make_router(api)
    tunnels = [make_tunnel(api, "tun-0", 0, 0), make_tunnel(api, "tun-1", 1, 2)]
    first_interface, first_peer = bgp_session(tunnels[0], 0, "169.254.21.2", "169.254.21.1")
    second_interface, second_peer = bgp_session(tunnels[1], 1, "169.254.22.2", "169.254.22.1")

    def patch(router: compute_v1.Router) -> compute_v1.Router:
        api.routers.patch(project=PROJECT, region=REGION, router="cr", router_resource=router).result(timeout=30)
        return api.routers.get(project=PROJECT, region=REGION, router="cr")

    router = patch(compute_v1.Router(interfaces=[first_interface]))
    router = patch(compute_v1.Router(bgp_peers=[first_peer]))
    assert [i.name for i in router.interfaces] == ["if-0"] and router.bgp.asn == 65010
    assert router.bgp_peers[0].ip_address == "169.254.21.2"  # Google fills the local side in
    # Adding a session the way gcloud does: read, append, patch the lists back.
    router = patch(compute_v1.Router(interfaces=list(router.interfaces) + [second_interface],
                                     bgp_peers=list(router.bgp_peers) + [second_peer]))
    assert [i.name for i in router.interfaces] == ["if-0", "if-1"]
    assert [p.name for p in router.bgp_peers] == ["peer-0", "peer-1"]
    router = patch(compute_v1.Router(bgp=compute_v1.RouterBgp(keepalive_interval=20)))
    assert router.bgp.asn == 65010 and router.bgp.keepalive_interval == 20 and len(router.bgp_peers) == 2


def test_router_rejects_what_google_rejects(gcp):
    api = gcp.api
    make_network(api)
    make_ha_vpn(api)
    make_aws_peer(api)
    make_router(api)
    tunnel = make_tunnel(api, "tun-0", 0, 0)

    def patch(**fields):
        api.routers.patch(project=PROJECT, region=REGION, router="cr", router_resource=compute_v1.Router(**fields))

    interface, peer = bgp_session(tunnel, 0, "169.254.21.2", "169.254.21.1")
    with pytest.raises(gexc.BadRequest, match=r"169.254.0.0/16"):
        patch(interfaces=[compute_v1.RouterInterface(name="if-0", ip_range="10.0.0.1/30", linked_vpn_tunnel=tunnel.self_link)])
    outside = compute_v1.RouterBgpPeer(name="peer-0", interface_name="if-0", peer_ip_address="169.254.21.9", peer_asn=64512)
    with pytest.raises(gexc.BadRequest, match=r'BGP Peer "peer-0" has peer IP address 169.254.21.9 outside'):
        patch(interfaces=[interface], bgp_peers=[outside])
    wrong_local = compute_v1.RouterBgpPeer(name="peer-0", interface_name="if-0", ip_address="169.254.21.1",
                                           peer_ip_address="169.254.21.1", peer_asn=64512)
    with pytest.raises(gexc.BadRequest, match=r'has IP address 169.254.21.1 different from interface IP address 169.254.21.2'):
        patch(interfaces=[interface], bgp_peers=[wrong_local])
    with pytest.raises(gexc.BadRequest, match="reserved by IANA"):
        api.routers.insert(project=PROJECT, region=REGION, router_resource=compute_v1.Router(
            name="bad-asn", network="global/networks/lab-net", bgp=compute_v1.RouterBgp(asn=23456)))
    assert not api.routers.get(project=PROJECT, region=REGION, router="cr").interfaces  # nothing half-applied


def test_errors_have_the_sdk_exception_types(gcp):
    api = gcp.api
    with pytest.raises(gexc.NotFound) as missing:
        api.routers.get(project=PROJECT, region=REGION, router="nope")
    assert missing.value.errors[0]["reason"] == "notFound"
    make_network(api)
    with pytest.raises(gexc.Conflict):
        api.networks.insert(project=PROJECT, network_resource=compute_v1.Network(name="lab-net"))
    with pytest.raises(gexc.BadRequest) as in_use:
        api.networks.delete(project=PROJECT, network="lab-net")
    assert in_use.value.errors[0]["reason"] == "resourceInUseByAnotherResource"
    with pytest.raises(gexc.BadRequest, match="Must be a match of regex"):
        api.networks.insert(project=PROJECT, network_resource=compute_v1.Network(name="Bad_Name"))


def test_instances_take_addresses_from_their_subnetwork(gcp):
    running, api = gcp.running, gcp.api
    make_network(api, cidr="10.30.0.0/24")

    def vm(name: str, public: bool) -> compute_v1.Instance:
        nic = compute_v1.NetworkInterface(subnetwork=f"regions/{REGION}/subnetworks/lab-net-sub",
                                          access_configs=[compute_v1.AccessConfig(name="External NAT")] if public else [])
        api.instances.insert(project=PROJECT, zone=ZONE, instance_resource=compute_v1.Instance(
            name=name, machine_type=f"zones/{ZONE}/machineTypes/e2-micro", network_interfaces=[nic])).result(timeout=30)
        return api.instances.get(project=PROJECT, zone=ZONE, instance=name)

    first, second = vm("vm-a", public=True), vm("vm-b", public=False)
    assert [first.network_interfaces[0].network_i_p, second.network_interfaces[0].network_i_p] == ["10.30.0.2", "10.30.0.3"]
    nat_ip = ipaddress.ip_address(first.network_interfaces[0].access_configs[0].nat_i_p)
    assert any(nat_ip in r for r in DOCUMENTATION_RANGES) and first.status == "RUNNING"
    hosts = {h.id: h for h in running.emulator.dataplane_model().hosts}
    assert hosts["gcp/vm/vm-a"].private_ip == "10.30.0.2" and hosts["gcp/vm/vm-a"].prefix_length == 24
    assert hosts["gcp/vm/vm-a"].public_ip == str(nat_ip) and hosts["gcp/vm/vm-b"].public_ip is None
    api.instances.delete(project=PROJECT, zone=ZONE, instance="vm-b").result(timeout=30)
    with pytest.raises(gexc.NotFound):
        api.instances.get(project=PROJECT, zone=ZONE, instance="vm-b")


# --------------------------------------------------------------------------- status


def test_tunnel_is_never_established_without_a_data_plane(gcp):
    api = gcp.api
    make_network(api)
    make_ha_vpn(api)
    make_aws_peer(api)
    make_router(api)
    tunnel = make_tunnel(api, "tun-0", 0, 0)
    assert tunnel.status == "WAITING_FOR_FULL_CONFIG" and "no interface linked" in tunnel.detailed_status
    assert tunnel.shared_secret == "*************" and tunnel.shared_secret_hash
    interface, peer = bgp_session(tunnel, 0, "169.254.21.2", "169.254.21.1")
    api.routers.patch(project=PROJECT, region=REGION, router="cr", router_resource=compute_v1.Router(
        interfaces=[interface], bgp_peers=[peer])).result(timeout=30)
    tunnel = api.vpn_tunnels.get(project=PROJECT, region=REGION, vpn_tunnel="tun-0")
    assert tunnel.status == "FIRST_HANDSHAKE" and NoDataPlane.MESSAGE in tunnel.detailed_status
    status = api.routers.get_router_status(project=PROJECT, region=REGION, router="cr").result
    assert [(p.name, p.status, p.state, p.num_learned_routes) for p in status.bgp_peer_status] == [("peer-0", "DOWN", "Idle", 0)]
    assert status.bgp_peer_status[0].linked_vpn_tunnel == tunnel.self_link and not status.best_routes


class SnapshotSource:
    """Stands in for the realizer: the status source the emulator reads, holding given daemon state."""

    def __init__(self, snapshot: StatusSnapshot) -> None:
        self.current = snapshot

    def snapshot(self) -> StatusSnapshot:
        return self.current


def test_status_comes_from_the_data_plane_snapshot(tmp_path: Path, start_emulator, loopback_only):
    source = SnapshotSource(StatusSnapshot(
        tunnels={
            "gcp/tun-0": TunnelStatus("gcp/tun-0", up=True, ike_established=True, ipsec_established=True),
            "gcp/tun-1": TunnelStatus("gcp/tun-1", up=False, ike_established=False, ipsec_established=False,
                                      message="received NO_PROPOSAL_CHOSEN notify error"),
        },
        bgp={"gcp/tun-0": BgpStatus("gcp/tun-0", "169.254.21.2", "169.254.21.1", 64512, "Established",
                                    routes_received=2, uptime_seconds=3725)},
        learned_routes={"gcp/ha-gw/0": ("172.16.0.0/16", "192.168.0.0/16")},
    ))
    running = start_emulator("gcp", LabContext(state_dir=tmp_path, status=source))
    api = compute_clients(running.endpoint)
    make_vpn_to_aws(api)
    tunnels = {t.name: t for t in api.vpn_tunnels.list(project=PROJECT, region=REGION)}
    assert (tunnels["tun-0"].status, tunnels["tun-0"].detailed_status) == ("ESTABLISHED", "Tunnel is up and running.")
    assert tunnels["tun-1"].status == "NEGOTIATION_FAILURE" and "NO_PROPOSAL_CHOSEN" in tunnels["tun-1"].detailed_status
    result = api.routers.get_router_status(project=PROJECT, region=REGION, router="cr").result
    peers = {p.name: p for p in result.bgp_peer_status}
    assert (peers["peer-0"].status, peers["peer-0"].state, peers["peer-0"].num_learned_routes) == ("UP", "Established", 2)
    assert peers["peer-0"].uptime == "1 hour, 2 minutes, 5 seconds" and peers["peer-1"].status == "DOWN"
    assert sorted((r.dest_range, r.next_hop_ip, r.route_type) for r in result.best_routes) == [
        ("172.16.0.0/16", "169.254.21.1", "BGP"), ("192.168.0.0/16", "169.254.21.1", "BGP")]


# --------------------------------------------------------------------------- data plane model


def test_dataplane_model_describes_the_ha_vpn(gcp):
    running, api = gcp.running, gcp.api
    running.emulator.ctx.changed.clear()
    make_vpn_to_aws(api)
    assert running.emulator.ctx.changed.is_set()
    gateway = api.vpn_gateways.get(project=PROJECT, region=REGION, vpn_gateway="ha-gw")
    topology = running.emulator.dataplane_model()
    network = next(n for n in topology.networks if n.id == "gcp/net/lab-net")
    assert network.cidrs == ("10.10.1.0/24",) and network.propagate_from == ("gcp/ha-gw/0", "gcp/ha-gw/1")
    gateways = {g.id: g for g in topology.gateways}
    assert gateways["gcp/ha-gw/1"].public_ips == (gateway.vpn_interfaces[1].ip_address,) and gateways["gcp/ha-gw/1"].asn == 65010
    tunnel = gateways["gcp/ha-gw/1"].tunnels[0]
    assert (tunnel.id, tunnel.remote_address, tunnel.psk, tunnel.ike_version) == ("gcp/tun-1", "203.0.113.203", PSK, 2)
    assert tunnel.initiate and tunnel.route_based and tunnel.local_ts == ("0.0.0.0/0",)
    assert (tunnel.inside_address, tunnel.bgp.local_asn, tunnel.bgp.peer_asn) == ("169.254.22.2", 65010, 64512)
    assert (tunnel.bgp.local_address, tunnel.bgp.peer_address, tunnel.bgp.advertise) == ("169.254.22.2", "169.254.22.1", ("10.10.1.0/24",))
    offered = " ".join(tunnel.ike_proposals)
    assert all(token in offered for token in ("aes128", "aes256gcm16", "prfsha256", "modp2048", "ecp256"))
    assert any(p.startswith("aes256gcm16") or "aes256gcm16" in p.split("-") for p in tunnel.esp_proposals)


# --------------------------------------------------------------------------- operations, loopback, faults


def test_operations_finish_and_nothing_leaves_loopback(tmp_path: Path, start_emulator, loopback_only):
    delays = DelayProfile("test", {"gcp.vpn_gateway": 0.6, "gcp.network": 0.3}, time_scale=1.0)
    running = start_emulator("gcp", context_with(tmp_path, delays=delays))
    api = compute_clients(running.endpoint)
    operation = api.networks.insert(project=PROJECT, network_resource=compute_v1.Network(name="lab-net"))
    assert operation.status == compute_v1.Operation.Status.RUNNING
    operation.result(timeout=30)
    assert operation.done()
    api.subnetworks.insert(project=PROJECT, region=REGION, subnetwork_resource=compute_v1.Subnetwork(
        name="s", network="global/networks/lab-net", ip_cidr_range="10.0.0.0/24")).result(timeout=30)
    started = time.time()
    insert = api.vpn_gateways.insert(project=PROJECT, region=REGION, vpn_gateway_resource=compute_v1.VpnGateway(
        name="ha-gw", network="global/networks/lab-net"))
    waited = api.region_operations.wait(project=PROJECT, region=REGION, operation=insert.name)
    assert waited.status == compute_v1.Operation.Status.DONE and time.time() - started >= 0.5
    assert loopback_only == []


def test_the_unfixed_sdk_poller_would_leave_loopback(start_emulator, loopback_only):
    running = start_emulator("gcp")
    naive = compute_clients(running.endpoint, fix_pollers=False)
    operation = naive.networks.insert(project=PROJECT, network_resource=compute_v1.Network(name="lab-net"))
    with pytest.raises(requests.exceptions.ConnectionError, match="compute.googleapis.com"):
        operation.result(timeout=10)
    assert "compute.googleapis.com" in loopback_only  # blocked by the guard, never sent


def rate_limited(error: Exception) -> bool:
    """What a caller must retry on: compute's default retry covers only 503 and deadlines."""
    return isinstance(error, (gexc.Forbidden, gexc.TooManyRequests)) and any(
        e.get("reason") == "rateLimitExceeded" for e in getattr(error, "errors", []) or [])


def test_rate_limits_raise_forbidden_or_too_many_requests_and_a_retry_handles_them(tmp_path: Path, start_emulator, loopback_only):
    ctx = context_with(tmp_path, faults="throttle")
    running = start_emulator("gcp", ctx)
    api = compute_clients(running.endpoint)
    retry = Retry(predicate=rate_limited, initial=0.01, maximum=0.05, multiplier=1.5, timeout=20)
    api.networks.insert(project=PROJECT, network_resource=compute_v1.Network(name="lab-net"), retry=retry)
    raised: list[type] = []
    for attempt in range(40):
        try:
            api.networks.get(project=PROJECT, network="lab-net")
        except (gexc.Forbidden, gexc.TooManyRequests) as error:
            assert rate_limited(error)
            raised.append(type(error))
    assert set(raised) == {gexc.Forbidden, gexc.TooManyRequests}  # 403 and 429 alternate
    for attempt in range(10):
        assert api.networks.get(project=PROJECT, network="lab-net", retry=retry).name == "lab-net"
    throttled = [e for e in read_request_log(ctx.request_log.path) if e["fault"] == "throttle"]
    assert {e["status"] for e in throttled} == {403, 429}


def test_backend_errors_are_retried_by_the_sdk_on_reads(tmp_path: Path, start_emulator, loopback_only):
    ctx = LabContext(state_dir=tmp_path, faults=FaultProfile(name="backend", server_error=0.4, seed=3))
    running = start_emulator("gcp", ctx)
    api = compute_clients(running.endpoint)
    retry = Retry(predicate=lambda e: isinstance(e, gexc.ServiceUnavailable), initial=0.01, maximum=0.05, timeout=20)
    api.networks.insert(project=PROJECT, network_resource=compute_v1.Network(name="lab-net"), retry=retry)
    for attempt in range(8):
        assert api.networks.get(project=PROJECT, network="lab-net").name == "lab-net"  # default retry: 503
    faults = [e for e in read_request_log(ctx.request_log.path) if e["fault"] == "server_error"]
    assert faults and {e["status"] for e in faults} == {503}


def test_request_log_names_each_call(tmp_path: Path, start_emulator, loopback_only):
    ctx = context_with(tmp_path)
    running = start_emulator("gcp", ctx)
    api = compute_clients(running.endpoint)
    make_vpn_to_aws(api)
    api.routers.get_router_status(project=PROJECT, region=REGION, router="cr")
    api.region_operations.wait(project=PROJECT, region=REGION,
                               operation=api.routers.patch(project=PROJECT, region=REGION, router="cr",
                                                           router_resource=compute_v1.Router(description="x")).name)
    entries = {(e["operation"], e["mutating"], e["status"]) for e in read_request_log(ctx.request_log.path)}
    for expected in [("vpnGateways.insert", True, 200), ("externalVpnGateways.insert", True, 200),
                     ("routers.patch", True, 200), ("vpnTunnels.get", False, 200), ("regionOperations.get", False, 200),
                     ("globalOperations.get", False, 200), ("routers.getRouterStatus", False, 200),
                     ("regionOperations.wait", False, 200)]:
        assert expected in entries
    assert all(e["cloud"] == "gcp" for e in read_request_log(ctx.request_log.path))


def test_a_retried_insert_with_the_same_request_id_gets_the_first_operation(gcp):
    api = gcp.api
    request_id = "0b6f3f8e-2c1d-4a57-9c3e-4f1f2a7d9e10"
    network = compute_v1.Network(name="lab-net")
    request = compute_v1.InsertNetworkRequest(project=PROJECT, network_resource=network, request_id=request_id)
    first = api.networks.insert(request=request)
    again = api.networks.insert(request=request)
    assert again.name == first.name
    with pytest.raises(gexc.Conflict):
        api.networks.insert(project=PROJECT, network_resource=network)
