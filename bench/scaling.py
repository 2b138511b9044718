"""Articles a second in one process, on one Dask worker and on two, in one run.

    .venv/bin/python bench/scaling.py [--articles 200] [--modes process 1 2]
                                      [--hot 1000 3000 10000] [--compare]

Each mode imports the same ``--articles`` BBC articles (``../shared/data/bbc``,
dated over three days, as one day's polls would bring them) into a fresh
SQLite database through ``parallax.open(..., Settings(workers=N))``, briefings
included, with the model cache off (``PARALLAX_MODEL_CACHE`` emptied) so that
the models really run.  A mode's clock starts once its models are loaded: in
this process for ``process``, on the workers (the worker plugin) otherwise;
starting the cluster is timed apart.

Printed for each mode: articles a second (import and briefings), and each
article's cost in the parts that scale differently:

- **extract + enrich**: the import's time less the writer's, in one process
  (trafilatura, spaCy and the encoder, and the duplicate checks); on workers,
  the time the writer waited for them;
- **assign + write**: ``Pipeline._write_waiting``, the one ordered writer
  (dedup, clustering, the transaction): what no number of workers shortens;
- **briefing**: ``Pipeline.refresh`` over the stories the import touched, and
  the writer's share of it (reading each story's articles and parses, saving
  the briefing), which stays in the calling process with workers too;

and the database's size an article.  The load average is printed before and
after each mode: the machine is shared, and its load moves the figures.

``--hot`` then times the writer's clustering step alone against hot indexes of
that many stories (random unit vectors and words, no models, no database): the
part of "assign + write" that grows with the stories live at once, which is
what a million articles a day changes most.

``--compare`` then imports all of BASIL + BBC (2,525 articles, as
bench/clustering.py streams them) in one process and on two workers, and
compares every story assignment (slow: twice the whole set).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["PARALLAX_MODEL_CACHE"] = ""  # before any model or worker starts: measure the models

from bench.clustering import basil, bbc  # noqa: E402

import parallax  # noqa: E402
from parallax import nlp  # noqa: E402
from parallax.cluster import Item, StoryIndex, from_members  # noqa: E402
from parallax.model import Article, Document  # noqa: E402
from parallax.settings import Settings  # noqa: E402

DAY = datetime(2026, 10, 12, tzinfo=UTC)


def load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def documents(articles: list[Article]) -> list[Document]:
    return [
        Document(
            body=a.text,
            is_html=False,
            id=a.id,
            title=a.title,
            source=a.source,
            published=a.published,
        )
        for a in articles
    ]


@dataclass
class Measured:
    mode: str
    articles: int
    stories: int
    start: float
    """Seconds to start the cluster and load the models on it (0 in one process)."""
    run: float
    writer: float
    briefings: float
    briefing_writer: float
    """Of ``briefings``, the time in the calling process's reads and saves."""
    db_bytes: int
    loads: tuple[str, str]
    assignments: dict[str, str]

    @property
    def rate(self) -> float:
        return self.articles / (self.run + self.briefings)

    def line(self) -> str:
        n = self.articles
        models = (self.run - self.writer) / n * 1000
        label = "extract + enrich" if self.mode == "process" else "waiting for workers"
        return (
            f"{self.mode:>9}: {self.rate:5.2f} articles/s | {label} {models:6.1f} ms/article, "
            f"assign + write {self.writer / n * 1000:5.1f}, "
            f"briefing {self.briefings / n * 1000:6.1f} (writer's share "
            f"{self.briefing_writer / n * 1000:4.1f})"
            f" | {self.stories} stories | db {self.db_bytes / n / 1024:.0f} KiB/article"
            f" | cluster start {self.start:.0f} s | load {self.loads[0]} -> {self.loads[1]}"
        )


def measure(mode: str, docs: list[Document], folder: Path) -> Measured:
    """Import ``docs`` into a fresh database in ``mode``: 'process', or a number of workers."""
    workers = 0 if mode == "process" else int(mode)
    db = folder / f"{mode}.db"
    before = load()
    started = time.perf_counter()
    with parallax.open(str(db), Settings(workers=workers)) as engine:
        pipeline = engine.pipeline()  # starts the cluster; its plugin loads the models
        if workers == 0:
            nlp.spacy_model()
            nlp._embedder()
        start = time.perf_counter() - started if workers else 0.0
        writer = Timed(pipeline._write_waiting)
        pipeline._write_waiting = writer  # type: ignore[method-assign]
        reads = Timed(pipeline.store.story_articles)
        pipeline.store.story_articles = reads  # type: ignore[method-assign]
        parses = Timed(pipeline.store.nlp, reads)
        pipeline.store.nlp = parses  # type: ignore[method-assign]
        saves = Timed(pipeline._save_briefing, reads)
        pipeline._save_briefing = saves  # type: ignore[method-assign]
        t0 = time.perf_counter()
        report = pipeline.run(docs, brief=False)
        t1 = time.perf_counter()
        pipeline.refresh(sorted(report.stories))
        t2 = time.perf_counter()
        assignments = story_of(engine)
    print(f"  ({mode}: {report.line()})")
    return Measured(
        mode=mode,
        articles=report.imported,
        stories=len(set(assignments.values())),
        start=start,
        run=t1 - t0,
        writer=writer.seconds,
        briefings=t2 - t1,
        briefing_writer=reads.seconds,
        db_bytes=db.stat().st_size,
        loads=(before, load()),
        assignments=assignments,
    )


