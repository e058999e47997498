# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""AWS SDK wiring: client factory, error mapping, one small function per EC2 call, normalisers.

Modules never talk to boto3 directly. Every API call is one function below, wrapped by
``aws_api`` which turns botocore errors into ``CloudError`` (the one error type modules catch).
Retries are the SDK's own (``Config(retries=...)``, standard or adaptive mode): botocore already
knows EC2's throttling codes, so there is no hand-written retry loop here.
"""
from __future__ import annotations

import copy
import datetime
import functools
import traceback
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib
from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.multicloud.interconnect.plugins.module_utils.errors import CloudError

try:
    import boto3
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError
    HAS_BOTO3 = True
    BOTO3_IMPORT_ERROR = None
except ImportError:
    HAS_BOTO3 = False
    BOTO3_IMPORT_ERROR = traceback.format_exc()

CLOUD = "aws"
USER_AGENT_PRODUCT = "multicloud.interconnect"

# Options every AWS module takes; documented once in plugins/doc_fragments/aws.py.
AWS_COMMON_ARGUMENT_SPEC: dict[str, dict] = dict(
    region=dict(type="str", aliases=["aws_region"], fallback=(env_fallback, ["AWS_REGION", "AWS_DEFAULT_REGION"])),
    endpoint_url=dict(type="str", aliases=["aws_endpoint_url"], fallback=(env_fallback, ["AWS_ENDPOINT_URL"])),
    profile=dict(type="str", aliases=["aws_profile"]),
    access_key=dict(type="str", aliases=["aws_access_key_id"], no_log=False),
    secret_key=dict(type="str", aliases=["aws_secret_access_key"], no_log=True),
    session_token=dict(type="str", aliases=["aws_session_token"], no_log=True),
    validate_certs=dict(type="bool", default=True),
    retry_mode=dict(type="str", default="standard", choices=["standard", "adaptive"]),
    max_attempts=dict(type="int", default=10),
)

# A profile brings its own credentials; mixing them with explicit keys is ambiguous.
AWS_MUTUALLY_EXCLUSIVE = [["profile", "access_key"], ["profile", "secret_key"], ["profile", "session_token"]]

TAGS_ARGUMENT_SPEC: dict[str, dict] = dict(
    tags=dict(type="dict", aliases=["resource_tags"]),
    purge_tags=dict(type="bool", default=True),
)


# --------------------------------------------------------------------------- module and client


def aws_module(argument_spec: dict, **kwargs: Any) -> AnsibleModule:
    """An AnsibleModule with the common AWS options; fails early when boto3 is missing."""
    spec = dict(AWS_COMMON_ARGUMENT_SPEC)
    spec.update(argument_spec)
    kwargs["mutually_exclusive"] = list(kwargs.get("mutually_exclusive") or []) + AWS_MUTUALLY_EXCLUSIVE
    module = AnsibleModule(argument_spec=spec, **kwargs)
    if not HAS_BOTO3:
        module.fail_json(msg=missing_required_lib("boto3 and botocore"), exception=BOTO3_IMPORT_ERROR)
    return module


def nested_connection_option(**dict_option: Any) -> dict:
    """The common AWS options as one dict option (O(aws)) of a module that reaches several clouds.

    Documented by the doc fragment C(multicloud.interconnect.nested_connections.aws_option); ``dict_option`` adds
    keys of the dict option itself, such as its default.
    """
    return dict(type="dict", options=copy.deepcopy(AWS_COMMON_ARGUMENT_SPEC), mutually_exclusive=AWS_MUTUALLY_EXCLUSIVE, **dict_option)


def session_arguments(params: Mapping[str, Any]) -> dict[str, Any]:
    """boto3 Session arguments; anything not given is left to the SDK's own chain (env, profile, IMDS)."""
    arguments = {
        "region_name": params.get("region"),
        "profile_name": params.get("profile"),
        "aws_access_key_id": params.get("access_key"),
        "aws_secret_access_key": params.get("secret_key"),
        "aws_session_token": params.get("session_token"),
    }
    return {key: value for key, value in arguments.items() if value}


