"""Cheaper sentence vectors for the briefing: how often they decide as MiniLM does.

    .venv/bin/python bench/sentence_vectors.py [--stories 50]

The briefing compares sentences with MiniLM cosines against fixed thresholds
(a summary sentence is supported by another at 0.7, unique facts at 0.6,
events merge at 0.6, figures' clauses at 0.75, framing contexts at 0.85), and
embedding every sentence of every article was about half of an import's time
(issue 20).  A cheaper vector can stand in only where it takes the same
decisions.  Scored here, on the sentence pairs within each AllSides story of
the tuning part (before June 2021; sentences cut at ". " before a capital,
five words or more):

* **static**: MiniLM distilled to one vector per word piece, as model2vec's
  ``distill`` does it, written out here so that it runs offline from the
  packaged model: each piece run alone through MiniLM ("[CLS] piece [SEP]"),
  its own output position kept, the mean and the first principal component
  taken out, weighted by smooth inverse frequency with the vocabulary's order
  for frequency; a sentence is the weighted mean of its pieces;
* **tf-idf**: the stemmed content words the clustering counts, weighted by
  their inverse frequency among the story's sentences.

For each: encoding speed beside MiniLM's, the Pearson correlation of the pair
cosines with MiniLM's, and at each MiniLM threshold the share of MiniLM's
positive pairs the candidate also finds at the threshold that gives it as
many positives (a rate-matched threshold: agreement 1.0 means the same
decisions).

Measured (2 cores under a load average of 11-15 from other work, 50
stories, 545 sentences, 2,867 pairs): static 155x faster than MiniLM (2,277
against 15 sentences/s), Pearson 0.69, agreement 0.59 at 0.6, 0.54 at 0.7,
0.48 at 0.75, 0.44 at 0.85; tf-idf Pearson 0.67, agreement 0.54, 0.49, 0.38,
0.38.  Half of the pairs MiniLM calls the same statement would be missed (and
as many others taken in their place), so neither replaces MiniLM for the
briefing's citations.
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import re
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from spacy.lang.en.stop_words import STOP_WORDS

from parallax import nlp

# The module, not the function ``parallax.cluster`` exports under its name.
cluster_terms = importlib.import_module("parallax.cluster.terms")

ROOT = Path(__file__).resolve().parents[1]
THRESHOLDS = (0.6, 0.7, 0.75, 0.85)
REPORT_FROM = "2021-06-01"
SIF = 1e-4


Story = list[tuple[str, str]]
"""(outlet, sentence) pairs of one story."""


def stories(data: Path, limit: int) -> list[Story]:
    found = []
    for line in (data / "allsides-dev" / "roundups.jsonl").read_text().splitlines():
        story = json.loads(line)
        if story["date"][:10] >= REPORT_FROM:
            continue
        sentences = [
            (side, sentence.strip())
            for side, news in sorted(story["news"].items())
            for paragraph in news["newBody"]
            for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z\"“])", paragraph)
            if len(sentence.split()) >= 5
        ]
        found.append(sentences)
    return found[:limit]


def distill() -> NDArray[np.float32]:
    """One weighted row per word piece of the packaged MiniLM."""
    import torch

    encoder = nlp._embedder()
    tokenizer = encoder.tokenizer
    size = len(tokenizer)
    rows = []
    with torch.inference_mode():
        for start in range(0, size, 1024):
            ids = torch.arange(start, min(size, start + 1024))
            features = {
                "input_ids": torch.stack(
                    [
                        torch.full_like(ids, tokenizer.cls_token_id),
                        ids,
                        torch.full_like(ids, tokenizer.sep_token_id),
                    ],
                    dim=1,
                ),
                "attention_mask": torch.ones((len(ids), 3), dtype=torch.long),
                "token_type_ids": torch.zeros((len(ids), 3), dtype=torch.long),
            }
            rows.append(encoder[0](features)["token_embeddings"][:, 1].float().numpy())
    table = np.concatenate(rows)
    table -= table.mean(axis=0)
    top = np.linalg.svd(table[::3], full_matrices=False)[2][:1]
    table -= (table @ top.T) @ top
    table /= np.linalg.norm(table, axis=1, keepdims=True) + 1e-9
    rank = np.arange(1, size + 1, dtype=np.float64)
    zipf = (1 / rank) / (1 / rank).sum()
    return np.asarray(table * (SIF / (SIF + zipf))[:, None], dtype=np.float32)


def static_encoder(table: NDArray[np.float32]) -> Callable[[list[str]], NDArray[np.float32]]:
    tokenizer: Any = nlp._embedder().tokenizer
    special = set(tokenizer.all_special_ids)

    def encode(texts: list[str]) -> NDArray[np.float32]:
        out = np.zeros((len(texts), table.shape[1]), dtype=np.float32)
        pieces = tokenizer(texts, add_special_tokens=False)["input_ids"]
        for i, ids in enumerate(pieces):
            kept = [t for t in ids if t not in special]
            if kept:
                v = table[kept].sum(axis=0)
                out[i] = v / (np.linalg.norm(v) or 1.0)
        return out

    return encode


def tfidf_cosines(story: Story) -> NDArray[np.float64]:
    bags = [
        [
            w
            for w in map(cluster_terms._stem, cluster_terms._WORD.findall(text.lower()))
            if len(w) > 2 and w not in STOP_WORDS
        ]
        for _, text in story
    ]
    df = Counter(w for bag in bags for w in set(bag))
    column = {w: i for i, w in enumerate(df)}
    x = np.zeros((len(bags), len(column)))
    for i, bag in enumerate(bags):
        for w, c in Counter(bag).items():
            x[i, column[w]] = (1 + math.log(c)) * (math.log((1 + len(bags)) / (1 + df[w])) + 1)
    x /= np.linalg.norm(x, axis=1, keepdims=True) + 1e-9
    return x @ x.T


def pairs(sims: NDArray[Any]) -> NDArray[np.float64]:
    return np.asarray(sims[np.triu_indices(len(sims), 1)], dtype=np.float64)


def agreement(reference: NDArray[np.float64], candidate: NDArray[np.float64]) -> str:
    cells = []
    for threshold in THRESHOLDS:
        positive = reference >= threshold
        if not positive.any():
            continue
        matched = np.quantile(candidate, 1 - positive.mean())
        found = (positive & (candidate >= matched)).sum() / positive.sum()
        cells.append(f"{threshold}: {found:.2f} ({positive.sum()} pairs)")
    return f"Pearson {np.corrcoef(reference, candidate)[0, 1]:.2f}; agreement at " + ", ".join(
        cells
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--stories", type=int, default=50)
    args = parser.parse_args()
    found = stories(args.data, args.stories)
    texts = [text for story in found for _, text in story]
    nlp.embed(texts[:32])  # loads the model
    started = time.perf_counter()
    minilm = nlp.embed(texts)
    minilm_seconds = time.perf_counter() - started
    started = time.perf_counter()
    table = distill()
    print(f"static table of {len(table)} pieces distilled in {time.perf_counter() - started:.0f} s")
    encode = static_encoder(table)
    started = time.perf_counter()
    static = encode(texts)
    static_seconds = time.perf_counter() - started
    reference, by_static, by_tfidf = [], [], []
    at = 0
    for story in found:
        rows = slice(at, at + len(story))
        at += len(story)
        reference.append(pairs(minilm[rows] @ minilm[rows].T))
        by_static.append(pairs(static[rows] @ static[rows].T))
        by_tfidf.append(pairs(tfidf_cosines(story)))
    ref = np.concatenate(reference)
    print(f"{len(found)} AllSides stories (tuning part), {len(texts)} sentences, {len(ref)} pairs")
    print(f"MiniLM: {len(texts) / minilm_seconds:.0f} sentences/s")
    print(
        f"static: {len(texts) / static_seconds:.0f} sentences/s "
        f"({minilm_seconds / static_seconds:.0f}x MiniLM); "
        + agreement(ref, np.concatenate(by_static))
    )
    print("tf-idf: " + agreement(ref, np.concatenate(by_tfidf)))


if __name__ == "__main__":
    main()
