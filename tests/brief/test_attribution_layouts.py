# ruff: noqa: E501  (article prose is kept one paragraph a line)
"""Attribution layouts beyond "X said": a name and a colon, two-apostrophe
quotation marks, naming and bidding verbs, and cues of belief, stance and
finding; each on a text written for the test."""

from __future__ import annotations

import pytest

from parallax.brief.attribution import Attribution
from parallax.model import Quote

pytestmark = pytest.mark.slow


def _found(text: str) -> list[tuple[str | None, str, str, bool]]:
    """(source, content, kind, direct) of each attribution, as written."""
    from parallax.brief.attribution import find_attributions
    from parallax.nlp import parse

    found: list[Attribution] = find_attributions(parse([text])[0])
    return [
        (
            text[a.source[0] : a.source[1]] if a.source else None,
            " ".join(text[s:e] for s, e in a.content),
            a.kind,
            a.direct,
        )
        for a in found
    ]


def _quotes(text: str) -> list[Quote]:
    from parallax.brief import build_briefing
    from parallax.model import Article
    from parallax.nlp import parse

    return build_briefing([Article(id="a", text=text, source="Outlet")], parse([text])).quotes


def test_headline_name_and_colon() -> None:
    text = (
        "Ortiz: The north bridge will reopen in May\n\n"
        "The city council met on Tuesday. Mayor Lucia Ortiz said the repairs were on schedule."
    )
    assert ("Ortiz", "The north bridge will reopen in May", "speech", False) in _found(text)
    said = {q.text: q.speaker for q in _quotes(text)}
    assert said["The north bridge will reopen in May"] == "Lucia Ortiz"


def test_a_label_and_a_colon_are_not_a_speaker() -> None:
    # "Update" names no one in the article; "Chart" is followed by no statement
    text = (
        "Update: The north bridge will reopen in May.\n\n"
        "Mayor Lucia Ortiz visited the site.\n\n"
        "Ortiz: 2019"
    )
    assert [f for f in _found(text) if f[0] in ("Update", "Ortiz")] == []


def test_quotation_after_a_name_and_a_colon() -> None:
    text = "The result did not surprise analyst Hana Kowalski: “Rural turnout was always going to decide this race.”"
    assert _found(text) == [
        (
            "analyst Hana Kowalski",
            "Rural turnout was always going to decide this race.",
            "speech",
            True,
        )
    ]


def test_quotation_after_a_clause_and_a_colon() -> None:
    text = "Campaign chief Tomas Brandt fired back: “We have more volunteers in this county than they have voters.”"
    assert _found(text) == [
        (
            "Campaign chief Tomas Brandt",
            "We have more volunteers in this county than they have voters.",
            "speech",
            True,
        )
    ]


def test_two_apostrophes_mark_a_quotation() -> None:
    text = (
        "''We will not close the clinic,'' said Amara Osei, the health director.\n\n"
        "''The budget for next year is already agreed,'' she added."
    )
    said = {q.text: q.speaker for q in _quotes(text)}
    assert said == {
        "We will not close the clinic": "Amara Osei",
        "The budget for next year is already agreed": "Amara Osei",
    }
    assert all(q.direct for q in _quotes(text))


def test_naming_without_quotation_marks_but_not_a_phone_call() -> None:
    text = (
        "Dev Patel, a councillor, called the budget a betrayal of the suburbs.\n\n"
        "Later, Patel called his aides on the phone.\n\n"
        "The auditor described the accounts as incomplete and late."
    )
    found = _found(text)
    assert (
        "Dev Patel, a councillor",
        "the budget a betrayal of the suburbs",
        "speech",
        False,
    ) in found
    assert ("The auditor", "the accounts as incomplete and late", "speech", False) in found
    assert not any("aides" in content for _, content, _, _ in found)
    said = {q.text: q.speaker for q in _quotes(text)}
    assert said["called the budget a betrayal of the suburbs"] == "Dev Patel"


