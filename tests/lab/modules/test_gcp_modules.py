"""The gcp_* modules, run for real against the lab's Compute Engine emulator.

Each module's ``main()`` runs in this process with its arguments patched in (ansible's own
``patch_module_args``) and talks HTTP to the emulator through google-cloud-compute, exactly as under
ansible-playbook; one test runs a playbook. Idempotency, check mode and early validation are proven
with the lab's request log. While a test runs, this process cannot resolve or connect to anything
but loopback, and every test ends by checking that nothing tried.
"""
from __future__ import annotations

import ipaddress
import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from google.api_core.client_options import ClientOptions
from google.auth.credentials import AnonymousCredentials
from google.cloud import compute_v1

from tests.lab.conftest import context_with
from tests.lab.modules.conftest import OneCloudLab, assert_absent_twice, assert_predicts_without_mutating, run_idempotent

REPO_ROOT = Path(__file__).resolve().parents[3]
COLLECTIONS_PATH = REPO_ROOT / ".cache" / "collections"
PROJECT, REGION = "mci-lab", "us-east1"
PSK_1 = "Wd3sQ9kLm2Xr7TbV1nYc5Ha8Ju4Pe6Fz"
PSK_2 = "Qp7Rt2Lm9Xc4Vb8Nz1Kd6Hs3Jf5Gw0Ya"
DOCUMENTATION_RANGES = (ipaddress.ip_network("198.51.100.0/24"), ipaddress.ip_network("203.0.113.0/24"))
AWS_OUTSIDE_IPS = ["203.0.113.101", "203.0.113.102", "203.0.113.103", "203.0.113.104"]
TUNNEL_STATUSES = set(compute_v1.VpnTunnel.Status.__members__) | {"PEER_IDENTITY_MISMATCH", "TS_NARROWING_NOT_ALLOWED"}


# --------------------------------------------------------------------------- loopback guard


def _is_loopback(host: Any) -> bool:
    name = host.decode() if isinstance(host, bytes) else str(host)
    try:
        return ipaddress.ip_address(name.split("%")[0]).is_loopback
    except ValueError:
        return name == "localhost"


@pytest.fixture
def loopback_only(monkeypatch) -> list[str]:
    """Name resolution and connections fail for anything but loopback; returns what was attempted."""
    attempted: list[str] = []
    real_getaddrinfo, real_connect = socket.getaddrinfo, socket.socket.connect

    def guarded_getaddrinfo(host, *args, **kwargs):
        if host is not None and not _is_loopback(host):
            attempted.append(str(host))
            raise socket.gaierror(socket.EAI_NONAME, "lab test: %s is not a loopback address" % host)
        return real_getaddrinfo(host, *args, **kwargs)

    def guarded_connect(sock, address):
        if isinstance(address, tuple) and not _is_loopback(address[0]):
            attempted.append(str(address[0]))
            raise ConnectionRefusedError("lab test: %s is not a loopback address" % (address[0],))
        return real_connect(sock, address)

    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    return attempted


# --------------------------------------------------------------------------- lab


@dataclass
class GcpLab(OneCloudLab):
    def connection_args(self, module: str) -> dict:
        return {"api_endpoint": self.endpoint, "project": PROJECT, "region": REGION}

    def sdk(self, client_class: type) -> Any:
        """A google-cloud-compute client on the emulator, for arranging and checking outside the modules."""
        return client_class(credentials=AnonymousCredentials(), transport="rest", client_options=ClientOptions(api_endpoint=self.endpoint))

    def make_network(self, name: str = "hub-vpc") -> None:
        operation = self.sdk(compute_v1.NetworksClient).insert_unary(
            project=PROJECT, network_resource=compute_v1.Network(name=name, auto_create_subnetworks=False))
        self.sdk(compute_v1.GlobalOperationsClient).wait(project=PROJECT, operation=operation.name)

    def router(self, name: str) -> compute_v1.Router:
        return self.sdk(compute_v1.RoutersClient).get(project=PROJECT, region=REGION, router=name)


def lab_on(start_emulator, ctx) -> GcpLab:
    running = start_emulator("gcp", ctx)
    return GcpLab(running.endpoint, ctx.request_log.path)


