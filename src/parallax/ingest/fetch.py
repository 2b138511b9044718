"""HTTP fetching with limits, politeness and address safety.

A news engine fetches whatever URLs feeds hand it, so a feed must not be able
to point it at the machine's own services or the cloud metadata endpoint.  The
check runs where the connection is made: the host name is resolved once, every
address is checked, and the socket connects to exactly that checked address
(TLS still verifies and sends the host name).  Redirects open new connections
and are checked the same way, and a DNS answer that changes between a check and
a connect (rebinding) has nothing to slip through.
"""

from __future__ import annotations

import contextvars
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from parallax import __version__
from parallax.ingest.charset import decode_body
from parallax.ingest.polite import HostBusy, HostPacer

USER_AGENT = f"Parallax/{__version__} (self-hosted news reader; +https://github.com/parallax-news)"

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], list[str]]
"""(host, port) -> IP addresses as strings; ``system_resolver`` unless a test injects one."""

RETRY_STATUSES = (429, 503)
"""Statuses whose Retry-After header means "this whole host, not just this URL"."""


class FetchError(Exception):
    """A fetch that failed; the message is written for the person reading the feed list."""

    def __init__(self, message: str, status: int | None = None, retry_after: str | None = None):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class AddressRefused(FetchError):
    """The URL leads to an address the fetcher may not reach."""


@dataclass(frozen=True, slots=True)
class FetchSettings:
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    """Longest silence while reading a response."""
    total_timeout: float = 60.0
    """Longest time for one response, so a server dripping a byte a second cannot hold us."""
    max_bytes: int = 10 * 1024 * 1024
    """Decompressed bytes read from one response: a generous article page is 2 MB."""
    max_redirects: int = 5
    host_delay: float = 1.0
    """Least seconds between two requests to one host (robots.txt Crawl-delay can raise it)."""
    max_wait: float = 60.0
    """A host that asks for a longer pause (Retry-After) fails at once and is retried later."""
    allow: tuple[str, ...] = ()
    """Hosts, addresses or networks (``127.0.0.1``, ``localhost``, ``10.0.0.0/8``)
    that may be fetched even though they are not public."""
    user_agent: str = USER_AGENT
    ca_file: str = ""
    """Certificate authorities to trust instead of the usual ones (an internal CA's PEM file)."""


@dataclass(slots=True)
class Response:
    url: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    moved_to: str | None = None
    """The new address when every redirect on the way was permanent (301, 308)."""

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")

    @property
    def text(self) -> str:
        """The body as text, even when the declared charset is wrong (see ``charset``)."""
        return decode_body(self.body, self.content_type)


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class AddressGuard:
    """Resolves a host and refuses it unless every address is public or allowed."""

    def __init__(self, allow: Iterable[str], resolve: Resolver = system_resolver) -> None:
        self.hosts: set[str] = set()
        self.networks: list[Network] = []
        for entry in allow:
            try:
                self.networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                self.hosts.add(entry.lower())
        self._resolve = resolve

    def addresses(self, host: str, port: int, timeout: float | None = None) -> list[Address]:
        """``host``'s addresses, all checked; its name resolved within ``timeout`` seconds."""
        try:
            found = [ipaddress.ip_address(host)]
        except ValueError:
            try:
                answer = _resolved_within(self._resolve, host, port, timeout)
                found = [ipaddress.ip_address(a) for a in answer]
            except (OSError, UnicodeError) as exc:
                reason = getattr(exc, "strerror", None) or str(exc)
                raise FetchError(f"cannot resolve {host}: {reason}") from exc
        if not found:
            raise FetchError(f"cannot resolve {host}: no addresses")
        if host.lower() in self.hosts:
            return found
        for address in found:
            if not _public(address) and not any(address in net for net in self.networks):
                named = "" if host == str(address) else f"{host} resolves to "
                raise AddressRefused(
                    f"refused: {named}the non-public address {address}; "
                    "add it to the fetch allow-list (--allow) if this is intended"
                )
        return found


