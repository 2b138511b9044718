"""Numeric claims, read into intervals and grouped by what they count.

A mention is a number (digits, number words, or a vague quantity such as
"dozens") with its hedge ("some", "at least"), the noun it counts and the
event that noun takes part in, both read off the dependency parse.  Mentions
are grouped by (kind of thing counted, event), then split by context: two
figures belong together only if their sentences say nearly the same thing.

A group is a *conflict* when no single value satisfies every interval; when
the figures of a cumulative count (a toll) only rise with later publication
it is an *update* instead.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np

from parallax.brief._text import REPORT_LEMMAS, ordered_ids, quote_spans
from parallax.brief.entities import name_lookup
from parallax.brief.quotes import according_to, source_of
from parallax.model import Article, Entity, QuantityGroup, QuantityMention
from parallax.nlp import embed

WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "dozen": 12,
}
SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
# Vague quantities as intervals.  "Dozens" needs at least two dozen and stays
# below a hundred, "hundreds" needs at least two hundred, and so on.
VAGUE: dict[str, tuple[float, float]] = {
    "dozens": (24, 99),
    "scores": (40, 99),
    "hundreds": (200, 999),
    "thousands": (2_000, 9_999),
    "millions": (2_000_000, 999_999_999),
    "several": (3, 9),
    "handful": (2, 6),
}
# Hedges.  "some/about/around 200" is read as ±10 %: the usual rounding of a
# reported figure (some 200 → [180, 220]).
APPROX_SPREAD = 0.10
APPROX = (
    "some",
    "about",
    "around",
    "approximately",
    "roughly",
    "estimated",
    "an estimated",
    "circa",
    "nearly",
    "almost",
    "close to",
)
BELOW_APPROX = ("nearly", "almost", "close to", "just under")
LOWER = (
    "at least",
    "more than",
    "over",
    "upwards of",
    "in excess of",
    "above",
    "no fewer than",
    "at minimum",
)
STRICT_LOWER = ("more than", "over", "above", "in excess of", "upwards of")
UPPER = (
    "up to",
    "at most",
    "as many as",
    "no more than",
    "fewer than",
    "less than",
    "under",
    "below",
    "just under",
)

# Kinds of thing counted that outlets name with different words.  General
# news vocabulary, not tied to any story.
NOUN_CLASSES: dict[str, frozenset[str]] = {
    "fighters": frozenset(
        {
            "fighter",
            "militiaman",
            "militia",
            "militant",
            "gunman",
            "combatant",
            "troop",
            "soldier",
            "reinforcement",
            "paramilitary",
        }
    ),
    "people": frozenset({"people", "person", "individual"}),
}
EVENT_CLASSES: dict[str, frozenset[str]] = {
    "killed": frozenset({"kill", "die", "dead", "death", "slay", "perish"}),
    "injured": frozenset({"injure", "wound", "hurt", "injury"}),
    "crossed": frozenset({"cross", "enter"}),
    "displaced": frozenset({"displace", "flee", "evacuate", "uproot"}),
    "arrested": frozenset({"arrest", "detain", "hold"}),
}
# Counts that only grow over time: a later, higher figure is an update.
CUMULATIVE = frozenset({"killed", "injured", "displaced", "arrested"})
# Mentions from different articles describe the same count when the clauses
# around them (the event verb's phrase, not the whole sentence, whose other
# content dominates) are close on average.  In the seed story, rewordings of
# one report ("some 200 Iraqi militiamen crossed into Syria overnight …" /
# "Hundreds of Iranian-backed militias crossed into Syria …") score 0.68-0.83
# with MiniLM.  Tolls of *separate* strikes score 0.26-0.54, and a story
# usually has several of them, so casualty counts need more evidence: 0.6
# sits above the 0.54 of two strikes and below the 0.65 of one flood toll
# reported as "40 people were killed in the flood" / "floods have killed 100".
SAME_COUNT_SIM = 0.55
SAME_TOLL_SIM = 0.6


@dataclass
class _Mention:
    article_id: str
    text: str
    low: float | None
    high: float | None
    strict_low: bool
    noun: str | None
    noun_class: str
    event: str | None
    verb_text: str | None
    prep: str | None
    sentence: str
    clause: str
    attribution: str | None
    pos: int


def _number(tokens: list[Any]) -> float | None:
    total = 0.0
    cur: float | None = None
    for t in tokens:
        w = t.lower_.replace(",", "")
        if re.fullmatch(r"\d+(?:\.\d+)?", w):
            cur = float(w) if cur is None else cur + float(w)
        elif w in WORDS:
            v = float(WORDS[w])
            cur = (cur or 1.0) * 100 if w == "hundred" else v if cur is None else cur + v
        elif w in SCALES:
            cur = (cur or 1.0) * SCALES[w]
            total += cur
            cur = None
        elif w in ("-", "and", "a"):
            continue
        else:
            return None
    if cur is not None:
        total += cur
    return total if (cur is not None or total) else None


def _hedge(doc: Any, start: int) -> tuple[str | None, int]:
    """The hedge before a number and where it starts."""
    before = " ".join(t.lower_ for t in doc[max(0, start - 3) : start])
    for phrase in sorted(LOWER + UPPER + APPROX + BELOW_APPROX, key=len, reverse=True):
        if before == phrase or before.endswith(" " + phrase):
            return phrase, start - len(phrase.split())
    return None, start


def _interval(value: float, hedge: str | None) -> tuple[float | None, float | None, bool]:
    if hedge in BELOW_APPROX:
        return round(value * (1 - APPROX_SPREAD)), value, False
    if hedge in APPROX:
        return round(value * (1 - APPROX_SPREAD)), round(value * (1 + APPROX_SPREAD)), False
    if hedge in LOWER:
        return value, None, hedge in STRICT_LOWER
    if hedge in UPPER:
        return 0.0, value, False
    return value, value, False


def _classify(lemma: str | None, classes: dict[str, frozenset[str]]) -> str | None:
    if lemma is None:
        return None
    for name, members in classes.items():
        if lemma in members:
            return name
    return lemma


def _event(anchor: Any) -> Any | None:
    """The verb the counted phrase takes part in."""
    for child in anchor.children:
        if child.dep_ in ("acl", "relcl") and child.pos_ == "VERB":
            return child
    tok = anchor
    if tok.dep_ == "pobj" and tok.head.dep_ == "prep" and tok.head.lower_ in ("with",):
        return None
    if tok.dep_ in ("nsubj", "nsubjpass", "dobj", "attr", "conj") and tok.head.pos_ in (
        "VERB",
        "AUX",
    ):
        return tok.head
    return None


_RELATIVES = frozenset({"which", "that", "who", "whom"})


def _attribution(tok: Any, lookup: dict[tuple[str, ...], Entity]) -> str | None:
    """Who the outlet credits with the figure: a speech verb above it, or "according to"."""
    doc = tok.doc
    for anc in tok.ancestors:
        if anc.lemma_.lower() in REPORT_LEMMAS and anc.pos_ == "VERB":
            subj = [c for c in anc.children if c.dep_ in ("nsubj", "nsubjpass")]
            if subj and tok.i in {t.i for t in subj[0].subtree}:
                continue
            src = source_of(anc, lookup)
            if src and src.lower() not in _RELATIVES:
                return src
    sent = tok.sent
    for t in sent:
        if t.lower_ == "according" and t.i + 1 < len(doc) and doc[t.i + 1].lower_ == "to":
            speaker, _, _ = according_to(t, doc, lookup)
            if speaker:
                return speaker
    # The parser often hangs a trailing ", X reported" off the wrong clause,
    # or even makes the count its subject: then the source is the words
    # between the last comma and the verb.
    for t in sent:
        if t.lemma_.lower() in REPORT_LEMMAS and t.pos_ == "VERB" and t.i > tok.i:
            subj = [c for c in t.children if c.dep_ in ("nsubj", "nsubjpass")]
            if subj and tok.i in {x.i for x in subj[0].subtree}:
                commas = [x.i for x in doc[tok.i : t.i] if x.text == ","]
                if commas and t.i - commas[-1] > 1:
                    return str(doc[commas[-1] + 1 : t.i].text)
                continue
            src = source_of(t, lookup)
            if src:
                return src
    return None


def _clause(head: Any, tok: Any) -> str:
    """The phrase of the event (or of the counted noun), within the number's sentence."""
    sent = tok.sent
    toks = [t for t in head.subtree if sent.start <= t.i < sent.end]
    return str(tok.doc[toks[0].i : toks[-1].i + 1].text) if toks else str(sent.text)


