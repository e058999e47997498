"""IPsec connections (single- and dual-tunnel) and the VPN gateway's destination routes.

Creating, changing or deleting either puts the VPN gateway into ``updating`` for the scaled
real-cloud time; the gateway rejects further changes until it is ``active`` again, and runs the new
configuration only from then on. Negotiation statuses come from the lab data plane.
"""
from __future__ import annotations

import time

from mci_lab.collection import import_module_utils
from mci_lab.dataplane.model import StatusSnapshot, TunnelStatus
from mci_lab.emulators.alibaba import errors, rules
from mci_lab.emulators.alibaba.call import Call, Handler
from mci_lab.emulators.alibaba.dataplane import model_id, tunnel_id
from mci_lab.emulators.alibaba.state import (
    RESOURCE_GROUP_ID, HealthCheck, TunnelConfig, VpnConnection, VpnGateway, VpnRouteEntry, epoch_ms, new_id, now)
from mci_lab.emulators.alibaba.vpc_actions import tag_list
from mci_lab.emulators.alibaba.vpn_gateway_actions import ensure_idle
from mci_lab.emulators.alibaba.wire import bool_text, listed, paginate, parse_bool, parse_int

cloud_facts = import_module_utils("cloud_facts")

TUNNEL_ROLES = ("master", "slave")  # Source: CreateVpnConnection doc (TunnelOptionsSpecification.N.Role).
# Negotiation statuses, least to most progressed. Source: DescribeVpnConnection doc (Status).
NEGOTIATION_ORDER = ("ike_sa_not_established", "ipsec_sa_not_established", "ike_sa_established", "ipsec_sa_established")


# --------------------------------------------------------------------------- statuses


def negotiation_status(status: TunnelStatus | None) -> str:
    """The API's Status of one tunnel, from what the data plane's IKE daemon reports."""
    if status is None or not status.ike_established:
        return "ike_sa_not_established"
    if status.ipsec_established:
        return "ipsec_sa_established"
    # Phase 1 is up; a daemon message means phase 2 was tried and refused (e.g. TS_UNACCEPTABLE).
    return "ipsec_sa_not_established" if status.message else "ike_sa_established"


def bgp_status(snapshot: StatusSnapshot, identifier: str) -> str:
    session = snapshot.bgp.get(identifier)
    return "success" if session is not None and session.state == "Established" else "false"


def tunnel_state(gateway: VpnGateway, connection: VpnConnection) -> str:
    return "active" if connection.configured and gateway.status == "active" else "updating"


# --------------------------------------------------------------------------- views


def bgp_view(tunnel: TunnelConfig, peer_asn: int | None, status: str, as_text: bool) -> dict:
    """VpnBgpConfig of a single-tunnel connection, or TunnelBgpConfig (``as_text``) of one tunnel."""
    bgp = tunnel.bgp
    if bgp is None:
        return {}
    view = {"LocalAsn": bgp.local_asn, "LocalBgpIp": bgp.local_bgp_ip, "TunnelCidr": bgp.tunnel_cidr,
            "PeerBgpIp": bgp.peer_bgp_ip, "PeerAsn": peer_asn if peer_asn is not None else ""}
    if as_text:  # TunnelBgpConfig carries its numbers as strings
        return {**{key: str(value) for key, value in view.items()}, "BgpStatus": status}
    return {**view, "Status": status, "AuthKey": bgp.auth_key}


def tunnel_view(call: Call, gateway: VpnGateway, connection: VpnConnection, tunnel: TunnelConfig,
                snapshot: StatusSnapshot) -> dict:
    identifier = tunnel_id(connection, tunnel)
    customer = call.state.customer_gateways.get(tunnel.customer_gateway_id)
    master = tunnel.role == "master"
    vswitch = call.state.vswitches.get(gateway.vswitch_id if master else gateway.disaster_recovery_vswitch_id)
    return {
        "TunnelId": tunnel.tunnel_id,
        "TunnelIndex": tunnel.index,
        "Role": tunnel.role,
        "CustomerGatewayId": tunnel.customer_gateway_id,
        "InternetIp": gateway.internet_ip if master else gateway.disaster_recovery_internet_ip,
        "ZoneNo": vswitch.zone_id if vswitch else "",
        "State": tunnel_state(gateway, connection),
        "Status": negotiation_status(snapshot.tunnels.get(identifier)) if connection.configured else NEGOTIATION_ORDER[0],
        "EnableDpd": bool_text(tunnel.enable_dpd),
        "EnableNatTraversal": bool_text(tunnel.enable_nat_traversal),
        "RemoteCaCertificate": "",
        "TunnelIkeConfig": dict(tunnel.ike),
        "TunnelIpsecConfig": dict(tunnel.ipsec),
        "TunnelBgpConfig": bgp_view(tunnel, customer.asn if customer else None, bgp_status(snapshot, identifier), True),
    }


