"""A lab leaves nothing behind: not when it stops, not after its process was SIGKILLed.

Each test runs a lab of its own with a tunnel up (charons) and a process a role would start
(wireguard-go in an instance's namespace), then checks that no namespace with the lab's prefix,
no host interface named after it and none of its processes remain.
"""
from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from mci_lab import lab as lab_control
from mci_lab import scenarios
from mci_lab.dataplane import daemons
from mci_lab.dataplane.state import LabState
from mci_lab.lab import LabOptions
from tests.lab.common import alive, wait_until
from tests.lab.e2e.clouds import (
    AWS_REGION, StaticPair, StaticSite, alibaba_ipsec_config, aws_algorithms, aws_alibaba_static, aws_telemetry)
from tests.lab.e2e.support import (
    RunningLab, force_cleanup, lab_processes, leftovers, next_prefix, program_of, skip_reason, start_lab, stop_and_check)

pytestmark = pytest.mark.dataplane

CHARON, WIREGUARD_GO = Path(daemons.CHARON_BINARY).name, Path(daemons.WIREGUARD_GO_BINARY).name
SITE = StaticSite("mci-e2e-teardown", "172.80.64.0/19", "172.80.64.0/24", "172.80.64.10",
                  "192.168.0.0/16", "192.168.0.0/24", "192.168.0.10")


@pytest.fixture
def needs_root() -> None:
    reason = skip_reason()
    if reason:
        pytest.skip(reason)


def tunnel_up(endpoints: dict) -> StaticPair:
    """An AWS <-> Alibaba tunnel built through the SDKs, once AWS reports it UP."""
    pair = aws_alibaba_static(endpoints, SITE, aws_algorithms("ikev1", "AES128", "SHA1", 2),
                              {"version": "ikev1", "encryption": "aes", "integrity": "sha1", "group": "group2"},
                              alibaba_ipsec_config(), peered_tunnels=1)
    ec2 = scenarios.aws_client(endpoints, AWS_REGION)
    wait_until(lambda: aws_telemetry(ec2, pair.vpn["VpnConnectionId"])[0]["Status"] == "UP", 30, "tunnel 1 UP")
    return pair


def start_role_process(log_dir: Path, namespace: str, run_dir: Path) -> int:
    """wireguard-go in an instance's namespace, as a role would start it (never outside the lab)."""
    pid = daemons.start_wireguard_go(namespace, run_dir, "zt0", log_dir / "wireguard-go.log")
    daemons.wait_for_wireguard(namespace, run_dir, "zt0")
    return pid


def test_a_stopped_lab_leaves_no_namespace_interface_or_process(needs_root, tmp_path, loopback_only):
    running: RunningLab = start_lab(tmp_path / "state", next_prefix())
    problems: list[str] = []
    try:
        pair = tunnel_up(running.endpoints)
        model_id = pair.instances["aws"]
        running.extra_pids.add(start_role_process(tmp_path, running.host_namespace(model_id), running.host_run_dir(model_id)))
        programs = set(running.processes().values())
        assert {CHARON, WIREGUARD_GO} <= programs, programs
        assert len(running.namespaces()) >= 6, running.namespaces()
    finally:
        problems = stop_and_check(running)
    assert problems == [], problems


def test_lab_down_removes_everything_after_the_lab_process_was_killed(needs_root, tmp_path, loopback_only):
    state_dir, prefix = tmp_path / "state", next_prefix()
    options = LabOptions(state_dir=state_dir, delays="instant", faults="none", dataplane=True, timers="fast", prefix=prefix)
    processes: dict[int, str] = {}
    try:
        started, endpoints = lab_control.up(options)
        assert started
        lab_pid = lab_control.running_pid(state_dir)
        assert lab_pid is not None
        processes[lab_pid] = program_of(lab_pid)
        pair = tunnel_up(endpoints)
        host = LabState.load(state_dir / "dataplane" / "state.json").hosts[pair.instances["aws"]]
        wireguard = start_role_process(tmp_path, host["namespace"], Path(host["run_dir"]))
        processes.update(lab_processes(state_dir, prefix, {wireguard}))
        assert {CHARON, WIREGUARD_GO} <= set(processes.values()), processes

        os.kill(lab_pid, signal.SIGKILL)
        os.waitpid(lab_pid, 0)  # lab.up started it from this process: reap it as init would
        survivors = {pid: program for pid, program in processes.items() if pid != lab_pid}
        assert all(alive(pid) for pid in survivors), "the daemons outlive the killed lab process"
        assert lab_control.running_pid(state_dir) is None

        assert lab_control.down(state_dir) is False  # nothing was running; leftovers are removed anyway
        problems = leftovers(prefix, processes)
        assert problems == [], problems
        assert not (state_dir / "lab.pid").exists() and not (state_dir / "endpoints.json").exists()
    finally:
        if lab_control.running_pid(state_dir):
            lab_control.down(state_dir)
        force_cleanup(state_dir, prefix, processes)
