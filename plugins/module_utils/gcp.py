# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""GCP SDK wiring: Compute client factory, retries, operations, error mapping, one function per API call.

Modules never talk to google-cloud-compute directly. Every API call is one function below, wrapped by
``gcp_api`` which turns google-api-core errors into ``CloudError`` (the one error type modules catch).

- Clients use the REST transport. Credentials come from google-auth's default chain
  (GOOGLE_APPLICATION_CREDENTIALS, gcloud's application default credentials, the metadata server) or
  an explicit key file; anonymous credentials are used only for a plain-http loopback ``api_endpoint``
  (the lab), and plain http is refused for any other host.
- Retries are google-api-core's own ``Retry`` (jittered exponential backoff) with a predicate for
  throttling (429, 403 ``rateLimitExceeded``) and 5xx. Every mutating request carries a fresh
  ``requestId``, so a retried insert or delete is applied once.
- Mutations use the ``*_unary`` methods and are awaited through the Region/GlobalOperations clients of
  this session, built with the same client options: the SDK's own ``ExtendedOperation.result()``
  builds its pollers without them and would poll compute.googleapis.com even for another endpoint.

API resources are handled as plain dicts with the SDK's snake_case field names
(``compute_v1.Router.to_dict(..., preserving_proto_field_name=True)``).
"""
from __future__ import annotations

import copy
import functools
import ipaddress
import re
import traceback
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.multicloud.interconnect.plugins.module_utils import cloud_facts as facts
from ansible_collections.multicloud.interconnect.plugins.module_utils.diff import build_diff, differing_fields, drop_unset
from ansible_collections.multicloud.interconnect.plugins.module_utils.endpoints import endpoint_url_problem, is_lab_endpoint
from ansible_collections.multicloud.interconnect.plugins.module_utils.errors import CloudError
from ansible_collections.multicloud.interconnect.plugins.module_utils.waiters import wait_for

try:
    import google.auth
    import requests
    from google.api_core import exceptions as google_exceptions
    from google.api_core.client_options import ClientOptions
    from google.api_core.gapic_v1.client_info import ClientInfo
    from google.api_core.retry import Retry
    from google.auth.credentials import AnonymousCredentials
    from google.auth.exceptions import GoogleAuthError
    from google.cloud import compute_v1
    from google.oauth2 import service_account
    HAS_GOOGLE_CLOUD_COMPUTE = True
    GOOGLE_IMPORT_ERROR = None
except ImportError:
    HAS_GOOGLE_CLOUD_COMPUTE = False
    GOOGLE_IMPORT_ERROR = traceback.format_exc()

CLOUD = "gcp"
USER_AGENT_PRODUCT = "multicloud.interconnect"
COMPUTE_SCOPE = "https://www.googleapis.com/auth/compute"

# Seconds between operation reads and before the first retry: the lab answers in milliseconds,
# Compute in seconds (HA VPN resources take 12-38 s, CLOUD_FACTS.md 1.3 "Provisioning").
LAB_POLL_DELAY = 0.2
CLOUD_POLL_DELAY = 2.0
# Seconds between reads while waiting for a tunnel to come up (minutes on a real cloud).
LAB_STATUS_DELAY = 0.5
CLOUD_STATUS_DELAY = 10.0
LAB_RETRY_INITIAL = 0.2
CLOUD_RETRY_INITIAL = 1.0
RETRY_MAXIMUM = 32.0
RETRY_MULTIPLIER = 2.0

# Error reasons Compute uses for throttling: ``errors[].reason`` (classic 403) or ErrorInfo (429).
RATE_LIMIT_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded", "RATE_LIMIT_EXCEEDED"})

# Options every GCP module takes; documented once in plugins/doc_fragments/gcp.py.
GCP_COMMON_ARGUMENT_SPEC: dict[str, dict] = dict(
    project=dict(type="str", fallback=(env_fallback, ["GCP_PROJECT", "GOOGLE_CLOUD_PROJECT", "CLOUDSDK_CORE_PROJECT"])),
    region=dict(type="str", fallback=(env_fallback, ["GCP_REGION", "CLOUDSDK_COMPUTE_REGION"])),
    api_endpoint=dict(type="str", fallback=(env_fallback, ["GCP_API_ENDPOINT"])),
    credentials_file=dict(type="path", aliases=["service_account_file"]),
    retry_timeout=dict(type="int", default=120),
    wait_timeout=dict(type="int", default=600),
)


# --------------------------------------------------------------------------- module and session


def gcp_module(argument_spec: dict, **kwargs: Any) -> AnsibleModule:
    """An AnsibleModule with the common GCP options; fails early when the SDK is missing."""
    spec = dict(GCP_COMMON_ARGUMENT_SPEC)
    spec.update(argument_spec)
    module = AnsibleModule(argument_spec=spec, **kwargs)
    if not HAS_GOOGLE_CLOUD_COMPUTE:
        module.fail_json(msg=missing_required_lib("google-cloud-compute and google-auth"), exception=GOOGLE_IMPORT_ERROR)
    return module


def nested_connection_option(**dict_option: Any) -> dict:
    """The common GCP options as one dict option (O(gcp)) of a module that reads several clouds.

    Documented by the doc fragment C(multicloud.interconnect.nested_connections.gcp_option); ``dict_option`` adds
    keys of the dict option itself, such as its default.
    """
    options = copy.deepcopy(GCP_COMMON_ARGUMENT_SPEC)
    options.pop("wait_timeout")  # for write operations; a module that nests these only reads
    return dict(type="dict", options=options, **dict_option)


def api_endpoint_problem(api_endpoint: str | None) -> str | None:
    """Why ``api_endpoint`` cannot be used: it must be an http(s) URL, plain http only on loopback."""
    return endpoint_url_problem(api_endpoint,
                                not_http_url="api_endpoint: must be an http(s) URL such as https://compute.googleapis.com (got %r)",
                                plain_http_off_loopback="api_endpoint: plain http is only allowed for a loopback lab endpoint (got %r)")


def retry_predicate(error: Exception) -> bool:
    """Throttling (429, 403 rateLimitExceeded) and server errors (5xx) are worth another try."""
    if isinstance(error, google_exceptions.TooManyRequests):
        return True
    if isinstance(error, google_exceptions.ServerError):
        return True
    if isinstance(error, google_exceptions.Forbidden):
        return bool(RATE_LIMIT_REASONS.intersection(error_reasons(error)))
    return False


def make_retry(timeout: float, initial: float) -> Any:
    """google-api-core's jittered exponential backoff, for ``timeout`` seconds per call."""
    return Retry(predicate=retry_predicate, initial=initial, maximum=RETRY_MAXIMUM, multiplier=RETRY_MULTIPLIER, timeout=timeout)


@dataclass
class GcpSession:
    """What every API function needs: clients on one endpoint, the project, the region, the patience."""

    project: str
    region: str | None
    credentials: Any
    client_options: Any
    client_info: Any
    retry: Any
    wait_timeout: float
    poll_delay: float
    status_delay: float
    clients: dict = field(default_factory=dict)

    def client(self, class_name: str) -> Any:
        """A compute_v1 client (e.g. ``RoutersClient``) on this session's endpoint, built once."""
        if class_name not in self.clients:
            client_class = getattr(compute_v1, class_name)
            self.clients[class_name] = client_class(credentials=self.credentials, transport="rest",
                                                    client_options=self.client_options, client_info=self.client_info)
        return self.clients[class_name]


def credentials_and_project(params: Mapping[str, Any]) -> tuple[Any, str | None]:
    """Anonymous for the lab; otherwise the service account key given, else google-auth's default chain."""
    if is_lab_endpoint(params.get("api_endpoint")):
        return AnonymousCredentials(), None
    try:
        if params.get("credentials_file"):
            credentials = service_account.Credentials.from_service_account_file(params["credentials_file"], scopes=[COMPUTE_SCOPE])
            return credentials, credentials.project_id
        return google.auth.default(scopes=[COMPUTE_SCOPE])
    except (GoogleAuthError, OSError, ValueError, KeyError) as error:
        raise CloudError("%s: %s" % (type(error).__name__, error), cloud=CLOUD, operation="load credentials", code="credentials") from error


def compute_session(module: AnsibleModule, *, regional: bool = True) -> GcpSession:
    """The session for a module's connection options; regional modules need ``region``."""
    params = module.params
    problem = api_endpoint_problem(params.get("api_endpoint"))
    if problem:
        raise ValueError(problem)
    if regional and not params.get("region"):
        raise ValueError("region: required (or set GCP_REGION), for example us-east1")
    lab = is_lab_endpoint(params.get("api_endpoint"))
    if lab and not params.get("project"):
        raise ValueError("project: required with a lab api_endpoint (or set GCP_PROJECT)")
    credentials, default_project = credentials_and_project(params)
    project = params.get("project") or default_project
    if not project:
        raise ValueError("project: required; the credentials do not name one (or set GCP_PROJECT)")
    options = ClientOptions(api_endpoint=params["api_endpoint"]) if params.get("api_endpoint") else ClientOptions()
    module_name = getattr(module, "_name", None) or "module"
    return GcpSession(
        project=project,
        region=params.get("region"),
        credentials=credentials,
        client_options=options,
        client_info=ClientInfo(user_agent="%s/%s" % (USER_AGENT_PRODUCT, module_name)),
        retry=make_retry(params.get("retry_timeout") or 120, LAB_RETRY_INITIAL if lab else CLOUD_RETRY_INITIAL),
        wait_timeout=params.get("wait_timeout") or 600,
        poll_delay=LAB_POLL_DELAY if lab else CLOUD_POLL_DELAY,
        status_delay=LAB_STATUS_DELAY if lab else CLOUD_STATUS_DELAY,
    )


# --------------------------------------------------------------------------- error mapping


def error_reasons(error: Exception) -> list[str]:
    """Compute's error reasons: ``errors[].reason`` of the JSON answer, then the ErrorInfo reason."""
    reasons = []
    for item in getattr(error, "errors", None) or []:
        reason = item.get("reason") if isinstance(item, Mapping) else getattr(item, "reason", None)
        if reason:
            reasons.append(reason)
    info_reason = getattr(error, "reason", None)
    if info_reason:
        reasons.append(info_reason)
    return reasons


def to_cloud_error(error: Exception, operation: str) -> CloudError:
    """One CloudError from a google-api-core exception: the reason as code, the HTTP status."""
    if isinstance(error, google_exceptions.RetryError):
        cause = error.cause
        message = "gave up retrying: %s" % (getattr(cause, "message", None) or cause or error.message)
        reasons = error_reasons(cause) if cause is not None else []
        return CloudError(message, cloud=CLOUD, operation=operation, code=reasons[0] if reasons else "retryTimeout",
                          status=getattr(cause, "code", None) if isinstance(getattr(cause, "code", None), int) else None)
    reasons = error_reasons(error)
    status = getattr(error, "code", None)
    return CloudError(getattr(error, "message", None) or str(error), cloud=CLOUD, operation=operation,
                      code=reasons[0] if reasons else None, status=status if isinstance(status, int) else None)


_RAISE = object()


def gcp_api(operation: str, *, when_not_found: Any = _RAISE) -> Callable:
    """Decorate one API call: SDK errors become CloudError.

    With ``when_not_found`` a 404 returns that value instead: reading what does not exist is None,
    deleting what is already gone is success (False: nothing was deleted).
    """
    def decorate(call: Callable) -> Callable:
        @functools.wraps(call)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return call(*args, **kwargs)
            except google_exceptions.NotFound as error:
                if when_not_found is not _RAISE:
                    return copy.deepcopy(when_not_found)
                raise to_cloud_error(error, operation) from error
            except google_exceptions.GoogleAPIError as error:
                raise to_cloud_error(error, operation) from error
            except requests.exceptions.RequestException as error:
                raise CloudError(str(error), cloud=CLOUD, operation=operation, code="connectionError") from error
        return wrapper
    return decorate


# --------------------------------------------------------------------------- resources as dicts


def plain(message: Any) -> dict:
    """A compute_v1 message as a dict with snake_case field names."""
    return type(message).to_dict(message, preserving_proto_field_name=True, use_integers_for_enums=False)


_REFERENCE = re.compile(r"projects/[^/]+/(?:global|regions/[^/]+|zones/[^/]+)/[A-Za-z]+/[^/?#]+$")


def reference_path(value: str | None, *, project: str, scope: str, collection: str) -> str | None:
    """A reference as ``projects/P/<scope>/<collection>/<name>``, from a name, a partial path or a URL.

    Compute accepts this form for every reference field; module output uses it too, so results do
    not depend on the endpoint a run used.
    """
    if not value:
        return value
    value = value.strip().rstrip("/")
    match = _REFERENCE.search(value)
    if match:
        return match.group(0)
    if "/" in value:
        return "projects/%s/%s" % (project, value.lstrip("/"))
    return "projects/%s/%s/%s/%s" % (project, scope, collection, value)


def link_path(link: str | None) -> str | None:
    """The ``projects/...`` part of a self link (None and unknown forms pass through)."""
    if not link:
        return link or None
    match = _REFERENCE.search(link.rstrip("/"))
    return match.group(0) if match else link


def short_name(link: str | None) -> str | None:
    """The last segment of a link (a region's or a resource's own name)."""
    return link.rstrip("/").rsplit("/", 1)[-1] if link else None


def _request_id() -> str:
    """A fresh requestId: Compute applies a retried mutation with the same id once."""
    return str(uuid.uuid4())


# --------------------------------------------------------------------------- operations


def operation_is_done(operation: Any) -> bool:
    return operation is not None and operation.status == compute_v1.Operation.Status.DONE


def describe_operation(operation: Any) -> str:
    return "operation %s is %s" % (operation.name, compute_v1.Operation.Status(operation.status).name)


def operation_failure(operation: Any, operation_name: str) -> CloudError | None:
    """The error of a finished operation (Compute reports failures there, not in the HTTP answer)."""
    errors = list(operation.error.errors) if "error" in operation else []
    if not errors and not operation.http_error_status_code:
        return None
    first = errors[0] if errors else None
    message = "; ".join(item.message for item in errors if item.message) or operation.http_error_message or "operation failed"
    return CloudError(message, cloud=CLOUD, operation=operation_name, code=first.code if first else None,
                      status=operation.http_error_status_code or None)


@gcp_api("get operation")
def get_operation(session: GcpSession, operation: Any) -> Any:
    """Re-read an operation through this session's own operations client (never another endpoint)."""
    if operation.region:
        return session.client("RegionOperationsClient").get(
            project=session.project, region=short_name(operation.region), operation=operation.name, retry=session.retry)
    return session.client("GlobalOperationsClient").get(project=session.project, operation=operation.name, retry=session.retry)


def await_operation(session: GcpSession, operation: Any, *, what: str, operation_name: str) -> None:
    """Wait for an operation within the session's ``wait_timeout``; raise its error if it failed."""
    finished = operation
    if not operation_is_done(operation):
        finished = wait_for(lambda: get_operation(session, operation), operation_is_done, what=what, wanted="DONE",
                            timeout=session.wait_timeout, delay=session.poll_delay, describe=describe_operation)
    failure = operation_failure(finished, operation_name)
    if failure is not None:
        raise failure


# --------------------------------------------------------------------------- HA VPN gateways


@gcp_api("get vpn gateway", when_not_found=None)
def get_vpn_gateway(session: GcpSession, name: str) -> dict | None:
    client = session.client("VpnGatewaysClient")
    return plain(client.get(project=session.project, region=session.region, vpn_gateway=name, retry=session.retry))


@gcp_api("list vpn gateways")
def list_vpn_gateways(session: GcpSession, filter_expression: str = "") -> list[dict]:
    request = compute_v1.ListVpnGatewaysRequest(project=session.project, region=session.region, filter=filter_expression)
    return [plain(item) for item in session.client("VpnGatewaysClient").list(request=request, retry=session.retry)]


@gcp_api("insert vpn gateway")
def insert_vpn_gateway(session: GcpSession, body: dict) -> None:
    request = compute_v1.InsertVpnGatewayRequest(project=session.project, region=session.region,
                                                 vpn_gateway_resource=compute_v1.VpnGateway(body), request_id=_request_id())
    operation = session.client("VpnGatewaysClient").insert_unary(request=request, retry=session.retry)
    await_operation(session, operation, what="creation of HA VPN gateway %s" % body["name"], operation_name="insert vpn gateway")


@gcp_api("delete vpn gateway", when_not_found=False)
def delete_vpn_gateway(session: GcpSession, name: str) -> bool:
    request = compute_v1.DeleteVpnGatewayRequest(project=session.project, region=session.region, vpn_gateway=name, request_id=_request_id())
    operation = session.client("VpnGatewaysClient").delete_unary(request=request, retry=session.retry)
    await_operation(session, operation, what="deletion of HA VPN gateway %s" % name, operation_name="delete vpn gateway")
    return True


def normalize_vpn_gateway(raw: Mapping[str, Any]) -> dict:
    interfaces = sorted(({"id": item.get("id", 0), "ip_address": item.get("ip_address")} for item in raw.get("vpn_interfaces") or []),
                        key=lambda item: item["id"])
    return {
        "name": raw.get("name"),
        "id": raw.get("id"),
        "self_link": raw.get("self_link"),
        "region": short_name(raw.get("region")),
        "network": link_path(raw.get("network")),
        "description": raw.get("description", ""),
        "stack_type": raw.get("stack_type"),
        "interfaces": interfaces,
        "ip_addresses": [item["ip_address"] for item in interfaces],
    }


# --------------------------------------------------------------------------- external VPN gateways


@gcp_api("get external vpn gateway", when_not_found=None)
def get_external_vpn_gateway(session: GcpSession, name: str) -> dict | None:
    client = session.client("ExternalVpnGatewaysClient")
    return plain(client.get(project=session.project, external_vpn_gateway=name, retry=session.retry))


@gcp_api("list external vpn gateways")
def list_external_vpn_gateways(session: GcpSession, filter_expression: str = "") -> list[dict]:
    request = compute_v1.ListExternalVpnGatewaysRequest(project=session.project, filter=filter_expression)
    return [plain(item) for item in session.client("ExternalVpnGatewaysClient").list(request=request, retry=session.retry)]


@gcp_api("insert external vpn gateway")
def insert_external_vpn_gateway(session: GcpSession, body: dict) -> None:
    request = compute_v1.InsertExternalVpnGatewayRequest(project=session.project, request_id=_request_id(),
                                                         external_vpn_gateway_resource=compute_v1.ExternalVpnGateway(body))
    operation = session.client("ExternalVpnGatewaysClient").insert_unary(request=request, retry=session.retry)
    await_operation(session, operation, what="creation of external VPN gateway %s" % body["name"],
                    operation_name="insert external vpn gateway")


@gcp_api("delete external vpn gateway", when_not_found=False)
def delete_external_vpn_gateway(session: GcpSession, name: str) -> bool:
    request = compute_v1.DeleteExternalVpnGatewayRequest(project=session.project, external_vpn_gateway=name, request_id=_request_id())
    operation = session.client("ExternalVpnGatewaysClient").delete_unary(request=request, retry=session.retry)
    await_operation(session, operation, what="deletion of external VPN gateway %s" % name, operation_name="delete external vpn gateway")
    return True


def normalize_external_vpn_gateway(raw: Mapping[str, Any]) -> dict:
    return {
        "name": raw.get("name"),
        "id": raw.get("id"),
        "self_link": raw.get("self_link"),
        "description": raw.get("description", ""),
        "redundancy_type": raw.get("redundancy_type"),
        "interfaces": external_interfaces(raw.get("interfaces") or []),
    }


def external_interfaces(interfaces: Iterable[Mapping[str, Any]]) -> list[dict]:
    """``[{id, ip_address}]`` ordered by id (a missing id is 0, as Compute reads it)."""
    return sorted(({"id": item.get("id") or 0, "ip_address": item.get("ip_address")} for item in interfaces), key=lambda item: item["id"])


def external_gateway_problems(redundancy_type: str | None, interfaces: list[dict] | None) -> list[str]:
    """The interface list must fit the redundancy type (count and ids 0..n-1) and use public IPv4 addresses."""
    problems: list[str] = []
    if interfaces is None:
        return problems
    expected = facts.GCP_EXTERNAL_GATEWAY_INTERFACES.get(redundancy_type or "")
    if expected is not None and len(interfaces) != expected:
        problems.append("interfaces: redundancy_type %s takes exactly %d interface(s), got %d" % (redundancy_type, expected, len(interfaces)))
    ids = [item.get("id") if item.get("id") is not None else index for index, item in enumerate(interfaces)]
    if expected is not None and len(interfaces) == expected and sorted(ids) != list(range(expected)):
        problems.append("interfaces: ids must be 0 to %d, each used once (got %s)" % (expected - 1, ids))
    for index, item in enumerate(interfaces):
        problem = public_address_problem(item.get("ip_address"))
        if problem:
            problems.append("interfaces[%d].ip_address: %s (got %r)" % (index, problem, item.get("ip_address")))
    return problems


def public_address_problem(address: str | None) -> str | None:
    """Why ``address`` cannot be a peer VPN gateway's address (Compute wants a public IPv4 one)."""
    if not address:
        return "required"
    try:
        parsed = ipaddress.IPv4Address(address)
    except ValueError:
        return "not an IPv4 address"
    for cidr in facts.GCP_PEER_FORBIDDEN_CIDRS:
        if parsed in ipaddress.ip_network(cidr):
            return "must be a public address; %s is not allowed" % cidr
    if parsed.is_loopback or parsed.is_link_local or parsed.is_multicast or parsed.is_unspecified or parsed.is_reserved:
        return "must be a public unicast address"
    return None


# --------------------------------------------------------------------------- Cloud Routers


@gcp_api("get router", when_not_found=None)
def get_router(session: GcpSession, name: str) -> dict | None:
    return plain(session.client("RoutersClient").get(project=session.project, region=session.region, router=name, retry=session.retry))


@gcp_api("list routers")
def list_routers(session: GcpSession, filter_expression: str = "") -> list[dict]:
    request = compute_v1.ListRoutersRequest(project=session.project, region=session.region, filter=filter_expression)
    return [plain(item) for item in session.client("RoutersClient").list(request=request, retry=session.retry)]


@gcp_api("get router status", when_not_found=None)
def get_router_status(session: GcpSession, name: str) -> dict | None:
    response = session.client("RoutersClient").get_router_status(project=session.project, region=session.region, router=name,
                                                                 retry=session.retry)
    return plain(response.result)


@gcp_api("insert router")
def insert_router(session: GcpSession, body: dict) -> None:
    request = compute_v1.InsertRouterRequest(project=session.project, region=session.region, router_resource=compute_v1.Router(body),
                                             request_id=_request_id())
    operation = session.client("RoutersClient").insert_unary(request=request, retry=session.retry)
    await_operation(session, operation, what="creation of router %s" % body["name"], operation_name="insert router")


@gcp_api("patch router")
def patch_router(session: GcpSession, name: str, changes: dict) -> None:
    """routers.patch (JSON merge patch): fields left out keep their value; a list sent replaces the list."""
    request = compute_v1.PatchRouterRequest(project=session.project, region=session.region, router=name,
                                            router_resource=compute_v1.Router(changes), request_id=_request_id())
    operation = session.client("RoutersClient").patch_unary(request=request, retry=session.retry)
    await_operation(session, operation, what="update of router %s" % name, operation_name="patch router")


@gcp_api("update router")
def update_router(session: GcpSession, name: str, body: dict) -> None:
    """routers.update (PUT): needed to empty a list, which a patch cannot express (empty lists are not sent)."""
    request = compute_v1.UpdateRouterRequest(project=session.project, region=session.region, router=name,
                                             router_resource=compute_v1.Router(body), request_id=_request_id())
    operation = session.client("RoutersClient").update_unary(request=request, retry=session.retry)
    await_operation(session, operation, what="update of router %s" % name, operation_name="update router")


@gcp_api("delete router", when_not_found=False)
def delete_router(session: GcpSession, name: str) -> bool:
    request = compute_v1.DeleteRouterRequest(project=session.project, region=session.region, router=name, request_id=_request_id())
    operation = session.client("RoutersClient").delete_unary(request=request, retry=session.retry)
    await_operation(session, operation, what="deletion of router %s" % name, operation_name="delete router")
    return True


def _ip_ranges(items: Iterable[Mapping[str, Any]]) -> list[dict]:
    """Advertised ranges as ``{range, description}`` (the SDK spells the field ``range_``)."""
    return [{"range": item.get("range_", item.get("range")), "description": item.get("description") or ""} for item in items or []]


def normalize_bgp(raw: Mapping[str, Any] | None) -> dict | None:
    if not raw:
        return None
    return {
        "asn": raw.get("asn"),
        "advertise_mode": raw.get("advertise_mode"),
        "advertised_groups": list(raw.get("advertised_groups") or []),
        "advertised_ip_ranges": _ip_ranges(raw.get("advertised_ip_ranges")),
        "keepalive_interval": raw.get("keepalive_interval"),
    }


def normalize_interface(raw: Mapping[str, Any]) -> dict:
    return {
        "name": raw.get("name"),
        "ip_range": raw.get("ip_range"),
        "linked_vpn_tunnel": link_path(raw.get("linked_vpn_tunnel")),
        "management_type": raw.get("management_type"),
    }


def normalize_bfd(raw: Mapping[str, Any] | None) -> dict | None:
    if not raw:
        return None
    return {key: raw.get(key) for key in ("session_initialization_mode", "min_transmit_interval", "min_receive_interval", "multiplier")}


def normalize_bgp_peer(raw: Mapping[str, Any]) -> dict:
    enable = raw.get("enable")
    return {
        "name": raw.get("name"),
        "interface_name": raw.get("interface_name"),
        "ip_address": raw.get("ip_address"),
        "peer_ip_address": raw.get("peer_ip_address"),
        "peer_asn": raw.get("peer_asn"),
        "advertised_route_priority": raw.get("advertised_route_priority"),
        "enable": None if enable is None else enable == "TRUE",
        "bfd": normalize_bfd(raw.get("bfd")),
        "management_type": raw.get("management_type"),
    }


def normalize_router(raw: Mapping[str, Any]) -> dict:
    return {
        "name": raw.get("name"),
        "id": raw.get("id"),
        "self_link": raw.get("self_link"),
        "region": short_name(raw.get("region")),
        "network": link_path(raw.get("network")),
        "description": raw.get("description", ""),
        "bgp": normalize_bgp(raw.get("bgp")),
        "interfaces": [normalize_interface(item) for item in raw.get("interfaces") or []],
        "bgp_peers": [normalize_bgp_peer(item) for item in raw.get("bgp_peers") or []],
    }


def desired_bgp(option: Mapping[str, Any] | None) -> dict | None:
    """The ``bgp`` fields the user gave, in API shape (None: leave BGP settings alone)."""
    if option is None:
        return None
    wanted = drop_unset({key: option.get(key) for key in ("asn", "advertise_mode", "advertised_groups", "keepalive_interval")})
    if option.get("advertised_ip_ranges") is not None:
        wanted["advertised_ip_ranges"] = _ip_ranges(option["advertised_ip_ranges"])
    return wanted


def desired_interface(option: Mapping[str, Any], project: str, region: str) -> dict:
    """The interface fields the user gave, in API shape."""
    wanted = {"name": option["name"]}
    if option.get("ip_range") is not None:
        wanted["ip_range"] = option["ip_range"]
    if option.get("linked_vpn_tunnel") is not None:
        wanted["linked_vpn_tunnel"] = reference_path(option["linked_vpn_tunnel"], project=project, scope="regions/%s" % region,
                                                     collection="vpnTunnels")
    return wanted


PEER_SCALAR_FIELDS = ("interface_name", "ip_address", "peer_ip_address", "peer_asn", "advertised_route_priority")
BFD_FIELDS = ("session_initialization_mode", "min_transmit_interval", "min_receive_interval", "multiplier")


def desired_bgp_peer(option: Mapping[str, Any]) -> dict:
    """The BGP peer fields the user gave, in API shape (``enable`` is Compute's "TRUE"/"FALSE")."""
    wanted = {"name": option["name"]}
    wanted.update(drop_unset({key: option.get(key) for key in PEER_SCALAR_FIELDS}))
    if option.get("enable") is not None:
        wanted["enable"] = "TRUE" if option["enable"] else "FALSE"
    if option.get("bfd") is not None:
        bfd = drop_unset({key: option["bfd"].get(key) for key in BFD_FIELDS})
        if bfd:
            wanted["bfd"] = bfd
    return wanted


def comparable_interface(raw: Mapping[str, Any]) -> dict:
    """An existing interface with references as paths, so it compares with ``desired_interface``."""
    item = dict(raw)
    if item.get("linked_vpn_tunnel"):
        item["linked_vpn_tunnel"] = link_path(item["linked_vpn_tunnel"])
    return item


@dataclass
class MergeResult:
    """A named list after a merge, and what the merge did to it."""

    items: list
    added: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    removed: list = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


def merge_named(current: list[dict], wanted: list[dict] | None, purge: bool) -> MergeResult:
    """Merge ``wanted`` items into ``current`` by name.

    A named item that exists gets only the fields given (nested dicts merge, so one BFD setting
    keeps the others); a new name is appended; items not named are kept, unless ``purge``.
    ``wanted`` None leaves the list alone.
    """
    if wanted is None:
        return MergeResult(items=copy.deepcopy(current))
    wanted_by_name = {item["name"]: item for item in wanted}
    result = MergeResult(items=[])
    for item in current:
        name = item.get("name")
        if name in wanted_by_name:
            changes = differing_fields(item, wanted_by_name[name])
            if changes:
                result.updated.append(name)
            result.items.append(_merge_item(item, changes))
        elif purge:
            result.removed.append(name)
        else:
            result.items.append(copy.deepcopy(item))
    known = {item.get("name") for item in current}
    for item in wanted:
        if item["name"] not in known:
            result.added.append(item["name"])
            result.items.append(copy.deepcopy(item))
    return result


def _merge_item(current: Mapping[str, Any], changes: Mapping[str, Any]) -> dict:
    merged = copy.deepcopy(dict(current))
    for key, value in changes.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge_item(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


# --------------------------------------------------------------------------- router input rules


def _range_problem(field_name: str, value: int | None, bounds: tuple) -> str | None:
    if value is None or bounds[0] <= value <= bounds[1]:
        return None
    return "%s: must be %d-%d (got %d)" % (field_name, bounds[0], bounds[1], value)


def bgp_problems(option: Mapping[str, Any] | None) -> list[str]:
    """Cloud Router BGP settings: a private ASN, a keepalive Compute accepts, valid advertised ranges."""
    if not option:
        return []
    problems = []
    if option.get("asn") is not None:
        problem = facts.asn_problem("gcp", option["asn"])
        if problem:
            problems.append("bgp.asn: %s (got %d)" % (problem, option["asn"]))
    problem = _range_problem("bgp.keepalive_interval", option.get("keepalive_interval"), facts.GCP_BGP_KEEPALIVE_RANGE_SECONDS)
    if problem:
        problems.append(problem)
    for index, item in enumerate(option.get("advertised_ip_ranges") or []):
        try:
            ipaddress.ip_network(item.get("range"), strict=True)
        except (TypeError, ValueError) as error:
            problems.append("bgp.advertised_ip_ranges[%d].range: not a network (%s) (got %r)" % (index, error, item.get("range")))
    return problems


def advertise_mode_problem(effective_mode: str | None, option: Mapping[str, Any] | None) -> str | None:
    """Advertised groups and ranges only apply in CUSTOM mode."""
    if not option or effective_mode == "CUSTOM":
        return None
    if option.get("advertised_groups") or option.get("advertised_ip_ranges"):
        return "bgp.advertise_mode: advertised_groups and advertised_ip_ranges need advertise_mode=CUSTOM (got %s)" % (effective_mode or "DEFAULT")
    return None


def interface_range_problem(ip_range: str | None) -> str | None:
    """A VPN interface's ``ip_range`` is the router's address on a link-local /30, e.g. 169.254.10.1/30."""
    if ip_range is None:
        return None
    try:
        interface = ipaddress.IPv4Interface(ip_range)
    except ValueError:
        return "must be an IPv4 address with its prefix length, e.g. 169.254.10.1/30"
    problem = facts.inside_cidr_problem("gcp", str(interface.network))
    if problem:
        return problem
    if interface.ip in (interface.network.network_address, interface.network.broadcast_address):
        return "%s is not a usable address of %s" % (interface.ip, interface.network)
    return None


def peer_asn_problem(asn: int | None) -> str | None:
    """A peer may use any 16- or 32-bit ASN that IANA has not reserved."""
    if asn is None:
        return None
    if not 1 <= asn <= 4294967294 or any(low <= asn <= high for low, high in facts.IANA_RESERVED_ASN_RANGES):
        return "ASN %d is reserved or out of range" % asn
    return None


def bgp_peer_address_problems(peer: Mapping[str, Any], interface_ip_range: str | None, path: str) -> list[str]:
    """The classic mistakes, caught before Compute rejects them.

    ``ip_address`` is the Cloud Router's own address on the link and must equal the interface IP
    (Compute: "BGP Peer has IP address X different from interface IP address Y"); ``peer_ip_address``
    is the other usable address of the same /30.
    """
    problems = []
    if interface_ip_range is None or interface_range_problem(interface_ip_range):
        if peer.get("peer_ip_address") or peer.get("ip_address"):
            problems.append("%s.interface_name: interface %r has no valid ip_range to check the peer addresses against"
                            % (path, peer.get("interface_name")))
        return problems
    local = ipaddress.IPv4Interface(interface_ip_range)
    if peer.get("ip_address") is not None and peer["ip_address"] != str(local.ip):
        problems.append("%s.ip_address: BGP peer %r has IP address %s different from interface IP address %s; ip_address is the "
                        "Cloud Router's side, set the peer's address in peer_ip_address (got %r)"
                        % (path, peer.get("name"), peer["ip_address"], local.ip, peer["ip_address"]))
    peer_ip = peer.get("peer_ip_address")
    if peer_ip is not None:
        try:
            address = ipaddress.IPv4Address(peer_ip)
        except ValueError:
            problems.append("%s.peer_ip_address: not an IPv4 address (got %r)" % (path, peer_ip))
            return problems
        network = local.network
        if address == local.ip:
            problems.append("%s.peer_ip_address: equals the interface IP address %s; use the other address of %s (got %r)"
                            % (path, local.ip, network, peer_ip))
        elif address not in network or address in (network.network_address, network.broadcast_address):
            problems.append("%s.peer_ip_address: must be the other usable address of the interface's %s (got %r)" % (path, network, peer_ip))
    return problems


def bgp_peer_setting_problems(peer: Mapping[str, Any], path: str) -> list[str]:
    """Peer ASN, route priority and BFD timers within what Compute accepts."""
    problems = []
    problem = peer_asn_problem(peer.get("peer_asn"))
    if problem:
        problems.append("%s.peer_asn: %s (got %d)" % (path, problem, peer["peer_asn"]))
    checks = [("advertised_route_priority", peer.get("advertised_route_priority"), facts.GCP_ADVERTISED_ROUTE_PRIORITY_RANGE)]
    bfd = peer.get("bfd") or {}
    checks += [("bfd.min_transmit_interval", bfd.get("min_transmit_interval"), facts.GCP_BFD_INTERVAL_RANGE_MS),
               ("bfd.min_receive_interval", bfd.get("min_receive_interval"), facts.GCP_BFD_INTERVAL_RANGE_MS),
               ("bfd.multiplier", bfd.get("multiplier"), facts.GCP_BFD_MULTIPLIER_RANGE)]
    for name, value, bounds in checks:
        problem = _range_problem("%s.%s" % (path, name), value, bounds)
        if problem:
            problems.append(problem)
    return problems


def router_links_problems(interfaces: list[dict], peers: list[dict], asn: int | None) -> list[str]:
    """Whole-router rules on the merged lists: every peer on an existing interface, one peer per
    interface, addresses on the interface's /30, and an ASN when there are peers."""
    problems = []
    by_name = {item.get("name"): item for item in interfaces}
    owners: dict[str, str] = {}
    for peer in peers:
        path = "bgp_peers[%s]" % peer.get("name")
        interface_name = peer.get("interface_name")
        if not interface_name:
            problems.append("%s.interface_name: required for new BGP peer %r" % (path, peer.get("name")))
            continue
        if interface_name not in by_name:
            problems.append("%s.interface_name: the router has no interface %r (got %r)" % (path, interface_name, interface_name))
            continue
        if interface_name in owners:
            problems.append("%s.interface_name: interface %r already has BGP peer %r (got %r)"
                            % (path, interface_name, owners[interface_name], interface_name))
        owners[interface_name] = peer.get("name")
        if peer.get("peer_asn") is None:
            problems.append("%s.peer_asn: required for new BGP peer %r" % (path, peer.get("name")))
        problems.extend(bgp_peer_address_problems(peer, by_name[interface_name].get("ip_range"), path))
    if peers and asn is None:
        problems.append("bgp.asn: required when the router has BGP peers")
    return problems


# --------------------------------------------------------------------------- router planning


ROUTER_OUTPUT_ONLY = ("kind", "id", "creation_timestamp", "self_link", "region")


def _named_duplicates(items: list[dict] | None, path: str) -> list[str]:
    seen: set = set()
    problems = []
    for item in items or []:
        if item["name"] in seen:
            problems.append("%s: name %r is listed twice (got %r)" % (path, item["name"], item["name"]))
        seen.add(item["name"])
    return problems


def router_input_problems(params: Mapping[str, Any]) -> list[str]:
    """Everything wrong with gcp_router's own parameters, found before any API call."""
    problems = bgp_problems(params.get("bgp"))
    problems += _named_duplicates(params.get("interfaces"), "interfaces")
    problems += _named_duplicates(params.get("bgp_peers"), "bgp_peers")
    ranges = {}
    for item in params.get("interfaces") or []:
        problem = interface_range_problem(item.get("ip_range"))
        if problem:
            problems.append("interfaces[%s].ip_range: %s (got %r)" % (item["name"], problem, item.get("ip_range")))
        elif item.get("ip_range"):
            ranges[item["name"]] = item["ip_range"]
    for item in params.get("bgp_peers") or []:
        path = "bgp_peers[%s]" % item["name"]
        problems += bgp_peer_setting_problems(item, path)
        if item.get("interface_name") in ranges:
            problems += bgp_peer_address_problems(item, ranges[item["interface_name"]], path)
    return problems


def router_network_path(network: str | None, project: str) -> str | None:
    return reference_path(network, project=project, scope="global", collection="networks")


def router_create_body(params: Mapping[str, Any], project: str, region: str) -> dict:
    """The routers.insert body: the router with its BGP settings, interfaces and peers in one call."""
    body: dict[str, Any] = {"name": params["name"], "network": router_network_path(params.get("network"), project)}
    if params.get("description") is not None:
        body["description"] = params["description"]
    bgp = desired_bgp(params.get("bgp"))
    if bgp:
        body["bgp"] = bgp
    body["interfaces"] = [desired_interface(item, project, region) for item in params.get("interfaces") or []]
    body["bgp_peers"] = [desired_bgp_peer(item) for item in params.get("bgp_peers") or []]
    return body


@dataclass
class RouterPlan:
    """What one gcp_router run changes on an existing router, decided before any mutating call."""

    after: dict
    changes: dict
    interfaces: MergeResult
    bgp_peers: MergeResult
    bgp_fields: list
    use_update: bool

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    def summary(self) -> dict:
        return {
            "bgp": sorted(self.bgp_fields),
            "description": "description" in self.changes,
            "interfaces": {"added": self.interfaces.added, "updated": self.interfaces.updated, "removed": self.interfaces.removed},
            "bgp_peers": {"added": self.bgp_peers.added, "updated": self.bgp_peers.updated, "removed": self.bgp_peers.removed},
        }


def plan_router(raw: Mapping[str, Any], params: Mapping[str, Any], project: str, region: str) -> RouterPlan:
    """Merge the parameters into an existing router (see merge_named): the patch to send and the result.

    A patch replaces each list it carries, so a changed list is sent whole. A list that becomes empty
    cannot be sent in a patch (empty lists are not serialised): the whole router is PUT instead.
    """
    after = copy.deepcopy(dict(raw))
    changes: dict[str, Any] = {}
    bgp_fields: list[str] = []
    wanted_bgp = desired_bgp(params.get("bgp"))
    if wanted_bgp:
        bgp_changes = differing_fields(normalize_bgp(raw.get("bgp")) or {}, wanted_bgp)
        if bgp_changes:
            bgp_fields = list(bgp_changes)
            after["bgp"] = _merge_item(raw.get("bgp") or {}, bgp_changes)
            changes["bgp"] = after["bgp"]
    if params.get("description") is not None and raw.get("description", "") != params["description"]:
        after["description"] = changes["description"] = params["description"]
    current_interfaces = [comparable_interface(item) for item in raw.get("interfaces") or []]
    wanted_interfaces = None
    if params.get("interfaces") is not None:
        wanted_interfaces = [desired_interface(item, project, region) for item in params["interfaces"]]
    interfaces = merge_named(current_interfaces, wanted_interfaces, bool(params.get("purge_interfaces")))
    wanted_peers = None if params.get("bgp_peers") is None else [desired_bgp_peer(item) for item in params["bgp_peers"]]
    peers = merge_named(list(raw.get("bgp_peers") or []), wanted_peers, bool(params.get("purge_bgp_peers")))
    use_update = False
    for key, merged in (("interfaces", interfaces), ("bgp_peers", peers)):
        if merged.changed:
            after[key] = changes[key] = merged.items
            use_update = use_update or not merged.items
    return RouterPlan(after=after, changes=changes, interfaces=interfaces, bgp_peers=peers, bgp_fields=bgp_fields, use_update=use_update)


def router_plan_problems(plan: RouterPlan, params: Mapping[str, Any]) -> list[str]:
    """Whole-router rules on the merged result (existing interfaces and peers included)."""
    bgp = plan.after.get("bgp") or {}
    problems = router_links_problems(plan.after.get("interfaces") or [], plan.after.get("bgp_peers") or [], bgp.get("asn"))
    problem = advertise_mode_problem(bgp.get("advertise_mode"), params.get("bgp"))
    if problem:
        problems.append(problem)
    return problems


def router_update_body(after: Mapping[str, Any]) -> dict:
    """The whole router for routers.update, without the fields Google owns."""
    return {key: value for key, value in after.items() if key not in ROUTER_OUTPUT_ONLY}


def with_peer_addresses(router: Mapping[str, Any]) -> dict:
    """A router as Compute will store it: each peer's ``ip_address`` is its interface's address (for predictions)."""
    predicted = copy.deepcopy(dict(router))
    addresses = {}
    for item in predicted.get("interfaces") or []:
        if item.get("ip_range") and not interface_range_problem(item["ip_range"]):
            addresses[item["name"]] = str(ipaddress.IPv4Interface(item["ip_range"]).ip)
    for peer in predicted.get("bgp_peers") or []:
        if not peer.get("ip_address") and peer.get("interface_name") in addresses:
            peer["ip_address"] = addresses[peer["interface_name"]]
    return predicted


def normalize_router_status(raw: Mapping[str, Any] | None) -> dict | None:
    """routers.getRouterStatus: each BGP session's state and the routes the router learned."""
    if raw is None:
        return None
    peers = [{
        "name": item.get("name"),
        "ip_address": item.get("ip_address"),
        "peer_ip_address": item.get("peer_ip_address"),
        "linked_vpn_tunnel": link_path(item.get("linked_vpn_tunnel")),
        "status": item.get("status"),
        "state": item.get("state"),
        "num_learned_routes": item.get("num_learned_routes", 0),
        "uptime": item.get("uptime"),
    } for item in raw.get("bgp_peer_status") or []]
    routes = [{
        "dest_range": item.get("dest_range"),
        "next_hop_ip": item.get("next_hop_ip"),
        "next_hop_vpn_tunnel": link_path(item.get("next_hop_vpn_tunnel")),
        "priority": item.get("priority"),
        "route_type": item.get("route_type"),
    } for item in raw.get("best_routes_for_router") or []]
    return {"bgp_peer_status": peers, "best_routes_for_router": routes}


# --------------------------------------------------------------------------- VPN tunnels


@gcp_api("get vpn tunnel", when_not_found=None)
def get_vpn_tunnel(session: GcpSession, name: str) -> dict | None:
    return plain(session.client("VpnTunnelsClient").get(project=session.project, region=session.region, vpn_tunnel=name, retry=session.retry))


@gcp_api("list vpn tunnels")
def list_vpn_tunnels(session: GcpSession, filter_expression: str = "") -> list[dict]:
    request = compute_v1.ListVpnTunnelsRequest(project=session.project, region=session.region, filter=filter_expression)
    return [plain(item) for item in session.client("VpnTunnelsClient").list(request=request, retry=session.retry)]


@gcp_api("insert vpn tunnel")
def insert_vpn_tunnel(session: GcpSession, body: dict) -> None:
    request = compute_v1.InsertVpnTunnelRequest(project=session.project, region=session.region, request_id=_request_id(),
                                                vpn_tunnel_resource=compute_v1.VpnTunnel(body))
    operation = session.client("VpnTunnelsClient").insert_unary(request=request, retry=session.retry)
    await_operation(session, operation, what="creation of VPN tunnel %s" % body["name"], operation_name="insert vpn tunnel")


@gcp_api("delete vpn tunnel", when_not_found=False)
def delete_vpn_tunnel(session: GcpSession, name: str) -> bool:
    request = compute_v1.DeleteVpnTunnelRequest(project=session.project, region=session.region, vpn_tunnel=name, request_id=_request_id())
    operation = session.client("VpnTunnelsClient").delete_unary(request=request, retry=session.retry)
    await_operation(session, operation, what="deletion of VPN tunnel %s" % name, operation_name="delete vpn tunnel")
    return True


CIPHER_SUITE_KINDS = {
    "phase1": {"encryption": "encryption", "integrity": "integrity", "prf": "prf", "dh": "dh_group"},
    "phase2": {"encryption": "encryption", "integrity": "integrity", "pfs": "pfs_group"},
}


def normalize_cipher_suite(raw: Mapping[str, Any] | None) -> dict | None:
    """``{phase1: {encryption, integrity, prf, dh}, phase2: {encryption, integrity, pfs}}`` with lists."""
    if not raw:
        return None
    suite = {phase: {name: list((raw.get(phase) or {}).get(name) or []) for name in names} for phase, names in CIPHER_SUITE_KINDS.items()}
    return suite if any(value for phase in suite.values() for value in phase.values()) else None


def cipher_suite_problems(option: Mapping[str, Any] | None) -> list[str]:
    """Every algorithm must be one Cloud VPN offers (names as the Compute API spells them)."""
    problems = []
    for phase, names in CIPHER_SUITE_KINDS.items():
        for name, kind in names.items():
            for value in ((option or {}).get(phase) or {}).get(name) or []:
                try:
                    facts.canonical_name("gcp", kind, value)
                except ValueError as error:
                    problems.append("cipher_suite.%s.%s: %s (got %r)" % (phase, name, error, value))
    return problems


def normalize_vpn_tunnel(raw: Mapping[str, Any]) -> dict:
    return {
        "name": raw.get("name"),
        "id": raw.get("id"),
        "self_link": raw.get("self_link"),
        "region": short_name(raw.get("region")),
        "description": raw.get("description", ""),
        "vpn_gateway": link_path(raw.get("vpn_gateway")),
        "vpn_gateway_interface": raw.get("vpn_gateway_interface"),
        "peer_external_gateway": link_path(raw.get("peer_external_gateway")),
        "peer_external_gateway_interface": raw.get("peer_external_gateway_interface") if raw.get("peer_external_gateway") else None,
        "peer_gcp_gateway": link_path(raw.get("peer_gcp_gateway")),
        "peer_ip": raw.get("peer_ip"),
        "router": link_path(raw.get("router")),
        "ike_version": raw.get("ike_version"),
        "cipher_suite": normalize_cipher_suite(raw.get("cipher_suite")),
        "local_traffic_selector": list(raw.get("local_traffic_selector") or []),
        "remote_traffic_selector": list(raw.get("remote_traffic_selector") or []),
        "status": raw.get("status"),
        "detailed_status": raw.get("detailed_status"),
    }


def tunnel_is_established(raw: Mapping[str, Any] | None) -> bool:
    return raw is not None and raw.get("status") == "ESTABLISHED"


def describe_tunnel_status(raw: Mapping[str, Any] | None) -> str:
    if raw is None:
        return "the tunnel is gone"
    return "%s (%s)" % (raw.get("status"), raw.get("detailed_status") or "no detail")


def tunnel_gone_while_waiting(raw: Mapping[str, Any] | None) -> str | None:
    return "the tunnel was deleted" if raw is None else None


# --------------------------------------------------------------------------- module results


def module_result(module: AnsibleModule, key: str, changed: bool, before: dict, after: dict, hidden_fields: Iterable[str] = ()) -> dict:
    """``changed``, the resource under ``key`` (without hidden fields) and, with ``--diff``, a redacted diff."""
    public = {name: value for name, value in after.items() if name not in hidden_fields}
    result: dict[str, Any] = {"changed": changed, key: public}
    if module._diff:
        result["diff"] = build_diff(before, after)
    return result


def immutable_problem(field_name: str, resource: str, have: Any, wanted: Any, remedy: str) -> str:
    """The message for a field Compute cannot change in place."""
    return "%s: %s has %s=%r and Compute cannot change it in place; %s (got %r)" % (field_name, resource, field_name, have, remedy, wanted)


def raise_problems(problems: list[str]) -> None:
    """One failure naming every wrong field and its value, before any API call."""
    if problems:
        raise ValueError("; ".join(problems))


# --------------------------------------------------------------------------- tunnel planning

# Everything Compute cannot change on a tunnel (there is no tunnel patch): a difference means recreate.
TUNNEL_FIXED_FIELDS = ("vpn_gateway", "vpn_gateway_interface", "peer_external_gateway", "peer_external_gateway_interface",
                       "peer_gcp_gateway", "router", "ike_version", "cipher_suite", "description")
TUNNEL_CREATE_REQUIRED = ("vpn_gateway", "vpn_gateway_interface", "router")


def desired_tunnel(params: Mapping[str, Any], project: str, region: str) -> dict:
    """The tunnel fields the user gave, in the shape normalize_vpn_tunnel returns."""
    scope = "regions/%s" % region
    wanted = {
        "vpn_gateway": reference_path(params.get("vpn_gateway"), project=project, scope=scope, collection="vpnGateways"),
        "vpn_gateway_interface": params.get("vpn_gateway_interface"),
        "peer_external_gateway": reference_path(params.get("peer_external_gateway"), project=project, scope="global",
                                                collection="externalVpnGateways"),
        "peer_external_gateway_interface": params.get("peer_external_gateway_interface"),
        "peer_gcp_gateway": reference_path(params.get("peer_gcp_gateway"), project=project, scope=scope, collection="vpnGateways"),
        "router": reference_path(params.get("router"), project=project, scope=scope, collection="routers"),
        "ike_version": params.get("ike_version"),
        "cipher_suite": normalize_cipher_suite(params.get("cipher_suite")),
        "description": params.get("description"),
    }
    return drop_unset(wanted)


def tunnel_differences(current: Mapping[str, Any], wanted: Mapping[str, Any]) -> dict:
    """Field -> (current value, wanted value) for every given field that differs."""
    return {key: (current.get(key), value) for key, value in wanted.items() if current.get(key) != value}


def merged_tunnel(current: Mapping[str, Any] | None, wanted: Mapping[str, Any]) -> dict:
    """The fixed fields a (re)created tunnel gets: the wanted ones over the current ones.

    Naming the other kind of peer replaces the current peer entirely.
    """
    merged = {key: (current or {}).get(key) for key in TUNNEL_FIXED_FIELDS}
    if "peer_gcp_gateway" in wanted:
        merged.update(peer_external_gateway=None, peer_external_gateway_interface=None)
    if "peer_external_gateway" in wanted:
        merged["peer_gcp_gateway"] = None
    merged.update(wanted)
    return merged


def tunnel_create_problems(merged: Mapping[str, Any], shared_secret: str | None, name: str) -> list[str]:
    """What a new tunnel needs: its gateway interface, its router, one peer and the shared secret."""
    problems = ["%s: required to create VPN tunnel %s (got None)" % (key, name) for key in TUNNEL_CREATE_REQUIRED if merged.get(key) is None]
    if not (merged.get("peer_external_gateway") or merged.get("peer_gcp_gateway")):
        problems.append("peer_external_gateway: one of peer_external_gateway or peer_gcp_gateway is required to create VPN tunnel %s (got None)"
                        % name)
    if shared_secret is None:
        problems.append("shared_secret: required to create VPN tunnel %s (got None)" % name)
    return problems


def tunnel_create_body(merged: Mapping[str, Any], name: str, shared_secret: str) -> dict:
    """The vpnTunnels.insert body."""
    body = {"name": name, "shared_secret": shared_secret}
    body.update({key: value for key, value in merged.items() if value not in (None, "")})
    if not merged.get("peer_external_gateway"):
        body.pop("peer_external_gateway_interface", None)
    return body


def predicted_tunnel(merged: Mapping[str, Any], name: str, region: str) -> dict:
    """A tunnel as a create would return it, for check mode (status is unknown until Google reports it)."""
    predicted = {key: None for key in normalize_vpn_tunnel({})}
    predicted.update(merged)
    predicted.update(name=name, region=region, description=merged.get("description") or "", local_traffic_selector=[],
                     remote_traffic_selector=[])
    return predicted
