"""Import throughput and memory of the whole pipeline, and what it adds around its models.

Data: the 2,225 BBC articles (``../shared/data/bbc``), replicated with
perturbations up to the requested size: every copy after the first drops one
paragraph, borrows a paragraph from another article of the same topic and
shifts the figures it carries, so that copies are distinct articles (some of
which de-duplication still finds, as it would wire copies).  Dates run at a
steady 400 articles a day, so the hot part of the clustering index is the same
size at every scale and only the archive grows.

The articles arrive as a poller would bring them: ``--poll`` at a time, each
poll one ``Pipeline.run`` into a real SQLite database, its stories' briefings
included.  One run to the largest size passes through the smaller ones on the
same stream, so "at 10,000" is the first 10,000 articles of that run.  After
every poll a line goes to ``log.jsonl`` in the state folder (wall and CPU
seconds, peak RSS); a run given the same ``--state`` again resumes after the
last logged poll, so a 100,000-article run may span several sittings (the
polls that meet articles a killed sitting stored but never logged are left
out of the costs).

Printed for each size: articles/s and CPU ms/article over the whole run to
that size, the cost of the last tenth before it (the marginal cost at that
archive size), peak RSS, and each size's cost against the first's.  Then
spaCy and the embedding model alone on a sample of the same texts, with the
pipeline's own batch sizes, and the ratio of the pipeline's cost to theirs.

Run: .venv/bin/python bench/throughput.py --sizes 10000 100000 --state /tmp/tp
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import islice
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


def read_log(log: Path) -> list[dict[str, float]]:
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]


def import_until(data: Path, state: Path, size: int, poll: int) -> list[dict[str, float]]:
    """Import the stream up to ``size`` articles, resuming after the last logged poll."""
    log = state / "log.jsonl"
    polls = read_log(log)
    done = int(polls[-1]["done"]) if polls else 0
    if done >= size:
        return polls
    if done:
        print(f"  resuming after {done} articles (log: {log})", flush=True)
    # Opening the pipeline loads its indexes and finishes briefings a killed
    # run left: that is part of resuming, so it is timed with the next poll.
    wall, cpu = time.perf_counter(), time.process_time()
    store = Store.open(str(state / "throughput.db"))
    # A run killed between logging polls has stored articles it never logged:
    # their import went untimed, so the polls that meet them again are logged
    # as partial and left out of the costs.
    stored = store.count_articles()
    pipeline = Pipeline(store)
    stream = islice(documents(data, size), done, None)
    with log.open("a") as out:
        while batch := list(islice(stream, poll)):
            report = pipeline.run(batch)
            now, now_cpu = time.perf_counter(), time.process_time()
            done += len(batch)
            entry = {
                "done": done,
                "at": time.time(),  # to tell which polls a pause of the machine fell in
                "articles": len(batch),
                "wall": now - wall,
                "cpu": now_cpu - cpu,
                "rss_mb": peak_rss_mb(),
                "stories": len(report.stories),
                "failed": report.failed,
                "partial": done - len(batch) < stored,
            }
            out.write(json.dumps(entry) + "\n")
            out.flush()
            polls.append(entry)
            print(
                f"    {done:>7} articles  this poll: {1000 * entry['wall'] / len(batch):6.1f} "
                f"ms/article, {1000 * entry['cpu'] / len(batch):6.1f} CPU ms/article, "
                f"{entry['stories']} stories briefed, peak RSS {entry['rss_mb']:.0f} MB",
                flush=True,
            )
            wall, cpu = now, now_cpu
    print(f"  {store.count_articles()} articles stored", flush=True)
    store.close()
    return polls


def cost(polls: list[dict[str, float]], lo: int, hi: int) -> tuple[float, float]:
    """Wall and CPU seconds per article over the whole polls that end in (lo, hi]."""
    chosen = [p for p in polls if lo < p["done"] <= hi and not p.get("partial")]
    n = sum(p["articles"] for p in chosen) or 1
    return sum(p["wall"] for p in chosen) / n, sum(p["cpu"] for p in chosen) / n


def run_models(data: Path, size: int) -> tuple[float, float]:
    """Wall and CPU seconds an article spaCy and the sentence encoder alone take.

    ``enrich`` is the two models and nothing else, run as the pipeline runs
    them (same batches, the encoder beside the parse).
    """
    wall, cpu = time.perf_counter(), time.process_time()
    batch: list[Article] = []
    for doc in documents(data, size):
        batch.append(Article(id="", text=doc.body, title=doc.title))
        if len(batch) == BATCH:
            enrich(batch)
            batch = []
    if batch:
        enrich(batch)
    return (time.perf_counter() - wall) / size, (time.process_time() - cpu) / size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--poll", type=int, default=1000, help="articles per pipeline run")
    parser.add_argument(
        "--state", type=Path, help="folder for the database and the log; reuse it to resume"
    )
    parser.add_argument(
        "--models-sample", type=int, default=3000, help="texts to time the models alone on"
    )
    args = parser.parse_args()
    if not (args.data / "bbc").is_dir():
        sys.exit(f"{args.data / 'bbc'} is missing: put the shared data folder beside the repo")
    sizes = sorted(args.sizes)
    with tempfile.TemporaryDirectory() as scratch:
        state = args.state or Path(scratch)
        state.mkdir(parents=True, exist_ok=True)
        nlp.spacy_model(), nlp.embed(["warm up"])  # loading the models is not per-article cost
        print(f"{sizes[-1]} articles (BBC, replicated with perturbations), {args.poll} a poll:")
        polls = import_until(args.data, state, sizes[-1], args.poll)
    model_wall, model_cpu = run_models(args.data, args.models_sample)
    print(
        f"spaCy + embedding alone on the first {args.models_sample} texts: "
        f"{1000 * model_wall:.1f} ms/article, {1000 * model_cpu:.1f} CPU ms/article"
    )
    first_wall = first_cpu = 0.0
    for size in sizes:
        wall, cpu = cost(polls, 0, size)
        last_wall, last_cpu = cost(polls, size - size // 10, size)
        rss = max(p["rss_mb"] for p in polls if p["done"] <= size)
        first_wall, first_cpu = first_wall or wall, first_cpu or cpu
        print(
            f"at {size}: {1 / wall:.1f} articles/s ({1000 * wall:.1f} ms, "
            f"{1000 * cpu:.1f} CPU ms an article); the last tenth {1000 * last_wall:.1f} ms, "
            f"{1000 * last_cpu:.1f} CPU ms an article; peak RSS {rss:.0f} MB\n"
            f"  pipeline / models alone: {wall / model_wall:.2f} (wall), "
            f"{cpu / model_cpu:.2f} (CPU)\n"
            f"  cost per article against at {sizes[0]}: {wall / first_wall:.2f} (wall), "
            f"{cpu / first_cpu:.2f} (CPU)",
            flush=True,
        )


if __name__ == "__main__":
    main()