def connection_status(connection: VpnConnection, snapshot: StatusSnapshot) -> str:
    """A dual-tunnel connection carries traffic when either tunnel does: it shows its best tunnel."""
    if not connection.configured:
        return NEGOTIATION_ORDER[0]
    statuses = [negotiation_status(snapshot.tunnels.get(tunnel_id(connection, tunnel))) for tunnel in connection.tunnels]
    return max(statuses, key=NEGOTIATION_ORDER.index)


def connection_view(call: Call, connection: VpnConnection, snapshot: StatusSnapshot, tags_key: str = "Tags") -> dict:
    gateway = call.state.vpn_gateways[connection.vpn_gateway_id]
    first = connection.tunnels[0]
    health = connection.health_check
    view = {
        "VpnConnectionId": connection.id,
        "VpnGatewayId": connection.vpn_gateway_id,
        "CustomerGatewayId": "" if connection.dual_tunnel else connection.customer_gateway_id,
        "Name": connection.name,
        "LocalSubnet": connection.local_subnet,
        "RemoteSubnet": connection.remote_subnet,
        "CreateTime": epoch_ms(connection.created),
        "EffectImmediately": connection.effect_immediately,
        "Status": connection_status(connection, snapshot),
        "InternetIp": gateway.internet_ip,
        "NetworkType": "public",
        "AttachType": "VPNGW",
        "Spec": f"{gateway.bandwidth}M",
        "EnableDpd": first.enable_dpd,
        "EnableNatTraversal": first.enable_nat_traversal,
        "EnableTunnelsBgp": connection.dual_tunnel and connection.bgp_enabled,
        "ResourceGroupId": RESOURCE_GROUP_ID,
        "VcoHealthCheck": {"Enable": bool_text(health.enabled), "Sip": health.source_ip, "Dip": health.destination_ip,
                           "Interval": health.interval, "Retry": health.retry, "Policy": health.policy,
                           "Status": "success" if health.enabled else ""},
        "VpnBgpConfig": {"EnableBgp": bool_text(connection.bgp_enabled)},
        tags_key: tag_list(connection.tags)["Tags"],
    }
    if connection.dual_tunnel:
        view["TunnelOptionsSpecification"] = {"TunnelOptions": [
            tunnel_view(call, gateway, connection, tunnel, snapshot) for tunnel in connection.tunnels]}
    else:
        customer = call.state.customer_gateways.get(first.customer_gateway_id)
        status = bgp_status(snapshot, tunnel_id(connection, first))
        view["IkeConfig"] = dict(first.ike)
        view["IpsecConfig"] = dict(first.ipsec)
        view["VpnBgpConfig"].update(bgp_view(first, customer.asn if customer else None, status, False))
    return view


# --------------------------------------------------------------------------- parsing connection settings


def subnets(call: Call, name: str, default: str | None = None) -> str:
    """A comma-separated list of CIDR blocks, normalised."""
    text = call.params.get(name, default)
    if text is None:
        raise errors.missing_parameter(name)
    blocks = [str(rules.network(name, part)) for part in text.split(",") if part.strip()]
    if not blocks:
        raise errors.missing_parameter(name)
    return ",".join(blocks)


def taken_tunnel_cidrs(call: Call, gateway: VpnGateway, except_connection: str = "") -> list[str]:
    return [tunnel.bgp.tunnel_cidr for connection in call.state.connections_of(gateway.id)
            if connection.id != except_connection for tunnel in connection.tunnels if tunnel.bgp]


