"""An extractive, neutral summary in which every sentence cites its sources.

Sentences are scored by closeness to the story's centroid (the mean of the
per-article centroids, so a long article does not outweigh short ones) plus a
lead prior (news puts the gist first), then picked by maximal marginal
relevance so that the summary does not repeat itself, with a cap per outlet.
Each picked sentence cites every article that has a sentence close to it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from parallax.brief._text import DATELINE, ordered_ids, quote_spans, roots
from parallax.model import Article, SummarySentence
from parallax.nlp import embed

SUMMARY_WORDS = 150
PER_OUTLET_CAP = 2
# Weight of the lead prior: the first sentence gets this bonus, decaying as
# 1/(1+position).  0.15 is about the centroid-score gap between a lead and
# a typical body sentence, enough to break ties without overruling content.
LEAD_WEIGHT = 0.15
CENTROID_WEIGHT = 1.0
GRAPH_WEIGHT = 0.0
GRAPH_DAMPING = 0.85
# MMR trade-off between relevance and novelty (Carbonell & Goldstein 1998).
MMR_LAMBDA = 0.7
# A sentence in another article "supports" a summary sentence at this cosine.
# MiniLM rewordings of one fact score 0.7-0.85; at 0.6 every sentence of
# the seed story was "supported" by all five articles (same topic, not
# same fact).
SUPPORT_SIM = 0.7
MIN_WORDS, MAX_WORDS = 8, 50
# A sentence whose words are mostly inside quotation marks is someone's voice.
MAX_QUOTED_SHARE = 0.3
# Evaluative words an outlet may use for one side; sentences with them are
# avoided when a plainer one exists (general vocabulary, not story-specific).
LOADED = frozenset(
    {
        "dictator",
        "regime",
        "terrorist",
        "terrorists",
        "thug",
        "thugs",
        "tyrant",
        "brutal",
        "brutality",
        "butcher",
        "jihadi",
        "jihadist",
        "extremist",
        "extremists",
        "hardline",
        "radical",
        "embarrassing",
        "embarrassment",
        "shocking",
        "horrific",
        "slaughter",
    }
)
LOADED_PENALTY = 0.2


# The sentence splitter sometimes leaves a closing quote mark of the previous
# sentence at the start of the next one.
_STRAY_QUOTE = re.compile(r"^[\"”’]\s+")


def _tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return _STRAY_QUOTE.sub("", DATELINE.sub("", text))


def _content_lemmas(sent: Any) -> list[str]:
    return [
        t.lemma_.lower()
        for t in sent
        if not (t.is_stop or t.is_punct or t.is_space) and (t.is_alpha or t.like_num)
    ]


def lexical_centrality(bags: Sequence[Sequence[str]]) -> np.ndarray:
    """LexRank (Erkan & Radev 2004, continuous form) over TF-IDF cosine of the
    sentences' content lemmas, scaled so that the most central sentence is 1."""
    n = len(bags)
    df = Counter(w for bag in bags for w in set(bag))
    # Only words in two sentences or more link sentences; the rest only
    # lengthen the vectors, so they count in the norms but not in the matrix.
    shared = {w: k for k, w in enumerate(w for w, c in df.items() if c > 1)}
    x = np.zeros((n, len(shared)), dtype=np.float32)
    norms = np.ones(n, dtype=np.float32)
    for i, bag in enumerate(bags):
        weights = {w: c * (np.log((1 + n) / (1 + df[w])) + 1) for w, c in Counter(bag).items()}
        norms[i] = np.sqrt(sum(v * v for v in weights.values())) or 1.0
        for w, v in weights.items():
            if w in shared:
                x[i, shared[w]] = v
    x /= norms[:, None]
    sim = x @ x.T
    np.fill_diagonal(sim, 1.0)
    walk = GRAPH_DAMPING * sim / sim.sum(axis=1, keepdims=True) + (1 - GRAPH_DAMPING) / n
    p = np.full(n, 1.0 / n, dtype=np.float32)
    for _ in range(100):
        nxt = p @ walk
        nxt /= nxt.sum()
        if float(np.abs(nxt - p).sum()) < 1e-6:
            break
        p = nxt
    return p / p.max()


