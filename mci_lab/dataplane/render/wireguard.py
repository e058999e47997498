"""WireGuard key pairs and ``wg setconf`` files for overlays between lab instances (ZeroTier-like)."""
from __future__ import annotations

import base64
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey


@dataclass(frozen=True)
class WireguardKeys:
    private: str  # base64, as wg expects
    public: str


@dataclass(frozen=True)
class WireguardPeer:
    public_key: str
    allowed_ips: tuple[str, ...]
    endpoint: str | None = None  # "address:port"; None for a peer that only answers
    persistent_keepalive: int | None = None


def generate_keys() -> WireguardKeys:
    """A Curve25519 key pair (what ``wg genkey | wg pubkey`` prints), without running anything."""
    key = X25519PrivateKey.generate()
    private = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return WireguardKeys(base64.b64encode(private).decode(), base64.b64encode(public).decode())


def render_wg_conf(private_key: str, peers: list[WireguardPeer], listen_port: int | None = None) -> str:
    lines = ["[Interface]", f"PrivateKey = {private_key}"]
    if listen_port is not None:
        lines.append(f"ListenPort = {listen_port}")
    for peer in peers:
        lines += ["", "[Peer]", f"PublicKey = {peer.public_key}", f"AllowedIPs = {', '.join(peer.allowed_ips)}"]
        if peer.endpoint:
            lines.append(f"Endpoint = {peer.endpoint}")
        if peer.persistent_keepalive:
            lines.append(f"PersistentKeepalive = {peer.persistent_keepalive}")
    return "\n".join(lines) + "\n"
