"""Numeric claims, read into intervals and grouped by what they count and which event.

A mention is a number (digits, number words, or a vague quantity such as
"dozens") with its hedge ("some", "at least"), read into an interval, plus
what the dependency parse says about it:

* the *category*: the kind of thing counted ("people", "fighters", "homes")
  and the event it takes part in ("killed", "injured", "crossed");
* the *event anchor*: the words naming the incident ("after a dam
  collapsed", "a strike on a camp that killed seven"), the places in the
  clause, a period or total it covers ("from Nov. 26 to Dec. 1", "in
  total", "since fighting began") and an explicit day ("on Monday");
* where it stands: in its article's lead, where news puts the main event.

Two mentions of one category describe the same count when nothing in their
anchors contradicts (different periods, different days) and something links
them: a shared incident word, both in the lead (the story's main event), a
shared place for counts other than casualties (a war has many deadly strikes
in one province, but rarely two crossings into one country), or a paraphrased
clause.  Casualty counts need the stronger evidence because a story often
carries tolls of several separate incidents.

A group is a *conflict* when two of its intervals cannot both be true and the
later one is not an *update*: a later day's (or an explicitly raised) higher
figure of a count that only grows, such as a toll.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np

from parallax.brief._text import LEADING_DET, REPORT_LEMMAS, ordered_ids, outlet_keys, quote_spans
from parallax.brief.attribution import subject
from parallax.brief.entities import name_lookup, resolve
from parallax.brief.figure_kinds import (
    CURRENCY_SYMBOLS,
    FIGHTER_NOUNS,
    currency_span,
    headline_words,
    is_home,
    is_person,
    is_unit,
    money_label,
    money_noun,
)
from parallax.brief.quotes import according_to, source_of
from parallax.brief.timeline import reference_dates
from parallax.brief.timeline import resolve as resolve_date
from parallax.model import Article, Entity, QuantityGroup, QuantityMention
from parallax.nlp import embed_where

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
# news vocabulary, not tied to any story.  Civilians, children and women stay
# apart from "people": a count of civilians killed is part of a toll, not a
# rival figure for it.
NOUN_CLASSES: dict[str, frozenset[str]] = {
    "fighters": FIGHTER_NOUNS,
    "people": frozenset(
        {"people", "person", "individual", "citizen", "resident", "victim", "villager"}
    ),
    "homes": frozenset({"home", "house", "dwelling", "building"}),
}
EVENT_CLASSES: dict[str, frozenset[str]] = {
    "killed": frozenset({"kill", "die", "dead", "death", "slay", "perish", "drown", "fatality"}),
    "injured": frozenset({"injure", "wound", "hurt", "injury", "injured", "wounded"}),
    "missing": frozenset({"missing", "unaccounted", "disappear"}),
    "crossed": frozenset({"cross", "enter"}),
    "displaced": frozenset({"displace", "flee", "evacuate", "uproot", "relocate"}),
    "arrested": frozenset({"arrest", "detain"}),
}
# Counts that only grow over time: a later, higher figure is an update.
CUMULATIVE = frozenset({"killed", "injured", "displaced", "arrested"})
# Counts that move both ways as news comes in (people found, people lost).
VARYING = frozenset({"missing"})
# Idioms whose event is in the object: "lost their lives", "left their homes".
IDIOMS: dict[tuple[str, str], str] = {
    ("lose", "life"): "killed",
    ("claim", "life"): "killed",
    ("leave", "home"): "displaced",
    ("move", "safety"): "displaced",
}
# Nouns that count the dead themselves: "87 deaths", "the bodies of 58 people".
DEATH_NOUNS = frozenset({"death", "fatality", "body", "corpse"})
# A toll stated as a level: "the death toll rose to 87", "a toll of 87".
TOLL_NOUNS = frozenset({"toll", "tally"})
LEVEL_VERBS = frozenset(
    {"rise", "climb", "reach", "stand", "increase", "jump", "hit", "grow", "mount", "soar", "top"}
)
# Verbs of belief or report that wrap the event: "are thought to have died".
WRAPPERS = frozenset(
    {"think", "believe", "fear", "presume", "expect", "suspect", "understand", "know", "report"}
)
# A figure explicitly raised from an earlier one.
RISE_LEMMAS = LEVEL_VERBS - {"stand", "hit", "reach"} | {"raise", "revise"}
# Words around an event that name no particular incident: they cannot tie two
# counts together.
GENERIC = frozenset(
    {
        "life",
        "home",
        "safety",
        "people",
        "person",
        "toll",
        "number",
        "figure",
        "total",
        "way",
        "day",
        "night",
        "time",
        "morning",
        "area",
        "city",
        "town",
        "village",
        "province",
        "region",
        "district",
        "valley",
        "river",
        "street",
        "capital",
        "country",
        "part",
        "place",
        "side",
        "be",
        "have",
        "do",
        "make",
        "take",
        "get",
        "include",
        "continue",
        "begin",
        "also",
    }
)
# Adverbials that make a count a total over a period or over several
# incidents rather than the count of one.
TOTAL_WORDS = frozenset({"total", "altogether", "overall", "cumulative", "all"})
PERIOD_PREPS = frozenset({"from", "between", "since", "over", "during", "throughout"})
# How many opening sentences of an article count as its lead.  News states
# the main event first; the second sentence often carries the toll.
LEAD_SENTENCES = 2
# Clauses this close (MiniLM cosine) restate one report.  Similarity alone
# cannot tell one event from another: measured on the clauses of the demo's
# dam-toll figures (one event) they score 0.33-0.71, and on the seeds' tolls of
# separate strikes and periods 0.12-0.71.  So it only links near-verbatim
# rewordings; the anchors above do the rest.
PARAPHRASE_SIM = 0.75


@dataclass
class _Mention:
    article_id: str
    text: str
    low: float | None
    high: float | None
    strict_low: bool
    noun: str | None
    category: str
    event: str | None
    verb_text: str | None
    prep: str | None
    clause: str
    attribution: str | None
    pos: int
    causes: frozenset[str]
    places: frozenset[str]
    scope: str | None
    day: date | None
    lead: bool
    rise: bool
    published: datetime | None
    said_on: date | None = None
    """The day the credited source gave the figure, when the text states it
    ("the governor, who said on Wednesday that ..."): a figure an article
    recalls from an earlier day is not that article's update."""
    known: bool = True
    """False for a count shown only because the headlines name what it counts:
    its rivals are not known well enough to call a disagreement."""
    money: str | None = None
    """What an amount of money pays for ("money: relief fund"); None for counts."""


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
    """The verb (or predicate adjective) the counted phrase takes part in."""
    verb = next(
        (c for c in anchor.children if c.dep_ in ("acl", "relcl") and c.pos_ == "VERB"), None
    )
    if verb is None:
        if anchor.dep_ == "pobj" and anchor.head.dep_ == "prep" and anchor.head.lower_ == "with":
            return None
        if anchor.dep_ in ("nsubj", "nsubjpass", "dobj", "attr", "conj") and anchor.head.pos_ in (
            "VERB",
            "AUX",
        ):
            verb = anchor.head
    # "are thought to have died", "feared dead", "were unaccounted for",
    # "remain missing": the event is the complement, not the wrapper.
    for _ in range(3):
        if verb is None or not (
            verb.lemma_.lower() in WRAPPERS or verb.pos_ == "AUX" or verb.lemma_ == "remain"
        ):
            break
        nxt = next(
            (
                c
                for c in verb.children
                if c.dep_ in ("xcomp", "acomp", "oprd") and c.pos_ in ("VERB", "ADJ")
            ),
            None,
        )
        if nxt is None:
            break
        verb = nxt
    return verb


