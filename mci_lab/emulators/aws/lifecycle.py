"""The states a real AWS resource passes through while it is provisioned (pending -> available).

moto makes every resource ``available`` at once. Here a resource's ``state`` is computed on each
read from the ``ready_at`` stamped at creation (``ctx.delays.ready_at("aws", kind)``): no timers
change state, so a lab at any time scale reads the same sequence.

Kinds (keys of the delay profile, ``aws.<kind>``): vpn_gateway, vpn_gateway_attachment,
customer_gateway, vpn_connection, nat_gateway, transit_gateway, transit_gateway_attachment,
instance.
"""
from __future__ import annotations

import functools
from typing import Any, Callable

from moto.ec2.models.customer_gateways import CustomerGateway, CustomerGatewayBackend
from moto.ec2.models.instances import Instance, InstanceBackend, InstanceState
from moto.ec2.models.nat_gateways import NatGateway, NatGatewayBackend
from moto.ec2.models.transit_gateway import TransitGateway, TransitGatewayBackend
from moto.ec2.models.transit_gateway_attachments import TransitGatewayAttachment, TransitGatewayAttachmentBackend
from moto.ec2.models.vpn_connections import VPNConnection
from moto.ec2.models.vpn_gateway import VPCGatewayAttachment, VpnGateway, VpnGatewayBackend

from mci_lab.emulators.aws.lab import READY_AT, current_lab, is_provisioned

KINDS = (
    "vpn_gateway",
    "vpn_gateway_attachment",
    "customer_gateway",
    "vpn_connection",
    "nat_gateway",
    "transit_gateway",
    "transit_gateway_attachment",
    "instance",
)


class ProvisionedState:
    """A ``state`` attribute that reads ``pending`` until the resource's provisioning delay is over.

    moto keeps assigning ``state`` as before (``deleted`` and the like are stored and read back
    unchanged); only the stored ready value is hidden behind the pending one while the delay runs.
    """

    def __init__(self, ready: str, pending: str) -> None:
        self.ready = ready
        self.pending = pending
        self.slot = "_mci_state"

    def __get__(self, resource: Any, owner: type | None = None) -> Any:
        if resource is None:
            return self
        stored = resource.__dict__.get(self.slot, resource.__dict__.get("state"))
        if stored == self.ready and not is_provisioned(resource):
            return self.pending
        return stored

    def __set__(self, resource: Any, value: str) -> None:
        resource.__dict__[self.slot] = value


def after(cls: type, method_name: str, hook: Callable[[Any], None]) -> None:
    """Run ``hook(result)`` after a moto backend method returns ``result``."""
    original = getattr(cls, method_name)

    @functools.wraps(original)
    def wrapper(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        hook(result)
        return result

    setattr(cls, method_name, wrapper)


def stamp(kind: str) -> Callable[[Any], None]:
    """A hook that starts a new resource's delay (an idempotent create may return an old one)."""

    def hook(resource: Any) -> None:
        if not hasattr(resource, READY_AT):
            current_lab().stamp_ready(resource, kind)

    return hook


def _stamp_instances(reservation: Any) -> None:
    for instance in reservation.instances:
        current_lab().stamp_ready(instance, "instance")


def _install_instance_state() -> None:
    """Instances read ``pending`` (code 0) until their delay is over, then what moto says."""
    stored_state = Instance.instance_state.fget

    def instance_state(self: Instance) -> InstanceState:
        state = stored_state(self)
        if state.name == "running" and not is_provisioned(self):
            return InstanceState("pending", 0)
        return state

    Instance.instance_state = property(instance_state)
    Instance.state = property(lambda self: self.instance_state.name)
    Instance.state_code = property(lambda self: self.instance_state.code)


def install() -> None:
    VpnGateway.state = ProvisionedState("available", "pending")
    VPCGatewayAttachment.state = ProvisionedState("attached", "attaching")
    CustomerGateway.state = ProvisionedState("available", "pending")
    VPNConnection.state = ProvisionedState("available", "pending")
    NatGateway.state = ProvisionedState("available", "pending")
    TransitGateway.state = ProvisionedState("available", "pending")
    TransitGatewayAttachment.state = ProvisionedState("available", "pending")
    _install_instance_state()

    after(VpnGatewayBackend, "create_vpn_gateway", stamp("vpn_gateway"))
    after(VpnGatewayBackend, "attach_vpn_gateway", stamp("vpn_gateway_attachment"))
    after(CustomerGatewayBackend, "create_customer_gateway", stamp("customer_gateway"))
    after(NatGatewayBackend, "create_nat_gateway", stamp("nat_gateway"))
    after(TransitGatewayBackend, "create_transit_gateway", stamp("transit_gateway"))
    after(TransitGatewayAttachmentBackend, "create_transit_gateway_vpc_attachment", stamp("transit_gateway_attachment"))
    after(TransitGatewayAttachmentBackend, "create_transit_gateway_vpn_attachment", stamp("transit_gateway_attachment"))
    after(InstanceBackend, "run_instances", _stamp_instances)
    # VPN connections are stamped by their own create handler (vpn.py), after validation.
