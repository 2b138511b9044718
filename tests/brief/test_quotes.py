# ruff: noqa: E501  (article prose is kept one paragraph a line)
"""Quotes and attributions on texts written for these tests, one layout each,
and a quality floor on PolNeAR."""

from __future__ import annotations

from types import ModuleType

import pytest
from tests.conftest import bench_module, shared_data

from parallax.model import Article, Quote

pytestmark = pytest.mark.slow


def _quotes(*texts: str) -> list[Quote]:
    from parallax.brief import build_briefing
    from parallax.nlp import parse

    articles = [Article(id=f"a{i}", text=t, source=f"Outlet {i}") for i, t in enumerate(texts)]
    return build_briefing(articles, parse(list(texts))).quotes


def _one(quotes: list[Quote], start: str) -> Quote:
    found = [q for q in quotes if q.text.startswith(start)]
    assert len(found) == 1, [q.text for q in quotes]
    return found[0]


def test_speaker_before_and_after_the_quote() -> None:
    quotes = _quotes(
        "Harbour master Ines Calder said: “We will reopen the north channel on Friday.”\n\n"
        "“The pilots are ready to go back to work,” said Pavel Orlov, who leads the pilots’ union.\n\n"
        "“Nobody has been paid since March,” Orlov told reporters."
    )
    assert _one(quotes, "We will reopen").speaker == "Ines Calder"
    assert _one(quotes, "The pilots are ready").speaker == "Pavel Orlov"
    assert _one(quotes, "Nobody has been paid").speaker == "Pavel Orlov"
    assert all(q.direct for q in quotes)


def test_a_named_possessor_is_not_the_speaker() -> None:
    quotes = _quotes(
        "Mayor Ruth Calloway’s spokesman said the bridge would reopen on Monday after repairs."
        "\n\nPrime Minister Anders Holm’s new cabinet asked people to stay at home during the "
        "storm, officials said."
    )
    assert _one(quotes, "The bridge would reopen").speaker == "Mayor Ruth Calloway’s spokesman"
    assert _one(quotes, "asked people").speaker == "Prime Minister Anders Holm’s new cabinet"


def test_interrupted_quote_is_one_item_and_resumed_quote_another() -> None:
    quotes = _quotes(
        "“We had no choice,” Marta Lindqvist said, “because the levee was already failing.” "
        "She spoke at the town hall. “The next flood will be worse if we wait.”"
    )
    joined = _one(quotes, "We had no choice")
    assert "because the levee was already failing" in joined.text
    assert joined.speaker == "Marta Lindqvist"


def test_quote_over_several_paragraphs_and_a_quoted_paragraph_that_continues() -> None:
    quotes = _quotes(
        "Tomasz Wrona, a farmer, said the water arrived before dawn.\n\n"
        "“We lost the barn, the tractor and most of the herd in one night,” Wrona said.\n\n"
        "“My father built that barn with his own hands.”\n\n"
        "The regional governor, Elena Brandt, said: “Every family will be compensated in full.\n\n"
        "“The money is already in the budget and will be paid within a month.”"
    )
    assert _one(quotes, "My father built").speaker == "Tomasz Wrona"
    both = _one(quotes, "Every family will be compensated")
    assert "will be paid within a month" in both.text
    assert both.speaker == "Elena Brandt"


def test_pronouns_take_the_last_named_speaker() -> None:
    quotes = _quotes(
        "Finance Minister Carla Mendes defended the budget on Tuesday.\n\n"
        "“These cuts are painful but necessary for the recovery,” she said.\n\n"
        "Opposition leader Rui Falcão disagreed. “This budget punishes the poorest families,” he said.\n\n"
        "He added that his party would vote against it in parliament next week."
    )
    assert _one(quotes, "These cuts are painful").speaker == "Carla Mendes"
    assert _one(quotes, "This budget punishes").speaker == "Rui Falcão"
    added = _one(quotes, "His party would vote against")
    assert added.speaker == "Rui Falcão" and not added.direct