def health_check(call: Call, current: HealthCheck | None) -> HealthCheck:
    config = call.params.json_object("HealthCheckConfig")
    if config is None:
        return current or HealthCheck()
    lowered = {key.lower(): value for key, value in config.items()}  # the doc writes these keys in lower case
    return HealthCheck(enabled=parse_bool("HealthCheckConfig.enable", lowered.get("enable"), False),
                       source_ip=str(lowered.get("sip", "")), destination_ip=str(lowered.get("dip", "")),
                       interval=parse_int("HealthCheckConfig.interval", lowered.get("interval"), 3),
                       retry=parse_int("HealthCheckConfig.retry", lowered.get("retry"), 3),
                       policy=str(lowered.get("policy", "revoke_route")))


def peer_asn_required(name: str, tunnel: TunnelConfig, call: Call) -> None:
    if tunnel.bgp is not None and call.state.customer_gateways[tunnel.customer_gateway_id].asn is None:
        raise errors.invalid_parameter(name, "BGP needs a customer gateway with an ASN.")


def single_tunnel(call: Call, gateway: VpnGateway, current: TunnelConfig | None, taken: list[str]) -> TunnelConfig:
    """IkeConfig / IpsecConfig / BgpConfig of a single-tunnel connection (``current`` when modifying)."""
    params = call.params
    if current is None:
        customer = call.state.customer_gateway(call.region, params.required("CustomerGatewayId"))
        customer_gateway_id = customer.id
        ike, ipsec = rules.initial_ike(gateway.internet_ip, customer.ip_address), rules.initial_ipsec()
    else:
        customer_gateway_id, ike, ipsec = current.customer_gateway_id, current.ike, current.ipsec
    bgp = current.bgp if current else None
    bgp_config = params.json_object("BgpConfig")
    if bgp_config is not None:
        bgp = rules.bgp_settings("BgpConfig", bgp_config, taken) if rules.bgp_enabled("BgpConfig", bgp_config) else None
    tunnel = TunnelConfig(
        customer_gateway_id=customer_gateway_id,
        ike=rules.ike_settings("IkeConfig", params.json_object("IkeConfig"), ike),
        ipsec=rules.ipsec_settings("IpsecConfig", params.json_object("IpsecConfig"), ipsec),
        bgp=bgp,
        enable_dpd=params.flag("EnableDpd", current.enable_dpd if current else True),
        enable_nat_traversal=params.flag("EnableNatTraversal", current.enable_nat_traversal if current else True),
    )
    peer_asn_required("BgpConfig", tunnel, call)
    return tunnel


def dual_tunnels(call: Call, gateway: VpnGateway, specs: list[dict], bgp_on: bool, taken: list[str]) -> list[TunnelConfig]:
    """TunnelOptionsSpecification of a new dual-tunnel connection: one master and one slave tunnel."""
    roles = sorted(str(spec.get("Role", "")) for spec in specs)
    if roles != sorted(TUNNEL_ROLES):
        raise errors.invalid_parameter("TunnelOptionsSpecification", "Give two tunnels, one master and one slave.")
    tunnels = []
    for position, spec in enumerate(specs, start=1):
        name = f"TunnelOptionsSpecification.{position}"
        customer_id = spec.get("CustomerGatewayId") or ""
        if not customer_id:
            raise errors.missing_parameter(f"{name}.CustomerGatewayId")
        customer = call.state.customer_gateway(call.region, customer_id)
        master = spec["Role"] == "master"
        local_ip = gateway.internet_ip if master else gateway.disaster_recovery_internet_ip
        bgp = rules.bgp_settings(f"{name}.TunnelBgpConfig", spec.get("TunnelBgpConfig") or {}, taken) if bgp_on else None
        if bgp is not None:
            taken = taken + [bgp.tunnel_cidr]
        tunnel = TunnelConfig(
            customer_gateway_id=customer.id,
            ike=rules.ike_settings(f"{name}.TunnelIkeConfig", spec.get("TunnelIkeConfig"),
                                   rules.initial_ike(local_ip, customer.ip_address)),
            ipsec=rules.ipsec_settings(f"{name}.TunnelIpsecConfig", spec.get("TunnelIpsecConfig"), rules.initial_ipsec()),
            bgp=bgp,
            enable_dpd=parse_bool(f"{name}.EnableDpd", spec.get("EnableDpd"), True),
            enable_nat_traversal=parse_bool(f"{name}.EnableNatTraversal", spec.get("EnableNatTraversal"), True),
            tunnel_id=new_id("tun"), role=spec["Role"], index=1 if master else 2,
        )
        peer_asn_required(f"{name}.TunnelBgpConfig", tunnel, call)
        tunnels.append(tunnel)
    return sorted(tunnels, key=lambda tunnel: tunnel.index)


