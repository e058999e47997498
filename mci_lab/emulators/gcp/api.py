"""The Compute Engine v1 REST surface the lab serves, and how each call is named in the request log.

Paths are the SDK's (``/compute/v1/projects/P/{global|regions/R|zones/Z}/<collection>[/<name>[/<verb>]]``).
Every insert, patch, update and delete answers with a ``compute#operation`` that is RUNNING until the
delay profile's time for that resource kind has passed; ``operations/<name>`` reads it and
``operations/<name>/wait`` blocks until it is DONE, for at most two minutes as Compute does.
"""
from __future__ import annotations

import itertools
import json
import re
import threading
import time
from dataclasses import dataclass
from typing import Callable, Iterable

from werkzeug.wrappers import Request, Response

from mci_lab.dataplane.model import Topology
from mci_lab.emulators.base import ErrorResponse, LabContext, Operation, is_ready
from mci_lab.emulators.gcp import resources, routers
from mci_lab.emulators.gcp.dataplane import build_topology
from mci_lab.emulators.gcp.errors import GcpError, already_exists, backend_error, rate_limit_exceeded, unsupported
from mci_lab.emulators.gcp.status import router_status, tunnel_status
from mci_lab.emulators.gcp.store import ComputeStore, ResourceKey

_PATH = re.compile(
    r"^/compute/v1/projects/(?P<project>[^/]+)/(?P<scope>global|regions/[^/]+|zones/[^/]+)"
    r"/(?P<collection>[A-Za-z]+)(?:/(?P<name>[^/]+)(?:/(?P<verb>[A-Za-z]+))?)?$"
)

# Collection -> (scope kind it lives in, delay-profile kind).
COLLECTIONS = {
    "networks": ("global", "network"),
    "externalVpnGateways": ("global", "external_vpn_gateway"),
    "subnetworks": ("regions", "subnetwork"),
    "vpnGateways": ("regions", "vpn_gateway"),
    "routers": ("regions", "router"),
    "vpnTunnels": ("regions", "vpn_tunnel"),
    "instances": ("zones", "instance"),
}
OPERATION_COLLECTIONS = {"global": "globalOperations", "regions": "regionOperations", "zones": "zoneOperations"}
MUTATING_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})
READ_ONLY_VERBS = frozenset({"wait", "getRouterStatus"})

# operations.wait returns after at most about two minutes, DONE or not (Compute API reference).
WAIT_LIMIT_SECONDS = 120.0


@dataclass(frozen=True)
class ApiPath:
    """A parsed request path."""

    project: str
    scope: str
    collection: str
    name: str | None
    verb: str | None

    @property
    def scope_kind(self) -> str:
        return self.scope.partition("/")[0]

    def key(self, name: str | None = None) -> ResourceKey:
        return ResourceKey(self.project, self.scope, self.collection, name or self.name or "")

    def method_name(self, http_method: str) -> str:
        """The API method, e.g. ``insert``, ``getRouterStatus``, ``wait``."""
        if self.verb:
            return self.verb
        if self.name is None:
            return {"GET": "list", "POST": "insert"}.get(http_method, http_method.lower())
        return {"GET": "get", "PATCH": "patch", "PUT": "update", "DELETE": "delete"}.get(http_method, http_method.lower())


def parse_path(path: str) -> ApiPath | None:
    match = _PATH.match(path)
    if not match:
        return None
    return ApiPath(match["project"], match["scope"], match["collection"], match["name"], match["verb"])


