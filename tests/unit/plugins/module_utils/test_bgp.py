"""module_utils/bgp.py: every cloud's BGP sessions in one shape, and which of them must be up.

The triangle of seed 002 (erjosito, "Tunnels Between Clouds") is the reference: its Azure
``list-bgp-peer-status`` tables are parsed as the gateway's answer, next to the AWS telemetry and the
GCP router status the post shows. Half of the Azure sessions stay ``Connecting`` there by design.
"""
from __future__ import annotations

import datetime
from pathlib import Path

import pytest
import yaml

from ansible_collections.multicloud.interconnect.plugins.module_utils import azure_vpn, bgp, planner

REPO_ROOT = Path(__file__).resolve().parents[4]
TRIANGLE = yaml.safe_load((REPO_ROOT / "tests" / "unit" / "fixtures" / "triangle.yml").read_text(encoding="utf-8"))
NOW = datetime.datetime(2024, 1, 1, 12, 0, tzinfo=datetime.timezone.utc)
SUBSCRIPTION = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/multicloud/providers/Microsoft.Network"
GATEWAY_ID = SUBSCRIPTION + "/virtualNetworkGateways/vng"

# Seed 002: the BGP peers of both VNG instances once AWS and GCP are connected (az network
# vnet-gateway list-bgp-peer-status, one table per instance, columns in the order the CLI printed).
SEED_INSTANCE_0 = """
LocalAddress    Neighbor        Asn    State       RoutesReceived    MessagesSent    MessagesReceived    ConnectedDuration
--------------  --------------  -----  ----------  ----------------  --------------  ------------------  -------------------
192.168.1.4     169.254.21.129  65003  Connected   1                 68              56                  00:17:10.8890031
192.168.1.4     169.254.22.129  65003  Connecting  0                 0               0
192.168.1.4     169.254.21.1    65002  Connected   1                 4329            3793                10:29:48.0256095
192.168.1.4     169.254.21.5    65002  Connected   1                 4306            3779                10:27:39.9164576
192.168.1.4     169.254.22.1    65002  Connecting  0                 0               0
192.168.1.4     169.254.22.5    65002  Connecting  0                 0               0
192.168.1.4     192.168.1.4     65001  Unknown     0                 0               0
192.168.1.4     192.168.1.5     65001  Connected   5                 5937            5932                3.12:24:42.2514559
"""
SEED_INSTANCE_1 = """
LocalAddress    Neighbor        Asn    State       ConnectedDuration    RoutesReceived    MessagesSent    MessagesReceived
--------------  --------------  -----  ----------  -------------------  ----------------  --------------  ------------------
192.168.1.5     169.254.21.129  65003  Connecting                       0                 0               0
192.168.1.5     169.254.22.129  65003  Connected   00:16:47.4180498     1                 67              54
192.168.1.5     169.254.21.1    65002  Connecting                       0                 0               0
192.168.1.5     169.254.21.5    65002  Connecting                       0                 0               0
192.168.1.5     169.254.22.1    65002  Connected   10:30:12.5371733     1                 4329            3795
192.168.1.5     169.254.22.5    65002  Connected   10:25:11.4568492     1                 4296            3762
192.168.1.5     192.168.1.4     65001  Connected   3.12:25:25.5091048   5                 5931            5940
192.168.1.5     192.168.1.5     65001  Unknown                          0                 0               0
"""
# The instances' custom APIPA addresses that give those tables: instance 0 faces 169.254.21.x, instance 1 169.254.22.x.
SEED_APIPA = (["169.254.21.2", "169.254.21.6", "169.254.21.130"], ["169.254.22.2", "169.254.22.6", "169.254.22.130"])


def parse_cli_table(text: str) -> list[dict]:
    """An ``az ... -o table`` answer as ARM rows (camelCase keys), cut at the columns the dashes mark."""
    header, dashes, *lines = [line for line in text.splitlines() if line.strip()]
    spans, start = [], 0
    for part in dashes.split("  "):
        spans.append((start, start + len(part)))
        start += len(part) + 2
    names = [header[low:high].strip() for low, high in spans]
    rows = []
    for line in lines:
        values = {name[0].lower() + name[1:]: line[low:high].strip() for name, (low, high) in zip(names, spans)}
        rows.append({key: (int(value) if key in ("asn", "routesReceived", "messagesSent", "messagesReceived") else value)
                     for key, value in values.items() if value != ""})
    return rows