class Timed:
    """A callable that adds up the time spent in ``call`` (into ``total``'s sum if given)."""

    def __init__(self, call: Callable[..., Any], total: Timed | None = None) -> None:
        self.call = call
        self.total = total or self
        self.seconds = 0.0

    def __call__(self, *args: Any) -> Any:
        t = time.perf_counter()
        try:
            return self.call(*args)
        finally:
            self.total.seconds += time.perf_counter() - t


def story_of(engine: parallax.Engine) -> dict[str, str]:
    """Each article's story."""
    found: dict[str, str] = {}
    offset = 0
    while page := engine.stories(limit=500, offset=offset):
        offset += len(page)
        for row in page:
            detail = engine.story(row.id)
            assert detail is not None
            found |= {a.id: row.id for a in detail.articles}
    return found


def hot_index(sizes: list[int], probes: int = 100) -> None:
    """Milliseconds the writer's clustering step takes an article, by hot stories."""
    rng = np.random.default_rng(7)
    words = random.Random(7)

    def item(name: str) -> Item:
        vector = rng.standard_normal(nlp.EMBEDDING_DIM).astype(np.float32)
        vector /= np.linalg.norm(vector)
        lead = Counter(f"w{words.randrange(50_000)}" for _ in range(15))
        keys = frozenset(f"e{words.randrange(20_000)}" for _ in range(3))
        return Item(name, name, vector, keys, lead, DAY)

    for size in sizes:
        index = StoryIndex()
        index.load(from_members(f"s{i}", "", [item(f"a{i}")]) for i in range(size))
        started = time.perf_counter()
        for i in range(probes):
            index.assign(item(f"new{i}"))
        each = (time.perf_counter() - started) / probes
        print(
            f"hot index of {size:>7,} stories: assignment {each * 1000:7.2f} ms/article "
            f"(load {load()})",
            flush=True,
        )


def compare(data: Path, folder: Path) -> None:
    """All of BASIL + BBC in one process and on two workers: the same stories?"""
    events = basil(data)
    dates = [a.published for a, _ in events if a.published]
    items = sorted(
        events + bbc(data, min(dates), max(dates)), key=lambda x: (x[0].published, x[0].id)
    )
    docs = documents([a for a, _ in items])
    print(f"\ncomparing on BASIL + BBC: {len(docs)} articles")
    runs = [measure(mode, docs, folder / "compare") for mode in ("process", "2")]
    for run in runs:
        print(run.line())
    one, two = runs[0].assignments, runs[1].assignments
    differing = sorted(a for a in one.keys() | two.keys() if one.get(a) != two.get(a))
    print(
        f"story assignments: {len(one)} in one process, {len(two)} on two workers, "
        f"{len(differing)} differ{': ' + ', '.join(differing[:10]) if differing else ''}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--modes", nargs="*", default=["process", "1", "2"])
    parser.add_argument("--hot", nargs="*", type=int, default=[1000, 3000, 10_000])
    parser.add_argument("--compare", action="store_true")
    args = parser.parse_args()
    began = time.perf_counter()
    news = [a for a, _ in bbc(args.data, DAY, DAY + timedelta(days=3))]
    step = max(1, len(news) // args.articles)
    docs = documents(sorted(news[::step][: args.articles], key=lambda a: (a.published, a.id)))
    print(f"{len(docs)} BBC articles, {os.cpu_count()} cores, load average {load()} (1/5/15 min)")
    with tempfile.TemporaryDirectory(prefix="parallax-scaling-") as tmp:
        folder = Path(tmp)
        (folder / "compare").mkdir()
        results = []
        for mode in args.modes:
            results.append(measure(mode, docs, folder))
            print(results[-1].line(), flush=True)
        for run in results[1:]:
            base = results[0]
            same = run.assignments == base.assignments
            print(
                f"{run.mode} vs {base.mode}: {run.rate / base.rate:.2f}x the articles/s; "
                f"story assignments {'identical' if same else 'DIFFER'}"
            )
        hot_index(args.hot)
        if args.compare:
            compare(args.data, folder)
    print(f"whole run {time.perf_counter() - began:.0f} s, load average {load()}")


if __name__ == "__main__":
    main()
