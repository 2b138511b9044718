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
from typing import TypeVar

import trafilatura

from parallax.extract import ExtractionError, extract
from parallax.model import Document, Extracted

T = TypeVar("T")

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "extraction" / "scrapinghub"
ANCHOR_F1 = 0.953  # published anchor: trafilatura 2.3.1 defaults (see shared/data/README.md)

REPEATS = 3

_TOKEN = re.compile(r"\w+")


def shingles(text: str, n: int = 4) -> set[tuple[str, ...]]:
    tokens = _TOKEN.findall(text)
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def page_scores(pred: str, gold: str) -> tuple[float, float]:
    p, g = shingles(pred), shingles(gold)
    common = len(p & g)
    return (common / len(p) if p else 0.0), (common / len(g) if g else 1.0)


def timed(
    extractors: dict[str, Callable[[str, str], T]], pages: dict[str, tuple[str, str, str]]
) -> tuple[dict[str, dict[str, T]], dict[str, float]]:
    """Outputs and seconds per extractor: per page, the best of REPEATS, summed.

    The machine is shared and its load swings within seconds, so the
    extractors take turns on each page, and each page counts with its fastest
    run: a busy neighbour then slows neither side's figure.
    """
    outputs: dict[str, dict[str, T]] = {name: {} for name in extractors}
    best = {name: dict.fromkeys(pages, float("inf")) for name in extractors}
    for _ in range(REPEATS):
        for key, (html, url, _gold) in pages.items():
            for name, fn in extractors.items():
                start = time.perf_counter()
                outputs[name][key] = fn(html, url)
                best[name][key] = min(best[name][key], time.perf_counter() - start)
    return outputs, {name: sum(times.values()) for name, times in best.items()}


def quality(
    texts: dict[str, str], pages: dict[str, tuple[str, str, str]]
) -> tuple[float, float, float]:
    precisions, recalls = [], []
    for key, (_html, _url, gold) in pages.items():
        p, r = page_scores(texts[key], gold)
        precisions.append(p)
        recalls.append(r)
    mp, mr = sum(precisions) / len(pages), sum(recalls) / len(pages)
    return mp, mr, (2 * mp * mr / (mp + mr) if mp + mr else 0.0)


def plain_trafilatura(html: str, _url: str) -> Extracted | None:
    text = trafilatura.extract(html)
    return Extracted(text=text) if text else None


def parallax(html: str, url: str) -> Extracted | None:
    try:
        return extract(Document(body=html, is_html=True, url=url, origin=url))
    except ExtractionError:
        return None


METADATA = (
    "title",
    "author",
    "published",
    "source",
    "section",
    "language",
    "canonical_url",
    "image",
)


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
    print(f"time: per page the fastest of {REPEATS} runs, the extractors taking turns")
    extractors = {"trafilatura (default)": plain_trafilatura, "parallax extract()": parallax}
    outputs, seconds = timed(extractors, pages)
    scores = {}
    for name, results in outputs.items():
        texts = {key: result.text if result else "" for key, result in results.items()}
        mp, mr, f1 = quality(texts, pages)
        scores[name] = f1
        speed = len(pages) / seconds[name]
        print(f"{name:<22} P {mp:.3f}  R {mr:.3f}  F1 {f1:.3f}  {speed:6.1f} pages/s")
    base, ours = extractors
    print(
        f"anchor F1 {ANCHOR_F1:.3f}; parallax - trafilatura: {scores[ours] - scores[base]:+.3f} F1"
    )
    print(f"speed ratio parallax/trafilatura: {seconds[base] / seconds[ours]:.2f}")
    found = [result for result in outputs[ours].values() if result is not None]
    coverage = "  ".join(
        f"{field} {sum(getattr(r, field) is not None for r in found)}" for field in METADATA
    )
    print(f"parallax metadata found (of {len(found)} pages): {coverage}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
