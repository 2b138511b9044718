"""How outlets word the same referent, what sets each outlet apart, and what only one reports.

Labels are taken outside quotation marks (a quote is the speaker's wording,
not the outlet's) and gathered per referent:

* labels attached to a name: the words right before it ("dictator Bashar
  al-Assad", "the rebel Daresh Liberation Front"), an apposition ("the
  Iranian foreign minister, Abbas Araghchi"; "the DLF, the main armed
  opposition group"), a group it heads ("Rebels of the DLF", "insurgents led
  by HTS", "HTS-led rebels");
* a government named after its leader ("the Assad regime", "Darakov's
  regime", "the government of President Darakov") is its own referent, and a
  bare "the regime" / "the government" joins it when the story has only one;
* unnamed actor groups ("rebels", "illegal armed groups", "the armed
  opposition") join the named group whose labels share their head word
  ("Rebels of the DLF" makes every "rebels" of the story the DLF) or, for
  generic heads such as "groups", a modifier ("armed"); the rest are
  clustered by the sentences they occur in.

Only referents that outlets label differently are reported.
``distinctive_terms`` gives each outlet's characteristic words (weighted
log-odds with an informative Dirichlet prior, Monroe, Colaresi & Quinn 2008)
and ``unique_facts`` the sentences only one independent outlet carries.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from parallax.brief._text import inside, ordered_ids, quote_spans, roots
from parallax.brief.entities import TITLES, name_lookup, resolve
from parallax.model import Article, Entity, Framing, FramingTerm, OutletTerms, UniqueFact
from parallax.nlp import embed_remembered

# Unnamed group labels are one referent when the mean embeddings of the
# sentences they occur in are this close; lower merges the two sides of a
# conflict (both "rebels" and "militias" fight in the same sentences).
GROUP_CONTEXT_SIM = 0.85
# A sentence is a fact "only one outlet reports" when no sentence of another
# independent article reaches this cosine (same threshold as summary support).
UNIQUE_FACT_SIM = 0.6
# Sentences listed as unique per outlet (the ones closest to the story's gist).
UNIQUE_PER_OUTLET = 3
# A sentence whose words are mostly inside quotation marks is someone's voice.
MAX_QUOTED_SHARE = 0.3
# Words listed per outlet as distinctive.
DISTINCTIVE_PER_OUTLET = 8
# Monroe et al.'s prior strength: the prior counts are the story-wide counts
# scaled to this many pseudo-tokens.
PRIOR_TOKENS = 500.0

# Politeness, not framing: "Mr Assad" says nothing about the outlet's view.
_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr", "sir", "dame"})
_NOT_LABEL = frozenset(
    {"DET", "ADP", "PUNCT", "VERB", "AUX", "CCONJ", "SCONJ", "PRON", "NUM", "PART"}
)
# Nouns that name an armed or political group.  The specific ones identify a
# side once the story ties them to a name; the generic ones need a shared
# modifier as well ("illegal armed groups" ~ "the main armed opposition group").
ACTOR_HEADS = frozenset(
    {
        "rebel",
        "insurgent",
        "militant",
        "militia",
        "militiaman",
        "fighter",
        "jihadist",
        "terrorist",
        "guerrilla",
        "extremist",
        "separatist",
        "gunman",
        "insurgency",
        "opposition",
    }
)
# ("forces" is left out: "armed forces" are the state's, "rebel forces" are not.)
GENERIC_ACTOR_HEADS = frozenset({"group", "element", "faction", "movement", "organisation"})
GOVERNMENT_NOUNS = frozenset({"regime", "government", "administration", "junta", "authorities"})
# Nouns a name can modify to make a label ("the Assad regime", "HTS fighters").
_LABEL_NOUNS = GOVERNMENT_NOUNS | ACTOR_HEADS | GENERIC_ACTOR_HEADS
# Modifiers too common to tie two labels together.
_WEAK_MODS = frozenset({"main", "other", "several", "many", "some", "local", "new", "small"})


def _word(t: Any) -> str:
    return str(t.text) if t.ent_type_ == "NORP" else str(t.lower_)


def _phrase(head: Any) -> tuple[str, str, frozenset[str]]:
    """(label as written, head lemma, modifier lemmas) of a noun and its modifiers.

    The label runs from the first modifier's own first word, so that
    "Iranian-backed Iraqi militias" keeps "Iranian-"."""
    mods = [
        t
        for t in head.lefts
        if t.dep_ in ("amod", "compound") and t.pos_ in ("ADJ", "NOUN", "PROPN") and not t.like_num
    ]
    start = head.i
    if mods:
        first = mods[0]
        hyphened = any(t.text == "-" for t in first.subtree)
        # "a New York radio host": a name's first words hang on its last
        named = bool(first.ent_type_) and all(
            t.ent_type_ == first.ent_type_ for t in head.doc[first.left_edge.i : first.i + 1]
        )
        start = first.left_edge.i if hyphened or named else first.i
    words = [t for t in head.doc[start : head.i + 1] if t.pos_ not in ("DET", "NUM")]
    label = "".join(
        (t.text if t.ent_type_ or (t.pos_ == "PROPN" and not t.is_sent_start) else t.lower_)
        + t.whitespace_
        for t in words
    ).strip()
    if label.startswith("-"):  # "58-year-old fruit farmer" without its number
        label = label.split(" ", 1)[1] if " " in label else str(head.lower_)
    lemmas = {t.lemma_.lower() for t in words if t.i != head.i and t.is_alpha}
    return label, head.lemma_.lower(), frozenset(lemmas)


def _plural_actor(tok: Any) -> str | None:
    """The head lemma of a plural group noun ("rebels", "armed groups"), else None.

    A sentence-initial "Rebels" is often tagged as a proper noun; its lemma is
    then the word itself, so the plural is undone by hand."""
    lemma = tok.lemma_.lower()
    plural = tok.tag_ in ("NNS", "NNPS") or lemma == "opposition"
    if tok.pos_ == "PROPN" and tok.lower_.endswith("s") and not tok.ent_type_:
        lemma, plural = tok.lower_[:-1], True
    elif tok.pos_ != "NOUN":
        return None
    return lemma if plural and lemma in ACTOR_HEADS | GENERIC_ACTOR_HEADS else None


def _names(doc: Any, lookup: dict[tuple[str, ...], Entity]) -> list[tuple[Any, str, str]]:
    """(span, entity name, type) of every person, organisation or group named.

    The model's spans, plus proper-noun phrases it left untagged that name an
    entity of the story ("Insurgents of the Daresh Liberation Front")."""
    out: list[tuple[Any, str, str]] = []
    tagged: set[int] = set()
    for ent in doc.ents:
        tagged |= set(range(ent.start, ent.end))
        e = resolve(ent.text, lookup)
        out.append((ent, e.name if e else ent.text, e.type if e else ent.label_))
    for tok in doc:
        if tok.pos_ == "PROPN" and tok.i not in tagged and tok.dep_ != "compound":
            words = [t for t in tok.lefts if t.dep_ in ("compound", "poss") and t.pos_ == "PROPN"]
            start = words[0].left_edge.i if words else tok.i
            while start < tok.i and doc[start].pos_ == "DET":
                start += 1
            span = doc[start : tok.i + 1]
            e = resolve(span.text, lookup)
            if e is not None:
                out.append((span, e.name, e.type))
    return [x for x in out if x[2] in ("PERSON", "ORG", "NORP")]


def _in_phrase(word: Any, ent: Any, run: list[Any]) -> bool:
    """Whether a word right before a name belongs to the name's phrase: it
    hangs on the name or on a word already taken ("dictator Marek Stanek"),
    or on what the name hangs on, where the parser split one phrase in two
    (a hyphenated "The Syrian dictator Bashar al-Assad fled").  Not "the
    foreign agents Halvorsen says hacked them", "conversations Halvorsen's
    deputy had": there the words before head a phrase of their own."""
    head = word.head.i
    return (
        ent.start <= head < ent.end
        or any(head == r.i for r in run)
        or (head == ent.root.head.i and head != ent.root.i)
    )


