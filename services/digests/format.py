"""A digest as Telegram messages: per topic, `<topic> — <date> · N new papers` and a numbered list. Pure."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass

from services import callback_data
from services.cards.render import MESSAGE_LIMIT, abs_url, shorten
from services.delivery.port import Button
from services.i18n import t
from services.models import PaperMeta

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


def rating_buttons(paper: PaperMeta) -> list[list[dict[str, str]]]:
    """👍 / 👎 under a card, as the outbox stores buttons."""
    return [[{"text": LIKE, "data": callback_data.rate(paper.base_id, 1)},
             {"text": DISLIKE, "data": callback_data.rate(paper.base_id, -1)}]]


def deep_link(bot_username: str, paper: PaperMeta) -> str:
    """`https://t.me/<bot>?start=card_2408_14227v1`: start payloads allow only letters, digits, _ and -."""
    return f"https://t.me/{bot_username}?start=card_{paper.versioned_id.replace('/', '--').replace('.', '_')}"


def overview_messages(topic: str, day: str, entries: list[DigestEntry], lang: str, first_number: int = 1,
                      total: int | None = None, bot_username: str = "") -> list[dict[str, object]]:
    """See `_overview`; rendered once for every chat that gets the same list (a copy each: callers edit it)."""
    key = (topic, day, tuple((e.paper.versioned_id, e.one_sentence, e.reason) for e in entries), lang, first_number,
           total, bot_username)
    rendered = _rendered.get(key)
    if rendered is None:
        rendered = _overview(topic, day, entries, lang, first_number, total, bot_username)
        if len(_rendered) > 5000:
            _rendered.clear()
        _rendered[key] = rendered
    return [dict(message) for message in rendered]


_rendered: dict[tuple[object, ...], list[dict[str, object]]] = {}


def _overview(topic: str, day: str, entries: list[DigestEntry], lang: str, first_number: int = 1,
              total: int | None = None, bot_username: str = "") -> list[dict[str, object]]:
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
    messages: list[dict[str, object]] = []
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


def _message(text: str, buttons: list[Button], papers: list[str], rated: bool) -> dict[str, object]:
    """A row per paper (📄 N, 👍, 👎) where readers rate; in channels the card links, five to a row."""
    width = 3 if rated else BUTTONS_PER_ROW
    rows = [buttons[i:i + width] for i in range(0, len(buttons), width)]
    buttons_rows = [[{"text": b.text, "data": b.data, "url": b.url} for b in row] for row in rows]
    return {"kind": "text", "text": text, "base_ids": papers, "buttons": buttons_rows,
            "buttons_json": json.dumps(buttons_rows, ensure_ascii=False)}