def _event_class(verb: Any | None, noun: Any | None) -> str | None:
    """The kind of event: a class of EVENT_CLASSES, else the verb's lemma."""
    if noun is not None:
        for c in noun.children:  # "310 injured people", "missing people"
            if c.dep_ == "amod":
                cls = _classify(c.lemma_.lower(), EVENT_CLASSES)
                if cls in EVENT_CLASSES:
                    return cls
        if noun.lemma_.lower() in DEATH_NOUNS or (
            noun.dep_ == "pobj"
            and noun.head.lower_ == "of"
            and noun.head.head.lemma_.lower() in DEATH_NOUNS
        ):
            return "killed"
    if verb is None:
        return None
    lemma = verb.lemma_.lower()
    for c in verb.children:
        objs = [c] if c.dep_ == "dobj" else [g for g in c.children if g.dep_ == "pobj"]
        for obj in objs if c.dep_ in ("dobj", "prep") else []:
            if (lemma, obj.lemma_.lower()) in IDIOMS:
                return IDIOMS[(lemma, obj.lemma_.lower())]
    return _classify(lemma, EVENT_CLASSES)


def _toll(num: Any) -> Any | None:
    """The toll noun a bare number is the level of: "the death toll rose to 87"."""
    prep = num.head
    if num.dep_ != "pobj" or prep.dep_ != "prep" or prep.lower_ not in ("to", "at", "of"):
        return None
    head = prep.head
    if head.lemma_.lower() in TOLL_NOUNS:
        return head
    if head.lemma_.lower() in LEVEL_VERBS:
        return next(
            (c for c in head.children if c.dep_ == "nsubj" and c.lemma_.lower() in TOLL_NOUNS),
            None,
        )
    return None


