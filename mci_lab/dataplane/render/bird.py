"""bird.conf for a gateway namespace (tunnel sessions) and for a network router (learned routes).

A gateway's BIRD speaks eBGP over each route-based tunnel, advertises its network's prefixes
(static blackholes that exist only inside BIRD: the kernel route to the VPC is set by the
realizer) and writes BGP-learned routes into the kernel, ECMP through ``merge paths``.
When the network propagates the gateway's routes, a second session over the transit link hands
them to the router's BIRD, which installs them in the router's kernel.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..timers import BgpTimers

# One session name the router-facing side always uses inside a gateway namespace.
VPC_SESSION = "vpc"


@dataclass(frozen=True)
class BgpSession:
    """One BIRD ``protocol bgp``."""

    name: str
    local_address: str
    local_asn: int
    neighbor: str
    peer_asn: int
    timers: BgpTimers
    export_prefixes: tuple[str, ...] = ()
    export_learned: bool = False  # hand tunnel-learned routes on (gateway -> router)
    import_routes: bool = True
    passive: bool = False
    disabled: bool = False


def render_gateway_bird(router_id: str, log_path: str, advertised: tuple[str, ...],
                        sessions: list[BgpSession]) -> str:
    lines = _header(router_id, log_path)
    if advertised:
        lines.append("protocol static advertised {")
        lines.append("  ipv4;")
        lines += [f"  route {prefix} blackhole;" for prefix in advertised]
        lines.append("}")
    for session in sessions:
        lines += _session(session)
    return "\n".join(lines) + "\n"


def render_router_bird(router_id: str, log_path: str, sessions: list[BgpSession]) -> str:
    lines = _header(router_id, log_path)
    for session in sessions:
        lines += _session(session)
    return "\n".join(lines) + "\n"


def _header(router_id: str, log_path: str) -> list[str]:
    return [
        "# Rendered by mci_lab.dataplane.",
        f"router id {router_id};",
        "timeformat protocol iso long;",
        f'log "{log_path}" {{ info, remote, warning, error, auth, fatal, bug }};',
        "protocol device { scan time 2; }",
        "protocol kernel {",
        "  ipv4 { import none; export where source = RTS_BGP; };",
        "  merge paths on;  # ECMP over every tunnel / gateway that offers the prefix",
        "}",
    ]


def _session(s: BgpSession) -> list[str]:
    lines = [
        f"protocol bgp {s.name} {{",
        f"  local {s.local_address} as {s.local_asn};",
        f"  neighbor {s.neighbor} as {s.peer_asn};",
    ]
    lines += _timer_lines(s.timers)
    if s.passive:
        lines.append("  passive on;")
    if s.disabled:
        lines.append("  disabled on;")
    lines += [
        "  ipv4 {",
        f"    import {'all' if s.import_routes else 'none'};",
        f"    export {_export_clause(s)};",
        "  };",
        "}",
    ]
    return lines


def _timer_lines(t: BgpTimers) -> list[str]:
    lines = [f"  hold time {t.hold};", f"  keepalive time {t.keepalive};"]
    if t.connect_delay is not None:
        lines.append(f"  connect delay time {t.connect_delay};")
    if t.connect_retry is not None:
        lines.append(f"  connect retry time {t.connect_retry};")
    if t.error_wait is not None:
        lines.append(f"  error wait time {t.error_wait[0]}, {t.error_wait[1]};")
    if t.error_forget is not None:
        lines.append(f"  error forget time {t.error_forget};")
    return lines


def _export_clause(s: BgpSession) -> str:
    if s.export_learned:
        return f'where source = RTS_BGP && proto != "{s.name}"'
    if s.export_prefixes:
        return "where net ~ [ " + ", ".join(s.export_prefixes) + " ]"
    return "none"