def arm_gateway(apipa: tuple = SEED_APIPA, asn: int = 65001) -> dict:
    """An active-active gateway as ARM returns it, through the collection's own normaliser."""
    configurations, peering = [], []
    for index, addresses in enumerate(apipa):
        configuration_id = "%s/ipConfigurations/instance%d" % (GATEWAY_ID, index)
        configurations.append({"id": configuration_id, "name": "instance%d" % index, "properties": {}})
        peering.append({"ipconfigurationId": configuration_id, "defaultBgpIpAddresses": ["192.168.1.%d" % (4 + index)],
                        "customBgpIpAddresses": list(addresses), "tunnelIpAddresses": ["198.51.100.%d" % (40 + index)]})
    return azure_vpn.normalize_gateway({"id": GATEWAY_ID, "name": "vng", "properties": {
        "activeActive": True, "enableBgp": True, "ipConfigurations": configurations,
        "bgpSettings": {"asn": asn, "bgpPeeringAddresses": peering}}})


def aws_connection(connection_id: str, cidrs: tuple, status: str = "UP", messages: tuple = ("1 BGP ROUTES", "1 BGP ROUTES"),
                   static: bool = False) -> dict:
    """A DescribeVpnConnections answer of a BGP connection (the post's telemetry: UP, "1 BGP ROUTES")."""
    outside = ["203.0.113.%d" % (10 + index) for index in range(len(cidrs))]
    return {
        "VpnConnectionId": connection_id, "State": "available", "VpnGatewayId": "vgw-1", "CustomerGatewayId": "cgw-1",
        "Options": {"StaticRoutesOnly": static, "TunnelOptions": [{"OutsideIpAddress": ip, "TunnelInsideCidr": cidr}
                                                                  for ip, cidr in zip(outside, cidrs)]},
        "VgwTelemetry": [{"OutsideIpAddress": ip, "Status": status, "StatusMessage": message,
                          "AcceptedRouteCount": 1 if status == "UP" else 0, "LastStatusChange": "2024-01-01T11:00:00+00:00"}
                         for ip, message in zip(outside, messages)],
    }


def gcp_router(peers: list[tuple], asn: int = 65003) -> tuple[dict, dict]:
    """(getRouterStatus result, normalised router) for peers ``(name, ip, peer ip, status, state)``."""
    status = {"bgp_peer_status": [
        {"name": name, "ip_address": ip, "peer_ip_address": peer_ip, "status": up, "state": state,
         "num_learned_routes": 2 if up == "UP" else 0, "linked_vpn_tunnel": "projects/p/regions/us-east1/vpnTunnels/%s" % name,
         **({"uptime_seconds": "1030"} if up == "UP" else {})}
        for name, ip, peer_ip, up, state in peers]}
    router = {"name": "cr", "bgp": {"asn": asn}, "bgp_peers": [{"name": name, "peer_asn": 65001, "enable": True} for name, *_rest in peers]}
    return status, router


def seed_sessions(azure_rows: list[dict] | None = None, aws_status: str = "UP", aws_messages: tuple = ("1 BGP ROUTES", "1 BGP ROUTES")) -> list:
    aws = (bgp.aws_adjacencies(aws_connection("vpn-1", ("169.254.21.0/30", "169.254.21.4/30"), aws_status, aws_messages), 65002, 65001, NOW)
           + bgp.aws_adjacencies(aws_connection("vpn-2", ("169.254.22.0/30", "169.254.22.4/30")), 65002, 65001, NOW))
    rows = azure_rows if azure_rows is not None else parse_cli_table(SEED_INSTANCE_0) + parse_cli_table(SEED_INSTANCE_1)
    azure = bgp.azure_adjacencies(rows, arm_gateway())
    status, router = gcp_router([("azvpngw0", "169.254.21.129", "169.254.21.130", "UP", "Established"),
                                 ("azvpngw1", "169.254.22.129", "169.254.22.130", "UP", "Established")])
    return aws + azure + bgp.gcp_adjacencies(status, router)


def by_pair(report: bgp.BgpReport) -> dict:
    return {(peer["local_address"], peer["neighbor"]): peer for peer in report.to_result()["peers"]}


