"""Speaker attribution quality on PolNeAR: who said what, as character spans.

Data: PolNeAR (2016 US election news from seven outlets), brat standoff files
in which ``Source``, ``Cue`` and ``Content`` spans are tied together by
``Attribution`` events.  A text annotated by several annotators is scored
against the first annotation file in name order.  Parallax's attribution
finder (``parallax.brief.attribution``) runs on each text's spaCy parse.

Spans are compared as sets of words (runs of letters and digits), so that
surrounding spaces, punctuation and quotation marks do not decide a match and
a content broken by "he said" is one span.  Counts:

- source, content: each predicted span against each gold span, matched one
  to one; *exact* when the word sets are equal, *overlap* when they share a
  word.  Gold contents include attributions without a source.
- pair: a (source, content) pair matches when both parts match.
- content words: the share of predicted content words inside some gold
  content (precision) and of gold content words predicted (recall): the
  token-overlap measure BBC's Citron reports.

Tune on ``--split train``; report on ``--split dev``.

Run: .venv/bin/python bench/quotes.py [--split dev] [--limit N] [--data ../shared/data]

``--cache DIR`` keeps each split's parse there (spaCy's serialised docs,
keyed by the texts and the model's version), so that tuning runs skip the
parse: some 80 s on dev and 15 minutes on train on this machine.

``--learn-cues`` instead counts, on the split's parse, how often each verb
or noun lemma is (part of) a gold Cue span and how often it occurs at all,
and prints the lemmas that cue often enough: the source of
``src/parallax/brief/cue_lemmas.py`` (run on train).
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import re
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
WORD = re.compile(r"\w+")

Words = frozenset[int]
"""A span as the start offsets of its words."""


@dataclass(frozen=True)
class Pair:
    source: Words | None
    content: Words
    layout: str = ""
    cue: tuple[tuple[int, int], ...] = ()
    kind: str = ""


def words(text: str, spans: Iterable[tuple[int, int]]) -> Words:
    out: set[int] = set()
    for start, end in spans:
        out.update(start + m.start() for m in WORD.finditer(text[start:end]))
    return frozenset(out)


def _layout(text: str, source: tuple[int, int] | None, content: list[tuple[int, int]]) -> str:
    """A coarse label of how the attribution is written, for per-layout recall."""
    body = " ".join(text[s:e] for s, e in content)
    kind = "direct" if re.search(r"[“”\"]|''", body) else "reported"
    if source is None:
        return f"{kind}, no source"
    where = "source first" if source[0] < content[0][0] else "source after"
    pronoun = " (pronoun)" if text[source[0] : source[1]].lower() in _PRONOUNS else ""
    return f"{kind}, {where}{pronoun}"


_PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i", "who", "his", "her", "their"})


def read_gold(text: str, ann: str) -> list[Pair]:
    spans: dict[str, list[tuple[int, int]]] = {}
    events: list[dict[str, str]] = []
    for line in ann.splitlines():
        fields = line.split("\t")
        if line.startswith("T") and len(fields) >= 2:
            _, _, offsets = fields[1].partition(" ")
            spans[fields[0]] = [
                (int(a), int(b)) for a, b in (part.split() for part in offsets.split(";"))
            ]
        elif line.startswith("E") and len(fields) >= 2:
            roles = dict(arg.split(":", 1) for arg in fields[1].split())
            if "Attribution" in roles or "Attribution-no-source" in roles:
                events.append(roles)
    out = []
    for roles in events:
        content = [
            s for role in ("Content", "Content2") if role in roles for s in spans[roles[role]]
        ]
        if not content:
            continue
        source = spans[roles["Source"]] if "Source" in roles else None
        first = (min(s for s, _ in source), max(e for _, e in source)) if source else None
        out.append(
            Pair(
                words(text, source) if source else None,
                words(text, content),
                _layout(text, first, sorted(content)),
                tuple(spans[roles["Cue"]]) if "Cue" in roles else (),
            )
        )
    return out


def load(data: Path, split: str, limit: int | None) -> list[tuple[str, str, list[Pair]]]:
    base = data / "polnear" / "data" / split
    if not base.is_dir():
        sys.exit(f"{base} is missing: put the shared data folder beside the repository")
    anns = sorted((base / "attributions").glob("*.ann"))
    first: dict[str, Path] = {}
    for path in anns:  # name_ANNOTATOR.ann; the first annotator in name order
        first.setdefault(path.stem.rsplit("_", 1)[0], path)
    out = []
    for stem, path in sorted(first.items())[:limit]:
        text = (base / "text" / f"{stem}.txt").read_text(encoding="utf-8")
        out.append((stem, text, read_gold(text, path.read_text(encoding="utf-8"))))
    return out


def parse_cached(texts: Sequence[str], cache: Path | None) -> list[Any]:
    """The parse of ``texts``, read from ``cache`` when it holds it."""
    from parallax.nlp import doc_from_bytes, doc_to_bytes, parse, spacy_model

    if cache is None:
        return parse(texts)
    meta = spacy_model().meta
    key = hashlib.sha256(f"{meta['name']} {meta['version']}".encode())
    for text in texts:
        key.update(text.encode() + b"\0")
    path = cache / f"polnear-{key.hexdigest()[:16]}.pickle"
    if path.exists():
        return [doc_from_bytes(b) for b in pickle.loads(path.read_bytes())]
    docs = parse(texts)
    cache.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps([doc_to_bytes(d) for d in docs]))
    return docs


def predict(text: str, doc: object) -> list[Pair]:
    """Parallax's attributions as word sets; a quoted paragraph that continues an
    earlier attribution is part of that attribution's content."""
    from parallax.brief.attribution import find_attributions

    found = find_attributions(doc)
    contents = [set(words(text, a.content)) for a in found]
    for a, content in zip(found, contents, strict=True):
        if a.continues is not None:
            contents[a.continues] |= content
    return [
        Pair(words(text, [a.source]) if a.source else None, frozenset(content), kind=a.kind)
        for a, content in zip(found, contents, strict=True)
        if a.continues is None and content
    ]


