"""`make demo`'s path end to end: newswire, polling, stories, and the reader over HTTP."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_demo_serves_a_multi_outlet_briefing(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "PARALLAX_DB": str(tmp_path / "demo.db")}
    process = subprocess.Popen(
        [sys.executable, "-m", "parallax", "demo", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        output = []
        deadline = time.monotonic() + 240
        assert process.stdout is not None
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            output.append(line)
            if "Parallax reader:" in line:
                break
        text = "".join(output)
        assert "Parallax reader: http://localhost:" in text, text
        summary = re.search(r"imported (\d+).*failed (\d+), stories touched (\d+)", text)
        assert summary, text
        imported, failed, stories = map(int, summary.groups())
        assert imported >= 10 and failed == 0 and stories >= 5

        base = f"http://127.0.0.1:{port}"
        for _ in range(50):
            try:
                front = httpx.get(base + "/", timeout=5)
                break
            except httpx.ConnectError:
                time.sleep(0.2)
        assert front.status_code == 200
        api = httpx.get(base + "/api/stories", timeout=5).json()
        items = api["stories"] if isinstance(api, dict) else api
        biggest = max(items, key=lambda s: s["n_sources"])
        assert biggest["n_sources"] >= 4
        page = httpx.get(f"{base}/stories/{biggest['id']}", timeout=10)
        assert page.status_code == 200 and biggest["title"].split()[0] in page.text
        story = httpx.get(f"{base}/api/stories/{biggest['id']}", timeout=10).json()
        # The wire story's reprint is recognised and not counted as an outlet of its own.
        assert any(a["duplicate_of"] for a in story["articles"])
        assert story["independent_sources"] >= 4
        cited = {i for s in story["summary"] for i in s["article_ids"]}
        assert len({a["source"] for a in story["articles"] if a["id"] in cited}) >= 3
        assert any(len(e["aliases"]) > 1 for e in story["entities"])
        assert story["quotes"] and story["timeline"]
    finally:
        process.terminate()
        process.wait(timeout=20)
