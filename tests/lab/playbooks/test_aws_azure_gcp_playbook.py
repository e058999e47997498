"""playbooks/aws_azure_gcp.yml on the lab: seed post 002's observation, then one AWS tunnel cut.

The post shows the BGP peer table of each instance of the Azure active-active gateway: the peers
whose tunnels land on that instance Connected, the others stuck Connecting, by design. The lab's
Azure reports what its real BGP daemons say; ``bgp_peer_status`` must call that healthy. When one
AWS tunnel stops answering, the module reports that link degraded (naming the tunnel, on both
clouds that see it) while traffic keeps crossing over the other tunnels.

The molecule scenario extensions/molecule/aws_azure_gcp covers converge, idempotence, verify and
destroy; this test covers what an operator sees afterwards.
"""
from __future__ import annotations

import ipaddress

import pytest

from mci_lab import scenarios

pytestmark = pytest.mark.playbook

MAIN = "playbooks/aws_azure_gcp.yml"
STATUS = "tests/lab/playbooks/aws_azure_gcp_status.yml"
BGP_TASK = "wait until every planned BGP session is established, as each cloud reports it"
EFFECTIVE_ROUTES_TASK = "the listed network interfaces route every linked site's networks to the VPN gateway"
REPORT_TASK = "Report every session, without failing"
STRICT_TASK = "Read with fail_on_unhealthy (the default)"
PING_TASKS = ("Ping the instance in every linked cloud", "Ping every other lab instance")  # the playbook's, the status one's
AWS_REGION = "us-east-1"
CUT_TUNNEL = "aws-azure-t1"


def azure_peer_table(peers: list[dict]) -> dict[str, list[tuple[str, int, str]]]:
    """Per Azure gateway instance, its peers as (neighbor, ASN, Azure's state), in the post's terms."""
    table: dict[str, list[tuple[str, int, str]]] = {}
    for peer in peers:
        if peer["cloud"] == "azure":
            table.setdefault(peer["local_address"], []).append((peer["neighbor"], peer["asn"], peer["cloud_state"]))
    return {instance: sorted(rows) for instance, rows in table.items()}


def instance_owns(peer: dict) -> bool:
    """An instance reaches a neighbor only when its own APIPA address is in the neighbor's /30."""
    return ipaddress.ip_address(peer["inside_address"]) in ipaddress.ip_network(peer["inside_cidr"])


def pings_by_pair(run, task: str) -> dict[tuple[str, str], bool]:
    """(from, to) -> whether every echo came back."""
    return {(host, item["item"]): " 0% packet loss" in item["stdout"]
            for host, result in run.results(task).items() for item in result["results"]}


def aws_tunnel_ends(lab, vpn_connection_id: str, tunnel_number: int) -> tuple[str, str]:
    """The AWS outside address of one tunnel and the Azure instance address it talks to."""
    ec2 = scenarios.aws_client(lab.endpoints(), AWS_REGION)
    (connection,) = ec2.describe_vpn_connections(VpnConnectionIds=[vpn_connection_id])["VpnConnections"]
    (gateway,) = ec2.describe_customer_gateways(CustomerGatewayIds=[connection["CustomerGatewayId"]])["CustomerGateways"]
    outside = connection["Options"]["TunnelOptions"][tunnel_number - 1]["OutsideIpAddress"]
    return outside, gateway["IpAddress"]


