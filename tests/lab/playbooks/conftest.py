"""One lab per test for the playbook tests, and ansible-playbook run the way users run it.

Every test gets its own state dir and namespace prefix, so it never meets another lab on the
machine (a colleague's, or a parallel CI job's); the lab is always stopped, and anything left
under the prefix removed, even when the test fails. Playbooks run as a subprocess from the
repository root (its ansible.cfg and the lab inventory), with the JSON stdout callback so tests
read results instead of scraping text.
"""
from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest

from mci_lab import lab as lab_process
from mci_lab import scenarios
from mci_lab.dataplane import daemons, netns
from mci_lab.emulators.base import read_request_log
from tests.lab.common import dataplane_skip_reason

REPO = Path(__file__).resolve().parents[3]
VENV_BIN = Path(sys.executable).parent
PLAYBOOK_TIMEOUT = 600  # a safety net only: every wait inside a playbook has its own, shorter timeout
_LAB_COUNTER = itertools.count(1)


@dataclass
class PlaybookRun:
    """One ansible-playbook run, as the ansible.posix.json callback reported it."""

    command: list[str]
    returncode: int
    report: dict
    stderr: str
    started: float
    ended: float

    @property
    def wall(self) -> float:
        return self.ended - self.started

    def changed(self, host: str = "localhost") -> int:
        return self.report["stats"].get(host, {}).get("changed", 0)

    def results(self, task_name: str) -> dict[str, dict]:
        """Per host, the result of the last task whose name ends with ``task_name`` (role tasks carry a prefix)."""
        found: dict[str, dict] = {}
        for task in self._tasks():
            if task["task"]["name"].endswith(task_name):
                found = task["hosts"]
        if not found:
            raise AssertionError(f"no task {task_name!r} ran:\n{self.explain()}")
        return found

    def task_seconds(self, task_name: str) -> float:
        for task in self._tasks():
            if task["task"]["name"].endswith(task_name):
                duration = task["task"]["duration"]
                return (_timestamp(duration["end"]) - _timestamp(duration["start"])).total_seconds()
        raise AssertionError(f"no task {task_name!r} ran:\n{self.explain()}")

    def failed_tasks(self) -> list[tuple[str, str, dict]]:
        return [(task["task"]["name"], host, result) for task in self._tasks()
                for host, result in task["hosts"].items() if result.get("failed") or result.get("unreachable")]

    def explain(self) -> str:
        """What to print when an assertion about this run fails."""
        failures = [f"{name} [{host}]: {result.get('msg')}" for name, host, result in self.failed_tasks()]
        return f"$ {' '.join(self.command)}\nrc={self.returncode} stats={self.report.get('stats')}\n" + "\n".join(failures) \
            + (f"\nstderr: {self.stderr[-2000:]}" if self.stderr.strip() else "")

    def _tasks(self) -> Iterator[dict]:
        for play in self.report.get("plays", []):
            yield from play["tasks"]


def _timestamp(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@dataclass
class PlaybookLab:
    """A running lab with a scenario seeded, and ways to drive and inspect it."""

    state_dir: Path
    prefix: str
    seeded: scenarios.Seeded = field(default_factory=scenarios.Seeded)

    def env(self) -> dict[str, str]:
        return dict(os.environ, PATH=f"{VENV_BIN}:{os.environ.get('PATH', '')}",
                    ANSIBLE_COLLECTIONS_PATH=str(REPO / ".cache" / "collections"),
                    MCI_LAB_STATE_DIR=str(self.state_dir), MCI_LAB_PREFIX=self.prefix,
                    ANSIBLE_STDOUT_CALLBACK="ansible.posix.json", ANSIBLE_NOCOLOR="1")

    def run(self, playbook: str, extra_vars: dict | None = None, *args: str) -> PlaybookRun:
        """ansible-playbook PLAYBOOK -e JSON ARGS, from the repository root (ansible.cfg, lab inventory)."""
        command = [str(VENV_BIN / "ansible-playbook"), playbook, *(["-e", json.dumps(extra_vars)] if extra_vars else []), *args]
        started = time.time()
        done = subprocess.run(command, cwd=REPO, env=self.env(), capture_output=True, text=True,
                              timeout=PLAYBOOK_TIMEOUT, check=False)
        ended = time.time()
        try:
            report = json.loads(done.stdout)
        except json.JSONDecodeError as error:
            raise AssertionError(f"$ {' '.join(command)}\nrc={done.returncode}, no JSON report ({error}):\n"
                                 f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}") from error
        return PlaybookRun(command, done.returncode, report, done.stderr, started, ended)

    def endpoints(self) -> dict[str, str]:
        return lab_process.read_endpoints(self.state_dir)

    def requests_between(self, started: float, ended: float) -> list[dict]:
        """The lab's request log (one entry per API call) for one window of time."""
        return [entry for entry in read_request_log(self.state_dir / "requests.jsonl", since=started) if entry["ts"] <= ended]

    def cli(self, *args: str) -> dict:
        """``python -m mci_lab ARGS --state-dir DIR``, as an operator types it; its JSON answer."""
        done = subprocess.run([sys.executable, "-m", "mci_lab", *args, "--state-dir", str(self.state_dir)], cwd=REPO,
                              capture_output=True, text=True, timeout=60, check=True)
        return json.loads(done.stdout)


def _running_lab(tmp_path: Path, scenario: str) -> Iterator[PlaybookLab]:
    """A lab of its own (fast timers, instant delays) with one scenario's networks; always stopped."""
    reason = dataplane_skip_reason()
    if reason:
        pytest.skip(reason)
    prefix = f"mci-pb{os.getpid()}-{next(_LAB_COUNTER)}-"
    state_dir = tmp_path / "lab"
    try:
        lab_process.up(lab_process.LabOptions(state_dir=state_dir, prefix=prefix, timers="fast"))
        # The networks exist before the pattern runs, as a user's would; the playbook's lab role finds them again.
        seeded = scenarios.seed(scenario, state_dir, with_namespaces=True)
        yield PlaybookLab(state_dir, prefix, seeded)
    finally:
        try:
            lab_process.down(state_dir)
        finally:
            _remove_leftovers(prefix)


@pytest.fixture
def playbook_lab(tmp_path: Path) -> Iterator[PlaybookLab]:
    """A lab with the networks of the AWS <-> Alibaba pattern."""
    yield from _running_lab(tmp_path, "aws_alibaba")


@pytest.fixture
def triangle_lab(tmp_path: Path) -> Iterator[PlaybookLab]:
    """A lab with the networks of the AWS / Azure / GCP triangle (seed post 002)."""
    yield from _running_lab(tmp_path, "aws_azure_gcp")


def _remove_leftovers(prefix: str) -> None:
    """Last resort if ``down`` failed: this lab's prefix only, its processes by PID."""
    for name in netns.list_namespaces(prefix):
        daemons.kill_namespace_processes(name)
        netns.delete_namespace(name)
