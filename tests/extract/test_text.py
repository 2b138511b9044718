"""Plain-text clean-up on invented pastes in several outlets' page styles."""

# The pastes below keep one paragraph per line, as pages deliver them.
# ruff: noqa: E501

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from parallax.extract import ExtractionError, extract
from parallax.extract.text import clean
from parallax.model import Document

# A US metro daily as pasted from its website: menu, logo, section, byline,
# dateline, a credited photo, an ad slot, a subheading, a quote spanning two
# paragraphs, a copyright footer and a "More from" teaser list.
METRO_DAILY = """\
Menu
Search
The Lakeside Tribune
Politics
By Maria Gonzalez and Tom Becker
Updated 3:45 PM EST, Tue March 4, 2025

County board approves flood barrier after decade of delays

The Harlan County board voted 5-2 on Tuesday to fund a permanent flood barrier along the Mill River, ending a dispute that has stalled the project since 2015.

Residents fill sandbags near the river on Monday. (Photo by Jane Roe/Getty Images)

The barrier will cost an estimated $48 million, with two-thirds coming from a state resilience grant approved last spring.

Advertisement

Board chair Linda Okafor said the vote reflected years of pressure from riverside neighbourhoods.

What comes next

Construction is expected to begin in the autumn and last roughly three years.

"We have watched basements fill with water every other spring for a generation.

"Tonight we finally told those families that help is coming," Okafor said.

Critics on the board argued the grant terms leave the county exposed to cost overruns.

Copyright 2025 The Lakeside Tribune. All rights reserved.

More from Politics

Mayor unveils plan to repave downtown streets by 2027

The three-phase plan would close parts of Main Street for up to six weeks at a time.

School district weighs later start times for high schools

Parents are split on a proposal to push the first bell back by 45 minutes.
"""

# A British tabloid as pasted from an app: one line per paragraph, no blank
# lines, mojibake, captions without closing punctuation, inline teasers,
# share prompts and a comment counter.
TABLOID = """\
Pensioner, 84, wins village bake-off for the ninth year running
A pensioner has won her village bake-off for the ninth year in a row, beating 40 rivals with a lemon drizzle she says she \u00e2\u20ac\u0153could make in her sleep\u00e2\u20ac\u009d.
Edna Marsh, from Little Havering in Essex, has entered the contest every summer since she retired from teaching in 2006.
Edna Marsh holds her winning lemon drizzle cake outside the village hall in Little Havering
The judges praised her sponge as light and perfectly balanced.\u00c2
Share this article
Read more: Baker's dozen of village fetes cancelled over the bank holiday
Organisers said entries were up by a third on last year, with several first-time bakers under the age of 16.
Edna Marsh with her grandchildren at the village fete. Picture: Alamy
She plans to hand on her recipe to her granddaughter, who came third.
Comments (12)
"""


def test_metro_daily_keeps_every_sentence_and_drops_furniture() -> None:
    result = extract(Document(body=METRO_DAILY, is_html=False, origin="metro.txt"))
    text = result.text
    for sentence in (
        "The Harlan County board voted 5-2 on Tuesday",
        "The barrier will cost an estimated $48 million",
        "Board chair Linda Okafor said the vote",
        "Construction is expected to begin in the autumn",
        '"We have watched basements fill with water',
        '"Tonight we finally told those families',
        "Critics on the board argued",
    ):
        assert sentence in text
    for clutter in ("Menu", "Getty Images", "Advertisement", "All rights reserved", "repave"):
        assert clutter not in text
    assert "Parents are split" not in text
    assert result.title == "County board approves flood barrier after decade of delays"
    assert result.source == "The Lakeside Tribune"
    assert result.section == "Politics"
    assert result.author == "Maria Gonzalez, Tom Becker"
    assert result.published == datetime(2025, 3, 4, 15, 45, tzinfo=result.published.tzinfo)
    assert result.published is not None and result.published.utcoffset() == timedelta(hours=-5)
    assert "Advertisement" in result.removed
    assert result.title not in result.removed


def test_paragraphs_are_separated_by_blank_lines() -> None:
    text = extract(Document(body=TABLOID, is_html=False)).text
    assert "\n\n" in text
    assert "\n\n\n" not in text
    assert all(part.strip() == part and part for part in text.split("\n\n"))


