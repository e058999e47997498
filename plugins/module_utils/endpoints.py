# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which API endpoints a module may use: plain http goes to a loopback address only.

A plain-http endpoint on a loopback address is the lab (its emulators listen on 127.0.0.1); that is
where the Azure and GCP wiring switch to lab credentials. Anywhere else plain http would send signed
requests and tokens in clear, so it is refused. Standard library only.
"""
from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

# Host names that always mean this machine, besides the loopback addresses themselves.
LOOPBACK_HOSTNAMES = ("localhost",)


def is_loopback_host(host: str | None) -> bool:
    """True for localhost and 127.0.0.0/8 / ::1: the only places plain http may go."""
    if not host:
        return False
    if host.lower() in LOOPBACK_HOSTNAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_lab_endpoint(url: str | None) -> bool:
    """True only for a plain-http URL on a loopback address: the lab."""
    if not url:
        return False
    parts = urlsplit(url)
    return parts.scheme == "http" and is_loopback_host(parts.hostname)


def endpoint_url_problem(url: str | None, *, not_http_url: str, plain_http_off_loopback: str) -> str | None:
    """Why ``url`` cannot be an API endpoint, or None (also when no URL is given).

    The two messages are the caller's, each formatted with the URL, so every module keeps naming its
    own option: ``not_http_url`` when it is no http(s) URL with a host, ``plain_http_off_loopback``
    when it is plain http anywhere but on a loopback address.
    """
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return not_http_url % (url,)
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        return plain_http_off_loopback % (url,)
    return None