def retry_config(params: Mapping[str, Any]) -> dict[str, Any]:
    """botocore's retry settings: its own throttling/5xx handling with jittered backoff.

    ``total_max_attempts`` counts the first call too, like AWS_MAX_ATTEMPTS (botocore's
    ``max_attempts`` key would count retries only).
    """
    return {"mode": params.get("retry_mode") or "standard", "total_max_attempts": params.get("max_attempts") or 10}


def user_agent_extra(module_name: str) -> str:
    """Identifies the collection and the module in AWS request logs (CloudTrail userAgent)."""
    return "%s/%s" % (USER_AGENT_PRODUCT, module_name)


def client_arguments(params: Mapping[str, Any], module_name: str) -> dict[str, Any]:
    """``session.client()`` keyword arguments except ``config`` (endpoint, TLS verification)."""
    arguments: dict[str, Any] = {"verify": params.get("validate_certs", True)}
    if params.get("endpoint_url"):
        arguments["endpoint_url"] = params["endpoint_url"]
    return arguments


def ec2_client(module: AnsibleModule) -> Any:
    """The EC2 client for a module's connection options."""
    module_name = getattr(module, "_name", None) or "module"
    try:
        session = boto3.session.Session(**session_arguments(module.params))
        config = Config(retries=retry_config(module.params), user_agent_extra=user_agent_extra(module_name))
        return session.client("ec2", config=config, **client_arguments(module.params, module_name))
    except BotoCoreError as error:
        raise CloudError(str(error), cloud=CLOUD, operation="create ec2 client") from error


# --------------------------------------------------------------------------- error mapping


def error_code(error: Exception) -> str | None:
    """The AWS error code of a ClientError (e.g. ``InvalidVpnGatewayID.NotFound``)."""
    response = getattr(error, "response", None) or {}
    return response.get("Error", {}).get("Code")


def is_not_found(code: str | None) -> bool:
    """EC2 spells every missing-resource error ``<Something>.NotFound`` (or ``...NotFound``)."""
    return bool(code) and code.endswith("NotFound")


def to_cloud_error(error: Exception, operation: str) -> CloudError:
    """One CloudError from a botocore exception."""
    if HAS_BOTO3 and isinstance(error, ClientError):
        details = error.response.get("Error", {})
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return CloudError(details.get("Message") or str(error), cloud=CLOUD, operation=operation, code=details.get("Code"), status=status)
    return CloudError(str(error), cloud=CLOUD, operation=operation)


def aws_api(operation: str, *, when_not_found: Any = None, not_found_ok: bool = False) -> Callable:
    """Decorate one API call: botocore errors become CloudError.

    With ``not_found_ok`` a "not found" answer returns ``when_not_found`` instead: deleting what is
    already gone is success (False), describing an id that does not exist is an empty list.
    """
    def decorate(call: Callable) -> Callable:
        @functools.wraps(call)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return call(*args, **kwargs)
            except ClientError as error:
                if not_found_ok and is_not_found(error_code(error)):
                    return copy.deepcopy(when_not_found)
                raise to_cloud_error(error, operation) from error
            except BotoCoreError as error:
                raise to_cloud_error(error, operation) from error
        return wrapper
    return decorate


# --------------------------------------------------------------------------- tags


def tags_to_dict(tags: Iterable[Mapping[str, str]] | None) -> dict[str, str]:
    return {tag["Key"]: tag.get("Value", "") for tag in tags or ()}


def dict_to_tags(tags: Mapping[str, Any]) -> list[dict[str, str]]:
    return [{"Key": key, "Value": str(value)} for key, value in sorted(tags.items())]


def tag_specifications(resource_type: str, tags: Mapping[str, Any] | None) -> list[dict]:
    """``TagSpecifications`` so a resource is born with its tags (no untagged window)."""
    return [{"ResourceType": resource_type, "Tags": dict_to_tags(tags)}] if tags else []


def desired_tags(tags: Mapping[str, Any] | None, name: str | None) -> dict[str, str] | None:
    """User tags plus the Name tag; None when neither was given (tags are then left alone)."""
    if tags is None and name is None:
        return None
    wanted = {key: str(value) for key, value in (tags or {}).items()}
    if name is not None:
        wanted["Name"] = name
    return wanted