@pytest.fixture
def gcp_lab(start_emulator, lab_ctx, loopback_only) -> GcpLab:
    yield lab_on(start_emulator, lab_ctx)
    assert loopback_only == [], "a request tried to leave 127.0.0.1: %s" % loopback_only


def ok(result: dict) -> dict:
    assert not result.get("failed"), result.get("msg")
    return result


def assert_rejected_before_any_call(lab: GcpLab, module: str, args: dict, *fragments: str) -> str:
    since = time.time()
    result = lab.run(module, args)
    assert result.get("failed") is True, result
    assert lab.calls_since(since) == []
    for fragment in fragments:
        assert fragment in result["msg"], result["msg"]
    return result["msg"]


# --------------------------------------------------------------------------- the stack a role builds

GATEWAY = {"name": "hub-ha-vpn", "network": "hub-vpc"}
AWS_PEER = {"name": "aws-peer", "redundancy_type": "FOUR_IPS_REDUNDANCY", "interfaces": [{"ip_address": ip} for ip in AWS_OUTSIDE_IPS]}
ROUTER = {"name": "hub-router", "network": "hub-vpc", "bgp": {"asn": 65010}}


def tunnel_args(index: int, secret: str = PSK_1) -> dict:
    """Tunnel ``index`` (0 or 1) to AWS connection 1: HA interface i -> external interface i."""
    return {"name": "aws-tunnel-%d" % index, "vpn_gateway": "hub-ha-vpn", "vpn_gateway_interface": index, "peer_external_gateway": "aws-peer",
            "peer_external_gateway_interface": index, "router": "hub-router", "ike_version": 2, "shared_secret": secret}


def bgp_link(index: int, priority: int | None = None) -> tuple[dict, dict]:
    """Interface and peer for tunnel ``index`` on 169.254.10.(4 * index)/30; GCP takes .2, AWS .1."""
    base = 4 * index
    interface = {"name": "if-aws-%d" % index, "ip_range": "169.254.10.%d/30" % (base + 2), "linked_vpn_tunnel": "aws-tunnel-%d" % index}
    peer = {"name": "aws-peer-%d" % index, "interface_name": "if-aws-%d" % index, "peer_ip_address": "169.254.10.%d" % (base + 1),
            "peer_asn": 64520}
    if priority is not None:
        peer["advertised_route_priority"] = priority
    return interface, peer


def build_stack(lab: GcpLab, tunnels: int = 2) -> None:
    lab.make_network()
    for module, args in (("gcp_ha_vpn_gateway", GATEWAY), ("gcp_external_vpn_gateway", AWS_PEER), ("gcp_router", ROUTER)):
        ok(lab.run(module, args))
    for index in range(tunnels):
        ok(lab.run("gcp_vpn_tunnel", tunnel_args(index)))


# --------------------------------------------------------------------------- HA VPN gateway


def test_ha_vpn_gateway_is_predicted_created_once_listed_and_deleted_once(gcp_lab: GcpLab) -> None:
    gcp_lab.make_network()

    predicted = assert_predicts_without_mutating(gcp_lab, "gcp_ha_vpn_gateway", GATEWAY)["vpn_gateway"]
    assert predicted["network"] == "projects/%s/global/networks/hub-vpc" % PROJECT
    assert predicted["interfaces"] == [{"id": 0, "ip_address": None}, {"id": 1, "ip_address": None}]
    assert ok(gcp_lab.run("gcp_ha_vpn_gateway_info", {"names": ["hub-ha-vpn"]}))["vpn_gateways"] == []

    created = run_idempotent(gcp_lab, "gcp_ha_vpn_gateway", GATEWAY)["vpn_gateway"]
    assert [item["id"] for item in created["interfaces"]] == [0, 1]
    addresses = created["ip_addresses"]
    assert len(set(addresses)) == 2
    assert all(any(ipaddress.ip_address(ip) in net for net in DOCUMENTATION_RANGES) for ip in addresses)
    assert created["stack_type"] == "IPV4_ONLY" and created["region"] == REGION

    listed = ok(gcp_lab.run("gcp_ha_vpn_gateway_info", {"filter": 'name = "hub-ha-vpn"'}))["vpn_gateways"]
    assert [(item["name"], item["ip_addresses"]) for item in listed] == [("hub-ha-vpn", addresses)]

    since = time.time()
    moved = gcp_lab.run("gcp_ha_vpn_gateway", dict(GATEWAY, network="other-vpc"))
    assert moved["failed"] is True and "network" in moved["msg"] and "other-vpc" in moved["msg"]
    assert gcp_lab.mutating_since(since) == []

    assert_absent_twice(gcp_lab, "gcp_ha_vpn_gateway", {"name": "hub-ha-vpn"})


