"""Status reads (connection status, BGP peers, learned and effective routes) from the data plane.

Every state comes from ``ctx.status.snapshot()``, keyed by the tunnel and gateway ids of
``dataplane``; without a data plane, connections read NotConnected, BGP peers Connecting and
learned routes nothing, which is what a cloud shows when the far end never answers.
"""
from __future__ import annotations

import time

from mci_lab.collection import import_module_utils
from mci_lab.dataplane.model import BgpStatus, StatusSnapshot
from mci_lab.emulators.azure.dataplane import (
    PlannedTunnel,
    gateway_network,
    instance_id,
    is_running,
    planned_tunnels,
)
from mci_lab.emulators.azure.kinds import ref_id
from mci_lab.emulators.azure.store import Record
from mci_lab.emulators.azure.vpn import GatewayInstance, gateway_instances

cloud_facts = import_module_utils("cloud_facts")
ESTABLISHED = "Established"
DEFAULT_ROUTE = "0.0.0.0/0"


class StatusReader:
    def __init__(self, cloud) -> None:
        self.cloud = cloud
        self._snapshot: StatusSnapshot | None = None

    def new_request(self) -> None:
        """Forget the last snapshot: each API call reads the data plane afresh, but only once."""
        self._snapshot = None

    def snapshot(self) -> StatusSnapshot:
        # Reading the daemons is not free, and a list of connections would otherwise read them per item.
        if self._snapshot is None:
            self._snapshot = self.cloud.ctx.status.snapshot()
        return self._snapshot

    # ----------------------------------------------------------------------- connections

    def connection_status(self, connection: Record) -> dict:
        """connectionStatus and tunnelConnectionStatus of one connection."""
        now = time.time()
        gateway = self.cloud.store.get_live(ref_id(connection.properties.get("virtualNetworkGateway1")))
        if gateway is None or not is_running(connection, now) or not is_running(gateway, now):
            return {"connectionStatus": "Unknown", "tunnelConnectionStatus": [],
                    "ingressBytesTransferred": 0, "egressBytesTransferred": 0}
        snapshot = self.snapshot()
        tunnels = [planned for planned in planned_tunnels(self.cloud, gateway, now) if planned.connection is connection]
        health = [self._tunnel_health(planned, snapshot) for planned in tunnels]
        states = {entry["connectionStatus"] for entry in health}
        # Like the portal in seed 002: a connection is Connected when one of its instance tunnels is.
        overall = next((state for state in ("Connected", "Connecting") if state in states), "NotConnected")
        return {"connectionStatus": overall, "tunnelConnectionStatus": health,
                "ingressBytesTransferred": 0, "egressBytesTransferred": 0}

    @staticmethod
    def _tunnel_health(planned: PlannedTunnel, snapshot: StatusSnapshot) -> dict:
        status = snapshot.tunnels.get(planned.id)
        if status is None:
            state = "NotConnected"
        else:
            state = "Connected" if status.up else "Connecting"
        entry = {
            # Azure names a tunnel "<connection>_<instance public IP>" (seed 002: "aws10_20.120.119.5").
            "tunnel": f"{planned.connection.name}_{planned.instance.public_ip}",
            "connectionStatus": state,
            "ingressBytesTransferred": 0,
            "egressBytesTransferred": 0,
        }
        if status is not None and status.up and status.last_change:
            entry["lastConnectionEstablishedUtcTime"] = time.strftime("%m/%d/%Y %I:%M:%S %p", time.gmtime(status.last_change))
        return entry

    # ----------------------------------------------------------------------- BGP

    def bgp_peer_status(self, gateway: Record, peer: str | None = None) -> dict:
        """One row per (instance, BGP connection), as `az network vnet-gateway list-bgp-peer-status`."""
        snapshot = self.snapshot()
        rows = []
        for planned in self._bgp_tunnels(gateway):
            if peer and planned.bgp_peer_address != peer:
                continue
            rows.append(_peer_row(planned, snapshot.bgp.get(planned.id)))
        return {"value": rows}

    def learned_routes(self, gateway: Record) -> dict:
        """Routes each instance learned over eBGP, with the peer that sent them."""
        snapshot = self.snapshot()
        rows = []
        tunnels = self._bgp_tunnels(gateway)
        for instance in self._instances(gateway):
            prefixes = snapshot.learned_routes.get(instance_id(gateway, instance), ())
            # The snapshot keeps prefixes per gateway instance; name the first established peer as their source.
            source = next((planned for planned in tunnels if planned.instance == instance
                           and _is_established(snapshot.bgp.get(planned.id))), None)
            for prefix in prefixes:
                rows.append({
                    "localAddress": instance.private_ip,
                    "network": prefix,
                    "nextHop": source.bgp_peer_address if source else "",
                    "sourcePeer": source.bgp_peer_address if source else "",
                    "origin": "EBgp",
                    "asPath": str(source.bgp_peer_asn) if source else "",
                    "weight": 0,
                })
        return {"value": rows}

    def _bgp_tunnels(self, gateway: Record) -> list[PlannedTunnel]:
        return [planned for planned in planned_tunnels(self.cloud, gateway, time.time()) if planned.bgp_enabled]

    def _instances(self, gateway: Record) -> list[GatewayInstance]:
        return gateway_instances(self.cloud, gateway)

    # ----------------------------------------------------------------------- effective routes

    def effective_routes(self, interface: Record) -> dict:
        """The effective route table of a NIC, as NetworkInterfaces_GetEffectiveRouteTable answers.

        The subnet's system routes (the VNet's address space, the Internet default route, the
        reserved ranges that drop traffic), the user routes of the subnet's route table and, unless
        that table disables gateway route propagation, what the VNet's gateway instances learned
        over BGP or hold as static local network gateway prefixes.
        """
        entries = interface.computed.get("subnet_ips") or []
        subnet = self.cloud.store.get_live(entries[0]["subnet"]) if entries else None
        if subnet is None:
            return {"value": []}
        virtual_network = self.cloud.store.get_live(subnet.id.rsplit("/subnets/", 1)[0])
        table = self.cloud.store.get_live(ref_id(subnet.properties.get("routeTable")))
        propagation_disabled = bool(table is not None and table.properties.get("disableBgpRoutePropagation"))
        address_space = virtual_network.properties["addressSpace"]["addressPrefixes"]
        rows = [_route_row("Default", [prefix], "VnetLocal") for prefix in address_space]
        rows += self._user_rows(table)
        if not propagation_disabled:
            rows += self._gateway_rows(virtual_network)
        rows.append(_route_row("Default", [DEFAULT_ROUTE], "Internet"))
        # A reserved range given to the VNet is routed inside it instead (its VnetLocal row above).
        rows += [_route_row("Default", [prefix], "None") for prefix in cloud_facts.AZURE_SYSTEM_DROP_PREFIXES if prefix not in address_space]
        _mark_overridden(rows)
        for row in rows:
            # Every row tells whether the subnet's route table keeps gateway routes out.
            row["disableBgpRoutePropagation"] = propagation_disabled
        return {"value": rows}

    def _user_rows(self, table: Record | None) -> list[dict]:
        if table is None:
            return []
        rows = []
        for route in self.cloud.store.children(table.id, "routes"):
            hop_ip = route.properties.get("nextHopIpAddress")
            rows.append(_route_row("User", [route.properties["addressPrefix"]], route.properties["nextHopType"],
                                   [hop_ip] if hop_ip else [], name=route.name))
        return rows

    def _gateway_rows(self, virtual_network: Record) -> list[dict]:
        """One row per gateway instance and prefix, the instance's default BGP IP as next hop (seed 002)."""
        now, snapshot, rows = time.time(), self.snapshot(), []
        for gateway in self.cloud.store.live("virtualnetworkgateways"):
            network = gateway_network(self.cloud, gateway)
            if network is None or network.id.lower() != virtual_network.id.lower() or not is_running(gateway, now):
                continue
            tunnels = planned_tunnels(self.cloud, gateway, now)
            held: dict[str, list[str]] = {}  # prefix -> the instances that hold it, in the order first seen
            for instance in self._instances(gateway):
                prefixes = list(snapshot.learned_routes.get(instance_id(gateway, instance), ()))
                for planned in tunnels:
                    if planned.instance == instance and not planned.bgp_enabled:
                        prefixes += planned.local_gateway.properties["localNetworkAddressSpace"]["addressPrefixes"]
                for prefix in dict.fromkeys(prefixes):
                    held.setdefault(prefix, []).append(instance.private_ip)
            rows += [_route_row("VirtualNetworkGateway", [prefix], "VirtualNetworkGateway", [address])
                     for prefix, addresses in held.items() for address in addresses]
        return rows


