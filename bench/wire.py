"""Wire credits on real articles: PolNeAR's wire-service labels vs ``wire.carried_wire``.

Data: ``../shared/data/polnear`` — 2016 US election news from seven outlets;
``metadata.tsv`` names the wire service of each article (AP, UPI, AFP, Reuters)
or ``None``.  Articles whose label is ``NA`` (a publisher the annotators did not
label) are left out.  The credit is looked for in the text alone, then in the
text and the metadata's author field (where the byline of a page would be).

Run: .venv/bin/python bench/wire.py [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import csv
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from parallax.wire import agency_named, carried_wire

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True, slots=True)
class Labelled:
    name: str
    text: str
    author: str | None
    wire: str | None
    """The canonical agency of the label, or None for 'no wire'."""


def load(data: Path) -> list[Labelled]:
    root = data / "polnear" / "data"
    texts = {p.stem: p for p in root.glob("*/text/*.txt")}
    items = []
    with (root / "metadata.tsv").open(newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            path = texts.get(row["filename"])
            if path is None or row["wire"] in ("NA", ""):
                continue
            label = row["wire"]  # "AP", "UPI", "AFP", "reuters" ... or "None"
            wire = None if label == "None" else agency_named(label) or agency_named(label.title())
            author = row["author"] if row["author"] not in ("None", "") else None
            items.append(Labelled(row["filename"], path.read_text(errors="replace"), author, wire))
    return items


def score(items: list[Labelled], use_author: bool) -> Counter[str]:
    counts: Counter[str] = Counter()
    for item in items:
        found = carried_wire(item.text, item.author if use_author else None)
        if item.wire is None:
            counts["credited, labelled none" if found else "none, labelled none"] += 1
        elif found == item.wire:
            counts["right agency"] += 1
        else:
            counts["wrong agency" if found else "missed"] += 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    items = load(args.data)
    wired = sum(i.wire is not None for i in items)
    print(f"data: {args.data / 'polnear'} — {len(items)} labelled articles, {wired} from a wire")
    for use_author in (False, True):
        counts = score(items, use_author)
        found = counts["right agency"]
        print(
            f"{'text + author' if use_author else 'text only':<14} "
            f"recall {found / max(1, wired):.3f} ({found}/{wired}), "
            f"wrong agency {counts['wrong agency']}, missed {counts['missed']}, "
            f"credited but labelled none {counts['credited, labelled none']} "
            f"of {len(items) - wired}"
        )
    for item in items:
        if item.wire is None and carried_wire(item.text, item.author):
            print(f"  credited but labelled none: {item.name}")


if __name__ == "__main__":
    main()