def test_organisations_and_offices_speak() -> None:
    quotes = _quotes(
        "The State Department said in a statement that the embassy would stay open through the holiday.\n\n"
        "Senator Ruth Okafor visited the border crossing on Monday.\n\n"
        "A statement from her office said: “The senator will press for more inspectors at every crossing.”"
    )
    embassy = _one(quotes, "The embassy would stay open")
    assert embassy.speaker == "State Department" and not embassy.direct
    office = _one(quotes, "The senator will press")
    assert office.speaker is not None
    assert "Ruth Okafor" in office.speaker and "office" in office.speaker


def test_reported_speech_and_according_to() -> None:
    quotes = _quotes(
        "Mayor Daniel Osei said that the evacuation order would remain in force until the weekend.\n\n"
        "Three ships were damaged in the storm, according to the Harbour Authority.\n\n"
        "Power will be restored to most homes by Thursday, officials said.\n\n"
        "Osei, who has led the city since 2019, told reporters that schools would reopen on Monday.\n\n"
        "The fire chief, Lena Park, urged residents to stay away from the river banks."
    )
    reported = {q.text: q.speaker for q in quotes if not q.direct}
    assert reported["The evacuation order would remain in force until the weekend"] == "Daniel Osei"
    assert reported["Three ships were damaged in the storm"] == "Harbour Authority"
    assert reported["Power will be restored to most homes by Thursday"] == "officials"
    assert reported["Schools would reopen on Monday"] == "Daniel Osei"
    assert reported["urged residents to stay away from the river banks"] == "Lena Park"


def test_scare_quotes_are_not_items_but_a_quoted_label_is() -> None:
    quotes = _quotes(
        "The so-called “bold experiment” was approved on Tuesday.\n\n"
        "The river rose by two metres overnight and flooded the lower town.",
        "Senator Hana Berg called the plan “a reckless gamble with public money”.",
    )
    assert [(q.speaker, q.text, q.direct) for q in quotes] == [
        ("Hana Berg", "called the plan “a reckless gamble with public money”", False)
    ]


def test_same_quote_in_several_outlets_is_one_item_with_variants() -> None:
    full = "“We will rebuild every bridge and every school before winter,” Governor Ana Ruiz said."
    quotes = _quotes(
        f"The flood destroyed four bridges.\n\n{full}",
        f"Rescue teams arrived on Monday.\n\n{full}",
        "Governor Ana Ruiz spoke in the capital. “We will rebuild every bridge,” Ruiz said.",
        "“We shall rebuild every bridge and every school before the winter,” Governor Ana Ruiz said.",
    )
    item = _one(quotes, "We will rebuild every bridge and every school")
    assert item.speaker == "Ana Ruiz"
    assert item.article_ids == ["a0", "a1", "a2", "a3"]
    by_text = {v.text: v for v in item.variant_details}
    assert set(item.variants) == set(by_text)
    trimmed = by_text["We will rebuild every bridge"]
    assert trimmed.trimmed and trimmed.article_ids == ["a2"]
    altered = by_text["We shall rebuild every bridge and every school before the winter"]
    assert not altered.trimmed and altered.article_ids == ["a3"]


def test_different_speakers_keep_their_own_quotes() -> None:
    quotes = _quotes(
        "“The dam was inspected last year and found safe,” said engineer Paolo Conti.",
        "“The dam was inspected last year and found unsafe,” said activist Mira Hasan.",
    )
    speakers = {q.speaker for q in quotes}
    assert speakers == {"Paolo Conti", "Mira Hasan"}


def test_attribution_spans_are_as_written() -> None:
    from parallax.brief.attribution import find_attributions
    from parallax.nlp import parse

    text = "“The talks are over,” the union’s spokesman, Jan Novak, said on Friday. The ministry said it would respond."
    found = find_attributions(parse([text])[0])
    spans = [
        (text[a.source[0] : a.source[1]] if a.source else None, [text[s:e] for s, e in a.content])
        for a in found
    ]
    assert spans == [
        ("the union’s spokesman, Jan Novak", ["The talks are over,"]),
        ("The ministry", ["it would respond"]),
    ]


