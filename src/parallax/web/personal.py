"""Per-person pages and buttons: follow and mute, For you, read and saved stories.

Every route here acts on the viewer's own data (``auth.require_user``) and
takes no user from the address, so no one can reach another person's lists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from parallax.store import StoryRow
from parallax.store.accounts import Interest, Kind
from parallax.store.protocols import Accounts, Stories
from parallax.web import briefing, interests, view
from parallax.web.auth import require_csrf, require_user, safe_next, viewer_of
from parallax.web.templates import Templates

KindField = Annotated[Kind, Form()]
NameField = Annotated[str, Form(min_length=1, max_length=interests.LABEL_CHARS)]
StoryField = Annotated[str, Form(min_length=1, max_length=64)]
NextField = Annotated[str, Form(max_length=2000)]


@dataclass(slots=True)
class Line:
    """A story in a personal list."""

    row: StoryRow
    href: str
    summary: str
    read: datetime | None
    reasons: list[Interest]

    @property
    def unread(self) -> bool:
        return self.read is None

    @property
    def updated_since_read(self) -> bool:
        return self.read is not None and self.row.updated > self.read


def mark_read(accounts: Accounts) -> Callable[[Request, str], None]:
    """What the story page calls once it has found its story: the reader has read it.

    Called from the page's own thread, not as a dependency of every page, which
    cost each page request one more hop to the thread pool."""

    def viewed(request: Request, story_id: str) -> None:
        viewer = viewer_of(request)
        if request.method != "GET" or viewer.user is None or viewer.bearer:
            return  # scripts reading pages are not someone reading the story
        accounts.mark_read(viewer.user, story_id)

    return viewed


def router(store: Stories, accounts: Accounts, templates: Templates) -> APIRouter:
    r = APIRouter(include_in_schema=False)
    guarded = [Depends(require_csrf)]

    def page(name: str, **context: Any) -> HTMLResponse:
        return HTMLResponse(templates.render(name, **context))

    def back(next: str) -> RedirectResponse:
        return RedirectResponse(safe_next(next), status_code=303)

    def wanted(kind: Kind, name: str) -> Interest:
        found = interests.interest(kind, name)
        if found is None:
            raise HTTPException(400, "Give a name to follow or mute.")
        return found

    @r.post("/follow", dependencies=guarded)
    def follow(request: Request, kind: KindField, name: NameField, next: NextField = "/") -> Any:
        user = require_user(request)
        accounts.follow(user, wanted(kind, name))
        return back(next)

    @r.post("/unfollow", dependencies=guarded)
    def unfollow(request: Request, kind: KindField, name: NameField, next: NextField = "/") -> Any:
        user = require_user(request)
        accounts.unfollow(user, kind, wanted(kind, name).key)
        return back(next)

    @r.post("/mute", dependencies=guarded)
    def mute(request: Request, kind: KindField, name: NameField, next: NextField = "/") -> Any:
        user = require_user(request)
        accounts.mute(user, wanted(kind, name))
        return back(next)

    @r.post("/unmute", dependencies=guarded)
    def unmute(request: Request, kind: KindField, name: NameField, next: NextField = "/") -> Any:
        user = require_user(request)
        accounts.unmute(user, kind, wanted(kind, name).key)
        return back(next)

    @r.post("/save", dependencies=guarded)
    def save(request: Request, story_id: StoryField, next: NextField = "/saved") -> Any:
        user = require_user(request)
        row = store.story(story_id)
        if row is None:
            raise HTTPException(404, "We have no story at this address.")
        accounts.save(user, row.id)
        return back(next)

    @r.post("/unsave", dependencies=guarded)
    def unsave(request: Request, story_id: StoryField, next: NextField = "/saved") -> Any:
        user = require_user(request)
        row = store.story(story_id)
        target = row.id if row else story_id
        # Saved under an id a merge retired, it is saved under the story it leads to.
        for saved_id, _ in accounts.saved(user):
            found = store.story(saved_id)
            if saved_id == story_id or (found is not None and found.id == target):
                accounts.unsave(user, saved_id)
        return back(next)

    @r.get("/for-you")
    def for_you(request: Request) -> Any:
        user = require_user(request)
        picks = interests.for_you(store, accounts, user)
        reads = accounts.read_times(user, [p.row.id for p in picks])
        return page(
            "for_you.html",
            section="for-you",
            lines=[_line(p.row, reads, p.reasons) for p in picks],
            follows=accounts.follows(user),
            mutes=accounts.mutes(user),
        )

    @r.get("/saved")
    def saved(request: Request) -> Any:
        user = require_user(request)
        # A merge may have folded two saved stories into one: list it once.
        found = (store.story(sid) for sid, _ in accounts.saved(user))
        rows = list({row.id: row for row in found if row is not None}.values())
        reads = accounts.read_times(user, [row.id for row in rows])
        return page("saved.html", section="saved", lines=[_line(row, reads) for row in rows])

    return r


def _line(row: StoryRow, reads: dict[str, datetime], reasons: list[Interest] | None = None) -> Line:
    return Line(
        row=row,
        href=view.story_href(row.id),
        summary=briefing.summary_line(row.briefing) or "",
        read=reads.get(row.id),
        reasons=reasons or [],
    )
