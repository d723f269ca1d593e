"""Hand-made JWTs for tests of forgeries PyJWT refuses to produce: `alg: none`,
and HS256 keyed with a public key."""

import base64
import hashlib
import hmac
import json
from typing import Any


def _segment(value: bytes) -> str:
    return base64.urlsafe_b64encode(value).rstrip(b"=").decode()


def raw_jwt(
    header: dict[str, Any], claims: dict[str, Any], hmac_key: bytes | None = None
) -> str:
    """Encode a JWT as given: signed HS256 with `hmac_key`, or unsigned."""
    head = ".".join(_segment(json.dumps(part).encode()) for part in (header, claims))
    signature = b""
    if hmac_key is not None:
        signature = hmac.new(hmac_key, head.encode(), hashlib.sha256).digest()
    return f"{head}.{_segment(signature)}"


def unsigned_jwt(claims: dict[str, Any]) -> str:
    return raw_jwt({"alg": "none", "typ": "JWT"}, claims)


def hs256_jwt(claims: dict[str, Any], secret: bytes) -> str:
    return raw_jwt({"alg": "HS256", "typ": "JWT"}, claims, hmac_key=secret)
