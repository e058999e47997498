"""The interconnect_plan module, run for real: through main() and through the ansible CLI."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from ansible.module_utils.testing import patch_module_args

from ansible_collections.multicloud.interconnect.plugins.modules import interconnect_plan

REPO_ROOT = Path(__file__).resolve().parents[4]
TRIANGLE = yaml.safe_load((REPO_ROOT / "tests" / "unit" / "fixtures" / "triangle.yml").read_text(encoding="utf-8"))


def run_module(args: dict, capsys) -> dict:
    """Run the module's main() with these arguments; return its JSON result."""
    with patch_module_args(args), pytest.raises(SystemExit):
        interconnect_plan.main()
    return json.loads(capsys.readouterr().out)


def test_plans_the_triangle_without_changing_anything(capsys) -> None:
    result = run_module({"sites": TRIANGLE["sites"], "links": TRIANGLE["links"]}, capsys)
    assert result["changed"] is False
    assert "failed" not in result
    links = {link["name"]: link for link in result["plan"]["links"]}
    assert [tunnel["inside_cidr"] for tunnel in links["aws-azure"]["tunnels"]] == [
        "169.254.21.0/30", "169.254.21.4/30", "169.254.22.0/30", "169.254.22.4/30"]
    assert len(links["gcp-azure"]["tunnels"]) == 2
    assert result["mermaid"].startswith("flowchart LR") and result["mermaid"] == result["plan"]["mermaid"]
    assert set(result["generated_psks"]) == {"aws-azure-t1", "aws-azure-t2", "aws-azure-t3", "aws-azure-t4", "gcp-azure-t1", "gcp-azure-t2"}
    # keys only travel in generated_psks, never inside the plan
    for psk in result["generated_psks"].values():
        assert psk not in json.dumps(result["plan"])


def test_feeding_keys_back_gives_the_same_plan_and_no_new_keys(capsys) -> None:
    first = run_module({"sites": TRIANGLE["sites"], "links": TRIANGLE["links"]}, capsys)
    second = run_module({"sites": TRIANGLE["sites"], "links": TRIANGLE["links"], "existing_psks": first["generated_psks"]}, capsys)
    assert second["plan"] == first["plan"]
    assert second["generated_psks"] == {}


def test_check_mode_gives_the_same_plan(capsys) -> None:
    first = run_module({"sites": TRIANGLE["sites"], "links": TRIANGLE["links"]}, capsys)
    checked = run_module({"sites": TRIANGLE["sites"], "links": TRIANGLE["links"], "existing_psks": first["generated_psks"],
                          "_ansible_check_mode": True}, capsys)
    assert checked["changed"] is False
    assert checked["plan"] == first["plan"]


def test_a_link_psk_never_shows_in_the_result(capsys) -> None:
    links = [dict(TRIANGLE["links"][0], psk="Link_key.123456")] + TRIANGLE["links"][1:]
    result = run_module({"sites": TRIANGLE["sites"], "links": links}, capsys)
    assert "Link_key.123456" not in json.dumps(result)
    assert not any(name.startswith("aws-azure") for name in result["generated_psks"])


def test_bad_input_fails_with_the_planner_message(capsys) -> None:
    sites = [dict(site) for site in TRIANGLE["sites"]]
    sites[2] = dict(sites[2], cidrs=["172.16.8.0/24"])
    result = run_module({"sites": sites, "links": TRIANGLE["links"]}, capsys)
    assert result["failed"] is True
    assert result["msg"] == "sites[2].cidrs[0]: overlaps 172.16.0.0/16 of site aws (sites[1].cidrs[0]) (got '172.16.8.0/24')"
    assert result["field"] == "sites[2].cidrs[0]"


def test_a_bad_psk_fails_without_echoing_it(capsys) -> None:
    links = [dict(TRIANGLE["links"][0], psk="bad-key-value")] + TRIANGLE["links"][1:]
    result = run_module({"sites": TRIANGLE["sites"], "links": links}, capsys)
    assert result["failed"] is True
    assert result["msg"].startswith("links[0].psk: aws pre-shared keys may only contain letters, digits")
    assert "bad-key-value" not in json.dumps(result)


def test_argument_spec_rejects_an_unknown_cloud(capsys) -> None:
    sites = [dict(TRIANGLE["sites"][0], cloud="oracle")]
    result = run_module({"sites": sites}, capsys)
    assert result["failed"] is True
    assert "oracle" in result["msg"] and "cloud" in result["msg"]


def test_the_module_runs_through_the_ansible_cli(tmp_path: Path) -> None:
    env = dict(os.environ,
               ANSIBLE_COLLECTIONS_PATH=str(REPO_ROOT / ".cache" / "collections"),
               ANSIBLE_LOCAL_TEMP=str(tmp_path), ANSIBLE_HOME=str(tmp_path), ANSIBLE_NOCOLOR="1",
               ANSIBLE_PYTHON_INTERPRETER=sys.executable)
    args = json.dumps({"sites": TRIANGLE["sites"], "links": TRIANGLE["links"]})
    ansible = Path(sys.executable).with_name("ansible")
    completed = subprocess.run(
        [str(ansible), "localhost", "-c", "local", "-i", "localhost,", "--check", "-m", "multicloud.interconnect.interconnect_plan", "-a", args],
        env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path, check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "localhost | SUCCESS" in completed.stdout
    assert "169.254.22.4/30" in completed.stdout
