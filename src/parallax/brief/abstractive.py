"""An optional machine-written summary, grounded on the briefing's evidence and checked.

When an OpenAI-compatible endpoint is configured (``PARALLAX_LLM_URL`` and
``PARALLAX_LLM_MODEL``), a story's evidence -- the extractive summary, the
figures and the top quotes, each numbered and tied to its articles -- is sent to
``/chat/completions`` with the request for a short neutral summary whose every
sentence cites evidence numbers, ``[1][3]``.  Nothing the model writes is
trusted: each sentence is kept only if it cites existing evidence, every number
in it appears in that evidence, and at least half its content words do too.
The citations then become article ids, like the extractive summary's.

Without configuration nothing here runs, so the default stays offline.  The
endpoint is the operator's own choice (often a model server on localhost), so
it is called directly: the fetcher's guard against private addresses protects
against addresses found in articles and feeds, not against settings.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx
from spacy.lang.en.stop_words import STOP_WORDS

from parallax.brief._text import ordered_ids
from parallax.model import Briefing, SummarySentence
from parallax.sentences import abbreviation_at

FIGURES = 12
"""Figure mentions offered as evidence: conflicting groups first, then the rest."""
QUOTES = 6
MAX_SENTENCES = 5
DEFAULT_TIMEOUT = 60.0
MIN_SUPPORT = 0.5
"""Share of a sentence's content words that must occur in the evidence it cites.

"Mostly absent" is taken at its plain meaning: below half, the sentence says
more that its sources do not than that they do.  A faithful paraphrase keeps
the names, places and key nouns of its evidence, which are most of its content
words; the rest are the model's own wording (synonyms, connectives), which is
why the bar is not higher.  No model runs here to tune it, so it is a rule, not
a fitted figure."""

# Words a summary legitimately adds when it attributes or compares reports;
# they carry no claim of their own, so they count neither for nor against it.
FRAMING_WORDS = frozenset(
    {
        "said",
        "says",
        "say",
        "told",
        "stated",
        "reported",
        "reports",
        "report",
        "according",
        "outlet",
        "outlets",
        "source",
        "sources",
        "figure",
        "figures",
        "disagree",
        "differ",
        "vary",
    }
)

SYSTEM_PROMPT = (
    "You write short, neutral news summaries from numbered evidence and nothing else. "
    f"Write at most {MAX_SENTENCES} sentences of plain prose (no headings, no lists). "
    "End every sentence with the numbers of the evidence it rests on, like [1][3]. "
    "Use no fact, number or name that its cited evidence does not contain, and no judgement. "
    "Where the evidence gives different figures, say so and attribute each one."
)


class AbstractError(Exception):
    """The endpoint failed, answered in an unexpected shape, or wrote nothing that holds."""


@dataclass(frozen=True, slots=True)
class LLMSettings:
    url: str
    """Base URL of an OpenAI-compatible API, e.g. ``http://127.0.0.1:8080/v1``."""
    model: str
    key: str = ""
    """Sent as a Bearer token when set (local servers usually need none)."""
    timeout: float = DEFAULT_TIMEOUT
    """Seconds to connect, and to wait for each part of the answer (httpx's timeout);
    a local model writing a paragraph needs tens."""


@dataclass(frozen=True, slots=True)
class Evidence:
    text: str
    article_ids: list[str]


def gather_evidence(briefing: Briefing) -> list[Evidence]:
    """The briefing's checked material, in the order it is numbered (from 1)."""
    items = [Evidence(s.text, list(s.article_ids)) for s in briefing.summary]
    groups = sorted(briefing.quantities, key=lambda g: not g.conflict)
    mentions = [(g, m) for g in groups for m in g.mentions][:FIGURES]
    for group, m in mentions:
        who = m.source or "One outlet"
        credited = f", according to {m.attribution}" if m.attribution else ""
        disputed = " (outlets give different figures)" if group.conflict else ""
        text = f"{who} reports {m.text} ({group.label}{credited}){disputed}."
        items.append(Evidence(text, [m.article_id]))
    for q in briefing.quotes[:QUOTES]:
        said = f"“{q.text}”" if q.direct else q.text
        items.append(
            Evidence(f"{q.speaker or 'An unnamed source'} said: {said}", list(q.article_ids))
        )
    return items


def abstract(
    briefing: Briefing, order: Sequence[str], settings: LLMSettings
) -> list[SummarySentence]:
    """The checked machine summary of a briefing, citing articles in story order ``order``.

    Raises AbstractError when the endpoint fails or no sentence survives the check.
    """
    evidence = gather_evidence(briefing)
    if not evidence:
        return []
    written = complete(settings, _prompt(evidence))
    kept = check(written, evidence, order)
    if not kept:
        raise AbstractError("no sentence of the model's summary is supported by its cited evidence")
    return kept


