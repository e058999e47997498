"""The AWS emulator in labs of its own: provisioning delays, data-plane status, faults, the request log."""
from __future__ import annotations

import time
from pathlib import Path
from xml.etree import ElementTree

from mci_lab import profiles
from mci_lab.collection import import_module_utils
from mci_lab.dataplane.model import BgpStatus, StatusSnapshot, TunnelStatus
from mci_lab.emulators.aws import lifecycle
from mci_lab.emulators.base import DelayProfile, PublicIpPool, read_request_log
from tests.lab.conftest import context_with
from tests.lab.emulators.test_aws import (
    CUSTOMER_IP,
    attached_vgw,
    customer_gateway,
    described_vpn,
    ec2_client,
    error_code,
    main_route_table,
    vpc_with_subnet,
    vpn_connection,
    wait_for,
)

cloud_facts = import_module_utils("cloud_facts")


def test_the_realistic_profile_knows_every_kind_the_aws_emulator_delays():
    assert {f"aws.{kind}" for kind in lifecycle.KINDS} <= set(cloud_facts.PROVISIONING_SECONDS)


def test_resources_pass_through_pending_with_the_realistic_delay_profile(start_emulator, tmp_path: Path):
    # 0.005 of the real provisioning times: the VPN connection takes ~2 s instead of 6.6 minutes.
    # The instance (30 s, i.e. 0.15 s here) is stretched to ~2 s too, so that a busy machine
    # still reads it pending after the calls that follow its creation.
    realistic = profiles.delay_profile("realistic", time_scale=0.005)
    seconds = dict(realistic.cloud_seconds, **{"aws.instance": realistic.cloud_seconds["aws.vpn_connection"]})
    ctx = context_with(tmp_path, delays=DelayProfile(realistic.name, seconds, realistic.time_scale))
    ec2 = ec2_client(start_emulator("aws", ctx).endpoint)
    vpc_id, subnet_id = vpc_with_subnet(ec2)

    vgw = ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]
    attachment = ec2.attach_vpn_gateway(VpnGatewayId=vgw["VpnGatewayId"], VpcId=vpc_id)["VpcAttachment"]
    cgw = ec2.create_customer_gateway(Type="ipsec.1", IpAddress=CUSTOMER_IP, BgpAsn=65010)["CustomerGateway"]
    vpn = vpn_connection(ec2, cgw["CustomerGatewayId"], vgw["VpnGatewayId"])
    nat = ec2.create_nat_gateway(SubnetId=subnet_id, ConnectivityType="private")["NatGateway"]
    instance = ec2.run_instances(ImageId="ami-12c6146b", MinCount=1, MaxCount=1, SubnetId=subnet_id)["Instances"][0]
    tgw = ec2.create_transit_gateway()["TransitGateway"]
    tgw_attachment = ec2.create_transit_gateway_vpc_attachment(
        TransitGatewayId=tgw["TransitGatewayId"], VpcId=vpc_id, SubnetIds=[subnet_id])["TransitGatewayVpcAttachment"]

    assert [vgw["State"], attachment["State"], cgw["State"], vpn["State"], nat["State"], tgw["State"], tgw_attachment["State"]] == [
        "pending", "attaching", "pending", "pending", "pending", "pending", "pending"]
    assert ec2.describe_instances(InstanceIds=[instance["InstanceId"]])["Reservations"][0]["Instances"][0]["State"]["Name"] == "pending"

    wait_for(lambda: ec2.describe_vpn_gateways(VpnGatewayIds=[vgw["VpnGatewayId"]])["VpnGateways"][0]["VpcAttachments"][0]["State"], "attached")
    wait_for(lambda: ec2.describe_vpn_gateways(VpnGatewayIds=[vgw["VpnGatewayId"]])["VpnGateways"][0]["State"], "available")
    wait_for(lambda: ec2.describe_customer_gateways(CustomerGatewayIds=[cgw["CustomerGatewayId"]])["CustomerGateways"][0]["State"], "available")
    wait_for(lambda: ec2.describe_nat_gateways(NatGatewayIds=[nat["NatGatewayId"]])["NatGateways"][0]["State"], "available")
    wait_for(lambda: ec2.describe_instances(InstanceIds=[instance["InstanceId"]])["Reservations"][0]["Instances"][0]["State"]["Name"], "running")
    wait_for(lambda: ec2.describe_transit_gateways(TransitGatewayIds=[tgw["TransitGatewayId"]])["TransitGateways"][0]["State"], "available")
    wait_for(lambda: ec2.describe_transit_gateway_vpc_attachments(
        TransitGatewayAttachmentIds=[tgw_attachment["TransitGatewayAttachmentId"]])["TransitGatewayVpcAttachments"][0]["State"], "available")
    wait_for(lambda: described_vpn(ec2, vpn["VpnConnectionId"])["State"], "available")
    # Becoming ready is a model change nobody requested: the lab learns it anyway. (The create
    # itself notifies; what is awaited here is the second notice, when the new VGW is ready.)
    ec2.create_vpn_gateway(Type="ipsec.1")
    ctx.changed.clear()
    wait_for(ctx.changed.is_set, True, timeout=2)


