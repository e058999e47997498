"""Virtual network gateways, local network gateways and connections (site-to-site VPN)."""
from __future__ import annotations

import ipaddress
import secrets
from dataclasses import dataclass

from mci_lab.collection import import_module_utils
from mci_lab.dataplane import naming
from mci_lab.emulators.azure import errors
from mci_lab.emulators.azure.kinds import Accepted, Kind, parse_address, parse_prefix, ref_id, reference, same_id
from mci_lab.emulators.azure.network import (
    GATEWAY_SUBNET_NAME,
    addresses_in_use,
    allocate_address,
    public_ip_user,
)
from mci_lab.emulators.azure.store import Record, key

cloud_facts = import_module_utils("cloud_facts")

LINK_LOCAL = ipaddress.IPv4Network(cloud_facts.LINK_LOCAL_CIDR)
APIPA_FIRST = ipaddress.IPv4Address(cloud_facts.AZURE_APIPA_FIRST)
APIPA_LAST = ipaddress.IPv4Address(cloud_facts.AZURE_APIPA_LAST)
CONNECTION_MODES = ("Default", "ResponderOnly", "InitiatorOnly")
CONNECTION_PROTOCOLS = ("IKEv2", "IKEv1")
IPSEC_POLICY_FIELDS = ("saLifeTimeSeconds", "saDataSizeKilobytes", "ipsecEncryption", "ipsecIntegrity",
                       "ikeEncryption", "ikeIntegrity", "dhGroup", "pfsGroup")


def is_azure_apipa(address: str) -> bool:
    return APIPA_FIRST <= ipaddress.IPv4Address(address) <= APIPA_LAST


def is_link_local(address: str) -> bool:
    return ipaddress.IPv4Address(address) in LINK_LOCAL


# --------------------------------------------------------------------------- gateway instances


@dataclass(frozen=True)
class GatewayInstance:
    """One instance of a VPN gateway: its own public IP, default BGP IP and custom APIPA addresses."""

    index: int
    ip_configuration_id: str
    public_ip: str
    private_ip: str  # the "default BGP IP address" in the GatewaySubnet
    custom_apipa: tuple[str, ...]


def gateway_instances(cloud, gateway: Record) -> list[GatewayInstance]:
    """Instance 0 and (active-active) instance 1, in ip configuration order."""
    customs = gateway.computed.get("custom_bgp", {})
    found = []
    for index, entry in enumerate(gateway.computed.get("subnet_ips", [])):
        configuration_id = entry["ip_configuration"]
        public_ip = cloud.store.get(gateway.computed["public_ip_refs"][index]["public_ip"])
        found.append(GatewayInstance(
            index=index,
            ip_configuration_id=configuration_id,
            public_ip=public_ip.computed.get("ip", "") if public_ip is not None else "",
            private_ip=entry["ip"],
            custom_apipa=tuple(customs.get(configuration_id.lower(), ())),
        ))
    return found


def gateway_asn(gateway: Record) -> int:
    return int((gateway.properties.get("bgpSettings") or {}).get("asn", cloud_facts.AZURE_DEFAULT_ASN))


# --------------------------------------------------------------------------- virtual network gateways


