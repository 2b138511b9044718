"""A tiny local newswire: fictional outlets' feeds and pages served over HTTP on 127.0.0.1.

Every file under the ``newswire/`` package-data folder is loaded once at start-up. Text files
are templates: ``{base}`` is replaced with the server's own base URL, so feed links and
canonical links point back at this server whatever port it got. Routing is a dictionary
lookup of known paths, so nothing outside that folder can ever be served.

    with Newswire.start(port=0) as wire:
        print(wire.base_url, wire.feed_urls)
"""

from __future__ import annotations

import hashlib
import html
import json
import threading
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from importlib.resources.abc import Traversable
from types import TracebackType
from typing import Any
from urllib.parse import unquote, urlsplit

__all__ = ["Newswire", "load_manifest"]

PLACEHOLDER = "{base}"
MANIFEST = "manifest.json"
HTML = "text/html; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"
XML = "application/xml; charset=utf-8"


@dataclass(frozen=True)
class _Resource:
    content_type: str
    body: bytes
    etag: str


def _data_root() -> Traversable:
    return files("parallax.demo") / "newswire"


def load_manifest() -> dict[str, Any]:
    """The content manifest (outlets, articles, stories). For tests and docs, not the engine."""
    data: dict[str, Any] = json.loads((_data_root() / MANIFEST).read_text(encoding="utf-8"))
    return data


def _walk(node: Traversable, prefix: str) -> dict[str, str]:
    """Every text file below ``node`` keyed by its URL path ("/outlet/page.html")."""
    found: dict[str, str] = {}
    for child in node.iterdir():
        path = f"{prefix}/{child.name}"
        if child.is_dir():
            found.update(_walk(child, path))
        elif child.is_file() and not child.name.startswith("."):
            found[path] = child.read_text(encoding="utf-8")
    return found


def _content_type(path: str) -> str | None:
    if path.endswith(".html"):
        return HTML
    if path.endswith("/atom.xml"):
        return ATOM
    if path.endswith("/feed.xml"):
        return RSS
    return None


def _resource(content_type: str, text: str) -> _Resource:
    body = text.encode("utf-8")
    return _Resource(content_type, body, '"' + hashlib.sha256(body).hexdigest()[:16] + '"')


def _index_page(manifest: dict[str, Any], base: str) -> str:
    rows = []
    for outlet in manifest["outlets"]:
        name = html.escape(outlet["name"])
        slug = html.escape(outlet["slug"])
        feed = html.escape(base + outlet["feed"])
        rows.append(
            f'<li><a href="{base}/{slug}/">{name}</a> — {html.escape(outlet["feed_format"])} '
            f'feed: <a href="{feed}">{feed}</a></li>'
        )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>Parallax demo newswire</title></head><body>"
        "<h1>Parallax demo newswire</h1>"
        "<p>Fictional outlets and articles written for the Parallax demo. "
        "Any resemblance to real people, places or outlets is coincidental.</p>"
        f"<ul>{''.join(rows)}</ul>"
        f'<p><a href="{base}/sitemap.xml">Sitemap</a></p>'
        "</body></html>\n"
    )


def _outlet_page(outlet: dict[str, Any], articles: list[dict[str, Any]], base: str) -> str:
    name = html.escape(outlet["name"])
    items = "".join(
        f'<li><a href="{base}/{outlet["slug"]}/{a["slug"]}.html">{html.escape(a["headline"])}</a>'
        f" <small>{html.escape(a['published'])}</small></li>"
        for a in sorted(articles, key=lambda a: str(a["published"]), reverse=True)
    )
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{name}</title>'
        f'<link rel="alternate" type="{_content_type(outlet["feed"]) or RSS}" '
        f'href="{base}{outlet["feed"]}"></head>'
        f"<body><h1>{name}</h1><ul>{items}</ul></body></html>\n"
    )


def _sitemap(pages: list[str], base: str) -> str:
    urls = "".join(f"<url><loc>{html.escape(base + p)}</loc></url>" for p in sorted(pages))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>\n'
    )


def _build_site(base: str) -> dict[str, _Resource]:
    manifest = load_manifest()
    site: dict[str, _Resource] = {}
    for path, text in _walk(_data_root(), "").items():
        kind = _content_type(path)
        if kind is not None:  # the manifest and anything unexpected stay private
            site[path] = _resource(kind, text.replace(PLACEHOLDER, base))
    pages = [p for p in site if p.endswith(".html")]
    site["/"] = _resource(HTML, _index_page(manifest, base))
    site["/sitemap.xml"] = _resource(XML, _sitemap(pages, base))
    for outlet in manifest["outlets"]:
        own = [a for a in manifest["articles"] if a["outlet"] == outlet["slug"]]
        site[f"/{outlet['slug']}/"] = _resource(HTML, _outlet_page(outlet, own, base))
    return site


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "ParallaxNewswire/1.0"
    sys_version = ""

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def _respond(self, *, send_body: bool) -> None:
        path = unquote(urlsplit(self.path).path)
        resource = self.server.site.get(path)
        if resource is None:
            body = b"<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>\n"
            self._send(HTTPStatus.NOT_FOUND, HTML, body if send_body else b"", len(body))
            return
        if self.headers.get("If-None-Match") == resource.etag:
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self.send_header("ETag", resource.etag)
            self.end_headers()
            return
        body = resource.body if send_body else b""
        self._send(HTTPStatus.OK, resource.content_type, body, len(resource.body), resource.etag)

    def _send(
        self, status: HTTPStatus, kind: str, body: bytes, length: int, etag: str | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(length))
        self.send_header("X-Content-Type-Options", "nosniff")
        if etag is not None:
            self.send_header("ETag", etag)
            self.send_header("Cache-Control", "max-age=60")
        self.end_headers()
        if body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: no request lines on stderr."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    site: dict[str, _Resource]

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Quiet: a client hanging up mid-response is not worth a traceback."""


def _base_url(server: _Server) -> str:
    host, port = server.server_address[:2]
    host_text = host.decode() if isinstance(host, bytes) else str(host)
    if ":" in host_text:  # IPv6 literal
        host_text = f"[{host_text}]"
    return f"http://{host_text}:{port}"


class Newswire:
    """A running demo newswire. Create with :meth:`start`; stop with :meth:`close`."""

    def __init__(self, server: _Server, thread: threading.Thread, feed_paths: list[str]) -> None:
        self._server = server
        self._thread = thread
        self.base_url = _base_url(server)
        self.feed_urls = [self.base_url + p for p in feed_paths]

    @classmethod
    def start(cls, host: str = "127.0.0.1", port: int = 0) -> Newswire:
        """Bind ``host:port`` (0 = any free port) and serve in a background thread."""
        server = _Server((host, port), _Handler, bind_and_activate=True)
        try:
            server.site = _build_site(_base_url(server))
            feed_paths = [str(o["feed"]) for o in load_manifest()["outlets"]]
        except BaseException:
            server.server_close()
            raise
        thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="parallax-newswire",
            daemon=True,
        )
        thread.start()
        return cls(server, thread, feed_paths)

    def close(self) -> None:
        """Stop serving and release the port. Safe to call twice."""
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout=5)
        self._server.server_close()

    def __enter__(self) -> Newswire:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Newswire({self.base_url!r}, feeds={len(self.feed_urls)})"