def tag_changes(current: Mapping[str, str], wanted: Mapping[str, str] | None, purge: bool) -> tuple[dict[str, str], list[str]]:
    """(tags to set, tag keys to remove). ``aws:`` tags belong to AWS and are never removed."""
    if wanted is None:
        return {}, []
    to_set = {key: value for key, value in wanted.items() if current.get(key) != value}
    to_remove = sorted(key for key in current if purge and key not in wanted and not key.startswith("aws:"))
    return to_set, to_remove


def reconcile_tags(client: Any, resource_id: str | None, current: Mapping[str, str], wanted: Mapping[str, str] | None,
                   purge: bool, check_mode: bool) -> tuple[bool, dict[str, str]]:
    """Bring a resource's tags to ``wanted``: (changed, tags afterwards). Check mode and resources
    not created yet (no ID) only predict."""
    to_set, to_remove = tag_changes(current, wanted, purge)
    after = {key: value for key, value in current.items() if key not in to_remove}
    after.update(to_set)
    if not check_mode and resource_id:
        if to_set:
            create_tags(client, [resource_id], to_set)
        if to_remove:
            delete_tags(client, [resource_id], to_remove)
    return bool(to_set or to_remove), after


@aws_api("create tags")
def create_tags(client: Any, resource_ids: list[str], tags: Mapping[str, str]) -> None:
    client.create_tags(Resources=resource_ids, Tags=dict_to_tags(tags))


@aws_api("delete tags")
def delete_tags(client: Any, resource_ids: list[str], keys: list[str]) -> None:
    client.delete_tags(Resources=resource_ids, Tags=[{"Key": key} for key in keys])


def filters_from_dict(filters: Mapping[str, Any] | None) -> list[dict]:
    """Ansible-style ``{name: value or [values]}`` into EC2 ``Filters``."""
    result = []
    for name, value in (filters or {}).items():
        values = value if isinstance(value, (list, tuple)) else [value]
        result.append({"Name": name, "Values": [str(item) for item in values]})
    return result


def describe_by_ids(describe: Callable[..., list[dict]], client: Any, ids: list[str] | None, filters: list[dict] | None) -> list[dict]:
    """Resources with the given IDs (one call each, so one missing ID hides no other), or all that match."""
    if not ids:
        return describe(client, filters=filters)
    found: list[dict] = []
    for resource_id in dict.fromkeys(ids):
        found.extend(describe(client, ids=[resource_id], filters=filters))
    return found


# --------------------------------------------------------------------------- normalisation


