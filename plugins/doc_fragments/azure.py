# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Options shared by every multicloud.interconnect Azure module (see module_utils/azure.py)."""
from __future__ import annotations


class ModuleDocFragment:
    """Subscription, endpoint, credential and retry options; the C(tags) options as a separate fragment."""

    DOCUMENTATION = r"""
options:
  subscription_id:
    description:
      - The Azure subscription that holds the resources.
      - When not set, the value of the E(AZURE_SUBSCRIPTION_ID) environment variable is used.
    type: str
    required: true
  base_url:
    description:
      - URL of the Azure Resource Manager endpoint, for a sovereign cloud
        (for example V(https://management.usgovcloudapi.net)) or the lab's emulator (for example V(http://127.0.0.1:8083)).
      - When not set, the value of the E(MCI_AZURE_BASE_URL) environment variable is used; without it the
        public cloud's V(https://management.azure.com) is used.
      - A plain V(http) URL is accepted only on a loopback address (V(127.0.0.1), V(::1), V(localhost)). Such an
        endpoint is taken to be the lab, so requests carry a fixed lab token instead of real credentials, and
        long-running operations are polled every second.
      - For an V(https) URL, access tokens are requested for that URL's own audience (C(<base_url>/.default)).
    type: str
  tenant_id:
    description:
      - The Microsoft Entra tenant of the service principal given by O(client_id) and O(client_secret).
      - Set all three of O(tenant_id), O(client_id) and O(client_secret), or none of them.
    type: str
  client_id:
    description:
      - Application (client) ID of a service principal.
      - When O(client_id) and O(client_secret) are not set, C(DefaultAzureCredential) of azure-identity tries
        the E(AZURE_CLIENT_ID), E(AZURE_TENANT_ID) and E(AZURE_CLIENT_SECRET) (or E(AZURE_CLIENT_CERTIFICATE_PATH))
        environment variables, workload identity, a managed identity, then the Azure CLI login.
    type: str
  client_secret:
    description:
      - Client secret of the service principal given by O(client_id).
    type: str
  retry_total:
    description:
      - How many times azure-core's retry policy retries a failed request (throttling, 5xx answers, connection
        errors) before the module fails. It waits as long as a C(Retry-After) header asks.
    type: int
    default: 10
  retry_backoff_factor:
    description:
      - Backoff factor in seconds of azure-core's exponential retry delay (C(factor * 2 ** (retry - 1))).
    type: float
    default: 0.8
requirements:
  - azure-core >= 1.30.0
  - azure-identity >= 1.15.0
  - azure-mgmt-network >= 28.0.0
notes:
  - Requests carry C(multicloud.interconnect/<module name>) in their user agent, visible in the Azure activity log.
  - The C(multicloud.interconnect.azure) action group lets a play set these options once with C(module_defaults).
"""

    TAGS = r"""
options:
  tags:
    description:
      - Tags to set on the resource, as a dictionary.
      - When not set, tags are left as they are.
    type: dict
  purge_tags:
    description:
      - Whether to remove tags that are not in O(tags).
      - Has no effect when O(tags) is not set.
    type: bool
    default: true
"""
