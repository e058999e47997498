"""The lab process: every emulator on 127.0.0.1 plus the realizer, started and stopped as one.

``up`` starts ``serve`` in the background and waits for its endpoints file; ``serve`` runs in the
foreground until SIGTERM; ``down`` stops it by PID and removes whatever the data plane left,
from the state on disk, even after a crash.
"""
from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from mci_lab import emulators
from mci_lab.collection import REPO_ROOT
from mci_lab.dataplane.model import StatusSnapshot, Topology
from mci_lab.emulators.base import LabContext, RunningEmulator, serve as serve_emulator, stop as stop_emulator
from mci_lab.profiles import delay_profile, fault_profile

LOG = logging.getLogger("mci_lab")
DEFAULT_STATE_DIR = REPO_ROOT / ".lab"
ENDPOINTS_FILE = "endpoints.json"
OPTIONS_FILE = "lab.json"
PID_FILE = "lab.pid"
STATUS_FILE = "status.txt"
RECONCILE_INTERVAL = 1.0
STATUS_POLL_INTERVAL = 1.0


@dataclass(frozen=True)
class LabOptions:
    """How one lab runs; the CLI flags map one to one."""

    state_dir: Path = DEFAULT_STATE_DIR
    delays: str = "instant"
    time_scale: float | None = None
    faults: str = "none"
    dataplane: bool = True
    timers: str = "fast"
    prefix: str = "mci-"

    def to_args(self) -> list[str]:
        args = ["--state-dir", str(self.state_dir), "--delays", self.delays, "--faults", self.faults,
                "--timers", self.timers, "--prefix", self.prefix]
        if self.time_scale is not None:
            args += ["--time-scale", str(self.time_scale)]
        args.append("--dataplane" if self.dataplane else "--no-dataplane")
        return args


# --------------------------------------------------------------------------- the lab process


class ApiOnly:
    """Status source when the data plane is off: nothing is up."""

    def snapshot(self) -> StatusSnapshot:
        return StatusSnapshot()


class PolledStatus:
    """What emulators read: the daemons' state as the realizer's poller last saw it.

    Reading every daemon takes a fraction of a second, so API calls never wait for it (nor for
    an apply in progress); the poller refreshes it every second.
    """

    def __init__(self, realizer) -> None:
        self.realizer = realizer

    def snapshot(self) -> StatusSnapshot:
        return self.realizer.latest()


def merge_topologies(parts: list[Topology]) -> Topology:
    """One topology from every emulator's model."""
    return Topology(
        networks=tuple(n for part in parts for n in part.networks),
        hosts=tuple(h for part in parts for h in part.hosts),
        gateways=tuple(g for part in parts for g in part.gateways),
        nat_gateways=tuple(n for part in parts for n in part.nat_gateways),
        transit_gateways=tuple(t for part in parts for t in part.transit_gateways),
    )


class Lab:
    """Emulators + realizer in one process."""

    def __init__(self, options: LabOptions) -> None:
        self.options = options
        options.state_dir.mkdir(parents=True, exist_ok=True)
        self.realizer = self._make_realizer() if options.dataplane else None
        self.poller = self.realizer.start_polling(STATUS_POLL_INTERVAL) if self.realizer else None
        self.ctx = LabContext(
            state_dir=options.state_dir,
            delays=delay_profile(options.delays, options.time_scale),
            faults=fault_profile(options.faults),
            status=PolledStatus(self.realizer) if self.realizer else ApiOnly(),
        )
        self.running: dict[str, RunningEmulator] = {}
        self._stop = threading.Event()

    def _make_realizer(self):
        from mci_lab.dataplane.realizer import Realizer  # needs root and the daemons: only when asked for

        return Realizer(self.options.state_dir, prefix=self.options.prefix, timers=self.options.timers)

    def start(self) -> dict[str, str]:
        for cloud in emulators.CLOUDS:
            self.running[cloud] = serve_emulator(emulators.build(cloud, self.ctx), self.ctx)
        endpoints = {cloud: item.endpoint for cloud, item in self.running.items()}
        options = {"prefix": self.options.prefix, "dataplane": self.options.dataplane, "delays": self.options.delays,
                   "faults": self.options.faults, "timers": self.options.timers}
        _write_json(self.options.state_dir / OPTIONS_FILE, options)
        _write_json(self.options.state_dir / ENDPOINTS_FILE, endpoints)
        return endpoints

    def topology(self) -> Topology:
        return merge_topologies([item.emulator.dataplane_model() for item in self.running.values()])

    def reconcile_forever(self) -> None:
        """Apply the emulators' model whenever they change, and refresh the status file."""
        last_applied: Topology | None = None
        while not self._stop.is_set():
            self.ctx.changed.wait(RECONCILE_INTERVAL)
            self.ctx.changed.clear()
            if self.realizer is None:
                continue
            topology = self.topology()
            if topology != last_applied:
                try:
                    self.realizer.apply(topology)
                    last_applied = topology
                except Exception:  # pylint: disable=broad-exception-caught  # keep serving; the next change retries
                    LOG.exception("applying the data plane failed; retrying on the next change")
                    self.ctx.changed.set()
                    self._stop.wait(RECONCILE_INTERVAL)
            self.realizer.refresh_routes()
            # The poller reads every daemon each STATUS_POLL_INTERVAL; its read is fresh enough here.
            status = self.realizer.status_table(max_age=2 * STATUS_POLL_INTERVAL)
            (self.options.state_dir / STATUS_FILE).write_text(status, encoding="utf-8")

    def stop(self) -> None:
        self._stop.set()
        for item in self.running.values():
            stop_emulator(item)
        if self.poller is not None:
            self.poller.stop()
        if self.realizer is not None:
            self.realizer.teardown()


