# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Azure SDK wiring: client factory, error mapping, long-running operations, one function per API call.

Modules never talk to azure-mgmt-network directly. Every API call is one function below, wrapped by
``azure_api`` which turns azure-core errors into ``CloudError`` (the one error type modules catch).
Request and response bodies are plain dicts in ARM's own JSON shape (camelCase, ``properties``
nesting): the SDK accepts them as request bodies in every version, and ``wire_dict`` turns its
response models back into that shape, so the rest of the collection does not depend on which model
generation the installed SDK has.

Retries are azure-core's own ``RetryPolicy`` (``retry_total``, ``retry_backoff_factor``): it already
honours ``Retry-After`` on throttling (429) and retries transient 5xx answers.

The lab: when ``base_url`` is a plain-http loopback URL, the client gets a static token and a bearer
policy instead of ARM's challenge policy (which refuses non-TLS URLs), and polls long-running
operations every second. That path is never taken for any other URL.
"""
from __future__ import annotations

import copy
import functools
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.multicloud.interconnect.plugins.module_utils.endpoints import endpoint_url_problem, is_lab_endpoint
from ansible_collections.multicloud.interconnect.plugins.module_utils.errors import CloudError, WaitTimeout

try:
    from azure.core.credentials import AccessToken
    from azure.core.exceptions import AzureError, ResourceNotFoundError
    from azure.core.pipeline.policies import SansIOHTTPPolicy
    from azure.identity import ClientSecretCredential, DefaultAzureCredential
    from azure.mgmt.network import NetworkManagementClient
    HAS_AZURE = True
    AZURE_IMPORT_ERROR = None
except ImportError:
    HAS_AZURE = False
    AZURE_IMPORT_ERROR = traceback.format_exc()
    SansIOHTTPPolicy = object  # the lab policy below still defines cleanly without the SDK

CLOUD = "azure"
USER_AGENT_PRODUCT = "multicloud.interconnect"
LAB_TOKEN = "lab-token"
# Seconds between polls of a long-running operation: the lab answers in milliseconds, Azure in
# minutes (the SDK's own default is 30 s; an answer's Retry-After header always wins).
LAB_POLLING_INTERVAL = 1
CLOUD_POLLING_INTERVAL = 30
# Seconds between reads while waiting for a resource another run left in "Updating".
LAB_SETTLE_DELAY = 0.5
CLOUD_SETTLE_DELAY = 15.0
# Provisioning states after which a resource takes a new write.
SETTLED_STATES = ("Succeeded", "Failed", "Canceled")

# Options every Azure module takes; documented once in plugins/doc_fragments/azure.py.
AZURE_COMMON_ARGUMENT_SPEC: dict[str, dict] = dict(
    subscription_id=dict(type="str", required=True, fallback=(env_fallback, ["AZURE_SUBSCRIPTION_ID"])),
    base_url=dict(type="str", fallback=(env_fallback, ["MCI_AZURE_BASE_URL"])),
    tenant_id=dict(type="str"),
    client_id=dict(type="str"),
    client_secret=dict(type="str", no_log=True),
    retry_total=dict(type="int", default=10),
    retry_backoff_factor=dict(type="float", default=0.8),
)
# An explicit service principal needs all three values; anything less is left to DefaultAzureCredential.
AZURE_REQUIRED_TOGETHER = [["tenant_id", "client_id", "client_secret"]]

TAGS_ARGUMENT_SPEC: dict[str, dict] = dict(
    tags=dict(type="dict"),
    purge_tags=dict(type="bool", default=True),
)


# --------------------------------------------------------------------------- module and client


def azure_module(argument_spec: dict, **kwargs: Any) -> AnsibleModule:
    """An AnsibleModule with the common Azure options; fails early when the SDK is missing."""
    spec = dict(AZURE_COMMON_ARGUMENT_SPEC)
    spec.update(argument_spec)
    kwargs["required_together"] = list(kwargs.get("required_together") or []) + AZURE_REQUIRED_TOGETHER
    module = AnsibleModule(argument_spec=spec, **kwargs)
    if not HAS_AZURE:
        module.fail_json(msg=missing_required_lib("azure-mgmt-network and azure-identity"), exception=AZURE_IMPORT_ERROR)
    return module


def nested_connection_option(**dict_option: Any) -> dict:
    """The common Azure options as one dict option (O(azure)) of a module that reaches several clouds.

    Documented by the doc fragment C(multicloud.interconnect.nested_connections.azure_option); ``dict_option`` adds
    keys of the dict option itself, such as its default.
    """
    options = copy.deepcopy(AZURE_COMMON_ARGUMENT_SPEC)
    options["subscription_id"].pop("required")  # required only when Azure is read, which such a module decides
    return dict(type="dict", options=options, required_together=AZURE_REQUIRED_TOGETHER, **dict_option)


def base_url_problem(base_url: str | None) -> str | None:
    """Why ``base_url`` cannot be used: plain http is only for the lab on a loopback address."""
    return endpoint_url_problem(base_url, not_http_url="base_url: %r is not an http(s) URL",
                                plain_http_off_loopback="base_url: plain http is only allowed for a loopback lab endpoint, got %s")


class LabCredential:
    """A TokenCredential for the lab emulator, which does not check tokens."""

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        return AccessToken(LAB_TOKEN, int(time.time()) + 3600)


class LabBearerPolicy(SansIOHTTPPolicy):
    """Replaces ARM's challenge policy, which refuses plain-http URLs; used for loopback URLs only."""

    def on_request(self, request: Any) -> None:
        request.http_request.headers["Authorization"] = "Bearer " + LAB_TOKEN