def _toll_event(toll: Any) -> str:
    words = {c.lemma_.lower() for c in toll.children if c.dep_ in ("compound", "amod")}
    return "injured" if words & EVENT_CLASSES["injured"] else "killed"


def _causes(verb: Any, skip: set[int]) -> frozenset[str]:
    """Words naming the incident a count belongs to (the event's key nouns).

    Nouns around the event and the verbs of an "after/when" clause: "died after
    a dam collapsed" gives {dam, collapse}; "a strike on a camp that killed
    seven" gives {strike, camp}.  Places, dates and generic words are left out,
    so that two tolls in one city are not tied by the city alone.
    """
    words: set[str] = set()

    def take(tok: Any, verbs: bool = False) -> None:
        lemma = tok.lemma_.lower()
        if (
            tok.i in skip
            or tok.ent_type_ in ("GPE", "LOC", "FAC", "DATE", "TIME", "CARDINAL", "ORDINAL")
            or tok.pos_ not in (("NOUN", "VERB") if verbs else ("NOUN",))
            or lemma in GENERIC
            or lemma in REPORT_LEMMAS
            or _classify(lemma, EVENT_CLASSES) in EVENT_CLASSES
        ):
            return
        words.add(lemma)

    def around(tok: Any) -> None:
        take(tok)
        for c in tok.children:
            if c.dep_ in ("nsubj", "nsubjpass", "dobj", "agent"):
                take(c)
            elif c.dep_ == "prep":
                for g in c.children:
                    if g.dep_ == "pobj":
                        take(g)
                        for p in g.children:
                            if p.dep_ == "prep":
                                for o in p.children:
                                    if o.dep_ == "pobj":
                                        take(o)
            elif c.dep_ == "advcl":
                take(c, verbs=True)
                for g in c.children:
                    if g.dep_ in ("nsubj", "nsubjpass", "dobj"):
                        take(g)

    around(verb)
    cur = verb
    while cur.dep_ in ("conj", "advcl", "xcomp", "relcl", "acl") and cur.head.i != cur.i:
        cur = cur.head
        if cur.lemma_.lower() in REPORT_LEMMAS:
            break
        around(cur)
    return frozenset(words)


def _scope(verb: Any, ref: date | None) -> str | None:
    """A period or total the count covers ("in total", "since 2011"), as a comparable key."""
    for c in verb.children:
        words = {t.lower_ for t in c.subtree}
        if c.dep_ == "prep" and c.lower_ == "in" and words & TOTAL_WORDS:
            return "total"
        if c.dep_ == "advmod" and (c.lower_ in TOTAL_WORDS or c.lower_ in ("far", "date")):
            return "total"
        # "from Nov. 26 to Dec. 1", "since January", "over the past week";
        # not "the toll from Friday's bombing", where the date only modifies.
        objs = [g for g in c.children if g.dep_ == "pobj"]
        timed = any(g.ent_type_ in ("DATE", "TIME") for g in objs)
        ranged = c.lower_ not in ("from", "between") or words & {"to", "and", "until", "till"}
        if c.dep_ == "prep" and c.lower_ in PERIOD_PREPS and timed and ranged:
            text = " ".join(t.text for t in c.subtree)
            day = resolve_date(text, ref)
            return f"{c.lower_} {day.isoformat() if day else text.lower()}"
        if c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ == "since" for m in c.children):
            dates = [t for t in c.subtree if t.ent_type_ == "DATE"]
            day = resolve_date(" ".join(t.text for t in dates), ref) if dates else None
            return f"since {day.isoformat() if day else c.lemma_.lower()}"
    return None


def _day(verb: Any, ref: date | None) -> date | None:
    """The day the counted event happened, when the clause states it ("killed … on Monday")."""
    for c in verb.children:
        toks = [c] if c.dep_ == "npadvmod" else []
        if c.dep_ == "prep" and c.lower_ == "on":
            toks = [g for g in c.children if g.dep_ == "pobj"]
        for t in toks:
            if t.ent_type_ == "DATE":
                return resolve_date(" ".join(x.text for x in t.subtree), ref)
    return None


def _said_on(tok: Any, ref: date | None) -> date | None:
    """The stated day of the speech verb that reports ``tok`` ("said on Wednesday")."""
    for anc in tok.ancestors:
        if anc.lemma_.lower() in REPORT_LEMMAS and anc.pos_ == "VERB":
            return _day(anc, ref)
    return None


def _places(verb: Any, lookup: dict[tuple[str, ...], Entity]) -> frozenset[str]:
    out: set[str] = set()
    for ent in verb.doc.ents:
        if (
            ent.label_ in ("GPE", "LOC", "FAC")
            and verb.left_edge.i <= ent.start <= verb.right_edge.i
        ):
            e = resolve(ent.text, lookup)
            out.add(e.name if e else ent.text)
    return frozenset(out)


