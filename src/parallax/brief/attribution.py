"""Attributions in one parsed article: who (source) said (cue) what (content).

Everything here is a character span of the article as written, so that the
finder can be scored against span-annotated corpora (``bench/quotes.py`` on
PolNeAR) and so that ``quotes`` can resolve speakers and merge wordings on top.

The finder works from cue words outward, on the stored spaCy parse:

- a speech verb's subject is the source ("the State Department said", "said
  Ms Ortiz" with the subject after the verb, "who told reporters");
- its content is its clausal complement ("said that …", "…, officials
  said", "…, he says, …"), widened to whole quotations where the clause runs
  into one; for a few verbs an object ("announced a ban"), an infinitive
  ("vowed to fight on") or all that follows ("urged Congress to act", "called
  him “a stiff”");
- quotations standing next to the verb with nothing but punctuation between
  them ("“…,” she said. “…”", "told reporters: “…”") are its content too,
  however many sentences or paragraphs they run over;
- "according to X" makes X the source of the rest of its sentence;
- a colon is a cue after a name ("Trump: We will win", "pollster Daron
  Shaw: “…”") or at the end of a clause before a quotation no verb claims
  ("Fallon fired back: “…”");
- a paragraph that is only a quotation, right after an attributed quotation,
  continues it: it becomes a content without a source span of its own
  (``continues`` points at the attribution it continues).

Besides speech, news attributes beliefs ("economists expect that …"),
stances ("she criticized the plan", "called for a ban"), plans ("he pledged
to …"), topics ("talked about …") and publications ("issued a report").
Cues for those come from a lexicon counted on PolNeAR (``cue_lemmas``);
they need a subject and take only the clause, object or prepositional
object the lexicon lists them with, never a quotation beside them, so that
they take nothing from a speech cue.  Each attribution's ``kind`` says which
sort of cue it has; the briefing quotes only speech.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from parallax.brief._text import REPORT_LEMMAS, inside, paragraphs, quote_spans
from parallax.brief.cue_lemmas import NOUN_CUES, VERB_CUES

Span = tuple[int, int]

# Verbs whose subject utters their complement.  Chosen by measurement on
# PolNeAR's training split; verbs of thinking and wanting ("believe",
# "want") attribute states of mind, and verbs of stance ("praised",
# "criticized") attitudes, not statements, so they are left out.  The figures'
# and timeline's reporting verbs plus those PolNeAR adds; "estimate" is a
# judgement there, not an utterance.
CUE_LEMMAS = (REPORT_LEMMAS - {"estimate"}) | frozenset(
    {
        "accuse",
        "agree",
        "ask",
        "assert",
        "boast",
        "brand",
        "call",
        "caution",
        "charge",
        "cite",
        "complain",
        "concede",
        "conclude",
        "contend",
        "continue",
        "counter",
        "describe",
        "disclose",
        "dub",
        "emphasise",
        "emphasize",
        "exclaim",
        "find",
        "indicate",
        "joke",
        "label",
        "maintain",
        "mention",
        "observe",
        "point",
        "promise",
        "quip",
        "recall",
        "recount",
        "reiterate",
        "remark",
        "repeat",
        "reply",
        "respond",
        "reveal",
        "show",
        "signal",
        "testify",
        "tweet",
        "urge",
        "vow",
    }
)
# Verbs that name something in the speaker's words: "called Trump
# “unhinged”", "described the field as “all very good”".  Their content is
# what follows the verb, and only when a quotation is part of it.
_NAMING = frozenset({"call", "describe", "label", "dub", "brand", "refer"})
# Verbs whose content is everything after them: "urged Congress to act",
# "accused the mayor of lying".
_REQUEST = frozenset({"urge", "accuse"})
# Verbs whose object is the one spoken to ("told the Post", "assured
# investors"), never a speaker placed after the verb like "…, said Fidan".
_ADDRESSED = frozenset({"tell", "assure", "inform", "remind", "notify", "brief"})
# Verbs by which polls, studies and records state something: only with a clause.
_FINDINGS = frozenset({"show", "find", "indicate"})

# Between a quotation and its verb phrase only punctuation may stand.
_GAP = re.compile(r"[\s,.:;—–-]*(?:[“”‘’\"]|'')?[\s]*")


@dataclass(frozen=True, slots=True)
class Attribution:
    """One attributed statement in an article, as character spans."""

    content: tuple[Span, ...]
    """The words attributed, in reading order; several spans when the
    attribution interrupts a quotation."""
    source: Span | None
    """The source as written ("he", "a statement from his office"); None when
    the attribution continues an earlier one or names no one."""
    source_head: int | None
    """Token index of the source phrase's head, for resolving it to a name."""
    cue: Span | None
    cue_head: int | None
    direct: bool
    """True when the content is quoted verbatim (inside quotation marks)."""
    continues: int | None = None
    """Index of the attribution this one continues (a paragraph that is only a quote)."""
    kind: str = "speech"
    """What the cue attributes: "speech", "belief", "stance", "plan", "topic" or "report"."""


