# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""AWS Site-to-Site VPN tunnel options: validation, API rendering, readback and comparison.

Pure functions (no SDK), shared by aws_vpn_connection and aws_vpn_connection_info and unit tested.
Module options use snake_case names and AWS's own algorithm names (``AES256``, ``SHA2-256``);
the planner's canonical names (``aes256``, ``sha256``, ``aes256gcm16``) are accepted too and
translated with cloud_facts, which owns every allowed value.
"""
from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ansible_collections.multicloud.interconnect.plugins.module_utils import cloud_facts
from ansible_collections.multicloud.interconnect.plugins.module_utils.aws import json_safe, tags_to_dict
from ansible_collections.multicloud.interconnect.plugins.module_utils.diff import differing_fields, drop_unset

CLOUD = "aws"


@dataclass(frozen=True)
class TunnelField:
    """One tunnel option: its module name, request key, response key and value shape."""

    option: str
    request_key: str
    response_key: str
    shape: str = "scalar"  # "scalar" or "values" (a list of {"Value": x} in the API)
    phase: str | None = None  # "phase1" / "phase2" for algorithm lists, checked against cloud_facts
    kind: str | None = None  # cloud_facts name kind: encryption, integrity, dh_group, pfs_group, ike_version


# The request (VpnTunnelOptionsSpecification) and response (TunnelOption) spell two keys differently.
TUNNEL_FIELDS = (
    TunnelField("tunnel_inside_cidr", "TunnelInsideCidr", "TunnelInsideCidr"),
    TunnelField("pre_shared_key", "PreSharedKey", "PreSharedKey"),
    TunnelField("phase1_encryption_algorithms", "Phase1EncryptionAlgorithms", "Phase1EncryptionAlgorithms", "values", "phase1", "encryption"),
    TunnelField("phase2_encryption_algorithms", "Phase2EncryptionAlgorithms", "Phase2EncryptionAlgorithms", "values", "phase2", "encryption"),
    TunnelField("phase1_integrity_algorithms", "Phase1IntegrityAlgorithms", "Phase1IntegrityAlgorithms", "values", "phase1", "integrity"),
    TunnelField("phase2_integrity_algorithms", "Phase2IntegrityAlgorithms", "Phase2IntegrityAlgorithms", "values", "phase2", "integrity"),
    TunnelField("phase1_dh_group_numbers", "Phase1DHGroupNumbers", "Phase1DHGroupNumbers", "values", "phase1", "dh_group"),
    TunnelField("phase2_dh_group_numbers", "Phase2DHGroupNumbers", "Phase2DHGroupNumbers", "values", "phase2", "pfs_group"),
    TunnelField("ike_versions", "IKEVersions", "IkeVersions", "values", None, "ike_version"),
    TunnelField("phase1_lifetime_seconds", "Phase1LifetimeSeconds", "Phase1LifetimeSeconds"),
    TunnelField("phase2_lifetime_seconds", "Phase2LifetimeSeconds", "Phase2LifetimeSeconds"),
    TunnelField("rekey_margin_time_seconds", "RekeyMarginTimeSeconds", "RekeyMarginTimeSeconds"),
    TunnelField("rekey_fuzz_percentage", "RekeyFuzzPercentage", "RekeyFuzzPercentage"),
    TunnelField("replay_window_size", "ReplayWindowSize", "ReplayWindowSize"),
    TunnelField("dpd_timeout_seconds", "DPDTimeoutSeconds", "DpdTimeoutSeconds"),
    TunnelField("dpd_timeout_action", "DPDTimeoutAction", "DpdTimeoutAction"),
    TunnelField("startup_action", "StartupAction", "StartupAction"),
    TunnelField("enable_tunnel_lifecycle_control", "EnableTunnelLifecycleControl", "EnableTunnelLifecycleControl"),
)
TUNNEL_OPTION_NAMES = tuple(field.option for field in TUNNEL_FIELDS)


# --------------------------------------------------------------------------- algorithm names


def allowed_values(field: TunnelField) -> list:
    """AWS's own names for the values cloud_facts allows in this field, in cloud_facts' order."""
    canonical = cloud_facts.accepted_values(CLOUD, field.kind, field.phase)
    return [cloud_facts.cloud_name(CLOUD, field.kind, value) for value in canonical if value is not None]


def aws_value(field: TunnelField, value: Any) -> Any:
    """The AWS name for a user value (AWS name in any case, or canonical name); ValueError if not allowed."""
    allowed = allowed_values(field)
    names = cloud_facts.CLOUD_NAMES[CLOUD][field.kind]
    candidate = names.get(value, value) if isinstance(value, (str, int)) else value
    for name in allowed:
        if name == candidate or (isinstance(name, str) and isinstance(candidate, str) and name.lower() == candidate.lower()):
            return name
    raise ValueError("%r is not allowed; AWS accepts %s" % (value, ", ".join(str(name) for name in allowed)))


def _sorted_values(values: list) -> list:
    return sorted(set(values))


# --------------------------------------------------------------------------- validation


def _range_problem(name: str, value: int | None, low: int | None, high: int | None) -> str | None:
    if value is None:
        return None
    if (low is not None and value < low) or (high is not None and value > high):
        bounds = "%s-%s" % (low, high) if high is not None else "at least %s" % low
        return "%s: %s is outside the range AWS accepts (%s)" % (name, value, bounds)
    return None


def tunnel_problems(index: int, options: Mapping[str, Any]) -> list[str]:
    """Every problem of one tunnel's options, each naming the field; PSKs are never echoed."""
    prefix = "tunnel_options[%d]." % index
    problems = []
    if options.get("tunnel_inside_cidr") is not None:
        problem = cloud_facts.inside_cidr_problem(CLOUD, options["tunnel_inside_cidr"])
        if problem:
            problems.append("%stunnel_inside_cidr: %s: %s" % (prefix, options["tunnel_inside_cidr"], problem))
    if options.get("pre_shared_key") is not None:
        problem = cloud_facts.psk_problem(CLOUD, options["pre_shared_key"])
        if problem:
            problems.append(prefix + "pre_shared_key: " + problem)
    for field in TUNNEL_FIELDS:
        if field.kind is None or not options.get(field.option):
            continue
        for value in options[field.option]:
            try:
                aws_value(field, value)
            except ValueError as error:
                problems.append(prefix + field.option + ": " + str(error))
    capability = cloud_facts.IKE_CAPABILITIES[CLOUD]
    for phase in ("phase1", "phase2"):
        low, high, _default = capability[phase]["lifetime"]
        problem = _range_problem(prefix + phase + "_lifetime_seconds", options.get(phase + "_lifetime_seconds"), low, high)
        if problem:
            problems.append(problem)
    for field in TUNNEL_FIELDS:
        if field.response_key in cloud_facts.AWS_TUNNEL_OPTION_RANGES:
            low, high = cloud_facts.AWS_TUNNEL_OPTION_RANGES[field.response_key]
            problem = _range_problem(prefix + field.option, options.get(field.option), low, high)
            if problem:
                problems.append(problem)
    return problems


