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


def overview_messages(topic: str, day: str, entries: list[DigestEntry], lang: str, first_number: int = 1,
                      total: int | None = None) -> list[dict[str, object]]:
    """Messages (text, buttons, papers) for one topic; a long list is split between entries, never inside one."""
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
        buttons.append(Button(t(lang, "digest_button", number=number), card_button_data(entry.paper)))
        papers.append(entry.paper.base_id)
    messages.append(_message(text, buttons, papers))
    return messages


def _message(text: str, buttons: list[Button], papers: list[str]) -> dict[str, object]:
    rows = [buttons[i:i + BUTTONS_PER_ROW] for i in range(0, len(buttons), BUTTONS_PER_ROW)]
    return {"kind": "text", "text": text, "base_ids": papers,
            "buttons": [[{"text": b.text, "data": b.data} for b in row] for row in rows]}
