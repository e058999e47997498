"""Azure Resource Manager wire protocol: resource paths, error JSON and long-running operations.

Nothing here knows about networks: it is what every ARM resource provider shares, so the
Microsoft.Network handlers stay about networks.
"""
from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any, Callable

NETWORK_PROVIDER = "Microsoft.Network"
DEFAULT_LOCATION = "eastus"

# REST collection name (lower case) -> (name as ARM spells it, SDK operation group for the log).
NETWORK_TYPES: dict[str, tuple[str, str]] = {
    "virtualnetworks": ("virtualNetworks", "virtualNetworks"),
    "publicipaddresses": ("publicIPAddresses", "publicIPAddresses"),
    "virtualnetworkgateways": ("virtualNetworkGateways", "virtualNetworkGateways"),
    "localnetworkgateways": ("localNetworkGateways", "localNetworkGateways"),
    "connections": ("connections", "virtualNetworkGatewayConnections"),
    "routetables": ("routeTables", "routeTables"),
    "networkinterfaces": ("networkInterfaces", "networkInterfaces"),
}
# Child collections: parent collection -> child collection (both lower case).
CHILD_TYPES: dict[str, dict[str, tuple[str, str]]] = {
    "virtualnetworks": {"subnets": ("subnets", "subnets")},
    "routetables": {"routes": ("routes", "routes")},
}
# POST (or GET/PUT for sharedkey) actions on a resource: (collection, action path) -> operation name.
ACTIONS: dict[tuple[str, str], str] = {
    ("virtualnetworkgateways", "getbgppeerstatus"): "getBgpPeerStatus",
    ("virtualnetworkgateways", "getlearnedroutes"): "getLearnedRoutes",
    ("networkinterfaces", "effectiveroutetable"): "getEffectiveRouteTable",
    ("connections", "sharedkey"): "sharedKey",
    ("connections", "sharedkey/reset"): "resetSharedKey",
}


# --------------------------------------------------------------------------- errors