def _span(toks: list[Any]) -> Span:
    return toks[0].idx, toks[-1].idx + len(toks[-1].text)


def _trim(toks: list[Any]) -> list[Any]:
    """Drop leading and trailing punctuation tokens."""
    while toks and toks[0].is_punct and toks[0].text not in '“‘"':
        toks = toks[1:]
    while toks and toks[-1].is_punct and toks[-1].text not in '”’"':
        toks = toks[:-1]
    return toks


def _nsubj(verb: Any) -> Any | None:
    """The nearest subject of a verb in its own paragraph: a time stamp or a
    dateline run into the sentence ("Washington (AFP) – Clinton has …") can be
    parsed as a second subject."""
    doc = verb.doc
    subjects = [
        c
        for c in verb.children
        if c.dep_ in ("nsubj", "nsubjpass")
        and c.lower_ != "there"
        and not (c.lower_ == "it" and c.dep_ == "nsubjpass")  # "it was reported that"
        # A span's text, not the document's: Doc.text joins every token anew.
        and "\n" not in doc[min(c.i, verb.i) : max(c.i, verb.i)].text_with_ws
        # "“An announcement: …,” tweeted Italiano": a word of the quotation
        # the parser takes for the subject of the verb that attributes it
        and not (inside(_quotes_of(doc), c.idx) and not inside(_quotes_of(doc), verb.idx))
    ]
    return min(subjects, key=lambda c: abs(c.i - verb.i)) if subjects else None


def _quotes_of(doc: Any) -> list[Span]:
    """The document's quotation spans, computed once per document."""
    spans: list[Span] | None = doc.user_data.get(_QUOTES_KEY)
    if spans is None:
        spans = doc.user_data[_QUOTES_KEY] = quote_spans(doc.text)
    return spans


_QUOTES_KEY = "parallax.quote_spans"


def subject(verb: Any) -> Any | None:
    """The speaker-position token of a cue verb."""
    own = _nsubj(verb)
    if own is not None:
        return own
    # "…, said Fidan": an inverted subject may be parsed as an object, but
    # not the one named or bidden ("called Braynard a smart guy").
    for child in verb.rights:
        if (
            child.dep_ in ("dobj", "npadvmod", "attr", "appos", "nsubj")
            and child.pos_ == "PROPN"
            # "…, but told the Post that …": whom one tells is never who tells
            and not (child.dep_ == "dobj" and verb.lemma_.lower() in _ADDRESSED)
            and child.ent_type_ not in _WHEN
            and not _names_as(verb)
            and not _bids(verb)
        ):
            return child
    # "…, adding that …", "and told …": the subject of the verb it hangs
    # off, or of the cue verb it is coordinated with; but "Asked whether …,
    # Smith said": the one asked, not the asker.
    passive = verb.dep_ == "advcl" and verb.tag_ == "VBN"
    if verb.dep_ in ("conj", "advcl", "xcomp") and verb.head.i != verb.i and not passive:
        heads = [verb.head]
        if verb.dep_ == "conj":
            # the nearest cue above that has a speaker ("X said advances could
            # not be explained and urged …": not the passive "explained")
            heads = [a for a in verb.ancestors if _is_cue(a) and not _passive(a)][:1] + heads
            # "reversed themselves, rushed in and said …": up the chain of verbs
            head = verb.head
            while head.dep_ == "conj" and head.head.i != head.i:
                head = head.head
                heads.append(head)
        for head in heads:
            inherited = _nsubj(head)
            if inherited is not None:
                return inherited
    # "In the village of Yangiqala, Karim Mansur, a farmer, said …": the
    # parser may hang the speaker on the place as its apposition, leaving
    # the verb no subject; the name is the phrase that ends right before it.
    named = _appos_before(verb)
    if named is not None:
        return named
    # "About 4 in 10 say …": the parser may not label a counted subject.
    for child in verb.lefts:
        if (
            child.dep_ in ("nummod", "npadvmod", "nmod", "dep")
            and child.pos_ in ("NUM", "NOUN", "PROPN")
            and child.ent_type_ not in _WHEN
        ):
            return child
    return None


