"""Microsoft.Network error codes the emulator answers with, and where each name comes from.

"seen" codes appear in public error reports (issue trackers, Terraform/Packer logs) with the
meaning used here. "lab" codes are the emulator's own names where no public sample of the real
code was found: they keep the ARM shape and say clearly what is wrong, but a module must not
match on them as if they were Azure's.
"""
from __future__ import annotations

from mci_lab.emulators.azure.arm import ArmError

# seen: Azure/Azure-Landing-Zones#2674, #2764 ("ActiveActive Gateway must be created with two IP configurations").
ACTIVE_ACTIVE_TWO_IP_CONFIGURATIONS = "ActiveActiveGatewayMustHaveExactlyTwoIpConfigurations"
# seen: Packer/Terraform logs ("Public IP address ... can not be deleted since it is still allocated").
PUBLIC_IP_CANNOT_BE_DELETED = "PublicIPAddressCannotBeDeleted"
# seen: terraform/az CLI reports ("Subnet ... is in use ... and cannot be deleted").
IN_USE_SUBNET_CANNOT_BE_DELETED = "InUseSubnetCannotBeDeleted"
# seen: az CLI / Terraform reports on subnet ranges.
SUBNET_OUTSIDE_VNET = "NetcfgSubnetRangeOutsideVnet"
SUBNET_RANGES_OVERLAP = "NetcfgSubnetRangesOverlap"
INVALID_ADDRESS_PREFIX = "NetcfgInvalidIPAddressPrefix"
# seen: deleting a gateway that still has connections (lab notes in public repositories).
GATEWAY_CANNOT_BE_DELETED = "VirtualNetworkGatewayCannotBeDeleted"
# seen: Azure-Samples/azuresandbox#25, #329 (400, "... is not in Succeeded state. Resource is in Updating state").
REFERENCED_RESOURCE_NOT_PROVISIONED = "ReferencedResourceNotProvisioned"
# seen: Microsoft.Network serialises writes on one resource; status 409 as the lab's issue asks.
ANOTHER_OPERATION_IN_PROGRESS = "AnotherOperationInProgress"
# seen: generic Microsoft.Network answers for malformed references / bodies / locations.
INVALID_RESOURCE_REFERENCE = "InvalidResourceReference"
INVALID_REQUEST_FORMAT = "InvalidRequestFormat"
LOCATION_REQUIRED = "LocationRequired"
PRIVATE_IP_IN_USE = "PrivateIPAddressInUse"
PRIVATE_IP_NOT_IN_SUBNET = "PrivateIPAddressNotInSubnet"
SUBNET_IS_FULL = "SubnetIsFull"
# seen: terraform-provider-azurerm#16285.
BGP_PEERING_ADDRESS_CANNOT_BE_MODIFIED = "VirtualNetworkGatewayBgpPeeringAddressCannotBeModified"

# lab: names for rules Azure enforces whose exact code we could not find in public samples.
CUSTOM_BGP_IP_OUT_OF_APIPA_RANGE = "InvalidCustomBgpIpAddress"
INVALID_GATEWAY_ASN = "InvalidBgpAsn"
INVALID_LOCAL_GATEWAY_ASN = "InvalidLocalNetworkGatewayBgpAsn"
GATEWAY_SUBNET_REQUIRED = "GatewaySubnetRequired"
ACTIVE_ACTIVE_PUBLIC_IP_MUST_BE_STANDARD_STATIC = "ActiveActiveGatewayPublicIpMustBeStandardStatic"
ACTIVE_STANDBY_ONE_IP_CONFIGURATION = "ActiveStandbyGatewayMustHaveOneIpConfiguration"
BASIC_SKU_NOT_SUPPORTED = "BasicSkuDoesNotSupportActiveActiveOrBgp"
UNKNOWN_IP_CONFIGURATION = "InvalidBgpPeeringAddressIpConfiguration"
PUBLIC_IP_IN_USE = "PublicIPAddressInUseByAnotherResource"
BGP_NOT_ENABLED = "BgpNotEnabledOnGatewayOrLocalNetworkGateway"
BGP_PEER_NOT_IN_ADDRESS_SPACE = "BgpPeeringAddressNotInLocalNetworkAddressSpace"
INVALID_SHARED_KEY = "InvalidSharedKey"
INVALID_IPSEC_POLICY = "InvalidIpsecPolicy"
INVALID_CUSTOM_BGP_ADDRESS_FOR_CONNECTION = "InvalidGatewayCustomBgpIpAddress"
LOCAL_GATEWAY_IN_USE = "LocalNetworkGatewayInUseByConnections"
ROUTE_TABLE_IN_USE = "InUseRouteTableCannotBeDeleted"
VNET_ALREADY_HAS_VPN_GATEWAY = "VirtualNetworkAlreadyHasVpnGateway"
UNSUPPORTED_IN_LAB = "NotSupportedByLab"


def invalid(code: str, message: str) -> ArmError:
    """A 400 with the given code."""
    return ArmError(400, code, message)
