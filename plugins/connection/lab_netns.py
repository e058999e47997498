# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: lab_netns
short_description: Run tasks inside a lab instance's network namespace
description:
  - Runs commands in the Linux network namespace that the C(multicloud.interconnect) lab created
    for one emulated instance or droplet, so roles written for real cloud hosts run unchanged
    against the lab.
  - Each command runs as C(ip netns exec NAMESPACE unshare --mount /bin/sh -c COMMAND) on the controller. The lab
    and the controller share one filesystem, so files are transferred by plain copies.
  - When O(run_dir) is set, that directory is bind-mounted over C(/run) for every command (in the
    private mount namespace C(ip netns exec) creates), so per-instance daemons such as
    C(wireguard-go) keep their control sockets (C(/run/wireguard/*.sock)) apart.
  - Only namespaces whose name starts with C(mci-) are accepted; the host's own namespace is never
    a target.
author:
  - multicloud.interconnect contributors (@multicloud-interconnect)
version_added: 0.1.0
options:
  namespace:
    description:
      - Name of the lab network namespace of the instance, as the lab reports it
        (for example V(mci-h-droplet-1-3fa2b1)).
    type: str
    required: true
    vars:
      - name: ansible_lab_netns_namespace
    env:
      - name: ANSIBLE_LAB_NETNS_NAMESPACE
  run_dir:
    description:
      - Directory bind-mounted over C(/run) for each command, one per instance.
      - Files put to or fetched from paths under C(/run) are copied to and from this directory.
      - When not set, commands see the controller's C(/run).
    type: path
    vars:
      - name: ansible_lab_netns_run_dir
    env:
      - name: ANSIBLE_LAB_NETNS_RUN_DIR
  ip_command:
    description:
      - The C(ip) binary used to enter the namespace.
    type: str
    default: ip
    vars:
      - name: ansible_lab_netns_ip_command
extends_documentation_fragment:
  - connection_pipelining
notes:
  - Needs root on the controller (entering a network namespace and bind mounts need it), so
    privilege escalation is not needed on lab hosts; leave C(become) off.
  - The namespaces exist only while the lab runs; start it first (C(python -m mci_lab up)).
"""

EXAMPLES = r"""
# inventories/lab/hosts.yml
all:
  hosts:
    nat-instance:
      ansible_connection: multicloud.interconnect.lab_netns
      ansible_lab_netns_namespace: mci-h-nat-instance-1c2d3e
      ansible_lab_netns_run_dir: /tmp/lab/dataplane/ns/mci-h-nat-instance-1c2d3e/run
      ansible_python_interpreter: /usr/bin/python3
"""

import os
import shutil
import subprocess

from ansible.errors import AnsibleConnectionFailure, AnsibleError, AnsibleFileNotFound
from ansible.module_utils.common.text.converters import to_bytes, to_native, to_text
from ansible.plugins.connection import ConnectionBase
from ansible.utils.display import Display

display = Display()

NETNS_DIR = "/run/netns"
LAB_PREFIX = "mci-"
# $1: directory to bind over /run ("" for none), $2: the command Ansible wants to run.
ENTER_SCRIPT = 'if [ -n "$1" ]; then mount --bind "$1" /run || exit 125; fi; exec /bin/sh -c "$2"'


class Connection(ConnectionBase):
    """Commands inside one lab network namespace; files by copy on the shared filesystem."""

    transport = "multicloud.interconnect.lab_netns"
    has_pipelining = True

    def _connect(self):
        if not self._connected:
            namespace = self._namespace()
            display.vvv("ENTER lab namespace {0}".format(namespace), host=namespace)
            self._connected = True
        return self

    def _namespace(self):
        namespace = self.get_option("namespace")
        if not namespace or not namespace.startswith(LAB_PREFIX) or "/" in namespace:
            raise AnsibleConnectionFailure(
                "lab_netns: namespace must be a lab namespace starting with '{0}', got {1!r}".format(LAB_PREFIX, namespace))
        if not os.path.exists(os.path.join(NETNS_DIR, namespace)):
            raise AnsibleConnectionFailure(
                "lab_netns: network namespace {0} does not exist (is the lab up?)".format(namespace))
        return namespace

    def _run_dir(self):
        run_dir = self.get_option("run_dir")
        if run_dir and not os.path.isdir(run_dir):
            raise AnsibleConnectionFailure("lab_netns: run_dir {0} is not a directory".format(run_dir))
        return run_dir or ""

    def command_argv(self, cmd):
        """The argument list that runs ``cmd`` inside the instance's namespace."""
        # ip netns exec already gives the command its own mount namespace; the explicit unshare
        # makes sure the /run bind mount can never reach the controller's /run.
        return [self.get_option("ip_command"), "netns", "exec", self._namespace(),
                "unshare", "--mount", "--propagation", "slave",
                "/bin/sh", "-c", ENTER_SCRIPT, "lab_netns", self._run_dir(), to_text(cmd)]

    def exec_command(self, cmd, in_data=None, sudoable=True):
        super(Connection, self).exec_command(cmd, in_data=in_data, sudoable=sudoable)
        argv = self.command_argv(cmd)
        display.vvv("EXEC {0}".format(to_text(cmd)), host=argv[3])
        try:
            # A session of its own, as on a remote host: daemons a task starts in the instance
            # (wireguard-go forks without setsid) must not die when Ansible ends its worker's
            # process group.
            process = subprocess.Popen([to_bytes(a, errors="surrogate_or_strict") for a in argv],
                                       stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                       start_new_session=True)
        except OSError as exc:
            raise AnsibleConnectionFailure("lab_netns: cannot run {0}: {1}".format(argv[0], to_native(exc)))
        stdout, stderr = process.communicate(in_data)
        return process.returncode, stdout, stderr

    def _local_path(self, remote_path):
        """Where a path of the instance lives on the controller (only /run differs)."""
        run_dir = self._run_dir()
        normalized = os.path.normpath(remote_path)
        if run_dir and (normalized == "/run" or normalized.startswith("/run/")):
            return os.path.join(run_dir, os.path.relpath(normalized, "/run"))
        return normalized

    def put_file(self, in_path, out_path):
        super(Connection, self).put_file(in_path, out_path)
        target = self._local_path(out_path)
        display.vvv("PUT {0} TO {1}".format(in_path, target), host=self._namespace())
        self._copy(in_path, target)

    def fetch_file(self, in_path, out_path):
        super(Connection, self).fetch_file(in_path, out_path)
        source = self._local_path(in_path)
        display.vvv("FETCH {0} TO {1}".format(source, out_path), host=self._namespace())
        self._copy(source, out_path)

    @staticmethod
    def _copy(source, target):
        if not os.path.exists(to_bytes(source, errors="surrogate_or_strict")):
            raise AnsibleFileNotFound("lab_netns: file not found: {0}".format(to_native(source)))
        try:
            shutil.copyfile(to_bytes(source, errors="surrogate_or_strict"), to_bytes(target, errors="surrogate_or_strict"))
        except shutil.SameFileError:
            return
        except (IOError, OSError) as exc:
            raise AnsibleError("lab_netns: failed to copy {0} to {1}: {2}".format(source, target, to_native(exc)))

    def reset(self):
        self.close()

    def close(self):
        self._connected = False
