"""Streaming clustering quality: B³ precision, recall and F1.

Data: the 300 BASIL articles (gold story = ``triplet-uuid``) streamed in date
order, mixed with the 2,225 BBC articles as distractors (each its own story),
whose dates are spread over the same years so that time alone cannot separate
them.  The BASIL events are split in two halves by a hash of their id (and the
BBC articles in two halves by position): thresholds are chosen on the first
half and reported on the second.

Beside Parallax's streaming assignment, the same run reports batch baselines:
average-linkage agglomerative clustering of all articles at once, on the same
lead embeddings, on TF-IDF of title and lead, and on the mean of the two
similarities, each cut at the distance that scores best on the tuning half.
The baselines see every article before deciding and ignore dates; streaming
decides each article on arrival.

Run: .venv/bin/python bench/clustering.py [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform
from sklearn.feature_extraction.text import TfidfVectorizer

from parallax.cluster import Item, StoryIndex
from parallax.cluster.index import MAX_GAP
from parallax.cluster.terms import terms
from parallax.enrich import enrich, lead_text
from parallax.model import Article

ROOT = Path(__file__).resolve().parents[1]


def basil(data: Path) -> list[tuple[Article, str]]:
    items = []
    for path in sorted((data / "basil" / "data" / "articles").rglob("*.json")):
        d = json.loads(path.read_text())
        paragraphs = d["body-paragraphs"]
        if isinstance(paragraphs, str):
            import ast

            paragraphs = ast.literal_eval(paragraphs)
        text = "\n\n".join(" ".join(p) if isinstance(p, list) else p for p in paragraphs)
        when = datetime.fromisoformat(d["date"]).replace(tzinfo=UTC)
        items.append(
            (
                Article(
                    id=path.stem, text=text, title=d["title"], published=when, source=d["source"]
                ),
                d["triplet-uuid"],
            )
        )
    return items


def bbc(data: Path, start: datetime, end: datetime) -> list[tuple[Article, str]]:
    rng = random.Random(7)
    items = []
    span = (end - start).total_seconds()
    for path in sorted((data / "bbc" / "articles").rglob("*.txt")):
        raw = path.read_bytes().decode("latin-1")
        title, _, body = raw.strip().partition("\n")
        when = start + timedelta(seconds=rng.random() * span)
        article_id = f"bbc-{path.parent.name}-{path.stem}"
        items.append(
            (
                Article(
                    id=article_id,
                    text=body.strip(),
                    title=title.strip(),
                    published=when,
                    source="BBC",
                ),
                article_id,
            )
        )
    return items


def b_cubed(pred: dict[str, str], gold: dict[str, str], keys: list[str]) -> tuple[float, ...]:
    by_pred, by_gold = defaultdict(set), defaultdict(set)
    for k in pred:
        by_pred[pred[k]].add(k)
        by_gold[gold[k]].add(k)
    p = r = 0.0
    for k in keys:
        same = by_pred[pred[k]] & by_gold[gold[k]]
        p += len(same) / len(by_pred[pred[k]])
        r += len(same) / len(by_gold[gold[k]])
    p, r = p / len(keys), r / len(keys)
    return p, r, 2 * p * r / (p + r)


def stream(
    items: list[tuple[Article, str]], vectors: dict[str, tuple], threshold: float
) -> dict[str, str]:
    """Each article's story after streaming them all, merges and splits applied."""
    index = StoryIndex(threshold=threshold)
    members: dict[str, set[str]] = defaultdict(set)
    for article, _ in items:
        embedding, keys = vectors[article.id]
        title = article.title or ""
        item = Item(
            article.id, title, embedding, frozenset(keys), terms(title, article.text),
            article.published,
        )
        done = index.assign(item)
        members[done.story.id].add(article.id)
        for absorbed in done.merged:
            members[done.story.id] |= members.pop(absorbed)
        if done.split is not None:
            moved = {m.id for m in done.split.members}
            members[done.story.id] -= moved
            members[done.split.id] |= moved
        index.evict_quiet(timedelta(days=3))
    return {article_id: story for story, ids in members.items() for article_id in ids}


def agglomerative(similarity: np.ndarray, ids: list[str], distance: float) -> dict[str, str]:
    """Average-linkage clusters of ``ids``, cut at cosine ``distance``."""
    condensed = squareform(np.clip(1.0 - similarity, 0.0, 2.0), checks=False)
    labels = fcluster(linkage(condensed, method="average"), t=distance, criterion="distance")
    return {article_id: f"c{label}" for article_id, label in zip(ids, labels, strict=True)}