def _entity_labels(
    doc: Any, quotes: list[tuple[int, int]], lookup: dict[tuple[str, ...], Entity]
) -> list[tuple[str, str, bool]]:
    """(entity name, label, is a government label) found around names."""
    out: list[tuple[str, str, bool]] = []
    for ent, name, kind in _names(doc, lookup):
        if inside(quotes, ent.start_char) or name == name.lower():
            # A description the model took for a name ("interior ministry")
            # is no referent: the words before "the water resources
            # ministry" would pass for a label of the interior ministry.
            continue
        root = ent.root
        if kind != "NORP":
            # words right before the name, inside its noun phrase
            run: list[Any] = []
            i = ent.start - 1
            while i >= 0:
                t = doc[i]
                titled = t.text[:1].isupper() and t.lower_ in TITLES
                wordy = t.pos_ not in _NOT_LABEL and (
                    t.is_lower or t.is_sent_start or t.ent_type_ == "NORP"
                )
                # "Mr." at a sentence's start passes for a word: its full
                # stop must not hide it from the honorifics
                if (
                    (wordy or titled)
                    and t.lower_.rstrip(".") not in _HONORIFICS
                    and _in_phrase(t, ent, run)
                ):
                    run.insert(0, t)
                    i -= 1
                else:
                    break
            # "the 62-metre dam": a measure, not a label
            before = doc[run[0].i - 1] if run and run[0].i > 0 else None
            measure = before is not None and (before.text == "-" or before.like_num)
            if run and not measure and any(t.pos_ != "ADJ" or t.lower_ in TITLES for t in run):
                out.append((name, " ".join(_word(t) for t in run), False))
            # apposition either way: "the Iranian foreign minister, Abbas
            # Araghchi" / "the DLF, the main armed opposition group"
            apps = [root.head] if root.dep_ == "appos" and root.head.pos_ == "NOUN" else []
            apps += [c for c in root.children if c.dep_ == "appos" and c.pos_ == "NOUN"]
            for head in apps:
                if kind == "PERSON" and head.tag_ == "NNS":
                    continue  # one person is not "rebel groups": a misattached phrase
                out.append((name, _phrase(head)[0], False))
        # a group the name heads: "Rebels of the DLF", "insurgents led by HTS"
        prep = root.head
        if (
            kind != "NORP"
            and root.dep_ == "pobj"
            and prep.lower_ == "of"
            and _plural_actor(prep.head)
        ):
            out.append((name, _phrase(prep.head)[0], False))
        if (
            kind != "NORP"
            and root.dep_ == "pobj"
            and prep.dep_ == "agent"
            and prep.head.lemma_ in ("lead", "back", "command")
            and prep.head.dep_ == "acl"
            and prep.head.head.pos_ == "NOUN"
        ):
            out.append((name, _phrase(prep.head.head)[0], False))
        # ("Iranian-backed militias" are not Iran: only leading makes a side.)
        if (
            kind != "NORP"
            and ent.end + 2 < len(doc)
            and doc[ent.end].text == "-"
            and doc[ent.end + 1].lower_ == "led"
            and doc[ent.end + 2].pos_ == "NOUN"
        ):
            out.append((name, doc[ent.end + 2].lower_, False))
        # a government named after its leader
        if root.dep_ == "pobj" and prep.lower_ == "of" and prep.head.lemma_ in GOVERNMENT_NOUNS:
            out.append((name, prep.head.lower_, True))
        written = re.sub(r"['’]s?$", "", ent.text)
        if root.dep_ == "poss" and root.head.lemma_ in GOVERNMENT_NOUNS:
            out.append((name, f"{written}'s {root.head.lower_}", True))
        # "the Assad regime", "HTS fighters" (not "Daresh province", "SERA director")
        head = root.head
        if root.dep_ == "compound" and head.i == ent.end and head.lemma_ in _LABEL_NOUNS:
            out.append((name, f"{written} {head.lower_}", head.lemma_ in GOVERNMENT_NOUNS))
        # the small model sometimes swallows the noun into an ORG span ("The
        # Hale government")
        last = doc[ent.end - 1]
        if kind == "ORG" and last.lemma_ in _LABEL_NOUNS and last.is_lower and len(ent) >= 2:
            words = [t for t in doc[ent.start : ent.end - 1] if t.lower_ != "the"]
            if words and words[0].pos_ == "PROPN":
                inner = " ".join(t.text for t in words)
                e = resolve(words[0].text, lookup)
                gov = last.lemma_ in GOVERNMENT_NOUNS
                out.append((e.name if e else inner, f"{inner} {last.lower_}", gov))
    return out


