"""Import the collection's module_utils from the lab (one source for cloud facts)."""
from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

REPO_ROOT = Path(__file__).resolve().parent.parent
COLLECTIONS_DIR = REPO_ROOT / ".cache" / "collections"


def ensure_collection_importable() -> None:
    """Link the repository as ansible_collections.multicloud.interconnect and put it on sys.path."""
    link = COLLECTIONS_DIR / "ansible_collections" / "multicloud" / "interconnect"
    if not link.exists():
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(REPO_ROOT, target_is_directory=True)
    if str(COLLECTIONS_DIR) not in sys.path:
        sys.path.insert(0, str(COLLECTIONS_DIR))


def import_module_utils(name: str) -> ModuleType:
    ensure_collection_importable()
    return importlib.import_module(f"ansible_collections.multicloud.interconnect.plugins.module_utils.{name}")
