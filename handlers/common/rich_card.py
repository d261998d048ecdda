"""A paper's card as one rich message (Bot API 10.1+): the title as a heading, authors, facts and links; the TL;DR
and three takeaways; the eight points in a block that opens on tap; the main results table as a table; formulas
drawn; the figures inside the same message as a slideshow with their captions. The same words as the classic card
(services/cards/render.py decides what a card says; this module only lays it out)."""

from __future__ import annotations

from handlers.common.rich import (
    Block,
    Bold,
    Buttons,
    Details,
    Footer,
    Heading,
    Italic,
    Link,
    ListBlock,
    Paragraph,
    Photo,
    RichButton,
    RichMessage,
    RichText,
    Slideshow,
    Table,
    with_math,
)
from services import callback_data
from services.cards.figure_captions import figure_caption, key_figure
from services.cards.papers import PaperCard
from services.cards.render import (
    PLAIN,
    QUOTED_TAKEAWAY_LIMIT,
    TAKEAWAY_LIMIT,
    TAKEAWAYS,
    TLDR_LIMIT,
    Markup,
    abs_url,
    authors_line,
    card_notes,
    facts_line,
    pdf_url,
    shorten,
    signals_line,
    structured_lines,
)
from services.i18n import t
from services.models import FigureImage, Overview, OverviewEntry

MAX_SLIDES = 6
CAPTION_LIMIT = 600
"""A slide's caption: read under the photo, so shorter than a message's."""

_WORDS = Markup(escape=lambda s: s, bold=lambda s: s, italic=lambda s: s, code=lambda s: s,
                link=lambda text, url: f"{text} ({url})", compact=True)
"""The 8 points as words: the rich blocks carry the formatting."""


def _links(card: PaperCard) -> list[RichText]:
    lang, paper = card.language, card.paper
    links: list[RichText] = [Link("abs", abs_url(paper)), Link("PDF", pdf_url(paper))] if paper.from_arxiv else []
    if card.links.code:
        links.append(Link(t(lang, "card_code"), card.links.code))
    if card.links.project:
        links.append(Link(t(lang, "card_project"), card.links.project))
    return links


def _header(card: PaperCard, compact: bool) -> list[Block]:
    lang, paper, s = card.language, card.paper, card.summary
    blocks: list[Block] = [Heading(shorten(paper.title, 300), size=2)]
    if lang != "en" and s.title_translation.strip():
        blocks.append(Paragraph(Italic(shorten(s.title_translation, 300))))
    blocks.append(Paragraph(Italic(authors_line(paper.authors, lang, 2 if compact else 8))))
    facts: list[RichText] = [" · ".join(facts_line(paper)[:3]) if paper.from_arxiv else t(lang, "not_from_arxiv")]
    for link in _links(card):
        facts += [" · ", link]
    blocks.append(Paragraph(facts))
    if popular := signals_line(card.signals, lang):
        blocks.append(Paragraph(popular))
    return blocks


def _gist(card: PaperCard) -> list[Block]:
    s = card.summary
    blocks: list[Block] = []
    if s.one_sentence.strip():
        blocks.append(Paragraph([f"{t(card.language, 'card_contribution')}: ",
                                 with_math(shorten(s.one_sentence, TLDR_LIMIT))]))
    most = QUOTED_TAKEAWAY_LIMIT if card.extractive else TAKEAWAY_LIMIT
    takeaways = [x for x in s.takeaways if x.strip()][:TAKEAWAYS]
    if takeaways:
        blocks.append(ListBlock(tuple(with_math(shorten(x, most)) for x in takeaways)))
    return blocks


def slide_order(figures: list[FigureImage]) -> list[FigureImage]:
    """The figures as the slideshow shows them: the key figure first."""
    if not figures:
        return []
    key = key_figure(figures)
    return [figures[key], *figures[:key], *figures[key + 1:]][:MAX_SLIDES]


def _slides(figures: list[FigureImage], card: PaperCard, credit: str) -> tuple[list[Block], dict[str, bytes]]:
    if not figures:
        return [], {}
    files: dict[str, bytes] = {}
    photos = []
    for index, figure in enumerate(slide_order(figures)):
        name = f"fig{index}"
        files[name] = figure.image
        caption = figure_caption(figure, card.language, card.paper, PLAIN, CAPTION_LIMIT)
        photos.append(Photo(f"attach://{name}", f"{caption}\n{credit}" if credit else caption))
    block: Block = photos[0] if len(photos) == 1 else Slideshow(tuple(photos))
    return [block], files


def rich_card(card: PaperCard, figures: list[FigureImage] | None = None, credit: str = "") -> RichMessage:
    """The full card; `figures` (already allowed by the chat's licence policy) inside it, `credit` under each."""
    lang = card.language
    blocks = _header(card, compact=False) + _gist(card)
    slides, files = _slides(list(figures or []), card, credit)
    blocks += slides
    if card.table is not None:
        rows = tuple(tuple(with_math(cell) for cell in row) for row in card.table.rows)
        blocks.append(Table(rows, caption=card.table.caption))
    urls = " · ".join(u for u in (abs_url(card.paper), pdf_url(card.paper)) if card.paper.from_arxiv)
    points = tuple(Paragraph(with_math(line)) for line in structured_lines(card, _WORDS, urls))
    blocks.append(Details(t(lang, "card_details"), points))
    notes = card_notes(card)
    if notes:
        blocks.append(Footer(" ".join(notes)))
    return RichMessage(tuple(blocks), files)


def _entry_buttons(entry: OverviewEntry, ratable: bool) -> Buttons:
    card = entry.card
    row = [RichButton(card.text, callback_data=card.data, url=card.url)]
    if ratable and entry.base_id:
        row += [RichButton("👍", callback_data.rate(entry.base_id, 1)),
                RichButton("👎", callback_data.rate(entry.base_id, -1))]
    return Buttons(tuple(row))


def rich_overview(overview: Overview) -> RichMessage:
    """A digest's list as one rich message: a heading per topic, each paper's linked title, its line and why it
    was chosen, and its own buttons beside it (📄 the card, 👍 / 👎 where the chat rates)."""
    sections = list(overview.sections) or [(overview.header, len(overview.entries))]
    entries = iter(overview.entries)
    blocks: list[Block] = []
    for header, count in sections:
        blocks.append(Heading(header, size=3))
        for entry in (next(entries) for _ in range(count)):
            blocks.append(Paragraph([f"{entry.number}. ", Bold(Link(entry.title, entry.url))]))
            if entry.line:
                blocks.append(Paragraph(with_math(entry.line)))
            if entry.reason:
                blocks.append(Paragraph(Italic(entry.reason)))
            blocks.append(_entry_buttons(entry, overview.ratable))
    if overview.footer:
        blocks.append(Footer(overview.footer))
    return RichMessage(tuple(blocks))


def compact_card(card: PaperCard, deep_link: str, figure_file_id: str = "") -> RichMessage:
    """What a guest query or an inline result posts into another chat: the key figure (when Telegram already has
    it), the TL;DR and takeaways, and a link to the full card in a private chat with the bot."""
    blocks = _header(card, compact=True)
    if figure_file_id:
        blocks.append(Photo(figure_file_id))
    blocks += _gist(card)
    blocks.append(Paragraph(Link(t(card.language, "full_card_link"), deep_link)))
    notes = card_notes(card)
    if notes:
        blocks.append(Footer(" ".join(notes)))
    return RichMessage(tuple(blocks))