def _group_labels(
    doc: Any, quotes: list[tuple[int, int]]
) -> list[tuple[Any, str, str, frozenset[str]]]:
    """(token, label as written, head lemma, modifiers) for unnamed actor groups."""
    out: list[tuple[Any, str, str, frozenset[str]]] = []
    for tok in doc:
        lemma = _plural_actor(tok)
        if (
            lemma is None
            or tok.ent_type_
            or tok.dep_ not in ("nsubj", "nsubjpass", "dobj", "pobj", "conj", "appos")
            or inside(quotes, tok.idx)
        ):
            continue
        label, _, mods = _phrase(tok)
        if lemma in ACTOR_HEADS or mods:
            out.append((tok, label, lemma, mods))
    return out


def _bare_government(tok: Any) -> bool:
    """ "the regime", "the government": no name and no modifier of its own."""
    return (
        tok.lemma_.lower() in GOVERNMENT_NOUNS
        and tok.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj", "poss")
        and any(c.dep_ == "det" and c.lower_ == "the" for c in tok.children)
        and not any(
            c.dep_ in ("amod", "compound", "poss", "nmod")
            or (c.dep_ == "prep" and c.lower_ == "of")
            for c in tok.children
        )
    )


def _owner(
    lemma: str,
    mods: frozenset[str],
    linked: dict[str, list[tuple[str, frozenset[str]]]],
    named_here: set[str],
) -> str | None:
    """The one named group an unnamed label refers to, if the story's labels say so.

    A bare "rebels" is the group the story calls rebels; a qualified label
    must share a qualifier ("Islamist militants" ~ "the Islamist group HTS"),
    since "Iraqi militants" and "Islamist militants" are different sides.  A
    bare head only counts in an article that names the group itself.
    """
    strong = mods - _WEAK_MODS
    owners = {
        ref
        for ref, labels in linked.items()
        if any(
            (strong & m)
            if strong
            else (lemma == head and lemma in ACTOR_HEADS and ref in named_here)
            for head, m in labels
        )
    }
    return owners.pop() if len(owners) == 1 else None


