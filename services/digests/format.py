"""A digest as Telegram messages: per topic, `<topic> — <date> · N new papers` and a numbered list. Pure."""

from __future__ import annotations

import html
from dataclasses import dataclass, replace

from services import callback_data
from services.arxiv.announcements import Announcement
from services.cards.papers import PaperCard
from services.cards.render import MESSAGE_LIMIT, abs_url, card_messages, shorten, signals_line, visible_text
from services.i18n import t
from services.models import Button, ChatSettings, OutboxMessage, Overview, OverviewEntry, PaperMeta
from services.ranking.relevance import Pick

BUTTONS_PER_ROW = 5
ENTRIES_PER_MESSAGE = 10
"""A message a thumb scrolls: an entry's 📄 button is never more than ten entries below it."""
ENTRY_LINE_LIMIT = 150
"""About 20 words: the one line an entry shows of its paper."""
LIKE, DISLIKE = "👍", "👎"


@dataclass(frozen=True)
class DigestEntry:
    paper: PaperMeta
    one_sentence: str
    reason: str = ""
    """Why the paper was chosen, one line, only when it helps ("matches: …", "like 2 papers you rated 👍")."""
    popular: str = ""
    """What the field is reading of it ("▲ 212 on HF · 35 citations"), when known."""


def rating_buttons(paper: PaperMeta) -> tuple[tuple[Button, ...], ...]:
    """👍 / 👎 under a card."""
    return ((Button(LIKE, callback_data.rate(paper.base_id, 1)),
             Button(DISLIKE, callback_data.rate(paper.base_id, -1))),)


def deep_link(bot_username: str, paper: PaperMeta) -> str:
    """`https://t.me/<bot>?start=card_2408_14227v1`: start payloads allow only letters, digits, _ and -."""
    return f"https://t.me/{bot_username}?start=card_{paper.versioned_id.replace('/', '--').replace('.', '_')}"


def overview_messages(topic: str, day: str, entries: list[DigestEntry], lang: str, first_number: int = 1,
                      total: int | None = None, bot_username: str = "") -> list[OutboxMessage]:
    """See `_overview`; rendered once for every chat that gets the same list (messages are frozen: shared)."""
    key = (topic, day, tuple((e.paper.versioned_id, e.one_sentence, e.reason, e.popular) for e in entries), lang,
           first_number, total, bot_username)
    rendered = _rendered.get(key)
    if rendered is None:
        rendered = _overview(topic, day, entries, lang, first_number, total, bot_username)
        if len(_rendered) > 5000:
            _rendered.clear()
        _rendered[key] = rendered
    return list(rendered)


_rendered: dict[tuple[object, ...], list[OutboxMessage]] = {}


def _overview(topic: str, day: str, entries: list[DigestEntry], lang: str, first_number: int = 1,
              total: int | None = None, bot_username: str = "") -> list[OutboxMessage]:
    """Messages (text, buttons, papers) for one topic's section: at most ten entries a message, each a linked title,
    one line and why it was chosen; under each message its entries' buttons, five to a row — 📄 N opens the card,
    where the reader rates it. With `bot_username` (channels and groups: a press there would post a card for
    everyone) the buttons open the card in a private chat with the bot instead.
    """
    total = len(entries) if total is None else total
    escaped = html.escape(topic, quote=False)
    header = t(lang, "digest_header", topic=escaped, day=day, count=total) if total <= len(entries) \
        or first_number > 1 else t(lang, "digest_header_capped", topic=escaped, day=day, shown=len(entries),
                                   total=total)
    blocks = []
    for number, entry in enumerate(entries, first_number):
        title = html.escape(entry.paper.title, quote=False)
        line = f'{number}. <b><a href="{abs_url(entry.paper)}">{title}</a></b>'
        if entry.one_sentence:
            line += "\n" + html.escape(shorten(entry.one_sentence, ENTRY_LINE_LIMIT), quote=False)
        if entry.popular:
            line += "\n" + html.escape(entry.popular, quote=False)
        if entry.reason:
            line += "\n<i>" + html.escape(shorten(entry.reason, 200), quote=False) + "</i>"
        blocks.append((number, entry, line))
    messages: list[OutboxMessage] = []
    text = header
    buttons: list[Button] = []
    papers: list[str] = []
    listed: list[OverviewEntry] = []
    for number, entry, line in blocks:
        if len(text) + 2 + len(line) > MESSAGE_LIMIT or len(papers) >= ENTRIES_PER_MESSAGE:
            messages.append(_message(text, buttons, papers, listed, bool(bot_username)))
            text, buttons, papers, listed = t(lang, "digest_continued", topic=escaped), [], [], []
        text += "\n\n" + line
        label = t(lang, "digest_button", number=number)
        if bot_username:
            buttons.append(Button(label, url=deep_link(bot_username, entry.paper)))
        else:
            buttons.append(Button(label, callback_data.CARD.build(entry.paper.versioned_id)))
        papers.append(entry.paper.base_id)
        one_line = shorten(entry.one_sentence, ENTRY_LINE_LIMIT) if entry.one_sentence else ""
        listed.append(OverviewEntry(number, entry.paper.title, abs_url(entry.paper),
                                    "\n".join(x for x in (one_line, entry.popular) if x),
                                    shorten(entry.reason, 200) if entry.reason else "", entry.paper.base_id,
                                    buttons[-1]))
    messages.append(_message(text, buttons, papers, listed, bool(bot_username)))
    return messages


