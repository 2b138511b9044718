"""Follows, mutes, For you, read state and saved stories; and that they stay personal.

The ranking tests use their own fictional stories (names, outlets and sections
invented here) so that nothing depends on the seed articles' wording.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from parallax.model import Article
from parallax.store import Store
from parallax.store import schema as t
from parallax.store.accounts import Interest, User
from parallax.store.protocols import Accounts
from parallax.web import interests
from parallax.web.auth import Viewer

from .conftest import add_story
from .test_accounts import accounts, alice, bob, browser, csrf_from, sign_in  # noqa: F401

NOW = datetime.now(UTC)


def report(
    story: str, n: int, outlet: str, title: str, section: str | None = None, text: str = ""
) -> Article:
    return Article(
        id=f"{story}-{n}",
        source=outlet,
        title=title,
        text=text or f"{title}. Reported by {outlet}.",
        section=section,
        published=NOW - timedelta(hours=n),
    )


def briefing(*names: tuple[str, list[str]], summary: str = "") -> dict[str, Any]:
    return {
        "summary": [{"text": summary, "article_ids": []}] if summary else [],
        "entities": [
            {"name": n, "type": "PERSON", "aliases": a, "article_ids": []} for n, a in names
        ],
    }


@pytest.fixture()
def town(tmp_path: Path) -> Store:
    """Four fictional stories: three name the mayor Mira Solen, one does not."""
    store = Store.open(str(tmp_path / "town.db"))
    hour, day = timedelta(hours=1), timedelta(days=1)
    add_story(
        store,
        "harbour",
        "Harbour cranes stop as dockers walk out",
        [
            report("harbour", 1, "North Ledger", "Cranes stop at the harbour", "Ports"),
            report("harbour", 2, "Bay Wire", "Dockers walk out", "Business"),
        ],
        briefing(("Mira Solen", ["Mayor Solen", "Solen"])),
        NOW - 2 * hour,
    )
    add_story(
        store,
        "budget",
        "Town budget passes after long night",
        [report("budget", 1, "South Courier", "Budget passes", "Politics")],
        briefing(("Mira Solen", ["Solen"])),
        NOW - hour,
    )
    add_story(
        store,
        "oldfair",
        "Autumn fair opens with record crowds",
        [
            report("oldfair", 1, "North Ledger", "Fair opens", "Culture"),
            report("oldfair", 2, "South Courier", "Record crowds at the fair", "Culture"),
        ],
        briefing(("Mira Solen", [])),
        NOW - 3 * day,
    )
    add_story(
        store,
        "rail",
        "Rail strike halts morning trains",
        [report("rail", 1, "Bay Wire", "Rail strike halts trains", "Rail-Strike")],
        briefing(summary="Train drivers stopped work over pay."),
        NOW - 3 * hour,
    )
    return store


def follow(people: Accounts, user: User, kind: Any, name: str) -> None:
    wanted = interests.interest(kind, name)
    assert wanted is not None
    people.follow(user, wanted)


def mute(people: Accounts, user: User, kind: Any, name: str) -> None:
    wanted = interests.interest(kind, name)
    assert wanted is not None
    people.mute(user, wanted)


def picked(store: Store, people: Accounts, user: User) -> list[str]:
    return [p.row.id for p in interests.for_you(store, people, user)]


# --- the ranking -----------------------------------------------------------------------


def test_for_you_ranks_by_follows_matched_then_freshness(town: Store) -> None:
    people = town.accounts
    reader = people.local_user()
    assert picked(town, people, reader) == []  # follows nothing: nothing picked
    follow(people, reader, "entity", "Mira Solen")
    follow(people, reader, "outlet", "North Ledger")
    picks = interests.for_you(town, people, reader)
    # harbour matches both follows; budget, an hour fresher, one; oldfair both, but
    # three days old: neither recency alone nor the count alone gives this order.
    assert [p.row.id for p in picks] == ["harbour", "budget", "oldfair"]
    assert {r.label for r in picks[0].reasons} == {"Mira Solen", "North Ledger"}
    assert [r.label for r in picks[1].reasons] == ["Mira Solen"]
    assert picks[0].score > picks[1].score > picks[2].score


def test_entities_match_by_name_alias_or_clustering_key(town: Store) -> None:
    people = town.accounts
    reader = people.local_user()
    follow(people, reader, "entity", "mayor solen")  # an alias, in any case
    assert picked(town, people, reader) == ["harbour"]
    # Before its briefing exists, a story is matched on the clustering index's keys.
    with town.engine.begin() as conn:
        conn.execute(update(t.stories).where(t.stories.c.id == "rail").values(keywords=["ada"]))
    follow(people, reader, "entity", "ADA")
    assert set(picked(town, people, reader)) == {"harbour", "rail"}


def test_topics_match_whole_words_in_headlines_sections_and_summaries(town: Store) -> None:
    people = town.accounts
    for name, expected in [
        ("rail strike", {"rail"}),  # headline and section
        ("Rail-Strike", {"rail"}),  # a section slug names the same topic
        ("pay", {"rail"}),  # summary
        ("ports", {"harbour"}),  # section
        ("crane", set()),  # "cranes" is another word
        ("ail", set()),  # never inside a word
    ]:
        wanted = interests.interest("topic", name)
        assert wanted is not None
        rows, _ = interests.matching(town, people, wanted)
        assert {r.id for r in rows} == expected, name


def test_mutes_hide_stories(town: Store) -> None:
    people = town.accounts
    reader = people.local_user()
    follow(people, reader, "entity", "Mira Solen")
    mute(people, reader, "outlet", "South Courier")
    # budget has no other outlet, so it goes; oldfair is also in North Ledger, so it stays.
    assert picked(town, people, reader) == ["harbour", "oldfair"]
    mute(people, reader, "topic", "culture")
    assert picked(town, people, reader) == ["harbour"]
    people.unmute(reader, "topic", "culture")
    people.unmute(reader, "outlet", "south courier")
    assert picked(town, people, reader) == ["budget", "harbour", "oldfair"]


def test_following_unmutes_and_muting_unfollows(town: Store) -> None:
    people = town.accounts
    reader = people.local_user()
    mute(people, reader, "entity", "Mira Solen")
    follow(people, reader, "entity", "Mira Solen")
    assert people.mutes(reader) == [] and len(people.follows(reader)) == 1
    mute(people, reader, "entity", "Mira Solen")
    assert people.follows(reader) == [] and len(people.mutes(reader)) == 1


# --- the pages -------------------------------------------------------------------------


def test_story_page_has_save_follow_and_mute_buttons(client: TestClient) -> None:
    html = client.get("/stories/s1syria").text
    assert 'action="/save"' in html
    assert 'aria-label="Follow Abbas Araghchi"' in html
    assert 'aria-label="Mute Abbas Araghchi"' in html
    assert 'aria-label="Follow Reuters"' in html
    assert 'href="/feeds/story/s1syria.atom"' in html
    assert 'href="/for-you"' in html  # in the navigation


def test_follow_from_the_story_page_then_unfollow(client: TestClient) -> None:
    page = client.get("/stories/s1syria")
    form = {"kind": "entity", "name": "Abbas Araghchi", "next": "/stories/s1syria"}
    r = client.post("/follow", data=dict(form, csrf=csrf_from(page.text)))
    assert r.status_code == 200  # the client followed the 303 back to the story
    assert 'aria-label="Stop following Abbas Araghchi"' in r.text
    mine = client.get("/for-you").text
    assert "Iran-backed militias enter Syria" in mine
    assert re.search(r"Because you follow <strong>Abbas Araghchi</strong>", mine)
    client.post("/unfollow", data=dict(form, csrf=csrf_from(mine)))
    assert "Iran-backed militias enter Syria" not in client.get("/for-you").text


def test_follow_by_name_and_unknown_kinds(client: TestClient, web_store: Store) -> None:
    csrf = csrf_from(client.get("/for-you").text)
    data = {"kind": "topic", "name": "<script>alert(1)</script> fighters", "csrf": csrf}
    r = client.post("/follow", data=dict(data, next="/for-you"))
    assert r.status_code == 200
    assert "<script>alert" not in r.text
    bad = client.post("/follow", data=dict(data, kind="person"))
    assert bad.status_code == 400
    blank = client.post("/follow", data=dict(data, name="  "))
    assert blank.status_code == 400
    people = web_store.accounts
    assert [i.kind for i in people.follows(people.local_user())] == ["topic"]


def test_read_state(client: TestClient, web_store: Store) -> None:
    people = web_store.accounts
    reader = people.local_user()
    follow(people, reader, "outlet", "Reuters")
    follow(people, reader, "outlet", "BBC")

    def state(story_title: str) -> str:
        html = client.get("/for-you").text
        item = html[html.index(story_title) :]
        found = re.search(r'class="px-state">([^<]+)<|<span>(Read)</span>', item)
        assert found
        return found.group(1) or found.group(2)

    assert state("Iran-backed militias enter Syria") == "New"
    assert state("Storm closes ports") == "New"
    client.get("/stories/s1syria")
    assert state("Iran-backed militias enter Syria") == "Read"
    assert state("Storm closes ports") == "New"
    with web_store.engine.begin() as conn:
        later = datetime.now(UTC) + timedelta(minutes=5)
        conn.execute(update(t.stories).where(t.stories.c.id == "s1syria").values(updated=later))
    assert state("Iran-backed militias enter Syria") == "Updated since you read it"


def test_a_repeat_view_keeps_the_read_mark_until_the_story_changes(
    client: TestClient, web_store: Store
) -> None:
    people = web_store.accounts
    reader = people.local_user()

    def read_at() -> datetime | None:
        return people.read_times(reader, ["s1syria"]).get("s1syria")

    client.get("/stories/s1syria")
    first = read_at()
    assert first is not None
    client.get("/stories/s1syria")
    assert read_at() == first  # nothing new to read: the mark is not rewritten
    with web_store.engine.begin() as conn:
        later = datetime.now(UTC) + timedelta(minutes=5)
        conn.execute(update(t.stories).where(t.stories.c.id == "s1syria").values(updated=later))
    client.get("/stories/s1syria")
    second = read_at()
    assert second is not None and second > first


def test_opening_a_story_by_an_id_prefix_marks_that_story_read(
    client: TestClient, web_store: Store
) -> None:
    people = web_store.accounts
    reader = people.local_user()
    assert client.get("/stories/s1sy").status_code == 200
    assert list(people.read_times(reader, ["s1syria"])) == ["s1syria"]
    assert not people.mark_read(reader, "no-such-story")
    assert people.reads(reader).keys() == {"s1syria"}


def test_marks_are_each_persons_own(
    accounts: Accounts,  # noqa: F811
    alice: User,  # noqa: F811
    bob: User,  # noqa: F811
) -> None:
    accounts.follow(alice, Interest("outlet", "reuters", "Reuters"))
    accounts.mute(alice, Interest("topic", "sport", "Sport"))
    accounts.save(alice, "s1syria")
    accounts.follow(bob, Interest("entity", "abbas araghchi", "Abbas Araghchi"))
    mine, theirs = accounts.marks(alice), accounts.marks(bob)
    assert mine.follows == {("outlet", "reuters")} and mine.mutes == {("topic", "sport")}
    assert mine.saved == {"s1syria"}
    assert theirs.follows == {("entity", "abbas araghchi")}
    assert theirs.mutes == set() and theirs.saved == set()


def test_read_state_for_any_story_list(web_store: Store) -> None:
    """What the read_mark macro shows on lists other than For you and Saved."""
    people = web_store.accounts
    reader = people.local_user()
    people.mark_read(reader, "s1syria")
    read_at = people.read_times(reader, ["s1syria"])["s1syria"]
    viewer = Viewer(
        accounts=people,
        mode="open",
        user=reader,
        how="open",
        bearer=False,
        here="/",
        secure=False,
        csrf_secret="x",
        csrf_binding="",
        key=b"k",
    )
    assert viewer.read_state("s1syria", read_at) == "read"
    assert viewer.read_state("s1syria", read_at + timedelta(seconds=1)) == "updated"
    assert viewer.read_state("s2pending", read_at) == "unread"
    nobody = dataclasses.replace(viewer, user=None)
    assert nobody.read_state("s2pending", read_at) == ""


def test_scripts_reading_a_story_do_not_mark_it_read(web_store: Store) -> None:
    people = web_store.accounts
    reader = people.local_user()
    _, secret = people.create_token(reader, "script")
    client = browser(web_store)
    bearer = {"Authorization": f"Bearer {secret}"}
    assert client.get("/stories/s2pending", headers=bearer).status_code == 200
    assert people.read_times(reader, ["s2pending"]) == {}
    client.get("/stories/s2pend")  # a unique prefix marks the full id
    assert list(people.read_times(reader, ["s2pending"])) == ["s2pending"]


def test_saved_stories(client: TestClient) -> None:
    csrf = csrf_from(client.get("/stories/s3empty").text)
    assert "No saved stories yet" in client.get("/saved").text
    for story_id in ["s2pending", "s1syria"]:
        r = client.post("/save", data={"story_id": story_id, "csrf": csrf})
        assert r.status_code == 200
    html = client.get("/saved").text
    assert html.index("Iran-backed militias") < html.index("Storm closes ports")  # latest first
    assert 'aria-label="Remove from saved stories"' in client.get("/stories/s1syria").text
    client.post("/unsave", data={"story_id": "s1syria", "csrf": csrf})
    html = client.get("/saved").text
    assert "Iran-backed militias" not in html and "Storm closes ports" in html
    missing = client.post("/save", data={"story_id": "no-such-story", "csrf": csrf})
    assert missing.status_code == 404


def test_saved_stories_follow_a_merge(client: TestClient, web_store: Store) -> None:
    people = web_store.accounts
    reader = people.local_user()
    people.save(reader, "s2pending")
    people.save(reader, "s3empty")
    with web_store.writer() as w:
        w.merge_story("s2pending", into="s3empty")
    html = client.get("/saved").text
    assert html.count("Quiet story with an empty briefing") == 1  # the survivor, once
    assert "Storm closes ports" not in html
    csrf = csrf_from(client.get("/stories/s3empty").text)
    client.post("/unsave", data={"story_id": "s3empty", "csrf": csrf})
    assert people.saved(reader) == []


# --- privacy ---------------------------------------------------------------------------


def test_no_one_sees_anothers_follows_saves_or_reads(
    web_store: Store,
    accounts: Accounts,  # noqa: F811
    alice: User,  # noqa: F811
    bob: User,  # noqa: F811
) -> None:
    accounts.follow(alice, Interest("outlet", "reuters", "Reuters"))
    accounts.save(alice, "s1syria")
    accounts.mark_read(alice, "s1syria")
    client = browser(web_store)
    sign_in(client, accounts, bob)
    for path in ["/for-you", "/for-you?user=alice", "/saved", "/saved?user=alice"]:
        html = client.get(path).text
        assert "Iran-backed militias" not in html, path
        assert "Reuters" not in html, path
    me = client.get("/api/me", params={"user": "alice"}).json()
    assert me == {"name": "bob", "single_user": False, "follows": [], "mutes": [], "saved": []}
    # Bob un-following or un-saving the same things changes nothing of Alice's.
    csrf = csrf_from(client.get("/for-you").text)
    client.post("/unfollow", data={"kind": "outlet", "name": "Reuters", "csrf": csrf})
    client.post("/unsave", data={"story_id": "s1syria", "csrf": csrf})
    assert [i.key for i in accounts.follows(alice)] == ["reuters"]
    assert [s for s, _ in accounts.saved(alice)] == ["s1syria"]
    # And Alice's own pages show what is hers.
    sign_in(client, accounts, alice)
    assert "Iran-backed militias" in client.get("/saved").text
    assert "Iran-backed militias" in client.get("/for-you").text
