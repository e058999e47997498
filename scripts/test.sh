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

step "molecule: aws_alibaba (create, converge, idempotence, verify, destroy) on a lab of its own"
molecule_dir=$(mktemp -d /tmp/mci-molecule-XXXXXX)
molecule_rc=0
MCI_LAB_STATE_DIR="$molecule_dir/lab" MCI_LAB_PREFIX="mci-mol$$-" MOLECULE_EPHEMERAL_DIRECTORY="$molecule_dir/molecule" \
  molecule test -s aws_alibaba || molecule_rc=$?
python -m mci_lab down --state-dir "$molecule_dir/lab" >/dev/null  # even when destroy itself failed
rm -rf "$molecule_dir"
[ "$molecule_rc" -eq 0 ]

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
