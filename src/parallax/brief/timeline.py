"""A dated timeline: relative dates resolved against each article's date.

Each article has a reference day: its publication date; when that is missing
or only estimated, a date line near its top ("2 December 2024, 13:14"), else
the estimate (its story siblings' median date).  A stated weekday ("today
(Tues)") then moves an estimate to the nearest such day.  Events resolved
against an estimated day are marked ``estimated``; absolute dates ("in 2016",
"27 November 2024") are not.

Date expressions come from spaCy's DATE/TIME entities plus a few words the
small model misses ("overnight").  Each resolves to a ``When``: a first day,
the precision it is known to (a year, a month, a day) and, for a stated
range ("Nov. 26 to Dec. 1", "last week"), its last day.  A weekday or a bare
month points back from the article's day, unless the clause speaks of the
future ("will meet on Friday").
"""

from __future__ import annotations

import calendar
import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from parallax.brief._text import (
    DATELINE,
    REPORT_LEMMAS,
    figures,
    inside,
    ordered_ids,
    outlet_keys,
    quote_spans,
)
from parallax.model import Article, TimelineEvent
from parallax.nlp import embed_where

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_MONTHS = (
    "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|"
    "june|july|august|september|october|november|december"
)
_DAY_MONTH = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTHS})\.?(?:,?\s+(\d{{4}}))?\b", re.I
)
_MONTH_DAY = re.compile(
    rf"\b({_MONTHS})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?!:)(?:,?\s+(\d{{4}}))?", re.I
)
_MONTH_YEAR = re.compile(rf"\b({_MONTHS})\.?,?\s+(\d{{4}})\b", re.I)
_MONTH = re.compile(rf"\b({_MONTHS})\b\.?", re.I)
_YEAR = re.compile(r"\b(19\d\d|20\d\d)\b")
_RANGE = re.compile(r"\s+(?:to|until|till|through|and)\s+|\s*[–—-]\s*", re.I)
# A year named by what the text said before ("On July 22 that year").  Only
# words that cannot mean a year counted from the article's own: "the
# previous year" or "the following year" may ("this fiscal year, a 15
# percent increase over the previous year").
_THAT_YEAR = re.compile(r"\b(?:that|the same|that same)\s+year\b", re.I)
_AGO = re.compile(r"\b(\w+)\s+(day|week|month|year)s?\s+ago\b", re.I)
_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
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
}
# "today (Tues)", "today, Tuesday,": the outlet names the day it writes on.
_TODAY_IS = re.compile(r"\btoday\s*[(,]\s*(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?\s*[),]", re.I)
# A clock time, not a year: "(1940 GMT)", "at 0600 local time".
_CLOCK_AFTER = frozenset({"gmt", "utc", "bst", "cet", "est", "edt", "local", "hrs", "hours", "h"})
# Auxiliaries and verbs that put a clause in the future ("will meet on
# Friday", "is expected to fly later today").
FUTURE_AUX = frozenset({"will", "'ll", "shall", "would", "wo"})
FUTURE_LEMMAS = frozenset({"expect", "plan", "schedule", "due", "intend", "aim"})
# Verbs that make a day the object of a decision: "declared Thursday a day of
# mourning", "set Friday as the deadline".  The day they name is still to come.
DESIGNATE_LEMMAS = frozenset({"declare", "designate", "proclaim", "name", "set"})
# Words that open a subordinate clause: dropped so that the event reads as a
# sentence ("when the rains began last week" -> "The rains began last week").
_MARKS = frozenset(
    {
        "that",
        "when",
        "after",
        "since",
        "until",
        "till",
        "before",
        "as",
        "while",
        "once",
        "whether",
        "although",
        "though",
        "because",
    }
)
_SUBJECTS = frozenset({"nsubj", "nsubjpass", "expl", "csubj", "csubjpass"})
_RELATIVES = frozenset({"who", "which", "that"})
_PRONOUNS = frozenset({"it", "he", "she", "they", "we", "i", "you"})
# Pronouns an event may open with, and the kinds of name each can stand for.
_ANAPHORS = {
    "he": frozenset({"PERSON"}),
    "she": frozenset({"PERSON"}),
    "it": frozenset({"ORG", "GPE"}),
    "they": frozenset({"ORG", "NORP"}),
}
# Same-day events from different articles are one event when their clauses
# are this close (MiniLM cosine).  Rewordings of one happening ("militias
# crossed into Syria overnight" / "militias entered Syria overnight") score
# above 0.6; different happenings on one day mostly below.  Lower would merge
# more rewordings, at a price in wrong citations: of the 31 same-day pairs from
# two outlets of one allsides-dev story (tuning half) that score 0.40-0.60 and
# share fewer than 3 content words, 6 were different happenings (a weekly claims
# figure and its revision; an outage and the recovery).
SAME_EVENT_SIM = 0.6
# Or when they share this many content words (nouns, names, verbs, no date
# words or speech verbs): two outlets' "Darakov has ruled the country since
# 2009" and "Darakov, who has ruled the country of 11 million since 2009"
# reword one fact beyond what the encoder scores as close.
SHARED_WORDS = 3
# An event whose words are more than this share inside quotation marks is a
# speaker's words, not a happening.
MAX_QUOTED_SHARE = 0.5
# Clauses longer than this are cut at a word boundary: a timeline line is a gist.
MAX_EVENT_CHARS = 220
# A stated weekday moves an estimated reference day by at most this much.
WEEKDAY_HINT_DAYS = 3