def json_safe(value: Any) -> Any:
    """Timestamps as ISO strings so results serialise the same everywhere."""
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {key: json_safe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [json_safe(item) for item in value]
    return value


def snake_resource(raw: Mapping[str, Any]) -> dict[str, Any]:
    """An API shape in snake_case with ``Tags`` as a dict (tag keys keep their case)."""
    body = {key: value for key, value in raw.items() if key != "Tags"}
    result = camel_dict_to_snake_dict(json_safe(body))
    result["tags"] = tags_to_dict(raw.get("Tags"))
    return result


def normalize_vpn_gateway(raw: Mapping[str, Any], propagating_route_table_ids: Iterable[str] | None = None) -> dict[str, Any]:
    """A VGW as the modules return it; ``vpc_id`` is the VPC it is attached (or attaching) to."""
    gateway = snake_resource(raw)
    attachments = gateway.get("vpc_attachments") or []
    current = [item["vpc_id"] for item in attachments if item.get("state") in ("attaching", "attached")]
    return {
        "vpn_gateway_id": gateway["vpn_gateway_id"],
        "state": gateway.get("state"),
        "type": gateway.get("type"),
        "amazon_side_asn": gateway.get("amazon_side_asn"),
        "availability_zone": gateway.get("availability_zone"),
        "vpc_id": current[0] if current else None,
        "vpc_attachments": attachments,
        "propagating_route_table_ids": sorted(propagating_route_table_ids or []),
        "tags": gateway["tags"],
    }


def customer_gateway_asn(raw: Mapping[str, Any]) -> int | None:
    """The CGW ASN as an integer: 32-bit ASNs come back in ``BgpAsnExtended``, both as strings."""
    value = raw.get("BgpAsnExtended") or raw.get("BgpAsn")
    return int(value) if value not in (None, "") else None


def normalize_customer_gateway(raw: Mapping[str, Any]) -> dict[str, Any]:
    gateway = snake_resource(raw)
    return {
        "customer_gateway_id": gateway["customer_gateway_id"],
        "state": gateway.get("state"),
        "type": gateway.get("type"),
        "ip_address": gateway.get("ip_address"),
        "bgp_asn": customer_gateway_asn(raw),
        "device_name": gateway.get("device_name"),
        "certificate_arn": gateway.get("certificate_arn"),
        "tags": gateway["tags"],
    }


def normalize_route(raw_route: Mapping[str, Any]) -> dict[str, Any]:
    """A route table route in snake_case (only the fields AWS set)."""
    return camel_dict_to_snake_dict(json_safe(dict(raw_route)))


def propagating_vgw_ids(raw_route_table: Mapping[str, Any]) -> list[str]:
    return sorted(item["GatewayId"] for item in raw_route_table.get("PropagatingVgws") or [])


# --------------------------------------------------------------------------- waiter predicates


def vpn_gateway_is_available(raw: Mapping[str, Any] | None) -> bool:
    return raw is not None and raw.get("State") == "available"


def vpn_gateway_is_attached_to(vpc_id: str) -> Callable[[Mapping[str, Any] | None], bool]:
    def attached(raw: Mapping[str, Any] | None) -> bool:
        return raw is not None and any(
            item.get("VpcId") == vpc_id and item.get("State") == "attached" for item in raw.get("VpcAttachments") or [])
    return attached


def vpn_gateway_is_detached(raw: Mapping[str, Any] | None) -> bool:
    """No attachment left in a transitional or attached state (detached ones linger in the list)."""
    return raw is None or all(item.get("State") == "detached" for item in raw.get("VpcAttachments") or [])


def resource_is_gone(raw: Mapping[str, Any] | None) -> bool:
    return raw is None or raw.get("State") == "deleted"


def vpn_connection_is_available(raw: Mapping[str, Any] | None) -> bool:
    return raw is not None and raw.get("State") == "available"


def vpn_connection_failure(raw: Mapping[str, Any] | None) -> str | None:
    """A state from which ``available`` never comes back."""
    if raw is None:
        return "the VPN connection disappeared"
    if raw.get("State") in ("deleting", "deleted"):
        return "the VPN connection is %s" % raw["State"]
    return None


def tunnels_are_up(mode: str) -> Callable[[Mapping[str, Any] | None], bool]:
    """``any``: at least one tunnel reports UP; ``all``: every tunnel does."""
    def up(raw: Mapping[str, Any] | None) -> bool:
        statuses = [item.get("Status") for item in (raw or {}).get("VgwTelemetry") or []]
        if not statuses:
            return False
        return all(status == "UP" for status in statuses) if mode == "all" else "UP" in statuses
    return up


def describe_tunnel_status(raw: Mapping[str, Any] | None) -> str:
    telemetry = (raw or {}).get("VgwTelemetry") or []
    return ", ".join("%s %s (%s)" % (item.get("OutsideIpAddress"), item.get("Status"), item.get("StatusMessage") or "") for item in telemetry) or "no tunnels"


def describe_state(raw: Mapping[str, Any] | None) -> str:
    return "absent" if raw is None else str(raw.get("State"))


# --------------------------------------------------------------------------- VPN gateways


@aws_api("describe vpn gateways", not_found_ok=True, when_not_found=[])
def describe_vpn_gateways(client: Any, *, ids: list[str] | None = None, filters: list[dict] | None = None) -> list[dict]:
    params: dict[str, Any] = {}
    if ids:
        params["VpnGatewayIds"] = ids
    if filters:
        params["Filters"] = filters
    return client.describe_vpn_gateways(**params).get("VpnGateways", [])


def get_vpn_gateway(client: Any, vpn_gateway_id: str) -> dict | None:
    """One VGW by id; None when it does not exist."""
    found = describe_vpn_gateways(client, ids=[vpn_gateway_id])
    return found[0] if found else None


@aws_api("create vpn gateway")
def create_vpn_gateway(client: Any, **params: Any) -> dict:
    return client.create_vpn_gateway(**params)["VpnGateway"]


@aws_api("delete vpn gateway", not_found_ok=True, when_not_found=False)
def delete_vpn_gateway(client: Any, vpn_gateway_id: str) -> bool:
    client.delete_vpn_gateway(VpnGatewayId=vpn_gateway_id)
    return True


@aws_api("attach vpn gateway")
def attach_vpn_gateway(client: Any, vpn_gateway_id: str, vpc_id: str) -> dict:
    return client.attach_vpn_gateway(VpnGatewayId=vpn_gateway_id, VpcId=vpc_id).get("VpcAttachment", {})


@aws_api("detach vpn gateway", not_found_ok=True, when_not_found=False)
def detach_vpn_gateway(client: Any, vpn_gateway_id: str, vpc_id: str) -> bool:
    client.detach_vpn_gateway(VpnGatewayId=vpn_gateway_id, VpcId=vpc_id)
    return True


@aws_api("enable vgw route propagation")
def enable_vgw_route_propagation(client: Any, vpn_gateway_id: str, route_table_id: str) -> None:
    client.enable_vgw_route_propagation(GatewayId=vpn_gateway_id, RouteTableId=route_table_id)


@aws_api("disable vgw route propagation", not_found_ok=True, when_not_found=False)
def disable_vgw_route_propagation(client: Any, vpn_gateway_id: str, route_table_id: str) -> bool:
    client.disable_vgw_route_propagation(GatewayId=vpn_gateway_id, RouteTableId=route_table_id)
    return True


# --------------------------------------------------------------------------- route tables


@aws_api("describe route tables", not_found_ok=True, when_not_found=[])
def describe_route_tables(client: Any, *, ids: list[str] | None = None, filters: list[dict] | None = None) -> list[dict]:
    params: dict[str, Any] = {}
    if ids:
        params["RouteTableIds"] = ids
    if filters:
        params["Filters"] = filters
    tables: list[dict] = []
    for page in client.get_paginator("describe_route_tables").paginate(**params):
        tables.extend(page.get("RouteTables", []))
    return tables


def get_route_table(client: Any, route_table_id: str) -> dict | None:
    found = describe_route_tables(client, ids=[route_table_id])
    return found[0] if found else None


def get_main_route_table(client: Any, vpc_id: str) -> dict | None:
    """The VPC's main route table (the one subnets use unless associated elsewhere)."""
    found = describe_route_tables(client, filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "association.main", "Values": ["true"]}])
    return found[0] if found else None


