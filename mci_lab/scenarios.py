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
        wanted = {"RegionId": region, "VSwitchId": vswitch_id, "PrivateIpAddress": host_ip, "InstanceName": name}
        host = _lab_action(client, "CreateLabInstance", wanted)
        seeded.created = True
    vpc = client.describe_vpcs(vpc_models.DescribeVpcsRequest(region_id=region, vpc_id=vpc_id)).body.vpcs.vpc[0]
    seeded.instances.append(Instance(name, "alibaba", host["InstanceId"], host["PrivateIpAddress"], f"alibaba/{host['InstanceId']}"))
    return {"vpc_id": vpc_id, "vpc_cidr": cidr, "vswitch_id": vswitch_id, "zone_id": zone,
            "route_table_id": vpc.router_table_ids.router_table_ids[0], "instance_ip": host["PrivateIpAddress"]}


# --------------------------------------------------------------------------- Azure and GCP (seed post 002)
#
# As in the e2e helpers at the end of this file, the Azure and GCP SDKs load only in the functions
# that use them, so seeding another scenario never imports them.


def azure_network_client(endpoints: dict, subscription_id: str):
    """azure-mgmt-network on the lab endpoint; ARM's bearer policy refuses plain http, so the token is a plain header."""
    from azure.core.credentials import AccessToken
    from azure.core.pipeline.policies import HeadersPolicy
    from azure.mgmt.network import NetworkManagementClient

    class LabCredential:
        """The lab checks no token (SDK_WIRING.md section 4)."""

        def get_token(self, *scopes, **kwargs) -> AccessToken:
            return AccessToken("lab-token", int(time.time()) + 3600)

    return NetworkManagementClient(LabCredential(), subscription_id, base_url=endpoints["azure"], polling_interval=0,
                                   authentication_policy=HeadersPolicy({"Authorization": "Bearer lab-token"}))


def _azure_read(read, *args):
    """The resource, or None when Azure answers 404."""
    from azure.core.exceptions import ResourceNotFoundError

    try:
        return read(*args)
    except ResourceNotFoundError:
        return None


def seed_azure_vnet(client, seeded: Seeded, resource_group: str, location: str, name: str, cidr: str,
                    gateway_subnet_cidr: str, vm_subnet_cidr: str, host_ip: str) -> dict:
    """A VNet with a GatewaySubnet, a VM subnet and one VM (its network interface) at ``host_ip``."""
    from azure.mgmt.network import models

    vnet = _azure_read(client.virtual_networks.get, resource_group, name)
    if vnet is None:
        vnet = client.virtual_networks.begin_create_or_update(resource_group, name, models.VirtualNetwork(
            location=location, tags={SEED_TAG: "true"}, address_space=models.AddressSpace(address_prefixes=[cidr]),
            subnets=[models.Subnet(name="GatewaySubnet", address_prefix=gateway_subnet_cidr),
                     models.Subnet(name="vms", address_prefix=vm_subnet_cidr)])).result()
        seeded.created = True
    vm_subnet = next(subnet for subnet in vnet.subnets if subnet.name == "vms")
    nic_name = f"{name}-vm-nic"
    nic = _azure_read(client.network_interfaces.get, resource_group, nic_name)
    if nic is None:
        nic = client.network_interfaces.begin_create_or_update(resource_group, nic_name, models.NetworkInterface(
            location=location, tags={SEED_TAG: "true"}, ip_configurations=[models.NetworkInterfaceIPConfiguration(
                name="ipconfig1", subnet=models.Subnet(id=vm_subnet.id),
                private_ip_allocation_method="Static", private_ip_address=host_ip)])).result()
        seeded.created = True
    private_ip = nic.ip_configurations[0].private_ip_address
    seeded.instances.append(Instance(name, "azure", nic.id, private_ip, f"azure/{nic_name}"))
    return {"resource_group": resource_group, "location": location, "virtual_network": name, "vnet_cidr": cidr,
            "network_interfaces": [nic_name], "instance_ip": private_ip}


def _gcp_read(read, **kwargs):
    """The resource, or None when Compute answers 404."""
    from google.api_core import exceptions

    try:
        return read(**kwargs)
    except exceptions.NotFound:
        return None


