#!/usr/bin/env bash
# Set up a fresh machine, start the lab and run the main job on it: AWS <-> Alibaba managed IPsec
# VPN (playbooks/aws_alibaba.yml), ending with a ping across in both directions.
# Usage: scripts/demo.sh [extra ansible-playbook arguments]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
bash scripts/setup.sh
VENV=${MCI_VENV:-$ROOT/.venv}
export PATH="$VENV/bin:$PATH"
ansible-playbook playbooks/aws_alibaba.yml "$@"
cat <<'EOT'

The lab keeps running:  .venv/bin/python -m mci_lab status
Remove the interconnect: .venv/bin/ansible-playbook playbooks/aws_alibaba.yml -e interconnect_state=absent
Stop the lab:            .venv/bin/python -m mci_lab down
EOT
