"""The DigitalOcean ``/v2`` surface the lab serves: VPCs, Droplets, tags and firewalls.

Every answer carries DigitalOcean's ``ratelimit-*`` headers. Lists are paged with ``page`` and
``per_page`` and carry ``links`` and ``meta.total`` as the real API's do. The request log names
calls as pydo does (``droplets.create``, ``tags.assign_resources``...).
"""
from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass
from typing import Callable, Iterable

from werkzeug.wrappers import Request, Response

from mci_lab.collection import import_module_utils
from mci_lab.dataplane.model import Topology
from mci_lab.emulators.base import ErrorResponse, LabContext, Operation
from mci_lab.emulators.digitalocean import errors
from mci_lab.emulators.digitalocean.dataplane import build_topology
from mci_lab.emulators.digitalocean.errors import DoError, not_found, unprocessable
from mci_lab.emulators.digitalocean.resources import DoStore, droplet_json, firewall_json, tag_json

cloud_facts = import_module_utils("cloud_facts")

_PATH = re.compile(r"^/v2/(?P<collection>[a-z_]+)(?:/(?P<item>[^/]+)(?:/(?P<sub>[a-z_]+))?)?/?$")
MUTATING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# (collection, sub-resource, HTTP method) -> pydo's method name, for calls on a sub-resource.
SUB_RESOURCE_METHODS = {
    ("vpcs", "members", "GET"): "list_members",
    ("tags", "resources", "POST"): "assign_resources",
    ("tags", "resources", "DELETE"): "unassign_resources",
    ("firewalls", "droplets", "POST"): "assign_droplets",
    ("firewalls", "droplets", "DELETE"): "delete_droplets",
    ("firewalls", "tags", "POST"): "add_tags",
    ("firewalls", "tags", "DELETE"): "delete_tags",
    ("firewalls", "rules", "POST"): "add_rules",
    ("firewalls", "rules", "DELETE"): "delete_rules",
}
COLLECTION_METHODS = {"GET": "list", "POST": "create", "DELETE": "destroy_by_tag"}
ITEM_METHODS = {"GET": "get", "PUT": "update", "PATCH": "patch", "DELETE": "delete"}


@dataclass(frozen=True)
class ApiPath:
    collection: str
    item: str | None
    sub: str | None

    def method_name(self, http_method: str) -> str:
        if self.sub:
            return SUB_RESOURCE_METHODS.get((self.collection, self.sub, http_method), f"{self.sub}_{http_method.lower()}")
        if self.item is None:
            return COLLECTION_METHODS.get(http_method, http_method.lower())
        if self.collection == "droplets" and http_method == "DELETE":
            return "destroy"
        return ITEM_METHODS.get(http_method, http_method.lower())


def parse_path(path: str) -> ApiPath | None:
    match = _PATH.match(path)
    return ApiPath(match["collection"], match["item"], match["sub"]) if match else None


@dataclass
class Answer:
    status: int
    body: dict | None = None


