from __future__ import annotations

import numpy as np
import pytest

from parallax.enrich import enrich, entity_key
from parallax.model import Article


def test_entity_keys_ignore_case_articles_and_possessives() -> None:
    assert entity_key("the Ostrian Red Cross") == entity_key("Ostrian Red Cross")
    assert entity_key("Hale’s") == entity_key("hale")


@pytest.mark.slow
def test_enrich_parses_embeds_and_lists_entities() -> None:
    articles = [
        Article(
            id="a",
            title="Dam fails in Karavia",
            text="The Tashqar dam in Karavia failed on Tuesday, President Emil Darakov said.",
        ),
        Article(
            id="b", title="Rates held", text="The National Bank kept its key rate at 9.5 per cent."
        ),
    ]
    first, second = enrich(articles)
    assert first.doc.text == articles[0].text
    assert np.isclose(np.linalg.norm(first.embedding), 1.0, atol=1e-4)
    assert float(first.embedding @ second.embedding) < 0.5  # unrelated stories are far apart
    assert "emil darakov" in first.entity_keys()
    assert all(label for _, label in first.entities)