def test_tabloid_captions_teasers_and_mojibake() -> None:
    result = extract(Document(body=TABLOID, is_html=False))
    text = result.text
    assert "“could make in her sleep”." in text  # mojibake repaired, curly quotes kept
    assert "Â" not in text and "â€" not in text
    assert "The judges praised her sponge as light and perfectly balanced." in text
    assert "She plans to hand on her recipe" in text
    assert "Organisers said entries were up by a third" in text
    for clutter in ("holds her winning", "Picture: Alamy", "Share this", "Read more", "Comments"):
        assert clutter not in text
    assert result.title == "Pensioner, 84, wins village bake-off for the ninth year running"
    assert len(result.removed) == 5


def test_article_ending_in_short_sentence_is_kept_whole() -> None:
    body = (
        "Two hikers were rescued from the summit of Ben Arlow on Saturday after becoming "
        "stranded in thick fog.\n\n"
        "Mountain rescue volunteers reached the pair shortly before midnight.\n\n"
        "Both were unhurt.\n\nHe declined to comment.\n"
    )
    result = extract(Document(body=body, is_html=False))
    assert result.text.count("\n\n") == 3
    assert result.removed == ()


def test_teaser_heading_does_not_cut_an_article_that_continues() -> None:
    body = (
        "The harbour authority in Port Veland closed the northern quay on Friday after "
        "cracks were found in the harbour wall.\n\n"
        "Engineers said the harbour wall had been weakened by winter storms.\n\n"
        "Latest developments\n\n"
        "On Sunday the harbour authority said engineers would inspect the northern quay "
        "again before any ferries return.\n\n"
        "Ferry operators said the quay closure had already cost them two sailings a day "
        "from the harbour.\n"
    )
    text = extract(Document(body=body, is_html=False)).text
    assert "On Sunday the harbour authority" in text
    assert "Ferry operators said" in text


def test_teaser_list_of_unrelated_stories_is_cut_to_the_end() -> None:
    body = (
        "Scientists at the Orvik Institute have mapped the migration of eels across the "
        "Baltic using tiny acoustic tags.\n\n"
        "The eels travelled up to 60 kilometres a night, the team reported.\n\n"
        "Trending now\n\n"
        "Celebrity chef opens third restaurant in the capital\n\n"
        "The new venue will seat 120 diners and serve a seasonal tasting menu every evening.\n\n"
        "Transport minister resigns over rail contract row\n\n"
        "Opposition parties had demanded an inquiry into how the contract was awarded.\n"
    )
    result = extract(Document(body=body, is_html=False))
    assert result.text.endswith("the team reported.")
    assert "Trending now" in result.removed


def test_wire_byline_at_the_end_becomes_author_and_source() -> None:
    body = (
        "Heavy rain flooded parts of the old town of Castelmar on Wednesday, cutting power "
        "to about 3,000 homes.\n\n"
        "Firefighters pumped water from cellars through the night.\n\n"
        "By Associated Press\n"
    )
    result = extract(Document(body=body, is_html=False))
    assert result.author == "Associated Press"
    assert result.source == "Associated Press"
    assert "Associated Press" not in result.text


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("5 March 2025, 09:30", datetime(2025, 3, 5, 9, 30, tzinfo=UTC)),
        ("Published 14.02 GMT, 5 March 2025", datetime(2025, 3, 5, 14, 2, tzinfo=UTC)),
        ("Wed 5 Mar 2025 18.10 BST", datetime(2025, 3, 5, 17, 10, tzinfo=UTC)),
        ("March 5, 2025 9:30 AM EDT", datetime(2025, 3, 5, 13, 30, tzinfo=UTC)),
    ],
)
def test_datelines_become_aware_datetimes(line: str, expected: datetime) -> None:
    body = (
        f"Storm closes mountain passes\n\n{line}\n\n"
        "Snowfall of up to a metre closed three mountain passes overnight, the roads agency said.\n"
    )
    result = extract(Document(body=body, is_html=False))
    assert result.published == expected
    assert line not in result.text


def test_document_metadata_wins_over_page_furniture() -> None:
    given = datetime(2025, 1, 2, 8, 0, tzinfo=UTC)
    doc = Document(
        body=METRO_DAILY,
        is_html=False,
        title="Flood barrier approved",
        source="Feed Outlet",
        author="Feed Author",
        published=given,
    )
    result = extract(doc)
    assert (result.title, result.source, result.author, result.published) == (
        "Flood barrier approved",
        "Feed Outlet",
        "Feed Author",
        given,
    )


def test_hard_wrapped_paragraphs_are_rejoined_not_dropped() -> None:
    body = (
        "The regional council has approved a new cycle lane along the seafront\n"
        "promenade, linking the ferry terminal with the old harbour district by\n"
        "next summer.\n\n"
        "Councillors said the route would take cyclists off the busy coast road.\n"
    )
    text = extract(Document(body=body, is_html=False)).text
    assert "seafront promenade, linking" in text
    assert text.count("\n\n") == 1


