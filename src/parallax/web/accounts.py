"""Signing in and out, the account page, and API tokens made from it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel

from parallax.store.accounts import SESSION_DAYS
from parallax.store.protocols import Accounts
from parallax.web.auth import (
    LOGIN_COOKIE,
    cookie_header,
    require_csrf,
    require_user,
    safe_next,
    viewer_of,
)
from parallax.web.security import COOKIE
from parallax.web.templates import Templates
from parallax.web.throttle import Throttle

NameField = Annotated[str, Form(max_length=64)]
PasswordField = Annotated[str, Form(max_length=1024)]
NextField = Annotated[str, Form(max_length=2000)]


class InterestItem(BaseModel):
    kind: str
    key: str
    label: str


class Me(BaseModel):
    name: str
    single_user: bool
    follows: list[InterestItem]
    mutes: list[InterestItem]
    saved: list[str]


def router(accounts: Accounts, templates: Templates, throttle: Throttle | None = None) -> APIRouter:
    r = APIRouter()
    guard = throttle or Throttle()

    def page(
        template: str, status: int = 200, headers: dict[str, str] | None = None, **context: Any
    ) -> HTMLResponse:
        return HTMLResponse(
            templates.render(template, **context), status_code=status, headers=headers
        )

    @r.get("/login", include_in_schema=False)
    def login_form(request: Request, next: str = "/") -> Any:
        viewer = viewer_of(request)
        if viewer.signed_in:
            return RedirectResponse(safe_next(next), status_code=303)
        return page("login.html", section="account", next=safe_next(next), error=None)

    @r.post("/login", include_in_schema=False, dependencies=[Depends(require_csrf)])
    def login(
        request: Request, name: NameField, password: PasswordField, next: NextField = "/"
    ) -> Any:
        viewer = viewer_of(request)
        if viewer.mode != "accounts":
            raise HTTPException(400, "This server has no accounts, so there is no one to sign in.")
        address = request.client.host if request.client else ""
        wait = guard.wait(name, address)
        if wait > 0:
            return page(
                "login.html",
                status=429,
                section="account",
                next=safe_next(next),
                error=f"Too many failed sign-ins for this name from here; "
                f"try again in {_duration(wait)}.",
                typed_name=name,
                headers={"retry-after": str(int(wait) + 1)},
            )
        user = accounts.authenticate(name, password)
        if user is None:
            guard.failed(name, address)
            return page(
                "login.html",
                status=401,
                section="account",
                next=safe_next(next),
                error="That name and password do not match an account.",
                typed_name=name,
            )
        guard.succeeded(name, address)
        # Always a fresh session: a session id planted before sign-in is worthless.
        secret, _ = accounts.start_session(user)
        response = RedirectResponse(safe_next(next), status_code=303)
        response.headers.append(
            "set-cookie",
            cookie_header(
                LOGIN_COOKIE,
                secret,
                secure=viewer.secure,
                samesite="lax",
                max_age=SESSION_DAYS * 86400,
            ),
        )
        return response

    @r.post("/logout", include_in_schema=False, dependencies=[Depends(require_csrf)])
    def logout(request: Request) -> Any:
        viewer = viewer_of(request)
        secret = request.cookies.get(LOGIN_COOKIE)
        if secret:
            accounts.end_session(secret)
        response = RedirectResponse("/login" if viewer.mode == "accounts" else "/", 303)
        # Also forget the shared token's cookie, so signing out means the same in every mode.
        for name in (LOGIN_COOKIE, COOKIE):
            response.headers.append(
                "set-cookie",
                cookie_header(name, "", secure=viewer.secure, samesite="lax", max_age=0),
            )
        return response

    @r.get("/account", include_in_schema=False)
    def account(request: Request) -> Any:
        user = require_user(request)
        return page(
            "account.html",
            section="account",
            tokens=accounts.tokens(user),
            new_token=None,
            base=str(request.base_url).rstrip("/"),
        )

    @r.post("/account/tokens", include_in_schema=False, dependencies=[Depends(require_csrf)])
    def create_token(
        request: Request, label: Annotated[str, Form(max_length=100)] = "feed reader"
    ) -> Any:
        user = require_user(request)
        _, secret = accounts.create_token(user, label)
        # Shown once, in this response only: it is not kept anywhere it could be read back.
        return page(
            "account.html",
            section="account",
            tokens=accounts.tokens(user),
            new_token=secret,
            base=str(request.base_url).rstrip("/"),
        )

    @r.post(
        "/account/tokens/{token_id}/revoke",
        include_in_schema=False,
        dependencies=[Depends(require_csrf)],
    )
    def revoke_token(request: Request, token_id: int) -> Any:
        user = require_user(request)
        if not accounts.revoke_token(token_id, user):
            raise HTTPException(404, "You have no token with that number.")
        return RedirectResponse("/account", status_code=303)

    @r.get(
        "/api/me",
        tags=["api"],
        summary="Who the token belongs to, and what they follow, mute and saved",
        response_model=Me,
    )
    def me(request: Request, response: Response) -> Me:
        user = require_user(request)
        response.headers["cache-control"] = "private, no-store"

        def items(which: list[Any]) -> list[InterestItem]:
            return [InterestItem(kind=i.kind, key=i.key, label=i.label) for i in which]

        return Me(
            name=user.name,
            single_user=user.local,
            follows=items(accounts.follows(user)),
            mutes=items(accounts.mutes(user)),
            saved=[sid for sid, _ in accounts.saved(user)],
        )

    return r


def _duration(seconds: float) -> str:
    if seconds < 60:
        whole = max(1, round(seconds))
        return f"{whole} second{'s' if whole > 1 else ''}"
    minutes = round(seconds / 60)
    return f"{minutes} minute{'s' if minutes > 1 else ''}"
