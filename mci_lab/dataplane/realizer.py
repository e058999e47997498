"""Reconcile Linux namespaces and daemons to a Topology, and read their status back.

Layout of the lab (names from naming.py, ``<p>`` = the prefix):

* ``<p>inet``: the internet, a bridge holding 198.51.100.1/24 and 203.0.113.1/24. Every public
  address lives in the namespace that owns it, on a veth into this bridge.
* ``<p>r-<network>``: one router per network. Its bridge ``lan0`` holds the first address of
  each CIDR (and each instance subnet's gateway address); it applies the network's routes, 1:1
  NATs instances' public addresses on ``wan0`` and enforces the source/dest check. When the
  network propagates a gateway's routes, a BIRD here learns them from the gateway namespaces.
* ``<p>h-<host>``: one per instance, ``eth0`` on the router's bridge, default route via it.
* ``<p>g-<gateway>``: one per gateway public address, with ``wan0`` on the internet, ``vpc0`` to
  the router (198.18.0.0/15 /30s), one charon per route-based tunnel (own TUN, own routing table,
  port-mux when they share the address) or one shared charon for the policy-based tunnels, and a
  BIRD when any tunnel runs BGP.

``apply`` is idempotent: unchanged namespaces, links and daemons are left alone, changed charons
are restarted, changed BIRDs reconfigured in place, removed resources torn down. Every change is
written to ``state.json`` at once (see state.py), so ``teardown_from_state`` can clean up after a
crash.
"""
from __future__ import annotations

import hashlib
import shutil
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import daemons, netns
from .layout import Layout
from .model import BgpStatus, StatusSnapshot, Topology, TunnelStatus
from .naming import Names
from .observe import Observer
from .plan import RULE_PRIORITY_FIRST, RULE_PRIORITY_LAST, ROUTE_PROTO, TUN_PREFIX, BirdSpec, CharonSpec, NamespaceSpec, Plan, RouteSpec, build_plan
from .state import DaemonRecord, LabState, NamespaceRecord
from .timers import check_profile

_ROLE_ORDER = {"inet": 0, "router": 1, "gateway": 2, "tgw": 2, "host": 3, "nat": 3}
# Daemon starts and per-namespace setup wait on processes and sockets, not on the CPU.
START_WORKERS = 8


