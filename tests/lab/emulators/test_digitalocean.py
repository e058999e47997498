"""The DigitalOcean emulator, driven through pydo only."""
from __future__ import annotations

import ipaddress
import time
from pathlib import Path

import pydo
import pytest
from azure.core.exceptions import HttpResponseError
from azure.core.pipeline.policies import SansIOHTTPPolicy

from mci_lab.emulators.base import FaultProfile, LabContext, read_request_log
from mci_lab.profiles import delay_profile
from tests.lab.conftest import context_with

DOCUMENTATION_RANGES = (ipaddress.ip_network("198.51.100.0/24"), ipaddress.ip_network("203.0.113.0/24"))


class LabBearer(SansIOHTTPPolicy):
    """pydo's default bearer policy refuses plain http; the lab token goes in as a header."""

    def on_request(self, request):
        request.http_request.headers["Authorization"] = "Bearer lab-token"


def do_client(endpoint: str) -> pydo.Client:
    return pydo.Client("lab-token", endpoint=endpoint, authentication_policy=LabBearer())


@pytest.fixture
def client(start_emulator) -> pydo.Client:
    return do_client(start_emulator("digitalocean").endpoint)


def wait_active(client: pydo.Client, droplet_id: int, timeout: float = 10.0) -> dict:
    deadline = time.time() + timeout
    while time.time() < deadline:
        droplet = client.droplets.get(droplet_id)["droplet"]
        if droplet["status"] == "active":
            return droplet
        time.sleep(0.1)
    raise AssertionError(f"droplet {droplet_id} never became active")


def droplet_body(name: str, vpc_uuid: str | None = None, region: str = "nyc3", **extra) -> dict:
    body = {"name": name, "region": region, "size": "s-1vcpu-1gb", "image": "ubuntu-22-04-x64", **extra}
    if vpc_uuid:
        body["vpc_uuid"] = vpc_uuid
    return body


# --------------------------------------------------------------------------- VPCs


def test_vpc_create_read_update_delete(client):
    vpc = client.vpcs.create({"name": "lab-vpc", "region": "nyc3", "ip_range": "10.116.0.0/20", "description": "lab"})["vpc"]
    assert (vpc["ip_range"], vpc["region"], vpc["default"], vpc["urn"]) == ("10.116.0.0/20", "nyc3", True, f"do:vpc:{vpc['id']}")
    generated = client.vpcs.create({"name": "second", "region": "nyc3"})["vpc"]
    generated_range = ipaddress.ip_network(generated["ip_range"])
    assert generated_range.prefixlen == 20 and not generated_range.overlaps(ipaddress.ip_network("10.116.0.0/20"))
    assert generated["default"] is False
    assert client.vpcs.update(generated["id"], {"name": "renamed"})["vpc"]["name"] == "renamed"
    assert client.vpcs.patch(generated["id"], {"description": "patched"})["vpc"]["description"] == "patched"
    assert {v["name"] for v in client.vpcs.list()["vpcs"]} == {"lab-vpc", "renamed"}
    assert client.vpcs.delete(generated["id"]) is None
    gone = client.vpcs.get(generated["id"])
    assert gone["id"] == "not_found"  # pydo hands documented 404s back as the error dict
    with pytest.raises(HttpResponseError) as default_vpc:
        client.vpcs.delete(vpc["id"])
    assert default_vpc.value.status_code == 403 and default_vpc.value.response.json()["id"] == "forbidden"


@pytest.mark.parametrize(
    "ip_range, complaint",
    [("8.8.8.0/24", "RFC1918"), ("10.0.0.0/12", "nor larger than /16"), ("10.0.0.0/29", "smaller than /28"),
     ("10.0.0.1/24", "not a valid")],
)
def test_vpc_ranges_outside_the_rules_are_unprocessable(client, ip_range, complaint):
    with pytest.raises(HttpResponseError) as refused:
        client.vpcs.create({"name": "bad", "region": "nyc3", "ip_range": ip_range})
    assert refused.value.status_code == 422
    assert refused.value.response.json()["id"] == "unprocessable_entity" and complaint in refused.value.response.json()["message"]


# --------------------------------------------------------------------------- Droplets