def serve(options: LabOptions) -> None:
    """Run the lab in the foreground until SIGTERM or SIGINT."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    lab = Lab(options)
    signal.signal(signal.SIGTERM, lambda *_: lab._stop.set())
    signal.signal(signal.SIGINT, lambda *_: lab._stop.set())
    try:
        lab.start()
        (options.state_dir / PID_FILE).write_text(str(os.getpid()), encoding="utf-8")
        lab.reconcile_forever()
    finally:
        lab.stop()
        for name in (PID_FILE, ENDPOINTS_FILE):
            (options.state_dir / name).unlink(missing_ok=True)


# --------------------------------------------------------------------------- control


def running_pid(state_dir: Path) -> int | None:
    """PID of a live lab process for this state dir, or None."""
    try:
        pid = int((state_dir / PID_FILE).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    return pid


def up(options: LabOptions, timeout: float = 60.0) -> tuple[bool, dict[str, str]]:
    """Start the lab in the background (no-op when it already runs): (started, endpoints)."""
    state_dir = options.state_dir
    if running_pid(state_dir):
        return False, read_endpoints(state_dir)
    state_dir.mkdir(parents=True, exist_ok=True)
    (state_dir / ENDPOINTS_FILE).unlink(missing_ok=True)
    log = (state_dir / "lab.log").open("ab")
    process = subprocess.Popen(  # pylint: disable=consider-using-with
        [sys.executable, "-m", "mci_lab", "serve", *options.to_args()],
        cwd=str(REPO_ROOT), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (state_dir / PID_FILE).exists() and (state_dir / ENDPOINTS_FILE).exists():
            return True, read_endpoints(state_dir)
        if process.poll() is not None:
            raise RuntimeError(f"the lab exited with {process.returncode}; see {state_dir / 'lab.log'}")
        time.sleep(0.1)
    raise RuntimeError(f"the lab did not start within {timeout:g}s; see {state_dir / 'lab.log'}")


def down(state_dir: Path, timeout: float = 30.0) -> bool:
    """Stop the lab by PID, then remove anything the data plane left behind; True if it ran."""
    pid = running_pid(state_dir)
    if pid:
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while running_pid(state_dir) and time.monotonic() < deadline:
            time.sleep(0.1)
        if running_pid(state_dir):
            os.kill(pid, signal.SIGKILL)
    remove_leftovers(state_dir)
    for name in (PID_FILE, ENDPOINTS_FILE, STATUS_FILE):
        (state_dir / name).unlink(missing_ok=True)
    return pid is not None


def remove_leftovers(state_dir: Path) -> None:
    """Namespaces and daemons recorded on disk, gone even if the lab process crashed."""
    from mci_lab.dataplane.realizer import teardown_from_state

    teardown_from_state(state_dir)


def read_endpoints(state_dir: Path) -> dict[str, str]:
    return json.loads((state_dir / ENDPOINTS_FILE).read_text(encoding="utf-8"))


def read_options(state_dir: Path) -> dict:
    """How the running lab was started (prefix, data plane on or off, profiles)."""
    return json.loads((state_dir / OPTIONS_FILE).read_text(encoding="utf-8"))


def status(state_dir: Path) -> str:
    """A readable summary: process, endpoints, and the data plane's table."""
    pid = running_pid(state_dir)
    if not pid:
        return f"lab: not running (state dir {state_dir})"
    lines = [f"lab: running, pid {pid}, state dir {state_dir}"]
    lines += [f"  {cloud:<13} {endpoint}" for cloud, endpoint in read_endpoints(state_dir).items()]
    status_file = state_dir / STATUS_FILE
    if status_file.exists():
        lines += ["", status_file.read_text(encoding="utf-8")]
    return "\n".join(lines)


def _write_json(path: Path, data: dict) -> None:
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(data, indent=2, sort_keys=True), encoding="utf-8")
    temporary.replace(path)
