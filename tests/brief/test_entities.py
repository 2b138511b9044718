# ruff: noqa: E501  (article prose is kept one paragraph a line)
"""Entity variants merged across articles, on texts written for these tests."""

from __future__ import annotations

import pytest

from parallax.brief.entities import extract_entities, name_lookup, resolve
from parallax.model import Article, Entity

pytestmark = pytest.mark.slow

FIRST = """Foreign Minister Abbas Araghchi flew to Damascus on Sunday to meet President Bashar al-Assad. Mr Assad thanked him.

Fighters of the Free Sorran Movement (FSM) crossed at Bou Kamal overnight, Governor Yusuf Khaidarov said. Spokesman Idris Qorbani denied it.

At the hospital, the chief physician, Dr Leyla Mansur, worked through the night. Karim Mansur, a farmer, lost his house. "We had no power," Dr Mansur said.

Omar Hassan, a trader, closed his shop. The Oru River burst its banks below the Tashqar Dam, the Herald has learned."""

SECOND = """Abbas Araqchi, Iran's top diplomat, said al-Assad would not fall. President Assad met him for two hours.

FSM fighters entered Bukamal, according to Yusuf Haidarov. Idris Gorbani, the group's spokesman, called it a lie.

Omar Hussein, a teacher, said the River Oru rose by three metres after the Tashkar dam gave way. Karim Mansur said his field was gone. "Nothing is left," Mansur said."""


@pytest.fixture(scope="module")
def entities() -> list[Entity]:
    from parallax.nlp import parse

    articles = [
        Article(id="one", text=FIRST, source="The Capital Herald"),
        Article(id="two", text=SECOND, source="Daily Ledger"),
    ]
    return extract_entities(articles, parse([a.text for a in articles]))


def _with(entities: list[Entity], alias: str) -> Entity:
    hits = [e for e in entities if alias in e.aliases]
    assert len(hits) == 1, [(e.name, e.aliases) for e in entities if alias in e.aliases]
    return hits[0]


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Abbas Araghchi", "Abbas Araqchi"),
        ("Bou Kamal", "Bukamal"),
        ("Yusuf Khaidarov", "Yusuf Haidarov"),
        ("Idris Qorbani", "Idris Gorbani"),
        ("Tashqar Dam", "Tashkar"),
    ],
)
def test_transliterations_merge_across_articles(entities: list[Entity], one: str, other: str) -> None:
    entity = _with(entities, one)
    assert other in entity.aliases
    assert entity.article_ids == ["one", "two"]


def test_similar_names_of_different_people_stay_apart(entities: list[Entity]) -> None:
    assert _with(entities, "Omar Hassan") is not _with(entities, "Omar Hussein")


def test_acronym_defined_in_the_text_joins_its_expansion(entities: list[Entity]) -> None:
    fsm = _with(entities, "FSM")
    assert fsm.name == "Free Sorran Movement"
    assert fsm.type == "ORG"
    assert fsm.article_ids == ["one", "two"]


def test_surname_honorifics_and_full_name_are_one_person(entities: list[Entity]) -> None:
    assad = _with(entities, "Bashar al-Assad")
    assert {"Mr Assad", "al-Assad", "President Assad"} <= set(assad.aliases)
    assert assad.article_ids == ["one", "two"]


def test_a_shared_surname_goes_to_the_person_meant(entities: list[Entity]) -> None:
    leyla = _with(entities, "Leyla Mansur")
    karim = _with(entities, "Karim Mansur")
    assert leyla is not karim
    assert "Dr Mansur" in leyla.aliases  # the title says which Mansur
    assert "Dr Mansur" not in karim.aliases
    assert karim.article_ids == ["one", "two"]
    assert leyla.article_ids == ["one"]  # the second article's "Mansur" is Karim


def test_word_order_of_a_feature_name_does_not_matter(entities: list[Entity]) -> None:
    river = _with(entities, "Oru River")
    assert "River Oru" in river.aliases
    assert river.type in ("LOC", "FAC", "GPE")


def test_the_outlets_own_name_is_not_an_entity(entities: list[Entity]) -> None:
    assert not [e for e in entities if "Herald" in e.aliases]


def test_a_shared_surname_alone_resolves_to_no_one(entities: list[Entity]) -> None:
    lookup = name_lookup(entities)
    assert resolve("Mansur", lookup) is None
    assert resolve("Dr Leyla Mansur", lookup) is _with(entities, "Leyla Mansur")
    assert resolve("Mr Assad", lookup) is _with(entities, "Bashar al-Assad")


def test_a_name_the_text_calls_a_place_is_a_place() -> None:
    # The small model takes "Sarykol" here for an organisation; "the town of"
    # says otherwise, as "province" and an appositive "capital" do.
    from parallax.nlp import parse

    text = (
        "At the downstream town of Sarykol, the river crested at 9.2 metres on Wednesday. "
        "Sarykol was cut off by the evening.\n\n"
        "The president flew to the capital, Tovrin, and took control of the relief operation "
        "in Daresh province."
    )
    found = extract_entities([Article(id="a", text=text, source="Wire")], parse([text]))
    for name in ("Sarykol", "Tovrin", "Daresh"):
        assert _with(found, name).type in ("GPE", "LOC"), name


def test_a_word_without_a_capital_is_no_name() -> None:
    from parallax.nlp import parse

    text = "“The people of Daresh have shown today what solidarity means,” he said."
    found = extract_entities([Article(id="a", text=text, source="Wire")], parse([text]))
    assert not [e for e in found if e.name == e.name.lower()], [e.name for e in found]


def test_a_well_known_acronym_joins_the_name_it_spells() -> None:
    from parallax.nlp import parse

    first = "The United Nations said it stood ready to help the flooded province."
    second = "The UN launched a $30 million flash appeal on Thursday for the province."
    articles = [
        Article(id="a", text=first, source="Wire"),
        Article(id="b", text=second, source="Dispatch"),
    ]
    found = extract_entities(articles, parse([first, second]))
    un = _with(found, "United Nations")
    assert "UN" in un.aliases and un.article_ids == ["a", "b"]


def test_an_outlets_own_furniture_is_not_an_entity() -> None:
    from parallax.nlp import parse

    text = (
        "The dam failed late on Tuesday, the agency said.\n\n"
        "This story follows the Meridian Wire Trust Principles."
    )
    found = extract_entities([Article(id="a", text=text, source="Meridian Wire")], parse([text]))
    assert not [e for e in found if "Meridian" in e.name], [e.name for e in found]
