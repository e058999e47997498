"""Alibaba wiring without a network: endpoints, retries, error mapping, normalisation, waits' predicates."""
from __future__ import annotations

import pytest
from alibabacloud_tea_openapi.exceptions import ClientException, ServerException, ThrottlingException
from darabonba.core import DaraCore
from darabonba.policy.retry import RetryPolicyContext

from ansible_collections.multicloud.interconnect.plugins.module_utils import alibaba
from ansible_collections.multicloud.interconnect.plugins.module_utils.errors import CloudError

# --------------------------------------------------------------------------- endpoints and client settings


@pytest.mark.parametrize(
    ("endpoint", "protocol", "expected"),
    [
        ("http://127.0.0.1:8082", None, ("127.0.0.1:8082", "http")),
        ("127.0.0.1:8082", "http", ("127.0.0.1:8082", "http")),
        ("http://localhost:9000/", None, ("localhost:9000", "http")),
        ("http://[::1]:8082", None, ("[::1]:8082", "http")),
        ("vpc.cn-hangzhou.aliyuncs.com", None, ("vpc.cn-hangzhou.aliyuncs.com", "https")),
        ("https://vpc-vpc.cn-hangzhou.aliyuncs.com", "https", ("vpc-vpc.cn-hangzhou.aliyuncs.com", "https")),
        (None, None, (None, "https")),
    ],
)
def test_endpoints_resolve_to_host_and_protocol(endpoint, protocol, expected) -> None:
    assert alibaba.resolve_endpoint(endpoint, protocol) == expected


@pytest.mark.parametrize(
    ("endpoint", "protocol", "reason"),
    [
        ("http://vpc.cn-hangzhou.aliyuncs.com", None, "only allowed for loopback"),
        ("vpc.cn-hangzhou.aliyuncs.com", "http", "only allowed for loopback"),
        ("http://198.51.100.7:8080", None, "only allowed for loopback"),
        (None, "http", "only allowed with a loopback endpoint"),
        ("https://127.0.0.1:8082", "http", "says https but protocol is http"),
        ("ftp://127.0.0.1", None, "only http:// and https://"),
        ("http://127.0.0.1:8082/api", None, "host name with an optional port"),
    ],
)
def test_plain_http_is_refused_off_loopback_and_odd_endpoints_are_refused(endpoint, protocol, reason) -> None:
    with pytest.raises(ValueError, match=reason):
        alibaba.resolve_endpoint(endpoint, protocol)


def test_client_settings_carry_keys_region_and_endpoint() -> None:
    arguments = alibaba.client_config_arguments({
        "region": "cn-hangzhou", "endpoint": "http://127.0.0.1:8082", "protocol": None,
        "access_key": "LTAIlabkey", "secret_key": "labsecret", "security_token": "sts-token",
    })
    assert arguments == {"region_id": "cn-hangzhou", "protocol": "http", "endpoint": "127.0.0.1:8082", "user_agent": alibaba.USER_AGENT,
                         "access_key_id": "LTAIlabkey", "access_key_secret": "labsecret", "security_token": "sts-token"}


def test_client_settings_need_a_region_and_both_halves_of_a_key() -> None:
    with pytest.raises(ValueError, match="region is required"):
        alibaba.client_config_arguments({"region": None})
    with pytest.raises(ValueError, match="give both or neither"):
        alibaba.client_config_arguments({"region": "cn-hangzhou", "access_key": "LTAIlabkey"})


def test_without_keys_the_sdk_credential_chain_decides() -> None:
    arguments = alibaba.client_config_arguments({"region": "eu-central-1"})
    assert "access_key_id" not in arguments and arguments["protocol"] == "https"


# --------------------------------------------------------------------------- retries (the SDK's own policy)


def _context(error: Exception, attempts_so_far: int) -> RetryPolicyContext:
    return RetryPolicyContext(retries_attempted=attempts_so_far, exception=error)


@pytest.mark.parametrize("code", ["Throttling", "Throttling.User", "Throttling.Api", "ServiceUnavailable"])
def test_the_sdk_retries_throttling_and_transient_codes(code) -> None:
    options = alibaba.retry_options(5)
    error = ClientException(code=code, message="slow down", status_code=400)
    assert DaraCore.should_retry(options, _context(error, 1))
    assert DaraCore.should_retry(options, _context(error, 4))
    assert not DaraCore.should_retry(options, _context(error, 5))  # five attempts in all
    assert 0 <= DaraCore.get_backoff_time(options, _context(error, 3)) <= alibaba.RETRY_BACKOFF["cap"]