def seed_gcp_vpc(clients: dict, seeded: Seeded, project: str, region: str, zone: str, name: str, cidr: str,
                 host_ip: str | None) -> dict:
    """A custom-mode VPC network with one subnetwork and one VM at ``host_ip`` (None: the subnet's first
    free address); found again by name on a rerun.

    Uses ``gcp_clients`` and ``gcp_wait`` (below, with the e2e helpers).
    """
    from google.cloud import compute_v1

    if _gcp_read(clients["networks"].get, project=project, network=name) is None:
        gcp_wait(clients, clients["networks"].insert_unary(project=project, network_resource=compute_v1.Network(
            name=name, auto_create_subnetworks=False)), project)
        seeded.created = True
    if _gcp_read(clients["subnetworks"].get, project=project, region=region, subnetwork=name) is None:
        gcp_wait(clients, clients["subnetworks"].insert_unary(project=project, region=region, subnetwork_resource=compute_v1.Subnetwork(
            name=name, network=f"global/networks/{name}", ip_cidr_range=cidr)), project)
        seeded.created = True
    if _gcp_read(clients["instances"].get, project=project, zone=zone, instance=name) is None:
        nic = compute_v1.NetworkInterface(subnetwork=f"regions/{region}/subnetworks/{name}", network_i_p=host_ip)
        gcp_wait(clients, clients["instances"].insert_unary(project=project, zone=zone, instance_resource=compute_v1.Instance(
            name=name, machine_type=f"zones/{zone}/machineTypes/e2-micro", network_interfaces=[nic])), project)
        seeded.created = True
    vm = clients["instances"].get(project=project, zone=zone, instance=name)
    private_ip = vm.network_interfaces[0].network_i_p
    seeded.instances.append(Instance(name, "gcp", str(vm.id), private_ip, f"gcp/vm/{name}"))
    return {"project": project, "region": region, "zone": zone, "network": name, "subnetwork": name,
            "vpc_cidr": cidr, "instance_ip": private_ip}


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


def aws_azure_gcp(endpoints: dict, seeded: Seeded) -> None:
    """The networks of seed post 002: Azure VNet 192.168.0.0/16, AWS VPC 172.16.0.0/16, GCP VPC 10.0.1.0/24.

    Names, region and subscription match inventories/lab/group_vars/all/lab.yml.
    """
    seeded.resources["aws"] = seed_aws_vpc(aws_client(endpoints, "us-east-1"), seeded, "mci-tri-aws",
                                           "172.16.0.0/16", "172.16.1.0/24", "172.16.1.223")
    seeded.resources["aws"]["region"] = "us-east-1"
    seeded.resources["azure"] = seed_azure_vnet(azure_network_client(endpoints, "00000000-0000-0000-0000-000000000000"), seeded,
                                                "mci-tri", "eastus", "mci-tri-azure", "192.168.0.0/16",
                                                "192.168.1.0/24", "192.168.0.0/24", "192.168.0.4")
    seeded.resources["gcp"] = seed_gcp_vpc(gcp_clients(endpoints), seeded, "mci-lab", "us-east1", "us-east1-b",
                                           "mci-tri-gcp", "10.0.1.0/24", "10.0.1.2")


SCENARIOS = {"aws_alibaba": aws_alibaba, "aws_azure_gcp": aws_azure_gcp}


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


# --------------------------------------------------------------------------- more clouds (e2e tests)
#
# The SDK imports stay inside these functions: ``python -m mci_lab seed`` runs the AWS/Alibaba
# scenario and need not load google-cloud-compute or pydo.


def seed_aws_nat_instance_vpc(ec2, seeded: Seeded, name: str, cidr: str, public_subnet_cidr: str, nat_ip: str,
                              private_subnet_cidr: str, private_ip: str) -> dict:
    """Seed post 000's AWS side: a VPC with an internet gateway (default route in the main table),
    a public subnet holding a would-be NAT instance with an Elastic IP, and a private subnet
    holding one instance. The NAT instance keeps its source/dest check: turning it off is the
    user's step."""
    vpc = ec2.create_vpc(CidrBlock=cidr, TagSpecifications=_name_tags("vpc", name))["Vpc"]
    public = ec2.create_subnet(VpcId=vpc["VpcId"], CidrBlock=public_subnet_cidr,
                               TagSpecifications=_name_tags("subnet", f"{name}-public"))["Subnet"]
    private = ec2.create_subnet(VpcId=vpc["VpcId"], CidrBlock=private_subnet_cidr,
                                TagSpecifications=_name_tags("subnet", f"{name}-private"))["Subnet"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc["VpcId"])
    main_table = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]},
                                                    {"Name": "association.main", "Values": ["true"]}])["RouteTables"][0]
    ec2.create_route(RouteTableId=main_table["RouteTableId"], DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]

    def instance(subnet_id: str, address: str, role: str) -> dict:
        return ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType="t3.micro", SubnetId=subnet_id,
                                 PrivateIpAddress=address, TagSpecifications=_name_tags("instance", f"{name}-{role}"))["Instances"][0]

    nat = instance(public["SubnetId"], nat_ip, "nat")
    host = instance(private["SubnetId"], private_ip, "private")
    elastic_ip = ec2.allocate_address(Domain="vpc")
    ec2.associate_address(AllocationId=elastic_ip["AllocationId"], InstanceId=nat["InstanceId"])
    seeded.created = True
    for role, item in (("nat", nat), ("private", host)):
        seeded.instances.append(Instance(f"{name}-{role}", "aws", item["InstanceId"], item["PrivateIpAddress"],
                                         f"aws/{item['InstanceId']}"))
    return {"vpc_id": vpc["VpcId"], "vpc_cidr": cidr, "route_table_id": main_table["RouteTableId"],
            "internet_gateway_id": igw, "nat_instance_id": nat["InstanceId"], "nat_public_ip": elastic_ip["PublicIp"],
            "private_instance_id": host["InstanceId"]}