class GcpEmulator:
    """Google Cloud Compute Engine (v1 REST) for the lab."""

    cloud = "gcp"

    def __init__(self, ctx: LabContext) -> None:
        self.ctx = ctx
        self.store = ComputeStore()
        self._throttle_statuses = itertools.cycle((403, 429))
        self._throttle_lock = threading.Lock()

    # ------------------------------------------------------------------ Emulator protocol

    def wsgi_app(self) -> Callable[[dict, Callable], Iterable[bytes]]:
        return self._serve

    def classify(self, request: Request) -> Operation:
        parsed = parse_path(request.path)
        if parsed is None:
            return Operation(f"{request.method} {request.path}", request.method in MUTATING_METHODS)
        method = parsed.method_name(request.method)
        collection = parsed.collection
        if collection == "operations":
            collection = OPERATION_COLLECTIONS[parsed.scope_kind]
        mutating = request.method in MUTATING_METHODS and method not in READ_ONLY_VERBS
        return Operation(f"{collection}.{method}", mutating)

    def throttle_response(self) -> ErrorResponse:
        """403 and 429 alternate: Compute has answered quota exhaustion with both."""
        with self._throttle_lock:
            return rate_limit_exceeded(next(self._throttle_statuses))

    def server_error_response(self) -> ErrorResponse:
        return backend_error()

    def dataplane_model(self) -> Topology:
        with self.store.lock:
            return build_topology(self.store)

    # ------------------------------------------------------------------ serving

    @Request.application
    def _serve(self, request: Request) -> Response:
        self.store.base_url = request.host_url + "compute/v1/"
        try:
            parsed = parse_path(request.path)
            if parsed is None:
                raise GcpError(404, "notFound", f"The requested URL {request.path} was not found on this server.")
            body = self._dispatch(request, parsed)
        except GcpError as error:
            return _json(error.body(), error.status)
        return _json(body, 200)

    def _dispatch(self, request: Request, parsed: ApiPath) -> dict:
        if parsed.collection == "operations":
            return self._operation_call(request, parsed)
        if parsed.collection not in COLLECTIONS:
            raise GcpError(404, "notFound", f"The lab does not serve the collection '{parsed.collection}'.")
        if COLLECTIONS[parsed.collection][0] != parsed.scope_kind:
            raise GcpError(404, "notFound", f"The requested URL {request.path} was not found on this server.")
        method = parsed.method_name(request.method)
        handler = {
            "list": self._list,
            "get": self._get,
            "insert": self._insert,
            "patch": self._patch,
            "update": self._update,
            "delete": self._delete,
            "getRouterStatus": self._get_router_status,
        }.get(method)
        if handler is None:
            raise GcpError(405, "methodNotAllowed", f"The lab does not serve {parsed.collection}.{method}.")
        with self.store.lock:
            earlier = self.store.operation_for_request(request.args.get("requestId"))
            if earlier is not None and request.method in MUTATING_METHODS:
                return self.store.operation_json(earlier)
            return handler(request, parsed)

    # ------------------------------------------------------------------ reads

    def _list(self, request: Request, parsed: ApiPath) -> dict:
        items = [self._view(key, resource) for key, resource in self.store.items(parsed.collection, parsed.project, parsed.scope)]
        items = [item for item in items if _matches_filter(item, request.args.get("filter", ""))]
        return {
            "kind": resources.KINDS[parsed.collection] + "List",
            "id": f"projects/{parsed.project}/{parsed.scope}/{parsed.collection}",
            "items": sorted(items, key=lambda item: item["name"]),
            "selfLink": f"{self.store.scope_link(parsed.project, parsed.scope)}/{parsed.collection}",
        }

    def _get(self, request: Request, parsed: ApiPath) -> dict:
        key = parsed.key()
        return self._view(key, self.store.get(key))

    def _get_router_status(self, request: Request, parsed: ApiPath) -> dict:
        if parsed.collection != "routers":
            raise GcpError(404, "notFound", f"The requested URL {request.path} was not found on this server.")
        key = parsed.key()
        router = self.store.get(key)
        return {"kind": "compute#routerStatusResponse", "result": router_status(self.store, self.ctx.status, key, router)}

    def _view(self, key: ResourceKey, resource: dict) -> dict:
        """The resource as GET shows it now: read-time fields computed, secrets withheld."""
        view = json.loads(json.dumps(resource))
        if key.collection == "networks":
            view["subnetworks"] = sorted(s["selfLink"] for s in self.store.values("subnetworks") if s["network"] == resource["selfLink"])
        elif key.collection == "vpnTunnels":
            view["sharedSecret"] = resources.REDACTED_SECRET
            view["status"], view["detailedStatus"] = tunnel_status(self.store, self.ctx.status, key, resource)
        elif key.collection == "instances":
            view["status"] = "RUNNING" if is_ready(self.store.ready_at(key)) else "PROVISIONING"
        return view

    # ------------------------------------------------------------------ mutations

    def _insert(self, request: Request, parsed: ApiPath) -> dict:
        body = _json_body(request)
        resources.check_name(body)
        key = parsed.key(body["name"])
        if self.store.find(key) is not None:
            raise already_exists(key.path)
        resource = self._new_resource(key, body)
        ready_at = self._ready_at(parsed)
        self.store.add(key, resource, ready_at)
        return self._operation(request, key, "insert", resource["id"], ready_at)

    def _new_resource(self, key: ResourceKey, body: dict) -> dict:
        builders = {
            "networks": lambda: resources.new_network(self.store, key, body),
            "subnetworks": lambda: resources.new_subnetwork(self.store, key, body),
            "vpnGateways": lambda: resources.new_vpn_gateway(self.store, key, body, self.ctx.public_ips),
            "externalVpnGateways": lambda: resources.new_external_vpn_gateway(self.store, key, body),
            "routers": lambda: routers.new_router(self.store, key, body),
            "vpnTunnels": lambda: resources.new_vpn_tunnel(self.store, key, body),
            "instances": lambda: resources.new_instance(self.store, key, body, self.ctx.public_ips),
        }
        return builders[key.collection]()

    def _patch(self, request: Request, parsed: ApiPath) -> dict:
        if parsed.collection != "routers":
            raise unsupported(f"{parsed.collection}.patch")
        key = parsed.key()
        updated = routers.patched_router(self.store, key, self.store.get(key), _json_body(request))
        self.store.replace(key, updated)
        return self._operation(request, key, "patch", updated["id"], self._ready_at(parsed))

    def _update(self, request: Request, parsed: ApiPath) -> dict:
        if parsed.collection != "routers":
            raise unsupported(f"{parsed.collection}.update")
        key = parsed.key()
        updated = routers.replaced_router(self.store, key, self.store.get(key), _json_body(request))
        self.store.replace(key, updated)
        return self._operation(request, key, "update", updated["id"], self._ready_at(parsed))

    def _delete(self, request: Request, parsed: ApiPath) -> dict:
        key = parsed.key()
        removed = self.store.remove(key)
        if key.collection == "vpnGateways":
            resources.release_vpn_gateway(removed, self.ctx.public_ips)
        elif key.collection == "instances":
            resources.release_instance(removed, self.ctx.public_ips)
        return self._operation(request, key, "delete", removed["id"], self._ready_at(parsed))

    def _ready_at(self, parsed: ApiPath) -> float:
        return self.ctx.delays.ready_at("gcp", COLLECTIONS[parsed.collection][1])

    def _operation(self, request: Request, key: ResourceKey, operation_type: str, target_id: str, ready_at: float) -> dict:
        """Every change is a long-running operation; the data plane is told to reconcile."""
        record = self.store.start_operation(key, operation_type, target_id, ready_at, request.args.get("requestId"))
        self.ctx.notify_changed()
        body = self.store.operation_json(record)
        body["status"], body["progress"] = "RUNNING", 0  # the first answer is always RUNNING, as Compute's is
        body.pop("endTime", None)
        return body

    # ------------------------------------------------------------------ operations

    def _operation_call(self, request: Request, parsed: ApiPath) -> dict:
        method = parsed.method_name(request.method)
        if method == "list":
            with self.store.lock:
                return self._list_operations(parsed)
        if parsed.name is None or method not in ("get", "wait"):
            raise GcpError(405, "methodNotAllowed", f"The lab does not serve operations.{method}.")
        with self.store.lock:
            record = self.store.operation(parsed.project, parsed.scope, parsed.name)
        if method == "wait":
            # Sleep outside the lock: other requests keep being served while this one waits.
            time.sleep(max(0.0, min(record.ready_at - time.time(), WAIT_LIMIT_SECONDS)))
        with self.store.lock:
            return self.store.operation_json(record)

    def _list_operations(self, parsed: ApiPath) -> dict:
        records = self.store.operations_in(parsed.project, parsed.scope)
        return {
            "kind": "compute#operationList",
            "id": f"projects/{parsed.project}/{parsed.scope}/operations",
            "items": [self.store.operation_json(record) for record in records],
            "selfLink": f"{self.store.scope_link(parsed.project, parsed.scope)}/operations",
        }


