"""DigitalOcean resources: VPCs, Droplets, tags and cloud firewalls, with DigitalOcean's rules.

Everything is kept as the API shows it, except what is computed on read: a Droplet is ``new`` until
its provisioning delay has passed and ``active`` after, and only then lists its networks (clients
must wait for ``active`` before they can learn the addresses, as with the real API).
"""
from __future__ import annotations

import ipaddress
import itertools
import re
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone

from mci_lab.collection import import_module_utils
from mci_lab.emulators.base import PublicIpPool, is_ready
from mci_lab.emulators.digitalocean.errors import forbidden, not_found, unprocessable

cloud_facts = import_module_utils("cloud_facts")

# Where the lab draws the ranges DigitalOcean generates for VPCs created without one.
GENERATED_VPC_SUPERNET = ipaddress.ip_network("10.100.0.0/14")

_NAME = re.compile(r"^[A-Za-z0-9.-]+$")
_TAG_NAME = re.compile(r"^[A-Za-z0-9_:-]{1,255}$")
_SIZE = re.compile(r"^[a-z]+-(?P<vcpus>\d+)vcpu-(?P<memory>\d+)gb")
_FIREWALL_PROTOCOLS = frozenset({"tcp", "udp", "icmp"})


def now_iso() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Droplet:
    """A Droplet and what DigitalOcean assigned it."""

    id: int
    name: str
    region: str
    size: str
    image: str
    vpc_uuid: str
    private_ip: str
    public_ip: str
    created_at: str
    ready_at: float
    tags: list[str] = field(default_factory=list)
    ipv6: bool = False

    @property
    def status(self) -> str:
        return "active" if is_ready(self.ready_at) else "new"