def test_bidding_someone_to_act() -> None:
    text = "The governor asked residents to conserve water until the reservoirs refill."
    assert _found(text) == [
        (
            "The governor",
            "residents to conserve water until the reservoirs refill",
            "speech",
            False,
        )
    ]
    assert [q.text for q in _quotes(text)] == [
        "asked residents to conserve water until the reservoirs refill"
    ]


def test_an_adverbial_or_relative_clause_is_not_what_was_said() -> None:
    text = "The rebels announced their offensive on Friday, just as a truce began between the two armies that raised hopes the fighting might ease."
    for _, content, _, _ in _found(text):
        assert "truce" not in content and "hopes" not in content


def test_beliefs_stances_and_findings_have_their_kind() -> None:
    text = (
        "Economists think interest rates will rise before the end of the year.\n\n"
        "Senator Ruth Okafor opposes the pipeline through the wetlands.\n\n"
        "Recent polls show the challenger well ahead in the northern districts."
    )
    kinds = {source: (kind, content) for source, content, kind, _ in _found(text)}
    assert kinds == {
        "Economists": ("belief", "interest rates will rise before the end of the year"),
        "Senator Ruth Okafor": ("stance", "the pipeline through the wetlands"),
        "Recent polls": ("report", "the challenger well ahead in the northern districts"),
    }
    assert _quotes(text) == []


def test_a_speaker_reported_inside_another_is_not_the_next_she() -> None:
    text = (
        "Lena Park, a nurse at the county hospital, said Governor Ana Ruiz had asked staff to stay late during the outbreak.\n\n"
        "“We were exhausted, but nobody went home,” she said."
    )
    said = {q.text: q.speaker for q in _quotes(text)}
    assert said["asked staff to stay late during the outbreak"] == "Ana Ruiz"
    assert said["We were exhausted, but nobody went home"] == "Lena Park"


def test_a_second_verb_takes_the_speaker_not_a_passive_subject() -> None:
    text = "Foreign Minister Ilse Varga said the delays could not be explained by the weather and urged the contractors to hire more crews."
    sources = {content: source for source, content, _, _ in _found(text)}
    assert sources["the contractors to hire more crews"] == "Foreign Minister Ilse Varga"


def test_words_the_parser_hangs_on_an_inserted_said_stay_in_the_content() -> None:
    # A parse the small model gives such sentences, written out so that the
    # test does not depend on the model: "Rather than …" hangs on "said".
    from spacy.tokens import Doc

    from parallax.brief.attribution import find_attributions
    from parallax.nlp import spacy_model

    rows = [
        ("Rather", "rather", "ADV", "advmod", 1),
        ("than", "than", "ADP", "prep", 9),
        ("seeing", "see", "VERB", "pcomp", 1),
        ("the", "the", "DET", "det", 5),
        ("tax", "tax", "NOUN", "compound", 5),
        ("burden", "burden", "NOUN", "nsubj", 6),
        ("rise", "rise", "VERB", "ccomp", 2),
        ("further", "far", "ADV", "advmod", 6),
        (",", ",", "PUNCT", "punct", 9),
        ("said", "say", "VERB", "parataxis", 18),
        ("Marcia", "Marcia", "PROPN", "compound", 11),
        ("Smith", "Smith", "PROPN", "nsubj", 9),
        (",", ",", "PUNCT", "punct", 11),
        ("senior", "senior", "ADJ", "amod", 15),
        ("vice", "vice", "NOUN", "compound", 15),
        ("president", "president", "NOUN", "appos", 11),
        (",", ",", "PUNCT", "punct", 18),
        ("Teck", "Teck", "PROPN", "nsubj", 18),
        ("wants", "want", "VERB", "ROOT", 18),
        ("the", "the", "DET", "det", 20),
        ("gap", "gap", "NOUN", "nsubj", 21),
        ("closed", "close", "VERB", "ccomp", 18),
        (".", ".", "PUNCT", "punct", 18),
    ]
    words = [w for w, *_ in rows]
    spaces = [i + 1 < len(words) and words[i + 1] not in (",", ".") for i in range(len(words))]
    doc = Doc(
        spacy_model().vocab,
        words=words,
        spaces=spaces,
        lemmas=[lemma for _, lemma, *_ in rows],
        pos=[pos for *_, pos, _, _ in rows],
        deps=[dep for *_, dep, _ in rows],
        heads=[head for *_, head in rows],
    )
    text = doc.text
    found = [
        (text[a.source[0] : a.source[1]] if a.source else None, [text[s:e] for s, e in a.content])
        for a in find_attributions(doc)
    ]
    assert found == [
        (
            "Marcia Smith, senior vice president",
            ["Rather than seeing the tax burden rise further", "Teck wants the gap closed"],
        )
    ]