_RELATIVES = frozenset({"which", "that", "who", "whom"})


def _phrase(src: str, sent: Any) -> str:
    """A one-word source widened to its noun phrase ("ministry" -> "interior ministry")."""
    if " " in src:
        return src
    for t in sent:
        if t.text == src and t.pos_ in ("NOUN", "PROPN"):
            mods = [c for c in t.lefts if c.dep_ in ("amod", "compound", "nmod")]
            if mods:
                return str(t.doc[mods[0].i : t.i + 1].text)
    return src


def _attribution(
    tok: Any, lookup: dict[tuple[str, ...], Entity], article_id: str, toll: Any | None
) -> str | None:
    """Who the outlet credits with the figure: a speech verb above it,
    "according to", or the authority a toll is from ("the official toll from
    the regime stood at dozens")."""
    src = (
        _credited(tok, lookup)
        or (_toll_source(toll) if toll is not None else None)
        or _trailing_source(tok, lookup)
    )
    if src is None:
        return None
    return _named(src, lookup, article_id) or _phrase(src, tok.sent)


# Bodies that issue figures: "the toll from the ministry".  A toll "from" an
# event ("from Friday's bombing") is not credited to anyone.
AUTHORITIES = frozenset(
    {
        "government",
        "regime",
        "ministry",
        "authority",
        "official",
        "police",
        "army",
        "military",
        "agency",
        "administration",
        "office",
        "service",
        "council",
        "commission",
    }
)


def _toll_source(toll: Any) -> str | None:
    for prep in toll.children:
        if prep.dep_ == "prep" and prep.lower_ == "from":
            obj = next((g for g in prep.children if g.dep_ == "pobj"), None)
            if obj is not None and (
                obj.lemma_.lower() in AUTHORITIES or obj.ent_type_ in ("ORG", "PERSON")
            ):
                words = [t for t in obj.subtree if t.i <= obj.i]
                text = str(obj.doc[words[0].i : obj.i + 1].text)
                return LEADING_DET.sub("", text)
    return None


def _named(src: str, lookup: dict[tuple[str, ...], Entity], article_id: str) -> str | None:
    """The full name behind a bare noun source: "the agency" is the one
    agency the article names ("State Emergency Response Agency"), if only one."""
    if " " in src.strip():
        return None
    word = src.strip().lower()
    names = {
        e.name
        for e in lookup.values()
        # The small model sometimes tags an agency as a person: any name but a place.
        if e.type not in ("GPE", "LOC", "FAC")
        and article_id in e.article_ids
        and len(e.name.split()) > 1
        and e.name.split()[-1].lower() == word
    }
    return names.pop() if len(names) == 1 else None


def _credited(tok: Any, lookup: dict[tuple[str, ...], Entity]) -> str | None:
    doc = tok.doc
    for anc in tok.ancestors:
        if anc.lemma_.lower() in REPORT_LEMMAS and anc.pos_ == "VERB":
            subj = [c for c in anc.children if c.dep_ in ("nsubj", "nsubjpass")]
            if subj and tok.i in {t.i for t in subj[0].subtree}:
                continue
            src = _source(anc, lookup)
            if src is None and not subj and anc.dep_ in ("advcl", "xcomp", "conj"):
                # "The government has given no figure, saying only that
                # dozens were killed": the participle's speaker is its head's.
                src = _source(anc.head, lookup)
            if src and src.lower() not in _RELATIVES:
                return src
    sent = tok.sent
    for t in sent:
        if t.lower_ == "according" and t.i + 1 < len(doc) and doc[t.i + 1].lower_ == "to":
            speaker, _, ids = according_to(t, doc, lookup)
            if speaker:
                return speaker
            # "according to preliminary data from the regional administration"
            phrase = [x for x in doc[t.i + 2 : max(ids) + 1] if not x.is_punct]
            if phrase:
                return LEADING_DET.sub("", str(doc[phrase[0].i : phrase[-1].i + 1].text))
    return None


def _source(verb: Any, lookup: dict[tuple[str, ...], Entity]) -> str | None:
    """Who a speech verb credits.  A figure credited to "police" or "officials"
    is credited, though such a bare plural is too vague to be a quote's speaker
    (``source_of`` leaves it out), so the subject's phrase is the fallback."""
    src = source_of(verb, lookup)
    if src is not None:
        return src
    subj = subject(verb)
    if subj is None or subj.pos_ not in ("NOUN", "PROPN"):
        return None
    return LEADING_DET.sub("", str(verb.doc[subj.left_edge.i : subj.i + 1].text)) or None


def _trailing_source(tok: Any, lookup: dict[tuple[str, ...], Entity]) -> str | None:
    doc, sent = tok.doc, tok.sent
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
            src = _source(t, lookup)
            if src:
                return src
    return None