class DoStore:
    """All resources of one emulated DigitalOcean account, behind one lock."""

    def __init__(self, public_ips: PublicIpPool) -> None:
        self.lock = threading.RLock()
        self.public_ips = public_ips
        self.vpcs: dict[str, dict] = {}
        self.droplets: dict[int, Droplet] = {}
        self.tags: dict[str, list[str]] = {}  # tag name -> droplet ids (as strings) in tagging order
        self.firewalls: dict[str, dict] = {}
        self._droplet_ids = itertools.count(31640001)

    # ------------------------------------------------------------------ VPCs

    def vpc(self, vpc_id: str) -> dict:
        if vpc_id not in self.vpcs:
            raise not_found()
        return self.vpcs[vpc_id]

    def create_vpc(self, body: dict) -> dict:
        name, region = _required(body, "name"), _required(body, "region")
        self._check_vpc_name(name)
        ip_range = self._checked_range(body["ip_range"]) if body.get("ip_range") else self._generated_range()
        vpc_id = str(uuid.uuid4())
        vpc = {
            "id": vpc_id,
            "urn": f"do:vpc:{vpc_id}",
            "name": name,
            "description": body.get("description", ""),
            "region": region,
            "ip_range": ip_range,
            # The first VPC of a region becomes its default (DigitalOcean API: vpcs create).
            "default": not any(v["region"] == region for v in self.vpcs.values()),
            "created_at": now_iso(),
        }
        self.vpcs[vpc_id] = vpc
        return vpc

    def update_vpc(self, vpc_id: str, body: dict, partial: bool) -> dict:
        vpc = self.vpc(vpc_id)
        if not partial:
            _required(body, "name")
        if "name" in body and body["name"] != vpc["name"]:
            self._check_vpc_name(body["name"])
            vpc["name"] = body["name"]
        if "description" in body:
            vpc["description"] = body["description"]
        if body.get("default") is True:
            for other in self.vpcs.values():
                if other["region"] == vpc["region"]:
                    other["default"] = False
            vpc["default"] = True
        elif body.get("default") is False and vpc["default"]:
            raise unprocessable("The default field cannot be unset; make another VPC the default instead.")
        return vpc

    def delete_vpc(self, vpc_id: str) -> None:
        vpc = self.vpc(vpc_id)
        if vpc["default"]:
            raise forbidden("The default VPC of a region cannot be deleted.")
        if any(d.vpc_uuid == vpc_id for d in self.droplets.values()):
            raise forbidden("A VPC can only be deleted when it has no members.")
        del self.vpcs[vpc_id]

    def vpc_members(self, vpc_id: str) -> list[dict]:
        self.vpc(vpc_id)
        return [{"urn": f"do:droplet:{d.id}", "name": d.name, "created_at": d.created_at}
                for d in self.droplets.values() if d.vpc_uuid == vpc_id]

    def _check_vpc_name(self, name: str) -> None:
        if not _NAME.match(name):
            raise unprocessable("VPC names may only contain alphanumeric characters, dashes, and periods.")
        if any(v["name"] == name for v in self.vpcs.values()):
            raise unprocessable(f"A VPC named {name} already exists.")

    def _checked_range(self, text: str) -> str:
        """RFC 1918, /28 to /16, and no overlap with another VPC of the account."""
        try:
            network = ipaddress.IPv4Network(text, strict=True)
        except ValueError:
            raise unprocessable(f"ip_range {text} is not a valid IPv4 CIDR block.") from None
        if not any(network.subnet_of(ipaddress.ip_network(c)) for c in cloud_facts.DIGITALOCEAN_VPC_ALLOWED_CIDRS):
            raise unprocessable(f"ip_range {network} must be a private range as defined in RFC1918.")
        longest, shortest = cloud_facts.DIGITALOCEAN_VPC_PREFIX_LENGTHS[1], cloud_facts.DIGITALOCEAN_VPC_PREFIX_LENGTHS[0]
        if not shortest <= network.prefixlen <= longest:
            raise unprocessable(f"ip_range {network} may not be smaller than /{longest} nor larger than /{shortest}.")
        for other in self.vpcs.values():
            if network.overlaps(ipaddress.ip_network(other["ip_range"])):
                raise unprocessable(f"ip_range {network} overlaps with VPC {other['name']} ({other['ip_range']}).")
        return str(network)

    def _generated_range(self) -> str:
        taken = [ipaddress.ip_network(v["ip_range"]) for v in self.vpcs.values()]
        for candidate in GENERATED_VPC_SUPERNET.subnets(new_prefix=cloud_facts.DIGITALOCEAN_VPC_DEFAULT_PREFIX_LENGTH):
            if not any(candidate.overlaps(other) for other in taken):
                return str(candidate)
        raise unprocessable("No free address range is left for a new VPC.")

    def default_vpc(self, region: str) -> dict:
        """The region's default VPC, created on first use as DigitalOcean does."""
        for vpc in self.vpcs.values():
            if vpc["region"] == region and vpc["default"]:
                return vpc
        return self.create_vpc({"name": f"default-{region}", "region": region})

    # ------------------------------------------------------------------ Droplets

    def droplet(self, droplet_id: int) -> Droplet:
        if droplet_id not in self.droplets:
            raise not_found()
        return self.droplets[droplet_id]

    def create_droplets(self, body: dict, ready_at: float) -> list[Droplet]:
        names = body.get("names") or ([body["name"]] if body.get("name") else [])
        if not names:
            raise unprocessable("name is required")
        for key in ("region", "size", "image"):
            _required(body, key)
        region = body["region"]
        vpc = self.vpc_for_droplet(body.get("vpc_uuid"), region)
        tags = list(body.get("tags") or [])
        for tag in tags:
            _check_tag_name(tag)
        created = []
        for name in names:
            if not _NAME.match(name):
                raise unprocessable("Droplet names may only contain alphanumeric characters, dashes, and periods.")
            droplet_id = next(self._droplet_ids)
            droplet = Droplet(
                id=droplet_id, name=name, region=region, size=body["size"], image=str(body["image"]),
                vpc_uuid=vpc["id"], private_ip=self._free_private_ip(vpc),
                public_ip=self.public_ips.allocate(f"digitalocean/{droplet_id}"),
                created_at=now_iso(), ready_at=ready_at, ipv6=bool(body.get("ipv6")),
            )
            self.droplets[droplet_id] = droplet
            for tag in tags:
                self.tag_droplet(tag, droplet)
            created.append(droplet)
        return created

    def vpc_for_droplet(self, vpc_uuid: str | None, region: str) -> dict:
        if not vpc_uuid:
            return self.default_vpc(region)
        vpc = self.vpcs.get(vpc_uuid)
        if vpc is None:
            raise unprocessable(f"vpc_uuid {vpc_uuid} does not name a VPC of this account.")
        if vpc["region"] != region:
            raise unprocessable(f"The VPC {vpc['name']} is in region {vpc['region']}, not {region}.")
        return vpc

    def _free_private_ip(self, vpc: dict) -> str:
        taken = {d.private_ip for d in self.droplets.values() if d.vpc_uuid == vpc["id"]}
        for address in list(ipaddress.ip_network(vpc["ip_range"]).hosts())[1:]:  # .1 is the VPC gateway
            if str(address) not in taken:
                return str(address)
        raise unprocessable(f"The VPC {vpc['name']} has no free addresses.")

    def destroy_droplet(self, droplet_id: int) -> None:
        droplet = self.droplet(droplet_id)
        for members in self.tags.values():
            if str(droplet_id) in members:
                members.remove(str(droplet_id))
        for firewall in self.firewalls.values():
            if droplet_id in firewall["droplet_ids"]:
                firewall["droplet_ids"].remove(droplet_id)
        self.public_ips.release(droplet.public_ip)
        del self.droplets[droplet_id]

    def droplets_tagged(self, tag: str) -> list[Droplet]:
        return [d for d in self.droplets.values() if tag in d.tags]

    # ------------------------------------------------------------------ tags

    def tag(self, name: str) -> list[str]:
        if name not in self.tags:
            raise not_found()
        return self.tags[name]

    def create_tag(self, name: str) -> None:
        _check_tag_name(name)
        self.tags.setdefault(name, [])

    def tag_droplet(self, name: str, droplet: Droplet) -> None:
        self.tags.setdefault(name, [])
        if str(droplet.id) not in self.tags[name]:
            self.tags[name].append(str(droplet.id))
        if name not in droplet.tags:
            droplet.tags.append(name)

    def untag_droplet(self, name: str, droplet: Droplet) -> None:
        if str(droplet.id) in self.tags.get(name, []):
            self.tags[name].remove(str(droplet.id))
        if name in droplet.tags:
            droplet.tags.remove(name)

    def delete_tag(self, name: str) -> None:
        self.tag(name)
        for droplet in self.droplets.values():
            if name in droplet.tags:
                droplet.tags.remove(name)
        del self.tags[name]

    def resource_droplets(self, body: dict) -> list[Droplet]:
        """The Droplets named in a tag assign/unassign body (the lab tags Droplets only)."""
        droplets = []
        for item in body.get("resources") or []:
            if item.get("resource_type") != "droplet":
                raise unprocessable(f"The lab tags droplets only, not {item.get('resource_type')!r}.")
            try:
                droplets.append(self.droplet(int(item["resource_id"])))
            except (KeyError, ValueError):
                raise unprocessable("resource_id must be a Droplet id.") from None
        return droplets

    # ------------------------------------------------------------------ firewalls

    def firewall(self, firewall_id: str) -> dict:
        if firewall_id not in self.firewalls:
            raise not_found()
        return self.firewalls[firewall_id]

    def create_firewall(self, body: dict, ready_at: float) -> dict:
        firewall_id = str(uuid.uuid4())
        firewall = {"id": firewall_id, "created_at": now_iso(), "ready_at": ready_at}
        firewall.update(self._checked_firewall(body))
        self.firewalls[firewall_id] = firewall
        return firewall

    def replace_firewall(self, firewall_id: str, body: dict, ready_at: float) -> dict:
        firewall = self.firewall(firewall_id)
        firewall.update(self._checked_firewall(body), ready_at=ready_at)
        return firewall

    def _checked_firewall(self, body: dict) -> dict:
        name = _required(body, "name")
        if not _NAME.match(name):
            raise unprocessable("Firewall names may only contain alphanumeric characters, dashes, and periods.")
        return {
            "name": name,
            "inbound_rules": [self._checked_rule(rule, "sources") for rule in body.get("inbound_rules") or []],
            "outbound_rules": [self._checked_rule(rule, "destinations") for rule in body.get("outbound_rules") or []],
            "droplet_ids": self.checked_droplet_ids(body.get("droplet_ids") or []),
            "tags": self.checked_tags(body.get("tags") or []),
        }

    def _checked_rule(self, rule: dict, targets_field: str) -> dict:
        protocol = rule.get("protocol")
        if protocol not in _FIREWALL_PROTOCOLS:
            raise unprocessable(f"protocol must be one of tcp, udp or icmp, got {protocol!r}.")
        ports = str(rule.get("ports", "")) or ("0" if protocol == "icmp" else "")
        if protocol != "icmp":
            _check_ports(ports)
        targets = dict(rule.get(targets_field) or {})
        for address in targets.get("addresses", []):
            try:
                ipaddress.ip_network(address, strict=False)
            except ValueError:
                raise unprocessable(f"{address} is not a valid IP address or CIDR block.") from None
        self.checked_droplet_ids(targets.get("droplet_ids", []))
        self.checked_tags(targets.get("tags", []))
        if not any(targets.get(kind) for kind in ("addresses", "droplet_ids", "tags", "load_balancer_uids", "kubernetes_ids")):
            raise unprocessable(f"A rule needs at least one of the {targets_field} fields.")
        return {"protocol": protocol, "ports": ports, targets_field: targets}

    def checked_droplet_ids(self, droplet_ids: list) -> list[int]:
        for droplet_id in droplet_ids:
            if int(droplet_id) not in self.droplets:
                raise unprocessable(f"Droplet {droplet_id} does not exist.")
        return [int(droplet_id) for droplet_id in droplet_ids]

    def checked_tags(self, tags: list) -> list[str]:
        for tag in tags:
            _check_tag_name(tag)
        return list(tags)

    def add_rules(self, firewall: dict, body: dict) -> None:
        checked = self._checked_firewall({"name": firewall["name"], **{k: body.get(k) for k in ("inbound_rules", "outbound_rules")}})
        for direction in ("inbound_rules", "outbound_rules"):
            firewall[direction].extend(rule for rule in checked[direction] if rule not in firewall[direction])

    def remove_rules(self, firewall: dict, body: dict) -> None:
        checked = self._checked_firewall({"name": firewall["name"], **{k: body.get(k) for k in ("inbound_rules", "outbound_rules")}})
        for direction in ("inbound_rules", "outbound_rules"):
            firewall[direction] = [rule for rule in firewall[direction] if rule not in checked[direction]]


