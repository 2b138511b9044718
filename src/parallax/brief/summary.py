"""An extractive, neutral summary in which every sentence cites its sources.

Sentences (spaCy's, cut again at paragraph breaks; only whole sentences that
end in a full stop, "?" or "!") are scored by closeness to the story's
centroid (the mean of the per-article centroids, so a long article does not
outweigh short ones), plus their LexRank centrality over shared words, plus a
lead prior (news puts the gist first), then picked by maximal marginal
relevance so that the summary does not repeat itself, with a cap per outlet,
until the summary reaches its length in words.

Precision comes before coverage:

* a sentence cites an article only if one of that article's sentences says the
  same thing (close in meaning), carries every figure the summary sentence
  carries, and was published no earlier than the day the sentence speaks of;
* a sentence that says what a picked one already says is not picked again: the
  picked one cites both outlets instead;
* a figure that outlets dispute (a conflict of the briefing's figures) is
  avoided when a plainer sentence exists, and otherwise attributed to the
  outlets that report it; a figure a later report superseded is never stated;
* an opinion piece's sentences are not stated as the story's facts while a
  news report covers it (``extract.kind``); they may still support one.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import NDArray

from parallax.brief._text import DATELINE, figures, inside, ordered_ids, quote_spans, roots
from parallax.brief.attribution import CUE_LEMMAS, subject
from parallax.brief.timeline import resolve as resolve_date
from parallax.extract.kind import OPINION, article_kind
from parallax.model import Article, QuantityGroup, SummarySentence
from parallax.nlp import embed_remembered

# A briefing's summary stops at whichever comes first: five sentences (the
# page's first screen holds three to five), or the sentence that reaches 150
# words.  No sentence is longer than 50 words, so a story with three sentences
# to offer gets at least three.
SUMMARY_WORDS = 150
SUMMARY_SENTENCES = 5
PER_OUTLET_CAP = 2
# The figures below were set on the tuning halves of bench/summary.py
# (ROUGE-1 F1, every summary cut to its reference's length): 15 BASIL triplets
# against the project's written roundups, the seed story, and 200 BBC articles
# (the first 40 even-numbered files of each topic).
# Moving one sentence in or out shifts the 15-triplet mean by about 1 point.
#
# Lead prior: the first sentence gets this bonus, decaying as 1/(1+position).
# 0.10 against 0.15 and 0.20 (no LexRank term, MMR 0.7): BASIL 49.8 / 48.1 /
# 48.6, seeds 45.1 / 41.8 / 38.8.
LEAD_WEIGHT = 0.10
# LexRank centrality (most central sentence = 1) added to the centroid cosine.
# It ties a summary to the words the story's sentences share, which the
# embedding centroid misses.  0.3 against none and 0.5 (lead 0.10, MMR 0.6):
# BASIL 49.6 / 48.8 / 49.0, seeds 48.3 / 48.3 / 43.5, BBC 74.4 / 68.3 / 75.9.
GRAPH_WEIGHT = 0.3
GRAPH_DAMPING = 0.85
# Corroboration: the closest sentence of another outlet, added to the score.
# Of the sentence features, it tracked the reference's words best on the
# AllSides tuning part (Pearson 0.53, against 0.44 for the centroid cosine);
# 0.6 against none: ROUGE-1 42.9 / 42.7 there.
CORROBORATION_WEIGHT = 0.6
# MMR trade-off between relevance and novelty (Carbonell & Goldstein 1998).
# With the weights above, 0.6 against 0.7: BASIL 49.6 / 48.6, seeds 48.3 /
# 43.5 (five outlets repeat one another, so novelty pays); a single BBC
# article loses a little, 74.4 against 75.3.
MMR_LAMBDA = 0.6
# A sentence in another article "supports" a summary sentence at this cosine.
# MiniLM rewordings of one fact score 0.7-0.85; at 0.6 every sentence of
# the seed story was "supported" by all five articles (same topic, not
# same fact).
SUPPORT_SIM = 0.7
MIN_WORDS, MAX_WORDS = 8, 50
# A sentence whose words are mostly inside quotation marks is someone's voice:
# it may be stated only when it says whose, with a speech verb and its speaker
# outside the quotation ("“…,” the minister said").  On allsides-dev's tuning
# part, letting such attributed quotations in (and no others) moves ROUGE-1
# from 43.0 to 43.6 (reporting part: 43.6 to 44.5).
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


# A disputed figure is avoided when a plainer sentence exists: this is taken off
# its score, more than the gap between a story's best sentences and its fifth.
CONTESTED_PENALTY = 0.3


def latest_day(tokens: Sequence[Any], published: date | None) -> date | None:
    """The latest day a sentence speaks of ("on Thursday", "Oct. 15"), read
    from its article's publication day; None when it names none."""
    if published is None:
        return None
    days = []
    seen: set[int] = set()
    for t in tokens:
        if t.ent_type_ != "DATE" or t.i in seen:
            continue
        span = next(e for e in t.doc.ents if e.start <= t.i < e.end)
        seen.update(range(span.start, span.end))
        day = resolve_date(span.text, published)
        # A day after publication is a plan ("talks resume on 20 October"),
        # which any earlier report can state as well.
        if day is not None and day <= published:
            days.append(day)
    return max(days, default=None)


