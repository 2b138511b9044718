"""Who is asking, and whether they may: sessions, API tokens, the shared token,
the open single-user mode, and the CSRF tokens that guard every form.

The mode is decided on every request, because ``parallax user add`` may run
while the server does:

- **accounts** (some account exists): pages need a signed-in session, else
  they redirect to ``/login``; scripts send an API token as
  ``Authorization: Bearer``, and feed readers, which cannot sign in, may put
  it in an Atom feed's address as ``?token=``.
- **token** (no accounts, a shared ``--token``): the token as a Bearer header,
  or once as ``?token=`` which leaves a cookie; everyone who has it acts as
  the local profile.
- **open** (no accounts, no token, and the server listens on localhost only):
  everyone is the local profile, as long as the request names this computer
  (``open_hosts``), so neither DNS rebinding nor a local proxy opens it wider.
- **closed** (none of these): only API tokens are let in.

A valid API token is accepted in every mode; a Bearer header that is not
valid is refused rather than ignored, so a script learns its token is wrong.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Collection
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from urllib.parse import quote

import anyio.to_thread
from fastapi import HTTPException, Request
from starlette.datastructures import MutableHeaders
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from parallax.store.accounts import Kind, Marks, User
from parallax.store.protocols import Accounts
from parallax.web.interests import follow_key
from parallax.web.security import (
    COOKIE,
    TOKEN_PARAM,
    denied_json,
    same,
    session_value,
    wants_json,
    without_token,
)

LOGIN_COOKIE = "parallax_login"
CSRF_COOKIE = "parallax_csrf"
CSRF_FIELD = "csrf"
ANONYMOUS_PATHS = frozenset({"/login"})
"""What a visitor who is not signed in may open on a server with accounts."""

Mode = Literal["accounts", "token", "open", "closed"]
How = Literal["session", "api-token", "shared-token", "open", "anonymous"]

Render = Callable[..., str]

_current: ContextVar[Viewer | None] = ContextVar("parallax_viewer", default=None)


@dataclass(eq=False)
class Viewer:
    """The person behind one request, as pages and forms need them."""

    accounts: Accounts
    mode: Mode
    user: User | None
    how: How
    bearer: bool
    """The credential came with the request itself (a header or a feed's
    ``?token=``), not from cookies: no cross-site request can carry it."""
    here: str
    """This request's path and query, for forms to come back to."""
    secure: bool
    """Cookies set now get the Secure flag."""
    csrf_secret: str
    csrf_binding: str
    key: bytes
    csrf_used: bool = False
    _marks: Marks | None = None
    _reads: dict[str, datetime] | None = None

    @property
    def csrf(self) -> str:
        """The token for this page's forms (rendering one sets the CSRF cookie)."""
        self.csrf_used = True
        return csrf_token(self.key, self.csrf_secret, self.csrf_binding)

    @property
    def personal(self) -> bool:
        """Follows, saves and the For you page are available."""
        return self.user is not None

    @property
    def signed_in(self) -> bool:
        return self.how == "session"

    @property
    def name(self) -> str:
        return self.user.name if self.user and not self.user.local else ""

    def following(self, kind: Kind, name: str) -> bool:
        marks = self._load()
        return marks is not None and (kind, follow_key(kind, name)) in marks.follows

    def muting(self, kind: Kind, name: str) -> bool:
        marks = self._load()
        return marks is not None and (kind, follow_key(kind, name)) in marks.mutes

    def saved(self, story_id: str) -> bool:
        marks = self._load()
        return marks is not None and story_id in marks.saved

    def read_state(self, story_id: str, updated: datetime) -> str:
        """Whether the reader has opened the story: unread, updated (since they last
        did) or read; empty when there is no reader."""
        if self.user is None:
            return ""
        if self._reads is None:
            self._reads = self.accounts.reads(self.user)
        read = self._reads.get(story_id)
        if read is None:
            return "unread"
        return "updated" if updated > read else "read"

    def _load(self) -> Marks | None:
        # A page with buttons asks for all three lists, so they come in one query.
        if self._marks is None and self.user is not None:
            self._marks = self.accounts.marks(self.user)
        return self._marks


def current() -> Viewer | None:
    """The viewer of the request being handled (for templates)."""
    return _current.get()