def _digest(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


class Realizer:
    """The lab's data plane: ``apply(topology)``, ``snapshot()``, ``teardown()``."""

    def __init__(self, state_dir: Path | str, prefix: str = "mci-", timers: str = "fast") -> None:
        self.names = Names(prefix)
        self.profile = check_profile(timers)
        self.layout = Layout.for_state_dir(state_dir)
        self._lock = threading.RLock()  # one apply / snapshot / teardown at a time
        self._state_lock = threading.Lock()  # state changes from worker threads
        self._plan = Plan()
        self._observer = Observer()
        self._latest = StatusSnapshot()
        self._latest_at = float("-inf")
        self._fresh: set[str] = set()  # namespaces created by the running apply (known empty)
        loaded = LabState.load(self.layout.state_file)
        if loaded is not None and loaded.prefix != prefix:
            raise ValueError(f"{self.layout.state_file} belongs to a lab with prefix {loaded.prefix!r}; "
                             "tear it down first (teardown_from_state)")
        # A state left by an earlier process is adopted: its namespaces and daemons are reused
        # where they still match, and everything else is removed by the first apply().
        self.state = loaded or LabState(prefix=prefix, timers=self.profile)
        self.state.timers = self.profile
        self.state.socket_dir = str(self.layout.socket_dir)

    # ------------------------------------------------------------------ public API

    def apply(self, topology: Topology) -> None:
        with self._lock:
            plan = build_plan(topology, self.names, self.layout, self.profile, self.state.transit)
            self.layout.root.mkdir(parents=True, exist_ok=True)
            self.layout.socket_dir.mkdir(parents=True, exist_ok=True)
            self.state.transit = plan.transit
            self._fresh = set()
            self._reconfigure_running_birds(plan)
            self._remove_stale(plan)
            self._ensure_namespaces(plan)
            self._ensure_veths(plan)
            self._per_namespace(plan, self._configure_namespace)
            self._ensure_charons(plan)
            self._per_namespace(plan, self._ensure_routes)
            self._ensure_birds(plan)
            self._record_hosts(plan)
            self._plan = plan
            self._fresh = set()
            self._save()

    def snapshot(self, max_age: float = 0.0) -> StatusSnapshot:
        """Read every daemon now, or return the last read if it is at most ``max_age`` seconds old.

        Emulators answering API calls can pass e.g. ``max_age=1.0`` (or use ``latest()`` fed by
        ``start_polling()``): a full read of a large lab takes a fraction of a second.
        """
        if max_age > 0 and time.monotonic() - self._latest_at <= max_age:
            return self._latest
        with self._lock:
            self._latest = self._observer.observe(self.state, self._plan, self._latest)
            self._latest_at = time.monotonic()
            return self._latest

    def latest(self) -> StatusSnapshot:
        return self._latest

    def tunnel_status(self, tunnel_id: str) -> TunnelStatus | None:
        return self._latest.tunnels.get(tunnel_id)

    def bgp_status(self, tunnel_id: str) -> BgpStatus | None:
        return self._latest.bgp.get(tunnel_id)

    def learned_routes(self, gateway_id: str) -> tuple[str, ...]:
        return self._latest.learned_routes.get(gateway_id, ())

    def start_polling(self, interval: float = 1.0) -> "StatusPoller":
        """A background thread refreshing ``latest()``; ``stop()`` it before ``teardown()``."""
        poller = StatusPoller(self, interval)
        poller.start()
        return poller

    def host_namespace(self, host_id: str) -> str:
        return self.state.hosts[host_id]["namespace"]

    def host_run_dir(self, host_id: str) -> Path:
        """The instance's own /run (bind-mounted by the lab_netns connection plugin)."""
        return Path(self.state.hosts[host_id]["run_dir"])

    def gateway_namespaces(self, gateway_id: str) -> tuple[str, ...]:
        return self._plan.gateway_namespaces.get(gateway_id, ())

    @property
    def plan(self) -> Plan:
        return self._plan

    def status_table(self, max_age: float = 0.0) -> str:
        """The status as text; ``max_age`` as in ``snapshot()`` (a lab with a poller reuses its read)."""
        from .table import render_status_table
        with self._lock:
            return render_status_table(self.state, self._plan, self.snapshot(max_age))

    def teardown(self) -> None:
        with self._lock:
            _teardown(self.state, self.layout)
            self._plan = Plan()
            self._observer.forget()
            self._latest = StatusSnapshot()
            self._latest_at = float("-inf")

    # ------------------------------------------------------------------ bookkeeping

    def _save(self) -> None:
        with self._state_lock:
            self.state.save(self.layout.state_file)

    def _record_daemon(self, key: str, record: DaemonRecord) -> None:
        with self._state_lock:
            self.state.daemons[key] = record
            self.state.save(self.layout.state_file)

    def _invalidate(self, namespace: str) -> None:
        record = self.state.namespaces.get(namespace)
        if record is not None:
            record.config_hash = ""
            record.routes_hash = ""

    def _record_hosts(self, plan: Plan) -> None:
        self.state.hosts = {}
        for host_id, namespace in plan.hosts.items():
            run_dir = self.layout.host_run_dir(namespace)
            run_dir.mkdir(parents=True, exist_ok=True)
            self.state.hosts[host_id] = {"namespace": namespace, "run_dir": str(run_dir)}

    def _per_namespace(self, plan: Plan, step) -> None:
        self._parallel(list(plan.namespaces.values()), lambda spec: step(plan, spec))
        self._save()

    @staticmethod
    def _parallel(items: list, work) -> None:
        """``work(item)`` for every item in a small thread pool; the first error is raised."""
        with ThreadPoolExecutor(max_workers=START_WORKERS) as pool:
            for future in [pool.submit(work, item) for item in items]:
                future.result()

    # ------------------------------------------------------------------ removal

    def _remove_stale(self, plan: Plan) -> None:
        stale = [key for key, record in self.state.daemons.items()
                 if (plan.charons.get(key) or plan.birds.get(key)) is None or record.namespace not in plan.namespaces]
        daemons.stop_many([(self.state.daemons[k].pid, self.state.daemons[k].binary) for k in stale])
        for key in stale:
            del self.state.daemons[key]
        self._save()
        for name in [n for n in self.state.namespaces if n not in plan.namespaces]:
            self._delete_namespace(name)
        for key in list(self.state.veths):
            spec = plan.veths.get(key)
            if spec is None or _digest(spec) != self.state.veths[key].get("hash"):
                ns, ifname = key.split("/", 1)
                netns.delete_link(ns, ifname)
                self._invalidate(ns)
                self._invalidate(self.state.veths[key].get("peer_ns", ""))
                del self.state.veths[key]
        self._save()

    def _delete_namespace(self, name: str) -> None:
        self._drop_daemons_in(name)
        daemons.kill_namespace_processes(name)
        netns.delete_namespace(name)
        self.state.namespaces.pop(name, None)
        self._forget_links_of(name)
        self._save()

    def _drop_daemons_in(self, namespace: str) -> None:
        keys = [k for k, r in self.state.daemons.items() if r.namespace == namespace]
        daemons.stop_many([(self.state.daemons[k].pid, self.state.daemons[k].binary) for k in keys])
        for key in keys:
            del self.state.daemons[key]

    def _forget_links_of(self, namespace: str) -> None:
        """Deleting a namespace destroys its veths and their peers in other namespaces."""
        for key, record in list(self.state.veths.items()):
            ns_a, ns_b = key.split("/", 1)[0], record.get("peer_ns", "")
            if namespace in (ns_a, ns_b):
                del self.state.veths[key]
                self._invalidate(ns_a)
                self._invalidate(ns_b)

    # ------------------------------------------------------------------ namespaces and links

    def _ensure_namespaces(self, plan: Plan) -> None:
        missing = [spec for name, spec in plan.namespaces.items()
                   if name not in self.state.namespaces or not netns.namespace_exists(name)]
        for spec in missing:
            if netns.namespace_exists(spec.name):
                # Left over from an earlier lab with this prefix: start it clean.
                daemons.kill_namespace_processes(spec.name)
                netns.delete_namespace(spec.name)
            self._drop_daemons_in(spec.name)
            self._forget_links_of(spec.name)
            self.state.namespaces[spec.name] = NamespaceRecord(role=spec.role, owner=spec.owner)
        self._save()  # recorded before they exist: a crash right now still gets them cleaned up
        self._parallel(missing, lambda spec: netns.add_namespace(spec.name, spec.bridges))
        self._fresh.update(spec.name for spec in missing)

    def _ensure_veths(self, plan: Plan) -> None:
        todo = [spec for key, spec in sorted(plan.veths.items())
                if self.state.veths.get(key, {}).get("hash") != _digest(spec)]
        for spec in todo:
            for ns, ifname in ((spec.ns_a, spec.if_a), (spec.ns_b, spec.if_b)):
                if ns not in self._fresh and ifname in netns.link_names(ns):
                    netns.delete_link(ns, ifname)
        # One `ip -batch` per namespace: first create the pairs, then bring the moved peers up.
        creates: dict[str, list[str]] = defaultdict(list)
        peers: dict[str, list[str]] = defaultdict(list)
        for spec in todo:
            creates[spec.ns_a].append(netns.veth_create_command(spec.if_a, spec.mac_a, spec.ns_b, spec.if_b,
                                                                spec.mac_b, spec.bridge_a))
            peers[spec.ns_b] += netns.veth_peer_commands(spec.if_b, spec.bridge_b)
        self._parallel(list(creates.items()), lambda item: netns.ip_batch(*item))
        self._parallel(list(peers.items()), lambda item: netns.ip_batch(*item))
        for spec in todo:
            self.state.veths[spec.key] = {"hash": _digest(spec), "peer_ns": spec.ns_b}
            self._invalidate(spec.ns_a)
            self._invalidate(spec.ns_b)
        self._save()

    def _configure_namespace(self, plan: Plan, spec: NamespaceSpec) -> None:
        record = self.state.namespaces[spec.name]
        # Rules enter the digest only when there are some: namespaces without any keep their hash.
        config_hash = _digest(spec.bridges, spec.addresses, spec.sysctls, spec.iptables,
                              *((spec.rules,) if spec.rules else ()))
        if record.config_hash == config_hash:
            return
        fresh = spec.name in self._fresh
        if not fresh:
            existing = netns.link_names(spec.name)
            for bridge in spec.bridges:
                if bridge not in existing:
                    netns.create_bridge(spec.name, bridge)
        netns.set_sysctls(spec.name, spec.sysctls)
        wanted: dict[str, set[str]] = defaultdict(set)
        for ifname, address in spec.addresses:
            wanted[ifname].add(address)
        netns.sync_addresses(spec.name, wanted, set(wanted), current={} if fresh else None)
        # A new namespace starts with empty tables and ACCEPT policies: restore only real rules.
        if spec.iptables is not None and not (fresh and "\n-A " not in spec.iptables):
            netns.iptables_restore(spec.name, spec.iptables)
        if spec.rules or not fresh:
            netns.sync_rules(spec.name, spec.rules, RULE_PRIORITY_FIRST, RULE_PRIORITY_LAST, known_empty=fresh)
        record.config_hash = config_hash  # saved at the end of the step

    def _ensure_routes(self, plan: Plan, spec: NamespaceSpec) -> None:
        wanted = {netns.route_key(r.destination, r.table): self._route_command(plan, r) for r in spec.routes}
        record = self.state.namespaces[spec.name]
        routes_hash = _digest(wanted)
        if record.routes_hash == routes_hash:
            return
        netns.sync_routes(spec.name, wanted, ROUTE_PROTO, current=set() if spec.name in self._fresh else None)
        record.routes_hash = routes_hash

    def _route_command(self, plan: Plan, route: RouteSpec) -> str:
        hops = []
        for hop in self._hops_with_live_tunnels(route.nexthops):
            dev = hop.dev
            if dev and dev.startswith(TUN_PREFIX):
                dev = self._tun_of(plan, dev[len(TUN_PREFIX):])
                if not dev:
                    continue  # that tunnel's charon is not running: no path through it
            hops.append((hop.via, dev))
        return netns.route_command(route.destination, hops, route.blackhole or not hops, ROUTE_PROTO, route.table)

    def _hops_with_live_tunnels(self, nexthops: tuple) -> tuple:
        """The hops whose tunnels are up, or all of them when none is (nothing better to try)."""
        tunnels = self._latest.tunnels
        live = tuple(hop for hop in nexthops
                     if not hop.tunnels or any(tunnels.get(t) is not None and tunnels[t].up for t in hop.tunnels))
        return live or nexthops

    def refresh_routes(self) -> None:
        """Follow tunnel status changes in routes through VPN gateways; only changed sets are written."""
        with self._lock:
            following = [spec for spec in self._plan.namespaces.values()
                         if spec.name in self.state.namespaces and any(hop.tunnels for route in spec.routes for hop in route.nexthops)]
            before = {spec.name: self.state.namespaces[spec.name].routes_hash for spec in following}
            for spec in following:
                self._ensure_routes(self._plan, spec)
            if any(self.state.namespaces[name].routes_hash != digest for name, digest in before.items()):
                self._save()

    def _tun_of(self, plan: Plan, tunnel_id: str) -> str:
        placement = plan.tunnels.get(tunnel_id)
        record = self.state.daemons.get(placement.charon_key or "") if placement else None
        return record.tun if record else ""

    # ------------------------------------------------------------------ charons

    def _ensure_charons(self, plan: Plan) -> None:
        todo: dict[str, list[CharonSpec]] = defaultdict(list)
        for key, spec in sorted(plan.charons.items()):
            record = self.state.daemons.get(key)
            config_hash = _charon_hash(spec)
            if record and record.config_hash == config_hash and daemons.is_running(record.pid, record.binary):
                continue
            todo[spec.namespace].append(spec)
        # Responders first, so the initiators' first IKE_SA_INIT finds someone listening.
        for initiators in (False, True):
            groups = [[s for s in specs if s.initiates == initiators] for specs in todo.values()]
            self._parallel_groups([g for g in groups if g], self._restart_charon)
        for namespace in todo:
            self.state.namespaces[namespace].routes_hash = ""  # TUN names may have changed
        self._save()

    def _parallel_groups(self, groups: list[list], start) -> None:
        """Groups in parallel, the members of one group (one namespace) one after the other.

        Charons of one namespace start in turn: each takes the next free ``ipsecN``.
        """
        def run_group(group: list) -> None:
            for spec in group:
                start(spec)
        self._parallel(groups, run_group)

    def _restart_charon(self, spec: CharonSpec) -> None:
        record = self.state.daemons.get(spec.key)
        if record:
            daemons.stop(record.pid, record.binary)
        directory = Path(spec.directory)
        directory.mkdir(parents=True, exist_ok=True)
        conf, swanctl_conf, log_path = directory / "strongswan.conf", directory / "swanctl.conf", Path(spec.log_path)
        conf.write_text(spec.strongswan_conf)
        swanctl_conf.write_text(spec.swanctl_conf)
        started = daemons.start_charon(spec.namespace, conf, log_path)
        record = DaemonRecord(
            kind="charon", namespace=spec.namespace, pid=started.pid, binary=daemons.CHARON_BINARY,
            config_hash="", directory=str(directory), log_path=str(log_path), socket=spec.vici_socket,
            log_offset=started.log_offset, started_at=time.time(),
        )
        self._record_daemon(spec.key, record)  # PID on disk before anything else can fail
        daemons.wait_for_socket(Path(spec.vici_socket), started.pid, daemons.CHARON_BINARY, log_path)
        record.tun = daemons.wait_for_tun(log_path, started.log_offset)
        netns.add_addresses(spec.namespace, record.tun, [address for _tunnel_id, address in spec.inside], known_empty=True)
        daemons.load_swanctl(spec.vici_socket, swanctl_conf)
        record.config_hash = _charon_hash(spec)  # saved at the end of the step

    # ------------------------------------------------------------------ BIRD

    def _reconfigure_running_birds(self, plan: Plan) -> None:
        """Changed BGP configuration goes first, while the tunnels still run.

        A session switched off then ends with a Cease notification that still reaches the peer,
        which withdraws its routes at once instead of waiting for its hold timer.
        """
        for key, spec in plan.birds.items():
            record = self.state.daemons.get(key)
            if record is None or record.config_hash == _digest(spec.conf) or not daemons.is_running(record.pid, record.binary):
                continue
            if self._reconfigure_bird(spec, record):
                daemons.wait_bird_settled(spec.socket)

    def _reconfigure_bird(self, spec: BirdSpec, record: DaemonRecord) -> bool:
        (Path(spec.directory) / "bird.conf").write_text(spec.conf)
        try:
            daemons.bird_configure(spec.socket)
        except (daemons.DaemonError, netns.CommandError):
            return False  # _ensure_birds restarts it
        record.config_hash = _digest(spec.conf)
        self._save()
        return True

    def _ensure_birds(self, plan: Plan) -> None:
        todo = []
        for key, spec in sorted(plan.birds.items()):
            record = self.state.daemons.get(key)
            running = record is not None and daemons.is_running(record.pid, record.binary)
            if record and running and record.config_hash == _digest(spec.conf):
                continue
            if record and running and self._reconfigure_bird(spec, record):
                continue
            todo.append([spec])
        self._parallel_groups(todo, self._restart_bird)
        self._save()

    def _restart_bird(self, spec: BirdSpec) -> None:
        record = self.state.daemons.get(spec.key)
        if record:
            daemons.stop(record.pid, record.binary)
        conf = Path(spec.directory) / "bird.conf"
        conf.parent.mkdir(parents=True, exist_ok=True)
        conf.write_text(spec.conf)
        log_path = Path(spec.log_path)
        started = daemons.start_bird(spec.namespace, conf, Path(spec.socket), log_path)
        record = DaemonRecord(
            kind="bird", namespace=spec.namespace, pid=started.pid, binary=daemons.BIRD_BINARY,
            config_hash="", directory=spec.directory, log_path=str(log_path), socket=spec.socket,
            log_offset=started.log_offset, started_at=time.time(),
        )
        self._record_daemon(spec.key, record)
        daemons.wait_for_socket(Path(spec.socket), started.pid, daemons.BIRD_BINARY, conf.with_name("stdout.log"))
        record.config_hash = _digest(spec.conf)  # saved at the end of the step


def _charon_hash(spec: CharonSpec) -> str:
    return _digest(spec.strongswan_conf, spec.swanctl_conf, spec.inside)


class StatusPoller(threading.Thread):
    """Refreshes ``realizer.latest()`` every ``interval`` seconds until ``stop()``."""

    def __init__(self, realizer: Realizer, interval: float) -> None:
        super().__init__(name="mci-dataplane-poller", daemon=True)
        self.realizer = realizer
        self.interval = interval
        self.last_error: Exception | None = None
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            try:
                self.realizer.snapshot()
                self.last_error = None
            except Exception as exc:  # noqa: BLE001  # keep polling; the lab reports the error
                self.last_error = exc
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
        if self.is_alive():
            self.join(timeout=10)


# --------------------------------------------------------------------------- teardown

def _teardown(state: LabState, layout: Layout) -> None:
    daemons.stop_many([(record.pid, record.binary) for record in state.daemons.values()])
    state.daemons.clear()
    state.save(layout.state_file)
    ours = [name for name in state.namespaces if name.startswith(state.prefix)]  # never anything else
    with ThreadPoolExecutor(max_workers=START_WORKERS) as pool:
        for future in [pool.submit(_remove_namespace, name) for name in ours]:
            future.result()
    state.namespaces.clear()
    state.veths.clear()
    state.hosts.clear()
    state.save(layout.state_file)
    if state.socket_dir and Path(state.socket_dir).name.startswith("mci-sock-"):
        shutil.rmtree(state.socket_dir, ignore_errors=True)


def _remove_namespace(name: str) -> None:
    daemons.kill_namespace_processes(name)  # also what roles started there (wireguard-go, ...)
    netns.delete_namespace(name)


def teardown_from_state(state_dir: Path | str) -> None:
    """Remove everything ``<state_dir>/dataplane/state.json`` records, even after a crash."""
    layout = Layout.for_state_dir(state_dir)
    state = LabState.load(layout.state_file)
    if state is not None:
        _teardown(state, layout)