def test_the_sdk_retries_server_errors_and_throttling_answers_by_exception_kind() -> None:
    options = alibaba.retry_options(3)
    assert DaraCore.should_retry(options, _context(ServerException(code="Whatever", message="boom", status_code=502), 1))
    assert DaraCore.should_retry(options, _context(ThrottlingException(code="Flow", message="later", retry_after=50), 1))


@pytest.mark.parametrize("code", ["InvalidParameter", "VpnGateway.Configuring", "InvalidVpnGatewayInstanceId.NotFound"])
def test_the_sdk_does_not_retry_client_mistakes_or_busy_gateways(code) -> None:
    # A busy gateway is waited for (change_vpn_gateway), not hammered by the SDK.
    assert not DaraCore.should_retry(alibaba.retry_options(5), _context(ClientException(code=code, message="no", status_code=400), 1))


# --------------------------------------------------------------------------- errors


def test_sdk_errors_become_cloud_errors_with_action_code_and_status() -> None:
    error = alibaba.to_cloud_error(
        ClientException(code="InvalidIpAddress.AlreadyExist", message="code: 400, Specified IpAddress is already exist. request id: 1A2B",
                        status_code=400), "CreateCustomerGateway")
    assert isinstance(error, CloudError)
    assert (error.cloud, error.operation, error.code, error.status) == ("alibaba", "CreateCustomerGateway", "InvalidIpAddress.AlreadyExist", 400)
    assert str(error) == ("alibaba CreateCustomerGateway failed (InvalidIpAddress.AlreadyExist): "
                          "code: 400, Specified IpAddress is already exist. request id: 1A2B")


def test_a_missing_code_is_none_not_the_string_none() -> None:
    assert alibaba.to_cloud_error(ServerException(code="None", message="gateway timeout", status_code=504), "DescribeVpnGateways").code is None


@pytest.mark.parametrize(
    ("code", "gone"),
    [
        ("InvalidVpnGatewayInstanceId.NotFound", True),
        ("InvalidVpnConnectionInstanceId.NotFound", True),
        ("InvalidRouteEntry.NotFound", True),
        ("INSTANCE_NOT_EXISTS", True),
        ("InvalidRegionId.NotFound", False),  # a wrong region is the user's mistake, not "already deleted"
        ("DependencyViolation", False),
        (None, False),
    ],
)
def test_not_found_codes(code, gone) -> None:
    assert alibaba.is_not_found(code) is gone


def test_sdk_method_names_follow_the_action() -> None:
    assert alibaba._method_name("DescribeVpnConnectionLogs") == "describe_vpn_connection_logs"
    assert alibaba._method_name("CreateVpnGateway") == "create_vpn_gateway"


# --------------------------------------------------------------------------- normalisation

GATEWAY = {
    "VpnGatewayId": "vpn-bp1q8m2xkq0w3n5b6v7c8", "VpcId": "vpc-bp1q8z4kxq2rbmszq8w7e", "VSwitchId": "vsw-bp1n7qdk7zx8k2a9ohx3m",
    "DisasterRecoveryVSwitchId": "vsw-bp1d4t5r6e7w8q9a0s1d2", "InternetIp": "198.51.100.24", "DisasterRecoveryInternetIp": "198.51.100.25",
    "Status": "active", "BusinessStatus": "Normal", "Spec": "10M", "IpsecVpn": "enable", "SslVpn": "disable", "Name": "hz-to-aws",
    "Tags": {"Tag": [{"Key": "project", "Value": "interconnect"}]}, "EniInstanceIds": {"EniInstanceId": ["eni-1", "eni-2"]},
}


def test_gateway_normalises_to_snake_case_with_useful_types() -> None:
    gateway = alibaba.normalize_vpn_gateway(GATEWAY)
    assert gateway["vswitch_id"] == "vsw-bp1n7qdk7zx8k2a9ohx3m"
    assert gateway["disaster_recovery_vswitch_id"] == "vsw-bp1d4t5r6e7w8q9a0s1d2"
    assert (gateway["internet_ip"], gateway["disaster_recovery_internet_ip"]) == ("198.51.100.24", "198.51.100.25")
    assert (gateway["bandwidth"], gateway["enable_ipsec"], gateway["enable_ssl"]) == (10, True, False)
    assert gateway["tags"] == {"project": "interconnect"}
    assert gateway["eni_instance_ids"] == ["eni-1", "eni-2"]  # the double list nesting is unwrapped
    assert "ipsec_vpn" not in gateway


