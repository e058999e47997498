# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Options shared by every multicloud.interconnect Alibaba Cloud module (see module_utils/alibaba.py)."""
from __future__ import annotations


class ModuleDocFragment:
    """Credential, region, endpoint and retry options; the wait options as a separate fragment."""

    DOCUMENTATION = r"""
options:
  access_key:
    description:
      - Alibaba Cloud AccessKey ID.
      - When not set, the value of the E(ALIBABA_CLOUD_ACCESS_KEY_ID) environment variable is used, then
        E(ALICLOUD_ACCESS_KEY).
      - When neither O(access_key) nor O(secret_key) is set anywhere, the SDK's default credential chain
        decides (credentials file, ECS RAM role, OIDC role).
    type: str
    aliases: [alicloud_access_key]
  secret_key:
    description:
      - Alibaba Cloud AccessKey secret that goes with O(access_key).
      - When not set, the value of the E(ALIBABA_CLOUD_ACCESS_KEY_SECRET) environment variable is used, then
        E(ALICLOUD_SECRET_KEY).
    type: str
    aliases: [alicloud_secret_key]
  security_token:
    description:
      - STS security token, for temporary credentials.
      - When not set, the value of the E(ALIBABA_CLOUD_SECURITY_TOKEN) environment variable is used, then
        E(ALICLOUD_SECURITY_TOKEN).
    type: str
    aliases: [alicloud_security_token]
  region:
    description:
      - The region of the resources, for example V(cn-hangzhou) or V(eu-central-1).
      - When not set, the value of the E(ALIBABA_CLOUD_REGION_ID) environment variable is used, then
        E(ALICLOUD_REGION). A region is required.
    type: str
    aliases: [alicloud_region]
  endpoint:
    description:
      - The VPC API endpoint to use instead of the region's public one, as C(host[:port]) with an optional
        C(https://) or C(http://) scheme, for example a lab emulator at V(http://127.0.0.1:8082).
      - When not set, the value of the E(ALIBABA_CLOUD_ENDPOINT) environment variable is used; without it the
        SDK picks the region's endpoint (for example C(vpc.cn-hangzhou.aliyuncs.com)).
    type: str
  protocol:
    description:
      - The protocol for API calls. Defaults to the endpoint's scheme, else V(https).
      - V(http) is refused unless the endpoint is a loopback address (V(127.0.0.1), V(::1), V(localhost)),
        because a plain HTTP request would expose the signed request on the network.
    type: str
    choices: [https, http]
  max_attempts:
    description:
      - Maximum number of attempts per API call, the first one included.
      - The SDK retries throttling (C(Throttling*) codes) and transient server errors (5xx, C(ServiceUnavailable),
        C(InternalError)) with exponential backoff and full jitter. Creations carry a client token, so a
        repeated create never makes a second resource.
    type: int
    default: 5
requirements:
  - alibabacloud-vpc20160428 >= 7.0.0
  - alibabacloud-tea-openapi >= 0.4.3
notes:
  - Requests carry C(AnsibleCollection/multicloud.interconnect) in their user agent.
  - The C(multicloud.interconnect.alibaba) action group lets a play set these options once with
    C(module_defaults).
"""

    WAIT = r"""
options:
  wait:
    description:
      - Wait until the change is complete before returning.
      - Alibaba Cloud applies the changes of one VPN gateway one at a time (the gateway shows C(updating)
        meanwhile). Whatever this option says, a change always waits for the gateway to accept it first.
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait, in total, for the gateway to accept a change and for the change to complete.
    type: int
    default: 600
"""
