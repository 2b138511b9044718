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
    DATELINE,
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
from parallax.wire import AGENCIES

# Shorter quotes are scare quotes ("strong defensive line", ‘terrorist
# escalation’) or one-word answers: nothing a reader can weigh.
MIN_QUOTE_WORDS = 4
# Reported speech shorter than this is rarely a claim ("he said so").
MIN_REPORTED_WORDS = 5
# Two wordings are one quote when one contains the other or their word
# sequences agree this much (a trimmed or lightly edited quote); 0.8 keeps
# different sentences from the same speaker apart.
VARIANT_RATIO = 0.8

# One speaker's two wordings of one statement, reworded by two outlets,
# share this much of their word sequence ("I heard a roar like an aeroplane,
# then the water was in the kitchen" and "… like a jet plane and then the
# water was in my kitchen": 0.79).
SAME_SPEAKER_RATIO = 0.7

_PRONOUNS_PERSON = frozenset({"he", "she", "him", "her"})
_PRONOUNS_GROUP = frozenset({"they", "them", "it"})
# The author's own voice, outside quotation marks, is not a source to list.
_AUTHOR = frozenset({"i", "we", "you", "me", "us"})
_RELATIVES = frozenset({"who", "which", "that", "whom"})
_POSSESSIVE_PRONOUNS = frozenset({"his", "her", "their", "its"})
# Nouns that stand for their author: "a statement from his office said".
# Verbs by which polls, studies and records state something: no one speaks.
_FINDINGS = frozenset({"show", "find", "indicate"})
# "declined to say whether …", "refused to say when …": what follows was not said.
_WITHHOLD = frozenset({"decline", "refuse"})
# What a denial's clause says is what the speaker says is untrue.
_DENIALS = frozenset({"deny"})
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
    # the title the NER leaves out ("Dr" of "Dr Mansur") tells namesakes apart
    before = ent.doc[ent.start - 1] if ent.start > 0 else None
    if before is not None and before.lower_.rstrip(".") in TITLES and " " not in name:
        name = f"{before.text} {name}"
    return _full_name(name, ent.doc, lookup)


def _full_name(text: str, doc: Any, lookup: dict[tuple[str, ...], Entity]) -> str:
    """A person's name without a leading title; a bare surname or first name
    takes the full name it has in the article ("Wrona" for "Tomasz Wrona",
    "Alex" for "Alex Younger"), but only when one person of the article
    bears it: with Karim and Leyla Mansur both in it, "Mansur" names neither,
    and "Dr Mansur" names the one the article calls a doctor."""
    words = text.split()
    titles: list[str] = []
    while len(words) > 1 and words[0].lower().rstrip(".") in TITLES:
        titles.append(words[0].lower().rstrip("."))
        words = words[1:]
    if len(words) != 1:
        return " ".join(words)
    bearers = _bearers(words[0], doc, lookup)
    if len(bearers) > 1 and titles:
        bearers = {n: t for n, t in bearers.items() if set(titles) <= t}
    if len(bearers) == 1:
        return next(iter(bearers))
    # nobody, or several people: the name as written, title and all
    return text


def _bearers(word: str, doc: Any, lookup: dict[tuple[str, ...], Entity]) -> dict[str, set[str]]:
    """The full names in an article that a first name or surname can stand
    for, each with the titles written before it ("Dr Leyla Mansur": {"dr"}).
    The small parser's NER misses many names, so a run of proper nouns
    ending in the surname counts too ("Governor Ana Ruiz")."""
    out: dict[str, set[str]] = {}
    for tok in doc:
        if tok.text != word or (tok.pos_ != "PROPN" and tok.ent_type_ != "PERSON"):
            continue
        run = [tok]
        while (
            run[0].i > 0 and doc[run[0].i - 1].pos_ == "PROPN" and "\n" not in run[0].nbor(-1).text
        ):
            run.insert(0, doc[run[0].i - 1])
        while (
            run[-1].i + 1 < len(doc)
            and doc[run[-1].i + 1].ent_type_ == "PERSON"
            and doc[run[-1].i + 1].pos_ == "PROPN"
        ):
            run.append(doc[run[-1].i + 1])
        names = [t.text for t in run]
        titles: set[str] = set()
        while names and names[0].lower().rstrip(".") in TITLES:
            titles.add(names.pop(0).lower().rstrip("."))
        if len(names) < 2 or word not in (names[0], names[-1]):
            continue
        # "Minister of Water Resources Aziz Nurmatov": the run may begin with
        # an office's name; the person is its last two or three words
        name = " ".join(names[-2:])
        for k in (3, 2):
            e = resolve(" ".join(names[-k:]), lookup)
            if e is not None and e.type == "PERSON":
                name = e.name
                break
        out.setdefault(name, set()).update(titles)
    return out


