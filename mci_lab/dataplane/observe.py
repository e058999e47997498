"""One status read over every daemon: ``swanctl --list-sas``, ``birdc show ...`` and charon logs.

The reads run in a small thread pool (they are separate processes waiting on sockets), so a
snapshot of a large lab stays well under a second per few dozen daemons.
"""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import daemons, netns
from .model import BgpStatus, StatusSnapshot, TunnelStatus
from .plan import Plan, TunnelPlacement
from .state import DaemonRecord, LabState
from .status import (
    BirdProtocol, CharonLogWatcher, bgp_state_name, parse_bird_protocols, parse_bird_routes, parse_swanctl_raw,
    sa_state,
)

READ_WORKERS = 8


@dataclass
class Observer:
    """Keeps the per-charon log watchers between snapshots (they read logs incrementally)."""

    watchers: dict[str, tuple[int, CharonLogWatcher]] = field(default_factory=dict)

    def forget(self) -> None:
        self.watchers.clear()

    def observe(self, state: LabState, plan: Plan, previous: StatusSnapshot) -> StatusSnapshot:
        charons = {k: r for k, r in state.daemons.items() if r.kind == "charon"}
        birds = {k: state.daemons[k] for k, spec in plan.birds.items() if spec.role == "gateway" and k in state.daemons}
        with ThreadPoolExecutor(max_workers=READ_WORKERS) as pool:
            sa_reads = {k: pool.submit(_read_sas, r) for k, r in charons.items()}
            bird_reads = {k: pool.submit(_read_bird, r) for k, r in birds.items()}
            sas = {k: f.result() for k, f in sa_reads.items()}
            bird = {k: f.result() for k, f in bird_reads.items()}
        for key, record in charons.items():
            self._watcher(key, record, plan).poll()
        snapshot = StatusSnapshot()
        self._tunnels(snapshot, state, plan, sas, previous)
        self._bgp(snapshot, state, plan, bird)
        return snapshot

    def _watcher(self, key: str, record: DaemonRecord, plan: Plan) -> CharonLogWatcher:
        known = self.watchers.get(key)
        if known is not None and known[0] == record.pid:
            return known[1]
        peers = {p.conn_name: p.tunnel.remote_address for p in plan.tunnels.values() if p.charon_key == key}
        watcher = CharonLogWatcher(Path(record.log_path), record.log_offset, peers)
        self.watchers[key] = (record.pid, watcher)
        return watcher

    def _tunnels(self, snapshot: StatusSnapshot, state: LabState, plan: Plan,
                 sas: dict[str, list | None], previous: StatusSnapshot) -> None:
        now = time.time()
        for tunnel_id, placement in plan.tunnels.items():
            status = self._tunnel_status(placement, state, plan, sas)
            before = previous.tunnels.get(tunnel_id)
            last_change = now if before is None or before.up != status.up else before.last_change
            snapshot.tunnels[tunnel_id] = TunnelStatus(
                tunnel_id=tunnel_id, up=status.up, ike_established=status.ike_established,
                ipsec_established=status.ipsec_established, message=status.message, last_change=last_change)

    def _tunnel_status(self, placement: TunnelPlacement, state: LabState, plan: Plan,
                       sas: dict[str, list | None]) -> TunnelStatus:
        tid = placement.tunnel.id
        if not placement.tunnel.enabled:
            return TunnelStatus(tid, False, False, False, "disabled")
        key = placement.charon_key or ""
        if sas.get(key) is None:
            return TunnelStatus(tid, False, False, False, "charon is not running")
        sa = sa_state(sas[key] or [], placement.conn_name, placement.child_names)
        up = sa.ike_established and sa.ipsec_established
        message = ""
        if not up:
            reason = self._watcher(key, state.daemons[key], plan).reasons.get(placement.conn_name, "")
            if reason:
                message = reason
            elif sa.ike_established:
                message = "IKE_SA established, CHILD_SA not installed"
            else:
                message = "connecting" if placement.tunnel.initiate else "waiting for the peer to initiate"
        return TunnelStatus(tid, up, sa.ike_established, sa.ipsec_established, message)

    @staticmethod
    def _bgp(snapshot: StatusSnapshot, state: LabState, plan: Plan,
             bird: dict[str, tuple[dict[str, BirdProtocol], tuple[str, ...]] | None]) -> None:
        learned: dict[str, set[str]] = {}
        for key, result in bird.items():
            if result is not None:
                gateway_id = state.namespaces[plan.birds[key].namespace].owner
                learned.setdefault(gateway_id, set()).update(result[1])
        snapshot.learned_routes = {gw: tuple(sorted(p)) for gw, p in learned.items()}
        now = time.time()
        for tunnel_id, placement in plan.tunnels.items():
            peer = placement.tunnel.bgp
            if peer is None or placement.bgp_protocol is None:
                continue
            result = bird.get(placement.bird_key or "")
            proto = result[0].get(placement.bgp_protocol) if result is not None else None
            state_name = bgp_state_name(proto)
            established = proto is not None and state_name == "Established"
            uptime = max(0.0, now - proto.since.timestamp()) if established and proto.since is not None else 0.0
            snapshot.bgp[tunnel_id] = BgpStatus(
                tunnel_id=tunnel_id, local_address=peer.local_address, neighbor=peer.peer_address,
                peer_asn=peer.peer_asn, state=state_name,
                routes_received=proto.routes_imported if established else 0,
                uptime_seconds=uptime, message="" if established else _bgp_message(placement, proto))


def _read_sas(record: DaemonRecord) -> list | None:
    """The charon's SAs, or None when it is not running."""
    if not daemons.is_running(record.pid, record.binary):
        return None
    try:
        return parse_swanctl_raw(daemons.swanctl(record.socket, "--list-sas", "--raw"))
    except netns.CommandError:
        return []


def _read_bird(record: DaemonRecord) -> tuple[dict[str, BirdProtocol], tuple[str, ...]] | None:
    """(protocols, BGP-learned prefixes) of one gateway BIRD, or None when it is not running."""
    if not daemons.is_running(record.pid, record.binary):
        return None
    try:
        protocols = parse_bird_protocols(daemons.birdc(record.socket, "show", "protocols", "all"))
        routes = parse_bird_routes(daemons.birdc(record.socket, "show", "route", "where", "source", "=", "RTS_BGP"))
    except netns.CommandError:
        return None
    return protocols, routes


def _bgp_message(placement: TunnelPlacement, proto: BirdProtocol | None) -> str:
    if not placement.tunnel.enabled:
        return "tunnel disabled"
    if proto is None:
        return "BGP daemon not running"
    return proto.last_error or proto.info or proto.state