def test_subheadings_may_stay_but_sentences_never_go() -> None:
    body = (
        "Talks between the two unions and the rail operator resumed on Thursday in a bid "
        "to end the strike.\n"
        "Unions want pay rise\n"
        "The unions are asking for a 6% rise backdated to April.\n"
        "Operator offer unchanged: spokesperson\n"
        "A spokesperson said the operator's offer of 4% still stood.\n"
    )
    kept = extract(Document(body=body, is_html=False)).text
    sentences = [line for line in body.splitlines() if line.endswith(".")]
    assert all(sentence in kept for sentence in sentences)


@pytest.mark.parametrize(
    "body",
    [
        "",
        "   \n\n  ",
        "Sign up to read this article\nAlready a member? Sign in\nDownload the app\n",
        "\x00\x01\x02\x03binary\x04\x05\x06" * 50,
    ],
)
def test_no_article_is_a_readable_error(body: str) -> None:
    with pytest.raises(ExtractionError, match=r"in paste\.txt"):
        extract(Document(body=body, is_html=False, origin="paste.txt"))


def test_huge_text_is_refused_with_a_clear_message() -> None:
    with pytest.raises(ExtractionError, match="too large"):
        extract(Document(body="word " * 1_100_000, is_html=False, origin="big.txt"))


def test_every_line_is_labelled() -> None:
    cleaned = clean(METRO_DAILY)
    assert {line.kind for line in cleaned.lines} == {"body", "title", "meta", "clutter"}
    assert all(line.reason for line in cleaned.lines if line.kind != "body")
    assert not any(
        re.search(r"\(Photo by", line.text) for line in cleaned.lines if line.kind == "body"
    )


# A news-aggregator app wrapper in a wording of its own, around a regional story.
APP_WRAPPER = """\
Read without limits.
Open in app
Continue reading with a free trial
Northfield Gazette
Environment
Priya Raman

River otters return to the Wenn after forty years

Otters have been filmed on the River Wenn for the first time since the 1980s, wildlife volunteers said on Friday.

The footage, captured by a motion-triggered camera near Ashby weir, shows two adults and a cub.

Volunteers credited a decade of work to cut farm run-off into the river.

Subscribe now
Already a subscriber? Log in
Editor's picks
Councils promise faster pothole repairs this winter
"""


def test_app_wrapper_in_other_words() -> None:
    result = extract(Document(body=APP_WRAPPER, is_html=False))
    assert result.text.split("\n\n") == [
        line for line in APP_WRAPPER.splitlines() if line.endswith(".") and len(line) > 40
    ]
    assert (result.source, result.section, result.author) == (
        "Northfield Gazette",
        "Environment",
        "Priya Raman",
    )
    assert result.title == "River otters return to the Wenn after forty years"


def test_list_items_without_full_stops_are_article_text() -> None:
    body = (
        "The city council has set out how it will spend this year's transport budget of "
        "twelve million pounds.\n\n"
        "• Four new electric buses for the routes serving the hospital and the university\n"
        "• A protected cycle lane along the length of the ring road and canal towpath\n"
        "• Longer opening hours for the park-and-ride sites on match days and weekends\n\n"
        "The plans will be voted on next month.\n"
    )
    text = extract(Document(body=body, is_html=False)).text
    assert "Four new electric buses" in text
    assert "park-and-ride" in text


def test_text_wrapped_at_a_margin_is_rejoined_even_before_capitals() -> None:
    body = (
        "Rescue teams in the valley of Marlen reached the last of the stranded\n"
        "Villagers on Thursday after three days of flooding cut the only road\n"
        "into the village, the regional civil protection agency said.\n\n"
        "The agency said the road would stay closed until engineers could check\n"
        "the bridge at Lower Marlen, which was damaged by debris.\n"
    )
    text = extract(Document(body=body, is_html=False)).text
    assert text.count("\n\n") == 1
    assert "stranded Villagers on Thursday" in text
    assert "check the bridge" in text