def _message(text: str, buttons: list[Button], papers: list[str], listed: list[OverviewEntry],
             linked: bool) -> OutboxMessage:
    """The entries' buttons right under them, five to a row; the same list as structure, for a rich message.
    Entries that link to the bot (`linked`: channels, most groups) carry no 👍/👎: their readers rate in the card."""
    rows = tuple(tuple(buttons[i:i + BUTTONS_PER_ROW]) for i in range(0, len(buttons), BUTTONS_PER_ROW))
    header = visible_text(text.split("\n\n", 1)[0])  # a rich message formats by structure
    return OutboxMessage("text", text, rows, tuple(papers),
                         overview=Overview(header, tuple(listed), ratable=not linked))


def digest_messages(chat: ChatSettings, day: str, kept: list[Pick], cards: dict[str, PaperCard],
                    bot_username: str = "", totals: dict[str, int] | None = None) -> list[OutboxMessage]:
    """A chat's digest as outbox messages: every card with its figures (`full` mode), or a section per topic
    (`totals`: how many papers each topic found, for "showing N of M"). Channels, and groups unless their admins
    chose cards in the group, link each paper to the bot (`bot_username`): readers open cards privately."""
    messages: list[OutboxMessage] = []
    channel = chat.type == "channel" and bool(bot_username)
    linked = bool(bot_username) and (channel or (chat.type in ("group", "supergroup") and not chat.group_cards_here))
    if chat.mode == "full":
        for pick in kept:
            card = cards.get(pick.paper.base_id)
            if card is None:
                continue
            parts = card_messages(card)
            last = len(parts) - 1
            messages += [OutboxMessage("text", p, () if channel or i < last else rating_buttons(card.paper),
                                       (card.paper.base_id,) if i == last else ()) for i, p in enumerate(parts)]
            if card.figures:
                messages.append(OutboxMessage("photos", paper=card.paper.versioned_id))
        return messages
    by_topic: dict[str, list[DigestEntry]] = {}
    for pick in kept:
        card = cards.get(pick.paper.base_id)
        if card is not None:
            popular = signals_line(card.signals or pick.popular, chat.language)
            by_topic.setdefault(pick.topic.text, []).append(
                DigestEntry(card.paper, card.summary.one_sentence, pick.reason, popular))
    for topic_text, entries in by_topic.items():
        messages += overview_messages(topic_text, day, entries, chat.language,
                                      total=(totals or {}).get(topic_text, len(entries)),
                                      bot_username=bot_username if linked else "")
    if chat.type in ("group", "supergroup"):
        messages = _one_overview(messages)
    if channel and messages:
        via = t(chat.language, "via_bot", bot=bot_username)
        closing = messages[-1]
        footer = replace(closing.overview, footer=visible_text(via)) if closing.overview else None
        messages[-1] = replace(closing, text=f"{closing.text}\n\n{via}", overview=footer)
    return messages


def _one_overview(messages: list[OutboxMessage]) -> list[OutboxMessage]:
    """A group gets its sections as one message when they fit: one overview per digest, not a message a topic."""
    if len(messages) < 2 or sum(len(m.base_ids) for m in messages) > ENTRIES_PER_MESSAGE \
            or sum(len(m.text) + 2 for m in messages) > MESSAGE_LIMIT:
        return messages
    overviews = [m.overview for m in messages]
    joined = None
    if all(o is not None for o in overviews):
        parts = [o for o in overviews if o is not None]
        joined = Overview(parts[0].header, tuple(e for o in parts for e in o.entries), parts[0].ratable,
                          sections=tuple((o.header, len(o.entries)) for o in parts))
    return [OutboxMessage("text", "\n\n".join(m.text for m in messages),
                          tuple(row for m in messages for row in m.buttons),
                          tuple(b for m in messages for b in m.base_ids), overview=joined)]


def revisions_message(papers: list[Announcement], lang: str, buttons: bool = True) -> OutboxMessage | None:
    """New versions of papers the chat had: one line each, and 🔀 to see what changed in it (not the same card
    again). A channel's readers get the lines only (a button would post the comparison in the channel)."""
    if not papers:
        return None
    lines = [t(lang, "digest_revised")]
    row: list[Button] = []
    for number, paper in enumerate(papers, 1):
        link = f"https://arxiv.org/abs/{paper.base_id}v{paper.version}"
        lines.append(f'{number}. <a href="{link}">{html.escape(paper.title, quote=False)}</a> — v{paper.version}')
        row.append(Button(f"🔀 {number}", callback_data.DIFF.build(paper.base_id, paper.version)))
    rows = tuple(tuple(row[i:i + 5]) for i in range(0, len(row), 5)) if buttons else ()
    return OutboxMessage("text", "\n".join(lines), rows)
