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
import sys
from pathlib import Path

from benchlib import REPO, Run, add_lab_arguments, chain_seconds, describe_lab, print_table, private_lab, run_playbook
from mci_lab import lab, scenarios  # importable once benchlib has put the repository root on sys.path

PLAYBOOK = REPO / "playbooks" / "aws_alibaba.yml"
HALVES = {"multicloud.interconnect": REPO / "tests/benchmarks/playbooks/aws_half_ours.yml",
          "amazon.aws + community.aws": REPO / "tests/benchmarks/playbooks/aws_half_amazon_aws.yml"}
CLOUDS = ("aws", "alibaba")

# The pattern's longest chain: the Alibaba gateway (or the VGW and its attachment, whichever is
# longer) -> AWS customer gateway -> AWS VPN connection -> two Alibaba IPsec connections (the
# gateway takes one change at a time) -> the route entry.
CRITICAL_CHAIN = (("alibaba.vpn_gateway", "aws.vpn_gateway+aws.vpn_gateway_attachment"), ("aws.customer_gateway",),
                  ("aws.vpn_connection",), ("alibaba.vpn_connection",), ("alibaba.vpn_connection",), ("alibaba.route_entry",))


def bench_vpc(state_dir: Path, name: str, cidr: str) -> dict:
    """A VPC of its own for each AWS half (a VPC takes one virtual private gateway)."""
    seeded = scenarios.Seeded()
    ec2 = scenarios.aws_client(lab.read_endpoints(state_dir), "us-east-1")
    return scenarios.seed_aws_vpc(ec2, seeded, name, cidr, cidr.replace("/16", "/24"), cidr.replace("0.0/16", "0.10"))


def ratio(ours: float, theirs: float) -> str:
    return f"{ours / theirs:.2f}" if theirs else "n/a"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    add_lab_arguments(parser)
    args = parser.parse_args()

    with private_lab(args) as options:
        state_dir = options.state_dir
        # The networks the pattern connects exist before it runs, as they would for a user.
        scenarios.seed("aws_alibaba", state_dir, with_namespaces=args.dataplane)
        pattern_extra = {} if args.dataplane else {"aws_alibaba_vpn_verify": False}
        first = run_playbook("aws_alibaba.yml first converge", PLAYBOOK, options, pattern_extra)
        rerun = run_playbook("aws_alibaba.yml rerun", PLAYBOOK, options, pattern_extra)
        print_table(f"Pattern ({describe_lab(args)})", [first, rerun], CLOUDS)
        print(f"rerun mutating calls: {rerun.count(kind='mutating')} (must be 0)")
        if args.delays == "realistic":
            chain = chain_seconds(CRITICAL_CHAIN, args.time_scale)
            print(f"longest provisioning chain: {chain:.2f} s; wall / chain = {first.wall / chain:.2f}")

        halves: dict[str, list[Run]] = {}
        for index, (who, playbook) in enumerate(HALVES.items()):
            vpc = bench_vpc(state_dir, f"mci-bench-{index}", f"10.{40 + index}.0.0/16")
            extra = {"name": f"mci-bench-{index}", "vpc_id": vpc["vpc_id"], "route_table_id": vpc["route_table_ids"][0],
                     "peer_ip": f"198.51.100.{240 + index}", "peer_cidr": "192.168.0.0/16",
                     "psks": ["benchKeyOne_1234", "benchKeyTwo_5678"]}
            halves[who] = [run_playbook(f"{who}: first run", playbook, options, extra),
                           run_playbook(f"{who}: rerun", playbook, options, extra)]
        vpc = bench_vpc(state_dir, "mci-bench-opts", "10.50.0.0/16")
        with_options = run_playbook("amazon.aws with inside CIDRs + PSKs", HALVES["amazon.aws + community.aws"], options,
                                    {"name": "mci-bench-opts", "vpc_id": vpc["vpc_id"], "route_table_id": vpc["route_table_ids"][0],
                                     "peer_ip": "198.51.100.250", "peer_cidr": "192.168.0.0/16",
                                     "psks": ["benchKeyOne_1234", "benchKeyTwo_5678"], "with_tunnel_options": True})
        print_table("AWS half, side by side (same lab)", [run for runs in halves.values() for run in runs] + [with_options], CLOUDS)
        ours, theirs = halves["multicloud.interconnect"], halves["amazon.aws + community.aws"]
        print("\nratios ours / amazon.aws (lower is better):")
        for label, index in (("first run", 0), ("rerun", 1)):
            print(f"  {label:<10} calls {ours[index].count('aws')}/{theirs[index].count('aws')} = "
                  f"{ratio(ours[index].count('aws'), theirs[index].count('aws'))}, "
                  f"wall {ours[index].wall:.2f}/{theirs[index].wall:.2f} s = {ratio(ours[index].wall, theirs[index].wall)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
