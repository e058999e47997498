# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Options shared by every multicloud.interconnect GCP module (see module_utils/gcp.py)."""
from __future__ import annotations


class ModuleDocFragment:
    """Project, region, endpoint, credential, retry and operation-wait options."""

    DOCUMENTATION = r"""
options:
  project:
    description:
      - The Google Cloud project ID that owns the resources, for example V(net-hub-prod).
      - When not set, the value of the E(GCP_PROJECT), E(GOOGLE_CLOUD_PROJECT) or E(CLOUDSDK_CORE_PROJECT)
        environment variable is used, then the project the credentials belong to.
    type: str
  region:
    description:
      - The region of the resources, for example V(us-east1). Required by every module except
        M(multicloud.interconnect.gcp_external_vpn_gateway) and its C(_info) twin (external VPN gateways are global).
      - When not set, the value of the E(GCP_REGION) or E(CLOUDSDK_COMPUTE_REGION) environment variable is used.
    type: str
  api_endpoint:
    description:
      - URL of the Compute Engine API to use instead of V(https://compute.googleapis.com), for example a
        Private Service Connect endpoint, or the lab emulator on V(http://127.0.0.1:8084).
      - Operations are awaited on this same endpoint, never on the public one.
      - Plain V(http) is only accepted for a loopback address; such an endpoint is the lab and gets anonymous
        credentials.
      - When not set, the value of the E(GCP_API_ENDPOINT) environment variable is used.
    type: str
  credentials_file:
    description:
      - Path of a service account JSON key. Other credential files (workload identity federation, user
        credentials) are read through E(GOOGLE_APPLICATION_CREDENTIALS) instead.
      - When not set, google-auth's default chain applies; it tries E(GOOGLE_APPLICATION_CREDENTIALS), the application
        default credentials of C(gcloud auth application-default login), then the metadata server of the
        VM or workload the module runs on.
      - Ignored for a loopback O(api_endpoint).
    type: path
    aliases: [service_account_file]
  retry_timeout:
    description:
      - How many seconds one API call may spend retrying, with jittered exponential backoff, when Compute
        throttles it (HTTP 429, or 403 C(rateLimitExceeded)) or answers with a server error (5xx).
      - Each mutating request carries a C(requestId), so a retried request is applied once.
    type: int
    default: 120
  wait_timeout:
    description:
      - How many seconds to wait for each Compute operation (create, update, delete) to finish.
    type: int
    default: 600
requirements:
  - google-cloud-compute >= 1.18.0
  - google-auth >= 2.20.0
  - google-api-core >= 2.17.0
notes:
  - Requests carry C(multicloud.interconnect/<module name>) in their user agent.
  - The C(multicloud.interconnect.gcp) action group lets a play set these options once with C(module_defaults).
"""
