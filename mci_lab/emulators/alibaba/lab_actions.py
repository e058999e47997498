"""LAB-ONLY actions: hosts in a vSwitch to ping from.

ECS instances are not part of the VPC API, yet a lab needs machines inside the Alibaba VPC. These
three actions exist only in the lab, on the same RPC endpoint and with the same wire format (call
them with the SDK's generic ``call_api``); no real cloud answers them:

- ``CreateLabInstance`` (RegionId, VSwitchId, optional PrivateIpAddress, InstanceName) -> InstanceId,
  PrivateIpAddress. The host is ``Pending`` until ``ready_at("alibaba", "instance")``, then ``Running``.
- ``DescribeLabInstances`` (RegionId, optional InstanceId, VpcId, VSwitchId, PageNumber, PageSize)
  -> ``{"Instances": {"Instance": [...]}}``.
- ``DeleteLabInstance`` (RegionId, InstanceId).
"""
from __future__ import annotations

from mci_lab.emulators.alibaba import errors, rules
from mci_lab.emulators.alibaba.call import Call, Handler
from mci_lab.emulators.alibaba.state import LabInstance, VSwitch, iso_time, new_id, now
from mci_lab.emulators.alibaba.wire import listed, paginate


def instance_view(instance: LabInstance) -> dict:
    return {
        "InstanceId": instance.id,
        "InstanceName": instance.name,
        "RegionId": instance.region,
        "ZoneId": instance.zone_id,
        "VpcId": instance.vpc_id,
        "VSwitchId": instance.vswitch_id,
        "PrivateIpAddress": instance.private_ip,
        "Status": instance.status,
        "CreationTime": iso_time(instance.created),
    }


def _private_ip(call: Call, vswitch: VSwitch) -> str:
    taken = {instance.private_ip for instance in call.state.instances_in(vswitch.id)}
    wanted = call.params.get("PrivateIpAddress")
    if wanted is not None:
        if not rules.is_usable_vswitch_address(vswitch.cidr, wanted) or wanted in taken:
            raise errors.invalid_parameter("PrivateIpAddress", f"It must be a free address of {vswitch.cidr}.")
        return wanted
    free = rules.first_free_vswitch_address(vswitch.cidr, taken)
    if free is None:
        raise errors.vswitch_full()
    return free


def create_lab_instance(call: Call) -> dict:
    region, state = call.region, call.state
    vswitch = state.vswitch(region, call.params.required("VSwitchId"))
    instance_id = new_id("i")
    instance = LabInstance(id=instance_id, region=region, vpc_id=vswitch.vpc_id, vswitch_id=vswitch.id,
                           zone_id=vswitch.zone_id, private_ip=_private_ip(call, vswitch),
                           name=call.params.get("InstanceName", instance_id), created=now(),
                           ready_at=call.ready_at("instance"))
    state.instances[instance_id] = instance
    call.data_plane_changed(instance.ready_at)
    return {"InstanceId": instance_id, "PrivateIpAddress": instance.private_ip}


def describe_lab_instances(call: Call) -> dict:
    region, params = call.region, call.params
    wanted_ids = params.id_list("InstanceId")
    vpc_id, vswitch_id = params.get("VpcId"), params.get("VSwitchId")
    found = [
        instance_view(instance) for instance in call.state.instances.values()
        if instance.region == region
        and (not wanted_ids or instance.id in wanted_ids)
        and (vpc_id is None or instance.vpc_id == vpc_id)
        and (vswitch_id is None or instance.vswitch_id == vswitch_id)
    ]
    page, paging = paginate(found, params.page())
    return {**paging, **listed("Instances", "Instance", page)}


def delete_lab_instance(call: Call) -> dict:
    state = call.state
    instance = state.instance(call.region, call.params.required("InstanceId"))
    if any(entry.next_hop_id == instance.id for entry in state.route_entries.values()):
        raise errors.dependency_violation()
    del state.instances[instance.id]
    call.data_plane_changed()
    return {}


LAB_ACTIONS: dict[str, Handler] = {
    "CreateLabInstance": create_lab_instance,
    "DescribeLabInstances": describe_lab_instances,
    "DeleteLabInstance": delete_lab_instance,
}
