"""Virtual networks, subnets, public IPs, route tables and network interfaces.

Address bookkeeping: a record that holds addresses lists them in ``computed["subnet_ips"]``
({"subnet", "ip", "ip_configuration"}) and ``computed["public_ip_refs"]`` ({"public_ip",
"ip_configuration"}); subnets and public IPs read their ``ipConfigurations`` back from there.
"""
from __future__ import annotations

import ipaddress
import random

from mci_lab.dataplane import naming
from mci_lab.emulators.azure import errors
from mci_lab.emulators.azure.kinds import Accepted, Kind, parse_address, parse_prefix, ref_id, reference, same_id
from mci_lab.emulators.azure.store import Record, key

# Azure keeps the first four addresses and the last one of every subnet
# (network, default gateway, two for DNS, broadcast). Source: Azure VNet FAQ
# "Are there any restrictions on using IP addresses within these subnets?".
RESERVED_AT_START = 4
RESERVED_AT_END = 1
GATEWAY_SUBNET_NAME = "GatewaySubnet"
NEXT_HOP_TYPES = ("VirtualNetworkGateway", "VnetLocal", "Internet", "VirtualAppliance", "None")


# --------------------------------------------------------------------------- addresses


def usable_range(prefix: ipaddress.IPv4Network) -> tuple[int, int]:
    """First and last address Azure hands out in a subnet, as integers."""
    return int(prefix.network_address) + RESERVED_AT_START, int(prefix.broadcast_address) - RESERVED_AT_END


def subnet_prefix(subnet: Record) -> ipaddress.IPv4Network:
    properties = subnet.properties
    value = properties.get("addressPrefix") or (properties.get("addressPrefixes") or [None])[0]
    return ipaddress.IPv4Network(value)


def addresses_in_use(cloud, subnet_id: str, except_record: Record | None = None) -> set[str]:
    used = set()
    for record in cloud.store.records.values():
        if record is except_record or record.gone_at is not None:
            continue
        for entry in record.computed.get("subnet_ips", []):
            if entry["subnet"] == key(subnet_id):
                used.add(entry["ip"])
    return used


def allocate_address(cloud, subnet: Record, taken: set[str], from_end: bool = False) -> str:
    """The next free address of a subnet (lowest first, or highest first for a standby gateway)."""
    first, last = usable_range(subnet_prefix(subnet))
    candidates = range(last, first - 1, -1) if from_end else range(first, last + 1)
    for value in candidates:
        address = str(ipaddress.IPv4Address(value))
        if address not in taken:
            return address
    raise errors.invalid(errors.SUBNET_IS_FULL, f"Subnet {subnet.name} has no free address left.")


def check_static_address(subnet: Record, address: str, taken: set[str], owner: str) -> None:
    parsed = parse_address(address, errors.INVALID_REQUEST_FORMAT, owner)
    first, last = usable_range(subnet_prefix(subnet))
    if not first <= int(parsed) <= last:
        raise errors.invalid(errors.PRIVATE_IP_NOT_IN_SUBNET,
                             f"Private static IP address {address} does not belong to the usable range of subnet {subnet.name}.")
    if address in taken:
        raise errors.invalid(errors.PRIVATE_IP_IN_USE, f"IP configuration {owner} is using the private IP address "
                                                       f"{address} which is already allocated to another resource.")


def ip_configurations_in_subnet(cloud, subnet_id: str) -> list[str]:
    found = []
    for record in cloud.store.records.values():
        if record.gone_at is None:
            found += [entry["ip_configuration"] for entry in record.computed.get("subnet_ips", []) if entry["subnet"] == key(subnet_id)]
    return found


def public_ip_user(cloud, public_ip_id: str, except_record: Record | None = None) -> str:
    """The ip configuration that holds a public IP, "" when it is free."""
    for record in cloud.store.records.values():
        if record is except_record or record.gone_at is not None:
            continue
        for entry in record.computed.get("public_ip_refs", []):
            if entry["public_ip"] == key(public_ip_id):
                return entry["ip_configuration"]
    return ""


