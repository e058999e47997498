"""Read what the daemons say: ``swanctl --list-sas --raw``, ``birdc show ...`` and charon's log.

Pure parsers plus a small incremental log reader; the realizer turns their results into the
model's TunnelStatus / BgpStatus.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

# --------------------------------------------------------------------------- swanctl

_TOKEN = re.compile(r"[{}\[\]]|[^\s{}\[\]]+")


def parse_swanctl_raw(text: str) -> list[tuple[str, dict]]:
    """IKE SAs from ``swanctl --list-sas --raw`` as (connection name, attributes) pairs.

    Raw form: ``list-sa event {NAME {key=value ... child-sas {CHILD {...}}}}`` per SA.
    """
    tokens = _TOKEN.findall(text)
    sas: list[tuple[str, dict]] = []
    i = 0
    while i < len(tokens) - 1:
        if tokens[i] == "event" and tokens[i + 1] == "{":
            section, i = _section(tokens, i + 2)
            sas += [(name, value) for name, value in section.items() if isinstance(value, dict)]
        else:
            i += 1
    return sas


def _section(tokens: list[str], i: int) -> tuple[dict, int]:
    result: dict = {}
    while i < len(tokens):
        tok = tokens[i]
        if tok == "}":
            return result, i + 1
        if tok.endswith("=") and i + 1 < len(tokens) and tokens[i + 1] == "[":
            items, i = [], i + 2
            while i < len(tokens) and tokens[i] != "]":
                items.append(tokens[i])
                i += 1
            result[tok[:-1]] = items
            i += 1
        elif "=" in tok:
            key, value = tok.split("=", 1)
            result[key] = value
            i += 1
        elif i + 1 < len(tokens) and tokens[i + 1] == "{":
            result[tok], i = _section(tokens, i + 2)
        else:
            i += 1
    return result, i


@dataclass(frozen=True)
class SaState:
    ike_established: bool
    ipsec_established: bool
    established_seconds: float = 0.0


def sa_state(sas: list[tuple[str, dict]], conn: str, children: tuple[str, ...]) -> SaState:
    """Whether ``conn`` has an ESTABLISHED IKE_SA and every wanted CHILD_SA INSTALLED."""
    ike_up, installed, age = False, set(), 0.0
    for name, sa in sas:
        if name != conn or sa.get("state") != "ESTABLISHED":
            continue
        ike_up = True
        age = max(age, float(sa.get("established", 0) or 0))
        for child in (sa.get("child-sas") or {}).values():
            if isinstance(child, dict) and child.get("state") == "INSTALLED":
                installed.add(child.get("name", ""))
    return SaState(ike_up, ike_up and all(c in installed for c in children), age)


# --------------------------------------------------------------------------- charon log

@dataclass(frozen=True)
class _Pattern:
    regex: re.Pattern
    reason: str  # str.format with the regex groups and the last proposals seen


_FAILURES = (
    _Pattern(re.compile(r"no IKE config found for (\S+?)\.\.\.(\S+?), sending NO_PROPOSAL_CHOSEN"),
             "NO_PROPOSAL_CHOSEN: no connection matches {0}...{1} (IKE version, mode or addresses differ)"),
    _Pattern(re.compile(r"received proposals unacceptable"),
             "NO_PROPOSAL_CHOSEN: the peer's proposals are unacceptable (received {received}; configured {configured})"),
    _Pattern(re.compile(r"\bno proposal found"),  # IKEv1 responder
             "NO_PROPOSAL_CHOSEN: no proposal matches (received {received}; configured {configured})"),
    _Pattern(re.compile(r"no acceptable proposal found"),
             "NO_PROPOSAL_CHOSEN: no acceptable ESP proposal (received {received}; configured {configured})"),
    _Pattern(re.compile(r"received NO_PROPOSAL_CHOSEN"),
             "NO_PROPOSAL_CHOSEN: the peer accepted none of our proposals"),
    _Pattern(re.compile(r"but MAC mismatched"),
             "AUTHENTICATION_FAILED: MAC mismatched (the pre-shared keys differ)"),
    _Pattern(re.compile(r"received AUTHENTICATION_FAILED"),
             "AUTHENTICATION_FAILED: the peer rejected our authentication (pre-shared key?)"),
    _Pattern(re.compile(r"decryption failed"),
             "AUTHENTICATION_FAILED: IKEv1 decryption failed (the pre-shared keys differ)"),
    _Pattern(re.compile(r"received TS_UNACCEPTABLE"),
             "TS_UNACCEPTABLE: the peer rejected our traffic selectors"),
    _Pattern(re.compile(r"traffic selectors .* unacceptable"),
             "TS_UNACCEPTABLE: the peer's traffic selectors do not match ours"),
    _Pattern(re.compile(r"giving up after (\d+) retransmits"),
             "peer not responding (giving up after {0} retransmits)"),
    _Pattern(re.compile(r"received DELETE for IKE_SA"),
             "closed by the peer (DELETE for IKE_SA)"),
)
_ESTABLISHED = re.compile(r"CHILD_SA \S+ established with SPIs")
_CONTEXT = re.compile(r"\]\s+<(?:([^>|]+)\|)?(\d+)>")
_RECEIVED = re.compile(r"received proposals: (.*)$")
_CONFIGURED = re.compile(r"configured proposals: (.*)$")


def classify_log_line(line: str, proposals: dict[str, str]) -> tuple[str, str] | None:
    """("failure", reason) or ("established", "") for one charon log line, else None.

    ``proposals`` keeps the last received/configured proposal lines (updated in place), so a
    NO_PROPOSAL_CHOSEN message can say what did not match.
    """
    if (m := _RECEIVED.search(line)) is not None:
        proposals["received"] = m.group(1).strip()
        return None
    if (m := _CONFIGURED.search(line)) is not None:
        proposals["configured"] = m.group(1).strip()
        return None
    if _ESTABLISHED.search(line):
        return ("established", "")
    for pattern in _FAILURES:
        m = pattern.regex.search(line)
        if m is not None:
            details = {"received": proposals.get("received", "?"), "configured": proposals.get("configured", "?")}
            return ("failure", pattern.reason.format(*m.groups(), **details))
    return None


def log_context(line: str) -> tuple[str | None, str | None]:
    """(connection name, IKE_SA number) from charon's ``<name|N>`` / ``<N>`` prefix (``ike_name = yes``)."""
    m = _CONTEXT.search(line)
    if m is None:
        return None, None
    name = m.group(1) if m.group(1) and m.group(1) != "(unnamed)" else None
    return name, m.group(2)


