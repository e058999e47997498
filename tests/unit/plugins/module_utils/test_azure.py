"""module_utils/azure.py: client wiring, the lab-only auth path, error mapping and long-running operations.

Clients are real NetworkManagementClient objects (nothing is sent: only their configuration is read),
errors are real azure-core exceptions built from real HTTP responses, pollers are real LROPollers.
"""
from __future__ import annotations

import threading

import pytest
import requests
from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.testing import patch_module_args
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError, ServiceRequestError
from azure.core.pipeline.transport import RequestsTransportResponse
from azure.core.polling import LROPoller, NoPolling, PollingMethod
from azure.core.rest import HttpRequest
from azure.identity import ClientSecretCredential, DefaultAzureCredential
from azure.mgmt.core.exceptions import ARMErrorFormat
from azure.mgmt.network import models

from ansible_collections.multicloud.interconnect.plugins.module_utils import azure
from ansible_collections.multicloud.interconnect.plugins.module_utils.errors import CloudError, WaitTimeout

SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"


def module_with(args: dict) -> AnsibleModule:
    with patch_module_args(dict(args, _ansible_module_name="azure_vpn_gateway")):
        return AnsibleModule(argument_spec=azure.AZURE_COMMON_ARGUMENT_SPEC, required_together=azure.AZURE_REQUIRED_TOGETHER)


def arm_error(error_type: type, status: int, code: str, message: str) -> HttpResponseError:
    """An azure-core error as the SDK raises it for an ARM error answer."""
    raw = requests.Response()
    raw.status_code, raw.reason = status, "Error"
    raw._content = ('{"error": {"code": "%s", "message": "%s"}}' % (code, message)).encode()
    raw.headers["Content-Type"] = "application/json"
    response = RequestsTransportResponse(HttpRequest("GET", "http://127.0.0.1:9/x"), raw)
    return error_type(response=response, error_format=ARMErrorFormat)


# --------------------------------------------------------------------------- endpoints and the lab path


@pytest.mark.parametrize("url, lab", [
    ("http://127.0.0.1:8083", True),
    ("http://127.9.9.9:1/", True),
    ("http://localhost:8083", True),
    ("http://[::1]:8083", True),
    ("https://127.0.0.1:8083", False),
    ("http://10.0.0.5:8083", False),
    ("http://management.azure.com", False),
    ("https://management.azure.com", False),
    (None, False),
])
def test_only_plain_http_on_loopback_is_the_lab(url, lab) -> None:
    assert azure.is_lab_endpoint(url) is lab


def test_plain_http_is_refused_off_loopback() -> None:
    assert "only allowed for a loopback" in azure.base_url_problem("http://203.0.113.5:8080")
    assert "not an http(s) URL" in azure.base_url_problem("ftp://127.0.0.1/")
    assert azure.base_url_problem("https://management.usgovcloudapi.net") is None
    assert azure.base_url_problem(None) is None


def test_lab_client_uses_the_bearer_policy_a_static_token_and_fast_polling() -> None:
    module = module_with({"subscription_id": SUBSCRIPTION, "base_url": "http://127.0.0.1:8083/", "retry_total": 3})
    session = azure.network_session(module)
    config = session.client._config
    assert isinstance(config.authentication_policy, azure.LabBearerPolicy)
    assert isinstance(config.credential, azure.LabCredential)
    assert config.credential.get_token("https://management.azure.com/.default").token == azure.LAB_TOKEN
    assert config.retry_policy.total_retries == 3
    assert config.polling_interval == azure.LAB_POLLING_INTERVAL
    assert config.base_url == "http://127.0.0.1:8083"
    assert "multicloud.interconnect/azure_vpn_gateway" in config.user_agent_policy.user_agent
    assert session.subscription_id == SUBSCRIPTION


def test_real_clouds_get_azure_identity_credentials_and_their_own_token_audience() -> None:
    default = azure.network_session(module_with({"subscription_id": SUBSCRIPTION}))
    assert isinstance(default.client._config.credential, DefaultAzureCredential)
    assert not isinstance(default.client._config.authentication_policy, azure.LabBearerPolicy)
    assert default.settle_delay == azure.CLOUD_SETTLE_DELAY

    sovereign = azure.network_session(module_with({
        "subscription_id": SUBSCRIPTION, "base_url": "https://management.usgovcloudapi.net",
        "tenant_id": "11111111-1111-1111-1111-111111111111", "client_id": "22222222-2222-2222-2222-222222222222", "client_secret": "not-a-secret",
    }))
    assert isinstance(sovereign.client._config.credential, ClientSecretCredential)
    assert sovereign.client._config.credential_scopes == ["https://management.usgovcloudapi.net/.default"]


def test_http_off_loopback_never_builds_a_client() -> None:
    with pytest.raises(ValueError, match="only allowed for a loopback"):
        azure.network_session(module_with({"subscription_id": SUBSCRIPTION, "base_url": "http://198.51.100.7"}))


def test_subscription_and_endpoint_fall_back_to_environment_variables(monkeypatch) -> None:
    monkeypatch.setenv("AZURE_SUBSCRIPTION_ID", SUBSCRIPTION)
    monkeypatch.setenv("MCI_AZURE_BASE_URL", "http://127.0.0.1:8083")
    module = module_with({})
    assert (module.params["subscription_id"], module.params["base_url"]) == (SUBSCRIPTION, "http://127.0.0.1:8083")


