# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Azure site-to-site VPN logic without the SDK: input validation, ARM bodies, normalised output.

Everything here is pure (dicts in, dicts out), so it is unit-tested without a cloud. Bodies are ARM
JSON (camelCase, ``properties`` nesting), as module_utils/azure.py sends and receives them. Normalised
resources are snake_case dicts, the modules' return values.

Updates are read-modify-write: the module reads the resource, changes only the fields whose options
were given, and PUTs the whole body back, so properties this collection does not manage (VPN client
settings, NAT rules, ...) survive an update.
"""
from __future__ import annotations

import copy
import ipaddress
from collections.abc import Iterable, Mapping
from typing import Any

from ansible_collections.multicloud.interconnect.plugins.module_utils import cloud_facts
from ansible_collections.multicloud.interconnect.plugins.module_utils.azure import (
    id_name,
    id_resource_group,
    normalize_location,
    same_id,
)

CLOUD = "azure"
GATEWAY_SUBNET_NAME = "GatewaySubnet"  # Azure deploys VPN gateways only into the subnet with this name
IP_CONFIGURATION_PREFIX = "instance"  # new IP configurations are named instance0, instance1
GENERATIONS = ("Generation1", "Generation2")
CONNECTION_MODES = ("Default", "InitiatorOnly", "ResponderOnly")
CONNECTION_PROTOCOLS = tuple(cloud_facts.CLOUD_NAMES[CLOUD]["ike_version"].values())
PEER_WEIGHT_RANGE = (0, 100)
ASN_LIMITS = (1, 4294967295)
# Properties the service fills in; never sent back on a write.
READ_ONLY_PROPERTIES = frozenset(("provisioningState", "resourceGuid", "etag"))
CONNECTION_STATUS_PROPERTIES = frozenset((
    "connectionStatus", "tunnelConnectionStatus", "ingressBytesTransferred", "egressBytesTransferred",
    "ingressPacketsDropped", "egressPacketsDropped", "sharedKey",
))
# Option name -> (cloud_facts name kind, IKE_CAPABILITIES phase) for IPsec policies.
IPSEC_POLICY_NAMES = {
    "ike_encryption": ("encryption", "phase1"),
    "ike_integrity": ("integrity", "phase1"),
    "dh_group": ("dh_group", "phase1"),
    "ipsec_encryption": ("encryption", "phase2"),
    "ipsec_integrity": ("integrity", "phase2"),
    "pfs_group": ("pfs_group", "phase2"),
}
# Option name -> ARM IpsecPolicy field.
IPSEC_POLICY_FIELDS = {
    "ike_encryption": "ikeEncryption",
    "ike_integrity": "ikeIntegrity",
    "dh_group": "dhGroup",
    "ipsec_encryption": "ipsecEncryption",
    "ipsec_integrity": "ipsecIntegrity",
    "pfs_group": "pfsGroup",
    "sa_lifetime_seconds": "saLifeTimeSeconds",
    "sa_data_size_kilobytes": "saDataSizeKilobytes",
}


# --------------------------------------------------------------------------- validation


def ipv4_problem(field: str, value: Any) -> str | None:
    try:
        ipaddress.IPv4Address(str(value))
    except ValueError:
        return "%s: %r is not an IPv4 address" % (field, value)
    return None


def prefix_problem(field: str, value: Any) -> str | None:
    try:
        ipaddress.IPv4Network(str(value), strict=True)
    except ValueError as error:
        return "%s: %r is not an IPv4 network prefix (%s)" % (field, value, error)
    return None


def apipa_problem(field: str, address: Any) -> str | None:
    """Why ``address`` cannot be a custom APIPA BGP address of an Azure gateway, or None."""
    problem = ipv4_problem(field, address)
    if problem:
        return problem
    first, last = ipaddress.IPv4Address(cloud_facts.AZURE_APIPA_FIRST), ipaddress.IPv4Address(cloud_facts.AZURE_APIPA_LAST)
    if not first <= ipaddress.IPv4Address(str(address)) <= last:
        return "%s: %s is outside the Azure custom APIPA range %s-%s" % (field, address, cloud_facts.AZURE_APIPA_FIRST, cloud_facts.AZURE_APIPA_LAST)
    return None


def custom_bgp_problems(field: str, per_instance: list | None, instances: int | None) -> list[str]:
    """Problems with a per-instance list of custom APIPA addresses (instance 0 first)."""
    if per_instance is None:
        return []
    problems = []
    if instances is not None and len(per_instance) > instances:
        problems.append("%s: %d instance lists given but the gateway has %d instance(s)" % (field, len(per_instance), instances))
    seen: dict[str, str] = {}
    for index, addresses in enumerate(per_instance):
        for position, address in enumerate(addresses or []):
            where = "%s[%d][%d]" % (field, index, position)
            problem = apipa_problem(where, address)
            if problem:
                problems.append(problem)
            elif str(address) in seen:
                problems.append("%s: %s is already used at %s" % (where, address, seen[str(address)]))
            else:
                seen[str(address)] = where
    return problems


def gateway_asn_problem(field: str, asn: int | None) -> str | None:
    """The gateway's own ASN: Azure's rules, with Azure's default 65515 allowed for itself."""
    if asn is None or asn == cloud_facts.AZURE_DEFAULT_ASN:
        return None
    problem = cloud_facts.asn_problem(CLOUD, asn)
    return "%s: %s" % (field, problem) if problem else None


