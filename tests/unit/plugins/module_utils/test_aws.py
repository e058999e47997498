"""module_utils/aws.py: client wiring, error mapping, tags, normalisation and waiter predicates.

Clients are real boto3 clients (nothing is sent: only their configuration is read), errors are
real botocore exception objects.
"""
from __future__ import annotations

import datetime

import pytest
from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.testing import patch_module_args
from botocore.exceptions import ClientError, EndpointConnectionError

from ansible_collections.multicloud.interconnect.plugins.module_utils import aws
from ansible_collections.multicloud.interconnect.plugins.module_utils.errors import CloudError


def client_error(code: str, message: str = "boom", status: int = 400) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPStatusCode": status}}, "DescribeThings")


def module_with(args: dict) -> AnsibleModule:
    with patch_module_args(dict(args, _ansible_module_name="aws_vpn_connection")):
        return AnsibleModule(argument_spec=aws.AWS_COMMON_ARGUMENT_SPEC)


# --------------------------------------------------------------------------- client


def test_client_honours_endpoint_region_retry_mode_and_user_agent() -> None:
    module = module_with({"region": "eu-central-1", "endpoint_url": "http://127.0.0.1:5999", "retry_mode": "adaptive", "max_attempts": 4,
                          "access_key": "AKIDEXAMPLE", "secret_key": "not-a-real-secret"})
    client = aws.ec2_client(module)
    assert client.meta.endpoint_url == "http://127.0.0.1:5999"
    assert client.meta.region_name == "eu-central-1"
    assert client.meta.config.retries == {"mode": "adaptive", "total_max_attempts": 4}
    assert "multicloud.interconnect/aws_vpn_connection" in client.meta.config.user_agent_extra