def _appos_before(verb: Any) -> Any | None:
    """A named person in apposition whose phrase ends just before a
    subjectless verb, nothing but a comma between them."""
    if any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in verb.children):
        return None
    for tok in verb.lefts:
        for t in tok.subtree:
            if t.dep_ != "appos" or t.ent_type_ != "PERSON" or t.head.i >= t.i:
                continue
            between = verb.doc[t.right_edge.i + 1 : verb.i]
            if all(b.text == "," for b in between):
                return t
    return None


# "said Monday", "today said": a time is never the speaker.
_WHEN = frozenset({"DATE", "TIME"})


def source_tokens(head: Any) -> list[Any]:
    """The source phrase as written: the head's whole noun phrase, with its
    appositions and relative clauses ("Dean Johnson, a salesman from Sumter"),
    less a dateline or time stamp run into it ("RENO, Nev. (AP) — ", "11 a.m.")."""
    toks = list(head.subtree)
    cut = [k for k, t in enumerate(toks) if t.i < head.i and (_is_break(t) or t.is_space)]
    if cut:
        toks = toks[cut[-1] + 1 :]
    clock = [k for k, t in enumerate(toks) if t.i < head.i and t.lower_ in _CLOCK]
    if clock:
        toks = toks[clock[-1] + 1 :]
    # "Trump: We will win": the parser may hang the words after a colon on the name
    colon = [k for k, t in enumerate(toks) if t.i > head.i and t.text == ":"]
    if colon:
        toks = toks[: colon[0]]
    # "Lionel Sosa, …, who said he would not vote for Cruz": a relative clause
    # with a cue of its own is another attribution, not part of the source
    own = {
        t.i
        for c in head.subtree
        if c.dep_ in ("relcl", "acl") and c.i > head.i and any(_is_cue(x) for x in c.subtree)
        for t in c.subtree
    }
    if own:
        toks = [t for t in toks if t.i < min(own)]
    return _trim(toks) or [head]


_BREAKS = frozenset({"—", "–", ":", "--"})


def _is_break(tok: Any) -> bool:
    """A dash or colon between phrases; a hyphen set apart by spaces counts as a dash."""
    if tok.text == "-":
        return bool(tok.whitespace_) and tok.i > 0 and bool(tok.doc[tok.i - 1].whitespace_)
    return tok.text in _BREAKS


_CLOCK = frozenset({"a.m.", "p.m.", "am", "pm"})


def _clause(verb: Any) -> list[Any]:
    """The reported clause of a cue verb, as tokens (empty when it has none)."""
    comps = [c for c in verb.children if c.dep_ == "ccomp"]
    if verb.lemma_.lower() in _FINDINGS:  # "the poll shows that …", never "shows support"
        return _without_other_cues(comps[-1]) if comps else []
    # "asked whether …": a question is the content of "ask".
    comps += [
        c
        for c in verb.children
        if c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in _QUESTION for m in c.children)
    ]
    # "said legalizing it could …" (the parser may take the clause for an
    # xcomp), "vowed to fight on".
    if not comps and verb.lemma_.lower() in ("say", "vow", "promise"):
        comps += [
            c for c in verb.children if c.dep_ == "xcomp" and c.i > verb.i and c.pos_ == "VERB"
        ]
    # "said in a statement that …": the parser hangs the clause on the noun.
    comps += [
        clause
        for prep in verb.children
        if prep.dep_ == "prep"
        for obj in prep.children
        if obj.dep_ == "pobj"
        for clause in obj.children
        if clause.dep_ in ("acl", "relcl", "ccomp")
        and any(m.dep_ == "mark" and m.lower_ == "that" for m in clause.children)
    ]
    # "… just as a ceasefire started": a clause opened by a subordinator is a
    # misparsed adverbial, not what was said.
    # A clause whose subject is a relative pronoun is a misparsed relative
    # clause ("… between Hezbollah and Israel that raised hope …").
    comps = [
        c
        for c in comps
        if not any(m.dep_ == "mark" and m.lower_ in _SUBORDINATORS for m in c.children)
        and not any(m.dep_ == "nsubj" and m.tag_ == "WDT" for m in c.children)
    ]
    if comps:
        # "X did this, then says Y": the clause after the verb is its content.
        head = next((c for c in comps if c.i > verb.i), comps[0])
        return _without_other_cues(head)
    if verb_led(verb):
        return [
            t
            for c in verb.rights
            if c.dep_ not in ("punct", "cc", "conj", "advcl", "parataxis") or _as(c)
            for t in c.subtree
        ]
    # "announced a series of steps", "predicted a win": the object is the content.
    if verb.lemma_.lower() in _OBJECT_CUES:
        for child in verb.children:
            if child.dep_ == "dobj":
                return list(child.subtree)
    # "…, officials said": the parser hangs the verb off the reported clause.
    if verb.dep_ == "parataxis" and verb.head.pos_ in ("VERB", "AUX") and _set_off(verb):
        own = _aside(verb)
        return [t for t in verb.head.sent if t.i not in own]
    return []


