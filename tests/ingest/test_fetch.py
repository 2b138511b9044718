"""The fetcher against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import gzip
import itertools
import shutil
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from parallax.ingest.fetch import AddressGuard, Fetcher, FetchError, FetchSettings
from parallax.settings import Settings, SettingsError
from tests.conftest import LocalServer


def local(**kw: object) -> Fetcher:
    """A fetcher allowed to reach the test server; no politeness gap unless a test asks."""
    kw = {"host_delay": 0.0, **kw}
    return Fetcher(FetchSettings(allow=("127.0.0.1",), **kw))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/feed",
        "http://10.1.2.3/feed",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/x",
        "http://localhost/feed",
        "http://192.168.0.1/",
        "http://[::127.0.0.1]/x",  # IPv4-compatible IPv6
        "http://[::a00:1]/x",
        "http://[64:ff9b::7f00:1]/x",  # NAT64 of 127.0.0.1
        "http://[64:ff9b::a9fe:a9fe]/x",  # NAT64 of 169.254.169.254
        "http://[64:ff9b:1::808:808]/x",  # a site's own NAT64 prefix
    ],
)
def test_non_public_addresses_are_refused_by_default(url: str) -> None:
    with Fetcher() as fetcher, pytest.raises(FetchError, match="non-public address"):
        fetcher.get(url)


def test_only_http_urls_are_fetched() -> None:
    with Fetcher() as fetcher, pytest.raises(FetchError, match="only http and https"):
        fetcher.get("file:///etc/passwd")


def test_allow_list_reenables_loopback(http_server: LocalServer) -> None:
    http_server.serve("/page", "<p>hello</p>")
    with local() as fetcher:
        response = fetcher.get(http_server.url + "/page")
    assert response.status == 200 and response.text == "<p>hello</p>"
    assert http_server.hits[0][1]["User-Agent"].startswith("Parallax/")


def test_redirects_are_followed_and_rechecked(http_server: LocalServer) -> None:
    http_server.serve("/old", "", status=301, headers={"Location": "/new"})
    http_server.serve("/new", "moved here")
    http_server.serve(
        "/evil", "", status=302, headers={"Location": "http://169.254.169.254/latest/meta-data"}
    )
    with local() as fetcher:
        assert fetcher.get(http_server.url + "/old").text == "moved here"
        with pytest.raises(FetchError, match="non-public"):
            fetcher.get(http_server.url + "/evil")


def test_endless_redirects_stop(http_server: LocalServer) -> None:
    http_server.serve("/loop", "", status=302, headers={"Location": "/loop"})
    with local(max_redirects=3) as fetcher, pytest.raises(FetchError, match="more than 3"):
        fetcher.get(http_server.url + "/loop")


def test_http_errors_carry_status_and_retry_after(http_server: LocalServer) -> None:
    http_server.serve("/busy", "slow down", status=429, headers={"Retry-After": "120"})
    with local() as fetcher, pytest.raises(FetchError) as caught:
        fetcher.get(http_server.url + "/busy")
    assert caught.value.status == 429 and caught.value.retry_after == "120"
    assert "HTTP 429" in str(caught.value)


def test_oversized_and_bomb_bodies_are_cut_off(http_server: LocalServer) -> None:
    http_server.serve("/big", b"x" * 5000)
    bomb = gzip.compress(b"\0" * 3_000_000)
    http_server.serve("/bomb", bomb, headers={"Content-Encoding": "gzip"})
    with local(max_bytes=1000) as fetcher, pytest.raises(FetchError, match="over the size"):
        fetcher.get(http_server.url + "/big")
    assert len(bomb) < 10_000
    with local(max_bytes=100_000) as fetcher, pytest.raises(FetchError, match="byte limit"):
        fetcher.get(http_server.url + "/bomb")


def test_timeouts_are_readable(http_server: LocalServer) -> None:
    def slow(handler: BaseHTTPRequestHandler) -> None:
        time.sleep(1.5)
        handler.send_response(200)
        handler.end_headers()

    http_server.routes["/slow"] = slow
    with local(read_timeout=0.3) as fetcher, pytest.raises(FetchError, match="timed out"):
        fetcher.get(http_server.url + "/slow")


# --- addresses: checked where the connection is made ----------------------------


def test_a_name_resolving_to_a_non_public_address_is_refused() -> None:
    # A resolver hook stands in for DNS (no network here): each name answers
    # with one of the addresses a hostile feed would aim at.
    answers = {"intranet.test": "10.0.0.7", "metadata.test": "169.254.169.254"}
    answers["loopback.test"] = "127.0.0.1"
    with Fetcher(resolve=lambda host, port: [answers[host]]) as fetcher:
        for name, address in answers.items():
            refusal = f"{name} resolves to the non-public address {address}"
            with pytest.raises(FetchError, match=refusal):
                fetcher.get(f"http://{name}/feed")


def test_ipv4_wrapped_in_ipv6_is_judged_as_ipv4() -> None:
    with Fetcher() as fetcher, pytest.raises(FetchError, match="non-public"):
        fetcher.get("http://[::ffff:127.0.0.1]/")


def test_ipv6_forms_of_a_public_ipv4_address_stay_public() -> None:
    guard = AddressGuard(())
    for address in ("64:ff9b::808:808", "::ffff:808:808", "2606:4700:4700::1111"):
        assert [str(a) for a in guard.addresses(address, 80)] == [address]


def test_the_connection_goes_to_the_address_that_was_checked(http_server: LocalServer) -> None:
    """DNS rebinding: a second lookup would answer with a forbidden address.

    The names exist only in this resolver, so reaching the server at all shows
    the socket used the checked answer rather than resolving the name again."""
    http_server.serve("/page", "<p>hello</p>")
    port = http_server.url.rsplit(":", 1)[1]
    lookups: list[str] = []

    def rebinding(host: str, port: int) -> list[str]:
        lookups.append(host)
        return ["127.0.0.1"] if len(lookups) == 1 else ["10.9.9.9"]

    settings = FetchSettings(allow=("127.0.0.1",), host_delay=0)
    with Fetcher(settings, resolve=rebinding) as fetcher:
        assert fetcher.get(f"http://news.test:{port}/page").text == "<p>hello</p>"
        assert lookups == ["news.test"]
        assert http_server.hits[0][1]["Host"] == f"news.test:{port}"
        # The server closes each connection; the next one is looked up and checked anew.
        with pytest.raises(FetchError, match=r"non-public address 10\.9\.9\.9"):
            fetcher.get(f"http://news.test:{port}/page")
    assert len(http_server.hits) == 1


def test_a_redirect_to_a_name_for_a_private_address_is_refused(http_server: LocalServer) -> None:
    http_server.serve("/go", "", status=302, headers={"Location": "http://intranet.test/admin"})
    names = {"127.0.0.1": "127.0.0.1", "intranet.test": "10.1.2.3"}
    settings = FetchSettings(allow=("127.0.0.1",), host_delay=0)
    with (
        Fetcher(settings, resolve=lambda host, port: [names[host]]) as fetcher,
        pytest.raises(FetchError, match=r"intranet\.test resolves to the non-public"),
    ):
        fetcher.get(http_server.url + "/go")


def test_an_allowed_network_lets_a_name_through(http_server: LocalServer) -> None:
    http_server.serve("/feed", "ok")
    port = http_server.url.rsplit(":", 1)[1]
    settings = FetchSettings(allow=("127.0.0.0/8",), host_delay=0)
    with Fetcher(settings, resolve=lambda host, port: ["127.0.0.1"]) as fetcher:
        assert fetcher.get(f"http://wire.test:{port}/feed").text == "ok"


# --- bodies, time and charsets ---------------------------------------------------


def endless(handler: BaseHTTPRequestHandler, declared: str | None = None) -> None:
    """A body that never ends (stands in for a 10 GB download)."""
    handler.send_response(200)
    handler.send_header("Content-Type", "application/rss+xml")
    if declared:
        handler.send_header("Content-Length", declared)
    handler.end_headers()
    chunk = b"<item>" + b"x" * 65536 + b"</item>"
    try:
        while True:
            handler.wfile.write(chunk)
    except OSError:
        pass  # the fetcher hung up, as it should


def test_an_endless_body_stops_at_the_limit(http_server: LocalServer) -> None:
    http_server.routes["/endless"] = endless
    with local(max_bytes=1_000_000) as fetcher, pytest.raises(FetchError, match="byte limit"):
        fetcher.get(http_server.url + "/endless")


def test_a_declared_10_gb_body_is_refused_before_reading(http_server: LocalServer) -> None:
    http_server.routes["/huge"] = lambda h: endless(h, declared=str(10 * 1024**3))
    with local() as fetcher, pytest.raises(FetchError, match="10737418240 bytes, over the size"):
        fetcher.get(http_server.url + "/huge")


def test_a_dripping_server_hits_the_total_timeout(http_server: LocalServer) -> None:
    def drip(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        try:
            for _ in range(40):  # each byte comes well within the read timeout
                handler.wfile.write(b"1\r\nx\r\n")
                handler.wfile.flush()
                time.sleep(0.1)
            handler.wfile.write(b"0\r\n\r\n")
        except OSError:
            pass

    http_server.routes["/drip"] = drip
    with (
        local(read_timeout=2, total_timeout=0.5) as fetcher,
        pytest.raises(FetchError, match=r"took over 0\.5 s"),
    ):
        fetcher.get(http_server.url + "/drip")


def test_a_server_dripping_header_lines_hits_the_total_timeout(http_server: LocalServer) -> None:
    # F1: each header line came within the read timeout, so no read ever timed out
    # and the total limit, checked only while reading the body, never applied.
    def drip_headers(handler: BaseHTTPRequestHandler) -> None:
        try:
            handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
            for n in range(100):  # 20 s of headers, unless the client gives up
                handler.wfile.write(f"X-Drip-{n}: 1\r\n".encode())
                handler.wfile.flush()
                time.sleep(0.2)
            handler.wfile.write(b"Content-Length: 0\r\n\r\n")
        except OSError:
            pass

    http_server.routes["/drip-headers"] = drip_headers
    started = time.monotonic()
    with (
        local(read_timeout=2, total_timeout=1) as fetcher,
        pytest.raises(FetchError, match=r"took over 1 s"),
    ):
        fetcher.get(http_server.url + "/drip-headers")
    assert time.monotonic() - started < 8  # the limit's 1 s with room for a loaded machine


def test_wrong_charset_headers_are_corrected(http_server: LocalServer) -> None:
    text = "Grève générale: les dockers réclament 12 % de hausse, dit le délégué."
    body = f"<html><head><meta charset='windows-1252'></head><body><p>{text}</p></body></html>"
    http_server.serve("/fr", body.encode("cp1252"), content_type="text/html; charset=utf-8")
    http_server.serve("/fr8", body.encode("utf-8"), content_type="text/html; charset=iso-8859-1")
    with local() as fetcher:
        assert text in fetcher.get(http_server.url + "/fr").text
        assert text in fetcher.get(http_server.url + "/fr8").text


@pytest.mark.parametrize("status", [404, 410, 500])
def test_error_statuses_are_readable(http_server: LocalServer, status: int) -> None:
    http_server.serve("/x", "no", status=status)
    with local() as fetcher, pytest.raises(FetchError, match=f"HTTP {status}") as caught:
        fetcher.get(http_server.url + "/x")
    assert caught.value.status == status


# --- politeness ------------------------------------------------------------------


def test_one_host_gets_one_request_at_a_time_with_a_gap(http_server: LocalServer) -> None:
    active, most, starts = [0], [0], []
    lock = threading.Lock()

    def slow(handler: BaseHTTPRequestHandler) -> None:
        with lock:
            active[0] += 1
            most[0] = max(most[0], active[0])
            starts.append(time.monotonic())
        time.sleep(0.1)
        with lock:
            active[0] -= 1
        handler.send_response(200)
        handler.send_header("Content-Length", "2")
        handler.end_headers()
        handler.wfile.write(b"ok")

    http_server.routes["/slow"] = slow
    with local(host_delay=0.2) as fetcher:
        threads = [
            threading.Thread(target=fetcher.get, args=(http_server.url + "/slow",))
            for _ in range(3)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert most[0] == 1 and len(starts) == 3
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert all(gap >= 0.2 + 0.1 - 0.02 for gap in gaps), gaps  # the request, then the gap


def test_other_hosts_do_not_wait_for_each_other(http_server: LocalServer) -> None:
    active, most = [0], [0]
    lock = threading.Lock()

    def slow(handler: BaseHTTPRequestHandler) -> None:
        with lock:
            active[0] += 1
            most[0] = max(most[0], active[0])
        time.sleep(0.3)
        with lock:
            active[0] -= 1
        handler.send_response(200)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    http_server.routes["/slow"] = slow
    port = http_server.url.rsplit(":", 1)[1]
    settings = FetchSettings(allow=("127.0.0.1",), host_delay=5)
    with Fetcher(settings, resolve=lambda host, port: ["127.0.0.1"]) as fetcher:
        threads = [
            threading.Thread(target=fetcher.get, args=(f"http://{name}:{port}/slow",))
            for name in ("one.test", "two.test")
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert most[0] == 2


def test_retry_after_keeps_the_fetcher_away_from_the_host(http_server: LocalServer) -> None:
    http_server.serve("/busy", "slow down", status=429, headers={"Retry-After": "600"})
    http_server.serve("/other", "fine")
    with local(host_delay=0, max_wait=5) as fetcher:
        with pytest.raises(FetchError, match="HTTP 429"):
            fetcher.get(http_server.url + "/busy")
        with pytest.raises(FetchError, match="asked us to wait") as caught:
            fetcher.get(http_server.url + "/other")
    assert caught.value.retry_after and int(caught.value.retry_after) > 590
    assert [path for path, _ in http_server.hits] == ["/busy"]


# --- settings --------------------------------------------------------------------


def test_settings_come_from_the_environment() -> None:
    env = {"PARALLAX_FETCH_MAX_BYTES": "2048", "PARALLAX_FETCH_READ_TIMEOUT": "3.5"}
    settings = Settings.from_env(env).fetching(allow=("10.0.0.0/8",)).fetch
    assert settings.max_bytes == 2048 and settings.read_timeout == 3.5
    assert settings.allow == ("10.0.0.0/8",) and settings.max_redirects == 5
    with pytest.raises(SettingsError, match=r"\$PARALLAX_FETCH_MAX_BYTES is 'ten'"):
        Settings.from_env({"PARALLAX_FETCH_MAX_BYTES": "ten"})
    with pytest.raises(SettingsError, match=r"\$PARALLAX_FETCH_HOST_DELAY is '-1'"):
        Settings.from_env({"PARALLAX_FETCH_HOST_DELAY": "-1"})


def test_only_permanent_redirects_report_a_new_address(http_server: LocalServer) -> None:
    http_server.serve("/old", "", status=301, headers={"Location": "/older"})
    http_server.serve("/older", "", status=308, headers={"Location": "/feed"})
    http_server.serve("/temp", "", status=302, headers={"Location": "/feed"})
    http_server.serve("/mixed", "", status=301, headers={"Location": "/temp"})
    http_server.serve("/feed", "here")
    with local() as fetcher:
        assert fetcher.get(http_server.url + "/old").moved_to == http_server.url + "/feed"
        assert fetcher.get(http_server.url + "/temp").moved_to is None
        assert fetcher.get(http_server.url + "/mixed").moved_to is None
        assert fetcher.get(http_server.url + "/feed").moved_to is None


# --- TLS: the socket goes to the checked address, the certificate is checked by name ---


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A real HTTPS server on 127.0.0.1 whose certificate names news.test only."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    request = "req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=news.test"
    request += " -addext subjectAltName=DNS:news.test"
    subprocess.run(
        [openssl, *request.split(), "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = f"host={self.headers['Host']}".encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield str(httpd.server_address[1]), cert
    httpd.shutdown()
    httpd.server_close()


def test_tls_verifies_the_host_name_while_connecting_to_the_checked_address(
    tls_server: tuple[str, Path],
) -> None:
    port, cert = tls_server
    settings = FetchSettings(allow=("127.0.0.1",), host_delay=0, ca_file=str(cert))
    with Fetcher(settings, resolve=lambda host, port: ["127.0.0.1"]) as fetcher:
        assert fetcher.get(f"https://news.test:{port}/").text == f"host=news.test:{port}"
        # Same address, another name: the certificate does not cover it.
        with pytest.raises(FetchError, match="certificate"):
            fetcher.get(f"https://other.test:{port}/")


def test_an_unreadable_ca_file_is_a_readable_error(tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="cannot use the CA file"):
        Fetcher(FetchSettings(ca_file=str(tmp_path / "missing.pem")))
