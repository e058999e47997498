"""VPN gateways (asynchronous: ``init`` -> ``active``) and customer gateways."""
from __future__ import annotations

import secrets

from mci_lab.emulators.alibaba import errors, rules
from mci_lab.emulators.alibaba.call import Call, Handler
from mci_lab.emulators.alibaba.state import (
    RESOURCE_GROUP_ID, AlibabaState, CustomerGateway, VpnGateway, VSwitch, epoch_ms, new_id, now)
from mci_lab.emulators.alibaba.vpc_actions import matches_tags, tag_list
from mci_lab.emulators.alibaba.wire import listed, paginate

CHARGE_TYPES = {"POSTPAY": "PostPay", "PREPAY": "PrePay"}  # Source: CreateVpnGateway doc (InstanceChargeType).


def ensure_idle(gateway: VpnGateway) -> None:
    """A gateway still in ``init`` or ``updating`` rejects every change, as the real one does."""
    if gateway.status != "active":
        raise errors.vpn_gateway_configuring()


def public_owner(gateway_id: str, disaster_recovery: bool = False) -> str:
    return f"alibaba/{gateway_id}" + ("/disaster-recovery" if disaster_recovery else "")


# --------------------------------------------------------------------------- VPN gateway


def vpn_gateway_view(state: AlibabaState, gateway: VpnGateway) -> dict:
    status = gateway.status
    provisioned = status != "init"  # the internet IPs show once the gateway is provisioned
    return {
        "VpnGatewayId": gateway.id,
        "VpcId": gateway.vpc_id,
        "VSwitchId": gateway.vswitch_id,
        "DisasterRecoveryVSwitchId": gateway.disaster_recovery_vswitch_id,
        "InternetIp": gateway.internet_ip if provisioned else "",
        "DisasterRecoveryInternetIp": gateway.disaster_recovery_internet_ip if provisioned else "",
        "SslVpnInternetIp": "",
        "Status": status,
        "BusinessStatus": "Normal",
        "Name": gateway.name,
        "Description": gateway.description,
        "Spec": f"{gateway.bandwidth}M",
        "IpsecVpn": "enable" if gateway.enable_ipsec else "disable",
        "SslVpn": "enable" if gateway.enable_ssl else "disable",
        "SslMaxConnections": gateway.ssl_connections,
        "ChargeType": gateway.charge_type,
        "CreateTime": epoch_ms(gateway.created),
        "EndTime": 0,
        "NetworkType": "public",
        "VpnType": "Normal",
        "GatewayType": "Normal",
        "EnableBgp": any(connection.bgp_enabled for connection in state.connections_of(gateway.id)),
        "AutoPropagate": True,
        "ResourceGroupId": RESOURCE_GROUP_ID,
        "Tag": "",
        "EniInstanceIds": {"EniInstanceId": []},
        **tag_list(gateway.tags),
    }


def _gateway_vswitches(call: Call, vpc_id: str) -> tuple[VSwitch, VSwitch | None]:
    params, state, region = call.params, call.state, call.region
    vswitch_id = params.get("VSwitchId")
    if vswitch_id is None:  # the cloud picks one of the VPC's vSwitches
        candidates = state.vswitches_of(vpc_id)
        if not candidates:
            raise errors.missing_parameter("VSwitchId")
        vswitch_id = candidates[0].id
    vswitch = state.vswitch(region, vswitch_id)
    if vswitch.vpc_id != vpc_id:
        raise errors.vswitch_not_found()
    recovery_id = params.get("DisasterRecoveryVSwitchId")
    if recovery_id is None:
        return vswitch, None
    recovery = state.vswitch(region, recovery_id)
    if recovery.vpc_id != vpc_id:
        raise errors.vswitch_not_found()
    if recovery.zone_id == vswitch.zone_id:
        raise errors.invalid_parameter("DisasterRecoveryVSwitchId", "It must be in another zone than VSwitchId.")
    return vswitch, recovery


def create_vpn_gateway(call: Call) -> dict:
    region, params, state = call.region, call.params, call.state
    vpc = state.vpc(region, params.required("VpcId"))
    bandwidth = params.integer("Bandwidth")
    if bandwidth is None:
        raise errors.missing_parameter("Bandwidth")
    charge = params.get("InstanceChargeType", "POSTPAY").upper()
    if charge not in CHARGE_TYPES:
        raise errors.invalid_parameter("InstanceChargeType")
    vswitch, recovery = _gateway_vswitches(call, vpc.id)
    gateway_id = new_id("vpn")
    gateway = VpnGateway(
        id=gateway_id, region=region, vpc_id=vpc.id, vswitch_id=vswitch.id,
        disaster_recovery_vswitch_id=recovery.id if recovery else "",
        name=params.get("Name", gateway_id), description=params.get("Description", ""), bandwidth=bandwidth,
        enable_ipsec=params.flag("EnableIpsec", True), enable_ssl=params.flag("EnableSsl", False),
        ssl_connections=params.integer("SslConnections", 5), charge_type=CHARGE_TYPES[charge],
        internet_ip=call.ctx.public_ips.allocate(public_owner(gateway_id)),
        disaster_recovery_internet_ip=call.ctx.public_ips.allocate(public_owner(gateway_id, True)) if recovery else "",
        created=now(), ready_at=call.ready_at("vpn_gateway"),
    )
    state.vpn_gateways[gateway_id] = gateway
    call.data_plane_changed(gateway.ready_at)
    return {"VpnGatewayId": gateway_id, "Name": gateway.name, "OrderId": secrets.randbelow(10**14)}