def test_beliefs_stances_and_plans_are_attributions_but_not_quotes() -> None:
    from parallax.brief.attribution import find_attributions
    from parallax.nlp import parse

    text = (
        "Economists expect that grain prices will fall sharply after the harvest.\n\n"
        "Senator Ruth Okafor criticized the new tariff on imported fertiliser.\n\n"
        "The farmers’ union has called for an inquiry into the grain board.\n\n"
        "Minister Ivo Petrov said the tariff would stay in place until spring."
    )
    found = find_attributions(parse([text])[0])
    kinds = {
        text[a.source[0] : a.source[1]]: (a.kind, " ".join(text[s:e] for s, e in a.content))
        for a in found
        if a.source
    }
    assert kinds["Economists"] == (
        "belief",
        "that grain prices will fall sharply after the harvest",
    )
    assert kinds["Senator Ruth Okafor"][0] == "stance"
    assert "the new tariff" in kinds["Senator Ruth Okafor"][1]
    assert kinds["The farmers’ union"] == ("stance", "an inquiry into the grain board")
    assert kinds["Minister Ivo Petrov"][0] == "speech"
    assert [q.speaker for q in _quotes(text)] == ["Ivo Petrov"]


# bench/quotes.py's evaluate on the first 20 PolNeAR dev texts measured, with
# all kinds of attribution scored: pair overlap P 0.737, R 0.599, F1 0.661;
# source exact F1 0.656; content overlap F1 0.721; and on speech alone
# (speech cues in gold, speech predicted): source exact F1 0.805, content
# overlap F1 0.855, pair overlap F1 0.809.  The cue lexicon now takes cues
# right in 40% of their uses (it raised F1 on train), so pair precision sits
# lower than the 0.80 measured before it and recall higher than the 0.54.
# Since the speaker work of issue 17, the same 20 texts measure speech source
# exact F1 0.811 (P 0.836, R 0.787), speech pair overlap F1 0.814.
FLOOR_PAIR_PRECISION = 0.71
FLOOR_PAIR_RECALL = 0.57
FLOOR_PAIR_OVERLAP_F1 = 0.64
FLOOR_SOURCE_EXACT_F1 = 0.63
FLOOR_CONTENT_OVERLAP_F1 = 0.70
FLOOR_SPEECH_SOURCE_EXACT_F1 = 0.79
FLOOR_SPEECH_CONTENT_OVERLAP_F1 = 0.83
FLOOR_SPEECH_PAIR_OVERLAP_F1 = 0.78


@pytest.fixture(scope="module")
def bench_quotes() -> ModuleType:
    return bench_module("quotes", "polnear")


@pytest.mark.data
def test_polnear_dev_floor(bench_quotes: ModuleType) -> None:
    # The first 20 dev texts only (about 20 s), to keep the suite short; the
    # floors above sit a little below what the benchmark measured on them.
    from parallax.nlp import parse

    items = bench_quotes.load(shared_data(), "dev", 20)
    report = bench_quotes.evaluate(items, parse([text for _, text, _ in items]))
    assert report.overlap["pair"].prf()[0] >= FLOOR_PAIR_PRECISION
    assert report.overlap["pair"].prf()[1] >= FLOOR_PAIR_RECALL
    assert report.f1("source", exact=True) >= FLOOR_SOURCE_EXACT_F1
    assert report.f1("content") >= FLOOR_CONTENT_OVERLAP_F1
    assert report.f1("pair") >= FLOOR_PAIR_OVERLAP_F1
    assert report.speech["source"].prf()[2] >= FLOOR_SPEECH_SOURCE_EXACT_F1
    assert report.speech["content"].prf()[2] >= FLOOR_SPEECH_CONTENT_OVERLAP_F1
    assert report.speech["pair"].prf()[2] >= FLOOR_SPEECH_PAIR_OVERLAP_F1


# --- speaker correctness (issue 17: who said what) ----------------------------------


def test_two_people_sharing_a_surname_are_never_conflated() -> None:
    quotes = _quotes(
        "At the clinic, the head nurse, Dr Sara Haddad, described a long night.\n\n"
        "“We ran out of bandages before midnight,” Dr Haddad said.\n\n"
        "In the hamlet of Brisk, 4km upstream, Omar Haddad, a 61-year-old shepherd, said he "
        "had lost most of his flock. “The river took forty sheep in an hour,” he said.\n\n"
        "“Nobody warned the shepherds up here,” Haddad added."
    )
    assert _one(quotes, "We ran out of bandages").speaker == "Sara Haddad"
    assert _one(quotes, "The river took forty sheep").speaker == "Omar Haddad"
    # a bare surname two people of the article share names neither of them
    assert _one(quotes, "Nobody warned the shepherds").speaker not in ("Sara Haddad", "Omar Haddad")


