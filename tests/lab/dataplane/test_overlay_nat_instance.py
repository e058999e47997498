"""A droplet reaches a private AWS host through a wireguard-go overlay and a NAT instance, and back.

The NAT instance is configured the way a role would do it: through the lab_netns connection
plugin (ansible ad-hoc, shell module), with the NAT-instance iptables rules of the recipe.
The VPC router enforces the NAT instance's source/dest check: on breaks the path, off restores it.
"""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from mci_lab.dataplane import daemons, netns
from mci_lab.dataplane.model import Host, Network, Route, Topology
from mci_lab.dataplane.render.wireguard import WireguardPeer, generate_keys, render_wg_conf
from tests.lab.common import ping, wait_until
from tests.lab.nat_instance import NAT_INSTANCE_SCRIPT, host_run_mounts, run_ad_hoc

pytestmark = pytest.mark.dataplane

DROPLET_OVERLAY, NAT_OVERLAY, PRIVATE_HOST = "192.168.254.170", "192.168.254.11", "172.16.10.105"
NAT_PUBLIC, WG_PORT = "203.0.113.11", 51820


def overlay_topology(nat_source_dest_check: bool) -> Topology:
    return Topology(
        networks=(
            Network("do-vpc", "digitalocean", ("10.120.0.0/20",), routes=(Route("0.0.0.0/0", "internet"),)),
            Network("aws-vpc", "aws", ("172.16.0.0/16",), routes=(
                Route("0.0.0.0/0", "internet"),
                Route("192.168.254.0/24", "instance", "nat-instance"),
            )),
        ),
        hosts=(
            Host("droplet", "do-vpc", "10.120.0.2", 20, public_ip="198.51.100.50"),
            Host("nat-instance", "aws-vpc", "172.16.0.11", 24, public_ip=NAT_PUBLIC,
                 source_dest_check=nat_source_dest_check),
            Host("private", "aws-vpc", PRIVATE_HOST, 24),
        ),
    )


def _run_on_lab_host(tmp_path: Path, host: str, namespace: str, run_dir: Path, script: str) -> dict:
    return run_ad_hoc(tmp_path, {host: {"namespace": namespace, "run_dir": run_dir, "script": script}})[host]


def _configure_droplet(realizer, nat_public_key: str, droplet_keys, tmp_path: Path) -> None:
    namespace, run_dir = realizer.host_namespace("droplet"), realizer.host_run_dir("droplet")
    conf = tmp_path / "droplet-wg.conf"
    conf.write_text(render_wg_conf(droplet_keys.private, [WireguardPeer(
        nat_public_key, (f"{NAT_OVERLAY}/32", "172.16.0.0/16"), endpoint=f"{NAT_PUBLIC}:{WG_PORT}",
        persistent_keepalive=5)]))
    daemons.start_wireguard_go(namespace, run_dir, "zt0", tmp_path / "droplet-wireguard-go.log")
    daemons.wait_for_wireguard(namespace, run_dir, "zt0")
    daemons.wg(namespace, run_dir, "setconf", "zt0", str(conf))
    netns.ip_batch(namespace, [f"addr add {DROPLET_OVERLAY}/24 dev zt0", "link set zt0 up",
                               "route add 172.16.0.0/16 dev zt0"])


@pytest.fixture
def host_run_untouched():
    before = host_run_mounts()
    yield
    assert host_run_mounts() == before, "a lab /run bind mount leaked into the controller's mount namespace"


def test_droplet_reaches_private_host_through_overlay_and_nat_instance(realizer, tmp_path, host_run_untouched):
    realizer.apply(overlay_topology(nat_source_dest_check=False))
    nat_keys, droplet_keys = generate_keys(), generate_keys()
    nat_conf = tmp_path / "nat-wg.conf"
    nat_conf.write_text(render_wg_conf(nat_keys.private, [WireguardPeer(droplet_keys.public, (f"{DROPLET_OVERLAY}/32",))],
                                       listen_port=WG_PORT))
    # The answering side first: the droplet's first handshake then succeeds at once.
    result = _run_on_lab_host(tmp_path, "nat-instance", realizer.host_namespace("nat-instance"),
                              realizer.host_run_dir("nat-instance"),
                              NAT_INSTANCE_SCRIPT.format(conf=nat_conf, overlay=NAT_OVERLAY))
    assert result.get("rc") == 0 and "net.ipv4.ip_forward = 1" in result.get("stdout", ""), result
    _configure_droplet(realizer, nat_keys.public, droplet_keys, tmp_path)

    droplet, private = realizer.host_namespace("droplet"), realizer.host_namespace("private")
    wait_until(lambda: ping(droplet, PRIVATE_HOST, count=1), timeout=10, what="droplet -> private host")
    assert ping(private, DROPLET_OVERLAY), "private host -> droplet over the overlay (no NAT on that path)"
    handshake = daemons.wg(droplet, realizer.host_run_dir("droplet"), "show", "zt0", "latest-handshakes")
    assert nat_keys.public in handshake

    realizer.apply(overlay_topology(nat_source_dest_check=True))
    assert not ping(droplet, PRIVATE_HOST, count=2), "source/dest check on must drop what the NAT instance forwards"
    assert not ping(private, DROPLET_OVERLAY, count=2), "source/dest check on must drop what is routed via it"

    realizer.apply(overlay_topology(nat_source_dest_check=False))
    wait_until(lambda: ping(droplet, PRIVATE_HOST, count=1), timeout=5, what="path back with the check off")
    assert ping(private, DROPLET_OVERLAY)


def test_lab_netns_plugin_maps_run_into_the_instance_run_dir(realizer, tmp_path, host_run_untouched):
    """Commands run through the plugin (module files put by copy) see the instance's own /run."""
    realizer.apply(overlay_topology(nat_source_dest_check=True))
    namespace, run_dir = realizer.host_namespace("private"), realizer.host_run_dir("private")
    script = textwrap.dedent("""\
        echo hello > /run/lab-netns-probe
        ip -4 -o addr show dev eth0
    """)
    result = _run_on_lab_host(tmp_path, "private", namespace, run_dir, script)
    assert PRIVATE_HOST in result["stdout"], result
    assert (run_dir / "lab-netns-probe").read_text() == "hello\n"
    assert not Path("/run/lab-netns-probe").exists()