def extract_framing(
    articles: Sequence[Article], docs: Sequence[Any], entities: Sequence[Entity]
) -> list[Framing]:
    """Referents that outlets label differently, with each term's articles."""
    lookup = name_lookup(entities)
    order = [a.id for a in articles]
    by_ref: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    linked: dict[str, list[tuple[str, frozenset[str]]]] = defaultdict(list)
    bare: list[tuple[str, Any, str, str, frozenset[str]]] = []
    named: dict[str, set[str]] = defaultdict(set)  # article -> entities it names
    bare_government: list[tuple[str, str]] = []
    for art, doc in zip(articles, docs, strict=True):
        quotes = quote_spans(art.text)
        for name, label, government in _entity_labels(doc, quotes, lookup):
            ref = f"{name}'s government" if government else name
            by_ref[ref][label].add(art.id)
            *before, head = label.lower().split()
            lemma = head[:-1] if head.endswith("s") and head[:-1] in _LABEL_NOUNS else head
            if not government and lemma in ACTOR_HEADS | GENERIC_ACTOR_HEADS:
                linked[ref].append((lemma, frozenset(before)))
        # A known name the model did not tag, modifying a noun ("the Hale government").
        for tok in doc:
            if (
                tok.pos_ == "PROPN"
                and not tok.ent_type_
                and tok.dep_ == "compound"
                and tok.head.lemma_ in _LABEL_NOUNS
                and tok.head.i == tok.i + 1
                and not inside(quotes, tok.idx)
            ):
                e = resolve(tok.text, lookup)
                if e is not None:
                    gov = tok.head.lemma_ in GOVERNMENT_NOUNS
                    ref = f"{e.name}'s government" if gov else e.name
                    by_ref[ref][f"{tok.text} {tok.head.lower_}"].add(art.id)
            elif _bare_government(tok) and not inside(quotes, tok.idx):
                bare_government.append((art.id, tok.lower_))
        named[art.id] = {name for _, name, _ in _names(doc, lookup)}
        for tok, label, lemma, mods in _group_labels(doc, quotes):
            bare.append((art.id, tok, label, lemma, mods))

    governments = [r for r in by_ref if r.endswith("'s government")]
    if len(governments) == 1:
        for aid, word in bare_government:
            by_ref[governments[0]][word].add(aid)

    # Unnamed groups no name ties down: one key per head and qualifiers, so
    # that "Iraqi militants" and "Islamic State militants" start apart.
    unowned: dict[tuple[str, frozenset[str]], dict[str, set[str]]] = defaultdict(
        lambda: defaultdict(set)
    )
    contexts: dict[tuple[str, frozenset[str]], list[str]] = defaultdict(list)
    for aid, tok, label, lemma, mods in bare:
        owner = _owner(lemma, mods, linked, named[aid])
        if owner is not None:
            by_ref[owner][label].add(aid)
        elif lemma in ACTOR_HEADS:
            key = (lemma, mods - _WEAK_MODS)
            unowned[key][label].add(aid)
            contexts[key].append(tok.sent.text)

    out: list[Framing] = []
    for ref, terms in by_ref.items():
        if len(terms) >= 2 and len(set().union(*terms.values())) >= 2:
            _add(out, ref, _terms(terms, order))
    out.extend(_cluster_unowned(unowned, contexts, order))
    out.sort(key=lambda f: -len({i for t in f.terms for i in t.article_ids}))
    return out


