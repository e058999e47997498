"""A gateway address drops IKE from peers no charon there serves yet (instead of answering them).

The charon on :500/:4500 would answer such a peer NO_PROPOSAL_CHOSEN, after which an initiating
strongSwan gives up for good, and the flow's conntrack entry, made before the peer's port-mux
DNAT rule, would bypass that rule. Pure: the plan is rendered, no namespace is touched.
"""
from __future__ import annotations

from pathlib import Path

from mci_lab.dataplane.layout import Layout
from mci_lab.dataplane.model import Gateway, Network, Topology, Tunnel
from mci_lab.dataplane.naming import Names
from mci_lab.dataplane.plan import build_plan

LOCAL = "198.51.100.10"
PEERS = ("203.0.113.12", "198.51.100.13", "203.0.113.13")


def gateway_rules(tmp_path: Path, tunnels: tuple[Tunnel, ...]) -> list[str]:
    network = Network(id="azure/hub", cloud="azure", cidrs=("192.168.0.0/16",))
    gateway = Gateway(id="azure/vng/0", cloud="azure", network_id=network.id, public_ips=(LOCAL,), tunnels=tunnels)
    plan = build_plan(Topology(networks=(network,), gateways=(gateway,)), Names(), Layout.for_state_dir(tmp_path), "fast")
    namespace = plan.gateway_namespaces[gateway.id][0]
    return [line for line in plan.namespaces[namespace].iptables.splitlines() if line.startswith("-A INPUT")]


def tunnel(index: int, peer: str, enabled: bool = True) -> Tunnel:
    return Tunnel(id=f"azure/vng/0/t{index}", local_address=LOCAL, remote_address=peer, psk="Lab0SharedKey0123",
                  inside_address=f"169.254.21.{4 * index + 2}", enabled=enabled)


def test_only_the_peer_of_the_charon_on_500_reaches_it(tmp_path: Path):
    rules = gateway_rules(tmp_path, tuple(tunnel(index, peer) for index, peer in enumerate(PEERS)))
    assert rules == [
        f"-A INPUT -s {PEERS[0]}/32 -d {LOCAL}/32 -p udp -m multiport --dports 500,4500 -j ACCEPT",
        f"-A INPUT -d {LOCAL}/32 -p udp -m multiport --dports 500,4500 -j DROP",
    ]


def test_an_address_without_a_running_charon_on_500_answers_nobody(tmp_path: Path):
    assert gateway_rules(tmp_path, (tunnel(0, PEERS[0], enabled=False), tunnel(1, PEERS[1]))) == [
        f"-A INPUT -d {LOCAL}/32 -p udp -m multiport --dports 500,4500 -j DROP"]
    assert gateway_rules(tmp_path, ()) == [f"-A INPUT -d {LOCAL}/32 -p udp -m multiport --dports 500,4500 -j DROP"]
