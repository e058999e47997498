"""Two route-based tunnels with eBGP and ECMP; switching one off keeps traffic flowing."""
from __future__ import annotations

import subprocess

import pytest
from dataplane_topologies import HOST_B, NET_A, bgp_ecmp_pair

from mci_lab.dataplane import netns
from tests.lab.common import ping, wait_until

pytestmark = pytest.mark.dataplane
AWS_1, AWS_2, CGW_1, CGW_2 = "aws/vpn-0abc/1", "aws/vpn-0abc/2", "cgw/tunnel-1", "cgw/tunnel-2"


def _all_up(realizer):
    snap = realizer.snapshot()
    tunnels_up = len(snap.tunnels) == 4 and all(t.up for t in snap.tunnels.values())
    sessions_up = len(snap.bgp) == 4 and all(b.state == "Established" for b in snap.bgp.values())
    # A session is Established a moment before its first UPDATE arrives: wait for the routes too.
    routes_in = all(b.routes_received == 1 for b in snap.bgp.values())
    return tunnels_up and sessions_up and routes_in and snap.learned_routes.get("vgw-b") == (NET_A,) and snap


def _router_nexthops(realizer, network_id: str, prefix: str) -> int:
    router = realizer.names.router(network_id)
    out = netns.ip(router, "route", "show", prefix).stdout
    return out.count("nexthop") or (1 if out.strip() else 0)


def test_bgp_ecmp_survives_one_tunnel_switched_off(realizer):
    realizer.apply(bgp_ecmp_pair())
    snap = wait_until(lambda: _all_up(realizer), timeout=20, what="4 tunnels and 4 BGP sessions up")
    assert snap.learned_routes["cgw-a"] == ("192.168.0.0/16",)
    # Both VPC routers learned the remote prefix over two gateway namespaces / tunnels.
    wait_until(lambda: _router_nexthops(realizer, "vpc-b", NET_A) == 2, timeout=10, what="ECMP in vpc-b")
    host_a = realizer.host_namespace("host-a")
    assert ping(host_a, HOST_B)

    pinger = subprocess.Popen(
        ["ip", "netns", "exec", host_a, "ping", "-n", "-i", "0.1", "-c", "80", "-W", "1", HOST_B],
        stdout=subprocess.PIPE, text=True)
    try:
        realizer.apply(bgp_ecmp_pair(enabled_a1=False))

        def tunnel_one_down():
            snap = realizer.snapshot()
            down = not snap.tunnels[AWS_1].up and not snap.tunnels[CGW_1].up
            bgp_down = all(snap.bgp[t].state != "Established" for t in (AWS_1, CGW_1))
            others_up = snap.tunnels[AWS_2].up and snap.bgp[CGW_2].state == "Established"
            return down and bgp_down and others_up and snap

        snap = wait_until(tunnel_one_down, timeout=10, what="tunnel 1 and its BGP session down on both sides")
        assert snap.tunnels[AWS_1].message == "disabled"
        assert snap.bgp[AWS_1].message == "tunnel disabled"
        assert snap.tunnels[CGW_1].message, "the customer side should say why tunnel 1 is down"
        assert _router_nexthops(realizer, "vpc-b", NET_A) == 1
        assert ping(host_a, HOST_B), "traffic should take the remaining tunnel"
        output = pinger.communicate(timeout=20)[0]
    finally:
        if pinger.poll() is None:
            pinger.kill()
            pinger.wait()
    replies = {int(line.split("icmp_seq=")[1].split()[0]) for line in output.splitlines() if "icmp_seq=" in line}
    # BIRD ends the session with a Cease before the tunnel goes, so the peer moves at once; allow
    # up to one BGP hold time (3 s = 30 pings) for a slow CI machine.
    assert len(replies) >= 50, f"too many pings lost during failover: {80 - len(replies)} of 80"
    assert set(range(61, 81)) <= replies, "pings should flow again once BGP converged"

    realizer.apply(bgp_ecmp_pair())
    wait_until(lambda: _all_up(realizer), timeout=20, what="tunnel 1 back after re-enabling it")


def test_an_outside_path_that_goes_dark_is_detected_by_bgp_and_dpd(realizer):
    """Drop everything between the customer gateway and AWS outside address 1 (like a dead
    endpoint): BGP fails over within its hold time, DPD then says the peer does not answer."""
    realizer.apply(bgp_ecmp_pair())
    wait_until(lambda: _all_up(realizer), timeout=20, what="4 tunnels and 4 BGP sessions up")
    aws_1 = realizer.plan.tunnels[AWS_1].namespace
    blackhole = [("-I", "INPUT", "-s", "198.51.100.30", "-j", "DROP"), ("-I", "OUTPUT", "-d", "198.51.100.30", "-j", "DROP")]
    for rule in blackhole:
        netns.iptables(aws_1, *rule)

    def failed_over():
        snap = realizer.snapshot()
        bgp_down = all(snap.bgp[t].state != "Established" for t in (AWS_1, CGW_1))
        return bgp_down and snap.bgp[CGW_2].state == "Established" and snap

    wait_until(failed_over, timeout=8, what="BGP over tunnel 1 down (hold time 3 s)")
    host_a = realizer.host_namespace("host-a")
    wait_until(lambda: ping(host_a, HOST_B, count=1), timeout=5, what="traffic over tunnel 2")

    def dpd_gave_up():
        status = realizer.snapshot().tunnels[CGW_1]
        return not status.up and status.message.startswith("peer not responding")

    wait_until(dpd_gave_up, timeout=15, what="DPD to give up on AWS outside address 1")

    for rule in blackhole:
        netns.iptables(aws_1, "-D", *rule[1:])
    wait_until(lambda: _all_up(realizer), timeout=25, what="tunnel 1 and its BGP session back")
