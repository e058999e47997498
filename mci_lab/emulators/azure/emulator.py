"""The Azure emulator as the lab serves it: WSGI, request naming, fault answers, data plane model."""
from __future__ import annotations

import json
import time
import uuid
from typing import Callable, Iterable

from werkzeug.wrappers import Request, Response

from mci_lab.dataplane.model import Topology
from mci_lab.emulators.azure.arm import ACTIONS, CHILD_TYPES, NETWORK_TYPES, ArmError, ArmPath, error_json, parse_path
from mci_lab.emulators.azure.cloud import AzureCloud
from mci_lab.emulators.azure.dataplane import topology
from mci_lab.emulators.base import ErrorResponse, LabContext, Operation

# Throttled clients wait this long. Whole seconds, as ARM sends them: the SDK reads Retry-After
# as an integer on some answers, so a decimal would break clients rather than speed them up.
THROTTLE_RETRY_AFTER = "1"
VERBS = {"PUT": "createOrUpdate", "GET": "get", "DELETE": "delete", "PATCH": "updateTags", "HEAD": "checkExistence"}
READ_ONLY_ACTIONS = {"getBgpPeerStatus", "getLearnedRoutes", "getEffectiveRouteTable"}


class AzureEmulator:
    """ARM Microsoft.Network for the SDKs: ``NetworkManagementClient(base_url=endpoint, ...)``."""

    cloud = "azure"

    def __init__(self, ctx: LabContext) -> None:
        self.ctx = ctx
        self.azure = AzureCloud(ctx)

    # ----------------------------------------------------------------------- serving

    def wsgi_app(self) -> Callable[[dict, Callable], Iterable[bytes]]:
        return self._app

    def _app(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        return self._respond(Request(environ))(environ, start_response)

    def _respond(self, request: Request) -> Response:
        try:
            path = parse_path(request.path)
            if path is None:
                raise ArmError(404, "InvalidResourceType",
                               f"The resource type of '{request.path}' is not served by the lab's Microsoft.Network emulator.")
            answer = self.azure.handle(request.method, path, _json_body(request), request.host_url.rstrip("/"), request.args)
        except ArmError as error:
            return _response(error.status, error.body(), [])
        body = b"" if answer.body is None or request.method == "HEAD" else json.dumps(answer.body).encode()
        return _response(answer.status, body, answer.headers)

    # ----------------------------------------------------------------------- lab contract

    def classify(self, request: Request) -> Operation:
        return classify_path(request.method, parse_path(request.path))

    def throttle_response(self) -> ErrorResponse:
        body = error_json("TooManyRequests", "The request is being throttled as the limit has been reached for operation "
                                             "type. Please retry after the time given in the Retry-After header.")
        return ErrorResponse(429, body, (("Content-Type", "application/json"), ("Retry-After", THROTTLE_RETRY_AFTER),
                                         ("x-ms-ratelimit-remaining-subscription-reads", "0")))

    def server_error_response(self) -> ErrorResponse:
        body = error_json("InternalServerError", "An error occurred while processing the request. Please retry.")
        return ErrorResponse(500, body)

    def dataplane_model(self) -> Topology:
        with self.azure.lock:
            return topology(self.azure, time.time())


def classify_path(method: str, path: ArmPath | None) -> Operation:
    """Operation names as the SDK's operation groups: "virtualNetworkGateways.createOrUpdate"."""
    if path is None:
        return Operation("unknown", method in ("PUT", "PATCH", "DELETE", "POST"))
    if path.is_operation:
        return Operation("operations.get" if path.operation_kind == "operations" else "operationResults.get", False)
    if path.is_resource_group:
        return Operation(f"resourceGroups.{VERBS.get(method, method.lower())}", method in ("PUT", "PATCH", "DELETE"))
    group = NETWORK_TYPES[path.collection][1]
    if path.action:
        name = ACTIONS[(path.collection, path.action)]
        if name == "sharedKey":
            name = "setSharedKey" if method == "PUT" else "getSharedKey"
        return Operation(f"{group}.{name}", name not in READ_ONLY_ACTIONS and name != "getSharedKey")
    if path.child_collection:
        group = CHILD_TYPES[path.collection][path.child_collection][1]
        if not path.child_name:
            return Operation(f"{group}.list", False)
    elif not path.name:
        return Operation(f"{group}.{'list' if path.resource_group else 'listAll'}", False)
    return Operation(f"{group}.{VERBS.get(method, method.lower())}", method in ("PUT", "PATCH", "DELETE"))


def _json_body(request: Request) -> dict:
    raw = request.get_data()
    if not raw:
        return {}
    try:
        body = json.loads(raw)
    except ValueError:
        raise ArmError(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized.") from None
    if not isinstance(body, dict):
        raise ArmError(400, "InvalidRequestContent", "The request content must be a JSON object.")
    return body


def _response(status: int, body: bytes, headers: list[tuple[str, str]]) -> Response:
    response = Response(body, status=status, content_type="application/json" if body else None)
    for name, value in headers:
        response.headers[name] = value
    response.headers["x-ms-request-id"] = str(uuid.uuid4())
    return response


def build(ctx: LabContext) -> AzureEmulator:
    return AzureEmulator(ctx)