class DigitalOceanEmulator:
    """DigitalOcean API v2 for the lab."""

    cloud = "digitalocean"

    def __init__(self, ctx: LabContext) -> None:
        self.ctx = ctx
        self.store = DoStore(ctx.public_ips)
        self._budget_lock = threading.Lock()
        self._window_start = time.time()
        self._requests_in_window = 0

    # ------------------------------------------------------------------ Emulator protocol

    def wsgi_app(self) -> Callable[[dict, Callable], Iterable[bytes]]:
        return self._serve

    def classify(self, request: Request) -> Operation:
        parsed = parse_path(request.path)
        mutating = request.method in MUTATING_METHODS
        if parsed is None:
            return Operation(f"{request.method} {request.path}", mutating)
        return Operation(f"{parsed.collection}.{parsed.method_name(request.method)}", mutating)

    def throttle_response(self) -> ErrorResponse:
        return errors.too_many_requests()

    def server_error_response(self) -> ErrorResponse:
        return errors.server_error()

    def dataplane_model(self) -> Topology:
        with self.store.lock:
            return build_topology(self.store)

    # ------------------------------------------------------------------ serving

    @Request.application
    def _serve(self, request: Request) -> Response:
        headers = self._rate_limit_headers()
        try:
            parsed = parse_path(request.path)
            if parsed is None or parsed.collection not in self._handlers():
                raise not_found()
            with self.store.lock:
                answer = self._handlers()[parsed.collection](request, parsed)
        except DoError as error:
            answer = Answer(error.status, error.body())
        if answer.body is None:
            return Response(status=answer.status, headers=headers)
        return Response(json.dumps(answer.body), status=answer.status, headers=headers, content_type="application/json; charset=utf-8")

    def _handlers(self) -> dict[str, Callable[[Request, ApiPath], Answer]]:
        return {"vpcs": self._vpcs, "droplets": self._droplets, "tags": self._tags, "firewalls": self._firewalls}

    def _rate_limit_headers(self) -> list[tuple[str, str]]:
        """An hourly budget as DigitalOcean counts it; the lab never enforces it (faults do)."""
        with self._budget_lock:
            if time.time() - self._window_start >= 3600:
                self._window_start, self._requests_in_window = time.time(), 0
            self._requests_in_window += 1
            limit = cloud_facts.DIGITALOCEAN_API_REQUESTS_PER_HOUR
            return errors.rate_limit_headers(limit - self._requests_in_window, int(self._window_start + 3600))

    def _changed(self) -> None:
        self.ctx.notify_changed()

    # ------------------------------------------------------------------ VPCs

    def _vpcs(self, request: Request, path: ApiPath) -> Answer:
        store, method = self.store, path.method_name(request.method)
        if method == "list":
            return Answer(200, _page(request, "vpcs", list(store.vpcs.values())))
        if method == "create":
            vpc = store.create_vpc(_body(request))
            self._changed()
            return Answer(201, {"vpc": vpc})
        if method == "get":
            return Answer(200, {"vpc": store.vpc(path.item)})
        if method in ("update", "patch"):
            return Answer(200, {"vpc": store.update_vpc(path.item, _body(request), partial=method == "patch")})
        if method == "delete":
            store.delete_vpc(path.item)
            self._changed()
            return Answer(204)
        if method == "list_members":
            return Answer(200, _page(request, "members", store.vpc_members(path.item)))
        raise not_found()

    # ------------------------------------------------------------------ Droplets

    def _droplets(self, request: Request, path: ApiPath) -> Answer:
        store, method = self.store, path.method_name(request.method)
        if method == "list":
            droplets = list(store.droplets.values())
            if request.args.get("tag_name"):
                droplets = store.droplets_tagged(request.args["tag_name"])
            if request.args.get("name"):
                droplets = [d for d in droplets if d.name == request.args["name"]]
            return Answer(200, _page(request, "droplets", [self._droplet_view(d) for d in droplets]))
        if method == "create":
            return self._create_droplets(request)
        if method == "destroy_by_tag":
            tag = request.args.get("tag_name")
            if not tag:
                raise unprocessable("tag_name is required")
            for droplet in store.droplets_tagged(tag):
                store.destroy_droplet(droplet.id)
            self._changed()
            return Answer(204)
        droplet_id = _droplet_id(path.item)
        if method == "get":
            return Answer(200, {"droplet": self._droplet_view(store.droplet(droplet_id))})
        if method == "destroy":
            store.destroy_droplet(droplet_id)
            self._changed()
            return Answer(204)
        raise not_found()

    def _create_droplets(self, request: Request) -> Answer:
        body = _body(request)
        ready_at = self.ctx.delays.ready_at("digitalocean", "droplet")
        created = self.store.create_droplets(body, ready_at)
        self._changed()
        actions = [{"id": droplet.id, "rel": "create", "href": f"{request.host_url}v2/actions/{droplet.id}"} for droplet in created]
        views = [self._droplet_view(droplet) for droplet in created]
        if body.get("names"):
            return Answer(202, {"droplets": views, "links": {"actions": actions}})
        return Answer(202, {"droplet": views[0], "links": {"actions": actions}})

    def _droplet_view(self, droplet) -> dict:
        return droplet_json(droplet, self.store.vpc(droplet.vpc_uuid))

    # ------------------------------------------------------------------ tags

    def _tags(self, request: Request, path: ApiPath) -> Answer:
        store, method = self.store, path.method_name(request.method)
        base = request.host_url
        if method == "list":
            return Answer(200, _page(request, "tags", [tag_json(n, ids, base) for n, ids in store.tags.items()]))
        if method == "create":
            name = _body(request).get("name", "")
            store.create_tag(name)
            return Answer(201, {"tag": tag_json(name, store.tags[name], base)})
        if method == "get":
            return Answer(200, {"tag": tag_json(path.item, store.tag(path.item), base)})
        if method == "delete":
            store.delete_tag(path.item)
            return Answer(204)
        if method in ("assign_resources", "unassign_resources"):
            store.tag(path.item)
            for droplet in store.resource_droplets(_body(request)):
                if method == "assign_resources":
                    store.tag_droplet(path.item, droplet)
                else:
                    store.untag_droplet(path.item, droplet)
            return Answer(204)
        raise not_found()

    # ------------------------------------------------------------------ firewalls

    def _firewalls(self, request: Request, path: ApiPath) -> Answer:
        store, method = self.store, path.method_name(request.method)
        ready_at = self.ctx.delays.ready_at("digitalocean", "firewall")
        if method == "list":
            return Answer(200, _page(request, "firewalls", [firewall_json(f) for f in store.firewalls.values()]))
        if method == "create":
            return Answer(202, {"firewall": firewall_json(store.create_firewall(_body(request), ready_at))})
        firewall = store.firewall(path.item)
        if method == "get":
            return Answer(200, {"firewall": firewall_json(firewall)})
        if method == "update":
            return Answer(200, {"firewall": firewall_json(store.replace_firewall(path.item, _body(request), ready_at))})
        if method == "delete":
            del store.firewalls[path.item]
            return Answer(204)
        body = _body(request)
        if method in ("assign_droplets", "delete_droplets"):
            self._edit_list(firewall, "droplet_ids", store.checked_droplet_ids(body.get("droplet_ids") or []), method == "assign_droplets")
        elif method in ("add_tags", "delete_tags"):
            self._edit_list(firewall, "tags", store.checked_tags(body.get("tags") or []), method == "add_tags")
        elif method == "add_rules":
            store.add_rules(firewall, body)
        elif method == "delete_rules":
            store.remove_rules(firewall, body)
        else:
            raise not_found()
        firewall["ready_at"] = ready_at
        return Answer(204)

    @staticmethod
    def _edit_list(firewall: dict, field: str, values: list, add: bool) -> None:
        if add:
            firewall[field].extend(value for value in values if value not in firewall[field])
        else:
            firewall[field] = [value for value in firewall[field] if value not in values]


def _body(request: Request) -> dict:
    raw = request.get_data(as_text=True)
    if not raw:
        return {}
    try:
        body = json.loads(raw)
    except ValueError:
        raise unprocessable("The request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise unprocessable("The request body must be a JSON object.")
    return body


def _droplet_id(text: str | None) -> int:
    try:
        return int(text or "")
    except ValueError:
        raise not_found() from None


def _page(request: Request, field: str, items: list) -> dict:
    """One page of a list, with DigitalOcean's ``links.pages`` and ``meta.total``."""
    per_page = max(1, min(200, request.args.get("per_page", 20, type=int)))
    page = max(1, request.args.get("page", 1, type=int))
    start = (page - 1) * per_page
    links: dict = {}
    if start + per_page < len(items):
        links["pages"] = {"next": f"{request.base_url}?page={page + 1}&per_page={per_page}",
                          "last": f"{request.base_url}?page={-(-len(items) // per_page)}&per_page={per_page}"}
    return {field: items[start:start + per_page], "links": links, "meta": {"total": len(items)}}