class ArmError(Exception):
    """An ARM error answer: HTTP status plus {"error": {"code", "message"}}."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message

    def body(self) -> bytes:
        return error_json(self.code, self.message)


def error_json(code: str, message: str) -> bytes:
    return json.dumps({"error": {"code": code, "message": message}}).encode()


def not_found(resource_type: str, name: str, resource_group: str) -> ArmError:
    return ArmError(404, "ResourceNotFound",
                    f"The Resource '{NETWORK_PROVIDER}/{resource_type}/{name}' under resource group "
                    f"'{resource_group}' was not found.")


def parent_not_found(resource_type: str, name: str) -> ArmError:
    return ArmError(404, "ParentResourceNotFound",
                    f"Can not perform requested operation on nested resource. Parent resource "
                    f"'{NETWORK_PROVIDER}/{resource_type}/{name}' not found.")


def resource_group_not_found(resource_group: str) -> ArmError:
    return ArmError(404, "ResourceGroupNotFound", f"Resource group '{resource_group}' could not be found.")


# --------------------------------------------------------------------------- paths


@dataclass(frozen=True)
class ArmPath:
    """One request path, split into what ARM routes on. Collection names are lower case."""

    subscription: str
    resource_group: str = ""
    collection: str = ""  # e.g. "virtualnetworks"; "" for a resource group itself
    name: str = ""
    child_collection: str = ""
    child_name: str = ""
    action: str = ""  # e.g. "getbgppeerstatus", "sharedkey/reset"
    operation_kind: str = ""  # "operations" (Azure-AsyncOperation) or "operationresults" (Location)
    operation_id: str = ""

    @property
    def is_resource_group(self) -> bool:
        return bool(self.resource_group) and not self.collection

    @property
    def is_operation(self) -> bool:
        return bool(self.operation_kind)


def parse_path(path: str) -> ArmPath | None:
    """Split an ARM path; None when it is not one this emulator serves."""
    parts = [part for part in path.split("/") if part]
    if len(parts) < 2 or parts[0].lower() != "subscriptions":
        return None
    subscription, rest = parts[1], parts[2:]
    lowered = [part.lower() for part in rest]
    if lowered[:2] == ["providers", NETWORK_PROVIDER.lower()]:
        return _parse_subscription_scope(subscription, rest[2:])
    if not lowered or lowered[0] != "resourcegroups" or len(rest) < 2:
        return None
    resource_group, rest = rest[1], rest[2:]
    if not rest:
        return ArmPath(subscription, resource_group)
    if [part.lower() for part in rest[:2]] != ["providers", NETWORK_PROVIDER.lower()] or len(rest) < 3:
        return None
    return _parse_resource(subscription, resource_group, rest[2:])


def _parse_subscription_scope(subscription: str, rest: list[str]) -> ArmPath | None:
    lowered = [part.lower() for part in rest]
    if len(rest) == 4 and lowered[0] == "locations" and lowered[2] in ("operations", "operationresults"):
        return ArmPath(subscription, operation_kind=lowered[2], operation_id=rest[3])
    if len(rest) == 1 and lowered[0] in NETWORK_TYPES:
        return ArmPath(subscription, collection=lowered[0])
    return None


def _parse_resource(subscription: str, resource_group: str, rest: list[str]) -> ArmPath | None:
    collection = rest[0].lower()
    if collection not in NETWORK_TYPES:
        return None
    path = ArmPath(subscription, resource_group, collection)
    if len(rest) == 1:
        return path
    name, tail = rest[1], [part.lower() for part in rest[2:]]
    if not tail:
        return ArmPath(subscription, resource_group, collection, name)
    action = "/".join(tail)
    if (collection, action) in ACTIONS:
        return ArmPath(subscription, resource_group, collection, name, action=action)
    if tail[0] in CHILD_TYPES.get(collection, {}) and len(tail) <= 2:
        child_name = rest[3] if len(rest) > 3 else ""
        return ArmPath(subscription, resource_group, collection, name, tail[0], child_name)
    return None


def resource_id(subscription: str, resource_group: str, collection: str, name: str,
                child_collection: str = "", child_name: str = "") -> str:
    """The canonical id ARM returns (types spelled as ARM spells them)."""
    base = (f"/subscriptions/{subscription}/resourceGroups/{resource_group}/providers/"
            f"{NETWORK_PROVIDER}/{NETWORK_TYPES[collection][0]}/{name}")
    if child_collection:
        base += f"/{CHILD_TYPES[collection][child_collection][0]}/{child_name}"
    return base


@dataclass(frozen=True)
class IdParts:
    """What a resource id names (for references inside request bodies)."""

    subscription: str
    resource_group: str
    collection: str
    name: str
    child_collection: str = ""
    child_name: str = ""
    sub_path: tuple[str, ...] = ()  # e.g. ("ipconfigurations", "ipconfig1") on a gateway


def parse_id(value: str) -> IdParts | None:
    parts = [part for part in (value or "").split("/") if part]
    lowered = [part.lower() for part in parts]
    if len(parts) < 8 or lowered[0] != "subscriptions" or lowered[2] != "resourcegroups":
        return None
    if lowered[4:6] != ["providers", NETWORK_PROVIDER.lower()] or lowered[6] not in NETWORK_TYPES:
        return None
    collection, extra = lowered[6], parts[8:]
    if extra and extra[0].lower() in CHILD_TYPES.get(collection, {}) and len(extra) >= 2:
        return IdParts(parts[1], parts[3], collection, parts[7], extra[0].lower(), extra[1], tuple(extra[2:]))
    return IdParts(parts[1], parts[3], collection, parts[7], sub_path=tuple(part.lower() for part in extra))


# --------------------------------------------------------------------------- long-running operations


@dataclass
class AsyncOperation:
    """One Azure-AsyncOperation: in progress until ``ready_at``, then Succeeded or Failed."""

    id: str
    name: str  # e.g. "virtualNetworkGateways.createOrUpdate", for debugging
    location: str
    started: float
    ready_at: float
    result: Callable[[], Any] | None = None  # actions: computes the body at completion
    error: ArmError | None = None

    def status(self, now: float) -> str:
        if now < self.ready_at:
            return "InProgress"
        return "Failed" if self.error else "Succeeded"

    def status_body(self, now: float) -> dict:
        body: dict[str, Any] = {"id": self.id, "name": self.id, "status": self.status(now), "startTime": _iso(self.started)}
        if now >= self.ready_at:
            body["endTime"] = _iso(self.ready_at)
        if self.error and now >= self.ready_at:
            body["error"] = {"code": self.error.code, "message": self.error.message}
        return body


class OperationRegistry:
    """Every long-running operation the emulator has started, by id."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._operations: dict[str, AsyncOperation] = {}

    def start(self, name: str, location: str, ready_at: float, result: Callable[[], Any] | None = None) -> AsyncOperation:
        operation = AsyncOperation(str(uuid.uuid4()), name, location, time.time(), ready_at, result)
        with self._lock:
            self._operations[operation.id.lower()] = operation
        return operation

    def get(self, operation_id: str) -> AsyncOperation | None:
        with self._lock:
            return self._operations.get(operation_id.lower())


def operation_headers(base_url: str, subscription: str, operation: AsyncOperation, retry_after: str,
                      with_location: bool) -> list[tuple[str, str]]:
    """Azure-AsyncOperation (+ Location for deletes and actions) and Retry-After headers."""
    prefix = f"{base_url}/subscriptions/{subscription}/providers/{NETWORK_PROVIDER}/locations/{operation.location}"
    headers = [
        ("Azure-AsyncOperation", f"{prefix}/operations/{operation.id}?api-version=2026-03-01"),
        ("Retry-After", retry_after),
    ]
    if with_location:
        headers.append(("Location", f"{prefix}/operationResults/{operation.id}?api-version=2026-03-01"))
    return headers


def _iso(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(epoch)) + f".{int(epoch % 1 * 1e6):06d}Z"


def new_etag() -> str:
    return f'W/"{uuid.uuid4()}"'


def new_guid() -> str:
    return str(uuid.uuid4())