def gcp_clients(endpoints: dict) -> dict:
    """google-cloud-compute clients (REST, anonymous) on the lab's GCP endpoint, by service name.

    Mutations go through ``*_unary`` and ``gcp_wait``: the SDK's own ``ExtendedOperation.result()``
    builds pollers without the client options and would poll compute.googleapis.com.
    """
    from google.api_core.client_options import ClientOptions
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import compute_v1

    options, credentials = ClientOptions(api_endpoint=endpoints["gcp"]), AnonymousCredentials()
    services = ("networks", "subnetworks", "vpn_gateways", "external_vpn_gateways", "routers", "vpn_tunnels",
                "instances", "region_operations", "global_operations", "zone_operations")
    return {service: getattr(compute_v1, "".join(p.capitalize() for p in service.split("_")) + "Client")(
        credentials=credentials, transport="rest", client_options=options) for service in services}


def gcp_wait(clients: dict, operation, project: str, timeout: float = 60.0) -> None:
    """Wait for a Compute operation through the lab's own operations clients; raise its error."""
    from google.cloud import compute_v1

    deadline = time.monotonic() + timeout
    while operation.status != compute_v1.Operation.Status.DONE:
        if time.monotonic() >= deadline:
            raise TimeoutError(f"GCP operation {operation.name} not done within {timeout:g}s")
        if operation.zone:
            operation = clients["zone_operations"].wait(project=project, zone=operation.zone.rsplit("/", 1)[-1],
                                                        operation=operation.name)
        elif operation.region:
            operation = clients["region_operations"].wait(project=project, region=operation.region.rsplit("/", 1)[-1],
                                                          operation=operation.name)
        else:
            operation = clients["global_operations"].wait(project=project, operation=operation.name)
    if operation.error and operation.error.errors:
        raise RuntimeError(f"GCP operation {operation.name} failed: {operation.error.errors}")


def seed_gcp_network(clients: dict, seeded: Seeded, project: str, region: str, zone: str, name: str,
                     cidr: str) -> dict:
    """A custom-mode VPC network with one subnetwork and one VM (first free address of the subnet)."""
    site = seed_gcp_vpc(clients, seeded, project, region, zone, name, cidr, host_ip=None)
    return {"network": name, "subnetwork": name, "cidr": cidr, "region": region, "zone": zone,
            "instance_ip": site["instance_ip"]}


def digitalocean_client(endpoints: dict):
    """pydo on the lab endpoint; its bearer policy refuses plain http, so the token is a plain header."""
    import pydo
    from azure.core.pipeline.policies import HeadersPolicy

    return pydo.Client("lab-token", endpoint=endpoints["digitalocean"],
                       authentication_policy=HeadersPolicy({"Authorization": "Bearer lab-token"}))


def seed_droplet(client, seeded: Seeded, name: str, region: str, vpc_range: str, timeout: float = HOSTS_TIMEOUT) -> dict:
    """A VPC and one active Droplet in it (private and public address)."""
    vpc = client.vpcs.create({"name": name, "region": region, "ip_range": vpc_range})["vpc"]
    droplet = client.droplets.create({"name": name, "region": region, "size": "s-1vcpu-1gb",
                                      "image": "ubuntu-22-04-x64", "vpc_uuid": vpc["id"]})["droplet"]
    deadline = time.monotonic() + timeout
    while droplet["status"] != "active":
        if time.monotonic() >= deadline:
            raise TimeoutError(f"droplet {droplet['id']} not active within {timeout:g}s")
        time.sleep(0.1)
        droplet = client.droplets.get(droplet["id"])["droplet"]
    addresses = {network["type"]: network["ip_address"] for network in droplet["networks"]["v4"]}
    seeded.created = True
    seeded.instances.append(Instance(name, "digitalocean", str(droplet["id"]), addresses["private"],
                                     f"digitalocean/droplet/{droplet['id']}"))
    return {"vpc_id": vpc["id"], "vpc_range": vpc_range, "droplet_id": droplet["id"],
            "private_ip": addresses["private"], "public_ip": addresses["public"]}
