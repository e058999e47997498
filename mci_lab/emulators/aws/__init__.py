"""The AWS emulator of the lab: moto (EC2), extended where it falls short for us.

``build(ctx)`` resets moto, applies the patches (once per process) and returns the emulator
whose ``wsgi_app()`` base.py serves. moto keeps its state in process-wide backends, so one
process hosts one AWS emulator at a time: building a new one ends the previous lab's AWS.

Modules: ``lab`` (the active lab), ``lifecycle`` (pending -> available), ``gateways`` (VGW, CGW
and NAT gateway rules), ``addresses`` (NAT private IPs, public IPs), ``tunnels`` (tunnel
options), ``connections`` (reading VPN connection records), ``vpn`` (VPN connections),
``cgw_config`` (customer gateway configuration), ``telemetry`` (status from the data plane),
``routing`` (route propagation), ``dataplane`` (the model), ``naming`` (model ids), ``errors``
(EC2 error shape), ``patches`` (installs everything), ``emulator`` (the Emulator).
"""
from __future__ import annotations

from mci_lab.emulators.aws import patches
from mci_lab.emulators.aws.emulator import AwsEmulator, reset_moto
from mci_lab.emulators.aws.lab import AwsLab, activate
from mci_lab.emulators.base import LabContext

__all__ = ["AwsEmulator", "build"]


def build(ctx: LabContext) -> AwsEmulator:
    patches.apply()
    reset_moto()
    lab = AwsLab(ctx)
    activate(lab)
    return AwsEmulator(lab)