def _clause(head: Any, tok: Any) -> str:
    """The phrase of the event (or of the counted noun), within the number's sentence."""
    sent = tok.sent
    toks = [t for t in head.subtree if sent.start <= t.i < sent.end]
    return str(tok.doc[toks[0].i : toks[-1].i + 1].text) if toks else str(sent.text)


def _lead_sentences(art: Article, doc: Any) -> set[int]:
    """Start offsets of the article's lead sentences (a repeated headline or a
    bare dateline line is not the lead)."""
    title = (art.title or "").strip().lower()
    out: set[int] = set()
    for s in doc.sents:
        text = s.text.strip()
        if len(text.split()) < 5 or text.lower() == title:
            continue
        out.add(s.start)
        if len(out) == LEAD_SENTENCES:
            break
    return out


def _numbers(doc: Any) -> list[tuple[int, int, Any, float | None, float | None, bool, int]]:
    """Every figure of a document: (first token, last token, head token, low,
    high, strict low, start of its hedge)."""
    out: list[tuple[int, int, Any, float | None, float | None, bool, int]] = []
    i, n = 0, len(doc)
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
        # "more than $30 million": the hedge stands before the currency symbol.
        hedge, start = _hedge(doc, i - 1 if i and doc[i - 1].text in CURRENCY_SYMBOLS else i)
        if (
            low_w in ("tens", "hundreds")
            and j + 2 < n
            and doc[j + 1].lower_ == "of"
            and doc[j + 2].lower_ in ("thousands", "millions")
        ):  # "tens of thousands", "hundreds of thousands"
            scale = 1e3 if doc[j + 2].lower_ == "thousands" else 1e6
            base = 10 if low_w == "tens" else 100
            out.append(
                (i, j + 2, doc[j + 2], base * 2 * scale, base * 10 * scale - 1.0, False, start)
            )
            i = j + 3
            continue
        if low_w in VAGUE:
            out.append(
                (i, j, head_tok, float(VAGUE[low_w][0]), float(VAGUE[low_w][1]), False, start)
            )
        else:
            value = _number(span)
            # Bare years ("in 2016") are dates the NER missed, not counts.
            if value is not None and not (
                len(span) == 1 and re.fullmatch(r"(19|20)\d\d", tok.text)
            ):
                lo, hi, strict = _interval(value, hedge)
                out.append((i, j, head_tok, lo, hi, strict, start))
        i = j + 1
    return out


def _closed(doc: Any, start: int, end: int) -> str:
    """The words from ``start`` to ``end``, with a quotation mark opened inside closed."""
    text = str(doc[start : end + 1].text)
    marks = sum(text.count(c) for c in '"“”')
    if marks % 2 and end + 1 < len(doc) and doc[end + 1].text in ('"', "”"):
        text += doc[end + 1].text
    return text


