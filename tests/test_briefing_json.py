"""Briefings come back from storage as typed records (``Briefing.from_json``)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parallax import cli
from parallax.export import briefing_json
from parallax.model import (
    BRIEFING_VERSION,
    Briefing,
    Entity,
    Framing,
    FramingTerm,
    OutletTerms,
    QuantityGroup,
    QuantityMention,
    Quote,
    QuoteVariant,
    SummarySentence,
    TimelineEvent,
    UniqueFact,
)
from tests.web.conftest import SYRIA_BRIEFING, build_store


def every_kind_of_record() -> Briefing:
    return Briefing(
        summary=[SummarySentence("Some 200 fighters crossed.", ["pa-1", "es-1"])],
        entities=[Entity("Bukamal", "GPE", ["Bukamal", "Abu Kamal"], ["pa-1"], mentions=3)],
        quotes=[
            Quote(
                "Rami Abdulrahman",
                "They came at night",
                ["pa-1"],
                direct=True,
                variants=["They came"],
                variant_details=[QuoteVariant("They came", ["es-1"], trimmed=True)],
            )
        ],
        quantities=[
            QuantityGroup(
                "fighters crossed",
                True,
                [
                    QuantityMention("pa-1", "some 200 fighters", 200.0, 200.0, "SOHR", "PA"),
                    QuantityMention("dm-1", "at least 300", 300.0, None, update=True),
                ],
                kind="crossed",
                outlets=2,
            )
        ],
        timeline=[
            TimelineEvent(date(2011, 1, 1), "The war began", ["pa-1"], precision="year"),
            TimelineEvent(date(2024, 11, 1), "Talks", ["pa-1"], precision="month"),
            TimelineEvent(
                date(2024, 12, 9), "Week of raids", ["es-1"], estimated=True, end=date(2024, 12, 15)
            ),
        ],
        framing=[Framing("the fighters", [FramingTerm("militias", ["pa-1"], ["Iran militias"])])],
        distinctive_terms=[OutletTerms("Daily Mail", ["convoy"], [2.5], ["dm-1"])],
        unique_facts=[UniqueFact("Only one outlet says this.", "PA", ["pa-1"])],
        abstract=[SummarySentence("Fighters crossed.", ["pa-1"])],
        drawn_from=["pa-1", "es-1", "dm-1"],
    )


def test_a_stored_briefing_reads_back_as_the_records_that_were_stored() -> None:
    briefing = every_kind_of_record()
    stored = json.loads(json.dumps(briefing_json(briefing)))  # as the database hands it back
    assert stored["version"] == BRIEFING_VERSION
    assert Briefing.from_json(stored) == briefing


def test_a_briefing_stored_before_versions_reads_as_version_one() -> None:
    stored = briefing_json(every_kind_of_record())
    del stored["version"]
    assert Briefing.from_json(stored) == every_kind_of_record()


def test_a_newer_version_or_no_briefing_at_all_is_refused() -> None:
    with pytest.raises(ValueError, match="briefing version 2 is not one this Parallax reads"):
        Briefing.from_json({"version": BRIEFING_VERSION + 1, "summary": []})
    with pytest.raises(ValueError, match="a briefing is a JSON object, not list"):
        Briefing.from_json([])


def test_a_bad_item_costs_that_item_and_a_bad_optional_field_its_default() -> None:
    stored = briefing_json(every_kind_of_record())
    stored["quotes"].append({"speaker": "Nobody"})  # no text: not a quote
    stored["quantities"][0]["mentions"][0]["low"] = "many"  # not a number: not a figure
    stored["entities"][0]["mentions"] = "three"  # optional: its default
    stored["timeline"].append({"date": "sometime", "text": "?", "article_ids": []})
    typed = Briefing.from_json(stored)
    assert [q.text for q in typed.quotes] == ["They came at night"]
    assert [m.text for m in typed.quantities[0].mentions] == ["at least 300"]
    assert typed.entities[0].mentions == 0
    assert len(typed.timeline) == 3


def test_the_hand_written_test_briefing_reads_and_parallax_stories_flags_its_conflict(
    tmp_path: Path,
) -> None:
    typed = Briefing.from_json(SYRIA_BRIEFING)
    assert any(group.conflict for group in typed.quantities)
    build_store(tmp_path / "p.db").close()
    listing = CliRunner().invoke(cli.app, ["--db", str(tmp_path / "p.db"), "stories"])
    # The table folds long titles onto further lines: read it as one run of words.
    words = " ".join(listing.stdout.split())
    syria, rest = words.split("s1syria", 1)[1].split("s2pending", 1)
    pending = rest.split("s3empty", 1)[0]  # no briefing yet, so nothing disputed
    assert "[disputed figures]" in syria and "[disputed" not in pending
    # Shown as written, not read as terminal markup (the flag used to vanish as a tag).
    assert "<script>alert(1)</script> story [disputed figures]" in words