# --------------------------------------------------------------------------- virtual networks


class VirtualNetworks(Kind):
    collection = "virtualnetworks"
    arm_type = "Microsoft.Network/virtualNetworks"
    delay_kind = "virtual_network"

    def validate(self, record_id: str, body: dict, existing: Record | None) -> Accepted:
        properties = body.setdefault("properties", {})
        prefixes = (properties.get("addressSpace") or {}).get("addressPrefixes") or []
        if not prefixes:
            raise errors.invalid(errors.INVALID_ADDRESS_PREFIX, f"Virtual network {record_id} needs at least one address prefix.")
        networks = [parse_prefix(prefix, errors.INVALID_ADDRESS_PREFIX, "the address space") for prefix in prefixes]
        for network in networks:
            if network.overlaps(naming.TRANSIT_POOL):
                raise errors.invalid(errors.UNSUPPORTED_IN_LAB, f"Address space {network} overlaps the lab data plane's "
                                                                f"transit links ({naming.TRANSIT_POOL}).")
        subnets = properties.get("subnets") or []
        subnet_kind: Subnets = self.cloud.kinds["virtualnetworks/subnets"]
        seen: list[tuple[str, ipaddress.IPv4Network]] = []
        for subnet in subnets:
            name = subnet.get("name") or ""
            subnet_id = f"{record_id}/subnets/{name}"
            prefix = subnet_kind.check_prefix(subnet_id, subnet, networks, seen)
            seen.append((name, prefix))
            subnet_kind.check_route_table(subnet_id, subnet)
            subnet_kind.check_addresses_still_fit(subnet_id, prefix)
        # ARM replaces the subnet list: a subnet left out of the PUT is deleted, if nothing uses it.
        kept = {entry[0].lower() for entry in seen}
        for child in self.store.children(record_id, "subnets"):
            if child.name.lower() not in kept:
                subnet_kind.check_delete(child)
        return Accepted(body)

    def stored(self, record: Record) -> None:
        """Inline subnets become child records, as ARM keeps them."""
        subnets = record.properties.pop("subnets", None) or []
        wanted = {subnet.get("name", "").lower(): subnet for subnet in subnets}
        for child in self.store.children(record.id, "subnets"):
            if child.name.lower() not in wanted:
                self.store.remove(child.id)
        for subnet in subnets:
            self.cloud.put_child(record, "subnets", subnet["name"], {"properties": dict(subnet.get("properties") or {})})

    def view_properties(self, record: Record) -> dict:
        properties = dict(record.properties)
        properties["subnets"] = [self.cloud.view(child) for child in self.store.children(record.id, "subnets")]
        properties.setdefault("virtualNetworkPeerings", [])
        properties.setdefault("enableDdosProtection", False)
        return properties

    def check_delete(self, record: Record) -> None:
        for child in self.store.children(record.id, "subnets"):
            self.cloud.kinds["virtualnetworks/subnets"].check_delete(child)