def _outlet_names(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _attributed(text: str, first: Any, outlets: Sequence[str]) -> str:
    """The sentence as the outlets' report: "Reuters reported that hundreds ..."."""
    head = text if first.pos_ == "PROPN" or first.text.isupper() else text[0].lower() + text[1:]
    return f"{_outlet_names(outlets)} reported that {head}"


# The sentence splitter sometimes leaves a closing quote mark of the previous
# sentence at the start of the next one.
_STRAY_QUOTE = re.compile(r"^[\"”’]\s+")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# A sentence ends with a full stop, "?" or "!", perhaps inside a closing quote
# or bracket; headlines, captions and a lead-in to a quote ("He said:") do not,
# nor does a text an excerpt cut off with an ellipsis ("the problem of...").
_ENDS_SENTENCE = re.compile(r"(?<![.…])[.!?][\"”’')\]]*$")


def _tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return _STRAY_QUOTE.sub("", DATELINE.sub("", text))


def _units(text: str, doc: Any) -> Iterator[tuple[int, int, list[Any]]]:
    """spaCy's sentences as (start, end, tokens), cut again at blank lines: a
    headline or a caption without a full stop would otherwise run into the
    sentence after it."""
    for sent in doc.sents:
        start = sent.start_char
        for m in _PARAGRAPH_BREAK.finditer(text, sent.start_char, sent.end_char):
            yield start, m.start(), [t for t in sent if start <= t.idx < m.start()]
            start = m.end()
        yield start, sent.end_char, [t for t in sent if t.idx >= start]


def sentence_texts(text: str, doc: Any) -> list[str]:
    """The sentences of one article as ``summarise`` embeds them."""
    return [tidy for start, end, _ in _units(text, doc) if (tidy := _tidy(text[start:end]))]


def _says_whose(tokens: Sequence[Any], quotes: Sequence[tuple[int, int]]) -> bool:
    """Whether a sentence names who speaks its quotation: a speech verb outside
    the quotation marks whose speaker is outside them too."""
    for t in tokens:
        if t.pos_ != "VERB" or t.lemma_.lower() not in CUE_LEMMAS or inside(quotes, t.idx):
            continue
        speaker = subject(t)
        if speaker is not None and not inside(quotes, speaker.idx) and speaker.pos_ != "PRON":
            return True
    return False


def _content_lemmas(tokens: Sequence[Any]) -> list[str]:
    return [
        t.lemma_.lower()
        for t in tokens
        if not (t.is_stop or t.is_punct or t.is_space) and (t.is_alpha or t.like_num)
    ]


def lexical_centrality(bags: Sequence[Sequence[str]]) -> NDArray[np.float64]:
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
    # A sentence does not vote for itself (else one that shares no word keeps
    # all its weight); one that shares no word votes for every sentence alike.
    np.fill_diagonal(sim, 0.0)
    sums = sim.sum(axis=1, keepdims=True)
    rows = np.where(sums > 0, sim / np.where(sums > 0, sums, 1.0), 1.0 / n)
    walk = GRAPH_DAMPING * rows + (1 - GRAPH_DAMPING) / n
    p: NDArray[np.float64] = np.full(n, 1.0 / n)
    for _ in range(100):
        nxt = p @ walk
        nxt /= nxt.sum()
        if float(np.abs(nxt - p).sum()) < 1e-6:
            break
        p = nxt
    return np.asarray(p / p.max(), dtype=np.float64)


def summarise(
    articles: Sequence[Article],
    docs: Sequence[Any],
    words: int = SUMMARY_WORDS,
    sentences: int = SUMMARY_SENTENCES,
    quantities: Sequence[QuantityGroup] = (),
) -> list[SummarySentence]:
    """At most ``sentences`` sentences covering the story, stopping at the one that
    reaches ``words`` words, each citing the articles that support it.

    ``quantities`` are the story's figure groups (``extract_quantities``): a
    sentence that carries a figure of a conflict is avoided or attributed, one
    that carries a figure a later report superseded is left out.
    """
    root = roots(articles)
    order = [a.id for a in articles]
    by_id = {a.id: a for a in articles}
    sents: list[tuple[str, str, int, float]] = []  # article, text, position, unclaimed quote
    bags: list[list[str]] = []
    counts: list[frozenset[str]] = []
    days: list[date | None] = []
    firsts: list[Any] = []
    for art, doc in zip(articles, docs, strict=True):
        quotes = quote_spans(art.text)
        published = None if art.published_estimated or not art.published else art.published.date()
        for pos, (start, end, tokens) in enumerate(_units(art.text, doc)):
            text = _tidy(art.text[start:end])
            if not text:
                continue
            in_quotes = sum(min(e, end) - max(b, start) for b, e in quotes if b < end and e > start)
            share = in_quotes / max(1, end - start)
            whole = all(start <= b and e <= end for b, e in quotes if b < end and e > start)
            if share > MAX_QUOTED_SHARE and whole and _says_whose(tokens, quotes):
                share = 0.0
            sents.append((art.id, text, pos, share))
            bags.append(_content_lemmas(tokens))
            counts.append(figures(tokens))
            days.append(latest_day(tokens, published))
            firsts.append(next((t for t in tokens if text.startswith(t.text)), tokens[0]))
    if not sents:
        return []
    vecs = embed_remembered([t for _, t, _, _ in sents])
    centroids = []
    for aid in dict.fromkeys(a for a, *_ in sents):
        rows = [i for i, s in enumerate(sents) if s[0] == aid]
        c = vecs[rows].mean(axis=0)
        centroids.append(c / (np.linalg.norm(c) or 1.0))
    centroid = np.mean(centroids, axis=0)
    centroid /= np.linalg.norm(centroid) or 1.0
    sims = vecs @ vecs.T

    def supports(k: int, i: int) -> bool:
        """Whether sentence ``k`` backs sentence ``i``: same meaning, every
        figure of ``i``, and an article no older than the day ``i`` speaks of."""
        if k == i:
            return True
        if sims[i, k] < SUPPORT_SIM or not counts[i] <= counts[k]:
            return False
        published = by_id[sents[k][0]].published
        day = days[i]
        return day is None or published is None or published.date() >= day

    disputed, stale = _figure_standing(sents, quantities, by_id, root)
    opinion = {a.id for a in articles if article_kind(a.url, a.section, a.title) == OPINION}
    if len(opinion) == len(articles):
        opinion = set()  # a story told only in columns is summarised from them
    outlet = {a.id: (a.source or root[a.id]) for a in articles}
    score = vecs @ centroid + GRAPH_WEIGHT * lexical_centrality(bags)
    # Corroboration: how closely another outlet says the same.  The gist of a
    # story is what several outlets report; one outlet's aside is not.
    source_of = np.array([root[a] for a, *_ in sents])
    others = source_of[:, None] != source_of[None, :]
    if others.any():
        score += CORROBORATION_WEIGHT * np.where(others, sims, -1.0).max(axis=1).clip(min=0.0)
    for i, (_, text, pos, quoted) in enumerate(sents):
        score[i] += LEAD_WEIGHT / (1 + pos)
        plain = re.findall(r"\w+", text.lower())
        if (
            not MIN_WORDS <= len(plain) <= MAX_WORDS
            or quoted > MAX_QUOTED_SHARE
            or not _ENDS_SENTENCE.search(text)
            or i in stale
            or sents[i][0] in opinion
        ):
            score[i] = -np.inf
            continue
        if LOADED & set(plain):
            score[i] -= LOADED_PENALTY
        if i in disputed:
            score[i] -= CONTESTED_PENALTY
    chosen: list[int] = []
    per_outlet: Counter[str] = Counter()
    length, cap = 0, PER_OUTLET_CAP
    eligible = [i for i in range(len(sents)) if np.isfinite(score[i])]
    while length < words and len(chosen) < sentences:
        best, best_val = -1, -np.inf
        for i in eligible:
            if i in chosen or per_outlet[outlet[sents[i][0]]] >= cap:
                continue
            redundancy = max((float(sims[i, k]) for k in chosen), default=0.0)
            if redundancy >= SUPPORT_SIM:
                continue  # says what a picked sentence says: that one cites both
            val = MMR_LAMBDA * float(score[i]) - (1 - MMR_LAMBDA) * redundancy
            if val > best_val:
                best, best_val = i, val
        if best < 0:
            if all(
                i in chosen or max(float(sims[i, k]) for k in chosen) >= SUPPORT_SIM
                for i in eligible
            ):
                break
            # Every outlet is at the cap: a longer summary, or a story with one
            # outlet, lets each outlet give one more.
            cap += 1
            continue
        chosen.append(best)
        length += len(re.findall(r"\w+", sents[best][1]))
        per_outlet[outlet[sents[best][0]]] += 1

    def when(i: int) -> tuple[int, float, int]:
        art = by_id[sents[i][0]]
        ts = art.published.timestamp() if art.published else float("inf")
        return (sents[i][2], ts, order.index(art.id))

    out: list[SummarySentence] = []
    for i in sorted(chosen, key=when):
        support = ordered_ids([sents[k][0] for k in range(len(sents)) if supports(k, i)], order)
        text = sents[i][1]
        if i in disputed:
            names = list(dict.fromkeys(s for a in support if (s := by_id[a].source)))
            if not names:
                continue  # a disputed figure with no outlet to credit it to
            text = _attributed(text, firsts[i], names)
        out.append(SummarySentence(text=text, article_ids=support))
    return out


def _figure_standing(
    sents: Sequence[tuple[str, str, int, float]],
    quantities: Sequence[QuantityGroup],
    by_id: dict[str, Article],
    root: dict[str, str],
) -> tuple[set[int], set[int]]:
    """The sentences that carry a disputed figure, and those that carry one a
    later report superseded (a toll that has since risen)."""
    disputed: set[int] = set()
    stale: set[int] = set()
    for group in quantities:
        if not group.conflict:
            continue
        updates = [m for m in group.mentions if m.update]
        newest = max(
            (by_id[m.article_id].published for m in updates if by_id.get(m.article_id)),
            default=None,
            key=lambda d: d.timestamp() if d else 0.0,
        )
        for m in group.mentions:
            if m.update:
                continue
            for i, (aid, text, _, _) in enumerate(sents):
                # A syndicated copy carries its original's figure (the figures
                # list it once, under the original).
                if root[aid] != root.get(m.article_id) or m.text not in text:
                    continue
                published = by_id[aid].published
                if newest is not None and (published is None or published < newest):
                    stale.add(i)
                else:
                    disputed.add(i)
    return disputed, stale
