"""VPCs, vSwitches, the VPC's system route table and its custom route entries."""
from __future__ import annotations

from mci_lab.emulators.alibaba import errors, rules
from mci_lab.emulators.alibaba.call import Call, Handler
from mci_lab.emulators.alibaba.state import (
    LAB_OWNER_ID, RESOURCE_GROUP_ID, AlibabaState, RouteEntry, Vpc, VSwitch, iso_time, new_id, now)
from mci_lab.emulators.alibaba.wire import listed, paginate

# NextHopType values the lab routes, and how the data plane names their targets. Other types
# (HaVip, RouterInterface, NetworkInterface, ...) have no lab counterpart.
NEXT_HOP_TARGETS = {"Instance": "instance", "VpnGateway": "vpn_gateway"}


def tag_list(tags: dict[str, str]) -> dict:
    return listed("Tags", "Tag", [{"Key": key, "Value": value} for key, value in sorted(tags.items())])


def matches_tags(tags: dict[str, str], wanted: dict[str, str]) -> bool:
    return all(tags.get(key) == value for key, value in wanted.items())


# --------------------------------------------------------------------------- VPC


def vpc_view(state: AlibabaState, vpc: Vpc) -> dict:
    return {
        "VpcId": vpc.id,
        "RegionId": vpc.region,
        "Status": "Available",
        "VpcName": vpc.name,
        "Description": vpc.description,
        "CidrBlock": vpc.cidr,
        "VRouterId": vpc.vrouter_id,
        "CreationTime": iso_time(vpc.created),
        "IsDefault": False,
        "EnabledIpv6": False,
        "OwnerId": LAB_OWNER_ID,
        "ResourceGroupId": RESOURCE_GROUP_ID,
        "VSwitchIds": {"VSwitchId": [vswitch.id for vswitch in state.vswitches_of(vpc.id)]},
        "RouterTableIds": {"RouterTableIds": [vpc.route_table_id]},
        "UserCidrs": {"UserCidr": []},
        "SecondaryCidrBlocks": {"SecondaryCidrBlock": []},
        "NatGatewayIds": {"NatGatewayIds": []},
        **tag_list(vpc.tags),
    }


def create_vpc(call: Call) -> dict:
    region, params = call.region, call.params
    cidr = rules.vpc_cidr(params.get("CidrBlock"))
    vpc_id = new_id("vpc")
    vpc = Vpc(id=vpc_id, region=region, cidr=str(cidr), name=params.get("VpcName", ""),
              description=params.get("Description", ""), vrouter_id=new_id("vrt"), route_table_id=new_id("vtb"),
              created=now(), tags=params.tags("Tag"))
    call.state.vpcs[vpc_id] = vpc
    call.data_plane_changed()
    return {"VpcId": vpc.id, "VRouterId": vpc.vrouter_id, "RouteTableId": vpc.route_table_id,
            "ResourceGroupId": RESOURCE_GROUP_ID}


def describe_vpcs(call: Call) -> dict:
    region, params = call.region, call.params
    wanted_ids, wanted_name, wanted_tags = params.id_list("VpcId"), params.get("VpcName"), params.tags("Tag")
    found = [
        vpc for vpc in call.state.vpcs.values()
        if vpc.region == region
        and (not wanted_ids or vpc.id in wanted_ids)
        and (wanted_name is None or vpc.name == wanted_name)
        and matches_tags(vpc.tags, wanted_tags)
    ]
    page, paging = paginate(found, params.page())
    return {**paging, **listed("Vpcs", "Vpc", [vpc_view(call.state, vpc) for vpc in page])}


def describe_vpc_attribute(call: Call) -> dict:
    return vpc_view(call.state, call.state.vpc(call.region, call.params.required("VpcId")))


def delete_vpc(call: Call) -> dict:
    state = call.state
    vpc = state.vpc(call.region, call.params.required("VpcId"))
    if state.vswitches_of(vpc.id):
        raise errors.vpc_has("VSwitch")
    if state.route_entries_of(vpc.route_table_id):
        raise errors.vpc_has("RouteEntry")
    if state.gateways_in(vpc.id):
        raise errors.vpc_has("Instance")
    del state.vpcs[vpc.id]
    call.data_plane_changed()
    return {}


