"""The Alibaba Cloud emulator: one RPC endpoint answering the VPC API (2016-04-28).

Requests signed the SDK's default way (ACS3-HMAC-SHA256) are accepted as they come; requests with
the classic v2 signature (``signature_algorithm="v2"``) are verified against the lab's access keys,
as the real gateway does, so a wrong secret or a tampered request fails with SignatureDoesNotMatch.
"""
from __future__ import annotations

import logging

from werkzeug.wrappers import Request, Response

from mci_lab.dataplane.model import Topology
from mci_lab.emulators.alibaba import errors, ipsec_actions, lab_actions, vpc_actions, vpn_gateway_actions
from mci_lab.emulators.alibaba.call import Call, Handler
from mci_lab.emulators.alibaba.dataplane import build_topology
from mci_lab.emulators.alibaba.errors import ApiError
from mci_lab.emulators.alibaba.state import AlibabaState
from mci_lab.emulators.alibaba.wire import (
    Params, action_of, error_body, error_response, is_v2_signed, json_response, new_request_id, parameters_of,
    verify_v2_signature)
from mci_lab.emulators.base import ErrorResponse, LabContext, Operation, WSGIApp

LOG = logging.getLogger(__name__)

# The lab's dummy credentials, the ones inventories/lab/group_vars/all/lab.yml gives the modules.
LAB_ACCESS_KEY_ID = "LTAIlabaccesskey"
LAB_ACCESS_KEY_SECRET = "labsecret"
LAB_ACCESS_KEYS = {LAB_ACCESS_KEY_ID: LAB_ACCESS_KEY_SECRET}

READ_ONLY_PREFIXES = ("Describe", "List", "Get", "Download")
ALL_ACTIONS: dict[str, Handler] = {
    **vpc_actions.ACTIONS,
    **vpn_gateway_actions.ACTIONS,
    **ipsec_actions.ACTIONS,
    **lab_actions.LAB_ACTIONS,  # lab-only, see lab_actions.py
}


class AlibabaEmulator:
    """Implements the ``Emulator`` shape of ``mci_lab.emulators.base``."""

    cloud = "alibaba"

    def __init__(self, ctx: LabContext, access_keys: dict[str, str] | None = None) -> None:
        self.ctx = ctx
        self.state = AlibabaState()
        self.access_keys = dict(access_keys or LAB_ACCESS_KEYS)

    # ------------------------------------------------------------------ Emulator shape

    def wsgi_app(self) -> WSGIApp:
        def app(environ: dict, start_response):
            return self.answer(Request(environ))(environ, start_response)

        return app

    def classify(self, request: Request) -> Operation:
        action = action_of(request) or "Unknown"
        return Operation(name=action, mutating=not action.startswith(READ_ONLY_PREFIXES))

    def throttle_response(self) -> ErrorResponse:
        return _fault(errors.throttled())

    def server_error_response(self) -> ErrorResponse:
        return _fault(errors.service_unavailable())

    def dataplane_model(self) -> Topology:
        return build_topology(self.state)

    # ------------------------------------------------------------------ answering

    def answer(self, request: Request) -> Response:
        try:
            parameters = parameters_of(request)
            if is_v2_signed(parameters):
                verify_v2_signature(request.method, parameters, self.access_keys)
            action = action_of(request)
            handler = ALL_ACTIONS.get(action)
            if handler is None:
                raise errors.unknown_action(action)
            with self.state.lock:
                body = self._run_once(action, handler, Params(parameters))
            return json_response({"RequestId": new_request_id(), **body})
        except ApiError as error:
            return error_response(error)
        except Exception:  # an emulator bug must still answer in the cloud's error shape
            LOG.exception("alibaba emulator failed on %s", action_of(request))
            return error_response(errors.internal_error())

    def _run_once(self, action: str, handler: Handler, params: Params) -> dict:
        """A repeated ClientToken returns the first answer instead of acting twice (idempotence)."""
        token = params.get("ClientToken")
        key = (action, token or "")
        if token and key in self.state.answered_tokens:
            return self.state.answered_tokens[key]
        body = handler(Call(self.state, self.ctx, params))
        if token:
            self.state.answered_tokens[key] = body
        return body


def _fault(error: ApiError) -> ErrorResponse:
    return ErrorResponse(status=error.status, body=error_body(error),
                         headers=(("Content-Type", "application/json;charset=utf-8"),))


def build(ctx: LabContext) -> AlibabaEmulator:
    return AlibabaEmulator(ctx)