# --------------------------------------------------------------------------- seed 002


def test_seed_002_triangle_is_healthy_although_half_of_the_azure_sessions_stay_connecting() -> None:
    report = bgp.build_report(seed_sessions())
    result = report.to_result()

    assert result["healthy"] is True
    peers = by_pair(report)
    # Instance 0 reaches the 169.254.21.x tunnels, instance 1 the 169.254.22.x ones; the rest stay Connecting by design.
    for local, ours, theirs in (("192.168.1.4", "21", "22"), ("192.168.1.5", "22", "21")):
        for suffix in ("1", "5", "129"):
            assert (peers[(local, "169.254.%s.%s" % (ours, suffix))]["expected"],
                    peers[(local, "169.254.%s.%s" % (ours, suffix))]["state"]) == ("up", "Established")
            down = peers[(local, "169.254.%s.%s" % (theirs, suffix))]
            assert (down["expected"], down["state"], down["cloud_state"]) == ("down", "Connecting", "Connecting")
            assert "by design" in down["expected_reason"]
    assert peers[("192.168.1.4", "169.254.22.1")]["expected_reason"].startswith(
        "169.254.22.0/30 is reached from another instance of the gateway (169.254.22.2)")
    # The instance itself (Unknown) never connects; the other instance is an iBGP peer that must.
    assert (peers[("192.168.1.4", "192.168.1.4")]["expected"], peers[("192.168.1.4", "192.168.1.4")]["state"]) == ("down", "Down")
    assert (peers[("192.168.1.4", "192.168.1.5")]["expected"], peers[("192.168.1.4", "192.168.1.5")]["uptime_seconds"]) == (
        "up", ((3 * 24 + 12) * 60 + 24) * 60 + 42)
    assert {(link["name"], link["up"], link["expected_up"], link["expected_down"], link["healthy"]) for link in result["links"]} == {
        ("aws-azure", 8, 8, 4, True), ("azure-gcp", 4, 4, 2, True), ("azure iBGP", 2, 2, 2, True)}
    assert "aws-azure: healthy, 8/8 expected adjacencies established, 4 down by design" in result["summary"]


def test_every_session_comes_in_one_shape_whatever_the_cloud() -> None:
    peers = {peer["cloud"]: peer for peer in bgp.build_report(seed_sessions()).to_result()["peers"]}

    assert peers["aws"] == {
        "cloud": "aws", "resource": "vpn-2 tunnel 2", "local_address": "169.254.22.5", "inside_address": "169.254.22.5",
        "neighbor": "169.254.22.6", "inside_cidr": "169.254.22.4/30", "asn": 65001, "local_asn": 65002, "state": "Established",
        "cloud_state": "UP", "routes_received": 1, "uptime_seconds": 3600, "expected": "up",
        "expected_reason": "169.254.22.5 and 169.254.22.6 share 169.254.22.4/30 (from the cloud's configuration)",
        "link": "aws-azure", "tunnel": "vpn-2 tunnel 2", "message": None}
    assert (peers["gcp"]["resource"], peers["gcp"]["cloud_state"], peers["gcp"]["uptime_seconds"], peers["gcp"]["routes_received"],
            peers["gcp"]["link"], peers["gcp"]["tunnel"]) == ("cr peer azvpngw1", "UP/Established", 1030, 2, "azure-gcp", "azvpngw1")
    # The last Azure row: instance 1 listing itself.
    assert (peers["azure"]["resource"], peers["azure"]["neighbor"], peers["azure"]["local_asn"], peers["azure"]["cloud_state"],
            peers["azure"]["expected"], peers["azure"]["link"]) == ("vng instance 1", "192.168.1.5", 65001, "Unknown", "down", "azure iBGP")