def _as(tok: Any) -> bool:
    """Whether a dependent is an "as" phrase ("described the plan as …")."""
    return tok.lower_ == "as" or any(m.dep_ == "mark" and m.lower_ == "as" for m in tok.children)


def _names_as(verb: Any) -> bool:
    """Whether a naming verb gives its object a name or a description, with or
    without quotation marks: "called Braynard a smart guy", "described the
    government as elected" (not "called his aides")."""
    deps = {c.dep_ for c in verb.children if c.i > verb.i}
    return "dobj" in deps and ("oprd" in deps or any(_as(c) for c in verb.rights))


def verb_led(verb: Any) -> bool:
    """Whether a cue verb's content reads only with the verb before it
    ("called him “a stiff”", "urged Congress to act", "asked them to stay")."""
    return verb.lemma_.lower() in _NAMING | _REQUEST or _bids(verb)


def _bids(verb: Any) -> bool:
    """Whether a cue verb bids someone do something: "asked them to host
    events", "told him to go home" (an object, then an infinitive)."""
    objs = [c.i for c in verb.children if c.dep_ in ("dobj", "dative")]
    return bool(objs) and any(
        c.dep_ == "xcomp" and c.i > min(objs) and any(a.lower_ == "to" for a in c.children)
        for c in verb.children
    )


def _aside(verb: Any) -> set[int]:
    """Token ids of an inserted "…, said Marcia Smith, …": the verb, its
    subject and what follows it; words before it that the parser hangs on it
    ("Rather than …, said X, …") belong to the sentence around."""
    return {verb.i} | {
        t.i
        for c in verb.children
        if c.i > verb.i or c.dep_ in ("nsubj", "nsubjpass")
        for t in c.subtree
    }


def _set_off(verb: Any) -> bool:
    """Whether the verb's phrase stands apart between commas ("…, he says, …")
    or after one at the end of the sentence ("…, officials said.")."""
    doc = verb.doc
    own = sorted(i for i in _aside(verb) if not doc[i].is_punct)
    before = doc[own[0] - 1] if own[0] > verb.sent.start else None
    after = doc[own[-1] + 1] if own[-1] + 1 < verb.sent.end else None
    return (
        before is not None
        and before.text in (",", "—", "–")
        and (after is None or after.is_punct)
        and not any(c.dep_ in ("dobj", "ccomp") for c in verb.children)
    )


_SUBORDINATORS = frozenset(
    {"as", "because", "while", "when", "after", "before", "since", "although", "though"}
)
_QUESTION = frozenset({"if", "whether"})
# Verbs whose direct object can be the statement itself ("announced his plan").
# Verbs whose object is what was said; others take the person addressed
# ("told reporters"), or mean something else with an object ("claimed
# victory", "continued his bid", "wrote a column").
_OBJECT_CUES = frozenset(
    {
        "say",
        "announce",
        "report",
        "tweet",
        "predict",
        "promise",
        "vow",
        "confirm",
        "deny",
        "mention",
        "repeat",
        "cite",
    }
)


def _passive(verb: Any) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)


def _is_cue(tok: Any) -> bool:
    return bool(tok.lemma_.lower() in CUE_LEMMAS and tok.pos_ in ("VERB", "AUX"))


def _without_other_cues(head: Any) -> list[Any]:
    """A clause's tokens, less a cue verb with its own content ("… and said that …",
    "…, adding that …").  A cue word without content of its own is part of what
    was said ("Russia … continues to support the president and is analysing …,
    Peskov said"): cutting it out would leave the content with a hole."""
    drop: set[int] = set()
    for t in head.subtree:
        if t.i != head.i and t.dep_ in ("conj", "advcl") and _is_cue(t) and _clause(t):
            drop |= {x.i for x in t.subtree}
            drop |= {c.i for c in t.head.children if c.dep_ == "cc" and c.i < t.i}
    # A coordinator with no conjunct after it ("… capable of confronting the
    # rebels but, referring to …, he added that …"): the parser hung what it
    # joins on another clause, so the content ends before it.
    end = min(
        (
            c.i
            for c in head.children
            if c.dep_ == "cc"
            and c.i > head.i
            and not any(d.dep_ == "conj" and d.i > c.i for d in head.children)
        ),
        default=None,
    )
    return [t for t in head.subtree if t.i not in drop and (end is None or t.i < end)]