class VirtualNetworkGateways(Kind):
    collection = "virtualnetworkgateways"
    arm_type = "Microsoft.Network/virtualNetworkGateways"
    delay_kind = "virtual_network_gateway"

    def validate(self, record_id: str, body: dict, existing: Record | None) -> Accepted:
        properties = body.setdefault("properties", {})
        self._check_type_and_sku(record_id, properties)
        configurations = properties.get("ipConfigurations") or []
        self._check_configuration_count(record_id, properties, configurations)
        subnet_ips, public_refs = self._place_instances(record_id, properties, configurations, existing)
        custom_bgp = self._check_bgp_settings(record_id, properties, [entry["ip_configuration"] for entry in subnet_ips])
        return Accepted(body, {"subnet_ips": subnet_ips, "public_ip_refs": public_refs, "custom_bgp": custom_bgp})

    def _check_type_and_sku(self, record_id: str, properties: dict) -> None:
        properties.setdefault("gatewayType", "Vpn")
        properties.setdefault("vpnType", "RouteBased")
        properties.setdefault("vpnGatewayGeneration", "Generation1")
        properties.setdefault("activeActive", False)
        properties.setdefault("enableBgp", False)
        sku = properties.setdefault("sku", {"name": cloud_facts.TUNNEL_LIMITS["azure"]["default_sku"]})
        sku.setdefault("tier", sku.get("name"))
        if properties["gatewayType"] != "Vpn":
            raise errors.invalid(errors.UNSUPPORTED_IN_LAB, f"The lab emulates VPN gateways only, not {properties['gatewayType']}.")
        if sku.get("name") == "Basic" and (properties["activeActive"] or properties["enableBgp"]):
            raise errors.invalid(errors.BASIC_SKU_NOT_SUPPORTED,
                                 f"Gateway {record_id}: the Basic SKU supports neither active-active nor BGP.")

    def _check_configuration_count(self, record_id: str, properties: dict, configurations: list) -> None:
        count = len(configurations)
        if properties["activeActive"] and count != cloud_facts.TUNNEL_LIMITS["azure"]["instances_active_active"]:
            raise errors.invalid(errors.ACTIVE_ACTIVE_TWO_IP_CONFIGURATIONS,
                                 f"Gateway has {count} IP configurations specified for gateway {record_id}. "
                                 "ActiveActive Gateway must be created with two IP configurations.")
        if not properties["activeActive"] and count != cloud_facts.TUNNEL_LIMITS["azure"]["instances_active_standby"]:
            raise errors.invalid(errors.ACTIVE_STANDBY_ONE_IP_CONFIGURATION,
                                 f"Gateway has {count} IP configurations specified for gateway {record_id}. "
                                 "A gateway that is not active-active takes exactly one IP configuration.")

    def _place_instances(self, record_id: str, properties: dict, configurations: list,
                         existing: Record | None) -> tuple[list[dict], list[dict]]:
        """Check each IP configuration and give each instance its private (default BGP) address."""
        subnet_ips: list[dict] = []
        public_refs: list[dict] = []
        virtual_network = ""
        for index, configuration in enumerate(configurations):
            configuration_id = f"{record_id}/ipConfigurations/{configuration.get('name') or f'ipconfig{index}'}"
            settings = configuration.setdefault("properties", {})
            settings.setdefault("privateIPAllocationMethod", "Dynamic")
            subnet = reference(self.cloud, settings.get("subnet"), "virtualnetworks", "subnets", "subnet", configuration_id)
            if subnet.name.lower() != GATEWAY_SUBNET_NAME.lower():
                raise errors.invalid(errors.GATEWAY_SUBNET_REQUIRED,
                                     f"{configuration_id} references subnet {subnet.name}; a VPN gateway must be "
                                     f"deployed in the subnet named {GATEWAY_SUBNET_NAME}.")
            vnet_id = subnet.id.rsplit("/subnets/", 1)[0]
            if virtual_network and not same_id(virtual_network, vnet_id):
                raise errors.invalid(errors.INVALID_REQUEST_FORMAT, f"All IP configurations of {record_id} must use one virtual network.")
            virtual_network = vnet_id
            self._check_one_gateway_per_network(record_id, vnet_id)
            public_ip = reference(self.cloud, settings.get("publicIPAddress"), "publicipaddresses", "", "publicIPAddress", configuration_id)
            self._check_public_ip(record_id, properties, public_ip, configuration_id, existing)
            if any(entry["public_ip"] == key(public_ip.id) for entry in public_refs):
                raise errors.invalid(errors.PUBLIC_IP_IN_USE, f"{public_ip.id} is used by two IP configurations of {record_id}.")
            taken = addresses_in_use(self.cloud, subnet.id, except_record=existing) | {entry["ip"] for entry in subnet_ips}
            address = _kept_instance_address(existing, index, subnet.id)
            if not address:
                # Active-active instances take the first free addresses (.4, .5: seed 002's 192.168.1.4/.5);
                # a single-instance gateway's BGP IP is the last usable address of the GatewaySubnet.
                address = allocate_address(self.cloud, subnet, taken, from_end=not properties["activeActive"])
            subnet_ips.append({"subnet": key(subnet.id), "ip": address, "ip_configuration": configuration_id})
            public_refs.append({"public_ip": key(public_ip.id), "ip_configuration": configuration_id})
        return subnet_ips, public_refs

    def _check_one_gateway_per_network(self, record_id: str, vnet_id: str) -> None:
        # A virtual network has one GatewaySubnet and at most one VPN gateway (azure-docs VPN Gateway FAQ).
        for other in self.store.live(self.collection):
            entries = other.computed.get("subnet_ips") or []
            if not same_id(other.id, record_id) and entries and entries[0]["subnet"].startswith(key(vnet_id) + "/"):
                raise errors.invalid(errors.VNET_ALREADY_HAS_VPN_GATEWAY,
                                     f"Virtual network {vnet_id} already has VPN gateway {other.id}.")

    def _check_public_ip(self, record_id: str, properties: dict, public_ip: Record, configuration_id: str,
                         existing: Record | None) -> None:
        user = public_ip_user(self.cloud, public_ip.id, except_record=existing)
        if user:
            raise errors.invalid(errors.PUBLIC_IP_IN_USE, f"Public IP {public_ip.id} is already used by {user}.")
        sku = (public_ip.body.get("sku") or {}).get("name")
        method = public_ip.properties.get("publicIPAllocationMethod")
        if properties["activeActive"] and (sku != "Standard" or method != "Static"):
            raise errors.invalid(errors.ACTIVE_ACTIVE_PUBLIC_IP_MUST_BE_STANDARD_STATIC,
                                 f"{configuration_id} uses public IP {public_ip.name} ({sku}, {method}); an "
                                 "active-active gateway needs Standard SKU public IPs with Static allocation.")

    def _check_bgp_settings(self, record_id: str, properties: dict, configuration_ids: list[str]) -> dict:
        """Validate the ASN and custom APIPA addresses; returns {ip configuration id: [custom IPs]}."""
        bgp = properties.setdefault("bgpSettings", {})
        asn = bgp.setdefault("asn", cloud_facts.AZURE_DEFAULT_ASN)
        bgp.setdefault("peerWeight", 0)
        # 65515 is Azure's own default and always allowed for the gateway; every other reserved ASN is not.
        problem = None if asn == cloud_facts.AZURE_DEFAULT_ASN else cloud_facts.asn_problem("azure", asn)
        if problem:
            raise errors.invalid(errors.INVALID_GATEWAY_ASN, f"Gateway {record_id}: {problem}.")
        custom_bgp: dict[str, list[str]] = {}
        for entry in bgp.get("bgpPeeringAddresses") or []:
            configuration_id = entry.get("ipconfigurationId") or ""
            if not any(same_id(configuration_id, known) for known in configuration_ids):
                raise errors.invalid(errors.UNKNOWN_IP_CONFIGURATION,
                                     f"bgpPeeringAddresses of {record_id} names {configuration_id!r}, which is not one "
                                     "of the gateway's IP configurations.")
            for address in entry.get("customBgpIpAddresses") or []:
                parse_address(address, errors.CUSTOM_BGP_IP_OUT_OF_APIPA_RANGE, configuration_id)
                if not is_azure_apipa(address):
                    raise errors.invalid(errors.CUSTOM_BGP_IP_OUT_OF_APIPA_RANGE,
                                         f"Custom BGP IP address {address} of {configuration_id} is not in the Azure "
                                         f"APIPA range {cloud_facts.AZURE_APIPA_FIRST} - {cloud_facts.AZURE_APIPA_LAST}.")
            custom_bgp[configuration_id.lower()] = list(entry.get("customBgpIpAddresses") or [])
        bgp.pop("bgpPeeringAddress", None)  # computed from the instances
        bgp.pop("bgpPeeringAddresses", None)
        return custom_bgp

    def view_properties(self, record: Record) -> dict:
        properties = dict(record.properties)
        instances = gateway_instances(self.cloud, record)
        configurations = []
        for configuration, instance in zip(properties.get("ipConfigurations") or [], instances):
            configuration = dict(configuration)
            configuration["id"] = instance.ip_configuration_id
            configuration["name"] = instance.ip_configuration_id.rsplit("/", 1)[-1]
            configuration["properties"] = dict(configuration.get("properties") or {}, provisioningState=record.state())
            configurations.append(configuration)
        properties["ipConfigurations"] = configurations
        bgp = dict(properties.get("bgpSettings") or {})
        bgp["bgpPeeringAddress"] = ",".join(instance.private_ip for instance in instances)
        bgp["bgpPeeringAddresses"] = [
            {
                "ipconfigurationId": instance.ip_configuration_id,
                "defaultBgpIpAddresses": [instance.private_ip],
                "customBgpIpAddresses": list(instance.custom_apipa),
                "tunnelIpAddresses": [instance.public_ip],
            }
            for instance in instances
        ]
        properties["bgpSettings"] = bgp
        return properties

    def check_delete(self, record: Record) -> None:
        users = connections_of(self.cloud, record.id, "virtualNetworkGateway1")
        if users:
            raise errors.invalid(errors.GATEWAY_CANNOT_BE_DELETED,
                                 f"Virtual network gateway {record.id} cannot be deleted while connection "
                                 f"{users[0].id} uses it. Delete the connections first.")