def _route_row(source: str, prefixes: list[str], hop_type: str, hop_ips: list[str] | None = None, name: str | None = None) -> dict:
    row = {"source": source, "state": "Active", "addressPrefix": prefixes, "nextHopType": hop_type,
           "nextHopIpAddress": hop_ips or []}
    if name:
        row["name"] = name
    return row


def _mark_overridden(rows: list[dict]) -> None:
    """Same prefix, several sources: Azure uses the user route, then the BGP route, then the system route.

    The loser stays in the table as Invalid. A BGP route never beats the VNet's own VnetLocal route.
    """
    user = {prefix for row in rows if row["source"] == "User" for prefix in row["addressPrefix"]}
    learned = {prefix for row in rows if row["source"] == "VirtualNetworkGateway" for prefix in row["addressPrefix"]}
    for row in rows:
        prefixes = set(row["addressPrefix"])
        if row["source"] != "User" and prefixes & user:
            row["state"] = "Invalid"
        elif row["source"] == "Default" and row["nextHopType"] != "VnetLocal" and prefixes & learned:
            row["state"] = "Invalid"


def _is_established(status: BgpStatus | None) -> bool:
    return status is not None and status.state == ESTABLISHED


def _peer_row(planned: PlannedTunnel, status: BgpStatus | None) -> dict:
    connected = _is_established(status)
    row = {
        # Azure lists peers per instance by the instance's default BGP IP (seed 002: 192.168.1.4 / .5).
        "localAddress": planned.instance.private_ip,
        "neighbor": planned.bgp_peer_address,
        "asn": planned.bgp_peer_asn,
        # Every BGP daemon state short of Established is a peer Azure is still trying: Connecting.
        "state": "Connected" if connected else "Connecting",
        "routesReceived": status.routes_received if connected else 0,
        "messagesSent": 0,
        "messagesReceived": 0,
    }
    if connected:
        row["connectedDuration"] = timespan(status.uptime_seconds)
    return row


def timespan(seconds: float) -> str:
    """A .NET TimeSpan string as Azure prints durations: [d.]hh:mm:ss.fffffff."""
    ticks = int(round(seconds * 10_000_000))
    days, rest = divmod(ticks, 86_400 * 10_000_000)
    hours, rest = divmod(rest, 3_600 * 10_000_000)
    minutes, rest = divmod(rest, 60 * 10_000_000)
    whole, fraction = divmod(rest, 10_000_000)
    text = f"{hours:02d}:{minutes:02d}:{whole:02d}.{fraction:07d}"
    return f"{days}.{text}" if days else text
