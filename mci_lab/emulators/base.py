"""What every emulated cloud shares: request log, fault injection, provisioning delays, serving.

An emulator is any object with the ``Emulator`` shape below. ``base`` wraps its WSGI app in a
middleware that classifies each request (operation, mutating or not), injects the faults of the
active profile in the cloud's own error shape, and appends one line per call to the request log.
"""
from __future__ import annotations

import io
import json
import random
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Protocol

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wrappers import Request

from mci_lab.dataplane.model import StatusSnapshot, Topology

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]


@dataclass(frozen=True)
class ErrorResponse:
    """A complete HTTP answer an emulator gives for an injected fault."""

    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...] = (("Content-Type", "application/json"),)


@dataclass(frozen=True)
class Operation:
    """How the request log names one API call."""

    name: str
    mutating: bool


class Emulator(Protocol):
    """The shape each cloud emulator module's ``build(ctx)`` returns."""

    cloud: str

    def wsgi_app(self) -> WSGIApp: ...

    def classify(self, request: Request) -> Operation: ...

    def throttle_response(self) -> ErrorResponse: ...

    def server_error_response(self) -> ErrorResponse: ...

    def dataplane_model(self) -> Topology: ...


# --------------------------------------------------------------------------- delays


@dataclass(frozen=True)
class DelayProfile:
    """Provisioning delays: real-cloud seconds per resource kind, scaled for the lab."""

    name: str
    cloud_seconds: dict[str, float] = field(default_factory=dict)  # "aws.vpn_connection" -> 396
    time_scale: float = 0.0

    def delay(self, cloud: str, kind: str) -> float:
        return self.cloud_seconds.get(f"{cloud}.{kind}", 0.0) * self.time_scale

    def ready_at(self, cloud: str, kind: str) -> float:
        """Epoch time at which a resource created now leaves its pending state."""
        return time.time() + self.delay(cloud, kind)


def is_ready(ready_at: float) -> bool:
    """Resource states are computed on read from ``ready_at``: no timers, no threads."""
    return time.time() >= ready_at


# --------------------------------------------------------------------------- faults


@dataclass(frozen=True)
class FaultProfile:
    """Fractions of requests answered with a fault; drawn from a seeded generator."""

    name: str = "none"
    throttle: float = 0.0
    server_error: float = 0.0
    slow: float = 0.0
    slow_seconds: float = 2.0
    seed: int = 7


FAULT_PROFILES: dict[str, FaultProfile] = {
    "none": FaultProfile(),
    "throttle": FaultProfile(name="throttle", throttle=0.2),
    "flaky": FaultProfile(name="flaky", throttle=0.1, server_error=0.05, slow=0.05, slow_seconds=1.0),
}


class FaultInjector:
    """Decides, per request, which fault (if any) the active profile asks for."""

    def __init__(self, profile: FaultProfile) -> None:
        self.profile = profile
        self._random = random.Random(profile.seed)
        self._lock = threading.Lock()

    def draw(self) -> str:
        """One of "throttle", "server_error", "slow" or ""."""
        with self._lock:
            roll = self._random.random()
        for fault in ("throttle", "server_error", "slow"):
            share = getattr(self.profile, fault)
            if roll < share:
                return fault
            roll -= share
        return ""


# --------------------------------------------------------------------------- request log


