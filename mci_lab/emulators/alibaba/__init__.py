"""Alibaba Cloud emulator: the VPC API (2016-04-28, RPC style) on one 127.0.0.1 endpoint.

VPCs, vSwitches, the system route table and its entries, VPN gateways (``init`` -> ``active``,
internet IPs from the lab's shared pool, a disaster-recovery IP for dual-tunnel gateways), customer
gateways, IPsec connections (single- and dual-tunnel), VPN destination routes, and the lab-only
instance actions of ``lab_actions``. Point the SDK at it with
``Config(endpoint="127.0.0.1:PORT", protocol="http", region_id=...)``.
"""
from mci_lab.emulators.alibaba.emulator import (
    LAB_ACCESS_KEY_ID, LAB_ACCESS_KEY_SECRET, AlibabaEmulator, build)

__all__ = ["AlibabaEmulator", "LAB_ACCESS_KEY_ID", "LAB_ACCESS_KEY_SECRET", "build"]
