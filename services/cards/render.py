"""A paper card as Telegram HTML messages (≤ 4096 characters each) or as plain text for the terminal. Pure.

Every text from arXiv or the LLM is escaped; messages are split only between paragraphs or lines, never
inside a tag.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from services.arxiv.ids import find_papers
from services.arxiv.licences import Licence
from services.cards.papers import PaperCard
from services.cards.versions import VersionChanges
from services.i18n import t
from services.models import PaperMeta, PaperRef
from services.signals import Signals

MESSAGE_LIMIT = 4096
"""Telegram's limit, counted in UTF-16 units of the text a reader sees (after the markup is parsed)."""
MARKUP_LIMIT = 8192
"""The markup itself: Telegram refuses one whose entities run far beyond the text (`Entities_too_long`, ~9,500)."""
CAPTION_LIMIT = 1024
MAX_AUTHORS = 8
HEADER_AUTHORS = 2
"""Authors named in the card's header (the first eight in the fold): one line of a phone."""
FIELD_LIMIT = 1500
"""No LLM field may be longer than this: every line of a card then fits a message on its own."""
TLDR_LIMIT = 200
"""About 30 words: the TL;DR the prompt asks for, with room for long technical words."""
TAKEAWAYS = 3
TAKEAWAY_LIMIT = 110
"""About 20 words a takeaway (FORMAT's ceiling): an LLM's takeaway a little over the prompt's ten words is kept
whole, in three phone lines."""
QUOTED_TAKEAWAY_LIMIT = 74
"""A takeaway quoted from the abstract (no LLM) in two phone lines: it is a cut sentence anyway."""
COMMENT_LIMIT = 28
"""arXiv's comment field in the header when it is this short (`Accepted to ECCV'24`); a longer one is in the
fold, on the links line."""
STRUCTURED_LIMITS = (700, 450, 300, 220, 160, 100)
"""Per-field lengths tried, longest first, until the whole card fits one message (fields cut at a sentence)."""


def abs_url(paper: PaperMeta) -> str:
    return f"https://arxiv.org/abs/{paper.versioned_id}"


def abs_link(paper_id: str, title: str) -> str:
    """A title linked to its arXiv page, as bot HTML: how lists (search results, the reading list, similar papers,
    a comparison) name a paper."""
    return f'<a href="https://arxiv.org/abs/{html.escape(paper_id)}">{html.escape(title, quote=False)}</a>'


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
    fold: Callable[[str], str] = lambda s: s
    """A block a reader opens on demand (Telegram's expandable blockquote); as is elsewhere."""
    compact: bool = False
    """Telegram: title, authors and links are in the header, so the 8-point block does not repeat them."""


HTML = Markup(
    escape=lambda s: html.escape(s, quote=False),
    bold=lambda s: f"<b>{s}</b>",
    italic=lambda s: f"<i>{s}</i>",
    code=lambda s: f"<code>{s}</code>",
    link=lambda text, url: f'<a href="{html.escape(url, quote=True)}">{text}</a>',
    fold=lambda s: f"<blockquote expandable>{s}</blockquote>",
    compact=True,
)
PLAIN = Markup(
    escape=lambda s: s,
    bold=lambda s: s,
    italic=lambda s: s,
    code=lambda s: s,
    link=lambda text, url: f"{text}: {url}",
)


def visible_text(markup: str) -> str:
    """What a reader reads of a bot text: its HTML tags gone, entities read."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def shown_length(markup: str) -> int:
    """What Telegram counts against 4,096: the text after parsing the HTML, in UTF-16 code units."""
    return len(visible_text(markup).encode("utf-16-le")) // 2


def fits(markup: str) -> bool:
    """One message can carry `markup`: links and labels cost nothing of the 4,096 a reader sees."""
    return len(markup) <= MARKUP_LIMIT and shown_length(markup) <= MESSAGE_LIMIT


_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+|(?<=[。！？])")


def shorten(text: str, limit: int) -> str:
    """`text` in at most `limit` characters: whole sentences while they fit, else whole words and "…" — never cut
    inside a word (a reader cannot tell "The find…" from "The findings")."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    kept = ""
    for sentence in _SENTENCE_END.split(text):
        candidate = f"{kept} {sentence}".strip() if kept and not kept.endswith(("。", "！", "？")) else kept + sentence
        if len(candidate) > limit:
            break
        kept = candidate
    if kept:
        return kept
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    elif not _cjk(cut):  # one long word: cut it rather than say nothing, the ellipsis shows it
        cut = cut[: limit - 1]
    return cut.rstrip(" ,;:") + "…"


