"""The briefings of the two showcase stories, end to end through the pipeline and export.

The seeds (../shared/data/seeds) are five real articles about one event; the
demo newswire's dam story is fictional and its manifest is the answer key.
These tests assert the facts a reader relies on (variants merged, the right
conflict and no false one, the right outlets cited), not the exact output.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tests.conftest import shared_data

from parallax.demo.server import load_manifest
from parallax.export import story_document
from parallax.ingest.files import read_paths
from parallax.pipeline import Pipeline
from parallax.store import Store

pytestmark = pytest.mark.slow

NEWSWIRE = Path(__file__).resolve().parents[2] / "src" / "parallax" / "demo" / "newswire"


def _biggest_story(paths: list[str], db: Path) -> dict[str, Any]:
    store = Store.open(str(db))
    try:
        Pipeline(store).run(read_paths(paths))
        rows = store.stories()
        row = max(rows, key=lambda r: len(store.story_articles(r.id)))
        document = story_document(store, row.id)
        assert document is not None
        return document
    finally:
        store.close()


def _entity(story: dict[str, Any], alias: str) -> dict[str, Any]:
    hits = [e for e in story["entities"] if alias in e["aliases"]]
    assert len(hits) == 1, [(e["name"], e["aliases"]) for e in hits]
    return hits[0]


def _outlets(story: dict[str, Any], ids: list[str]) -> set[str]:
    by_id = {a["id"]: a["source"] or a["id"] for a in story["articles"]}
    return {by_id[i] for i in ids}


# --- the seeds ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = shared_data("seeds")
    return _biggest_story([str(folder)], tmp_path_factory.mktemp("golden") / "seeds.db")


def test_seed_entities_merge_their_variants(seeds: dict[str, Any]) -> None:
    assad = _entity(seeds, "Bashar al-Assad")
    assert {"Mr Assad", "al-Assad"} <= set(assad["aliases"])
    assert len(assad["article_ids"]) == 5
    assert "Abbas Araqchi" in _entity(seeds, "Abbas Araghchi")["aliases"]
    assert "Bukamal" in _entity(seeds, "Bou Kamal")["aliases"]
    hts = _entity(seeds, "HTS")
    assert hts["name"] == "Hayat Tahrir al-Sham" and hts["type"] == "ORG"


def test_seed_crossing_figures_conflict_and_tolls_do_not(seeds: dict[str, Any]) -> None:
    conflicts = [g for g in seeds["quantities"] if g["conflict"]]
    crossing = [g for g in conflicts if "crossed" in g["label"]]
    assert len(crossing) == 1
    mentions = crossing[0]["mentions"]
    assert len({m["article_id"] for m in mentions}) >= 4
    credited = {m["attribution"] for m in mentions}
    assert "Syrian Observatory for Human Rights" in credited
    assert "two Iraqi security sources" in credited
    # Every death toll in these articles counts a different strike or period.
    assert not [g["label"] for g in conflicts if "killed" in g["label"]]


def test_seed_summary_and_timeline_cite_several_outlets(seeds: dict[str, Any]) -> None:
    cited = {i for s in seeds["summary"] for i in s["article_ids"]}
    assert len(cited) >= 3 and all(s["article_ids"] for s in seeds["summary"])
    overnight = [
        e for e in seeds["timeline"] if e["date"] == "2024-12-01" and "overnight" in e["text"]
    ]
    assert any(len(e["article_ids"]) >= 3 for e in overnight)
    assert any(e["date"] == "2011" for e in seeds["timeline"])  # a year, not 1 January


def test_seed_framing_labels_the_sides(seeds: dict[str, Any]) -> None:
    frames = {f["referent"]: {t["term"] for t in f["terms"]} for f in seeds["framing"]}
    assert {"jihadi group", "insurgents"} <= frames["Hayat Tahrir al-Sham"]
    assert {"dictator", "president"} <= frames["Bashar al-Assad"]
    assert seeds["distinctive_terms"] and seeds["unique_facts"]


# --- the demo newswire's dam story, against its manifest ----------------------------


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    return load_manifest()


@pytest.fixture(scope="module")
def dam(manifest: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    story = manifest["planted"]["event"]["story"]
    paths = [
        str(NEWSWIRE / a["path"].lstrip("/")) for a in manifest["articles"] if a["story"] == story
    ]
    return _biggest_story(paths, tmp_path_factory.mktemp("golden") / "dam.db")


def test_dam_toll_conflict_is_one_group_with_its_update(dam: dict[str, Any]) -> None:
    tolls = [g for g in dam["quantities"] if g["conflict"] and "killed" in g["label"]]
    assert len(tolls) == 1
    mentions = tolls[0]["mentions"]
    intervals = {(m["low"], m["high"]) for m in mentions}
    # at least 40 / dozens / some 60 / more than 100, from four outlets
    assert {(40, None), (24, 99), (54, 66), (100, None)} <= intervals
    assert len(_outlets(dam, [m["article_id"] for m in mentions])) >= 4
    assert {m["low"] for m in mentions if m.get("update")} == {87}
    assert not any("injured" in m["text"] for m in mentions)


def test_dam_near_misses_stay_out_of_the_toll(
    dam: dict[str, Any], manifest: dict[str, Any]
) -> None:
    toll = next(g for g in dam["quantities"] if g["conflict"] and "killed" in g["label"])
    in_toll = {(m["article_id"], m["text"]) for m in toll["mentions"]}
    misses = manifest["planted"]["near_miss_figures"]
    found = 0
    for miss in misses:
        same = [
            (m["article_id"], m["text"])
            for g in dam["quantities"]
            for m in g["mentions"]
            if m["text"] in miss["text"]
        ]
        found += bool(same)
        assert not in_toll & set(same), miss
    assert found >= len(misses) // 2  # the near-misses were read, and kept apart


def test_dam_spelling_variants_are_one_entity(
    dam: dict[str, Any], manifest: dict[str, Any]
) -> None:
    for variant in manifest["planted"]["spelling_variants"]:
        forms = list(variant["forms"])
        owners = [
            e for e in dam["entities"] if all(any(f in a for a in e["aliases"]) for f in forms)
        ]
        assert owners, (variant["entity"], forms)
    for acronym in manifest["planted"]["acronyms"]:
        assert _entity(dam, acronym["short"])["name"] == acronym["long"]


def test_dam_shared_surname_stays_two_people(dam: dict[str, Any], manifest: dict[str, Any]) -> None:
    for case in manifest["planted"]["same_surname_different_people"]:
        people = [
            e for e in dam["entities"] if e["type"] == "PERSON" and case["surname"] in e["name"]
        ]
        assert len({e["name"] for e in people}) >= 2, people


def test_dam_rebel_labels_are_one_referent(dam: dict[str, Any]) -> None:
    frames = {f["referent"]: {t["term"] for t in f["terms"]} for f in dam["framing"]}
    dlf = frames["Daresh Liberation Front"]
    assert {"rebels", "insurgents"} <= dlf
    assert any("armed" in t for t in dlf)  # the state outlet's wording