def test_an_expected_session_that_is_down_makes_its_link_unhealthy_with_the_clouds_reason() -> None:
    rows = parse_cli_table(SEED_INSTANCE_0) + parse_cli_table(SEED_INSTANCE_1)
    stuck = next(row for row in rows if (row["localAddress"], row["neighbor"]) == ("192.168.1.5", "169.254.22.129"))
    stuck.update(state="Connecting", routesReceived=0)
    del stuck["connectedDuration"]
    report = bgp.build_report(seed_sessions(rows, aws_status="DOWN", aws_messages=("IPSEC IS UP", "IPSEC IS DOWN")))
    result = report.to_result()

    assert result["healthy"] is False
    links = {link["name"]: link for link in result["links"]}
    assert links["azure-gcp"]["healthy"] is False and links["azure iBGP"]["healthy"] is True
    assert links["azure-gcp"]["down_unexpected"] == ["azure vng instance 1 192.168.1.5 -> 169.254.22.129 (AS65003) [link azure-gcp]: Connecting"]
    assert links["aws-azure"]["down_unexpected"] == [
        "aws vpn-1 tunnel 1 169.254.21.1 -> 169.254.21.2 (AS65001) [link aws-azure, tunnel vpn-1 tunnel 1]: DOWN (IPSEC IS UP)",
        "aws vpn-1 tunnel 2 169.254.21.5 -> 169.254.21.6 (AS65001) [link aws-azure, tunnel vpn-1 tunnel 2]: DOWN (IPSEC IS DOWN)"]
    states = {peer["resource"]: peer["state"] for peer in result["peers"] if peer["cloud"] == "aws"}
    assert states == {"vpn-1 tunnel 1": "Connecting", "vpn-1 tunnel 2": "Down", "vpn-2 tunnel 1": "Established", "vpn-2 tunnel 2": "Established"}
    # Sessions expected down never count, however they read.
    assert all("169.254.21.1 " not in line or "192.168.1.5" not in line for line in report.failures())
    assert len(report.failures()) == 3


# --------------------------------------------------------------------------- with the plan


def plan_sessions(plan: dict, aws_up: bool = True, drop_gcp_peer: str | None = None) -> list:
    """Every cloud's answer for the planned triangle, built from the plan's addresses."""
    link = {item["name"]: item for item in plan["links"]}
    aws_tunnels = link["aws-azure"]["tunnels"]
    aws = []
    for number, pair in enumerate((aws_tunnels[:2], aws_tunnels[2:]), 1):
        raw = aws_connection("vpn-%d" % number, tuple(tunnel["inside_cidr"] for tunnel in pair), "UP" if aws_up else "DOWN",
                             ("1 BGP ROUTES",) * 2 if aws_up else ("lab data plane is not running",) * 2)
        aws += bgp.aws_adjacencies(raw, 65002, 65001, NOW)
    azure_ends = [tunnel["b"] for name in ("aws-azure", "gcp-azure") for tunnel in link[name]["tunnels"]]
    apipa = tuple([end["inside_ip"] for end in azure_ends if end["endpoint"] == index] for index in (0, 1))
    rows = []
    for index in (0, 1):
        for end in azure_ends:
            connected = end["endpoint"] == index
            rows.append({"localAddress": "192.168.1.%d" % (4 + index), "neighbor": end["peer_inside_ip"], "asn": end["peer_asn"],
                         "state": "Connected" if connected else "Connecting", "routesReceived": 1 if connected else 0,
                         **({"connectedDuration": "00:10:00"} if connected else {})})
    azure = bgp.azure_adjacencies(rows, arm_gateway(apipa))
    peers = [("gcp-peer-%d" % tunnel["index"], tunnel["a"]["inside_ip"], tunnel["b"]["inside_ip"], "UP", "Established")
             for tunnel in link["gcp-azure"]["tunnels"] if "gcp-peer-%d" % tunnel["index"] != drop_gcp_peer]
    status, router = gcp_router(peers)
    return aws + azure + bgp.gcp_adjacencies(status, router)


@pytest.fixture(scope="module")
def plan() -> dict:
    return planner.build_plan(TRIANGLE["sites"], TRIANGLE["links"]).to_dict(include_secrets=False)


def test_with_the_plan_sessions_are_named_after_its_links_and_tunnels(plan: dict) -> None:
    report = bgp.build_report(plan_sessions(plan), bgp.planned_tunnels({"plan": plan, "changed": False}), ["aws", "azure", "gcp"])
    result = report.to_result()

    assert result["healthy"] is True
    assert [link["name"] for link in result["links"]] == ["aws-azure", "gcp-azure"]
    peers = by_pair(report)
    first = peers[("169.254.21.1", "169.254.21.2")]
    assert (first["link"], first["tunnel"], first["expected_reason"]) == (
        "aws-azure", "aws-azure-t1", "169.254.21.1 and 169.254.21.2 are the two ends of planned tunnel aws-azure-t1 (169.254.21.0/30)")
    by_design = peers[("192.168.1.5", "169.254.21.1")]
    assert (by_design["expected"], by_design["tunnel"], by_design["inside_address"]) == ("down", "aws-azure-t1", None)
    assert by_design["expected_reason"].startswith(
        "planned tunnel aws-azure-t1 (169.254.21.0/30) ends on another instance of the gateway (169.254.21.2); by design")
    assert peers[("192.168.1.4", "169.254.21.9")]["tunnel"] == "gcp-azure-t1"