def test_a_quotation_without_a_cue_is_not_its_neighbours() -> None:
    quotes = _quotes(
        "The navy struck two depots on Sunday, drawing protests of a “grave and deliberate "
        "breach of our waters” from the country’s coastguard. The depots stored drones used "
        "against the fleet, according to a statement from navy spokesman Piet Lomax."
    )
    assert not any(q.text.startswith("grave and deliberate") for q in quotes)


def test_an_outlet_is_never_a_speaker() -> None:
    from parallax.brief import build_briefing
    from parallax.nlp import parse

    text = (
        "The Courier can reveal that the contract to repair the bridge went to a firm owned "
        "by the mayor’s cousin.\n\n"
        "Hana Ruzicka, an engineer, said the repairs were never finished."
    )
    article = Article(id="c", text=text, source="Evening Courier")
    quotes = build_briefing([article], parse([text])).quotes
    assert [q.speaker for q in quotes] == ["Hana Ruzicka"]


def test_a_title_is_the_person_the_text_names() -> None:
    quotes = _quotes(
        "President Ilse Varga took charge of the relief effort on Monday.\n\n"
        "Speaking on state radio, the head of state said: “Every family will get a new home.”\n\n"
        "Minister of Transport Pavel Drozd said the northern railway would reopen within a "
        "week. The damage was “far less than we feared”, the minister said.",
        "Officials met in the capital. “The roads are closed until further notice,” the "
        "Minister said.",
    )
    assert _one(quotes, "Every family will get").speaker == "Ilse Varga"
    assert [q.speaker for q in quotes if "far less than we feared" in q.text] == ["Pavel Drozd"]
    # nobody named: the title as a description, in the case it reads mid-sentence
    assert _one(quotes, "The roads are closed").speaker == "minister"


def test_one_speakers_quote_in_two_wordings_is_one_item() -> None:
    quotes = _quotes(
        "“I heard a roar like an aeroplane, then the water was in the kitchen,” said Ravi "
        "Menon, a farmer.",
        "Ravi Menon said: “I heard a roar like a jet plane and then the water was in my kitchen.”",
    )
    roar = _one(quotes, "I heard a roar")
    assert roar.article_ids == ["a0", "a1"] and len(roar.variants) == 1


def test_only_real_speakers_are_listed() -> None:
    quotes = _quotes(
        "Satellite images show the reservoir filled almost to the crest of the dam.\n\n"
        "Locals say work at the site stopped after a few months.\n\n"
        "Officials said the spillway had been opened on Monday morning."
    )
    assert [q.speaker for q in quotes] == ["officials"]


def test_a_name_that_only_qualifies_the_speakers_is_not_the_speaker() -> None:
    quotes = _quotes(
        "Obama administration officials dismissed the report, saying the figures had been "
        "public for years.\n\n"
        "The Iranian foreign minister said the talks would resume in Vienna next month."
    )
    # a nationality keeps its capital
    assert {q.speaker for q in quotes} == {
        "Obama administration officials",
        "Iranian foreign minister",
    }


def test_findings_and_relative_possessors_are_not_speakers() -> None:
    quotes = _quotes(
        "A jury in Dover had found the guard guilty of assault on Tuesday.\n\n"
        "The union, whose members walked out in March, said the ruling would change nothing."
    )
    assert [q.speaker for q in quotes] == ["union"]


def test_one_speaker_is_never_two_differing_in_case() -> None:
    quotes = _quotes(
        "The Harbour Authority said three cranes were damaged in the storm.",
        "The harbour authority said the north quay would stay closed until Friday.",
    )
    assert {q.speaker for q in quotes} == {"Harbour Authority"}


def test_a_wire_dateline_is_not_part_of_what_was_said() -> None:
    quotes = _quotes(
        "VARNHOLM, Ostria, March 12 (Wire Agency) – The Kessel dam gave way late on Monday, "
        "flooding the lower town, the emergency agency said."
    )
    assert [q.text for q in quotes] == [
        "The Kessel dam gave way late on Monday, flooding the lower town"
    ]


