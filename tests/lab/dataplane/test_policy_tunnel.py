"""A static policy-based IKEv1 tunnel (Alibaba's default proposal, main mode) between two networks."""
from __future__ import annotations

import pytest
from dataplane_topologies import HOST_A, HOST_B, policy_ikev1_pair

from tests.lab.common import ping, wait_until

pytestmark = pytest.mark.dataplane


def test_policy_based_ikev1_tunnel_carries_traffic_both_ways(realizer):
    realizer.apply(policy_ikev1_pair())

    def both_up():
        snap = realizer.snapshot()
        return all(snap.tunnels[t].up for t in ("alibaba/vco-1", "aws/vpn-1/1")) and snap

    snap = wait_until(both_up, timeout=15, what="both sides of the IKEv1 tunnel up")
    for tunnel_id in ("alibaba/vco-1", "aws/vpn-1/1"):
        status = snap.tunnels[tunnel_id]
        assert status.ike_established and status.ipsec_established and status.message == ""

    host_a, host_b = realizer.host_namespace("host-a"), realizer.host_namespace("host-b")
    assert ping(host_a, HOST_B), "host-a cannot reach host-b through the tunnel"
    assert ping(host_b, HOST_A), "host-b cannot reach host-a through the tunnel"
    table = realizer.status_table()
    assert "alibaba/vco-1" in table and "UP" in table


def test_reapply_of_the_same_topology_touches_nothing(realizer):
    topology = policy_ikev1_pair()
    realizer.apply(topology)
    pids = {key: rec.pid for key, rec in realizer.state.daemons.items()}
    hashes = {name: rec.config_hash for name, rec in realizer.state.namespaces.items()}
    realizer.apply(topology)
    assert {key: rec.pid for key, rec in realizer.state.daemons.items()} == pids
    assert {name: rec.config_hash for name, rec in realizer.state.namespaces.items()} == hashes


def test_a_changed_side_restarts_only_its_charon_and_the_tunnel_comes_back(realizer):
    realizer.apply(policy_ikev1_pair())
    poller = realizer.start_polling(interval=0.2)
    try:
        wait_until(lambda: realizer.latest().tunnels.get("aws/vpn-1/1") and realizer.latest().tunnels["aws/vpn-1/1"].up,
                   timeout=15, what="the background poller to report the tunnel up")
        before = {key: rec.pid for key, rec in realizer.state.daemons.items()}
        realizer.apply(policy_ikev1_pair(psk_b="alibaba-psk-1", proposals_b=("aes128-sha1-modp1024", "aes256-sha256-modp2048")))
        after = {key: rec.pid for key, rec in realizer.state.daemons.items()}
        changed = {key for key in before if before[key] != after[key]}
        assert len(changed) == 1 and realizer.names.gateway("cgw-b", "203.0.113.10") in changed.pop()
        # the initiator re-creates the SA when the restarted responder closed it (close_action start)
        wait_until(lambda: all(t.up for t in realizer.snapshot().tunnels.values()), timeout=15,
                   what="the tunnel back after the responder's restart")
    finally:
        poller.stop()
    assert poller.last_error is None