def test_a_partial_service_principal_is_refused() -> None:
    with patch_module_args({"subscription_id": SUBSCRIPTION, "client_id": "someone"}), pytest.raises(SystemExit):
        azure.azure_module({})


# --------------------------------------------------------------------------- ids


def test_references_become_ids_and_ids_split_back() -> None:
    gateway_id = azure.reference_id("hub-vpngw", SUBSCRIPTION, "multicloud", "virtualNetworkGateways")
    assert gateway_id == "/subscriptions/%s/resourceGroups/multicloud/providers/Microsoft.Network/virtualNetworkGateways/hub-vpngw" % SUBSCRIPTION
    elsewhere = "/subscriptions/%s/resourceGroups/ips/providers/Microsoft.Network/publicIPAddresses/edge-a/" % SUBSCRIPTION
    assert azure.reference_id(elsewhere, SUBSCRIPTION, "multicloud", "publicIPAddresses") == elsewhere.rstrip("/")
    assert (azure.id_resource_group(elsewhere), azure.id_name(elsewhere)) == ("ips", "edge-a")
    assert azure.same_id(gateway_id.upper(), gateway_id + "/")
    assert azure.normalize_location("East US") == "eastus"


# --------------------------------------------------------------------------- errors


@azure.azure_api("get thing", when_not_found=None)
def get_that_raises(error: Exception) -> dict:
    raise error


@azure.azure_api("delete thing", when_not_found=False)
def delete_that_raises(error: Exception) -> bool:
    raise error


@azure.azure_api("create thing")
def create_that_raises(error: Exception) -> dict:
    raise error


def test_not_found_is_none_on_read_and_false_on_delete() -> None:
    missing = arm_error(ResourceNotFoundError, 404, "ResourceNotFound", "The Resource 'x' was not found.")
    assert get_that_raises(missing) is None
    assert delete_that_raises(missing) is False
    with pytest.raises(CloudError) as raised:
        create_that_raises(missing)
    assert (raised.value.code, raised.value.status) == ("ResourceNotFound", 404)


def test_arm_errors_become_one_cloud_error_with_code_status_and_message() -> None:
    with pytest.raises(CloudError) as raised:
        create_that_raises(arm_error(HttpResponseError, 400, "InvalidCustomBgpIpAddress", "169.254.30.2 is outside the range"))
    error = raised.value
    assert (error.cloud, error.operation, error.code, error.status) == ("azure", "create thing", "InvalidCustomBgpIpAddress", 400)
    assert str(error) == "azure create thing failed (InvalidCustomBgpIpAddress): 169.254.30.2 is outside the range"


def test_connection_failures_become_cloud_errors_without_a_code() -> None:
    with pytest.raises(CloudError) as raised:
        create_that_raises(ServiceRequestError("connection refused"))
    assert raised.value.code is None and "connection refused" in str(raised.value)


def test_other_exceptions_are_not_swallowed() -> None:
    with pytest.raises(KeyError):
        create_that_raises(KeyError("bug"))


# --------------------------------------------------------------------------- models and long-running operations


def test_sdk_models_turn_into_arm_json() -> None:
    model = models.VirtualNetworkGateway(location="eastus", active_active=True, sku=models.VirtualNetworkGatewaySku(name="VpnGw1"))
    assert azure.wire_dict(model) == {"location": "eastus", "properties": {"activeActive": True, "sku": {"name": "VpnGw1"}}}
    assert azure.wire_dict({"a": 1}) == {"a": 1}
    assert azure.wire_dict(None) is None


class NeverFinishes(PollingMethod):
    """A polling method whose operation runs until the test releases it (an operation Azure is slow with)."""

    def __init__(self) -> None:
        self.release = threading.Event()

    def initialize(self, client, initial_response, deserialization_callback) -> None:
        self.initial = initial_response

    def run(self) -> None:
        self.release.wait(10)

    def status(self) -> str:
        return "InProgress"

    def finished(self) -> bool:
        return self.release.is_set()

    def resource(self):
        return None


def test_an_operation_past_its_timeout_raises_wait_timeout_with_the_last_status() -> None:
    method = NeverFinishes()
    poller = LROPoller(None, {"properties": {"provisioningState": "Updating"}}, lambda response: response, method)
    try:
        with pytest.raises(WaitTimeout) as raised:
            azure.finish(poller, what="virtual network gateway hub-vpngw", wait=True, timeout=0.2)
        assert "timed out after 0.2s waiting for virtual network gateway hub-vpngw" in str(raised.value)
        assert raised.value.last_seen == "operation InProgress"
    finally:
        method.release.set()


def test_without_wait_the_first_answer_is_the_result() -> None:
    initial = {"name": "hub-vpngw", "properties": {"provisioningState": "Updating"}}
    poller = LROPoller(None, initial, lambda response: response, NoPolling())
    assert azure.finish(poller, what="gateway", wait=False, timeout=1) == initial
    assert azure.lro_options(False) == {"polling": False} and azure.lro_options(True) == {}


def test_settled_states_take_new_writes() -> None:
    assert azure.is_settled(None)
    assert azure.is_settled({"properties": {"provisioningState": "Succeeded"}})
    assert azure.is_settled({"properties": {"provisioningState": "Failed"}})
    assert not azure.is_settled({"properties": {"provisioningState": "Updating"}})
    assert not azure.is_settled({"properties": {"provisioningState": "Deleting"}})
    assert azure.describe_state(None) == "gone"
