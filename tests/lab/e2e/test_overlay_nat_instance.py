"""Seed post 000 end to end: a DigitalOcean Droplet reaches a private AWS instance through a
wireguard-go overlay ending on an AWS NAT instance, and back.

The clouds are driven through pydo and boto3 only (the NAT instance's SourceDestCheck off through
ModifyInstanceAttribute, a route for the overlay subnet to the NAT instance). The instances are
configured as a role would do it: one ansible ad-hoc run through the lab_netns connection plugin
(wireguard-go and the seed's NAT-instance iptables rules run inside the instances' namespaces,
with their own /run). Turning SourceDestCheck back on through the API breaks the path.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from mci_lab import scenarios
from mci_lab.collection import REPO_ROOT
from mci_lab.dataplane.render.wireguard import WireguardPeer, generate_keys, render_wg_conf
from tests.lab.e2e.clouds import AWS_REGION
from tests.lab.e2e.support import ping, wait_until

pytestmark = pytest.mark.dataplane

VPC_CIDR, PUBLIC_SUBNET, NAT_IP, PRIVATE_SUBNET, PRIVATE_HOST = (
    "172.16.0.0/16", "172.16.0.0/24", "172.16.0.11", "172.16.10.0/24", "172.16.10.105")
OVERLAY_CIDR, NAT_OVERLAY, DROPLET_OVERLAY = "192.168.254.0/24", "192.168.254.11", "192.168.254.170"
WG_PORT = 51820

# The seed post's rules with its overlay interface name (zt0 here), plus bringing the overlay up.
NAT_INSTANCE_SCRIPT = """\
set -e
WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD=1 wireguard-go zt0
for i in $(seq 100); do [ -S /run/wireguard/zt0.sock ] && break; sleep 0.05; done
wg setconf zt0 {conf}
ip addr add {overlay}/24 dev zt0
ip link set zt0 up
iptables -A FORWARD -i eth0 -o zt0 -d 192.168.254.0/24 -j ACCEPT
iptables -t nat -A POSTROUTING -o zt0 -d 192.168.254.0/24 -j ACCEPT
iptables -A FORWARD -i zt0 -o eth0 -d 172.16.0.0/16 -j ACCEPT
iptables -t nat -A POSTROUTING -o eth0 -d 172.16.0.0/16 -j ACCEPT
iptables -t nat -A POSTROUTING -o eth0 -d 0.0.0.0/0 -j MASQUERADE
sysctl -w net.ipv4.ip_forward=1
"""
# The Droplet joins the overlay and routes the VPC through it (the overlay's "IP routes").
DROPLET_SCRIPT = """\
set -e
WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD=1 wireguard-go zt0
for i in $(seq 100); do [ -S /run/wireguard/zt0.sock ] && break; sleep 0.05; done
wg setconf zt0 {conf}
ip addr add {overlay}/24 dev zt0
ip link set zt0 up
ip route add {vpc} via {nat_overlay} dev zt0
wg show zt0 peers
"""


def run_ad_hoc(tmp_path: Path, hosts: dict[str, dict]) -> dict[str, dict]:
    """One ansible ad-hoc shell task (each host's ``e2e_script``) through multicloud.interconnect.lab_netns,
    one host after the other in inventory order; each host's JSON result."""
    inventory = tmp_path / "inventory.json"
    inventory.write_text(json.dumps({"all": {"hosts": {name: {
        "ansible_connection": "multicloud.interconnect.lab_netns",
        "ansible_lab_netns_namespace": spec["namespace"],
        "ansible_lab_netns_run_dir": str(spec["run_dir"]),
        "ansible_python_interpreter": sys.executable,
        "e2e_script": spec["script"],
    } for name, spec in hosts.items()}}}))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(REPO_ROOT / ".cache" / "collections"),
               ANSIBLE_LOAD_CALLBACK_PLUGINS="1", ANSIBLE_STDOUT_CALLBACK="ansible.builtin.json",
               ANSIBLE_HOST_KEY_CHECKING="0", ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-local"))
    result = subprocess.run(
        [str(Path(sys.executable).with_name("ansible")), "all", "-i", str(inventory), "--forks", "1",
         "-m", "ansible.builtin.shell", "-a", json.dumps({"cmd": "{{ e2e_script }}"})],
        cwd=str(REPO_ROOT), env=env, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, f"ansible failed:\n{result.stdout}\n{result.stderr}"
    return json.loads(result.stdout)["plays"][0]["tasks"][0]["hosts"]


def host_run_mounts() -> list[str]:
    """Mounts on the controller's own /run: a per-instance bind mount must never land there."""
    with open("/proc/self/mountinfo", encoding="utf-8") as f:
        return [line for line in f if line.split()[4] == "/run"]


def test_droplet_reaches_private_aws_host_through_overlay_and_nat_instance(lab, tmp_path):
    run_mounts = host_run_mounts()
    ec2 = scenarios.aws_client(lab.endpoints, AWS_REGION)
    seeded = scenarios.Seeded()
    droplet = scenarios.seed_droplet(scenarios.digitalocean_client(lab.endpoints), seeded, "mci-e2e-droplet", "nyc3",
                                     "10.120.0.0/20")
    aws = scenarios.seed_aws_nat_instance_vpc(ec2, seeded, "mci-e2e-overlay", VPC_CIDR, PUBLIC_SUBNET, NAT_IP,
                                              PRIVATE_SUBNET, PRIVATE_HOST)
    nat_id = aws["nat_instance_id"]
    # The user's AWS steps: the NAT instance forwards for others, the VPC routes the overlay to it.
    ec2.modify_instance_attribute(InstanceId=nat_id, SourceDestCheck={"Value": False})
    ec2.create_route(RouteTableId=aws["route_table_id"], DestinationCidrBlock=OVERLAY_CIDR, InstanceId=nat_id)
    routes = ec2.describe_route_tables(RouteTableIds=[aws["route_table_id"]])["RouteTables"][0]["Routes"]
    assert {"DestinationCidrBlock": OVERLAY_CIDR, "InstanceId": nat_id} in [
        {k: r[k] for k in ("DestinationCidrBlock", "InstanceId") if k in r} for r in routes]

    ids = {instance.name: instance.model_id for instance in seeded.instances}
    namespaces = {name: lab.host_namespace(model_id) for name, model_id in ids.items()}
    droplet_ns, private_ns = namespaces["mci-e2e-droplet"], namespaces["mci-e2e-overlay-private"]
    nat_keys, droplet_keys = generate_keys(), generate_keys()
    nat_conf, droplet_conf = tmp_path / "nat-wg.conf", tmp_path / "droplet-wg.conf"
    nat_conf.write_text(render_wg_conf(nat_keys.private, [WireguardPeer(droplet_keys.public, (f"{DROPLET_OVERLAY}/32",))],
                                       listen_port=WG_PORT))
    droplet_conf.write_text(render_wg_conf(droplet_keys.private, [WireguardPeer(
        nat_keys.public, (f"{NAT_OVERLAY}/32", VPC_CIDR), endpoint=f"{aws['nat_public_ip']}:{WG_PORT}",
        persistent_keepalive=5)]))
    # The answering side first (inventory order, one fork): the Droplet's first handshake then succeeds.
    results = run_ad_hoc(tmp_path, {
        "nat-instance": {"namespace": namespaces["mci-e2e-overlay-nat"], "run_dir": lab.host_run_dir(ids["mci-e2e-overlay-nat"]),
                         "script": NAT_INSTANCE_SCRIPT.format(conf=nat_conf, overlay=NAT_OVERLAY)},
        "droplet": {"namespace": droplet_ns, "run_dir": lab.host_run_dir(ids["mci-e2e-droplet"]),
                    "script": DROPLET_SCRIPT.format(conf=droplet_conf, overlay=DROPLET_OVERLAY, vpc=VPC_CIDR,
                                                    nat_overlay=NAT_OVERLAY)},
    })
    assert results["nat-instance"]["rc"] == 0 and "net.ipv4.ip_forward = 1" in results["nat-instance"]["stdout"]
    assert results["droplet"]["rc"] == 0 and nat_keys.public in results["droplet"]["stdout"]

    wait_until(lambda: ping(droplet_ns, PRIVATE_HOST, count=1), 10, "Droplet -> private AWS instance over the overlay")
    assert ping(droplet_ns, PRIVATE_HOST, count=5), "Droplet -> private AWS instance"
    assert ping(private_ns, DROPLET_OVERLAY, count=5), "private AWS instance -> Droplet (overlay address, not NATed)"
    assert droplet["public_ip"] != aws["nat_public_ip"]

    # SourceDestCheck back on through the API: AWS drops what the NAT instance forwards.
    ec2.modify_instance_attribute(InstanceId=nat_id, SourceDestCheck={"Value": True})
    attribute = ec2.describe_instance_attribute(InstanceId=nat_id, Attribute="sourceDestCheck")["SourceDestCheck"]
    assert attribute == {"Value": True}
    wait_until(lambda: not ping(droplet_ns, PRIVATE_HOST, count=1, wait=0.5), 10, "the path to break")
    assert not ping(droplet_ns, PRIVATE_HOST, count=3, wait=0.5), "source/dest check on must drop forwarded traffic"
    assert not ping(private_ns, DROPLET_OVERLAY, count=3, wait=0.5), "source/dest check on must drop what is routed via it"
    assert ping(droplet_ns, NAT_OVERLAY, count=2), "the overlay itself (to the NAT instance) still works"

    # And off again: the path comes back.
    ec2.modify_instance_attribute(InstanceId=nat_id, SourceDestCheck={"Value": False})
    wait_until(lambda: ping(droplet_ns, PRIVATE_HOST, count=1), 10, "the path back with the check off")
    assert ping(private_ns, DROPLET_OVERLAY, count=3)
    assert host_run_mounts() == run_mounts, "an instance's /run bind mount leaked into the controller"
