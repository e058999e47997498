"""Where the Compute Engine emulator keeps resources and operations, and how it names them.

Resources are the JSON objects the API returns (camelCase, int64 as strings), keyed by
project, scope (``global``, ``regions/R`` or ``zones/Z``), collection and name. Links are full URLs
on the emulator's own address, as the real API's links are on its own host, so a client that
follows a link never leaves 127.0.0.1.
"""
from __future__ import annotations

import random
import re
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Iterator

from mci_lab.emulators.base import is_ready
from mci_lab.emulators.gcp.errors import GcpError, already_exists, in_use, not_found

# Fields whose values point at other resources; a resource cannot be deleted while one points at it.
REFERENCE_FIELDS = frozenset(
    {"network", "subnetwork", "vpnGateway", "peerExternalGateway", "peerGcpGateway", "router", "linkedVpnTunnel"}
)

_FULL_PATH = re.compile(
    r"projects/(?P<project>[^/]+)/(?P<scope>global|regions/[^/]+|zones/[^/]+)/(?P<collection>[A-Za-z]+)/(?P<name>[^/?]+)$"
)
_SCOPED_PATH = re.compile(r"^(?P<scope>global|regions/[^/]+|zones/[^/]+)/(?P<collection>[A-Za-z]+)/(?P<name>[^/?]+)$")


@dataclass(frozen=True)
class ResourceKey:
    """One resource's identity: ``projects/P/<scope>/<collection>/<name>``."""

    project: str
    scope: str
    collection: str
    name: str

    @property
    def path(self) -> str:
        return f"projects/{self.project}/{self.scope}/{self.collection}/{self.name}"

    @property
    def region(self) -> str:
        """The region of a regional or zonal resource ("" for global ones)."""
        kind, where = split_scope(self.scope)
        if kind == "regions":
            return where
        if kind == "zones":
            return region_of_zone(where)
        return ""


def split_scope(scope: str) -> tuple[str, str]:
    """``regions/us-east1`` -> ``("regions", "us-east1")``; ``global`` -> ``("global", "")``."""
    kind, where = (scope.split("/", 1) + [""])[:2]
    return kind, where


def region_of_zone(zone: str) -> str:
    """``us-east1-b`` -> ``us-east1``."""
    return zone.rsplit("-", 1)[0]


def parse_reference(value: str, collection: str, project: str, scope: str) -> ResourceKey:
    """A reference as clients write it: full URL, partial path, or bare name in ``scope``."""
    full = _FULL_PATH.search(value)
    if full:
        return ResourceKey(full["project"], full["scope"], full["collection"], full["name"])
    scoped = _SCOPED_PATH.match(value)
    if scoped:
        return ResourceKey(project, scoped["scope"], scoped["collection"], scoped["name"])
    return ResourceKey(project, scope, collection, value)


def now_rfc3339() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


@dataclass
class OperationRecord:
    """A long-running operation: RUNNING until ``ready_at``, then DONE (computed on read)."""

    name: str
    id: str
    project: str
    scope: str
    operation_type: str
    target_link: str
    target_id: str
    insert_time: str
    started: float
    ready_at: float

    def is_done(self) -> bool:
        return is_ready(self.ready_at)


