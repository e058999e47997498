# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One cloud's connection options nested as one dict option, for the modules that reach several clouds."""
from __future__ import annotations


class ModuleDocFragment:
    """Use as C(multicloud.interconnect.nested_connections.<cloud>_option), with the builder C(<cloud>.nested_connection_option).

    A fragment gives the dict option's type and suboptions; the module gives its description (what the module
    reads with it) and its default, which ansible merges into the fragment's option.
    """

    # AWS: the options of module_utils/aws.py nested_connection_option()
    AWS_OPTION = r"""
options:
  aws:
    type: dict
    suboptions:
      region:
        description:
          - The AWS region, for example V(us-east-1).
          - When not set, E(AWS_REGION) or E(AWS_DEFAULT_REGION) is used, then the region of the profile.
        type: str
        aliases: [aws_region]
      endpoint_url:
        description:
          - URL of the EC2 API endpoint to use instead of the region's, for example a lab emulator.
          - When not set, E(AWS_ENDPOINT_URL) is used.
        type: str
        aliases: [aws_endpoint_url]
      profile:
        description:
          - A named profile of the AWS shared configuration files. Cannot be combined with O(aws.access_key),
            O(aws.secret_key) or O(aws.session_token).
        type: str
        aliases: [aws_profile]
      access_key:
        description:
          - AWS access key ID. When not set, the SDK's credential chain applies (E(AWS_ACCESS_KEY_ID), ...).
        type: str
        aliases: [aws_access_key_id]
      secret_key:
        description:
          - AWS secret access key. When not set, the SDK's credential chain applies (E(AWS_SECRET_ACCESS_KEY), ...).
        type: str
        aliases: [aws_secret_access_key]
      session_token:
        description:
          - AWS session token for temporary credentials.
        type: str
        aliases: [aws_session_token]
      validate_certs:
        description:
          - Whether to verify the endpoint's TLS certificate.
        type: bool
        default: true
      retry_mode:
        description:
          - The botocore retry mode for throttled and transient failures.
        type: str
        choices: [standard, adaptive]
        default: standard
      max_attempts:
        description:
          - Maximum number of attempts per API call, the first one included.
        type: int
        default: 10
"""

    # Azure: the options of module_utils/azure.py nested_connection_option()
    AZURE_OPTION = r"""
options:
  azure:
    type: dict
    suboptions:
      subscription_id:
        description:
          - The Azure subscription that holds the resources; required to read Azure.
          - When not set, E(AZURE_SUBSCRIPTION_ID) is used.
        type: str
      base_url:
        description:
          - URL of the Azure Resource Manager endpoint, for a sovereign cloud or the lab's emulator.
          - When not set, E(MCI_AZURE_BASE_URL) is used, then V(https://management.azure.com).
          - A plain V(http) URL is accepted only on a loopback address, which is taken to be the lab (a fixed lab
            token instead of credentials).
        type: str
      tenant_id:
        description:
          - The Microsoft Entra tenant of the service principal. Set O(azure.tenant_id), O(azure.client_id) and
            O(azure.client_secret) together, or none of them (azure-identity's C(DefaultAzureCredential) then applies).
        type: str
      client_id:
        description:
          - Application (client) ID of a service principal.
        type: str
      client_secret:
        description:
          - Client secret of the service principal.
        type: str
      retry_total:
        description:
          - How many times azure-core retries a throttled or failed request.
        type: int
        default: 10
      retry_backoff_factor:
        description:
          - Backoff factor in seconds of azure-core's exponential retry delay.
        type: float
        default: 0.8
"""

    # GCP: the options of module_utils/gcp.py nested_connection_option()
    GCP_OPTION = r"""
options:
  gcp:
    type: dict
    suboptions:
      project:
        description:
          - The project that owns the router. When not set, E(GCP_PROJECT), E(GOOGLE_CLOUD_PROJECT) or
            E(CLOUDSDK_CORE_PROJECT) is used, then the project of the credentials.
        type: str
      region:
        description:
          - The region of the router, for example V(us-east1). When not set, E(GCP_REGION) or
            E(CLOUDSDK_COMPUTE_REGION) is used. Required to read GCP.
        type: str
      api_endpoint:
        description:
          - URL of the Compute Engine API to use instead of V(https://compute.googleapis.com), for example the lab
            emulator. Plain V(http) only on a loopback address. When not set, E(GCP_API_ENDPOINT) is used.
        type: str
      credentials_file:
        description:
          - Path of a service account JSON key. When not set, google-auth's default chain applies.
        type: path
        aliases: [service_account_file]
      retry_timeout:
        description:
          - How many seconds one API call may spend retrying throttled or failed requests.
        type: int
        default: 120
"""

    # Alibaba Cloud: the options of module_utils/alibaba.py nested_connection_option()
    ALIBABA_OPTION = r"""
options:
  alibaba:
    type: dict
    suboptions:
      access_key:
        description:
          - AccessKey ID. When not set, E(ALIBABA_CLOUD_ACCESS_KEY_ID) is used, then E(ALICLOUD_ACCESS_KEY);
            without any key the SDK's default credential chain decides.
        type: str
        aliases: [alicloud_access_key]
      secret_key:
        description:
          - AccessKey secret. When not set, E(ALIBABA_CLOUD_ACCESS_KEY_SECRET) is used, then E(ALICLOUD_SECRET_KEY).
        type: str
        aliases: [alicloud_secret_key]
      security_token:
        description:
          - STS security token. When not set, E(ALIBABA_CLOUD_SECURITY_TOKEN) is used, then E(ALICLOUD_SECURITY_TOKEN).
        type: str
        aliases: [alicloud_security_token]
      region:
        description:
          - The region, for example V(cn-hangzhou). When not set, E(ALIBABA_CLOUD_REGION_ID) is used, then
            E(ALICLOUD_REGION). A region is required.
        type: str
        aliases: [alicloud_region]
      endpoint:
        description:
          - The VPC API endpoint to use instead of the region's, as C(host[:port]) with an optional scheme, for
            example a lab emulator at V(http://127.0.0.1:8082). When not set, E(ALIBABA_CLOUD_ENDPOINT) is used.
        type: str
      protocol:
        description:
          - The protocol for API calls; V(http) only for loopback endpoints.
        type: str
        choices: [https, http]
      max_attempts:
        description:
          - Maximum number of attempts per API call, the first one included.
        type: int
        default: 5
"""