def _mentions(art: Article, doc: Any, lookup: dict[tuple[str, ...], Entity]) -> list[_Mention]:
    out: list[_Mention] = []
    quotes = quote_spans(art.text)
    i = 0
    n = len(doc)
    lo: float | None
    hi: float | None
    while i < n:
        tok = doc[i]
        low_w = tok.lower_
        if tok.ent_type_ in ("DATE", "TIME", "ORDINAL") or not (tok.like_num or low_w in VAGUE):
            i += 1
            continue
        j = i
        while (
            j + 1 < n
            and (doc[j + 1].like_num or doc[j + 1].lower_ in SCALES)
            and doc[j + 1].ent_type_ not in ("DATE", "TIME")
        ):
            j += 1
        span = list(doc[i : j + 1])
        head_tok = span[-1]
        # "tens of thousands", "hundreds of thousands"
        if (
            low_w in ("tens", "hundreds")
            and j + 2 < n
            and doc[j + 1].lower_ == "of"
            and doc[j + 2].lower_ in ("thousands", "millions")
        ):
            scale = 1e3 if doc[j + 2].lower_ == "thousands" else 1e6
            base = 10 if low_w == "tens" else 100
            lo, hi, strict = base * 2 * scale, base * 10 * scale - 1.0, False
            head_tok = doc[j + 2]
            j += 2
            hedge, start = _hedge(doc, i)
        elif low_w in VAGUE:
            lo, hi = float(VAGUE[low_w][0]), float(VAGUE[low_w][1])
            strict = False
            hedge, start = _hedge(doc, i)
        else:
            value = _number(span)
            if value is None:
                i = j + 1
                continue
            # Bare years ("in 2016") are dates the NER missed, not counts.
            if len(span) == 1 and re.fullmatch(r"(19|20)\d\d", tok.text):
                i = j + 1
                continue
            hedge, start = _hedge(doc, i)
            lo, hi, strict = _interval(value, hedge)
        # The counted noun: "300 fighters" (nummod), "hundreds of fighters" (of-pobj).
        noun = None
        anchor = head_tok
        if head_tok.dep_ in ("nummod", "quantmod", "compound") and head_tok.head.pos_ in (
            "NOUN",
            "PROPN",
        ):
            noun = head_tok.head
            anchor = noun
        else:
            of = next((c for c in head_tok.children if c.dep_ == "prep" and c.lower_ == "of"), None)
            pobj = (
                next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
            )
            if pobj is not None and pobj.pos_ in ("NOUN", "PROPN"):
                noun = pobj
        verb = _event(anchor)
        if verb is not None and verb.lemma_.lower() in REPORT_LEMMAS:
            if anchor.dep_ in ("nsubj", "nsubjpass"):
                # "Hundreds of fighters crossed …, sources said" mis-parsed with
                # the count as the subject of "said": the event is the clause
                # verb between them.
                said = verb
                verb = next(
                    (
                        c
                        for c in anchor.subtree
                        if c.pos_ == "VERB" and c.dep_ in ("acl", "relcl") and c.i > anchor.i
                    ),
                    None,
                )
                if verb is None:
                    verb = next(
                        (
                            c
                            for c in said.children
                            if c.pos_ == "VERB"
                            and c.dep_ in ("ccomp", "conj", "advcl", "xcomp")
                            and anchor.i < c.i < said.i
                        ),
                        None,
                    )
            else:
                i = j + 1
                continue
        if verb is None and noun is not None and anchor is not noun:
            verb = next((c for c in noun.children if c.dep_ in ("acl", "relcl")), None)
        noun_lemma = noun.lemma_.lower() if noun is not None else None
        event = _classify(verb.lemma_.lower() if verb is not None else None, EVENT_CLASSES)
        if noun_lemma is None and event in CUMULATIVE:
            noun_lemma = "people"  # "killing five and injuring 30"
        if noun_lemma is None or tok.ent_type_ in ("MONEY", "PERCENT"):
            noun_lemma = noun_lemma or (
                "money"
                if tok.ent_type_ == "MONEY"
                else "percent"
                if tok.ent_type_ == "PERCENT"
                else None
            )
        # "one" is mostly a pronoun ("one of the rebels' backers").
        if noun_lemma is None or (low_w == "one" and tok.dep_ != "nummod"):
            i = j + 1
            continue
        if noun is not None and noun.dep_ == "nsubj" and noun.head.lemma_.lower() in REPORT_LEMMAS:
            i = j + 1  # "two Iraqi security sources said": who speaks, not a claim
            continue
        end = noun.i if noun is not None and 0 < noun.i - j <= 12 else j
        text = doc[start : end + 1].text
        prep = None
        if verb is not None:
            for c in verb.children:
                if c.dep_ == "prep" and c.lower_ in ("into", "to", "in", "from", "across"):
                    obj = next((g for g in c.children if g.dep_ == "pobj"), None)
                    if obj is not None and obj.ent_type_ in ("GPE", "LOC", "FAC"):
                        prep = f"{c.lower_} {obj.text}"
                        break
        out.append(
            _Mention(
                article_id=art.id,
                text=text,
                low=lo,
                high=hi,
                strict_low=strict,
                noun=noun.text.lower() if noun is not None else None,
                noun_class=_classify(noun_lemma, NOUN_CLASSES) or noun_lemma,
                event=event,
                verb_text=verb.text.lower() if verb is not None else None,
                prep=prep,
                sentence=tok.sent.text.strip(),
                clause=_clause(verb if verb is not None else anchor, tok),
                attribution=None
                if any(s <= tok.idx < e for s, e in quotes)
                else _attribution(tok, lookup),
                pos=tok.idx,
            )
        )
        i = j + 1
    return out