def test_what_a_cue_says_was_not_said_is_no_ones_statement() -> None:
    # "Mr. Mueller did not say that Mr. Stone's interactions … were illegal"
    # showed as Mueller's statement that they were illegal (a real story).
    quotes = _quotes(
        "The inspector did not say that the harbour pilots had broken the law.\n\n"
        "Mayor Ruth Calloway would not say if she plans to close the north quay.\n\n"
        "The port authority declined to say whether the cranes were insured.\n\n"
        "Pavel Orlov said the pilots would return to work on Monday."
    )
    assert [(q.speaker, q.text) for q in quotes] == [
        ("Pavel Orlov", "The pilots would return to work on Monday")
    ]


def test_a_denial_reads_as_one() -> None:
    # "…, denying he had records sought by the committee" showed as
    # "Roger Stone: He had records sought by the committee" (a real story).
    quotes = _quotes(
        "The harbour master denied that the north channel had been closed for repairs."
    )
    assert [q.text for q in quotes] == ["denied that the north channel had been closed for repairs"]


def test_whom_one_tells_is_not_the_speaker() -> None:
    # "The man … but told the Post that he was not working on the FBI's
    # behalf" showed as "Post: …" (a real story): a told object was taken
    # for a subject placed after its verb ("…, said Fidan").
    from parallax.brief.attribution import find_attributions
    from parallax.nlp import parse

    text = "The pilot had worked for the harbour board, but told the Gazette that he was not working for the board in May."
    found = find_attributions(parse([text])[0])
    assert [text[a.source[0] : a.source[1]] for a in found if a.source] == ["The pilot"]


def test_a_place_that_says_where_a_document_was_filed_is_not_its_source() -> None:
    # "According to a 2012 bankruptcy petition filed in Miami, Mr. Sayoc
    # resided …" showed as "Miami: …" (a real story).
    quotes = _quotes(
        "According to a 2029 court filing in Bergen, Mr. Halvorsen lived at his sister's flat at the time."
    )
    assert "Bergen" not in [q.speaker for q in quotes]


def test_a_name_that_takes_who_is_a_person_a_pronoun_points_back_to() -> None:
    # "…,” diGenova, who has informally been an adviser to the president …,
    # told Fox News. … He added: “For those of us who have been prosecutors …”"
    # showed the last quotation as Robert Mueller's (a real story): the model
    # typed diGenova an organisation, so "he" skipped him.
    quotes = _quotes(
        "Mayor Ruth Calloway had asked the harbour board to wait.\n\n"
        "“I am appalled that the board has used its powers against a man who was willing to talk,” diMarco, who has advised the mayor for years, told the Gazette.\n\n"
        "He added: “For those of us who have run ports, these tactics are reserved for smugglers.”"
    )
    assert _one(quotes, "For those of us").speaker == "diMarco"


def test_a_cue_in_the_next_paragraph_does_not_claim_a_quotation() -> None:
    # "The July 2018 indictment … referred to Stone as “a person who was in
    # regular contact with …”¶Stone has described his contact … as
    # “benign.”" showed the first quotation as Stone's (a real story): the
    # parser's sentence ran over the paragraph break.
    quotes = _quotes(
        "The 2030 report of the harbour inspectors on the collapse of the north quay during the winter storm referred to Halvorsen as “a man who was in regular contact with senior members of the board of Marek Olsen.”\n\n"
        "Halvorsen has described his contact with the inspectors ― who used the name “North Desk” ― as “friendly.”"
    )
    assert not [q for q in quotes if q.text.startswith("a man who") and q.speaker == "Halvorsen"]


def test_according_to_never_runs_past_its_paragraph() -> None:
    # "Stone was “contacted by …” by WikiLeaks, according to the indictment,
    # which refers to WikiLeaks as “Organization 1.”¶Stone’s attorney, Grant
    # Smith, said in a statement that …" gave the indictment both
    # paragraphs (a real story): the parser's sentence ran over the break.
    quotes = _quotes(
        "Halvorsen was “contacted by senior board officials to inquire about future sales” by the buyers, according to the report, which refers to the buyers as “Company 1.”\n\n"
        "Halvorsen’s lawyer, Grant Olsen, said in a statement that “there was no collusion” and that the charges were “a clear attempt at silencing Marek.”"
    )
    by_report = [q.text for q in quotes if q.speaker == "report"]
    assert by_report and not any("Olsen" in t for t in by_report), [
        (q.speaker, q.text) for q in quotes
    ]


