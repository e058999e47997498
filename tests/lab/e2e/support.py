"""What the end-to-end tests share: a whole lab in this process, a steady ping stream, and the
check that a stopped lab left nothing behind (waiting and single pings are in tests/lab/common.py).

The tests talk to the clouds only through their official SDKs and read only what the APIs
report; the realizer is used for nothing but finding an instance's namespace (where a user would
log in) and the lab's own namespaces (for the teardown check).
"""
from __future__ import annotations

import os
import re
import string
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from mci_lab.dataplane import daemons, netns, teardown_from_state
from mci_lab.dataplane.state import LabState
from mci_lab.lab import Lab, LabOptions
from tests.lab.common import dataplane_skip_reason, wait_until

REQUIRED_TOOLS = ("ping", "iptables", "nsenter", "unshare")
# One letter per lab of this pytest process: "mci-e<pid>a-" is never a prefix of another lab's.
_LAB_LETTERS = iter(string.ascii_lowercase)


def skip_reason() -> str | None:
    """Why this machine cannot run the end-to-end tests, or None."""
    return dataplane_skip_reason(REQUIRED_TOOLS)


def next_prefix() -> str:
    return f"mci-e{os.getpid()}{next(_LAB_LETTERS)}-"


# --------------------------------------------------------------------------- pings


@dataclass
class PingStream:
    """A steady ping (every ``interval`` s) running while a test breaks and mends things."""

    namespace: str
    address: str
    count: int
    interval: float = 0.1
    process: subprocess.Popen | None = None

    def __enter__(self) -> "PingStream":
        if not self.namespace.startswith("mci-"):
            raise ValueError(f"refusing to ping from outside a lab namespace ({self.namespace!r})")
        self.process = subprocess.Popen(
            ["nsenter", f"--net=/run/netns/{self.namespace}", "ping", "-n", "-i", str(self.interval), "-c",
             str(self.count), "-W", "1", self.address], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def answered(self, timeout: float) -> set[int]:
        """Sequence numbers answered, once ping has sent all ``count`` echoes."""
        assert self.process is not None
        output = self.process.communicate(timeout=timeout)[0]
        return {int(m.group(1)) for m in re.finditer(r"icmp_seq=(\d+) ttl=", output)}


def longest_gap(answered: set[int], count: int) -> int:
    """The longest run of unanswered sequence numbers in 1..count."""
    longest = current = 0
    for seq in range(1, count + 1):
        current = 0 if seq in answered else current + 1
        longest = max(longest, current)
    return longest


# --------------------------------------------------------------------------- the lab


@dataclass
class RunningLab:
    """Every emulator and the realizer in this process, reconciling in a thread."""

    lab: Lab
    prefix: str
    state_dir: Path
    endpoints: dict[str, str]
    thread: threading.Thread
    extra_pids: set[int] = field(default_factory=set)

    @property
    def realizer(self):
        return self.lab.realizer

    def host_namespace(self, model_id: str, timeout: float = 60.0) -> str:
        """The namespace of an instance, once the data plane has built it."""
        return wait_until(lambda: self.realizer.state.hosts.get(model_id, {}).get("namespace"), timeout,
                          f"the data plane to build instance {model_id}")

    def host_run_dir(self, model_id: str) -> Path:
        return self.realizer.host_run_dir(model_id)

    def namespaces(self) -> list[str]:
        return netns.list_namespaces(self.prefix)

    def processes(self) -> dict[int, str]:
        return lab_processes(self.state_dir, self.prefix, self.extra_pids)

    def stop(self) -> None:
        # Stop the reconcile loop first: an apply after teardown would rebuild the lab.
        self.lab._stop.set()  # pylint: disable=protected-access  # serve() stops it the same way
        self.thread.join(timeout=60)
        self.lab.stop()


def lab_processes(state_dir: Path, prefix: str, extra_pids: Iterable[int] = ()) -> dict[int, str]:
    """Every live process of a lab (PID -> program): the daemons its state records and whatever
    runs inside its namespaces (wireguard-go a test started, for instance)."""
    pids = set(extra_pids)
    state = LabState.load(state_dir / "dataplane" / "state.json")
    if state is not None:
        pids |= {record.pid for record in state.daemons.values()}
    for namespace in netns.list_namespaces(prefix):
        pids |= set(netns.namespace_pids(namespace))
    return {pid: program for pid in pids if (program := program_of(pid))}


def start_lab(state_dir: Path, prefix: str) -> RunningLab:
    lab = Lab(LabOptions(state_dir=state_dir, delays="instant", faults="none", dataplane=True, timers="fast",
                         prefix=prefix))
    try:
        endpoints = lab.start()
    except BaseException:
        lab.stop()
        raise
    thread = threading.Thread(target=lab.reconcile_forever, name=f"{prefix}reconcile", daemon=True)
    thread.start()
    return RunningLab(lab, prefix, state_dir, endpoints, thread)


def program_of(pid: int) -> str:
    """The program a live process runs ("" when it is gone), so a later check can tell a
    recycled PID from ours (daemons.is_running compares it with the command line)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            words = [w.decode(errors="replace") for w in f.read().split(b"\0") if w]
    except FileNotFoundError:
        return ""
    return os.path.basename(words[0]) if words else ""


def leftovers(prefix: str, processes: dict[int, str]) -> list[str]:
    """What a stopped lab left behind: namespaces, interfaces named after it, live processes."""
    problems = [f"namespace {name}" for name in netns.list_namespaces(prefix)]
    links = netns.run(["ip", "-o", "link"]).stdout
    problems += [f"host interface: {line.strip()}" for line in links.splitlines() if prefix in line]
    problems += [f"process {pid} ({program}) still alive" for pid, program in sorted(processes.items())
                 if daemons.is_running(pid, program)]
    return problems


def force_cleanup(state_dir: Path, prefix: str, processes: dict[int, str]) -> None:
    """Last resort after a failed teardown: our state, our prefix, our PIDs, nothing else."""
    teardown_from_state(state_dir)
    for name in netns.list_namespaces(prefix):
        daemons.kill_namespace_processes(name)
        netns.delete_namespace(name)
    daemons.stop_many(list(processes.items()))  # each only if it still runs the same program


def stop_and_check(running: RunningLab) -> list[str]:
    """Stop the lab and report (after cleaning it up regardless) whatever it left behind."""
    pids: dict[int, str] = {}
    try:
        pids = running.processes()
        running.stop()
    finally:
        problems = leftovers(running.prefix, pids)
        if problems:
            force_cleanup(running.state_dir, running.prefix, pids)
    return problems