def modified_dual_tunnels(call: Call, gateway: VpnGateway, connection: VpnConnection, bgp_on: bool, taken: list[str]) -> list[TunnelConfig]:
    """Apply ModifyVpnConnectionAttribute's TunnelOptionsSpecification (matched by TunnelId)."""
    changes = {spec.get("TunnelId"): spec for spec in call.params.repeated("TunnelOptionsSpecification")}
    updated = []
    for tunnel in connection.tunnels:
        spec = changes.pop(tunnel.tunnel_id, {})
        name = f"TunnelOptionsSpecification({tunnel.tunnel_id})"
        bgp = tunnel.bgp
        if not bgp_on:
            bgp = None
        elif spec.get("TunnelBgpConfig") or bgp is None:
            merged = {**({"LocalAsn": bgp.local_asn, "TunnelCidr": bgp.tunnel_cidr, "LocalBgpIp": bgp.local_bgp_ip} if bgp else {}),
                      **(spec.get("TunnelBgpConfig") or {})}
            bgp = rules.bgp_settings(f"{name}.TunnelBgpConfig", merged, taken)
        updated.append(TunnelConfig(
            customer_gateway_id=tunnel.customer_gateway_id,
            ike=rules.ike_settings(f"{name}.TunnelIkeConfig", spec.get("TunnelIkeConfig"), tunnel.ike),
            ipsec=rules.ipsec_settings(f"{name}.TunnelIpsecConfig", spec.get("TunnelIpsecConfig"), tunnel.ipsec),
            bgp=bgp,
            enable_dpd=parse_bool(f"{name}.EnableDpd", spec.get("EnableDpd"), tunnel.enable_dpd),
            enable_nat_traversal=parse_bool(f"{name}.EnableNatTraversal", spec.get("EnableNatTraversal"), tunnel.enable_nat_traversal),
            tunnel_id=tunnel.tunnel_id, role=tunnel.role, index=tunnel.index,
        ))
    if changes:
        raise errors.invalid_parameter("TunnelOptionsSpecification.TunnelId", f"Unknown tunnel {next(iter(changes))!r}.")
    return updated


# --------------------------------------------------------------------------- connection actions


def create_vpn_connection(call: Call) -> dict:
    region, params, state = call.region, call.params, call.state
    gateway = state.vpn_gateway(region, params.required("VpnGatewayId"))
    local_subnet, remote_subnet = subnets(call, "LocalSubnet"), subnets(call, "RemoteSubnet")
    specs = params.repeated("TunnelOptionsSpecification")
    if gateway.dual_tunnel and not specs:
        raise errors.missing_parameter("TunnelOptionsSpecification")
    if specs and not gateway.dual_tunnel:
        raise errors.invalid_parameter("TunnelOptionsSpecification", "This VPN gateway runs single-tunnel connections only.")
    taken = taken_tunnel_cidrs(call, gateway)
    bgp_on = params.flag("EnableTunnelsBgp", False)
    tunnels = dual_tunnels(call, gateway, specs, bgp_on, taken) if specs else [single_tunnel(call, gateway, None, taken)]
    ensure_unique(call, gateway, tunnels)
    ensure_idle(gateway)
    connection_id = new_id("vco")
    connection = VpnConnection(
        id=connection_id, region=region, vpn_gateway_id=gateway.id, name=params.get("Name", connection_id),
        local_subnet=local_subnet, remote_subnet=remote_subnet,
        effect_immediately=params.flag("EffectImmediately", False), auto_config_route=params.flag("AutoConfigRoute", True),
        tunnels=tunnels, dual_tunnel=bool(specs), bgp_enabled=any(tunnel.bgp for tunnel in tunnels),
        health_check=health_check(call, None), created=now(),
        ready_at=gateway.mark_busy(call.delay("vpn_connection")), tags=params.tags("Tags"),
    )
    state.vpn_connections[connection_id] = connection
    call.data_plane_changed(connection.ready_at)
    return {"VpnConnectionId": connection_id, "Name": connection.name, "CreateTime": epoch_ms(connection.created)}


