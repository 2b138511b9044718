"""The throughput benchmark's bookkeeping: a run stopped part-way resumes
after its last logged poll, and the figures come from the log."""

from __future__ import annotations

from pathlib import Path

import pytest

from parallax.store import Store
from tests.conftest import SHARED_DATA, bench_module


@pytest.mark.slow
def test_a_stopped_run_resumes_after_its_last_poll(tmp_path: Path) -> None:
    throughput = bench_module("throughput", "bbc")
    first = throughput.import_until(SHARED_DATA, tmp_path, 20, 10)
    assert [p["done"] for p in first] == [10, 20]
    # A later sitting asks for more: only the new articles are imported.
    polls = throughput.import_until(SHARED_DATA, tmp_path, 30, 10)
    assert [p["done"] for p in polls] == [10, 20, 30]
    assert throughput.read_log(tmp_path / "log.jsonl") == polls
    assert all(p["failed"] == 0 and p["cpu"] > 0 for p in polls)
    store = Store.open(str(tmp_path / "throughput.db"))
    assert store.count_articles() == 30
    store.close()


def test_cost_reads_the_polls_within_a_range() -> None:
    throughput = bench_module("throughput", "bbc")
    polls = [
        {"done": 10, "articles": 10, "wall": 1.0, "cpu": 2.0},
        {"done": 20, "articles": 10, "wall": 3.0, "cpu": 4.0},
    ]
    assert throughput.cost(polls, 0, 20) == (0.2, 0.3)
    assert throughput.cost(polls, 10, 20) == (0.3, 0.4)


@pytest.mark.slow
def test_polls_a_killed_run_stored_but_never_logged_are_left_out_of_the_costs(
    tmp_path: Path,
) -> None:
    throughput = bench_module("throughput", "bbc")
    throughput.import_until(SHARED_DATA, tmp_path, 20, 10)
    # Killed after storing the second poll but before logging it.
    log = tmp_path / "log.jsonl"
    log.write_text(log.read_text().splitlines()[0] + "\n")
    polls = throughput.import_until(SHARED_DATA, tmp_path, 30, 10)
    assert [(p["done"], p["partial"]) for p in polls] == [(10, False), (20, True), (30, False)]
    assert throughput.cost(polls, 10, 30) == throughput.cost(polls, 20, 30)