def _verb_phrase(verb: Any, content: set[int], qspans: list[Span]) -> tuple[int, int]:
    """Token range of the cue verb with its own dependents, content and quotations excluded."""
    own = [
        t.i
        for t in verb.subtree
        if t.i not in content and not t.is_punct and not inside(qspans, t.idx)
    ] or [verb.i]
    if verb.dep_ in ("conj", "advcl", "xcomp", "parataxis") and verb.head.i != verb.i:
        # a subject borrowed from the head verb sits outside this subtree
        subj = subject(verb)
        if subj is not None:
            own += [t.i for t in subj.subtree]
    return min(own), max(own)


def find_attributions(doc: Any) -> list[Attribution]:
    """Attributed statements of one parsed article, in reading order."""
    text: str = doc.text
    qspans = quote_spans(text)
    paras = paragraphs(text)
    found: list[tuple[Any, Any | None, list[Span], bool]] = []  # cue, source, content, direct
    cues = [
        t
        for t in doc
        if _is_cue(t) and not inside(qspans, t.idx) and t.dep_ not in ("amod", "acomp")
    ]
    # A clause never runs past its cue's paragraph (the parser's sentences may).
    clauses = [[t for t in _clause(verb) if _same_para(t, verb, paras)] for verb in cues]
    # Each quotation goes to the cue it is most tightly bound to: the clause
    # it is part of, then "“…,” X said", then "X said: “…”", then a
    # quotation resumed after "X said." — and the nearest on a tie.
    best: dict[int, tuple[tuple[int, int], int]] = {}
    for c, (verb, clause) in enumerate(zip(cues, clauses, strict=True)):
        lo, hi = _verb_phrase(verb, {t.i for t in clause}, qspans)
        if clause:  # "said that …:¶“…”": a quotation may follow the clause too
            hi = max([hi] + [t.i for t in clause if not t.is_punct or t.text == ":"])
        start, end = doc[lo].idx, doc[hi].idx + len(doc[hi].text)
        para = next(((ps, pe) for ps, pe in paras if ps <= verb.idx < pe), (0, len(text)))
        for k, (qs, qe) in enumerate(qspans):
            rank: int | None = None
            if clause and any(qs <= t.idx < qe for t in clause):
                rank, gap = 0, 0
            elif (
                para[0] - 2 <= qe <= start
                and _GAP.fullmatch(text, qe, start)
                # '… as “Company 1.” Olsen said in a statement that …': a
                # quotation that ended its sentence is not the content of a
                # cue that has a clause of its own
                and not (clause and text[qs:qe].rstrip().endswith("."))
            ):
                rank, gap = (1 if "." not in text[qe:start] else 4), start - qe
            elif (
                end <= qs
                and (qs <= para[1] + 2 or text[end:qs].startswith(":"))  # "said:¶“…”"
                and _GAP.fullmatch(text, end, qs)
            ):
                rank, gap = (2 if "." not in text[end:qs] else 3), qs - end
            if rank is not None and (k not in best or (rank, gap) < best[k][0]):
                best[k] = ((rank, gap), c)
    claimed = set(best)
    for c, (verb, clause) in enumerate(zip(cues, clauses, strict=True)):
        quotes = sorted(k for k, (_, owner) in best.items() if owner == c)
        if verb.lemma_.lower() in _NAMING and not quotes and not _names_as(verb):
            continue
        # a clause that is (part of) a quotation gives way to the whole quotation
        owned = [qspans[k] for k in quotes]
        rest = [t for t in clause if not t.is_space and not inside(_marked(owned), t.idx)]
        spans = _runs(_trim(rest)) + owned
        if not spans:
            continue
        direct = bool(quotes) and all(
            any(qs <= s and e <= qe for qs, qe in (qspans[k] for k in quotes)) for s, e in spans
        )
        found.append((verb, subject(verb), _merge(spans), direct))

    found += _according_to(doc, qspans)
    colon = _colon_cues(doc, qspans, paras, claimed)
    claimed |= {k for k, (qs, _) in enumerate(qspans) for f in colon if f[2][0][0] == qs}
    found += colon
    kinds = {id(f): "speech" for f in found}
    for other, kind in _other_cues(doc, qspans, {f[0].i for f in found}):
        found.append(other)
        kinds[id(other)] = kind
    found.sort(key=lambda f: f[2][0][0])

    out: list[Attribution] = []
    for f in found:
        verb, subj, content, direct = f
        src = source_tokens(subj) if subj is not None else None
        out.append(
            Attribution(
                content=tuple(content),
                source=_span(src) if src else None,
                source_head=subj.i if subj is not None else None,
                cue=_cue_span(verb),
                cue_head=verb.i,
                direct=direct,
                kind=kinds[id(f)],
            )
        )
    return _continuations(out, qspans, claimed, paras, text)


