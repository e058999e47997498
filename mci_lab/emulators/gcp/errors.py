"""Compute Engine's error answers, in the shape google-api-core parses into typed exceptions.

``{"error": {"code", "message", "errors": [{"reason", "message", "domain"}]}}``: the SDK maps the
HTTP status to ``NotFound``, ``Conflict``, ``BadRequest``... and keeps ``errors`` for callers that
look at the reason (``rateLimitExceeded``, ``resourceInUseByAnotherResource``).
"""
from __future__ import annotations

import json

from mci_lab.emulators.base import ErrorResponse

JSON_HEADERS = (("Content-Type", "application/json; charset=UTF-8"),)


class GcpError(Exception):
    """An API error the emulator answers with instead of a resource or an operation."""

    def __init__(self, status: int, reason: str, message: str, domain: str = "global") -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason
        self.message = message
        self.domain = domain

    def body(self) -> dict:
        detail = {"message": self.message, "domain": self.domain, "reason": self.reason}
        return {"error": {"code": self.status, "message": self.message, "errors": [detail]}}

    def response(self) -> ErrorResponse:
        return ErrorResponse(self.status, json.dumps(self.body()).encode(), JSON_HEADERS)


def not_found(link_path: str) -> GcpError:
    return GcpError(404, "notFound", f"The resource '{link_path}' was not found")


def already_exists(link_path: str) -> GcpError:
    return GcpError(409, "alreadyExists", f"The resource '{link_path}' already exists")


def invalid(field: str, value: object, why: str) -> GcpError:
    """Compute's wording for a bad field value: "Invalid value for field 'resource.x': 'v'. <why>"."""
    return GcpError(400, "invalid", f"Invalid value for field '{field}': '{value}'. {why}")


def required(field: str) -> GcpError:
    return GcpError(400, "required", f"Required field '{field}' not specified")


def in_use(link_path: str, user_path: str) -> GcpError:
    return GcpError(
        400,
        "resourceInUseByAnotherResource",
        f"The {_kind_word(link_path)} resource '{link_path}' is already being used by '{user_path}'",
    )


def unsupported(what: str) -> GcpError:
    """Something real Compute Engine has but the lab deliberately does not emulate."""
    return GcpError(400, "invalid", f"The lab's Compute Engine emulator does not support {what}")


def _kind_word(link_path: str) -> str:
    collection = link_path.rstrip("/").split("/")[-2]
    words = {"networks": "network", "subnetworks": "subnetwork", "vpnGateways": "vpnGateway",
             "externalVpnGateways": "externalVpnGateway", "routers": "router", "vpnTunnels": "vpnTunnel"}
    return words.get(collection, collection)


# Quota errors. Compute answers an exhausted per-minute quota with 403 rateLimitExceeded; newer
# front ends answer some quotas with 429 and an ErrorInfo detail. Source: cloud.google.com
# compute/docs/api-rate-limits (see CLOUD_FACTS.md 4.1).
RATE_LIMIT_MESSAGE = (
    "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute' of service "
    "'compute.googleapis.com' for consumer 'project_number:lab'."
)


def rate_limit_exceeded(status: int) -> ErrorResponse:
    """403 (classic) or 429 (newer front ends), both with reason rateLimitExceeded."""
    body = {
        "error": {
            "code": status,
            "message": RATE_LIMIT_MESSAGE,
            "errors": [{"message": RATE_LIMIT_MESSAGE, "domain": "usageLimits", "reason": "rateLimitExceeded"}],
            "details": [
                {
                    "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                    "reason": "RATE_LIMIT_EXCEEDED",
                    "domain": "googleapis.com",
                    "metadata": {"service": "compute.googleapis.com", "quota_metric": "compute.googleapis.com/queries"},
                }
            ],
        }
    }
    return ErrorResponse(status, json.dumps(body).encode(), JSON_HEADERS)


def backend_error() -> ErrorResponse:
    """503 backendError: google-api-core raises ServiceUnavailable, which compute reads retry."""
    return GcpError(503, "backendError", "Backend Error").response()