_PRONOUN_GENDER = {"he": "m", "him": "m", "she": "f", "her": "f"}
_HONORIFIC_GENDER = {"mr": "m", "ms": "f", "mrs": "f", "miss": "f"}


def _gender(name: str, doc: Any) -> str | None:
    """A person's gender as the article marks it with an honorific ("Ms.
    Pelosi", "Mr. Trump"), by surname; None when unmarked or marked both ways."""
    marks: dict[str, set[str]] | None = doc.user_data.get(_GENDER_KEY)
    if marks is None:
        marks = {}
        for t in doc[:-1]:
            g = _HONORIFIC_GENDER.get(t.lower_.rstrip("."))
            after = doc[t.i + 1]
            if g is not None and t.text[:1].isupper() and after.text[:1].isupper():
                marks.setdefault(after.lower_, set()).add(g)
        doc.user_data[_GENDER_KEY] = marks
    found = marks.get(name.split()[-1].lower(), set()) if name.split() else set()
    return next(iter(found)) if len(found) == 1 else None


_GENDER_KEY = "parallax.honorific_genders"


def _last_subject_person(
    doc: Any, pos: int, lookup: dict[tuple[str, ...], Entity], reported: list[tuple[int, int]]
) -> tuple[int, str] | None:
    """Position and name of the last person before ``pos`` who is a subject
    ("Sanders said", or "the press secretary, Sarah Sanders, said": the name set
    beside a subject), outside quotations and reported words."""
    quoted = quote_spans(doc.text) + reported
    subjects = ("nsubj", "nsubjpass")
    found: tuple[int, str] | None = None
    for ent in doc.ents:
        if ent.start_char >= pos:
            break
        if (
            ent.label_ == "PERSON"
            and (
                ent.root.dep_ in subjects
                or (ent.root.dep_ == "appos" and ent.root.head.dep_ in subjects)
            )
            and not any(s <= ent.start_char < e for s, e in quoted)
        ):
            found = (ent.start_char, _name(ent, lookup))
    # the small parser's NER misses names it has read before ("Mr Brel shook
    # his head"): a proper-noun subject the story knows as a person
    for tok in doc:
        if tok.idx >= pos:
            break
        if (
            tok.dep_ in ("nsubj", "nsubjpass")
            and tok.pos_ == "PROPN"
            and tok.ent_type_ != "PERSON"
            and (found is None or tok.idx > found[0])
            and not any(s <= tok.idx < e for s, e in quoted)
        ):
            written = f"{' '.join(t.text for t in tok.lefts if t.dep_ == 'compound')} {tok.text}"
            name = _full_name(written.strip(), doc, lookup)
            # the name as written, or the one person of the article who bears it,
            # whatever the NER made of it alone ("Stone said he plans …", Stone an ORG)
            known = resolve(written, lookup), resolve(name, lookup)
            if any(e is not None and e.type == "PERSON" for e in known):
                found = (tok.idx, name)
    return found