def ensure_unique(call: Call, gateway: VpnGateway, tunnels: list[TunnelConfig]) -> None:
    """One connection per VPN gateway and customer gateway (set of customer gateways when dual)."""
    wanted = {tunnel.customer_gateway_id for tunnel in tunnels}
    for connection in call.state.connections_of(gateway.id):
        if {tunnel.customer_gateway_id for tunnel in connection.tunnels} == wanted:
            raise errors.vpn_connection_exists()


def describe_vpn_connection(call: Call) -> dict:
    connection = call.state.vpn_connection(call.region, call.params.required("VpnConnectionId"))
    return connection_view(call, connection, call.ctx.status.snapshot())


def describe_vpn_connections(call: Call) -> dict:
    region, params = call.region, call.params
    wanted = {"VpnGatewayId": params.get("VpnGatewayId"), "VpnConnectionId": params.get("VpnConnectionId")}
    customer_gateway_id = params.get("CustomerGatewayId")
    found = [
        connection for connection in call.state.vpn_connections.values()
        if connection.region == region
        and all(value is None or getattr(connection, _FIELD[key]) == value for key, value in wanted.items())
        and (customer_gateway_id is None or any(tunnel.customer_gateway_id == customer_gateway_id for tunnel in connection.tunnels))
    ]
    page, paging = paginate(found, params.page())
    snapshot = call.ctx.status.snapshot()
    return {**paging, **listed("VpnConnections", "VpnConnection",
                               [connection_view(call, connection, snapshot, tags_key="Tag") for connection in page])}


_FIELD = {"VpnGatewayId": "vpn_gateway_id", "VpnConnectionId": "id"}


def modify_vpn_connection_attribute(call: Call) -> dict:
    params, state = call.params, call.state
    connection = state.vpn_connection(call.region, params.required("VpnConnectionId"))
    gateway = state.vpn_gateways[connection.vpn_gateway_id]
    taken = taken_tunnel_cidrs(call, gateway, except_connection=connection.id)
    if connection.dual_tunnel:
        bgp_on = params.flag("EnableTunnelsBgp", connection.bgp_enabled)
        tunnels = modified_dual_tunnels(call, gateway, connection, bgp_on, taken)
    else:
        tunnels = [single_tunnel(call, gateway, connection.tunnels[0], taken)]
    local_subnet = subnets(call, "LocalSubnet", connection.local_subnet)
    remote_subnet = subnets(call, "RemoteSubnet", connection.remote_subnet)
    health = health_check(call, connection.health_check)
    ensure_idle(gateway)
    connection.name = params.get("Name", connection.name)
    connection.local_subnet, connection.remote_subnet = local_subnet, remote_subnet
    connection.effect_immediately = params.flag("EffectImmediately", connection.effect_immediately)
    connection.auto_config_route = params.flag("AutoConfigRoute", connection.auto_config_route)
    connection.tunnels, connection.health_check = tunnels, health
    connection.bgp_enabled = any(tunnel.bgp for tunnel in tunnels)
    connection.ready_at = gateway.mark_busy(call.delay("vpn_connection"))
    call.data_plane_changed(connection.ready_at)
    view = connection_view(call, connection, call.ctx.status.snapshot())
    view.pop("Status")  # the answer describes the configuration, not the negotiation
    return view


def delete_vpn_connection(call: Call) -> dict:
    state = call.state
    connection = state.vpn_connection(call.region, call.params.required("VpnConnectionId"))
    gateway = state.vpn_gateways[connection.vpn_gateway_id]
    ensure_idle(gateway)
    if any(route.next_hop == connection.id for route in state.vpn_route_entries):
        raise errors.dependency_violation()
    gateway.mark_busy(call.delay("vpn_connection"))
    del state.vpn_connections[connection.id]
    call.data_plane_changed()
    return {}


