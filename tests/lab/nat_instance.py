"""What the data-plane and end-to-end overlay tests share: the seed post's NAT-instance script and
running shell scripts on lab instances the way a role would, through an ansible ad-hoc run over the
multicloud.interconnect.lab_netns connection plugin."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from mci_lab.collection import REPO_ROOT

# The seed post's rules with its overlay interface name (zt0 here), plus bringing the overlay up.
NAT_INSTANCE_SCRIPT = """\
set -e
WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD=1 wireguard-go zt0
for i in $(seq 100); do [ -S /run/wireguard/zt0.sock ] && break; sleep 0.05; done
wg setconf zt0 {conf}
ip addr add {overlay}/24 dev zt0
ip link set zt0 up
iptables -A FORWARD -i eth0 -o zt0 -d 192.168.254.0/24 -j ACCEPT
iptables -t nat -A POSTROUTING -o zt0 -d 192.168.254.0/24 -j ACCEPT
iptables -A FORWARD -i zt0 -o eth0 -d 172.16.0.0/16 -j ACCEPT
iptables -t nat -A POSTROUTING -o eth0 -d 172.16.0.0/16 -j ACCEPT
iptables -t nat -A POSTROUTING -o eth0 -d 0.0.0.0/0 -j MASQUERADE
sysctl -w net.ipv4.ip_forward=1
"""


def run_ad_hoc(tmp_path: Path, hosts: dict[str, dict]) -> dict[str, dict]:
    """One ansible ad-hoc shell task (each host's ``script``, run in its ``namespace`` with its
    ``run_dir`` as /run) through multicloud.interconnect.lab_netns, one host after the other in
    inventory order; each host's JSON result."""
    inventory = tmp_path / "inventory.json"
    inventory.write_text(json.dumps({"all": {"hosts": {name: {
        "ansible_connection": "multicloud.interconnect.lab_netns",
        "ansible_lab_netns_namespace": spec["namespace"],
        "ansible_lab_netns_run_dir": str(spec["run_dir"]),
        "ansible_python_interpreter": sys.executable,
        "lab_script": spec["script"],
    } for name, spec in hosts.items()}}}))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(REPO_ROOT / ".cache" / "collections"),
               ANSIBLE_LOAD_CALLBACK_PLUGINS="1", ANSIBLE_STDOUT_CALLBACK="ansible.builtin.json",
               ANSIBLE_HOST_KEY_CHECKING="0", ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-local"))
    result = subprocess.run(
        [str(Path(sys.executable).with_name("ansible")), "all", "-i", str(inventory), "--forks", "1",
         "-m", "ansible.builtin.shell", "-a", json.dumps({"cmd": "{{ lab_script }}"})],
        cwd=str(REPO_ROOT), env=env, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, f"ansible failed:\n{result.stdout}\n{result.stderr}"
    return json.loads(result.stdout)["plays"][0]["tasks"][0]["hosts"]


def host_run_mounts() -> list[str]:
    """Mounts on the controller's own /run: a per-instance bind mount must never land there."""
    with open("/proc/self/mountinfo", encoding="utf-8") as f:
        return [line for line in f if line.split()[4] == "/run"]