def _resolved_within(resolve: Resolver, host: str, port: int, timeout: float | None) -> list[str]:
    """``resolve(host, port)``, given up after ``timeout`` seconds.

    getaddrinfo has no timeout of its own and cannot be interrupted, so a slow
    resolver would hold a fetch past its total time.  The lookup runs in a
    daemon thread: one given up finishes on its own, holding no lock, and never
    keeps the process from exiting."""
    if timeout is None:
        return resolve(host, port)
    outcome: list[list[str] | BaseException] = []

    def lookup() -> None:
        try:
            outcome.append(resolve(host, port))
        except BaseException as exc:  # handed to the fetching thread, which judges it
            outcome.append(exc)

    worker = threading.Thread(target=lookup, name=f"resolve {host}", daemon=True)
    worker.start()
    worker.join(timeout)
    if not outcome:
        raise httpcore.ConnectTimeout(f"resolving {host} took over {timeout:.3g} s")
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")


def _public(address: Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        if address in _NAT64_LOCAL:
            return False  # a site's own translator (RFC 8215): its targets are its own network
        # An IPv4 address wrapped in IPv6 reaches the IPv4 host: judge that one.
        # Python calls the IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::a.b.c.d)
        # forms global whatever they wrap, so they are unwrapped here.
        inner = address.ipv4_mapped or address.sixtofour
        if inner is None and (address in _IPV4_COMPATIBLE or address in _NAT64):
            inner = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if inner is not None:
            return _public(inner)
    return address.is_global and not address.is_multicast


_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "fetch_deadline", default=None
)
"""When the response being fetched must be complete (``time.monotonic``), if it must."""