def _other_cues(
    doc: Any, qspans: list[Span], taken: set[int]
) -> list[tuple[tuple[Any, Any | None, list[Span], bool], str]]:
    """Attributions of belief, stance, plan, topic and finding: a lexicon cue
    with a subject (or, for a noun, its possessor) and a clause, an object or
    a prepositional object after it.  ``taken``: cue heads already read as speech."""
    paras = paragraphs(doc.text)
    out: list[tuple[tuple[Any, Any | None, list[Span], bool], str]] = []
    for tok in doc:
        if inside(qspans, tok.idx) or tok.i in taken:
            continue
        lemma = tok.lemma_.lower()
        kind: str | None = None
        subj: Any | None = None
        comp: Any | None = None
        if tok.pos_ == "VERB":
            comp = _complement(tok, ("ccomp", "xcomp"))
            prep = _prep_object(tok)
            if comp is not None:
                kind = VERB_CUES.get((lemma, "clause"))
            elif any(c.dep_ == "dobj" for c in tok.children):
                kind = VERB_CUES.get((lemma, "object"))
            elif prep is not None:
                # "called for a ban": what the preposition governs
                kind = VERB_CUES.get((lemma, prep.lower_))
                comp = next(c for c in prep.children if c.dep_ == "pobj")
            subj = subject(tok) if kind else None
        elif tok.pos_ == "NOUN":
            kind = NOUN_CUES.get(lemma)
            subj = next((c for c in tok.children if c.dep_ == "poss"), None)
            comp = _complement(tok, ("acl", "ccomp", "relcl"))
        # "is expected to win": a passive's subject holds no view; nor does
        # "that" in "a ruling that seemed to …"
        if kind is None or subj is None or subj.dep_ == "nsubjpass" or subj.lower_ in _RELATIVE:
            continue
        if comp is not None and comp.dep_ == "pobj":
            clause = list(comp.subtree)
        elif comp is not None:
            clause = _without_other_cues(comp)
        elif any(c.dep_ == "dobj" for c in tok.children):
            # "praised the plan as bold": the object and all after it
            clause = [
                t
                for c in tok.rights
                if c.dep_ not in ("punct", "cc", "conj", "advcl", "parataxis")
                for t in c.subtree
            ]
        else:
            continue
        clause = [t for t in clause if _same_para(t, tok, paras)]
        spans = _runs(_trim([t for t in clause if not t.is_space]))
        if spans:
            direct = all(inside(qspans, s) for s, _ in spans)
            out.append(((tok, subj, _merge(spans), direct), kind))
    return out


_RELATIVE = frozenset({"that", "which"})
_PEOPLE = frozenset({"he", "she", "they"})


def _prep_object(verb: Any) -> Any | None:
    """The first preposition after a verb that has an object ("talked about the economy")."""
    for c in verb.children:
        if c.dep_ == "prep" and c.i > verb.i and any(o.dep_ == "pobj" for o in c.children):
            return c
    return None


def _complement(cue: Any, deps: tuple[str, ...]) -> Any | None:
    """The clause a non-speech cue governs, after it: "believes (that) …",
    "wants to …", "his claim that …" — a relative clause only with "that"
    and never one opened by a subordinator."""
    for c in cue.children:
        if c.dep_ not in deps or c.i < cue.i or c.pos_ not in ("VERB", "AUX"):
            continue
        marks = {m.lower_ for m in c.children if m.dep_ == "mark"}
        if marks & (_SUBORDINATORS | _QUESTION):
            continue
        if c.dep_ == "relcl" and "that" not in marks:
            continue
        if (
            c.dep_ == "acl"
            and not marks
            and not any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)
        ):
            continue
        return c
    return None


def _cue_span(verb: Any) -> Span:
    if verb.lower_ == "according":
        return verb.idx, verb.nbor(1).idx + len(verb.nbor(1).text)
    return verb.idx, verb.idx + len(verb.text)


def _marked(spans: list[Span]) -> list[Span]:
    """Quotation spans widened by one character each side, to take in their marks."""
    return [(s - 1, e + 1) for s, e in spans]


def _same_para(tok: Any, other: Any, paras: list[Span]) -> bool:
    return any(ps <= other.idx < pe for ps, pe in paras if ps <= tok.idx < pe)


def _runs(toks: list[Any]) -> list[Span]:
    """Character spans of the unbroken runs of some tokens, punctuation-only runs dropped."""
    runs: list[list[Any]] = []
    for t in sorted(toks, key=lambda t: t.i):
        if runs and runs[-1][-1].i == t.i - 1:
            runs[-1].append(t)
        else:
            runs.append([t])
    return [_span(_trim(r)) for r in runs if _trim(r)]


