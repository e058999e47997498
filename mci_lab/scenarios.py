"""The networks a pattern expects to exist already, created in the lab through the official SDKs.

A real user brings VPCs and instances of their own and names them in the inventory; in the lab
``python -m mci_lab seed NAME`` makes the same things (found again by name on a rerun, so seeding
is idempotent) and answers with their ids and the namespaces of their instances, so a playbook
can reach them through the ``lab_netns`` connection.
"""
from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import boto3
from alibabacloud_tea_openapi import models as openapi_models
from alibabacloud_tea_openapi.client import Client as OpenApiClient
from alibabacloud_tea_util import models as util_models
from alibabacloud_vpc20160428 import models as vpc_models
from alibabacloud_vpc20160428.client import Client as AlibabaVpcClient

from mci_lab import lab
from mci_lab.dataplane.state import LabState

SEED_TAG = "mci-lab-seed"
HOSTS_TIMEOUT = 60.0


@dataclass
class Instance:
    """A machine a playbook reaches through its namespace."""

    name: str
    cloud: str
    id: str
    private_ip: str
    model_id: str  # the data plane's host id
    namespace: str = ""
    run_dir: str = ""  # bind-mounted over /run inside the namespace (per-host wireguard sockets)


@dataclass
class Seeded:
    created: bool = False
    resources: dict = field(default_factory=dict)
    instances: list[Instance] = field(default_factory=list)


# --------------------------------------------------------------------------- AWS


def aws_client(endpoints: dict, region: str):
    return boto3.client("ec2", region_name=region, endpoint_url=endpoints["aws"],
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def _by_name(items: list[dict], name: str) -> dict | None:
    for item in items:
        if {"Key": "Name", "Value": name} in item.get("Tags", []):
            return item
    return None


def _name_tags(resource_type: str, name: str) -> list[dict]:
    return [{"ResourceType": resource_type, "Tags": [{"Key": "Name", "Value": name}, {"Key": SEED_TAG, "Value": "true"}]}]


def seed_aws_vpc(ec2, seeded: Seeded, name: str, cidr: str, subnet_cidr: str, host_ip: str) -> dict:
    """A VPC with one subnet and one running instance at ``host_ip``."""
    vpc = _by_name(ec2.describe_vpcs()["Vpcs"], name)
    if vpc is None:
        vpc = ec2.create_vpc(CidrBlock=cidr, TagSpecifications=_name_tags("vpc", name))["Vpc"]
        seeded.created = True
    vpc_filter = [{"Name": "vpc-id", "Values": [vpc["VpcId"]]}]
    subnet = _by_name(ec2.describe_subnets(Filters=vpc_filter)["Subnets"], name)
    if subnet is None:
        subnet = ec2.create_subnet(VpcId=vpc["VpcId"], CidrBlock=subnet_cidr, TagSpecifications=_name_tags("subnet", name))["Subnet"]
        seeded.created = True
    reservations = ec2.describe_instances(Filters=vpc_filter + [{"Name": "instance-state-name", "Values": ["pending", "running"]}])
    instances = [i for r in reservations["Reservations"] for i in r["Instances"]]
    instance = _by_name(instances, name)
    if instance is None:
        image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
        instance = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType="t3.micro", SubnetId=subnet["SubnetId"],
                                     PrivateIpAddress=host_ip, TagSpecifications=_name_tags("instance", name))["Instances"][0]
        seeded.created = True
    tables = ec2.describe_route_tables(Filters=vpc_filter + [{"Name": "association.main", "Values": ["true"]}])["RouteTables"]
    seeded.instances.append(Instance(name, "aws", instance["InstanceId"], instance["PrivateIpAddress"], f"aws/{instance['InstanceId']}"))
    return {"vpc_id": vpc["VpcId"], "vpc_cidr": cidr, "subnet_id": subnet["SubnetId"],
            "route_table_ids": [table["RouteTableId"] for table in tables], "instance_ip": instance["PrivateIpAddress"]}


# --------------------------------------------------------------------------- Alibaba


def alibaba_client(endpoints: dict, region: str) -> AlibabaVpcClient:
    endpoint = endpoints["alibaba"].split("://", 1)[-1]
    return AlibabaVpcClient(openapi_models.Config(access_key_id="LTAIlabaccesskey", access_key_secret="labsecret",
                                                  endpoint=endpoint, protocol="http", region_id=region))


def _lab_action(client: OpenApiClient, action: str, query: dict) -> dict:
    """Lab-only RPC actions (hosts in a vSwitch) through the SDK's generic call."""
    params = openapi_models.Params(action=action, version="2016-04-28", protocol="HTTP", pathname="/", method="POST",
                                   auth_type="AK", style="RPC", req_body_type="formData", body_type="json")
    request = openapi_models.OpenApiRequest(query={key: str(value) for key, value in query.items()})
    return client.call_api(params, request, util_models.RuntimeOptions())["body"]


