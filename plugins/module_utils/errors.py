# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One exception type for every cloud, so each module has one clear error path."""
from __future__ import annotations


class CloudError(Exception):
    """A cloud API call failed; carries what a user needs to act on it."""

    def __init__(self, message: str, *, cloud: str, operation: str, code: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.cloud = cloud
        self.operation = operation
        self.code = code
        self.status = status

    def __str__(self) -> str:
        code = f" ({self.code})" if self.code else ""
        return f"{self.cloud} {self.operation} failed{code}: {self.message}"

    def to_result(self) -> dict:
        """Extra keys for ``fail_json``."""
        return {"cloud": self.cloud, "operation": self.operation, "error_code": self.code, "http_status": self.status}


class WaitTimeout(Exception):
    """A resource did not reach the wanted state in time; says what it last saw."""

    def __init__(self, what: str, wanted: str, last_seen: str, timeout: float) -> None:
        super().__init__(f"timed out after {timeout:g}s waiting for {what} to be {wanted}; last seen: {last_seen}")
        self.what = what
        self.wanted = wanted
        self.last_seen = last_seen
        self.timeout = timeout


def fail_with(module, error: Exception, **extra) -> None:
    """The single failure path of every module."""
    result = dict(extra)
    if isinstance(error, CloudError):
        result.update(error.to_result())
    module.fail_json(msg=str(error), **result)
