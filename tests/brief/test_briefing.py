"""Golden-style checks of the briefing of a fictional three-outlet story."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

pytestmark = pytest.mark.slow


def _entity(briefing: Any, alias: str) -> Any:
    hits = [e for e in briefing.entities if alias in e.aliases]
    assert len(hits) == 1, [e.name for e in hits]
    return hits[0]


def test_entity_variants_merge(briefing: Any) -> None:
    lena = _entity(briefing, "Lena Vásquez")
    assert lena.name in ("Lena Vasquez", "Lena Vásquez")
    assert "Lena Vasquez" in lena.aliases
    assert set(lena.article_ids) == {"post-1", "ledger-1"}
    qasemi = _entity(briefing, "Dariush Ghasemi")
    assert "Dariush Qasemi" in qasemi.aliases
    orc = _entity(briefing, "ORC")
    assert orc.name == "Ostrian Red Cross"


def test_surname_collision_does_not_merge(briefing: Any) -> None:
    lena = _entity(briefing, "Lena Vasquez")
    karl = _entity(briefing, "Karl Vasquez")
    assert lena is not karl


def test_quotes_and_speakers(briefing: Any) -> None:
    by_text = {q.text: q for q in briefing.quotes if q.direct}
    behind = [q for q in by_text.values() if q.text.startswith("We will not leave anyone behind")]
    assert len(behind) == 1  # one item across outlets, trimmed wording as variant
    assert behind[0].speaker in ("Lena Vasquez", "Lena Vásquez")
    assert set(behind[0].article_ids) == {"post-1", "ledger-1"}
    assert behind[0].variants == ["We will not leave anyone behind."]
    water = next(q for q in by_text.values() if q.text.startswith("The water came"))
    assert water.speaker == "Tomas Brandt"
    warning = next(q for q in by_text.values() if q.text.startswith("We had no warning"))
    assert "By morning the whole street was gone" in warning.text  # spans paragraphs
    army = next(q for q in by_text.values() if q.text.startswith("The army is doing"))
    assert army.speaker is not None and "office" in army.speaker


def test_reported_speech(briefing: Any) -> None:
    reported = [q for q in briefing.quotes if not q.direct]
    assert any(q.speaker and "army officers" in q.speaker for q in reported)
    assert any(q.speaker in ("Dariush Qasemi", "Dariush Ghasemi") for q in reported)


def test_conflict_found_and_near_miss_not_grouped(briefing: Any) -> None:
    soldiers = [g for g in briefing.quantities if "soldiers" in g.label]
    assert len(soldiers) == 1
    group = soldiers[0]
    assert group.conflict
    assert {(m.low, m.high) for m in group.mentions} == {(180, 220), (500, None)}
    attributions = {m.attribution for m in group.mentions}
    assert "Ostrian Red Cross" in attributions
    assert any(a and "army officers" in a for a in attributions)
    for g in briefing.quantities:
        events = {w for w in ("killed", "injured") if w in g.label}
        assert len(events) <= 1, g.label


def test_rising_toll_is_update_not_conflict(briefing: Any) -> None:
    killed = [g for g in briefing.quantities if "killed" in g.label and len(g.mentions) > 1]
    assert len(killed) == 1
    assert killed[0].update and not killed[0].conflict


def test_timeline_resolves_relative_dates(briefing: Any) -> None:
    dates = {(e.date, e.text.split()[0]) for e in briefing.timeline}
    assert (date(2031, 3, 10), "Rescue") in dates  # "on Monday" seen from Wed 12 March
    wire = [e for e in briefing.timeline if e.article_ids == ["wire-1"]]
    assert wire and all(e.estimated for e in wire)
    assert any(e.date == date(2031, 3, 12) for e in wire)  # "yesterday" from the dateline
    assert any(e.date == date(2029, 1, 1) for e in briefing.timeline)


def test_framing_shows_differing_labels(briefing: Any) -> None:
    hale = [f for f in briefing.framing if f.referent == "Viktor Hale"]
    assert hale
    terms = {t.term: t.article_ids for t in hale[0].terms}
    assert terms.get("strongman") == ["post-1"]
    assert terms.get("president") == ["ledger-1"]
    # his government is a referent of its own: "regime" against "government"
    rule = [f for f in briefing.framing if f.referent == "Viktor Hale's government"]
    assert rule
    terms = {t.term: t.article_ids for t in rule[0].terms}
    assert terms.get("Hale regime") == ["post-1"]
    # "the government" and "the Hale government" are one label, by their head
    government = next(t for t in rule[0].terms if t.term == "government")
    assert government.variants == ["Hale government"]
    assert "ledger-1" in government.article_ids


def test_summary_cites_sources(briefing: Any) -> None:
    assert 1 <= len(briefing.summary) <= 7
    assert all(s.article_ids for s in briefing.summary)
