"""A digest as Telegram messages: per topic, `<topic> — <date> · N new papers` and a numbered list. Pure."""

from __future__ import annotations

import html
from dataclasses import dataclass, replace

from services import callback_data
from services.cards.papers import PaperCard
from services.cards.render import MESSAGE_LIMIT, abs_url, card_messages, shorten
from services.i18n import t
from services.models import Button, ChatSettings, OutboxMessage, PaperMeta
from services.ranking.relevance import Pick

BUTTONS_PER_ROW = 5
ENTRIES_PER_MESSAGE = 30
"""Three buttons an entry: Telegram allows 100 buttons under a message."""
LIKE, DISLIKE = "👍", "👎"


@dataclass(frozen=True)
class DigestEntry:
    paper: PaperMeta
    one_sentence: str
    reason: str = ""
    """Why the paper was chosen, one line, only when it helps ("matches: …", "like 2 papers you rated 👍")."""


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
    key = (topic, day, tuple((e.paper.versioned_id, e.one_sentence, e.reason) for e in entries), lang, first_number,
           total, bot_username)
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
    """Messages (text, buttons, papers) for one topic; a long list is split between entries, never inside one.

    Each paper gets a row: 📄 opens its card, 👍 / 👎 rate it. With `bot_username` (channels: a button press
    there would post to every reader) the buttons open the card in a private chat with the bot, and channels
    have no rating buttons (their readers are an audience; the channel's admins teach it with /like).
    """
    total = len(entries) if total is None else total
    header = t(lang, "digest_header", topic=html.escape(topic, quote=False), day=day, count=total)
    blocks = []
    for number, entry in enumerate(entries, first_number):
        title = html.escape(entry.paper.title, quote=False)
        line = f'{number}. <b><a href="{abs_url(entry.paper)}">{title}</a></b>'
        if entry.one_sentence:
            line += "\n" + html.escape(shorten(entry.one_sentence, 600), quote=False)
        if entry.reason:
            line += "\n<i>" + html.escape(shorten(entry.reason, 200), quote=False) + "</i>"
        blocks.append((number, entry, line))
    messages: list[OutboxMessage] = []
    text = header
    buttons: list[Button] = []
    papers: list[str] = []
    for number, entry, line in blocks:
        if len(text) + 2 + len(line) > MESSAGE_LIMIT or len(papers) >= ENTRIES_PER_MESSAGE:
            messages.append(_message(text, buttons, papers, rated=not bot_username))
            text, buttons, papers = t(lang, "digest_continued", topic=html.escape(topic, quote=False)), [], []
        text += "\n\n" + line
        label = t(lang, "digest_button", number=number)
        if bot_username:
            buttons.append(Button(label, url=deep_link(bot_username, entry.paper)))
        else:
            buttons += [Button(label, callback_data.CARD.build(entry.paper.versioned_id)),
                        Button(LIKE, callback_data.rate(entry.paper.base_id, 1)),
                        Button(DISLIKE, callback_data.rate(entry.paper.base_id, -1))]
        papers.append(entry.paper.base_id)
    messages.append(_message(text, buttons, papers, rated=not bot_username))
    return messages


def _message(text: str, buttons: list[Button], papers: list[str], rated: bool) -> OutboxMessage:
    """A row per paper (📄 N, 👍, 👎) where readers rate; in channels the card links, five to a row."""
    width = 3 if rated else BUTTONS_PER_ROW
    rows = tuple(tuple(buttons[i:i + width]) for i in range(0, len(buttons), width))
    return OutboxMessage("text", text, rows, tuple(papers))


def digest_messages(chat: ChatSettings, day: str, kept: list[Pick], cards: dict[str, PaperCard],
                    bot_username: str = "") -> list[OutboxMessage]:
    """A chat's digest as outbox messages: every card with its figures (`full` mode), or one overview per topic
    (channels link each paper to the bot, `bot_username`, so readers open cards privately)."""
    messages: list[OutboxMessage] = []
    channel = chat.type == "channel" and bool(bot_username)
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
            by_topic.setdefault(pick.topic.text, []).append(
                DigestEntry(card.paper, card.summary.one_sentence, pick.reason))
    for topic_text, entries in by_topic.items():
        messages += overview_messages(topic_text, day, entries, chat.language,
                                      bot_username=bot_username if channel else "")
    if channel and messages:
        via = t(chat.language, "via_bot", bot=bot_username)
        messages[-1] = replace(messages[-1], text=f"{messages[-1].text}\n\n{via}")
    return messages