def _merge(spans: list[Span]) -> list[Span]:
    """Sorted spans, overlapping ones joined."""
    out: list[Span] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


_CLOSERS = frozenset({"”", '"', "’", "'"})


def _own_sentence(tok: Any) -> list[Any]:
    """The tokens of ``tok``'s sentence, cut at any sentence end the parser
    ran over: a paragraph break, or a full stop, question or exclamation mark
    with its closing quotation marks before a capitalised word ('… as
    “Organization 1.” Stone's attorney said …').  Abbreviations ("Mr.", "U.S.") keep their
    stop inside their token and are no such end."""
    doc, sent = tok.doc, tok.sent
    ends: list[int] = []
    for t in sent:
        if t.is_space and "\n" in t.text:
            ends.append(t.i)  # a paragraph ends every sentence
            continue
        if t.text not in (".", "!", "?"):
            continue
        k = t.i + 1
        while k < sent.end and (doc[k].text in _CLOSERS or doc[k].is_space):
            k += 1
        if k < sent.end and doc[k].text[:1].isupper():
            ends.append(k - 1)  # the last token of the sentence that ends
    lo = max((e + 1 for e in ends if e < tok.i), default=sent.start)
    hi = min((e + 1 for e in ends if e >= tok.i), default=sent.end)
    return list(doc[lo:hi])


def _according_to(doc: Any, qspans: list[Span]) -> list[tuple[Any, Any | None, list[Span], bool]]:
    """ "According to X, …": X is the source of the rest of the sentence."""
    out: list[tuple[Any, Any | None, list[Span], bool]] = []
    for tok in doc:
        if tok.lower_ != "according" or tok.i + 1 >= len(doc) or doc[tok.i + 1].lower_ != "to":
            continue
        if inside(qspans, tok.idx):
            continue
        to = doc[tok.i + 1]
        objs = [c for c in to.children if c.dep_ == "pobj"]
        if not objs:
            continue
        # The phrase runs to the next comma when the parser's pobj stops short
        # ("according to war monitor the Syrian Observatory, …").
        phrase = {tok.i, to.i} | {t.i for t in to.subtree}
        for t in doc[to.i + 1 : tok.sent.end]:
            if t.text in (",", ";", ".", "—") and t.i > to.i + 2:
                break
            phrase.add(t.i)
        rest = _trim([t for t in _own_sentence(tok) if t.i not in phrase and not t.is_space])
        if len(rest) < 3:
            continue
        # the phrase may sit mid-sentence: content is what lies outside it
        before = [t for t in rest if t.i < tok.i]
        after = [t for t in rest if t.i > tok.i]
        spans = [_span(part) for part in (_trim(before), _trim(after)) if part]
        direct = all(inside(qspans, s) for s, _ in spans)
        out.append((tok, objs[0], spans, direct))
    return out


def _colon_cues(
    doc: Any, qspans: list[Span], paras: list[Span], claimed: set[int]
) -> list[tuple[Any, Any | None, list[Span], bool]]:
    """A colon as the cue: after a name in a headline or paragraph ("Trump: We
    will win"; what follows, to the paragraph's end, is the content), or
    before a quotation no speech verb claims, after a name ("… did not
    surprise pollster Daron Shaw: “…”") or at the end of a clause whose
    subject is then the source ("Fallon fired back: “…”")."""
    text: str = doc.text
    out: list[tuple[Any, Any | None, list[Span], bool]] = []
    free = {qs: qe for k, (qs, qe) in enumerate(qspans) if k not in claimed}
    for colon in doc:
        if colon.text != ":" or colon.i == 0 or inside(qspans, colon.idx):
            continue
        para = next(((ps, pe) for ps, pe in paras if ps <= colon.idx < pe), None)
        if para is None:
            continue
        after = re.match(r"\s*[“‘\"]?", text[colon.idx + 1 : para[1]])
        start = colon.idx + 1 + (after.end() if after else 0)
        lead = [t for t in doc[: colon.i] if t.idx >= para[0] and not t.is_space]
        name = doc[colon.i - 1]
        if start in free:  # a quotation follows
            content, direct = [(start, free[start])], True
        elif lead and len(lead) <= _COLON_LEAD and text[start : para[1]].strip():
            words = [t for t in doc if start <= t.idx < para[1] and not t.is_space]
            content, direct = _runs(_trim(words)), False
        else:
            continue
        said = [t for t in doc if content[0][0] <= t.idx < content[-1][1]]
        # a statement has a verb ("Win in a walk" is a slogan, "1,501" a tally)
        if not any(t.pos_ in ("VERB", "AUX") for t in said):
            continue
        if direct and not _is_name(name):
            # "Fallon fired back: “…”": the subject of the clause the colon ends
            verb = name if name.pos_ in ("VERB", "AUX") else name.head
            while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
                verb = verb.head
            subj = _nsubj(verb) if verb.pos_ in ("VERB", "AUX") else None
            if subj is not None and (not subj.is_stop or subj.lower_ in _PEOPLE):
                out.append((colon, subj, content, direct))
            continue
        # a one-letter name is an interview's Q or A
        if not _is_name(name) or len(name.text) < 2:
            continue
        if not direct and any(
            t.pos_ in ("VERB", "AUX") or not _is_name(t, loose=True) for t in lead
        ):
            continue
        # "… Mark Blumenthal and Jon Cohen:": the name's whole phrase
        head = name
        while (
            head.dep_ in ("compound", "flat", "conj")
            and head.head.i < colon.i
            and head.head.i != head.i
        ):
            head = head.head
        out.append((colon, head, content, direct))
    return out


