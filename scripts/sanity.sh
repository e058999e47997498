#!/usr/bin/env bash
# ansible-test sanity on a copy of the collection laid out as ansible_collections/multicloud/interconnect.
# Usage: scripts/sanity.sh [extra ansible-test arguments, e.g. --test pylint]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENV=${MCI_VENV:-$ROOT/.venv}
# Outside the repository: inside it, ansible-test would list files with the outer git and skip them all.
COPY=${MCI_SANITY_DIR:-${TMPDIR:-/tmp}/mci-sanity}/ansible_collections/multicloud/interconnect

# ansible-test bootstraps pip by downloading get-pip.py; this offline stand-in (from CPython's
# ensurepip wheel, then PyPI) is what it finds in its cache instead.
install -D "$ROOT/hacking/ansible_test_get_pip_offline.py" "$HOME/.ansible/test/cache/get_pip_24_2.py"

rm -rf "$COPY" && mkdir -p "$COPY"
cd "$ROOT"
# The files git knows (tracked, or new and not ignored), as they are in the work tree.
git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done \
  | rsync -a --from0 --files-from=- ./ "$COPY/"
cd "$COPY"
"$VENV/bin/ansible-test" sanity --python 3.11 --venv --color no --skip-test pslint "$@"