# --------------------------------------------------------------------------- vSwitch


def vswitch_view(state: AlibabaState, vswitch: VSwitch) -> dict:
    usable = rules.usable_vswitch_address_count(vswitch.cidr)
    return {
        "VSwitchId": vswitch.id,
        "VpcId": vswitch.vpc_id,
        "Status": "Available",
        "CidrBlock": vswitch.cidr,
        "ZoneId": vswitch.zone_id,
        "VSwitchName": vswitch.name,
        "Description": vswitch.description,
        "CreationTime": iso_time(vswitch.created),
        "AvailableIpAddressCount": usable - len(state.instances_in(vswitch.id)),
        "IsDefault": False,
        "EnabledIpv6": False,
        "OwnerId": LAB_OWNER_ID,
        "ResourceGroupId": RESOURCE_GROUP_ID,
        "ShareType": "Sharing",
        "NetworkAclId": "",
        "RouteTable": {"RouteTableId": state.vpcs[vswitch.vpc_id].route_table_id, "RouteTableType": "System"},
        **tag_list(vswitch.tags),
    }


def create_vswitch(call: Call) -> dict:
    region, params, state = call.region, call.params, call.state
    vpc = state.vpc(region, params.required("VpcId"))
    zone_id = params.required("ZoneId")
    siblings = [vswitch.cidr for vswitch in state.vswitches_of(vpc.id)]
    cidr = rules.vswitch_cidr(params.required("CidrBlock"), vpc.cidr, siblings)
    vswitch = VSwitch(id=new_id("vsw"), region=region, vpc_id=vpc.id, cidr=str(cidr), zone_id=zone_id,
                      name=params.get("VSwitchName", ""), description=params.get("Description", ""),
                      created=now(), tags=params.tags("Tag"))
    state.vswitches[vswitch.id] = vswitch
    call.data_plane_changed()
    return {"VSwitchId": vswitch.id}


def describe_vswitches(call: Call) -> dict:
    region, params = call.region, call.params
    wanted_ids, wanted_tags = params.id_list("VSwitchId"), params.tags("Tag")
    vpc_id, zone_id, name = params.get("VpcId"), params.get("ZoneId"), params.get("VSwitchName")
    found = [
        vswitch for vswitch in call.state.vswitches.values()
        if vswitch.region == region
        and (not wanted_ids or vswitch.id in wanted_ids)
        and (vpc_id is None or vswitch.vpc_id == vpc_id)
        and (zone_id is None or vswitch.zone_id == zone_id)
        and (name is None or vswitch.name == name)
        and matches_tags(vswitch.tags, wanted_tags)
    ]
    page, paging = paginate(found, params.page())
    return {**paging, **listed("VSwitches", "VSwitch", [vswitch_view(call.state, vswitch) for vswitch in page])}


def delete_vswitch(call: Call) -> dict:
    state = call.state
    vswitch = state.vswitch(call.region, call.params.required("VSwitchId"))
    in_use_by_gateway = any(vswitch.id in (gateway.vswitch_id, gateway.disaster_recovery_vswitch_id)
                            for gateway in state.vpn_gateways.values())
    if state.instances_in(vswitch.id) or in_use_by_gateway:
        raise errors.dependency_violation()
    del state.vswitches[vswitch.id]
    call.data_plane_changed()
    return {}


# --------------------------------------------------------------------------- route table and entries


def route_table_view(state: AlibabaState, vpc: Vpc) -> dict:
    return {
        "RouteTableId": vpc.route_table_id,
        "RouteTableName": "",
        "RouteTableType": "System",
        "RouterId": vpc.vrouter_id,
        "RouterType": "VRouter",
        "VpcId": vpc.id,
        "Status": "Available",
        "AssociateType": "VSwitch",
        "Description": "",
        "CreationTime": iso_time(vpc.created),
        "OwnerId": LAB_OWNER_ID,
        "ResourceGroupId": RESOURCE_GROUP_ID,
        "RoutePropagationEnable": True,
        "VSwitchIds": {"VSwitchId": [vswitch.id for vswitch in state.vswitches_of(vpc.id)]},
        "GatewayIds": {"GatewayIds": []},
        **tag_list({}),
    }


