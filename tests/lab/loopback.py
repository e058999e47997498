"""Name resolution that answers only loopback names, so an SDK that tried to reach a real cloud
fails at once instead of sending a packet."""
from __future__ import annotations

import ipaddress
import socket
from typing import Callable


def is_loopback(name: str) -> bool:
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return name == "localhost"


def loopback_getaddrinfo(refused: list[str], who: str) -> Callable:
    """A socket.getaddrinfo that refuses every non-loopback name, recording it in ``refused``."""
    real_getaddrinfo = socket.getaddrinfo

    def guarded(host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else str(host)
        if not is_loopback(name):
            refused.append(name)
            raise socket.gaierror(socket.EAI_NONAME, f"{who}: {name} is not a loopback address")
        return real_getaddrinfo(host, *args, **kwargs)

    return guarded