@pytest.mark.parametrize(
    ("name", "snake"),
    [("DisasterRecoveryVSwitchId", "disaster_recovery_vswitch_id"), ("InternetIp", "internet_ip"), ("VpnConnectionId", "vpn_connection_id"),
     ("EnableNatTraversal", "enable_nat_traversal"), ("IkeLifetime", "ike_lifetime"), ("EnableIPv6", "enable_ipv6")],
)
def test_snake_names(name, snake) -> None:
    assert alibaba.snake_name(name) == snake


DUAL_CONNECTION = {
    "VpnConnectionId": "vco-gw8q8m2xkq0w3n5b6v7c8", "VpnGatewayId": "vpn-gw8q8m2xkq0w3n5b6v7c8", "CustomerGatewayId": "",
    "Name": "to-aws", "LocalSubnet": "0.0.0.0/0", "RemoteSubnet": "0.0.0.0/0", "Status": "ipsec_sa_established",
    "EffectImmediately": True,
    "TunnelOptionsSpecification": {"TunnelOptions": [
        {"TunnelId": "tun-1", "Role": "master", "Status": "ipsec_sa_established", "State": "active", "CustomerGatewayId": "cgw-1",
         "EnableDpd": "true", "EnableNatTraversal": "false", "TunnelIndex": 1, "InternetIp": "198.51.100.24",
         "TunnelIkeConfig": {"IkeVersion": "ikev2", "IkeEncAlg": "aes256", "IkeLifetime": "86400", "Psk": "Tunnel1Key"},
         "TunnelIpsecConfig": {"IpsecEncAlg": "aes256", "IpsecPfs": "group14"}},
        {"TunnelId": "tun-2", "Role": "slave", "Status": "ike_sa_not_established", "State": "active", "CustomerGatewayId": "cgw-2",
         "EnableDpd": "true", "EnableNatTraversal": "true", "TunnelIndex": 2, "InternetIp": "198.51.100.25",
         "TunnelIkeConfig": {"IkeVersion": "ikev2", "IkeEncAlg": "aes256", "Psk": "Tunnel2Key"},
         "TunnelIpsecConfig": {"IpsecEncAlg": "aes256", "IpsecPfs": "group14"}},
    ]},
}


def test_dual_tunnel_connection_normalises_tunnels_with_option_names() -> None:
    connection = alibaba.normalize_vpn_connection(DUAL_CONNECTION)
    master, slave = connection["tunnel_options"]
    assert master["ike_config"] == {"ike_version": "ikev2", "ike_enc_alg": "aes256", "ike_lifetime": 86400, "psk": "Tunnel1Key"}
    assert (master["enable_dpd"], master["enable_nat_traversal"], slave["enable_nat_traversal"]) == (True, False, True)
    assert connection["local_subnet"] == ["0.0.0.0/0"]
    # The connection shows its best tunnel, but it is only established when every tunnel is.
    assert connection["status"] == "ipsec_sa_established" and connection["established"] is False


def test_subnets_split_and_sort() -> None:
    assert alibaba.split_subnets("10.1.0.0/16, 10.0.0.0/16") == ["10.0.0.0/16", "10.1.0.0/16"]
    assert alibaba.split_subnets(None) == []


# --------------------------------------------------------------------------- predicates


def test_gateway_predicates() -> None:
    assert alibaba.vpn_gateway_is_active(GATEWAY)
    assert not alibaba.vpn_gateway_is_active(dict(GATEWAY, Status="updating"))
    assert alibaba.vpn_gateway_problem(dict(GATEWAY, Status="updating")) is None
    assert "FinancialLocked" in alibaba.vpn_gateway_problem(dict(GATEWAY, BusinessStatus="FinancialLocked"))
    assert alibaba.vpn_gateway_problem(None) == "the VPN gateway does not exist"


def test_connection_status_names_each_tunnel_and_what_its_status_means() -> None:
    text = alibaba.describe_connection_status(DUAL_CONNECTION)
    assert text.startswith("tunnel tun-1 (master): ipsec_sa_established; tunnel tun-2 (slave): ike_sa_not_established")
    assert "check the peer address, the pre-shared key" in text


def test_single_tunnel_established_reads_the_connection_status() -> None:
    single = {"VpnConnectionId": "vco-1", "Status": "ipsec_sa_established"}
    assert alibaba.connection_is_established(single)
    assert not alibaba.connection_is_established(dict(single, Status="ike_sa_established"))
    assert not alibaba.connection_is_established(None)


