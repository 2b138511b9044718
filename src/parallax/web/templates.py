"""The Jinja2 environment: autoescaping always on, helpers registered once."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from parallax.web import briefing, view
from parallax.web.security import printable

HERE = Path(__file__).parent


class Templates:
    def __init__(self) -> None:
        self.env = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            # Article titles and texts come from the open web: every value is
            # escaped unless a template says otherwise (none does).
            autoescape=True,
            # A typo in a template fails the test suite instead of rendering blank.
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            # ... and, before escaping, stripped of any HTML it carries (nh3),
            # so that markup in a headline reads as text, not as tags.
            finalize=_plain,
            # Templates ship inside the package; checking their files for
            # changes on every render cost about 5 % of a story page.
            auto_reload=False,
        )
        self.env.globals.update(
            article_href=view.article_href,
            story_href=view.story_href,
            outlet_href=view.outlet_href,
            entity_href=view.entity_href,
            safe_url=view.safe_url,
            initials=view.initials,
            outlet_of=briefing.outlet,
            badge_class=view.badge_class,
            outlet_name=view.outlet_name,
            iso=view.iso,
            long_date=view.long_date,
            long_datetime=view.long_datetime,
            ago=_ago,
        )

    def render(self, name: str, **context: Any) -> str:
        context.setdefault("query", "")
        context.setdefault("section", "")
        return self.env.get_template(name).render(**context)


def _plain(value: Any) -> Any:
    # Markup is what our own macros produce; everything else is data.  Both lose
    # control characters: a macro's Markup carries article text too.
    if isinstance(value, Markup):
        return Markup(printable(value))
    if isinstance(value, str):
        return printable(view.plain(value))
    return value


def _ago(moment: datetime | None) -> str:
    return view.relative_time(moment, datetime.now(UTC))
