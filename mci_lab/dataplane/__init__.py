"""The lab's data plane: Linux network namespaces running strongSwan, BIRD and wireguard-go.

Read in this order: ``model`` (the contract with the emulators), ``plan`` (topology -> what to
run, pure), ``render/`` (configuration text, pure), ``netns`` and ``daemons`` (the runtime),
``status`` (parsing what the daemons say), ``realizer`` (reconcile + status).
"""
from .realizer import Realizer, StatusPoller, teardown_from_state

__all__ = ["Realizer", "StatusPoller", "teardown_from_state"]