# --------------------------------------------------------------------------- destination routes


def vpn_route_view(route: VpnRouteEntry) -> dict:
    return {"VpnInstanceId": route.vpn_gateway_id, "RouteDest": route.route_dest, "NextHop": route.next_hop,
            "Weight": route.weight, "State": route.state, "CreateTime": epoch_ms(route.created),
            "RouteEntryType": "custom", "Source": "", "NextHopTunnelId": "", "AsPath": "", "Community": ""}


def learned_route_view(gateway: VpnGateway, prefix: str) -> dict:
    return {"VpnInstanceId": gateway.id, "RouteDest": prefix, "NextHop": "", "Weight": 0, "State": "normal",
            "CreateTime": 0, "RouteEntryType": "bgp", "Source": "", "NextHopTunnelId": "", "AsPath": "", "Community": ""}


def create_vpn_route_entry(call: Call) -> dict:
    region, params, state = call.region, call.params, call.state
    gateway = state.vpn_gateway(region, params.required("VpnGatewayId"))
    route_dest = str(rules.vpn_route_destination(params.required("RouteDest")))
    next_hop = params.required("NextHop")
    connection = state.vpn_connections.get(next_hop)
    if connection is None or connection.vpn_gateway_id != gateway.id:
        raise errors.vpn_connection_not_found()
    weight = params.integer("Weight")
    if weight is None:
        raise errors.missing_parameter("Weight")
    if weight not in cloud_facts.ALIBABA_VPN_ROUTE_WEIGHTS:
        raise errors.invalid_parameter("Weight", f"Use one of {cloud_facts.ALIBABA_VPN_ROUTE_WEIGHTS}.")
    if params.get("PublishVpc") is None:
        raise errors.missing_parameter("PublishVpc")
    if any(route.route_dest == route_dest and route.next_hop == next_hop for route in state.vpn_routes_of(gateway.id)):
        # No specific code documented for a repeated destination route.
        raise errors.invalid_parameter("RouteDest", "The destination route already exists.")
    ensure_idle(gateway)
    route = VpnRouteEntry(vpn_gateway_id=gateway.id, route_dest=route_dest, next_hop=next_hop, weight=weight,
                          publish_vpc=params.flag("PublishVpc", False), overlay_mode=params.get("OverlayMode", "Ipsec"),
                          description=params.get("Description", ""), created=now(),
                          ready_at=gateway.mark_busy(call.delay("vpn_route_entry")))
    state.vpn_route_entries.append(route)
    call.data_plane_changed(route.ready_at)
    return {**vpn_route_view(route), "OverlayMode": route.overlay_mode, "Description": route.description}


def describe_vpn_route_entries(call: Call) -> dict:
    region, params, state = call.region, call.params, call.state
    gateway = state.vpn_gateway(region, params.required("VpnGatewayId"))
    learned = call.ctx.status.snapshot().learned_routes.get(model_id(gateway.id), ())
    views = [vpn_route_view(route) for route in state.vpn_routes_of(gateway.id)]
    views += [learned_route_view(gateway, prefix) for prefix in learned]
    wanted_type = params.get("RouteEntryType")
    found = [view for view in views if wanted_type is None or view["RouteEntryType"] == wanted_type]
    counts = [{"RouteEntryType": kind, "Source": "", "RouteCount": sum(view["RouteEntryType"] == kind for view in views)}
              for kind in ("custom", "bgp")]
    page, paging = paginate(found, params.page())
    return {**paging, **listed("VpnRouteEntries", "VpnRouteEntry", page), **listed("VpnRouteCounts", "VpnRouteCount", counts)}


def find_vpn_route(call: Call, gateway: VpnGateway, weight: int | None = None) -> VpnRouteEntry:
    route_dest, next_hop = call.params.required("RouteDest"), call.params.required("NextHop")
    for route in call.state.vpn_routes_of(gateway.id):
        if route.route_dest == route_dest and route.next_hop == next_hop and weight in (None, route.weight):
            return route
    raise errors.vpn_route_entry_not_found()