def _kept_instance_address(existing: Record | None, index: int, subnet_id: str) -> str:
    if existing is None:
        return ""
    entries = existing.computed.get("subnet_ips", [])
    if index < len(entries) and entries[index]["subnet"] == key(subnet_id):
        return entries[index]["ip"]
    return ""


def connections_of(cloud, gateway_id: str, field: str) -> list[Record]:
    return [connection for connection in cloud.store.live("connections")
            if same_id(ref_id(connection.properties.get(field)), gateway_id)]


# --------------------------------------------------------------------------- local network gateways


class LocalNetworkGateways(Kind):
    collection = "localnetworkgateways"
    arm_type = "Microsoft.Network/localNetworkGateways"
    delay_kind = "local_network_gateway"

    def validate(self, record_id: str, body: dict, existing: Record | None) -> Accepted:
        properties = body.setdefault("properties", {})
        if not properties.get("gatewayIpAddress"):
            raise errors.invalid(errors.UNSUPPORTED_IN_LAB if properties.get("fqdn") else errors.INVALID_REQUEST_FORMAT,
                                 f"Local network gateway {record_id} needs gatewayIpAddress (the lab does not resolve fqdn).")
        address = parse_address(properties["gatewayIpAddress"], errors.INVALID_REQUEST_FORMAT, record_id)
        if not any(address in network for network in naming.PUBLIC_RANGES):
            # Lab safety rule: tunnels only ever go to the lab's own "internet" ranges.
            raise errors.invalid(errors.UNSUPPORTED_IN_LAB,
                                 f"gatewayIpAddress {address} of {record_id} is outside the lab's public ranges "
                                 f"({', '.join(str(network) for network in naming.PUBLIC_RANGES)}).")
        space = properties.setdefault("localNetworkAddressSpace", {})
        prefixes = [parse_prefix(prefix, errors.INVALID_ADDRESS_PREFIX, record_id) for prefix in space.setdefault("addressPrefixes", [])]
        bgp = properties.get("bgpSettings")
        if bgp:
            self._check_bgp(record_id, bgp, prefixes)
        return Accepted(body)

    def _check_bgp(self, record_id: str, bgp: dict, prefixes: list) -> None:
        asn = bgp.get("asn")
        problem = _peer_asn_problem(asn)
        if problem:
            raise errors.invalid(errors.INVALID_LOCAL_GATEWAY_ASN, f"Local network gateway {record_id}: {problem}.")
        peer = parse_address(bgp.get("bgpPeeringAddress"), errors.INVALID_REQUEST_FORMAT, f"{record_id} bgpPeeringAddress")
        bgp.setdefault("peerWeight", 0)
        # A non-APIPA BGP peer must be reachable through the tunnel: its /32 lies in the address space.
        # Source: azure-docs vpn-gateway FAQ BGP include (CLOUD_FACTS.md 1.2 "Non-APIPA BGP").
        if not is_link_local(str(peer)) and not any(peer in prefix for prefix in prefixes):
            raise errors.invalid(errors.BGP_PEER_NOT_IN_ADDRESS_SPACE,
                                 f"BGP peer {peer} of {record_id} must lie in its localNetworkAddressSpace.")

    def check_delete(self, record: Record) -> None:
        users = connections_of(self.cloud, record.id, "localNetworkGateway2")
        if users:
            raise errors.invalid(errors.LOCAL_GATEWAY_IN_USE,
                                 f"Local network gateway {record.id} is used by connection {users[0].id}.")


