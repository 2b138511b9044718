"""The sentence-vector bench's agreement: the same decisions score 1, others less."""

from __future__ import annotations

import numpy as np

from tests.conftest import bench_module


def test_agreement_is_one_for_the_same_order_and_lower_for_another() -> None:
    bench = bench_module("sentence_vectors")
    reference = np.linspace(0.0, 1.0, 101)
    # A candidate on another scale that orders the pairs alike decides alike.
    same = bench.agreement(reference, reference * 0.3 + 0.5)
    assert "0.7: 1.00 (31 pairs)" in same and "Pearson 1.00" in same
    shuffled = np.random.default_rng(0).permutation(reference)
    assert "0.7: 1.00" not in bench.agreement(reference, shuffled)
