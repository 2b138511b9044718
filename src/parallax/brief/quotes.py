"""Who said what: direct quotes and reported speech, merged across outlets.

``attribution.find_attributions`` finds each statement's source, cue and
content as spans of the article; this module turns them into briefing items.
A source is resolved to a name the story uses: a pronoun ("he added") to
the last named speaker, which is why an article is read in order; "who" to
the noun its clause hangs on; "a statement from his office" to the office of
the person meant; "according to X" to X.  A quotation no cue claims takes the
speaker of the nearest attribution in its paragraph, if any.

Across articles, the same words from the same speaker are one quote listing
every article; a trimmed or altered wording becomes a variant of the fullest
one, flagged as trimmed (a cut of it) or altered (words changed).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from parallax.brief._text import (
    LEADING_DET,
    clean_quote,
    fold,
    ordered_ids,
    paragraphs,
    quote_spans,
    roots,
)
from parallax.brief.attribution import Attribution, find_attributions, subject, verb_led
from parallax.brief.entities import TITLES, name_lookup, resolve
from parallax.model import Article, Entity, Quote, QuoteVariant

# Shorter quotes are scare quotes ("strong defensive line", ‘terrorist
# escalation’) or one-word answers: nothing a reader can weigh.
MIN_QUOTE_WORDS = 4
# Reported speech shorter than this is rarely a claim ("he said so").
MIN_REPORTED_WORDS = 5
# Two wordings are one quote when one contains the other or their word
# sequences agree this much (a trimmed or lightly edited quote); 0.8 keeps
# different sentences from the same speaker apart.
VARIANT_RATIO = 0.8

_PRONOUNS_PERSON = frozenset({"he", "she", "him", "her"})
_PRONOUNS_GROUP = frozenset({"they", "them", "it"})
# The author's own voice, outside quotation marks, is not a source to list.
_AUTHOR = frozenset({"i", "we", "you", "me", "us"})
_RELATIVES = frozenset({"who", "which", "that", "whom"})
_POSSESSIVE_PRONOUNS = frozenset({"his", "her", "their", "its"})
# Nouns that stand for their author: "a statement from his office said".
_MESSAGE_NOUNS = frozenset({"statement", "communique", "message", "post", "letter", "release"})
# "… at night,” said Tomas Brandt. “We had …": the attribution's sentence ended.
_SENTENCE_END = re.compile(r"[.!?][”’\"]?\s*[“‘\"]?\s*$")


@dataclass
class _Said:
    article_id: str
    pos: int
    text: str
    direct: bool
    speaker: str | None


@dataclass
class _State:
    """Reading state of one article: the last named person and group to speak."""

    last_person: str | None = None
    last_person_at: int = -1
    last_group: str | None = None
    reported: list[tuple[int, int]] = field(default_factory=list)
    """What speakers are reported to have said: a person named there is not
    whom a later "he said" points back to."""


def _ent_at(tok: Any) -> Any | None:
    for ent in tok.doc.ents:
        if ent.start <= tok.i < ent.end:
            return ent
    return None


def _name(ent: Any, lookup: dict[tuple[str, ...], Entity]) -> str:
    """The story's name for an entity mention."""
    e = resolve(ent.text, lookup)
    name = e.name if e is not None else _strip_the(ent.text)
    if ent.label_ != "PERSON" or (e is not None and " " in name):
        return name
    return _full_name(name, ent.doc, ent.start_char, lookup)


