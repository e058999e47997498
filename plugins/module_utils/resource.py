# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The main() of a module that makes one cloud resource present or absent, shared by every such module."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from ansible_collections.multicloud.interconnect.plugins.module_utils.errors import CloudError, WaitTimeout, fail_with


class ResourceManager(Protocol):
    """What run_state_module needs of a module's manager: read the resource, then converge it."""

    def find(self) -> dict | None:
        """The resource the module's options name, or None when it does not exist."""

    def ensure_present(self, raw: dict | None) -> dict:
        """Create or update the resource; return the module's result."""

    def ensure_absent(self, raw: dict | None) -> dict:
        """Delete the resource if it exists; return the module's result."""


def run_state_module(module: Any, make_manager: Callable[[], ResourceManager],
                     input_problems: Callable[[dict], list[str]] | None = None, id_option: str | None = None) -> None:
    """Check the input, read the resource, converge it to O(state) and exit; every failure goes through fail_with.

    ``input_problems`` names every wrong option before any API call (one failure naming them all).
    ``make_manager`` builds the manager with its cloud session, inside the error path, because building a
    session can fail. ``id_option`` is the option that names the resource by ID: with O(state=present) an ID
    that does not exist is an error rather than a reason to create another resource.
    """
    try:
        problems = input_problems(module.params) if input_problems else []
        if problems:
            raise ValueError("; ".join(problems))
        manager = make_manager()
        raw = manager.find()
        if module.params["state"] == "absent":
            result = manager.ensure_absent(raw)
        else:
            if raw is None and id_option and module.params[id_option]:
                raise ValueError("%s: %s does not exist" % (id_option, module.params[id_option]))
            result = manager.ensure_present(raw)
        module.exit_json(**result)
    except (CloudError, WaitTimeout, ValueError) as error:
        fail_with(module, error)
