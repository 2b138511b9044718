"""ETags, conditional GETs and Cache-Control for pages and the API.

A plain ASGI middleware: for a successful GET it hashes the body into a strong
ETag, answers ``If-None-Match`` with 304 and no body, and sets Cache-Control
when the route did not choose its own:

- ``/api/...``: ``public, max-age=30, stale-while-revalidate=30`` for anonymous
  requests: stories change by the minute, and 30 seconds spares a polling
  client's server most of its work.  A request that carries credentials (a
  cookie or an Authorization header) gets ``private, no-cache``: it may be
  personal.
- pages: ``private, no-cache``: browsers keep them but ask each time, which
  costs a 304 when nothing changed; shared caches keep none, since a signed-in
  reader's page carries their name.
- ``/static/``: one hour, revalidated by the ETag StaticFiles already sends.

The body is hashed after rendering, so a 304 saves bandwidth and the
browser's work, not the server's rendering; the front page's ranking has its
own short memo (``queries.Kept``) for that.
"""

from __future__ import annotations

import hashlib

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

API = "public, max-age=30, stale-while-revalidate=30"
PERSONAL = "private, no-cache"
STATIC = "public, max-age=3600"


def etag_of(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


def matches(if_none_match: str, etag: str) -> bool:
    """RFC 9110 weak comparison over a list of entity tags (or ``*``)."""
    wanted = etag.removeprefix("W/")
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == wanted:
            return True
    return False


def policy(scope: Scope) -> str:
    path: str = scope["path"]
    if path.startswith("/static/"):
        return STATIC
    if path.startswith("/api/") or path == "/openapi.json":
        headers = Headers(scope=scope)
        if "cookie" in headers or "authorization" in headers:
            return PERSONAL
        return API
    return PERSONAL


class Conditional:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def buffered(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                if message["status"] != 200:
                    await send(message)
                return
            assert start is not None
            if start["status"] != 200:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            await self._finish(scope, start, b"".join(chunks), send)

        await self.app(scope, receive, buffered)

    async def _finish(self, scope: Scope, start: Message, body: bytes, send: Send) -> None:
        headers = MutableHeaders(scope=start)
        etag = headers.get("etag") or etag_of(body)
        headers["etag"] = etag
        if "cache-control" not in headers:
            headers["cache-control"] = policy(scope)
        given = Headers(scope=scope).get("if-none-match")
        if given is not None and matches(given, etag):
            start["status"] = 304
            for name in ("content-length", "content-type"):
                if name in headers:
                    del headers[name]
            await send(start)
            await send({"type": "http.response.body", "body": b""})
            return
        await send(start)
        await send({"type": "http.response.body", "body": body})