def _cjk(text: str) -> bool:
    """Chinese and Japanese prose has no spaces between words: any character boundary is a word boundary."""
    return any("\u3040" <= c <= "\u9fff" for c in text[-5:])


def authors_line(authors: tuple[str, ...], lang: str, most: int = MAX_AUTHORS) -> str:
    if len(authors) <= most:
        return ", ".join(shorten(a, 60) for a in authors)
    return ", ".join(shorten(a, 60) for a in authors[:most]) + ", " + t(lang, "more_authors",
                                                                         count=len(authors) - most)


def facts_line(paper: PaperMeta) -> list[str]:
    """`arXiv:2408.14227v1 · cs.CV · 2024-08-26 · comment` — the date is this version's submission date."""
    when = paper.updated or paper.published
    return [f"arXiv:{paper.versioned_id}", paper.primary_category] + (
        [when.date().isoformat()] if when else []
    ) + ([paper.comment] if paper.comment else [])


_FACTS = re.compile(r"(?m)^arXiv:(\S+) · ")


def card_paper(text: str) -> PaperRef | None:
    """The paper a card's text is about, read from its facts line (a message merely naming an ID is no card)."""
    match = _FACTS.search(text)
    refs = find_papers(match[1]) if match else []
    return refs[0] if refs else None


def render_card(card: PaperCard, m: Markup = HTML) -> list[str]:
    """The card's paragraphs, as FORMAT.md lays them out: the header (title, authors, facts, links), the TL;DR and
    three takeaways — about twenty lines of a phone — then the 8-point layout, folded in Telegram (in full in
    Markdown and on the terminal), every point complete. A field with nothing to say is left out."""
    lang, paper, s = card.language, card.paper, card.summary

    def say(key: str, **values: object) -> str:
        return m.escape(t(lang, key, **values))

    title = m.bold(m.link(m.escape(paper.title), abs_url(paper)) if paper.from_arxiv else m.escape(paper.title))
    if lang != "en" and s.title_translation.strip():
        title += f"\n({m.escape(shorten(s.title_translation, 300))})"
    facts_parts = facts_line(paper)
    if m.compact and paper.comment and len(paper.comment) > COMMENT_LIMIT:
        facts_parts.pop()  # a long comment ("12 pages, 8 figures, accepted to …") reads in the fold
    facts = m.code(m.escape(facts_parts[0])) + "".join(f" · {m.escape(x)}" for x in facts_parts[1:]) \
        if paper.from_arxiv else m.italic(say("not_from_arxiv"))
    url_list = [m.link("abs", abs_url(paper)), m.link("PDF", pdf_url(paper))] if paper.from_arxiv else []
    if card.links.code:
        url_list.append(m.link(say("card_code"), card.links.code))
    if card.links.project:
        url_list.append(m.link(say("card_project"), card.links.project))
    urls = " · ".join(url_list) or "—"
    header_authors = authors_line(paper.authors, lang, HEADER_AUTHORS if m.compact else MAX_AUTHORS)
    # facts and links on one line where the screen allows: the header is four lines of a phone
    line = f"{facts} · {urls}" if m.compact and url_list else facts if m.compact else f"{facts}\n{urls}"
    popular = signals_line(card.signals, lang)
    header = [title, m.italic(m.escape(header_authors)), line, *([m.escape(popular)] if popular else [])]
    paragraphs = ["\n".join(header)]
    if card.extractive and lang != "en":
        paragraphs.append(m.italic(say("note_extract_language")))  # said first: the prose below is English
    gist = [f"{m.bold(say('card_contribution'))} {m.escape(shorten(s.one_sentence, TLDR_LIMIT))}"] \
        if s.one_sentence.strip() else []
    most = QUOTED_TAKEAWAY_LIMIT if card.extractive else TAKEAWAY_LIMIT
    gist += [f"• {m.escape(shorten(x, most))}" for x in [x for x in s.takeaways if x.strip()][:TAKEAWAYS]]
    if gist:  # one paragraph: the TL;DR and its takeaways read as one block on a phone
        paragraphs.append("\n".join(gist))
    notes = card_notes(card)
    tail = [m.italic(m.escape(" ".join(notes)))] if notes else []
    for limit in STRUCTURED_LIMITS:
        block = m.fold("\n".join(_structured(card, m, urls, limit)))
        if fits("\n\n".join([*paragraphs, block, *tail])):
            break
    return [*paragraphs, block, *tail]


