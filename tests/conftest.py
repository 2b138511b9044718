"""Shared fixtures: the real-data folder, a real SQLite store, a local HTTP server."""

from __future__ import annotations

import importlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType, ModuleType

import httpx
import pytest

from parallax.nlp import model_cache
from parallax.store import Store

pytest_plugins = ["tests.pg"]  # the PostgreSQL server and the per-backend ``db_url``

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"


def pytest_configure(config: pytest.Config) -> None:
    """The quality floors parse and embed the same articles on every run: keep
    what the models computed (keyed by their versions and each text) in pytest's
    own cache folder, which git ignores and ``--cache-clear`` empties.  The first
    run fills it, and the CLI processes the tests start share it (they inherit
    the setting).  ``PARALLAX_MODEL_CACHE=DIR`` puts it elsewhere; set empty,
    nothing is kept."""
    cache = getattr(config, "cache", None)  # absent with -p no:cacheprovider
    folder = cache.mkdir("parallax-models") if cache else ROOT / ".pytest_cache" / "models"
    os.environ.setdefault(model_cache.ENV, str(folder))


SHARED_SCOPES = {"module", "class", "package"}


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under pytest-xdist (``make test`` runs ``-n auto --dist loadgroup``), which
    tests must share a worker, and which start first.

    A file whose tests share a module fixture (a corpus parsed, a pipeline run)
    stays on one worker, and so do the browser tests and the readers of the one
    ``parallax demo``, which takes a minute to build; every other test goes to
    whichever worker is free.  The tests marked ``slow`` and the demo's are
    handed out first, so that none of them is left running alone at the end
    (with ``--no-loadscope-reorder``, which keeps this order)."""
    if not hasattr(config, "workerinput"):
        return  # not a pytest-xdist worker: the order and the groups are moot
    first: set[str] = set()
    for item in items:
        path = item.nodeid.split("::")[0]
        fixtures = getattr(item, "_fixtureinfo", None)
        scopes = {
            d.scope
            for defs in (fixtures.name2fixturedefs.values() if fixtures else [])
            for d in defs
        }
        if path.startswith("tests/browser/") or "demo_server" in item.fixturenames:
            item.add_marker(pytest.mark.xdist_group("demo"))
            first.add(item.nodeid)  # the demo runs the models and the pipeline
        elif scopes & SHARED_SCOPES:
            item.add_marker(pytest.mark.xdist_group(path))
        if item.get_closest_marker("slow"):
            first.add(item.nodeid)
    items.sort(key=lambda item: item.nodeid not in first)


def shared_data(*parts: str) -> Path:
    """A path under ../shared/data, or a skip saying what is missing."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is missing: put the shared data folder beside the repository")
    return path


def bench_module(name: str, *data: str) -> ModuleType:
    """A script of bench/ as a module, for the quality floors it measures; a skip
    when the shared data it reads (``data``, folders under ../shared/data) is missing."""
    for folder in data:
        shared_data(folder)
    # bench/ too: a script there imports its sibling modules as a run from its folder does.
    paths = [str(ROOT), str(ROOT / "bench")]
    sys.path[:0] = paths
    try:
        return importlib.import_module(f"bench.{name}")
    finally:
        for path in paths:
            sys.path.remove(path)


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    opened = Store.open(db_url)
    yield opened
    opened.close()


Route = Callable[[BaseHTTPRequestHandler], None]


class LocalServer:
    """A real HTTP server on 127.0.0.1 whose paths are answered by test-supplied handlers."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[tuple[str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.hits.append((self.path, dict(self.headers.items())))
                route = server.routes.get(self.path)
                if route is None:
                    self.send_error(404)
                    return
                route(self)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def serve(
        self,
        path: str,
        body: bytes | str,
        status: int = 200,
        content_type: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        data = body.encode() if isinstance(body, str) else body

        def route(handler: BaseHTTPRequestHandler) -> None:
            handler.send_response(status)
            handler.send_header("Content-Type", content_type)
            handler.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                handler.send_header(key, value)
            handler.end_headers()
            handler.wfile.write(data)

        self.routes[path] = route

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def http_server() -> Iterator[LocalServer]:
    server = LocalServer()
    yield server
    server.close()


@dataclass
class Ran:
    """What a command printed and returned, named as ``subprocess.run`` names them."""

    returncode: int
    stdout: str
    stderr: str


def run_cli(
    *args: str, stdin: str | None = None, env: dict[str, str] | None = None, timeout: int = 300
) -> Ran:
    """``parallax ARGS`` through the installed command's own entry point
    (``cli.main``, which turns failures into exit codes and error lines), inside
    this process: the same code a user runs, without a new interpreter and a
    fresh load of the models for each command.  Tests of what only a separate
    process shows (the entry point, a pipe, a terminal, a server) start one.

    ``timeout`` ends a command that starts serving by mistake: the alarm's error
    then fails the test instead of leaving it waiting."""
    from typer.testing import CliRunner

    from parallax import cli

    def stop(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError(f"parallax {' '.join(args)} still running after {timeout} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(timeout)
    argv, code = sys.argv, 0
    try:
        with CliRunner().isolation(input=stdin, env=env) as (stdout, stderr, _):
            sys.argv = ["parallax", *args]
            try:
                cli.main()
            except SystemExit as exit:
                code = exit.code if isinstance(exit.code, int) else int(exit.code is not None)
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                printed, errors = stdout.getvalue().decode(), stderr.getvalue().decode()
    finally:
        sys.argv = argv
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    return Ran(code, printed, errors)


class Demo:
    """``parallax demo`` as a reader runs it: the sample newswire polled into a
    fresh database and served, in a subprocess of its own."""

    def __init__(self, db: Path) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "parallax", "demo", "--port", str(port)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "PARALLAX_DB": str(db)},
        )
        self.base = f"http://127.0.0.1:{port}"
        assert self.process.stdout is not None
        # The first run loads the language models: allow for a slow machine.
        deadline = time.monotonic() + 300
        seen = []
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            seen.append(line)
            if "Parallax reader:" in line:
                break
        else:
            self.close()
            raise RuntimeError("the demo did not start:\n" + "".join(seen))
        self.output = "".join(seen)  # what it printed up to the reader's address
        for _ in range(100):
            try:
                stories = httpx.get(self.base + "/api/stories", timeout=5).json()
                break
            except httpx.TransportError:
                time.sleep(0.2)
        items = stories["stories"] if isinstance(stories, dict) else stories
        self.main_story = max(items, key=lambda s: s["n_sources"])["id"]

    def url(self, path: str) -> str:
        return self.base + path

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """One ``parallax demo`` for the session: polling the newswire and building
    its stories is a minute or more, and the tests that read it only read."""
    served = Demo(tmp_path_factory.mktemp("demo") / "demo.db")
    yield served
    served.close()
