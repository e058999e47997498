"""``python -m mci_lab up|down|status|serve|endpoints``: run the lab from a shell."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from mci_lab import lab


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m mci_lab", description="The multicloud.interconnect lab.")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (("up", "start the lab in the background (no-op when running)"),
                       ("serve", "run the lab in the foreground"),
                       ("down", "stop the lab and remove every namespace and daemon it started"),
                       ("status", "show endpoints, namespaces, daemons, tunnels and BGP sessions"),
                       ("endpoints", "print the endpoints as JSON"),
                       ("seed", "create a scenario's pre-existing networks and instances (idempotent)"),
                       ("cut", "drop all traffic between two public addresses (a peer that stops answering)"),
                       ("restore", "undo cut")):
        command = commands.add_parser(name, help=text)
        command.add_argument("--state-dir", type=Path, default=lab.DEFAULT_STATE_DIR)
        if name == "seed":
            command.add_argument("scenario")
        if name in ("cut", "restore"):
            command.add_argument("local", help="the outside address whose namespace drops the traffic")
            command.add_argument("remote", help="the peer address it stops hearing from")
        if name in ("up", "serve"):
            command.add_argument("--delays", choices=("instant", "realistic"), default="instant")
            command.add_argument("--time-scale", type=float, default=None,
                                 help="realistic delays are real-cloud seconds times this (default 0.01)")
            command.add_argument("--faults", default="none", help="fault profile: none, throttle, flaky")
            command.add_argument("--timers", choices=("fast", "cloud"), default="fast")
            command.add_argument("--prefix", default="mci-", help="namespace name prefix (must start with mci-)")
            command.add_argument("--dataplane", action=argparse.BooleanOptionalAction, default=True)
    return parser


def _options(args: argparse.Namespace) -> lab.LabOptions:
    if not args.prefix.startswith("mci-"):
        raise SystemExit("--prefix must start with mci-")
    return lab.LabOptions(state_dir=args.state_dir.resolve(), delays=args.delays, time_scale=args.time_scale,
                          faults=args.faults, dataplane=args.dataplane, timers=args.timers, prefix=args.prefix)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    state_dir = args.state_dir.resolve()
    if args.command == "up":
        started, endpoints = lab.up(_options(args))
        print(json.dumps({"started": started, "endpoints": endpoints}, indent=2, sort_keys=True))
    elif args.command == "serve":
        lab.serve(_options(args))
    elif args.command == "down":
        stopped = lab.down(state_dir)
        print(json.dumps({"stopped": stopped, "state_dir": str(state_dir)}))
    elif args.command == "status":
        print(lab.status(state_dir))
    elif args.command == "seed":
        from mci_lab import scenarios  # the SDKs load only when seeding

        seeded = scenarios.seed(args.scenario, state_dir, with_namespaces=lab.read_options(state_dir)["dataplane"])
        print(scenarios.to_json(seeded))
    elif args.command in ("cut", "restore"):
        from mci_lab.dataplane import impair

        change = impair.cut if args.command == "cut" else impair.restore
        namespace = change(lab.read_options(state_dir)["prefix"], args.local, args.remote)
        print(json.dumps({args.command: [args.local, args.remote], "namespace": namespace}))
    elif args.command == "endpoints":
        print(json.dumps(lab.read_endpoints(state_dir), indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