def _last_person_before(
    doc: Any,
    pos: int,
    lookup: dict[tuple[str, ...], Entity],
    skip: Sequence[tuple[int, int]] = (),
) -> str | None:
    """The last person named before ``pos``, outside the ``skip`` spans."""
    found: str | None = None
    for ent in doc.ents:
        if ent.start_char >= pos:
            break
        if ent.label_ == "PERSON" and not any(s <= ent.start_char < e for s, e in skip):
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
            who: str | None = subj[1]
        else:
            # a person named inside someone's words ("… confirmed that Sayoc
            # attended the school. … “…,” he said") is not whom "he" points to
            heard = quote_spans(doc.text) + state.reported
            who = state.last_person or _last_person_before(doc, tok.idx, lookup, heard)
        if who is not None and _gender(who, doc) not in (None, _PRONOUN_GENDER[low]):
            # "… Ms. Pelosi said. … a session last month when he said …":
            # "he" is not her; who else it is, nothing here says for sure
            return None, False
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
        # the story's entities type a name more reliably than one parse
        # ("Fruit farmer Karim Mansur" tagged a place)
        known = resolve(ent.text, lookup)
        person = (
            ent.label_ == "PERSON" or (known is not None and known.type == "PERSON") or _who(tok)
        )
        if not person and ent.label_ == "ORG":
            # a surname read alone as an organisation ("Stone said he plans …")
            # is the one person of the article who bears it
            full = _full_name(ent.text, doc, lookup)
            bearer = resolve(full, lookup)
            if full != ent.text and bearer is not None and bearer.type == "PERSON":
                return full, True
        return _name(ent, lookup), person
    # A named person in the subject's own phrase is the speaker ("Kremlin
    # spokesman Dmitry Peskov"), but not one inside a relative clause or a
    # prepositional phrase ("Russia, whose intervention on behalf of Mr Assad"),
    # nor a possessor: "the mayor's spokesman" speaks for the mayor, and is who spoke.
    own = _own_tokens(tok)
    # The name must be the phrase's head, end it ("Actress and activist Rose
    # McGowan") or stand in apposition to it: in "Biden administration
    # officials" Biden only qualifies who spoke.
    last = max(i for i in own if not doc[i].is_punct)
    people = [
        e
        for e in doc.ents
        if e.label_ == "PERSON"
        and all(t.i in own for t in e)
        and not _possessor(e)
        and (e.root.i == tok.i or e.root.dep_ == "appos" or e.end - 1 == last)
    ]
    if people:
        return _name(people[-1], lookup), True
    # "Minister of Water Resources Aziz Nurmatov": a title's phrase ends in the name
    if tok.lower_ in TITLES and tok.text[:1].isupper():
        tail = _name_run(tok.right_edge, lookup)
        if tail:
            return _full_name(tail, doc, lookup), True
    # a capitalised proper noun (the parser takes "the interior ministry" for
    # one too), unless it is only a title ("the Minister")
    words = [t for t in tok.lefts if t.dep_ == "compound"] + [tok]
    if (
        tok.pos_ == "PROPN"
        and tok.text[:1].isupper()
        and not all(t.lower_.rstrip(".") in TITLES for t in words)
    ):
        return _full_name(" ".join(t.text for t in words), doc, lookup), True
    # A headline's "Ortiz:" (tagged a common noun) before the article names her
    if tok.text[:1].isupper() and tok.lower_ not in TITLES:
        named = [e for e in doc.ents if e.label_ == "PERSON" and e.text.split()[-1] == tok.text]
        if named:
            return _name(named[0], lookup), True
    described = _np_text(tok, doc, lookup)
    if not described or _vague(tok):
        return None, False
    holder = _title_holder(tok, doc, lookup)
    if holder is not None:
        return holder
    first = min((t for t in tok.subtree if t.pos_ != "DET" and not t.is_punct), key=lambda t: t.i)
    after = first.nbor(1) if first.i + 1 < len(doc) else first
    title = first.lower_ in TITLES and after.pos_ != "PROPN"  # "Minister", not "Mayor Ruth …"
    # "Iranian foreign minister" keeps the capital of a nationality or a name
    proper = first.pos_ == "PROPN" or bool(first.ent_type_)
    if described.split()[0] == first.text and (not proper or title):
        described = described[:1].lower() + described[1:]
    return described, False


def _who(tok: Any) -> bool:
    """Whether a name is a person's by the clause it takes ("diGenova, who has
    advised the president, told Fox News"), whatever the model typed it: a
    later "he added" then points back to it, not to a person named before."""
    return any(
        c.dep_ == "relcl" and any(w.lower_ in ("who", "whom") and w.i < c.i for w in c.children)
        for c in tok.children
    )


def _vague(tok: Any) -> bool:
    """Whether a described source is no speaker: a thing ("satellite images
    show", "according to preliminary data") or a bare plural ("Locals say",
    "residents said"), which names no one a reader could weigh."""
    if tok.lemma_.lower() in _THINGS:
        return True
    if any(t.lower_ == "whose" for t in tok.subtree if t.i < tok.i):  # "whose members said"
        return True
    if tok.tag_ not in ("NNS", "NNPS") or tok.ent_type_ or tok.lemma_.lower() in _OFFICES:
        return False
    return not any(
        c.dep_ in ("det", "nummod", "poss", "quantmod") or c.ent_type_ or c.pos_ == "PROPN"
        for c in tok.children
        if c.i < tok.i
    )