# --------------------------------------------------------------------------- external VPN gateway


def test_external_vpn_gateway_rejects_private_and_miscounted_peers_before_any_call(gcp_lab: GcpLab) -> None:
    private = dict(AWS_PEER, interfaces=[{"ip_address": ip} for ip in ["203.0.113.101", "10.1.2.3", "203.0.113.103", "100.64.0.9"]])
    message = assert_rejected_before_any_call(gcp_lab, "gcp_external_vpn_gateway", private, "interfaces[1].ip_address", "'10.1.2.3'",
                                              "interfaces[3].ip_address", "'100.64.0.9'")
    assert "203.0.113.101" not in message  # only the wrong fields are named

    assert_rejected_before_any_call(gcp_lab, "gcp_external_vpn_gateway", dict(AWS_PEER, redundancy_type="TWO_IPS_REDUNDANCY"),
                                    "interfaces: redundancy_type TWO_IPS_REDUNDANCY takes exactly 2", "got 4")


def test_external_vpn_gateway_for_two_aws_connections_is_idempotent(gcp_lab: GcpLab) -> None:
    predicted = assert_predicts_without_mutating(gcp_lab, "gcp_external_vpn_gateway", AWS_PEER)
    assert predicted["diff"]["before"] == {}

    created = run_idempotent(gcp_lab, "gcp_external_vpn_gateway", AWS_PEER)["external_vpn_gateway"]
    assert created["redundancy_type"] == "FOUR_IPS_REDUNDANCY"
    assert created["interfaces"] == [{"id": index, "ip_address": ip} for index, ip in enumerate(AWS_OUTSIDE_IPS)]

    azure_args = {"name": "azure-peer", "interfaces": [{"ip_address": "198.51.100.20"}, {"ip_address": "198.51.100.21"}]}
    azure = ok(gcp_lab.run("gcp_external_vpn_gateway", azure_args))
    assert azure["external_vpn_gateway"]["redundancy_type"] == "TWO_IPS_REDUNDANCY"  # follows from two interfaces

    listed = ok(gcp_lab.run("gcp_external_vpn_gateway_info", {}))["external_vpn_gateways"]
    assert [item["name"] for item in listed] == ["aws-peer", "azure-peer"]

    since = time.time()
    changed_peer = dict(AWS_PEER, interfaces=[{"ip_address": ip} for ip in AWS_OUTSIDE_IPS[:3] + ["203.0.113.199"]])
    refused = gcp_lab.run("gcp_external_vpn_gateway", changed_peer)
    assert refused["failed"] is True and "interfaces: external VPN gateway aws-peer" in refused["msg"]
    assert gcp_lab.mutating_since(since) == []

    assert_absent_twice(gcp_lab, "gcp_external_vpn_gateway", {"name": "aws-peer"})


# --------------------------------------------------------------------------- VPN tunnel


