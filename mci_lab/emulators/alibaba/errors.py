"""The error answers of the Alibaba Cloud VPC API (2016-04-28), as the emulator gives them.

Codes, HTTP statuses and messages come from the API reference error tables (help.aliyun.com /
alibabacloud.com API docs, VPC product error center) and the OpenAPI gateway's common error table.
Where no documented code was found for a rule the real cloud enforces, the emulator answers with the
gateway's generic ``InvalidParameter``; those places say so in a comment.
"""
from __future__ import annotations


class ApiError(Exception):
    """One error answer: ``{"Code", "Message", "RequestId"}`` with an HTTP status."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message


# --------------------------------------------------------------------------- gateway (common)
# Source: OpenAPI common error codes (help.aliyun.com document_detail 435312 and 434846).


def missing_parameter(name: str) -> ApiError:
    return ApiError(400, f"Missing{name}", f"{name} is mandatory for this action.")


def invalid_parameter(name: str, reason: str = "") -> ApiError:
    message = f'The specified value of parameter "{name}" is not valid.'
    return ApiError(400, "InvalidParameter", f"{message} {reason}".strip())


def unknown_action(action: str) -> ApiError:
    return ApiError(404, "InvalidAction.NotFound", f"Specified api {action!r} is not found, please check your url and method.")


def unknown_access_key() -> ApiError:
    return ApiError(400, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")


def signature_does_not_match(string_to_sign: str) -> ApiError:
    # The v2 gateway names the string it signed, which is how users debug their signing code.
    return ApiError(400, "SignatureDoesNotMatch",
                    f"Specified signature is not matched with our calculation. server string to sign is:{string_to_sign}")


def throttled() -> ApiError:
    return ApiError(400, "Throttling.User", "Request was denied due to user flow control.")


def service_unavailable() -> ApiError:
    return ApiError(503, "ServiceUnavailable", "The request has failed due to a temporary failure of the server.")


def internal_error() -> ApiError:
    return ApiError(500, "InternalError", "The request processing has failed due to some unknown error.")


# --------------------------------------------------------------------------- VPC, vSwitch, routes
# Source: CreateVpc, DeleteVpc, CreateVSwitch, DeleteVSwitch, CreateRouteEntry, DeleteRouteEntry docs.


def vpc_not_found() -> ApiError:
    return ApiError(404, "InvalidVpcId.NotFound", "Specified VPC does not exist.")


def vpc_cidr_invalid() -> ApiError:
    return ApiError(400, "InvalidParameter", "Specified CIDR block is not valid")


def vpc_has(dependency: str) -> ApiError:
    """``dependency``: VSwitch, RouteEntry or Instance (the DeleteVpc codes)."""
    return ApiError(400, f"DependencyViolation.{dependency}", "Specified object has dependent resources")


def vswitch_not_found() -> ApiError:
    return ApiError(404, "InvalidVSwitchId.NotFound", "VSwitch not exist.")


def cidr_malformed() -> ApiError:
    return ApiError(400, "InvalidCidrBlock.Malformed", "Specified CIDR block is not valid.")


def vswitch_mask_length() -> ApiError:
    # The documented code really is spelled "Cirdr".
    return ApiError(400, "InvalidCirdrBlock.MaskLength", "Specified CIDR block is not valid .")


def vswitch_cidr_outside_vpc() -> ApiError:
    return ApiError(400, "InvalidParameter", "Specified CIDR block is not valid in VPC.")


def cidr_overlapped() -> ApiError:
    return ApiError(400, "InvalidCidrBlock.Overlapped", "Specified CIDR block overlapped with other subnets.")


def dependency_violation() -> ApiError:
    return ApiError(400, "DependencyViolation", "Specified object has dependent resources.")


def route_table_not_found() -> ApiError:
    return ApiError(404, "InvalidRouteTableId.NotFound", "Specified route table does not exist.")


def route_destination_invalid() -> ApiError:
    return ApiError(400, "InvalidCidrBlock", "Specified CIDR block is not valid.")


def route_destination_duplicate() -> ApiError:
    return ApiError(400, "InvalidCIDRBlock.Duplicate", "Specified CIDR block is already exists.")


def next_hop_not_found() -> ApiError:
    return ApiError(404, "InvalidNextHopId.NotFound", "Specified next hop does not exist.")


def next_hop_type_invalid() -> ApiError:
    return ApiError(400, "InvalidNextHopType", 'Specified parameter "NextHopType" is not valid')


def route_table_busy() -> ApiError:
    """A route entry of the table is still Pending: the table accepts one change at a time."""
    return ApiError(400, "IncorrectRouteEntryStatus", "Some route entry status blocked this operation.")


def route_entry_not_found() -> ApiError:
    return ApiError(400, "InvalidRouteEntry.NotFound", "Route entry not exists.")


def system_route_entry() -> ApiError:
    return ApiError(400, "OperationDenied", "Specified operation is denied as route entry type is system.")


# --------------------------------------------------------------------------- VPN gateway
# Source: CreateVpnConnection, CreateVpnRouteEntry, DeleteVpnGateway, CreateCustomerGateway,
# DeleteCustomerGateway, DescribeVpnConnection docs.


def vpn_gateway_not_found() -> ApiError:
    return ApiError(404, "InvalidVpnGatewayInstanceId.NotFound", "The specified vpn gateway instance id does not exist.")


def vpn_gateway_configuring() -> ApiError:
    """The gateway is still `init` or `updating`: it takes one change at a time."""
    return ApiError(400, "VpnGateway.Configuring", "The specified service is configuring.")


def customer_gateway_not_found() -> ApiError:
    return ApiError(404, "InvalidCustomerGatewayInstanceId.NotFound", "The specified customer gateway instance id does not exist.")


def customer_gateway_ip_invalid() -> ApiError:
    return ApiError(400, "InvalidIpAddress.WrongFormat", "Specified IpAddress is invalid.")


def customer_gateway_ip_taken() -> ApiError:
    return ApiError(400, "InvalidIpAddress.AlreadyExist", "Specified IpAddress is already exist.")


def vpn_connection_not_found() -> ApiError:
    return ApiError(404, "InvalidVpnConnectionInstanceId.NotFound", "The specified vpn connection instance id does not exist.")


def vpn_connection_exists() -> ApiError:
    return ApiError(400, "InvalidVpnConnection.AlreadyExists", "Vpn connection already exists.")


def vpn_route_entry_not_found() -> ApiError:
    # No documented code was found for deleting a missing destination route; the lab follows the
    # VPC API's "Invalid<Thing>.NotFound" pattern so callers can treat it as already gone.
    return ApiError(404, "InvalidVpnRouteEntry.NotFound", "The specified vpn route entry does not exist.")


# --------------------------------------------------------------------------- lab-only actions


def instance_not_found() -> ApiError:
    return ApiError(404, "InvalidInstanceId.NotFound", "The specified lab instance does not exist.")


def vswitch_full() -> ApiError:
    return ApiError(400, "QuotaExceeded.PrivateIpAddress", "The vSwitch has no free private IP address.")