def credential_for(params: Mapping[str, Any]) -> Any:
    """The credential for real Azure: an explicit service principal, else azure-identity's default chain."""
    if params.get("client_secret"):
        return ClientSecretCredential(params["tenant_id"], params["client_id"], params["client_secret"])
    # Environment (AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET...), workload identity,
    # managed identity, Azure CLI, ...; the interactive browser is never tried.
    return DefaultAzureCredential()


def client_arguments(params: Mapping[str, Any], module_name: str) -> dict[str, Any]:
    """NetworkManagementClient keyword arguments (besides credential and subscription)."""
    base_url = params.get("base_url")
    arguments: dict[str, Any] = {
        "retry_total": params.get("retry_total", 10),
        "retry_backoff_factor": params.get("retry_backoff_factor", 0.8),
        "user_agent": "%s/%s" % (USER_AGENT_PRODUCT, module_name),
        "polling_interval": LAB_POLLING_INTERVAL if is_lab_endpoint(base_url) else CLOUD_POLLING_INTERVAL,
    }
    if base_url:
        arguments["base_url"] = base_url.rstrip("/")
        if is_lab_endpoint(base_url):
            arguments["authentication_policy"] = LabBearerPolicy()
        else:
            # A sovereign cloud's Resource Manager: tokens must be asked for its own audience.
            arguments["credential_scopes"] = [base_url.rstrip("/") + "/.default"]
    return arguments


@dataclass
class AzureSession:
    """What every API function needs: the client, the subscription and how patiently to poll."""

    client: Any
    subscription_id: str
    settle_delay: float


def network_session(module: AnsibleModule) -> AzureSession:
    """The Microsoft.Network client for a module's connection options."""
    params = module.params
    problem = base_url_problem(params.get("base_url"))
    if problem:
        raise ValueError(problem)
    module_name = getattr(module, "_name", None) or "module"
    lab = is_lab_endpoint(params.get("base_url"))
    try:
        credential = LabCredential() if lab else credential_for(params)
        client = NetworkManagementClient(credential, params["subscription_id"], **client_arguments(params, module_name))
    except AzureError as error:
        raise CloudError(str(error), cloud=CLOUD, operation="create network client") from error
    return AzureSession(client, params["subscription_id"], LAB_SETTLE_DELAY if lab else CLOUD_SETTLE_DELAY)


# --------------------------------------------------------------------------- resource ids


NETWORK_PROVIDER = "Microsoft.Network"


def resource_id(subscription_id: str, resource_group: str, resource_type: str, name: str) -> str:
    """An ARM id, e.g. resource_type ``virtualNetworkGateways``."""
    return "/subscriptions/%s/resourceGroups/%s/providers/%s/%s/%s" % (subscription_id, resource_group, NETWORK_PROVIDER, resource_type, name)


def reference_id(value: str, subscription_id: str, resource_group: str, resource_type: str) -> str:
    """A name in the module's resource group, or a full id, as a full id."""
    if value.startswith("/"):
        return value.rstrip("/")
    return resource_id(subscription_id, resource_group, resource_type, value)