def test_a_planned_session_that_a_cloud_does_not_have_is_missing_and_unhealthy(plan: dict) -> None:
    report = bgp.build_report(plan_sessions(plan, drop_gcp_peer="gcp-peer-1"), bgp.planned_tunnels(plan), ["aws", "azure", "gcp"])
    links = {link["name"]: link for link in report.to_result()["links"]}

    assert links["gcp-azure"]["missing"] == ["gcp-azure-t2: no gcp BGP session from 169.254.22.9 to 169.254.22.10 (site gcp)"]
    assert (links["gcp-azure"]["healthy"], links["gcp-azure"]["expected_up"], links["aws-azure"]["healthy"]) == (False, 4, True)
    assert report.healthy is False
    # A cloud that is not read is not expected to have its ends.
    assert bgp.build_report(plan_sessions(plan, drop_gcp_peer="gcp-peer-1")[:4], bgp.planned_tunnels(plan), ["aws"]).healthy is True


def test_down_sessions_of_the_lab_read_down_and_only_the_expected_ones_fail(plan: dict) -> None:
    report = bgp.build_report(plan_sessions(plan, aws_up=False), bgp.planned_tunnels(plan), ["aws", "azure", "gcp"])

    failures = report.failures()
    assert len(failures) == 4
    assert failures[0] == ("aws vpn-1 tunnel 1 169.254.21.1 -> 169.254.21.2 (AS65001) [link aws-azure, tunnel aws-azure-t1]: "
                           "DOWN (lab data plane is not running)")
    assert "lab data plane is not running" in report.describe_failures()


def test_a_plan_that_is_not_one_is_refused() -> None:
    with pytest.raises(ValueError, match="plan: expected the plan"):
        bgp.planned_tunnels({"links": []})
    with pytest.raises(ValueError, match="plan: link l has a tunnel that is not in the shape"):
        bgp.planned_tunnels({"sites": [], "links": [{"name": "l", "routing": "bgp", "tunnels": [{"name": "t"}]}]})


# --------------------------------------------------------------------------- the clouds' configuration


def azure_connection(name: str, local_gateway: str, pinned: list | None, status: str = "NotConnected") -> dict:
    return {"name": name, "virtual_network_gateway_id": GATEWAY_ID, "local_network_gateway_id": SUBSCRIPTION + "/localNetworkGateways/" + local_gateway,
            "gateway_custom_bgp_ip_addresses": pinned or [], "connection_status": status,
            "tunnel_connection_status": [{"tunnel": "%s_198.51.100.%d" % (name, 40 + index), "connection_status": status} for index in (0, 1)]}


def local_gateway(name: str, peer: str) -> dict:
    return {"id": SUBSCRIPTION + "/localNetworkGateways/" + name, "name": name, "bgp_settings": {"asn": 65002, "bgp_peering_address": peer}}


def test_an_address_the_connection_pins_decides_which_instance_reaches_the_peer() -> None:
    rows = [{"localAddress": "192.168.1.%d" % (4 + index), "neighbor": "169.254.21.1", "asn": 65002, "state": "Connecting"} for index in (0, 1)]
    connections = [azure_connection("aws00", "aws00", ["169.254.21.2", "169.254.22.2"])]
    sessions = bgp.azure_adjacencies(rows, arm_gateway(), connections, [local_gateway("aws00", "169.254.21.1")])
    report = bgp.build_report(sessions)

    first, second = report.to_result()["peers"]
    assert (first["inside_address"], first["expected"], first["tunnel"]) == ("169.254.21.2", "up", "aws00")
    assert first["message"] == "connection aws00, tunnel aws00_198.51.100.40: NotConnected"
    assert (second["inside_address"], second["expected"]) == ("169.254.22.2", "down")
    assert report.failures() == ["azure vng instance 0 192.168.1.4 -> 169.254.21.1 (AS65002) [link AS65002-azure, tunnel aws00]: "
                                 "Connecting (connection aws00, tunnel aws00_198.51.100.40: NotConnected)"]


