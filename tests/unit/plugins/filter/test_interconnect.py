"""The interconnect filters read a plan the way a playbook would."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from ansible.errors import AnsibleFilterError

from ansible_collections.multicloud.interconnect.plugins.filter.interconnect import FilterModule
from ansible_collections.multicloud.interconnect.plugins.module_utils.planner import build_plan

TRIANGLE = yaml.safe_load((Path(__file__).resolve().parents[2] / "fixtures" / "triangle.yml").read_text(encoding="utf-8"))
FILTERS = FilterModule().filters()


@pytest.fixture(scope="module")
def registered() -> dict:
    """What `register:` holds after the interconnect_plan task."""
    plan = build_plan(TRIANGLE["sites"], TRIANGLE["links"])
    plan_dict = plan.to_dict(include_secrets=False)
    return {"changed": False, "plan": plan_dict, "mermaid": plan_dict["mermaid"], "generated_psks": plan.generated_psks}


def test_inside_cidrs_of_a_link_a_site_or_everything(registered: dict) -> None:
    inside_cidrs = FILTERS["inside_cidrs"]
    assert inside_cidrs(registered, "aws-azure") == ["169.254.21.0/30", "169.254.21.4/30", "169.254.22.0/30", "169.254.22.4/30"]
    assert inside_cidrs(registered["plan"], site="gcp") == ["169.254.21.8/30", "169.254.22.8/30"]
    assert len(inside_cidrs(registered["plan"])) == 6


def test_mermaid_matches_what_the_module_returns(registered: dict) -> None:
    assert FILTERS["mermaid"](registered["plan"]) == registered["mermaid"]


def test_site_tunnels_are_seen_from_the_site(registered: dict) -> None:
    ends = FILTERS["site_tunnels"](registered, "aws")
    assert [end["tunnel"] for end in ends] == ["aws-azure-t1", "aws-azure-t2", "aws-azure-t3", "aws-azure-t4"]
    assert ends[2]["local"]["role"] == "VPN connection 2 tunnel 1"
    assert ends[2]["remote"]["inside_ip"] == "169.254.22.2"
    assert ends[0]["proposal"]["IkeVersions"] == ["ikev2"]


def test_filters_refuse_what_is_not_a_plan(registered: dict) -> None:
    with pytest.raises(AnsibleFilterError, match="expected an interconnect plan"):
        FILTERS["inside_cidrs"]({"sites": []})
    with pytest.raises(AnsibleFilterError, match="site 'oracle' is not in the plan"):
        FILTERS["site_tunnels"](registered, "oracle")
