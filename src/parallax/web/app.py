"""The application factory: routes, error pages, security headers, token."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator, Collection
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from parallax.engine import Engine
from parallax.store.protocols import Storage
from parallax.web import accounts, admin, api, atom, auth, pages, personal
from parallax.web.caching import Conditional
from parallax.web.security import (
    HEADERS,
    BodyLimit,
    SecurityHeaders,
    refuse_control_characters,
    wants_json,
)
from parallax.web.templates import HERE, Templates

log = logging.getLogger(__name__)

TITLES = {
    400: "That request did not make sense",
    401: "Sign in needed",
    404: "Not found",
    403: "Not permitted",
    405: "Not allowed",
    413: "Too much sent",
    500: "Something went wrong",
}


OPML_BODY_LIMIT = 10 * 1024 * 1024
"""An OPML upload may be larger than other requests: a reader's whole subscription list."""


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    # Once the app is up, the ~150,000 objects of the libraries and templates
    # live as long as the process; frozen, they drop out of every later garbage
    # collection.  Full collections that walked them paused requests for
    # 60-90 ms, and were among the slowest 1 % (bench/web_latency.py).
    gc.collect()
    gc.freeze()
    yield


def create_app(
    store: Storage,
    *,
    token: str | None = None,
    allow_open: bool = True,
    open_hosts: Collection[str] | None = None,
    secure_cookies: bool = False,
) -> FastAPI:
    """The web reader and JSON API over ``store``.

    Who may come in is ``auth.Auth``'s choice: with accounts, people sign in;
    else with ``token``, every request must carry it; else, if ``allow_open``
    (the server listens on localhost only), everyone is the single local
    reader, when the request's Host is one of ``open_hosts`` (if given; the CLI
    gives this computer's names).  ``secure_cookies`` marks cookies Secure even
    when the app itself sees plain HTTP (behind a TLS proxy).
    """
    templates = Templates()
    # The app's operations go through the engine, as the command line's do; the
    # caller keeps the store open and closes it.
    engine = Engine(store, owns_store=False)
    people = store.accounts
    templates.env.globals["viewer"] = auth.current
    app = FastAPI(
        title="Parallax",
        summary="Every story, from every side, with its sources.",
        version="0.1.0",
        # FastAPI's Swagger UI loads scripts from a CDN and runs inline code:
        # it neither works offline nor fits the CSP.  /docs is our own
        # script-free page built from the same OpenAPI schema.
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=_lifespan,
        dependencies=[Depends(refuse_control_characters)],
    )
    app.include_router(api.router(engine))
    app.include_router(accounts.router(people, templates))
    app.include_router(personal.router(store, people, templates))
    app.include_router(atom.router(store, people))
    app.include_router(pages.router(engine, templates, personal.mark_read(people)))
    app.include_router(admin.router(engine, templates))
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.get("/docs", include_in_schema=False, response_class=HTMLResponse)
    def docs() -> HTMLResponse:
        return HTMLResponse(
            templates.render("docs.html", section="api", endpoints=endpoints(app.openapi()))
        )

    def error(request: Request, status: int, detail: str) -> Response:
        if wants_json(request.url.path):
            return JSONResponse({"detail": detail}, status_code=status)
        html = templates.render(
            "error.html", status=status, title=TITLES.get(status, "Error"), detail=detail
        )
        return HTMLResponse(html, status_code=status)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else TITLES.get(exc.status_code, "")
        if exc.status_code == 404 and detail == "Not Found" and not wants_json(request.url.path):
            detail = "There is no page at this address."
        response = error(request, exc.status_code, detail)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        if wants_json(request.url.path):
            # Keep FastAPI's detailed list for API clients.
            return JSONResponse({"detail": _plain_errors(exc)}, status_code=422)
        return error(request, 400, "A value in the address is not valid.")

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> Response:
        # Runs outside the middleware stack, so the security headers are added here.
        log.exception("unhandled error on %s", request.url.path)
        response = error(request, 500, "The server hit an unexpected error; it has been logged.")
        response.headers.update(HEADERS)
        return response

    # ETags, 304s and Cache-Control (see caching.py), inside authentication.
    app.add_middleware(Conditional)
    app.add_middleware(
        auth.Auth,
        accounts=people,
        token=token,
        allow_open=allow_open,
        open_hosts=open_hosts,
        secure_cookies=secure_cookies,
        key=people.signing_key(),
        render=templates.render,
    )
    # Outside authentication, which reads sign-in forms: no body is read past its limit.
    app.add_middleware(BodyLimit, larger={"/feeds/opml": OPML_BODY_LIMIT})
    # Added last so it is outermost: 401 pages and redirects get the headers too.
    app.add_middleware(SecurityHeaders, private=bool(token))
    return app


def _plain_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    return [
        {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": e.get("type")}
        for e in exc.errors()
    ]


def endpoints(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The OpenAPI paths flattened for the docs page."""
    found = []
    for path, methods in schema.get("paths", {}).items():
        for method, op in methods.items():
            found.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "parameters": [
                        {
                            "name": p.get("name", ""),
                            "in": p.get("in", ""),
                            "required": bool(p.get("required")),
                            "type": _type_name(p.get("schema", {})),
                            "description": p.get("description", ""),
                            "default": p.get("schema", {}).get("default"),
                        }
                        for p in op.get("parameters", [])
                    ],
                    "responses": sorted(op.get("responses", {})),
                    "returns": _returns(op),
                }
            )
    return found


def _type_name(schema: dict[str, Any]) -> str:
    if "type" in schema:
        return str(schema["type"])
    options = schema.get("anyOf", [])
    return " or ".join(str(o.get("type", "?")) for o in options) or "any"


def _returns(op: dict[str, Any]) -> str:
    """The name of the 200 response's schema ("StoryList"), if it has one."""
    content = op.get("responses", {}).get("200", {}).get("content", {})
    ref = content.get("application/json", {}).get("schema", {}).get("$ref", "")
    return str(ref).rsplit("/", 1)[-1]