def _within_deadline(timeout: float | None) -> float | None:
    """A socket operation's timeout, cut to what is left of the fetch's total time.

    httpx's timeouts apply to each read; a server sending one header line a
    second never lets one expire, so the total is enforced on every operation."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise httpcore.ReadTimeout("the total time limit passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read, write and TLS handshake ends by the deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _within_deadline(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _within_deadline(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        tls = self._inner.start_tls(ssl_context, server_hostname, _within_deadline(timeout))
        return _DeadlineStream(tls)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _GuardedBackend(httpcore.NetworkBackend):
    """Connects to the very address the guard approved, never to a second DNS answer."""

    def __init__(self, guard: AddressGuard) -> None:
        self._guard = guard
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        failure: Exception | None = None
        # Resolving is part of connecting: it gets the connect timeout, and never
        # more than the fetch's total time has left.
        for address in self._guard.addresses(host, port, _within_deadline(timeout)):
            try:
                stream = self._inner.connect_tcp(
                    str(address), port, _within_deadline(timeout), local_address, socket_options
                )
                return _DeadlineStream(stream)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc  # try the host's next address, as browsers do
        assert failure is not None
        raise failure

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore.NetworkStream:
        raise FetchError("unix sockets are never fetched")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _GuardedTransport(httpx.HTTPTransport):
    def __init__(self, guard: AddressGuard, ca_file: str) -> None:
        super().__init__(trust_env=False)
        if ca_file:
            try:
                context = ssl.create_default_context(cafile=ca_file)
            except (OSError, ssl.SSLError) as exc:
                raise FetchError(f"cannot use the CA file {ca_file}: {exc}") from exc
        else:
            context = httpx.create_ssl_context(trust_env=False)
        # httpx has no public switch for the network backend; its transport only
        # forwards to this pool, so replacing the pool is the whole change.
        self._pool = httpcore.ConnectionPool(
            ssl_context=context, network_backend=_GuardedBackend(guard)
        )


class Fetcher:
    def __init__(self, settings: FetchSettings | None = None, resolve: Resolver | None = None):
        self.settings = s = settings or FetchSettings()
        self.guard = AddressGuard(s.allow, resolve or system_resolver)
        self.pacer = HostPacer(s.host_delay, s.max_wait)
        # trust_env=False: a proxy from the environment would make the connection,
        # and the address check with it, somebody else's.
        self._client = httpx.Client(
            transport=_GuardedTransport(self.guard, s.ca_file),
            follow_redirects=False,
            timeout=httpx.Timeout(s.read_timeout, connect=s.connect_timeout),
            headers={"User-Agent": s.user_agent},
            trust_env=False,
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def get(self, url: str, headers: dict[str, str] | None = None) -> Response:
        start, permanent = url, True
        for _ in range(self.settings.max_redirects + 1):
            response = self._get_once(url, headers or {})
            if response.status in (301, 302, 303, 307, 308) and "location" in response.headers:
                url = urljoin(url, response.headers["location"])
                permanent = permanent and response.status in (301, 308)
                continue
            if permanent and url != start:
                response.moved_to = url
            return response
        raise FetchError(f"more than {self.settings.max_redirects} redirects")

    def _get_once(self, url: str, headers: dict[str, str]) -> Response:
        host = host_key(url)
        try:
            with self.pacer.turn(host):
                return self._request(url, headers)
        except HostBusy as exc:
            raise FetchError(str(exc), retry_after=str(round(exc.seconds))) from exc
        except FetchError as exc:
            if exc.status in RETRY_STATUSES and exc.retry_after:
                self.pacer.hold(host, retry_after_seconds(exc.retry_after) or 0.0)
            raise

    def _request(self, url: str, headers: dict[str, str]) -> Response:
        limit, deadline = self.settings.max_bytes, time.monotonic() + self.settings.total_timeout
        token = _DEADLINE.set(deadline)
        try:
            return self._read(url, headers, limit, deadline)
        except httpx.TimeoutException as exc:
            if time.monotonic() >= deadline:
                raise FetchError(self._too_long()) from exc
            raise FetchError(f"timed out ({type(exc).__name__})") from exc
        finally:
            _DEADLINE.reset(token)

    def _too_long(self) -> str:
        return f"timed out: the response took over {self.settings.total_timeout:g} s"

    def _read(self, url: str, headers: dict[str, str], limit: int, deadline: float) -> Response:
        try:
            with self._client.stream("GET", url, headers=headers) as r:
                kept = {k.lower(): v for k, v in r.headers.items()}
                if r.status_code >= 400:
                    raise FetchError(
                        f"HTTP {r.status_code} {r.reason_phrase}".strip(),
                        status=r.status_code,
                        retry_after=kept.get("retry-after"),
                    )
                declared = kept.get("content-length", "")
                if declared.isdigit() and int(declared) > limit:
                    raise FetchError(f"response is {int(declared)} bytes, over the size limit")
                chunks, size = [], 0
                # iter_bytes yields *decompressed* bytes, so a gzip bomb trips
                # this limit as soon as it expands past it.
                for chunk in r.iter_bytes():
                    size += len(chunk)
                    if size > limit:
                        raise FetchError(f"response exceeds the {limit} byte limit")
                    if time.monotonic() > deadline:
                        raise FetchError(self._too_long())
                    chunks.append(chunk)
                return Response(str(r.url), r.status_code, kept, b"".join(chunks))
        except httpx.TimeoutException:
            raise  # worded by ``_request``, which knows whether the total passed
        except httpx.DecodingError as exc:
            raise FetchError("the response body is corrupt (bad compression)") from exc
        except httpx.UnsupportedProtocol as exc:
            scheme = urlsplit(url).scheme
            raise FetchError(f"only http and https URLs can be fetched, not {scheme!r}") from exc
        except httpx.InvalidURL as exc:
            raise FetchError(f"not a valid URL: {exc}") from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"cannot connect: {exc}") from exc


def host_key(url: str) -> str:
    """What politeness counts as one host: the name and port."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError(f"only http and https URLs can be fetched, not {parts.scheme!r}")
    if not parts.hostname:
        raise FetchError("the URL has no host")
    try:
        port = parts.port
    except ValueError as exc:
        raise FetchError(f"not a valid URL: {exc}") from exc
    return f"{parts.hostname.lower()}:{port or (443 if parts.scheme == 'https' else 80)}"


def retry_after_seconds(value: str) -> float | None:
    """Seconds from a Retry-After header (a number of seconds or an HTTP date)."""
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - time.time())