def _consistent(ms: Sequence[_Mention]) -> bool:
    """True when some value lies in every interval."""
    lows = [(m.low if m.low is not None else -np.inf, m.strict_low) for m in ms]
    highs = [m.high if m.high is not None else np.inf for m in ms]
    lo, strict = max(lows, key=lambda x: (x[0], x[1]))
    hi = min(highs)
    return lo < hi or (lo == hi and not strict)


def _is_update(ms: Sequence[_Mention], published: dict[str, datetime | None]) -> bool:
    """Disjoint figures that only rise with later publication (a growing toll)."""
    for a in ms:
        for b in ms:
            if a is b or _consistent([a, b]):
                continue
            pa, pb = published.get(a.article_id), published.get(b.article_id)
            if pa is None or pb is None or pa == pb:
                return False
            early, late = (a, b) if pa < pb else (b, a)
            if (late.low or 0) <= (early.high if early.high is not None else np.inf):
                return False
    return True


def _label(ms: Sequence[_Mention]) -> str:
    nouns = Counter(m.noun for m in ms if m.noun)
    noun = nouns.most_common(1)[0][0] if nouns else ms[0].noun_class
    if len(nouns) > 1 and ms[0].noun_class in NOUN_CLASSES:
        noun = ms[0].noun_class
    verbs = Counter(m.verb_text for m in ms if m.verb_text)
    event = ms[0].event
    verb = event if event in EVENT_CLASSES else (verbs.most_common(1)[0][0] if verbs else "")
    preps = Counter(m.prep for m in ms if m.prep)
    prep = preps.most_common(1)[0][0] if preps else ""
    return " ".join(w for w in (noun, verb, prep) if w)


