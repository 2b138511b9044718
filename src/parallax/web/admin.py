"""The feeds admin: each feed's health and last error, adding and removing
feeds, and OPML import and export, as pages and as JSON.

Every form posts with the CSRF token (``auth.require_csrf``) and answers with a
redirect back to ``/feeds`` carrying a short notice code, so that reloading
the page never repeats the action.  New feeds are fetched by the poller's next
round (``parallax run`` or ``parallax fetch``).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import (
    APIRouter,
    Depends,
    File,
    Form,
    HTTPException,
    Query,
    Request,
    UploadFile,
)
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from parallax.engine import BadFeedAddress, Engine, FeedAdded
from parallax.ingest.opml import OpmlError
from parallax.store import Feed
from parallax.web.auth import Viewer, require_csrf, viewer_of
from parallax.web.templates import Templates

OPML_LIMIT = 2_000_000
"""Bytes: an OPML file of tens of thousands of feeds is far smaller."""

NOTICES = {
    "added": "Feed added. It will be fetched on the next polling round.",
    "exists": "That feed was already on the list.",
    "reactivated": (
        "That feed had been retired (it said it was gone); it is active again "
        "and will be fetched on the next polling round."
    ),
    "removed": "Feed removed. Its articles stay.",
    "missing": "That feed was not on the list.",
    "bad-url": "A feed address must be a full http:// or https:// address.",
    "imported": "OPML imported.",
    "bad-opml": "That file is not an OPML subscription list.",
}

NOT_YOURS = (
    "Only the account that added this feed, or the server's first account, may remove it: "
    "the feeds are shared by every account."
)


class NewFeed(BaseModel):
    url: str = Field(description="the feed's http(s) address", max_length=2000)
    title: str | None = Field(default=None, max_length=500)


class FeedResult(BaseModel):
    id: int
    url: str
    created: bool = Field(description="false when the feed was already on the list")
    outcome: Literal["added", "exists", "reactivated"] = Field(
        description="`reactivated` when the feed had been retired (HTTP 410) and is "
        "polled again from the next round"
    )


def adder(viewer: Viewer) -> int | None:
    """The account to record as the feed's adder; None without accounts."""
    return viewer.user.id if viewer.mode == "accounts" and viewer.user else None


def may_remove(viewer: Viewer, feed: Feed) -> bool:
    """Whether this reader may remove a feed every account reads.

    Without accounts there is one reader, who owns them all.  With accounts,
    the account that added the feed may, and so may the first account, which
    set the server up; another account could otherwise empty everyone's reader."""
    if viewer.mode != "accounts":
        return True
    user = viewer.user
    if user is None or user.local:
        return False
    if feed.added_by == user.id:
        return True
    first = viewer.accounts.first_account()
    return first is not None and first.id == user.id


def _remove(engine: Engine, request: Request, url: str) -> bool:
    """Remove the feed if there is one; HTTP 403 when this reader may not."""
    feed = engine.feed(url)
    if feed is None:
        return False
    if not may_remove(viewer_of(request), feed):
        raise HTTPException(403, NOT_YOURS)
    return engine.remove_feed(url)


def router(engine: Engine, templates: Templates) -> APIRouter:
    r = APIRouter()

    def back(notice: str, **counts: int) -> RedirectResponse:
        extra = "".join(f"&{k}={v}" for k, v in counts.items())
        return RedirectResponse(f"/feeds?notice={notice}{extra}", status_code=303)

    @r.get("/feeds", include_in_schema=False, response_class=HTMLResponse)
    def feeds(
        request: Request,
        notice: Annotated[str | None, Query(max_length=20)] = None,
        added: Annotated[int, Query(ge=0)] = 0,
        known: Annotated[int, Query(ge=0)] = 0,
        skipped: Annotated[int, Query(ge=0)] = 0,
        reactivated: Annotated[int, Query(ge=0)] = 0,
    ) -> Any:
        message = NOTICES.get(notice or "")
        if notice == "imported":
            again = f"{reactivated} retired ones re-activated, " if reactivated else ""
            message = (
                f"OPML imported: {added} new feed{'' if added == 1 else 's'}, {again}"
                f"{known} already on the list, {skipped} skipped (not http or https)."
            )
        viewer = viewer_of(request)
        feeds = engine.feeds()
        return HTMLResponse(
            templates.render(
                "feeds.html",
                section="feeds",
                feeds=feeds,
                # Only the buttons this reader may use: the server refuses the others.
                removable={f.id for f in feeds if may_remove(viewer, f)},
                errors=engine.store.recent_errors(),
                notice=message,
                failed=notice in ("bad-url", "bad-opml", "missing"),
            )
        )

    @r.post("/feeds", include_in_schema=False, dependencies=[Depends(require_csrf)])
    def add_feed(
        request: Request,
        url: Annotated[str, Form(max_length=2000)],
        title: Annotated[str, Form(max_length=500)] = "",
    ) -> Any:
        try:
            done = engine.add_feed(url, title, added_by=adder(viewer_of(request)))
        except BadFeedAddress:
            return back("bad-url")
        return back(done.outcome)

    @r.post("/feeds/remove", include_in_schema=False, dependencies=[Depends(require_csrf)])
    def remove_feed(request: Request, url: Annotated[str, Form(max_length=2000)]) -> Any:
        return back("removed" if _remove(engine, request, url) else "missing")

    @r.post("/feeds/opml", include_in_schema=False, dependencies=[Depends(require_csrf)])
    async def import_opml(request: Request, opml: Annotated[UploadFile, File()]) -> Any:
        data = await opml.read(OPML_LIMIT + 1)
        if len(data) > OPML_LIMIT:
            return back("bad-opml")
        try:
            done = engine.import_opml(data, added_by=adder(viewer_of(request)))
        except OpmlError:
            return back("bad-opml")
        return back(
            "imported",
            added=done.added,
            reactivated=done.reactivated,
            known=done.known,
            skipped=len(done.skipped),
        )

    @r.get(
        "/feeds.opml",
        summary="Every feed as an OPML subscription list",
        response_class=Response,
        responses={200: {"content": {"text/x-opml": {}}}},
        tags=["api"],
    )
    def export_opml() -> Response:
        return Response(
            engine.export_opml(),
            media_type="text/x-opml; charset=utf-8",
            headers={"content-disposition": 'attachment; filename="parallax-feeds.opml"'},
        )

    @r.post("/api/feeds", summary="Add a feed", status_code=201, tags=["api"])
    def api_add(request: Request, feed: NewFeed) -> FeedResult:
        # FastAPI reads the body only as application/json, which a cross-site
        # page cannot send without a CORS preflight (never granted here): no
        # CSRF token is needed.
        try:
            done = engine.add_feed(feed.url, feed.title, added_by=adder(viewer_of(request)))
        except BadFeedAddress:
            raise HTTPException(422, "a feed address must be a full http(s) address") from None
        return _result(done)

    @r.delete(
        "/api/feeds",
        summary="Remove a feed (its articles stay)",
        status_code=204,
        response_class=Response,
        tags=["api"],
    )
    def api_remove(request: Request, url: Annotated[str, Query(max_length=2000)]) -> Response:
        if not _remove(engine, request, url):
            raise HTTPException(404, f"no feed {url!r}")
        return Response(status_code=204)

    return r


def _result(done: FeedAdded) -> FeedResult:
    return FeedResult(
        id=done.feed.id, url=done.feed.url, created=done.created, outcome=done.outcome
    )