def describe_route_table_list(call: Call) -> dict:
    region, params = call.region, call.params
    vpc_id, table_id, table_type = params.get("VpcId"), params.get("RouteTableId"), params.get("RouteTableType")
    found = [
        vpc for vpc in call.state.vpcs.values()
        if vpc.region == region
        and (vpc_id is None or vpc.id == vpc_id)
        and (table_id is None or vpc.route_table_id == table_id)
        and table_type in (None, "System")  # the lab has the system route table only
    ]
    page, paging = paginate(found, params.page())
    return {**paging, **listed("RouterTableList", "RouterTableListType", [route_table_view(call.state, vpc) for vpc in page])}


def system_entry_views(state: AlibabaState, vpc: Vpc) -> list[dict]:
    """The routes the VPC adds by itself: one per vSwitch block."""
    return [
        {
            "RouteEntryId": "",
            "RouteTableId": vpc.route_table_id,
            "DestinationCidrBlock": vswitch.cidr,
            "Type": "System",
            "Status": "Available",
            "IpVersion": "ipv4",
            "RouteEntryName": "",
            "Description": "",
            "NextHops": {"NextHop": [{"NextHopType": "local", "NextHopId": "", "Enabled": 1, "Weight": 0}]},
        }
        for vswitch in state.vswitches_of(vpc.id)
    ]


def custom_entry_view(entry: RouteEntry, region: str) -> dict:
    return {
        "RouteEntryId": entry.id,
        "RouteTableId": entry.route_table_id,
        "DestinationCidrBlock": entry.destination,
        "Type": "Custom",
        "Status": entry.status,
        "IpVersion": "ipv4",
        "RouteEntryName": entry.name,
        "Description": entry.description,
        "NextHops": {"NextHop": [{
            "NextHopType": entry.next_hop_type,
            "NextHopId": entry.next_hop_id,
            "NextHopRegionId": region,
            "Enabled": 1,
            "Weight": 0,
            "NextHopRelatedInfo": {"InstanceId": entry.next_hop_id, "InstanceType": entry.next_hop_type, "RegionId": region},
        }]},
    }


def check_route_table_idle(state: AlibabaState, route_table_id: str) -> None:
    """The table takes one change at a time: a Pending entry blocks the next change."""
    if any(entry.status == "Pending" for entry in state.route_entries_of(route_table_id)):
        raise errors.route_table_busy()


def check_next_hop(call: Call, vpc: Vpc, next_hop_type: str, next_hop_id: str | None) -> str:
    if next_hop_type not in NEXT_HOP_TARGETS:
        raise errors.next_hop_type_invalid()
    if not next_hop_id:
        raise errors.missing_parameter("NextHopId")
    target = (call.state.instances if next_hop_type == "Instance" else call.state.vpn_gateways).get(next_hop_id)
    if target is None or target.vpc_id != vpc.id:
        raise errors.next_hop_not_found()
    return next_hop_id


def create_route_entry(call: Call) -> dict:
    region, params, state = call.region, call.params, call.state
    vpc = state.vpc_of_route_table(region, params.required("RouteTableId"))
    vswitch_cidrs = [vswitch.cidr for vswitch in state.vswitches_of(vpc.id)]
    next_hop_type = params.get("NextHopType", "Instance")
    destination = str(rules.route_destination(params.required("DestinationCidrBlock"), vswitch_cidrs, next_hop_type))
    next_hop_id = check_next_hop(call, vpc, next_hop_type, params.get("NextHopId"))
    if any(entry.destination == destination for entry in state.route_entries_of(vpc.route_table_id)):
        raise errors.route_destination_duplicate()
    check_route_table_idle(state, vpc.route_table_id)
    entry = RouteEntry(id=new_id("rte"), route_table_id=vpc.route_table_id, destination=destination,
                       next_hop_type=next_hop_type, next_hop_id=next_hop_id, name=params.get("RouteEntryName", ""),
                       description=params.get("Description", ""), ready_at=call.ready_at("route_entry"))
    state.route_entries[entry.id] = entry
    call.data_plane_changed(entry.ready_at)
    return {"RouteEntryId": entry.id}


