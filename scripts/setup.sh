#!/usr/bin/env bash
# Prepare a fresh Debian machine (Python 3.11) for the collection, its lab and its tests.
# Idempotent: a second run only checks. Usage: scripts/setup.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENV=${MCI_VENV:-$ROOT/.venv}

apt_packages() {
  # Package names come from bindep.txt (the lab and test profiles), one place for them.
  sed -n 's/^\([a-z0-9.+-]*\) .*platform:dpkg.*/\1/p' "$ROOT/bindep.txt"
}

install_system_packages() {
  local missing=()
  for pkg in $(apt_packages); do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  # Keep package scripts from starting charon, bird or other services in the host namespace.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
    $sudo chmod +x /usr/sbin/policy-rc.d
    trap '$sudo rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

install_python_packages() {
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  "$VENV/bin/python" -m pip install -q -r "$ROOT/test-requirements.txt"
}

link_collection() {
  # Ansible finds the collection through ansible.cfg's collections_path.
  local dest="$ROOT/.cache/collections/ansible_collections/multicloud"
  mkdir -p "$dest"
  ln -sfn "$ROOT" "$dest/interconnect"
}

install_system_packages
install_python_packages
link_collection
echo "setup: ready ($VENV)"