# Bare plurals that still say who spoke: people speaking for an office
# ("officials said", "prosecutors allege"), unlike "locals" or "experts".
_OFFICES = frozenset(
    {
        "official",
        "authority",
        "prosecutor",
        "investigator",
        "regulator",
        "lawmaker",
        "legislator",
        "diplomat",
        "minister",
        "officer",
        "commander",
        "spokesman",
        "spokesperson",
        "spokeswoman",
    }
)
# Nouns that name records and pictures, not people who speak.
_THINGS = frozenset(
    {
        "image",
        "picture",
        "photo",
        "photograph",
        "footage",
        "video",
        "data",
        "figure",
        "record",
        "log",
        "evidence",
        "document",
        "map",
        "chart",
        "graph",
        "statistic",
        "number",
        "result",
        "test",
        "reading",
        "television",
        "tv",
    }
)


def _title_holder(
    tok: Any, doc: Any, lookup: dict[tuple[str, ...], Entity]
) -> tuple[str, bool] | None:
    """Whom a bare definite title stands for: "the head of state", "the
    minister", "the agency" — the one person (or organisation) the article
    names with that title, else None (several, or nobody)."""
    det = [c for c in tok.children if c.dep_ in ("det", "poss")]
    extra = [c for c in tok.children if c.dep_ in ("amod", "compound", "nummod", "poss")]
    if extra or any(d.lower_ not in ("the", "its", "their") for d in det):
        return None
    if not det and not tok.text[:1].isupper():
        return None
    words: frozenset[str] = frozenset({tok.lower_})
    if tok.lower_ == "head":  # "the head of state", "the head of government"
        of = {t.lower_ for t in tok.subtree if t.i > tok.i}
        words = _HEADS_OF["state" if "state" in of else "government" if "government" in of else ""]
    if words & TITLES or words & _HEAD_WORDS:
        holders = _people_titled(words, doc, tok.idx, lookup)
        if len(holders) == 1:
            return holders.pop(), True
        return None
    if tok.pos_ not in ("NOUN", "PROPN"):
        return None
    orgs = {
        _name(e, lookup)
        for e in doc.ents
        if e.label_ == "ORG" and e.start_char < tok.idx and e.root.lower_ == tok.lower_
    }
    return (orgs.pop(), False) if len(orgs) == 1 else None


# What a head of state or of government is called where a story names one.
_HEADS_OF = {
    "state": frozenset({"president", "king", "queen", "emir", "monarch", "sultan"}),
    "government": frozenset({"prime", "premier", "chancellor"}),
    "": frozenset(),
}
_HEAD_WORDS = _HEADS_OF["state"] | _HEADS_OF["government"]


def _people_titled(
    titles: frozenset[str] | set[str], doc: Any, before: int, lookup: dict[tuple[str, ...], Entity]
) -> set[str]:
    """The people the article names with one of ``titles`` before ``before``:
    a title before the name ("President Emil Darakov", "Minister of Water
    Resources Aziz Nurmatov") or in apposition with it ("Yusuf Haidarov, the
    governor of Daresh province"; "the chief physician, Dr Leyla Mansur")."""
    out: set[str] = set()
    for t in doc:
        if t.idx >= before:
            break
        if t.lower_.rstrip(".") not in titles:
            continue
        ends = [t.right_edge, t.head if t.dep_ in ("compound", "appos", "nmod") else None]
        ends += [c.right_edge for c in t.children if c.dep_ == "appos"]
        for end in ends:
            run = _name_run(end, lookup) if end is not None and end.pos_ == "PROPN" else ""
            if run and end is not None and end.idx < before:
                out.add(_full_name(run, doc, lookup))
                break
    return out


def _name_run(last: Any, lookup: dict[tuple[str, ...], Entity]) -> str:
    """The name whose last word is ``last``: two proper nouns, or three when
    the story knows the three as a person ("Minister of Water Resources Aziz
    Nurmatov" names Aziz Nurmatov)."""
    run = [last]
    while run[0].i > 0 and run[0].nbor(-1).pos_ == "PROPN" and len(run) < 3:
        run.insert(0, run[0].nbor(-1))
    while run and run[0].lower_.rstrip(".") in TITLES:
        run = run[1:]
    if len(run) < 2:
        return ""
    three = resolve(" ".join(t.text for t in run), lookup)
    if len(run) == 3 and not (three is not None and three.type == "PERSON"):
        run = run[1:]
    return " ".join(t.text for t in run)


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