def _mentions(
    art: Article,
    doc: Any,
    lookup: dict[tuple[str, ...], Entity],
    ref: date | None,
    headline: frozenset[str] = frozenset(),
) -> list[_Mention]:
    out: list[_Mention] = []
    # A figure inside a speaker's quotation is the speaker's, not a credited
    # claim; a figure in scare quotes ('stood at just "dozens"') is still
    # credited to whoever the sentence names.
    quotes = [(s, e) for s, e in quote_spans(art.text) if len(art.text[s:e].split()) > 3]
    lead = _lead_sentences(art, doc)
    for i, j, head_tok, lo, hi, strict, start in _numbers(doc):
        tok = doc[i]
        noun = None
        anchor = head_tok
        toll = _toll(head_tok)
        # The counted noun: "300 fighters" (nummod), "hundreds of fighters" (of-pobj).
        if head_tok.dep_ in ("nummod", "quantmod", "compound") and head_tok.head.pos_ in (
            "NOUN",
            "PROPN",
        ):
            noun = head_tok.head
            # "60 million vaccine doses": the parser hangs the number on the
            # first noun of the compound; the counted noun is its head.
            while noun.dep_ == "compound" and noun.head.pos_ == "NOUN" and noun.head.i > noun.i:
                noun = noun.head
            anchor = noun
        elif toll is None:
            of = next((c for c in head_tok.children if c.dep_ == "prep" and c.lower_ == "of"), None)
            pobj = (
                next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
            )
            if pobj is not None and pobj.pos_ in ("NOUN", "PROPN"):
                noun = pobj
        if toll is not None:
            verb = toll.head if toll.dep_ == "nsubj" else toll
            event: str | None = _toll_event(toll)
            noun_lemma: str | None = "people"
            incident = toll
            # The level alone ("87", "dozens"): the group's label says what it counts.
            text = _value(doc, start, j)
        else:
            verb = _event(anchor)
            if verb is not None and verb.lemma_.lower() in REPORT_LEMMAS:
                if anchor.dep_ not in ("nsubj", "nsubjpass"):
                    continue
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
                ) or next(
                    (
                        c
                        for c in said.children
                        if c.pos_ == "VERB"
                        and c.dep_ in ("ccomp", "conj", "advcl", "xcomp")
                        and anchor.i < c.i < said.i
                    ),
                    None,
                )
            if verb is None and noun is not None and anchor is not noun:
                verb = next((c for c in noun.children if c.dep_ in ("acl", "relcl")), None)
            event = _event_class(verb, noun)
            noun_lemma = noun.lemma_.lower() if noun is not None else None
            if noun_lemma in DEATH_NOUNS:
                noun_lemma = "people"
            if noun_lemma is None and event in EVENT_CLASSES and event != "crossed":
                noun_lemma = "people"  # "killing five and injuring 30"
            # "one" is mostly a pronoun ("one of the rebels' backers").
            if tok.lower_ == "one" and tok.dep_ != "nummod":
                continue
            if (
                noun is not None
                and noun.dep_ == "nsubj"
                and noun.head.lemma_.lower() in REPORT_LEMMAS
            ):
                continue  # "two Iraqi security sources said": who speaks, not a claim
            incident = verb if verb is not None else anchor
            end = noun.i if noun is not None and 0 < noun.i - j <= 12 else j
            text = _value(doc, start, end)
        kind_known = True
        money = currency_span(doc, i, j, noun)
        if money is not None:
            owner = money_noun(head_tok, noun)
            noun_lemma = money_label(owner)
            text = _value(doc, min(start, money[0]), money[1])
        elif not _counted(noun, noun_lemma, event, verb):
            if not _headlined(noun, event, verb, headline):
                continue
            kind_known = False
        prep = None
        if verb is not None:
            for c in verb.children:
                if c.dep_ == "prep" and c.lower_ in ("into", "to", "in", "from", "across"):
                    obj = next((g for g in c.children if g.dep_ == "pobj"), None)
                    if obj is not None and obj.ent_type_ in ("GPE", "LOC", "FAC"):
                        prep = f"{c.lower_} {obj.text}"
                        break
        skip = set(range(i, j + 1)) | ({noun.i} if noun is not None else set())
        sentence = tok.sent
        out.append(
            _Mention(
                article_id=art.id,
                text=text,
                low=lo,
                high=hi,
                strict_low=strict,
                noun=noun.text.lower() if noun is not None and money is None else None,
                category=_classify(noun_lemma, NOUN_CLASSES) or noun_lemma or "",
                event=event,
                verb_text=verb.text.lower() if verb is not None else None,
                prep=prep,
                clause=_clause(verb if verb is not None else anchor, tok),
                attribution=None
                if any(s <= tok.idx < e for s, e in quotes)
                else _attribution(tok, lookup, art.id, toll),
                pos=tok.idx,
                causes=_causes(incident, skip),
                places=_places(incident, lookup),
                scope=_scope(incident, ref),
                day=None if toll is not None else _day(incident, ref),
                # "The death toll" is the story's main toll wherever it stands.
                lead=sentence.start in lead or toll is not None,
                rise=any(t.lemma_.lower() in RISE_LEMMAS for t in sentence)
                or "up from" in sentence.text.lower(),
                published=art.published,
                money=noun_lemma if money is not None else None,
                said_on=_said_on(tok, ref),
                known=kind_known,
            )
        )
    return out


# Verbs that state how many people a place holds, not something they did:
# "home to 300,000 people", "12 people live on the island".
STATIVE = frozenset({"be", "have", "live", "inhabit", "populate", "number", "include", "employ"})
VOTE_NOUNS = frozenset({"vote", "ballot", "seat"})


def _counted(noun: Any | None, noun_lemma: str | None, event: str | None, verb: Any) -> bool:
    """True for a count the story reports (see ``figure_kinds``): people
    taking part in an event, homes hit, votes.  Money is decided before."""
    if noun_lemma in VOTE_NOUNS:
        return True
    if event is None:
        return False
    # A stative verb states no event ("12 people live there"); but in "we had
    # 310 injured people" the event is the noun's ("injured"), not the verb's.
    if verb is not None and verb.lemma_.lower() in STATIVE and event == verb.lemma_.lower():
        return False
    if noun is None or noun_lemma == "people":
        return event in EVENT_CLASSES
    return is_person(noun) or is_home(noun)


