"""Security headers on every response, and the helpers that ``auth`` uses
for the shared access token.

The headers are plain ASGI middleware (not ``BaseHTTPMiddleware``) so they wrap
every response the same way, static files and error pages included.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from urllib.parse import parse_qsl, unquote_to_bytes, urlencode

from starlette.datastructures import URL, Headers, MutableHeaders
from starlette.exceptions import HTTPException
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


# C0 controls but tab and line breaks, DEL, C1 controls, and the Unicode
# controls that reorder text: embeddings, overrides and isolates.  None belongs
# in a page; an override in a headline shows its letters in another order than
# they are read, which is how a reader is made to see a different word.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` without the control characters above."""
    return _CONTROL.sub("", text)


def refuse_control_characters(request: Request) -> None:
    """A dependency of every route: an address whose path or query holds a control
    character (a NUL, say) is answered 400, before it reaches a query or a template."""
    query = unquote_to_bytes(request.url.query.replace("+", " ")).decode("utf-8", "replace")
    if _CONTROL.search(request.url.path) or _CONTROL.search(query):
        raise HTTPException(400, "The address holds a control character; remove it and retry.")


BODY_LIMIT = 1024 * 1024
"""Bytes a request body may hold: forms and API calls are a few kilobytes."""


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body is over the {limit // 1024 // 1024} MB limit.")


class BodyLimit:
    """Refuses request bodies over a limit with 413, by their declared length or,
    when they stream (chunked), as soon as they pass it: a server that read first
    and judged later grew from 112 MB to 1.36 GB on one 100 MB body."""

    def __init__(self, app: ASGIApp, *, limit: int = BODY_LIMIT, larger: dict[str, int]) -> None:
        self.app = app
        self.limit = limit
        self.larger = larger
        """Paths allowed more (an OPML upload), and how much."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.larger.get(scope["path"], self.limit)
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await _too_large(scope, receive, send, limit)
            return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge:
            # Raised outside the routes (a middleware reading the form): the
            # app's error pages never saw it.
            if started:
                raise
            await _too_large(scope, receive, send, limit)


async def _too_large(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
    detail = BodyTooLarge(limit).detail
    response: Response = JSONResponse({"detail": detail}, status_code=413)
    if not wants_json(scope["path"]):
        response = Response(detail, status_code=413, media_type="text/plain")
    response.headers["connection"] = "close"  # the rest of the body is not read
    await response(scope, receive, send)
