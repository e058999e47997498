"""Addresses moto makes up that must be real in the lab.

- A NAT gateway's private IP comes from its subnet (moto picks a random 10.x address anywhere),
  through the subnet's own allocator so it never collides with an instance.
- Public addresses (Elastic IPs, instance public IPs) come from the lab's shared pool of
  documentation ranges, never from moto's random real-world addresses.
"""
from __future__ import annotations

import functools
from typing import Any

from moto.ec2.models import elastic_ip_addresses, elastic_network_interfaces
from moto.ec2.models.elastic_ip_addresses import ElasticAddressBackend
from moto.ec2.models.nat_gateways import NatGateway

from mci_lab.emulators.aws.lab import current_lab


def _nat_private_ip_from_subnet() -> None:
    original_init = NatGateway.__init__

    @functools.wraps(original_init)
    def __init__(self: NatGateway, backend: Any, subnet_id: str, *args, **kwargs) -> None:
        original_init(self, backend, subnet_id, *args, **kwargs)
        address = backend.get_subnet(subnet_id).get_available_subnet_ip(self)
        self.private_ip = address
        self._eni.private_ip_address = address
        self._eni.private_ip_addresses = [{"Primary": True, "PrivateIpAddress": address}]

    NatGateway.__init__ = __init__


def _public_ips_from_lab_pool() -> None:
    elastic_ip_addresses.random_ip = lambda: current_lab().public_ip("aws/eip")
    elastic_network_interfaces.random_public_ip = lambda: current_lab().public_ip("aws/eni")
    original_release = ElasticAddressBackend.release_address

    @functools.wraps(original_release)
    def release_address(self: Any, address: str | None = None, allocation_id: str | None = None) -> None:
        found = self.address_by_ip([address]) if address else self.address_by_allocation([allocation_id])
        original_release(self, address, allocation_id)
        current_lab().release_public_ip(found[0].public_ip)

    ElasticAddressBackend.release_address = release_address


def install() -> None:
    _nat_private_ip_from_subnet()
    _public_ips_from_lab_pool()