def _prompt(evidence: Sequence[Evidence]) -> str:
    lines = "\n".join(f"[{n}] {e.text}" for n, e in enumerate(evidence, 1))
    return f"Evidence:\n{lines}\n\nSummarise the story from this evidence only."


def complete(settings: LLMSettings, prompt: str) -> str:
    """The assistant's reply to one chat-completions request."""
    headers = {"Authorization": f"Bearer {settings.key}"} if settings.key else {}
    body = {
        "model": settings.model,
        "messages": [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": prompt},
        ],
        "temperature": 0,
    }
    url = settings.url.rstrip("/") + "/chat/completions"
    try:
        # No proxy from the environment: a proxy variable meant for the web
        # would otherwise carry a request for a local model server away.
        with httpx.Client(timeout=settings.timeout, trust_env=False) as client:
            response = client.post(url, json=body, headers=headers)
        response.raise_for_status()
        data: Any = response.json()
    except httpx.HTTPStatusError as exc:
        raise AbstractError(f"{url} answered HTTP {exc.response.status_code}") from exc
    except httpx.HTTPError as exc:
        raise AbstractError(f"{url} could not be reached: {exc!r}") from exc
    except ValueError as exc:
        raise AbstractError(f"{url} did not answer JSON") from exc
    try:
        content = data["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError):
        raise AbstractError(f"{url} answered without choices[0].message.content") from None
    if not isinstance(content, str):
        raise AbstractError(f"{url} answered a non-text message")
    return content


_CITATION = re.compile(r"\[(\d+)\]")
# "Text. [1][2]" is read as "Text [1][2]." so that the marks stay with their sentence.
_MARKS_AFTER_STOP = re.compile(r"([.!?][\"”’]?)((?:\s*\[\d+\])+)")
_BOUNDARY = re.compile(r"[.!?][\"”’]?\s+(?=[^a-z\s])")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def sentences(text: str) -> list[str]:
    text = _MARKS_AFTER_STOP.sub(lambda m: m.group(2) + m.group(1), " ".join(text.split()))
    out, start = [], 0
    for m in _BOUNDARY.finditer(text):
        if abbreviation_at(text, m.start()):  # "Dr. Ruiz", "Jan. 6", "J. R. Jones"
            continue
        out.append(text[start : m.end()].strip())
        start = m.end()
    out.append(text[start:].strip())
    return [s for s in out if s]


def numbers(text: str) -> set[str]:
    """Numbers written with digits, thousands separators removed ("1,200" -> "1200")."""
    found = set()
    for raw in _NUMBER.findall(text):
        # A comma before exactly three digits groups thousands; any other is a decimal mark.
        plain = re.sub(r",(?=\d{3}(?!\d))", "", raw).replace(",", ".")
        found.add(plain.rstrip("0").rstrip(".") if "." in plain else plain)
    return found


def _stem(word: str) -> str:
    """A crude stem ("killed", "kills" -> "kill"); a miss only makes the check stricter."""
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def content_words(text: str) -> set[str]:
    words = (w.lower().replace("’", "'").removesuffix("'s") for w in _WORD.findall(text))
    return {
        _stem(w) for w in words if len(w) > 2 and w not in STOP_WORDS and w not in FRAMING_WORDS
    }


def check(
    written: str, evidence: Sequence[Evidence], order: Sequence[str]
) -> list[SummarySentence]:
    """The sentences of ``written`` that its cited evidence supports, citing articles.

    A sentence is dropped when it cites nothing, cites a number with no evidence
    behind it (the model misread the list), states a number its cited evidence
    does not contain, or has fewer than ``MIN_SUPPORT`` of its content words there.
    """
    kept = []
    for sentence in sentences(written):
        cited = [int(n) for n in _CITATION.findall(sentence)]
        if not cited or any(not 1 <= n <= len(evidence) for n in cited):
            continue
        text = re.sub(r"\s+([.,;:!?])", r"\1", _CITATION.sub("", sentence)).strip()
        sources = [evidence[n - 1] for n in dict.fromkeys(cited)]
        backing = " ".join(e.text for e in sources)
        if not numbers(text) <= numbers(backing):
            continue
        words = content_words(text)
        if not words or len(words & content_words(backing)) < MIN_SUPPORT * len(words):
            continue
        ids = ordered_ids((i for e in sources for i in e.article_ids), order)
        kept.append(SummarySentence(text=text, article_ids=ids))
    return kept[:MAX_SENTENCES]