def card_notes(card: PaperCard) -> list[str]:
    """What the reader should know of how the card was made (a PDF problem, numbers removed, the offline extract)."""
    lang = card.language
    notes = []
    if card.pdf_note:
        notes.append(t(lang, "note_pdf", reason=card.pdf_note))
    elif card.figures_failed:
        notes.append(t(lang, "note_figures"))
    if card.numbers_removed:
        notes.append(t(lang, "note_numbers_removed", count=card.numbers_removed))
    if card.provisional:
        notes.append(t(lang, "note_provisional"))
    elif card.llm_failure:
        notes.append(t(lang, "note_llm_failed", reason=card.llm_failure))
    elif card.extractive:
        notes.append(t(lang, "note_extract"))
    return notes


def structured_lines(card: PaperCard, m: Markup, urls: str, limit: int = STRUCTURED_LIMITS[0]) -> list[str]:
    """The 8-point layout's lines (what a card folds), in `m`."""
    return _structured(card, m, urls, limit)


def _structured(card: PaperCard, m: Markup, urls: str, limit: int) -> list[str]:
    """The 8-point layout readers know; in compact form without title, authors and links (in the header)."""
    lang, paper, s = card.language, card.paper, card.summary

    def say(key: str, **values: object) -> str:
        return m.escape(t(lang, key, **values))

    def field(label: str, text: str) -> list[str]:
        return [f"{label}: {m.escape(shorten(text, limit))}"] if text.strip() else []

    lines: list[str] = []
    translation = shorten(s.title_translation, 300) if lang != "en" and s.title_translation.strip() else ""
    if m.compact:  # the header has the title: the fold gives its translation, or the title itself, short
        lines.append(f"{m.bold('1. ' + say('card_title'))}: {m.escape(translation or shorten(paper.title, 200))}")
    else:
        lines.append(f"{m.bold('1. ' + say('card_title'))}: {m.escape(paper.title)}"
                     + (f" ({m.escape(translation)})" if translation else ""))
    lines.append(f"{m.bold('2. ' + say('card_authors'))}: {m.escape(authors_line(paper.authors, lang))}")
    lines += field(m.bold("3. " + say("card_affiliation")), card.affiliation)
    keywords = ", ".join(shorten(k, 60) for k in s.keywords[:6] if k.strip())
    lines += field(m.bold("4. " + say("card_keywords")), keywords)
    comment = f" · {m.escape(paper.comment)}" if m.compact and len(paper.comment) > COMMENT_LIMIT else ""
    licence = Licence(card.licence)
    shown = say("licence_arxiv") if licence.kind == "arxiv" else m.escape(licence.name)
    rights = f" · {m.link(shown, licence.uri)}" if shown and licence.uri.startswith(("http://", "https://")) else ""
    lines.append(f"{m.bold('5. ' + say('card_urls'))}: {urls}{comment}{rights}")
    summary = (field(f"(1) {say('card_background')}", s.background) + field(f"(2) {say('card_past')}", s.past_methods)
               + field(f"(3) {say('card_method')}", s.method) + field(f"(4) {say('card_results')}", s.results))
    if summary:
        lines += [m.bold("6. " + say("card_structured")), *summary]
    steps = [x for x in s.method_steps if x.strip()][:7]
    if steps:
        lines += [m.bold("7. " + say("card_methods"))]
        lines += [f"{i}. {m.escape(shorten(x, limit))}" for i, x in enumerate(steps, 1)]
    parts = [f"{say(key)}: {m.escape(shorten(text, limit))}" for key, text in (
        ("card_innovation", s.innovation), ("card_performance", s.performance), ("card_workload", s.workload))
        if text.strip()]
    conclusion = field(f"(1) {say('card_significance')}", s.significance) \
        + ([f"(2) {' / '.join(parts)}"] if parts else []) + field(f"(3) {say('card_limitations')}", s.limitations)
    if conclusion:
        lines += [m.bold("8. " + say("card_conclusion")), *conclusion]
    return lines


