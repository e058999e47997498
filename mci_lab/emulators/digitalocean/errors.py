"""DigitalOcean's error answers: ``{"id": "<slug>", "message": "...", "request_id": "..."}``.

pydo returns the documented 404s of GET/DELETE calls as this dict instead of raising, and raises
``HttpResponseError`` for the rest; azure-core's RetryPolicy retries any answer that carries a
``Retry-After`` header, which is how the 429 below gets retried without help from the caller.
"""
from __future__ import annotations

import json
import time
import uuid

from mci_lab.collection import import_module_utils
from mci_lab.emulators.base import ErrorResponse

cloud_facts = import_module_utils("cloud_facts")

# Seconds a throttled client is told to wait. DigitalOcean's limits refill per minute; the lab asks
# for one second so retried calls stay fast.
LAB_RETRY_AFTER_SECONDS = 1


class DoError(Exception):
    """An API error the emulator answers with."""

    def __init__(self, status: int, error_id: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.error_id = error_id
        self.message = message

    def body(self) -> dict:
        return {"id": self.error_id, "message": self.message, "request_id": str(uuid.uuid4())}


def not_found() -> DoError:
    return DoError(404, "not_found", "The resource you were accessing could not be found.")


def unprocessable(message: str) -> DoError:
    return DoError(422, "unprocessable_entity", message)


def forbidden(message: str) -> DoError:
    return DoError(403, "forbidden", message)


def rate_limit_headers(remaining: int, reset_at: int) -> list[tuple[str, str]]:
    """The ``ratelimit-*`` headers DigitalOcean sends on every answer (per-hour budget)."""
    return [
        ("ratelimit-limit", str(cloud_facts.DIGITALOCEAN_API_REQUESTS_PER_HOUR)),
        ("ratelimit-remaining", str(max(0, remaining))),
        ("ratelimit-reset", str(reset_at)),
    ]


def too_many_requests() -> ErrorResponse:
    body = {"id": "too_many_requests", "message": "API Rate limit exceeded.", "request_id": str(uuid.uuid4())}
    headers = [("Content-Type", "application/json; charset=utf-8"), ("Retry-After", str(LAB_RETRY_AFTER_SECONDS))]
    headers += rate_limit_headers(0, int(time.time()) + LAB_RETRY_AFTER_SECONDS)
    return ErrorResponse(429, json.dumps(body).encode(), tuple(headers))


def server_error() -> ErrorResponse:
    body = {"id": "server_error", "message": "Unexpected server-side error", "request_id": str(uuid.uuid4())}
    return ErrorResponse(500, json.dumps(body).encode(), (("Content-Type", "application/json; charset=utf-8"),))