def test_endpoint_and_region_fall_back_to_the_sdk_environment_variables(monkeypatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:5123")
    monkeypatch.setenv("AWS_REGION", "ap-southeast-1")
    module = module_with({})
    assert (module.params["endpoint_url"], module.params["region"]) == ("http://127.0.0.1:5123", "ap-southeast-1")
    assert module.params["retry_mode"] == "standard" and module.params["max_attempts"] == 10


def test_session_arguments_leave_unset_credentials_to_the_sdk_chain() -> None:
    assert aws.session_arguments({"region": "us-east-1", "profile": None, "access_key": None}) == {"region_name": "us-east-1"}
    assert aws.session_arguments({"profile": "lab"}) == {"profile_name": "lab"}


def test_a_profile_excludes_explicit_keys() -> None:
    with patch_module_args({"profile": "lab", "access_key": "AKIDEXAMPLE"}), pytest.raises(SystemExit):
        aws.aws_module({})


# --------------------------------------------------------------------------- errors


@aws.aws_api("delete thing", not_found_ok=True, when_not_found=False)
def delete_that_raises(error: Exception) -> bool:
    raise error


@aws.aws_api("describe things", not_found_ok=True, when_not_found=[])
def describe_that_raises(error: Exception) -> list:
    raise error


@aws.aws_api("create thing")
def create_that_raises(error: Exception) -> dict:
    raise error


def test_not_found_on_delete_is_success_and_on_describe_is_empty() -> None:
    assert delete_that_raises(client_error("InvalidVpnGatewayID.NotFound")) is False
    assert describe_that_raises(client_error("InvalidRoute.NotFound")) == []


def test_client_errors_become_one_cloud_error_with_code_status_and_operation() -> None:
    with pytest.raises(CloudError) as raised:
        create_that_raises(client_error("InvalidParameterValue", "bad ASN", 400))
    error = raised.value
    assert (error.cloud, error.operation, error.code, error.status, error.message) == ("aws", "create thing", "InvalidParameterValue", 400, "bad ASN")
    assert str(error) == "aws create thing failed (InvalidParameterValue): bad ASN"


def test_not_found_is_an_error_where_not_expected() -> None:
    with pytest.raises(CloudError) as raised:
        create_that_raises(client_error("InvalidCustomerGatewayID.NotFound"))
    assert raised.value.code == "InvalidCustomerGatewayID.NotFound"


def test_sdk_errors_without_a_response_become_cloud_errors() -> None:
    with pytest.raises(CloudError) as raised:
        describe_that_raises(EndpointConnectionError(endpoint_url="http://127.0.0.1:1"))
    assert raised.value.code is None and "127.0.0.1:1" in raised.value.message


# --------------------------------------------------------------------------- tags and filters


def test_tags_are_only_set_when_given_and_purge_spares_aws_tags() -> None:
    current = {"Name": "gw", "team": "net", "aws:cloudformation:stack-name": "x"}
    assert aws.desired_tags(None, None) is None
    assert aws.tag_changes(current, None, purge=True) == ({}, [])
    wanted = aws.desired_tags({"team": "netops"}, "gw")
    assert aws.tag_changes(current, wanted, purge=True) == ({"team": "netops"}, [])
    assert aws.tag_changes(current, {"Name": "gw"}, purge=True) == ({}, ["team"])
    assert aws.tag_changes(current, {"Name": "gw"}, purge=False) == ({}, [])


def test_tag_reconciliation_predicts_without_a_client_in_check_mode() -> None:
    current = {"Name": "gw", "team": "net"}
    assert aws.reconcile_tags(None, "vgw-1", current, {"Name": "gw", "env": "lab"}, purge=True, check_mode=True) == (
        True, {"Name": "gw", "env": "lab"})
    assert aws.reconcile_tags(None, "vgw-1", current, None, purge=True, check_mode=True) == (False, current)


def test_tag_specifications_and_filters_use_the_ec2_shapes() -> None:
    assert aws.tag_specifications("vpn-gateway", {"b": 2, "a": "1"}) == [
        {"ResourceType": "vpn-gateway", "Tags": [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]}]
    assert aws.tag_specifications("vpn-gateway", {}) == []
    assert aws.filters_from_dict({"tag:Name": "x", "state": ["pending", "available"]}) == [
        {"Name": "tag:Name", "Values": ["x"]}, {"Name": "state", "Values": ["pending", "available"]}]


# --------------------------------------------------------------------------- normalisation


def test_vpn_gateway_returns_asn_and_the_current_attachment_only() -> None:
    raw = {"VpnGatewayId": "vgw-1", "State": "available", "Type": "ipsec.1", "AmazonSideAsn": 4200000000,
           "VpcAttachments": [{"VpcId": "vpc-old", "State": "detached"}, {"VpcId": "vpc-new", "State": "attached"}],
           "Tags": [{"Key": "Name", "Value": "gw"}]}
    gateway = aws.normalize_vpn_gateway(raw, ["rtb-2", "rtb-1"])
    assert gateway["amazon_side_asn"] == 4200000000
    assert gateway["vpc_id"] == "vpc-new"
    assert gateway["propagating_route_table_ids"] == ["rtb-1", "rtb-2"]
    assert gateway["tags"] == {"Name": "gw"}


def test_customer_gateway_asn_is_an_integer_even_when_extended() -> None:
    assert aws.customer_gateway_asn({"BgpAsn": "65000"}) == 65000
    assert aws.customer_gateway_asn({"BgpAsn": "65000", "BgpAsnExtended": "4200000101"}) == 4200000101
    gateway = aws.normalize_customer_gateway({"CustomerGatewayId": "cgw-1", "IpAddress": "198.51.100.24", "BgpAsn": "45104",
                                              "Tags": [{"Key": "Name", "Value": "alibaba"}]})
    assert (gateway["bgp_asn"], gateway["ip_address"], gateway["tags"]) == (45104, "198.51.100.24", {"Name": "alibaba"})


def test_timestamps_become_iso_strings_and_tag_keys_keep_their_case() -> None:
    stamp = datetime.datetime(2026, 11, 22, 20, 14, 3, tzinfo=datetime.timezone.utc)
    resource = aws.snake_resource({"LastStatusChange": stamp, "Tags": [{"Key": "CostCenter", "Value": "7"}]})
    assert resource == {"last_status_change": "2026-11-22T20:14:03+00:00", "tags": {"CostCenter": "7"}}


# --------------------------------------------------------------------------- waiter predicates


def test_tunnel_predicates_distinguish_any_and_all() -> None:
    one_up = {"VgwTelemetry": [{"Status": "UP"}, {"Status": "DOWN"}]}
    assert aws.tunnels_are_up("any")(one_up) and not aws.tunnels_are_up("all")(one_up)
    assert not aws.tunnels_are_up("any")({"VgwTelemetry": []})
    assert aws.tunnels_are_up("all")({"VgwTelemetry": [{"Status": "UP"}, {"Status": "UP"}]})


def test_state_predicates() -> None:
    assert aws.vpn_connection_failure({"State": "deleting"}) == "the VPN connection is deleting"
    assert aws.vpn_connection_failure({"State": "pending"}) is None
    assert aws.vpn_gateway_is_detached({"VpcAttachments": [{"VpcId": "vpc-1", "State": "detached"}]})
    assert not aws.vpn_gateway_is_detached({"VpcAttachments": [{"VpcId": "vpc-1", "State": "detaching"}]})
    assert aws.vpn_gateway_is_attached_to("vpc-1")({"VpcAttachments": [{"VpcId": "vpc-1", "State": "attached"}]})
    assert not aws.vpn_gateway_is_attached_to("vpc-1")({"VpcAttachments": [{"VpcId": "vpc-1", "State": "attaching"}]})
    assert aws.resource_is_gone(None) and aws.resource_is_gone({"State": "deleted"})
