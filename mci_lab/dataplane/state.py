"""``<state_dir>/dataplane/state.json``: what the realizer created, written on every change.

It is the crash-safety net: ``teardown_from_state`` reads it in a fresh process and removes every
recorded namespace and daemon (by PID) even when the lab process died without cleaning up.
A namespace is recorded *before* it is created and a daemon right after it is spawned; the
bookkeeping around them (configuration hashes, links) is written at the end of each reconcile
step, since losing it only makes the next apply redo that work.
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

STATE_VERSION = 1


@dataclass
class DaemonRecord:
    kind: str  # "charon" | "bird"
    namespace: str
    pid: int
    binary: str
    config_hash: str
    directory: str
    log_path: str
    socket: str
    log_offset: int = 0
    tun: str = ""  # charon: the ipsecN device this run created
    started_at: float = 0.0


@dataclass
class NamespaceRecord:
    role: str
    owner: str
    config_hash: str = ""  # "" until addresses, sysctls and rules are applied
    routes_hash: str = ""


@dataclass
class LabState:
    prefix: str
    timers: str
    namespaces: dict[str, NamespaceRecord] = field(default_factory=dict)
    veths: dict[str, dict[str, str]] = field(default_factory=dict)  # "ns/ifname" -> {"hash", "peer_ns"}
    daemons: dict[str, DaemonRecord] = field(default_factory=dict)
    transit: dict[str, int] = field(default_factory=dict)
    hosts: dict[str, dict[str, str]] = field(default_factory=dict)  # host id -> namespace, run_dir
    socket_dir: str = ""

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"version": STATE_VERSION, **asdict(self)}
        tmp = path.with_suffix(".json.tmp")
        # Atomic replace, no fsync: the file must survive the lab process, not the machine (a
        # reboot takes the namespaces and daemons with it), and fsync cost 10+ ms per change.
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> "LabState | None":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        if data.get("version") != STATE_VERSION:
            raise ValueError(f"{path}: unknown state version {data.get('version')!r}")
        return cls(
            prefix=data["prefix"],
            timers=data["timers"],
            namespaces={k: NamespaceRecord(**v) for k, v in data.get("namespaces", {}).items()},
            veths=dict(data.get("veths", {})),
            daemons={k: DaemonRecord(**v) for k, v in data.get("daemons", {}).items()},
            transit={k: int(v) for k, v in data.get("transit", {}).items()},
            hosts=dict(data.get("hosts", {})),
            socket_dir=data.get("socket_dir", ""),
        )
