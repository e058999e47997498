"""The AWS emulator: moto's EC2 server app with the lab's patches, served by base.py."""
from __future__ import annotations

from moto.core.base_backend import BackendDict
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.wrappers import Request

from mci_lab.dataplane.model import Topology
from mci_lab.emulators.aws import dataplane
from mci_lab.emulators.aws.errors import SERVER_ERROR, THROTTLE, GuardedApp, error_response, request_action
from mci_lab.emulators.aws.lab import CLOUD, AwsLab
from mci_lab.emulators.base import ErrorResponse, Operation, WSGIApp

# EC2's read-only actions; everything else changes something (EC2 API throttling buckets).
READ_ONLY_PREFIXES = ("Describe", "Get", "List", "Search")


def is_mutating(action: str) -> bool:
    return not action.startswith(READ_ONLY_PREFIXES)


def reset_moto() -> None:
    """Forget every resource moto holds, so each lab starts empty."""
    BackendDict.reset()


class AwsEmulator:
    """One lab's AWS. The process holds one at a time (see lab.py)."""

    cloud = CLOUD

    def __init__(self, lab: AwsLab) -> None:
        self.lab = lab
        self._app = GuardedApp(DomainDispatcherApplication(create_backend_app), lab.lock, lab.begin_request, self._after_success)

    def wsgi_app(self) -> WSGIApp:
        return self._app

    def classify(self, request: Request) -> Operation:
        action = request_action(request.environ)
        return Operation(name=action, mutating=is_mutating(action))

    def throttle_response(self) -> ErrorResponse:
        return error_response(*THROTTLE)

    def server_error_response(self) -> ErrorResponse:
        return error_response(*SERVER_ERROR)

    def dataplane_model(self) -> Topology:
        with self.lab.lock:
            return dataplane.topology(dataplane.loaded_backends())

    def _after_success(self, action: str) -> None:
        if is_mutating(action):
            self.lab.ctx.notify_changed()
