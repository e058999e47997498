"""module_utils/gcp.py: session wiring, retries, error mapping, references, validation, router merge, rendering.

Clients are real google-cloud-compute clients (nothing is sent: only their configuration is read),
errors are real google-api-core exception objects, messages are real compute_v1 messages.
"""
from __future__ import annotations

import json

import pytest
import requests
from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.testing import patch_module_args
from google.api_core import exceptions as google_exceptions
from google.auth.credentials import AnonymousCredentials
from google.cloud import compute_v1
from google.protobuf import json_format

from ansible_collections.multicloud.interconnect.plugins.module_utils import gcp
from ansible_collections.multicloud.interconnect.plugins.module_utils.diff import REDACTED_CHANGED
from ansible_collections.multicloud.interconnect.plugins.module_utils.errors import CloudError

LAB = "http://127.0.0.1:8084"
URL = "http://127.0.0.1:8084/compute/v1/"
PSK = "Wd3sQ9kLm2Xr7TbV1nYc5Ha8Ju4Pe6Fz"


def module_with(args: dict, **extra) -> AnsibleModule:
    with patch_module_args(dict(args, _ansible_module_name="gcp_router", **extra)):
        return AnsibleModule(argument_spec=gcp.GCP_COMMON_ARGUMENT_SPEC)


def wire(router: dict) -> dict:
    """The JSON the REST transport sends for a router body (empty lists are left out)."""
    return json.loads(json_format.MessageToJson(compute_v1.Router.pb(compute_v1.Router(router))))


def forbidden(reason: str) -> google_exceptions.Forbidden:
    return google_exceptions.Forbidden("quota", errors=[{"reason": reason, "message": "quota", "domain": "usageLimits"}])


# --------------------------------------------------------------------------- session


def test_lab_session_is_anonymous_and_every_client_uses_the_given_endpoint() -> None:
    session = gcp.compute_session(module_with({"api_endpoint": LAB, "project": "mci-lab", "region": "us-east1"}))
    assert isinstance(session.credentials, AnonymousCredentials)
    assert (session.project, session.region, session.poll_delay) == ("mci-lab", "us-east1", gcp.LAB_POLL_DELAY)
    for name in ("RoutersClient", "RegionOperationsClient", "GlobalOperationsClient"):
        assert session.client(name).api_endpoint == LAB
    assert session.client("RoutersClient") is session.client("RoutersClient")
    assert "multicloud.interconnect/gcp_router" in session.client_info.to_user_agent()


def test_endpoint_and_project_come_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("GCP_API_ENDPOINT", LAB)
    monkeypatch.setenv("GCP_PROJECT", "env-project")
    monkeypatch.setenv("GCP_REGION", "europe-west1")
    session = gcp.compute_session(module_with({}))
    assert (session.client_options.api_endpoint, session.project, session.region) == (LAB, "env-project", "europe-west1")