def batch_baselines(
    items: list[tuple[Article, str]],
    vectors: dict[str, tuple],
    gold: dict[str, str],
    tune_keys: list[str],
    test_keys: list[str],
) -> None:
    ids = [a.id for a, _ in items]
    embeddings = np.stack([vectors[i][0] for i in ids])
    by_embedding = embeddings @ embeddings.T
    tfidf = TfidfVectorizer(sublinear_tf=True, stop_words="english", min_df=1)
    matrix = tfidf.fit_transform([lead_text(a) for a, _ in items])
    by_tfidf = (matrix @ matrix.T).toarray()
    np.fill_diagonal(by_embedding, 1.0)
    np.fill_diagonal(by_tfidf, 1.0)
    days = np.array([a.published.timestamp() / 86400 for a, _ in items])
    # The same limit streaming applies: articles further apart in time cannot link.
    apart = np.abs(days[:, None] - days[None, :]) > MAX_GAP.days
    both = (by_embedding + by_tfidf) / 2
    for name, similarity in (
        ("embedding", by_embedding),
        ("TF-IDF", by_tfidf),
        ("embedding+TF-IDF", both),
        ("emb+TF-IDF, 4-day", np.where(apart, -1.0, both)),
    ):
        best = (0.0, 0.0)
        for distance in np.arange(0.0, 0.90, 0.025):
            f1 = b_cubed(agglomerative(similarity, ids, float(distance)), gold, tune_keys)[2]
            best = max(best, (f1, float(distance)))
        p, r, f1 = b_cubed(agglomerative(similarity, ids, best[1]), gold, test_keys)
        print(
            f"  batch {name:<17} distance {best[1]:.3f} (tune F1 {best[0]:.3f}): "
            f"held-out B3 P {p:.3f} R {r:.3f} F1 {f1:.3f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    events = basil(args.data)
    dates = [a.published for a, _ in events if a.published]
    distractors = bbc(args.data, min(dates), max(dates))
    items = sorted(events + distractors, key=lambda x: (x[0].published, x[0].id))
    gold = {a.id: g for a, g in items}
    started = time.perf_counter()
    vectors = {}
    for i in range(0, len(items), 64):
        chunk = [a for a, _ in items[i : i + 64]]
        for article, e in zip(chunk, enrich(chunk), strict=True):
            vectors[article.id] = (e.embedding, e.entity_keys())
    enriched_in = time.perf_counter() - started

    def half(event: str) -> int:
        return int(hashlib.sha1(event.encode()).hexdigest(), 16) % 2

    tune = [a.id for a, g in events if half(g) == 0]
    test = [a.id for a, g in events if half(g) == 1]
    bbc_ids = [a.id for a, _ in distractors]
    print(
        f"data: {args.data} — {len(events)} BASIL articles "
        f"({len({g for _, g in events})} events) + {len(distractors)} BBC distractors; "
        f"enrichment took {enriched_in:.0f}s"
    )
    tune_keys = tune + bbc_ids[: len(bbc_ids) // 2]
    test_keys = test + bbc_ids[len(bbc_ids) // 2 :]
    print("batch baselines (all articles at once, threshold tuned on the tuning half):")
    batch_baselines(items, vectors, gold, tune_keys, test_keys)
    print("Parallax streaming (one article at a time, in date order):")
    best = (0.0, 0.0)
    for threshold in np.arange(0.30, 0.71, 0.05):
        f1 = b_cubed(stream(items, vectors, float(threshold)), gold, tune_keys)[2]
        print(f"  tune half  threshold {threshold:.2f}: B3 F1 {f1:.3f}")
        best = max(best, (f1, float(threshold)))
    p, r, f1 = b_cubed(stream(items, vectors, best[1]), gold, test_keys)
    print(f"  held-out half at threshold {best[1]:.2f}: B3 P {p:.3f} R {r:.3f} F1 {f1:.3f}")
    shipped = StoryIndex().threshold
    p, r, f1 = b_cubed(stream(items, vectors, shipped), gold, test_keys)
    print(
        f"  held-out half at the shipped threshold {shipped:.2f}: "
        f"B3 P {p:.3f} R {r:.3f} F1 {f1:.3f}"
    )

if __name__ == "__main__":
    main()