def id_resource_group(value: str) -> str:
    """The resource group an ARM id names."""
    parts = value.strip("/").split("/")
    lowered = [part.lower() for part in parts]
    return parts[lowered.index("resourcegroups") + 1] if "resourcegroups" in lowered else ""


def id_name(value: str) -> str:
    """The last segment of an ARM id (the resource's own name)."""
    return value.rstrip("/").rsplit("/", 1)[-1]


def same_id(left: str | None, right: str | None) -> bool:
    """ARM ids are case-insensitive."""
    return (left or "").rstrip("/").lower() == (right or "").rstrip("/").lower()


def normalize_location(location: str | None) -> str:
    """ARM spells regions "eastus"; the portal says "East US"."""
    return (location or "").replace(" ", "").lower()


# --------------------------------------------------------------------------- error mapping


def wire_dict(model: Any) -> Any:
    """A response as ARM JSON (camelCase, ``properties`` nesting), whatever the SDK's model generation."""
    if model is None or isinstance(model, (str, int, float, bool)):
        return model
    if isinstance(model, dict):
        return copy.deepcopy(model)
    if hasattr(model, "as_dict") and isinstance(model, Mapping):
        return model.as_dict()  # typespec models (azure-mgmt-network 30+) are mappings of the wire JSON
    if hasattr(model, "serialize"):
        return model.serialize(keep_readonly=True)  # msrest models
    raise TypeError("cannot turn %r into ARM JSON" % type(model).__name__)


def to_cloud_error(error: Exception, operation: str) -> CloudError:
    """One CloudError from an azure-core exception: the ARM error code and message, the HTTP status."""
    details = getattr(error, "error", None)
    code = getattr(details, "code", None)
    message = getattr(details, "message", None) or getattr(error, "message", None) or str(error)
    status = getattr(error, "status_code", None)
    return CloudError(message, cloud=CLOUD, operation=operation, code=code, status=status)


_RAISE = object()


def azure_api(operation: str, *, when_not_found: Any = _RAISE) -> Callable:
    """Decorate one API call: azure-core errors become CloudError.

    With ``when_not_found`` a 404 returns that value instead: reading what does not exist is None,
    deleting what is already gone is success (False: nothing was deleted).
    """
    def decorate(call: Callable) -> Callable:
        @functools.wraps(call)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return call(*args, **kwargs)
            except ResourceNotFoundError as error:
                if when_not_found is not _RAISE:
                    return copy.deepcopy(when_not_found)
                raise to_cloud_error(error, operation) from error
            except AzureError as error:
                raise to_cloud_error(error, operation) from error
        return wrapper
    return decorate


# --------------------------------------------------------------------------- long-running operations


def finish(poller: Any, *, what: str, wait: bool, timeout: float) -> Any:
    """The result of a long-running operation within ``timeout`` seconds (WaitTimeout otherwise).

    Without ``wait`` the operation was started with ``polling=False``: its result is the first answer
    (the resource as the PUT returned it, usually "Updating"), and Azure carries on alone.
    """
    if not wait:
        return wire_dict(poller.result())
    result = poller.result(timeout=timeout)
    if not poller.done():
        raise WaitTimeout(what, "Succeeded", "operation %s" % poller.status(), timeout)
    return wire_dict(result)


def lro_options(wait: bool) -> dict[str, Any]:
    """Keyword arguments for a ``begin_*`` call: no polling at all when the caller does not wait."""
    return {} if wait else {"polling": False}


def provisioning_state(resource: Mapping[str, Any] | None) -> str | None:
    return ((resource or {}).get("properties") or {}).get("provisioningState")


def is_settled(resource: Mapping[str, Any] | None) -> bool:
    """Gone, or in a state that takes a new write (not Updating/Deleting)."""
    return resource is None or provisioning_state(resource) in SETTLED_STATES


def describe_state(resource: Mapping[str, Any] | None) -> str:
    return "gone" if resource is None else "provisioningState %s" % provisioning_state(resource)


# --------------------------------------------------------------------------- writes every resource type shares
# Each resource type is one operations group of the client (``client.local_network_gateways``...), and
# the groups name and shape their writes alike; ``kind`` names the type in timeout messages.


