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
lab_namespaces() { ip netns list 2>/dev/null | awk '{print $1}' | grep -E '^mci-' | sort || true; }
# Namespaces of a lab someone else runs on this machine are not ours to judge (or remove).
namespaces_before=$(lab_namespaces)

step "pytest: unit tests, emulators through the official SDKs, modules against the lab"
pytest -q -n 2 -m "not dataplane and not playbook" tests

step "pytest: the data plane (namespaces, strongSwan, BIRD, wireguard-go) and playbooks on the lab"
pytest -q -m "dataplane or playbook" tests

# Each scenario on a lab of its own (state directory and namespace prefix), torn down even when
# its own destroy step failed.
molecule_scenario() {
  local scenario=$1 workdir rc=0
  workdir=$(mktemp -d /tmp/mci-molecule-XXXXXX)
  MCI_LAB_STATE_DIR="$workdir/lab" MCI_LAB_PREFIX="mci-m$$${scenario:4:3}-" MOLECULE_EPHEMERAL_DIRECTORY="$workdir/molecule" \
    molecule test -s "$scenario" || rc=$?
  python -m mci_lab down --state-dir "$workdir/lab" >/dev/null
  rm -rf "$workdir"
  return "$rc"
}

step "molecule: aws_alibaba (create, converge, idempotence, verify, destroy)"
molecule_scenario aws_alibaba

step "molecule: aws_azure_gcp, the BGP triangle (create, converge, idempotence, verify, destroy)"
molecule_scenario aws_azure_gcp

step "ansible-test sanity"
bash scripts/sanity.sh

step "ansible-lint (production profile, offline)"
ansible-lint --offline --profile production

step "lab: nothing left behind"
left=$(comm -13 <(echo "$namespaces_before") <(lab_namespaces) | grep . || true)
if [ -n "$left" ]; then
  printf 'lab namespaces the tests left behind:\n%s\n' "$left"
  exit 1
fi
echo "no mci- namespace left by the tests"