class Subnets(Kind):
    collection = "virtualnetworks/subnets"
    arm_type = "Microsoft.Network/virtualNetworks/subnets"
    delay_kind = "virtual_network"
    read_only = ("ipConfigurations", "privateEndpoints", "serviceAssociationLinks", "purpose")

    def validate(self, record_id: str, body: dict, existing: Record | None) -> Accepted:
        parent = self.cloud.parent_of(record_id)
        networks = [ipaddress.IPv4Network(prefix) for prefix in parent.properties["addressSpace"]["addressPrefixes"]]
        siblings = [(child.name, subnet_prefix(child)) for child in self.store.children(parent.id, "subnets")
                    if not same_id(child.id, record_id)]
        prefix = self.check_prefix(record_id, body, networks, siblings)
        self.check_route_table(record_id, body)
        self.check_addresses_still_fit(record_id, prefix)
        return Accepted(body)

    def check_addresses_still_fit(self, subnet_id: str, prefix: ipaddress.IPv4Network) -> None:
        """A subnet in use keeps every address it handed out."""
        for address in addresses_in_use(self.cloud, subnet_id):
            if ipaddress.IPv4Address(address) not in prefix:
                raise errors.invalid(errors.IN_USE_SUBNET_CANNOT_BE_DELETED,
                                     f"Subnet {subnet_id.rsplit('/', 1)[-1]} is in use: its new range {prefix} "
                                     f"would leave out {address}.")

    def check_prefix(self, subnet_id: str, subnet: dict, networks: list, siblings: list) -> ipaddress.IPv4Network:
        value = _subnet_prefix_value(subnet)
        prefix = parse_prefix(value, errors.INVALID_ADDRESS_PREFIX, f"subnet {subnet_id}")
        if not any(prefix.subnet_of(network) for network in networks):
            raise errors.invalid(errors.SUBNET_OUTSIDE_VNET,
                                 f"Subnet '{subnet_id.rsplit('/', 1)[-1]}' is not valid because its IP address range "
                                 "is outside the IP address range of virtual network.")
        for name, other in siblings:
            if prefix.overlaps(other):
                raise errors.invalid(errors.SUBNET_RANGES_OVERLAP,
                                     f"Subnet '{subnet_id.rsplit('/', 1)[-1]}' is not valid because its IP address "
                                     f"range overlaps with that of an existing subnet '{name}' in virtual network.")
        return prefix

    def check_route_table(self, subnet_id: str, subnet: dict) -> None:
        table = (subnet.get("properties") or {}).get("routeTable")
        if table:
            reference(self.cloud, table, "routetables", "", "routeTable", subnet_id)

    def view_properties(self, record: Record) -> dict:
        properties = dict(record.properties)
        configurations = ip_configurations_in_subnet(self.cloud, record.id)
        if configurations:
            properties["ipConfigurations"] = [{"id": value} for value in configurations]
        properties.setdefault("privateEndpointNetworkPolicies", "Disabled")
        properties.setdefault("privateLinkServiceNetworkPolicies", "Enabled")
        return properties

    def check_delete(self, record: Record) -> None:
        users = ip_configurations_in_subnet(self.cloud, record.id)
        if users:
            raise errors.invalid(errors.IN_USE_SUBNET_CANNOT_BE_DELETED,
                                 f"Subnet {record.name} is in use by {users[0]} and cannot be deleted. "
                                 "In order to delete the subnet, delete all the resources within the subnet.")


def _subnet_prefix_value(subnet: dict) -> object:
    properties = subnet.get("properties") or {}
    return properties.get("addressPrefix") or (properties.get("addressPrefixes") or [None])[0]


# --------------------------------------------------------------------------- public IPs


class PublicIpAddresses(Kind):
    """Every public IP gets its address when created (Basic/Dynamic ones too: a lab simplification)."""

    collection = "publicipaddresses"
    arm_type = "Microsoft.Network/publicIPAddresses"
    delay_kind = "public_ip"
    sku_at_top = True
    read_only = ("ipAddress", "ipConfiguration")

    def validate(self, record_id: str, body: dict, existing: Record | None) -> Accepted:
        body.setdefault("sku", {"name": "Standard", "tier": "Regional"})
        properties = body.setdefault("properties", {})
        sku = body["sku"].get("name", "Standard")
        properties.setdefault("publicIPAllocationMethod", "Static" if sku == "Standard" else "Dynamic")
        properties.setdefault("publicIPAddressVersion", "IPv4")
        properties.setdefault("idleTimeoutInMinutes", 4)
        return Accepted(body)

    def stored(self, record: Record) -> None:
        # Addresses come from the lab's shared documentation-range pool, unique across clouds.
        if "ip" not in record.computed:
            record.computed["ip"] = self.cloud.ctx.public_ips.allocate(record.id)

    def view_properties(self, record: Record) -> dict:
        properties = dict(record.properties)
        properties["ipAddress"] = record.computed.get("ip")
        user = public_ip_user(self.cloud, record.id)
        if user:
            properties["ipConfiguration"] = {"id": user}
        return properties

    def check_delete(self, record: Record) -> None:
        user = public_ip_user(self.cloud, record.id)
        if user:
            raise errors.invalid(errors.PUBLIC_IP_CANNOT_BE_DELETED,
                                 f"Public IP address {record.id} can not be deleted since it is still allocated "
                                 f"to resource {user}. In order to delete the public IP, disassociate/detach the "
                                 "Public IP address from the resource.")

    def removed(self, record: Record) -> None:
        if record.computed.get("ip"):
            self.cloud.ctx.public_ips.release(record.computed["ip"])


