"""Quality floors from bench/extraction.py and bench/cleanup.py, a little below what they measured.

bench/extraction.py (181 ScrapingHub pages): F1 0.971 (P 0.964, R 0.977).
bench/cleanup.py, BBC pastes, 500 per seed: seed 1 P 0.998 R 0.985, article lines
kept 0.9924, authors 333/342, sections 274/283; seed 2 P 0.997 R 0.981, kept 0.9896,
authors 344/351, sections 278/285.  The test below builds a smaller
set with another seed, so the floors leave room for sampling as well as for rule
changes that trade a line or two.
"""

from __future__ import annotations

import gzip
import json
import logging
import sys
from types import ModuleType

import pytest
from tests.conftest import ROOT, shared_data

from parallax.extract import ExtractionError, extract
from parallax.model import Document

pytestmark = pytest.mark.data


def _bench(name: str) -> ModuleType:
    sys.path.insert(0, str(ROOT))
    try:
        module = __import__(f"bench.{name}", fromlist=["bench"])
    finally:
        sys.path.remove(str(ROOT))
    return module


def test_main_text_f1_on_the_scrapinghub_pages() -> None:
    folder = shared_data("extraction", "scrapinghub")
    bench = _bench("extraction")
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    logging.disable(logging.WARNING)
    try:
        texts = {}
        for key, item in truth.items():
            html = gzip.decompress((folder / "html" / f"{key}.html.gz").read_bytes())
            doc = Document(
                body=html.decode("utf-8", errors="replace"), is_html=True, url=item["url"]
            )
            try:
                texts[key] = extract(doc).text
            except ExtractionError:
                texts[key] = ""
    finally:
        logging.disable(logging.NOTSET)
    pages = {key: ("", "", item["articleBody"]) for key, item in truth.items()}
    precision, recall, f1 = bench.quality(texts, pages)
    assert f1 >= 0.965, (precision, recall, f1)


def test_clutter_removal_on_generated_bbc_pastes() -> None:
    bench = _bench("cleanup")
    sources = bench.load_bbc(shared_data("bbc", "articles"))
    scores = bench.score(bench.build(sources, 200, seed=7))
    assert scores.removal.precision >= 0.99
    assert scores.removal.recall >= 0.97
    assert scores.article_kept / scores.article_lines >= 0.98
    assert scores.repaired / scores.garbled >= 0.95
    recovered = {name: scores.meta_right[name] / n for name, n in scores.meta_given.items()}
    assert recovered["title"] >= 0.93
    assert recovered["published"] >= 0.97
    assert recovered["author"] >= 0.93
    assert recovered["section"] >= 0.9
    assert recovered["source"] >= 0.8
