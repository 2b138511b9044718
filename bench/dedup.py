"""Near-duplicate detection quality: precision and recall on copy / not-copy pairs.

Data: the 2,225 BBC articles (``../shared/data/bbc``).  Positives are copies of a
BBC article made with the edits a syndicating outlet makes: a new headline, a
trimmed ending, a lead-only copy, an added paragraph of its own, sentences
moved, the outlet's boilerplate around the text, house-style copy-editing, and
all of these at once.  One kind is real: the BBC published some reports twice,
under one headline or (``SAME_REPORT``) under a new one.

Hard negatives are pairs of different BBC articles from one topic: random ones,
the pairs that share the most names, every pair that shares passages (follow-up
stories re-using background paragraphs), and pairs wearing the same outlet's
boilerplate.  Short texts (under ``dedup.MIN_WORDS``) are kept apart: none of
them may be called a copy, whatever it shares.

Every query runs against one ``DuplicateIndex`` holding the whole corpus, as the
pipeline's index would; a pair counts as found when the index accepts the
pair's original for the copy.  Everything is drawn from a seeded RNG.

Run: .venv/bin/python bench/dedup.py [--data ../shared/data] [--originals 400] [--seed N]
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import numpy as np

from parallax.dedup import (
    ALMOST_ALL,
    MIN_WORDS,
    MOST,
    DuplicateIndex,
    fingerprint,
    overlap,
    shingle_hashes,
)

ROOT = Path(__file__).resolve().parents[1]
SEED = 20261121

SAME_REPORT = {
    ("sport/444", "sport/458"),
    ("tech/049", "tech/340"),
    ("sport/425", "sport/433"),
    ("sport/424", "sport/511"),
    ("business/209", "business/229"),
}
"""BBC pairs under different headlines judged, by reading both, to be one report
published twice (same lead, same facts, small edits or an update of the figures).
Every other pair of different headlines is a different article: on reading, the
ones sharing most text are follow-ups (a new development under a new lead, with
the earlier story's background paragraphs re-used)."""

POSITIVE = (
    "headline",
    "trim_end",
    "lead_only",
    "added_para",
    "reorder",
    "boilerplate",
    "copyedit",
    "combined",
    "bbc_republished",
)
NEGATIVE = ("same_topic", "shared_names", "shared_text", "boilerplate_pair")
SHORT = ("short_lead", "short_boilerplate")

# An outlet's furniture around a syndicated text, written for this benchmark.
BOILERPLATE = [
    (
        "Sign up to The Morning Ledger, our free daily newsletter, for the stories "
        "you need to know before breakfast.",
        "Copyright 2005 The Northern Ledger. All rights reserved. This material may not "
        "be published, broadcast, rewritten or redistributed without permission. "
        "Follow us on social media and share your views in the comments below.",
    ),
    (
        "Listen to this article. Estimated reading time: four minutes.",
        "Have you been affected by the issues raised in this story? Get in touch with "
        "our newsdesk by email or message us on WhatsApp. Related topics: news, "
        "business, politics, world. More from the Capital Herald.",
    ),
    (
        "Advertisement",
        "This story was supplied by a news agency and has not been edited by Meridian "
        "Daily staff. Read our editorial standards and corrections policy on our "
        "website. Most read: top ten stories of the week. Subscribe for unlimited "
        "access to every article, the digital edition and our archive for one low "
        "monthly price. Cancel at any time.",
    ),
]

# House style of the syndicating outlet: (pattern, replacement), applied to a
# random half of the places each matches.
HOUSE_STYLE = [
    (r"\bsaid\b", "says"),
    (r"\bper cent\b", "percent"),
    (r"\b(M[rs]s?)\.? ([A-Z])", r"\2"),
    (r"(\w)our\b", r"\1or"),
    (r"(\w{3})is(e[sd]?|ing)\b", r"\1iz\2"),
    (r"\btonight\b", "on Tuesday night"),
    (r"\bthe UK\b", "Britain"),
    (r"£(\d)", r"GBP \1"),
    (r"\bwhile\b", "whilst"),
    (r"\bthe firm\b", "the company"),
]
NEW_HEADLINE = ["UPDATE 2-{}", "{} - officials", "Analysis: {}", "{} (corrected)", "WATCH: {}"]

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[\"'A-Z0-9])|(?<=[.!?][\"'])\s+(?=[\"'A-Z0-9])")
_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*")


@dataclass(slots=True)
class Source:
    id: str
    topic: str
    title: str
    paragraphs: list[list[str]]
    """Sentences, paragraph by paragraph."""

    @property
    def body(self) -> str:
        return "\n\n".join(" ".join(p) for p in self.paragraphs)

    @property
    def words(self) -> int:
        return len(self.body.split())


@dataclass(slots=True)
class Pair:
    kind: str
    original: str
    """id of the indexed article"""
    copy: str
    """the text queried against the index"""
    copy_id: str
    """the copy's own id (it may be in the index too)"""


def load(data: Path) -> list[Source]:
    sources = []
    for path in sorted((data / "bbc" / "articles").rglob("*.txt")):
        raw = path.read_bytes().decode("latin-1")
        title, _, body = raw.strip().partition("\n")
        paragraphs = [
            _SENTENCE.split(p.strip()) for p in re.split(r"\n\s*\n", body.strip()) if p.strip()
        ]
        sources.append(
            Source(f"{path.parent.name}/{path.stem}", path.parent.name, title.strip(), paragraphs)
        )
    return sources


def _normal(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def _sentences(source: Source) -> list[str]:
    return [s for p in source.paragraphs for s in p]


def _join(paragraphs: list[list[str]]) -> str:
    return "\n\n".join(" ".join(p) for p in paragraphs if p)


def _keep_first(source: Source, words: int) -> list[list[str]]:
    """The paragraphs up to the sentence that reaches ``words`` words."""
    kept: list[list[str]] = []
    count = 0
    for paragraph in source.paragraphs:
        kept.append([])
        for sentence in paragraph:
            if count >= words:
                return [p for p in kept if p]
            kept[-1].append(sentence)
            count += len(sentence.split())
    return [p for p in kept if p]


def house_style(text: str, rng: random.Random) -> str:
    for pattern, replacement in HOUSE_STYLE:
        text = re.sub(
            pattern,
            lambda m, r=replacement: m.expand(r) if rng.random() < 0.5 else m.group(0),
            text,
        )
    return text


def wear(text: str, outlet: int) -> str:
    header, footer = BOILERPLATE[outlet % len(BOILERPLATE)]
    return f"{header}\n\n{text}\n\n{footer}"


def edit(kind: str, source: Source, other: Source, rng: random.Random) -> str | None:
    """A copy of ``source`` made with one kind of edit.

    ``other`` (another article on the topic) lends the outlet's own paragraph."""
    if kind == "headline":
        return rng.choice(NEW_HEADLINE).format(source.title) + "\n\n" + source.body
    if kind == "trim_end":
        return _join(_keep_first(source, int(source.words * rng.uniform(0.45, 0.8))))
    if kind == "lead_only":
        # A lead long enough to judge, and at most half the original.
        lead = _join(_keep_first(source, max(60, int(source.words * 0.2))))
        return lead if len(lead.split()) <= source.words / 2 else None
    if kind == "added_para":
        paragraphs = list(source.paragraphs)
        own = other.paragraphs[1] if len(other.paragraphs) > 1 else other.paragraphs[0]
        paragraphs.insert(rng.randint(1, len(paragraphs)), own)
        return _join(paragraphs)
    if kind == "reorder":
        # A third of the sentences move elsewhere in their paragraph.
        paragraphs = []
        for paragraph in source.paragraphs:
            moved = list(paragraph)
            for _ in range(len(moved) // 3 or (1 if len(moved) > 1 else 0)):
                i, j = rng.sample(range(len(moved)), 2)
                moved[i], moved[j] = moved[j], moved[i]
            paragraphs.append(moved)
        return _join(paragraphs)
    if kind == "boilerplate":
        return wear(source.body, rng.randrange(len(BOILERPLATE)))
    if kind == "copyedit":
        return house_style(source.body, rng)
    if kind == "combined":
        kept = _keep_first(source, int(source.words * rng.uniform(0.6, 0.9)))
        own = other.paragraphs[-1]
        kept.insert(rng.randint(1, len(kept)), own)
        text = rng.choice(NEW_HEADLINE).format(source.title) + "\n\n" + _join(kept)
        return wear(house_style(text, rng), rng.randrange(len(BOILERPLATE)))
    raise ValueError(kind)


def _names(source: Source) -> set[str]:
    # Capitalised runs after the first word of each sentence: people, places, bodies.
    found = set()
    for sentence in _sentences(source):
        found.update(m.group(0) for m in _NAME.finditer(sentence) if m.start() > 0)
    return found


def _sharing(members: list[Source], grams: dict[str, np.ndarray]) -> list[tuple[Source, Source]]:
    """Pairs that could share a fifth of their words: enough 5-grams in common (a covered
    word needs one of at most five), counted through an inverted index."""
    postings: dict[int, list[Source]] = defaultdict(list)
    for source in members:
        for gram in set(grams[source.id].tolist()):
            postings[gram].append(source)
    shared: Counter[tuple[str, str]] = Counter()
    for holders in postings.values():
        if 1 < len(holders) <= 50:  # a 5-gram in more articles is a stock phrase
            for a, b in combinations(holders, 2):
                shared[(a.id, b.id)] += 1
    by_id = {s.id: s for s in members}
    return [
        (by_id[a], by_id[b])
        for (a, b), n in sorted(shared.items())
        if n >= 0.04 * min(len(grams[a]), len(grams[b]))
    ]


def build(
    sources: list[Source], n_originals: int, seed: int = SEED
) -> tuple[list[Pair], dict[str, str]]:
    """The pairs, and the texts beyond the corpus that their originals need indexed."""
    rng = random.Random(seed)
    by_topic: dict[str, list[Source]] = defaultdict(list)
    for source in sources:
        by_topic[source.topic].append(source)
    # The BBC corpus carries some stories twice (same headline or same text):
    # such pairs are copies, never negatives.
    twin_key: dict[str, str] = {}
    groups: dict[str, list[Source]] = defaultdict(list)
    for source in sources:
        groups[_normal(source.title)].append(source)
        twin_key[source.id] = _normal(source.title)
    by_text: dict[str, list[Source]] = defaultdict(list)
    for source in sources:
        by_text[_normal(source.body)].append(source)
    for same in by_text.values():
        for source in same[1:]:
            twin_key[source.id] = twin_key[same[0].id]

    def twins(a: Source, b: Source) -> bool:
        return twin_key[a.id] == twin_key[b.id] or (a.id, b.id) in SAME_REPORT

    singles = [s for s in sources if len(groups[_normal(s.title)]) == 1]
    pairs: list[Pair] = []
    extra: dict[str, str] = {}

    for n, source in enumerate(rng.sample(singles, n_originals)):
        other = rng.choice([s for s in by_topic[source.topic] if s is not source])
        for kind in POSITIVE[:-1]:
            text = edit(kind, source, other, rng)
            if text is not None:
                pairs.append(Pair(kind, source.id, text, f"copy-{n}-{kind}"))
        lead = " ".join(source.paragraphs[0])
        if len(lead.split()) < MIN_WORDS:
            pairs.append(Pair("short_lead", source.id, lead, f"copy-{n}-short"))

    for same in groups.values():
        for a, b in combinations(same, 2):
            pairs.append(Pair("bbc_republished", a.id, b.body, b.id))
    by_id = {s.id: s for s in sources}
    for a_id, b_id in sorted(SAME_REPORT):
        pairs.append(Pair("bbc_republished", a_id, by_id[b_id].body, b_id))

    for _, members in sorted(by_topic.items()):
        candidates = [(a, b) for a, b in combinations(members, 2) if not twins(a, b)]
        for a, b in rng.sample(candidates, n_originals // 5):
            pairs.append(Pair("same_topic", a.id, b.body, b.id))
        names = {s.id: _names(s) for s in members}
        by_names = sorted(
            candidates,
            key=lambda ab, n=names: (
                len(n[ab[0].id] & n[ab[1].id]) / max(1, len(n[ab[0].id] | n[ab[1].id]))
            ),
            reverse=True,
        )
        for a, b in by_names[: n_originals // 5]:
            pairs.append(Pair("shared_names", a.id, b.body, b.id))

    grams = {s.id: shingle_hashes(s.body) for s in sources}
    for _, members in sorted(by_topic.items()):
        for a, b in _sharing(members, grams):
            if not twins(a, b) and overlap(grams[a.id], grams[b.id]).coverage >= 0.2:
                pairs.append(Pair("shared_text", a.id, b.body, b.id))

    # The shortest articles suffer most from shared furniture.
    shortest = sorted(sources, key=lambda s: s.words)[: len(sources) // 5]
    for n in range(n_originals // 2):
        a, b = rng.sample(shortest, 2)
        if twins(a, b):
            continue
        outlet = rng.randrange(len(BOILERPLATE))
        extra[f"worn-{n}"] = wear(a.body, outlet)
        pairs.append(Pair("boilerplate_pair", f"worn-{n}", wear(b.body, outlet), f"worn-{n}-b"))
        a2, b2 = rng.sample(sources, 2)
        leads = [" ".join(s.paragraphs[0]) for s in (a2, b2)]
        if not twins(a2, b2):
            extra[f"wl-{n}"] = wear(leads[0], outlet)
            pairs.append(Pair("short_boilerplate", f"wl-{n}", wear(leads[1], outlet), f"wl-{n}-b"))
    return pairs, extra


@dataclass(slots=True)
class Outcome:
    found: bool
    coverage: float
    lead: float
    lsh_missed: bool
    """The exact check would have accepted the pair, but LSH never proposed it."""


def run(
    sources: list[Source], pairs: list[Pair], extra: dict[str, str]
) -> tuple[list[Outcome], float]:
    """Each pair's outcome, and the seconds per query."""
    texts = {s.id: s.body for s in sources} | extra
    index = DuplicateIndex(load_text=texts.get, cache_size=len(texts))
    prints = {key: fingerprint(text) for key, text in texts.items()}
    for key, fp in prints.items():
        index.add(key, fp)
    outcomes = []
    started = time.perf_counter()
    for pair in pairs:
        copy = fingerprint(pair.copy)
        found = pair.original in {m.original for m in index.matches(copy)}
        exact = overlap(copy.grams, prints[pair.original].grams)
        exact_ok = exact.is_copy and copy.words >= MIN_WORDS
        outcomes.append(Outcome(found, exact.coverage, exact.lead, exact_ok and not found))
    return outcomes, (time.perf_counter() - started) / max(1, len(pairs))


def _quantiles(values: list[float]) -> str:
    if not values:
        return ""
    values = sorted(values)
    p5 = values[int(0.05 * len(values))]
    median = statistics.median(values)
    return f"min {values[0]:.2f} p5 {p5:.2f} median {median:.2f} max {values[-1]:.2f}"


def report(pairs: list[Pair], outcomes: list[Outcome]) -> dict[str, float]:
    """Print the table; return overall precision, recall and F1."""
    by_kind: dict[str, list[Outcome]] = defaultdict(list)
    for pair, outcome in zip(pairs, outcomes, strict=True):
        by_kind[pair.kind].append(outcome)
    print(
        f"{'kind':<18}{'pairs':>6}{'called copy':>12}{'LSH missed':>11}  word coverage; "
        f"lead coverage where the lead decides (coverage {MOST}..{ALMOST_ALL})"
    )
    for group, kinds in (("copies", POSITIVE), ("not copies", NEGATIVE), ("short", SHORT)):
        print(f"-- {group}")
        for kind in kinds:
            rows = by_kind.get(kind, [])
            called = sum(o.found for o in rows)
            missed = sum(o.lsh_missed for o in rows)
            spread = _quantiles([o.coverage for o in rows])
            band = sorted(o.lead for o in rows if MOST <= o.coverage < ALMOST_ALL)
            leads = f"; {len(band)} by lead, {band[0]:.2f}..{band[-1]:.2f}" if band else ""
            print(f"{kind:<18}{len(rows):>6}{called:>12}{missed:>11}  {spread}{leads}")
    tp = sum(o.found for k in POSITIVE for o in by_kind.get(k, []))
    fn = sum(not o.found for k in POSITIVE for o in by_kind.get(k, []))
    fp = sum(o.found for k in NEGATIVE + SHORT for o in by_kind.get(k, []))
    tn = sum(not o.found for k in NEGATIVE + SHORT for o in by_kind.get(k, []))
    p = tp / max(1, tp + fp)
    r = tp / max(1, tp + fn)
    f1 = 2 * p * r / max(1e-9, p + r)
    print(f"TP {tp}  FN {fn}  FP {fp}  TN {tn}")
    print(f"precision {p:.4f}  recall {r:.4f}  F1 {f1:.4f}")
    return {"precision": p, "recall": r, "f1": f1}


def false_positives(pairs: list[Pair], outcomes: list[Outcome]) -> Iterator[str]:
    for pair, outcome in zip(pairs, outcomes, strict=True):
        if outcome.found and pair.kind not in POSITIVE:
            yield f"  {pair.kind}: {pair.original} ~ {pair.copy_id} ({outcome.coverage:.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--originals", type=int, default=400)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    sources = load(args.data)
    pairs, extra = build(sources, args.originals, args.seed)
    outcomes, per_query = run(sources, pairs, extra)
    print(
        f"data: {args.data / 'bbc'} — {len(sources)} articles indexed, {args.originals} "
        f"originals copied, seed {args.seed}; {per_query * 1000:.2f} ms per query"
    )
    report(pairs, outcomes)
    wrong = list(false_positives(pairs, outcomes))
    if wrong:
        print("called copies but labelled not:")
        print("\n".join(wrong))


if __name__ == "__main__":
    main()
