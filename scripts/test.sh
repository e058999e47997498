#!/usr/bin/env bash
# Set up a fresh machine and run the whole test suite: what CI runs (.ci/run calls this script).
# Usage: scripts/test.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
bash scripts/setup.sh
VENV=${MCI_VENV:-$ROOT/.venv}
export PATH="$VENV/bin:$PATH"
export ANSIBLE_COLLECTIONS_PATH="$ROOT/.cache/collections"

step() { printf '\n==== %s\n' "$*"; }

step "pytest: unit tests, emulators through the official SDKs, modules against the lab"
pytest -q -n 2 -m "not dataplane and not playbook" tests

step "pytest: the data plane (namespaces, strongSwan, BIRD, wireguard-go) and playbooks on the lab"
pytest -q -m "dataplane or playbook" tests

step "ansible-test sanity"
bash scripts/sanity.sh

step "ansible-lint (production profile, offline)"
ansible-lint --offline --profile production

step "lab: nothing left behind"
left=$(ip netns list 2>/dev/null | awk '{print $1}' | grep -E '^mci-' || true)
if [ -n "$left" ]; then
  printf 'lab namespaces left behind:\n%s\n' "$left"
  exit 1
fi
echo "no mci- namespace left"