_MONTH_NUM = {
    m: i + 1
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    )
}


@dataclass(frozen=True, slots=True)
class When:
    """A resolved date expression."""

    start: date
    precision: str = "day"
    """"year", "month" or "day": how much of ``start`` the text states."""
    end: date | None = None
    """The last day of a stated range ("Nov. 26 to Dec. 1", "last week")."""
    relative: bool = False
    """Resolved against the article's date, so only as sure as that date."""


def _month(name: str) -> int:
    return _MONTH_NUM[name[:3].lower()]


def _day_month(match: re.Match[str], default_year: int) -> date | None:
    """A date from a day-month or month-day match; the year defaults when absent."""
    a, b, y = match.group(1), match.group(2), match.group(3)
    day_s, month_s = (a, b) if a.isdigit() else (b, a)
    try:
        return date(int(y) if y else default_year, _month(month_s), int(day_s))
    except (ValueError, KeyError):
        return None


def _weekday_before(ref: date, name: str) -> date:
    """The most recent such weekday on or before the reference day."""
    return ref - timedelta(days=(ref.weekday() - WEEKDAYS.index(name)) % 7)


def _weekday_after(ref: date, name: str) -> date:
    """The next such weekday on or after the reference day."""
    return ref + timedelta(days=(WEEKDAYS.index(name) - ref.weekday()) % 7)


