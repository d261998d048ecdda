"""What goes with a card's figures: each crop's caption within Telegram's 1,024 characters, which figure a reader
sees first, how the others share one album caption, and the credit (or the pointer to arXiv instead) a paper's
licence asks for where a chat republishes. Pure."""

from __future__ import annotations

import html
import re

from services.arxiv.licences import Licence
from services.cards.render import CAPTION_LIMIT, HTML, Markup, authors_line, shorten
from services.i18n import t
from services.models import FigureImage, PaperMeta

_LABEL = re.compile(r"^(?:fig(?:ure)?s?\.?|table)\s*[A-Z]?[\dIVXL.]*\d*[A-Z]?\s*[:.\-—–]?\s*", re.IGNORECASE)


def figure_caption(figure: FigureImage, lang: str, paper: PaperMeta, m: Markup = HTML,
                   limit: int = CAPTION_LIMIT) -> str:
    """`Fig. N — <caption>` within Telegram's 1024-character caption limit (after escaping)."""
    if figure.kind == "page":
        return m.escape(t(lang, "page_caption", id=paper.versioned_id))
    key = "table_caption" if figure.kind == "table" else "figure_caption"

    caption = _LABEL.sub("", figure.caption, count=1) if _LABEL.match(figure.caption) else figure.caption

    def text(length: int) -> str:
        return m.escape(t(lang, key, number=figure.number, caption=shorten(caption, length)))

    if len(text(len(caption))) <= limit:
        return text(len(caption))
    low, high = 1, len(caption)  # escaping lengthens text unevenly: search the longest caption that fits
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if len(text(middle)) <= limit else (low, middle - 1)
    return text(low)


_OVERVIEW = re.compile(r"\b(overview|framework|pipeline|architecture|illustration of (our|the proposed)|our method|"
                       r"our approach|the proposed method)\b", re.IGNORECASE)


def key_figure(figures: list[FigureImage]) -> int:
    """Which figure a reader sees first, alone with its caption: the method overview when one of the first three
    figures says it is one, else Figure 1 (the first found)."""
    for index, figure in enumerate(figures[:3]):
        if figure.kind == "figure" and _OVERVIEW.search(figure.caption):
            return index
    return 0


def figure_groups(figures: list[FigureImage], lang: str, paper: PaperMeta,
                  m: Markup = HTML, credit: str = "") -> list[tuple[list[FigureImage], list[str]]]:
    """How figures are sent, as (photos, their captions): the key figure alone with its caption visible; the
    others as one album whose single caption lists them — Telegram shows no caption under an album several of
    whose photos have one (a lone other figure goes alone, with its own caption). `credit` (an attribution the
    licence asks for, already markup) ends every visible caption."""
    if not figures:
        return []
    if credit:
        return [(group, [f"{caption}\n{credit}" if caption else "" for caption in captions])
                for group, captions in _figure_groups(figures, lang, paper, m, CAPTION_LIMIT - len(credit) - 1)]
    return _figure_groups(figures, lang, paper, m, CAPTION_LIMIT)


def _figure_groups(figures: list[FigureImage], lang: str, paper: PaperMeta, m: Markup,
                   limit: int) -> list[tuple[list[FigureImage], list[str]]]:
    if len(figures) == 1 or figures[0].kind == "table":  # 📊: the tables together, listed
        first: list[FigureImage] = []
        rest = list(figures)
    else:
        key = key_figure(figures)
        first, rest = [figures[key]], figures[:key] + figures[key + 1:]
    groups = [(first, [figure_caption(first[0], lang, paper, m, limit)])] if first else []
    if len(rest) == 1:
        groups.append((rest, [figure_caption(rest[0], lang, paper, m, limit)]))
    elif rest:
        groups.append((rest, [album_caption(rest, lang, paper, m, limit)] + [""] * (len(rest) - 1)))
    return groups


def album_caption(figures: list[FigureImage], lang: str, paper: PaperMeta, m: Markup = HTML,
                  limit: int = CAPTION_LIMIT) -> str:
    """One caption naming every photo of an album in order — `Fig. 2 · …  Fig. 3 · …` — within 1,024 characters."""
    def entry(figure: FigureImage, length: int) -> str:
        caption = _LABEL.sub("", figure.caption, count=1) if _LABEL.match(figure.caption) else figure.caption
        key = "table_caption" if figure.kind == "table" else "figure_caption"
        return m.escape(t(lang, key, number=figure.number, caption=shorten(caption, length)))

    for length in (300, 200, 140, 100, 70, 40, 20):
        text = "\n".join(entry(f, length) for f in figures)
        if len(text) <= limit:
            return text
    return "\n".join(entry(f, 10) for f in figures)[:limit]


def figure_credit(paper: PaperMeta, licence: Licence, lang: str, m: Markup = HTML) -> str:
    """The attribution a Creative Commons licence asks for where figures are republished: the authors, the
    licence (linked) and the paper."""
    authors = authors_line(paper.authors, lang, 2)
    return m.escape(t(lang, "figures_credit", authors=authors, id=paper.versioned_id)) + " · " + \
        m.link(m.escape(licence.name), licence.uri)


def figures_elsewhere(paper: PaperMeta, licence: Licence, lang: str) -> str:
    """Instead of crops a paper's licence does not let this chat republish: where to see the figures."""
    name = licence.name if licence.kind != "arxiv" else t(lang, "licence_arxiv")
    return t(lang, "figures_elsewhere", id=paper.versioned_id, url=f"https://arxiv.org/html/{paper.versioned_id}",
             licence=html.escape(name or t(lang, "licence_unknown"), quote=False))


def figure_terms(licence: Licence, policy: str, paper: PaperMeta, lang: str) -> tuple[bool, str]:
    """(whether a chat with `policy` may post the paper's crops, the line that goes with them: their credit, or
    instead where to see them) — one rule for cards and digests."""
    if policy == "all":
        return True, ""
    if not licence.allows_figures(policy):
        return False, figures_elsewhere(paper, licence, lang)
    return True, figure_credit(paper, licence, lang)