def extract_quantities(
    articles: Sequence[Article], docs: Sequence[Any], entities: Sequence[Entity]
) -> list[QuantityGroup]:
    """Numeric claims of a story, grouped by what they count; conflicts first."""
    lookup = name_lookup(entities)
    order = [a.id for a in articles]
    outlet = {a.id: a.source for a in articles}
    published = {a.id: a.published for a in articles}
    mentions: list[_Mention] = []
    for art, doc in zip(articles, docs, strict=True):
        mentions.extend(_mentions(art, doc, lookup))
    # A syndicated copy repeats its original's figures; listing them again would
    # count one source twice.  Figures the copy words differently still count.
    copy_of = {a.id: a.duplicate_of for a in articles if a.duplicate_of in published}
    original_figures = {(m.article_id, m.text) for m in mentions}
    mentions = [m for m in mentions if (copy_of.get(m.article_id), m.text) not in original_figures]
    if not mentions:
        return []
    vecs = embed([m.clause for m in mentions])

    by_key: dict[tuple[str, str | None], list[int]] = {}
    for idx, m in enumerate(mentions):
        by_key.setdefault((m.noun_class, m.event), []).append(idx)

    groups: list[list[int]] = []
    for idxs in by_key.values():
        # Greedy average linkage.  A mention must agree with every member from
        # its own article (an outlet giving two different figures describes
        # two different things; agreeing ones count as a perfect match), and
        # be close on average to the whole group.
        local: list[list[int]] = []
        for i in idxs:
            need = SAME_TOLL_SIM if mentions[i].event in CUMULATIVE else SAME_COUNT_SIM
            best, best_score = None, need
            for g in local:
                scores: list[float] = []
                for k in g:
                    if mentions[k].article_id == mentions[i].article_id:
                        if not (_consistent([mentions[k], mentions[i]]) and mentions[i].event):
                            break
                        scores.append(1.0)
                    else:
                        scores.append(float(vecs[i] @ vecs[k]))
                else:
                    score = sum(scores) / len(scores)
                    if score >= best_score:
                        best, best_score = g, score
            if best is None:
                local.append([i])
            else:
                best.append(i)
        groups.extend(local)

    result: list[tuple[tuple[int, int, int, int], QuantityGroup]] = []
    for g in groups:
        ms = [mentions[i] for i in g]
        ms.sort(key=lambda m: (order.index(m.article_id), m.pos))
        # Without a counted event ("killed", "crossed"), figures that share a
        # noun may measure different things (a city's population, a toll), so
        # disagreeing ones are not called a conflict on the noun alone.
        disjoint = not _consistent(ms) and ms[0].event is not None
        update = disjoint and ms[0].event in CUMULATIVE and _is_update(ms, published)
        group = QuantityGroup(
            label=_label(ms),
            conflict=disjoint and not update,
            update=update,
            mentions=[
                QuantityMention(
                    article_id=m.article_id,
                    text=m.text,
                    low=m.low,
                    high=m.high,
                    attribution=m.attribution,
                    source=outlet[m.article_id],
                )
                for m in ms
            ],
        )
        n_articles = len(ordered_ids([m.article_id for m in ms], order))
        result.append(
            (
                (
                    -int(group.conflict),
                    -int(group.update),
                    -n_articles,
                    order.index(ms[0].article_id) * 10**6 + ms[0].pos,
                ),
                group,
            )
        )
    result.sort(key=lambda t: t[0])
    return [g for _, g in result]
