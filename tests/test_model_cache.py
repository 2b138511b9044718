"""The model-output cache: what it keeps is what the models computed, and a bad
entry, a bad file or two processes at once never change a result."""

from __future__ import annotations

import multiprocessing
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from parallax import nlp
from parallax.nlp import model_cache as cache


class Counting:
    """A stand-in model (upper-cases its texts) that records what it was asked."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, texts: list[str]) -> list[str]:
        self.seen += texts
        return [t.upper() for t in texts]


def run(texts: list[str], model: Counting, kind: str = "upper 1") -> list[str]:
    return cache.cached(kind, texts, model, str.encode, bytes.decode)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(cache.ENV, str(tmp_path))
    return tmp_path


def test_a_text_seen_before_is_not_computed_again(folder: Path) -> None:
    model = Counting()
    assert run(["a", "b", "a"], model) == ["A", "B", "A"]
    assert run(["b", "c", "a"], model) == ["B", "C", "A"]
    assert model.seen == ["a", "b", "a", "c"]
    # Another model version keys its own entries.
    assert run(["a"], model, kind="upper 2") == ["A"]
    assert model.seen[-1] == "a"


def test_without_the_setting_nothing_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(cache.ENV, raising=False)
    model = Counting()
    run(["a"], model)
    run(["a"], model)
    assert model.seen == ["a", "a"]


def test_a_damaged_entry_is_computed_again(folder: Path) -> None:
    model = Counting()
    run(["a", "b"], model)
    with sqlite3.connect(folder / cache.FILENAME) as db:
        keys = [k for (k,) in db.execute("SELECT key FROM entries ORDER BY value")]
        db.execute("UPDATE entries SET value = ? WHERE key = ?", (b"Z", keys[0]))
    # A value that matches its digest but does not decode is not trusted either.
    assert run(["a", "b"], model) == ["A", "B"]
    assert model.seen == ["a", "b", "a"]

    def strict(data: bytes) -> str:
        raise ValueError("unreadable")

    assert cache.cached("upper 1", ["b"], model, str.encode, strict) == ["B"]
    assert model.seen[-1] == "b"


def test_a_file_that_is_not_a_database_costs_only_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / cache.FILENAME).write_bytes(b"not a database at all" * 100)
    monkeypatch.setenv(cache.ENV, str(tmp_path))
    model = Counting()
    assert run(["a"], model) == ["A"]
    assert run(["a"], model) == ["A"]
    assert model.seen == ["a", "a"]


WRITER = """
import sys
from parallax.nlp import model_cache as cache
texts = [f"text {i}" for i in range(int(sys.argv[1]), int(sys.argv[1]) + 400)]
for i in range(0, len(texts), 20):
    assert cache.cached("upper 1", texts[i:i + 20], lambda t: [x.upper() for x in t],
                        str.encode, bytes.decode) == [x.upper() for x in texts[i:i + 20]]
"""


def test_processes_fill_one_cache_at_once(folder: Path) -> None:
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(start)]) for start in (0, 200, 300)
    ]
    assert [w.wait(timeout=120) for w in writers] == [0, 0, 0]
    model = Counting()
    texts = [f"text {i}" for i in range(700)]
    assert run(texts, model) == [t.upper() for t in texts]
    assert model.seen == []


def _child_fills(parent: int, texts: list[str]) -> None:
    # A connection carried over a fork is not safe to use: the child opens its own.
    if id(cache.active()) == parent:
        sys.exit(1)
    run(texts, Counting())


def test_a_forked_process_uses_a_connection_of_its_own(folder: Path) -> None:
    run(["a"], Counting())
    child = multiprocessing.get_context("fork").Process(
        target=_child_fills, args=(id(cache.active()), ["b", "c"])
    )
    child.start()
    child.join(timeout=60)
    assert child.exitcode == 0
    model = Counting()
    assert run(["a", "b", "c"], model) == ["A", "B", "C"]
    assert model.seen == []


@pytest.mark.slow
def test_cached_parses_and_vectors_are_the_models_own(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = [
        "The council of Varnholm approved the budget on Monday, its leader said.",
        "“We will rebuild every bridge,” Lena Vasquez told reporters in Ostria.",
    ]
    monkeypatch.delenv(cache.ENV)
    plain_docs, plain_vectors = nlp.parse(texts), nlp.embed(texts)
    monkeypatch.setenv(cache.ENV, str(folder))
    nlp.parse(texts), nlp.embed(texts)  # fills the cache

    class VocabOnly:
        """The parser's vocabulary, which reads documents back, and no parser."""

        vocab = nlp.spacy_model().vocab

        def pipe(self, *args: object, **kwargs: object) -> None:
            raise AssertionError("the parser ran on a cached text")

    def no_encoder(*args: object, **kwargs: object) -> None:
        raise AssertionError("the encoder ran on a cached text")

    monkeypatch.setattr(nlp, "spacy_model", VocabOnly)
    monkeypatch.setattr(nlp, "_encode", no_encoder)
    docs, vectors = nlp.parse(texts), nlp.embed(texts)
    np.testing.assert_allclose(vectors, plain_vectors, atol=1e-6)
    for doc, plain in zip(docs, plain_docs, strict=True):
        assert [(t.text, t.lemma_, t.pos_, t.dep_, t.head.i, t.ent_type_) for t in doc] == [
            (t.text, t.lemma_, t.pos_, t.dep_, t.head.i, t.ent_type_) for t in plain
        ]
        assert [s.text for s in doc.sents] == [s.text for s in plain.sents]
        assert [(e.text, e.label_) for e in doc.ents] == [(e.text, e.label_) for e in plain.ents]
