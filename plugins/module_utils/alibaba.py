# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Alibaba Cloud VPC (API 2016-04-28) wiring: client factory, retries, error mapping, one small
function per API call, normalisers, and the pure rendering/validation of VPN options.

Modules never talk to the SDK directly. Every API call is one function below that goes through
``call_api``, which turns Tea exceptions into ``CloudError`` (the one error type modules catch).

Retries are the SDK's own. In alibabacloud-tea-openapi >= 0.4 the per-call ``RuntimeOptions``
fields ``autoretry``/``max_attempts``/``backoff_*`` are no longer read by the request loop; the
loop retries only what ``Config.retry_options`` (darabonba ``RetryOptions``) allows. Without it
nothing is retried, throttling included. ``retry_options()`` below retries throttling and
transient server errors with exponential backoff and full jitter.

Alibaba applies changes to a VPN gateway one at a time: while a change runs the gateway shows
``updating`` and further changes fail with ``VpnGateway.Configuring`` (or a kin code).
``change_vpn_gateway()`` is the one place that waits for the gateway before a mutation.
"""
from __future__ import annotations

import copy
import ipaddress
import json
import re
import time
import traceback
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar
from urllib.parse import urlsplit

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.multicloud.interconnect.plugins.module_utils import cloud_facts
from ansible_collections.multicloud.interconnect.plugins.module_utils.endpoints import is_loopback_host
from ansible_collections.multicloud.interconnect.plugins.module_utils.errors import CloudError, fail_with
from ansible_collections.multicloud.interconnect.plugins.module_utils.waiters import poll_delays, wait_for

try:
    from alibabacloud_credentials.client import Client as CredentialClient
    from alibabacloud_tea_openapi.utils_models import Config
    from alibabacloud_vpc20160428 import models as vpc_models
    from alibabacloud_vpc20160428.client import Client as VpcClient
    from darabonba.policy.retry import RetryCondition, RetryOptions
    from Tea.exceptions import TeaException, ValidateException
    HAS_ALIBABA_SDK = True
    ALIBABA_SDK_IMPORT_ERROR = None
    SDK_ERRORS: tuple = (TeaException, ValidateException)
except ImportError:
    HAS_ALIBABA_SDK = False
    ALIBABA_SDK_IMPORT_ERROR = traceback.format_exc()
    SDK_ERRORS = ()

CLOUD = "alibaba"
SDK_REQUIREMENT = "alibabacloud-vpc20160428>=7.0.0 (with alibabacloud-tea-openapi>=0.4.3)"
USER_AGENT = "AnsibleCollection/multicloud.interconnect"

# Seconds between two reads while waiting; Describe* calls have per-API QPS quotas.
POLL_SECONDS = 2.0
# Describe* page size (the API maximum is 50; DescribeRouteEntryList takes up to 100).
PAGE_SIZE = 50
ROUTE_ENTRY_PAGE_SIZE = 100

T = TypeVar("T")

# --------------------------------------------------------------------------- options

# Options every Alibaba module takes; documented once in plugins/doc_fragments/alibaba.py.
ALIBABA_COMMON_ARGUMENT_SPEC: dict[str, dict] = dict(
    access_key=dict(type="str", aliases=["alicloud_access_key"], no_log=False,
                    fallback=(env_fallback, ["ALIBABA_CLOUD_ACCESS_KEY_ID", "ALICLOUD_ACCESS_KEY"])),
    secret_key=dict(type="str", aliases=["alicloud_secret_key"], no_log=True,
                    fallback=(env_fallback, ["ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALICLOUD_SECRET_KEY"])),
    security_token=dict(type="str", aliases=["alicloud_security_token"], no_log=True,
                        fallback=(env_fallback, ["ALIBABA_CLOUD_SECURITY_TOKEN", "ALICLOUD_SECURITY_TOKEN"])),
    region=dict(type="str", aliases=["alicloud_region"], fallback=(env_fallback, ["ALIBABA_CLOUD_REGION_ID", "ALICLOUD_REGION"])),
    endpoint=dict(type="str", fallback=(env_fallback, ["ALIBABA_CLOUD_ENDPOINT"])),
    protocol=dict(type="str", choices=["https", "http"]),
    max_attempts=dict(type="int", default=5),
)

WAIT_ARGUMENT_SPEC: dict[str, dict] = dict(
    wait=dict(type="bool", default=True),
    wait_timeout=dict(type="int", default=600),
)


def alibaba_module(argument_spec: dict, **kwargs: Any) -> AnsibleModule:
    """An AnsibleModule with the common Alibaba options; fails early when the SDK is missing."""
    spec = dict(ALIBABA_COMMON_ARGUMENT_SPEC)
    spec.update(argument_spec)
    module = AnsibleModule(argument_spec=spec, **kwargs)
    if not HAS_ALIBABA_SDK:
        fail_with(module, ImportError(missing_required_lib(SDK_REQUIREMENT)), exception=ALIBABA_SDK_IMPORT_ERROR)
    return module


def nested_connection_option(**dict_option: Any) -> dict:
    """The common Alibaba options as one dict option (O(alibaba)) of a module that reaches several clouds.

    Documented by the doc fragment C(multicloud.interconnect.nested_connections.alibaba_option); ``dict_option`` adds
    keys of the dict option itself, such as its default.
    """
    return dict(type="dict", options=copy.deepcopy(ALIBABA_COMMON_ARGUMENT_SPEC), **dict_option)


# --------------------------------------------------------------------------- client


def resolve_endpoint(endpoint: str | None, protocol: str | None) -> tuple[str | None, str]:
    """(host[:port] for the SDK, protocol) from the ``endpoint`` and ``protocol`` options.

    ``endpoint`` may carry a scheme (``http://127.0.0.1:8080``, as the lab prints it). Plain HTTP
    sends the signed request and the keys' signature in clear, so it is refused unless the endpoint
    is a loopback address (a lab emulator).
    """
    if not endpoint:
        if protocol == "http":
            raise ValueError("protocol=http is only allowed with a loopback endpoint (a lab emulator)")
        return None, protocol or "https"
    parts = urlsplit(endpoint if "://" in endpoint else "//" + endpoint)
    scheme = parts.scheme.lower() or None
    if scheme not in (None, "http", "https"):
        raise ValueError("endpoint %r: only http:// and https:// are supported" % endpoint)
    if scheme and protocol and scheme != protocol:
        raise ValueError("endpoint %r says %s but protocol is %s" % (endpoint, scheme, protocol))
    if parts.path not in ("", "/") or parts.query or not parts.hostname:
        raise ValueError("endpoint %r must be a host name with an optional port (and scheme)" % endpoint)
    chosen = protocol or scheme or "https"
    if chosen == "http" and not is_loopback_host(parts.hostname):
        raise ValueError("endpoint %r: plain http is only allowed for loopback lab endpoints" % endpoint)
    return parts.netloc, chosen


class _CodePrefixes:
    """Error codes matched by prefix.

    The SDK's retry policy asks ``code in condition.error_code``; Alibaba spells throttling
    ``Throttling``, ``Throttling.User``, ``Throttling.Api``..., so one prefix catches them all.
    """

    def __init__(self, prefixes: Iterable[str]) -> None:
        self.prefixes = tuple(prefixes)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code.startswith(self.prefixes)

    def __iter__(self):
        return iter(self.prefixes)

    def __len__(self) -> int:
        return len(self.prefixes)


# Safe to repeat: the request was refused before it ran (throttling) or failed on the server side;
# creations carry a ClientToken, so a repeated create returns the first one's result.
RETRYABLE_CODE_PREFIXES = ("Throttling", "ServiceUnavailable", "InternalError", "UnknownError", "SystemBusy", "ServiceBusy")
# Exception names the SDK raises for a throttling answer (with Retry-After) and for any 5xx.
RETRYABLE_EXCEPTIONS = ["ThrottlingException", "ServerException"]
# Backoff in milliseconds: exponential from 200 ms, full jitter, at most 10 s between attempts.
RETRY_BACKOFF = {"policy": "ExponentialWithFullJitter", "period": 200, "cap": 10000}


def retry_options(max_attempts: int) -> Any:
    """The SDK's retry policy for every call of a client (``Config.retry_options``)."""
    condition = RetryCondition({
        "maxAttempts": max(1, int(max_attempts)),
        "errorCode": _CodePrefixes(RETRYABLE_CODE_PREFIXES),
        "exception": list(RETRYABLE_EXCEPTIONS),
        "backoff": dict(RETRY_BACKOFF),
        "maxDelay": RETRY_BACKOFF["cap"],
    })
    return RetryOptions({"retryable": True, "retryCondition": [condition]})


def client_config_arguments(params: Mapping[str, Any]) -> dict[str, Any]:
    """``Config`` keyword arguments from the module options (without credentials objects)."""
    region = params.get("region")
    if not region:
        raise ValueError("region is required (option region or environment variable ALIBABA_CLOUD_REGION_ID)")
    host, protocol = resolve_endpoint(params.get("endpoint"), params.get("protocol"))
    arguments: dict[str, Any] = {"region_id": region, "protocol": protocol, "user_agent": USER_AGENT}
    if host:
        arguments["endpoint"] = host
    if params.get("access_key") and params.get("secret_key"):
        arguments["access_key_id"] = params["access_key"]
        arguments["access_key_secret"] = params["secret_key"]
        if params.get("security_token"):
            arguments["security_token"] = params["security_token"]
    elif params.get("access_key") or params.get("secret_key"):
        raise ValueError("access_key and secret_key go together: give both or neither")
    return arguments


def vpc_client(params: Mapping[str, Any]) -> Any:
    """The VPC client for a module's connection options.

    Without keys in the options or the environment, the SDK's default credential chain decides
    (credentials file, ECS RAM role, OIDC).
    """
    arguments = client_config_arguments(params)
    if "access_key_id" not in arguments:
        arguments["credential"] = CredentialClient()
    config = Config(retry_options=retry_options(params.get("max_attempts") or 5), **arguments)
    return VpcClient(config)


# --------------------------------------------------------------------------- error mapping

# "Not found" codes that do NOT mean the resource is gone: a wrong region is a user error.
NOT_FOUND_BUT_NOT_GONE = frozenset({"InvalidRegionId.NotFound"})
# Codes for a missing resource that do not end in "NotFound".
# Source: aliyun/terraform-provider-alicloud alicloud/errors.go and VPN resources (delete paths).
EXTRA_NOT_FOUND_CODES = frozenset({"INSTANCE_NOT_EXISTS", "ResourceNotFound", "VpnRouteEntry.NotExist"})
# The gateway (or the connection) is busy with an earlier change; retry when it is active again.
# Source: terraform-provider-alicloud resource_alicloud_vpn_* retry lists.
GATEWAY_BUSY_CODES = frozenset({
    "VpnGateway.Configuring", "VpnConnection.Configuring", "VpnTask.CONFLICT", "TaskConflict",
    "Appliance.Configuring", "OperationConflict", "IncorrectStatus.VpnGateway",
})
# A route table accepts one change at a time too.
ROUTE_TABLE_BUSY_CODES = frozenset({
    "TaskConflict", "OperationConflict", "IncorrectStatus.RouteTableStatus", "IncorrectRouteEntryStatus",
    "IncorrectStatus.VpnGateway", "VpnGateway.Configuring", "Operation.Conflict",
})


def is_not_found(code: str | None) -> bool:
    """Whether an error code means the resource does not exist."""
    if not code or code in NOT_FOUND_BUT_NOT_GONE:
        return False
    return code.endswith("NotFound") or code in EXTRA_NOT_FOUND_CODES


def _clean_code(code: Any) -> str | None:
    # The SDK formats a missing code as the string "None".
    return None if code in (None, "", "None") else str(code)


def to_cloud_error(error: Exception, action: str) -> CloudError:
    """One CloudError from any exception the SDK raises."""
    inner = getattr(error, "inner_exception", None)
    message = str(inner) if inner is not None else (getattr(error, "message", None) or str(error))
    status = getattr(error, "status_code", None) or getattr(error, "statusCode", None)
    return CloudError(message, cloud=CLOUD, operation=action, code=_clean_code(getattr(error, "code", None)), status=status)


def _method_name(action: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", action).lower()


def call_api(client: Any, action: str, params: Mapping[str, Any]) -> dict:
    """Call one VPC action with API-named parameters; the answer body as a dict (API names)."""
    request = getattr(vpc_models, action + "Request")().from_map({key: value for key, value in params.items() if value is not None})
    try:
        response = getattr(client, _method_name(action))(request)
    except SDK_ERRORS as error:
        raise to_cloud_error(error, action) from error
    body = getattr(response, "body", None)
    return body.to_map() if body is not None else {}


def call_delete(client: Any, action: str, params: Mapping[str, Any]) -> bool:
    """A delete call: True when something was deleted, False when it was already gone."""
    try:
        call_api(client, action, params)
    except CloudError as error:
        if is_not_found(error.code):
            return False
        raise
    return True


def _dig(body: Mapping[str, Any], path: Iterable[str]) -> list:
    value: Any = body
    for key in path:
        value = (value or {}).get(key) if isinstance(value, Mapping) else None
    return list(value or [])


def paginate(client: Any, action: str, params: Mapping[str, Any], path: tuple[str, ...]) -> list[dict]:
    """Every item of a PageNumber/PageSize Describe* call (lists are nested twice: ``X.Y[]``)."""
    items: list[dict] = []
    page = 1
    while True:
        body = call_api(client, action, dict(params, PageNumber=page, PageSize=PAGE_SIZE))
        batch = _dig(body, path)
        items.extend(batch)
        total = body.get("TotalCount")
        if not batch or total is None or len(items) >= int(total):
            return items
        page += 1


def paginate_tokens(client: Any, action: str, params: Mapping[str, Any], path: tuple[str, ...]) -> list[dict]:
    """Every item of a NextToken/MaxResult Describe* call."""
    items: list[dict] = []
    token = None
    while True:
        body = call_api(client, action, dict(params, MaxResult=ROUTE_ENTRY_PAGE_SIZE, NextToken=token))
        items.extend(_dig(body, path))
        token = body.get("NextToken")
        if not token:
            return items


def client_token() -> str:
    """A ClientToken: a create the SDK repeats after a timeout returns the first result."""
    return str(uuid.uuid4())


# --------------------------------------------------------------------------- normalisation


def snake_name(name: str) -> str:
    """``DisasterRecoveryVSwitchId`` -> ``disaster_recovery_vswitch_id``, ``InternetIp`` -> ``internet_ip``."""
    name = name.replace("VSwitch", "Vswitch").replace("IPv6", "Ipv6").replace("IPv4", "Ipv4")
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    name = re.sub(r"(?<=[A-Z])(?=[A-Z][a-z])", "_", name)
    return name.lower()


def snake_resource(value: Any) -> Any:
    """API answer -> snake_case; ``{"Tags": {"Tag": [...]}}``-style wrappers become plain lists."""
    if isinstance(value, Mapping):
        if len(value) == 1:
            (only,) = value.values()
            if isinstance(only, list):
                return snake_resource(only)
        return {snake_name(key): snake_resource(item) for key, item in value.items()}
    if isinstance(value, list):
        return [snake_resource(item) for item in value]
    return value


def tags_to_dict(raw_tags: Any) -> dict[str, str]:
    tags = raw_tags.get("Tag", []) if isinstance(raw_tags, Mapping) else raw_tags or []
    return {tag.get("Key") or tag.get("TagKey"): tag.get("Value", tag.get("TagValue", "")) for tag in tags if isinstance(tag, Mapping)}


def as_bool(value: Any) -> bool | None:
    """The API answers booleans as true/false, "true"/"false", "enable"/"disable" or "on"/"off"."""
    if value is None or isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("true", "enable", "enabled", "on", "1", "yes")


def as_int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def bandwidth_from_spec(spec: Any) -> int | None:
    """``"10M"`` -> 10 (Mbps)."""
    match = re.match(r"^\s*(\d+)", str(spec)) if spec is not None else None
    return int(match.group(1)) if match else None


def split_subnets(value: Any) -> list[str]:
    """``"10.0.0.0/24,10.0.1.0/24"`` -> a sorted list (the API joins subnets with commas)."""
    if value is None:
        return []
    items = value if isinstance(value, list) else str(value).split(",")
    return sorted(item.strip() for item in items if item and item.strip())


def normalize_vpn_gateway(raw: Mapping[str, Any]) -> dict[str, Any]:
    gateway = snake_resource({key: value for key, value in raw.items() if key not in ("Tags", "Tag")})
    gateway["tags"] = tags_to_dict(raw.get("Tags") or raw.get("Tag"))
    gateway["bandwidth"] = bandwidth_from_spec(raw.get("Spec"))
    gateway["enable_ipsec"] = as_bool(raw.get("IpsecVpn"))
    gateway["enable_ssl"] = as_bool(raw.get("SslVpn"))
    gateway["enable_bgp"] = as_bool(raw.get("EnableBgp"))
    gateway["auto_propagate"] = as_bool(raw.get("AutoPropagate"))
    gateway.pop("ipsec_vpn", None)
    gateway.pop("ssl_vpn", None)
    return gateway


def normalize_customer_gateway(raw: Mapping[str, Any]) -> dict[str, Any]:
    gateway = snake_resource({key: value for key, value in raw.items() if key not in ("Tags", "Tag")})
    gateway["tags"] = tags_to_dict(raw.get("Tags") or raw.get("Tag"))
    asn = raw.get("Asn")
    gateway["asn"] = as_int(asn) if as_int(asn) is not None else (asn or None)
    return gateway


def _normalize_phase_config(raw: Any) -> dict[str, Any] | None:
    if not isinstance(raw, Mapping):
        return None
    config = snake_resource(raw)
    for key in ("ike_lifetime", "ipsec_lifetime"):
        if key in config:
            config[key] = as_int(config[key])
    return config


def normalize_tunnel(raw: Mapping[str, Any]) -> dict[str, Any]:
    """One tunnel of a dual-tunnel connection, with option names (ike_config, ipsec_config)."""
    tunnel = snake_resource({key: value for key, value in raw.items()
                             if key not in ("TunnelIkeConfig", "TunnelIpsecConfig", "TunnelBgpConfig")})
    tunnel["ike_config"] = _normalize_phase_config(raw.get("TunnelIkeConfig"))
    tunnel["ipsec_config"] = _normalize_phase_config(raw.get("TunnelIpsecConfig"))
    tunnel["bgp_config"] = snake_resource(raw.get("TunnelBgpConfig")) if raw.get("TunnelBgpConfig") else None
    tunnel["enable_dpd"] = as_bool(raw.get("EnableDpd"))
    tunnel["enable_nat_traversal"] = as_bool(raw.get("EnableNatTraversal"))
    tunnel["tunnel_index"] = as_int(raw.get("TunnelIndex"))
    return tunnel


def raw_tunnels(raw: Mapping[str, Any]) -> list[dict]:
    spec = raw.get("TunnelOptionsSpecification")
    if isinstance(spec, Mapping):
        return list(spec.get("TunnelOptions") or [])
    return list(spec or [])


def normalize_vpn_connection(raw: Mapping[str, Any]) -> dict[str, Any]:
    skip = ("Tags", "Tag", "IkeConfig", "IpsecConfig", "TunnelOptionsSpecification", "LocalSubnet", "RemoteSubnet")
    connection = snake_resource({key: value for key, value in raw.items() if key not in skip})
    connection["tags"] = tags_to_dict(raw.get("Tags") or raw.get("Tag"))
    connection["local_subnet"] = split_subnets(raw.get("LocalSubnet"))
    connection["remote_subnet"] = split_subnets(raw.get("RemoteSubnet"))
    connection["ike_config"] = _normalize_phase_config(raw.get("IkeConfig"))
    connection["ipsec_config"] = _normalize_phase_config(raw.get("IpsecConfig"))
    connection["tunnel_options"] = [normalize_tunnel(tunnel) for tunnel in raw_tunnels(raw)]
    for key in ("effect_immediately", "enable_dpd", "enable_nat_traversal", "enable_tunnels_bgp"):
        if key in connection:
            connection[key] = as_bool(connection[key])
    connection["established"] = connection_is_established(raw)
    return connection


def normalize_route_entry(raw: Mapping[str, Any]) -> dict[str, Any]:
    entry = snake_resource(raw)
    hops = entry.get("next_hops") or []
    first = hops[0] if hops and isinstance(hops[0], Mapping) else {}
    entry["next_hop_type"] = first.get("next_hop_type")
    entry["next_hop_id"] = first.get("next_hop_id")
    entry["name"] = entry.pop("route_entry_name", None)
    return entry


def normalize_vpn_route_entry(raw: Mapping[str, Any]) -> dict[str, Any]:
    entry = snake_resource(raw)
    entry["weight"] = as_int(entry.get("weight"))
    entry["publish_vpc"] = str(entry.get("state") or "").lower() == "published"
    entry["vpn_gateway_id"] = entry.pop("vpn_instance_id", None)
    return entry


# --------------------------------------------------------------------------- predicates (waiters)

CONNECTION_ESTABLISHED = "ipsec_sa_established"
# What a negotiation status means, for a failure message.
NEGOTIATION_HINTS = {
    "ike_sa_not_established": "IKE phase 1 did not complete: check the peer address, the pre-shared key, "
                              "the IKE version and the phase-1 proposal on both ends",
    "ike_sa_established": "IKE phase 1 succeeded but no IPsec SA yet: check the phase-2 proposal, PFS group "
                          "and the protected subnets on both ends",
    "ipsec_sa_not_established": "IPsec phase 2 did not complete: check the phase-2 proposal, PFS group and "
                                "the protected subnets on both ends",
}


def vpn_gateway_is_active(raw: Mapping[str, Any] | None) -> bool:
    """The gateway exists and accepts changes (not init/provisioning/updating)."""
    return raw is not None and str(raw.get("Status", "")).lower() == "active"


def vpn_gateway_problem(raw: Mapping[str, Any] | None) -> str | None:
    """A state the gateway will not leave on its own, or None."""
    if raw is None:
        return "the VPN gateway does not exist"
    if str(raw.get("BusinessStatus", "")).lower() == "financiallocked":
        return "the VPN gateway is locked for an overdue payment (BusinessStatus FinancialLocked)"
    if str(raw.get("Status", "")).lower() == "deleting":
        return "the VPN gateway is being deleted"
    return None


def describe_vpn_gateway_state(raw: Mapping[str, Any] | None) -> str:
    if raw is None:
        return "not found"
    return "Status=%s BusinessStatus=%s" % (raw.get("Status"), raw.get("BusinessStatus"))


def connection_is_established(raw: Mapping[str, Any] | None) -> bool:
    """Every tunnel (dual-tunnel) or the connection (single-tunnel) has its IPsec SA."""
    if raw is None:
        return False
    tunnels = raw_tunnels(raw)
    if tunnels:
        return all(str(tunnel.get("Status", "")).lower() == CONNECTION_ESTABLISHED for tunnel in tunnels)
    return str(raw.get("Status", "")).lower() == CONNECTION_ESTABLISHED


def describe_connection_status(raw: Mapping[str, Any] | None) -> str:
    """``status=...; tunnel tun-1 (master): ...`` with a hint on what the status means."""
    if raw is None:
        return "the IPsec connection does not exist"
    parts = []
    tunnels = raw_tunnels(raw)
    if tunnels:
        for tunnel in tunnels:
            status = str(tunnel.get("Status") or "unknown")
            parts.append("tunnel %s (%s): %s" % (tunnel.get("TunnelId"), tunnel.get("Role"), status))
        statuses = [str(tunnel.get("Status") or "") for tunnel in tunnels]
    else:
        status = str(raw.get("Status") or "unknown")
        parts.append("status %s" % status)
        statuses = [status]
    hints = sorted({NEGOTIATION_HINTS[status] for status in statuses if status in NEGOTIATION_HINTS})
    return "; ".join(parts) + ("" if not hints else " (%s)" % "; ".join(hints))


def route_entry_is_available(raw: Mapping[str, Any] | None) -> bool:
    return raw is not None and str(raw.get("Status", "")).lower() == "available"


# --------------------------------------------------------------------------- API calls: VPN gateways


def describe_vpn_gateways(client: Any, region: str, *, vpn_gateway_id: str | None = None, vpc_id: str | None = None) -> list[dict]:
    params = {"RegionId": region, "VpnGatewayId": vpn_gateway_id, "VpcId": vpc_id}
    return paginate(client, "DescribeVpnGateways", params, ("VpnGateways", "VpnGateway"))


def get_vpn_gateway(client: Any, region: str, vpn_gateway_id: str) -> dict | None:
    try:
        found = describe_vpn_gateways(client, region, vpn_gateway_id=vpn_gateway_id)
    except CloudError as error:
        if is_not_found(error.code):
            return None
        raise
    return next((gateway for gateway in found if gateway.get("VpnGatewayId") == vpn_gateway_id), None)


def create_vpn_gateway(client: Any, params: Mapping[str, Any]) -> str:
    return call_api(client, "CreateVpnGateway", params)["VpnGatewayId"]


def modify_vpn_gateway_attribute(client: Any, params: Mapping[str, Any]) -> None:
    call_api(client, "ModifyVpnGatewayAttribute", params)


def delete_vpn_gateway(client: Any, region: str, vpn_gateway_id: str) -> bool:
    return call_delete(client, "DeleteVpnGateway", {"RegionId": region, "VpnGatewayId": vpn_gateway_id, "ClientToken": client_token()})


# --------------------------------------------------------------------------- API calls: customer gateways


def describe_customer_gateways(client: Any, region: str, *, customer_gateway_id: str | None = None) -> list[dict]:
    params = {"RegionId": region, "CustomerGatewayId": customer_gateway_id}
    try:
        return paginate(client, "DescribeCustomerGateways", params, ("CustomerGateways", "CustomerGateway"))
    except CloudError as error:
        if customer_gateway_id and is_not_found(error.code):
            return []
        raise


def create_customer_gateway(client: Any, params: Mapping[str, Any]) -> str:
    return call_api(client, "CreateCustomerGateway", params)["CustomerGatewayId"]


def modify_customer_gateway_attribute(client: Any, params: Mapping[str, Any]) -> None:
    call_api(client, "ModifyCustomerGatewayAttribute", params)


def delete_customer_gateway(client: Any, region: str, customer_gateway_id: str) -> bool:
    return call_delete(client, "DeleteCustomerGateway", {"RegionId": region, "CustomerGatewayId": customer_gateway_id,
                                                         "ClientToken": client_token()})


# --------------------------------------------------------------------------- API calls: IPsec connections


def describe_vpn_connections(client: Any, region: str, *, vpn_connection_id: str | None = None,
                             vpn_gateway_id: str | None = None, customer_gateway_id: str | None = None) -> list[dict]:
    params = {"RegionId": region, "VpnConnectionId": vpn_connection_id, "VpnGatewayId": vpn_gateway_id,
              "CustomerGatewayId": customer_gateway_id}
    try:
        return paginate(client, "DescribeVpnConnections", params, ("VpnConnections", "VpnConnection"))
    except CloudError as error:
        if vpn_connection_id and is_not_found(error.code):
            return []
        raise


def get_vpn_connection(client: Any, region: str, vpn_connection_id: str) -> dict | None:
    found = describe_vpn_connections(client, region, vpn_connection_id=vpn_connection_id)
    return next((connection for connection in found if connection.get("VpnConnectionId") == vpn_connection_id), None)


def create_vpn_connection(client: Any, params: Mapping[str, Any]) -> str:
    return call_api(client, "CreateVpnConnection", params)["VpnConnectionId"]


def modify_vpn_connection_attribute(client: Any, params: Mapping[str, Any]) -> None:
    call_api(client, "ModifyVpnConnectionAttribute", params)


def delete_vpn_connection(client: Any, region: str, vpn_connection_id: str) -> bool:
    return call_delete(client, "DeleteVpnConnection", {"RegionId": region, "VpnConnectionId": vpn_connection_id,
                                                       "ClientToken": client_token()})


def describe_vpn_connection_logs(client: Any, region: str, vpn_connection_id: str, minutes: int = 10) -> list[str]:
    """The connection's recent negotiation log lines (the cloud's own words on why IKE fails)."""
    body = call_api(client, "DescribeVpnConnectionLogs", {"RegionId": region, "VpnConnectionId": vpn_connection_id,
                                                          "MinutePeriod": minutes, "PageNumber": 1, "PageSize": PAGE_SIZE})
    return [str(line) for line in _dig(body, ("Data", "Logs"))]


# --------------------------------------------------------------------------- API calls: VPC route entries


def system_route_table_id(client: Any, region: str, vpc_id: str) -> str | None:
    """The VPC's system route table (the one the console calls the VPC's route table)."""
    tables = paginate(client, "DescribeRouteTableList", {"RegionId": region, "VpcId": vpc_id, "RouteTableType": "System"},
                      ("RouterTableList", "RouterTableListType"))
    return next((table.get("RouteTableId") for table in tables if table.get("RouteTableId")), None)


def describe_route_entries(client: Any, region: str, route_table_id: str, *, destination_cidr_block: str | None = None) -> list[dict]:
    params = {"RegionId": region, "RouteTableId": route_table_id, "DestinationCidrBlock": destination_cidr_block}
    return paginate_tokens(client, "DescribeRouteEntryList", params, ("RouteEntrys", "RouteEntry"))


def create_route_entry(client: Any, params: Mapping[str, Any]) -> str | None:
    return call_api(client, "CreateRouteEntry", params).get("RouteEntryId")


def modify_route_entry(client: Any, params: Mapping[str, Any]) -> None:
    call_api(client, "ModifyRouteEntry", params)


def delete_route_entry(client: Any, region: str, route_table_id: str, route_entry_id: str | None,
                       destination_cidr_block: str, next_hop_id: str | None) -> bool:
    params = {"RegionId": region, "RouteTableId": route_table_id, "RouteEntryId": route_entry_id,
              "DestinationCidrBlock": destination_cidr_block, "NextHopId": next_hop_id}
    return call_delete(client, "DeleteRouteEntry", params)


# --------------------------------------------------------------------------- API calls: VPN route entries


def describe_vpn_route_entries(client: Any, region: str, vpn_gateway_id: str, route_entry_type: str = "custom") -> list[dict]:
    params = {"RegionId": region, "VpnGatewayId": vpn_gateway_id, "RouteEntryType": route_entry_type}
    return paginate(client, "DescribeVpnRouteEntries", params, ("VpnRouteEntries", "VpnRouteEntry"))


def create_vpn_route_entry(client: Any, params: Mapping[str, Any]) -> dict:
    return call_api(client, "CreateVpnRouteEntry", params)


def modify_vpn_route_entry_weight(client: Any, params: Mapping[str, Any]) -> None:
    call_api(client, "ModifyVpnRouteEntryWeight", params)


def publish_vpn_route_entry(client: Any, params: Mapping[str, Any]) -> None:
    call_api(client, "PublishVpnRouteEntry", params)


def delete_vpn_route_entry(client: Any, params: Mapping[str, Any]) -> bool:
    return call_delete(client, "DeleteVpnRouteEntry", params)


# --------------------------------------------------------------------------- waits


def wait_for_vpn_gateway(client: Any, region: str, vpn_gateway_id: str, timeout: float, *, missing_is_failure: bool = True) -> dict:
    """Wait until the gateway is ``active``; right after a create it may not be listed yet."""
    def problem(raw: Mapping[str, Any] | None) -> str | None:
        if raw is None and not missing_is_failure:
            return None
        return vpn_gateway_problem(raw)

    return wait_for(lambda: get_vpn_gateway(client, region, vpn_gateway_id), vpn_gateway_is_active,
                    what="VPN gateway %s" % vpn_gateway_id, wanted="active", timeout=timeout, delay=POLL_SECONDS,
                    describe=describe_vpn_gateway_state, is_failed=problem)


def retry_while_busy(mutation: Callable[[], T], busy_codes: Iterable[str], timeout: float,
                     before_each: Callable[[float], Any] | None = None) -> T:
    """Run ``mutation``; while it fails with a busy code, wait and try again until ``timeout``.

    ``before_each(remaining_seconds)`` runs before every attempt (e.g. wait for the gateway).
    """
    busy = frozenset(busy_codes)
    deadline = time.monotonic() + timeout
    pauses = poll_delays(POLL_SECONDS)
    while True:
        if before_each is not None:
            before_each(max(deadline - time.monotonic(), 0.0))
        try:
            return mutation()
        except CloudError as error:
            if error.code not in busy or time.monotonic() >= deadline:
                raise
        time.sleep(next(pauses))


def change_vpn_gateway(client: Any, region: str, vpn_gateway_id: str, mutation: Callable[[], T], timeout: float) -> T:
    """Run one change on a VPN gateway or on something it owns (connections, VPN routes).

    The gateway serializes changes: wait until it is ``active`` (not ``updating``), then call; if
    another change slipped in between (VpnGateway.Configuring), wait for it again.
    """
    return retry_while_busy(mutation, GATEWAY_BUSY_CODES, timeout,
                            before_each=lambda remaining: wait_for_vpn_gateway(client, region, vpn_gateway_id, remaining))


# --------------------------------------------------------------------------- validation


def _cidr_problem(field: str, cidr: Any) -> str | None:
    try:
        network = ipaddress.ip_network(str(cidr), strict=False)
    except ValueError:
        return "%s: %r is not a CIDR block" % (field, cidr)
    if str(network) != str(cidr).strip():
        return "%s: %r has host bits set; the network is %s" % (field, cidr, network)
    return None


def subnet_problems(field: str, subnets: Iterable[Any] | None) -> list[str]:
    """CIDR blocks only, and 0.0.0.0/0 alone (destination-route mode) or not at all (protected flows)."""
    if subnets is None:
        return []
    subnets = list(subnets)
    if not subnets:
        return ["%s must name at least one CIDR block" % field]
    problems = [problem for problem in (_cidr_problem(field, subnet) for subnet in subnets) if problem]
    if not problems and "0.0.0.0/0" in subnets and len(set(subnets)) > 1:
        problems.append("%s mixes 0.0.0.0/0 with specific CIDR blocks: use 0.0.0.0/0 alone (destination-based routing) "
                        "or specific CIDR blocks only (protected data flows)" % field)
    return problems


def ip_address_problem(field: str, value: Any) -> str | None:
    """Why ``value`` cannot be a customer gateway's public address, or None."""
    try:
        address = ipaddress.ip_address(str(value))
    except ValueError:
        return "%s: %r is not an IP address" % (field, value)
    for cidr in cloud_facts.ALIBABA_CUSTOMER_GATEWAY_FORBIDDEN_CIDRS:
        if address.version == 4 and address in ipaddress.ip_network(cidr):
            return "%s: %s lies in %s, which Alibaba refuses for a customer gateway" % (field, address, cidr)
    return None


def customer_gateway_asn_problem(asn: Any) -> str | None:
    """Alibaba takes any 32-bit ASN for a peer except its own (and IANA's reservations)."""
    if isinstance(asn, bool) or not isinstance(asn, int):
        return "asn must be an integer, got %r" % (asn,)
    low, high = cloud_facts.ALIBABA_CUSTOMER_GATEWAY_ASN_RANGE
    if not low <= asn <= high:
        return "asn %d is outside %d-%d" % (asn, low, high)
    if asn in cloud_facts.RESERVED_ASNS[CLOUD]:
        return "asn %d is reserved by Alibaba Cloud (its VPN gateways use it)" % asn
    if any(first <= asn <= last for first, last in cloud_facts.IANA_RESERVED_ASN_RANGES):
        return "asn %d is reserved by IANA" % asn
    return None


def vpn_route_destination_problem(destination: Any) -> str | None:
    """Why a VPN gateway destination route cannot have this destination, or None."""
    problem = _cidr_problem("route_dest", destination)
    if problem:
        return problem
    network = ipaddress.ip_network(str(destination))
    if str(network) in cloud_facts.ALIBABA_VPN_ROUTE_FORBIDDEN_DESTINATIONS:
        return "route_dest %s is not allowed on an Alibaba VPN gateway" % network
    for cidr in cloud_facts.ALIBABA_VPN_ROUTE_FORBIDDEN_OVERLAPS:
        if network.version == 4 and network.overlaps(ipaddress.ip_network(cidr)):
            return "route_dest %s overlaps %s, which breaks IPsec negotiation on Alibaba VPN gateways" % (network, cidr)
    return None


def vpc_route_problem(destination: Any, next_hop_type: str | None) -> str | None:
    """Why a VPC route entry cannot be created as asked, or None."""
    problem = _cidr_problem("destination_cidr_block", destination)
    if problem:
        return problem
    network = ipaddress.ip_network(str(destination))
    for cidr in cloud_facts.ALIBABA_ROUTE_FORBIDDEN_CIDRS:
        # "must not be, or lie in": a wider block (a default route) is fine.
        if network.version == 4 and network.subnet_of(ipaddress.ip_network(cidr)):
            return "destination_cidr_block %s lies in %s, which Alibaba refuses in VPC route tables" % (network, cidr)
    if next_hop_type in cloud_facts.ALIBABA_VPC_ROUTE_NO_DEFAULT_NEXT_HOPS and network.prefixlen == 0:
        return "destination_cidr_block %s cannot point to a %s on Alibaba Cloud" % (network, next_hop_type)
    return None


# --------------------------------------------------------------------------- IPsec options

# Option name -> API name, for IkeConfig and IpsecConfig (and the tunnel variants).
IKE_API_NAMES = {
    "ike_version": "IkeVersion", "ike_mode": "IkeMode", "ike_enc_alg": "IkeEncAlg", "ike_auth_alg": "IkeAuthAlg",
    "ike_pfs": "IkePfs", "ike_lifetime": "IkeLifetime", "local_id": "LocalId", "remote_id": "RemoteId", "psk": "Psk",
}
IPSEC_API_NAMES = {
    "ipsec_enc_alg": "IpsecEncAlg", "ipsec_auth_alg": "IpsecAuthAlg", "ipsec_pfs": "IpsecPfs", "ipsec_lifetime": "IpsecLifetime",
}
# Option -> (cloud_facts name kind, IKE_CAPABILITIES phase) for the algorithm options.
_ALGORITHM_OPTIONS = {
    "ike_enc_alg": ("encryption", "phase1"),
    "ike_auth_alg": ("integrity", "phase1"),
    "ike_pfs": ("dh_group", "phase1"),
    "ipsec_enc_alg": ("encryption", "phase2"),
    "ipsec_auth_alg": ("integrity", "phase2"),
    "ipsec_pfs": ("pfs_group", "phase2"),
}
_LIFETIME_OPTIONS = {"ike_lifetime": "phase1", "ipsec_lifetime": "phase2"}


def accepted_names(option: str) -> list[str]:
    """The Alibaba spellings an algorithm option accepts, from cloud_facts.IKE_CAPABILITIES."""
    kind, phase = _ALGORITHM_OPTIONS[option]
    return [cloud_facts.cloud_name(CLOUD, kind, value) for value in cloud_facts.accepted_values(CLOUD, kind, phase)]


def canonical_algorithm(option: str, value: Any) -> Any:
    """The canonical value (cloud_facts vocabulary) of an Alibaba algorithm name; ValueError if unknown."""
    kind, phase = _ALGORITHM_OPTIONS[option]
    try:
        canonical = cloud_facts.canonical_name(CLOUD, kind, value)
    except (KeyError, ValueError):
        canonical = "unknown"
    if canonical not in cloud_facts.accepted_values(CLOUD, kind, phase):
        raise ValueError("%s: %r is not one of %s" % (option, value, ", ".join(accepted_names(option))))
    return canonical


def alibaba_algorithm_name(option: str, value: Any) -> Any:
    """The spelling the API answers with (``aes128`` -> ``aes``, ``SHA1`` -> ``sha1``)."""
    kind = _ALGORITHM_OPTIONS[option][0]
    return cloud_facts.cloud_name(CLOUD, kind, canonical_algorithm(option, value))


def phase_config_problems(prefix: str, config: Mapping[str, Any] | None) -> list[str]:
    """Problems in one ike_config or ipsec_config option (algorithm names, lifetimes, PSK)."""
    problems: list[str] = []
    for option, value in (config or {}).items():
        if value is None:
            continue
        if option in _ALGORITHM_OPTIONS:
            try:
                canonical_algorithm(option, value)
            except ValueError as error:
                problems.append("%s.%s" % (prefix, error))
        elif option in _LIFETIME_OPTIONS:
            low, high, _default = cloud_facts.IKE_CAPABILITIES[CLOUD][_LIFETIME_OPTIONS[option]]["lifetime"]
            if not low <= int(value) <= high:
                problems.append("%s.%s: %s is outside %d-%d seconds" % (prefix, option, value, low, high))
        elif option == "psk":
            problem = cloud_facts.psk_problem(CLOUD, value)
            if problem:
                problems.append("%s.psk: %s" % (prefix, problem))
    return problems


def effective_proposal(ike: Mapping[str, Any] | None, ipsec: Mapping[str, Any] | None) -> dict[str, Any]:
    """The canonical proposal the options describe; unset fields take Alibaba's defaults."""
    defaults = cloud_facts.IKE_CAPABILITIES[CLOUD]["defaults"]
    ike, ipsec = ike or {}, ipsec or {}

    def pick(config: Mapping[str, Any], option: str, default: Any) -> Any:
        value = config.get(option)
        return default if value is None else canonical_algorithm(option, value)

    return {
        "ike_version": ike.get("ike_version") or defaults["ike_version"],
        "phase1": {
            "encryption": pick(ike, "ike_enc_alg", defaults["phase1"]["encryption"]),
            "integrity": pick(ike, "ike_auth_alg", defaults["phase1"]["integrity"]),
            "dh_group": pick(ike, "ike_pfs", defaults["phase1"]["dh_group"]),
        },
        "phase2": {
            "encryption": pick(ipsec, "ipsec_enc_alg", defaults["phase2"]["encryption"]),
            "integrity": pick(ipsec, "ipsec_auth_alg", defaults["phase2"]["integrity"]),
            "pfs_group": pick(ipsec, "ipsec_pfs", defaults["phase2"]["pfs_group"]),
        },
    }


def peer_problems(peer_cloud: str, prefix: str, ike: Mapping[str, Any] | None, ipsec: Mapping[str, Any] | None) -> list[str]:
    """What the peer cloud would refuse: its PSK rules and its IKE capabilities.

    ``prefix`` names where the options sit ("" at the top level, "tunnel_options[0]." in a tunnel).
    """
    capabilities = cloud_facts.IKE_CAPABILITIES.get(peer_cloud)
    if capabilities is None:
        return ["peer_cloud: unknown cloud %r (one of %s)" % (peer_cloud, ", ".join(sorted(cloud_facts.IKE_CAPABILITIES)))]
    problems: list[str] = []
    psk = (ike or {}).get("psk")
    if psk is not None:
        problem = cloud_facts.psk_problem(peer_cloud, psk)
        if problem:
            problems.append("%sike_config.psk: the key must suit both ends; %s" % (prefix, problem))
    try:
        proposal = effective_proposal(ike, ipsec)
    except ValueError:
        return problems  # phase_config_problems reports unknown names
    if proposal["ike_version"] not in capabilities["ike_versions"]:
        problems.append("%sike_config.ike_version: %s does not support %s" % (prefix, peer_cloud, proposal["ike_version"]))
    for option, (kind, phase) in _ALGORITHM_OPTIONS.items():
        value = proposal[phase][kind]
        if value in cloud_facts.accepted_values(peer_cloud, kind, phase):
            continue
        section = "ike_config" if option.startswith("ike_") else "ipsec_config"
        given = ((ike if section == "ike_config" else ipsec) or {}).get(option)
        shown = given if given is not None else "%s (Alibaba's default)" % cloud_facts.cloud_name(CLOUD, kind, value)
        problems.append("%s%s.%s: %s is not accepted by %s" % (prefix, section, option, shown, peer_cloud))
    return problems


def connection_problems(params: Mapping[str, Any]) -> list[str]:
    """Every problem in an alibaba_ipsec_connection task's options, found before any API call."""
    problems = subnet_problems("local_subnet", params.get("local_subnet"))
    problems += subnet_problems("remote_subnet", params.get("remote_subnet"))
    peer = params.get("peer_cloud")
    if peer and peer not in cloud_facts.IKE_CAPABILITIES:
        problems.append("peer_cloud: unknown cloud %r (one of %s)" % (peer, ", ".join(sorted(cloud_facts.IKE_CAPABILITIES))))
        peer = None
    problems += phase_config_problems("ike_config", params.get("ike_config"))
    problems += phase_config_problems("ipsec_config", params.get("ipsec_config"))
    if peer and (params.get("ike_config") or params.get("ipsec_config")):
        problems += peer_problems(peer, "", params.get("ike_config"), params.get("ipsec_config"))
    tunnels = params.get("tunnel_options") or []
    roles = [tunnel_role(tunnel, index) for index, tunnel in enumerate(tunnels)]
    if len(tunnels) > cloud_facts.TUNNEL_LIMITS[CLOUD]["tunnels_per_dual_tunnel_connection"]:
        problems.append("tunnel_options: a dual-tunnel connection has %d tunnels"
                        % cloud_facts.TUNNEL_LIMITS[CLOUD]["tunnels_per_dual_tunnel_connection"])
    if len(set(roles)) != len(roles):
        problems.append("tunnel_options: each role (master, slave) may appear once")
    for index, tunnel in enumerate(tunnels):
        prefix = "tunnel_options[%d]" % index
        problems += phase_config_problems(prefix + ".ike_config", tunnel.get("ike_config"))
        problems += phase_config_problems(prefix + ".ipsec_config", tunnel.get("ipsec_config"))
        if peer:
            problems += peer_problems(peer, prefix + ".", tunnel.get("ike_config"), tunnel.get("ipsec_config"))
    return problems


def tunnel_role(tunnel: Mapping[str, Any], index: int) -> str:
    """The first tunnel is the master (active) one unless the task says otherwise."""
    return tunnel.get("role") or ("master" if index == 0 else "slave")


# --------------------------------------------------------------------------- IPsec desired state and requests


def desired_phase_config(config: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """ike_config / ipsec_config options in the spelling the API answers with; None when not given."""
    if config is None:
        return None
    wanted: dict[str, Any] = {}
    for option, value in config.items():
        if value is None:
            continue
        wanted[option] = alibaba_algorithm_name(option, value) if option in _ALGORITHM_OPTIONS else value
    return wanted


def desired_connection(params: Mapping[str, Any]) -> dict[str, Any]:
    """The connection the task describes, in the normalised shape (None = not given, left alone)."""
    tunnels = params.get("tunnel_options")
    return {
        "name": params.get("name"),
        "vpn_gateway_id": params.get("vpn_gateway_id"),
        "customer_gateway_id": params.get("customer_gateway_id"),
        "local_subnet": split_subnets(params["local_subnet"]) if params.get("local_subnet") is not None else None,
        "remote_subnet": split_subnets(params["remote_subnet"]) if params.get("remote_subnet") is not None else None,
        "effect_immediately": params.get("effect_immediately"),
        "enable_dpd": params.get("enable_dpd"),
        "enable_nat_traversal": params.get("enable_nat_traversal"),
        "ike_config": desired_phase_config(params.get("ike_config")),
        "ipsec_config": desired_phase_config(params.get("ipsec_config")),
        "tunnel_options": None if tunnels is None else [desired_tunnel(tunnel, index) for index, tunnel in enumerate(tunnels)],
    }


def desired_tunnel(tunnel: Mapping[str, Any], index: int) -> dict[str, Any]:
    return {
        "role": tunnel_role(tunnel, index),
        "customer_gateway_id": tunnel.get("customer_gateway_id"),
        "enable_dpd": tunnel.get("enable_dpd"),
        "enable_nat_traversal": tunnel.get("enable_nat_traversal"),
        "ike_config": desired_phase_config(tunnel.get("ike_config")),
        "ipsec_config": desired_phase_config(tunnel.get("ipsec_config")),
    }


def _phase_changes(current: Mapping[str, Any] | None, wanted: Mapping[str, Any] | None) -> dict[str, Any]:
    current = current or {}
    return {key: value for key, value in (wanted or {}).items() if value is not None and current.get(key) != value}


def tunnel_changes(current_tunnels: list[Mapping[str, Any]], wanted_tunnels: list[Mapping[str, Any]] | None) -> dict[str, dict]:
    """Per role, the tunnel fields that differ (only fields the task gives)."""
    if wanted_tunnels is None:
        return {}
    by_role = {str(tunnel.get("role") or "").lower(): tunnel for tunnel in current_tunnels}
    changes: dict[str, dict] = {}
    for wanted in wanted_tunnels:
        have = by_role.get(wanted["role"], {})
        change: dict[str, Any] = {}
        for key in ("customer_gateway_id", "enable_dpd", "enable_nat_traversal"):
            if wanted.get(key) is not None and have.get(key) != wanted[key]:
                change[key] = wanted[key]
        for key in ("ike_config", "ipsec_config"):
            nested = _phase_changes(have.get(key), wanted.get(key))
            if nested:
                change[key] = nested
        if change:
            changes[wanted["role"]] = change
    return changes


# Top-level fields ModifyVpnConnectionAttribute can change in place.
MODIFIABLE_CONNECTION_FIELDS = ("name", "local_subnet", "remote_subnet", "effect_immediately", "enable_dpd", "enable_nat_traversal")


def connection_changes(current: Mapping[str, Any], wanted: Mapping[str, Any]) -> dict[str, Any]:
    """What ModifyVpnConnectionAttribute must change: fields the task gives that differ."""
    changes: dict[str, Any] = {}
    for key in MODIFIABLE_CONNECTION_FIELDS:
        if wanted.get(key) is not None and current.get(key) != wanted[key]:
            changes[key] = wanted[key]
    for key in ("ike_config", "ipsec_config"):
        nested = _phase_changes(current.get(key), wanted.get(key))
        if nested:
            changes[key] = nested
    tunnels = tunnel_changes(list(current.get("tunnel_options") or []), wanted.get("tunnel_options"))
    if tunnels:
        changes["tunnel_options"] = tunnels
    return changes


def immutable_connection_problems(current: Mapping[str, Any], wanted: Mapping[str, Any]) -> list[str]:
    """Differences ModifyVpnConnectionAttribute cannot apply (the connection must be recreated)."""
    problems = []
    for key in ("vpn_gateway_id", "customer_gateway_id"):
        if wanted.get(key) is not None and current.get(key) not in (None, "", wanted[key]):
            problems.append("%s cannot change on an existing IPsec connection (%s -> %s); delete it and create a new one"
                            % (key, current.get(key), wanted[key]))
    current_roles = {str(tunnel.get("role") or "").lower() for tunnel in current.get("tunnel_options") or []}
    for tunnel in wanted.get("tunnel_options") or []:
        if current_roles and tunnel["role"] not in current_roles:
            problems.append("the connection has no %s tunnel; tunnel roles cannot change in place" % tunnel["role"])
    if wanted.get("tunnel_options") and not current_roles:
        problems.append("tunnel_options given, but the connection is single-tunnel; delete it and create a dual-tunnel one")
    return problems


def apply_connection_changes(current: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """The normalised connection after ``changes`` (check mode and diffs)."""
    after = json.loads(json.dumps(current, default=str))
    for key, value in changes.items():
        if key in ("ike_config", "ipsec_config"):
            after[key] = dict(after.get(key) or {}, **value)
        elif key == "tunnel_options":
            for tunnel in after.get("tunnel_options") or []:
                change = value.get(str(tunnel.get("role") or "").lower(), {})
                for field, new in change.items():
                    tunnel[field] = dict(tunnel.get(field) or {}, **new) if isinstance(new, Mapping) else new
        else:
            after[key] = value
    return after


def predicted_connection(wanted: Mapping[str, Any]) -> dict[str, Any]:
    """What a connection created from ``wanted`` would look like (ids and status unknown)."""
    predicted = {key: value for key, value in wanted.items() if key != "tunnel_options"}
    predicted["tunnel_options"] = [dict(tunnel) for tunnel in wanted.get("tunnel_options") or []]
    predicted.update({"vpn_connection_id": None, "status": None, "established": False})
    return predicted


def _phase_request(config: Mapping[str, Any] | None, api_names: Mapping[str, str]) -> dict[str, Any]:
    return {api_names[key]: value for key, value in (config or {}).items() if value is not None and key in api_names}


def phase_config_json(config: Mapping[str, Any] | None, api_names: Mapping[str, str]) -> str | None:
    """IkeConfig / IpsecConfig travel as JSON strings in the query."""
    request = _phase_request(config, api_names)
    return json.dumps(request, sort_keys=True, separators=(",", ":")) if request else None


def tunnel_options_request(tunnels: Iterable[Mapping[str, Any]], tunnel_ids: Mapping[str, str] | None = None) -> list[dict]:
    """TunnelOptionsSpecification entries (nested objects; the SDK flattens them into the form body)."""
    entries = []
    for tunnel in tunnels:
        entry = {
            "TunnelId": (tunnel_ids or {}).get(tunnel["role"]),
            "Role": tunnel["role"] if not tunnel_ids else None,
            "CustomerGatewayId": tunnel.get("customer_gateway_id"),
            "EnableDpd": tunnel.get("enable_dpd"),
            "EnableNatTraversal": tunnel.get("enable_nat_traversal"),
            "TunnelIkeConfig": _phase_request(tunnel.get("ike_config"), IKE_API_NAMES) or None,
            "TunnelIpsecConfig": _phase_request(tunnel.get("ipsec_config"), IPSEC_API_NAMES) or None,
        }
        entries.append({key: value for key, value in entry.items() if value is not None})
    return entries


def create_connection_request(region: str, wanted: Mapping[str, Any], token: str) -> dict[str, Any]:
    """CreateVpnConnection parameters (API names) for the desired connection."""
    request = {
        "RegionId": region,
        "ClientToken": token,
        "VpnGatewayId": wanted.get("vpn_gateway_id"),
        "Name": wanted.get("name"),
        "LocalSubnet": ",".join(wanted.get("local_subnet") or []) or None,
        "RemoteSubnet": ",".join(wanted.get("remote_subnet") or []) or None,
        "EffectImmediately": wanted.get("effect_immediately"),
    }
    if wanted.get("tunnel_options"):
        request["TunnelOptionsSpecification"] = tunnel_options_request(wanted["tunnel_options"])
    else:
        request.update({
            "CustomerGatewayId": wanted.get("customer_gateway_id"),
            "EnableDpd": wanted.get("enable_dpd"),
            "EnableNatTraversal": wanted.get("enable_nat_traversal"),
            "IkeConfig": phase_config_json(wanted.get("ike_config"), IKE_API_NAMES),
            "IpsecConfig": phase_config_json(wanted.get("ipsec_config"), IPSEC_API_NAMES),
        })
    return {key: value for key, value in request.items() if value is not None}


def modify_connection_request(region: str, current: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """ModifyVpnConnectionAttribute parameters: the changed fields only.

    A changed IkeConfig/IpsecConfig is sent whole (current values merged with the changes), so a
    field the task does not give keeps its value whatever the API does with absent keys.
    """
    request: dict[str, Any] = {"RegionId": region, "VpnConnectionId": current["vpn_connection_id"]}
    simple = {"name": "Name", "effect_immediately": "EffectImmediately", "enable_dpd": "EnableDpd",
              "enable_nat_traversal": "EnableNatTraversal"}
    for key, api_name in simple.items():
        if key in changes:
            request[api_name] = changes[key]
    for key, api_name in (("local_subnet", "LocalSubnet"), ("remote_subnet", "RemoteSubnet")):
        if key in changes:
            request[api_name] = ",".join(changes[key])
    for key, api_name, names in (("ike_config", "IkeConfig", IKE_API_NAMES), ("ipsec_config", "IpsecConfig", IPSEC_API_NAMES)):
        if key in changes:
            request[api_name] = phase_config_json(dict(current.get(key) or {}, **changes[key]), names)
    if "tunnel_options" in changes:
        merged = []
        tunnel_ids = {}
        for tunnel in current.get("tunnel_options") or []:
            role = str(tunnel.get("role") or "").lower()
            change = changes["tunnel_options"].get(role)
            if not change:
                continue
            tunnel_ids[role] = tunnel.get("tunnel_id")
            merged.append({
                "role": role,
                "customer_gateway_id": change.get("customer_gateway_id"),
                "enable_dpd": change.get("enable_dpd"),
                "enable_nat_traversal": change.get("enable_nat_traversal"),
                "ike_config": dict(tunnel.get("ike_config") or {}, **change["ike_config"]) if "ike_config" in change else None,
                "ipsec_config": dict(tunnel.get("ipsec_config") or {}, **change["ipsec_config"]) if "ipsec_config" in change else None,
            })
        request["TunnelOptionsSpecification"] = tunnel_options_request(merged, tunnel_ids)
    return request


# The fields a connection task manages: what --diff shows.
CONNECTION_DIFF_FIELDS = ("name", "vpn_gateway_id", "customer_gateway_id", "local_subnet", "remote_subnet", "effect_immediately",
                          "enable_dpd", "enable_nat_traversal", "ike_config", "ipsec_config")
TUNNEL_DIFF_FIELDS = ("role", "customer_gateway_id", "enable_dpd", "enable_nat_traversal", "ike_config", "ipsec_config")


def connection_diff_view(connection: Mapping[str, Any] | None) -> dict[str, Any]:
    """The managed fields of a normalised connection (secrets still in; build_diff redacts them)."""
    if not connection:
        return {}
    view = {key: connection.get(key) for key in CONNECTION_DIFF_FIELDS if connection.get(key) is not None}
    tunnels = connection.get("tunnel_options") or []
    if tunnels:
        view["tunnel_options"] = [{key: tunnel.get(key) for key in TUNNEL_DIFF_FIELDS if tunnel.get(key) is not None} for tunnel in tunnels]
    return view
