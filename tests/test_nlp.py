from __future__ import annotations

import numpy as np
import pytest

from parallax import nlp


@pytest.mark.slow
def test_remembered_vectors_match_the_model_and_skip_it_for_known_texts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    texts = [
        "The dam failed on Tuesday.",
        "Rescuers reached the valley.",
        "The dam failed on Tuesday.",
    ]
    direct = nlp.embed(texts)
    remembered = nlp.embed_remembered(texts)
    assert np.allclose(direct, remembered, atol=1e-5)

    read: list[str] = []
    real = nlp.embed

    def counting(batch: list[str]) -> np.ndarray:
        read.extend(batch)
        return real(batch)

    monkeypatch.setattr(nlp, "embed", counting)
    again = nlp.embed_remembered([texts[1], "A new sentence about the flood."])
    assert read == ["A new sentence about the flood."]  # the known one came from memory
    assert np.allclose(again[0], direct[1], atol=1e-5)


@pytest.mark.slow
def test_embed_where_fills_only_the_wanted_rows() -> None:
    texts = [
        "Flood waters rose overnight.",
        "Nobody compares this one.",
        "Water levels rose in the night.",
    ]
    vectors = nlp.embed_where(texts, [True, False, True])
    assert vectors.shape == (3, nlp.EMBEDDING_DIM)
    assert not vectors[1].any()
    assert np.isclose(np.linalg.norm(vectors[0]), 1.0, atol=1e-4)
    assert float(vectors[0] @ vectors[2]) > 0.5


def test_the_memory_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nlp, "MEMO_SIZE", 3)
    monkeypatch.setattr(nlp, "_memo", type(nlp._memo)())
    monkeypatch.setattr(
        nlp, "embed", lambda batch: np.ones((len(batch), nlp.EMBEDDING_DIM), dtype=np.float32)
    )
    nlp.embed_remembered([f"sentence {i}" for i in range(5)])
    assert list(nlp._memo) == ["sentence 2", "sentence 3", "sentence 4"]