def test_vpn_tunnel_hides_its_secret_reports_status_and_is_idempotent(gcp_lab: GcpLab) -> None:
    build_stack(gcp_lab, tunnels=0)
    args = tunnel_args(0)

    predicted = assert_predicts_without_mutating(gcp_lab, "gcp_vpn_tunnel", args)
    assert PSK_1 not in json.dumps(predicted)
    assert predicted["diff"]["after"]["shared_secret"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER (changed)"
    assert predicted["vpn_tunnel"]["status"] is None and predicted["recreated"] is False

    created = ok(gcp_lab.run("gcp_vpn_tunnel", args, diff=True))
    assert created["changed"] is True
    assert PSK_1 not in json.dumps(created)
    assert created["diff"]["after"]["shared_secret"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER (changed)"
    tunnel = created["vpn_tunnel"]
    assert "shared_secret" not in tunnel
    assert tunnel["peer_external_gateway"] == "projects/%s/global/externalVpnGateways/aws-peer" % PROJECT
    assert (tunnel["vpn_gateway_interface"], tunnel["peer_external_gateway_interface"], tunnel["ike_version"]) == (0, 0, 2)
    assert tunnel["status"] in TUNNEL_STATUSES and tunnel["detailed_status"]

    since = time.time()
    again = ok(gcp_lab.run("gcp_vpn_tunnel", args, diff=True))
    assert again["changed"] is False and again["diff"]["before"] == again["diff"]["after"]
    assert gcp_lab.mutating_since(since) == []

    listed = ok(gcp_lab.run("gcp_vpn_tunnel_info", {"names": ["aws-tunnel-0", "missing"]}))["vpn_tunnels"]
    assert [(item["name"], item["status"]) for item in listed] == [("aws-tunnel-0", tunnel["status"])]

    not_up = gcp_lab.run("gcp_vpn_tunnel", dict(args, wait_established=True, established_timeout=1))
    assert not_up["failed"] is True
    assert "ESTABLISHED" in not_up["msg"] and not_up["vpn_tunnel"]["detailed_status"] in not_up["msg"]


def test_vpn_tunnel_changes_only_when_asked_to_recreate_or_rotate(gcp_lab: GcpLab) -> None:
    build_stack(gcp_lab, tunnels=1)
    first_id = ok(gcp_lab.run("gcp_vpn_tunnel_info", {"names": ["aws-tunnel-0"]}))["vpn_tunnels"][0]["id"]

    since = time.time()
    refused = gcp_lab.run("gcp_vpn_tunnel", dict(tunnel_args(0), ike_version=1))
    assert refused["failed"] is True and "ike_version" in refused["msg"] and "recreate=true" in refused["msg"]
    assert gcp_lab.mutating_since(since) == []

    predicted = assert_predicts_without_mutating(gcp_lab, "gcp_vpn_tunnel", dict(tunnel_args(0), ike_version=1, recreate=True))
    assert predicted["recreated"] is True and predicted["vpn_tunnel"]["ike_version"] == 1

    since = time.time()
    rotated = ok(gcp_lab.run("gcp_vpn_tunnel", {"name": "aws-tunnel-0", "shared_secret": PSK_2, "rotate_shared_secret": True}, diff=True))
    assert rotated["changed"] is True and rotated["recreated"] is True
    assert PSK_2 not in json.dumps(rotated)
    assert rotated["vpn_tunnel"]["id"] != first_id and rotated["vpn_tunnel"]["ike_version"] == 2  # the rest is kept
    assert gcp_lab.mutating_since(since) == ["vpnTunnels.delete", "vpnTunnels.insert"]

    assert_absent_twice(gcp_lab, "gcp_vpn_tunnel", {"name": "aws-tunnel-0"})


# --------------------------------------------------------------------------- Cloud Router


def test_router_merges_named_interfaces_and_peers_and_keeps_the_others(gcp_lab: GcpLab) -> None:
    build_stack(gcp_lab)
    (if_0, peer_0), (if_1, peer_1) = bgp_link(0), bgp_link(1)
    first = {"name": "hub-router", "interfaces": [if_0], "bgp_peers": [peer_0]}

    predicted = assert_predicts_without_mutating(gcp_lab, "gcp_router", first)
    assert predicted["changes"]["bgp_peers"]["added"] == ["aws-peer-0"]
    assert predicted["router"]["bgp_peers"][0]["ip_address"] == "169.254.10.2"

    created = run_idempotent(gcp_lab, "gcp_router", first)["router"]
    assert [(peer["name"], peer["ip_address"], peer["peer_ip_address"]) for peer in created["bgp_peers"]] == [
        ("aws-peer-0", "169.254.10.2", "169.254.10.1")]

    # A second play adds the other link, naming only its own interface and peer.
    second = {"name": "hub-router", "interfaces": [if_1], "bgp_peers": [peer_1]}
    run_idempotent(gcp_lab, "gcp_router", second)
    router = gcp_lab.router("hub-router")
    assert sorted(peer.name for peer in router.bgp_peers) == ["aws-peer-0", "aws-peer-1"]
    assert sorted(interface.name for interface in router.interfaces) == ["if-aws-0", "if-aws-1"]

    # Changing one setting of one peer is one patch; the other peer is untouched.
    change = {"name": "hub-router", "bgp_peers": [{"name": "aws-peer-1", "advertised_route_priority": 200}]}
    preview = assert_predicts_without_mutating(gcp_lab, "gcp_router", change)
    assert preview["changes"]["bgp_peers"] == {"added": [], "updated": ["aws-peer-1"], "removed": []}
    since = time.time()
    changed = ok(gcp_lab.run("gcp_router", change))
    assert gcp_lab.mutating_since(since) == ["routers.patch"]
    peers = {peer["name"]: peer for peer in changed["router"]["bgp_peers"]}
    assert peers["aws-peer-1"]["advertised_route_priority"] == 200
    assert peers["aws-peer-1"]["peer_ip_address"] == "169.254.10.5"  # fields not given are kept
    assert peers["aws-peer-0"] == {peer["name"]: peer for peer in created["bgp_peers"]}["aws-peer-0"]
    assert changed["router"]["bgp"]["asn"] == 65010

    # Purging keeps only what is named.
    purge = {"name": "hub-router", "interfaces": [if_0], "purge_interfaces": True, "bgp_peers": [peer_0], "purge_bgp_peers": True}
    purged = ok(gcp_lab.run("gcp_router", purge))
    assert purged["changes"]["interfaces"]["removed"] == ["if-aws-1"] and purged["changes"]["bgp_peers"]["removed"] == ["aws-peer-1"]
    assert [peer.name for peer in gcp_lab.router("hub-router").bgp_peers] == ["aws-peer-0"]

    # An empty list cannot be patched: the whole router is replaced instead.
    since = time.time()
    emptied = ok(gcp_lab.run("gcp_router", {"name": "hub-router", "interfaces": [], "purge_interfaces": True, "bgp_peers": [],
                                            "purge_bgp_peers": True}))
    assert emptied["router"]["interfaces"] == [] and emptied["router"]["bgp_peers"] == []
    assert gcp_lab.mutating_since(since) == ["routers.update"]
    assert gcp_lab.router("hub-router").bgp.asn == 65010

    for index in range(2):
        ok(gcp_lab.run("gcp_vpn_tunnel", {"name": "aws-tunnel-%d" % index, "state": "absent"}))
    assert_absent_twice(gcp_lab, "gcp_router", {"name": "hub-router"})


def test_router_status_reports_each_bgp_session(gcp_lab: GcpLab) -> None:
    build_stack(gcp_lab, tunnels=1)
    interface, peer = bgp_link(0)
    ok(gcp_lab.run("gcp_router", {"name": "hub-router", "interfaces": [interface], "bgp_peers": [peer]}))

    routers = ok(gcp_lab.run("gcp_router_info", {"names": ["hub-router"], "include_status": True}))["routers"]
    sessions = routers[0]["status"]["bgp_peer_status"]
    assert [(item["name"], item["peer_ip_address"], item["status"]) for item in sessions] == [("aws-peer-0", "169.254.10.1", "DOWN")]
    assert sessions[0]["linked_vpn_tunnel"] == "projects/%s/regions/%s/vpnTunnels/aws-tunnel-0" % (PROJECT, REGION)


def test_bad_bgp_settings_are_rejected_before_any_call(gcp_lab: GcpLab) -> None:
    interface, peer = bgp_link(0)
    args = {"name": "hub-router", "network": "hub-vpc", "bgp": {"asn": 65010}, "interfaces": [interface]}

    # The classic mistake: the peer's address put where the router's own address goes.
    assert_rejected_before_any_call(gcp_lab, "gcp_router", dict(args, bgp_peers=[dict(peer, ip_address="169.254.10.1")]),
                                    "bgp_peers[aws-peer-0].ip_address", "different from interface IP address 169.254.10.2",
                                    "'169.254.10.1'")
    assert_rejected_before_any_call(gcp_lab, "gcp_router", dict(args, bgp_peers=[dict(peer, peer_ip_address="169.254.10.2")]),
                                    "bgp_peers[aws-peer-0].peer_ip_address", "equals the interface IP address")
    assert_rejected_before_any_call(gcp_lab, "gcp_router", dict(args, bgp_peers=[dict(peer, peer_ip_address="169.254.11.1")]),
                                    "bgp_peers[aws-peer-0].peer_ip_address", "169.254.10.0/30", "'169.254.11.1'")
    assert_rejected_before_any_call(gcp_lab, "gcp_router", dict(args, interfaces=[dict(interface, ip_range="10.0.0.1/30")]),
                                    "interfaces[if-aws-0].ip_range", "169.254.0.0/16", "'10.0.0.1/30'")
    assert_rejected_before_any_call(gcp_lab, "gcp_router", dict(args, bgp={"asn": 65535}), "bgp.asn", "65535")
    assert_rejected_before_any_call(gcp_lab, "gcp_router", dict(args, bgp_peers=[dict(peer, bfd={"multiplier": 2})]),
                                    "bgp_peers[aws-peer-0].bfd.multiplier: must be 5-16 (got 2)")
    assert_rejected_before_any_call(gcp_lab, "gcp_vpn_tunnel", dict(tunnel_args(0), shared_secret="has space"), "shared_secret")


# --------------------------------------------------------------------------- SDK wiring


def test_throttled_and_failing_calls_are_retried(start_emulator, tmp_path: Path, loopback_only: list[str]) -> None:
    lab = lab_on(start_emulator, context_with(tmp_path, faults="flaky"))
    names = ["peer-%d" % index for index in range(4)]
    for index, name in enumerate(names):
        ok(lab.run("gcp_external_vpn_gateway", {"name": name, "interfaces": [{"ip_address": "198.51.100.%d" % (60 + index)}]}))
    faults = {entry["status"] for entry in lab.calls_since(0) if entry["fault"] in ("throttle", "server_error")}
    assert faults & {403, 429, 503}, "the fault profile should have answered some calls with 403/429/503"
    listed = ok(lab.run("gcp_external_vpn_gateway_info", {}))["external_vpn_gateways"]
    assert [item["name"] for item in listed] == names
    assert loopback_only == []


def test_the_loopback_guard_refuses_other_addresses(loopback_only: list[str]) -> None:
    with socket.socket() as sock, pytest.raises(ConnectionRefusedError):
        sock.connect(("198.51.100.1", 443))
    with pytest.raises(socket.gaierror):
        socket.getaddrinfo("compute.googleapis.com", 443)
    assert loopback_only == ["198.51.100.1", "compute.googleapis.com"]


PLAYBOOK = """
- hosts: localhost
  gather_facts: false
  tasks:
    - multicloud.interconnect.gcp_ha_vpn_gateway: {name: hub-ha-vpn, network: hub-vpc}
    - multicloud.interconnect.gcp_external_vpn_gateway:
        name: aws-peer
        interfaces: [{ip_address: 203.0.113.101}, {ip_address: 203.0.113.102}]
    - multicloud.interconnect.gcp_router: {name: hub-router, network: hub-vpc, bgp: {asn: 65010}}
    - multicloud.interconnect.gcp_vpn_tunnel:
        name: aws-tunnel-0
        vpn_gateway: hub-ha-vpn
        vpn_gateway_interface: 0
        peer_external_gateway: aws-peer
        router: hub-router
        shared_secret: "%(psk)s"
"""


@pytest.mark.playbook
def test_playbook_with_env_options_and_diff_never_prints_the_secret(gcp_lab: GcpLab, tmp_path: Path) -> None:
    gcp_lab.make_network()
    playbook = tmp_path / "gcp.yml"
    playbook.write_text(PLAYBOOK % {"psk": PSK_1})
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS_PATH), GCP_API_ENDPOINT=gcp_lab.endpoint, GCP_PROJECT=PROJECT,
               GCP_REGION=REGION, ANSIBLE_LOCALHOST_WARNING="false", ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
               ANSIBLE_PYTHON_INTERPRETER=sys.executable)
    command = [str(Path(sys.executable).parent / "ansible-playbook"), "--diff", "-v", str(playbook)]
    finished = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path, check=False)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert "changed=4" in finished.stdout
    assert PSK_1 not in finished.stdout + finished.stderr
    assert '"shared_secret": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER (changed)"' in finished.stdout