def _cluster_unowned(
    groups: dict[tuple[str, frozenset[str]], dict[str, set[str]]],
    contexts: dict[tuple[str, frozenset[str]], list[str]],
    order: list[str],
) -> list[Framing]:
    """Unnamed groups clustered by the sentences they occur in (labels used
    twice or more); the referent is named after the most used head word."""
    lemmas = [key for key in groups if len(contexts[key]) >= 2]
    if not lemmas:
        return []
    vecs = embed_remembered([" ".join(contexts[lem]) for lem in lemmas])
    clusters: list[list[int]] = []
    for i in range(len(lemmas)):
        for c in clusters:
            if min(float(vecs[i] @ vecs[k]) for k in c) >= GROUP_CONTEXT_SIM:
                c.append(i)
                break
        else:
            clusters.append([i])
    out: list[Framing] = []
    for c in clusters:
        merged: dict[str, set[str]] = defaultdict(set)
        for k in c:
            for label, ids in groups[lemmas[k]].items():
                merged[label] |= ids
        if len(merged) >= 2 and len(set().union(*merged.values())) >= 2:
            name = max(c, key=lambda k: len(contexts[lemmas[k]]))
            _add(out, lemmas[name][0], _terms(merged, order))
    return out


def _add(out: list[Framing], referent: str, terms: list[FramingTerm]) -> None:
    """A referent is shown when outlets label it differently: "governor" and
    "regional governor" are one label, so they alone are no difference."""
    if len(terms) >= 2:
        out.append(Framing(referent=referent, terms=terms))


