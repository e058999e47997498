"""Benchmark of the AWS <-> Alibaba pattern on the lab: a script that measures, not a test.

For a first converge and a rerun of ``playbooks/aws_alibaba.yml`` it reports wall time and API
calls per cloud (mutating and read) from the lab's request log; on the ``realistic`` delay profile
also the ratio of wall time to the longest chain of provisioning delays the clouds impose. In the
same run it builds the AWS half with this collection's modules and with amazon.aws/community.aws
(from the community ``ansible`` package), first run and rerun, and prints both side by side.

    .venv/bin/python tests/benchmarks/aws_alibaba.py [--delays realistic --time-scale 0.01] [--no-dataplane]
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
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from mci_lab import lab, scenarios  # noqa: E402  (the repository root is put on sys.path first)
from mci_lab.collection import import_module_utils  # noqa: E402
from mci_lab.emulators.base import read_request_log  # noqa: E402

cloud_facts = import_module_utils("cloud_facts")
PLAYBOOK = REPO / "playbooks" / "aws_alibaba.yml"
HALVES = {"multicloud.interconnect": REPO / "tests/benchmarks/playbooks/aws_half_ours.yml",
          "amazon.aws + community.aws": REPO / "tests/benchmarks/playbooks/aws_half_amazon_aws.yml"}

# The pattern's longest chain: the Alibaba gateway (or the VGW and its attachment, whichever is
# longer) -> AWS customer gateway -> AWS VPN connection -> two Alibaba IPsec connections (the
# gateway takes one change at a time) -> the route entry.
CRITICAL_CHAIN = (("alibaba.vpn_gateway", "aws.vpn_gateway+aws.vpn_gateway_attachment"), ("aws.customer_gateway",),
                  ("aws.vpn_connection",), ("alibaba.vpn_connection",), ("alibaba.vpn_connection",), ("alibaba.route_entry",))


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


def chain_seconds(time_scale: float) -> float:
    def step_seconds(step: tuple[str, ...]) -> float:
        return max(sum(cloud_facts.PROVISIONING_SECONDS.get(part, 0.0) for part in option.split("+")) for option in step)
    return sum(step_seconds(step) for step in CRITICAL_CHAIN) * time_scale


def run_playbook(name: str, playbook: Path, state_dir: Path, extra: dict | None = None) -> Run:
    env = dict(os.environ, MCI_LAB_STATE_DIR=str(state_dir), ANSIBLE_COLLECTIONS_PATH=str(REPO / ".cache" / "collections"),
               PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}")
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


def bench_vpc(state_dir: Path, name: str, cidr: str) -> dict:
    """A VPC of its own for each AWS half (a VPC takes one virtual private gateway)."""
    seeded = scenarios.Seeded()
    ec2 = scenarios.aws_client(lab.read_endpoints(state_dir), "us-east-1")
    return scenarios.seed_aws_vpc(ec2, seeded, name, cidr, cidr.replace("/16", "/24"), cidr.replace("0.0/16", "0.10"))


def print_table(title: str, rows: list[Run]) -> None:
    print(f"\n{title}")
    print(f"{'run':<44} {'ok':<4} {'wall s':>7} {'aws mut':>8} {'aws read':>9} {'ali mut':>8} {'ali read':>9}")
    for run in rows:
        print(f"{run.name:<44} {'yes' if run.ok else 'NO':<4} {run.wall:>7.2f} {run.count('aws', 'mutating'):>8} "
              f"{run.count('aws', 'read'):>9} {run.count('alibaba', 'mutating'):>8} {run.count('alibaba', 'read'):>9}")
        if run.error:
            print(f"{'':<4}failure: {run.error}")
            # Whether the failing call ever reached the cloud, or the client refused it first.
            print(f"{'':<4}mutating calls that reached the clouds: {', '.join(run.mutations) or 'none'}")


def ratio(ours: float, theirs: float) -> str:
    return f"{ours / theirs:.2f}" if theirs else "n/a"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--delays", choices=("instant", "realistic"), default="instant")
    parser.add_argument("--time-scale", type=float, default=0.01)
    parser.add_argument("--dataplane", action=argparse.BooleanOptionalAction, default=os.geteuid() == 0)
    args = parser.parse_args()

    state_dir = Path(tempfile.mkdtemp(prefix="mci-bench-"))
    options = lab.LabOptions(state_dir=state_dir, delays=args.delays, time_scale=args.time_scale,
                             dataplane=args.dataplane, prefix=f"mci-bench{os.getpid()}-")
    lab.up(options)
    try:
        # The networks the pattern connects exist before it runs, as they would for a user.
        scenarios.seed("aws_alibaba", state_dir, with_namespaces=args.dataplane)
        pattern_extra = {} if args.dataplane else {"aws_alibaba_vpn_verify": False}
        first = run_playbook("aws_alibaba.yml first converge", PLAYBOOK, state_dir, pattern_extra)
        rerun = run_playbook("aws_alibaba.yml rerun", PLAYBOOK, state_dir, pattern_extra)
        print_table(f"Pattern (delays={args.delays}, time scale {args.time_scale if args.delays == 'realistic' else 0}, "
                    f"data plane {'on' if args.dataplane else 'off'})", [first, rerun])
        print(f"rerun mutating calls: {rerun.count(kind='mutating')} (must be 0)")
        if args.delays == "realistic":
            chain = chain_seconds(args.time_scale)
            print(f"longest provisioning chain: {chain:.2f} s; wall / chain = {first.wall / chain:.2f}")

        halves: dict[str, list[Run]] = {}
        for index, (who, playbook) in enumerate(HALVES.items()):
            vpc = bench_vpc(state_dir, f"mci-bench-{index}", f"10.{40 + index}.0.0/16")
            extra = {"name": f"mci-bench-{index}", "vpc_id": vpc["vpc_id"], "route_table_id": vpc["route_table_ids"][0],
                     "peer_ip": f"198.51.100.{240 + index}", "peer_cidr": "192.168.0.0/16",
                     "psks": ["benchKeyOne_1234", "benchKeyTwo_5678"]}
            halves[who] = [run_playbook(f"{who}: first run", playbook, state_dir, extra),
                           run_playbook(f"{who}: rerun", playbook, state_dir, extra)]
        vpc = bench_vpc(state_dir, "mci-bench-opts", "10.50.0.0/16")
        with_options = run_playbook("amazon.aws with inside CIDRs + PSKs", HALVES["amazon.aws + community.aws"], state_dir,
                                    {"name": "mci-bench-opts", "vpc_id": vpc["vpc_id"], "route_table_id": vpc["route_table_ids"][0],
                                     "peer_ip": "198.51.100.250", "peer_cidr": "192.168.0.0/16",
                                     "psks": ["benchKeyOne_1234", "benchKeyTwo_5678"], "with_tunnel_options": True})
        print_table("AWS half, side by side (same lab)", [run for runs in halves.values() for run in runs] + [with_options])
        ours, theirs = halves["multicloud.interconnect"], halves["amazon.aws + community.aws"]
        print("\nratios ours / amazon.aws (lower is better):")
        for label, index in (("first run", 0), ("rerun", 1)):
            print(f"  {label:<10} calls {ours[index].count('aws')}/{theirs[index].count('aws')} = "
                  f"{ratio(ours[index].count('aws'), theirs[index].count('aws'))}, "
                  f"wall {ours[index].wall:.2f}/{theirs[index].wall:.2f} s = {ratio(ours[index].wall, theirs[index].wall)}")
    finally:
        lab.down(state_dir)
        shutil.rmtree(state_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
