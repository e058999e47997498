"""The azure_* modules, run for real against the lab's Azure emulator.

Each module's ``main()`` runs in this process with its arguments patched in (ansible's own
``patch_module_args``), talking HTTP to the emulator through azure-mgmt-network exactly as it does
under ansible-playbook; one test also runs a playbook. Idempotency and check mode are proven with the
lab's request log: a re-run or a check-mode run makes no mutating API call. Test fixtures (virtual
networks, out-of-band changes) go through azure-mgmt-network too.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from azure.core.exceptions import ResourceNotFoundError
from azure.mgmt.network import NetworkManagementClient
from azure.mgmt.network import models

from ansible_collections.multicloud.interconnect.plugins.module_utils import azure
from mci_lab.profiles import delay_profile
from tests.lab.conftest import context_with
from tests.lab.modules.conftest import OneCloudLab, assert_absent_twice, assert_predicts_without_mutating, run_idempotent

REPO_ROOT = Path(__file__).resolve().parents[3]
COLLECTIONS_PATH = REPO_ROOT / ".cache" / "collections"
SUBSCRIPTION = "00000000-0000-0000-0000-000000000001"
GROUP = "multicloud"
LOCATION = "eastus"
KEY = "Lab0SharedKey0123"
ROTATED_KEY = "Rotated0Key0456"
LAB_PUBLIC_RANGES = ("198.51.100.", "203.0.113.")

GATEWAY_ARGS = {
    "name": "hub-vpngw", "resource_group": GROUP, "virtual_network": "hub", "enable_bgp": True, "asn": 65010,
    "custom_bgp_ip_addresses": [["169.254.21.2", "169.254.21.6"], ["169.254.22.2", "169.254.22.6"]],
}
LOCAL_GATEWAY_ARGS = {
    "name": "aws-00", "resource_group": GROUP, "location": LOCATION, "gateway_ip_address": "198.51.100.77",
    "address_prefixes": [], "bgp_settings": {"asn": 64520, "bgp_peering_address": "169.254.21.1"},
}
GCM_POLICY = {
    "ike_encryption": "GCMAES256", "ike_integrity": "SHA384", "dh_group": "ECP384", "ipsec_encryption": "GCMAES256",
    "ipsec_integrity": "GCMAES256", "pfs_group": "ECP384", "sa_lifetime_seconds": 10800, "sa_data_size_kilobytes": 102400000,
}
CONNECTION_ARGS = {
    "name": "aws-00", "resource_group": GROUP, "virtual_network_gateway": "hub-vpngw", "local_network_gateway": "aws-00",
    "shared_key": KEY, "enable_bgp": True, "connection_protocol": "IKEv2", "ipsec_policies": [GCM_POLICY],
    "gateway_custom_bgp_ip_addresses": ["169.254.21.2", "169.254.22.2"],
}


@dataclass
class AzureLab(OneCloudLab):
    client: NetworkManagementClient

    def connection_args(self, module: str) -> dict:
        return {"base_url": self.endpoint, "subscription_id": SUBSCRIPTION}


def lab_client(endpoint: str) -> NetworkManagementClient:
    """An SDK client for fixtures, wired the way the modules wire theirs for the lab."""
    return NetworkManagementClient(azure.LabCredential(), SUBSCRIPTION, base_url=endpoint,
                                   authentication_policy=azure.LabBearerPolicy(), polling_interval=0)


def create_hub_network(client: NetworkManagementClient) -> None:
    client.virtual_networks.begin_create_or_update(GROUP, "hub", models.VirtualNetwork(
        location=LOCATION, address_space=models.AddressSpace(address_prefixes=["192.168.0.0/16"]),
        subnets=[models.Subnet(name="GatewaySubnet", address_prefix="192.168.1.0/24"), models.Subnet(name="vms", address_prefix="192.168.2.0/24")],
    )).result()


def start_lab(start_emulator, ctx, with_network: bool = True) -> AzureLab:
    running = start_emulator("azure", ctx)
    lab = AzureLab(running.endpoint, ctx.request_log.path, lab_client(running.endpoint))
    if with_network:
        create_hub_network(lab.client)
    return lab


@pytest.fixture
def azure_lab(start_emulator, lab_ctx) -> AzureLab:
    return start_lab(start_emulator, lab_ctx)


def build_gateway_and_peer(lab: AzureLab) -> dict:
    gateway = lab.run("azure_vpn_gateway", GATEWAY_ARGS)
    assert gateway["changed"] is True, gateway.get("msg")
    assert lab.run("azure_local_network_gateway", LOCAL_GATEWAY_ARGS)["changed"] is True
    return gateway["virtual_network_gateway"]


# --------------------------------------------------------------------------- VPN gateway


def test_active_active_gateway_with_apipa_is_predicted_created_and_rerun_without_writes(azure_lab: AzureLab) -> None:
    predicted = assert_predicts_without_mutating(azure_lab, "azure_vpn_gateway", GATEWAY_ARGS)["virtual_network_gateway"]
    assert predicted["custom_bgp_ip_addresses"] == GATEWAY_ARGS["custom_bgp_ip_addresses"]
    assert [instance["public_ip_address"] for instance in predicted["instances"]] == [None, None]
    with pytest.raises(ResourceNotFoundError):
        azure_lab.client.virtual_network_gateways.get(GROUP, "hub-vpngw")

    gateway = run_idempotent(azure_lab, "azure_vpn_gateway", GATEWAY_ARGS)["virtual_network_gateway"]
    assert (gateway["active_active"], gateway["enable_bgp"], gateway["asn"], gateway["sku"]) == (True, True, 65010, "VpnGw1")
    assert gateway["provisioning_state"] == "Succeeded"
    first, second = gateway["instances"]
    assert first["public_ip_address"] != second["public_ip_address"]
    assert all(instance["public_ip_address"].startswith(LAB_PUBLIC_RANGES) for instance in gateway["instances"])
    assert (first["default_bgp_ip_addresses"], second["default_bgp_ip_addresses"]) == (["192.168.1.4"], ["192.168.1.5"])
    assert (first["custom_bgp_ip_addresses"], second["custom_bgp_ip_addresses"]) == (["169.254.21.2", "169.254.21.6"], ["169.254.22.2", "169.254.22.6"])

    stored = azure_lab.client.virtual_network_gateways.get(GROUP, "hub-vpngw")
    assert stored.active_active is True and len(stored.ip_configurations) == 2
    assert [entry.custom_bgp_ip_addresses for entry in stored.bgp_settings.bgp_peering_addresses] == GATEWAY_ARGS["custom_bgp_ip_addresses"]
    public_ip = azure_lab.client.public_ip_addresses.get(GROUP, "hub-vpngw-pip1")
    assert (public_ip.sku.name, public_ip.public_ip_allocation_method, public_ip.ip_address) == ("Standard", "Static", second["public_ip_address"])

    found = azure_lab.run("azure_vpn_gateway_info", {"resource_group": GROUP, "name": "hub-vpngw"})["virtual_network_gateways"]
    assert found == [gateway]
    assert azure_lab.run("azure_vpn_gateway_info", {"resource_group": GROUP, "name": "nothing"})["virtual_network_gateways"] == []


def test_gateway_update_changes_only_the_given_settings_and_deletes_once(azure_lab: AzureLab) -> None:
    azure_lab.run("azure_vpn_gateway", GATEWAY_ARGS)
    change = {"name": "hub-vpngw", "resource_group": GROUP, "custom_bgp_ip_addresses": [["169.254.21.2"], ["169.254.22.2", "169.254.22.10"]],
              "tags": {"env": "lab"}}
    predicted = assert_predicts_without_mutating(azure_lab, "azure_vpn_gateway", change)
    assert predicted["diff"]["before"]["custom_bgp_ip_addresses"] == GATEWAY_ARGS["custom_bgp_ip_addresses"]
    assert predicted["diff"]["after"]["custom_bgp_ip_addresses"] == change["custom_bgp_ip_addresses"]
    assert predicted["virtual_network_gateway"]["instances"][1]["default_bgp_ip_addresses"] == ["192.168.1.5"]

    changed = run_idempotent(azure_lab, "azure_vpn_gateway", change)["virtual_network_gateway"]
    assert changed == dict(predicted["virtual_network_gateway"], generation=changed["generation"])
    stored = azure_lab.client.virtual_network_gateways.get(GROUP, "hub-vpngw")
    assert (stored.bgp_settings.asn, stored.enable_bgp, stored.sku.name, stored.tags) == (65010, True, "VpnGw1", {"env": "lab"})
    assert [entry.custom_bgp_ip_addresses for entry in stored.bgp_settings.bgp_peering_addresses] == change["custom_bgp_ip_addresses"]

    absent = {"name": "hub-vpngw", "resource_group": GROUP, "delete_public_ips": True}
    assert_absent_twice(azure_lab, "azure_vpn_gateway", absent)
    with pytest.raises(ResourceNotFoundError):
        azure_lab.client.public_ip_addresses.get(GROUP, "hub-vpngw-pip0")


def test_gateway_cannot_swap_an_instance_public_ip(azure_lab: AzureLab) -> None:
    azure_lab.run("azure_vpn_gateway", GATEWAY_ARGS)
    since = time.time()
    result = azure_lab.run("azure_vpn_gateway", dict(GATEWAY_ARGS, public_ip_names=["hub-vpngw-pip0", "another-ip"]))
    assert result["failed"] and "public_ip_names[1]: instance 1 of hub-vpngw uses" in result["msg"]
    assert azure_lab.mutating_since(since) == []


def test_invalid_input_fails_naming_every_field_before_any_api_call(azure_lab: AzureLab) -> None:
    since = time.time()
    gateway = azure_lab.run("azure_vpn_gateway", dict(GATEWAY_ARGS, asn=65517, active_active=True, public_ip_names=["only-one"],
                                                      custom_bgp_ip_addresses=[["169.254.21.2"], ["169.254.30.2"]]))
    assert gateway["failed"] is True
    assert gateway["msg"] == ("asn: ASN 65517 is reserved by azure; public_ip_names: an active-active gateway needs 2 public IP(s), got 1; "
                              "custom_bgp_ip_addresses[1][0]: 169.254.30.2 is outside the Azure custom APIPA range 169.254.21.0-169.254.22.255")
    local = azure_lab.run("azure_local_network_gateway", dict(LOCAL_GATEWAY_ARGS, bgp_settings={"asn": 23456, "bgp_peering_address": "169.254.21.1"}))
    assert local["msg"] == "bgp_settings.asn: ASN 23456 is reserved by IANA"
    connection = azure_lab.run("azure_vpn_connection", dict(CONNECTION_ARGS, shared_key="with space",
                                                            ipsec_policies=[dict(GCM_POLICY, dh_group="DHGroup5")]))
    assert connection["msg"] == ("shared_key: azure pre-shared keys may only contain printable ASCII without spaces, got ' '; "
                                 "ipsec_policies[0]: 'DHGroup5' is not an Azure dh group")
    assert "with space" not in json.dumps(connection)
    assert azure_lab.calls_since(since) == []


def test_wait_false_returns_instance_ips_at_once_and_a_connection_waits_for_the_gateway(start_emulator, tmp_path: Path) -> None:
    # Azure's 39-minute gateway takes about 2.3 s here (time scale 0.001), a connection about 0.1 s.
    lab = start_lab(start_emulator, context_with(tmp_path / "realistic", delays=delay_profile("realistic", 0.001)))
    started = lab.run("azure_vpn_gateway", dict(GATEWAY_ARGS, wait=False))["virtual_network_gateway"]
    assert started["provisioning_state"] == "Updating"
    assert all(instance["public_ip_address"].startswith(LAB_PUBLIC_RANGES) for instance in started["instances"])
    assert lab.run("azure_vpn_gateway_info", {"resource_group": GROUP})["virtual_network_gateways"][0]["provisioning_state"] == "Updating"
    assert lab.run("azure_local_network_gateway", LOCAL_GATEWAY_ARGS)["changed"] is True

    since = time.time()
    connection = lab.run("azure_vpn_connection", CONNECTION_ARGS)
    assert connection["changed"] is True, connection.get("msg")
    assert connection["connection"]["provisioning_state"] == "Succeeded"
    operations = [entry["operation"] for entry in lab.calls_since(since)]
    assert operations.count("virtualNetworkGateways.get") > 1  # polled while the gateway was Updating
    assert operations.index("virtualNetworkGatewayConnections.createOrUpdate") > operations.index("virtualNetworkGateways.get")

    ready = lab.run("azure_vpn_gateway_info", {"resource_group": GROUP, "name": "hub-vpngw"})["virtual_network_gateways"][0]
    assert ready["provisioning_state"] == "Succeeded"
    assert [instance["public_ip_address"] for instance in ready["instances"]] == [instance["public_ip_address"] for instance in started["instances"]]
    since = time.time()
    assert lab.run("azure_vpn_gateway", GATEWAY_ARGS)["changed"] is False
    assert lab.mutating_since(since) == []


# --------------------------------------------------------------------------- local network gateway


def test_local_network_gateway_drift_is_detected_and_corrected(azure_lab: AzureLab) -> None:
    args = dict(LOCAL_GATEWAY_ARGS, address_prefixes=["10.20.0.0/16"])
    assert_predicts_without_mutating(azure_lab, "azure_local_network_gateway", args)
    created = run_idempotent(azure_lab, "azure_local_network_gateway", args)["local_network_gateway"]
    assert created["bgp_settings"] == {"asn": 64520, "bgp_peering_address": "169.254.21.1", "peer_weight": 0}

    # Someone edits the peer in the portal: an extra prefix and another BGP address.
    drifted = azure_lab.client.local_network_gateways.get(GROUP, "aws-00")
    drifted.local_network_address_space.address_prefixes = ["10.20.0.0/16", "10.99.0.0/16"]
    drifted.bgp_settings.bgp_peering_address = "169.254.21.5"
    azure_lab.client.local_network_gateways.begin_create_or_update(GROUP, "aws-00", drifted).result()

    corrected = azure_lab.run("azure_local_network_gateway", args, diff=True)
    assert corrected["changed"] is True
    assert corrected["diff"]["before"]["address_prefixes"] == ["10.20.0.0/16", "10.99.0.0/16"]
    assert corrected["diff"]["after"]["bgp_settings"]["bgp_peering_address"] == "169.254.21.1"
    stored = azure_lab.client.local_network_gateways.get(GROUP, "aws-00")
    assert (stored.local_network_address_space.address_prefixes, stored.bgp_settings.bgp_peering_address) == (["10.20.0.0/16"], "169.254.21.1")

    added = azure_lab.run("azure_local_network_gateway", {"name": "aws-00", "resource_group": GROUP, "address_prefixes": ["10.30.0.0/16"],
                                                          "purge_address_prefixes": False})
    assert added["local_network_gateway"]["address_prefixes"] == ["10.20.0.0/16", "10.30.0.0/16"]
    no_bgp = azure_lab.run("azure_local_network_gateway", {"name": "aws-00", "resource_group": GROUP, "bgp_settings": {}})
    assert no_bgp["changed"] is True and no_bgp["local_network_gateway"]["bgp_settings"] is None
    assert azure_lab.run("azure_local_network_gateway_info", {"resource_group": GROUP})["local_network_gateways"] == [no_bgp["local_network_gateway"]]
    assert_absent_twice(azure_lab, "azure_local_network_gateway", {"name": "aws-00", "resource_group": GROUP})


# --------------------------------------------------------------------------- connection


def test_connection_is_created_with_policy_and_apipa_choice_then_reruns_without_writes(azure_lab: AzureLab) -> None:
    build_gateway_and_peer(azure_lab)
    predicted = assert_predicts_without_mutating(azure_lab, "azure_vpn_connection", CONNECTION_ARGS)
    assert predicted["shared_key_changed"] is True
    assert KEY not in json.dumps(predicted)

    connection = run_idempotent(azure_lab, "azure_vpn_connection", CONNECTION_ARGS)["connection"]
    assert connection["gateway_custom_bgp_ip_addresses"] == ["169.254.21.2", "169.254.22.2"]
    assert connection["ipsec_policies"] == [GCM_POLICY]
    assert (connection["connection_status"], len(connection["tunnel_connection_status"])) == ("NotConnected", 2)
    assert connection["ingress_bytes_transferred"] == 0
    stored = azure_lab.client.virtual_network_gateway_connections.get(GROUP, "aws-00")
    assert [entry.custom_bgp_ip_address for entry in stored.gateway_custom_bgp_ip_addresses] == ["169.254.21.2", "169.254.22.2"]
    assert azure_lab.client.virtual_network_gateway_connections.get_shared_key(GROUP, "aws-00").value == KEY

    found = azure_lab.run("azure_vpn_connection_info", {"resource_group": GROUP, "include_shared_key": True})["connections"]
    assert found == [dict(connection, shared_key=KEY)]


def test_shared_key_drift_is_detected_and_never_shown(azure_lab: AzureLab) -> None:
    build_gateway_and_peer(azure_lab)
    azure_lab.run("azure_vpn_connection", CONNECTION_ARGS)
    # The key is changed behind Ansible's back.
    azure_lab.client.virtual_network_gateway_connections.begin_set_shared_key(GROUP, "aws-00", models.ConnectionSharedKey(value=ROTATED_KEY)).result()

    predicted = assert_predicts_without_mutating(azure_lab, "azure_vpn_connection", CONNECTION_ARGS)
    assert predicted["shared_key_changed"] is True
    assert predicted["diff"]["before"]["shared_key"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
    assert predicted["diff"]["after"]["shared_key"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER (changed)"

    since = time.time()
    fixed = azure_lab.run("azure_vpn_connection", CONNECTION_ARGS, diff=True)
    assert (fixed["changed"], fixed["shared_key_changed"]) == (True, True)
    assert azure_lab.mutating_since(since) == ["virtualNetworkGatewayConnections.setSharedKey"]
    output = json.dumps(fixed)
    assert KEY not in output and ROTATED_KEY not in output
    assert azure_lab.client.virtual_network_gateway_connections.get_shared_key(GROUP, "aws-00").value == KEY


def test_connection_settings_are_reconciled_and_deleted_once(azure_lab: AzureLab) -> None:
    build_gateway_and_peer(azure_lab)
    azure_lab.run("azure_vpn_connection", CONNECTION_ARGS)
    change = dict(CONNECTION_ARGS, connection_mode="ResponderOnly", ipsec_policies=[], gateway_custom_bgp_ip_addresses=["169.254.21.6", "169.254.22.6"])
    predicted = assert_predicts_without_mutating(azure_lab, "azure_vpn_connection", change)
    assert predicted["diff"]["after"]["connection_mode"] == "ResponderOnly"
    assert predicted["shared_key_changed"] is False

    changed = run_idempotent(azure_lab, "azure_vpn_connection", change)["connection"]
    assert (changed["connection_mode"], changed["ipsec_policies"]) == ("ResponderOnly", [])
    assert changed["gateway_custom_bgp_ip_addresses"] == ["169.254.21.6", "169.254.22.6"]
    stored = azure_lab.client.virtual_network_gateway_connections.get(GROUP, "aws-00")
    assert (stored.connection_mode, stored.enable_bgp, stored.connection_protocol) == ("ResponderOnly", True, "IKEv2")
    assert azure_lab.client.virtual_network_gateway_connections.get_shared_key(GROUP, "aws-00").value == KEY

    assert_absent_twice(azure_lab, "azure_vpn_connection", {"name": "aws-00", "resource_group": GROUP})
    assert azure_lab.run("azure_vpn_connection_info", {"resource_group": GROUP})["connections"] == []


def test_connection_refuses_an_apipa_address_the_instance_does_not_have(azure_lab: AzureLab) -> None:
    build_gateway_and_peer(azure_lab)
    since = time.time()
    result = azure_lab.run("azure_vpn_connection", dict(CONNECTION_ARGS, gateway_custom_bgp_ip_addresses=["169.254.22.2", "169.254.22.6"]))
    assert result["msg"] == ("gateway_custom_bgp_ip_addresses[0]: 169.254.22.2 is not a custom BGP IP address of gateway hub-vpngw "
                             "instance 0 (169.254.21.2, 169.254.21.6)")
    assert azure_lab.mutating_since(since) == []


def warned(result: dict, capsys) -> str:
    """A module's warnings: in its result, or on stderr when another test left ansible's display configured."""
    return json.dumps(result.get("warnings", [])) + capsys.readouterr().err


def test_check_mode_predicts_resources_whose_dependencies_are_only_predicted(azure_lab: AzureLab, capsys) -> None:
    since = time.time()
    gateway = azure_lab.run("azure_vpn_gateway", dict(GATEWAY_ARGS, virtual_network="spoke", location=LOCATION), check=True)
    assert gateway["changed"] is True and "spoke does not exist (yet)" in warned(gateway, capsys)
    connection = azure_lab.run("azure_vpn_connection", dict(CONNECTION_ARGS, location=LOCATION), check=True)
    assert connection["changed"] is True and "hub-vpngw does not exist (yet)" in warned(connection, capsys)
    assert connection["connection"]["gateway_custom_bgp_ip_addresses"] == CONNECTION_ARGS["gateway_custom_bgp_ip_addresses"]
    # For real, the same input fails before any write.
    real = azure_lab.run("azure_vpn_connection", CONNECTION_ARGS)
    assert real["msg"] == "virtual_network_gateway: /subscriptions/%s/resourceGroups/%s/providers/Microsoft.Network/virtualNetworkGateways/hub-vpngw " \
                          "does not exist" % (SUBSCRIPTION, GROUP)
    assert azure_lab.mutating_since(since) == []


def test_arm_errors_reach_the_user_with_their_code(azure_lab: AzureLab) -> None:
    build_gateway_and_peer(azure_lab)
    azure_lab.run("azure_vpn_connection", CONNECTION_ARGS)
    result = azure_lab.run("azure_vpn_gateway", {"name": "hub-vpngw", "resource_group": GROUP, "state": "absent"})
    assert result["failed"] is True
    assert (result["cloud"], result["error_code"], result["http_status"]) == ("azure", "VirtualNetworkGatewayCannotBeDeleted", 400)
    assert result["msg"].startswith("azure delete virtual network gateway failed (VirtualNetworkGatewayCannotBeDeleted): ")


# --------------------------------------------------------------------------- retries and the real module path


def test_throttled_calls_are_retried_by_azure_core(start_emulator, tmp_path: Path) -> None:
    lab = start_lab(start_emulator, context_with(tmp_path / "throttled", faults="throttle"), with_network=False)
    # Every throttled answer carries Retry-After: 1, so each retry costs a second.
    result = lab.run("azure_local_network_gateway", LOCAL_GATEWAY_ARGS)
    assert result["changed"] is True, result.get("msg")
    assert result["local_network_gateway"]["provisioning_state"] == "Succeeded"
    throttled = [entry["operation"] for entry in lab.calls_since(0) if entry["fault"] == "throttle"]
    assert any(operation.startswith("localNetworkGateways.") for operation in throttled), throttled


PLAYBOOK = """
- hosts: localhost
  gather_facts: false
  tasks:
    - multicloud.interconnect.azure_vpn_gateway:
        name: pb-vpngw
        resource_group: multicloud
        virtual_network: hub
        enable_bgp: true
        asn: 65010
        custom_bgp_ip_addresses: [[169.254.21.2], [169.254.22.2]]
      register: vpngw
    - multicloud.interconnect.azure_local_network_gateway:
        name: pb-peer
        resource_group: multicloud
        location: eastus
        gateway_ip_address: 198.51.100.30
        bgp_settings:
          asn: 64520
          bgp_peering_address: 169.254.21.1
    - multicloud.interconnect.azure_vpn_connection:
        name: pb-connection
        resource_group: multicloud
        virtual_network_gateway: "{{ vpngw.virtual_network_gateway.id }}"
        local_network_gateway: pb-peer
        shared_key: %(key)s
        enable_bgp: true
        gateway_custom_bgp_ip_addresses: "{{ vpngw.virtual_network_gateway.instances | map(attribute='custom_bgp_ip_addresses') | map('first') }}"
"""


@pytest.mark.playbook
def test_playbook_with_diff_never_prints_the_key(azure_lab: AzureLab, tmp_path: Path) -> None:
    playbook = tmp_path / "azure.yml"
    playbook.write_text(PLAYBOOK % {"key": KEY})
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS_PATH), MCI_AZURE_BASE_URL=azure_lab.endpoint, AZURE_SUBSCRIPTION_ID=SUBSCRIPTION,
               ANSIBLE_LOCALHOST_WARNING="false", ANSIBLE_INVENTORY_UNPARSED_WARNING="false", ANSIBLE_PYTHON_INTERPRETER=sys.executable)
    command = [str(Path(sys.executable).parent / "ansible-playbook"), "--diff", "-v", str(playbook)]
    finished = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path, check=False)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert "changed=3" in finished.stdout
    assert KEY not in finished.stdout + finished.stderr
    assert azure_lab.client.virtual_network_gateway_connections.get_shared_key(GROUP, "pb-connection").value == KEY