def _full_name(text: str, doc: Any, pos: int, lookup: dict[tuple[str, ...], Entity]) -> str:
    """A person's name without a leading title; a bare surname or first name
    takes the full name it had earlier in the article ("Wrona" after "Tomasz
    Wrona", "Alex" after "Alex Younger")."""
    words = text.split()
    while len(words) > 1 and words[0].lower().rstrip(".") in TITLES:
        words = words[1:]
    if len(words) == 1:
        for other in reversed([x for x in doc.ents if x.end_char <= pos]):
            if other.label_ == "PERSON" and (
                other.text.endswith(" " + words[0]) or other.text.startswith(words[0] + " ")
            ):
                return _name(other, lookup)
        # the small parser's NER misses many names: an earlier run of proper
        # nouns ending in the surname will do ("Governor Ana Ruiz")
        for tok in reversed([t for t in doc if t.idx < pos and t.text == words[0]]):
            run = [tok]
            while run[0].i > 0 and doc[run[0].i - 1].pos_ == "PROPN":
                run.insert(0, doc[run[0].i - 1])
            if len(run) > 1:
                return _full_name(" ".join(t.text for t in run), doc, run[0].idx, lookup)
    return " ".join(words)


def _last_subject_person(
    doc: Any, pos: int, lookup: dict[tuple[str, ...], Entity], reported: list[tuple[int, int]]
) -> tuple[int, str] | None:
    """Position and name of the last person before ``pos`` who is a subject,
    outside quotations and reported words."""
    quoted = quote_spans(doc.text) + reported
    found: tuple[int, str] | None = None
    for ent in doc.ents:
        if ent.start_char >= pos:
            break
        if (
            ent.label_ == "PERSON"
            and ent.root.dep_ in ("nsubj", "nsubjpass")
            and not any(s <= ent.start_char < e for s, e in quoted)
        ):
            found = (ent.start_char, _name(ent, lookup))
    return found


def _last_person_before(doc: Any, pos: int, lookup: dict[tuple[str, ...], Entity]) -> str | None:
    found: str | None = None
    for ent in doc.ents:
        if ent.start_char >= pos:
            break
        if ent.label_ == "PERSON":
            e = resolve(ent.text, lookup)
            found = e.name if e else ent.text
    return found


def _np_text(head: Any, doc: Any, lookup: dict[tuple[str, ...], Entity]) -> str:
    """Speaker text for a common-noun subject, possessive pronouns resolved."""
    drop: set[int] = set()
    for t in head.subtree:
        if t.dep_ in ("relcl", "acl", "appos") and t.i != head.i:
            drop |= {x.i for x in t.subtree}
    words: list[str] = []
    for t in head.subtree:
        if t.i in drop or (t.dep_ == "punct" and t.i != head.i):
            continue
        if t.lower_ in _POSSESSIVE_PRONOUNS and t.dep_ == "poss":
            who = _last_person_before(doc, t.idx, lookup)
            words.append(f"{who}’s" if who else t.text)
        else:
            words.append(t.text)
    text = " ".join(words)
    text = re.sub(r"\s+([’'],?s\b|[,.;:])", r"\1", text)
    return LEADING_DET.sub("", text).strip()


def _own_tokens(tok: Any) -> set[int]:
    """The subject phrase without relative clauses and prepositional phrases."""
    out = {t.i for t in tok.subtree}
    for t in tok.subtree:
        if t.i != tok.i and t.dep_ in ("relcl", "acl", "prep"):
            out -= {x.i for x in t.subtree}
    return out