def _head(label: str) -> str:
    """A label's head noun, singular: "Syrian dictator" -> "dictator", "rebels" -> "rebel"."""
    word = label.split()[-1].lower()
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def _terms(terms: dict[str, set[str]], order: list[str]) -> list[FramingTerm]:
    """One term per head ("dictator" and "Syrian dictator" are one label, with
    every outlet that uses either), shown in its shortest wording.  Generic
    heads ("group") keep their wordings apart: there the modifier is the label
    ("jihadi group", "splinter group")."""
    by_head: dict[str, list[str]] = defaultdict(list)
    for label in terms:
        head = _head(label)
        by_head[label if head in GENERIC_ACTOR_HEADS else head].append(label)
    items = []
    for labels in by_head.values():
        labels.sort(key=lambda t: (len(t.split()), -len(terms[t]), t))
        ids = set().union(*(terms[t] for t in labels))
        items.append(
            FramingTerm(term=labels[0], article_ids=ordered_ids(ids, order), variants=labels[1:])
        )
    items.sort(key=lambda t: (-len(t.article_ids), t.term))
    return items


def outlet_names(articles: Sequence[Article]) -> dict[str, str]:
    """Each article's outlet as a reader knows it: the outlet's name, else its
    web address's host, else "Unnamed outlet [n]" with the article's place in
    the story (its citation number); never an article id."""
    out: dict[str, str] = {}
    for n, art in enumerate(articles, 1):
        host = urlsplit(art.url).hostname if art.url else None
        host = host[4:] if host and host.startswith("www.") else host
        out[art.id] = art.source or host or f"Unnamed outlet [{n}]"
    return out


_AMOUNTS = frozenset({"MONEY", "QUANTITY", "PERCENT"})


def _name_text(span: Any) -> str:
    """A name as a term: "the White Helmets" -> "White Helmets", "al-Assad's" -> "al-Assad"."""
    text = re.sub(r"^(?:the|a|an)\s+", "", str(span.text).strip(), flags=re.I)
    return re.sub(r"[’']s$", "", text)


def _surface(t: Any) -> tuple[str, int]:
    """A word as written, and how much its casing says: a capital that only
    opens a sentence ("Rebels seized ...") counts for less than one mid-sentence."""
    if t.is_sent_start:
        return str(t.text), 1
    return (str(t.text) if t.pos_ == "PROPN" or t.ent_type_ else str(t.lower_)), 2