def viewer_of(request: Request) -> Viewer:
    found = request.scope.get("parallax.viewer")
    if not isinstance(found, Viewer):
        raise RuntimeError("the Auth middleware is not installed")
    return found


def require_user(request: Request) -> User:
    """The person making the request (the local profile on a single-user server)."""
    user = viewer_of(request).user
    if user is None:
        raise HTTPException(401, "Sign in to use this page.")
    return user


def csrf_token(key: bytes, secret: str, binding: str) -> str:
    """Bound to the browser's CSRF cookie and to its sign-in session, so a token
    from before signing in or from another browser is worth nothing."""
    message = f"{secret}|{binding}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


async def require_csrf(request: Request) -> None:
    """Refuse a form post whose CSRF token is missing or wrong (403)."""
    viewer = viewer_of(request)
    if viewer.bearer:
        return
    form = await request.form()
    given = form.get(CSRF_FIELD)
    expected = csrf_token(viewer.key, viewer.csrf_secret, viewer.csrf_binding)
    if not isinstance(given, str) or not same(given, expected):
        raise HTTPException(
            403,
            "This form did not come from this site, or it is out of date. "
            "Go back, reload the page and try again.",
        )


def safe_next(value: str | None, default: str = "/") -> str:
    """A same-site path to return to after a form, never another site."""
    if (
        not value
        or not value.startswith("/")
        or value.startswith(("//", "/\\"))
        or any(ord(ch) < 32 for ch in value)
    ):
        return default
    return value


def cookie_header(
    name: str, value: str, *, secure: bool, samesite: Literal["lax", "strict"], **kw: Any
) -> str:
    carrier = Response()
    carrier.set_cookie(name, value, httponly=True, samesite=samesite, secure=secure, path="/", **kw)
    return carrier.headers["set-cookie"]


