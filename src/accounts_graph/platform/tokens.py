"""The two kinds of bearer token the platform accepts, and how to read them.

API tokens are opaque (`idt:TKN-1234-5678:<secret>`); user tokens are JWTs whose
claims name the account, its type and the user. Both the sandbox (which checks them)
and the facade (which refuses early what is bound to fail) read them through here.
"""

import re
from dataclasses import dataclass

CLAIMS = "https://claims.softwareone.com/"
CLAIM_ACCOUNT_ID = CLAIMS + "accountId"
CLAIM_ACCOUNT_TYPE = CLAIMS + "accountType"
CLAIM_USER_ID = CLAIMS + "userId"
CLAIM_API_TOKEN_ID = CLAIMS + "apiTokenId"

_API_TOKEN = re.compile(r"^(?:idt:)?(TKN-\d{4}-\d{4}):([A-Za-z0-9]{16,256})$")


@dataclass(frozen=True)
class ApiTokenParts:
    """An opaque API token split into its id and its secret."""

    token_id: str
    secret: str


def parse_api_token(token: str) -> ApiTokenParts | None:
    """Split an opaque API token, or return None when it is not one."""
    match = _API_TOKEN.match(token)
    if match is None:
        return None
    return ApiTokenParts(match.group(1), match.group(2))


def bearer_of(authorization: str | None) -> str | None:
    """Return the token of an `Authorization: Bearer …` header, or None."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def looks_like_jwt(token: str) -> bool:
    return token.count(".") == 2 and not token.startswith("idt:")


# What a credential looks like in text: a bearer value, a platform API token's
# secret, a JWT. No message of ours quotes one; these catch one that slips in
# anyway (an exception quoting a header, a caller's token pasted into a filter
# and echoed by the upstream). A value runs to the next space or to a character
# that closes what quotes it (a bracket, a quote, a comma), so the text around
# it stays readable; a secret also ends at `/`, which ends a path segment. Any
# other character stays inside: a malformed token is hidden whole. An API
# token's `idt:` is optional, as `parse_api_token` reads it; a bearer value is
# one only from 16 characters on, so `Bearer` as a word (an operation's name)
# keeps the words after it.
_CREDENTIALS = re.compile(
    r"""(?i)(bearer\s+)(?=[^\s\]\[)(}{>"',;]{16})[^\s\]\[)(}{>"',;]+"""
    r"""|((?:idt:)?TKN-[0-9-]+:)[^\s\]\[)(}{>"',;/]+"""
    r"|eyJ[\w-]+\.[\w-]+\.[\w-]*"
)


def redact_credentials(text: str) -> str:
    """Replace bearer tokens, platform API tokens' secrets and JWTs in `text`."""
    return _CREDENTIALS.sub(
        lambda m: (m.group(1) or m.group(2) or "") + "[redacted]", text
    )
