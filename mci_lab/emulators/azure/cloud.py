"""The emulated subscription: generic ARM verbs over the resource kinds, plus the VPN actions.

Every verb runs under one lock. A PUT or DELETE answers at once with the Azure-AsyncOperation
protocol (201/200 + provisioningState Updating, or 202); the operation reports InProgress until
the resource's ``ready_at`` (the lab's delay profile), then Succeeded.
"""
from __future__ import annotations

import copy
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from mci_lab.emulators.azure import errors
from mci_lab.emulators.azure.arm import (
    ACTIONS,
    CHILD_TYPES,
    DEFAULT_LOCATION,
    NETWORK_TYPES,
    ArmError,
    ArmPath,
    AsyncOperation,
    OperationRegistry,
    new_etag,
    new_guid,
    not_found,
    operation_headers,
    parent_not_found,
    resource_group_not_found,
    resource_id,
)
from mci_lab.emulators.azure.kinds import Accepted, Kind
from mci_lab.emulators.azure.network import (
    NetworkInterfaces,
    PublicIpAddresses,
    Routes,
    RouteTables,
    Subnets,
    VirtualNetworks,
)
from mci_lab.emulators.azure.status import StatusReader
from mci_lab.emulators.azure.store import Record, Store
from mci_lab.emulators.azure.vpn import (
    Connections,
    LocalNetworkGateways,
    VirtualNetworkGateways,
    cloud_facts,
    generated_shared_key,
)
from mci_lab.emulators.base import LabContext

# Microsoft.Network asks clients to poll long-running operations every ~10 s; scaled like every
# delay of the lab, so a realistic-profile poll loop makes as many calls as it would in Azure.
LRO_POLL_HINT_CLOUD_SECONDS = 10.0
# Delay kinds of the read-only actions (absent from the delay profile: they answer at once).
ACTION_DELAY_KINDS = {
    "getBgpPeerStatus": "bgp_peer_status",
    "getLearnedRoutes": "learned_routes",
    "getEffectiveRouteTable": "effective_route_table",
    "resetSharedKey": "connection",
}
RESOURCE_GROUP_TYPE = "Microsoft.Resources/resourceGroups"


@dataclass
class Answer:
    """What the WSGI layer sends: status, JSON body (None: empty) and extra headers."""

    status: int
    body: Any = None
    headers: list[tuple[str, str]] = field(default_factory=list)


