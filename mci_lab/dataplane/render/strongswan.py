"""strongswan.conf (one per charon) and swanctl.conf (its connections) as text.

Every charon gets its own file with an explicit plugin list: kernel-libipsec must come before
kernel-netlink (libipsec does ESP in userspace on a TUN, netlink only addresses and routes;
this kernel has no XFRM). threads = 16 because <= 8 workers deadlock swanctl with libipsec.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..model import Tunnel
from ..timers import IkeRetransmit

CHARON_PLUGINS = (
    "random nonce openssl aes sha1 sha2 hmac md5 gmp curve25519 kdf pem pkcs1 x509 pubkey "
    "revocation constraints kernel-libipsec kernel-netlink socket-default vici updown"
)
CHARON_THREADS = 16


@dataclass(frozen=True)
class CharonSettings:
    """Daemon-wide settings of one charon instance."""

    vici_socket: str  # a plain path; the socket URI is unix://<path>
    log_path: str
    retransmit: IkeRetransmit
    port: int = 500
    port_nat_t: int = 4500
    routing_table: int = 220
    routing_table_prio: int = 220
    interfaces_use: str | None = None  # route-based: keep IKE on the WAN, off the TUNs


@dataclass(frozen=True)
class SwanctlConnection:
    """One tunnel as one swanctl connection named ``name``."""

    name: str
    tunnel: Tunnel
    dpd_delay: int


def render_strongswan_conf(settings: CharonSettings) -> str:
    lines = [
        "# Rendered by mci_lab.dataplane; one charon, one namespace.",
        "charon {",
        "  load_modular = no",
        f"  load = {CHARON_PLUGINS}",
        f"  port = {settings.port}",
        f"  port_nat_t = {settings.port_nat_t}",
        f"  routing_table = {settings.routing_table}",
        f"  routing_table_prio = {settings.routing_table_prio}",
    ]
    if settings.interfaces_use:
        lines.append(f"  interfaces_use = {settings.interfaces_use}")
    lines += [
        f"  threads = {CHARON_THREADS}",
        f"  retransmit_timeout = {settings.retransmit.timeout}",
        f"  retransmit_base = {settings.retransmit.base}",
        f"  retransmit_tries = {settings.retransmit.tries}",
        f"  plugins {{ vici {{ socket = unix://{settings.vici_socket} }} }}",
        "  syslog { }",
        "  filelog {",
        "    main {",
        f"      path = {settings.log_path}",
        "      time_format = %H:%M:%S",
        "      ike_name = yes",
        "      flush_line = yes",
        "      default = 1",
        "    }",
        "  }",
        "}",
        "# charon-systemd reads charon { } as a fallback; keep the host's journal quiet.",
        "charon-systemd {",
        "  journal { default = -1 }",
        "}",
    ]
    return "\n".join(lines) + "\n"


def render_swanctl_conf(connections: list[SwanctlConnection]) -> str:
    out = ["# Rendered by mci_lab.dataplane.", "connections {"]
    for conn in connections:
        out += _connection_block(conn)
    out += ["}", "secrets {"]
    for conn in connections:
        out += _secret_block(conn)
    out.append("}")
    return "\n".join(out) + "\n"


def child_names(conn: SwanctlConnection) -> list[str]:
    """CHILD_SA names of a connection (IKEv1 carries one subnet pair per CHILD_SA)."""
    return [child[0] for child in _children(conn)]


def _children(conn: SwanctlConnection) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    tunnel = conn.tunnel
    if tunnel.ike_version == 1 and (len(tunnel.local_ts) > 1 or len(tunnel.remote_ts) > 1):
        pairs = [(local, remote) for local in tunnel.local_ts for remote in tunnel.remote_ts]
        return [(f"{conn.name}-{i}", (local,), (remote,)) for i, (local, remote) in enumerate(pairs, 1)]
    return [(conn.name, tunnel.local_ts, tunnel.remote_ts)]


def _connection_block(conn: SwanctlConnection) -> list[str]:
    t = conn.tunnel
    lines = [
        f"  {conn.name} {{",
        f"    version = {t.ike_version}",
        f"    local_addrs = {t.local_address}",
        f"    remote_addrs = {t.remote_address}",
        f"    proposals = {','.join(t.ike_proposals)}",
        f"    rekey_time = {t.ike_lifetime}s",
        f"    dpd_delay = {conn.dpd_delay}s",
        "    mobike = no",
    ]
    if t.ike_version == 1:
        lines.append(f"    aggressive = {'yes' if t.aggressive else 'no'}")
        # IKEv1 DPD gives up after dpd_timeout (IKEv2 uses the retransmit cycle instead).
        lines.append(f"    dpd_timeout = {conn.dpd_delay * 3}s")
    if t.initiate:
        lines.append("    keyingtries = 0")
    lines += [
        "    local {",
        "      auth = psk",
        f"      id = {t.local_address}",
        "    }",
        "    remote {",
        "      auth = psk",
        f"      id = {t.remote_address}",
        "    }",
        "    children {",
    ]
    for name, local_ts, remote_ts in _children(conn):
        lines += _child_block(name, t, local_ts, remote_ts)
    lines += ["    }", "  }"]
    return lines


def _child_block(name: str, t: Tunnel, local_ts: tuple[str, ...], remote_ts: tuple[str, ...]) -> list[str]:
    # The initiating side keeps the tunnel up on its own: start now, restart after DPD, and
    # re-create the CHILD_SA when the peer closes it (e.g. after the peer's daemon restarted).
    start_action = "start" if t.initiate else "none"
    dpd_action = "restart" if t.initiate else t.dpd_action
    close_action = "start" if t.initiate else "none"
    return [
        f"      {name} {{",
        f"        local_ts = {','.join(local_ts)}",
        f"        remote_ts = {','.join(remote_ts)}",
        f"        esp_proposals = {','.join(t.esp_proposals)}",
        f"        rekey_time = {t.ipsec_lifetime}s",
        f"        start_action = {start_action}",
        f"        dpd_action = {dpd_action}",
        f"        close_action = {close_action}",
        "      }",
    ]


def _secret_block(conn: SwanctlConnection) -> list[str]:
    t = conn.tunnel
    # Hex form: no quoting or escaping issues whatever characters the cloud allowed in the PSK.
    return [
        f"  ike-{conn.name} {{",
        f"    id-1 = {t.local_address}",
        f"    id-2 = {t.remote_address}",
        f"    secret = 0x{t.psk.encode().hex()}",
        "  }",
    ]