def validate_tunnel_options(tunnels: list[Mapping[str, Any]] | None) -> list[str]:
    """All problems of the ``tunnel_options`` list, before any API call."""
    tunnels = tunnels or []
    limit = cloud_facts.TUNNEL_LIMITS[CLOUD]["tunnels_per_connection"]
    problems = []
    if len(tunnels) > limit:
        problems.append("tunnel_options: an AWS VPN connection has %d tunnels, got %d entries" % (limit, len(tunnels)))
    for index, options in enumerate(tunnels):
        problems.extend(tunnel_problems(index, options))
    cidrs = [options.get("tunnel_inside_cidr") for options in tunnels if options.get("tunnel_inside_cidr")]
    if len(cidrs) != len(set(cidrs)):
        problems.append("tunnel_options: the tunnels must have different tunnel_inside_cidr values, got %s" % ", ".join(cidrs))
    return problems


def validate_ipv4_cidr(name: str, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        network = ipaddress.ip_network(value, strict=True)
    except ValueError:
        return "%s: %r is not an IPv4 network (host bits must be zero)" % (name, value)
    if network.version != 4:
        return "%s: %s is not IPv4" % (name, value)
    return None


# --------------------------------------------------------------------------- rendering


def desired_tunnel(options: Mapping[str, Any]) -> dict[str, Any]:
    """A user's tunnel options with AWS names, lists de-duplicated and sorted (order carries no meaning)."""
    result = {}
    for field in TUNNEL_FIELDS:
        value = options.get(field.option)
        if value is None:
            continue
        if field.shape == "values":
            value = _sorted_values([aws_value(field, item) for item in value])
        result[field.option] = value
    return result


def tunnel_request(options: Mapping[str, Any]) -> dict[str, Any]:
    """A ``VpnTunnelOptionsSpecification`` (create) or ``ModifyVpnTunnelOptionsSpecification``.

    Only given fields are sent: a None never reaches boto3 (the amazon.aws#2546 failure).
    """
    desired = desired_tunnel(options)
    request = {}
    for field in TUNNEL_FIELDS:
        if field.option not in desired:
            continue
        value = desired[field.option]
        request[field.request_key] = [{"Value": item} for item in value] if field.shape == "values" else value
    return request


def connection_options_request(params: Mapping[str, Any]) -> dict[str, Any]:
    """``Options`` of create_vpn_connection from module parameters."""
    options: dict[str, Any] = {}
    if params.get("static_routes_only") is not None:
        options["StaticRoutesOnly"] = params["static_routes_only"]
    if params.get("local_ipv4_network_cidr") is not None:
        options["LocalIpv4NetworkCidr"] = params["local_ipv4_network_cidr"]
    if params.get("remote_ipv4_network_cidr") is not None:
        options["RemoteIpv4NetworkCidr"] = params["remote_ipv4_network_cidr"]
    tunnels = [tunnel_request(item) for item in params.get("tunnel_options") or []]
    if tunnels:
        options["TunnelOptions"] = tunnels
    return options


# --------------------------------------------------------------------------- readback


def tunnel_from_api(option: Mapping[str, Any]) -> dict[str, Any]:
    """One API ``TunnelOption`` in module vocabulary (secret included: callers decide to drop it)."""
    result = {}
    for field in TUNNEL_FIELDS:
        if field.response_key not in option:
            continue
        value = option[field.response_key]
        if field.shape == "values":
            value = _sorted_values([item.get("Value") for item in value or []])
        result[field.option] = value
    return result


def _telemetry_by_ip(raw: Mapping[str, Any]) -> dict[str, dict]:
    return {item.get("OutsideIpAddress"): item for item in raw.get("VgwTelemetry") or []}


def tunnels_from_api(raw: Mapping[str, Any], include_secrets: bool = False) -> list[dict[str, Any]]:
    """Both tunnels: outside IP, inside CIDR, status from VgwTelemetry, and their options.

    Tunnel order is the API's ``Options.TunnelOptions`` order; telemetry is joined on outside IP.
    """
    telemetry = _telemetry_by_ip(raw)
    options_list = (raw.get("Options") or {}).get("TunnelOptions") or []
    if not options_list:  # some APIs/emulators only report telemetry
        options_list = [{"OutsideIpAddress": ip} for ip in telemetry]
    tunnels = []
    for option in options_list:
        outside_ip = option.get("OutsideIpAddress")
        status = telemetry.get(outside_ip, {})
        settings = tunnel_from_api(option)
        secret = settings.pop("pre_shared_key", None)
        inside_cidr = settings.pop("tunnel_inside_cidr", None)
        tunnel = {
            "outside_ip_address": outside_ip,
            "tunnel_inside_cidr": inside_cidr,
            "status": status.get("Status"),
            "status_message": status.get("StatusMessage"),
            "accepted_route_count": status.get("AcceptedRouteCount"),
            "last_status_change": json_safe(status.get("LastStatusChange")),
            "options": settings,
        }
        if include_secrets:
            tunnel["pre_shared_key"] = secret
        tunnels.append(tunnel)
    return tunnels


def static_routes_from_api(raw: Mapping[str, Any]) -> list[str]:
    """Static routes that exist or are being created (deleted ones linger in the API for a while)."""
    return sorted(route["DestinationCidrBlock"] for route in raw.get("Routes") or [] if route.get("State") not in ("deleting", "deleted"))


def normalize_vpn_connection(raw: Mapping[str, Any], include_secrets: bool = False) -> dict[str, Any]:
    """A VPN connection as the modules return it. PSKs and the device configuration (which embeds
    them) only with ``include_secrets``."""
    options = raw.get("Options") or {}
    result = {
        "vpn_connection_id": raw.get("VpnConnectionId"),
        "state": raw.get("State"),
        "type": raw.get("Type"),
        "category": raw.get("Category"),
        "customer_gateway_id": raw.get("CustomerGatewayId"),
        "vpn_gateway_id": raw.get("VpnGatewayId"),
        "transit_gateway_id": raw.get("TransitGatewayId"),
        "static_routes_only": options.get("StaticRoutesOnly"),
        "local_ipv4_network_cidr": options.get("LocalIpv4NetworkCidr"),
        "remote_ipv4_network_cidr": options.get("RemoteIpv4NetworkCidr"),
        "routes": static_routes_from_api(raw),
        "tunnels": tunnels_from_api(raw, include_secrets),
        "tags": tags_to_dict(raw.get("Tags")),
    }
    if include_secrets:
        result["customer_gateway_configuration"] = raw.get("CustomerGatewayConfiguration")
    return result


# --------------------------------------------------------------------------- comparison


def pair_tunnels(existing: list[Mapping[str, Any]], desired: list[Mapping[str, Any]]) -> list[tuple[Mapping[str, Any], Mapping[str, Any]]]:
    """Match each desired tunnel to an existing one: first by inside CIDR, then by position.

    Inside CIDRs identify a tunnel even if the API lists the two tunnels in another order.
    """
    pairs: list[tuple[Mapping[str, Any], Mapping[str, Any]]] = []
    free = list(range(len(existing)))
    unmatched = []
    for index, wanted in enumerate(desired):
        cidr = wanted.get("tunnel_inside_cidr")
        match = next((i for i in free if cidr and existing[i].get("tunnel_inside_cidr") == cidr), None)
        if match is None:
            unmatched.append(index)
        else:
            free.remove(match)
            pairs.append((existing[match], wanted))
    for index in unmatched:
        position = index if index in free else (free[0] if free else None)
        if position is None:
            continue
        free.remove(position)
        pairs.append((existing[position], desired[index]))
    return pairs


def comparable_tunnel(tunnel: Mapping[str, Any], secret: str | None) -> dict[str, Any]:
    """An existing tunnel flattened into option names, for ``differing_fields``."""
    flat = dict(tunnel.get("options") or {})
    flat["tunnel_inside_cidr"] = tunnel.get("tunnel_inside_cidr")
    flat["pre_shared_key"] = secret
    return flat


def tunnel_changes(raw: Mapping[str, Any], desired_tunnels: list[Mapping[str, Any]] | None) -> list[tuple[str, dict[str, Any]]]:
    """``[(outside IP, {option: new value})]`` for every tunnel whose given options differ."""
    if not desired_tunnels:
        return []
    existing = tunnels_from_api(raw, include_secrets=True)
    changes = []
    for have, wanted in pair_tunnels(existing, [desired_tunnel(item) for item in desired_tunnels]):
        wanted = drop_unset(wanted)
        if have.get("pre_shared_key") is None:
            # AWS does not report keys kept in Secrets Manager: a given key can only be used at creation.
            wanted.pop("pre_shared_key", None)
        differing = differing_fields(comparable_tunnel(have, have.get("pre_shared_key")), wanted)
        if differing:
            changes.append((have["outside_ip_address"], differing))
    return changes


def connection_option_changes(raw: Mapping[str, Any], params: Mapping[str, Any]) -> dict[str, Any]:
    """``ModifyVpnConnectionOptions`` arguments for the local/remote network CIDRs that differ."""
    options = raw.get("Options") or {}
    changes = {}
    for option, key in (("local_ipv4_network_cidr", "LocalIpv4NetworkCidr"), ("remote_ipv4_network_cidr", "RemoteIpv4NetworkCidr")):
        if params.get(option) is not None and options.get(key) != params[option]:
            changes[key] = params[option]
    return changes


def route_changes(current: list[str], wanted: list[str] | None, purge: bool) -> tuple[list[str], list[str]]:
    """(routes to add, routes to remove) for the static routes of a connection."""
    if wanted is None:
        return [], []
    to_add = sorted(set(wanted) - set(current))
    to_remove = sorted(set(current) - set(wanted)) if purge else []
    return to_add, to_remove


def apply_tunnel_changes(state: dict[str, Any], changes: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """The connection state (with secrets) as it will be after ``changes``: check mode and diffs."""
    for outside_ip, changed in changes:
        for tunnel in state["tunnels"]:
            if tunnel["outside_ip_address"] != outside_ip:
                continue
            for option, value in changed.items():
                if option in ("tunnel_inside_cidr", "pre_shared_key"):
                    tunnel[option] = value
                else:
                    tunnel["options"][option] = value
    return state