def _required(body: dict, key: str) -> str:
    value = body.get(key)
    if value in (None, ""):
        raise unprocessable(f"{key} is required")
    return value


def _check_tag_name(name: str) -> None:
    if not isinstance(name, str) or not _TAG_NAME.match(name):
        raise unprocessable("Tag names may only contain letters, numbers, colons, dashes and underscores (at most 255).")


def _check_ports(ports: str) -> None:
    if ports == "all":
        return
    bounds = ports.split("-")
    if len(bounds) not in (1, 2) or not all(b.isdigit() and 1 <= int(b) <= 65535 for b in bounds):
        raise unprocessable(f"ports must be 'all', a port or a range like 8000-9000, got {ports!r}.")
    if len(bounds) == 2 and int(bounds[0]) > int(bounds[1]):
        raise unprocessable(f"ports range {ports!r} runs backwards.")


def size_details(slug: str) -> dict:
    """What the size slug says (``s-2vcpu-4gb``); the lab keeps no size catalogue."""
    match = _SIZE.match(slug)
    vcpus, memory_gb = (int(match["vcpus"]), int(match["memory"])) if match else (1, 1)
    return {"slug": slug, "vcpus": vcpus, "memory": memory_gb * 1024, "disk": 25 * memory_gb, "available": True,
            "regions": [], "price_monthly": 0.0, "price_hourly": 0.0, "transfer": 1.0, "description": "Lab size"}


