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

Beside the polls, at the start of every sitting and every ``PROBE_EVERY``
polls, the bench times spaCy and the embedding model alone (``enrich``, the
pipeline's own batches) on a fixed sample of the texts, and logs it too.  This
machine's speed drifts by a fifth from one hour to the next, so a cost taken
in one sitting is compared with another's only through the models timed
beside each: a poll's cost in those units is the pipeline / models ratio.

Printed for each size: articles/s and CPU ms/article over the whole run to
that size, the cost of the last tenth before it (the marginal cost at that
archive size), peak RSS, the pipeline / models ratio over both spans, and each
size's cost against the first's, in milliseconds and in models-alone units.

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

from parallax.enrich import enrich
from parallax.model import Article, Document
from parallax.pipeline import BATCH, Pipeline
from parallax.store import Store

ROOT = Path(__file__).resolve().parents[1]
PER_DAY = 400
START = datetime(2024, 1, 1, tzinfo=UTC)
PROBE_EVERY = 10
"""Polls between two timings of the models alone.  The first poll of the same
code took 249 ms an article in one sitting and 305 ms in another; each timing
takes under 1 % of the polls it stands for."""
PROBE_TEXTS = 200


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


def import_until(
    data: Path, state: Path, size: int, poll: int, probe: int = PROBE_TEXTS
) -> list[dict[str, float]]:
    """Import the stream up to ``size`` articles, resuming after the last logged poll.

    Returns the log: the polls, and the timings of the models alone on
    ``probe`` texts (entries marked ``"probe"``) taken beside them.
    """
    log = state / "log.jsonl"
    entries = read_log(log)
    polls = [e for e in entries if not e.get("probe")]
    done = int(polls[-1]["done"]) if polls else 0
    if done >= size:
        return entries
    if done:
        print(f"  resuming after {done} articles (log: {log})", flush=True)
    sample = probe_texts(data, probe)
    with log.open("a") as out:

        def write(entry: dict[str, float]) -> None:
            out.write(json.dumps(entry) + "\n")
            out.flush()
            entries.append(entry)

        def time_models() -> None:
            wall, cpu = run_models(sample)
            write({"probe": True, "done": done, "at": time.time(), "wall": wall, "cpu": cpu})
            print(
                f"    models alone: {1000 * wall:6.1f} ms, {1000 * cpu:6.1f} CPU ms an article",
                flush=True,
            )

        time_models()
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
        sitting = 0
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
            write(entry)
            print(
                f"    {done:>7} articles  this poll: {1000 * entry['wall'] / len(batch):6.1f} "
                f"ms/article, {1000 * entry['cpu'] / len(batch):6.1f} CPU ms/article, "
                f"{entry['stories']} stories briefed, peak RSS {entry['rss_mb']:.0f} MB",
                flush=True,
            )
            sitting += 1
            if sitting % PROBE_EVERY == 0:
                time_models()
            wall, cpu = time.perf_counter(), time.process_time()
    print(f"  {store.count_articles()} articles stored", flush=True)
    store.close()
    return entries


def _counted(entries: list[dict[str, float]], lo: int, hi: int) -> list[dict[str, float]]:
    return [
        e for e in entries if lo < e["done"] <= hi and not e.get("probe") and not e.get("partial")
    ]


def cost(entries: list[dict[str, float]], lo: int, hi: int) -> tuple[float, float]:
    """Wall and CPU seconds per article over the whole polls that end in (lo, hi]."""
    chosen = _counted(entries, lo, hi)
    n = sum(p["articles"] for p in chosen) or 1
    return sum(p["wall"] for p in chosen) / n, sum(p["cpu"] for p in chosen) / n


def against_models(entries: list[dict[str, float]], lo: int, hi: int) -> tuple[float, float]:
    """Wall and CPU cost of the polls that end in (lo, hi], in units of the
    models alone as last timed before each poll (the pipeline / models ratio)."""
    counted = {id(e) for e in _counted(entries, lo, hi)}
    latest: dict[str, float] | None = None
    pipeline = [0.0, 0.0]
    models = [0.0, 0.0]
    for entry in entries:
        if entry.get("probe"):
            latest = entry
        elif latest is not None and id(entry) in counted:
            for i, key in enumerate(("wall", "cpu")):
                pipeline[i] += entry[key]
                models[i] += latest[key] * entry["articles"]
    return pipeline[0] / (models[0] or 1), pipeline[1] / (models[1] or 1)


def probe_texts(data: Path, count: int) -> list[Document]:
    """``count`` originals spread evenly over the BBC topics, the same every time."""
    originals = list(documents(data, len(bbc(data))))
    return originals[:: max(1, len(originals) // count)][:count]


def run_models(sample: list[Document]) -> tuple[float, float]:
    """Wall and CPU seconds an article spaCy and the sentence encoder alone take.

    ``enrich`` is the two models and nothing else, run as the pipeline runs
    them (same batches, the encoder beside the parse).
    """
    wall, cpu = time.perf_counter(), time.process_time()
    for start in range(0, len(sample), BATCH):
        enrich([Article(id="", text=d.body, title=d.title) for d in sample[start : start + BATCH]])
    return (
        (time.perf_counter() - wall) / len(sample),
        (time.process_time() - cpu) / len(sample),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--poll", type=int, default=1000, help="articles per pipeline run")
    parser.add_argument(
        "--state", type=Path, help="folder for the database and the log; reuse it to resume"
    )
    parser.add_argument(
        "--probe", type=int, default=PROBE_TEXTS, help="texts the models alone are timed on"
    )
    args = parser.parse_args()
    if not (args.data / "bbc").is_dir():
        sys.exit(f"{args.data / 'bbc'} is missing: put the shared data folder beside the repo")
    sizes = sorted(args.sizes)
    with tempfile.TemporaryDirectory() as scratch:
        state = args.state or Path(scratch)
        state.mkdir(parents=True, exist_ok=True)
        # Loading the models is not per-article cost, and their first pass over
        # the sample ran 10 % slower than the next (95.5 against 86.9 ms an
        # article), which would flatter every poll read against it.
        run_models(probe_texts(args.data, args.probe))
        print(f"{sizes[-1]} articles (BBC, replicated with perturbations), {args.poll} a poll:")
        entries = import_until(args.data, state, sizes[-1], args.poll, args.probe)
    first: tuple[float, ...] = ()
    for size in sizes:
        wall, cpu = cost(entries, 0, size)
        last_wall, last_cpu = cost(entries, size - size // 10, size)
        units = against_models(entries, 0, size)
        last_units = against_models(entries, size - size // 10, size)
        rss = max(e["rss_mb"] for e in entries if e["done"] <= size and not e.get("probe"))
        first = first or (wall, cpu, *units)
        print(
            f"at {size}: {1 / wall:.1f} articles/s ({1000 * wall:.1f} ms, "
            f"{1000 * cpu:.1f} CPU ms an article); the last tenth {1000 * last_wall:.1f} ms, "
            f"{1000 * last_cpu:.1f} CPU ms an article; peak RSS {rss:.0f} MB\n"
            f"  pipeline / models alone timed beside it: {units[0]:.2f} (wall), "
            f"{units[1]:.2f} (CPU); the last tenth {last_units[0]:.2f}, {last_units[1]:.2f}\n"
            f"  cost per article against at {sizes[0]}: {wall / first[0]:.2f} (wall), "
            f"{cpu / first[1]:.2f} (CPU); in models-alone units {units[0] / first[2]:.2f} "
            f"(wall), {units[1] / first[3]:.2f} (CPU)",
            flush=True,
        )


if __name__ == "__main__":
    main()