def _where(ent: Any, according: Any) -> bool:
    """Whether a place in an "according to" phrase only says where its
    source is ("a bankruptcy petition filed in Miami", "a court filing in
    Bergen"): the object of a preposition other than "according to"'s own."""
    root = ent.root
    return bool(
        ent.label_ in ("GPE", "FAC") and root.dep_ == "pobj" and root.head.i != according.i + 1
    )


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
        if e.label_ in ("PERSON", "ORG", "FAC", "GPE")
        and all(t.i in ids for t in e)
        and not _where(e, tok)
    ]
    if names:
        e = resolve(names[-1].text, lookup)
        return (e.name if e else _strip_the(names[-1].text)), names[-1].label_ == "PERSON", ids
    objs = [t for t in phrase[2:] if t.dep_ == "pobj" and t.head.i == tok.i + 1]
    nouns = objs or [t for t in phrase[2:] if t.pos_ in ("NOUN", "PROPN")]
    if not nouns or _vague(nouns[0]):
        return None, False, ids
    holder = _title_holder(nouns[0], doc, lookup)
    if holder is not None:
        return holder[0], holder[1], ids
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
    if (
        a.cue is not None
        and a.cue_head is not None
        and (verb_led(doc[a.cue_head]) or doc[a.cue_head].lemma_.lower() in _DENIALS)
    ):
        # "called him “a total stiff”", "urged Congress to act"; "denied he
        # had the records" is not the speaker saying he had them
        end = a.content[-1][1]
        end += text[end : end + 1] in ("”", "’", '"')
        return " ".join(text[a.cue[0] : end].split())
    # Runs around an inserted "…, he says, …" keep the comma that parted them;
    # runs parted only by a quotation mark ('has “real concerns …”') are one.
    out = " ".join(text[a.content[0][0] : a.content[0][1]].split())
    for (_, end), (start, stop) in zip(a.content, a.content[1:], strict=False):
        joint = ", " if re.search(r"\w", text[end:start]) else " "
        out += joint + " ".join(text[start:stop].split())
    out = re.sub(r"^that\b[\s,]*", "", out, flags=re.I)
    # wire copy's "QARATASH, Karavia, Oct 14 (Agency) – " opens no statement
    out = DATELINE.sub("", out, count=1) if DATELINE.match(out) else out
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


def _unsaid(a: Attribution, doc: Any) -> bool:
    """Whether the cue says the content was not said: "Mueller did not say
    that …", "would not say if he seeks a pardon", "declined to say whether
    …".  Shown as the speaker's words, it would put in their mouth what they
    did not say."""
    if a.cue_head is None:
        return False
    verb = doc[a.cue_head]
    if any(c.dep_ == "neg" for c in verb.children):
        return True
    return verb.dep_ == "xcomp" and verb.head.lemma_.lower() in _WITHHOLD and verb.head.i != verb.i


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
        # "a study found", "a Minnesota jury had found", "polls show": findings, not speech
        finding = a.cue_head is not None and doc[a.cue_head].lemma_.lower() in _FINDINGS
        if a.kind != "speech" or finding or _unsaid(a, doc):
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

    # Quotations no cue claimed: the speaker of an attribution whose cue is
    # in the quotation's own sentence, else nobody.  A nearby sentence's
    # speaker is a guess: "… protests of a “blatant violation” from the
    # country's military. …, according to Pentagon spokesman John Kirby"
    # is not Kirby's.
    covered = [span for a in found if a.kind == "speech" for span in a.content]
    paras = paragraphs(text)
    for qs, qe in quote_spans(text):
        if any(s <= qs and qe <= e for s, e in covered):
            continue
        words = clean_quote(text[qs:qe])
        if len(words.split()) < MIN_QUOTE_WORDS:
            continue
        sents = [sent for sent in doc.sents if sent.start_char < qe and qs < sent.end_char]
        # The parser's sentence may run over a paragraph break; a cue in the
        # next paragraph is not in the quotation's sentence ('… referred to
        # Stone as “a person who …”¶Stone has described …').
        ps, pe = next(((s, e) for s, e in paras if s <= qs < e), (0, len(text)))
        lo, hi = max(sents[0].start_char, ps), min(sents[-1].end_char, pe)
        own = [
            i
            for i, a in enumerate(found)
            if a.cue is not None and lo <= a.cue[0] < hi and speakers[i] and a.kind == "speech"
        ]
        if own:
            out.append(_Said(art.id, qs, words, True, speakers[own[0]]))
    out.sort(key=lambda s: s.pos)
    return out


