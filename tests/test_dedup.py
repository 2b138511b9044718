from __future__ import annotations

from parallax.dedup import DuplicateIndex, containment, shingles, signature

PARAGRAPHS = [
    f"Paragraph {i}: the river authority said water levels at gauge {i} rose by {i * 7} "
    f"centimetres during the night while crews from district {i + 3} reinforced the banks "
    f"with sandbags and residents of the lower town were told to move to higher ground."
    for i in range(12)
]
ORIGINAL = "\n\n".join(PARAGRAPHS)


def _index(texts: dict[str, str]) -> DuplicateIndex:
    index = DuplicateIndex(load_text=texts.get)
    for article_id, text in texts.items():
        grams = shingles(text)
        index.add(article_id, signature(grams), grams)
    return index


def _find(index: DuplicateIndex, text: str) -> str | None:
    grams = shingles(text)
    match = index.find(signature(grams), grams)
    return match.original if match else None


def test_syndicated_copy_with_new_headline_trim_and_extra_line_is_found() -> None:
    index = _index({"wire": ORIGINAL})
    copy = (
        "Dam scare downstream\n\n" + "\n\n".join(PARAGRAPHS[:9]) + "\n\nThis story is developing."
    )
    assert _find(index, copy) == "wire"


def test_lead_only_copy_is_still_a_copy() -> None:
    index = _index({"wire": ORIGINAL})
    assert _find(index, "\n\n".join(PARAGRAPHS[:4])) == "wire"


def test_a_different_article_on_the_same_topic_is_not() -> None:
    index = _index({"wire": ORIGINAL})
    other = " ".join(
        f"Officials in the lower town said that {n} families had left their homes after the "
        f"river rose, and the authority promised sandbags for district {n}."
        for n in range(10)
    )
    assert containment(shingles(other), shingles(ORIGINAL)) < 0.2
    assert _find(index, other) is None


def test_short_texts_are_never_called_copies() -> None:
    short = "The river rose overnight and residents moved to higher ground, officials said."
    index = _index({"a": short})
    assert _find(index, short) is None


def test_copies_point_at_the_first_publication() -> None:
    index = DuplicateIndex(load_text=lambda _: ORIGINAL)
    grams = shingles(ORIGINAL)
    index.add("wire", signature(grams), grams)
    index.add("copy1", signature(grams), grams, duplicate_of="wire")
    index._cache.clear()  # forces re-reading texts, as after a restart
    assert _find(index, ORIGINAL) == "wire"
