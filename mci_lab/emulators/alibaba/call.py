"""One API call as the action handlers see it: the region store, the lab context, the parameters."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable

from mci_lab.emulators.alibaba.state import AlibabaState
from mci_lab.emulators.alibaba.wire import Params
from mci_lab.emulators.base import LabContext

CLOUD = "alibaba"


@dataclass
class Call:
    state: AlibabaState
    ctx: LabContext
    params: Params

    @property
    def region(self) -> str:
        return self.params.required("RegionId")

    def delay(self, kind: str) -> float:
        """Real-cloud seconds of ``kind`` (vpn_gateway, vpn_connection, ...) scaled for the lab."""
        return self.ctx.delays.delay(CLOUD, kind)

    def ready_at(self, kind: str) -> float:
        return self.ctx.delays.ready_at(CLOUD, kind)

    def data_plane_changed(self, *later: float) -> None:
        """Tell the realizer now, and again at each moment a pending resource comes up.

        States are computed on read, so nothing else would wake the realizer when a gateway leaves
        ``init`` or a connection's ``updating`` ends.
        """
        self.ctx.notify_changed()
        for moment in later:
            wait = moment - time.time()
            if wait > 0:
                timer = threading.Timer(wait + 0.01, self.ctx.notify_changed)
                timer.daemon = True
                timer.start()


Handler = Callable[[Call], dict]
