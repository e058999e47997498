"""Fixtures shared by the module tests: the AWS emulator with the means to run modules against it."""
from __future__ import annotations

import contextlib
import importlib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from ansible.module_utils.testing import patch_module_args

from mci_lab.emulators.base import read_request_log

REGION = "us-east-1"


@dataclass
class AwsLab:
    """The emulator plus the means to run modules against it and read what they called."""

    endpoint: str
    log_path: Path
    ec2: Any

    def run(self, module: str, args: dict, *, check: bool = False, diff: bool = False) -> dict:
        """Run a module's main() once and return its JSON result."""
        code = importlib.import_module(f"ansible_collections.multicloud.interconnect.plugins.modules.{module}")
        full_args = dict(args, endpoint_url=self.endpoint, region=REGION, _ansible_check_mode=check, _ansible_diff=diff,
                         _ansible_module_name=module)
        output = io.StringIO()
        with patch_module_args(full_args), contextlib.redirect_stdout(output):
            with pytest.raises(SystemExit):
                code.main()
        return json.loads(output.getvalue())

    def calls_since(self, since: float) -> list[dict]:
        return read_request_log(self.log_path, since)

    def mutating_since(self, since: float) -> list[str]:
        return [entry["operation"] for entry in self.calls_since(since) if entry["mutating"]]


@pytest.fixture
def aws_lab(start_emulator, lab_ctx, monkeypatch) -> AwsLab:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    running = start_emulator("aws")
    ec2 = boto3.client("ec2", region_name=REGION, endpoint_url=running.endpoint)
    return AwsLab(running.endpoint, lab_ctx.request_log.path, ec2)
