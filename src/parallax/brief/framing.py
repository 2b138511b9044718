"""How outlets word the same referent: labels side by side, per outlet.

Two sources of labels, both taken outside quotation marks (a quote is the
speaker's wording, not the outlet's):

* labels attached to a named entity: the words right before the name
  ("dictator Bashar al-Assad", "jihadi group Hayat Tahrir al-Sham"), an
  apposition ("the Iranian foreign minister, Abbas Araghchi") and the noun a
  name modifies ("the Assad regime", "the Assad government");
* labels for unnamed actor groups ("rebels", "insurgents", "Islamist
  militants"): plural nouns acting as subjects, clustered by the contexts
  they appear in, so that words used for the same side end up together.

Only referents for which outlets use different terms are reported.  Beyond
the schema, ``distinctive_terms`` gives each outlet's characteristic words
(weighted log-odds with an informative Dirichlet prior, Monroe et al. 2008)
and ``unique_facts`` the sentences only one independent outlet carries.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np

from parallax.brief._text import inside, ordered_ids, quote_spans, roots
from parallax.brief.entities import TITLES, name_lookup, resolve
from parallax.model import Article, Entity, Framing, FramingTerm
from parallax.nlp import embed

# Unnamed group labels are one referent when the mean embeddings of the
# sentences they occur in are this close; lower merges the two sides of a
# conflict (both "rebels" and "militias" fight in the same sentences).
GROUP_CONTEXT_SIM = 0.85
# A sentence is a fact "only one outlet reports" when no sentence of another
# independent article reaches this cosine (same threshold as summary support).
UNIQUE_FACT_SIM = 0.6
# Monroe et al.'s prior strength: the prior counts are the story-wide counts
# scaled to this many pseudo-tokens.
PRIOR_TOKENS = 500.0


# Politeness, not framing: "Mr Assad" says nothing about the outlet's view.
_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "dr", "sir", "dame"})
_NOT_LABEL = frozenset(
    {"DET", "ADP", "PUNCT", "VERB", "AUX", "CCONJ", "SCONJ", "PRON", "NUM", "PART"}
)


def _entity_labels(doc: Any, quotes: list[tuple[int, int]]) -> list[tuple[Any, str]]:
    """(entity span, label) pairs found around names."""
    out: list[tuple[Any, str]] = []
    for ent in doc.ents:
        if ent.label_ not in ("PERSON", "ORG") or inside(quotes, ent.start_char):
            continue
        # words right before the name, inside its noun phrase
        run: list[Any] = []
        i = ent.start - 1
        while i >= 0:
            t = doc[i]
            titled = t.text[:1].isupper() and t.lower_ in TITLES
            wordy = t.pos_ not in _NOT_LABEL and (
                t.is_lower or t.is_sent_start or t.ent_type_ == "NORP"
            )
            if (wordy or titled) and t.lower_ not in _HONORIFICS:
                run.insert(0, t)
                i -= 1
            else:
                break
        if run and any(t.pos_ != "ADJ" or t.lower_ in TITLES for t in run):
            out.append((ent, " ".join(t.text if t.ent_type_ == "NORP" else t.lower_ for t in run)))
        # apposition: "the Iranian foreign minister, Abbas Araghchi"
        root = ent.root
        if root.dep_ == "appos" and root.head.pos_ == "NOUN":
            head = root.head
            words = [t for t in head.lefts if t.dep_ in ("amod", "compound")] + [head]
            out.append(
                (ent, " ".join(t.text if t.ent_type_ == "NORP" else t.lower_ for t in words))
            )
        # the name modifying a noun: "the Assad regime"; the small model
        # sometimes swallows the noun into an ORG span ("The Hale government")
        last = doc[ent.end - 1]
        if ent.label_ == "ORG" and last.is_lower and last.pos_ == "NOUN" and len(ent) >= 2:
            name_part = doc[ent.start : ent.end - 1]
            words = [t for t in name_part if t.lower_ != "the"]
            if words and words[0].pos_ == "PROPN":
                out.append((words[0], f"{' '.join(t.text for t in words)} {last.lower_}"))
        if root.dep_ == "compound" and root.head.pos_ == "NOUN" and root.head.i == ent.end:
            out.append((ent, f"{ent.text} {root.head.lower_}"))
    return out


def _group_labels(doc: Any, quotes: list[tuple[int, int]]) -> list[tuple[str, str, Any]]:
    """(head lemma, label as written, sentence) for plural unnamed actors."""
    out: list[tuple[str, str, Any]] = []
    for tok in doc:
        if tok.tag_ != "NNS" or tok.dep_ not in ("nsubj", "nsubjpass") or tok.ent_type_:
            continue
        if inside(quotes, tok.idx):
            continue
        mods = [
            t
            for t in tok.lefts
            if t.dep_ in ("amod", "compound")
            and t.pos_ in ("ADJ", "NOUN", "PROPN")
            and not t.like_num
        ]
        label = " ".join([*(m.text for m in mods), tok.lower_])
        out.append((tok.lemma_.lower(), label, tok.sent))
    return out


def extract_framing(
    articles: Sequence[Article], docs: Sequence[Any], entities: Sequence[Entity]
) -> list[Framing]:
    """Referents that outlets label differently, with each term's articles."""
    lookup = name_lookup(entities)
    order = [a.id for a in articles]
    by_ref: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    groups: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    group_sents: dict[str, list[str]] = defaultdict(list)
    for art, doc in zip(articles, docs, strict=True):
        quotes = quote_spans(art.text)
        for ent, label in _entity_labels(doc, quotes):
            e = resolve(ent.text, lookup)
            by_ref[e.name if e else ent.text][label].add(art.id)
        # A known name the model did not tag, modifying a noun ("the Hale government").
        for tok in doc:
            if (
                tok.pos_ == "PROPN"
                and not tok.ent_type_
                and tok.dep_ == "compound"
                and tok.head.pos_ == "NOUN"
                and tok.head.i == tok.i + 1
                and not inside(quotes, tok.idx)
            ):
                e = resolve(tok.text, lookup)
                if e is not None:
                    by_ref[e.name][f"{tok.text} {tok.head.lower_}"].add(art.id)
        for lemma, label, sent in _group_labels(doc, quotes):
            groups[lemma][label].add(art.id)
            group_sents[lemma].append(sent.text)

    out: list[Framing] = []
    for ref, terms in by_ref.items():
        if len(terms) >= 2 and len(set().union(*terms.values())) >= 2:
            out.append(Framing(referent=ref, terms=_terms(terms, order)))

    # Cluster the unnamed groups by the contexts they occur in.  Only lemmas
    # used by at least two outlets between them carry a comparison.
    lemmas = [lem for lem in groups if len(group_sents[lem]) >= 2]
    if lemmas:
        vecs = embed([" ".join(group_sents[lem]) for lem in lemmas])
        clusters: list[list[int]] = []
        for i in range(len(lemmas)):
            for c in clusters:
                if min(float(vecs[i] @ vecs[k]) for k in c) >= GROUP_CONTEXT_SIM:
                    c.append(i)
                    break
            else:
                clusters.append([i])
        for c in clusters:
            merged: dict[str, set[str]] = defaultdict(set)
            for k in c:
                for label, ids in groups[lemmas[k]].items():
                    merged[label] |= ids
            if len(c) >= 2 and len(set().union(*merged.values())) >= 2:
                name = max(c, key=lambda k: len(group_sents[lemmas[k]]))
                out.append(Framing(referent=lemmas[name], terms=_terms(merged, order)))
    out.sort(key=lambda f: -len({i for t in f.terms for i in t.article_ids}))
    return out