def _json_body(request: Request) -> dict:
    raw = request.get_data(as_text=True)
    if not raw:
        return {}
    try:
        body = json.loads(raw)
    except ValueError:
        raise GcpError(400, "parseError", "Invalid JSON payload received.") from None
    if not isinstance(body, dict):
        raise GcpError(400, "parseError", "Invalid JSON payload received. Expected an object.")
    return body


def _json(body: dict, status: int) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json; charset=UTF-8")


_FILTER = re.compile(r'^\s*\(?\s*(?P<field>[A-Za-z]+)\s*(?P<op>=|!=|eq|ne)\s*"?(?P<value>[^")]*)"?\s*\)?\s*$')


def _matches_filter(item: dict, expression: str) -> bool:
    """The one filter form modules use: ``name = "x"`` (also ``!=``, ``eq``, ``ne``)."""
    if not expression.strip():
        return True
    match = _FILTER.match(expression)
    if match is None:
        raise GcpError(400, "invalid", f"Invalid value for field 'filter': '{expression}'. The lab supports 'field = \"value\"' filters.")
    equal = str(item.get(match["field"], "")) == match["value"]
    if match["op"] in ("eq", "ne"):
        equal = re.fullmatch(match["value"], str(item.get(match["field"], ""))) is not None
    return equal if match["op"] in ("=", "eq") else not equal
