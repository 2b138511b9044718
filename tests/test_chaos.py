"""A short ``bench/chaos.py``: imports killed with SIGKILL and resumed, three importers
of overlapping files at once, and a server answering throughout, on one SQLite file.

The importers are real processes running ``parallax import``.  With the suite's
model cache warm the models read most parses and vectors from it; still the test
starts a server, a forkserver and eight imports, and took 195 s at a load
average of 11 on 2 cores.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ROOT, bench_module, shared_data

pytestmark = pytest.mark.slow


def test_killed_and_racing_imports_lose_and_repeat_nothing_while_pages_are_served(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chaos = bench_module("chaos", "bbc")
    # The importers are forked from a process that imports bench.chaos to run them.
    monkeypatch.syspath_prepend(str(ROOT))
    # 40 articles: a whole batch of 32 and a part.  Three kill points: inside the
    # first batch's transaction, just after a batch commits, and among the
    # briefings the next run writes for the stories the killed run left unbriefed.
    tally = chaos.chaos(
        shared_data(), tmp_path, articles=40, kills=3, importers=3, racing_articles=18
    )
    print(tally.table())
    assert tally.missed == []
    rows = tally.rows
    assert rows["kill -9 points"] == (3, 3)
    assert rows["articles lost"][0] == rows["articles stored twice"][0] == 0
    assert rows["racing importers that died"][0] == 0
    assert rows["racing importers: imported in all"] == (18, 18)
    assert rows["web requests answered"][0] > 0
    assert rows["web 5xx answers"][0] == rows["web connection errors"][0] == 0
