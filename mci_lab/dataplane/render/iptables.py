"""iptables rules the lab's own namespaces need, as ``iptables-restore`` text.

Only namespaces the lab fully owns (internet, routers, gateways) get a restore; an instance's
namespace is its operating system, configured by roles, and is never touched here.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RuleSet:
    """Rules per table and chain, in order; rendered as a full replacement of those tables."""

    nat: list[str] = field(default_factory=list)
    filter: list[str] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not self.nat and not self.filter


def port_mux_rules(local: str, peer: str, ike_port: int, natt_port: int) -> list[str]:
    """Show a second charon (own ports) to its peer as :500/:4500 (LAB_RECIPE.md section 2)."""
    return [
        f"-A PREROUTING -s {peer}/32 -d {local}/32 -p udp --dport 500 -j DNAT --to-destination {local}:{ike_port}",
        f"-A PREROUTING -s {peer}/32 -d {local}/32 -p udp --dport 4500 -j DNAT --to-destination {local}:{natt_port}",
        f"-A POSTROUTING -s {local}/32 -d {peer}/32 -p udp --sport {ike_port} -j SNAT --to-source {local}:500",
        f"-A POSTROUTING -s {local}/32 -d {peer}/32 -p udp --sport {natt_port} -j SNAT --to-source {local}:4500",
    ]


def unserved_ike_rules(local: str, served_peers: list[str]) -> list[str]:
    """Drop IKE and NAT-T for ``local`` that no charon takes: from a peer whose tunnel (and port-mux
    DNAT) does not exist yet, or on an address without a charon on :500/:4500.

    Otherwise the charon on :500 answers such a peer NO_PROPOSAL_CHOSEN, after which an
    initiating strongSwan never retries (a cloud keeps retrying), and the flow's conntrack entry,
    made before the peer's DNAT rule and kept alive by its retransmits, would bypass that rule for
    good. A dropped packet is never confirmed in conntrack, so the peer's next attempt after its
    charon and DNAT rule exist is translated.
    """
    rules = [f"-A INPUT -s {peer}/32 -d {local}/32 -p udp -m multiport --dports 500,4500 -j ACCEPT"
             for peer in dict.fromkeys(served_peers)]
    return rules + [f"-A INPUT -d {local}/32 -p udp -m multiport --dports 500,4500 -j DROP"]


def one_to_one_nat_rules(public: str, private: str, wan_if: str) -> list[str]:
    """An internet gateway's 1:1 NAT between an instance's public and private address."""
    return [
        f"-A PREROUTING -d {public}/32 -i {wan_if} -j DNAT --to-destination {private}",
        f"-A POSTROUTING -s {private}/32 -o {wan_if} -j SNAT --to-source {public}",
    ]


def private_nat_rules(private_ip: str, lan_if: str) -> list[str]:
    """A private NAT gateway: what it forwards leaves with its own private address as source."""
    return [f"-A POSTROUTING -o {lan_if} ! -s {private_ip}/32 -j SNAT --to-source {private_ip}"]


def source_check_rules(mac: str, private_ip: str) -> list[str]:
    """Drop what an instance sends from an address that is not its own (source/dest check on)."""
    return [f"-A FORWARD -m mac --mac-source {mac} ! -s {private_ip}/32 -j DROP"]


def render_restore(rules: RuleSet) -> str:
    out: list[str] = []
    out += _table("nat", ("PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"), rules.nat)
    out += _table("filter", ("INPUT", "FORWARD", "OUTPUT"), rules.filter)
    return "\n".join(out) + "\n"


def _table(name: str, chains: tuple[str, ...], rules: list[str]) -> list[str]:
    return [f"*{name}"] + [f":{chain} ACCEPT [0:0]" for chain in chains] + rules + ["COMMIT"]
