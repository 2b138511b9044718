"""Who said what: direct quotes and reported speech, merged across outlets.

A direct quote is found by its quotation marks (``_text.quote_spans``), then
attributed to the subject of the nearest speech verb in the same paragraph
("X said", "said X", "X told reporters: …").  Pronoun subjects ("he added")
take the last named speaker of the article, which is why speech events are
resolved in reading order.  Reported speech is a speech verb with a clausal
complement ("X said that …", "…, officials said") or an "according to X".

Across articles, the same words are one quote listing every article; a
trimmed or altered wording becomes a variant of the fullest one.
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
    REPORT_LEMMAS,
    SPEECH_LEMMAS,
    clean_quote,
    fold,
    inside,
    ordered_ids,
    paragraphs,
    quote_spans,
    roots,
)
from parallax.brief.entities import name_lookup, resolve
from parallax.model import Article, Entity, Quote

# Shorter quotes are scare quotes ("strong defensive line", ‘terrorist
# escalation’): a label, not a statement anyone can be quoted on.
MIN_QUOTE_WORDS = 4
# Reported speech shorter than this is rarely a claim ("he said so").
MIN_REPORTED_TOKENS = 5
# Two wordings are one quote when one contains the other or their word
# sequences agree this much (a trimmed or lightly edited quote); 0.8 keeps
# different sentences from the same speaker apart.
VARIANT_RATIO = 0.8

_PRONOUNS_PERSON = frozenset({"he", "she", "him", "her"})
_PRONOUNS_GROUP = frozenset({"they", "them", "it", "we"})
_POSSESSIVE_PRONOUNS = frozenset({"his", "her", "their", "its"})
# Nouns that stand for their author: "a statement from his office said".
_MESSAGE_NOUNS = frozenset({"statement", "communique", "message", "post", "letter", "release"})


@dataclass
class _Said:
    article_id: str
    pos: int
    text: str
    direct: bool
    verb: Any | None
    speaker: str | None = None
    extra_ids: set[str] = field(default_factory=set)


@dataclass
class _State:
    """Reading state of one article: who spoke last, who was named last."""

    last_person: str | None = None
    last_group: str | None = None


def _ent_at(tok: Any) -> Any | None:
    doc = tok.doc
    for ent in doc.ents:
        if ent.start <= tok.i < ent.end:
            return ent
    return None


def _speech_verbs(doc: Any, start: int, end: int, quotes: list[tuple[int, int]]) -> list[Any]:
    return [
        t
        for t in doc
        if start <= t.idx < end
        and t.lemma_.lower() in SPEECH_LEMMAS
        and t.pos_ in ("VERB", "AUX")
        and not inside(quotes, t.idx)
    ]


def _subject(verb: Any) -> Any | None:
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            return child
    # "said Fidan after their meeting": the inverted subject may be parsed as
    # an object; accept a proper noun right after the verb.
    for child in verb.rights:
        if child.dep_ in ("dobj", "npadvmod", "attr", "appos") and child.pos_ == "PROPN":
            return child
    if verb.dep_ in ("conj", "xcomp", "advcl") and verb.head is not verb:
        return _subject(verb.head)
    return None


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
    toks = [t for t in head.subtree if t.dep_ not in ("relcl", "punct") or t.i == head.i]
    # drop relative clauses wholly
    drop: set[int] = set()
    for t in head.subtree:
        if t.dep_ in ("relcl", "acl") and t.i != head.i:
            drop |= {x.i for x in t.subtree}
    words: list[str] = []
    for t in toks:
        if t.i in drop:
            continue
        if t.lower_ in _POSSESSIVE_PRONOUNS and t.dep_ == "poss":
            who = _last_person_before(doc, t.idx, lookup)
            words.append(f"{who}’s" if who else t.text)
        else:
            words.append(t.text_with_ws.strip() if t.whitespace_ else t.text)
    text = " ".join(words)
    text = re.sub(r"\s+([’'],?s\b|[,.;:])", r"\1", text)
    return LEADING_DET.sub("", text).strip()


def _speaker(
    verb: Any, doc: Any, state: _State, lookup: dict[tuple[str, ...], Entity]
) -> tuple[str | None, bool]:
    """Speaker for a speech verb, and whether it is a named person."""
    subj = _subject(verb)
    if subj is None:
        return None, False
    low = subj.lower_
    if low in _PRONOUNS_PERSON:
        return state.last_person, state.last_person is not None
    if low in _PRONOUNS_GROUP:
        return state.last_group or state.last_person, False
    if subj.lemma_.lower() in _MESSAGE_NOUNS:
        for child in subj.children:
            if child.dep_ == "poss":
                return _speaker_from_token(child, doc, state, lookup)
            if child.dep_ == "prep" and child.lower_ in ("from", "by", "of"):
                for obj in child.children:
                    if obj.dep_ == "pobj":
                        return _speaker_from_token(obj, doc, state, lookup)
    return _speaker_from_token(subj, doc, state, lookup)


def source_of(verb: Any, lookup: dict[tuple[str, ...], Entity]) -> str | None:
    """The named source of a speech verb, without pronoun resolution."""
    subj = _subject(verb)
    if subj is None or subj.lower_ in _PRONOUNS_PERSON | _PRONOUNS_GROUP:
        return None
    return _speaker_from_token(subj, verb.doc, _State(), lookup)[0]


def _speaker_from_token(
    tok: Any, doc: Any, state: _State, lookup: dict[tuple[str, ...], Entity]
) -> tuple[str | None, bool]:
    if tok.lower_ in _PRONOUNS_PERSON:
        return state.last_person, state.last_person is not None
    ent = _ent_at(tok)
    if ent is not None and ent.label_ in ("PERSON", "ORG", "GPE", "NORP", "FAC"):
        e = resolve(ent.text, lookup)
        return (e.name if e else ent.text), ent.label_ == "PERSON"
    # A named person in the subject's own phrase is the speaker ("Kremlin
    # spokesman Dmitry Peskov"), but not one inside a relative clause or a
    # prepositional phrase ("Russia, whose intervention on behalf of Mr Assad").
    own = _own_tokens(tok)
    people = [e for e in doc.ents if e.label_ == "PERSON" and all(t.i in own for t in e)]
    if people:
        e = resolve(people[-1].text, lookup)
        return (e.name if e else people[-1].text), True
    if tok.pos_ == "PROPN":
        words = [t for t in tok.lefts if t.dep_ == "compound"] + [tok]
        return " ".join(t.text for t in words), True
    return _np_text(tok, doc, lookup), False


def _own_tokens(tok: Any) -> set[int]:
    """The subject phrase without relative clauses and prepositional phrases."""
    out = {t.i for t in tok.subtree}
    for t in tok.subtree:
        if t.i != tok.i and t.dep_ in ("relcl", "acl", "prep"):
            out -= {x.i for x in t.subtree}
    return out


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
        if e.label_ in ("PERSON", "ORG", "FAC", "NORP", "GPE")
        and all(t.i in ids for t in e)
        and e.label_ != "NORP"
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


def _content(verb: Any) -> Any | None:
    """The reported clause of a speech verb, if it has one."""
    for child in verb.children:
        if child.dep_ == "ccomp":
            return child
    # "…, officials said": the parser may hang "said" off the main clause.
    if verb.dep_ == "parataxis" and verb.head.pos_ in ("VERB", "AUX"):
        return verb.head
    return None


_SUBORDINATORS = frozenset(
    {"just", "as", "because", "while", "when", "after", "before", "since", "although", "though"}
)


def _is_report_clause(head: Any) -> bool:
    """A ccomp introduced by "just as", "because" ... is a parse error, not speech."""
    first = min(head.subtree, key=lambda t: t.i)
    return first.lower_ not in _SUBORDINATORS and not any(
        c.dep_ == "mark" and c.lower_ not in ("that", "whether", "if") for c in head.children
    )


def _clause_text(head: Any, verb: Any) -> str:
    skip = {t.i for t in verb.subtree} - {t.i for t in head.subtree}
    if head.i == verb.head.i:  # parataxis: the clause is everything but the attribution
        skip = {t.i for t in verb.subtree}
    toks = [t for t in head.subtree if t.i not in skip]
    if head.i == verb.head.i:
        toks = [t for t in head.sent if t.i not in skip]
    return _join(toks, verb)


def _join(toks: list[Any], anchor: Any) -> str:
    """Text of some tokens of one paragraph (the anchor's), in reading order."""
    text = anchor.doc.text
    lo = text.rfind("\n", 0, anchor.idx) + 1
    hi = text.find("\n", anchor.idx)
    hi = len(text) if hi < 0 else hi
    toks = sorted((t for t in toks if lo <= t.idx < hi), key=lambda t: t.i)
    while toks and (toks[0].lower_ == "that" or toks[0].is_punct):
        toks = toks[1:]
    while toks and toks[-1].is_punct:
        toks = toks[:-1]
    out = ""
    for a, b in zip(toks, [*toks[1:], None], strict=True):
        out += a.text
        if b is not None and (a.whitespace_ or b.i != a.i + 1):
            out += " "
    out = re.sub(r"\s+([,.;:])", r"\1", out)
    return re.sub(r",(\s*,)+", ",", out).strip(" ,")


def _article_sayings(art: Article, doc: Any, lookup: dict[tuple[str, ...], Entity]) -> list[_Said]:
    text = art.text
    qspans = quote_spans(text)
    paras = paragraphs(text)
    events: list[tuple[int, str, Any]] = []  # (position, kind, payload)
    for qs, qe in qspans:
        events.append((qs, "direct", (qs, qe)))
    for sent in doc.sents:
        for tok in sent:
            if (
                tok.lemma_.lower() in REPORT_LEMMAS
                and tok.pos_ == "VERB"
                and not inside(qspans, tok.idx)
            ):
                events.append((tok.idx, "reported", tok))
            if (
                tok.lower_ == "according"
                and tok.nbor(1).lower_ == "to"
                and not inside(qspans, tok.idx)
            ):
                events.append((tok.idx, "according", tok))
    events.sort(key=lambda e: e[0])

    state = _State()
    out: list[_Said] = []
    prev_direct: _Said | None = None
    for pos, kind, payload in events:
        speaker, named = None, False
        if kind == "direct":
            qs, qe = payload
            words = clean_quote(text[qs:qe])
            if len(words.split()) < MIN_QUOTE_WORDS:
                continue
            para = next(((ps, pe) for ps, pe in paras if ps <= qs < pe), (qs, qe))
            para_end = max(para[1], qe)
            verbs = _speech_verbs(doc, para[0], para_end, qspans)
            # "say"-type verbs beat other speech verbs in the paragraph: in
            # "X said rulers had asked people to stay “for their safety”" the
            # speaker is X, not the rulers.
            verbs = [v for v in verbs if v.lemma_.lower() in REPORT_LEMMAS] or verbs
            if verbs:
                verb = min(verbs, key=lambda v: min(abs(v.idx - qs), abs(v.idx - qe)))
                speaker, named = _speaker(verb, doc, state, lookup)
            elif (
                prev_direct is not None and 0 <= qs - len(prev_direct.text) - prev_direct.pos < 400
            ):
                # A paragraph that is only a quote continues the previous speaker.
                speaker = prev_direct.speaker
            said = _Said(art.id, qs, words, True, None, speaker)
            out.append(said)
            prev_direct = said
        elif kind == "reported":
            verb = payload
            head = _content(verb)
            if head is None or inside(qspans, head.idx) or not _is_report_clause(head):
                speaker, named = _speaker(verb, doc, state, lookup)
            else:
                clause = _clause_text(head, verb)
                speaker, named = _speaker(verb, doc, state, lookup)
                overlap = sum(
                    1 for s, e in qspans if s >= head.sent.start_char and e <= head.sent.end_char
                )
                if speaker and not overlap and len(clause.split()) >= MIN_REPORTED_TOKENS:
                    out.append(_Said(art.id, pos, clause, False, verb, speaker))
        else:  # according to X
            tok = payload
            speaker, named, phrase = according_to(tok, doc, lookup)
            if speaker is None:
                continue
            toks = [t for t in tok.sent if t.i not in phrase]
            clause = _join(toks, tok)
            clause = clause[:1].upper() + clause[1:]
            if (
                speaker
                and len(clause.split()) >= MIN_REPORTED_TOKENS
                and not any(s >= tok.sent.start_char and e <= tok.sent.end_char for s, e in qspans)
            ):
                out.append(_Said(art.id, pos, clause, False, None, speaker))
        if kind != "direct" and speaker:
            if named:
                state.last_person = speaker
            else:
                state.last_group = speaker
        elif kind == "direct" and out and out[-1].speaker and out[-1].pos == pos and named:
            state.last_person = out[-1].speaker
    return out


def _norm(text: str) -> list[str]:
    return re.findall(r"\w+", fold(text))


def _same_quote(a: list[str], b: list[str]) -> bool:
    if not a or not b:
        return False
    sa, sb = " ".join(a), " ".join(b)
    if sa in sb or sb in sa:
        return min(len(a), len(b)) >= MIN_QUOTE_WORDS
    return SequenceMatcher(None, a, b).ratio() >= VARIANT_RATIO


def extract_quotes(
    articles: Sequence[Article], docs: Sequence[Any], entities: Sequence[Entity]
) -> list[Quote]:
    """Direct quotes and reported speech of a story, one item per statement."""
    lookup = name_lookup(entities)
    order = [a.id for a in articles]
    root = roots(articles)
    sayings: list[_Said] = []
    for art, doc in zip(articles, docs, strict=True):
        sayings.extend(_article_sayings(art, doc, lookup))

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

    quotes: list[tuple[int, int, int, Quote]] = []
    for g in groups:
        main = max(g, key=lambda x: (len(x.text), -order.index(x.article_id)))
        said_by = Counter(x.speaker for x in g if x.speaker)
        speaker = said_by.most_common(1)[0][0] if said_by else None
        variants: list[str] = []
        for x in g:
            if _norm(x.text) != _norm(main.text) and x.text not in variants:
                variants.append(x.text)
        ids = ordered_ids([x.article_id for x in g], order)
        first = min(g, key=lambda x: (order.index(x.article_id), x.pos))
        q = Quote(
            speaker=speaker, text=main.text, article_ids=ids, direct=main.direct, variants=variants
        )
        support = len({root[i] for i in ids})
        quotes.append((-support, order.index(first.article_id), first.pos, q))
    quotes.sort(key=lambda t: t[:3])
    return [q for *_, q in quotes]