def test_a_quotation_that_ended_its_sentence_is_not_the_next_cues_content() -> None:
    # '… which refers to the buyers as “Company 1.” Halvorsen’s lawyer, Grant
    # Olsen, said in a statement that …' gave the lawyer "Company 1., that
    # there was no collusion …" (seen while checking a real story).
    from parallax.brief.attribution import find_attributions
    from parallax.nlp import parse

    text = (
        "The report refers to the buyers as “Company 1.” Halvorsen’s lawyer, Grant Olsen, said in a statement"
        " that “there was no collusion” and that the charges were false."
    )
    found = find_attributions(parse([text])[0])
    olsen = [a for a in found if a.source and "Olsen" in text[a.source[0] : a.source[1]]]
    assert olsen and not any("Company" in text[s:e] for a in olsen for s, e in a.content)


def test_he_is_never_a_woman_the_article_calls_ms() -> None:
    # "… Ms. Pelosi …" then "a combative session last month when he said he
    # would insist that any government spending bill include money for a
    # border wall" showed as Nancy Pelosi's (a real story: "he" was Trump).
    quotes = _quotes(
        "Representative Ines Calder of Bergen, who is in line to be elected speaker on Thursday, said the talks on the harbour budget had failed again.\n\n"
        "It was the mayor's first meeting with the council leaders since a combative session last month when he said he would insist that any spending bill include money for a new sea wall.\n\n"
        "Ms. Calder said the council would vote on the harbour budget on Friday."
    )
    assert not [q for q in quotes if "sea wall" in q.text and "Calder" in (q.speaker or "")]


def test_a_person_named_inside_reported_words_is_not_whom_he_points_to() -> None:
    # "A spokeswoman … confirmed … that Sayoc attended the school … Wray
    # elaborated … “These are not hoax devices,” he said." showed the
    # quotation as Cesar Sayoc's (a real story).
    quotes = _quotes(
        "A spokeswoman for Bergen College confirmed to the Gazette that Halvorsen attended the school for three semesters and did not graduate.\n\n"
        "Authorities were initially vague about the packages, calling them simply “suspected devices.” Voss elaborated at the briefing that each device contained a small clock and wiring. “These are not hoax devices,” he said."
    )
    assert not [
        q for q in quotes if q.text.startswith("These are not") and q.speaker == "Halvorsen"
    ]


def test_she_points_back_to_the_name_set_beside_a_subject() -> None:
    # "The White House press secretary, Sarah Huckabee Sanders, sought to …
    # “…,” she told CNN." left the quotation without a speaker (a real story).
    quotes = _quotes(
        "Peter Rock, a builder, was arrested at his home on Friday. Mr. Rock appeared in court in Bergen.\n\n"
        "The council's press secretary, Sarah Lind, sought to distance the mayor from the charges. “The charges have nothing to do with the mayor,” she told reporters."
    )
    said = {q.text: q.speaker for q in quotes}
    assert said["The charges have nothing to do with the mayor"] == "Sarah Lind"


def test_a_surname_the_ner_misreads_is_still_the_person_who_bears_it() -> None:
    # "Stone said he plans to plead not guilty … “I look forward to being
    # fully and completely vindicated,” he said." went to the woman named
    # before him: the NER read "Stone" alone as an organisation (a real story).
    quotes = _quotes(
        "Roger Stone, a political consultant, was arrested at his home on Friday.\n\n"
        "Kristin Davis, a friend of his, told reporters that agents also searched the flat she shared with Stone.\n\n"
        "After appearing in court on Friday, Stone said he plans to plead not guilty, calling the case “politically motivated.”\n\n"
        "“I look forward to being fully vindicated,” he said."
    )
    said = {q.text: q.speaker for q in quotes}
    assert said["I look forward to being fully vindicated"] == "Roger Stone"
    # and "Stone said …" is his too, not a speaker of its own named "Stone"
    assert said["He plans to plead not guilty"] == "Roger Stone"
