"""HTTP fetching with limits and address safety.

A news engine fetches whatever URLs feeds hand it, so a feed must not be able
to point it at the machine's own services or the cloud metadata endpoint.
Every hop of a redirect chain is checked against the resolved addresses.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

from parallax import __version__
from parallax.ingest.files import decode

USER_AGENT = f"Parallax/{__version__} (self-hosted news reader; +https://github.com/parallax-news)"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class FetchError(Exception):
    """A fetch that failed; the message is written for the person reading the feed list."""

    def __init__(self, message: str, status: int | None = None, retry_after: str | None = None):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class FetchSettings:
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    max_bytes: int = 10 * 1024 * 1024
    """Decompressed bytes read from one response: a generous article page is 2 MB."""
    max_redirects: int = 5
    allow: tuple[str, ...] = ()
    """Hosts, addresses or networks (``127.0.0.1``, ``localhost``, ``10.0.0.0/8``)
    that may be fetched even though they are not public."""
    user_agent: str = USER_AGENT


@dataclass(slots=True)
class Response:
    url: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def text(self) -> str:
        return decode(self.body)


class Fetcher:
    def __init__(self, settings: FetchSettings | None = None) -> None:
        self.settings = settings or FetchSettings()
        self._allowed_hosts, self._allowed_networks = _parse_allow(self.settings.allow)
        s = self.settings
        self._client = httpx.Client(
            follow_redirects=False,
            timeout=httpx.Timeout(s.read_timeout, connect=s.connect_timeout),
            headers={"User-Agent": s.user_agent},
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def get(self, url: str, headers: dict[str, str] | None = None) -> Response:
        for _ in range(self.settings.max_redirects + 1):
            self.check_address(url)
            response = self._get_once(url, headers or {})
            if response.status in (301, 302, 303, 307, 308) and "location" in response.headers:
                url = urljoin(url, response.headers["location"])
                continue
            return response
        raise FetchError(f"more than {self.settings.max_redirects} redirects")

    def check_address(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise FetchError(f"only http and https URLs can be fetched, not {parts.scheme!r}")
        host = (parts.hostname or "").lower()
        if not host:
            raise FetchError("the URL has no host")
        if host in self._allowed_hosts:
            return
        for address in _resolve(host, parts.port):
            if address.is_global or any(address in net for net in self._allowed_networks):
                continue
            raise FetchError(
                f"refused: {host} resolves to the non-public address {address}; "
                "add it to the fetch allow-list (--allow) if this is intended"
            )

    def _get_once(self, url: str, headers: dict[str, str]) -> Response:
        try:
            with self._client.stream("GET", url, headers=headers) as r:
                kept = {k.lower(): v for k, v in r.headers.items()}
                if r.status_code >= 400:
                    raise FetchError(
                        f"HTTP {r.status_code} {r.reason_phrase}".strip(),
                        status=r.status_code,
                        retry_after=kept.get("retry-after"),
                    )
                declared = int(kept.get("content-length") or 0)
                if declared > self.settings.max_bytes:
                    raise FetchError(f"response is {declared} bytes, over the size limit")
                chunks, size = [], 0
                # iter_bytes yields *decompressed* bytes, so a gzip bomb trips
                # this limit as soon as it expands past it.
                for chunk in r.iter_bytes():
                    size += len(chunk)
                    if size > self.settings.max_bytes:
                        raise FetchError(
                            f"response exceeds the {self.settings.max_bytes} byte limit"
                        )
                    chunks.append(chunk)
                return Response(str(r.url), r.status_code, kept, b"".join(chunks))
        except httpx.TimeoutException as exc:
            raise FetchError(f"timed out ({type(exc).__name__})") from exc
        except httpx.DecodingError as exc:
            raise FetchError("the response body is corrupt (bad compression)") from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"cannot connect: {exc}") from exc


def _resolve(host: str, port: int | None) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port or 443, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise FetchError(f"cannot resolve {host}: {exc.strerror}") from exc
    return [ipaddress.ip_address(info[4][0]) for info in infos]


def _parse_allow(entries: Iterable[str]) -> tuple[set[str], list[Network]]:
    hosts: set[str] = set()
    networks: list[Network] = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            hosts.add(entry.lower())
    return hosts, networks
