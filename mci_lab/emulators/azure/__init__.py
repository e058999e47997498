"""Azure emulator: ARM Microsoft.Network for azure-mgmt-network, served on 127.0.0.1.

Point the SDK at it with ``NetworkManagementClient(credential, subscription, base_url=endpoint,
authentication_policy=<a bearer policy>, polling_interval=0)`` (SDK_WIRING.md section 4).

Served (any api-version is accepted):
- resource groups: PUT/GET/HEAD/DELETE /subscriptions/S/resourcegroups/RG; a Microsoft.Network PUT
  into a missing group creates it, so playbooks need no Microsoft.Resources client;
- virtualNetworks (+ subnets), publicIPAddresses, routeTables (+ routes), networkInterfaces,
  virtualNetworkGateways, localNetworkGateways, connections: PUT/GET/DELETE/PATCH(tags), lists;
- actions: virtualNetworkGateways getBgpPeerStatus / getLearnedRoutes, networkInterfaces
  effectiveRouteTable (POST long-running operations), connections sharedkey (GET/PUT) and
  sharedkey/reset;
- long-running operations: Azure-AsyncOperation (operations/{id}) and Location
  (operationResults/{id}) under /subscriptions/S/providers/Microsoft.Network/locations/L/.

Lab host model: a network interface stands for a VM; its primary private address becomes a
data-plane host in the VNet (mci_lab.dataplane.model.Host).
"""
from __future__ import annotations

from mci_lab.emulators.azure.emulator import AzureEmulator, build

__all__ = ["AzureEmulator", "build"]
