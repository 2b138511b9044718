"""Hostile content renders inert; headers are strict; the token guards everything."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from parallax.store import Store
from parallax.web import create_app
from parallax.web.security import COOKIE, CSP
from parallax.web.view import safe_url

from .conftest import XSS_IMG, XSS_LINK, XSS_SCRIPT

TOKEN = "s3cret-token"

HOSTILE_PAGES = [
    "/",
    "/stories/s4hostile",
    "/articles/evil-1",
    "/articles/evil-1?s=2",
    "/articles/evil-2",
    "/search?q=Evil",
    "/search?q=styled",
    "/search?q=" + "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "/stories/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "/outlets",
    "/outlets/Data%20Outlet",
    "/topics",
    "/api/stories/s4hostile",
]

ACTIVE = {"script", "style", "iframe", "object", "embed", "svg", "math", "base", "frame"}
"""Elements a payload could use to run code or restyle the page."""


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, {k: v or "" for k, v in attrs}))


def inert(html: str) -> None:
    """Every element and attribute on the page is one the templates wrote."""
    parser = Elements()
    parser.feed(html)
    for tag, attrs in parser.found:
        if tag == "script":
            assert attrs == {"src": "/static/reader.js", "defer": ""}, attrs
            continue
        assert tag not in ACTIVE, (tag, attrs)
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name, value)
            assert name != "style", (tag, value)
            if name == "action":
                assert value.startswith("/") and not value.startswith("//"), (tag, value)
            if name in ("href", "src", "action", "formaction"):
                assert not re.match(r"\s*(javascript|data|vbscript):", value, re.I), (tag, value)


@pytest.mark.parametrize("path", HOSTILE_PAGES)
def test_hostile_content_renders_inert(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code in (200, 404)
    if path.startswith("/api/"):
        # JSON keeps the text as it was (escaped by JSON, never run as HTML).
        assert r.headers["content-type"] == "application/json"
        return
    html = r.text
    assert XSS_SCRIPT not in html and XSS_IMG not in html and XSS_LINK not in html
    assert "onerror" not in html and "javascript:" not in html
    inert(html)


def test_hostile_markup_is_stripped_to_its_text(client: TestClient) -> None:
    story = client.get("/stories/s4hostile").text
    # nh3 keeps what a reader would see and drops the rest: a link's words
    # stay, script and style contents go.
    assert "click me" in story
    assert "display:none" not in story
    article = client.get("/articles/evil-1").text
    assert "Body" in article and "Second paragraph." in article
    assert "styled" in article and "click me" in article
    # An outlet name that is nothing but markup falls back to the URL's host,
    # else to "Unknown outlet", rather than an empty badge.
    assert "Unknown outlet" in article
    # Junk and unknown fields do not break the page (and are not dumped on it).
    assert "Hostile" in story


def test_attribute_breakout_stays_inside_its_attribute(client: TestClient) -> None:
    html = client.get("/articles/evil-1").text
    parser = Elements()
    parser.feed(html)
    assert not any("onmouseover" in attrs for _, attrs in parser.found)
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    assert title is not None and "onmouseover" in title.group(1)  # shown as text


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


def test_csp_allows_only_our_own_scripts_and_forbids_framing() -> None:
    directives = dict(d.strip().split(" ", 1) for d in CSP.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval'
    assert directives["connect-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["style-src"] == "'self'"
    assert directives["base-uri"] == "'none'"
    assert "unsafe" not in CSP


def test_server_errors_are_pages_with_headers(web_store: Store) -> None:
    app = create_app(web_store)

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database on fire")

    web_store.story_articles = explode  # type: ignore[method-assign]
    client = TestClient(app, raise_server_exceptions=False)
    r = client.get("/stories/s1syria")
    assert r.status_code == 500
    assert "database on fire" not in r.text  # no internals leak to the reader
    assert r.headers["content-security-policy"] == CSP
    api = client.get("/api/stories/s1syria")
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