class RequestLog:
    """Append-only JSON lines, one per API call, readable by benchmarks while the lab runs."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()

    def record(self, cloud: str, operation: Operation, status: int, started: float, fault: str) -> None:
        entry = {
            "ts": round(started, 6),
            "cloud": cloud,
            "operation": operation.name,
            "mutating": operation.mutating,
            "status": status,
            "duration_ms": round((time.time() - started) * 1000, 2),
            "fault": fault,
        }
        line = json.dumps(entry, sort_keys=True) + "\n"
        with self._lock, self.path.open("a", encoding="utf-8") as handle:
            handle.write(line)


def read_request_log(path: Path, since: float = 0.0) -> list[dict]:
    """Entries at or after ``since`` (epoch seconds)."""
    with path.open(encoding="utf-8") as handle:
        entries = [json.loads(line) for line in handle if line.strip()]
    return [entry for entry in entries if entry["ts"] >= since]


# --------------------------------------------------------------------------- public IPs


class PublicIpPool:
    """Hands out documentation-range addresses, unique across every emulated cloud."""

    RANGES = ("198.51.100", "203.0.113")  # never 192.0.2.0/24: the machines' own uplink

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._owners: dict[str, str] = {}
        self._free = [f"{net}.{host}" for host in range(10, 251) for net in self.RANGES]

    def allocate(self, owner: str) -> str:
        with self._lock:
            if not self._free:
                raise RuntimeError("the lab ran out of public addresses")
            address = self._free.pop(0)
            self._owners[address] = owner
            return address

    def release(self, address: str) -> None:
        with self._lock:
            if self._owners.pop(address, None) is not None:
                self._free.append(address)


# --------------------------------------------------------------------------- context


class StatusSource(Protocol):
    """Where emulators read tunnel and BGP state: the realizer, or nothing."""

    def snapshot(self) -> StatusSnapshot: ...


class NoDataPlane:
    """Without a data plane nothing is up, and the message says why."""

    MESSAGE = "lab data plane is not running"

    def snapshot(self) -> StatusSnapshot:
        return StatusSnapshot()


@dataclass
class LabContext:
    """Shared by every emulator of one lab."""

    state_dir: Path
    delays: DelayProfile = field(default_factory=lambda: DelayProfile("instant"))
    faults: FaultProfile = field(default_factory=FaultProfile)
    status: StatusSource = field(default_factory=NoDataPlane)
    public_ips: PublicIpPool = field(default_factory=PublicIpPool)
    changed: threading.Event = field(default_factory=threading.Event)
    request_log: RequestLog | None = None

    def __post_init__(self) -> None:
        if self.request_log is None:
            self.request_log = RequestLog(self.state_dir / "requests.jsonl")

    def notify_changed(self) -> None:
        """Emulators call this after a mutation so the realizer reconciles soon."""
        self.changed.set()


# --------------------------------------------------------------------------- middleware


class LabMiddleware:
    """Wraps one emulator's WSGI app with classification, faults and the request log."""

    def __init__(self, emulator: Emulator, ctx: LabContext) -> None:
        self.emulator = emulator
        self.app = emulator.wsgi_app()
        self.ctx = ctx
        self.faults = FaultInjector(ctx.faults)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        started = time.time()
        _buffer_body(environ)
        operation = self.emulator.classify(Request(environ))
        _buffer_body(environ)  # classify may have read it
        fault = self.faults.draw()
        captured: dict[str, int] = {}

        def recording_start_response(status: str, headers: list, exc_info=None):
            captured["status"] = int(status.split(" ", 1)[0])
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        if fault in ("throttle", "server_error"):
            answer = self.emulator.throttle_response() if fault == "throttle" else self.emulator.server_error_response()
            body = _answer(answer, recording_start_response)
        else:
            if fault == "slow":
                time.sleep(self.ctx.faults.slow_seconds)
            body = b"".join(self.app(environ, recording_start_response))
        self.ctx.request_log.record(self.emulator.cloud, operation, captured.get("status", 0), started, fault)
        return [body]


def _buffer_body(environ: dict) -> None:
    """Make the request body readable more than once."""
    cached = environ.get("mci.body")
    if cached is None:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        cached = environ["wsgi.input"].read(length) if length else b""
        environ["mci.body"] = cached
    environ["wsgi.input"] = io.BytesIO(cached)
    environ["CONTENT_LENGTH"] = str(len(cached))


def _answer(answer: ErrorResponse, start_response: Callable) -> bytes:
    reason = {429: "Too Many Requests", 400: "Bad Request", 403: "Forbidden", 503: "Service Unavailable"}
    status_line = f"{answer.status} {reason.get(answer.status, 'Error')}"
    start_response(status_line, list(answer.headers) + [("Content-Length", str(len(answer.body)))])
    return answer.body


# --------------------------------------------------------------------------- serving


@dataclass
class RunningEmulator:
    """One emulator served on 127.0.0.1."""

    emulator: Emulator
    server: BaseWSGIServer
    thread: threading.Thread

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"


class QuietRequestHandler(WSGIRequestHandler):
    """The request log is the record; no access lines on stderr."""

    def log_request(self, code="-", size="-") -> None:
        pass


def serve(emulator: Emulator, ctx: LabContext, port: int = 0) -> RunningEmulator:
    """Serve one emulator on 127.0.0.1 (port 0: any free port) in a daemon thread."""
    server = make_server("127.0.0.1", port, LabMiddleware(emulator, ctx), threaded=True, request_handler=QuietRequestHandler)
    # A short poll interval: stop() waits up to one interval for the loop to notice the shutdown.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name=f"mci-{emulator.cloud}", daemon=True)
    thread.start()
    return RunningEmulator(emulator, server, thread)


def stop(running: RunningEmulator) -> None:
    running.server.shutdown()
    running.server.server_close()
