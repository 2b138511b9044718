"""The throughput benchmark's parts, on sizes far below the bench's own: the
archive it builds without the models, the stream it slices, the memory it
reads, and one small import timed as the bench times its phases."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from spacy.tokens import Doc
from spacy.vocab import Vocab

from parallax.pipeline import Pipeline
from parallax.store import Store
from tests.conftest import SHARED_DATA, bench_module


def test_an_archive_is_stored_briefed_with_parses_of_its_own_texts(tmp_path: Path) -> None:
    throughput = bench_module("throughput")
    stories = throughput.build_archive(tmp_path / "a.db", 300)
    store = Store.open(str(tmp_path / "a.db"))
    try:
        assert store.count_articles() == 300
        assert len(store.stories(limit=10_000)) == stories
        # Nothing left for the pipeline that opens on it to brief.
        assert store.dirty_stories() == []
        some = store.story_articles(store.stories(limit=1)[0].id)
        parses = store.nlp([a.id for a in some])
        for article in some:
            # A briefing of an archive story reads its parse against its text.
            assert Doc(Vocab()).from_bytes(parses[article.id].doc).text == article.text
            assert parses[article.id].minhash
    finally:
        store.close()


def test_archives_of_two_sizes_hold_hot_parts_of_one_size(tmp_path: Path) -> None:
    """Only the archive grows: the stories a pipeline loads on opening (those of
    the last three days, 1,200 articles at 400 a day) are as many."""
    throughput = bench_module("throughput")
    loaded = []
    for size in (2000, 3000):
        throughput.build_archive(tmp_path / f"{size}.db", size)
        store = Store.open(str(tmp_path / f"{size}.db"))
        hot = store.hot_stories(timedelta(days=3))
        members = store.hot_members([h.id for h in hot], 10)
        loaded.append(len(members))
        store.close()
    small, big = loaded
    # Stories of up to 8 articles straddle the three days' edge.
    assert 1100 <= small <= 1300 and abs(big - small) <= 60


def test_a_slice_of_the_stream_is_the_same_articles_as_in_the_whole(
    tmp_path: Path,
) -> None:
    throughput = bench_module("throughput", "bbc")
    whole = list(throughput.documents(SHARED_DATA, 2240))
    tail = list(throughput.documents(SHARED_DATA, 2240, first=2220))
    assert tail == whole[2220:]
    assert tail[-1].title.endswith("(1)")  # a perturbed copy, past the originals


def test_the_peak_of_resident_memory_starts_again_when_reset() -> None:
    throughput = bench_module("throughput")
    if not Path("/proc/self/clear_refs").exists():
        pytest.skip("resetting the peak needs Linux's /proc/self/clear_refs")
    block = bytearray(300 * 1024 * 1024)
    block[::4096] = b"x" * len(block[::4096])  # touch every page
    del block
    before = throughput.peak_rss_mb()
    throughput.reset_peak_rss()
    assert throughput.peak_rss_mb() < before - 200


@pytest.mark.slow
def test_a_small_import_on_an_archive_is_timed_and_stored(tmp_path: Path) -> None:
    throughput = bench_module("throughput", "bbc")
    throughput.build_archive(tmp_path / "a.db", 500)
    docs = list(throughput.documents(SHARED_DATA, 12))
    models = throughput.time_models(docs[:4])
    assert models.spacy > 0 and models.encoder > 0
    run = throughput.import_polls(tmp_path / "a.db", docs, poll=6, say=False)
    assert (run.articles, run.failed) == (12, 0)
    assert 0 < run.opening < run.wall and run.cpu > 0 and run.peak_mb > 0
    store = Store.open(str(tmp_path / "a.db"))
    try:
        assert store.count_articles() == 512
        # The new articles are briefed; the archive's stories were never re-briefed.
        assert store.dirty_stories() == []
        Pipeline(store)  # and the database opens again as the next poll would open it
    finally:
        store.close()