def test_the_azure_peer_table_is_the_posts_and_a_cut_aws_tunnel_degrades_only_its_link(triangle_lab):
    build = triangle_lab.run(MAIN)
    assert build.returncode == 0, build.explain()
    report = build.results(BGP_TASK)["localhost"]

    # Seed post 002, both instances: two AWS peers Connected and two Connecting, one GCP peer
    # Connected and one Connecting; what is Connected is exactly what lands on that instance.
    table = azure_peer_table(report["peers"])
    assert sorted(table) == ["192.168.1.4", "192.168.1.5"]
    for instance, rows in table.items():
        states = sorted(row[1:] for row in rows)  # (ASN, state) per peer
        assert states == [(65002, "Connected"), (65002, "Connected"), (65002, "Connecting"), (65002, "Connecting"),
                          (65003, "Connected"), (65003, "Connecting")], (instance, rows)
    for peer in (p for p in report["peers"] if p["cloud"] == "azure"):
        assert (peer["cloud_state"] == "Connected") == instance_owns(peer) == (peer["expected"] == "up"), peer
        assert peer["routes_received"] == (1 if peer["cloud_state"] == "Connected" else 0), peer
    assert report["healthy"] is True
    assert {link["name"]: (link["healthy"], link["up"], link["expected_up"], link["expected_down"]) for link in report["links"]} == {
        "aws-azure": (True, 8, 8, 4), "gcp-azure": (True, 4, 4, 2), "aws-gcp": (True, 8, 8, 0)}
    pings = pings_by_pair(build, PING_TASKS[0])
    assert len(pings) == 6 and all(pings.values()), pings
    # And the post's `az network nic show-effective-route-table` of the Azure VM, as the role's
    # verify read it: AWS's and GCP's networks through both gateway instances.
    (nic,) = build.results(EFFECTIVE_ROUTES_TASK)["localhost"]["results"]
    assert {(prefix, hop) for row in nic["effective_routes"] if row["source"] == "VirtualNetworkGateway"
            for prefix in row["address_prefix"] for hop in row["next_hop_ip_address"]} == {
        ("172.16.0.0/16", "192.168.1.4"), ("172.16.0.0/16", "192.168.1.5"),
        ("10.0.1.0/24", "192.168.1.4"), ("10.0.1.0/24", "192.168.1.5")}

    # One AWS tunnel towards Azure stops answering (a dead outside address).
    (aws_end,) = [p for p in report["peers"] if p["cloud"] == "aws" and p["tunnel"] == CUT_TUNNEL]
    vpn_connection_id, tunnel_number = aws_end["resource"].split(" tunnel ")
    outside_ip, azure_ip = aws_tunnel_ends(triangle_lab, vpn_connection_id, int(tunnel_number))
    triangle_lab.cli("cut", outside_ip, azure_ip)

    status = triangle_lab.run(STATUS, {"status_wait_unhealthy": "aws-azure"})
    assert status.returncode == 0, status.explain()
    degraded = status.results(REPORT_TASK)["localhost"]
    links = {link["name"]: link for link in degraded["links"]}
    assert degraded["healthy"] is False and not links["aws-azure"]["healthy"]
    assert links["gcp-azure"]["healthy"] and links["aws-gcp"]["healthy"], degraded["summary"]
    # Both clouds that hold the session say so, with the tunnel's name; nothing else is down.
    down = links["aws-azure"]["down_unexpected"]
    assert {line.split()[0] for line in down} == {"aws", "azure"}, down
    assert all(f"tunnel {CUT_TUNNEL}]" in line for line in down), down
    assert links["aws-azure"]["up"] == 6 and links["aws-azure"]["expected_up"] == 8
    strict = status.results(STRICT_TASK)["localhost"]
    assert strict["failed"] and CUT_TUNNEL in strict["msg"], strict.get("msg")
    # Traffic takes the other three AWS <-> Azure tunnels.
    pings = pings_by_pair(status, PING_TASKS[1])
    assert len(pings) == 6 and all(pings.values()), pings

    # The path comes back: so does the session, and every link is healthy again.
    triangle_lab.cli("restore", outside_ip, azure_ip)
    healed = triangle_lab.run(STATUS, {"status_wait_healthy": True, "status_wait_seconds": 120})
    assert healed.returncode == 0, healed.explain()
    assert healed.results(REPORT_TASK)["localhost"]["healthy"] is True, healed.results(REPORT_TASK)["localhost"]["summary"]
    assert not healed.results(STRICT_TASK)["localhost"].get("failed"), healed.results(STRICT_TASK)["localhost"].get("msg")