@dataclass
class Score:
    hits: int = 0
    n_pred: int = 0
    n_gold: int = 0

    def count(self, n_pred: int, n_gold: int, hits: int) -> None:
        self.n_pred += n_pred
        self.n_gold += n_gold
        self.hits += hits

    def add(self, pred: Sequence[Words], gold: Sequence[Words], exact: bool) -> None:
        self.count(len(pred), len(gold), _match(pred, gold, exact))

    def prf(self) -> tuple[float, float, float]:
        return _prf(self.hits, self.n_pred, self.n_gold)

    def row(self, name: str) -> str:
        p, r, f = self.prf()
        counts = f"(pred {self.n_pred}, gold {self.n_gold})"
        return f"{name:<24} P {p:.3f}  R {r:.3f}  F1 {f:.3f}   {counts}"


def _match(pred: Sequence[Words], gold: Sequence[Words], exact: bool) -> int:
    """One-to-one matches, largest shared word count first."""
    cands = []
    for i, p in enumerate(pred):
        for j, g in enumerate(gold):
            shared = len(p & g)
            if (p == g) if exact else shared:
                cands.append((-shared, i, j))
    used_p: set[int] = set()
    used_g: set[int] = set()
    for _, i, j in sorted(cands):
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
    return len(used_p)


def _pair_match(pred: Sequence[Pair], gold: Sequence[Pair], exact: bool) -> tuple[int, set[int]]:
    cands = []
    for i, p in enumerate(pred):
        for j, g in enumerate(gold):
            if p.source is None or g.source is None:
                continue
            if exact:
                ok = p.source == g.source and p.content == g.content
            else:
                ok = bool(p.source & g.source) and bool(p.content & g.content)
            if ok:
                cands.append((-len(p.content & g.content), i, j))
    used_p: set[int] = set()
    used_g: set[int] = set()
    for _, i, j in sorted(cands):
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
    return len(used_p), used_g


@dataclass
class Report:
    exact: dict[str, Score]
    overlap: dict[str, Score]
    word_scores: tuple[float, float, float]
    layout_total: Counter[str]
    layout_found: Counter[str]
    missed: list[str]
    spurious: list[str]
    kind_pred: Counter[str]
    kind_hit: Counter[str]
    speech: dict[str, Score]
    """Speech only, the task a quote extractor such as BBC's Citron is scored
    on: gold pairs whose cue is a speech verb, "according to" or a colon,
    against predictions of kind speech ("source" exact, the others overlap)."""

    def f1(self, name: str, exact: bool = False) -> float:
        return (self.exact if exact else self.overlap)[name].prf()[2]


