# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Safe ``--diff`` and change detection shared by every module.

Secrets (pre-shared keys, shared secrets) never appear in a diff: their values are replaced by a
marker that still shows *whether* the secret changes, never what it is.
"""
from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

REDACTED = "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
REDACTED_CHANGED = "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER (changed)"

# Field names that carry secrets in any cloud's vocabulary (snake_case and the SDKs' own spellings).
SECRET_FIELDS = frozenset((
    "pre_shared_key", "PreSharedKey", "psk", "Psk", "shared_key", "sharedKey", "shared_secret",
    "sharedSecret", "secret", "private_key", "PrivateKey", "auth_key",
))


def redact(data: Any, hidden_fields: Iterable[str] = SECRET_FIELDS) -> Any:
    """A deep copy of ``data`` with every value under a hidden field name replaced."""
    hidden = frozenset(hidden_fields)
    if isinstance(data, Mapping):
        return {key: (REDACTED if key in hidden and value is not None else redact(value, hidden)) for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return [redact(item, hidden) for item in data]
    return copy.deepcopy(data)


def _mark_changed_secrets(before: Any, after: Any, hidden: frozenset) -> Any:
    """Redacted ``after`` where a secret that differs from ``before`` says so."""
    if isinstance(after, Mapping):
        before_map = before if isinstance(before, Mapping) else {}
        marked = {}
        for key, value in after.items():
            if key in hidden and value is not None:
                marked[key] = REDACTED if before_map.get(key) == value else REDACTED_CHANGED
            else:
                marked[key] = _mark_changed_secrets(before_map.get(key), value, hidden)
        return marked
    if isinstance(after, (list, tuple)):
        before_list = list(before) if isinstance(before, (list, tuple)) else []
        return [_mark_changed_secrets(before_list[i] if i < len(before_list) else None, item, hidden) for i, item in enumerate(after)]
    return copy.deepcopy(after)


def build_diff(before: Any, after: Any, hidden_fields: Iterable[str] = SECRET_FIELDS) -> dict:
    """The ``diff`` return value: ``before``/``after`` with secrets redacted."""
    hidden = frozenset(hidden_fields)
    return {"before": redact(before or {}, hidden), "after": _mark_changed_secrets(before, after or {}, hidden)}


def drop_unset(desired: Mapping) -> dict:
    """Only the parameters the user gave: an attribute whose parameter was not given never changes."""
    return {key: value for key, value in desired.items() if value is not None}


def differing_fields(current: Mapping, desired: Mapping) -> dict:
    """Fields of ``desired`` (None = not given) whose value differs from ``current``.

    Nested mappings compare only the keys the user gave; lists compare whole (replace semantics).
    """
    changes = {}
    for key, wanted in drop_unset(desired).items():
        have = current.get(key)
        if isinstance(wanted, Mapping) and isinstance(have, Mapping):
            nested = differing_fields(have, wanted)
            if nested:
                changes[key] = nested
        elif have != wanted:
            changes[key] = wanted
    return changes
