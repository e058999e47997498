"""EC2 errors as AWS sends them, and a guard so no request ever gets a traceback or an HTML page.

EC2 (Query protocol) answers every error with
``<Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>``;
botocore reads the code from there, and its retry handlers decide on code and status.
"""
from __future__ import annotations

import logging
import threading
import uuid
from typing import Callable, Iterable
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

from botocore.model import OperationNotFoundError
from moto.ec2.exceptions import EC2ClientError
from werkzeug.wrappers import Request

from mci_lab.emulators.base import ErrorResponse, WSGIApp

LOG = logging.getLogger(__name__)

XML_HEADERS = (("Content-Type", "text/xml;charset=UTF-8"),)

# botocore's standard and legacy retry modes both treat RequestLimitExceeded as throttling; the
# legacy rules in botocore/data/_retry.json expect it with HTTP 503, as EC2 sends it.
THROTTLE = (503, "RequestLimitExceeded", "Request limit exceeded.")
SERVER_ERROR = (500, "InternalError", "An internal error has occurred.")


def error_body(code: str, message: str) -> bytes:
    request_id = str(uuid.uuid4())
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Response><Errors><Error><Code>{escape(code)}</Code><Message>{escape(message)}</Message>"
        f"</Error></Errors><RequestID>{request_id}</RequestID></Response>"
    ).encode()


def error_response(status: int, code: str, message: str) -> ErrorResponse:
    return ErrorResponse(status, error_body(code, message), XML_HEADERS)


def ec2_error(code: str, message: str) -> EC2ClientError:
    """An exception moto serialises into the EC2 error shape (HTTP 400)."""
    return EC2ClientError(code, message)


def invalid_parameter(message: str) -> EC2ClientError:
    return ec2_error("InvalidParameterValue", message)


class GuardedApp:
    """Runs moto one request at a time and turns anything moto cannot answer into an EC2 error.

    Under the lock, ``on_start()`` runs before each request and ``on_success(action)`` after each
    one answered with 2xx.
    """

    def __init__(self, app: WSGIApp, lock: threading.RLock, on_start: Callable[[], None], on_success: Callable[[str], None]) -> None:
        self.app = app
        self.lock = lock
        self.on_start = on_start
        self.on_success = on_success

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        captured: list[tuple[str, list]] = []

        def capture(status: str, headers: list, exc_info=None) -> None:
            captured[:] = [(status, headers)]

        with self.lock:
            try:
                self.on_start()
                body = b"".join(self.app(environ, capture))
                if captured[0][0].startswith("2"):
                    self.on_success(request_action(environ))
            except Exception as error:  # noqa: BLE001 - every failure must still be an EC2 error
                answer = _answer_for(error, environ)
                status_line = f"{answer.status} {'Bad Request' if answer.status == 400 else 'Internal Server Error'}"
                captured[:] = [(status_line, list(answer.headers))]
                body = answer.body
        status, headers = captured[0]
        headers = [(name, value) for name, value in headers if name.lower() != "content-length"]
        start_response(status, headers + [("Content-Length", str(len(body)))])
        return [body]


def _answer_for(error: Exception, environ: dict) -> ErrorResponse:
    action = request_action(environ)
    if isinstance(error, OperationNotFoundError) or (
        isinstance(error, NotImplementedError) and "action has not been implemented" in str(error)
    ):
        return error_response(400, "InvalidAction", f"The action {action} is not valid for this web service.")
    if isinstance(error, NotImplementedError):
        return error_response(400, "UnsupportedOperation", f"{action}: {error}")
    LOG.exception("the AWS emulator failed on %s", action)
    return error_response(*SERVER_ERROR)


def request_action(environ: dict) -> str:
    """The Action of an EC2 Query request, from the form body or the query string."""
    body = environ.get("mci.body")  # base.LabMiddleware keeps the body readable
    if body is None:
        request = Request(environ)
        return request.form.get("Action") or request.args.get("Action") or "Unknown"
    for source in (body.decode("utf-8", "replace"), environ.get("QUERY_STRING", "")):
        action = parse_qs(source).get("Action")
        if action:
            return action[0]
    return "Unknown"