def test_droplet_goes_from_new_to_active_with_private_and_public_addresses(tmp_path: Path, start_emulator):
    realistic = delay_profile("realistic")  # a Droplet's ~30 s at the lab's time scale
    assert realistic.delay("digitalocean", "droplet") > 0
    running = start_emulator("digitalocean", context_with(tmp_path, delays=realistic))
    client = do_client(running.endpoint)
    vpc = client.vpcs.create({"name": "lab-vpc", "region": "nyc3", "ip_range": "10.116.0.0/24"})["vpc"]
    created = client.droplets.create(droplet_body("overlay-gw", vpc["id"], tags=["overlay"]))
    assert created["droplet"]["status"] == "new" and created["droplet"]["networks"]["v4"] == []
    assert created["links"]["actions"][0]["rel"] == "create"
    droplet = wait_active(client, created["droplet"]["id"])
    networks = {n["type"]: n for n in droplet["networks"]["v4"]}
    assert networks["private"]["ip_address"] == "10.116.0.2" and networks["private"]["netmask"] == "255.255.255.0"
    assert any(ipaddress.ip_address(networks["public"]["ip_address"]) in r for r in DOCUMENTATION_RANGES)
    assert droplet["vpc_uuid"] == vpc["id"] and droplet["tags"] == ["overlay"]
    host = running.emulator.dataplane_model().hosts[0]
    assert (host.private_ip, host.prefix_length, host.public_ip) == ("10.116.0.2", 24, networks["public"]["ip_address"])
    assert host.source_dest_check is True  # DigitalOcean's anti-spoofing cannot be turned off
    assert client.droplets.destroy(droplet["id"]) is None
    assert client.droplets.get(droplet["id"])["id"] == "not_found"


def test_droplet_without_vpc_lands_in_the_region_default_and_other_regions_are_refused(client):
    droplet = client.droplets.create(droplet_body("plain", region="ams3"))["droplet"]
    default = client.vpcs.get(droplet["vpc_uuid"])["vpc"]
    assert default["region"] == "ams3" and default["default"] is True
    with pytest.raises(HttpResponseError) as refused:
        client.droplets.create(droplet_body("elsewhere", default["id"], region="nyc3"))
    assert refused.value.status_code == 422 and "region" in refused.value.response.json()["message"]
    member_vpc = client.vpcs.create({"name": "members", "region": "ams3", "ip_range": "10.117.0.0/24"})["vpc"]
    client.droplets.create(droplet_body("member", member_vpc["id"], region="ams3"))
    with pytest.raises(HttpResponseError) as has_members:
        client.vpcs.delete(member_vpc["id"])
    assert has_members.value.status_code == 403
    with pytest.raises(HttpResponseError) as missing:
        client.droplets.create({"name": "no-size", "region": "ams3", "image": "ubuntu-22-04-x64"})
    assert missing.value.status_code == 422


# --------------------------------------------------------------------------- tags and firewalls


def test_tags_create_assign_list_and_delete(client):
    droplet = client.droplets.create(droplet_body("tagged"))["droplet"]
    assert client.tags.create({"name": "env:lab"})["tag"]["resources"]["count"] == 0
    client.tags.assign_resources("env:lab", {"resources": [{"resource_id": str(droplet["id"]), "resource_type": "droplet"}]})
    tag = client.tags.get("env:lab")["tag"]
    assert tag["resources"]["droplets"]["count"] == 1
    assert client.droplets.get(droplet["id"])["droplet"]["tags"] == ["env:lab"]
    assert [d["name"] for d in client.droplets.list(tag_name="env:lab")["droplets"]] == ["tagged"]
    client.tags.unassign_resources("env:lab", {"resources": [{"resource_id": str(droplet["id"]), "resource_type": "droplet"}]})
    assert client.tags.get("env:lab")["tag"]["resources"]["count"] == 0
    client.tags.delete("env:lab")
    assert client.tags.get("env:lab")["id"] == "not_found"
    with pytest.raises(HttpResponseError) as bad:
        client.tags.create({"name": "no spaces"})
    assert bad.value.status_code == 422