def peer_asn_problem(field: str, asn: int | None) -> str | None:
    """The ASN of a peer (local network gateway): any 32-bit ASN except IANA's and Azure's reserved ones."""
    if asn is None:
        return None
    if not ASN_LIMITS[0] <= asn <= ASN_LIMITS[1]:
        return "%s: ASN %d is not a 32-bit ASN (%d-%d)" % (field, asn, ASN_LIMITS[0], ASN_LIMITS[1])
    if any(low <= asn <= high for low, high in cloud_facts.IANA_RESERVED_ASN_RANGES):
        return "%s: ASN %d is reserved by IANA" % (field, asn)
    problem = cloud_facts.peer_asn_problem(CLOUD, asn)
    return "%s: %s" % (field, problem) if problem else None


def shared_key_problem(field: str, key: str | None) -> str | None:
    """Azure's pre-shared key rules; the message never contains the key."""
    if key is None:
        return None
    problem = cloud_facts.psk_problem(CLOUD, key)
    return "%s: %s" % (field, problem) if problem else None


def sku_problem(field: str, sku: str | None) -> str | None:
    known = cloud_facts.TUNNEL_LIMITS[CLOUD]["s2s_tunnels_per_sku"]
    if sku is None or sku in known:
        return None
    return "%s: %r is not a VPN gateway SKU (%s)" % (field, sku, ", ".join(known))


def instance_count(active_active: bool) -> int:
    limits = cloud_facts.TUNNEL_LIMITS[CLOUD]
    return limits["instances_active_active"] if active_active else limits["instances_active_standby"]


# --------------------------------------------------------------------------- IPsec policy names


def canonical_policy_value(kind: str, value: Any) -> Any:
    """Azure's own name (any case) or the planner's canonical name, as the canonical value; ValueError otherwise."""
    try:
        return cloud_facts.canonical_name(CLOUD, kind, value)
    except ValueError:
        pass
    for canonical in cloud_facts.CLOUD_NAMES[CLOUD][kind]:
        if canonical is not None and str(canonical).lower() == str(value).lower():
            return canonical
    raise ValueError("%r is not an Azure %s" % (value, kind.replace("_", " ")))


def canonical_policy(policy: Mapping[str, Any]) -> dict:
    """An IPsec policy (option names, Azure or canonical values) in canonical form; ValueError on unknown names.

    With an AEAD (GCM) IPsec encryption Azure names the integrity after the cipher: canonical None.
    """
    canonical: dict[str, Any] = {}
    for option, (kind, _phase) in IPSEC_POLICY_NAMES.items():
        value = policy.get(option)
        if option == "ipsec_integrity" and canonical["ipsec_encryption"] in cloud_facts.AEAD_ENCRYPTIONS:
            try:
                same_cipher = canonical_policy_value("encryption", value) == canonical["ipsec_encryption"]
            except ValueError:
                same_cipher = False
            if not same_cipher:
                raise ValueError("with ipsec_encryption %s, ipsec_integrity must name the same GCM cipher, got %r"
                                 % (policy.get("ipsec_encryption"), value))
            canonical[option] = None
            continue
        canonical[option] = canonical_policy_value(kind, value)
    canonical["sa_lifetime_seconds"] = int(policy["sa_lifetime_seconds"])
    canonical["sa_data_size_kilobytes"] = int(policy["sa_data_size_kilobytes"])
    return canonical