def _headlined(noun: Any | None, event: str | None, verb: Any, headline: frozenset[str]) -> bool:
    """A count of what the story's headlines name ("60 million vaccine doses"
    shared, in a story headlined on the doses) is a figure of the story
    whatever it counts, unless it is a measure or a stative."""
    if noun is None or event is None or is_unit(noun):
        return False
    if verb is not None and verb.lemma_.lower() in STATIVE and event == verb.lemma_.lower():
        return False
    return noun.lower_ in headline or noun.lemma_.lower() in headline


def _value(doc: Any, start: int, end: int) -> str:
    """The words of a figure, without the quotation marks an outlet put
    around it ('stood at just "dozens"' gives "dozens")."""
    return _closed(doc, start, end).strip().strip('"“”‘’').strip()


def _consistent(ms: Sequence[_Mention]) -> bool:
    """True when some value lies in every interval."""
    lows = [(m.low if m.low is not None else -np.inf, m.strict_low) for m in ms]
    highs = [m.high if m.high is not None else np.inf for m in ms]
    lo, strict = max(lows, key=lambda x: (x[0], x[1]))
    hi = min(highs)
    return lo < hi or (lo == hi and not strict)


def _updates(late: _Mention, early: _Mention) -> bool:
    """``late`` is a later report of a changing count, not a rival figure.

    A growing count (a toll) may rise from one report to the next: a higher
    figure published on a later day, or later the same day in words that say
    it was raised ("rose to", "up from"), updates the earlier one.  A count
    that moves both ways (people missing) is updated by any later day's figure.
    """
    if late.published is None or early.published is None or _consistent([late, early]):
        return False
    late_day = late.said_on or late.published.date()
    later_day = late_day > (early.said_on or early.published.date())
    if late.event in VARYING:
        return later_day
    if late.event not in CUMULATIVE or early.high is None:
        return False
    if (late.low or 0.0) <= early.high:
        return False
    return later_day or (late.rise and late.published > early.published)


def _contradicts(a: _Mention, b: _Mention) -> bool:
    """Evidence that two mentions count different things."""
    if a.scope != b.scope:
        return True  # a period's total against one incident, or two periods
    if a.day is not None and b.day is not None and a.day != b.day:
        return True
    if a.article_id == b.article_id and not _consistent([a, b]):
        # An outlet giving two different figures for one count says whose
        # they are; otherwise it is describing two different things.
        return a.attribution == b.attribution
    return False


def _linked(a: _Mention, b: _Mention, sim: float) -> bool:
    """Positive evidence that two mentions count the same thing."""
    if a.causes & b.causes or (a.lead and b.lead) or sim >= PARAPHRASE_SIM:
        return True
    if a.article_id == b.article_id and _consistent([a, b]):
        # One outlet restating its figure ("seven killed" … "seven people were
        # killed"); for casualties only the very same figure, since one article
        # often lists several incidents' tolls.
        return a.event not in CUMULATIVE or (a.low, a.high) == (b.low, b.high)
    if a.event in CUMULATIVE:
        return False
    return bool(a.places & b.places) or (a.prep is not None and a.prep == b.prep)


def _group(mentions: Sequence[_Mention], vecs: Any) -> list[list[int]]:
    """Mentions grouped by category, then by event: a mention joins the group it
    is most linked to, provided it contradicts no member."""
    by_key: dict[tuple[str, str | None], list[int]] = {}
    for idx, m in enumerate(mentions):
        by_key.setdefault((m.category, m.event), []).append(idx)
    groups: list[list[int]] = []
    for idxs in by_key.values():
        local: list[list[int]] = []
        for i in idxs:
            best, best_links = None, 0
            for g in local:
                if any(_contradicts(mentions[i], mentions[k]) for k in g):
                    continue
                links = sum(_linked(mentions[i], mentions[k], float(vecs[i] @ vecs[k])) for k in g)
                if links > best_links:
                    best, best_links = g, links
            if best is None:
                local.append([i])
            else:
                best.append(i)
        groups.extend(_join_main(local, mentions))
    return groups


def _unanchored(m: _Mention) -> bool:
    """A count whose clause names no incident, period or day of its own."""
    return not m.causes and m.scope is None and m.day is None


def _join_main(local: list[list[int]], mentions: Sequence[_Mention]) -> list[list[int]]:
    """Unanchored counts of a casualty or displacement event joined to the
    story's main count of it.

    News states its main event in the lead, so when exactly one group of this
    kind of count has a lead mention, it is the story's main count.  A later
    paragraph's bare "the bodies of 58 people" or "he feared more than 100
    people had died" names no other incident, so it is a figure for that
    same count, not a count of its own.  A count tied to another incident,
    period or day keeps its own group.
    """
    if not local or mentions[local[0][0]].event not in EVENT_CLASSES:
        return local
    main = [g for g in local if any(mentions[k].lead for k in g)]
    if len(main) != 1:
        return local
    target = main[0]
    out = [target]
    for g in local:
        if g is target:
            continue
        joins = all(_unanchored(mentions[k]) for k in g) and not any(
            _contradicts(mentions[k], mentions[t]) for k in g for t in target
        )
        if joins:
            target.extend(g)
        else:
            out.append(g)
    return out


