"""Speaker accuracy of "who said what" on hand-annotated stories.

Gold: ``bench/references/speakers.json``, (quote, speaker) pairs annotated by
reading the demo newswire's two multi-outlet stories, the five seed articles
and 22 articles of allsides-dev.  Each story's articles go through
extraction, the parse, entities and ``extract_quotes`` as in the pipeline;
each gold pair is then looked up among the story's quote items (an item
cites the article and holds the gold words in its wording or a variant's).

- right: the item is shown with one of the gold speaker's names, or a gold
  pair with no speaker is not shown at all;
- wrong: shown with another speaker, or shown when no speaker may be;
- missing: not shown (not counted for ``optional`` pairs: quoted labels and
  vague sources that may be left out).

Speaker accuracy is right / (right + wrong): how often what the page shows is
right.  Coverage is the share of required pairs shown.

Run: .venv/bin/python bench/speakers.py [--data ../shared/data] [--errors]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "bench" / "references" / "speakers.json"
NEWSWIRE = ROOT / "src" / "parallax" / "demo" / "newswire"


@dataclass
class Result:
    right: int = 0
    wrong: int = 0
    missing: int = 0
    required: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        shown = self.right + self.wrong
        return self.right / shown if shown else 0.0

    @property
    def coverage(self) -> float:
        return 1 - self.missing / self.required if self.required else 0.0


def _words(text: str) -> str:
    from parallax.brief._text import fold

    return " " + " ".join(re.findall(r"\w+", fold(text))) + " "


def _same_speaker(shown: str, names: list[str]) -> bool:
    def key(name: str) -> str:
        return re.sub(r"^(the|an?) ", "", _words(name).strip())

    return key(shown) in {key(n) for n in names}


def _demo_articles(story: str) -> list[Any]:
    from parallax.demo.server import load_manifest

    manifest = load_manifest()
    outlets = {o["slug"]: o["name"] for o in manifest["outlets"]}
    out = []
    for entry in manifest["articles"]:
        if entry["story"] == story:
            path = entry["path"].strip("/").removesuffix(".html")
            html = NEWSWIRE / f"{path}.html"
            out.append(_extracted(path, html, outlets[path.split("/")[0]]))
    return out


def _extracted(ref: str, path: Path, source: str | None) -> Any:
    from parallax.extract import extract
    from parallax.ingest.files import read_paths
    from parallax.model import Article

    (doc,) = list(read_paths([str(path)]))
    if not hasattr(doc, "origin"):
        sys.exit(f"{path}: {doc}")
    extracted = extract(doc)
    return Article(id=ref, text=extracted.text, source=source or extracted.source)


def _allsides_articles(data: Path, story: int) -> list[Any]:
    from parallax.model import Article

    path = data / "allsides-dev" / "roundups.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["id"] == story:
            return [
                Article(id=side, text="\n\n".join(a["newBody"]), source=a["newsSource"])
                for side, a in row["news"].items()
            ]
    sys.exit(f"allsides-dev story {story} is missing from {path}")


def story_articles(data: Path, story: dict[str, Any]) -> list[Any]:
    """The articles of one gold story, as the pipeline would read them."""
    if story["corpus"] == "demo":
        return _demo_articles(story["story"])
    if story["corpus"] == "seeds":
        seeds = data / "seeds"
        return [_extracted(p.name, p, None) for p in sorted(seeds.glob("*.txt"))]
    return _allsides_articles(data, story["story"])


def evaluate(data: Path, gold: dict[str, Any] | None = None) -> Result:
    from parallax.brief.entities import extract_entities
    from parallax.brief.quotes import extract_quotes
    from parallax.nlp import parse

    gold = gold or json.loads(GOLD.read_text(encoding="utf-8"))
    stories = [(s, story_articles(data, s)) for s in gold["stories"]]
    docs = iter(parse([a.text for _, arts in stories for a in arts]))
    result = Result()
    for story, articles in stories:
        parsed = [next(docs) for _ in articles]
        quotes = extract_quotes(articles, parsed, extract_entities(articles, parsed))
        for entry in story["articles"]:
            for pair in entry["quotes"]:
                _score(result, story, entry["ref"], pair, quotes)
    return result


def _score(
    result: Result, story: dict[str, Any], ref: str, pair: dict[str, Any], quotes: list[Any]
) -> None:
    want = _words(pair["quote"])
    hits = [
        q
        for q in quotes
        if ref in q.article_ids and any(want in _words(t) for t in [q.text, *q.variants])
    ]
    where = f"{story['corpus']}:{story['story']}:{ref}: {pair['quote']!r}"
    names = pair["speaker"]
    optional = pair.get("optional", False) or names is None
    result.required += not optional
    if not hits:
        if names is None:
            result.right += 1
        else:
            result.missing += not optional
            result.errors.append(f"MISSING {where} ({names[0]})")
        return
    shown = hits[0].speaker or ""
    if names is not None and _same_speaker(shown, names):
        result.right += 1
    else:
        result.wrong += 1
        result.errors.append(f"WRONG   {where}: shown {shown!r}, said by {names}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--errors", action="store_true", help="list wrong and missing pairs")
    args = ap.parse_args()
    result = evaluate(args.data)
    shown = result.right + result.wrong
    print(f"speaker accuracy {result.accuracy:.3f}  ({result.right} right of {shown} judged)")
    missing = f"{result.missing} of {result.required} required pairs not shown"
    print(f"coverage         {result.coverage:.3f}  ({missing})")
    if args.errors:
        print("\n".join(result.errors))


if __name__ == "__main__":
    main()