@pytest.mark.parametrize("args, fragment", [
    ({"api_endpoint": "http://198.51.100.7:8084", "project": "p", "region": "r"}, "api_endpoint: plain http is only allowed"),
    ({"api_endpoint": "ftp://127.0.0.1", "project": "p", "region": "r"}, "api_endpoint: must be an http(s) URL"),
    ({"api_endpoint": LAB, "project": "p"}, "region: required"),
    ({"api_endpoint": LAB, "region": "r"}, "project: required with a lab api_endpoint"),
])
def test_bad_connection_options_fail_before_any_client_exists(args: dict, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        gcp.compute_session(module_with(args))


def test_unreadable_credentials_file_is_a_cloud_error(tmp_path) -> None:
    key_file = tmp_path / "key.json"
    key_file.write_text(json.dumps({"type": "service_account", "client_email": "x@p.iam.gserviceaccount.com"}))
    with pytest.raises(CloudError) as raised:
        gcp.compute_session(module_with({"project": "p", "region": "r", "credentials_file": str(key_file)}))
    assert (raised.value.operation, raised.value.code) == ("load credentials", "credentials")


def test_only_plain_http_loopback_is_the_lab() -> None:
    assert gcp.is_lab_endpoint("http://127.0.0.1:1") and gcp.is_lab_endpoint("http://localhost:1") and gcp.is_lab_endpoint("http://[::1]:1")
    assert not gcp.is_lab_endpoint("https://127.0.0.1:1")
    assert not gcp.is_lab_endpoint("http://203.0.113.5:1")
    assert not gcp.is_lab_endpoint(None)


# --------------------------------------------------------------------------- retries and errors


@pytest.mark.parametrize("error, retried", [
    (google_exceptions.TooManyRequests("slow down"), True),
    (forbidden("rateLimitExceeded"), True),
    (forbidden("userRateLimitExceeded"), True),
    (google_exceptions.Forbidden("quota", error_info={"reason": "RATE_LIMIT_EXCEEDED"}), True),
    (google_exceptions.ServiceUnavailable("backend"), True),
    (google_exceptions.InternalServerError("oops"), True),
    (forbidden("forbidden"), False),
    (forbidden("quotaExceeded"), False),
    (google_exceptions.NotFound("gone"), False),
    (google_exceptions.BadRequest("invalid"), False),
])
def test_retry_predicate_covers_throttling_and_server_errors_only(error: Exception, retried: bool) -> None:
    assert gcp.retry_predicate(error) is retried


def test_the_retry_calls_again_on_throttling_and_not_on_other_errors() -> None:
    retry = gcp.make_retry(timeout=5, initial=0.01)
    calls = []

    def throttled_twice() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise forbidden("rateLimitExceeded")
        return "done"

    assert retry(throttled_twice)() == "done" and len(calls) == 3

    refused = []

    def refuses() -> None:
        refused.append(1)
        raise forbidden("forbidden")

    with pytest.raises(google_exceptions.Forbidden):
        retry(refuses)()
    assert len(refused) == 1


def test_errors_become_cloud_errors_with_the_reason_as_code() -> None:
    error = google_exceptions.BadRequest("Invalid value for field 'resource.bgp.asn'",
                                         errors=[{"reason": "invalid", "message": "bad", "domain": "global"}])
    cloud_error = gcp.to_cloud_error(error, "insert router")
    assert (cloud_error.cloud, cloud_error.operation, cloud_error.code, cloud_error.status) == ("gcp", "insert router", "invalid", 400)
    assert "resource.bgp.asn" in str(cloud_error)

    gave_up = gcp.to_cloud_error(google_exceptions.RetryError("deadline", forbidden("rateLimitExceeded")), "get router")
    assert gave_up.code == "rateLimitExceeded" and gave_up.message.startswith("gave up retrying")


def test_api_wrapper_turns_not_found_into_the_given_value_and_everything_else_into_cloud_error() -> None:
    @gcp.gcp_api("delete router", when_not_found=False)
    def delete_gone() -> bool:
        raise google_exceptions.NotFound("The resource 'projects/p/regions/r/routers/x' was not found", errors=[{"reason": "notFound"}])

    @gcp.gcp_api("get router")
    def get_gone() -> dict:
        raise google_exceptions.NotFound("missing", errors=[{"reason": "notFound"}])

    @gcp.gcp_api("get router")
    def unreachable() -> dict:
        raise requests.exceptions.ConnectionError("connection refused")

    assert delete_gone() is False
    with pytest.raises(CloudError) as raised:
        get_gone()
    assert (raised.value.code, raised.value.status) == ("notFound", 404)
    with pytest.raises(CloudError) as raised:
        unreachable()
    assert raised.value.code == "connectionError"


def test_a_failed_operation_is_reported_with_its_own_error() -> None:
    done = compute_v1.Operation.Status.DONE
    failed = compute_v1.Operation(name="operation-1", status=done, http_error_status_code=400, http_error_message="BAD REQUEST",
                                  error=compute_v1.Error(errors=[compute_v1.Errors(code="RESOURCE_IN_USE_BY_ANOTHER_RESOURCE",
                                                                                   message="The vpnTunnel is used by router hub")]))
    failure = gcp.operation_failure(failed, "delete vpn tunnel")
    assert (failure.code, failure.status, failure.message) == ("RESOURCE_IN_USE_BY_ANOTHER_RESOURCE", 400, "The vpnTunnel is used by router hub")
    assert gcp.operation_failure(compute_v1.Operation(name="operation-2", status=done), "insert router") is None
    assert gcp.operation_is_done(compute_v1.Operation(status=done))
    assert not gcp.operation_is_done(compute_v1.Operation(status=compute_v1.Operation.Status.RUNNING))


# --------------------------------------------------------------------------- references


@pytest.mark.parametrize("value, expected", [
    ("hub-router", "projects/p/regions/us-east1/routers/hub-router"),
    ("regions/us-east1/routers/hub-router", "projects/p/regions/us-east1/routers/hub-router"),
    ("projects/other/regions/us-east1/routers/hub-router", "projects/other/regions/us-east1/routers/hub-router"),
    ("https://www.googleapis.com/compute/v1/projects/other/regions/us-east1/routers/hub-router",
     "projects/other/regions/us-east1/routers/hub-router"),
    (URL + "projects/p/regions/us-east1/routers/hub-router/", "projects/p/regions/us-east1/routers/hub-router"),
])
def test_references_are_resolved_to_project_paths(value: str, expected: str) -> None:
    assert gcp.reference_path(value, project="p", scope="regions/us-east1", collection="routers") == expected


def test_links_become_paths_and_names() -> None:
    link = URL + "projects/p/regions/us-east1/vpnTunnels/t0"
    assert gcp.link_path(link) == "projects/p/regions/us-east1/vpnTunnels/t0"
    assert gcp.short_name(URL + "projects/p/regions/us-east1") == "us-east1"
    assert gcp.link_path(None) is None


# --------------------------------------------------------------------------- validation


def test_external_gateway_interfaces_must_fit_the_redundancy_type_and_be_public() -> None:
    four = [{"ip_address": "203.0.113.%d" % host} for host in (10, 11, 12, 13)]
    assert gcp.external_gateway_problems("FOUR_IPS_REDUNDANCY", four) == []
    assert gcp.external_gateway_problems("TWO_IPS_REDUNDANCY", four) == [
        "interfaces: redundancy_type TWO_IPS_REDUNDANCY takes exactly 2 interface(s), got 4"]
    duplicated = [dict(item, id=0) for item in four[:2]]
    assert gcp.external_gateway_problems("TWO_IPS_REDUNDANCY", duplicated) == ["interfaces: ids must be 0 to 1, each used once (got [0, 0])"]
    not_public = [{"ip_address": ip} for ip in ("192.168.1.1", "100.64.3.4", "127.0.0.1", "not-an-ip")]
    problems = gcp.external_gateway_problems("FOUR_IPS_REDUNDANCY", not_public)
    assert [problem.split(":")[0] for problem in problems] == ["interfaces[%d].ip_address" % index for index in range(4)]
    assert "192.168.0.0/16 is not allowed (got '192.168.1.1')" in problems[0]
    assert "100.64.0.0/10" in problems[1]


@pytest.mark.parametrize("ip_range, fragment", [
    ("169.254.10.1/30", None),
    ("169.254.10.2/30", None),
    ("169.254.10.0/30", "169.254.10.0 is not a usable address of 169.254.10.0/30"),
    ("169.254.10.3/30", "not a usable address"),
    ("169.254.10.1/29", "must be IPv4 /30"),
    ("10.0.0.1/30", "must lie in 169.254.0.0/16"),
    ("169.254.10.1", "must be IPv4 /30"),
    ("garbage", "must be an IPv4 address with its prefix length"),
])
def test_interface_ranges_are_link_local_slash_30_host_addresses(ip_range: str, fragment: str | None) -> None:
    problem = gcp.interface_range_problem(ip_range)
    assert problem is None if fragment is None else fragment in problem


def test_bgp_peer_addresses_must_sit_on_the_interface_link() -> None:
    good = {"name": "p0", "interface_name": "if0", "peer_ip_address": "169.254.10.1", "ip_address": "169.254.10.2"}
    assert gcp.bgp_peer_address_problems(good, "169.254.10.2/30", "bgp_peers[p0]") == []

    classic = gcp.bgp_peer_address_problems(dict(good, ip_address="169.254.10.1"), "169.254.10.2/30", "bgp_peers[p0]")
    assert classic == ["bgp_peers[p0].ip_address: BGP peer 'p0' has IP address 169.254.10.1 different from interface IP address "
                       "169.254.10.2; ip_address is the Cloud Router's side, set the peer's address in peer_ip_address (got '169.254.10.1')"]
    same = gcp.bgp_peer_address_problems(dict(good, peer_ip_address="169.254.10.2"), "169.254.10.2/30", "bgp_peers[p0]")
    assert same[0].startswith("bgp_peers[p0].peer_ip_address: equals the interface IP address 169.254.10.2")
    for outside in ("169.254.10.5", "169.254.10.3", "169.254.10.0"):
        problems = gcp.bgp_peer_address_problems(dict(good, peer_ip_address=outside), "169.254.10.2/30", "bgp_peers[p0]")
        assert problems == ["bgp_peers[p0].peer_ip_address: must be the other usable address of the interface's 169.254.10.0/30 (got %r)"
                            % outside]
    assert "no valid ip_range" in gcp.bgp_peer_address_problems(good, None, "bgp_peers[p0]")[0]


def test_bgp_settings_are_checked_against_the_cloud_facts() -> None:
    assert gcp.bgp_problems({"asn": 65010, "keepalive_interval": 20}) == []
    assert gcp.bgp_problems({"asn": 4200000001}) == []
    assert "bgp.asn: ASN 65535 is reserved by IANA (got 65535)" in gcp.bgp_problems({"asn": 65535})
    assert gcp.bgp_problems({"asn": 64000})[0].startswith("bgp.asn: ASN 64000 is outside the private range gcp accepts")
    assert gcp.bgp_problems({"keepalive_interval": 10}) == ["bgp.keepalive_interval: must be 20-60 (got 10)"]
    assert gcp.bgp_problems({"advertised_ip_ranges": [{"range": "10.0.0.1/8"}]})[0].startswith("bgp.advertised_ip_ranges[0].range")
    assert gcp.peer_asn_problem(64520) is None and gcp.peer_asn_problem(4200000000) is None
    assert gcp.peer_asn_problem(23456) == "ASN 23456 is reserved or out of range"
    assert gcp.advertise_mode_problem("DEFAULT", {"advertised_groups": ["ALL_SUBNETS"]}).startswith("bgp.advertise_mode")
    assert gcp.advertise_mode_problem("CUSTOM", {"advertised_groups": ["ALL_SUBNETS"]}) is None


def test_peer_settings_stay_within_compute_ranges() -> None:
    peer = {"name": "p0", "peer_asn": 64520, "advertised_route_priority": 70000,
            "bfd": {"min_transmit_interval": 500, "min_receive_interval": 1000, "multiplier": 17}}
    assert gcp.bgp_peer_setting_problems(peer, "bgp_peers[p0]") == [
        "bgp_peers[p0].advertised_route_priority: must be 0-65535 (got 70000)",
        "bgp_peers[p0].bfd.min_transmit_interval: must be 1000-30000 (got 500)",
        "bgp_peers[p0].bfd.multiplier: must be 5-16 (got 17)",
    ]


def test_router_input_is_checked_as_a_whole_before_any_call() -> None:
    params = {
        "bgp": {"asn": 65010},
        "interfaces": [{"name": "if0", "ip_range": "169.254.10.2/30"}, {"name": "if0", "ip_range": "169.254.20.2/30"}],
        "bgp_peers": [{"name": "p0", "interface_name": "if0", "peer_ip_address": "169.254.10.9", "peer_asn": 64520}],
    }
    problems = gcp.router_input_problems(params)
    assert "interfaces: name 'if0' is listed twice (got 'if0')" in problems
    assert any(problem.startswith("bgp_peers[p0].peer_ip_address") for problem in problems)


def test_merged_router_needs_existing_interfaces_one_peer_each_and_an_asn() -> None:
    interfaces = [{"name": "if0", "ip_range": "169.254.10.2/30"}]
    peers = [{"name": "p0", "interface_name": "if0", "peer_ip_address": "169.254.10.1", "peer_asn": 64520},
             {"name": "p1", "interface_name": "if0", "peer_ip_address": "169.254.10.1", "peer_asn": 64520},
             {"name": "p2", "interface_name": "if9", "peer_asn": 64520},
             {"name": "p3"}]
    assert gcp.router_links_problems(interfaces, peers, None) == [
        "bgp_peers[p1].interface_name: interface 'if0' already has BGP peer 'p0' (got 'if0')",
        "bgp_peers[p2].interface_name: the router has no interface 'if9' (got 'if9')",
        "bgp_peers[p3].interface_name: required for new BGP peer 'p3'",
        "bgp.asn: required when the router has BGP peers",
    ]


# --------------------------------------------------------------------------- router merge


def existing_router() -> dict:
    """A router as routers.get returns it through the SDK (links on the endpoint, ranges as ``range_``)."""
    router = compute_v1.Router(
        name="hub-router", network=URL + "projects/p/global/networks/hub-vpc", region=URL + "projects/p/regions/us-east1",
        self_link=URL + "projects/p/regions/us-east1/routers/hub-router", id=1234,
        bgp=compute_v1.RouterBgp(asn=65010, advertise_mode="CUSTOM", advertised_groups=["ALL_SUBNETS"], identifier_range="169.254.0.0/30",
                                 advertised_ip_ranges=[compute_v1.RouterAdvertisedIpRange(range_="10.128.0.0/9", description="summary")]),
        interfaces=[compute_v1.RouterInterface(name="if0", ip_range="169.254.10.2/30", management_type="MANAGED_BY_USER",
                                               linked_vpn_tunnel=URL + "projects/p/regions/us-east1/vpnTunnels/t0"),
                    compute_v1.RouterInterface(name="if1", ip_range="169.254.10.6/30", management_type="MANAGED_BY_USER",
                                               linked_vpn_tunnel=URL + "projects/p/regions/us-east1/vpnTunnels/t1")],
        bgp_peers=[compute_v1.RouterBgpPeer(name="p0", interface_name="if0", ip_address="169.254.10.2", peer_ip_address="169.254.10.1",
                                            peer_asn=64520, enable="TRUE", advertised_route_priority=100,
                                            bfd=compute_v1.RouterBgpPeerBfd(session_initialization_mode="ACTIVE", multiplier=5)),
                   compute_v1.RouterBgpPeer(name="p1", interface_name="if1", ip_address="169.254.10.6", peer_ip_address="169.254.10.5",
                                            peer_asn=64520, enable="TRUE")],
    )
    return gcp.plain(router)


def router_params(**given) -> dict:
    params = {"name": "hub-router", "network": None, "description": None, "bgp": None, "interfaces": None, "purge_interfaces": False,
              "bgp_peers": None, "purge_bgp_peers": False}
    params.update(given)
    return params


def peer_option(name: str, **given) -> dict:
    option = {"name": name, "interface_name": None, "ip_address": None, "peer_ip_address": None, "peer_asn": None,
              "advertised_route_priority": None, "enable": None, "bfd": None}
    option.update(given)
    return option


def test_restating_the_router_as_it_is_changes_nothing() -> None:
    raw = existing_router()
    params = router_params(
        bgp={"asn": 65010, "advertise_mode": "CUSTOM", "advertised_groups": ["ALL_SUBNETS"], "keepalive_interval": None,
             "advertised_ip_ranges": [{"range": "10.128.0.0/9", "description": "summary"}]},
        interfaces=[{"name": "if0", "ip_range": "169.254.10.2/30", "linked_vpn_tunnel": "t0"}],
        bgp_peers=[peer_option("p0", interface_name="if0", peer_ip_address="169.254.10.1", peer_asn=64520, enable=True,
                               bfd={"session_initialization_mode": "ACTIVE", "multiplier": None, "min_transmit_interval": None,
                                    "min_receive_interval": None})])
    plan = gcp.plan_router(raw, params, "p", "us-east1")
    assert not plan.changed and plan.changes == {}


def test_changing_one_peer_patches_the_peer_list_and_keeps_everything_else() -> None:
    raw = existing_router()
    params = router_params(bgp_peers=[peer_option("p1", advertised_route_priority=200,
                                                  bfd={"session_initialization_mode": None, "multiplier": 6,
                                                       "min_transmit_interval": None, "min_receive_interval": None})])
    plan = gcp.plan_router(raw, params, "p", "us-east1")
    assert list(plan.changes) == ["bgp_peers"] and not plan.use_update
    peers = {peer["name"]: peer for peer in plan.changes["bgp_peers"]}
    assert peers["p0"] == raw["bgp_peers"][0]
    assert peers["p1"]["advertised_route_priority"] == 200 and peers["p1"]["peer_ip_address"] == "169.254.10.5"
    assert peers["p1"]["bfd"] == {"multiplier": 6}
    assert plan.summary()["bgp_peers"] == {"added": [], "updated": ["p1"], "removed": []}
    assert gcp.router_plan_problems(plan, params) == []


def test_a_nested_bfd_change_keeps_the_other_bfd_settings() -> None:
    raw = existing_router()
    params = router_params(bgp_peers=[peer_option("p0", bfd={"session_initialization_mode": None, "multiplier": 7,
                                                             "min_transmit_interval": None, "min_receive_interval": None})])
    peer = gcp.plan_router(raw, params, "p", "us-east1").after["bgp_peers"][0]
    assert peer["bfd"] == {"session_initialization_mode": "ACTIVE", "multiplier": 7}


def test_purge_removes_unnamed_items_and_an_empty_list_needs_a_put() -> None:
    raw = existing_router()
    plan = gcp.plan_router(raw, router_params(interfaces=[{"name": "if0", "ip_range": None, "linked_vpn_tunnel": None}],
                                              purge_interfaces=True, bgp_peers=[peer_option("p0")], purge_bgp_peers=True),
                           "p", "us-east1")
    assert [item["name"] for item in plan.after["interfaces"]] == ["if0"] and [item["name"] for item in plan.after["bgp_peers"]] == ["p0"]
    assert plan.summary()["interfaces"]["removed"] == ["if1"] and not plan.use_update

    emptied = gcp.plan_router(raw, router_params(bgp_peers=[], purge_bgp_peers=True), "p", "us-east1")
    assert emptied.use_update and emptied.after["bgp_peers"] == [] and emptied.after["interfaces"] == raw["interfaces"]
    body = gcp.router_update_body(emptied.after)
    assert "self_link" not in body and "id" not in body and body["bgp"]["asn"] == 65010
    assert "bgpPeers" not in wire(body) and len(wire(body)["interfaces"]) == 2

    dangling = gcp.plan_router(raw, router_params(interfaces=[], purge_interfaces=True), "p", "us-east1")
    assert "bgp_peers[p0].interface_name: the router has no interface 'if0' (got 'if0')" in gcp.router_plan_problems(
        dangling, router_params(interfaces=[], purge_interfaces=True))


def test_bgp_changes_merge_into_the_routers_bgp() -> None:
    raw = existing_router()
    plan = gcp.plan_router(raw, router_params(bgp={"asn": None, "advertise_mode": None, "advertised_groups": None,
                                                   "advertised_ip_ranges": None, "keepalive_interval": 40}, description="hub"), "p", "us-east1")
    assert plan.bgp_fields == ["keepalive_interval"]
    assert plan.changes["bgp"]["asn"] == 65010 and plan.changes["bgp"]["identifier_range"] == "169.254.0.0/30"
    assert plan.changes["bgp"]["keepalive_interval"] == 40 and plan.changes["description"] == "hub"


def test_merge_named_appends_new_items_and_leaves_the_list_alone_when_not_given() -> None:
    current = [{"name": "a", "x": 1}]
    assert gcp.merge_named(current, None, purge=True).items == current
    merged = gcp.merge_named(current, [{"name": "b", "x": 2}], purge=False)
    assert merged.items == [{"name": "a", "x": 1}, {"name": "b", "x": 2}] and merged.added == ["b"]


# --------------------------------------------------------------------------- rendering


def test_create_body_renders_the_api_shape() -> None:
    params = router_params(
        network="hub-vpc",
        bgp={"asn": 65010, "advertise_mode": "CUSTOM", "advertised_groups": ["ALL_SUBNETS"], "keepalive_interval": 20,
             "advertised_ip_ranges": [{"range": "10.128.0.0/9", "description": None}]},
        interfaces=[{"name": "if0", "ip_range": "169.254.10.2/30", "linked_vpn_tunnel": "t0"}],
        bgp_peers=[peer_option("p0", interface_name="if0", peer_ip_address="169.254.10.1", peer_asn=64520, enable=False)])
    body = gcp.router_create_body(params, "p", "us-east1")
    sent = wire(body)
    assert sent["network"] == "projects/p/global/networks/hub-vpc"
    assert sent["bgp"]["advertisedIpRanges"] == [{"range": "10.128.0.0/9", "description": ""}]
    assert sent["interfaces"][0] == {"name": "if0", "ipRange": "169.254.10.2/30", "linkedVpnTunnel": "projects/p/regions/us-east1/vpnTunnels/t0"}
    assert {key: sent["bgpPeers"][0][key] for key in ("interfaceName", "peerIpAddress", "peerAsn", "enable")} == {
        "interfaceName": "if0", "peerIpAddress": "169.254.10.1", "peerAsn": 64520, "enable": "FALSE"}

    predicted = gcp.normalize_router(gcp.with_peer_addresses(body))
    assert predicted["bgp_peers"][0]["ip_address"] == "169.254.10.2" and predicted["bgp_peers"][0]["enable"] is False


def test_router_output_is_snake_case_with_paths_and_booleans() -> None:
    router = gcp.normalize_router(existing_router())
    assert router["network"] == "projects/p/global/networks/hub-vpc" and router["region"] == "us-east1"
    assert router["bgp"]["advertised_ip_ranges"] == [{"range": "10.128.0.0/9", "description": "summary"}]
    assert router["interfaces"][0]["linked_vpn_tunnel"] == "projects/p/regions/us-east1/vpnTunnels/t0"
    assert router["bgp_peers"][0]["enable"] is True
    assert router["bgp_peers"][0]["bfd"] == {"session_initialization_mode": "ACTIVE", "min_transmit_interval": None,
                                             "min_receive_interval": None, "multiplier": 5}


def test_ha_gateway_output_lists_both_interface_addresses_in_order() -> None:
    gateway = gcp.plain(compute_v1.VpnGateway(name="gw", network=URL + "projects/p/global/networks/n", vpn_interfaces=[
        compute_v1.VpnGatewayVpnGatewayInterface(id=1, ip_address="198.51.100.37"),
        compute_v1.VpnGatewayVpnGatewayInterface(id=0, ip_address="203.0.113.21")]))
    normalized = gcp.normalize_vpn_gateway(gateway)
    assert normalized["ip_addresses"] == ["203.0.113.21", "198.51.100.37"]
    assert normalized["interfaces"][0] == {"id": 0, "ip_address": "203.0.113.21"}


# --------------------------------------------------------------------------- tunnels


def tunnel_params(**given) -> dict:
    params = {key: None for key in ("vpn_gateway", "vpn_gateway_interface", "peer_external_gateway", "peer_external_gateway_interface",
                                    "peer_gcp_gateway", "router", "ike_version", "cipher_suite", "description")}
    params.update(given)
    return params


def test_tunnel_differences_cover_only_given_fields() -> None:
    current = gcp.normalize_vpn_tunnel(gcp.plain(compute_v1.VpnTunnel(
        name="t0", vpn_gateway=URL + "projects/p/regions/us-east1/vpnGateways/gw", vpn_gateway_interface=0,
        peer_external_gateway=URL + "projects/p/global/externalVpnGateways/aws", peer_external_gateway_interface=0,
        router=URL + "projects/p/regions/us-east1/routers/r", ike_version=2, status="FIRST_HANDSHAKE", detailed_status="Handshake")))
    same = gcp.desired_tunnel(tunnel_params(vpn_gateway="gw", vpn_gateway_interface=0, peer_external_gateway="aws", router="r"), "p", "us-east1")
    assert gcp.tunnel_differences(current, same) == {}
    other = gcp.desired_tunnel(tunnel_params(ike_version=1, peer_external_gateway_interface=1), "p", "us-east1")
    assert gcp.tunnel_differences(current, other) == {"ike_version": (2, 1), "peer_external_gateway_interface": (0, 1)}

    to_gcp = gcp.merged_tunnel(current, gcp.desired_tunnel(tunnel_params(peer_gcp_gateway="peer-gw"), "p", "us-east1"))
    assert to_gcp["peer_external_gateway"] is None and to_gcp["peer_gcp_gateway"] == "projects/p/regions/us-east1/vpnGateways/peer-gw"
    body = gcp.tunnel_create_body(to_gcp, "t0", PSK)
    assert "peer_external_gateway_interface" not in body and body["ike_version"] == 2 and body["shared_secret"] == PSK


def test_new_tunnels_need_gateway_router_peer_and_secret() -> None:
    assert gcp.tunnel_create_problems(gcp.merged_tunnel(None, {}), None, "t0") == [
        "vpn_gateway: required to create VPN tunnel t0 (got None)",
        "vpn_gateway_interface: required to create VPN tunnel t0 (got None)",
        "router: required to create VPN tunnel t0 (got None)",
        "peer_external_gateway: one of peer_external_gateway or peer_gcp_gateway is required to create VPN tunnel t0 (got None)",
        "shared_secret: required to create VPN tunnel t0 (got None)",
    ]


def test_cipher_suites_use_the_compute_names() -> None:
    suite = {"phase1": {"encryption": ["AES-GCM-16-256"], "integrity": None, "prf": ["PRF-HMAC-SHA2-256"], "dh": ["Group-14"]},
             "phase2": {"encryption": ["AES-GCM-16-256"], "integrity": None, "pfs": ["Group-99"]}}
    assert gcp.cipher_suite_problems(suite) == ["cipher_suite.phase2.pfs: gcp pfs group 'Group-99' is not known (got 'Group-99')"]
    assert gcp.normalize_cipher_suite(suite)["phase1"] == {"encryption": ["AES-GCM-16-256"], "integrity": [], "prf": ["PRF-HMAC-SHA2-256"],
                                                           "dh": ["Group-14"]}
    assert gcp.normalize_cipher_suite({"phase1": {}, "phase2": None}) is None


def test_tunnel_result_and_diff_never_carry_the_secret() -> None:
    module = module_with({}, _ansible_diff=True)
    after = gcp.predicted_tunnel(gcp.merged_tunnel(None, {"router": "projects/p/regions/r/routers/r"}), "t0", "r")
    result = gcp.module_result(module, "vpn_tunnel", True, {}, dict(after, shared_secret=PSK), hidden_fields=("shared_secret",))
    assert PSK not in json.dumps(result)
    assert "shared_secret" not in result["vpn_tunnel"]
    assert result["diff"]["after"]["shared_secret"] == REDACTED_CHANGED


def test_tunnel_status_predicates() -> None:
    assert gcp.tunnel_is_established({"status": "ESTABLISHED"})
    assert not gcp.tunnel_is_established({"status": "NO_INCOMING_PACKETS"})
    assert gcp.describe_tunnel_status({"status": "AUTHORIZATION_ERROR", "detailed_status": "Authentication failed"}) == \
        "AUTHORIZATION_ERROR (Authentication failed)"
    assert gcp.tunnel_gone_while_waiting(None) == "the tunnel was deleted"
