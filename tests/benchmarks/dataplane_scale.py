"""Bring up N route-based gateway pairs with BIRD on the lab data plane and measure the cost.

Not a test: a script that prints numbers. Each pair is two networks (router namespaces), one
gateway each (one charon + one BIRD), one eBGP session over the tunnel, the routes propagated into
both routers (a BIRD in each) and, with --hosts, one instance per network that pings the other.
Everything is torn down at the end, also on Ctrl-C.

Usage (root): .venv/bin/python tests/benchmarks/dataplane_scale.py [--pairs 10 30] [--no-hosts]
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from mci_lab.dataplane import Realizer, teardown_from_state  # noqa: E402
from mci_lab.dataplane.model import BgpPeer, Gateway, Host, Network, Topology, Tunnel  # noqa: E402

CLK_TCK = os.sysconf("SC_CLK_TCK")


def pair_topology(pairs: int, hosts: bool) -> Topology:
    if not 1 <= pairs <= 99:
        raise SystemExit("--pairs must be between 1 and 99 (address plan)")
    networks, gateways, instances = [], [], []
    for i in range(1, pairs + 1):
        a_ip, b_ip = f"198.51.100.{10 + i}", f"203.0.113.{10 + i}"
        a_in, b_in = f"169.254.{i}.2", f"169.254.{i}.1"
        a_net, b_net = f"10.{i}.0.0/16", f"10.{100 + i}.0.0/16"
        networks += [Network(f"net-a{i}", "gcp", (a_net,), propagate_from=(f"gw-a{i}",)),
                     Network(f"net-b{i}", "aws", (b_net,), propagate_from=(f"gw-b{i}",))]
        gateways += [
            Gateway(f"gw-a{i}", "gcp", f"net-a{i}", (a_ip,), (Tunnel(
                f"a{i}", a_ip, b_ip, f"psk-{i}", initiate=True, inside_address=a_in,
                bgp=BgpPeer(65000 + i, 64512, a_in, b_in)),)),
            Gateway(f"gw-b{i}", "aws", f"net-b{i}", (b_ip,), (Tunnel(
                f"b{i}", b_ip, a_ip, f"psk-{i}", inside_address=b_in,
                bgp=BgpPeer(64512, 65000 + i, b_in, a_in)),)),
        ]
        if hosts:
            instances += [Host(f"host-a{i}", f"net-a{i}", f"10.{i}.1.10", 24),
                          Host(f"host-b{i}", f"net-b{i}", f"10.{100 + i}.1.10", 24)]
    return Topology(tuple(networks), tuple(instances), tuple(gateways))


def mem_available_kib() -> int:
    with open("/proc/meminfo", encoding="ascii") as f:
        for line in f:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1])
    raise RuntimeError("no MemAvailable in /proc/meminfo")


def status_kib(pid: int, field: str) -> int:
    """A /proc/PID/status memory field: VmRSS (with shared libraries) or RssAnon (private)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            return next(int(line.split()[1]) for line in f if line.startswith(f"{field}:"))
    except (FileNotFoundError, StopIteration):
        return 0


def cpu_ticks(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime
    except FileNotFoundError:
        return 0


def wait_for(predicate, timeout: float) -> float | None:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if predicate():
            return time.monotonic() - start
        time.sleep(0.25)
    return None


def all_ping(realizer: Realizer, pairs: int) -> bool:
    procs = [subprocess.Popen(["ip", "netns", "exec", realizer.host_namespace(f"host-a{i}"), "ping", "-n", "-q",
                               "-c", "1", "-W", "2", f"10.{100 + i}.1.10"], stdout=subprocess.DEVNULL)
             for i in range(1, pairs + 1)]
    return all(p.wait() == 0 for p in procs)


def run(pairs: int, hosts: bool, timeout: float) -> dict[str, str]:
    state_dir = Path(tempfile.mkdtemp(prefix="mci-bench-"))
    prefix = f"mci-b{os.getpid()}-"
    realizer = Realizer(state_dir, prefix=prefix, timers="fast")
    mem_before = mem_available_kib()
    result: dict[str, str] = {"pairs": str(pairs)}
    try:
        t0 = time.monotonic()
        realizer.apply(pair_topology(pairs, hosts))
        result["apply_s"] = f"{time.monotonic() - t0:.1f}"

        def tunnels_up() -> bool:
            snap = realizer.snapshot()
            return len(snap.tunnels) == 2 * pairs and all(t.up for t in snap.tunnels.values())

        def bgp_up() -> bool:
            snap = realizer.snapshot()
            return len(snap.bgp) == 2 * pairs and all(b.state == "Established" for b in snap.bgp.values())

        up = wait_for(tunnels_up, timeout)
        result["tunnels_up_s"] = f"{time.monotonic() - t0:.1f}" if up is not None else "timeout"
        up = wait_for(bgp_up, timeout)
        result["bgp_up_s"] = f"{time.monotonic() - t0:.1f}" if up is not None else "timeout"
        if hosts:
            ok = wait_for(lambda: all_ping(realizer, pairs), timeout)
            result["all_ping_s"] = f"{time.monotonic() - t0:.1f}" if ok is not None else "timeout"
        t_snap = time.monotonic()
        realizer.snapshot()
        result["snapshot_s"] = f"{time.monotonic() - t_snap:.2f}"
        pids = [record.pid for record in realizer.state.daemons.values()]
        kinds = [record.kind for record in realizer.state.daemons.values()]
        result["namespaces"] = str(len(realizer.state.namespaces))
        result["charons"] = str(kinds.count("charon"))
        result["birds"] = str(kinds.count("bird"))
        time.sleep(2)
        result["mem_drop_mib"] = f"{(mem_before - mem_available_kib()) / 1024:.0f}"
        result["rss_sum_mib"] = f"{sum(status_kib(pid, 'VmRSS') for pid in pids) / 1024:.0f}"
        result["rss_anon_sum_mib"] = f"{sum(status_kib(pid, 'RssAnon') for pid in pids) / 1024:.0f}"
        ticks = sum(cpu_ticks(pid) for pid in pids)
        time.sleep(5)
        busy = (sum(cpu_ticks(pid) for pid in pids) - ticks) / CLK_TCK / 5
        result["daemon_cpu_pct_of_2_cores"] = f"{100 * busy / (os.cpu_count() or 1):.1f}"
    finally:
        t_down = time.monotonic()
        realizer.teardown()
        teardown_from_state(state_dir)
        result["teardown_s"] = f"{time.monotonic() - t_down:.1f}"
        shutil.rmtree(state_dir, ignore_errors=True)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, nargs="+", default=[10, 30])
    parser.add_argument("--hosts", action=argparse.BooleanOptionalAction, default=True,
                        help="one instance per network and a ping across every pair (default on)")
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args()
    if os.geteuid() != 0:
        print("needs root (network namespaces)", file=sys.stderr)
        return 2
    rows = [run(n, args.hosts, args.timeout) for n in args.pairs]
    keys = list(rows[0])
    width = max(len(k) for k in keys)
    for key in keys:
        print(f"{key:<{width}}  " + "  ".join(f"{row.get(key, ''):>8}" for row in rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
