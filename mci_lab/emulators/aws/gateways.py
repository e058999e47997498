"""Virtual private gateways and customer gateways where moto differs from AWS.

- A VGW created without AmazonSideAsn gets AWS's default ASN, and an ASN outside AWS's ranges
  is refused.
- Creating a customer gateway identical to a live one (type, IP, ASN) returns that one, as AWS
  does; without BgpAsn it gets AWS's default ASN.
- Describing gateways by unknown ids answers NotFound instead of an empty list; deleting an
  unknown NAT gateway answers NatGatewayNotFound instead of failing inside moto.
"""
from __future__ import annotations

import functools
from typing import Any, Callable

from moto.ec2.exceptions import InvalidCustomerGatewayIdError, InvalidVpnGatewayIdError
from moto.ec2.models.customer_gateways import CustomerGatewayBackend
from moto.ec2.models.nat_gateways import NatGatewayBackend
from moto.ec2.models.vpn_gateway import VpnGatewayBackend

from mci_lab.emulators.aws.errors import ec2_error, invalid_parameter
from mci_lab.emulators.aws.tunnels import cloud_facts

GATEWAY_TYPE = "ipsec.1"


def validated_amazon_side_asn(requested: Any) -> int:
    """The VGW's ASN: AWS's default when not given, else one of the ranges AWS accepts."""
    if requested is None:
        return cloud_facts.AWS_DEFAULT_AMAZON_ASN
    asn = int(requested)
    if not any(low <= asn <= high for low, high in cloud_facts.ASN_RANGES["aws"]):
        ranges = " or ".join(f"{low}-{high}" for low, high in cloud_facts.ASN_RANGES["aws"])
        raise invalid_parameter(f"The Amazon side ASN {asn} is invalid. It must be in the range {ranges}.")
    return asn


def validated_customer_gateway_asn(requested: Any) -> int:
    if requested is None:
        return cloud_facts.AWS_DEFAULT_CUSTOMER_GATEWAY_ASN
    asn = int(requested)
    low, high = cloud_facts.AWS_CUSTOMER_GATEWAY_ASN_RANGES["BgpAsn"]
    if not low <= asn <= high:
        raise invalid_parameter(f"Value ({asn}) for parameter BgpAsn is invalid. It must be in the range {low}-{high}.")
    return asn


def _check_gateway_type(gateway_type: str | None) -> None:
    if gateway_type not in (None, GATEWAY_TYPE):
        raise invalid_parameter(f"Value ({gateway_type}) for parameter type is invalid. Valid values: {GATEWAY_TYPE}.")


def _wrap_create_vpn_gateway() -> None:
    original = VpnGatewayBackend.create_vpn_gateway

    @functools.wraps(original)
    def create_vpn_gateway(self: Any, gateway_type: str = GATEWAY_TYPE, amazon_side_asn: Any = None, *args, **kwargs):
        _check_gateway_type(gateway_type)
        return original(self, gateway_type or GATEWAY_TYPE, validated_amazon_side_asn(amazon_side_asn), *args, **kwargs)

    VpnGatewayBackend.create_vpn_gateway = create_vpn_gateway


def _wrap_create_customer_gateway() -> None:
    original = CustomerGatewayBackend.create_customer_gateway

    @functools.wraps(original)
    def create_customer_gateway(self: Any, gateway_type: str, ip_address: str, bgp_asn: Any, tags: dict | None = None):
        _check_gateway_type(gateway_type)
        asn = str(validated_customer_gateway_asn(bgp_asn))  # the API shows BgpAsn as a string
        identity = (gateway_type or GATEWAY_TYPE, ip_address, asn)
        for existing in self.customer_gateways.values():
            if existing.state != "deleted" and (existing.type, existing.ip_address, str(existing.bgp_asn)) == identity:
                return existing
        return original(self, gateway_type, ip_address, asn, tags)

    CustomerGatewayBackend.create_customer_gateway = create_customer_gateway


def _wrap_describe(cls: type, method_name: str, store_name: str, not_found: Callable[[str], Exception]) -> None:
    """moto's describe(filters, ids) skips unknown ids; AWS names the first one in a NotFound."""
    original = getattr(cls, method_name)

    @functools.wraps(original)
    def describe(self: Any, filters: Any = None, ids: list[str] | None = None):
        known = getattr(self, store_name)
        for gateway_id in ids or []:
            if gateway_id not in known:
                raise not_found(gateway_id)
        return original(self, filters, ids)

    setattr(cls, method_name, describe)


def nat_gateway_not_found(nat_gateway_id: str) -> Exception:
    return ec2_error("NatGatewayNotFound", f"The Nat Gateway {nat_gateway_id} was not found")


def _wrap_delete_nat_gateway() -> None:
    original = NatGatewayBackend.delete_nat_gateway

    @functools.wraps(original)
    def delete_nat_gateway(self: Any, nat_gateway_id: str):
        if nat_gateway_id not in self.nat_gateways:
            raise nat_gateway_not_found(nat_gateway_id)
        return original(self, nat_gateway_id)

    NatGatewayBackend.delete_nat_gateway = delete_nat_gateway


def install() -> None:
    _wrap_create_vpn_gateway()
    _wrap_create_customer_gateway()
    _wrap_describe(VpnGatewayBackend, "describe_vpn_gateways", "vpn_gateways", InvalidVpnGatewayIdError)
    _wrap_describe(CustomerGatewayBackend, "describe_customer_gateways", "customer_gateways", InvalidCustomerGatewayIdError)
    _wrap_describe(NatGatewayBackend, "describe_nat_gateways", "nat_gateways", nat_gateway_not_found)
    _wrap_delete_nat_gateway()
