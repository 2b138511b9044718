"""Security headers on every response, and the helpers that ``auth`` uses
for the shared access token.

The headers are plain ASGI middleware (not ``BaseHTTPMiddleware``) so they wrap
every response the same way, static files and error pages included.
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import URL, MutableHeaders
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; "
    "img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
"""Scripts only from our own files (``/static/reader.js``), never inline: an
injected ``<script>``, ``onerror=`` or ``javascript:`` link would not run even
if escaping failed.  The pages work without the script; it only makes them quicker."""

HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    # Article links already carry rel=noreferrer; this also covers anything else,
    # so a reader's story list never leaks to outlets.
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}

COOKIE = "parallax_session"
TOKEN_PARAM = "token"


class SecurityHeaders:
    def __init__(self, app: ASGIApp, *, private: bool) -> None:
        self.app = app
        # With a token the pages are personal: no shared cache may keep them.
        self.private = private

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    headers[name] = value
                if self.private:
                    headers["cache-control"] = "private, no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)


def session_value(token: str) -> str:
    """What the shared token's cookie holds: a keyed digest of the token, not the
    token itself, so that a cookie jar leak does not reveal it for the Bearer header."""
    return hmac.new(token.encode("utf-8"), b"parallax-web-session", hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    """Constant-time comparison, for secrets."""
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


def wants_json(path: str) -> bool:
    return path.startswith("/api/") or path == "/api" or path == "/openapi.json"


def without_token(url: URL) -> str:
    """The same path and query minus ``token``, as a same-site relative URL."""
    # Collapse leading slashes: "//evil.example" would be read as another host.
    path = "/" + url.path.lstrip("/")
    query = [(k, v) for k, v in parse_qsl(url.query, keep_blank_values=True) if k != TOKEN_PARAM]
    return path + ("?" + urlencode(query) if query else "")


def denied_json(_request: Request) -> Response:
    return JSONResponse(
        {"detail": "A valid token is required (Authorization: Bearer <token>)."},
        status_code=401,
        headers={"www-authenticate": "Bearer"},
    )