def summarise(
    articles: Sequence[Article], docs: Sequence[Any], words: int = SUMMARY_WORDS
) -> list[SummarySentence]:
    """Sentences covering the story, about ``words`` words in all (the last sentence
    picked may run past it), each citing all supporting articles."""
    root = roots(articles)
    order = [a.id for a in articles]
    sents: list[tuple[str, str, int, float]] = []  # article, text, position, quoted share
    bags: list[list[str]] = []
    for art, doc in zip(articles, docs, strict=True):
        quotes = quote_spans(art.text)
        for pos, s in enumerate(doc.sents):
            text = _tidy(s.text)
            if not text:
                continue
            quoted = sum(
                min(e, s.end_char) - max(b, s.start_char)
                for b, e in quotes
                if b < s.end_char and e > s.start_char
            )
            sents.append((art.id, text, pos, quoted / max(1, len(s.text))))
            bags.append(_content_lemmas(s))
    if not sents:
        return []
    vecs = embed([t for _, t, _, _ in sents])
    centroids = []
    for aid in dict.fromkeys(a for a, *_ in sents):
        rows = [i for i, s in enumerate(sents) if s[0] == aid]
        c = vecs[rows].mean(axis=0)
        centroids.append(c / (np.linalg.norm(c) or 1.0))
    centroid = np.mean(centroids, axis=0)
    centroid /= np.linalg.norm(centroid) or 1.0

    score = CENTROID_WEIGHT * (vecs @ centroid) + GRAPH_WEIGHT * lexical_centrality(bags)
    for i, (_, text, pos, quoted) in enumerate(sents):
        score[i] += LEAD_WEIGHT / (1 + pos)
        tokens = re.findall(r"\w+", text.lower())
        if not MIN_WORDS <= len(tokens) <= MAX_WORDS or quoted > MAX_QUOTED_SHARE:
            score[i] = -np.inf
        elif LOADED & set(tokens):
            score[i] -= LOADED_PENALTY
    chosen: list[int] = []
    per_outlet: Counter[str] = Counter()
    outlet = {a.id: (a.source or root[a.id]) for a in articles}
    length, cap = 0, PER_OUTLET_CAP
    eligible = [i for i in range(len(sents)) if np.isfinite(score[i])]
    while length < words and len(chosen) < len(eligible):
        best, best_val = -1, -np.inf
        for i in eligible:
            if i in chosen or per_outlet[outlet[sents[i][0]]] >= cap:
                continue
            redundancy = max((float(vecs[i] @ vecs[k]) for k in chosen), default=0.0)
            val = MMR_LAMBDA * float(score[i]) - (1 - MMR_LAMBDA) * redundancy
            if val > best_val:
                best, best_val = i, val
        if best < 0:
            # Every outlet is at the cap (or out of sentences): a longer summary,
            # or a story with one outlet, lets each outlet give one more.
            cap += 1
            continue
        chosen.append(best)
        length += len(re.findall(r"\w+", sents[best][1]))
        per_outlet[outlet[sents[best][0]]] += 1

    def when(i: int) -> tuple[int, float, int]:
        art = next(a for a in articles if a.id == sents[i][0])
        ts = art.published.timestamp() if art.published else float("inf")
        return (sents[i][2], ts, order.index(art.id))

    out: list[SummarySentence] = []
    for i in sorted(chosen, key=when):
        support = [sents[i][0]] + [
            sents[k][0] for k in range(len(sents)) if float(vecs[i] @ vecs[k]) >= SUPPORT_SIM
        ]
        out.append(SummarySentence(text=sents[i][1], article_ids=ordered_ids(support, order)))
    return out