@aws_api("create route")
def create_route(client: Any, **params: Any) -> None:
    client.create_route(**params)


@aws_api("replace route")
def replace_route(client: Any, **params: Any) -> None:
    client.replace_route(**params)


@aws_api("delete route", not_found_ok=True, when_not_found=False)
def delete_route(client: Any, route_table_id: str, destination_cidr_block: str) -> bool:
    client.delete_route(RouteTableId=route_table_id, DestinationCidrBlock=destination_cidr_block)
    return True


# --------------------------------------------------------------------------- customer gateways


@aws_api("describe customer gateways", not_found_ok=True, when_not_found=[])
def describe_customer_gateways(client: Any, *, ids: list[str] | None = None, filters: list[dict] | None = None) -> list[dict]:
    params: dict[str, Any] = {}
    if ids:
        params["CustomerGatewayIds"] = ids
    if filters:
        params["Filters"] = filters
    return client.describe_customer_gateways(**params).get("CustomerGateways", [])


@aws_api("create customer gateway")
def create_customer_gateway(client: Any, **params: Any) -> dict:
    return client.create_customer_gateway(**params)["CustomerGateway"]


@aws_api("delete customer gateway", not_found_ok=True, when_not_found=False)
def delete_customer_gateway(client: Any, customer_gateway_id: str) -> bool:
    client.delete_customer_gateway(CustomerGatewayId=customer_gateway_id)
    return True