def split_messages(paragraphs: list[str]) -> list[str]:
    """Pack paragraphs into messages Telegram takes, breaking between paragraphs, then lines."""
    pieces: list[str] = []
    for paragraph in paragraphs:
        if fits(paragraph):
            pieces.append(paragraph)
        else:
            pieces.extend(line[:MESSAGE_LIMIT] for line in paragraph.split("\n"))
    messages: list[str] = []
    for piece in pieces:
        # a quotation has its own margin: no empty line before it
        separator = "\n" if messages and piece.startswith(("•", "<blockquote")) else "\n\n"
        if messages and fits(messages[-1] + separator + piece):
            messages[-1] += separator + piece
        else:
            messages.append(piece)
    return messages


def card_messages(card: PaperCard) -> list[str]:
    return split_messages(render_card(card, HTML))


def card_text(card: PaperCard) -> str:
    return "\n\n".join(render_card(card, PLAIN))


def changes_message(changes: VersionChanges, lang: str) -> str:
    """The "what changed" card: the two versions (linked, with their dates), the LLM's account, then what the
    comparison found — sections added, removed, rewritten, numbers before → after."""
    def version(paper: PaperMeta) -> str:
        day = paper.updated.date().isoformat() if paper.updated else ""
        return f'<a href="{abs_url(paper)}">v{paper.version}</a>' + (f" ({day})" if day else "")

    title = f'<b><a href="{abs_url(changes.new)}">{html.escape(changes.new.title, quote=False)}</a></b>'
    lines = [title, t(lang, "diff_title", old=version(changes.old), new=version(changes.new))]
    if changes.note:
        return "\n".join([*lines, "", html.escape(t(lang, "diff_unread", ids=changes.note), quote=False)])
    if changes.unchanged:
        return "\n".join([*lines, "", html.escape(t(lang, "diff_unchanged"), quote=False)])
    body = [f"💬 {html.escape(shorten(changes.summary, 700), quote=False)}"] if changes.summary else []
    def names(items: Iterable[str]) -> str:
        listed = list(items)
        return ", ".join(listed[:12]) + (f" +{len(listed) - 12}" if len(listed) > 12 else "")

    if changes.added:
        body.append(t(lang, "diff_added", names=html.escape(names(changes.added), quote=False)))
    if changes.removed:
        body.append(t(lang, "diff_removed", names=html.escape(names(changes.removed), quote=False)))
    if changes.rewritten:
        body.append(t(lang, "diff_rewritten", names=html.escape(names(f"{n} ({p}%)" for n, p in changes.rewritten),
                                                                 quote=False)))
    if changes.numbers:
        body.append(t(lang, "diff_numbers") + "\n" + "\n".join(
            f"• {html.escape(shorten(c.where, 80), quote=False)}: {html.escape(shorten(c.before, 60), quote=False)}"
            f" → {html.escape(shorten(c.after, 60), quote=False)}" for c in changes.numbers))
    notes = [t(lang, "note_numbers_removed", count=changes.numbers_removed)] if changes.numbers_removed else []
    if not changes.summary:
        notes.append(t(lang, "diff_offline"))
    tail = [f"<i>{html.escape(' '.join(notes), quote=False)}</i>"] if notes else []
    return "\n\n".join(["\n".join(lines), *body, *tail])


def compact_count(number: int) -> str:
    """1400 → 1.4k, 25300 → 25k: a count as a glance reads it."""
    if number < 1000:
        return str(number)
    if number < 10_000:
        return f"{number / 1000:.1f}".rstrip("0").rstrip(".") + "k"
    if number < 1_000_000:
        return f"{number // 1000}k"
    return f"{number / 1_000_000:.1f}".rstrip("0").rstrip(".") + "M"


def signals_line(signals: Signals | None, lang: str) -> str:
    """"▲ 212 on HF · ★ 1.4k · 35 citations": what the field is reading, one short line ("" with no signal)."""
    if not signals:
        return ""
    parts = []
    if signals.upvotes:
        parts.append(t(lang, "signal_upvotes", count=compact_count(signals.upvotes)))
    if signals.stars:
        parts.append(t(lang, "signal_stars", count=compact_count(signals.stars)))
    if signals.citations:
        parts.append(t(lang, "signal_citations", count=signals.citations))
    return " · ".join(parts)