def test_a_word_of_the_quotation_is_not_its_speaker() -> None:
    said = {
        q.text: q.speaker
        for q in _quotes(
            "Reporter Dana Whitlock left the Gazette on Tuesday.\n\n"
            "“An announcement: today I handed in my resignation to my editors,” tweeted Whitlock."
        )
    }
    assert said == {
        "An announcement: today I handed in my resignation to my editors": "Dana Whitlock"
    }


def test_a_quoted_paragraph_after_reported_speech_continues_it() -> None:
    said = {
        q.text: q.speaker
        for q in _quotes(
            "Navy spokesman Piet Lomax said the depots stored drones used against the fleet.\n\n"
            "“As these strikes show, the navy will defend its crews at sea.”"
        )
    }
    assert said["As these strikes show, the navy will defend its crews at sea."] == "Piet Lomax"


def test_a_relative_clause_with_its_own_cue_is_not_part_of_the_source() -> None:
    found = _found(
        "Maria Lopez, a teacher who said she had voted twice, told reporters the lines were long."
    )
    sources = {content: source for source, content, _, _ in found}
    assert sources["the lines were long"] == "Maria Lopez, a teacher"
    assert sources["she had voted twice"] == "who"


def test_a_transcripts_capitalised_surname_and_colon() -> None:
    found = _found(
        "Jake Tapper interviewed the governor on Sunday.\n\n"
        "TAPPER: Do you think the plan will pass the Senate this year?"
    )
    assert (
        "TAPPER",
        "Do you think the plan will pass the Senate this year",
        "speech",
        False,
    ) in found


def test_a_cue_word_without_content_is_part_of_what_was_said() -> None:
    # "continues to support" is a cue only with content of its own; cut out, it
    # left "… in the club’s favour, and is analysing the results"
    text = "Spain, whose 2015 entry into the league turned the balance decisively in the club’s favour continues to support the coach and is analysing the results, team spokeswoman Ana Ruiz said."
    said = {q.text: q.speaker for q in _quotes(text)}
    assert said == {
        "Spain, whose 2015 entry into the league turned the balance decisively in the club’s favour continues to support the coach and is analysing the results": "Ana Ruiz"
    }


def test_what_was_said_ends_at_a_coordinator_hung_on_another_clause() -> None:
    # the parser hangs "but, referring to …" on the first clause and "she added"
    # above it: the first statement used to end "… the bridge but, referring to …"
    text = "Mayor Lucia Ortiz, who visited the site, said on Monday the city was able to rebuild the bridge but, referring to the flood money the state holds, she added that “the state will have to pay.”"
    said = {q.text for q in _quotes(text) if q.speaker == "Lucia Ortiz"}
    assert said == {"The city was able to rebuild the bridge", "The state will have to pay."}


def test_a_quotation_inside_a_reported_statement_reads_on() -> None:
    # the statement's runs are parted only by the quotation mark: it used to
    # read "Washington had, grave doubts …"
    text = "Senator Tom Hale said Washington had “grave doubts about the designs and aims of the group.”"
    said = [(q.speaker, q.text) for q in _quotes(text)]
    assert said == [
        ("Tom Hale", "Washington had grave doubts about the designs and aims of the group.")
    ]
