"""Make collection code importable as ansible_collections.multicloud.interconnect.*."""
from __future__ import annotations

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
COLLECTIONS_ROOT = REPO_ROOT / ".cache" / "collections"
COLLECTION_LINK = COLLECTIONS_ROOT / "ansible_collections" / "multicloud" / "interconnect"

if not COLLECTION_LINK.exists():
    COLLECTION_LINK.parent.mkdir(parents=True, exist_ok=True)
    COLLECTION_LINK.symlink_to(REPO_ROOT, target_is_directory=True)
if str(COLLECTIONS_ROOT) not in sys.path:
    sys.path.insert(0, str(COLLECTIONS_ROOT))
