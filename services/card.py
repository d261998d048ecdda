"""A paper card as Telegram HTML messages (≤ 4096 characters each) or as plain text for the terminal. Pure.

Every text from arXiv or the LLM is escaped; messages are split only between paragraphs or lines, never
inside a tag.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

from services.i18n import t
from services.models import FigureImage, PaperMeta
from services.papers import PaperCard

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
MAX_AUTHORS = 8
FIELD_LIMIT = 1500
"""No LLM field may be longer than this: every line of a card then fits a message on its own."""


def abs_url(paper: PaperMeta) -> str:
    return f"https://arxiv.org/abs/{paper.versioned_id}"


def pdf_url(paper: PaperMeta) -> str:
    return f"https://arxiv.org/pdf/{paper.versioned_id}"


@dataclass(frozen=True)
class Markup:
    """How to write bold, links and code: HTML for Telegram, plain text for the terminal."""

    escape: Callable[[str], str]
    bold: Callable[[str], str]
    italic: Callable[[str], str]
    code: Callable[[str], str]
    link: Callable[[str, str], str]


HTML = Markup(
    escape=lambda s: html.escape(s, quote=False),
    bold=lambda s: f"<b>{s}</b>",
    italic=lambda s: f"<i>{s}</i>",
    code=lambda s: f"<code>{s}</code>",
    link=lambda text, url: f'<a href="{html.escape(url, quote=True)}">{text}</a>',
)
PLAIN = Markup(
    escape=lambda s: s,
    bold=lambda s: s,
    italic=lambda s: s,
    code=lambda s: s,
    link=lambda text, url: f"{text}: {url}",
)


def shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def authors_line(authors: tuple[str, ...], lang: str) -> str:
    if len(authors) <= MAX_AUTHORS:
        return ", ".join(authors)
    return ", ".join(authors[:MAX_AUTHORS]) + ", " + t(lang, "more_authors", count=len(authors) - MAX_AUTHORS)


def facts_line(paper: PaperMeta) -> list[str]:
    """`arXiv:2408.14227v1 · cs.CV · 2024-08-26 · comment` — the date is this version's submission date."""
    when = paper.updated or paper.published
    return [f"arXiv:{paper.versioned_id}", paper.primary_category] + (
        [when.date().isoformat()] if when else []
    ) + ([paper.comment] if paper.comment else [])