# --------------------------------------------------------------------------- VPN connections


@aws_api("describe vpn connections", not_found_ok=True, when_not_found=[])
def describe_vpn_connections(client: Any, *, ids: list[str] | None = None, filters: list[dict] | None = None) -> list[dict]:
    params: dict[str, Any] = {}
    if ids:
        params["VpnConnectionIds"] = ids
    if filters:
        params["Filters"] = filters
    return client.describe_vpn_connections(**params).get("VpnConnections", [])


def get_vpn_connection(client: Any, vpn_connection_id: str) -> dict | None:
    found = describe_vpn_connections(client, ids=[vpn_connection_id])
    return found[0] if found else None


# States of a VPN resource that is neither being deleted nor gone: VPN connections, virtual private
# gateways and customer gateways share the lifecycle pending, available, deleting, deleted.
LIVE_STATES = ["pending", "available"]


def live_vpn_connections(client: Any, *, vpn_connection_id: str | None = None, name: str | None = None) -> list[dict]:
    """The live VPN connections with this ID, or whose Name tag is exactly ``name`` (a tag filter also takes wildcards)."""
    if vpn_connection_id:
        found = describe_vpn_connections(client, ids=[vpn_connection_id])
    else:
        filters = [{"Name": "tag:Name", "Values": [name]}, {"Name": "state", "Values": LIVE_STATES}]
        found = [item for item in describe_vpn_connections(client, filters=filters) if tags_to_dict(item.get("Tags")).get("Name") == name]
    return [item for item in found if item.get("State") in LIVE_STATES]


@aws_api("create vpn connection")
def create_vpn_connection(client: Any, **params: Any) -> dict:
    return client.create_vpn_connection(**params)["VpnConnection"]


@aws_api("delete vpn connection", not_found_ok=True, when_not_found=False)
def delete_vpn_connection(client: Any, vpn_connection_id: str) -> bool:
    client.delete_vpn_connection(VpnConnectionId=vpn_connection_id)
    return True


@aws_api("modify vpn tunnel options")
def modify_vpn_tunnel_options(client: Any, vpn_connection_id: str, outside_ip_address: str, tunnel_options: Mapping[str, Any]) -> dict:
    return client.modify_vpn_tunnel_options(
        VpnConnectionId=vpn_connection_id, VpnTunnelOutsideIpAddress=outside_ip_address, TunnelOptions=dict(tunnel_options),
    ).get("VpnConnection", {})


@aws_api("modify vpn connection options")
def modify_vpn_connection_options(client: Any, vpn_connection_id: str, **options: Any) -> dict:
    return client.modify_vpn_connection_options(VpnConnectionId=vpn_connection_id, **options).get("VpnConnection", {})


@aws_api("create vpn connection route")
def create_vpn_connection_route(client: Any, vpn_connection_id: str, destination_cidr_block: str) -> None:
    client.create_vpn_connection_route(VpnConnectionId=vpn_connection_id, DestinationCidrBlock=destination_cidr_block)


@aws_api("delete vpn connection route", not_found_ok=True, when_not_found=False)
def delete_vpn_connection_route(client: Any, vpn_connection_id: str, destination_cidr_block: str) -> bool:
    client.delete_vpn_connection_route(VpnConnectionId=vpn_connection_id, DestinationCidrBlock=destination_cidr_block)
    return True


# --------------------------------------------------------------------------- VPCs


@aws_api("describe vpcs", not_found_ok=True, when_not_found=[])
def describe_vpcs(client: Any, *, ids: list[str] | None = None, filters: list[dict] | None = None) -> list[dict]:
    params: dict[str, Any] = {}
    if ids:
        params["VpcIds"] = ids
    if filters:
        params["Filters"] = filters
    return client.describe_vpcs(**params).get("Vpcs", [])