def describe_route_entry_list(call: Call) -> dict:
    region, params, state = call.region, call.params, call.state
    vpc = state.vpc_of_route_table(region, params.required("RouteTableId"))
    views = system_entry_views(state, vpc) + [custom_entry_view(entry, region) for entry in state.route_entries_of(vpc.route_table_id)]
    filters = {
        "DestinationCidrBlock": params.get("DestinationCidrBlock"),
        "RouteEntryId": params.get("RouteEntryId"),
        "Type": params.get("RouteEntryType"),
        "RouteEntryName": params.get("RouteEntryName"),
    }
    next_hop_id, next_hop_type = params.get("NextHopId"), params.get("NextHopType")
    found = [
        view for view in views
        if all(wanted is None or view[key] == wanted for key, wanted in filters.items())
        and (next_hop_id is None or view["NextHops"]["NextHop"][0]["NextHopId"] == next_hop_id)
        and (next_hop_type is None or view["NextHops"]["NextHop"][0]["NextHopType"] == next_hop_type)
    ]
    return _token_page(found, params.integer("MaxResult", 50), params.get("NextToken"))


def _token_page(views: list[dict], size: int, token: str | None) -> dict:
    """DescribeRouteEntryList pages with MaxResult / NextToken instead of page numbers."""
    start = int(token) if token and token.isdigit() else 0
    page = views[start:start + size]
    following = start + size
    return {"TotalCount": len(views), "NextToken": str(following) if following < len(views) else "",
            **listed("RouteEntrys", "RouteEntry", page)}


def delete_route_entry(call: Call) -> dict:
    region, params, state = call.region, call.params, call.state
    vpc = state.vpc_of_route_table(region, params.required("RouteTableId"))
    entry = _find_route_entry(call, vpc)
    check_route_table_idle(state, vpc.route_table_id)
    del state.route_entries[entry.id]
    call.data_plane_changed()
    return {}


def modify_route_entry(call: Call) -> dict:
    """Rename a custom entry, or move it to another next hop (the entry is Pending again)."""
    params, state = call.params, call.state
    entry = state.route_entries.get(params.required("RouteEntryId"))
    if entry is None:
        raise errors.route_entry_not_found()
    vpc = state.vpc_of_route_table(call.region, entry.route_table_id)
    new_hop_id = params.get("NewNextHopId")
    if new_hop_id is not None:
        new_hop_type = params.get("NewNextHopType", entry.next_hop_type)
        check_next_hop(call, vpc, new_hop_type, new_hop_id)
        check_route_table_idle(state, vpc.route_table_id)
        entry.next_hop_type, entry.next_hop_id = new_hop_type, new_hop_id
        entry.ready_at = call.ready_at("route_entry")
        call.data_plane_changed(entry.ready_at)
    entry.name = params.get("RouteEntryName", entry.name)
    entry.description = params.get("Description", entry.description)
    return {}


def _find_route_entry(call: Call, vpc: Vpc) -> RouteEntry:
    params, state = call.params, call.state
    entry_id, destination = params.get("RouteEntryId"), params.get("DestinationCidrBlock")
    if entry_id is None and destination is None:
        raise errors.missing_parameter("RouteEntryId")
    if destination is not None and any(vswitch.cidr == destination for vswitch in state.vswitches_of(vpc.id)):
        raise errors.system_route_entry()
    next_hop_id = params.get("NextHopId")
    for entry in state.route_entries_of(vpc.route_table_id):
        if (entry_id is None or entry.id == entry_id) and (destination is None or entry.destination == destination) \
                and (next_hop_id is None or entry.next_hop_id == next_hop_id):
            return entry
    raise errors.route_entry_not_found()


ACTIONS: dict[str, Handler] = {
    "CreateVpc": create_vpc,
    "DescribeVpcs": describe_vpcs,
    "DescribeVpcAttribute": describe_vpc_attribute,
    "DeleteVpc": delete_vpc,
    "CreateVSwitch": create_vswitch,
    "DescribeVSwitches": describe_vswitches,
    "DeleteVSwitch": delete_vswitch,
    "DescribeRouteTableList": describe_route_table_list,
    "CreateRouteEntry": create_route_entry,
    "DescribeRouteEntryList": describe_route_entry_list,
    "ModifyRouteEntry": modify_route_entry,
    "DeleteRouteEntry": delete_route_entry,
}
