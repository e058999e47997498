"""What the module tests share: running a module's main() against the lab's emulators, and the AWS lab."""
from __future__ import annotations

import abc
import contextlib
import importlib
import io
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from ansible.module_utils.testing import patch_module_args

from mci_lab.emulators.base import read_request_log

REGION = "us-east-1"


class ModuleLab(abc.ABC):
    """Runs modules in this process against emulators and reads what they called from the request log.

    Subclasses are dataclasses with a ``log_path`` field; each says which connection arguments a module gets.
    """

    log_path: Path

    @abc.abstractmethod
    def connection_args(self, module: str) -> dict:
        """The arguments that point ``module`` at the emulators (endpoints, region, project ...)."""

    def run(self, module: str, args: dict, *, check: bool = False, diff: bool = False) -> dict:
        """Run a module's main() once and return its JSON result; ``args`` may override the connection arguments."""
        code = importlib.import_module(f"ansible_collections.multicloud.interconnect.plugins.modules.{module}")
        full_args = dict(self.connection_args(module), **args)
        full_args.update(_ansible_check_mode=check, _ansible_diff=diff, _ansible_module_name=module)
        output = io.StringIO()
        with patch_module_args(full_args), contextlib.redirect_stdout(output):
            with pytest.raises(SystemExit):
                code.main()
        return json.loads(output.getvalue())

    def ok(self, module: str, args: dict, **kwargs: Any) -> dict:
        """Run a module that must not fail."""
        result = self.run(module, args, **kwargs)
        assert not result.get("failed"), result.get("msg")
        return result

    def calls_since(self, since: float) -> list[dict]:
        return read_request_log(self.log_path, since)

    def mutating_since(self, since: float) -> list[str]:
        return [entry["operation"] for entry in self.calls_since(since) if entry["mutating"]]

    def rerun_changes_nothing(self, module: str, args: dict) -> dict:
        """The same task again: changed=false and not one mutating call."""
        since = time.time()
        again = self.ok(module, args)
        assert again["changed"] is False, again
        assert self.mutating_since(since) == []
        return again


@dataclass
class OneCloudLab(ModuleLab):
    """One cloud's emulator; subclasses add the connection arguments of their cloud and their own SDK clients."""

    endpoint: str
    log_path: Path


def run_idempotent(lab: ModuleLab, module: str, args: dict) -> dict:
    """Run twice; the second run must change nothing and call nothing that mutates."""
    first = lab.ok(module, args)
    assert first["changed"] is True
    lab.rerun_changes_nothing(module, args)
    return first


def assert_predicts_without_mutating(lab: ModuleLab, module: str, args: dict) -> dict:
    since = time.time()
    predicted = lab.ok(module, args, check=True, diff=True)
    assert predicted["changed"] is True
    assert lab.mutating_since(since) == []
    return predicted


def assert_absent_twice(lab: ModuleLab, module: str, args: dict) -> None:
    assert lab.ok(module, dict(args, state="absent"))["changed"] is True
    lab.rerun_changes_nothing(module, dict(args, state="absent"))


@dataclass
class AwsLab(OneCloudLab):
    ec2: Any

    def connection_args(self, module: str) -> dict:
        return {"endpoint_url": self.endpoint, "region": REGION}


@pytest.fixture
def aws_lab(start_emulator, lab_ctx, monkeypatch) -> AwsLab:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    running = start_emulator("aws")
    ec2 = boto3.client("ec2", region_name=REGION, endpoint_url=running.endpoint)
    return AwsLab(running.endpoint, lab_ctx.request_log.path, ec2)
