"""Small text helpers shared by the briefing components.

Kept private to the package: quote-span detection (several components must
ignore words inside quotation marks, because a quote is the speaker's wording,
not the outlet's), speech-verb lemmas and article-independence bookkeeping.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from parallax.model import Article

# Verbs that reliably attribute a clause ("X said that ...").  "call",
# "blame", "pledge" etc. take objects, not reported content, so they are left out.
REPORT_LEMMAS = frozenset(
    {
        "say",
        "tell",
        "add",
        "state",
        "claim",
        "warn",
        "announce",
        "insist",
        "note",
        "explain",
        "argue",
        "report",
        "write",
        "declare",
        "confirm",
        "deny",
        "estimate",
        "stress",
        "acknowledge",
        "admit",
        "suggest",
        "allege",
        "predict",
    }
)

OPEN_DOUBLE = "“"
CLOSE_DOUBLE = "”"
STRAIGHT = '"'
OPEN_SINGLE = "‘"
CLOSE_SINGLE = "’"

_PARA_BREAK = re.compile(r"\n\s*\n|\n")


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Character spans of the paragraphs of ``text`` (blank-line or newline separated)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _PARA_BREAK.finditer(text):
        if m.start() > start:
            spans.append((start, m.start()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _uses_single_quote_marks(text: str) -> bool:
    # Some British outlets quote with ‘…’.  An opening ‘ after a space or at a
    # paragraph start is practically never an apostrophe in English news text
    # (an elided "’90s" is typeset with the closing glyph), so one such opening
    # means the outlet uses single curly quotes as marks.
    return len(re.findall(r"(?:^|[\s(\[—–-])‘\S", text, flags=re.M)) >= 1


def _is_word(ch: str) -> bool:
    return ch.isalnum()


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the *inside* of direct quotations in ``text``.

    Handles curly and straight double quotes (also mixed, as in “…," when an
    outlet's CMS swaps one mark), single curly quotes used as marks, and a
    quote that runs over paragraphs (the convention: an unclosed paragraph whose
    next paragraph opens with a quote mark continues the same quotation).
    Apostrophes (don’t, rebels’) are told apart from closing marks by context.
    """
    text = _two_apostrophes(text)
    spans: list[tuple[int, int]] = []
    single = _uses_single_quote_marks(text)
    paras = paragraphs(text)
    open_at: int | None = None
    open_kind = ""
    skip = -1
    # A quotation left open at the end of the paragraph before: its next
    # paragraph may go on without reopening it and end with the closing mark
    # ('"X, who I do not know, was appointed in 2015.¶Was supposed to leave
    # …," Trump tweeted.').
    dangling: int | None = None
    for p_index, (ps, pe) in enumerate(paras):
        i = ps
        marks_seen = False  # a quotation mark earlier in this paragraph
        while i < pe:
            if i == skip:
                i += 1
                continue
            ch = text[i]
            prev = text[i - 1] if i > ps else " "
            nxt = text[i + 1] if i + 1 < pe else " "
            closing = ch in (CLOSE_DOUBLE, STRAIGHT) and prev in ",.!?;" and not _is_word(nxt)
            if open_at is None and closing:
                # A closing mark with nothing open never opens a quotation
                # (that would quote the narration up to the next mark); it
                # ends the one the paragraph before left open, if any.
                if dangling is not None and not marks_seen:
                    spans[dangling] = (spans[dangling][0], i)
                dangling = None
                marks_seen = True
                i += 1
                continue
            if ch in (OPEN_DOUBLE, CLOSE_DOUBLE, STRAIGHT):
                marks_seen = True
            if open_at is None:
                if ch in (OPEN_DOUBLE, STRAIGHT) and not _is_word(prev):
                    open_at, open_kind = i + 1, "d"
                elif single and ch == OPEN_SINGLE and not _is_word(prev):
                    open_at, open_kind = i + 1, "s"
            elif open_kind == "d":
                if ch in (CLOSE_DOUBLE, STRAIGHT):
                    spans.append((open_at, i))
                    open_at = None
                elif ch == OPEN_DOUBLE:
                    open_at = i + 1  # an unclosed mark: restart at the newer one
            elif open_kind == "s" and ch == CLOSE_SINGLE and not _is_word(nxt):
                # "rebels’ strongest": a plural possessive looks like a closing
                # mark; treat it as one only if no later closing mark follows
                # in this paragraph before the next opening mark.
                rest = text[i + 1 : pe]
                nxt_open = rest.find(OPEN_SINGLE)
                scope = rest if nxt_open < 0 else rest[:nxt_open]
                later = re.search(r"’(?!\w)", scope)
                possessive = prev == "s" and nxt == " " and i + 2 < pe and text[i + 2].islower()
                if not (possessive and later):
                    spans.append((open_at, i))
                    open_at = None
            i += 1
        if open_at is not None:
            # Unclosed at the paragraph's end: continue if the next paragraph
            # opens with a quote mark, otherwise close here.
            nxt_para = paras[p_index + 1] if p_index + 1 < len(paras) else None
            opener = OPEN_SINGLE if open_kind == "s" else (OPEN_DOUBLE + STRAIGHT)
            if nxt_para is not None and text[nxt_para[0]] in opener:
                skip = nxt_para[0]  # the reopening mark is not a closing one
                continue
            spans.append((open_at, pe))
            dangling = len(spans) - 1 if open_kind == "d" else None
            open_at = None
        else:
            dangling = None
    return [(s, e) for s, e in spans if e > s]


