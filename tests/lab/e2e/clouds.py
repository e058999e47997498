"""The interconnects the end-to-end tests build, each only through the clouds' official SDKs.

Nothing here reaches into an emulator or the data plane: every step is an API call a user (or a
role) would make, in the order the clouds need them (a side's public address first, then the
peer that names it), and every status is read back through the API.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from alibabacloud_vpc20160428 import models as vpc_models

from mci_lab import scenarios
from tests.lab.common import wait_until

AWS_REGION = "us-east-1"
ALIBABA_REGION, ALIBABA_ZONE = "cn-hangzhou", "cn-hangzhou-h"
GCP_PROJECT, GCP_REGION, GCP_ZONE = "lab-project", "us-east1", "us-east1-b"
API_TIMEOUT = 30.0


def aws_algorithms(version: str, encryption: str, integrity: str, dh_group: int) -> dict:
    """TunnelOptions restricting both phases to one algorithm of each kind (AWS's own names)."""
    return {
        "IKEVersions": [{"Value": version}],
        "Phase1EncryptionAlgorithms": [{"Value": encryption}],
        "Phase1IntegrityAlgorithms": [{"Value": integrity}],
        "Phase1DHGroupNumbers": [{"Value": dh_group}],
        "Phase2EncryptionAlgorithms": [{"Value": encryption}],
        "Phase2IntegrityAlgorithms": [{"Value": integrity}],
        "Phase2DHGroupNumbers": [{"Value": dh_group}],
    }


def alibaba_ike_config(psk: str, version: str = "ikev1", encryption: str = "aes", integrity: str = "sha1",
                       group: str = "group2") -> str:
    return json.dumps({"IkeVersion": version, "IkeMode": "main", "IkeEncAlg": encryption, "IkeAuthAlg": integrity,
                       "IkePfs": group, "Psk": psk})


def alibaba_ipsec_config(encryption: str = "aes", integrity: str = "sha1", group: str = "group2") -> str:
    return json.dumps({"IpsecEncAlg": encryption, "IpsecAuthAlg": integrity, "IpsecPfs": group})


# --------------------------------------------------------------------------- AWS


def aws_vpn(ec2, vpn_id: str) -> dict:
    return ec2.describe_vpn_connections(VpnConnectionIds=[vpn_id])["VpnConnections"][0]


def aws_telemetry(ec2, vpn_id: str) -> list[dict]:
    """VgwTelemetry in tunnel order (the order of Options.TunnelOptions)."""
    vpn = aws_vpn(ec2, vpn_id)
    by_ip = {item["OutsideIpAddress"]: item for item in vpn["VgwTelemetry"]}
    return [by_ip[tunnel["OutsideIpAddress"]] for tunnel in vpn["Options"]["TunnelOptions"]]


def aws_attached_vgw(ec2, vpc_id: str, **asn) -> str:
    vgw_id = ec2.create_vpn_gateway(Type="ipsec.1", **asn)["VpnGateway"]["VpnGatewayId"]
    ec2.attach_vpn_gateway(VpnGatewayId=vgw_id, VpcId=vpc_id)
    wait_until(lambda: ec2.describe_vpn_gateways(VpnGatewayIds=[vgw_id])["VpnGateways"][0]["VpcAttachments"][0]["State"]
               == "attached", API_TIMEOUT, f"{vgw_id} attached")
    return vgw_id


def aws_vpn_connection(ec2, customer_ip: str, asn: int, vgw_id: str, options: dict) -> dict:
    """A VPN connection to a new customer gateway, once available (with its generated keys)."""
    cgw_id = ec2.create_customer_gateway(Type="ipsec.1", IpAddress=customer_ip, BgpAsn=asn)["CustomerGateway"]["CustomerGatewayId"]
    vpn_id = ec2.create_vpn_connection(Type="ipsec.1", CustomerGatewayId=cgw_id, VpnGatewayId=vgw_id,
                                       Options=options)["VpnConnection"]["VpnConnectionId"]
    return wait_until(lambda: (vpn := aws_vpn(ec2, vpn_id))["State"] == "available" and vpn, API_TIMEOUT,
                      f"{vpn_id} available")


# --------------------------------------------------------------------------- Alibaba


def alibaba_gateway(client, vpc_id: str, vswitch_id: str, name: str) -> tuple[str, str]:
    """(VPN gateway id, its internet IP) once the gateway is active."""
    gateway_id = client.create_vpn_gateway(vpc_models.CreateVpnGatewayRequest(
        region_id=ALIBABA_REGION, vpc_id=vpc_id, v_switch_id=vswitch_id, bandwidth=10, enable_ipsec=True,
        instance_charge_type="POSTPAY", name=name)).body.vpn_gateway_id

    def active():
        body = client.describe_vpn_gateway(vpc_models.DescribeVpnGatewayRequest(
            region_id=ALIBABA_REGION, vpn_gateway_id=gateway_id)).body
        return body.status == "active" and body.internet_ip

    return gateway_id, wait_until(active, API_TIMEOUT, f"Alibaba VPN gateway {gateway_id} active")


def alibaba_connection(client, gateway_id: str, peer_ip: str, name: str, local_subnet: str, remote_subnet: str,
                       ike_config: str, ipsec_config: str) -> str:
    """A customer gateway at ``peer_ip`` and a single-tunnel IPsec connection to it, negotiating at once."""
    customer_id = client.create_customer_gateway(vpc_models.CreateCustomerGatewayRequest(
        region_id=ALIBABA_REGION, ip_address=peer_ip, name=name)).body.customer_gateway_id
    return client.create_vpn_connection(vpc_models.CreateVpnConnectionRequest(
        region_id=ALIBABA_REGION, vpn_gateway_id=gateway_id, customer_gateway_id=customer_id, name=name,
        local_subnet=local_subnet, remote_subnet=remote_subnet, effect_immediately=True, enable_dpd=True,
        enable_nat_traversal=True, ike_config=ike_config, ipsec_config=ipsec_config)).body.vpn_connection_id


def alibaba_connection_status(client, connection_id: str) -> str:
    return client.describe_vpn_connection(vpc_models.DescribeVpnConnectionRequest(
        region_id=ALIBABA_REGION, vpn_connection_id=connection_id)).body.status


def alibaba_connection_logs(client, connection_id: str) -> list[str]:
    body = client.describe_vpn_connection_logs(vpc_models.DescribeVpnConnectionLogsRequest(
        region_id=ALIBABA_REGION, vpn_connection_id=connection_id)).body
    return list(body.data.logs or []) if body.data else []


# --------------------------------------------------------------------------- AWS <-> Alibaba, static


@dataclass(frozen=True)
class StaticSite:
    """One pair of networks: an AWS VPC and an Alibaba VPC, each with one instance."""

    name: str
    aws_cidr: str
    aws_subnet: str
    aws_host: str
    alibaba_cidr: str
    alibaba_vswitch: str
    alibaba_host: str


@dataclass
class StaticPair:
    site: StaticSite
    vpn: dict
    alibaba_gateway_id: str
    alibaba_ip: str
    alibaba_connections: list[str]
    instances: dict[str, str] = field(default_factory=dict)  # cloud -> model id of its instance


def aws_alibaba_static(endpoints: dict, site: StaticSite, aws_options: dict, alibaba_ike: dict, alibaba_ipsec: str,
                       peered_tunnels: int = 2) -> StaticPair:
    """A static (policy-based on Alibaba) AWS <-> Alibaba VPN, as the aws_alibaba role builds it:
    Alibaba gateway first, AWS VGW + customer gateway at its IP + static VPN connection, then one
    Alibaba IPsec connection per AWS tunnel (``peered_tunnels`` of them) with that tunnel's key,
    and routes on both sides. ``alibaba_ike`` holds alibaba_ike_config's arguments but the PSK."""
    ec2 = scenarios.aws_client(endpoints, AWS_REGION)
    alibaba = scenarios.alibaba_client(endpoints, ALIBABA_REGION)
    seeded = scenarios.Seeded()
    aws = scenarios.seed_aws_vpc(ec2, seeded, f"{site.name}-aws", site.aws_cidr, site.aws_subnet, site.aws_host)
    ali = scenarios.seed_alibaba_vpc(alibaba, seeded, ALIBABA_REGION, f"{site.name}-alibaba", site.alibaba_cidr,
                                     site.alibaba_vswitch, site.alibaba_host, ALIBABA_ZONE)
    gateway_id, alibaba_ip = alibaba_gateway(alibaba, ali["vpc_id"], ali["vswitch_id"], site.name)

    vgw_id = aws_attached_vgw(ec2, aws["vpc_id"])
    vpn = aws_vpn_connection(ec2, alibaba_ip, 65000, vgw_id, {
        "StaticRoutesOnly": True, "TunnelOptions": [dict(aws_options), dict(aws_options)]})
    ec2.create_vpn_connection_route(VpnConnectionId=vpn["VpnConnectionId"], DestinationCidrBlock=site.alibaba_cidr)
    for table_id in aws["route_table_ids"]:
        ec2.create_route(RouteTableId=table_id, DestinationCidrBlock=site.alibaba_cidr, GatewayId=vgw_id)

    connections = []
    for number, tunnel in enumerate(vpn["Options"]["TunnelOptions"][:peered_tunnels], 1):
        connections.append(alibaba_connection(
            alibaba, gateway_id, tunnel["OutsideIpAddress"], f"{site.name}-t{number}", site.alibaba_cidr, site.aws_cidr,
            alibaba_ike_config(tunnel["PreSharedKey"], **alibaba_ike), alibaba_ipsec))
    alibaba.create_route_entry(vpc_models.CreateRouteEntryRequest(
        region_id=ALIBABA_REGION, route_table_id=ali["route_table_id"], destination_cidr_block=site.aws_cidr,
        next_hop_type="VpnGateway", next_hop_id=gateway_id))
    return StaticPair(site, aws_vpn(ec2, vpn["VpnConnectionId"]), gateway_id, alibaba_ip, connections,
                      {instance.cloud: instance.model_id for instance in seeded.instances})