class RecordingPool(PublicIpPool):
    """The lab's address pool, remembering what came back."""

    def __init__(self) -> None:
        super().__init__()
        self.released: list[str] = []

    def release(self, address: str) -> None:
        self.released.append(address)
        super().release(address)


def test_deleting_a_vpn_connection_returns_its_outside_ips_to_the_lab(start_emulator, tmp_path: Path):
    ctx = context_with(tmp_path)
    ctx.public_ips = RecordingPool()
    ec2 = ec2_client(start_emulator("aws", ctx).endpoint)
    vpc_id = vpc_with_subnet(ec2)[0]
    vpn = vpn_connection(ec2, customer_gateway(ec2), attached_vgw(ec2, vpc_id))
    outside = [tunnel["OutsideIpAddress"] for tunnel in vpn["Options"]["TunnelOptions"]]

    ec2.delete_vpn_connection(VpnConnectionId=vpn["VpnConnectionId"])
    ec2.delete_vpn_connection(VpnConnectionId=vpn["VpnConnectionId"])
    assert described_vpn(ec2, vpn["VpnConnectionId"])["State"] == "deleted"
    assert ctx.public_ips.released == outside


class FixedStatus:
    """A data plane whose daemons report given states (what the realizer would read)."""

    def __init__(self) -> None:
        self.current = StatusSnapshot()

    def snapshot(self) -> StatusSnapshot:
        return self.current


def test_telemetry_and_propagated_routes_follow_the_data_plane_status(start_emulator, tmp_path: Path):
    status = FixedStatus()
    ctx = context_with(tmp_path)
    ctx.status = status
    ec2 = ec2_client(start_emulator("aws", ctx).endpoint)
    vpc_id = vpc_with_subnet(ec2)[0]
    vgw_id = attached_vgw(ec2, vpc_id)
    vpn_id = vpn_connection(ec2, customer_gateway(ec2), vgw_id)["VpnConnectionId"]
    ec2.enable_vgw_route_propagation(GatewayId=vgw_id, RouteTableId=main_route_table(ec2, vpc_id)["RouteTableId"])
    one, two = f"aws/{vpn_id}/1", f"aws/{vpn_id}/2"
    status.current = StatusSnapshot(
        tunnels={
            one: TunnelStatus(one, up=True, ike_established=True, ipsec_established=True, last_change=1_700_000_000.0),
            two: TunnelStatus(two, up=False, ike_established=False, ipsec_established=False, message="NO_PROPOSAL_CHOSEN"),
        },
        bgp={one: BgpStatus(one, "169.254.0.1", "169.254.0.2", 65010, "Established", routes_received=2)},
        learned_routes={f"aws/{vgw_id}/{vpn_id}/1": ("172.16.0.0/16", "172.17.0.0/16")},
    )

    telemetry = described_vpn(ec2, vpn_id)["VgwTelemetry"]
    assert [(t["Status"], t["StatusMessage"], t["AcceptedRouteCount"]) for t in telemetry] == [
        ("UP", "2 BGP ROUTES", 2), ("DOWN", "NO_PROPOSAL_CHOSEN", 0)]
    assert telemetry[0]["LastStatusChange"].timestamp() == 1_700_000_000.0
    propagated = [route for route in main_route_table(ec2, vpc_id)["Routes"] if route["Origin"] == "EnableVgwRoutePropagation"]
    assert [(route["DestinationCidrBlock"], route["GatewayId"]) for route in propagated] == [
        ("172.16.0.0/16", vgw_id), ("172.17.0.0/16", vgw_id)]

    # IPsec up but BGP not established: AWS reports the tunnel DOWN with "IPSEC IS UP".
    status.current = StatusSnapshot(
        tunnels={two: TunnelStatus(two, up=True, ike_established=True, ipsec_established=True)},
        bgp={two: BgpStatus(two, "169.254.0.5", "169.254.0.6", 65010, "Active")},
    )
    telemetry = described_vpn(ec2, vpn_id)["VgwTelemetry"]
    assert (telemetry[1]["Status"], telemetry[1]["StatusMessage"]) == ("DOWN", "IPSEC IS UP")
    assert [route for route in main_route_table(ec2, vpc_id)["Routes"] if route["Origin"] == "EnableVgwRoutePropagation"] == []