def _peer_asn_problem(asn: object) -> str | None:
    """Azure refuses IANA-reserved ASNs and its own reserved ASNs for the peer (the on-premises side)."""
    if isinstance(asn, bool) or not isinstance(asn, int):
        return f"ASN must be an integer, got {asn!r}"
    if any(low <= asn <= high for low, high in cloud_facts.IANA_RESERVED_ASN_RANGES):
        return f"ASN {asn} is reserved by IANA"
    if asn in cloud_facts.RESERVED_ASNS["azure"]:
        return f"ASN {asn} is reserved by Azure"
    return None


# --------------------------------------------------------------------------- connections


class Connections(Kind):
    collection = "connections"
    arm_type = "Microsoft.Network/connections"
    delay_kind = "connection"
    read_only = ("connectionStatus", "tunnelConnectionStatus", "ingressBytesTransferred", "egressBytesTransferred")

    def validate(self, record_id: str, body: dict, existing: Record | None) -> Accepted:
        properties = body.setdefault("properties", {})
        properties.setdefault("connectionType", "IPsec")
        if properties["connectionType"] != "IPsec":
            raise errors.invalid(errors.UNSUPPORTED_IN_LAB, f"The lab emulates IPsec connections only, not {properties['connectionType']}.")
        gateway = self._provisioned(reference(self.cloud, properties.get("virtualNetworkGateway1"), "virtualnetworkgateways", "",
                                              "virtualNetworkGateway1", record_id), record_id)
        local = self._provisioned(reference(self.cloud, properties.get("localNetworkGateway2"), "localnetworkgateways", "",
                                            "localNetworkGateway2", record_id), record_id)
        properties["virtualNetworkGateway1"] = {"id": gateway.id}
        properties["localNetworkGateway2"] = {"id": local.id}
        shared_key = self._shared_key(record_id, properties, existing)
        self._check_settings(record_id, properties, gateway, local)
        return Accepted(body, {"shared_key": shared_key})

    def _provisioned(self, record: Record, record_id: str) -> Record:
        if record.state() != "Succeeded":
            raise errors.invalid(errors.REFERENCED_RESOURCE_NOT_PROVISIONED,
                                 f"Cannot proceed with operation because resource {record.id} used by resource "
                                 f"{record_id} is not in Succeeded state. Resource is in {record.state()} state.")
        return record

    def _shared_key(self, record_id: str, properties: dict, existing: Record | None) -> str:
        shared_key = properties.pop("sharedKey", None)
        if shared_key is None:
            # Azure generates a key when none is given; an update keeps the current one.
            if existing is not None:
                return existing.computed["shared_key"]
            return generated_shared_key()
        problem = cloud_facts.psk_problem("azure", shared_key)
        if problem:
            raise errors.invalid(errors.INVALID_SHARED_KEY, f"Connection {record_id}: {problem}.")
        return shared_key

    def _check_settings(self, record_id: str, properties: dict, gateway: Record, local: Record) -> None:
        properties.setdefault("enableBgp", False)
        properties.setdefault("connectionProtocol", "IKEv2")
        properties.setdefault("connectionMode", "Default")
        properties.setdefault("usePolicyBasedTrafficSelectors", False)
        properties.setdefault("routingWeight", 0)
        properties.setdefault("dpdTimeoutSeconds", 45)
        properties.setdefault("ipsecPolicies", [])
        if properties["connectionProtocol"] not in CONNECTION_PROTOCOLS:
            raise errors.invalid(errors.INVALID_REQUEST_FORMAT, f"connectionProtocol must be one of {CONNECTION_PROTOCOLS}.")
        if properties["connectionMode"] not in CONNECTION_MODES:
            raise errors.invalid(errors.INVALID_REQUEST_FORMAT, f"connectionMode must be one of {CONNECTION_MODES}.")
        if properties["enableBgp"] and properties["usePolicyBasedTrafficSelectors"]:
            raise errors.invalid(errors.BGP_NOT_ENABLED,
                                 f"Connection {record_id}: BGP runs over route-based tunnels, not with policy-based traffic selectors.")
        if properties["enableBgp"] and not (gateway.properties.get("enableBgp") and local.properties.get("bgpSettings")):
            raise errors.invalid(errors.BGP_NOT_ENABLED,
                                 f"Connection {record_id} enables BGP, so gateway {gateway.name} needs enableBgp and "
                                 f"local network gateway {local.name} needs bgpSettings.")
        for policy in properties["ipsecPolicies"]:
            ipsec_policy_proposal(policy, properties["connectionProtocol"], record_id)
        if len(properties["ipsecPolicies"]) > 1:
            raise errors.invalid(errors.INVALID_IPSEC_POLICY, f"Connection {record_id} takes at most one IPsec policy.")
        self._check_custom_bgp(record_id, properties, gateway)

    def _check_custom_bgp(self, record_id: str, properties: dict, gateway: Record) -> None:
        customs = gateway.computed.get("custom_bgp", {})
        for entry in properties.get("gatewayCustomBgpIpAddresses") or []:
            configuration_id = (entry.get("ipConfigurationId") or "").lower()
            if entry.get("customBgpIpAddress") not in customs.get(configuration_id, []):
                raise errors.invalid(errors.INVALID_CUSTOM_BGP_ADDRESS_FOR_CONNECTION,
                                     f"Connection {record_id}: {entry.get('customBgpIpAddress')!r} is not a custom BGP IP "
                                     f"address of gateway ip configuration {entry.get('ipConfigurationId')!r}.")

    def view_properties(self, record: Record) -> dict:
        properties = dict(record.properties)
        properties.update(self.cloud.status.connection_status(record))
        return properties


