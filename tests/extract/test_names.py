"""Author tags as CMSs fill them -> the people and agencies in them (invented names)."""

from __future__ import annotations

import pytest

from parallax.extract.names import authors, name_like


@pytest.mark.parametrize(
    ("raw", "outlet", "expected"),
    [
        ("Wren Halvorsen", None, "Wren Halvorsen"),
        ("Wren Halvorsen; Idris Pellow", None, "Wren Halvorsen, Idris Pellow"),
        ("Wren Halvorsen and Idris Pellow", None, "Wren Halvorsen, Idris Pellow"),
        # job titles run into the tag
        ("Wren Halvorsen, Senior Political Correspondent", None, "Wren Halvorsen"),
        ("Wren Halvorsen; AP Transport Writer", None, "Wren Halvorsen"),
        ("Wren Halvorsen Metro reporter", None, "Wren Halvorsen"),
        ("Wren Halvorsen is a reporter", None, "Wren Halvorsen"),
        ("Analysis by Wren Halvorsen; Foreign Editor-at-large", None, "Wren Halvorsen"),
        # dates run into the tag; a surname that is a month stays
        ("Wren Halvorsen Tuesday; October", None, "Wren Halvorsen"),
        ("Idris May", None, "Idris May"),
        # shouting, agencies, desks and logins
        (
            "WREN HALVORSEN; IDRIS PELLOW Associated Press",
            None,
            "Wren Halvorsen, Idris Pellow, Associated Press",
        ),
        ("REUTERS", None, "Reuters"),
        ("AFP", None, "AFP"),
        ("Valley Desk Staff", None, None),
        ("admin", None, None),
        ("Wren Halvorsen; PhD; MBA", None, "Wren Halvorsen"),
        ("The Weekend Quiz", None, None),
        # the outlet credited as its own author
        ("Wren Halvorsen; Harbour Ledger Business", "Harbour Ledger", "Wren Halvorsen"),
        ("Harbour Ledger", "The Harbour Ledger", None),
        ("Zoë Ångström", None, "Zoë Ångström"),
        ("Nour al-Rashid", None, "Nour al-Rashid"),
        ("", None, None),
        (None, None, None),
    ],
)
def test_author_tags(raw: str | None, outlet: str | None, expected: str | None) -> None:
    assert authors(raw, outlet) == expected


def test_name_like() -> None:
    assert name_like("Pieter van der Berg")
    assert name_like("J. R. Okafor")
    assert not name_like("Halvorsen")
    assert not name_like("the night desk")
    assert not name_like("Room 101 Team")
    assert not name_like("One Two Three Four Five")
