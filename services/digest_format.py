"""A digest as Telegram messages: per topic, `<topic> — <date> · N new papers` and a numbered list. Pure."""

from __future__ import annotations

import html
from dataclasses import dataclass

from services.card import MESSAGE_LIMIT, abs_url, shorten
from services.i18n import t
from services.models import PaperMeta
from services.sending import Button

BUTTONS_PER_ROW = 5


@dataclass(frozen=True)
class DigestEntry:
    paper: PaperMeta
    one_sentence: str


def card_button_data(paper: PaperMeta) -> str:
    return f"card:{paper.versioned_id}"


def deep_link(bot_username: str, paper: PaperMeta) -> str:
    """`https://t.me/<bot>?start=card_2408_14227v1`: start payloads allow only letters, digits, _ and -."""
    return f"https://t.me/{bot_username}?start=card_{paper.versioned_id.replace('/', '--').replace('.', '_')}"


def overview_messages(topic: str, day: str, entries: list[DigestEntry], lang: str, first_number: int = 1,
                      total: int | None = None, bot_username: str = "") -> list[dict[str, object]]:
    """Messages (text, buttons, papers) for one topic; a long list is split between entries, never inside one.

    With `bot_username` (channels: a button press there would post to every reader) buttons open the card in
    a private chat with the bot.
    """
    total = len(entries) if total is None else total
    header = t(lang, "digest_header", topic=html.escape(topic, quote=False), day=day, count=total)
    blocks = []
    for number, entry in enumerate(entries, first_number):
        title = html.escape(entry.paper.title, quote=False)
        line = f'{number}. <b><a href="{abs_url(entry.paper)}">{title}</a></b>'
        if entry.one_sentence:
            line += "\n" + html.escape(shorten(entry.one_sentence, 600), quote=False)
        blocks.append((number, entry, line))
    messages: list[dict[str, object]] = []
    text = header
    buttons: list[Button] = []
    papers: list[str] = []
    for number, entry, line in blocks:
        if len(text) + 2 + len(line) > MESSAGE_LIMIT:
            messages.append(_message(text, buttons, papers))
            text, buttons, papers = t(lang, "digest_continued", topic=html.escape(topic, quote=False)), [], []
        text += "\n\n" + line
        label = t(lang, "digest_button", number=number)
        buttons.append(Button(label, url=deep_link(bot_username, entry.paper)) if bot_username else
                       Button(label, card_button_data(entry.paper)))
        papers.append(entry.paper.base_id)
    messages.append(_message(text, buttons, papers))
    return messages


def _message(text: str, buttons: list[Button], papers: list[str]) -> dict[str, object]:
    rows = [buttons[i:i + BUTTONS_PER_ROW] for i in range(0, len(buttons), BUTTONS_PER_ROW)]
    return {"kind": "text", "text": text, "base_ids": papers,
            "buttons": [[{"text": b.text, "data": b.data, "url": b.url} for b in row] for row in rows]}