def generated_shared_key(length: int = cloud_facts.GENERATED_PSK_LENGTH) -> str:
    """A key as Azure makes one when none is given (the collection's own safe alphabet)."""
    return "".join(secrets.choice(cloud_facts.GENERATED_PSK_ALPHABET) for position in range(length))


def ipsec_policy_proposal(policy: dict, protocol: str, owner: str) -> dict:
    """A custom IPsec policy as the canonical proposal of cloud_facts, or InvalidIpsecPolicy."""
    missing = [name for name in IPSEC_POLICY_FIELDS if policy.get(name) in (None, "")]
    if missing:
        raise errors.invalid(errors.INVALID_IPSEC_POLICY, f"IPsec policy of {owner} lacks {', '.join(missing)}.")
    try:
        proposal = cloud_facts.from_cloud_names("azure", dict(policy, connectionProtocol=protocol))
    except (ValueError, KeyError) as problem:
        raise errors.invalid(errors.INVALID_IPSEC_POLICY, f"IPsec policy of {owner}: {problem}.") from None
    capability = cloud_facts.IKE_CAPABILITIES["azure"]
    low, high = capability["phase2"]["lifetime"][:2]
    if not low <= int(policy["saLifeTimeSeconds"]) <= high:
        raise errors.invalid(errors.INVALID_IPSEC_POLICY,
                             f"IPsec policy of {owner}: saLifeTimeSeconds must be {low}-{high}, got {policy['saLifeTimeSeconds']}.")
    if proposal["ike_version"] == "ikev1" and proposal["phase1"]["encryption"] in cloud_facts.AEAD_ENCRYPTIONS:
        raise errors.invalid(errors.INVALID_IPSEC_POLICY, f"IPsec policy of {owner}: GCM IKE encryption needs IKEv2.")
    return proposal