def _norm(text: str) -> list[str]:
    return re.findall(r"\w+", fold(text))


def _contains(big: list[str], small: list[str]) -> bool:
    return f" {' '.join(small)} " in f" {' '.join(big)} "


def _same_quote(a: list[str], b: list[str], ratio: float = VARIANT_RATIO) -> bool:
    if not a or not b:
        return False
    if _contains(a, b) or _contains(b, a):
        return min(len(a), len(b)) >= MIN_QUOTE_WORDS
    return SequenceMatcher(None, a, b, autojunk=False).ratio() >= ratio


def _group(sayings: list[_Said]) -> list[list[_Said]]:
    groups: list[list[_Said]] = []
    for s in sayings:
        words = _norm(s.text)
        for g in groups:
            speakers = {x.speaker for x in g if x.speaker}
            if s.speaker and speakers and s.speaker not in speakers:
                continue
            # Reported clauses nest inside one another within an article;
            # only a direct quote can recur in the same article.
            if not s.direct and any(x.article_id == s.article_id for x in g):
                continue
            if g[0].direct != s.direct:
                # a partial quote reported in one outlet ("promised that “no
                # family will be left alone”") is the other's full quote, cut
                if any(
                    _same_quote(words, _norm(x.text), ratio=1.0)
                    for x in g
                    if x.article_id != s.article_id
                ):
                    g.append(s)
                    break
                continue
            # the same speaker's words in two outlets' wordings ("a roar like an
            # aeroplane" and "like a jet plane") agree less than a trimmed quote
            ratio = SAME_SPEAKER_RATIO if s.speaker and speakers else VARIANT_RATIO
            if any(_same_quote(words, _norm(x.text), ratio) for x in g):
                g.append(s)
                break
        else:
            groups.append([s])
    return groups


def _outlet_names(articles: Sequence[Article]) -> list[frozenset[str]]:
    """The words of each outlet's name: the story's outlets and the news agencies."""
    names = {a.source for a in articles if a.source}
    names |= {alias for aliases in AGENCIES.values() for alias in aliases}
    return [frozenset(_norm(n)) - {"the"} for n in names]


def _is_outlet(speaker: str, outlets: list[frozenset[str]]) -> bool:
    """Whether a speaker is an outlet's name or part of it ("Clarion" of
    "Daily Clarion", "the Northern Ledger")."""
    words = frozenset(_norm(speaker)) - {"the"}
    return bool(words) and any(words <= outlet for outlet in outlets)


def extract_quotes(
    articles: Sequence[Article], docs: Sequence[Any], entities: Sequence[Entity]
) -> list[Quote]:
    """Direct quotes and reported speech of a story, one item per statement."""
    lookup = name_lookup(entities)
    order = [a.id for a in articles]
    rank = {a: i for i, a in enumerate(order)}
    root = roots(articles)
    sayings: list[_Said] = []
    outlets = _outlet_names(articles)
    for art, doc in zip(articles, docs, strict=True):
        sayings.extend(_article_sayings(art, doc, lookup))
    # Who said what lists people and bodies who spoke: an outlet's own
    # reporting ("The Clarion can reveal"), or another outlet's, is no quote.
    sayings = [s for s in sayings if s.speaker and not _is_outlet(s.speaker, outlets)]
    # One speaker, one spelling: "Syrian Civil Defence" and "Syrian civil
    # defence" are one, written as the name (the form with more capitals).
    spelled: dict[str, str] = {}
    for s in sayings:
        name = s.speaker or ""
        best = spelled.setdefault(fold(name), name)
        if sum(c.isupper() for c in name) > sum(c.isupper() for c in best):
            spelled[fold(name)] = name
    for s in sayings:
        s.speaker = spelled[fold(s.speaker or "")]

    quotes: list[tuple[int, int, int, Quote]] = []
    for g in _group(sayings):
        # the wording most articles carry, then the fullest, then the earliest
        carried = Counter(" ".join(_norm(x.text)) for x in g)
        main = max(
            g,
            key=lambda x: (
                x.direct,
                carried[" ".join(_norm(x.text))],
                len(x.text),
                -rank[x.article_id],
            ),
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