# Some archives (The New York Times among them) mark quotations with two
# apostrophes: ''We won,'' she said.
_TWO_APOSTROPHES = re.compile(r"''")


def _two_apostrophes(text: str) -> str:
    """The text with each pair of apostrophes made one straight double mark,
    set against the word it belongs to, so that offsets stay the same."""
    if "''" not in text:
        return text

    def mark(m: re.Match[str]) -> str:
        opening = m.start() == 0 or text[m.start() - 1] in " \n\t(["
        return ' "' if opening else '" '

    return _TWO_APOSTROPHES.sub(mark, text)


def clean_quote(text: str) -> str:
    """The words of a quote span, with paragraph breaks and reopening marks removed."""
    text = re.sub(r"\s*\n\s*[“‘\"]?", " ", text)
    return text.strip().strip(",;: ")


def inside(spans: Sequence[tuple[int, int]], pos: int) -> bool:
    return any(s <= pos < e for s, e in spans)


def fold(text: str) -> str:
    """Lower-case ASCII fold: strips accents so that spellings compare equal."""
    norm = unicodedata.normalize("NFKD", text)
    return "".join(c for c in norm if not unicodedata.combining(c)).lower()


def roots(articles: Sequence[Article]) -> dict[str, str]:
    """Map each article id to the id of the original it copies (itself if none).

    A syndicated copy is not an independent confirmation: components count
    support by distinct roots, but still cite every copy.
    """
    parent = {a.id: a.duplicate_of for a in articles}
    out: dict[str, str] = {}
    for a in articles:
        seen = {a.id}
        cur = a.id
        while parent.get(cur) and parent[cur] in parent and parent[cur] not in seen:
            cur = str(parent[cur])
            seen.add(cur)
        out[a.id] = cur
    return out


def ordered_ids(ids: Iterable[str], order: Sequence[str]) -> list[str]:
    """Deduplicate ``ids`` and sort them in story order (the order of ``order``)."""
    rank = {a: i for i, a in enumerate(order)}
    return sorted(set(ids), key=lambda a: rank.get(a, len(rank)))


def span_text(tokens: Iterable[Any]) -> str:
    """Text of a run of spaCy tokens, preserving the original spacing."""
    toks = sorted(tokens, key=lambda t: t.i)
    if not toks:
        return ""
    doc = toks[0].doc
    return str(doc[toks[0].i : toks[-1].i + 1].text)


LEADING_DET = re.compile(r"^(?:the|a|an|this|that|these|those)\s+", re.I)
# A dateline opens wire copy ("OSLO, Norway, May 2 (Agency) – ..."): page
# furniture, not part of any sentence and not an event of the story.
DATELINE = re.compile(r"^[A-Z][A-Z .'-]{2,}(?:,[^–—]{0,60})?\s[–—-]{1,2}\s+", re.M)


def outlet_keys(articles: Sequence[Article]) -> dict[str, str]:
    """Map each article id to the outlet it speaks for: its original's outlet
    (a syndicated copy repeats its original), or the original's id when the
    outlet is not named.  Counting distinct keys counts independent outlets."""
    root = roots(articles)
    source = {a.id: a.source for a in articles}
    return {a.id: (source[root[a.id]] or root[a.id]).casefold() for a in articles}


# Words that state a count without digits.  "one" is left out: far more often
# a pronoun ("one of the victims") than a count.
_COUNT_WORDS = {
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "eleven": "11",
    "twelve": "12",
    "fifteen": "15",
    "twenty": "20",
    "thirty": "30",
    "forty": "40",
    "fifty": "50",
    "sixty": "60",
    "seventy": "70",
    "eighty": "80",
    "ninety": "90",
    "hundred": "100",
    "thousand": "1000",
    "million": "million",
    "billion": "billion",
}
_VAGUE_COUNTS = frozenset(
    {"dozen", "dozens", "hundreds", "thousands", "millions", "billions", "scores", "handful"}
)
# Dates and times are placed by the timeline, not compared as figures.
_NOT_FIGURES = frozenset({"DATE", "TIME", "ORDINAL"})


def figures(tokens: Sequence[Any]) -> frozenset[str]:
    """The counts a sentence states ("40", "hundreds", "1.2" and "million"), in a
    form two wordings share: "1,200" and "1200", "forty" and "40"."""
    out = set()
    for t in tokens:
        if t.ent_type_ in _NOT_FIGURES:
            continue
        low = t.lower_
        if low in _VAGUE_COUNTS:
            out.add(low.removesuffix("s"))
        elif low in _COUNT_WORDS:
            out.add(_COUNT_WORDS[low])
        elif re.fullmatch(r"\d[\d,]*(?:\.\d+)?%?", low):
            out.add(low.replace(",", "").rstrip("%"))
    return frozenset(out)