def _speaker_from_token(
    tok: Any, doc: Any, state: _State, lookup: dict[tuple[str, ...], Entity]
) -> tuple[str | None, bool]:
    """The name a source phrase stands for, and whether it is a named person."""
    low = tok.lower_
    if low in _PRONOUNS_PERSON:
        # the later of the last named speaker and the last person named as
        # the subject of a sentence ("Rui Falcão disagreed. … he said")
        subj = _last_subject_person(doc, tok.idx, lookup, state.reported)
        if subj is not None and (state.last_person is None or subj[0] > state.last_person_at):
            return subj[1], True
        who = state.last_person or _last_person_before(doc, tok.idx, lookup)
        return who, who is not None
    if low in _PRONOUNS_GROUP:
        return state.last_group or state.last_person, False
    if low in _AUTHOR:
        return None, False
    if low in _RELATIVES and tok.head.dep_ == "relcl" and tok.head.head.i != tok.i:
        return _speaker_from_token(tok.head.head, doc, state, lookup)
    if tok.lemma_.lower() in _MESSAGE_NOUNS:
        for child in tok.children:
            if child.dep_ == "poss":
                return _speaker_from_token(child, doc, state, lookup)
            if child.dep_ == "prep" and child.lower_ in ("from", "by", "of"):
                for obj in child.children:
                    if obj.dep_ == "pobj":
                        return _speaker_from_token(obj, doc, state, lookup)
    ent = _ent_at(tok)
    if ent is not None and ent.label_ in ("PERSON", "ORG", "GPE", "NORP", "FAC"):
        return _name(ent, lookup), ent.label_ == "PERSON"
    # A named person in the subject's own phrase is the speaker ("Kremlin
    # spokesman Dmitry Peskov"), but not one inside a relative clause or a
    # prepositional phrase ("Russia, whose intervention on behalf of Mr Assad"),
    # nor a possessor: "the mayor's spokesman" speaks for the mayor, and is who spoke.
    own = _own_tokens(tok)
    people = [
        e
        for e in doc.ents
        if e.label_ == "PERSON" and all(t.i in own for t in e) and not _possessor(e)
    ]
    if people:
        return _name(people[-1], lookup), True
    if tok.pos_ == "PROPN":
        words = [t for t in tok.lefts if t.dep_ == "compound"] + [tok]
        return _full_name(" ".join(t.text for t in words), doc, words[0].idx, lookup), True
    # A headline's "Ortiz:" (tagged a common noun) before the article names her
    if tok.text[:1].isupper():
        named = [e for e in doc.ents if e.label_ == "PERSON" and e.text.split()[-1] == tok.text]
        if named:
            return _name(named[0], lookup), True
    return _np_text(tok, doc, lookup) or None, False


def _possessor(ent: Any) -> bool:
    """Whether a name is a possessor ("Ruth Calloway’s spokesman")."""
    after = ent.doc[ent.end] if ent.end < len(ent.doc) else None
    return bool(ent.root.dep_ == "poss" or (after is not None and after.tag_ == "POS"))


def source_of(verb: Any, lookup: dict[tuple[str, ...], Entity]) -> str | None:
    """The named source of a speech verb, without pronoun resolution."""
    subj = subject(verb)
    if subj is None or subj.lower_ in _PRONOUNS_PERSON | _PRONOUNS_GROUP | _AUTHOR:
        return None
    return _speaker_from_token(subj, verb.doc, _State(), lookup)[0]


def according_to(
    tok: Any, doc: Any, lookup: dict[tuple[str, ...], Entity]
) -> tuple[str | None, bool, set[int]]:
    """Source named by "according to X": (speaker, is a person, phrase token ids).

    The phrase runs to the next comma or the sentence end; the parser's pobj
    is unreliable on long appositive chains ("the UK-based war monitor the
    Syrian Observatory for Human Rights"), so the last name in the phrase wins.
    """
    phrase: list[Any] = [tok]
    for t in doc[tok.i + 1 : tok.sent.end]:
        if t.text in (",", ";", ".") and len(phrase) > 2:
            break
        phrase.append(t)
    ids = {t.i for t in phrase}
    if phrase and phrase[-1].i + 1 < len(doc) and doc[phrase[-1].i + 1].text == ",":
        ids.add(phrase[-1].i + 1)
    names = [
        e
        for e in doc.ents
        if e.label_ in ("PERSON", "ORG", "FAC", "GPE") and all(t.i in ids for t in e)
    ]
    if names:
        e = resolve(names[-1].text, lookup)
        return (e.name if e else _strip_the(names[-1].text)), names[-1].label_ == "PERSON", ids
    objs = [t for t in phrase[2:] if t.dep_ == "pobj" and t.head.i == tok.i + 1]
    nouns = objs or [t for t in phrase[2:] if t.pos_ in ("NOUN", "PROPN")]
    if not nouns:
        return None, False, ids
    return _np_text(nouns[0], doc, lookup), False, ids