def _label(ms: Sequence[_Mention]) -> str:
    if ms[0].money:
        return ms[0].money
    nouns = Counter(m.noun for m in ms if m.noun and m.noun not in DEATH_NOUNS)
    noun = nouns.most_common(1)[0][0] if nouns else ms[0].category
    if len(nouns) > 1 and ms[0].category in NOUN_CLASSES:
        noun = ms[0].category
    verbs = Counter(m.verb_text for m in ms if m.verb_text)
    event = ms[0].event
    verb = event if event in EVENT_CLASSES else (verbs.most_common(1)[0][0] if verbs else "")
    preps = Counter(m.prep for m in ms if m.prep)
    prep = preps.most_common(1)[0][0] if preps else ""
    return " ".join(w for w in (noun, verb, prep) if w)


def _kind(m: _Mention) -> str:
    """What a group counts, for a reader's grouping of figures (see ``QuantityGroup.kind``)."""
    if m.money:
        return "money"
    if not m.known:
        return "other"
    if m.event in EVENT_CLASSES:
        return m.event
    if m.category in VOTE_NOUNS:
        return "votes"
    return "homes" if m.category == "homes" else "people"


def _once(ms: Sequence[_Mention]) -> list[_Mention]:
    """One mention per article and figure: a headline's "climbs to 87" and
    the body's "rose to 87" are one report.  The credited one is kept."""
    best: dict[tuple[str, float | None, float | None], _Mention] = {}
    for m in sorted(ms, key=lambda m: (m.attribution is None, m.pos)):
        best.setdefault((m.article_id, m.low, m.high), m)
    return list(best.values())


def extract_quantities(
    articles: Sequence[Article], docs: Sequence[Any], entities: Sequence[Entity]
) -> list[QuantityGroup]:
    """Numeric claims of a story, grouped by what they count; conflicts first."""
    lookup = name_lookup(entities)
    order = [a.id for a in articles]
    outlet = {a.id: a.source for a in articles}
    speaks_for = outlet_keys(articles)
    refs = reference_dates(articles)
    headline = headline_words(articles)
    mentions: list[_Mention] = []
    for art, doc in zip(articles, docs, strict=True):
        mentions.extend(_mentions(art, doc, lookup, refs[art.id][0], headline))
    # A syndicated copy repeats its original's figures; listing them again would
    # count one source twice.  Figures the copy words differently still count.
    copy_of = {a.id: a.duplicate_of for a in articles if a.duplicate_of in outlet}
    original_figures = {(m.article_id, m.text) for m in mentions}
    mentions = [m for m in mentions if (copy_of.get(m.article_id), m.text) not in original_figures]
    if not mentions:
        return []
    # Only mentions of one category and event are ever compared (``_group``).
    keys = Counter((m.category, m.event) for m in mentions)
    vecs = embed_where(
        [m.clause for m in mentions], [keys[(m.category, m.event)] > 1 for m in mentions]
    )

    result: list[tuple[tuple[int, int, int, int], QuantityGroup]] = []
    for g in _group(mentions, vecs):
        ms = _once([mentions[i] for i in g])
        ms.sort(key=lambda m: (order.index(m.article_id), m.pos))
        # Without a counted event ("killed", "crossed"), figures that share a
        # noun may measure different things (a city's population, a toll), so
        # disagreeing ones are not called a conflict on the noun alone.
        counted = ms[0].event is not None and all(m.known for m in ms)
        updates = {id(b) for a in ms for b in ms if counted and _updates(b, a)}
        conflict = counted and any(
            not _consistent([a, b]) and not _updates(a, b) and not _updates(b, a)
            for x, a in enumerate(ms)
            for b in ms[x + 1 :]
        )
        group = QuantityGroup(
            label=_label(ms),
            conflict=conflict,
            update=bool(updates) and not conflict,
            kind=_kind(ms[0]),
            outlets=len({speaks_for[m.article_id] for m in ms}),
            mentions=[
                QuantityMention(
                    article_id=m.article_id,
                    text=m.text,
                    low=m.low,
                    high=m.high,
                    attribution=m.attribution,
                    source=outlet[m.article_id],
                    update=id(m) in updates,
                )
                for m in ms
            ],
        )
        n_articles = len(ordered_ids([m.article_id for m in ms], order))
        key = (
            -int(group.conflict),
            -int(group.update),
            -n_articles,
            order.index(ms[0].article_id) * 10**6 + ms[0].pos,
        )
        result.append((key, group))
    result.sort(key=lambda t: t[0])
    return [g for _, g in result]