def ipsec_policy_problems(field: str, policies: list | None, protocol: str | None) -> list[str]:
    """Names, capabilities and ranges of custom IPsec policies (Azure takes at most one)."""
    if not policies:
        return []
    problems = []
    if len(policies) > 1:
        problems.append("%s: Azure takes at most one custom IPsec policy per connection, got %d" % (field, len(policies)))
    capability = cloud_facts.IKE_CAPABILITIES[CLOUD]
    for index, policy in enumerate(policies):
        where = "%s[%d]" % (field, index)
        try:
            canonical = canonical_policy(policy)
        except ValueError as error:
            problems.append("%s: %s" % (where, error))
            continue
        for option, (kind, phase) in IPSEC_POLICY_NAMES.items():
            value = canonical[option]
            if option == "ipsec_integrity" and value is None:
                continue
            if value not in cloud_facts.accepted_values(CLOUD, kind, phase):
                problems.append("%s.%s: Azure does not offer %s here" % (where, option, policy.get(option)))
        low, high, _default = capability["phase2"]["lifetime"]
        if not low <= canonical["sa_lifetime_seconds"] <= high:
            problems.append("%s.sa_lifetime_seconds: must be %d-%d, got %d" % (where, low, high, canonical["sa_lifetime_seconds"]))
        if canonical["sa_data_size_kilobytes"] < 0:
            problems.append("%s.sa_data_size_kilobytes: must not be negative" % where)
        if (protocol is not None and canonical["ike_encryption"] in cloud_facts.AEAD_ENCRYPTIONS
                and canonical_policy_value("ike_version", protocol) != cloud_facts.AEAD_PHASE1_REQUIRES):
            problems.append("%s.ike_encryption: %s needs connection_protocol %s" % (
                where, policy.get("ike_encryption"), cloud_facts.cloud_name(CLOUD, "ike_version", cloud_facts.AEAD_PHASE1_REQUIRES)))
    return problems


def ipsec_policy_body(policy: Mapping[str, Any]) -> dict:
    """An IpsecPolicy in Azure's own spelling (validated input)."""
    canonical = canonical_policy(policy)
    body: dict[str, Any] = {}
    for option, (kind, _phase) in IPSEC_POLICY_NAMES.items():
        value = canonical[option]
        if option == "ipsec_integrity" and value is None:
            body[IPSEC_POLICY_FIELDS[option]] = cloud_facts.cloud_name(CLOUD, "encryption", canonical["ipsec_encryption"])
        else:
            body[IPSEC_POLICY_FIELDS[option]] = cloud_facts.cloud_name(CLOUD, kind, value)
    body["saLifeTimeSeconds"] = canonical["sa_lifetime_seconds"]
    body["saDataSizeKilobytes"] = canonical["sa_data_size_kilobytes"]
    return body


def ipsec_policy_option(body: Mapping[str, Any]) -> dict:
    """An ARM IpsecPolicy with the module's option names (values as Azure spells them)."""
    return {option: body.get(field) for option, field in IPSEC_POLICY_FIELDS.items()}


def comparable_policy(policy: Mapping[str, Any]) -> dict:
    """A policy (option names) in canonical form for comparison; unknown names compare as lower-case text."""
    try:
        return canonical_policy(policy)
    except (ValueError, KeyError, TypeError):
        return {key: str(value).lower() for key, value in policy.items()}


# --------------------------------------------------------------------------- tags and writes


def desired_tags(current: Mapping[str, str] | None, wanted: Mapping[str, Any] | None, purge: bool) -> dict[str, str]:
    """Tags after the change; Azure replaces the whole set on every write."""
    current = dict(current or {})
    if wanted is None:
        return current
    wanted = {key: str(value) for key, value in wanted.items()}
    if purge:
        return wanted
    current.update(wanted)
    return current


def writable(resource: Mapping[str, Any], drop_properties: Iterable[str] = ()) -> dict:
    """A resource as read, minus what the service fills in: the base of a read-modify-write PUT."""
    body = {key: copy.deepcopy(value) for key, value in resource.items() if key not in ("etag", "type")}
    properties = body.setdefault("properties", {})
    for name in list(properties):
        if name in READ_ONLY_PROPERTIES or name in drop_properties:
            del properties[name]
    return body


def _sub_resource_writable(entry: Mapping[str, Any]) -> dict:
    entry = {key: copy.deepcopy(value) for key, value in entry.items() if key not in ("etag", "type")}
    if "properties" in entry:
        entry["properties"] = {key: value for key, value in entry["properties"].items() if key not in READ_ONLY_PROPERTIES}
    return entry


def _ref(resource_id: str | None) -> dict | None:
    return {"id": resource_id} if resource_id else None


def _ref_id(value: Any) -> str | None:
    return value.get("id") if isinstance(value, Mapping) else None


def _base(raw: Mapping[str, Any]) -> dict:
    """Fields every normalised resource has."""
    return {
        "id": raw.get("id"),
        "name": raw.get("name"),
        "resource_group": id_resource_group(raw.get("id") or ""),
        "location": raw.get("location"),
        "provisioning_state": (raw.get("properties") or {}).get("provisioningState"),
    }


def location_problem(current: Mapping[str, Any], wanted: str | None) -> str | None:
    if wanted is None or normalize_location(current.get("location")) == normalize_location(wanted):
        return None
    return "location: %s is in %s and Azure cannot move it to %s" % (current.get("name"), current.get("location"), wanted)