def evaluate(
    items: Sequence[tuple[str, str, list[Pair]]], docs: Sequence[Any], errors: int = 0
) -> Report:
    """Score Parallax's attributions on parsed texts against their gold pairs."""
    names = ("source", "content", "pair")
    report = Report(
        {n: Score() for n in names},
        {n: Score() for n in names},
        (0.0, 0.0, 0.0),
        Counter(),
        Counter(),
        [],
        [],
        Counter(),
        Counter(),
        {n: Score() for n in names},
    )
    shared = words_pred = words_gold = 0
    for (stem, text, gold), doc in zip(items, docs, strict=True):
        pred = predict(text, doc)
        with_source = [g for g in gold if g.source]
        for table, is_exact in ((report.exact, True), (report.overlap, False)):
            table["source"].add(
                [p.source for p in pred if p.source], [g.source for g in with_source], is_exact
            )
            table["content"].add([p.content for p in pred], [g.content for g in gold], is_exact)
            hits, found = _pair_match(pred, with_source, is_exact)
            table["pair"].count(sum(1 for p in pred if p.source), len(with_source), hits)
        for j, g in enumerate(with_source):
            report.layout_total[g.layout] += 1
            report.layout_found[g.layout] += j in found
            if _speech_cue(doc, g.cue):
                report.layout_total[SPEECH] += 1
                report.layout_found[SPEECH] += j in found
            if j not in found and len(report.missed) < errors:
                report.missed.append(f"{stem}: {_show(text, g)}")
        said = [p for p in pred if p.kind == "speech"]
        spoken = [g for g in gold if _speech_cue(doc, g.cue)]
        spoken_src = [g for g in spoken if g.source]
        report.speech["source"].add(
            [p.source for p in said if p.source], [g.source for g in spoken_src], True
        )
        report.speech["content"].add([p.content for p in said], [g.content for g in spoken], False)
        hits, _ = _pair_match(said, spoken_src, False)
        report.speech["pair"].count(sum(1 for p in said if p.source), len(spoken_src), hits)
        got = {i for i, p in enumerate(pred) if p.source}
        right = _matched_pred(pred, with_source)
        for i in got:
            report.kind_pred[pred[i].kind] += 1
            report.kind_hit[pred[i].kind] += i in right
        if len(report.spurious) < errors:
            bad = sorted(got - right)
            report.spurious += [f"{stem}: {_show(text, pred[i])}" for i in bad]
        gold_words = frozenset().union(*(g.content for g in gold))
        pred_words = frozenset().union(*(p.content for p in pred))
        shared += len(pred_words & gold_words)
        words_pred += len(pred_words)
        words_gold += len(gold_words)
    report.word_scores = _prf(shared, words_pred, words_gold)
    return report


def learn_cues(
    items: Sequence[tuple[str, str, list[Pair]]], docs: Sequence[Any]
) -> list[tuple[str, str, str, int, int]]:
    """(lemma, part of speech, frame, times inside a gold cue, times seen) for
    every verb and noun lemma that occurs inside some gold cue, counting only
    uses outside quotations in a frame the finder reads: "clause" with a
    clause after the word ("believes that …", "plans to …", "the claim
    that …"), "object" for a verb with a direct object and no clause
    ("praised the plan"), else the preposition of a verb's prepositional
    object ("called for a ban": "for")."""
    from parallax.brief._text import inside, quote_spans
    from parallax.brief.attribution import _prep_object, subject

    cued: Counter[tuple[str, str, str]] = Counter()
    seen: Counter[tuple[str, str, str]] = Counter()
    for (_, text, gold), doc in zip(items, docs, strict=True):
        spans = [s for g in gold for s in g.cue]
        qspans = quote_spans(text)
        for t in doc:
            if t.pos_ not in ("VERB", "NOUN") or inside(qspans, t.idx):
                continue
            # the finder reads a verb only with a subject other than the writer
            # ("I think" outside quotation marks is the author's own voice)
            if t.pos_ == "VERB":
                subj = subject(t)
                if subj is None or subj.lower_ in _AUTHOR or subj.dep_ == "nsubjpass":
                    continue
            deps = {c.dep_ for c in t.children if c.i > t.i}
            if deps & _CLAUSES:
                frame = "clause"
            elif "dobj" in deps and t.pos_ == "VERB":
                frame = "object"
            elif t.pos_ == "VERB" and (prep := _prep_object(t)) is not None:
                frame = prep.lower_
            else:
                continue
            key = (t.lemma_.lower(), t.pos_, frame)
            seen[key] += 1
            cued[key] += any(s <= t.idx < e for s, e in spans)
    return sorted(
        (
            (lemma, pos, frame, n, seen[lemma, pos, frame])
            for (lemma, pos, frame), n in cued.items()
            if n
        ),
        key=lambda row: -row[3],
    )