# --------------------------------------------------------------------------- route tables


class RouteTables(Kind):
    collection = "routetables"
    arm_type = "Microsoft.Network/routeTables"
    delay_kind = "route_table"
    read_only = ("subnets",)

    def validate(self, record_id: str, body: dict, existing: Record | None) -> Accepted:
        properties = body.setdefault("properties", {})
        properties.setdefault("disableBgpRoutePropagation", False)
        route_kind: Routes = self.cloud.kinds["routetables/routes"]
        for route in properties.get("routes") or []:
            route_kind.validate(f"{record_id}/routes/{route.get('name', '')}", route, None)
        return Accepted(body)

    def stored(self, record: Record) -> None:
        routes = record.properties.pop("routes", None) or []
        wanted = {route.get("name", "").lower() for route in routes}
        for child in self.store.children(record.id, "routes"):
            if child.name.lower() not in wanted:
                self.store.remove(child.id)
        for route in routes:
            self.cloud.put_child(record, "routes", route["name"], {"properties": dict(route.get("properties") or {})})

    def view_properties(self, record: Record) -> dict:
        properties = dict(record.properties)
        properties["routes"] = [self.cloud.view(child) for child in self.store.children(record.id, "routes")]
        subnets = subnets_using_route_table(self.cloud, record.id)
        if subnets:
            properties["subnets"] = [{"id": subnet.id} for subnet in subnets]
        return properties

    def check_delete(self, record: Record) -> None:
        subnets = subnets_using_route_table(self.cloud, record.id)
        if subnets:
            raise errors.invalid(errors.ROUTE_TABLE_IN_USE,
                                 f"Route table {record.name} is associated with subnet {subnets[0].id} and cannot be deleted.")


def subnets_using_route_table(cloud, table_id: str) -> list[Record]:
    return [subnet for subnet in cloud.store.live("virtualnetworks/subnets")
            if same_id(ref_id(subnet.properties.get("routeTable")), table_id)]


class Routes(Kind):
    collection = "routetables/routes"
    arm_type = "Microsoft.Network/routeTables/routes"
    delay_kind = "route_table"

    def validate(self, record_id: str, body: dict, existing: Record | None) -> Accepted:
        properties = body.setdefault("properties", {})
        parse_prefix(properties.get("addressPrefix"), errors.INVALID_REQUEST_FORMAT, f"route {record_id}")
        hop = properties.get("nextHopType")
        if hop not in NEXT_HOP_TYPES:
            raise errors.invalid(errors.INVALID_REQUEST_FORMAT,
                                 f"Route {record_id} has nextHopType {hop!r}; use one of {', '.join(NEXT_HOP_TYPES)}.")
        if hop == "VirtualAppliance":
            parse_address(properties.get("nextHopIpAddress"), errors.INVALID_REQUEST_FORMAT, f"route {record_id}")
        elif properties.get("nextHopIpAddress"):
            raise errors.invalid(errors.INVALID_REQUEST_FORMAT,
                                 f"Route {record_id}: nextHopIpAddress is only allowed with nextHopType VirtualAppliance.")
        return Accepted(body)


