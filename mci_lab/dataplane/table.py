"""``Realizer.status_table()``: namespaces, daemons, tunnels and BGP sessions as plain text."""
from __future__ import annotations

from .model import StatusSnapshot
from .plan import Plan
from .state import LabState


def _table(title: str, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows)] if rows else [len(h) for h in header]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    lines = [title, fmt.format(*header).rstrip(), fmt.format(*("-" * w for w in widths))]
    lines += [fmt.format(*row).rstrip() for row in rows] or ["(none)"]
    return lines + [""]


def render_status_table(state: LabState, plan: Plan, snapshot: StatusSnapshot) -> str:
    daemons_by_ns: dict[str, list[str]] = {}
    for key, record in sorted(state.daemons.items()):
        label = f"{record.kind}[{record.pid}]" + (f" {record.tun}" if record.tun else "")
        daemons_by_ns.setdefault(record.namespace, []).append(label)
    ns_rows = [(name, rec.role, rec.owner or "-", ", ".join(daemons_by_ns.get(name, [])) or "-")
               for name, rec in sorted(state.namespaces.items())]
    tunnel_rows = []
    for tid, placement in sorted(plan.tunnels.items()):
        status = snapshot.tunnels.get(tid)
        t = placement.tunnel
        tunnel_rows.append((
            tid, placement.gateway_id, f"{t.local_address} -> {t.remote_address}",
            "route" if t.route_based else "policy", f"IKEv{t.ike_version}",
            _yes(status and status.ike_established), _yes(status and status.ipsec_established),
            "UP" if status and status.up else "DOWN", status.message if status else "",
        ))
    bgp_rows = [(tid, b.local_address, b.neighbor, str(b.peer_asn), b.state, str(b.routes_received), b.message)
                for tid, b in sorted(snapshot.bgp.items())]
    route_rows = [(gw, ", ".join(prefixes)) for gw, prefixes in sorted(snapshot.learned_routes.items())]
    lines = _table("NAMESPACES", ("namespace", "role", "owner", "daemons"), ns_rows)
    lines += _table("TUNNELS", ("tunnel", "gateway", "outside", "kind", "ike", "ike_sa", "child_sa", "state", "message"),
                    tunnel_rows)
    lines += _table("BGP", ("tunnel", "local", "neighbor", "peer_asn", "state", "routes", "message"), bgp_rows)
    lines += _table("LEARNED ROUTES", ("gateway", "prefixes"), route_rows)
    if plan.notes:
        lines += ["NOTES"] + plan.notes
    return "\n".join(lines).rstrip() + "\n"


def _yes(value: object) -> str:
    return "yes" if value else "no"
