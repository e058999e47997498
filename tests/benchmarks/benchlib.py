"""What the pattern benchmarks share: a lab of their own, a timed playbook run with the API calls it
made (from the lab's request log), the length of a chain of provisioning delays, and the table.

A chain is a sequence of steps; a step is one or more alternatives that run at the same time (the
longest counts); an alternative is resource kinds of ``cloud_facts.PROVISIONING_SECONDS`` joined
by ``+``, provisioned one after another.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Sequence

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from mci_lab import lab  # noqa: E402  (the repository root is put on sys.path first)
from mci_lab.collection import import_module_utils  # noqa: E402
from mci_lab.emulators.base import read_request_log  # noqa: E402

cloud_facts = import_module_utils("cloud_facts")

Chain = Sequence[Sequence[str]]
# Column headings stay narrow for clouds with long names.
CLOUD_LABELS = {"alibaba": "ali", "digitalocean": "do"}


@dataclass
class Run:
    name: str
    wall: float
    ok: bool
    calls: Counter = field(default_factory=Counter)  # (cloud, "mutating"|"read") -> count
    error: str = ""
    mutations: list[str] = field(default_factory=list)  # mutating operations that reached the clouds, in order

    def count(self, cloud: str | None = None, kind: str | None = None) -> int:
        return sum(n for (c, k), n in self.calls.items() if (cloud is None or c == cloud) and (kind is None or k == kind))


def add_lab_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--delays", choices=("instant", "realistic"), default="instant")
    parser.add_argument("--time-scale", type=float, default=0.01)
    parser.add_argument("--dataplane", action=argparse.BooleanOptionalAction, default=os.geteuid() == 0)


def describe_lab(args: argparse.Namespace) -> str:
    scale = args.time_scale if args.delays == "realistic" else 0
    return f"delays={args.delays}, time scale {scale}, data plane {'on' if args.dataplane else 'off'}"


@contextmanager
def private_lab(args: argparse.Namespace) -> Iterator[lab.LabOptions]:
    """A lab of the benchmark's own (fresh state directory, namespace prefix with this process's id,
    so it never meets another lab on the machine), always stopped and removed afterwards."""
    state_dir = Path(tempfile.mkdtemp(prefix="mci-bench-"))
    options = lab.LabOptions(state_dir=state_dir, delays=args.delays, time_scale=args.time_scale,
                             dataplane=args.dataplane, prefix=f"mci-bench{os.getpid()}-")
    try:
        lab.up(options)
        yield options
    finally:
        lab.down(state_dir)
        shutil.rmtree(state_dir, ignore_errors=True)


def chain_seconds(chain: Chain, time_scale: float) -> float:
    def step_seconds(step: Sequence[str]) -> float:
        return max(sum(cloud_facts.PROVISIONING_SECONDS.get(part, 0.0) for part in option.split("+")) for option in step)
    return sum(step_seconds(step) for step in chain) * time_scale


def run_playbook(name: str, playbook: Path, options: lab.LabOptions, extra: dict | None = None) -> Run:
    """Run a playbook against the given lab (the lab role reuses it: same state directory and prefix)."""
    state_dir = options.state_dir
    env = dict(os.environ, MCI_LAB_STATE_DIR=str(state_dir), MCI_LAB_PREFIX=options.prefix,
               ANSIBLE_COLLECTIONS_PATH=str(REPO / ".cache" / "collections"), PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}")
    command = ["ansible-playbook", str(playbook)] + (["-e", json.dumps(extra)] if extra else [])
    started = time.time()
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, check=False)
    ended = time.time()
    entries = [e for e in read_request_log(state_dir / "requests.jsonl", since=started) if e["ts"] <= ended]
    calls = Counter((e["cloud"], "mutating" if e["mutating"] else "read") for e in entries)
    error = "" if done.returncode == 0 else _first_failure(done.stdout + done.stderr)
    mutations = [f"{e['cloud']}:{e['operation']}" for e in entries if e["mutating"]]
    return Run(name, ended - started, done.returncode == 0, calls, error, mutations)


def _first_failure(output: str) -> str:
    for line in output.splitlines():
        if "msg:" in line or "FAILED!" in line or "ERROR" in line:
            return line.strip()[:200]
    return output.strip().splitlines()[-1][:200] if output.strip() else "failed"


def print_table(title: str, rows: list[Run], clouds: Sequence[str]) -> None:
    headings = [f"{CLOUD_LABELS.get(cloud, cloud)} {kind}" for cloud in clouds for kind in ("mut", "read")]
    print(f"\n{title}")
    print(f"{'run':<44} {'ok':<4} {'wall s':>7} " + " ".join(f"{heading:>{len(heading) + 1}}" for heading in headings))
    for run in rows:
        counts = [run.count(cloud, kind) for cloud in clouds for kind in ("mutating", "read")]
        print(f"{run.name:<44} {'yes' if run.ok else 'NO':<4} {run.wall:>7.2f} "
              + " ".join(f"{count:>{len(heading) + 1}}" for count, heading in zip(counts, headings)))
        if run.error:
            print(f"{'':<4}failure: {run.error}")
            # Whether the failing call ever reached the cloud, or the client refused it first.
            print(f"{'':<4}mutating calls that reached the clouds: {', '.join(run.mutations) or 'none'}")