def render_card(card: PaperCard, m: Markup = HTML) -> list[str]:
    """The card's paragraphs in FORMAT.md order."""
    lang, paper, s = card.language, card.paper, card.summary

    def say(key: str, **values: object) -> str:
        return m.escape(t(lang, key, **values))

    def prose(text: str) -> str:
        text = shorten(text, FIELD_LIMIT)
        return m.escape(text) if text else m.italic(say("not_stated"))

    title = m.bold(m.link(m.escape(paper.title), abs_url(paper)))
    if lang != "en" and s.title_translation.strip():
        title += f"\n({m.escape(shorten(s.title_translation, 300))})"
    facts = m.code(m.escape(facts_line(paper)[0])) + "".join(f" · {m.escape(x)}" for x in facts_line(paper)[1:])
    url_list = [m.link("abs", abs_url(paper)), m.link("PDF", pdf_url(paper))]
    if card.links.code:
        url_list.append(m.link(say("card_code"), card.links.code))
    if card.links.project:
        url_list.append(m.link(say("card_project"), card.links.project))
    urls = " · ".join(url_list)
    header = "\n".join([title, m.italic(m.escape(authors_line(paper.authors, lang))), facts, urls])

    takeaways = [x for x in s.takeaways if x.strip()][:7]
    keywords = ", ".join(shorten(k, 60) for k in s.keywords[:6] if k.strip())
    keyword_text = m.escape(keywords) if keywords else m.italic(say("not_stated"))
    steps = [x for x in s.method_steps if x.strip()][:7]
    paragraphs = [
        header,
        f"{m.bold(say('card_summary'))}: {prose(s.one_sentence)}",
        m.bold(say("card_takeaways")) + "".join(f"\n• {m.escape(shorten(x, FIELD_LIMIT))}" for x in takeaways),
        "\n".join([
            f"{m.bold('1. ' + say('card_title'))}: {m.escape(paper.title)}"
            + (f" ({m.escape(shorten(s.title_translation, 300))})" if lang != "en" and s.title_translation else ""),
            f"{m.bold('2. ' + say('card_authors'))}: {m.escape(authors_line(paper.authors, lang))}",
            f"{m.bold('3. ' + say('card_affiliation'))}: {prose(card.affiliation)}",
            f"{m.bold('4. ' + say('card_keywords'))}: {keyword_text}",
            f"{m.bold('5. ' + say('card_urls'))}: {urls}",
        ]),
        "\n".join([
            m.bold("6. " + say("card_structured")),
            f"(1) {say('card_background')}: {prose(s.background)}",
            f"(2) {say('card_past')}: {prose(s.past_methods)}",
            f"(3) {say('card_method')}: {prose(s.method)}",
            f"(4) {say('card_results')}: {prose(s.results)}",
        ]),
        m.bold("7. " + say("card_methods"))
        + ("".join(f"\n{i}. {m.escape(shorten(x, FIELD_LIMIT))}" for i, x in enumerate(steps, 1))
           or f"\n{m.italic(say('not_stated'))}"),
        "\n".join([
            m.bold("8. " + say("card_conclusion")),
            f"(1) {say('card_significance')}: {prose(s.significance)}",
            f"(2) {say('card_innovation')}: {prose(s.innovation)} / {say('card_performance')}: "
            f"{prose(s.performance)} / {say('card_workload')}: {prose(s.workload)}",
        ]),
    ]
    notes = []
    if card.pdf_note:
        notes.append(say("note_pdf", reason=card.pdf_note))
    if card.llm_failure:
        notes.append(say("note_llm_failed", reason=card.llm_failure))
    elif card.extractive:
        notes.append(say("note_extract"))
    if notes:
        paragraphs.append(m.italic(" ".join(notes)))
    return paragraphs


def split_messages(paragraphs: list[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Pack paragraphs into messages of at most `limit` characters, breaking between paragraphs, then lines."""
    pieces: list[str] = []
    for paragraph in paragraphs:
        if len(paragraph) <= limit:
            pieces.append(paragraph)
        else:
            pieces.extend(line[:limit] for line in paragraph.split("\n"))
    messages: list[str] = []
    for piece in pieces:
        separator = "\n\n" if messages and not piece.startswith("•") else "\n"
        if messages and len(messages[-1]) + len(separator) + len(piece) <= limit:
            messages[-1] += separator + piece
        else:
            messages.append(piece)
    return messages


def card_messages(card: PaperCard) -> list[str]:
    return split_messages(render_card(card, HTML))


def card_text(card: PaperCard) -> str:
    return "\n\n".join(render_card(card, PLAIN))


def figure_caption(figure: FigureImage, lang: str, paper: PaperMeta, m: Markup = HTML) -> str:
    """`Fig. N — <caption>` within Telegram's 1024-character caption limit (after escaping)."""
    if figure.kind == "page":
        return m.escape(t(lang, "page_caption", id=paper.versioned_id))
    key = "table_caption" if figure.kind == "table" else "figure_caption"

    def text(length: int) -> str:
        return m.escape(t(lang, key, number=figure.number, caption=shorten(figure.caption, length)))

    if len(text(len(figure.caption))) <= CAPTION_LIMIT:
        return text(len(figure.caption))
    low, high = 1, len(figure.caption)  # escaping lengthens text unevenly: search the longest caption that fits
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if len(text(middle)) <= CAPTION_LIMIT else (low, middle - 1)
    return text(low)
