"""Hostile content renders inert; headers are strict; the token guards everything."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from parallax.store import Store
from parallax.web import create_app
from parallax.web.security import COOKIE, CSP
from parallax.web.view import safe_url

from .conftest import XSS_IMG, XSS_SCRIPT

TOKEN = "s3cret-token"

HOSTILE_PAGES = [
    "/",
    "/stories/s4hostile",
    "/articles/evil-1",
    "/articles/evil-2",
    "/search?q=Evil",
    "/search?q=" + "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "/stories/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
]


@pytest.mark.parametrize("path", HOSTILE_PAGES)
def test_hostile_content_is_escaped(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code in (200, 404)
    html = r.text
    assert XSS_SCRIPT not in html
    assert XSS_IMG not in html
    assert "<script" not in html.lower()
    assert not re.search(r"<img[^>]*onerror", html, re.IGNORECASE)
    assert not re.search(r"""href\s*=\s*["']?\s*(javascript|data):""", html, re.IGNORECASE)


def test_hostile_story_shows_escaped_text(client: TestClient) -> None:
    html = client.get("/stories/s4hostile").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    # The junk extra field is shown, not a crash; the nested notes too.
    assert "Broken" in html and "Notes" in html


def test_unsafe_original_urls_are_not_links(client: TestClient) -> None:
    for path in ["/articles/evil-1", "/articles/evil-2"]:
        html = client.get(path).text
        assert "Read the original" not in html
        assert "javascript:" not in html


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/a", "https://example.com/a"),
        ("http://example.com", "http://example.com"),
        ("javascript:alert(1)", None),
        (" JavaScript:alert(1)", None),
        ("java\tscript:alert(1)", None),
        ("data:text/html,<script>", None),
        ("//evil.example/x", None),
        ("/relative", None),
        ("https://", None),
        ("https://exa mple.com", None),
        (None, None),
    ],
)
def test_safe_url(url: str | None, expected: str | None) -> None:
    assert safe_url(url) == expected


@pytest.mark.parametrize(
    "path", ["/", "/stories/s1syria", "/api/stories", "/static/style.css", "/nope", "/api/nope"]
)
def test_security_headers_everywhere(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.headers["content-security-policy"] == CSP
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert r.headers["x-frame-options"] == "DENY"


def test_csp_forbids_scripts_and_framing() -> None:
    directives = dict(d.strip().split(" ", 1) for d in CSP.split(";"))
    assert directives["default-src"] == "'none'"
    assert "script-src" not in directives  # falls back to 'none'
    assert directives["frame-ancestors"] == "'none'"
    assert directives["style-src"] == "'self'"


def test_server_errors_are_pages_with_headers(web_store: Store) -> None:
    app = create_app(web_store)

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database on fire")

    web_store.stories = explode  # type: ignore[method-assign]
    client = TestClient(app, raise_server_exceptions=False)
    r = client.get("/")
    assert r.status_code == 500
    assert "database on fire" not in r.text  # no internals leak to the reader
    assert r.headers["content-security-policy"] == CSP
    api = client.get("/api/stories")
    assert api.status_code == 500 and api.json()["detail"]


# --- token -------------------------------------------------------------------


@pytest.fixture()
def locked(web_store: Store) -> TestClient:
    return TestClient(create_app(web_store, token=TOKEN), follow_redirects=False)


@pytest.mark.parametrize(
    "path", ["/", "/stories/s1syria", "/articles/pa-1", "/feeds", "/docs", "/openapi.json"]
)
def test_token_required(locked: TestClient, path: str) -> None:
    r = locked.get(path)
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"
    assert r.headers["content-security-policy"] == CSP
    assert "Iran-backed" not in r.text


def test_unauthorised_page_is_short_html_and_api_is_json(locked: TestClient) -> None:
    page = locked.get("/")
    assert page.headers["content-type"].startswith("text/html")
    assert "needs a token" in page.text
    assert 'name="token"' in page.text
    api = locked.get("/api/stories")
    assert api.status_code == 401
    assert api.json() == {"detail": "A valid token is required (Authorization: Bearer <token>)."}


def test_bearer_token(locked: TestClient) -> None:
    ok = locked.get("/api/stories", headers={"Authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 200
    assert ok.headers["cache-control"] == "private, no-store"
    assert locked.get("/", headers={"Authorization": f"bearer {TOKEN}"}).status_code == 200
    for wrong in [f"Bearer {TOKEN}x", "Bearer ", f"Basic {TOKEN}", TOKEN]:
        assert locked.get("/", headers={"Authorization": wrong}).status_code == 401, wrong


def test_query_token_sets_cookie_and_redirects(locked: TestClient) -> None:
    r = locked.get("/stories/s1syria", params={"token": TOKEN, "x": "1"})
    assert r.status_code == 303
    assert r.headers["location"] == "/stories/s1syria?x=1"
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie or "SameSite=Strict" in cookie
    assert TOKEN not in cookie  # the cookie holds a digest, not the token
    # The client keeps the cookie: later requests need no token.
    after = locked.get("/stories/s1syria")
    assert after.status_code == 200
    assert "Iran-backed" in after.text
    assert locked.get("/api/stories").status_code == 200


def test_wrong_query_token_or_cookie_is_refused(locked: TestClient) -> None:
    r = locked.get("/", params={"token": "nope"})
    assert r.status_code == 401
    assert "set-cookie" not in r.headers
    locked.cookies.set(COOKIE, TOKEN)  # the raw token is not a valid session
    assert locked.get("/").status_code == 401


def test_token_redirect_stays_on_site(locked: TestClient) -> None:
    r = locked.get("//evil.example/", params={"token": TOKEN})
    assert r.status_code == 303
    location = r.headers["location"]
    assert location.startswith("/") and not location.startswith("//")


def test_stylesheet_is_public_so_the_sign_in_page_is_styled(locked: TestClient) -> None:
    assert locked.get("/static/style.css").status_code == 200


def test_static_exemption_does_not_reach_other_routes(locked: TestClient) -> None:
    for path in ["/static/%2e%2e/api/stories", "/static/..%2Fapi%2Fstories", "/static/../feeds"]:
        r = locked.get(path)
        assert r.status_code in (401, 404), path
        assert "broken.example" not in r.text and "Iran-backed" not in r.text