# --------------------------------------------------------------------------- public IPs


def public_ip_body(location: str) -> dict:
    """A Standard, static IPv4 public IP: what an active-active gateway needs on each instance."""
    return {
        "location": location,
        "sku": {"name": "Standard", "tier": "Regional"},
        "properties": {"publicIPAllocationMethod": "Static", "publicIPAddressVersion": "IPv4"},
    }


def public_ip_problem(field: str, public_ip: Mapping[str, Any], active_active: bool, gateway_id: str) -> str | None:
    """Active-active gateways need Standard SKU public IPs with static allocation, not used by anything else."""
    sku = (public_ip.get("sku") or {}).get("name")
    method = (public_ip.get("properties") or {}).get("publicIPAllocationMethod")
    if active_active and (sku != "Standard" or method != "Static"):
        return "%s: %s is a %s/%s public IP; an active-active gateway needs Standard SKU with Static allocation" % (
            field, public_ip.get("name"), sku, method)
    user = _ref_id((public_ip.get("properties") or {}).get("ipConfiguration"))
    if user and not user.lower().startswith(gateway_id.lower() + "/"):
        return "%s: %s is already used by %s" % (field, public_ip.get("name"), user)
    return None


def public_ip_address(public_ip: Mapping[str, Any] | None) -> str | None:
    return ((public_ip or {}).get("properties") or {}).get("ipAddress")


# --------------------------------------------------------------------------- virtual network gateways


def gateway_subnet_id(virtual_network: Mapping[str, Any]) -> str | None:
    """The id of the VNet's GatewaySubnet, None when it has none."""
    for subnet in (virtual_network.get("properties") or {}).get("subnets") or []:
        if (subnet.get("name") or "").lower() == GATEWAY_SUBNET_NAME.lower():
            return subnet.get("id") or "%s/subnets/%s" % (virtual_network["id"], subnet["name"])
    return None


def _configuration_subnet(configuration: Mapping[str, Any]) -> str | None:
    return _ref_id((configuration.get("properties") or {}).get("subnet"))


def gateway_virtual_network_id(raw: Mapping[str, Any]) -> str | None:
    subnet = first_subnet_id(raw)
    if subnet is None:
        return None
    return subnet.rsplit("/subnets/", 1)[0] if "/subnets/" in subnet else subnet


