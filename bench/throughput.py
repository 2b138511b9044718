"""Import throughput and memory of the whole pipeline, and what it adds around its models.

Data: the 2,225 BBC articles (``../shared/data/bbc``), replicated with
perturbations up to the requested size: every copy after the first drops one
paragraph, borrows a paragraph from another article of the same topic and
shifts the figures it carries, so that copies are distinct articles (some of
which de-duplication still finds, as it would wire copies).  Dates run at a
steady 400 articles a day, so the hot part of the clustering index is the same
size at every scale and only the archive grows.

For each size, in one process: the whole import (``Pipeline.run`` into a real
SQLite database in a temporary folder, briefings included) with articles/s
and peak RSS; then spaCy and the embedding model alone on the same texts,
with the pipeline's own batch sizes.  Printed: the pipeline's seconds per
article, the models' seconds per article, their ratio, and, when several
sizes run, each size's cost per article against the first's.  Progress is
printed every ``--every`` articles, so a run stopped early still says how far
it got and how fast.

Run: .venv/bin/python bench/throughput.py --sizes 10000 [100000]
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from parallax import nlp
from parallax.enrich import enrich
from parallax.model import Article, Document
from parallax.pipeline import BATCH, Pipeline
from parallax.store import Store

ROOT = Path(__file__).resolve().parents[1]
PER_DAY = 400
START = datetime(2024, 1, 1, tzinfo=UTC)


def bbc(data: Path) -> list[tuple[str, str, list[str]]]:
    """(topic, title, paragraphs) of every BBC article."""
    found = []
    for path in sorted((data / "bbc" / "articles").rglob("*.txt")):
        title, _, body = path.read_bytes().decode("latin-1").strip().partition("\n")
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]
        found.append((path.parent.name, title.strip(), paragraphs))
    return found


def documents(data: Path, size: int) -> Iterator[Document]:
    """``size`` articles: the originals, then perturbed copies, dated in arrival order."""
    source = bbc(data)
    by_topic: dict[str, list[list[str]]] = {}
    for topic, _, paragraphs in source:
        by_topic.setdefault(topic, []).append(paragraphs)
    rng = random.Random(11)
    for n in range(size):
        round_, i = divmod(n, len(source))
        topic, title, paragraphs = source[i]
        if round_:
            paragraphs = list(paragraphs)
            if len(paragraphs) > 2:
                del paragraphs[rng.randrange(1, len(paragraphs))]
            donor = rng.choice(by_topic[topic])
            paragraphs.insert(rng.randrange(1, len(paragraphs) + 1), rng.choice(donor))
            paragraphs = [_shift_figures(p, rng) for p in paragraphs]
            title = f"{title} ({round_})"
        yield Document(
            body="\n\n".join(paragraphs),
            is_html=False,
            id=f"bbc-{n}",
            title=title,
            source=f"Outlet {n % 17}",
            published=START + timedelta(days=n / PER_DAY),
            origin=f"bbc/{topic}/{i}",
        )


def _shift_figures(text: str, rng: random.Random) -> str:
    return re.sub(r"\d+", lambda m: str(int(m.group()) + rng.randrange(1, 9)), text)


def peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_pipeline(data: Path, size: int, every: int) -> float:
    """Seconds the whole import of ``size`` articles took."""
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(str(Path(folder) / "throughput.db"))
        pipeline = Pipeline(store)
        done = printed = 0
        started = last = time.perf_counter()
        last_cpu = time.process_time()

        def progress(n: int) -> None:
            nonlocal done, printed, last, last_cpu
            done += n
            if done // every > printed // every:
                now, cpu = time.perf_counter(), time.process_time()
                fresh = done - printed
                print(
                    f"    {done:>7} articles  {done / (now - started):6.1f}/s overall  "
                    f"since the last line: {1000 * (now - last) / fresh:6.1f} ms/article, "
                    f"{1000 * (cpu - last_cpu) / fresh:6.1f} CPU ms/article  "
                    f"peak RSS {peak_rss_mb():.0f} MB",
                    flush=True,
                )
                printed, last, last_cpu = done, now, cpu

        report = pipeline.run(documents(data, size), progress=progress)
        elapsed = time.perf_counter() - started
        print(f"    {report.line()}; {store.count_articles()} articles stored", flush=True)
        store.close()
    return elapsed


def run_models(data: Path, size: int) -> float:
    """Seconds an article spaCy and the sentence encoder alone take on the same texts.

    ``enrich`` is the two models and nothing else, run as the pipeline runs
    them (same batches, the encoder beside the parse).
    """
    started = time.perf_counter()
    batch: list[Article] = []
    for doc in documents(data, size):
        batch.append(Article(id="", text=doc.body, title=doc.title))
        if len(batch) == BATCH:
            enrich(batch)
            batch = []
    if batch:
        enrich(batch)
    return (time.perf_counter() - started) / size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--every", type=int, default=1000, help="print progress this often")
    parser.add_argument(
        "--models-sample", type=int, default=10_000, help="texts to time the models alone on"
    )
    args = parser.parse_args()
    if not (args.data / "bbc").is_dir():
        sys.exit(f"{args.data / 'bbc'} is missing: put the shared data folder beside the repo")
    nlp.spacy_model(), nlp.embed(["warm up"])  # loading the models is not per-article cost
    costs: list[float] = []
    for size in args.sizes:
        print(f"{size} articles (BBC, replicated with perturbations):", flush=True)
        whole = run_pipeline(args.data, size, args.every)
        rss = peak_rss_mb()
        sample = min(size, args.models_sample)
        models = run_models(args.data, sample)
        costs.append(whole / size)
        print(
            f"  pipeline {whole:.0f}s = {size / whole:.1f} articles/s "
            f"({1000 * whole / size:.1f} ms/article), peak RSS {rss:.0f} MB\n"
            f"  spaCy + embedding alone on the first {sample} texts: "
            f"{1000 * models:.1f} ms/article\n"
            f"  pipeline / models alone: {whole / size / models:.2f}",
            flush=True,
        )
    for size, cost in zip(args.sizes[1:], costs[1:], strict=True):
        print(
            f"cost per article at {size} / at {args.sizes[0]}: {cost / costs[0]:.2f}", flush=True
        )


if __name__ == "__main__":
    main()