# A regional site as pasted from a browser: a menu of sections, two lines of
# page furniture of three or more words above the headline, the section label
# nearest the headline, a bare author name, buttons and counters between the
# paragraphs, an inline teaser, a paywall line mid-article and footer links.
REGIONAL_SITE = """\
Jump to navigation
News
Sport
Business
Your weekly digest, delivered
Coastline Evening Argus
Environment
Tidal lagoon plan wins backing from harbour board
Ines Valcourt
Plans for a tidal lagoon off Grayhaven moved a step closer on Tuesday after the harbour board voted to back the scheme.
Save
The lagoon would generate electricity for about 40,000 homes, its backers say. Construction could start in 2027.
1.4k shares
Read more: Ferry fares to rise by a fifth from April
Fishermen fear the lagoon walls will close traditional fishing grounds near the harbour mouth. The harbour board said it would commission a study of the fishing grounds before work begins.
Already a subscriber? Sign in to keep reading
The lagoon's backers now need planning consent from the national energy regulator, which could take two years. Grayhaven council will hold a public meeting on the scheme next month.
Follow Coastline Evening Argus on Instagram
Contact the newsroom
Manage preferences
"""


def test_regional_site_furniture_in_a_wording_of_its_own() -> None:
    result = extract(Document(body=REGIONAL_SITE, is_html=False))
    sentences = [line for line in REGIONAL_SITE.splitlines() if line.endswith(".")]
    assert result.text.split("\n\n") == sentences
    assert result.title == "Tidal lagoon plan wins backing from harbour board"
    assert result.section == "Environment"  # the label by the headline, not the menu
    assert result.author == "Ines Valcourt"


def test_headline_is_the_line_its_article_follows_up() -> None:
    body = (
        "Skip to main content\n"
        "Everything you need to know, every morning\n"
        "Beekeepers report record honey harvest in the Marlen valley\n\n"
        "Beekeepers in the Marlen valley have reported a record honey harvest after a warm "
        "and wet spring, the regional beekeeping association said.\n"
    )
    result = extract(Document(body=body, is_html=False))
    assert result.title == "Beekeepers report record honey harvest in the Marlen valley"


def test_headline_signed_by_a_dateline_needs_no_shared_words() -> None:
    body = (
        "Sign in\n"
        "A sweet summer\n"
        "3 June 2025, 08:10\n\n"
        "Beekeepers in the Marlen valley have reported a record harvest after a warm and wet "
        "spring, the regional association said.\n"
    )
    result = extract(Document(body=body, is_html=False))
    assert result.title == "A sweet summer"
    assert result.published == datetime(2025, 6, 3, 8, 10, tzinfo=UTC)


def test_a_long_line_without_a_full_stop_is_not_a_caption() -> None:
    # Pastes cut off mid-paragraph leave a long line without closing punctuation.
    cut = (
        "Officials said the new timetable would add twelve trains a day between the two "
        "cities and that the older carriages would be refurbished over the next two years "
        "before being moved to rural branch lines where demand has grown steadily since"
    )
    body = (
        "Rail passengers between Arlow and Denby will get more frequent services from May, "
        f"the operator announced on Monday.\n\n{cut}\n\n"
        "Fares will not change, the operator said.\n"
    )
    assert cut in extract(Document(body=body, is_html=False)).text


def test_an_article_paragraph_after_a_paywall_line_is_kept() -> None:
    body = (
        "A new footbridge over the river Lune will open in September, the county council "
        "said on Wednesday.\n\n"
        "Subscribe now for unlimited access\n\n"
        "The footbridge will link the county council's new offices with the station. "
        "The council said the footbridge came in under budget.\n"
    )
    text = extract(Document(body=body, is_html=False)).text
    assert text.endswith("the footbridge came in under budget.")


@pytest.mark.parametrize(
    ("label", "section"),
    [
        ("Westminster", "Westminster"),
        ("News › UK Politics", "UK Politics"),
        ("Arts & Culture", "Arts & Culture"),
    ],
)
def test_the_label_above_the_headline_is_its_section(label: str, section: str) -> None:
    body = (
        f"Menu\nSearch\n{label}\n"
        "Ministers delay vote on harbour tax\n\n"
        "Ministers have delayed a vote on the proposed harbour tax until the autumn, the "
        "transport department said on Thursday.\n"
    )
    result = extract(Document(body=body, is_html=False))
    assert result.section == section
    assert result.title == "Ministers delay vote on harbour tax"
    assert label not in result.text


def test_two_sentences_without_a_last_full_stop_are_a_paragraph_not_a_caption() -> None:
    body = (
        "The island's only cinema will reopen in June after a two-year restoration, its "
        "trustees said on Saturday.\n\n"
        "Volunteers raised most of the money. The rest came from a heritage grant\n\n"
        "Tickets go on sale next month.\n"
    )
    text = extract(Document(body=body, is_html=False)).text
    assert "The rest came from a heritage grant" in text
