"""Where the data plane keeps its files under ``<state_dir>/dataplane``."""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from .naming import short_hash

# A unix socket path must fit in sockaddr_un.sun_path (108 bytes including the NUL).
SOCKET_PATH_MAX = 100
_LONGEST_SOCKET_NAME = "c-0123456789ab.vici"


@dataclass(frozen=True)
class Layout:
    root: Path  # <state_dir>/dataplane

    @classmethod
    def for_state_dir(cls, state_dir: Path | str) -> "Layout":
        return cls(Path(state_dir).resolve() / "dataplane")

    @property
    def state_file(self) -> Path:
        return self.root / "state.json"

    def namespace_dir(self, namespace: str) -> Path:
        return self.root / "ns" / namespace

    def charon_dir(self, namespace: str, index: int) -> Path:
        return self.namespace_dir(namespace) / f"charon{index}"

    def bird_dir(self, namespace: str) -> Path:
        return self.namespace_dir(namespace) / "bird"

    def host_run_dir(self, namespace: str) -> Path:
        """Bind-mounted over /run for commands in an instance (wireguard-go/wg UAPI sockets)."""
        return self.namespace_dir(namespace) / "run"

    @property
    def socket_dir(self) -> Path:
        """Daemon control sockets; outside the state dir when that path is too long for a socket."""
        default = self.root / "sock"
        if len(str(default / _LONGEST_SOCKET_NAME)) <= SOCKET_PATH_MAX:
            return default
        return Path(tempfile.gettempdir()) / f"mci-sock-{short_hash(str(self.root), 12)}"

    def vici_socket(self, charon_key: str) -> Path:
        return self.socket_dir / f"c-{short_hash(charon_key, 12)}.vici"

    def bird_socket(self, bird_key: str) -> Path:
        return self.socket_dir / f"b-{short_hash(bird_key, 12)}.ctl"
