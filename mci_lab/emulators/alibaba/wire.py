"""The RPC wire format of the Alibaba Cloud VPC API, as alibabacloud-tea-openapi speaks it.

- The action comes from the ``x-acs-action`` header (ACS3 signing, the SDK default) or the ``Action``
  query parameter (classic v2 signing).
- Parameters come from the query string and from an ``application/x-www-form-urlencoded`` body
  (the SDK puts flattened lists there: ``TunnelOptionsSpecification.1.TunnelIkeConfig.Psk=...``).
  Booleans arrive as ``True``/``False``; ``IkeConfig``, ``IpsecConfig``, ``BgpConfig`` and
  ``HealthCheckConfig`` arrive as JSON strings.
- Answers are flat JSON objects; lists are nested twice (``{"Vpcs": {"Vpc": [...]}}``).
- Errors are ``{"Code", "Message", "RequestId"}`` with a 4xx/5xx status.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from collections.abc import Mapping
from urllib.parse import quote

from werkzeug.wrappers import Request, Response

from mci_lab.emulators.alibaba import errors
from mci_lab.emulators.alibaba.errors import ApiError

API_VERSION = "2016-04-28"
DEFAULT_PAGE_SIZE = 10  # Source: Describe* API docs (PageSize default 10, maximum 50).
MAX_PAGE_SIZE = 50


def new_request_id() -> str:
    return str(uuid.uuid4()).upper()


def action_of(request: Request) -> str:
    return request.headers.get("x-acs-action") or request.args.get("Action", "")


def parameters_of(request: Request) -> dict[str, str]:
    """Query string and form body merged; the form wins (the SDK never sends a key in both)."""
    merged = dict(request.args.items())
    if request.mimetype == "application/x-www-form-urlencoded":
        merged.update(request.form.items())
    return merged


def json_response(body: dict, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json;charset=utf-8")


def error_body(error: ApiError, request_id: str | None = None) -> bytes:
    return json.dumps({"RequestId": request_id or new_request_id(), "Code": error.code, "Message": error.message}).encode()


def error_response(error: ApiError) -> Response:
    return Response(error_body(error), status=error.status, content_type="application/json;charset=utf-8")


def listed(wrapper: str, item: str, items: list) -> dict:
    """The API's double list nesting: ``{"VpnGateways": {"VpnGateway": [...]}}``."""
    return {wrapper: {item: items}}


def bool_text(value: bool) -> str:
    """Some answer fields are strings holding ``true``/``false`` (e.g. TunnelOptions.EnableDpd)."""
    return "true" if value else "false"


# --------------------------------------------------------------------------- classic v2 signature


def is_v2_signed(parameters: Mapping[str, str]) -> bool:
    return "Signature" in parameters and parameters.get("SignatureVersion") == "1.0"


def _percent_encode(text: str) -> str:
    """RFC 3986 encoding as the v2 signature defines it (only A-Z a-z 0-9 - _ . ~ stay as they are)."""
    return quote(text, safe="~")


def v2_string_to_sign(method: str, parameters: Mapping[str, str]) -> str:
    """``METHOD&%2F&<encoded canonical query>`` over every parameter except the signature."""
    canonical = "&".join(
        f"{_percent_encode(key)}={_percent_encode(parameters[key])}" for key in sorted(parameters) if key != "Signature"
    )
    return f"{method}&{_percent_encode('/')}&{_percent_encode(canonical)}"


def v2_signature(string_to_sign: str, secret: str) -> str:
    digest = hmac.new(f"{secret}&".encode(), string_to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def verify_v2_signature(method: str, parameters: Mapping[str, str], secrets: Mapping[str, str]) -> None:
    """Raise the gateway's error unless the request is signed with a known key's secret."""
    secret = secrets.get(parameters.get("AccessKeyId", ""))
    if secret is None:
        raise errors.unknown_access_key()
    string_to_sign = v2_string_to_sign(method, parameters)
    if not hmac.compare_digest(v2_signature(string_to_sign, secret), parameters["Signature"]):
        raise errors.signature_does_not_match(string_to_sign)


# --------------------------------------------------------------------------- parameters


class Params:
    """Typed access to one call's parameters, raising the API's own errors for bad values."""

    def __init__(self, values: Mapping[str, str]) -> None:
        self.values = dict(values)

    def get(self, name: str, default: str | None = None) -> str | None:
        value = self.values.get(name)
        return default if value in (None, "") else value

    def required(self, name: str) -> str:
        value = self.get(name)
        if value is None:
            raise errors.missing_parameter(name)
        return value

    def flag(self, name: str, default: bool) -> bool:
        return parse_bool(name, self.get(name), default)

    def integer(self, name: str, default: int | None = None) -> int | None:
        return parse_int(name, self.get(name), default)

    def json_object(self, name: str) -> dict | None:
        """A JSON-string parameter (IkeConfig, IpsecConfig, BgpConfig, HealthCheckConfig)."""
        text = self.get(name)
        if text is None:
            return None
        try:
            value = json.loads(text)
        except ValueError:
            raise errors.invalid_parameter(name, "It must be a JSON object.") from None
        if not isinstance(value, dict):
            raise errors.invalid_parameter(name, "It must be a JSON object.")
        return value

    def id_list(self, name: str) -> list[str]:
        """Filters such as ``VpcId`` accept several ids separated by commas."""
        text = self.get(name)
        return [part.strip() for part in text.split(",") if part.strip()] if text else []

    def repeated(self, prefix: str) -> list[dict]:
        """A flattened list (``Prefix.1.Key.Sub=v``) as a list of nested dicts, in index order."""
        groups: dict[int, dict] = {}
        for key, value in self.values.items():
            if not key.startswith(prefix + "."):
                continue
            index_text, _dot, rest = key[len(prefix) + 1:].partition(".")
            if not index_text.isdigit() or not rest:
                continue
            _set_nested(groups.setdefault(int(index_text), {}), rest.split("."), value)
        return [groups[index] for index in sorted(groups)]

    def tags(self, prefix: str) -> dict[str, str]:
        return {item["Key"]: item.get("Value", "") for item in self.repeated(prefix) if item.get("Key")}

    def page(self) -> tuple[int, int]:
        number = self.integer("PageNumber", 1)
        size = self.integer("PageSize", DEFAULT_PAGE_SIZE)
        if number < 1:
            raise errors.invalid_parameter("PageNumber")
        if not 1 <= size <= MAX_PAGE_SIZE:
            raise errors.invalid_parameter("PageSize", f"It must be 1-{MAX_PAGE_SIZE}.")
        return number, size


def _set_nested(target: dict, path: list[str], value: str) -> None:
    for part in path[:-1]:
        target = target.setdefault(part, {})
    target[path[-1]] = value


def parse_bool(name: str, value, default: bool) -> bool:
    """``True``/``False`` from the SDK, ``true``/``false`` from JSON strings and other clients."""
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    text = str(value).lower()
    if text in ("true", "false"):
        return text == "true"
    raise errors.invalid_parameter(name, "It must be true or false.")


def parse_int(name: str, value, default: int | None = None) -> int | None:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        raise errors.invalid_parameter(name, "It must be an integer.")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise errors.invalid_parameter(name, "It must be an integer.") from None


def paginate(items: list, page: tuple[int, int]) -> tuple[list, dict]:
    """One page of ``items`` and the paging fields every Describe* answer carries."""
    number, size = page
    start = (number - 1) * size
    return items[start:start + size], {"TotalCount": len(items), "PageNumber": number, "PageSize": size}
