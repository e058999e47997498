"""The emulator's state: resource groups and Microsoft.Network resources, keyed by id.

Provisioning and deletion are computed on read from ``ready_at`` / ``gone_at`` (no timers): a
record is "Updating" until its ``ready_at``, "Deleting" between a DELETE and its ``gone_at``, and
disappears on the first read after that.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass
class Record:
    """One stored resource: the ARM body as the client last wrote it, plus lab bookkeeping."""

    id: str
    collection: str  # lower-case collection, e.g. "virtualnetworks"; children: "virtualnetworks/subnets"
    resource_group: str
    name: str
    body: dict
    ready_at: float
    gone_at: float | None = None  # set by DELETE
    first_ready_at: float = 0.0  # end of the first provisioning: the data plane runs it from then on
    etag: str = ""
    guid: str = ""
    computed: dict = field(default_factory=dict)  # values the cloud assigns (addresses, ...)

    def state(self, now: float | None = None) -> str:
        now = time.time() if now is None else now
        if self.gone_at is not None:
            return "Deleting"
        return "Succeeded" if now >= self.ready_at else "Updating"

    @property
    def properties(self) -> dict:
        return self.body.setdefault("properties", {})

    @property
    def location(self) -> str:
        return self.body.get("location", "")


@dataclass
class ResourceGroup:
    name: str
    location: str
    tags: dict = field(default_factory=dict)


def key(resource_id: str) -> str:
    """ARM ids are case-insensitive."""
    return resource_id.rstrip("/").lower()


class Store:
    """Records by id; callers hold the emulator lock."""

    def __init__(self) -> None:
        self.records: dict[str, Record] = {}
        self.resource_groups: dict[str, ResourceGroup] = {}

    # resource groups ---------------------------------------------------------

    def resource_group(self, name: str) -> ResourceGroup | None:
        return self.resource_groups.get(name.lower())

    def ensure_resource_group(self, name: str, location: str) -> ResourceGroup:
        existing = self.resource_group(name)
        if existing is None:
            existing = self.resource_groups[name.lower()] = ResourceGroup(name, location)
        return existing

    # records -----------------------------------------------------------------

    def get(self, resource_id: str) -> Record | None:
        return self.records.get(key(resource_id))

    def get_live(self, resource_id: str) -> Record | None:
        """A record that is not being deleted."""
        record = self.get(resource_id)
        return record if record is not None and record.gone_at is None else None

    def put(self, record: Record) -> None:
        self.records[key(record.id)] = record

    def remove(self, resource_id: str) -> Record | None:
        return self.records.pop(key(resource_id), None)

    def of_collection(self, collection: str, resource_group: str | None = None) -> list[Record]:
        """Records of one collection (optionally one resource group), oldest first."""
        return [
            record for record in self.records.values()
            if record.collection == collection
            and (resource_group is None or record.resource_group.lower() == resource_group.lower())
        ]

    def in_resource_group(self, resource_group: str) -> list[Record]:
        return [record for record in self.records.values() if record.resource_group.lower() == resource_group.lower()]

    def live(self, collection: str) -> list[Record]:
        return [record for record in self.of_collection(collection) if record.gone_at is None]

    def children(self, parent_id: str, child_collection: str) -> list[Record]:
        prefix = key(parent_id) + "/" + child_collection + "/"
        return [record for lowered, record in self.records.items() if lowered.startswith(prefix)]

    def expire_deleted(self, now: float) -> list[Record]:
        """Drop records whose deletion finished; returns them so the caller can release addresses."""
        gone = [record for record in self.records.values() if record.gone_at is not None and now >= record.gone_at]
        for record in gone:
            self.remove(record.id)
        return gone
