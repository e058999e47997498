"""What the emulated DigitalOcean asks the lab data plane to run: VPCs and Droplets, nothing more.

DigitalOcean has no VPN gateway and no route tables. Its anti-spoofing drops any packet whose
source or destination is not the Droplet's own address, so a Droplet can never route for a
network: every Host here keeps ``source_dest_check=True``, and no route in another cloud may point
at a Droplet as a gateway for DigitalOcean prefixes. DigitalOcean's supported way to connect
Droplets to another network is an overlay that each Droplet joins itself (a VPN mesh or overlay
network, as in seed 000 where Droplets join an overlay ending on an AWS NAT instance): traffic
then leaves the Droplet with the Droplet's own overlay address, which anti-spoofing lets through.
Source: docs.digitalocean.com/products/droplets/details/limits (CLOUD_FACTS.md 1.5).
"""
from __future__ import annotations

import ipaddress

from mci_lab.dataplane.model import Host, Network, Route, Topology
from mci_lab.emulators.digitalocean.resources import DoStore


def network_id(vpc_uuid: str) -> str:
    return f"digitalocean/vpc/{vpc_uuid}"


def host_id(droplet_id: int) -> str:
    return f"digitalocean/droplet/{droplet_id}"


def build_topology(store: DoStore) -> Topology:
    networks = tuple(
        Network(
            id=network_id(vpc["id"]),
            cloud="digitalocean",
            cidrs=(vpc["ip_range"],),
            routes=(Route(destination=vpc["ip_range"], target_kind="local"),),
        )
        for vpc in store.vpcs.values()
    )
    hosts = tuple(
        Host(
            id=host_id(droplet.id),
            network_id=network_id(droplet.vpc_uuid),
            private_ip=droplet.private_ip,
            prefix_length=ipaddress.ip_network(store.vpcs[droplet.vpc_uuid]["ip_range"]).prefixlen,
            public_ip=droplet.public_ip,
            source_dest_check=True,  # DigitalOcean cannot turn its anti-spoofing off
        )
        for droplet in store.droplets.values()
    )
    return Topology(networks=networks, hosts=hosts)
