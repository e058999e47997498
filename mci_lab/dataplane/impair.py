"""Break and mend the path between two public addresses, as when a peer stops answering.

The rules live in the namespace that owns ``local`` (a gateway's outside address): everything
from and to ``remote`` is dropped there, so IKE, ESP-in-UDP and DPD see a dead peer exactly as
they would if the remote device stopped. Nothing outside lab namespaces is touched.
"""
from __future__ import annotations

import ipaddress

from mci_lab.dataplane import netns

COMMENT = "mci-impair"


def namespace_owning(prefix: str, address: str) -> str:
    """The lab namespace that holds ``address`` on one of its interfaces."""
    ipaddress.ip_address(address)  # a clear error for a typo
    for namespace in netns.list_namespaces(prefix):
        for addresses in netns.ipv4_addresses(namespace).values():
            if any(entry.split("/")[0] == address for entry in addresses):
                return namespace
    raise LookupError(f"no lab namespace with prefix {prefix!r} holds {address}")


def _rules(remote: str) -> list[list[str]]:
    match = ["-m", "comment", "--comment", COMMENT, "-j", "DROP"]
    return [["INPUT", "-s", remote, *match], ["OUTPUT", "-d", remote, *match]]


def cut(prefix: str, local: str, remote: str) -> str:
    """Drop all traffic between ``local`` and ``remote``; returns the namespace changed."""
    namespace = namespace_owning(prefix, local)
    for rule in _rules(remote):
        if netns.netns_exec(namespace, ["iptables", "-C", *rule], check=False).returncode != 0:
            netns.iptables(namespace, "-I", *rule)
    return namespace


def restore(prefix: str, local: str, remote: str) -> str:
    """Undo ``cut`` (a no-op when the path is not cut); returns the namespace changed."""
    namespace = namespace_owning(prefix, local)
    for rule in _rules(remote):
        while netns.netns_exec(namespace, ["iptables", "-C", *rule], check=False).returncode == 0:
            netns.iptables(namespace, "-D", *rule)
    return namespace
