"""What the spaCy parse costs, component by component, and the two lighter-parse levers.

    .venv/bin/python bench/parse.py [--articles 96]

On the first ``--articles`` of ``bench/throughput.py``'s BBC stream:

1. **Each component's share** of ``en_core_web_sm`` (every component the
   engine runs; ``senter`` is off, sentences come from the parser), one
   document at a time.
2. **Sentences with a cue**: a speech verb of ``attribution.CUE_LEMMAS``, a
   quotation mark or a colon, then also any lemma of ``cue_lemmas`` (what the
   other attribution kinds read).  Attribution needs the dependency parse only
   there; the share bounds what skipping the parser elsewhere could save.
3. **``nlp.pipe(n_process=2)``** against one process, the parse alone and
   with the lead encoder running beside it on a thread, as ``enrich`` runs
   them, twice over; the parses of both are compared token by token.

Measured 2026-12-07 with ``--articles 96`` on the shared 2-core machine, load
average 11-12: the parse 189 ms an article, of which ner 39 %, tok2vec 21 %,
parser 16 %, attribute ruler 11 %, lemmatizer 10 %, tagger 1 %.  Of 1,364
sentences 52 % had a speech cue, a quotation mark or a colon (71 % with any
cue lemma), so a parser run only there would save at most 8 % of the parse.
And it would change outputs: quantities, timeline, framing, entities and
figure kinds read heads and dependency labels in every sentence, and the
sentence boundaries the summary cuts at are the parser's.  ``n_process=2``
gave identical parses at 275 / 200 ms an article against 232 / 182 for one
process alone, and 464 / 507 against 542 / 454 with the encoder beside: no
steady gain on 2 shared cores.  Neither lever is kept.
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from parallax import nlp
from parallax.brief.attribution import CUE_LEMMAS
from parallax.brief.cue_lemmas import NOUN_CUES, VERB_CUES
from parallax.enrich import lead_text
from parallax.model import Article
from throughput import ROOT, documents

QUOTE_MARKS = '"“”:'


def component_shares(texts: list[str]) -> tuple[float, dict[str, float]]:
    """Seconds an article for the whole parse, and each component's share of it."""
    model = nlp.spacy_model()
    spent = dict.fromkeys(model.pipe_names, 0.0)
    started = time.perf_counter()
    for text in texts:
        doc = model.make_doc(text)
        for name, component in model.pipeline:
            began = time.perf_counter()
            doc = component(doc)
            spent[name] += time.perf_counter() - began
    whole = time.perf_counter() - started
    return whole / len(texts), {name: s / whole for name, s in spent.items()}


def cue_shares(docs: list[Any]) -> tuple[int, float, float]:
    """Sentences, and the shares with a speech cue or quotation mark or colon,
    and with any cue lemma at all."""
    speech = set(CUE_LEMMAS)
    every = speech | {lemma for lemma, _ in VERB_CUES} | set(NOUN_CUES)
    sentences = with_speech = with_any = 0
    for doc in docs:
        for sentence in doc.sents:
            sentences += 1
            marked = any(mark in sentence.text for mark in QUOTE_MARKS)
            lemmas = {token.lemma_ for token in sentence}
            with_speech += marked or bool(lemmas & speech)
            with_any += marked or bool(lemmas & every)
    return sentences, with_speech / sentences, with_any / sentences


def _tokens(doc: Any) -> list[tuple[str, str, str, int, str, str]]:
    return [(t.text, t.pos_, t.dep_, t.head.i, t.lemma_, t.ent_type_) for t in doc]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--articles", type=int, default=96)
    args = parser.parse_args()
    if not (args.data / "bbc").is_dir():
        sys.exit(f"{args.data / 'bbc'} is missing: put the shared data folder beside the repo")
    stream = list(documents(args.data, args.articles))
    texts = [d.body for d in stream]
    leads = [lead_text(Article(id="", text=d.body, title=d.title)) for d in stream]
    model = nlp.spacy_model()
    nlp.embed(leads[:8])  # both models loaded before any timing
    list(model.pipe(texts[:8]))

    per_article, shares = component_shares(texts)
    print(f"{len(texts)} articles, the parse {1000 * per_article:.1f} ms an article:")
    for name, share in sorted(shares.items(), key=lambda kv: -kv[1]):
        print(f"  {name:<16} {100 * share:5.1f} %")
    sentences, speech, every = cue_shares(list(model.pipe(texts)))
    print(
        f"{sentences} sentences: {100 * speech:.0f} % with a speech cue, a quotation mark or "
        f"a colon; {100 * every:.0f} % with any cue lemma"
    )

    encoder = ThreadPoolExecutor(max_workers=1)
    parses: dict[int, list[Any]] = {}
    for round_ in (1, 2):
        for beside in (False, True):
            for processes in (1, 2):
                started = time.perf_counter()
                leads_done = encoder.submit(nlp.embed, leads) if beside else None
                parses[processes] = list(model.pipe(texts, batch_size=16, n_process=processes))
                if leads_done is not None:
                    leads_done.result()
                took = (time.perf_counter() - started) / len(texts)
                print(
                    f"round {round_}: n_process={processes}, encoder "
                    f"{'beside' if beside else 'off   '} {1000 * took:6.1f} ms an article",
                    flush=True,
                )
    same = all(_tokens(a) == _tokens(b) for a, b in zip(parses[1], parses[2], strict=True))
    print(f"n_process=2 parses identical to one process's: {same}")


if __name__ == "__main__":
    main()
