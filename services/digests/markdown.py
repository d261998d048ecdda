"""A day's digest as a blog post (FORMAT.md, "as a file"): Markdown with front matter and figure files. Pure.

The post uses the very card layout of Telegram (services/card.py) written in Markdown, so the two never drift.
"""

from __future__ import annotations

import io
import re
import zipfile

from services.cards.papers import PaperCard
from services.cards.render import Markup, figure_caption, render_card

_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")

MARKDOWN = Markup(
    escape=lambda s: _SPECIAL.sub(r"\\\1", s),
    bold=lambda s: f"**{s}**",
    italic=lambda s: f"*{s}*",
    code=lambda s: f"`{s}`",
    link=lambda text, url: f"[{text}]({url.replace(')', '%29')})",
)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "digest"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def post(topic: str, day: str, cards: list[PaperCard], writer: str) -> tuple[str, dict[str, bytes]]:
    """(Markdown text, {relative path: image bytes}) for one topic's papers of one day."""
    keywords = sorted({k for c in cards for k in c.summary.keywords[:3]} | {c.paper.primary_category for c in cards})
    lines = [
        "---",
        f"title: {_quote(topic)}",
        f"date: {day}",
        "tags: [" + ", ".join(_quote(k) for k in keywords[:12]) + "]",
        f"description: {_quote(f'{topic} — {day} · {len(cards)} new papers on arXiv')}",
        "---",
        "",
        f"> The summaries below are machine-written ({writer}); titles, authors and links come from arXiv.",
        "",
        f"# {day} Update",
    ]
    files: dict[str, bytes] = {}
    for card in cards:
        lines += ["", f"## {MARKDOWN.escape(card.paper.title)}", ""]
        for paragraph in render_card(card, MARKDOWN):
            lines += [paragraph.replace("\n", "  \n"), ""]
        figures = [f for f in card.figures if f.kind != "table"]
        if figures:
            lines += ["<details>", "<summary>Figures</summary>", ""]
            for figure in figures:
                name = f"{slug(card.paper.versioned_id)}/{figure.kind}-{figure.number}." + (
                    "jpg" if figure.mime == "image/jpeg" else "png")
                files[name] = figure.image
                alt = figure_caption(figure, card.language, card.paper, MARKDOWN).replace("\n", " ")
                lines += [f"![{alt}]({name})", ""]
            lines += ["</details>"]
    return "\n".join(lines) + "\n", files


def zip_posts(posts: list[tuple[str, str, dict[str, bytes]]]) -> bytes:
    """One archive with each post (`<day>-<topic>.md`) and its figure files beside it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text, files in posts:
            archive.writestr(name, text)
            for path, data in files.items():
                archive.writestr(path, data)
    return buffer.getvalue()
