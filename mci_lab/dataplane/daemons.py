"""Start and stop charon-systemd, BIRD and wireguard-go inside lab namespaces, by PID only.

``ip netns exec`` execs its command, so the PID of the Popen is the daemon's own PID (all three
run in the foreground). A daemon is only ever signalled after checking that the PID still runs
the expected binary, so a recycled PID is never hit.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from . import netns

CHARON_BINARY = "/usr/sbin/charon-systemd"
BIRD_BINARY = "/usr/sbin/bird"
WIREGUARD_GO_BINARY = "/usr/bin/wireguard-go"
REQUIRED_BINARIES = ("ip", "nsenter", "unshare", "iptables", "iptables-restore", "sysctl", CHARON_BINARY, "swanctl",
                     BIRD_BINARY, "birdc")

# Our own children, so that stopped daemons are reaped and never linger as zombies.
_CHILDREN: dict[int, subprocess.Popen] = {}


class DaemonError(RuntimeError):
    """A daemon did not come up; the message includes the tail of its log."""


@dataclass(frozen=True)
class Started:
    pid: int
    log_offset: int  # size of the log before this start: what follows belongs to this run


def start_in_namespace(namespace: str, argv: list[str], output: Path, env: dict[str, str] | None = None,
                       run_dir: Path | None = None) -> int:
    """Run ``argv`` in the foreground inside ``namespace``; returns its PID.

    ``run_dir`` is bind-mounted over /run first (in the private mount namespace ``ip netns exec``
    creates), which keeps wireguard-go's UAPI sockets per instance.
    """
    if not namespace.startswith("mci-"):
        raise ValueError(f"refusing to start {argv[0]} outside a lab namespace ({namespace!r})")
    command = ["ip", "netns", "exec", namespace]
    if env:
        command += ["env", *[f"{k}={v}" for k, v in env.items()]]
    command += with_private_run(run_dir, argv) if run_dir is not None else argv
    output.parent.mkdir(parents=True, exist_ok=True)
    with open(output, "ab") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True, close_fds=True)
    _CHILDREN[proc.pid] = proc
    return proc.pid


def with_private_run(run_dir: Path, argv: list[str]) -> list[str]:
    """``argv`` with ``run_dir`` bind-mounted over /run in a mount namespace of its own.

    The explicit ``unshare --mount --propagation slave`` guarantees the bind mount can never land
    on (or propagate to) the host's /run, whatever entered the network namespace before.
    """
    run_dir.mkdir(parents=True, exist_ok=True)
    return ["unshare", "--mount", "--propagation", "slave",
            "sh", "-c", 'mount --bind "$0" /run && exec "$@"', str(run_dir), *argv]


def is_running(pid: int, binary: str) -> bool:
    """True if ``pid`` is alive (not a zombie) and runs ``binary``."""
    if pid <= 0:
        return False
    _reap(pid)
    if pid in _CHILDREN:
        # Our own unreaped child: its PID cannot have been recycled, and it may not have
        # exec'ed the binary yet (between fork and exec it still looks like Python).
        return True
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            state = f.read().rsplit(b")", 1)[1].split()[0]
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmdline = f.read().split(b"\0")
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    if state == b"Z":
        return False
    name = os.path.basename(binary).encode()
    # Also true between fork and exec, while the command line is still `ip netns exec ... binary`.
    return any(os.path.basename(arg) == name for arg in cmdline if arg)


def stop(pid: int, binary: str, timeout: float = 5.0) -> None:
    """SIGTERM, then SIGKILL after ``timeout``; only if ``pid`` still runs ``binary``."""
    if not is_running(pid, binary):
        _reap(pid)
        return
    _signal(pid, signal.SIGTERM)
    if not _wait_gone(pid, timeout):
        _signal(pid, signal.SIGKILL)
        _wait_gone(pid, 2.0)


def stop_many(processes: list[tuple[int, str]], timeout: float = 5.0) -> None:
    """Stop several daemons at once: SIGTERM to all, then wait, then SIGKILL what is left."""
    running = [pid for pid, binary in processes if is_running(pid, binary)]
    for pid in running:
        _signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for pid in running:
        if not _wait_gone(pid, max(0.0, deadline - time.monotonic())):
            _signal(pid, signal.SIGKILL)
            _wait_gone(pid, 2.0)


def kill_namespace_processes(namespace: str, timeout: float = 3.0) -> None:
    """Stop every process left inside a lab namespace (daemons and what roles started there)."""
    pids = netns.namespace_pids(namespace)
    for pid in pids:
        _signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for pid in pids:
        if not _wait_gone(pid, max(0.0, deadline - time.monotonic())):
            _signal(pid, signal.SIGKILL)
            _wait_gone(pid, 1.0)


def _signal(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def _reap(pid: int) -> None:
    proc = _CHILDREN.get(pid)
    if proc is not None and proc.poll() is not None:
        _CHILDREN.pop(pid, None)


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        _reap(pid)
        if pid not in _CHILDREN and not _alive(pid):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.02)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False


def log_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def read_log(path: Path, offset: int = 0) -> str:
    try:
        with open(path, "rb") as f:
            f.seek(offset)
            return f.read().decode(errors="replace")
    except FileNotFoundError:
        return ""


def log_tail(path: Path, lines: int = 15) -> str:
    return "\n".join(read_log(path).splitlines()[-lines:])


# --------------------------------------------------------------------------- charon

def start_charon(namespace: str, strongswan_conf: Path, log_path: Path) -> Started:
    offset = log_size(log_path)
    pid = start_in_namespace(namespace, [CHARON_BINARY], log_path.with_name("stdout.log"),
                             env={"STRONGSWAN_CONF": str(strongswan_conf)})
    return Started(pid, offset)


def wait_for_socket(path: Path, pid: int, binary: str, log_path: Path, timeout: float = 10.0) -> None:
    """Until the daemon accepts connections on its unix socket (or died, or time ran out)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not is_running(pid, binary):
            raise DaemonError(f"{binary} (pid {pid}) exited during start-up; log:\n{log_tail(log_path)}\n"
                              f"output:\n{log_tail(log_path.with_name('stdout.log'))}")
        if path.exists() and _connects(path):
            return
        time.sleep(0.02)
    raise DaemonError(f"{binary} (pid {pid}) did not open {path} within {timeout}s; log:\n{log_tail(log_path)}")