def _terms(terms: dict[str, set[str]], order: list[str]) -> list[FramingTerm]:
    items = [FramingTerm(term=t, article_ids=ordered_ids(ids, order)) for t, ids in terms.items()]
    items.sort(key=lambda t: (-len(t.article_ids), t.term))
    return items


def distinctive_terms(
    articles: Sequence[Article], docs: Sequence[Any], top: int = 10
) -> dict[str, list[tuple[str, float]]]:
    """Per outlet (``Article.source`` or id), its most over-represented lemmas.

    Weighted log-odds ratio with an informative Dirichlet prior (Monroe,
    Colaresi & Quinn 2008): the z-score of each word's log-odds in one outlet
    against all others, with the story's own word counts as the prior, so
    rare words do not dominate.
    """
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for art, doc in zip(articles, docs, strict=True):
        key = art.source or art.id
        for t in doc:
            if t.is_alpha and not t.is_stop and t.pos_ in ("NOUN", "ADJ", "VERB", "PROPN"):
                counts[key][t.lemma_.lower()] += 1
    total: Counter[str] = Counter()
    for c in counts.values():
        total += c
    n_total = sum(total.values())
    if not n_total:
        return {}
    alpha = {w: PRIOR_TOKENS * n / n_total for w, n in total.items()}
    a0 = sum(alpha.values())
    out: dict[str, list[tuple[str, float]]] = {}
    for key, c in counts.items():
        rest = total - c
        n_i, n_j = sum(c.values()), sum(rest.values())
        scores: list[tuple[str, float]] = []
        for w in c:
            yi, yj, aw = c[w], rest[w], alpha[w]
            delta = math.log((yi + aw) / (n_i + a0 - yi - aw)) - math.log(
                (yj + aw) / (n_j + a0 - yj - aw)
            )
            var = 1.0 / (yi + aw) + 1.0 / (yj + aw)
            scores.append((w, delta / math.sqrt(var)))
        scores.sort(key=lambda s: -s[1])
        out[key] = [(w, round(z, 3)) for w, z in scores[:top] if z > 0]
    return out


def unique_facts(articles: Sequence[Article], docs: Sequence[Any]) -> dict[str, list[str]]:
    """Per article id, sentences no other independent article comes close to."""
    root = roots(articles)
    sents: list[tuple[str, str]] = []
    for art, doc in zip(articles, docs, strict=True):
        quotes = quote_spans(art.text)
        for s in doc.sents:
            if len(s) >= 8 and not inside(quotes, s.start_char):
                sents.append((art.id, s.text.strip()))
    if not sents:
        return {}
    vecs = embed([t for _, t in sents])
    sims = vecs @ vecs.T
    out: dict[str, list[str]] = defaultdict(list)
    for i, (aid, text) in enumerate(sents):
        others = [k for k, (b, _) in enumerate(sents) if root[b] != root[aid]]
        if not others or float(np.max(sims[i, others])) < UNIQUE_FACT_SIM:
            out[aid].append(text)
    return dict(out)
