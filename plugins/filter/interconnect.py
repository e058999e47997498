# -*- coding: utf-8 -*-
# Copyright: contributors to the multicloud.interconnect collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters that read an interconnect plan (the RV(plan) of multicloud.interconnect.interconnect_plan).

Documentation lives in the sidecar files inside_cidrs.yml, mermaid.yml, site_tunnels.yml and module_options.yml.
"""

from __future__ import annotations

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.dict_transformations import camel_dict_to_snake_dict

from ansible_collections.multicloud.interconnect.plugins.module_utils import planner


def _plan_of(value) -> dict:
    """Accept the plan itself or the whole registered result of interconnect_plan."""
    if isinstance(value, dict) and "plan" in value and isinstance(value["plan"], dict):
        value = value["plan"]
    if not isinstance(value, dict) or "links" not in value or "sites" not in value:
        raise AnsibleFilterError("expected an interconnect plan (a dict with 'sites' and 'links'), got %s" % type(value).__name__)
    return value


def inside_cidrs(plan, link: str | None = None, site: str | None = None) -> list:
    """Inside /30 networks of a plan, optionally of one link or one site."""
    return planner.plan_inside_cidrs(_plan_of(plan), link=link, site=site)


def mermaid(plan) -> str:
    """The plan as a Mermaid flowchart."""
    return planner.render_mermaid(_plan_of(plan))


def site_tunnels(plan, site: str) -> list:
    """Every tunnel end one site configures: its end, the remote end and its cloud's proposal."""
    plan = _plan_of(plan)
    if site not in [entry["name"] for entry in plan["sites"]]:
        raise AnsibleFilterError("site %r is not in the plan" % (site,))
    return planner.plan_site_tunnels(plan, site)


def module_options(cloud_names) -> dict:
    """A proposal in a cloud's API names (CamelCase) as this collection's module options (snake_case)."""
    if not isinstance(cloud_names, dict):
        raise AnsibleFilterError("module_options expects a dict of cloud API names, got %s" % type(cloud_names).__name__)
    return camel_dict_to_snake_dict(cloud_names)


class FilterModule:
    """Interconnect plan filters."""

    def filters(self) -> dict:
        return {
            "inside_cidrs": inside_cidrs,
            "mermaid": mermaid,
            "site_tunnels": site_tunnels,
            "module_options": module_options,
        }