def _connects(path: Path) -> bool:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        try:
            sock.connect(str(path))
            return True
        except OSError:
            return False


def swanctl(vici_socket: Path | str, *args: str, timeout: float = 20.0) -> str:
    """``swanctl <operation> ... --uri``: the operation must come first."""
    return netns.run(["swanctl", *args, "--uri", f"unix://{vici_socket}"], timeout=timeout).stdout


def load_swanctl(vici_socket: Path | str, swanctl_conf: Path) -> None:
    swanctl(vici_socket, "--load-all", "--noprompt", "--file", str(swanctl_conf))


def wait_for_tun(log_path: Path, offset: int, timeout: float = 5.0) -> str:
    """The TUN device this charon run created (``created TUN device: ipsecN``)."""
    deadline = time.monotonic() + timeout
    marker = "created TUN device: "
    while time.monotonic() < deadline:
        for line in read_log(log_path, offset).splitlines():
            if marker in line:
                return line.split(marker, 1)[1].strip()
        time.sleep(0.02)
    raise DaemonError(f"charon logged no TUN device within {timeout}s; log:\n{log_tail(log_path)}")


# --------------------------------------------------------------------------- BIRD

def start_bird(namespace: str, conf: Path, control_socket: Path, log_path: Path) -> Started:
    offset = log_size(log_path)
    pid = start_in_namespace(
        namespace, [BIRD_BINARY, "-f", "-c", str(conf), "-s", str(control_socket), "-P", str(conf.with_name("bird.pid"))],
        conf.with_name("stdout.log"))
    return Started(pid, offset)


def birdc(control_socket: Path | str, *command: str, timeout: float = 10.0) -> str:
    return netns.run(["birdc", "-s", str(control_socket), *command], timeout=timeout).stdout


def bird_configure(control_socket: Path | str) -> None:
    """Soft reconfiguration: BIRD restarts only the protocols whose configuration changed."""
    out = birdc(control_socket, "configure")
    if "Reconfigured" not in out and "Reconfiguration in progress" not in out:
        raise DaemonError(f"bird did not accept the new configuration: {out.strip()}")


def wait_bird_settled(control_socket: Path | str, timeout: float = 1.0) -> None:
    """Until no protocol is still shutting down ("stop"), e.g. sending its Cease notification."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        states = [line.split()[3] for line in birdc(control_socket, "show", "protocols").splitlines()[2:]
                  if len(line.split()) > 3]
        if "stop" not in states:
            return
        time.sleep(0.05)


# --------------------------------------------------------------------------- wireguard-go

def start_wireguard_go(namespace: str, run_dir: Path, ifname: str, log_path: Path) -> int:
    """wireguard-go in the foreground (``-f``) with the instance's own /run."""
    return start_in_namespace(namespace, [WIREGUARD_GO_BINARY, "-f", ifname], log_path,
                              env={"WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD": "1"}, run_dir=run_dir)


def wg(namespace: str, run_dir: Path, *args: str) -> str:
    """Run ``wg`` against the instance's UAPI sockets (its /run)."""
    return netns.netns_exec(namespace, with_private_run(run_dir, ["wg", *args])).stdout


def wait_for_wireguard(namespace: str, run_dir: Path, ifname: str, timeout: float = 5.0) -> None:
    sock = run_dir / "wireguard" / f"{ifname}.sock"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if sock.exists():
            return
        time.sleep(0.02)
    raise DaemonError(f"wireguard-go in {namespace} did not create {sock} within {timeout}s")


def missing_binaries() -> list[str]:
    from shutil import which
    return [b for b in REQUIRED_BINARIES if which(b) is None]