def _peering_by_configuration(bgp: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {(entry.get("ipconfigurationId") or "").lower(): entry for entry in bgp.get("bgpPeeringAddresses") or []}


def sorted_addresses(addresses: Iterable[str] | None) -> list[str]:
    """Custom BGP addresses in numeric order: Azure keeps a set, so the order the user wrote does not matter."""
    return sorted((str(address) for address in addresses or ()), key=ipaddress.IPv4Address)


def normalize_gateway(raw: Mapping[str, Any], public_ips: Mapping[str, Mapping[str, Any]] | None = None) -> dict:
    """A virtual network gateway as the modules return it; ``public_ips`` maps lower-case id -> public IP."""
    properties = raw.get("properties") or {}
    bgp = properties.get("bgpSettings") or {}
    peering = _peering_by_configuration(bgp)
    instances = []
    for index, configuration in enumerate(properties.get("ipConfigurations") or []):
        configuration_id = configuration.get("id") or "%s/ipConfigurations/%s" % (raw.get("id"), configuration.get("name"))
        public_ip_id = _ref_id((configuration.get("properties") or {}).get("publicIPAddress"))
        entry = peering.get(configuration_id.lower(), {})
        tunnel_ips = list(entry.get("tunnelIpAddresses") or [])
        address = public_ip_address((public_ips or {}).get((public_ip_id or "").lower())) or (tunnel_ips[0] if tunnel_ips else None)
        instances.append({
            "index": index,
            "ip_configuration_name": configuration.get("name") or id_name(configuration_id),
            "ip_configuration_id": configuration_id,
            "public_ip_id": public_ip_id,
            "public_ip_address": address,
            "default_bgp_ip_addresses": list(entry.get("defaultBgpIpAddresses") or []),
            "custom_bgp_ip_addresses": sorted_addresses(entry.get("customBgpIpAddresses")),
            "tunnel_ip_addresses": tunnel_ips,
        })
    result = _base(raw)
    result.update({
        "gateway_type": properties.get("gatewayType"),
        "vpn_type": properties.get("vpnType"),
        "sku": (properties.get("sku") or {}).get("name"),
        "generation": properties.get("vpnGatewayGeneration"),
        "active_active": bool(properties.get("activeActive")),
        "enable_bgp": bool(properties.get("enableBgp")),
        "asn": bgp.get("asn"),
        "virtual_network_id": gateway_virtual_network_id(raw),
        "custom_bgp_ip_addresses": [instance["custom_bgp_ip_addresses"] for instance in instances],
        "instances": instances,
        "tags": dict(raw.get("tags") or {}),
    })
    return result


def gateway_settings(gateway: Mapping[str, Any]) -> dict:
    """The managed settings of a normalised gateway, in the form ``desired_gateway_settings`` returns."""
    return {
        "sku": gateway["sku"],
        "generation": gateway["generation"],
        "active_active": gateway["active_active"],
        "enable_bgp": gateway["enable_bgp"],
        "asn": gateway["asn"],
        "public_ip_ids": [instance["public_ip_id"] for instance in gateway["instances"]],
        "custom_bgp_ip_addresses": [list(addresses) for addresses in gateway["custom_bgp_ip_addresses"]],
    }


def desired_gateway_settings(params: Mapping[str, Any], public_ip_ids: list[str] | None) -> dict:
    """The settings the options ask for; None = not given, left as it is."""
    custom = params.get("custom_bgp_ip_addresses")
    return {
        "sku": params.get("sku"),
        "generation": params.get("generation"),
        "active_active": params.get("active_active"),
        "enable_bgp": params.get("enable_bgp"),
        "asn": params.get("asn"),
        "public_ip_ids": list(public_ip_ids) if public_ip_ids is not None else None,
        "custom_bgp_ip_addresses": [sorted_addresses(addresses) for addresses in custom] if custom is not None else None,
    }


def comparable_gateway_settings(settings: Mapping[str, Any]) -> dict:
    """Settings with ids lower-cased: ARM ids compare case-insensitively."""
    comparable = dict(settings)
    if comparable.get("public_ip_ids") is not None:
        comparable["public_ip_ids"] = [(item or "").lower() for item in comparable["public_ip_ids"]]
    return comparable


def first_subnet_id(raw: Mapping[str, Any]) -> str | None:
    """The subnet of the gateway's first IP configuration (where a new second one goes too)."""
    for configuration in (raw.get("properties") or {}).get("ipConfigurations") or []:
        subnet = _configuration_subnet(configuration)
        if subnet:
            return subnet
    return None


def padded_custom_bgp(custom: list | None, instances: int) -> list[list[str]]:
    """One list per instance (missing instances have none)."""
    custom = [list(addresses) for addresses in custom or []]
    return (custom + [[] for index in range(instances)])[:instances]


def render_gateway(base: Mapping[str, Any], settings: Mapping[str, Any], gateway_id: str, subnet_id: str | None) -> dict:
    """The PUT body: ``base`` (the resource as read, or a new skeleton) with the managed settings applied."""
    body = writable(base)
    properties = body["properties"]
    properties["gatewayType"] = properties.get("gatewayType") or "Vpn"
    properties["vpnType"] = properties.get("vpnType") or "RouteBased"
    if settings["sku"] is not None:
        properties["sku"] = {"name": settings["sku"], "tier": settings["sku"]}
    # Unset settings of a new gateway are left to Azure's defaults rather than sent as null.
    for option, field in (("generation", "vpnGatewayGeneration"), ("active_active", "activeActive"), ("enable_bgp", "enableBgp")):
        if settings[option] is not None:
            properties[field] = settings[option]
    existing = [_sub_resource_writable(entry) for entry in properties.get("ipConfigurations") or []]
    configurations = []
    for index, public_ip_id in enumerate(settings["public_ip_ids"]):
        configuration = existing[index] if index < len(existing) else {"name": "%s%d" % (IP_CONFIGURATION_PREFIX, index)}
        configuration.pop("id", None)
        configuration_properties = configuration.setdefault("properties", {})
        configuration_properties.pop("privateIPAddress", None)
        configuration_properties.setdefault("privateIPAllocationMethod", "Dynamic")
        configuration_properties["subnet"] = configuration_properties.get("subnet") or _ref(subnet_id)
        configuration_properties["publicIPAddress"] = _ref(public_ip_id)
        configurations.append(configuration)
    properties["ipConfigurations"] = configurations
    bgp = dict(properties.get("bgpSettings") or {})
    bgp.pop("bgpPeeringAddress", None)  # computed by Azure from the instances
    if settings["asn"] is not None:
        bgp["asn"] = settings["asn"]
    custom = padded_custom_bgp(settings["custom_bgp_ip_addresses"], len(configurations))
    if any(custom) or bgp.get("bgpPeeringAddresses"):
        bgp["bgpPeeringAddresses"] = [
            {"ipconfigurationId": "%s/ipConfigurations/%s" % (gateway_id, configuration["name"]), "customBgpIpAddresses": addresses}
            for configuration, addresses in zip(configurations, custom)
        ]
    if bgp:
        properties["bgpSettings"] = bgp
    return body


def predicted_gateway(gateway_id: str, name: str, location: str, settings: Mapping[str, Any], virtual_network_id: str | None,
                      public_ips: Mapping[str, Mapping[str, Any]], tags: Mapping[str, str], state: str) -> dict:
    """What a gateway will look like after a write, for check mode (Azure fills default BGP IPs)."""
    base = {"id": gateway_id, "name": name, "location": location, "tags": dict(tags), "properties": {}}
    body = render_gateway(base, settings, gateway_id, None)
    body["properties"]["provisioningState"] = state
    for configuration in body["properties"]["ipConfigurations"]:
        configuration["id"] = "%s/ipConfigurations/%s" % (gateway_id, configuration["name"])
    gateway = normalize_gateway(body, public_ips)
    gateway["virtual_network_id"] = virtual_network_id
    return gateway


def gateway_diff_state(gateway: Mapping[str, Any]) -> dict:
    """What --diff shows of a gateway: the managed settings and the instances, without read-only noise."""
    return {key: copy.deepcopy(gateway.get(key)) for key in (
        "name", "location", "sku", "generation", "active_active", "enable_bgp", "asn", "virtual_network_id",
        "custom_bgp_ip_addresses", "instances", "tags")}


# --------------------------------------------------------------------------- local network gateways


def normalize_bgp_settings(bgp: Mapping[str, Any] | None) -> dict | None:
    if not bgp:
        return None
    return {"asn": bgp.get("asn"), "bgp_peering_address": bgp.get("bgpPeeringAddress"), "peer_weight": bgp.get("peerWeight")}


def normalize_local_gateway(raw: Mapping[str, Any]) -> dict:
    properties = raw.get("properties") or {}
    result = _base(raw)
    result.update({
        "gateway_ip_address": properties.get("gatewayIpAddress"),
        "fqdn": properties.get("fqdn"),
        "address_prefixes": sorted((properties.get("localNetworkAddressSpace") or {}).get("addressPrefixes") or []),
        "bgp_settings": normalize_bgp_settings(properties.get("bgpSettings")),
        "tags": dict(raw.get("tags") or {}),
    })
    return result


def bgp_settings_removed(wanted: Mapping[str, Any] | None) -> bool:
    """O(bgp_settings={}) (every field unset) asks to remove BGP from a local network gateway."""
    return wanted is not None and all(value is None for value in wanted.values())


def local_gateway_problems(params: Mapping[str, Any]) -> list[str]:
    problems = []
    if params.get("gateway_ip_address") is not None:
        problems.append(ipv4_problem("gateway_ip_address", params["gateway_ip_address"]))
    for index, prefix in enumerate(params.get("address_prefixes") or []):
        problems.append(prefix_problem("address_prefixes[%d]" % index, prefix))
    bgp = params.get("bgp_settings")
    if bgp:
        problems.append(peer_asn_problem("bgp_settings.asn", bgp.get("asn")))
        peer = bgp.get("bgp_peering_address")
        if peer is not None:
            problem = ipv4_problem("bgp_settings.bgp_peering_address", peer)
            problems.append(problem)
            if not problem and params.get("address_prefixes") is not None and not _reachable_peer(peer, params["address_prefixes"]):
                # Source: azure-docs VPN gateway BGP FAQ (CLOUD_FACTS.md 1.2 "Non-APIPA BGP").
                problems.append("bgp_settings.bgp_peering_address: %s is not link-local, so it must lie in address_prefixes" % peer)
        weight = bgp.get("peer_weight")
        if weight is not None and not PEER_WEIGHT_RANGE[0] <= weight <= PEER_WEIGHT_RANGE[1]:
            problems.append("bgp_settings.peer_weight: must be %d-%d, got %d" % (PEER_WEIGHT_RANGE[0], PEER_WEIGHT_RANGE[1], weight))
    return [problem for problem in problems if problem]


def _reachable_peer(peer: str, prefixes: Iterable[str]) -> bool:
    address = ipaddress.IPv4Address(peer)
    if address in ipaddress.IPv4Network(cloud_facts.LINK_LOCAL_CIDR):
        return True
    for prefix in prefixes:
        try:
            if address in ipaddress.IPv4Network(prefix, strict=False):
                return True
        except ValueError:
            continue
    return False


def local_gateway_settings(gateway: Mapping[str, Any]) -> dict:
    return {
        "gateway_ip_address": gateway["gateway_ip_address"],
        "address_prefixes": list(gateway["address_prefixes"]),
        "bgp_settings": copy.deepcopy(gateway["bgp_settings"]),
    }


def desired_local_gateway_settings(params: Mapping[str, Any], current: Mapping[str, Any] | None) -> dict:
    """The settings after the change (``current`` None: a new gateway)."""
    settings = local_gateway_settings(current) if current else {"gateway_ip_address": None, "address_prefixes": [], "bgp_settings": None}
    if params.get("gateway_ip_address") is not None:
        settings["gateway_ip_address"] = params["gateway_ip_address"]
    prefixes = params.get("address_prefixes")
    if prefixes is not None:
        wanted = {str(ipaddress.IPv4Network(prefix)) for prefix in prefixes}
        if not params.get("purge_address_prefixes", True):
            wanted |= set(settings["address_prefixes"])
        settings["address_prefixes"] = sorted(wanted)
    wanted_bgp = params.get("bgp_settings")
    if bgp_settings_removed(wanted_bgp):
        settings["bgp_settings"] = None
    elif wanted_bgp is not None:
        merged = dict(settings["bgp_settings"] or {"asn": None, "bgp_peering_address": None, "peer_weight": 0})
        merged.update({key: value for key, value in wanted_bgp.items() if value is not None})
        settings["bgp_settings"] = merged
    return settings


def render_local_gateway(base: Mapping[str, Any], settings: Mapping[str, Any]) -> dict:
    body = writable(base)
    properties = body["properties"]
    properties["gatewayIpAddress"] = settings["gateway_ip_address"]
    space = dict(properties.get("localNetworkAddressSpace") or {})
    space["addressPrefixes"] = list(settings["address_prefixes"])
    properties["localNetworkAddressSpace"] = space
    bgp = settings["bgp_settings"]
    if bgp is None:
        properties.pop("bgpSettings", None)
    else:
        properties["bgpSettings"] = {"asn": bgp["asn"], "bgpPeeringAddress": bgp["bgp_peering_address"], "peerWeight": bgp["peer_weight"] or 0}
    return body


def local_gateway_diff_state(gateway: Mapping[str, Any]) -> dict:
    return {key: copy.deepcopy(gateway.get(key)) for key in (
        "name", "location", "gateway_ip_address", "address_prefixes", "bgp_settings", "tags")}


# --------------------------------------------------------------------------- connections


def normalize_tunnel_status(entry: Mapping[str, Any]) -> dict:
    return {
        "tunnel": entry.get("tunnel"),
        "connection_status": entry.get("connectionStatus"),
        "ingress_bytes_transferred": entry.get("ingressBytesTransferred"),
        "egress_bytes_transferred": entry.get("egressBytesTransferred"),
        "last_connection_established_utc_time": entry.get("lastConnectionEstablishedUtcTime"),
    }


def custom_bgp_by_instance(entries: Iterable[Mapping[str, Any]] | None, configuration_ids: list[str] | None) -> list[str]:
    """A connection's gatewayCustomBgpIpAddresses as one address per gateway instance (instance 0 first)."""
    entries = list(entries or [])
    if configuration_ids:
        order = [configuration_id.lower() for configuration_id in configuration_ids]

        def position(entry: Mapping[str, Any]) -> int:
            wanted = (entry.get("ipConfigurationId") or "").lower()
            return order.index(wanted) if wanted in order else len(order)

        entries.sort(key=position)
    return [entry.get("customBgpIpAddress") for entry in entries]


def normalize_connection(raw: Mapping[str, Any], gateway_configuration_ids: list[str] | None = None) -> dict:
    properties = raw.get("properties") or {}
    result = _base(raw)
    result.update({
        "connection_type": properties.get("connectionType"),
        "virtual_network_gateway_id": _ref_id(properties.get("virtualNetworkGateway1")),
        "local_network_gateway_id": _ref_id(properties.get("localNetworkGateway2")),
        "connection_protocol": properties.get("connectionProtocol"),
        "enable_bgp": properties.get("enableBgp"),
        "use_policy_based_traffic_selectors": properties.get("usePolicyBasedTrafficSelectors"),
        "connection_mode": properties.get("connectionMode"),
        "ipsec_policies": [ipsec_policy_option(policy) for policy in properties.get("ipsecPolicies") or []],
        "gateway_custom_bgp_ip_addresses": custom_bgp_by_instance(properties.get("gatewayCustomBgpIpAddresses"), gateway_configuration_ids),
        "connection_status": properties.get("connectionStatus"),
        "tunnel_connection_status": [normalize_tunnel_status(entry) for entry in properties.get("tunnelConnectionStatus") or []],
        "ingress_bytes_transferred": properties.get("ingressBytesTransferred"),
        "egress_bytes_transferred": properties.get("egressBytesTransferred"),
        "tags": dict(raw.get("tags") or {}),
    })
    return result


CONNECTION_SETTINGS = ("connection_protocol", "enable_bgp", "use_policy_based_traffic_selectors", "connection_mode",
                       "ipsec_policies", "gateway_custom_bgp_ip_addresses")


def connection_settings(connection: Mapping[str, Any]) -> dict:
    """Managed settings of a normalised connection, policies in canonical form (for comparison)."""
    settings = {name: copy.deepcopy(connection.get(name)) for name in CONNECTION_SETTINGS}
    settings["ipsec_policies"] = [comparable_policy(policy) for policy in connection.get("ipsec_policies") or []]
    return settings


def desired_connection_settings(params: Mapping[str, Any]) -> dict:
    """The settings the options ask for (None: not given); policies in canonical form."""
    settings = {name: params.get(name) for name in CONNECTION_SETTINGS}
    if params.get("ipsec_policies") is not None:
        settings["ipsec_policies"] = [canonical_policy(policy) for policy in params["ipsec_policies"]]
    if params.get("gateway_custom_bgp_ip_addresses") is not None:
        settings["gateway_custom_bgp_ip_addresses"] = [str(address) for address in params["gateway_custom_bgp_ip_addresses"]]
    return settings


def connection_problems(params: Mapping[str, Any]) -> list[str]:
    problems = [shared_key_problem("shared_key", params.get("shared_key"))]
    problems.extend(ipsec_policy_problems("ipsec_policies", params.get("ipsec_policies"), params.get("connection_protocol")))
    for index, address in enumerate(params.get("gateway_custom_bgp_ip_addresses") or []):
        problems.append(apipa_problem("gateway_custom_bgp_ip_addresses[%d]" % index, address))
    return [problem for problem in problems if problem]


def connection_custom_bgp_problems(addresses: list[str] | None, gateway: Mapping[str, Any]) -> list[str]:
    """Each address must be a custom APIPA address of the gateway instance at the same position."""
    if not addresses:
        return []
    instances = gateway["instances"]
    problems = []
    if len(addresses) > len(instances):
        problems.append("gateway_custom_bgp_ip_addresses: %d addresses given but gateway %s has %d instance(s)"
                        % (len(addresses), gateway["name"], len(instances)))
    for index, (address, instance) in enumerate(zip(addresses, instances)):
        if str(address) not in instance["custom_bgp_ip_addresses"]:
            problems.append("gateway_custom_bgp_ip_addresses[%d]: %s is not a custom BGP IP address of gateway %s instance %d (%s)"
                            % (index, address, gateway["name"], index, ", ".join(instance["custom_bgp_ip_addresses"]) or "none"))
    return problems


def render_connection(base: Mapping[str, Any], params: Mapping[str, Any], gateway: Mapping[str, Any]) -> dict:
    """The PUT body: ``base`` (as read, or a new skeleton) with every given option applied."""
    body = writable(base, drop_properties=CONNECTION_STATUS_PROPERTIES)
    properties = body["properties"]
    properties["connectionType"] = properties.get("connectionType") or "IPsec"
    for option, field in (("connection_protocol", "connectionProtocol"), ("enable_bgp", "enableBgp"),
                          ("use_policy_based_traffic_selectors", "usePolicyBasedTrafficSelectors"), ("connection_mode", "connectionMode")):
        if params.get(option) is not None:
            properties[field] = params[option]
    if params.get("ipsec_policies") is not None:
        properties["ipsecPolicies"] = [ipsec_policy_body(policy) for policy in params["ipsec_policies"]]
    if params.get("gateway_custom_bgp_ip_addresses") is not None:
        properties["gatewayCustomBgpIpAddresses"] = [
            {"ipConfigurationId": instance["ip_configuration_id"], "customBgpIpAddress": str(address)}
            for address, instance in zip(params["gateway_custom_bgp_ip_addresses"], gateway["instances"])
        ]
    if params.get("shared_key") is not None:
        properties["sharedKey"] = params["shared_key"]
    return body


def connection_diff_state(connection: Mapping[str, Any], shared_key: str | None) -> dict:
    """What --diff shows of a connection; build_diff redacts the key (only whether it changes shows)."""
    state = {key: copy.deepcopy(connection.get(key)) for key in (
        "name", "location", "virtual_network_gateway_id", "local_network_gateway_id", "tags") + CONNECTION_SETTINGS}
    if shared_key is not None:
        state["shared_key"] = shared_key
    return state


def immutable_reference_problems(current: Mapping[str, Any], wanted: Mapping[str, str | None]) -> list[str]:
    """References (option -> wanted id) Azure cannot change on an existing resource."""
    problems = []
    for option, wanted_id in wanted.items():
        have = current.get(option + "_id")
        if wanted_id is not None and have and not same_id(have, wanted_id):
            problems.append("%s: %s uses %s and Azure cannot change it; delete the resource to use %s"
                            % (option, current.get("name"), have, wanted_id))
    return problems