def seed_alibaba_vpc(client: AlibabaVpcClient, seeded: Seeded, region: str, name: str, cidr: str,
                     vswitch_cidr: str, host_ip: str, zone: str) -> dict:
    """A VPC with one vSwitch and one lab host at ``host_ip``."""
    vpcs = client.describe_vpcs(vpc_models.DescribeVpcsRequest(region_id=region, vpc_name=name)).body.vpcs.vpc
    if vpcs:
        vpc_id = vpcs[0].vpc_id
    else:
        vpc_id = client.create_vpc(vpc_models.CreateVpcRequest(region_id=region, cidr_block=cidr, vpc_name=name)).body.vpc_id
        seeded.created = True
    vswitches = client.describe_vswitches(vpc_models.DescribeVSwitchesRequest(region_id=region, vpc_id=vpc_id)).body.v_switches.v_switch
    if vswitches:
        vswitch_id = vswitches[0].v_switch_id
    else:
        vswitch_id = client.create_vswitch(vpc_models.CreateVSwitchRequest(
            region_id=region, vpc_id=vpc_id, zone_id=zone, cidr_block=vswitch_cidr, v_switch_name=name)).body.v_switch_id
        seeded.created = True
    hosts = _lab_action(client, "DescribeLabInstances", {"RegionId": region, "VSwitchId": vswitch_id})["Instances"]["Instance"]
    if hosts:
        host = hosts[0]
    else:
        host = _lab_action(client, "CreateLabInstance", {"RegionId": region, "VSwitchId": vswitch_id,
                                                          "PrivateIpAddress": host_ip, "InstanceName": name})
        seeded.created = True
    vpc = client.describe_vpcs(vpc_models.DescribeVpcsRequest(region_id=region, vpc_id=vpc_id)).body.vpcs.vpc[0]
    seeded.instances.append(Instance(name, "alibaba", host["InstanceId"], host["PrivateIpAddress"], f"alibaba/{host['InstanceId']}"))
    return {"vpc_id": vpc_id, "vpc_cidr": cidr, "vswitch_id": vswitch_id, "zone_id": zone,
            "route_table_id": vpc.router_table_ids.router_table_ids[0], "instance_ip": host["PrivateIpAddress"]}


# --------------------------------------------------------------------------- scenarios


def aws_alibaba(endpoints: dict, seeded: Seeded) -> None:
    """The networks of seed post 003: AWS VPC 172.80.64.0/19 and Alibaba VPC 192.168.0.0/16."""
    seeded.resources["aws"] = seed_aws_vpc(aws_client(endpoints, "us-east-1"), seeded, "mci-demo-aws",
                                           "172.80.64.0/19", "172.80.64.0/24", "172.80.64.10")
    seeded.resources["aws"]["region"] = "us-east-1"
    seeded.resources["alibaba"] = seed_alibaba_vpc(alibaba_client(endpoints, "cn-hangzhou"), seeded, "cn-hangzhou",
                                                   "mci-demo-alibaba", "192.168.0.0/16", "192.168.0.0/24",
                                                   "192.168.0.10", "cn-hangzhou-h")
    seeded.resources["alibaba"]["region"] = "cn-hangzhou"


SCENARIOS = {"aws_alibaba": aws_alibaba}


def attach_namespaces(state_dir: Path, seeded: Seeded, timeout: float = HOSTS_TIMEOUT) -> None:
    """Wait until the data plane has made each instance's namespace, and record it."""
    state_file = state_dir / "dataplane" / "state.json"
    deadline = time.monotonic() + timeout
    while True:
        state = LabState.load(state_file)
        hosts = state.hosts if state else {}
        for instance in seeded.instances:
            recorded = hosts.get(instance.model_id, {})
            instance.namespace = recorded.get("namespace", "")
            instance.run_dir = recorded.get("run_dir", "")
        if all(instance.namespace for instance in seeded.instances):
            return
        if time.monotonic() >= deadline:
            missing = [i.model_id for i in seeded.instances if not i.namespace]
            raise RuntimeError(f"the data plane made no namespace for {missing} within {timeout:g}s; see {state_dir / 'lab.log'}")
        time.sleep(0.2)


def seed(name: str, state_dir: Path, with_namespaces: bool = True) -> Seeded:
    if name not in SCENARIOS:
        raise SystemExit(f"unknown scenario {name!r}: use one of {', '.join(SCENARIOS)}")
    seeded = Seeded()
    SCENARIOS[name](lab.read_endpoints(state_dir), seeded)
    if with_namespaces:
        attach_namespaces(state_dir, seeded)
    return seeded


def to_json(seeded: Seeded) -> str:
    return json.dumps(asdict(seeded), indent=2, sort_keys=True)