def describe_vpn_gateway(call: Call) -> dict:
    return vpn_gateway_view(call.state, call.state.vpn_gateway(call.region, call.params.required("VpnGatewayId")))


def describe_vpn_gateways(call: Call) -> dict:
    region, params = call.region, call.params
    wanted = {"VpcId": params.get("VpcId"), "VpnGatewayId": params.get("VpnGatewayId"),
              "Status": params.get("Status"), "BusinessStatus": params.get("BusinessStatus")}
    wanted_tags = params.tags("Tag")
    views = [
        vpn_gateway_view(call.state, gateway) for gateway in call.state.vpn_gateways.values()
        if gateway.region == region and matches_tags(gateway.tags, wanted_tags)
    ]
    found = [view for view in views if all(value is None or view[key] == value for key, value in wanted.items())]
    page, paging = paginate(found, params.page())
    return {**paging, **listed("VpnGateways", "VpnGateway", page)}


def modify_vpn_gateway_attribute(call: Call) -> dict:
    gateway = call.state.vpn_gateway(call.region, call.params.required("VpnGatewayId"))
    gateway.name = call.params.get("Name", gateway.name)
    gateway.description = call.params.get("Description", gateway.description)
    return vpn_gateway_view(call.state, gateway)


def delete_vpn_gateway(call: Call) -> dict:
    state = call.state
    gateway = state.vpn_gateway(call.region, call.params.required("VpnGatewayId"))
    ensure_idle(gateway)
    routed_to = any(entry.next_hop_id == gateway.id for entry in state.route_entries.values())
    if state.connections_of(gateway.id) or routed_to:
        raise errors.dependency_violation()
    for route in state.vpn_routes_of(gateway.id):
        state.vpn_route_entries.remove(route)
    for address in (gateway.internet_ip, gateway.disaster_recovery_internet_ip):
        if address:
            call.ctx.public_ips.release(address)
    del state.vpn_gateways[gateway.id]
    call.data_plane_changed()
    return {}


# --------------------------------------------------------------------------- customer gateway


def customer_gateway_view(gateway: CustomerGateway) -> dict:
    view = {
        "CustomerGatewayId": gateway.id,
        "IpAddress": gateway.ip_address,
        "Name": gateway.name,
        "Description": gateway.description,
        "CreateTime": epoch_ms(gateway.created),
        "AuthKey": gateway.auth_key,
        "ResourceGroupId": RESOURCE_GROUP_ID,
        **tag_list(gateway.tags),
    }
    if gateway.asn is not None:
        view["Asn"] = gateway.asn
    return view


def create_customer_gateway(call: Call) -> dict:
    region, params, state = call.region, call.params, call.state
    ip_address = rules.customer_gateway_ip(params.required("IpAddress"))
    if any(gateway.ip_address == ip_address and gateway.region == region for gateway in state.customer_gateways.values()):
        raise errors.customer_gateway_ip_taken()
    asn_text = params.get("Asn")
    gateway_id = new_id("cgw")
    gateway = CustomerGateway(
        id=gateway_id, region=region, ip_address=ip_address,
        asn=rules.customer_gateway_asn(asn_text) if asn_text is not None else None,
        auth_key=params.get("AuthKey", ""), name=params.get("Name", gateway_id),
        description=params.get("Description", ""), created=now(), tags=params.tags("Tags"),
    )
    state.customer_gateways[gateway_id] = gateway
    return {"CustomerGatewayId": gateway_id, "IpAddress": ip_address, "Name": gateway.name,
            "Description": gateway.description, "CreateTime": epoch_ms(gateway.created)}


def describe_customer_gateway(call: Call) -> dict:
    return customer_gateway_view(call.state.customer_gateway(call.region, call.params.required("CustomerGatewayId")))


def describe_customer_gateways(call: Call) -> dict:
    region, params = call.region, call.params
    wanted_ids = params.id_list("CustomerGatewayId")
    found = [
        customer_gateway_view(gateway) for gateway in call.state.customer_gateways.values()
        if gateway.region == region and (not wanted_ids or gateway.id in wanted_ids)
    ]
    page, paging = paginate(found, params.page())
    return {**paging, **listed("CustomerGateways", "CustomerGateway", page)}


def modify_customer_gateway_attribute(call: Call) -> dict:
    gateway = call.state.customer_gateway(call.region, call.params.required("CustomerGatewayId"))
    gateway.name = call.params.get("Name", gateway.name)
    gateway.description = call.params.get("Description", gateway.description)
    gateway.auth_key = call.params.get("AuthKey", gateway.auth_key)
    return customer_gateway_view(gateway)


def delete_customer_gateway(call: Call) -> dict:
    state = call.state
    gateway = state.customer_gateway(call.region, call.params.required("CustomerGatewayId"))
    in_use = any(tunnel.customer_gateway_id == gateway.id
                 for connection in state.vpn_connections.values() for tunnel in connection.tunnels)
    if in_use:
        raise errors.dependency_violation()
    del state.customer_gateways[gateway.id]
    return {}


ACTIONS: dict[str, Handler] = {
    "CreateVpnGateway": create_vpn_gateway,
    "DescribeVpnGateway": describe_vpn_gateway,
    "DescribeVpnGateways": describe_vpn_gateways,
    "ModifyVpnGatewayAttribute": modify_vpn_gateway_attribute,
    "DeleteVpnGateway": delete_vpn_gateway,
    "CreateCustomerGateway": create_customer_gateway,
    "DescribeCustomerGateway": describe_customer_gateway,
    "DescribeCustomerGateways": describe_customer_gateways,
    "ModifyCustomerGatewayAttribute": modify_customer_gateway_attribute,
    "DeleteCustomerGateway": delete_customer_gateway,
}
