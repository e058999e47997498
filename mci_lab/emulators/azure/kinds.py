"""What every Microsoft.Network resource kind provides to the generic ARM handlers."""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mci_lab.emulators.azure import errors
from mci_lab.emulators.azure.arm import IdParts, parse_id, resource_id
from mci_lab.emulators.azure.store import Record

if TYPE_CHECKING:
    from mci_lab.emulators.azure.cloud import AzureCloud


@dataclass
class Accepted:
    """A validated PUT: the body to store and what the cloud assigned while checking it."""

    body: dict
    computed: dict = field(default_factory=dict)


class Kind:
    """One resource type: validation on PUT, computed fields on GET, rules on DELETE."""

    collection = ""  # "virtualnetworks", or "virtualnetworks/subnets" for a child type
    arm_type = ""  # "Microsoft.Network/virtualNetworks"
    delay_kind = ""  # key into the lab's delay profile: ctx.delays.ready_at("azure", delay_kind)
    sku_at_top = False  # public IPs carry "sku" next to "properties"
    # Properties only the cloud sets: dropped from a PUT body (clients often PUT back what they read).
    read_only: tuple[str, ...] = ()

    def __init__(self, cloud: AzureCloud) -> None:
        self.cloud = cloud

    @property
    def store(self):
        return self.cloud.store

    def validate(self, record_id: str, body: dict, existing: Record | None) -> Accepted:
        """The body to store (and assigned values), or an ArmError. Default: keep what was sent."""
        return Accepted(body)

    def stored(self, record: Record) -> None:
        """After a PUT was accepted and stored: create children, take addresses from pools."""

    def view_properties(self, record: Record) -> dict:
        return dict(record.properties)

    def check_delete(self, record: Record) -> None:
        """Raise an ArmError when the resource is still in use."""

    def removed(self, record: Record) -> None:
        """After the deletion finished: give back what the resource held."""


# --------------------------------------------------------------------------- shared helpers


def reference(cloud: AzureCloud, value: object, collection: str, child_collection: str, what: str, owner_id: str) -> Record:
    """The record a {"id": ...} reference in a request body points at, or InvalidResourceReference."""
    ref_id = value.get("id") if isinstance(value, dict) else None
    parts = parse_id(ref_id or "")
    if parts is None or parts.collection != collection or parts.child_collection != child_collection:
        raise errors.invalid(errors.INVALID_RESOURCE_REFERENCE,
                             f"Resource {owner_id} has an invalid reference {ref_id!r} in {what}.")
    record = cloud.store.get_live(canonical_id(parts))
    if record is None:
        raise errors.invalid(errors.INVALID_RESOURCE_REFERENCE,
                             f"Resource {ref_id} referenced by resource {owner_id} was not found. "
                             "Please make sure that the referenced resource exists, and that both "
                             "resources are in the same region.")
    return record


def canonical_id(parts: IdParts) -> str:
    return resource_id(parts.subscription, parts.resource_group, parts.collection, parts.name,
                       parts.child_collection, parts.child_name)


def ref_id(value: object) -> str:
    """The id of a {"id": ...} reference, "" when absent."""
    return value.get("id", "") if isinstance(value, dict) else ""


def same_id(left: str, right: str) -> bool:
    return left.rstrip("/").lower() == right.rstrip("/").lower()


def parse_prefix(value: object, code: str, owner: str) -> ipaddress.IPv4Network:
    try:
        return ipaddress.IPv4Network(str(value), strict=True)
    except ValueError:
        raise errors.invalid(code, f"{value!r} is not a valid IPv4 address prefix for {owner}.") from None


def parse_address(value: object, code: str, owner: str) -> ipaddress.IPv4Address:
    try:
        return ipaddress.IPv4Address(str(value))
    except ValueError:
        raise errors.invalid(code, f"{value!r} is not a valid IPv4 address for {owner}.") from None
