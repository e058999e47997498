"""Seed post 000 end to end: a DigitalOcean Droplet reaches a private AWS instance through a
wireguard-go overlay ending on an AWS NAT instance, and back.

The clouds are driven through pydo and boto3 only (the NAT instance's SourceDestCheck off through
ModifyInstanceAttribute, a route for the overlay subnet to the NAT instance). The instances are
configured as a role would do it: one ansible ad-hoc run through the lab_netns connection plugin
(wireguard-go and the seed's NAT-instance iptables rules run inside the instances' namespaces,
with their own /run). Turning SourceDestCheck back on through the API breaks the path.
"""
from __future__ import annotations

import pytest

from mci_lab import scenarios
from mci_lab.dataplane.render.wireguard import WireguardPeer, generate_keys, render_wg_conf
from tests.lab.common import ping, wait_until
from tests.lab.e2e.clouds import AWS_REGION
from tests.lab.nat_instance import NAT_INSTANCE_SCRIPT, host_run_mounts, run_ad_hoc

pytestmark = pytest.mark.dataplane

VPC_CIDR, PUBLIC_SUBNET, NAT_IP, PRIVATE_SUBNET, PRIVATE_HOST = (
    "172.16.0.0/16", "172.16.0.0/24", "172.16.0.11", "172.16.10.0/24", "172.16.10.105")
OVERLAY_CIDR, NAT_OVERLAY, DROPLET_OVERLAY = "192.168.254.0/24", "192.168.254.11", "192.168.254.170"
WG_PORT = 51820

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