def distinctive_terms(
    articles: Sequence[Article], docs: Sequence[Any], top: int = DISTINCTIVE_PER_OUTLET
) -> list[OutletTerms]:
    """Per outlet, its most over-represented lemmas within the story.

    Weighted log-odds ratio with an informative Dirichlet prior (Monroe,
    Colaresi & Quinn 2008): the z-score of each word's log-odds in one outlet
    against all others, with the story's own word counts as the prior, so
    rare words do not dominate.  Syndicated copies are left out (their words
    are their original's), and so are the words of the outlet's own name,
    dates and numbers, which say where and when, not how.
    """
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    # A term is shown as the word the outlets wrote ("insurgents", "Karatash"),
    # its commonest form, not as the lemma the counts are kept by.
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    ids: dict[str, list[str]] = defaultdict(list)
    order = [a.id for a in articles]
    names = outlet_names(articles)
    for art, doc in zip(articles, docs, strict=True):
        if art.duplicate_of is not None:
            continue
        key = names[art.id]
        ids[key].append(art.id)
        own = {w.lower() for w in re.findall(r"\w+", art.source or "")}
        # A multi-word name is one term ("White Helmets", "State Department"),
        # counted at its first word; its other words are not terms of their own.
        # Amounts and measures ("60km", "2.1 billion kavar") say how much, not how.
        amounts = {
            i
            for e in doc.ents
            if e.label_ in _AMOUNTS
            for e_i in [e]
            for i in range(e_i.start, e_i.end)
        }
        spans = {
            e.start: e
            for e in doc.ents
            if len(e) > 1 and e.label_ not in _AMOUNTS | {"DATE", "TIME", "CARDINAL", "ORDINAL"}
        }
        inner = amounts | {i for e in spans.values() for i in range(e.start + 1, e.end)}
        for t in doc:
            if t.i in spans:
                name = _name_text(spans[t.i])
                if name.lower() not in own and not set(name.lower().split()) & own:
                    counts[key][name.lower()] += 1
                    forms[name.lower()][name] += 1
                continue
            lemma = t.lemma_.lower()
            if (
                t.i not in inner
                and t.is_alpha
                and len(t.text) > 2
                and not t.is_stop
                and lemma not in _HONORIFICS
                # Verbs are mostly the story's plain narration ("come",
                # "continue"); an outlet's wording shows in its nouns and
                # adjectives ("strongman", "furious", "regime").
                and t.pos_ in ("NOUN", "ADJ", "PROPN")
                and t.ent_type_ not in ("DATE", "TIME", "CARDINAL", "ORDINAL")
                and lemma not in own
            ):
                counts[key][lemma] += 1
                form, weight = _surface(t)
                forms[lemma][form] += weight
    if len(counts) < 2:
        return []
    total: Counter[str] = Counter()
    for c in counts.values():
        total += c
    n_total = sum(total.values())
    alpha = {w: PRIOR_TOKENS * n / n_total for w, n in total.items()}
    a0 = sum(alpha.values())
    out: list[OutletTerms] = []
    for key, c in counts.items():
        rest = total - c
        n_i, n_j = sum(c.values()), sum(rest.values())
        scores: list[tuple[str, float]] = []
        for w in c:
            yi, yj, aw = c[w], rest[w], alpha[w]
            delta = math.log((yi + aw) / (n_i + a0 - yi - aw)) - math.log(
                (yj + aw) / (n_j + a0 - yj - aw)
            )
            scores.append((w, delta / math.sqrt(1.0 / (yi + aw) + 1.0 / (yj + aw))))
        scores.sort(key=lambda s: (-s[1], -c[s[0]], s[0]))
        best = [(w, z) for w, z in scores[:top] if z > 0]
        if best:
            out.append(
                OutletTerms(
                    source=key,
                    terms=[forms[w].most_common(1)[0][0] for w, _ in best],
                    weights=[round(z, 3) for _, z in best],
                    article_ids=ordered_ids(ids[key], order),
                )
            )
    return out


def unique_facts(articles: Sequence[Article], docs: Sequence[Any]) -> list[UniqueFact]:
    """Sentences no other independent outlet comes close to, a few per outlet.

    Quotations and sentences that are mostly someone's words are left out (a
    quote is not the outlet's fact), and so are syndicated copies.  Among an
    outlet's unique sentences the ones nearest the story's gist come first.
    """
    by_id = {a.id: a for a in articles}
    root = roots(articles)
    # A copy speaks with its original's voice, so it counts as that outlet.
    names = outlet_names(articles)
    outlet_of = {a.id: names[root[a.id]] for a in articles}
    sents: list[tuple[str, str]] = []
    for art, doc in zip(articles, docs, strict=True):
        quotes = quote_spans(art.text)
        for s in doc.sents:
            quoted = sum(
                min(e, s.end_char) - max(b, s.start_char)
                for b, e in quotes
                if b < s.end_char and e > s.start_char
            )
            if len(s) >= 8 and quoted < MAX_QUOTED_SHARE * len(s.text):
                sents.append((art.id, re.sub(r"\s+", " ", s.text).strip()))
    if len({outlet_of[a] for a, _ in sents}) < 2:
        return []
    vecs = embed_remembered([t for _, t in sents])
    centre = vecs.mean(axis=0)
    sims = vecs @ vecs.T
    candidates: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for i, (aid, _) in enumerate(sents):
        if by_id[aid].duplicate_of is not None:
            continue
        others = [k for k, (b, _) in enumerate(sents) if outlet_of[b] != outlet_of[aid]]
        if others and float(np.max(sims[i, others])) < UNIQUE_FACT_SIM:
            candidates[outlet_of[aid]].append((float(vecs[i] @ centre), i))
    out: list[UniqueFact] = []
    for outlet, items in candidates.items():
        for _, i in sorted(items, reverse=True)[:UNIQUE_PER_OUTLET]:
            aid, text = sents[i]
            out.append(UniqueFact(text=text, source=outlet, article_ids=[aid]))
    return out