def _month_end(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def _span(w: When) -> tuple[date, str, date | None]:
    """What two events must share to be one: the days, whether read as relative or not."""
    return (w.start, w.precision, w.end)


def _shift_year(d: date, years: int) -> date:
    """The same day ``years`` later; 29 February becomes the 28th in a common year."""
    year = d.year + years
    return d.replace(year=year, day=min(d.day, calendar.monthrange(year, d.month)[1]))


def _absolute(expr: str, ref: date | None, forward: bool) -> When | None:
    """Calendar dates: "27 November", "Nov. 26, 2024", "March 2019", "in 2016"."""
    m = _DAY_MONTH.search(expr) or _MONTH_DAY.search(expr)
    if m:
        has_year = bool(m.group(3))
        if not has_year and ref is None:
            return None
        d = _day_month(m, ref.year if ref else 1900)
        if d is None:
            return None
        if ref is not None and not has_year:
            # News reports what happened: a year-less date well after the
            # article's day belongs to the year before (and vice versa ahead).
            if not forward and d > ref + timedelta(days=31):
                d = _shift_year(d, -1)
            elif forward and d < ref - timedelta(days=31):
                d = _shift_year(d, 1)
        return When(d, "day", relative=not has_year)
    m = _MONTH_YEAR.search(expr)
    if m:
        return When(date(int(m.group(2)), _month(m.group(1)), 1), "month")
    y = _YEAR.search(expr)
    if y:
        return When(date(int(y.group(1)), 1, 1), "year")
    m = _MONTH.search(expr)
    if m and ref is not None and not re.fullmatch(r"may", m.group(1), re.I):
        month = _month(m.group(1))
        year = ref.year
        if not forward and month > ref.month:
            year -= 1
        elif forward and month < ref.month:
            year += 1
        return When(date(year, month, 1), "month", relative=True)
    return None


def _relative(low: str, ref: date, forward: bool) -> When | None:
    """Words that only mean something from the article's day."""
    for name in WEEKDAYS:
        if re.search(rf"\b(?:next|coming)\s+{name}\b", low):
            # "next Friday": the one after the article's day, never that day itself
            return When(_weekday_after(ref + timedelta(days=1), name), "day", relative=True)
        if re.search(rf"\b{name}\b", low):
            day = _weekday_after(ref, name) if forward else _weekday_before(ref, name)
            return When(day, "day", relative=True)
    if re.search(r"\b(?:yesterday|overnight|last night)\b", low):
        # Overnight in a morning report is the night that began the day before.
        return When(ref - timedelta(days=1), "day", relative=True)
    if re.search(r"\b(?:today|tonight|this morning|this afternoon|this evening)\b", low):
        return When(ref, "day", relative=True)
    if re.search(r"\btomorrow\b", low):
        return When(ref + timedelta(days=1), "day", relative=True)
    m = _AGO.search(low)
    if m:
        n = int(m.group(1)) if m.group(1).isdigit() else _NUMBER_WORDS.get(m.group(1))
        if n is not None:
            unit = m.group(2)
            if unit in ("day", "week"):
                days = n * (7 if unit == "week" else 1)
                return When(ref - timedelta(days=days), "day", relative=True)
            if unit == "month":
                months = ref.year * 12 + ref.month - 1 - n
                return When(date(months // 12, months % 12 + 1, 1), "month", relative=True)
            return When(date(ref.year - n, 1, 1), "year", relative=True)
    monday = ref - timedelta(days=ref.weekday())
    if "last week" in low:
        return When(monday - timedelta(days=7), "day", monday - timedelta(days=1), True)
    if "next week" in low:
        return When(monday + timedelta(days=7), "day", monday + timedelta(days=13), True)
    if "this week" in low:
        return When(monday, "day", monday + timedelta(days=6), True)
    if "last month" in low:
        return When((ref.replace(day=1) - timedelta(days=1)).replace(day=1), "month", None, True)
    if "this month" in low:
        return When(ref.replace(day=1), "month", relative=True)
    if "last year" in low:
        return When(date(ref.year - 1, 1, 1), "year", relative=True)
    if "this year" in low:
        return When(date(ref.year, 1, 1), "year", relative=True)
    return None


def resolve_when(expr: str, ref: date | None, forward: bool = False) -> When | None:
    """What a date expression points to, seen from ``ref``; None if unknown.

    ``forward`` reads weekdays and bare months as the next ones, for clauses
    about the future.  A range ("Nov. 26 to Dec. 1", "from 2014 to 2020")
    gives its first day with the last as ``end``.
    """
    low = expr.lower()
    if (_DAY_MONTH.search(expr) or _MONTH_DAY.search(expr)) and not _RANGE.search(expr):
        return _absolute(expr, ref, forward)  # "Tuesday, 27 November": the date wins
    parts = _RANGE.split(expr, maxsplit=1) if re.search(r"\d", expr) else [expr]
    if len(parts) == 2:
        last = _absolute(parts[1], ref, forward)
        day_only = re.fullmatch(r"\s*(?:from|between)?\s*(\d{1,2})\s*", parts[0], re.I)
        first: When | None = None
        if day_only and last is not None and last.precision == "day":
            # "from 1 to 3 June": the first day takes the last one's month
            # ("from 31 to 3 June" names no day of June: no date then)
            day = int(day_only.group(1))
            if 1 <= day <= _month_end(last.start).day:
                first = When(last.start.replace(day=day), "day", None, last.relative)
        elif last is not None and not last.relative and not _YEAR.search(parts[0]):
            # "between June and July 2016", "Nov. 26 to Dec. 1, 2024": the
            # year stated once at the end is the first day's too, not the
            # article's (a bare "June" would otherwise be the last June
            # before the article's day, two years after the July it starts).
            found = _absolute(parts[0], last.start, forward=False)
            first = None if found is None else When(found.start, found.precision)
        else:
            first = _absolute(parts[0], ref, forward)
        if first is not None and last is not None:
            if last.precision == "day" and first.precision == "day" and last.start < first.start:
                # "Dec. 28 to Jan. 3": the range crosses a new year
                if first.relative:
                    first = When(_shift_year(first.start, -1), "day", None, True)
                else:
                    last = When(_shift_year(last.start, 1), "day")
            end = _month_end(last.start) if last.precision == "month" else last.start
            if last.precision == "year":
                end = date(last.start.year, 12, 31)
            return When(first.start, first.precision, end, first.relative or last.relative)
    if ref is not None:
        found = _relative(low, ref, forward)
        if found is not None:
            return found
    return _absolute(expr, ref, forward)


def _that_year(expr: str, that: re.Match[str], stated: int | None) -> When | None:
    """A date whose year is the one the text last stated ("On July 22 that
    year"): against the article's own day it would land in the wrong year.
    None when no year was stated."""
    if stated is None:
        return None
    year = stated
    found = _absolute(expr[: that.start()], date(year, 12, 31), forward=False)
    if found is not None and found.start.year == year and found.precision != "year":
        return When(found.start, found.precision)
    return When(date(year, 1, 1), "year")


def resolve(expr: str, ref: date | None) -> date | None:
    """The first day a date expression points to, seen from ``ref``; None if unknown."""
    when = resolve_when(expr, ref)
    return when.start if when else None


def reference_dates(articles: Sequence[Article]) -> dict[str, tuple[date | None, bool]]:
    """Each article's reference day and whether it was estimated."""
    out: dict[str, tuple[date | None, bool]] = {}
    known = [a.published.date() for a in articles if a.published and not a.published_estimated]
    for a in articles:
        if a.published is not None and not a.published_estimated:
            out[a.id] = (a.published.date(), False)
            continue
        found: date | None = None
        m = _DAY_MONTH.search(a.text[:400])
        if m and m.group(3):
            found = _day_month(m, 1900)
        if found is None and a.published is not None:
            found = a.published.date()
        if found is None and known:
            ordinals = sorted(d.toordinal() for d in known)
            found = date.fromordinal(int(statistics.median_low(ordinals)))
        hint = _TODAY_IS.search(a.text)
        if found is not None and hint is not None:
            name = next(w for w in WEEKDAYS if w.startswith(hint.group(1).lower()))
            after, before = _weekday_after(found, name), _weekday_before(found, name)
            nearest = after if (after - found) < (found - before) else before
            if abs((nearest - found).days) <= WEEKDAY_HINT_DAYS:
                found = nearest
        out[a.id] = (found, True)
    return out


def _date_spans(doc: Any) -> list[tuple[Any, str]]:
    """(anchor token, expression) for every date expression of a document."""
    out: list[tuple[Any, str]] = []
    covered: set[int] = set()
    ents = [e for e in doc.ents if e.label_ in ("DATE", "TIME", "CARDINAL")]
    for k, ent in enumerate(ents):
        if ent.start in covered:
            continue
        if ent.label_ == "CARDINAL" and not _YEAR.fullmatch(ent.text):
            continue
        after = doc[ent.end].lower_ if ent.end < len(doc) else ""
        if after in _CLOCK_AFTER or ent.text.lower().split()[-1] in _CLOCK_AFTER:
            continue
        prev = doc[ent.start - 1].lower_ if ent.start > 0 else ""
        expr = ent.text
        # "from 2014 to 2020", "Nov. 26 to Dec. 1" split into two entities
        nxt = ents[k + 1] if k + 1 < len(ents) else None
        if (
            nxt is not None
            and nxt.start == ent.end + 1
            and doc[ent.end].lower_ in ("to", "until", "till", "through", "and", "-", "–")
        ):
            expr = f"{ent.text} {doc[ent.end].text} {nxt.text}"
            covered |= set(range(nxt.start, nxt.end))
        if prev in ("in", "since", "from", "until", "by", "between"):
            expr = f"{prev} {expr}"
        out.append((ent.root, expr))
        covered |= set(range(ent.start, ent.end))
    for tok in doc:
        if tok.i not in covered and tok.lower_ in ("overnight", "yesterday", "today"):
            out.append((tok, tok.text))
    return out


def _governor(anchor: Any) -> Any:
    verb = anchor
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
        verb = verb.head
    return verb


def _future(verb: Any) -> bool:
    """Whether a clause speaks of what is still to come."""
    tok = verb
    for _ in range(4):
        if tok.lemma_.lower() in FUTURE_LEMMAS or any(
            c.dep_ in ("aux", "auxpass") and c.lower_ in FUTURE_AUX for c in tok.children
        ):
            return True
        if tok.dep_ not in ("xcomp", "conj") or tok.head.i == tok.i:
            return False
        tok = tok.head
    return False


def _designated(anchor: Any) -> bool:
    """Whether the date is the day a decision names ("declared Thursday a day
    of mourning", "Thursday had been declared ..."), not when something happened."""
    verb = anchor.head
    if verb.lemma_.lower() not in DESIGNATE_LEMMAS:
        return False
    if anchor.dep_ in ("dobj", "nsubjpass"):
        return True
    # The parser reads "declared Thursday a day of mourning" as two adverbials:
    # a day followed by the noun it is declared to be.
    return anchor.dep_ == "npadvmod" and any(
        c.i > anchor.i and c.pos_ == "NOUN" and c.dep_ in ("npadvmod", "dobj", "oprd", "attr")
        for c in verb.children
    )


def _antecedent(sent: Any, pronoun: str) -> str | None:
    """The name a sentence-leading pronoun stands for: the subject of the
    sentence before, when that is a name of a fitting kind ("Roger Stone was
    arrested early Friday. He appeared in court later Friday."), looking
    further back past the same pronoun.  None when no name is that sure."""
    doc = sent.doc
    kinds = _ANAPHORS[pronoun]
    start = sent.start
    for _ in range(3):
        if start == 0:
            return None
        prev = doc[start - 1].sent
        subj = next((c for c in prev.root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is None:
            return None
        if subj.lower_ == pronoun:
            start = prev.start
            continue
        ent = next((e for e in doc.ents if e.start <= subj.i < e.end), None)
        if ent is None or ent.label_ not in kinds or ent.root.i != subj.i:
            return None
        return str(ent.text)
    return None


def _event_text(anchor: Any, verb: Any) -> str:
    """The clause the date belongs to: the governing verb's phrase, or the sentence."""
    sent = anchor.sent
    text_all = anchor.doc.text
    lo = text_all.rfind("\n", 0, anchor.idx) + 1
    hi = text_all.find("\n", anchor.idx)
    hi = len(text_all) if hi < 0 else hi

    furniture = [m.span() for m in DATELINE.finditer(text_all, lo, hi)]

    def keep(t: Any) -> bool:  # one sentence, one paragraph, no dateline
        return bool(sent.start <= t.i < sent.end and lo <= t.idx < hi) and not inside(
            furniture, t.idx
        )

    reported = verb.lemma_.lower() in REPORT_LEMMAS
    names: dict[int, str] = {}  # a pronoun's token -> the name it stands for
    # The verb's own clause: "pilots walked out on Monday, and the airport
    # closed overnight" gives two events, not one sentence twice.
    others = {
        x.i for c in verb.children if c.dep_ == "conj" and c.pos_ == "VERB" for x in c.subtree
    }
    toks = (
        [t for t in verb.subtree if keep(t) and t.i not in others]
        if verb.pos_ in ("VERB", "AUX")
        else []
    )
    attached = verb.dep_ in ("relcl", "acl") and keep(verb.head)
    # "Araghchi, who visited Assad on Sunday": the relative pronoun that is
    # the clause's subject is left out, so that the event reads as a clause
    # ("Araghchi visited Assad on Sunday"), not as a noun and its aside.
    relative = next(
        (
            c
            for c in verb.children
            if c.dep_ in _SUBJECTS and c.tag_ in ("WP", "WDT") and c.lower_ in _RELATIVES
        ),
        None,
    )
    skip: set[int] = set()
    if attached:
        # "rebels who seized Aleppo last week", "a structure completed in
        # 1978": keep who or what it is about.  The parser often hangs the
        # clause on the last noun of a phrase ("an embankment on the River
        # Oru built in 1978"), so the whole phrase is kept; but "who" names
        # the person it hangs on ("the government of Hale, who has ruled").
        head = verb.head
        while (
            head.dep_ == "pobj"
            and head.head.dep_ == "prep"
            and head.head.head.pos_ in ("NOUN", "PROPN")
            and keep(head.head.head)
            and not (relative is not None and relative.lower_ == "who")
        ):
            head = head.head.head
        first = min([t for t in head.subtree if keep(t)], key=lambda t: t.i)
        toks = [t for t in sent if keep(t) and first.i <= t.i and t.i <= max(x.i for x in toks)]
        if relative is not None and verb.dep_ == "relcl" and head.i == verb.head.i:
            # "Araghchi, who visited" -> "Araghchi visited"; but when the
            # phrase was widened past the noun "which" hangs on ("his
            # testimony to the committee, which is conducting …"), dropping
            # "which" would make the wider phrase its subject.
            skip = {relative.i} | {t.i for t in toks if t.i == relative.i - 1 and t.text == ","}
        elif verb.dep_ == "relcl" and any(
            c.dep_ in _SUBJECTS and c.lower_ in _PRONOUNS for c in verb.children
        ):
            # "towns it recaptured on Sunday": whose "it" is, only the
            # sentence around says; such a phrase is no event a reader can
            # place, and the sentence itself speaks of another day.
            return ""
    subjectless = not attached and not any(c.dep_ in _SUBJECTS for c in verb.children)
    if len(toks) < 4 or reported or subjectless:
        # "…, the governor said last night": the event is what was said.
        # "[the dam] collapsed on Tuesday night", "[he is expected] to fly
        # later today": a clause without its subject is not readable alone.
        toks = [t for t in sent if keep(t)]
        skip = set()
    elif (
        toks[0].dep_ in ("mark", "advmod") and toks[0].head.i == verb.i and toks[0].lower_ in _MARKS
    ):
        toks = toks[1:]
    lead = toks[0]
    if lead.lower_ in _ANAPHORS and lead.dep_ in ("nsubj", "nsubjpass"):
        # "He left the campaign in August 2015": who "he" is, a reader of
        # the timeline cannot tell.  A sentence that names someone before
        # its pronoun is shown whole ("The man told the Post that he was not
        # working for the FBI when he met Stone in May 2016"); else the
        # previous sentence's named subject stands in for it, or no event.
        if any(t.dep_ in _SUBJECTS and t.pos_ in ("NOUN", "PROPN") for t in sent if t.i < lead.i):
            toks = [t for t in sent if keep(t)]
            skip = set()
        else:
            name = _antecedent(sent, lead.lower_)
            if name is None:
                return ""
            names[lead.i] = name
    span = anchor.doc[toks[0].i : toks[-1].i + 1]
    text = "".join(
        names[t.i] + t.whitespace_
        if t.i in names
        else t.whitespace_
        if t.i in skip
        else t.text_with_ws
        for t in span
    ).strip(" ,;:")
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\s*\([^)]*$", "", text)  # an aside cut off by the clause's end
    text = re.sub(r"[,;]?\s+(?:and|but|or)$", "", text)  # the joint to a clause left out
    if len(text) > MAX_EVENT_CHARS:
        text = text[:MAX_EVENT_CHARS].rsplit(" ", 1)[0] + " …"
    return text[:1].upper() + text[1:]


def _tokens(sent: Any, text: str) -> list[Any]:
    """The tokens of ``sent`` that an event's text, cut from it, kept."""
    written = set(re.findall(r"\w+", text))
    return [t for t in sent if t.text in written]


def _content_words(sent: Any, text: str) -> frozenset[str]:
    """Lemmas of the words that say what happened in an event's text."""
    return frozenset(
        t.lemma_.lower()
        for t in _tokens(sent, text)
        if t.pos_ in ("NOUN", "PROPN", "VERB")
        and not t.is_stop
        and t.ent_type_ not in ("DATE", "TIME", "CARDINAL", "ORDINAL")
        and t.lemma_.lower() not in REPORT_LEMMAS
    )


def _mostly_quoted(sent: Any, text: str, quotes: list[tuple[int, int]]) -> bool:
    """Whether an event's words are mostly a quotation: '“It shows that there
    is either a fundamental distrust of Mr. Stone …,” Trusty said Friday' is
    someone's view on the day they gave it, not a happening; the briefing
    quotes it under who said what."""
    words = [t for t in _tokens(sent, text) if t.is_alpha]
    quoted = [t for t in words if inside(quotes, t.idx)]
    return bool(words) and len(quoted) > MAX_QUOTED_SHARE * len(words)


def build_timeline(articles: Sequence[Article], docs: Sequence[Any]) -> list[TimelineEvent]:
    """Dated events of a story in date order, merged across articles."""
    refs = reference_dates(articles)
    order = [a.id for a in articles]
    raw: list[tuple[When, str, str, bool]] = []
    words_of: dict[tuple[str, str], frozenset[str]] = {}
    figures_of: dict[tuple[str, str], frozenset[str]] = {}
    for art, doc in zip(articles, docs, strict=True):
        ref, estimated = refs[art.id]
        quotes = quote_spans(art.text)
        datelines = [m.span() for m in DATELINE.finditer(art.text)]
        found: dict[int, list[tuple[When, str, bool, int]]] = {}  # by sentence
        stated: int | None = None  # the last year the article stated outright
        for anchor, expr in sorted(_date_spans(doc), key=lambda x: x[0].i):
            if inside(quotes, anchor.idx) or inside(datelines, anchor.idx):
                # "we are ready to start negotiating tomorrow", "QARATASH, Oct 14
                # (Wire) –": a speaker's words and a filing date, not events
                continue
            verb = _governor(anchor)
            forward = _future(verb) or _designated(anchor)
            that = _THAT_YEAR.search(expr)
            if that is not None:
                when = _that_year(expr, that, stated)
            else:
                when = resolve_when(expr, ref, forward=forward)
            if when is None:
                continue
            if not when.relative:
                stated = when.start.year
            text = _event_text(anchor, verb)
            words_of[(art.id, text)] = _content_words(anchor.sent, text)
            figures_of[(art.id, text)] = figures(_tokens(anchor.sent, text))
            if len(text.split()) >= 4 and not _mostly_quoted(anchor.sent, text, quotes):
                said = verb.lemma_.lower() in REPORT_LEMMAS
                depth = sum(1 for _ in verb.ancestors)
                found.setdefault(anchor.sent.start, []).append((when, text, said, depth))
        for items in found.values():
            # "A dam gave way late on Tuesday …, the agency said on Wednesday":
            # the day of the happening, not the day of its report.
            happenings = [x for x in items if not x[2]] or items
            # One text, one date: "X, who said on Wednesday that …, told
            # reporters on Thursday …" is dated by its main clause.
            by_text: dict[str, tuple[When, int]] = {}
            for happened, text, _, depth in happenings:
                if text not in by_text or depth < by_text[text][1]:
                    by_text[text] = (happened, depth)
            for text, (happened, _) in by_text.items():
                raw.append((happened, text, art.id, estimated and happened.relative))
    if not raw:
        return []
    # Only events that share a day are ever compared.
    days = Counter(_span(w) for w, *_ in raw)
    vecs = embed_where([t for _, t, _, _ in raw], [days[_span(w)] > 1 for w, *_ in raw])
    events: list[tuple[list[int], When, TimelineEvent]] = []
    words = [words_of[(aid, text)] for _, text, aid, _ in raw]
    for i, (when, text, aid, est) in enumerate(raw):
        for members, w, ev in events:
            same_day = _span(w) == _span(when)
            if same_day and (
                max(float(vecs[i] @ vecs[k]) for k in members) >= SAME_EVENT_SIM
                or any(len(words[i] & words[k]) >= SHARED_WORDS for k in members)
            ):
                members.append(i)
                ev.article_ids = ordered_ids([*ev.article_ids, aid], order)
                ev.estimated = ev.estimated and est
                break
        else:
            event = TimelineEvent(
                date=when.start,
                text=text,
                article_ids=[aid],
                estimated=est,
                precision=when.precision,
                end=when.end,
            )
            events.append(([i], when, event))
    counts = [figures_of[(aid, text)] for _, text, aid, _ in raw]
    for members, _, ev in events:
        if len(members) < 2:
            continue
        # The wording closest to all the others speaks for the event, not
        # whichever article came first; and it states no figure that an article
        # it cites does not ("killing at least 40 people" is not what the outlet
        # that counted 60 reported), when some wording states none.
        shared = frozenset.intersection(*(counts[k] for k in members))
        plain = [k for k in members if counts[k] <= shared]
        speakers = plain or members
        central = (
            max(speakers, key=lambda k: sum(float(vecs[k] @ vecs[m]) for m in members))
            if len(members) > 2
            else speakers[0]  # of two, the earlier article's
        )
        ev.text = raw[central][1]
        if not plain:
            # Every wording carries its own figure: cite only the articles
            # that carry the one shown.
            ev.article_ids = ordered_ids(
                [raw[k][2] for k in members if counts[central] <= counts[k]], order
            )
    speaks_for = outlet_keys(articles)
    out = [ev for _, _, ev in events]
    for ev in out:
        ev.outlets = len({speaks_for[a] for a in ev.article_ids})
    out.sort(key=lambda e: (e.date, e.end or e.date, -len(e.article_ids)))
    return out