def test_firewalls_create_update_rules_and_delete(client):
    droplet = client.droplets.create(droplet_body("gw"))["droplet"]
    ike = {"protocol": "udp", "ports": "500", "sources": {"addresses": ["203.0.113.10/32"]}}
    created = client.firewalls.create({
        "name": "overlay", "inbound_rules": [ike], "droplet_ids": [droplet["id"]],
        "outbound_rules": [{"protocol": "tcp", "ports": "all", "destinations": {"addresses": ["0.0.0.0/0"]}}],
    })["firewall"]
    assert created["status"] == "succeeded" and created["droplet_ids"] == [droplet["id"]]
    nat_t = {"protocol": "udp", "ports": "4500", "sources": {"addresses": ["203.0.113.10/32"]}}
    client.firewalls.add_rules(created["id"], {"inbound_rules": [nat_t]})
    assert [r["ports"] for r in client.firewalls.get(created["id"])["firewall"]["inbound_rules"]] == ["500", "4500"]
    updated = client.firewalls.update(created["id"], {"name": "overlay-v2", "inbound_rules": [nat_t], "tags": ["gw"]})["firewall"]
    assert (updated["name"], len(updated["inbound_rules"]), updated["droplet_ids"], updated["tags"]) == ("overlay-v2", 1, [], ["gw"])
    assert [f["name"] for f in client.firewalls.list()["firewalls"]] == ["overlay-v2"]
    with pytest.raises(HttpResponseError) as bad:
        client.firewalls.create({"name": "bad", "inbound_rules": [{"protocol": "gre", "sources": {"addresses": ["0.0.0.0/0"]}}]})
    assert bad.value.status_code == 422
    client.firewalls.delete(created["id"])
    assert client.firewalls.get(created["id"])["id"] == "not_found"


# --------------------------------------------------------------------------- faults and the request log


def test_rate_limits_are_retried_by_pydo(tmp_path: Path, start_emulator):
    ctx = LabContext(state_dir=tmp_path, faults=FaultProfile(name="throttle", throttle=0.3, seed=11))
    running = start_emulator("digitalocean", ctx)
    client = do_client(running.endpoint)
    vpc = client.vpcs.create({"name": "lab-vpc", "region": "nyc3", "ip_range": "10.116.0.0/24"})["vpc"]
    for attempt in range(6):
        assert client.vpcs.get(vpc["id"])["vpc"]["name"] == "lab-vpc"
    throttled = [e for e in read_request_log(ctx.request_log.path) if e["fault"] == "throttle"]
    assert throttled and {e["status"] for e in throttled} == {429}


def test_server_errors_are_retried_by_pydo(tmp_path: Path, start_emulator):
    ctx = LabContext(state_dir=tmp_path, faults=FaultProfile(name="broken", server_error=0.3, seed=5))
    running = start_emulator("digitalocean", ctx)
    client = do_client(running.endpoint)
    vpc = client.vpcs.create({"name": "lab-vpc", "region": "nyc3", "ip_range": "10.116.0.0/24"})["vpc"]
    for attempt in range(6):
        assert client.vpcs.get(vpc["id"])["vpc"]["id"] == vpc["id"]
    errors = [e for e in read_request_log(ctx.request_log.path) if e["fault"] == "server_error"]
    assert errors and {e["status"] for e in errors} == {500}


def test_request_log_names_calls_as_pydo_does(tmp_path: Path, start_emulator):
    ctx = context_with(tmp_path)
    running = start_emulator("digitalocean", ctx)
    client = do_client(running.endpoint)
    droplet = client.droplets.create(droplet_body("logged"))["droplet"]
    client.droplets.get(droplet["id"])
    client.tags.create({"name": "t"})
    client.tags.assign_resources("t", {"resources": [{"resource_id": str(droplet["id"]), "resource_type": "droplet"}]})
    client.droplets.destroy(droplet["id"])
    entries = [(e["operation"], e["mutating"], e["status"]) for e in read_request_log(ctx.request_log.path)]
    assert entries == [("droplets.create", True, 202), ("droplets.get", False, 200), ("tags.create", True, 201),
                       ("tags.assign_resources", True, 204), ("droplets.destroy", True, 204)]
