"""Floor on the speaker accuracy of who said what, measured by bench/speakers.py
on its hand-annotated stories (the demo newswire, the seeds, allsides-dev)."""

from __future__ import annotations

import pytest
from tests.conftest import bench_module, shared_data

pytestmark = pytest.mark.slow

# bench/speakers.py measured speaker accuracy 0.982 (110 of 112 judged pairs
# right) and coverage 1.000 of the required pairs; the floors sit a little
# below, so that a change that credits quotes to the wrong people fails here.
FLOOR_SPEAKER_ACCURACY = 0.95
FLOOR_COVERAGE = 0.95


@pytest.mark.data
def test_speaker_accuracy_floor() -> None:
    bench = bench_module("speakers", "seeds", "allsides-dev")
    result = bench.evaluate(shared_data())
    assert result.accuracy >= FLOOR_SPEAKER_ACCURACY, result.errors
    assert result.coverage >= FLOOR_COVERAGE, result.errors