def _strip_the(text: str) -> str:
    return LEADING_DET.sub("", text)


def _pieces(a: Attribution, text: str) -> list[list[tuple[int, int]]]:
    """A direct attribution's quotations as items: one sentence interrupted by
    "he said" is one item; a quotation resumed after "he said." is another."""
    if not a.direct:
        return [list(a.content)]
    out = [[a.content[0]]]
    for prev, span in zip(a.content, a.content[1:], strict=False):
        if _SENTENCE_END.search(text, prev[1], span[0]):
            out.append([span])
        else:
            out[-1].append(span)
    return out


def _wording(a: Attribution, spans: list[tuple[int, int]], doc: Any) -> str:
    """What the item shows: the quotation's words, or the reported clause."""
    text: str = doc.text
    if a.direct:
        return " ".join(clean_quote(text[s:e]) for s, e in spans)
    if a.cue is not None and a.cue_head is not None and verb_led(doc[a.cue_head]):
        # "called him “a total stiff”", "urged Congress to act"
        end = a.content[-1][1]
        end += text[end : end + 1] in ("”", "’", '"')
        return " ".join(text[a.cue[0] : end].split())
    # runs around an inserted "…, he says, …" keep the comma that parted them
    out = ", ".join(" ".join(text[s:e].split()) for s, e in a.content)
    out = re.sub(r"^that\b[\s,]*", "", out, flags=re.I)
    if out.lower().startswith("to ") and a.cue is not None:  # "vowed to push on"
        out = f"{text[a.cue[0] : a.cue[1]]} {out}"
    return out[:1].upper() + out[1:]


def _speaker(
    a: Attribution, doc: Any, state: _State, lookup: dict[tuple[str, ...], Entity]
) -> tuple[str | None, bool]:
    if a.cue_head is not None and doc[a.cue_head].lower_ == "according":
        speaker, named, _ = according_to(doc[a.cue_head], doc, lookup)
        return speaker, named
    if a.source_head is None:
        return None, False
    return _speaker_from_token(doc[a.source_head], doc, state, lookup)


def _article_sayings(art: Article, doc: Any, lookup: dict[tuple[str, ...], Entity]) -> list[_Said]:
    text = art.text
    found = find_attributions(doc)
    state = _State()
    speakers: list[str | None] = []
    out: list[_Said] = []
    # "X said Y had asked …, and “…,” he said": a speaker reported inside
    # another's words is not the one a later pronoun points back to
    said = [span for a in found if a.kind == "speech" for span in a.content]
    state.reported = said
    for a in found:
        # Beliefs, stances, plans and findings are attributions too, but the
        # briefing quotes what people said.
        if a.kind != "speech":
            speakers.append(None)
            continue
        if a.continues is not None:
            speaker: str | None = speakers[a.continues]
            named = False
        else:
            speaker, named = _speaker(a, doc, state, lookup)
        speakers.append(speaker)
        nested = a.cue is not None and any(s <= a.cue[0] < e for s, e in said)
        if speaker and a.continues is None and not nested:
            if named:
                state.last_person = speaker
                state.last_person_at = a.content[0][0] if a.source is None else a.source[0]
            else:
                state.last_group = speaker
        for spans in _pieces(a, text):
            words = _wording(a, spans, doc)
            if a.direct and len(words.split()) >= MIN_QUOTE_WORDS:
                out.append(_Said(art.id, spans[0][0], words, True, speaker))
            elif not a.direct and speaker and len(words.split()) >= MIN_REPORTED_WORDS:
                out.append(_Said(art.id, spans[0][0], words, False, speaker))

    # Quotations no cue claimed: the speaker of the nearest attribution in
    # the same paragraph, else nobody.
    covered = [span for a in found if a.kind == "speech" for span in a.content]
    for qs, qe in quote_spans(text):
        if any(s <= qs and qe <= e for s, e in covered):
            continue
        words = clean_quote(text[qs:qe])
        if len(words.split()) < MIN_QUOTE_WORDS:
            continue
        para = next(((ps, pe) for ps, pe in paragraphs(text) if ps <= qs < pe), (qs, qe))
        near = [
            (min(abs(a.content[0][0] - qe), abs(qs - a.content[-1][1])), i)
            for i, a in enumerate(found)
            if para[0] <= a.content[0][0] < para[1] and speakers[i]
        ]
        speaker = speakers[min(near)[1]] if near else None
        out.append(_Said(art.id, qs, words, True, speaker))
    out.sort(key=lambda s: s.pos)
    return out


