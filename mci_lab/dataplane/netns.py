"""Network namespace plumbing through iproute2, iptables and sysctl (argument lists, no shell).

Everything happens inside lab namespaces: veths are created in one namespace with the peer put
straight into another, so the host's own namespace never gets an interface, address or route.
"""
from __future__ import annotations

import ipaddress
import json
import subprocess
from pathlib import Path

NETNS_DIR = Path("/run/netns")
COMMAND_TIMEOUT = 30


class CommandError(RuntimeError):
    """A command failed; the message carries the command line and its stderr."""

    def __init__(self, argv: list[str], returncode: int, stderr: str) -> None:
        self.argv = argv
        self.returncode = returncode
        self.stderr = stderr.strip()
        super().__init__(f"`{' '.join(argv)}` failed (exit {returncode}): {self.stderr or 'no error output'}")


def run(argv: list[str], input_text: str | None = None, check: bool = True,
        timeout: float = COMMAND_TIMEOUT) -> subprocess.CompletedProcess[str]:
    try:
        result = subprocess.run(argv, input=input_text, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise CommandError(argv, -1, f"timed out after {timeout}s") from exc
    except FileNotFoundError as exc:
        raise CommandError(argv, 127, f"{argv[0]} not found (is it installed?)") from exc
    if check and result.returncode != 0:
        raise CommandError(argv, result.returncode, result.stderr or result.stdout)
    return result


def _require_lab_namespace(namespace: str) -> None:
    # Belt and braces for the network-safety rule: never operate on an unnamed/host namespace.
    if not namespace.startswith("mci-"):
        raise ValueError(f"refusing to touch namespace {namespace!r}: lab namespaces start with 'mci-'")


def ip(namespace: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    _require_lab_namespace(namespace)
    return run(["ip", "-n", namespace, *args], check=check)


def ip_json(namespace: str, *args: str) -> list[dict]:
    _require_lab_namespace(namespace)
    out = run(["ip", "-j", "-n", namespace, *args]).stdout.strip()
    return json.loads(out) if out else []


def ip_batch(namespace: str, commands: list[str]) -> None:
    """Several ``ip`` commands in one process (much faster than one process each)."""
    if commands:
        _require_lab_namespace(namespace)
        run(["ip", "-n", namespace, "-batch", "-"], input_text="\n".join(commands) + "\n")


def netns_exec(namespace: str, argv: list[str], check: bool = True, input_text: str | None = None,
               timeout: float = COMMAND_TIMEOUT) -> subprocess.CompletedProcess[str]:
    """A short command in the namespace's network stack (sysctl, iptables, ping, ...).

    ``nsenter --net`` joins only the network namespace; ``ip netns exec`` would also copy the
    whole mount table into a new mount namespace, which gets slower with every lab namespace.
    """
    _require_lab_namespace(namespace)
    return run(["nsenter", f"--net={NETNS_DIR / namespace}", *argv], input_text=input_text, check=check,
               timeout=timeout)


# --------------------------------------------------------------------------- namespaces

def namespace_exists(namespace: str) -> bool:
    return (NETNS_DIR / namespace).exists()


def list_namespaces(prefix: str) -> list[str]:
    if not NETNS_DIR.is_dir():
        return []
    return sorted(p.name for p in NETNS_DIR.iterdir() if p.name.startswith(prefix))


def add_namespace(namespace: str, bridges: tuple[str, ...] = ()) -> None:
    """A new namespace with lo up and the given (empty, up) bridges."""
    _require_lab_namespace(namespace)
    run(["ip", "netns", "add", namespace])
    ip_batch(namespace, ["link set lo up"] + [c for b in bridges for c in (f"link add {b} type bridge", f"link set {b} up")])


def delete_namespace(namespace: str) -> None:
    _require_lab_namespace(namespace)
    if namespace_exists(namespace):
        run(["ip", "netns", "delete", namespace])


def namespace_pids(namespace: str) -> list[int]:
    if not namespace_exists(namespace):
        return []
    _require_lab_namespace(namespace)
    out = run(["ip", "netns", "pids", namespace], check=False).stdout
    return [int(tok) for tok in out.split() if tok.isdigit()]


def set_sysctls(namespace: str, pairs: tuple[tuple[str, str], ...]) -> None:
    if pairs:
        netns_exec(namespace, ["sysctl", "-q", "-w", *[f"{k}={v}" for k, v in pairs]])


# --------------------------------------------------------------------------- links

def link_names(namespace: str) -> set[str]:
    return {link["ifname"] for link in ip_json(namespace, "link", "show")}


def create_bridge(namespace: str, name: str) -> None:
    ip_batch(namespace, [f"link add {name} type bridge", f"link set {name} up"])


def veth_create_command(if_a: str, mac_a: str, ns_b: str, if_b: str, mac_b: str, bridge_a: str | None = None) -> str:
    """``ip -n A`` batch line: a veth made inside A, its own end up (on ``bridge_a``), the peer
    moved straight into ``ns_b`` (never into the host's namespace)."""
    _require_lab_namespace(ns_b)
    master = f" master {bridge_a}" if bridge_a else ""
    return f"link add {if_a} address {mac_a}{master} up type veth peer name {if_b} address {mac_b} netns {ns_b}"


def veth_peer_commands(if_b: str, bridge_b: str | None = None) -> list[str]:
    """``ip -n B`` batch lines that bring the moved peer up (on ``bridge_b``)."""
    return ([f"link set {if_b} master {bridge_b}"] if bridge_b else []) + [f"link set {if_b} up"]


def create_veth(ns_a: str, if_a: str, mac_a: str, ns_b: str, if_b: str, mac_b: str,
                bridge_a: str | None = None, bridge_b: str | None = None) -> None:
    """One veth pair between two lab namespaces (see veth_create_command)."""
    ip_batch(ns_a, [veth_create_command(if_a, mac_a, ns_b, if_b, mac_b, bridge_a)])
    ip_batch(ns_b, veth_peer_commands(if_b, bridge_b))


def delete_link(namespace: str, ifname: str) -> None:
    if namespace_exists(namespace):
        ip(namespace, "link", "delete", ifname, check=False)


# --------------------------------------------------------------------------- addresses

def ipv4_addresses(namespace: str) -> dict[str, set[str]]:
    """ifname -> {"a.b.c.d/len", ...}"""
    found: dict[str, set[str]] = {}
    for link in ip_json(namespace, "-4", "addr", "show"):
        found.setdefault(link["ifname"], set()).update(
            f"{a['local']}/{a['prefixlen']}" for a in link.get("addr_info", []))
    return found


def sync_addresses(namespace: str, wanted: dict[str, set[str]], managed_ifs: set[str],
                   current: dict[str, set[str]] | None = None) -> None:
    """Make each managed interface hold exactly its wanted addresses (``current``: known, skip reading)."""
    current = ipv4_addresses(namespace) if current is None else current
    commands = []
    for ifname in sorted(managed_ifs):
        have = current.get(ifname, set())
        want = wanted.get(ifname, set())
        commands += [f"addr del {a} dev {ifname}" for a in sorted(have - want)]
        commands += [f"addr add {a} dev {ifname}" for a in sorted(want - have)]
    ip_batch(namespace, commands)


def add_addresses(namespace: str, ifname: str, addresses: list[str], known_empty: bool = False) -> None:
    """Add addresses an interface lacks and set it up (``known_empty``: skip reading, e.g. a new TUN)."""
    current = set() if known_empty else ipv4_addresses(namespace).get(ifname, set())
    ip_batch(namespace, [f"addr add {a} dev {ifname}" for a in addresses if a not in current] + [f"link set {ifname} up"])


# --------------------------------------------------------------------------- routes

def route_command(destination: str, nexthops: list[tuple[str | None, str | None]], blackhole: bool,
                  proto: int, table: int | None = None) -> str:
    """One ``ip route replace`` line (for ip -batch); ``table`` None is the main table."""
    where = f"{destination} table {table}" if table is not None else destination
    if blackhole or not nexthops:
        return f"route replace blackhole {where} proto {proto}"
    if len(nexthops) == 1:
        return f"route replace {where} proto {proto} {_hop(*nexthops[0])}"
    return f"route replace {where} proto {proto} " + " ".join(f"nexthop {_hop(*h)}" for h in nexthops)


def route_key(destination: str, table: int | None = None) -> str:
    """How sync_routes names a route: its destination, plus ``table N`` outside the main table."""
    return destination if table is None else f"{destination} table {table}"


def _hop(via: str | None, dev: str | None) -> str:
    parts = []
    if via:
        parts.append(f"via {via}")
    if dev:
        parts.append(f"dev {dev}")
    return " ".join(parts)


def routes_with_proto(namespace: str, proto: int) -> set[str]:
    """Keys (see route_key) of the routes carrying ``proto``, in every routing table."""
    found = set()
    for route in ip_json(namespace, "-4", "route", "show", "table", "all", "proto", str(proto)):
        table = route.get("table")
        found.add(route_key(normalise_destination(route["dst"]), int(table) if table and table.isdigit() else None))
    return found


def normalise_destination(dst: str) -> str:
    if dst == "default":
        return "0.0.0.0/0"
    return str(ipaddress.ip_network(dst, strict=False))


def sync_routes(namespace: str, wanted: dict[str, str], proto: int, current: set[str] | None = None) -> None:
    """``wanted``: destination -> route command; routes of ``proto`` not wanted are removed."""
    stale = (routes_with_proto(namespace, proto) if current is None else current) - set(wanted)
    commands = [f"route del {d} proto {proto}" for d in sorted(stale)]
    commands += [wanted[d] for d in sorted(wanted)]
    ip_batch(namespace, commands)


# --------------------------------------------------------------------------- policy rules

def sync_rules(namespace: str, wanted: tuple[tuple[int, str, int], ...], first: int, last: int,
               known_empty: bool = False) -> None:
    """Make the rules with priorities ``first``..``last`` exactly ``wanted`` (priority, selector, table)."""
    have = [] if known_empty else [r["priority"] for r in ip_json(namespace, "-4", "rule", "show")
                                   if first <= r.get("priority", -1) <= last]
    commands = [f"rule del pref {priority}" for priority in have]
    commands += [f"rule add pref {priority} {selector} lookup {table}" for priority, selector, table in wanted]
    ip_batch(namespace, commands)


# --------------------------------------------------------------------------- iptables

def iptables_restore(namespace: str, text: str) -> None:
    netns_exec(namespace, ["iptables-restore"], input_text=text)


def iptables(namespace: str, *args: str) -> None:
    netns_exec(namespace, ["iptables", *args])