class ComputeStore:
    """All resources and operations of one emulated Compute Engine, behind one lock."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.base_url = "http://127.0.0.1/compute/v1/"  # replaced by the served address on first request
        self._resources: dict[ResourceKey, dict] = {}
        self._ready_at: dict[ResourceKey, float] = {}
        self._operations: dict[tuple[str, str, str], OperationRecord] = {}
        self._operations_by_request_id: dict[str, OperationRecord] = {}
        self._random = random.Random()

    # ------------------------------------------------------------------ naming

    def link(self, key: ResourceKey) -> str:
        return self.base_url + key.path

    def scope_link(self, project: str, scope: str) -> str:
        return f"{self.base_url}projects/{project}/{scope}"

    def new_id(self) -> str:
        """Compute ids are uint64, sent as JSON strings."""
        return str(self._random.getrandbits(63))

    # ------------------------------------------------------------------ resources

    def get(self, key: ResourceKey) -> dict:
        resource = self._resources.get(key)
        if resource is None:
            raise not_found(key.path)
        return resource

    def find(self, key: ResourceKey) -> dict | None:
        return self._resources.get(key)

    def require(self, value: str, collection: str, project: str, scope: str) -> tuple[ResourceKey, dict]:
        """A referenced resource, or the 404 Compute gives for a dangling reference."""
        key = parse_reference(value, collection, project, scope)
        if key.collection != collection:
            raise GcpError(400, "invalid", f"Invalid resource reference '{value}': expected a {collection} resource")
        return key, self.get(key)

    def require_key(self, value: str, collection: str, project: str, scope: str) -> ResourceKey:
        """Like ``require``, when only the key is needed."""
        return self.require(value, collection, project, scope)[0]

    def add(self, key: ResourceKey, resource: dict, ready_at: float) -> None:
        if key in self._resources:
            raise already_exists(key.path)
        self._resources[key] = resource
        self._ready_at[key] = ready_at

    def replace(self, key: ResourceKey, resource: dict) -> None:
        self._resources[key] = resource

    def remove(self, key: ResourceKey) -> dict:
        resource = self.get(key)
        user = self.first_user_of(key)
        if user is not None:
            raise in_use(key.path, user.path)
        del self._resources[key]
        self._ready_at.pop(key, None)
        return resource

    def ready_at(self, key: ResourceKey) -> float:
        return self._ready_at.get(key, 0.0)

    def items(self, collection: str, project: str | None = None, scope: str | None = None) -> Iterator[tuple[ResourceKey, dict]]:
        for key, resource in list(self._resources.items()):
            if key.collection != collection:
                continue
            if project is not None and key.project != project:
                continue
            if scope is not None and key.scope != scope:
                continue
            yield key, resource

    def keys(self, collection: str) -> list[ResourceKey]:
        return [item[0] for item in self.items(collection)]

    def values(self, collection: str, project: str | None = None, scope: str | None = None) -> Iterator[dict]:
        for item in self.items(collection, project, scope):
            yield item[1]

    def first_user_of(self, key: ResourceKey) -> ResourceKey | None:
        """Another resource that references ``key`` (which therefore cannot be deleted)."""
        for other_key, resource in self._resources.items():
            if other_key == key:
                continue
            for value in _reference_values(resource):
                if parse_reference(value, key.collection, other_key.project, other_key.scope) == key:
                    return other_key
        return None

    # ------------------------------------------------------------------ operations

    def operation_for_request(self, request_id: str | None) -> OperationRecord | None:
        """The operation an earlier call with this ``requestId`` started: Compute answers a retry with it."""
        return self._operations_by_request_id.get(request_id) if request_id else None

    def start_operation(self, key: ResourceKey, operation_type: str, target_id: str, ready_at: float,
                        request_id: str | None) -> OperationRecord:
        scope = key.scope
        started = time.time()
        name = f"operation-{int(started * 1000)}-{self._random.getrandbits(48):012x}-{self._random.getrandbits(32):08x}"
        record = OperationRecord(
            name=name,
            id=self.new_id(),
            project=key.project,
            scope=scope,
            operation_type=operation_type,
            target_link=self.link(key),
            target_id=target_id,
            insert_time=now_rfc3339(),
            started=started,
            ready_at=ready_at,
        )
        self._operations[(key.project, scope, name)] = record
        if request_id:
            self._operations_by_request_id[request_id] = record
        return record

    def operation(self, project: str, scope: str, name: str) -> OperationRecord:
        record = self._operations.get((project, scope, name))
        if record is None:
            raise not_found(f"projects/{project}/{scope}/operations/{name}")
        return record

    def operations_in(self, project: str, scope: str) -> list[OperationRecord]:
        return [record for key, record in self._operations.items() if key[:2] == (project, scope)]

    def operation_json(self, record: OperationRecord) -> dict:
        done = record.is_done()
        body = {
            "kind": "compute#operation",
            "id": record.id,
            "name": record.name,
            "operationType": record.operation_type,
            "targetLink": record.target_link,
            "targetId": record.target_id,
            "status": "DONE" if done else "RUNNING",
            "user": "lab@mci.invalid",
            "progress": 100 if done else 0,
            "insertTime": record.insert_time,
            "startTime": record.insert_time,
            "selfLink": f"{self.scope_link(record.project, record.scope)}/operations/{record.name}",
        }
        kind = split_scope(record.scope)[0]
        if kind == "regions":
            body["region"] = self.scope_link(record.project, record.scope)
        elif kind == "zones":
            body["zone"] = self.scope_link(record.project, record.scope)
        if done:
            body["endTime"] = datetime.fromtimestamp(max(record.ready_at, record.started), timezone.utc).isoformat(timespec="milliseconds")
        return body


def _reference_values(value: object) -> Iterator[str]:
    """Every string held under a reference field, at any depth."""
    if isinstance(value, dict):
        for field, item in value.items():
            if field in REFERENCE_FIELDS and isinstance(item, str) and item:
                yield item
            elif isinstance(item, (dict, list)):
                yield from _reference_values(item)
    elif isinstance(value, list):
        for item in value:
            yield from _reference_values(item)
