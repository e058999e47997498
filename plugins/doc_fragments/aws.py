# -*- coding: utf-8 -*-
# Copyright: multicloud.interconnect contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Options shared by every multicloud.interconnect AWS module (see module_utils/aws.py)."""
from __future__ import annotations


class ModuleDocFragment:
    """Connection, credential and retry options; C(tags) options as a separate fragment."""

    DOCUMENTATION = r"""
options:
  region:
    description:
      - The AWS region to use, for example V(us-east-1).
      - When not set, the value of the E(AWS_REGION) or E(AWS_DEFAULT_REGION) environment variable is used,
        then the region of the selected profile.
    type: str
    aliases: [aws_region]
  endpoint_url:
    description:
      - URL of the EC2 API endpoint to talk to instead of the region's public endpoint,
        for example an emulator on V(http://127.0.0.1:5000) or a VPC interface endpoint.
      - When not set, the value of the E(AWS_ENDPOINT_URL) environment variable is used.
    type: str
    aliases: [aws_endpoint_url]
  profile:
    description:
      - A named profile from the AWS shared configuration and credentials files.
      - When not set, the SDK uses E(AWS_PROFILE) or its default credential chain.
      - Cannot be combined with O(access_key), O(secret_key) or O(session_token).
    type: str
    aliases: [aws_profile]
  access_key:
    description:
      - AWS access key ID.
      - When not set, the SDK's credential chain applies (E(AWS_ACCESS_KEY_ID), the shared files,
        container or instance roles).
    type: str
    aliases: [aws_access_key_id]
  secret_key:
    description:
      - AWS secret access key that goes with O(access_key).
      - When not set, the SDK's credential chain applies (E(AWS_SECRET_ACCESS_KEY), ...).
    type: str
    aliases: [aws_secret_access_key]
  session_token:
    description:
      - AWS session token for temporary credentials.
      - When not set, the SDK's credential chain applies (E(AWS_SESSION_TOKEN), ...).
    type: str
    aliases: [aws_session_token]
  validate_certs:
    description:
      - Whether to verify the TLS certificate of the endpoint.
    type: bool
    default: true
  retry_mode:
    description:
      - The botocore retry mode for throttled and transient failures.
      - V(standard) retries with jittered exponential backoff; V(adaptive) also rate-limits the client
        when AWS throttles it, which helps when many tasks run against one account in parallel.
    type: str
    choices: [standard, adaptive]
    default: standard
  max_attempts:
    description:
      - Maximum number of attempts per API call, the first one included, before the module fails.
    type: int
    default: 10
requirements:
  - boto3 >= 1.34.0
  - botocore >= 1.34.0
notes:
  - Every API call goes through the SDK's own retry facility (O(retry_mode), O(max_attempts)).
  - Requests carry C(multicloud.interconnect/<module name>) in their user agent, visible in CloudTrail.
  - The C(multicloud.interconnect.aws) action group lets a play set these options once with
    C(module_defaults).
"""

    TAGS = r"""
options:
  tags:
    description:
      - Tags to set on the resource, as a dictionary.
      - When not set, tags are left as they are (apart from the C(Name) tag that O(name) sets).
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description:
      - Whether to remove tags that are not in O(tags) (and not C(Name) when O(name) is set).
      - Has no effect when O(tags) is not set. Tags whose key starts with C(aws:) are never removed.
    type: bool
    default: true
"""