# --------------------------------------------------------------------------- network interfaces


class NetworkInterfaces(Kind):
    """A VM's NIC: in the lab, one host namespace with the primary private address."""

    collection = "networkinterfaces"
    arm_type = "Microsoft.Network/networkInterfaces"
    delay_kind = "network_interface"
    read_only = ("macAddress", "virtualMachine", "vnetEncryptionSupported")

    def validate(self, record_id: str, body: dict, existing: Record | None) -> Accepted:
        properties = body.setdefault("properties", {})
        configurations = properties.get("ipConfigurations") or []
        if not configurations:
            raise errors.invalid(errors.INVALID_REQUEST_FORMAT, f"Network interface {record_id} needs an IP configuration.")
        properties.setdefault("enableIPForwarding", False)
        subnets_ips: list[dict] = []
        public_refs: list[dict] = []
        for index, configuration in enumerate(configurations):
            configuration_id = f"{record_id}/ipConfigurations/{configuration.get('name', '')}"
            settings = configuration.setdefault("properties", {})
            settings.setdefault("primary", index == 0)
            subnet = reference(self.cloud, settings.get("subnet"), "virtualnetworks", "subnets", "subnet", configuration_id)
            taken = addresses_in_use(self.cloud, subnet.id, except_record=existing) | {e["ip"] for e in subnets_ips}
            if settings.get("privateIPAllocationMethod") == "Static" and settings.get("privateIPAddress"):
                check_static_address(subnet, settings["privateIPAddress"], taken, configuration_id)
                address = settings["privateIPAddress"]
            else:
                settings["privateIPAllocationMethod"] = "Dynamic"
                address = _kept_address(existing, configuration_id, subnet.id) or allocate_address(self.cloud, subnet, taken)
            settings["privateIPAddress"] = address
            settings.setdefault("privateIPAddressVersion", "IPv4")
            subnets_ips.append({"subnet": key(subnet.id), "ip": address, "ip_configuration": configuration_id})
            if settings.get("publicIPAddress"):
                public_ip = reference(self.cloud, settings["publicIPAddress"], "publicipaddresses", "", "publicIPAddress", configuration_id)
                user = public_ip_user(self.cloud, public_ip.id, except_record=existing)
                if user:
                    raise errors.invalid(errors.PUBLIC_IP_IN_USE, f"Public IP {public_ip.id} is already used by {user}.")
                public_refs.append({"public_ip": key(public_ip.id), "ip_configuration": configuration_id})
        mac = existing.computed["mac"] if existing is not None else _mac_address()
        return Accepted(body, {"subnet_ips": subnets_ips, "public_ip_refs": public_refs, "mac": mac})

    def view_properties(self, record: Record) -> dict:
        properties = dict(record.properties)
        configurations = []
        for configuration in properties.get("ipConfigurations") or []:
            configuration = dict(configuration)
            configuration["id"] = f"{record.id}/ipConfigurations/{configuration.get('name', '')}"
            configuration["type"] = "Microsoft.Network/networkInterfaces/ipConfigurations"
            configuration["properties"] = dict(configuration.get("properties") or {}, provisioningState=record.state())
            configurations.append(configuration)
        properties["ipConfigurations"] = configurations
        properties["macAddress"] = record.computed.get("mac", "")
        properties.setdefault("nicType", "Standard")
        return properties


def _kept_address(existing: Record | None, configuration_id: str, subnet_id: str) -> str:
    """A dynamic address survives an update of its NIC, as in Azure."""
    if existing is None:
        return ""
    for entry in existing.computed.get("subnet_ips", []):
        if entry["ip_configuration"].lower() == configuration_id.lower() and entry["subnet"] == key(subnet_id):
            return entry["ip"]
    return ""


def _mac_address() -> str:
    return "00-0D-3A-" + "-".join(f"{random.randint(0, 255):02X}" for octet in range(3))
