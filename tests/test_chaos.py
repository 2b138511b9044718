"""A short ``bench/chaos.py``: imports killed with SIGKILL and resumed, three importers
of overlapping files at once, and a server answering throughout, on one SQLite file.

The importers are real processes running ``parallax import``.  With the suite's
model cache warm the models read most parses and vectors from it; still the test
starts a server, a forkserver and eight imports, and took 195 s at a load
average of 11 on 2 cores.
"""

from __future__ import annotations

import random
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


def test_kill_points_are_each_reached_and_fall_along_the_whole_import() -> None:
    """At 3,000 articles the kills must not all fall in the first batches (each run's
    first batch was the old rule) nor ask for a batch the run never reaches."""
    chaos = bench_module("chaos")
    batch = chaos.BATCH
    finals = []
    for seed in range(1, 21):
        rng = random.Random(seed)
        stored, kills = 0, 20
        for k in range(kills):
            site = chaos.SITES[k % len(chaos.SITES)]
            left = 3000 - stored
            ahead = sum(
                chaos.SITES[j % len(chaos.SITES)] in chaos.ADVANCING for j in range(k, kills)
            )
            n = chaos.kill_point(site, rng, left, ahead, dirty=40)
            batches = -(-left // batch)
            # What the killed run stores before it dies, as each hook is placed.
            if site == "writing":
                assert 1 <= n <= left
                stored += (n - 1) // batch * batch
            elif site == "committed":
                assert 1 <= n <= batches
                stored = min(3000, stored + n * batch)
            elif site == "parsing":
                assert 1 <= n <= batches
                stored += (n - 1) * batch
            elif site == "briefing":
                assert 1 <= n <= 40
        finals.append(3000 - stored)
    # The final run has about one killed run's share left (157 articles on average
    # over these seeds), not most of the import (the old rule, each run killed in
    # its first batch, left 2,872: one batch stored every five kills).
    assert max(finals) < 1000
    assert sum(finals) / len(finals) < 400