# A headline's speaker is a name, not a clause: "Trump:", "Sen. Ted Cruz:".
_COLON_LEAD = 5


def _is_name(tok: Any, loose: bool = False) -> bool:
    """Whether a token is (part of) a name: a named person, organisation or
    place, or a capitalised word the article names as one elsewhere (a
    headline's "Trump" may be tagged a common noun; "BREAKING" is no one);
    ``loose`` lets the small words of a name's phrase through ("the", "Sen.")."""
    if tok.ent_type_ in _NAMED:
        return True
    if (
        tok.text[:1].isupper()
        and tok.ent_type_ not in _WHEN
        and any(t.text == tok.text and t.ent_type_ in _NAMED for t in tok.doc)
    ):
        return True
    # a transcript's "TAPPER:" for the Jake Tapper the article names
    if (
        tok.text.isupper()
        and len(tok.text) > 2
        and tok.text.isalpha()
        and any(t.text == tok.text.title() and t.ent_type_ == "PERSON" for t in tok.doc)
    ):
        return True
    return loose and (
        tok.pos_ in ("DET", "PUNCT", "CCONJ", "PART", "PROPN") or tok.text[:1].isupper()
    )


_NAMED = frozenset({"PERSON", "ORG", "NORP", "GPE"})


def _continuations(
    found: list[Attribution],
    qspans: list[Span],
    claimed: set[int],
    paras: list[Span],
    text: str,
) -> list[Attribution]:
    """Add paragraphs that are only a quotation and follow an attributed quotation."""
    found = sorted(found, key=lambda a: a.content[0][0])
    added: list[tuple[Span, Attribution]] = []  # quotation, the attribution it continues
    for k, (qs, qe) in enumerate(qspans):
        if k in claimed:
            continue
        para = next(((ps, pe) for ps, pe in paras if ps <= qs < pe), None)
        if para is None or text[para[0] : qs - 1].strip() or text[qe + 1 : para[1]].strip():
            continue
        before = [a for a in found if a.content[-1][1] <= qs and a.kind == "speech"]
        last = max(before, key=lambda a: a.content[-1][1], default=None)
        if added and (last is None or added[-1][0][1] > last.content[-1][1]):
            target = added[-1][1]  # a run of quoted paragraphs continues one speaker
        elif last is not None and last.direct and qs - last.content[-1][1] < _RESUME:
            target = last
        elif last is not None and last.source is not None and _next_para(last, qs, paras):
            # "Kirby said the targets were depots.¶“As demonstrated by …”"
            target = last
        else:
            continue
        added.append(((qs, qe), target))
    if not added:
        return found
    new = [(Attribution((q,), None, None, None, None, direct=True), target) for q, target in added]
    out = sorted(found + [a for a, _ in new], key=lambda a: a.content[0][0])
    where = {id(a): i for i, a in enumerate(out)}
    links = {id(a): where[id(target)] for a, target in new}
    return [
        Attribution(
            a.content, a.source, a.source_head, a.cue, a.cue_head, a.direct, links[id(a)], a.kind
        )
        if id(a) in links
        else a
        for a in out
    ]


def _next_para(a: Attribution, pos: int, paras: list[Span]) -> bool:
    """Whether ``pos`` is in the paragraph right after the one holding ``a``'s cue."""
    if a.cue is None:
        return False
    cue = a.cue[0]
    index = [k for k, (ps, pe) in enumerate(paras) if ps <= cue < pe or ps <= pos < pe]
    return len(index) == 2 and index[1] == index[0] + 1 and paras[index[1]][0] <= pos


# A quoted paragraph this close after an attributed quotation resumes it.
_RESUME = 400
