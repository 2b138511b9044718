"""The feeds admin: each feed's health and last error, adding and removing
feeds, and OPML import and export, as pages and as JSON.

Every form posts with the CSRF token (``auth.require_csrf``) and answers with a
redirect back to ``/feeds`` carrying a short notice code, so that reloading
the page never repeats the action.  New feeds are fetched by the poller's next
round (``parallax run`` or ``parallax fetch``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

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

from parallax.ingest.opml import OpmlError, Outline, read_opml, write_opml
from parallax.store import Feed, Store
from parallax.web.auth import Viewer, require_csrf, viewer_of
from parallax.web.templates import Templates
from parallax.web.view import safe_url

OPML_LIMIT = 2_000_000
"""Bytes: an OPML file of tens of thousands of feeds is far smaller."""

NOTICES = {
    "added": "Feed added. It will be fetched on the next polling round.",
    "exists": "That feed was already on the list.",
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


class FeedAdded(BaseModel):
    id: int
    url: str
    created: bool = Field(description="false when the feed was already on the list")


def add(store: Store, url: str, title: str | None, viewer: Viewer) -> tuple[int, bool] | None:
    """The feed's id and whether it is new; None when the address is not http(s)."""
    clean = safe_url(url)
    if clean is None:
        return None
    adder = viewer.user.id if viewer.mode == "accounts" and viewer.user else None
    feed, created = store.add_feed(clean, (title or "").strip() or None, added_by=adder)
    return feed.id, created


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


def _remove(store: Store, request: Request, url: str) -> bool:
    """Remove the feed if there is one; HTTP 403 when this reader may not."""
    feed = next((f for f in store.feeds() if f.url == url), None)
    if feed is None:
        return False
    if not may_remove(viewer_of(request), feed):
        raise HTTPException(403, NOT_YOURS)
    return store.remove_feed(url)


def router(store: Store, templates: Templates) -> APIRouter:
    r = APIRouter()

    def back(notice: str, **counts: int) -> RedirectResponse:
        extra = "".join(f"&{k}={v}" for k, v in counts.items())
        return RedirectResponse(f"/feeds?notice={notice}{extra}", status_code=303)

    @r.get("/feeds", include_in_schema=False, response_class=HTMLResponse)
    def feeds(
        notice: Annotated[str | None, Query(max_length=20)] = None,
        added: Annotated[int, Query(ge=0)] = 0,
        known: Annotated[int, Query(ge=0)] = 0,
        skipped: Annotated[int, Query(ge=0)] = 0,
    ) -> Any:
        message = NOTICES.get(notice or "")
        if notice == "imported":
            message = (
                f"OPML imported: {added} new feed{'' if added == 1 else 's'}, "
                f"{known} already on the list, {skipped} skipped (not http or https)."
            )
        return HTMLResponse(
            templates.render(
                "feeds.html",
                section="feeds",
                feeds=store.feeds(),
                errors=store.recent_errors(),
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
        found = add(store, url, title, viewer_of(request))
        if found is None:
            return back("bad-url")
        return back("added" if found[1] else "exists")

    @r.post("/feeds/remove", include_in_schema=False, dependencies=[Depends(require_csrf)])
    def remove_feed(request: Request, url: Annotated[str, Form(max_length=2000)]) -> Any:
        return back("removed" if _remove(store, request, url) else "missing")

    @r.post("/feeds/opml", include_in_schema=False, dependencies=[Depends(require_csrf)])
    async def import_opml(request: Request, opml: Annotated[UploadFile, File()]) -> Any:
        data = await opml.read(OPML_LIMIT + 1)
        if len(data) > OPML_LIMIT:
            return back("bad-opml")
        try:
            outlines = read_opml(data)
        except OpmlError:
            return back("bad-opml")
        counts = {"added": 0, "known": 0, "skipped": 0}
        for outline in outlines:
            found = add(store, outline.url, outline.title, viewer_of(request))
            key = "skipped" if found is None else ("added" if found[1] else "known")
            counts[key] += 1
        return back("imported", **counts)

    @r.get(
        "/feeds.opml",
        summary="Every feed as an OPML subscription list",
        response_class=Response,
        responses={200: {"content": {"text/x-opml": {}}}},
        tags=["api"],
    )
    def export_opml() -> Response:
        body = write_opml([Outline(f.url, f.title) for f in store.feeds()], datetime.now(UTC))
        return Response(
            body,
            media_type="text/x-opml; charset=utf-8",
            headers={"content-disposition": 'attachment; filename="parallax-feeds.opml"'},
        )

    @r.post("/api/feeds", summary="Add a feed", status_code=201, tags=["api"])
    def api_add(request: Request, feed: NewFeed) -> FeedAdded:
        # FastAPI reads the body only as application/json, which a cross-site
        # page cannot send without a CORS preflight (never granted here): no
        # CSRF token is needed.
        found = add(store, feed.url, feed.title, viewer_of(request))
        if found is None:
            raise HTTPException(422, "a feed address must be a full http(s) address")
        return FeedAdded(id=found[0], url=feed.url.strip(), created=found[1])

    @r.delete(
        "/api/feeds",
        summary="Remove a feed (its articles stay)",
        status_code=204,
        response_class=Response,
        tags=["api"],
    )
    def api_remove(request: Request, url: Annotated[str, Query(max_length=2000)]) -> Response:
        if not _remove(store, request, url):
            raise HTTPException(404, f"no feed {url!r}")
        return Response(status_code=204)

    return r
