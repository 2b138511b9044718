"""Clustering quality floors on real stories.

- BASIL events among BBC distractors: all of BASIL and every fourth BBC article
  (857 articles, to keep it short).
- allsides-dev: 602 reports of 209 multi-outlet stories, many on one subject in
  one week, streamed in date order.  bench/clustering.py chose the rule on one
  half of it and measured the other; this gate streams all of it.
"""

from __future__ import annotations

from types import ModuleType

import pytest

from tests.conftest import bench_module, shared_data

pytestmark = [pytest.mark.data, pytest.mark.slow]


@pytest.fixture(scope="module")
def bench_clustering() -> ModuleType:
    return bench_module("clustering", "basil", "bbc", "allsides-dev")


def test_streaming_b_cubed_f1_stays_above_the_goal(bench_clustering: ModuleType) -> None:
    events = bench_clustering.basil(shared_data())
    dates = [a.published for a, _ in events if a.published]
    distractors = bench_clustering.bbc(shared_data(), min(dates), max(dates))[::4]
    items = sorted(events + distractors, key=lambda x: (x[0].published, x[0].id))
    gold = {a.id: g for a, g in items}
    predicted = bench_clustering.stream(items, bench_clustering.vectorise(items))
    precision, recall, f1 = bench_clustering.b_cubed(predicted, gold, list(gold))
    print(f"B3 P {precision:.3f} R {recall:.3f} F1 {f1:.3f} on {len(items)} articles")
    assert f1 >= 0.97
    # Neither side may carry the score alone: a floor on each.
    assert precision >= 0.95 and recall >= 0.95


def test_same_subject_stories_of_one_week_stay_apart(bench_clustering: ModuleType) -> None:
    items = sorted(
        bench_clustering.allsides(shared_data()), key=lambda x: (x[0].published, x[0].id)
    )
    gold = {a.id: g for a, g in items}
    vectors = bench_clustering.vectorise(items)
    predicted = bench_clustering.stream(items, vectors)
    precision, recall, f1 = bench_clustering.b_cubed(predicted, gold, list(gold))
    print(f"allsides-dev B3 P {precision:.3f} R {recall:.3f} F1 {f1:.3f}")
    # Measured P 0.963, R 0.957, F1 0.960 on all of allsides-dev (the rule before: P 0.800,
    # R 0.931, F1 0.861); the floors leave room for model noise, not for the old over-merging.
    assert precision >= 0.95 and recall >= 0.93 and f1 >= 0.94