def test_a_peer_no_instance_can_reach_is_expected_up_so_the_gap_is_reported() -> None:
    rows = [{"localAddress": "192.168.1.4", "neighbor": "169.254.21.201", "asn": 65003, "state": "Connecting"}]
    peer = bgp.build_report(bgp.azure_adjacencies(rows, arm_gateway())).to_result()["peers"][0]

    assert (peer["expected"], peer["expected_reason"]) == ("up", "no address of this end lies in 169.254.21.200/30, so it cannot connect")


def test_a_peer_outside_link_local_is_reached_by_every_instance() -> None:
    rows = [{"localAddress": "192.168.1.%d" % (4 + index), "neighbor": "10.20.0.1", "asn": 65020, "state": "Connected",
             "connectedDuration": "01:00:00"} for index in (0, 1)]
    peers = bgp.build_report(bgp.azure_adjacencies(rows, arm_gateway())).to_result()["peers"]

    assert [(peer["inside_address"], peer["expected"], peer["uptime_seconds"]) for peer in peers] == [
        ("192.168.1.4", "up", 3600), ("192.168.1.5", "up", 3600)]


def test_a_disabled_gcp_peer_is_expected_down_and_a_down_one_gives_its_tunnels_reason() -> None:
    status, router = gcp_router([("p0", "169.254.10.2", "169.254.10.1", "DOWN", "Idle"), ("p1", "169.254.10.6", "169.254.10.5", "DOWN", "Active")])
    router["bgp_peers"][1]["enable"] = False
    tunnels = {"p0": {"name": "p0", "status": "FIRST_HANDSHAKE", "detailed_status": "Handshake with peer: lab data plane is not running."}}
    report = bgp.build_report(bgp.gcp_adjacencies(status, router, tunnels))
    first, second = report.to_result()["peers"]

    assert (first["state"], first["cloud_state"], first["expected"], first["uptime_seconds"]) == ("Idle", "DOWN/Idle", "up", None)
    assert first["message"] == "VPN tunnel p0: FIRST_HANDSHAKE (Handshake with peer: lab data plane is not running.)"
    assert (second["state"], second["expected"], second["expected_reason"]) == (
        "Connecting", "down", "the BGP peer is disabled in the cloud's configuration")
    assert report.failures() == ["gcp cr peer p0 169.254.10.2 -> 169.254.10.1 (AS65001) [link AS65001-gcp, tunnel p0]: DOWN/Idle "
                                 "(VPN tunnel p0: FIRST_HANDSHAKE (Handshake with peer: lab data plane is not running.))"]


def test_static_aws_connections_have_no_bgp_session() -> None:
    assert bgp.aws_adjacencies(aws_connection("vpn-1", ("169.254.10.0/30",), static=True), 64512, 65000, NOW) == []


@pytest.mark.parametrize(("cloud", "status", "word", "state"), [
    ("aws", "UP", "3 BGP ROUTES", "Established"),
    ("aws", "DOWN", "IPSEC IS UP", "Connecting"),
    ("aws", "DOWN", "IPSEC IS DOWN", "Down"),
    ("gcp", "UP", "Established", "Established"),
    ("gcp", "DOWN", "OpenSent", "Connecting"),
    ("gcp", "DOWN", "Established", "Down"),
    ("gcp", "UNKNOWN", None, "Down"),
])
def test_each_clouds_words_map_onto_four_states(cloud: str, status: str, word: str | None, state: str) -> None:
    assert (bgp.aws_state(status, word) if cloud == "aws" else bgp.gcp_state(status, word)) == state


@pytest.mark.parametrize(("text", "seconds"), [
    ("09:23:46.1155616", 9 * 3600 + 23 * 60 + 46), ("3.11:18:40.3414080", ((3 * 24 + 11) * 60 + 18) * 60 + 40), ("00:00:05", 5),
    ("", None), ("soon", None)])
def test_azure_durations_are_read_as_seconds(text: str, seconds: int | None) -> None:
    assert bgp.uptime_from_timespan(text) == seconds