def change_vpn_route(call: Call, gateway: VpnGateway) -> float:
    """Every destination-route change is applied by the gateway (``updating``); returns when it is done."""
    ensure_idle(gateway)
    done = gateway.mark_busy(call.delay("vpn_route_entry"))
    call.data_plane_changed(done)
    return done


def delete_vpn_route_entry(call: Call) -> dict:
    gateway = call.state.vpn_gateway(call.region, call.params.required("VpnGatewayId"))
    route = find_vpn_route(call, gateway, call.params.integer("Weight"))
    change_vpn_route(call, gateway)
    call.state.vpn_route_entries.remove(route)
    return {}


def modify_vpn_route_entry_weight(call: Call) -> dict:
    params = call.params
    gateway = call.state.vpn_gateway(call.region, params.required("VpnGatewayId"))
    route = find_vpn_route(call, gateway, params.integer("Weight"))
    new_weight = params.integer("NewWeight")
    if new_weight is None:
        raise errors.missing_parameter("NewWeight")
    if new_weight not in cloud_facts.ALIBABA_VPN_ROUTE_WEIGHTS:
        raise errors.invalid_parameter("NewWeight", f"Use one of {cloud_facts.ALIBABA_VPN_ROUTE_WEIGHTS}.")
    route.ready_at = change_vpn_route(call, gateway)
    route.weight = new_weight
    return {}


def publish_vpn_route_entry(call: Call) -> dict:
    """Advertise a destination route to (or withdraw it from) the VPC's route table."""
    params = call.params
    gateway = call.state.vpn_gateway(call.region, params.required("VpnGatewayId"))
    if params.required("RouteType") != "dbr":  # the lab has destination-based routes only
        raise errors.vpn_route_entry_not_found()
    if params.get("PublishVpc") is None:
        raise errors.missing_parameter("PublishVpc")
    route = find_vpn_route(call, gateway)
    route.ready_at = change_vpn_route(call, gateway)
    route.publish_vpc = params.flag("PublishVpc", route.publish_vpc)
    return {}


# --------------------------------------------------------------------------- negotiation logs


def describe_vpn_connection_logs(call: Call) -> dict:
    """What the data plane's IKE daemon last said about each tunnel of the connection."""
    params = call.params
    connection = call.state.vpn_connection(call.region, params.required("VpnConnectionId"))
    wanted_tunnel = params.get("TunnelId")
    snapshot = call.ctx.status.snapshot()
    lines = []
    for tunnel in connection.tunnels:
        if wanted_tunnel is not None and tunnel.tunnel_id != wanted_tunnel:
            continue
        status = snapshot.tunnels.get(tunnel_id(connection, tunnel))
        if status is not None:
            lines.append(log_line(tunnel, status))
    page, paging = paginate(lines, params.page())
    return {"Count": len(page), "IsCompleted": True, "PageNumber": paging["PageNumber"], "PageSize": paging["PageSize"],
            "Data": {"Logs": page}}


def log_line(tunnel: TunnelConfig, status: TunnelStatus) -> str:
    moment = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(status.last_change or now()))
    name = f" tunnel {tunnel.tunnel_id}" if tunnel.tunnel_id else ""
    return f"{moment}{name}: {negotiation_status(status)}" + (f": {status.message}" if status.message else "")


ACTIONS: dict[str, Handler] = {
    "CreateVpnConnection": create_vpn_connection,
    "DescribeVpnConnection": describe_vpn_connection,
    "DescribeVpnConnections": describe_vpn_connections,
    "ModifyVpnConnectionAttribute": modify_vpn_connection_attribute,
    "DeleteVpnConnection": delete_vpn_connection,
    "CreateVpnRouteEntry": create_vpn_route_entry,
    "DescribeVpnRouteEntries": describe_vpn_route_entries,
    "ModifyVpnRouteEntryWeight": modify_vpn_route_entry_weight,
    "PublishVpnRouteEntry": publish_vpn_route_entry,
    "DeleteVpnRouteEntry": delete_vpn_route_entry,
    "DescribeVpnConnectionLogs": describe_vpn_connection_logs,
}