def droplet_json(droplet: Droplet, vpc: dict) -> dict:
    active = droplet.status == "active"
    size = size_details(droplet.size)
    networks: dict[str, list] = {"v4": [], "v6": []}
    if active:
        vpc_network = ipaddress.ip_network(vpc["ip_range"])
        public = ipaddress.ip_interface(f"{droplet.public_ip}/24")
        networks["v4"] = [
            # DigitalOcean gives private interfaces no gateway and writes "nil" (API reference).
            {"ip_address": droplet.private_ip, "netmask": str(vpc_network.netmask), "gateway": "nil", "type": "private"},
            {"ip_address": droplet.public_ip, "netmask": str(public.netmask),
             "gateway": str(public.network.network_address + 1), "type": "public"},
        ]
    return {
        "id": droplet.id,
        "name": droplet.name,
        "memory": size["memory"],
        "vcpus": size["vcpus"],
        "disk": size["disk"],
        "locked": False,
        "status": droplet.status,
        "created_at": droplet.created_at,
        "features": ["private_networking"] + (["ipv6"] if droplet.ipv6 else []),
        "backup_ids": [],
        "snapshot_ids": [],
        "next_backup_window": None,
        "image": {"slug": droplet.image, "name": droplet.image, "type": "base", "public": True, "distribution": "Unknown"},
        "size": size,
        "size_slug": droplet.size,
        "networks": networks,
        "region": {"slug": droplet.region, "name": droplet.region, "available": True, "features": ["private_networking"], "sizes": []},
        "tags": list(droplet.tags),
        "vpc_uuid": droplet.vpc_uuid,
        "volume_ids": [],
        "kernel": None,
    }


def tag_json(name: str, droplet_ids: list[str], base_url: str) -> dict:
    last = f"{base_url}v2/droplets/{droplet_ids[-1]}" if droplet_ids else ""
    empty = {"count": 0, "last_tagged_uri": ""}
    return {
        "name": name,
        "resources": {
            "count": len(droplet_ids),
            "last_tagged_uri": last,
            "droplets": {"count": len(droplet_ids), "last_tagged_uri": last},
            "imgages": dict(empty),  # sic: the API's own spelling
            "volumes": dict(empty),
            "volume_snapshots": dict(empty),
            "databases": dict(empty),
        },
    }


def firewall_json(firewall: dict) -> dict:
    settled = is_ready(firewall["ready_at"])
    view = {key: value for key, value in firewall.items() if key != "ready_at"}
    view["status"] = "succeeded" if settled else "waiting"
    view["pending_changes"] = [] if settled else [
        {"droplet_id": droplet_id, "removing": False, "status": "waiting"} for droplet_id in firewall["droplet_ids"]
    ]
    return view