def _norm(text: str) -> list[str]:
    return re.findall(r"\w+", fold(text))


def _contains(big: list[str], small: list[str]) -> bool:
    return f" {' '.join(small)} " in f" {' '.join(big)} "


def _same_quote(a: list[str], b: list[str]) -> bool:
    if not a or not b:
        return False
    if _contains(a, b) or _contains(b, a):
        return min(len(a), len(b)) >= MIN_QUOTE_WORDS
    return SequenceMatcher(None, a, b, autojunk=False).ratio() >= VARIANT_RATIO


def _group(sayings: list[_Said]) -> list[list[_Said]]:
    groups: list[list[_Said]] = []
    for s in sayings:
        words = _norm(s.text)
        for g in groups:
            if g[0].direct != s.direct:
                continue
            speakers = {x.speaker for x in g if x.speaker}
            if s.speaker and speakers and s.speaker not in speakers:
                continue
            # Reported clauses nest inside one another within an article;
            # only a direct quote can recur in the same article.
            if not s.direct and any(x.article_id == s.article_id for x in g):
                continue
            if any(_same_quote(words, _norm(x.text)) for x in g):
                g.append(s)
                break
        else:
            groups.append([s])
    return groups


def extract_quotes(
    articles: Sequence[Article], docs: Sequence[Any], entities: Sequence[Entity]
) -> list[Quote]:
    """Direct quotes and reported speech of a story, one item per statement."""
    lookup = name_lookup(entities)
    order = [a.id for a in articles]
    rank = {a: i for i, a in enumerate(order)}
    root = roots(articles)
    sayings: list[_Said] = []
    for art, doc in zip(articles, docs, strict=True):
        sayings.extend(_article_sayings(art, doc, lookup))

    quotes: list[tuple[int, int, int, Quote]] = []
    for g in _group(sayings):
        # the wording most articles carry, then the fullest, then the earliest
        carried = Counter(" ".join(_norm(x.text)) for x in g)
        main = max(
            g, key=lambda x: (carried[" ".join(_norm(x.text))], len(x.text), -rank[x.article_id])
        )
        main_words = _norm(main.text)
        said_by = Counter(x.speaker for x in g if x.speaker)
        speaker = said_by.most_common(1)[0][0] if said_by else None
        details: list[QuoteVariant] = []
        for x in g:
            if _norm(x.text) == main_words:
                continue
            same = next((d for d in details if d.text == x.text), None)
            if same is None:
                trimmed = _contains(main_words, _norm(x.text))
                details.append(QuoteVariant(x.text, [x.article_id], trimmed))
            else:
                same.article_ids = ordered_ids([*same.article_ids, x.article_id], order)
        ids = ordered_ids([x.article_id for x in g], order)
        first = min(g, key=lambda x: (rank[x.article_id], x.pos))
        q = Quote(
            speaker=speaker,
            text=main.text,
            article_ids=ids,
            direct=main.direct,
            variants=[d.text for d in details],
            variant_details=details,
        )
        support = len({root[i] for i in ids})
        quotes.append((-support, rank[first.article_id], first.pos, q))
    quotes.sort(key=lambda t: t[:3])
    return [q for *_, q in quotes]