def create_or_update_resource(operations: Any, kind: str, resource_group: str, name: str, body: dict, *,
                              wait: bool, timeout: float) -> dict:
    poller = operations.begin_create_or_update(resource_group, name, body, **lro_options(wait))
    return finish(poller, what="%s %s" % (kind, name), wait=wait, timeout=timeout)


def update_resource_tags(operations: Any, kind: str, resource_group: str, name: str, tags: dict, *, timeout: float) -> dict:
    poller = operations.begin_update_tags(resource_group, name, {"tags": tags})
    return finish(poller, what="tags of %s %s" % (kind, name), wait=True, timeout=timeout)


def delete_resource(operations: Any, kind: str, resource_group: str, name: str, *, wait: bool, timeout: float) -> bool:
    """True: deleted, or deletion started. What is already gone is the caller's ``when_not_found=False``."""
    poller = operations.begin_delete(resource_group, name, **lro_options(wait))
    finish(poller, what="deletion of %s %s" % (kind, name), wait=wait, timeout=timeout)
    return True


def rows_of(poller: Any, *, what: str, timeout: float) -> list[dict]:
    """The ``value`` rows of a long-running POST that reads (BGP peers, learned or effective routes); [] when empty."""
    return (finish(poller, what=what, wait=True, timeout=timeout) or {}).get("value") or []


# --------------------------------------------------------------------------- virtual networks and public IPs


@azure_api("get virtual network", when_not_found=None)
def get_virtual_network(session: AzureSession, resource_group: str, name: str) -> dict | None:
    return wire_dict(session.client.virtual_networks.get(resource_group, name))


@azure_api("get public IP address", when_not_found=None)
def get_public_ip_address(session: AzureSession, resource_group: str, name: str) -> dict | None:
    return wire_dict(session.client.public_ip_addresses.get(resource_group, name))


@azure_api("create public IP address")
def create_or_update_public_ip_address(session: AzureSession, resource_group: str, name: str, body: dict, *, timeout: float) -> dict:
    return create_or_update_resource(session.client.public_ip_addresses, "public IP address", resource_group, name, body,
                                     wait=True, timeout=timeout)


@azure_api("delete public IP address", when_not_found=False)
def delete_public_ip_address(session: AzureSession, resource_group: str, name: str, *, wait: bool, timeout: float) -> bool:
    return delete_resource(session.client.public_ip_addresses, "public IP address", resource_group, name, wait=wait, timeout=timeout)


# --------------------------------------------------------------------------- virtual network gateways


@azure_api("get virtual network gateway", when_not_found=None)
def get_virtual_network_gateway(session: AzureSession, resource_group: str, name: str) -> dict | None:
    return wire_dict(session.client.virtual_network_gateways.get(resource_group, name))


@azure_api("list virtual network gateways", when_not_found=[])
def list_virtual_network_gateways(session: AzureSession, resource_group: str) -> list[dict]:
    return [wire_dict(item) for item in session.client.virtual_network_gateways.list(resource_group)]


@azure_api("get BGP peer status")
def get_bgp_peer_status(session: AzureSession, resource_group: str, name: str, *, timeout: float) -> list[dict]:
    """The gateway's BGP peers, one row per instance and peer (a long-running POST on Azure)."""
    poller = session.client.virtual_network_gateways.begin_get_bgp_peer_status(resource_group, name)
    return rows_of(poller, what="BGP peer status of virtual network gateway %s" % name, timeout=timeout)


@azure_api("get learned routes")
def get_learned_routes(session: AzureSession, resource_group: str, name: str, *, timeout: float) -> list[dict]:
    """The routes the gateway's instances learned, one row per instance and route (a long-running POST on Azure)."""
    poller = session.client.virtual_network_gateways.begin_get_learned_routes(resource_group, name)
    return rows_of(poller, what="learned routes of virtual network gateway %s" % name, timeout=timeout)


@azure_api("get effective route table")
def get_effective_route_table(session: AzureSession, resource_group: str, network_interface: str, *, timeout: float) -> list[dict]:
    """The routes a network interface really uses: its subnet's, its route table's, its VNet gateway's (a long-running POST on Azure)."""
    poller = session.client.network_interfaces.begin_get_effective_route_table(resource_group, network_interface)
    return rows_of(poller, what="effective routes of network interface %s" % network_interface, timeout=timeout)


