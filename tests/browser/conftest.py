"""Real-browser tests: Debian's Chromium, driven by Playwright, against the
reader served by a real uvicorn server on 127.0.0.1.

Playwright is used without its own browser download: it launches
``/usr/bin/chromium`` (``apt-get install chromium``; ``make test`` installs it
when it can).  Without it these tests skip and say why.  Screenshots go to
``tests/artifacts/`` (ignored by git).
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from parallax.store import Store
from parallax.web import create_app

from ..conftest import Demo
from ..web.conftest import DAY, add_story, build_store

CHROMIUM = Path("/usr/bin/chromium")
OLD = DAY - timedelta(days=30)
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


class Served:
    """The reader on a free port of 127.0.0.1, in a background thread."""

    def __init__(self, store: Store) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        config = uvicorn.Config(create_app(store), host="127.0.0.1", port=port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the reader did not start")
            time.sleep(0.05)
        self.base = f"http://127.0.0.1:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def close(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None:
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium (make test does it)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM))
        yield launched
        launched.close()


@pytest.fixture()
def reader(tmp_path: Path) -> Iterator[Served]:
    store = build_store(tmp_path / "browser.db")
    # Enough stories for a second page, all older than the hand-written ones.
    for i in range(24):
        add_story(store, f"more{i:02d}", f"Filler story number {i:02d}", [], None, OLD)
    served = Served(store)
    yield served
    served.close()
    store.close()


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    yield opened
    context.close()


def shoot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    # The first screen alone, as a reader sees it on opening the page.
    page.screenshot(path=str(ARTIFACTS / f"{name}-top.png"))
    return path


@pytest.fixture(scope="session")
def demo(browser: Any, demo_server: Demo) -> Demo:
    """The one ``parallax demo`` of the session, once the browser is known to run."""
    return demo_server