# --------------------------------------------------------------------------- waiting for a busy gateway


def test_retry_while_busy_waits_out_a_configuring_gateway(monkeypatch) -> None:
    monkeypatch.setattr(alibaba, "POLL_SECONDS", 0.0)
    answers = [CloudError("busy", cloud="alibaba", operation="CreateVpnRouteEntry", code="VpnGateway.Configuring"), "done"]
    waits: list[float] = []

    def mutation() -> str:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    assert alibaba.retry_while_busy(mutation, alibaba.GATEWAY_BUSY_CODES, 10, before_each=waits.append) == "done"
    assert len(waits) == 2  # the gateway is awaited before each attempt


def test_retry_while_busy_passes_other_errors_through() -> None:
    def mutation() -> None:
        raise CloudError("bad", cloud="alibaba", operation="CreateVpnRouteEntry", code="InvalidParameter")

    with pytest.raises(CloudError, match="bad"):
        alibaba.retry_while_busy(mutation, alibaba.GATEWAY_BUSY_CODES, 10)


def test_retry_while_busy_gives_up_at_the_deadline() -> None:
    calls = []

    def mutation() -> None:
        calls.append(1)
        raise CloudError("busy", cloud="alibaba", operation="ModifyVpnConnectionAttribute", code="VpnGateway.Configuring")

    with pytest.raises(CloudError, match="busy"):
        alibaba.retry_while_busy(mutation, alibaba.GATEWAY_BUSY_CODES, 0)
    assert calls == [1]


# --------------------------------------------------------------------------- input rules (from cloud_facts)


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        ("203.0.113.10", None),
        ("100.64.7.1", "ip_address: 100.64.7.1 lies in 100.64.0.0/10, which Alibaba refuses for a customer gateway"),
        ("169.254.10.1", "ip_address: 169.254.10.1 lies in 169.254.0.0/16, which Alibaba refuses for a customer gateway"),
        ("127.0.0.1", "ip_address: 127.0.0.1 lies in 127.0.0.0/8, which Alibaba refuses for a customer gateway"),
        ("not-an-ip", "ip_address: 'not-an-ip' is not an IP address"),
    ],
)
def test_customer_gateway_addresses(address, problem) -> None:
    assert alibaba.ip_address_problem("ip_address", address) == problem


@pytest.mark.parametrize(
    ("asn", "problem"),
    [
        (64512, None),
        (7224, None),  # a public ASN is fine for a peer
        (4200000001, None),
        (45104, "asn 45104 is reserved by Alibaba Cloud (its VPN gateways use it)"),
        (23456, "asn 23456 is reserved by IANA"),
        (0, "asn 0 is outside 1-4294967295"),
        (2 ** 32, "asn 4294967296 is outside 1-4294967295"),
    ],
)
def test_customer_gateway_asns(asn, problem) -> None:
    assert alibaba.customer_gateway_asn_problem(asn) == problem


@pytest.mark.parametrize(
    ("destination", "problem"),
    [
        ("172.80.64.0/19", None),
        ("0.0.0.0/0", "route_dest 0.0.0.0/0 is not allowed on an Alibaba VPN gateway"),
        ("100.64.1.0/24", "route_dest 100.64.1.0/24 overlaps 100.64.0.0/10, which breaks IPsec negotiation on Alibaba VPN gateways"),
        ("64.0.0.0/2", "route_dest 64.0.0.0/2 overlaps 100.64.0.0/10, which breaks IPsec negotiation on Alibaba VPN gateways"),
        ("10.0.0.1/8", "route_dest: '10.0.0.1/8' has host bits set; the network is 10.0.0.0/8"),
    ],
)
def test_vpn_route_destinations(destination, problem) -> None:
    assert alibaba.vpn_route_destination_problem(destination) == problem


@pytest.mark.parametrize(
    ("destination", "next_hop_type", "problem"),
    [
        ("172.80.64.0/19", "VpnGateway", None),
        ("0.0.0.0/0", "NatGateway", None),
        ("0.0.0.0/0", "VpnGateway", "destination_cidr_block 0.0.0.0/0 cannot point to a VpnGateway on Alibaba Cloud"),
        ("100.64.8.0/24", "Instance", "destination_cidr_block 100.64.8.0/24 lies in 100.64.0.0/10, which Alibaba refuses in VPC route tables"),
    ],
)
def test_vpc_route_destinations(destination, next_hop_type, problem) -> None:
    assert alibaba.vpc_route_problem(destination, next_hop_type) == problem
