"""A briefing for the terminal (``parallax show``): conflicts first, then the rest.

Citations are numbered per article, ``[1]``, and the key at the end maps each
number to its outlet, title and id.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group
from rich.markup import escape
from rich.table import Table

from parallax.store import Assignment


def render_briefing(story: dict[str, Any], console: Console) -> None:
    articles = story["articles"]
    number = {a["id"]: i for i, a in enumerate(articles, 1)}
    outlet = {a["id"]: a.get("source") or "unknown outlet" for a in articles}

    def cite(ids: list[str]) -> str:
        return "".join(f"[{number[i]}]" for i in ids if i in number)

    def outlets_of(ids: list[str]) -> list[str]:
        return sorted({outlet.get(i, "?") for i in ids})

    def heading(text: str) -> None:
        console.print()
        console.print(f"[bold underline]{escape(text)}[/]")

    # Reports with no outlet named are not one outlet: they are counted apart.
    outlets = sorted({a["source"] for a in articles if a.get("source")})
    unnamed = sum(1 for a in articles if not a.get("source"))
    names = [*outlets, f"{unnamed} whose outlet is not known"] if unnamed else outlets
    independent = story.get("independent_sources", len(outlets) + unnamed)
    console.print(f"[bold]{escape(story['title'])}[/]")
    console.print(
        f"{len(articles)} articles ({independent} independent): "
        + escape(", ".join(names))
        + f"  ·  updated {story.get('updated', '')[:16]}  ·  story {story['id']}",
        style="dim",
    )
    read = len(set(story.get("drawn_from") or number) & number.keys())
    if read < len(articles):
        console.print(
            f"The briefing reads {read} of these articles: each outlet's newest first, "
            "syndicated copies last.",
            style="dim",
        )

    conflicts = [g for g in story["quantities"] if g.get("conflict")]
    others = [g for g in story["quantities"] if not g.get("conflict")]
    if conflicts:
        heading("Where outlets disagree")
        for group in conflicts:
            console.print(f"[bold red]{escape(group['label'])}[/]")
            for m in group["mentions"]:
                credited = f" — according to {m['attribution']}" if m.get("attribution") else ""
                later = " (a later update)" if m.get("update") else ""
                console.print(
                    f"  • {escape(outlet.get(m['article_id'], '?'))}: “{escape(m['text'])}”"
                    f"{escape(credited)}{later} {cite([m['article_id']])}"
                )

    if story.get("abstract"):
        heading("Machine-written summary (checked against the sources cited)")
        for sentence in story["abstract"]:
            console.print(f"{escape(sentence['text'])} [dim]{cite(sentence['article_ids'])}[/]")

    if story["summary"]:
        heading("Summary")
        for sentence in story["summary"]:
            console.print(f"{escape(sentence['text'])} [dim]{cite(sentence['article_ids'])}[/]")

    if story["quotes"]:
        heading("Who said what")
        for quote in story["quotes"]:
            marks = ("“", "”") if quote.get("direct", True) else ("", "")
            speaker = quote.get("speaker") or "unattributed"
            console.print(
                f"[bold]{escape(speaker)}[/]: {marks[0]}{escape(quote['text'])}{marks[1]} "
                f"[dim]{cite(quote['article_ids'])}[/]"
            )

    if others:
        heading("Other figures")
        for group in others:
            update = " (updated as reports came in)" if group.get("update") else ""
            figures = "; ".join(f"{m['text']} {cite([m['article_id']])}" for m in group["mentions"])
            console.print(f"{escape(group['label'])}{update}: {escape(figures)}")

    if story["timeline"]:
        heading("Timeline")
        for event in story["timeline"]:
            mark = " (estimated)" if event.get("estimated") else ""
            until = f" to {event['end']}" if event.get("end") else ""
            console.print(
                f"[bold]{event['date']}{until}[/]{mark}  {escape(event['text'])} "
                f"[dim]{cite(event['article_ids'])}[/]"
            )

    if story["framing"]:
        heading("How outlets word it")
        for frame in story["framing"]:
            terms = "; ".join(
                f"“{t['term']}” ({', '.join(outlets_of(t['article_ids']))})" for t in frame["terms"]
            )
            console.print(f"[bold]{escape(frame['referent'])}[/]: {escape(terms)}")

    if story.get("distinctive_terms"):
        heading("Words that set each outlet apart")
        for row in story["distinctive_terms"]:
            console.print(
                f"[bold]{escape(row['source'])}[/]: {escape(', '.join(row['terms']))} "
                f"[dim]{cite(row['article_ids'])}[/]"
            )

    if story.get("unique_facts"):
        heading("Reported by one outlet only")
        for fact in story["unique_facts"]:
            who, what = escape(fact["source"]), escape(fact["text"])
            console.print(f"{who}: {what} [dim]{cite(fact['article_ids'])}[/]")

    if story["entities"]:
        heading("People, groups and places")
        for entity in story["entities"][:25]:
            aliases = [a for a in entity["aliases"] if a != entity["name"]]
            also = f" (also: {', '.join(aliases)})" if aliases else ""
            console.print(
                f"{escape(entity['name'])} [dim]{entity['type']}[/]{escape(also)} "
                f"[dim]{cite(entity['article_ids'])}[/]"
            )

    heading("Sources")
    for a in articles:
        copy = f" — copy of [{number.get(a['duplicate_of'], '?')}]" if a.get("duplicate_of") else ""
        date = (a.get("published") or "undated")[:10]
        console.print(
            f"[{number[a['id']]}] {escape(outlet[a['id']])}, {date}: "
            f"{escape(a.get('title') or '(untitled)')}{escape(copy)}  [dim]{escape(a['id'])}[/]"
        )


_REASONS = {
    "joined": "joined the best candidate: supported, and at or above the threshold",
    "copy": "a syndicated copy: it followed its original's story",
    "new": "started a new story: no candidate was both supported and at or above the threshold",
}


def render_decision(decided: Assignment) -> Group:
    """Why an article is in its story (``parallax explain``): each candidate and signal."""
    decision = decided.decision
    threshold = float(decision.get("threshold", 0.0))
    lines: list[Any] = [
        f"article {escape(decided.article_id)} went to story {escape(decided.story_id)}"
        + (f" on {decided.decided:%Y-%m-%d %H:%M} UTC" if decided.decided else ""),
        escape(_REASONS.get(str(decision.get("reason")), str(decision.get("reason")))),
    ]
    if decision.get("continues"):
        lines.append(f"it continues the thread of story {escape(str(decision['continues']))}")
    if decided.current_story_id and decided.current_story_id != decided.story_id:
        lines.append(f"a later merge or split moved it to story {escape(decided.current_story_id)}")
    candidates = decision.get("candidates") or []
    if not candidates:
        lines.append("no story was hot enough to be a candidate")
        return Group(*lines)
    table = Table(title=f"candidates (threshold {threshold:.2f})", title_justify="left")
    for column in ("story", "score", "supported", "cosine", "words", "entities", "days apart"):
        table.add_column(column, justify="left" if column == "story" else "right")
    for c in candidates:
        table.add_row(
            escape(str(c["story"])),
            f"{c['score']:.3f}" + (" ✓" if c["score"] >= threshold else ""),
            "yes" if c["supported"] else "no",
            f"{c['cosine']:.3f}",
            f"{c['terms']:.3f}",
            f"{c['entities']:.2f}",
            f"{c['days']:.2f}",
        )
    lines.append(table)
    lines.append(
        "score = 0.6 × cosine + 0.3 × words + 0.1 × entities "
        f"− {float(decision.get('per_day', 0.0)):g} × days apart; supported = half the story's "
        "members, and its first report, resemble the article"
    )
    return Group(*lines)
