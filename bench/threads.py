"""Thread links on allsides-dev: how often a thread joins two stories of one running subject.

A new story continues the thread of a hot story it would have joined but for the
days between them (``parallax.cluster.index.THREAD_FLOOR``).  Each link the index
makes while allsides-dev streams in date order is looked up in
``bench/references/thread_links.json``, the project's labels of the links it
proposed before the floor was set (same running subject or not).  Printed per
half (by a hash of the later story's id, as ``bench/clustering.py`` splits
stories; the floor was set on the tuning half 0): links made, labelled links,
precision among them, and how many of the labelled same-subject links were kept.

Run: .venv/bin/python bench/threads.py [--data ../shared/data]
(``PARALLAX_MODEL_CACHE=<folder>`` keeps the parses and vectors between runs.)
"""

from __future__ import annotations

import argparse
import json
from datetime import timedelta
from pathlib import Path

from clustering import allsides, half, vectorise
from parallax.cluster import Item, StoryIndex
from parallax.cluster.terms import terms

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "bench" / "references" / "thread_links.json"


def links(data: Path) -> list[tuple[str, str]]:
    """(earlier, later) AllSides story ids of each thread link, in stream order."""
    news = sorted(allsides(data), key=lambda x: (x[0].published, x[0].id))
    vectors = vectorise(news)
    gold = {a.id: g for a, g in news}
    founder: dict[str, str] = {}
    index = StoryIndex()
    found = []
    for article, _ in news:
        embedding, keys = vectors[article.id]
        title = article.title or ""
        done = index.assign(
            Item(
                article.id,
                title,
                embedding,
                frozenset(keys),
                terms(title, article.text),
                article.published,
            )
        )
        if done.reason == "new":
            founder[done.story.id] = gold[article.id]
            if done.continues is not None and done.continues in founder:
                found.append((founder[done.continues], gold[article.id]))
        index.evict_quiet(timedelta(days=3))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    labels = {
        (x["earlier"], x["later"]): x["same_subject"]
        for x in json.loads(LABELS.read_text())["links"]
    }
    made = links(args.data)
    print(f"data: {args.data / 'allsides-dev'}; labels: {LABELS.relative_to(ROOT)}")
    for h, name in ((0, "tuning"), (1, "reporting")):
        mine = [pair for pair in made if half(pair[1]) == h]
        labelled = [labels[p] for p in mine if p in labels]
        good = sum(labelled)
        known_good = sum(v for p, v in labels.items() if half(p[1]) == h)
        precision = good / len(labelled) if labelled else float("nan")
        print(
            f"half {h} ({name}): {len(mine)} links, {len(labelled)} labelled, "
            f"precision {precision:.2f} ({good}/{len(labelled)}), "
            f"same-subject links kept {good}/{known_good}"
        )


if __name__ == "__main__":
    main()