@dataclass
class CharonLogWatcher:
    """Follows one charon's log from its start and remembers why each connection is down."""

    path: Path
    offset: int
    peers: dict[str, str]  # connection name -> remote address (for lines without a name)
    reasons: dict[str, str] = field(default_factory=dict)
    _sa_connections: dict[str, list[str]] = field(default_factory=dict)  # IKE_SA number -> connections
    _partial: str = ""
    _proposals: dict[str, str] = field(default_factory=dict)

    def poll(self) -> None:
        try:
            with open(self.path, "rb") as f:
                f.seek(self.offset)
                chunk = f.read()
        except FileNotFoundError:
            return
        self.offset += len(chunk)
        text = self._partial + chunk.decode(errors="replace")
        lines = text.split("\n")
        self._partial = lines.pop()
        for line in lines:
            self._feed(line)

    def _feed(self, line: str) -> None:
        connections = self._connections_of(line)
        event = classify_log_line(line, self._proposals)
        if event is None:
            return
        for conn in connections:
            if event[0] == "established":
                self.reasons.pop(conn, None)
            else:
                self.reasons[conn] = event[1]

    def _connections_of(self, line: str) -> list[str]:
        """Which connections a line is about: by name, else by peer address, else by IKE_SA number.

        A responder logs ``<N>`` without a name until it picked a connection; the peer address
        appears in an earlier line of the same IKE_SA, so the number links the two.
        """
        named, sa_number = log_context(line)
        if named is not None and named in self.peers:
            found = [named]
        else:
            found = [conn for conn, peer in self.peers.items() if _mentions(line, peer)]
        if found:
            if sa_number is not None:
                self._sa_connections[sa_number] = found
            return found
        if sa_number is not None and sa_number in self._sa_connections:
            return self._sa_connections[sa_number]
        return list(self.peers) if len(self.peers) == 1 else []


def _mentions(line: str, address: str) -> bool:
    return re.search(rf"(?<![\d.]){re.escape(address)}(?![\d])", line) is not None


# --------------------------------------------------------------------------- BIRD

@dataclass(frozen=True)
class BirdProtocol:
    name: str
    proto: str
    state: str  # up / start / down
    since: datetime | None
    info: str
    bgp_state: str = ""
    neighbor: str = ""
    routes_imported: int = 0
    last_error: str = ""


_PROTOCOL_HEAD = re.compile(
    r"^(?P<name>\S+)\s+(?P<proto>\S+)\s+(?P<table>\S+)\s+(?P<state>\S+)\s+"
    r"(?P<since>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?)\s*(?P<info>.*)$")
_ROUTES = re.compile(r"^\s+Routes:\s+(\d+) imported")
_ROUTE_LINE = re.compile(r"^(\d+\.\d+\.\d+\.\d+/\d+)\s")


def parse_bird_protocols(text: str) -> dict[str, BirdProtocol]:
    """``birdc show protocols all`` (with ``timeformat protocol iso long``) by protocol name."""
    found: dict[str, dict] = {}
    current: dict | None = None
    for line in text.splitlines():
        head = _PROTOCOL_HEAD.match(line)
        if head is not None:
            current = {
                "name": head["name"], "proto": head["proto"], "state": head["state"],
                "since": _parse_time(head["since"]), "info": head["info"].strip(),
            }
            found[head["name"]] = current
            continue
        if current is None:
            continue
        stripped = line.strip()
        if stripped.startswith("BGP state:"):
            current["bgp_state"] = stripped.split(":", 1)[1].strip()
        elif stripped.startswith("Neighbor address:"):
            current["neighbor"] = stripped.split(":", 1)[1].strip()
        elif stripped.startswith("Last error:"):
            current["last_error"] = stripped.split(":", 1)[1].strip()
        elif (m := _ROUTES.match(line)) is not None:
            current["routes_imported"] = int(m.group(1))
    return {name: BirdProtocol(**fields) for name, fields in found.items()}


def _parse_time(text: str) -> datetime | None:
    for fmt in ("%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None


def parse_bird_routes(text: str) -> tuple[str, ...]:
    """Prefixes listed by ``birdc show route ...`` (each once, in order)."""
    prefixes: list[str] = []
    for line in text.splitlines():
        m = _ROUTE_LINE.match(line)
        if m is not None and m.group(1) not in prefixes:
            prefixes.append(m.group(1))
    return tuple(prefixes)


_BGP_STATES = ("Idle", "Connect", "Active", "OpenSent", "OpenConfirm", "Established")


def bgp_state_name(protocol: BirdProtocol | None) -> str:
    """The RFC 4271 state name the model uses (BIRD says "Down" for a disabled session)."""
    if protocol is None:
        return "Idle"
    state = protocol.bgp_state or protocol.info.split(" ", 1)[0]
    return state if state in _BGP_STATES else "Idle"
