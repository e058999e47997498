"""Benchmark of the AWS / Azure / GCP BGP triangle on the lab: a script that measures, not a test.

For a first converge and a rerun of ``playbooks/aws_azure_gcp.yml`` it reports wall time and API
calls per cloud (mutating and read) from the lab's request log, and lists any mutating call of the
rerun (there must be none). On the ``realistic`` delay profile it also reports wall time divided
by the Azure gateway's provisioning time and by the role's longest chain of provisioning waits.

    .venv/bin/python tests/benchmarks/aws_azure_gcp.py [--delays realistic --time-scale 0.01] [--no-dataplane]
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter

from benchlib import REPO, Run, add_lab_arguments, chain_seconds, describe_lab, print_table, private_lab, run_playbook
from mci_lab import scenarios  # importable once benchlib has put the repository root on sys.path

PLAYBOOK = REPO / "playbooks" / "aws_azure_gcp.yml"
CLOUDS = ("aws", "azure", "gcp")

# Tunnel ends per cloud in the plan of playbooks/vars/aws_azure_gcp.yml (three links): AWS-Azure
# has 4 tunnels (two AWS VPN connections, one per Azure instance, two tunnels each), GCP-Azure 2
# (one per Azure instance), AWS-GCP 4 (two AWS VPN connections, one per GCP interface).
AZURE_TUNNELS = 6
AWS_GCP_TUNNELS = 4
GCP_AZURE_TUNNELS = 2


def serial(*parts: str) -> str:
    """Kinds provisioned one after another, as one alternative of a chain step."""
    return "+".join(parts)


# The Azure gateway: its public IPs (created together), then the gateway itself.
AZURE_GATEWAY = (("azure.public_ip",), ("azure.virtual_network_gateway",))
# What the role builds, one waited step after another, while Azure provisions its gateway: GCP HA VPN
# gateway and Cloud Router, the AWS VGW and its attachment, the GCP end of the AWS link, one Azure
# local network gateway per Azure tunnel end. The AWS customer gateways and VPN connections are not
# waited for (the peers need only the outside IPs, given at once); the VPN connections (396 s) are
# ready long before the Azure connections below are done.
BUILT_MEANWHILE = serial("gcp.vpn_gateway", "gcp.router", "aws.vpn_gateway", "aws.vpn_gateway_attachment",
                         "gcp.external_vpn_gateway", *["gcp.vpn_tunnel"] * AWS_GCP_TUNNELS, "gcp.router",
                         *["azure.local_network_gateway"] * AZURE_TUNNELS)
# The role's longest chain (roles/aws_azure_gcp_vpn/tasks): the Azure gateway's public IPs (waited
# for) -> the gateway (started, not waited for; its instances' public IPs are known at once), or what
# is built meanwhile if that were longer -> the Azure connections, one at a time and each waited for
# (the gateway takes one operation at a time) -> the GCP end of the Azure link, which the role writes
# after the Azure end, the end the keys are read back from.
CRITICAL_CHAIN = (("azure.public_ip",), ("azure.virtual_network_gateway", BUILT_MEANWHILE),
                  *[("azure.connection",)] * AZURE_TUNNELS,
                  ("gcp.external_vpn_gateway",), *[("gcp.vpn_tunnel",)] * GCP_AZURE_TUNNELS, ("gcp.router",))


def print_rerun_mutations(rerun: Run) -> None:
    print(f"rerun mutating calls: {rerun.count(kind='mutating')} (must be 0)")
    for operation, times in Counter(rerun.mutations).items():
        print(f"    {operation} x{times}")


def print_ratios(first: Run, time_scale: float) -> None:
    gateway = chain_seconds(AZURE_GATEWAY, time_scale)
    chain = chain_seconds(CRITICAL_CHAIN, time_scale)
    print(f"Azure gateway (public IP + gateway): {gateway:.2f} s; wall / gateway = {first.wall / gateway:.2f}")
    print(f"longest provisioning chain: {chain:.2f} s; wall / chain = {first.wall / chain:.2f}")
    print(f"    chain: public IP -> gateway -> {AZURE_TUNNELS} Azure connections -> GCP external gateway, "
          f"{GCP_AZURE_TUNNELS} tunnels, router")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    add_lab_arguments(parser)
    args = parser.parse_args()

    with private_lab(args) as options:
        # The networks the pattern connects exist before it runs, as they would for a user (the
        # playbook's lab role then finds them by name: reads only).
        scenarios.seed("aws_azure_gcp", options.state_dir, with_namespaces=args.dataplane)
        extra = {} if args.dataplane else {"aws_azure_gcp_vpn_verify": False}
        first = run_playbook("aws_azure_gcp.yml first converge", PLAYBOOK, options, extra)
        rerun = run_playbook("aws_azure_gcp.yml rerun", PLAYBOOK, options, extra)
        print_table(f"Pattern ({describe_lab(args)})", [first, rerun], CLOUDS)
        print_rerun_mutations(rerun)
        if args.delays == "realistic":
            print_ratios(first, args.time_scale)
    return 0


if __name__ == "__main__":
    sys.exit(main())