class Auth:
    """Pure ASGI middleware: decides who is asking (see the module docstring),
    refuses who may not, and hands a ``Viewer`` to routes and templates."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        accounts: Accounts,
        token: str | None,
        allow_open: bool,
        open_hosts: Collection[str] | None = None,
        secure_cookies: bool,
        key: bytes,
        render: Render,
    ) -> None:
        self.app = app
        self.accounts = accounts
        self.token = token
        self.session = session_value(token) if token else None
        self.allow_open = allow_open
        self.open_hosts = frozenset(open_hosts) if open_hosts is not None else None
        self.secure_cookies = secure_cookies
        self.key = key
        self.render = render

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/static/"):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        # Database look-ups: off the event loop.
        outcome = await anyio.to_thread.run_sync(self._resolve, request)
        if isinstance(outcome, Response):
            await outcome(scope, receive, send)
            return
        viewer = outcome
        scope["parallax.viewer"] = viewer
        new_csrf = CSRF_COOKIE not in request.cookies

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if viewer.csrf_used and new_csrf:
                    headers.append(
                        "set-cookie",
                        cookie_header(
                            CSRF_COOKIE, viewer.csrf_secret, secure=viewer.secure, samesite="strict"
                        ),
                    )
                personal = viewer.csrf_used or (viewer.user is not None and viewer.how != "open")
                if personal and "private" not in headers.get("cache-control", ""):
                    # Personal, or holding a form token: no shared cache may keep it.
                    headers["cache-control"] = "private, no-cache"
            await send(message)

        reset = _current.set(viewer)
        try:
            await self.app(scope, receive, send_with_cookie)
        finally:
            _current.reset(reset)

    def _mode(self, has_accounts: bool) -> Mode:
        if has_accounts:
            return "accounts"
        if self.token:
            return "token"
        return "open" if self.allow_open else "closed"

    def _resolve(self, request: Request) -> Viewer | Response:
        path = request.url.path
        scheme, _, credential = request.headers.get("authorization", "").partition(" ")
        bearer: str | None = credential.strip() if scheme.lower() == "bearer" else None
        if bearer is None and _is_feed(path):
            bearer = request.query_params.get(TOKEN_PARAM)
        secret = request.cookies.get(LOGIN_COOKIE, "")
        if bearer is None and secret:
            # A live session implies accounts: one query for a signed-in reader.
            user = self.accounts.session_user(secret)
            if user is not None:
                return self._viewer(request, "accounts", user, "session", binding=secret)
        has_accounts, local = self.accounts.state()
        mode = self._mode(has_accounts)
        if bearer is not None:
            return self._by_token(request, mode, bearer)

        if mode == "accounts":
            if path in ANONYMOUS_PATHS:
                return self._viewer(request, mode, None, "anonymous")
            return self._refuse(request, mode)
        if mode == "token":
            assert self.token is not None and self.session is not None
            cookie = request.cookies.get(COOKIE)
            if cookie is not None and same(cookie, self.session):
                local = local or self.accounts.local_user()
                return self._viewer(request, mode, local, "shared-token", binding=cookie)
            given = request.query_params.get(TOKEN_PARAM)
            if given is not None and same(given, self.token):
                return self._enter_with_token(request)
            return self._refuse(request, mode)
        if mode == "open":
            if self.open_hosts is not None and request.url.hostname not in self.open_hosts:
                # A page on another site whose name now resolves here (DNS rebinding),
                # or a proxy passing the world in: neither is this computer's reader.
                return _unauthorised(
                    request,
                    "This server has no accounts, so it answers only to this computer's own "
                    "addresses. Add an account with 'parallax user add NAME' to share it.",
                    render=self.render,
                    status=403,
                )
            return self._viewer(request, mode, local or self.accounts.local_user(), "open")
        return self._refuse(request, mode)

    def _by_token(self, request: Request, mode: Mode, credential: str) -> Viewer | Response:
        if mode == "token" and self.token and same(credential, self.token):
            local = self.accounts.local_user()
            return self._viewer(request, mode, local, "shared-token", bearer=True)
        user = self.accounts.token_user(credential) if credential else None
        if user is None:
            if mode == "token":
                return self._refuse(request, mode)
            return _unauthorised(request, "This API token is not valid: it is mistyped or revoked.")
        return self._viewer(request, mode, user, "api-token", bearer=True)

    def _viewer(
        self,
        request: Request,
        mode: Mode,
        user: User | None,
        how: How,
        *,
        binding: str = "",
        bearer: bool = False,
    ) -> Viewer:
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return Viewer(
            accounts=self.accounts,
            mode=mode,
            user=user,
            how=how,
            bearer=bearer,
            here=here,
            secure=self.secure_cookies or request.url.scheme == "https",
            csrf_secret=request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32),
            csrf_binding=binding,
            key=self.key,
        )

    def _enter_with_token(self, request: Request) -> Response:
        # The token leaves the address at once (history, logs, referrers);
        # the cookie holds a digest of it, not the token.
        assert self.session is not None
        response = RedirectResponse(without_token(request.url), status_code=303)
        response.headers.append(
            "set-cookie",
            cookie_header(
                COOKIE,
                self.session,
                secure=self.secure_cookies or request.url.scheme == "https",
                samesite="strict",
            ),
        )
        return response

    def _refuse(self, request: Request, mode: Mode) -> Response:
        path = request.url.path
        machine = wants_json(path) or _is_feed(path)
        if mode == "token":
            if machine:
                return denied_json(request)
            page = self.render("signin.html", section="")
            return HTMLResponse(page, status_code=401, headers={"www-authenticate": "Bearer"})
        if mode == "accounts" and not machine and request.method in ("GET", "HEAD"):
            here = path + (f"?{request.url.query}" if request.url.query else "")
            target = "/login" if here == "/" else "/login?next=" + quote(here, safe="/")
            return RedirectResponse(target, status_code=303)
        if mode == "accounts":
            return _unauthorised(
                request,
                "Sign in, or send an API token (Authorization: Bearer <token>).",
                render=self.render,
            )
        return _unauthorised(
            request,
            "This server has no accounts and listens beyond localhost, so it lets no one in. "
            "Add an account with 'parallax user add NAME'.",
            render=self.render,
        )


def _unauthorised(
    request: Request, detail: str, render: Render | None = None, status: int = 401
) -> Response:
    headers = {"www-authenticate": "Bearer"} if status == 401 else {}
    path = request.url.path
    if wants_json(path) or _is_feed(path) or render is None:
        return JSONResponse({"detail": detail}, status_code=status, headers=headers)
    title = "Sign in needed" if status == 401 else "Not open to this address"
    page = render("error.html", status=status, title=title, detail=detail)
    return HTMLResponse(page, status_code=status, headers=headers)


def _is_feed(path: str) -> bool:
    return path.startswith("/feeds/") and path.endswith(".atom")
