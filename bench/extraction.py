"""Main-text extraction quality and speed: plain trafilatura vs Parallax, one run.

Data: ``../shared/data/extraction/scrapinghub`` (181 news pages and the true
article body of each).  Metric, as the benchmark defines it: per page, the sets
of 4-gram token shingles of the prediction and the truth; precision =
|pred ∩ gold| / |pred|, recall = |pred ∩ gold| / |gold|; mean P and mean R over
pages; F1 of the two means.  An empty prediction scores P 0 and R 0.

Run: ``.venv/bin/python bench/extraction.py``
"""

from __future__ import annotations

import gzip
import json
import logging
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

import trafilatura

from parallax.extract import ExtractionError, extract
from parallax.model import Document

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "extraction" / "scrapinghub"
ANCHOR_F1 = 0.953  # published anchor: trafilatura 2.3.1 defaults (see shared/data/README.md)

REPEATS = 2

_TOKEN = re.compile(r"\w+")


def shingles(text: str, n: int = 4) -> set[tuple[str, ...]]:
    tokens = _TOKEN.findall(text)
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def page_scores(pred: str, gold: str) -> tuple[float, float]:
    p, g = shingles(pred), shingles(gold)
    common = len(p & g)
    return (common / len(p) if p else 0.0), (common / len(g) if g else 1.0)


def run(
    name: str, fn: Callable[[str, str], str], pages: dict[str, tuple[str, str, str]]
) -> tuple[float, float, float, float]:
    precisions, recalls = [], []
    # Best of REPEATS: the machine is shared, and a busy neighbour should not
    # count as slowness of the extractor.
    elapsed = float("inf")
    for _ in range(REPEATS):
        start = time.perf_counter()
        preds = {key: fn(html, url) for key, (html, url, _gold) in pages.items()}
        elapsed = min(elapsed, time.perf_counter() - start)
    for key, (_html, _url, gold) in pages.items():
        p, r = page_scores(preds[key], gold)
        precisions.append(p)
        recalls.append(r)
    mp, mr = sum(precisions) / len(pages), sum(recalls) / len(pages)
    f1 = 2 * mp * mr / (mp + mr) if mp + mr else 0.0
    speed = len(pages) / elapsed
    print(f"{name:<22} P {mp:.3f}  R {mr:.3f}  F1 {f1:.3f}  {speed:6.1f} pages/s")
    return mp, mr, f1, speed


def plain_trafilatura(html: str, _url: str) -> str:
    return trafilatura.extract(html) or ""


def parallax(html: str, url: str) -> str:
    try:
        return extract(Document(body=html, is_html=True, url=url, origin=url)).text
    except ExtractionError:
        return ""


def main() -> int:
    if not (DATA / "ground-truth.json").is_file():
        print(f"benchmark data missing: {DATA.resolve()} (see shared/data/README.md)")
        return 1
    logging.disable(logging.WARNING)  # trafilatura warns about every odd page
    truth = json.loads((DATA / "ground-truth.json").read_text(encoding="utf-8"))
    pages = {
        key: (
            gzip.decompress((DATA / "html" / f"{key}.html.gz").read_bytes()).decode(
                "utf-8", errors="replace"
            ),
            item.get("url") or "",
            item["articleBody"],
        )
        for key, item in sorted(truth.items())
    }
    print(f"data: {DATA.resolve()} ({len(pages)} pages)")
    *_, base_f1, base_speed = run("trafilatura (default)", plain_trafilatura, pages)
    *_, our_f1, our_speed = run("parallax extract()", parallax, pages)
    print(f"anchor F1 {ANCHOR_F1:.3f}; parallax - trafilatura: {our_f1 - base_f1:+.3f} F1")
    print(f"speed ratio parallax/trafilatura: {our_speed / base_speed:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