# --------------------------------------------------------------------------- faults and the request log


def test_throttled_requests_succeed_with_standard_retries_and_are_logged(start_emulator, tmp_path: Path):
    ctx = context_with(tmp_path, faults="throttle")
    ec2 = ec2_client(start_emulator("aws", ctx).endpoint, retries={"mode": "standard", "max_attempts": 10})
    started = time.time()

    # The profile draws from a seeded generator: 2 of these 4 calls are throttled on their first try.
    for _attempt in range(4):
        ec2.describe_vpn_gateways()

    entries = read_request_log(ctx.state_dir / "requests.jsonl", since=started)
    throttled = [entry for entry in entries if entry["status"] == 503]
    assert throttled and all(entry["fault"] == "throttle" and entry["operation"] == "DescribeVpnGateways" for entry in throttled)
    assert len([entry for entry in entries if entry["status"] == 200]) == 4


def test_fault_answers_use_the_ec2_error_shape(start_emulator):
    emulator = start_emulator("aws").emulator
    for answer, expected in ((emulator.throttle_response(), (503, "RequestLimitExceeded")), (emulator.server_error_response(), (500, "InternalError"))):
        error = ElementTree.fromstring(answer.body).find("Errors/Error")
        assert (answer.status, error.findtext("Code")) == expected and error.findtext("Message")


def test_request_log_names_each_call_and_whether_it_mutates(start_emulator, lab_ctx):
    ec2 = ec2_client(start_emulator("aws").endpoint)
    started = time.time()
    ec2.create_vpn_gateway(Type="ipsec.1")
    ec2.describe_vpn_gateways()
    error_code(lambda: ec2.describe_vpn_gateways(VpnGatewayIds=["vgw-0123456789abcdef0"]))

    entries = read_request_log(lab_ctx.state_dir / "requests.jsonl", since=started)
    assert [(e["cloud"], e["operation"], e["mutating"], e["status"]) for e in entries] == [
        ("aws", "CreateVpnGateway", True, 200),
        ("aws", "DescribeVpnGateways", False, 200),
        ("aws", "DescribeVpnGateways", False, 400),
    ]


def test_each_lab_starts_with_an_empty_aws(start_emulator, tmp_path: Path):
    first = ec2_client(start_emulator("aws", context_with(tmp_path / "one")).endpoint)
    first.create_vpn_gateway(Type="ipsec.1")
    second = ec2_client(start_emulator("aws", context_with(tmp_path / "two")).endpoint)
    assert second.describe_vpn_gateways()["VpnGateways"] == []


def test_successful_mutations_tell_the_lab_to_reconcile(start_emulator, lab_ctx):
    ec2 = ec2_client(start_emulator("aws").endpoint)
    ec2.describe_vpn_gateways()
    error_code(lambda: ec2.attach_vpn_gateway(VpnGatewayId="vgw-0123456789abcdef0", VpcId="vpc-0123456789abcdef0"))
    assert not lab_ctx.changed.is_set()

    ec2.create_vpn_gateway(Type="ipsec.1")
    assert lab_ctx.changed.is_set()