_CLAUSES = frozenset({"ccomp", "xcomp", "acl"})
_AUTHOR = frozenset({"i", "we", "you"})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--split", default="dev", choices=["train", "dev"])
    ap.add_argument("--limit", type=int, default=None, help="only the first N texts")
    ap.add_argument("--cache", type=Path, default=None, help="keep parses in this folder")
    ap.add_argument("--errors", type=int, default=0, help="print N missed and N spurious pairs")
    ap.add_argument(
        "--learn-cues",
        action="store_true",
        help="print lemmas that are gold cues at least 5 times and in 40%% of their uses",
    )
    args = ap.parse_args()

    items = load(args.data, args.split, args.limit)
    t0 = time.perf_counter()
    docs = parse_cached([text for _, text, _ in items], args.cache)
    t1 = time.perf_counter()
    if args.learn_cues:
        print("lemma\tpos\tframe\tas cue\tseen")
        for lemma, pos, frame, n, total in learn_cues(items, docs):
            if n >= 5 and n >= 0.4 * total:
                print(f"{lemma}\t{pos}\t{frame}\t{n}\t{total}")
        return
    report = evaluate(items, docs, args.errors)
    t2 = time.perf_counter()

    print(f"PolNeAR {args.split}: {len(items)} texts", end=", ")
    print(f"parse {t1 - t0:.1f} s, attribution {t2 - t1:.1f} s")
    for name in ("source", "content", "pair"):
        print(report.exact[name].row(f"{name} exact"))
        print(report.overlap[name].row(f"{name} overlap"))
    p, r, f = report.word_scores
    print(f"{'content words':<24} P {p:.3f}  R {r:.3f}  F1 {f:.3f}")
    print("speech only (speech cues in gold, speech kind predicted):")
    print(report.speech["source"].row("  source exact"))
    print(report.speech["content"].row("  content overlap"))
    print(report.speech["pair"].row("  pair overlap"))
    print("pair recall by layout (overlap):")
    for layout, n in report.layout_total.most_common():
        print(f"  {layout:<34} {report.layout_found[layout] / n:.3f}  of {n}")
    print("pair precision by kind of cue (overlap with any gold pair):")
    for kind, n in report.kind_pred.most_common():
        print(f"  {kind:<34} {report.kind_hit[kind] / n:.3f}  of {n}")
    for line in report.missed:
        print("MISSED  ", line)
    for line in report.spurious[: args.errors]:
        print("SPURIOUS", line)


def _prf(hits: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = hits / n_pred if n_pred else 0.0
    r = hits / n_gold if n_gold else 0.0
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


SPEECH = "any layout, speech cue"


def _speech_cue(doc: Any, cue: tuple[tuple[int, int], ...]) -> bool:
    """Whether a gold cue is one the speech finder looks for (a speech verb,
    "according to", a colon)."""
    from parallax.brief.attribution import CUE_LEMMAS

    return any(
        t.lemma_.lower() in CUE_LEMMAS or t.lower_ == "according" or t.text == ":"
        for t in doc
        if any(s <= t.idx < e for s, e in cue)
    )


def _matched_pred(pred: Sequence[Pair], gold: Sequence[Pair]) -> set[int]:
    return {
        i
        for i, p in enumerate(pred)
        if p.source
        and any(g.source and p.source & g.source and p.content & g.content for g in gold)
    }


def _show(text: str, pair: Pair) -> str:
    def span(ws: Words | None) -> str:
        if not ws:
            return "-"
        lo, hi = min(ws), max(ws)
        end = hi + (WORD.match(text, hi).end() - hi if WORD.match(text, hi) else 0)  # type: ignore[union-attr]
        return " ".join(text[lo:end].split())[:160]

    cue = " ".join(text[s:e] for s, e in pair.cue)
    return f"[{span(pair.source)}] ({cue}) <- {span(pair.content)}"


if __name__ == "__main__":
    main()