class AzureCloud:
    def __init__(self, ctx: LabContext) -> None:
        self.ctx = ctx
        self.lock = threading.RLock()
        self.store = Store()
        self.operations = OperationRegistry()
        self.status = StatusReader(self)
        kinds: list[Kind] = [
            VirtualNetworks(self), Subnets(self), PublicIpAddresses(self), RouteTables(self), Routes(self),
            NetworkInterfaces(self), VirtualNetworkGateways(self), LocalNetworkGateways(self), Connections(self),
        ]
        self.kinds: dict[str, Kind] = {kind.collection: kind for kind in kinds}
        self._pending_ready: dict[str, float] = {}

    # ----------------------------------------------------------------------- entry point

    def handle(self, method: str, path: ArmPath, body: dict, base_url: str, query: dict) -> Answer:
        with self.lock:
            self.status.new_request()
            self._housekeeping()
            if path.is_operation:
                return self._operation(path, base_url)
            if path.is_resource_group:
                return self._resource_group(method, path, body, base_url)
            if path.action:
                return self._action(method, path, body, base_url, query)
            if not path.name or (path.child_collection and not path.child_name):
                if method != "GET":
                    raise ArmError(405, "MethodNotAllowed", f"{method} is not allowed on a collection.")
                return Answer(200, {"value": self._list(path)})
            return self._resource(method, path, body, base_url)

    def _housekeeping(self) -> None:
        """Finish deletions whose time has come and tell the realizer what became ready."""
        now = time.time()
        changed = False
        for record in self.store.expire_deleted(now):
            self.kinds[record.collection].removed(record)
            changed = True
        for record_id, ready_at in list(self._pending_ready.items()):
            if now >= ready_at:
                del self._pending_ready[record_id]
                changed = True
        if changed:
            self.ctx.notify_changed()

    # ----------------------------------------------------------------------- resources

    def _resource(self, method: str, path: ArmPath, body: dict, base_url: str) -> Answer:
        if method == "PUT":
            return self._put(path, body, base_url)
        if method == "DELETE":
            return self._delete(path, base_url)
        record = self._existing(path)
        if method == "GET":
            return Answer(200, self.view(record))
        if method == "PATCH":
            record.body["tags"] = dict(body.get("tags") or {})
            record.etag = new_etag()
            return Answer(200, self.view(record))
        raise ArmError(405, "MethodNotAllowed", f"{method} is not allowed on {record.id}.")

    def _existing(self, path: ArmPath) -> Record:
        self._require_resource_group(path.resource_group)
        collection, name = NETWORK_TYPES[path.collection][0], path.name
        if path.child_collection:
            parent = self.store.get(self._id(path, child=False))
            if parent is None:
                raise parent_not_found(collection, name)
            collection, name = f"{collection}/{CHILD_TYPES[path.collection][path.child_collection][0]}", f"{name}/{path.child_name}"
        record = self.store.get(self._id(path))
        if record is None:
            raise not_found(collection, name, path.resource_group)
        return record

    def _put(self, path: ArmPath, body: dict, base_url: str) -> Answer:
        kind = self._kind(path)
        record_id = self._id(path)
        location = self._location_for_put(path, body)
        existing = self.store.get(record_id)
        if existing is not None:
            self._require_idle(existing)
        accepted = kind.validate(record_id, _writable(body, kind), existing)
        if location:
            accepted.body["location"] = location
            # Resource groups are created on first use, so playbooks need no Microsoft.Resources client.
            self.store.ensure_resource_group(path.resource_group, location)
        record = self._store_accepted(path, kind, record_id, accepted, existing)
        operation = self.operations.start(f"{kind.collection}.createOrUpdate", self._op_location(record), record.ready_at)
        headers = operation_headers(base_url, path.subscription, operation, self._retry_after(), with_location=False)
        return Answer(200 if existing is not None else 201, self.view(record, state="Updating"), headers)

    def _store_accepted(self, path: ArmPath, kind: Kind, record_id: str, accepted: Accepted, existing: Record | None) -> Record:
        """Write a validated PUT; the resource is Updating until the delay profile says it is ready."""
        ready_at = self.ctx.delays.ready_at("azure", kind.delay_kind)
        record = existing or Record(record_id, kind.collection, path.resource_group, path.child_name or path.name, {},
                                    ready_at, first_ready_at=ready_at, guid=new_guid())
        record.body, record.ready_at, record.etag = accepted.body, ready_at, new_etag()
        record.computed.update(accepted.computed)
        self.store.put(record)
        kind.stored(record)
        self._changed(record_id, ready_at)
        return record

    def _location_for_put(self, path: ArmPath, body: dict) -> str:
        if path.child_collection:
            if self.store.get_live(self._id(path, child=False)) is None:
                raise parent_not_found(NETWORK_TYPES[path.collection][0], path.name)
            return ""
        location = (body.get("location") or "").strip()
        if not location:
            raise errors.invalid(errors.LOCATION_REQUIRED, "The location property is required for this definition.")
        return location

    def _require_idle(self, record: Record) -> None:
        state = record.state()
        if state != "Succeeded":
            raise ArmError(409, errors.ANOTHER_OPERATION_IN_PROGRESS,
                           f"Operation on resource {record.id} failed because another operation on the same "
                           f"resource is in progress (provisioningState {state}).")

    def _delete(self, path: ArmPath, base_url: str) -> Answer:
        record = self.store.get(self._id(path))
        if record is None:
            return Answer(204)
        kind = self.kinds[record.collection]
        if record.gone_at is None:
            self._require_idle(record)
            kind.check_delete(record)
            record.gone_at = self.ctx.delays.ready_at("azure", kind.delay_kind)
            for child_collection in CHILD_TYPES.get(record.collection, {}):
                for child in self.store.children(record.id, child_collection):
                    child.gone_at = record.gone_at
            self._changed(record.id, record.gone_at)
        operation = self.operations.start(f"{kind.collection}.delete", self._op_location(record), record.gone_at)
        return Answer(202, None, operation_headers(base_url, path.subscription, operation, self._retry_after(), with_location=True))

    def _list(self, path: ArmPath) -> list[dict]:
        if path.child_collection:
            parent = self._existing(ArmPath(path.subscription, path.resource_group, path.collection, path.name))
            return [self.view(child) for child in self.store.children(parent.id, path.child_collection)]
        if path.resource_group:
            self._require_resource_group(path.resource_group)
        return [self.view(record) for record in self.store.of_collection(path.collection, path.resource_group or None)]

    # ----------------------------------------------------------------------- helpers for kinds

    def view(self, record: Record, state: str | None = None) -> dict:
        """The resource as ARM returns it, with computed fields filled in."""
        kind = self.kinds[record.collection]
        properties = kind.view_properties(record)
        properties["provisioningState"] = state or record.state()
        if "/" not in record.collection:
            properties["resourceGuid"] = record.guid
        answer: dict[str, Any] = {"id": record.id, "name": record.name, "type": kind.arm_type, "etag": record.etag}
        if "/" not in record.collection:
            answer["location"] = record.location
            answer["tags"] = record.body.get("tags") or {}
        if kind.sku_at_top:
            answer["sku"] = record.body.get("sku")
        answer["properties"] = properties
        return answer

    def put_child(self, parent: Record, child_collection: str, name: str, body: dict) -> Record:
        """Store a child (subnet, route) that came inline with its parent's PUT."""
        body = _writable(body, self.kinds[f"{parent.collection}/{child_collection}"])
        child_id = f"{parent.id}/{CHILD_TYPES[parent.collection][child_collection][0]}/{name}"
        existing = self.store.get(child_id)
        record = existing or Record(child_id, f"{parent.collection}/{child_collection}", parent.resource_group, name, {},
                                    parent.ready_at, first_ready_at=parent.ready_at)
        record.body, record.ready_at, record.etag, record.gone_at = body, parent.ready_at, new_etag(), None
        self.store.put(record)
        return record

    def parent_of(self, child_id: str) -> Record:
        return self.store.get(child_id.rsplit("/", 2)[0])

    def _kind(self, path: ArmPath) -> Kind:
        collection = f"{path.collection}/{path.child_collection}" if path.child_collection else path.collection
        return self.kinds[collection]

    def _id(self, path: ArmPath, child: bool = True) -> str:
        if child and path.child_collection:
            return resource_id(path.subscription, path.resource_group, path.collection, path.name,
                               path.child_collection, path.child_name)
        return resource_id(path.subscription, path.resource_group, path.collection, path.name)

    def _require_resource_group(self, name: str) -> None:
        if self.store.resource_group(name) is None:
            raise resource_group_not_found(name)

    def _op_location(self, record: Record) -> str:
        """Operations live under the region of the top-level resource (children have none)."""
        top_level_id = "/".join(record.id.split("/")[:9])
        top = self.store.get(top_level_id) or record
        return (top.location or DEFAULT_LOCATION).replace(" ", "").lower()

    def _retry_after(self) -> str:
        """Whole seconds (the SDK parses the header as an integer); 0 when delays are instant."""
        scale = self.ctx.delays.time_scale
        return "0" if scale <= 0 else str(max(1, round(LRO_POLL_HINT_CLOUD_SECONDS * scale)))

    def _changed(self, record_id: str, ready_at: float) -> None:
        self._pending_ready[record_id.lower()] = ready_at
        self.ctx.notify_changed()

    # ----------------------------------------------------------------------- actions

    def _action(self, method: str, path: ArmPath, body: dict, base_url: str, query: dict) -> Answer:
        record = self._existing(ArmPath(path.subscription, path.resource_group, path.collection, path.name))
        name = ACTIONS[(path.collection, path.action)]
        if name == "sharedKey":
            return self._shared_key(method, record, body, path, base_url)
        if method != "POST":
            raise ArmError(405, "MethodNotAllowed", f"{method} is not allowed on {path.action}.")
        record_id = record.id
        results: dict[str, Callable[[], Any]] = {
            "getBgpPeerStatus": lambda: self._with_live(record_id, lambda r: self.status.bgp_peer_status(r, query.get("peer"))),
            "getLearnedRoutes": lambda: self._with_live(record_id, self.status.learned_routes),
            "getEffectiveRouteTable": lambda: self._with_live(record_id, self.status.effective_routes),
            "resetSharedKey": lambda: {"keyLength": len(record.computed["shared_key"])},
        }
        if name == "resetSharedKey":
            self._reset_shared_key(record, body)
        ready_at = self.ctx.delays.ready_at("azure", ACTION_DELAY_KINDS[name])
        operation = self.operations.start(f"{path.collection}.{name}", self._op_location(record), ready_at, results[name])
        return Answer(202, None, operation_headers(base_url, path.subscription, operation, self._retry_after(), with_location=True))

    def _with_live(self, record_id: str, read: Callable[[Record], dict]) -> dict:
        with self.lock:
            record = self.store.get_live(record_id)
            return read(record) if record is not None else {"value": []}

    def _shared_key(self, method: str, record: Record, body: dict, path: ArmPath, base_url: str) -> Answer:
        if method == "GET":
            return Answer(200, {"id": f"{record.id}/sharedkey", "value": record.computed["shared_key"]})
        if method != "PUT":
            raise ArmError(405, "MethodNotAllowed", f"{method} is not allowed on sharedkey.")
        value = body.get("value")
        problem = cloud_facts.psk_problem("azure", value)
        if problem:
            raise errors.invalid(errors.INVALID_SHARED_KEY, f"Connection {record.id}: {problem}.")
        self._require_idle(record)
        record.computed["shared_key"] = value
        record.ready_at = self.ctx.delays.ready_at("azure", "connection")
        operation = self.operations.start("connections.setSharedKey", self._op_location(record), record.ready_at)
        self._changed(record.id, record.ready_at)
        headers = operation_headers(base_url, path.subscription, operation, self._retry_after(), with_location=False)
        return Answer(201, {"id": f"{record.id}/sharedkey", "value": value}, headers)

    def _reset_shared_key(self, record: Record, body: dict) -> None:
        length = body.get("keyLength", cloud_facts.GENERATED_PSK_LENGTH)
        rule = cloud_facts.PSK_RULES["azure"]
        if not isinstance(length, int) or not rule.min_length <= length <= rule.max_length:
            raise errors.invalid(errors.INVALID_SHARED_KEY, f"keyLength must be {rule.min_length}-{rule.max_length}.")
        self._require_idle(record)
        record.computed["shared_key"] = generated_shared_key(length)
        self._changed(record.id, time.time())

    # ----------------------------------------------------------------------- operations

    def _operation(self, path: ArmPath, base_url: str) -> Answer:
        operation = self.operations.get(path.operation_id)
        if operation is None:
            raise ArmError(404, "OperationNotFound", f"Operation {path.operation_id} was not found.")
        now = time.time()
        if path.operation_kind == "operations":
            return Answer(200, operation.status_body(now))
        if operation.status(now) == "InProgress":
            return Answer(202, None, operation_headers(base_url, path.subscription, operation, self._retry_after(), with_location=True))
        return self._operation_result(operation)

    @staticmethod
    def _operation_result(operation: AsyncOperation) -> Answer:
        if operation.error is not None:
            raise operation.error
        if operation.result is None:
            return Answer(204)
        return Answer(200, operation.result())

    # ----------------------------------------------------------------------- resource groups

    def _resource_group(self, method: str, path: ArmPath, body: dict, base_url: str) -> Answer:
        group = self.store.resource_group(path.resource_group)
        if method == "PUT":
            location = (body.get("location") or "").strip()
            if not location:
                raise errors.invalid(errors.LOCATION_REQUIRED, "The location property is required for this definition.")
            created = group is None
            group = self.store.ensure_resource_group(path.resource_group, location)
            group.tags = dict(body.get("tags") or group.tags)
            return Answer(201 if created else 200, self._group_view(path, group))
        if method == "HEAD":
            return Answer(204 if group is not None else 404)
        if group is None:
            raise resource_group_not_found(path.resource_group)
        if method == "GET":
            return Answer(200, self._group_view(path, group))
        if method == "DELETE":
            return self._delete_resource_group(path, base_url)
        raise ArmError(405, "MethodNotAllowed", f"{method} is not allowed on a resource group.")

    def _delete_resource_group(self, path: ArmPath, base_url: str) -> Answer:
        """Deleting a group removes everything in it (at once: the lab does not stage it)."""
        for record in self.store.in_resource_group(path.resource_group):
            self.store.remove(record.id)
            self.kinds[record.collection].removed(record)
        del self.store.resource_groups[path.resource_group.lower()]
        self.ctx.notify_changed()
        operation = self.operations.start("resourceGroups.delete", DEFAULT_LOCATION, time.time())
        prefix = f"{base_url}/subscriptions/{path.subscription}/providers/Microsoft.Network/locations/{DEFAULT_LOCATION}"
        return Answer(202, None, [("Location", f"{prefix}/operationResults/{operation.id}?api-version=2026-03-01"),
                                  ("Retry-After", self._retry_after())])

    @staticmethod
    def _group_view(path: ArmPath, group) -> dict:
        return {
            "id": f"/subscriptions/{path.subscription}/resourceGroups/{group.name}",
            "name": group.name,
            "type": RESOURCE_GROUP_TYPE,
            "location": group.location,
            "tags": group.tags,
            "properties": {"provisioningState": "Succeeded"},
        }


def _writable(body: dict, kind: Kind) -> dict:
    """What a client may set: read-only fields (id, etag, provisioningState, ...) are dropped."""
    writable = {name: copy.deepcopy(body[name]) for name in ("location", "tags", "properties", "sku", "name") if name in body}
    properties = writable.setdefault("properties", {})
    for read_only in ("provisioningState", "resourceGuid", "etag") + kind.read_only:
        properties.pop(read_only, None)
    if not kind.sku_at_top:
        writable.pop("sku", None)
    writable.pop("name", None)
    return writable
