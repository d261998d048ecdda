"""A day's digest as a blog post (FORMAT.md, "as a file"): Markdown with front matter and figure files. Pure.

The post uses the very card layout of Telegram (cards/render.py) written in Markdown, so the two never drift. Front
matter is written by a YAML library and every text from arXiv or the LLM is escaped: a keyword holding `---` or
`<script>` is a keyword, nothing more.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import yaml

from services.cards.figure_captions import figure_caption
from services.cards.papers import PaperCard
from services.cards.render import Markup, render_card

_SPECIAL = re.compile(r"([\\`*_\[\]#|])")


def _escape(text: str) -> str:
    """Text from arXiv or the LLM, inert in Markdown and in the HTML a blog renders it to: `<script>` shows as
    text, `*` does not start emphasis."""
    return _SPECIAL.sub(r"\\\1", text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


MARKDOWN = Markup(
    escape=_escape,
    bold=lambda s: f"**{s}**",
    italic=lambda s: f"*{s}*",
    code=lambda s: f"`{s}`",
    link=lambda text, url: f"[{text}]({url.replace(')', '%29')})",
)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "digest"


def post(topic: str, day: str, cards: list[PaperCard], writer: str) -> tuple[str, dict[str, bytes]]:
    """(Markdown text, {relative path: image bytes}) for one topic's papers of one day."""
    keywords = sorted({k for c in cards for k in c.summary.keywords[:3]} | {c.paper.primary_category for c in cards})
    front = yaml.safe_dump({"title": topic, "date": day, "tags": keywords[:12],
                            "description": f"{topic} — {day} · {len(cards)} new papers on arXiv"},
                           allow_unicode=True, sort_keys=False, width=10_000)  # a YAML writer: no value ends it
    lines = [
        "---",
        front.rstrip("\n"),
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


def zip_posts(posts: list[tuple[str, str, dict[str, bytes]]], target: Path) -> Path:
    """One archive at `target` with each post (`<day>-<topic>.md`) and its figure files beside it, written to
    disk as it goes (an export of many figures is not held in memory twice)."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text, files in posts:
            archive.writestr(name, text)
            for path, data in files.items():
                archive.writestr(path, data)
    return target
