"""The throughput benchmark's bookkeeping: a run stopped part-way resumes
after its last logged poll, and the figures come from the log."""

from __future__ import annotations

from pathlib import Path

import pytest

from parallax.store import Store
from tests.conftest import SHARED_DATA, bench_module


def _shape(entries: list[dict[str, float]]) -> list[tuple[float, bool]]:
    return [(e["done"], bool(e.get("probe"))) for e in entries]


@pytest.mark.slow
def test_a_stopped_run_resumes_after_its_last_poll(tmp_path: Path) -> None:
    throughput = bench_module("throughput", "bbc")
    first = throughput.import_until(SHARED_DATA, tmp_path, 20, 10, probe=2)
    # Each sitting times the models alone before its first poll.
    assert _shape(first) == [(0, True), (10, False), (20, False)]
    # A later sitting asks for more: only the new articles are imported.
    entries = throughput.import_until(SHARED_DATA, tmp_path, 30, 10, probe=2)
    assert _shape(entries) == [(0, True), (10, False), (20, False), (20, True), (30, False)]
    assert throughput.read_log(tmp_path / "log.jsonl") == entries
    assert all(e["cpu"] > 0 for e in entries)
    assert all(e["failed"] == 0 for e in entries if not e.get("probe"))
    store = Store.open(str(tmp_path / "throughput.db"))
    assert store.count_articles() == 30
    store.close()


def test_cost_reads_the_polls_within_a_range() -> None:
    throughput = bench_module("throughput", "bbc")
    entries = [
        {"probe": True, "done": 0, "wall": 9.0, "cpu": 9.0},
        {"done": 10, "articles": 10, "wall": 1.0, "cpu": 2.0},
        {"done": 20, "articles": 10, "wall": 3.0, "cpu": 4.0},
    ]
    assert throughput.cost(entries, 0, 20) == (0.2, 0.3)
    assert throughput.cost(entries, 10, 20) == (0.3, 0.4)


def test_a_polls_cost_is_read_against_the_models_timed_before_it() -> None:
    throughput = bench_module("throughput", "bbc")
    entries = [
        {"probe": True, "done": 0, "wall": 0.1, "cpu": 0.2},
        {"done": 10, "articles": 10, "wall": 2.0, "cpu": 4.0},
        # The machine slowed down: the models alone now take twice as long.
        {"probe": True, "done": 10, "wall": 0.2, "cpu": 0.4},
        {"done": 20, "articles": 10, "wall": 6.0, "cpu": 8.0},
    ]
    assert throughput.against_models(entries, 0, 10) == pytest.approx((2.0, 2.0))
    assert throughput.against_models(entries, 10, 20) == pytest.approx((3.0, 2.0))
    assert throughput.against_models(entries, 0, 20) == pytest.approx((8 / 3, 2.0))


def test_polls_before_any_timing_of_the_models_are_not_read_against_them() -> None:
    throughput = bench_module("throughput", "bbc")
    entries = [  # a log written before the bench timed the models beside the polls
        {"done": 10, "articles": 10, "wall": 2.0, "cpu": 4.0},
        {"probe": True, "done": 10, "wall": 0.1, "cpu": 0.2},
        {"done": 20, "articles": 10, "wall": 3.0, "cpu": 4.0},
    ]
    assert throughput.against_models(entries, 0, 20) == pytest.approx((3.0, 2.0))


@pytest.mark.slow
def test_polls_a_killed_run_stored_but_never_logged_are_left_out_of_the_costs(
    tmp_path: Path,
) -> None:
    throughput = bench_module("throughput", "bbc")
    throughput.import_until(SHARED_DATA, tmp_path, 20, 10, probe=2)
    # Killed after storing the second poll but before logging it.
    log = tmp_path / "log.jsonl"
    log.write_text("".join(line + "\n" for line in log.read_text().splitlines()[:2]))
    entries = throughput.import_until(SHARED_DATA, tmp_path, 30, 10, probe=2)
    polls = [(e["done"], e["partial"]) for e in entries if not e.get("probe")]
    assert polls == [(10, False), (20, True), (30, False)]
    assert throughput.cost(entries, 10, 30) == throughput.cost(entries, 20, 30)
