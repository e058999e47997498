"""Teardown leaves nothing behind: not after a clean stop, not after the lab process crashed."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest
from dataplane_topologies import bgp_ecmp_pair, policy_ikev1_pair

from mci_lab.collection import REPO_ROOT
from mci_lab.dataplane import Realizer, netns, teardown_from_state
from mci_lab.dataplane.model import Topology
from mci_lab.dataplane.state import LabState
from tests.lab.common import alive, dataplane_skip_reason, wait_until

pytestmark = pytest.mark.dataplane


def _recorded_pids(state_dir) -> list[int]:
    state = LabState.load(state_dir / "dataplane" / "state.json")
    assert state is not None
    return [record.pid for record in state.daemons.values()]


def _assert_nothing_left(prefix: str, pids: list[int]) -> None:
    assert netns.list_namespaces(prefix) == []
    links = netns.run(["ip", "-o", "link"]).stdout
    assert prefix not in links
    assert [pid for pid in pids if alive(pid)] == []


def test_teardown_removes_namespaces_and_daemons(realizer, lab_prefix, tmp_path):
    realizer.apply(bgp_ecmp_pair())
    pids = _recorded_pids(tmp_path / "state")
    assert len(pids) == 9  # 4 charons, 3 gateway BIRDs, 2 router BIRDs
    assert len(netns.list_namespaces(lab_prefix)) == 8
    realizer.teardown()
    _assert_nothing_left(lab_prefix, pids)
    realizer.teardown()  # a second teardown is a no-op


def test_teardown_from_state_after_the_realizer_was_dropped(realizer, lab_prefix, tmp_path):
    state_dir = tmp_path / "state"
    orphan = Realizer(state_dir, prefix=lab_prefix)
    orphan.apply(policy_ikev1_pair())
    pids = _recorded_pids(state_dir)
    del orphan  # no teardown: the daemons and namespaces stay
    assert all(alive(pid) for pid in pids)
    teardown_from_state(state_dir)
    _assert_nothing_left(lab_prefix, pids)


def test_teardown_from_state_after_the_lab_process_was_killed(lab_prefix, tmp_path):
    reason = dataplane_skip_reason()
    if reason:
        pytest.skip(reason)
    state_dir = tmp_path / "state"
    script = textwrap.dedent(f"""
        import sys, time
        sys.path[:0] = [{str(REPO_ROOT)!r}, {str(REPO_ROOT / 'tests/lab/dataplane')!r}]
        from dataplane_topologies import policy_ikev1_pair
        from mci_lab.dataplane import Realizer
        Realizer({str(state_dir)!r}, prefix={lab_prefix!r}).apply(policy_ikev1_pair())
        print("ready", flush=True)
        time.sleep(60)
    """)
    lab = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert lab.stdout is not None and lab.stdout.readline().strip() == "ready"
        os.kill(lab.pid, signal.SIGKILL)
        lab.wait(timeout=5)
        pids = _recorded_pids(state_dir)
        assert len(pids) == 2 and all(alive(pid) for pid in pids), "the daemons outlive the lab process"
        teardown_from_state(state_dir)
        wait_until(lambda: not any(alive(pid) for pid in pids), timeout=5, what="daemons gone")
        _assert_nothing_left(lab_prefix, pids)
    finally:
        if lab.poll() is None:
            lab.kill()
            lab.wait()
        teardown_from_state(state_dir)


def test_resources_removed_from_the_topology_are_torn_down(realizer, lab_prefix, tmp_path):
    realizer.apply(bgp_ecmp_pair())
    pids = _recorded_pids(tmp_path / "state")
    realizer.apply(policy_ikev1_pair())  # same networks and hosts, other gateways
    kept = set(netns.list_namespaces(lab_prefix))
    assert {realizer.host_namespace("host-a"), realizer.host_namespace("host-b")} <= kept
    assert not any("-g-vgw-b-" in name or "-g-cgw-a-" in name for name in kept)
    assert [pid for pid in pids if alive(pid)] == []
    realizer.apply(Topology())
    _assert_nothing_left(lab_prefix, _recorded_pids(tmp_path / "state"))