@azure_api("create or update virtual network gateway")
def create_or_update_virtual_network_gateway(session: AzureSession, resource_group: str, name: str, body: dict, *,
                                             wait: bool, timeout: float) -> dict:
    return create_or_update_resource(session.client.virtual_network_gateways, "virtual network gateway", resource_group, name, body,
                                     wait=wait, timeout=timeout)


@azure_api("update virtual network gateway tags")
def update_virtual_network_gateway_tags(session: AzureSession, resource_group: str, name: str, tags: dict, *, timeout: float) -> dict:
    return update_resource_tags(session.client.virtual_network_gateways, "virtual network gateway", resource_group, name, tags,
                                timeout=timeout)


@azure_api("delete virtual network gateway", when_not_found=False)
def delete_virtual_network_gateway(session: AzureSession, resource_group: str, name: str, *, wait: bool, timeout: float) -> bool:
    return delete_resource(session.client.virtual_network_gateways, "virtual network gateway", resource_group, name,
                           wait=wait, timeout=timeout)


# --------------------------------------------------------------------------- local network gateways


@azure_api("get local network gateway", when_not_found=None)
def get_local_network_gateway(session: AzureSession, resource_group: str, name: str) -> dict | None:
    return wire_dict(session.client.local_network_gateways.get(resource_group, name))


@azure_api("list local network gateways", when_not_found=[])
def list_local_network_gateways(session: AzureSession, resource_group: str) -> list[dict]:
    return [wire_dict(item) for item in session.client.local_network_gateways.list(resource_group)]


@azure_api("create or update local network gateway")
def create_or_update_local_network_gateway(session: AzureSession, resource_group: str, name: str, body: dict, *,
                                           wait: bool, timeout: float) -> dict:
    return create_or_update_resource(session.client.local_network_gateways, "local network gateway", resource_group, name, body,
                                     wait=wait, timeout=timeout)


@azure_api("update local network gateway tags")
def update_local_network_gateway_tags(session: AzureSession, resource_group: str, name: str, tags: dict) -> dict:
    return wire_dict(session.client.local_network_gateways.update_tags(resource_group, name, {"tags": tags}))


@azure_api("delete local network gateway", when_not_found=False)
def delete_local_network_gateway(session: AzureSession, resource_group: str, name: str, *, wait: bool, timeout: float) -> bool:
    return delete_resource(session.client.local_network_gateways, "local network gateway", resource_group, name, wait=wait, timeout=timeout)


# --------------------------------------------------------------------------- connections


@azure_api("get connection", when_not_found=None)
def get_connection(session: AzureSession, resource_group: str, name: str) -> dict | None:
    return wire_dict(session.client.virtual_network_gateway_connections.get(resource_group, name))


@azure_api("list connections", when_not_found=[])
def list_connections(session: AzureSession, resource_group: str) -> list[dict]:
    return [wire_dict(item) for item in session.client.virtual_network_gateway_connections.list(resource_group)]


@azure_api("create or update connection")
def create_or_update_connection(session: AzureSession, resource_group: str, name: str, body: dict, *,
                                wait: bool, timeout: float) -> dict:
    return create_or_update_resource(session.client.virtual_network_gateway_connections, "connection", resource_group, name, body,
                                     wait=wait, timeout=timeout)


@azure_api("update connection tags")
def update_connection_tags(session: AzureSession, resource_group: str, name: str, tags: dict, *, timeout: float) -> dict:
    return update_resource_tags(session.client.virtual_network_gateway_connections, "connection", resource_group, name, tags, timeout=timeout)


@azure_api("get connection shared key", when_not_found=None)
def get_shared_key(session: AzureSession, resource_group: str, name: str) -> str | None:
    return wire_dict(session.client.virtual_network_gateway_connections.get_shared_key(resource_group, name)).get("value")


@azure_api("set connection shared key")
def set_shared_key(session: AzureSession, resource_group: str, name: str, value: str, *, wait: bool, timeout: float) -> None:
    poller = session.client.virtual_network_gateway_connections.begin_set_shared_key(resource_group, name, {"value": value},
                                                                                     **lro_options(wait))
    finish(poller, what="shared key of connection %s" % name, wait=wait, timeout=timeout)


@azure_api("delete connection", when_not_found=False)
def delete_connection(session: AzureSession, resource_group: str, name: str, *, wait: bool, timeout: float) -> bool:
    return delete_resource(session.client.virtual_network_gateway_connections, "connection", resource_group, name, wait=wait, timeout=timeout)
