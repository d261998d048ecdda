"""A card's buttons: two rows a thumb reaches, with their state shown, and the rest one tap away.

    main   [👍] [👎] [🔖]           (✅ on the rating given, ✅ Saved once saved)
           [❓ Ask] [🖼 Figures] [⋯ More]
    figs   [🔍 Fig. 1] [🔍 Fig. 2] [🔍 Fig. 3] … [◀]
    more   [📎 BibTeX] [📊 Tables] [📄 Abstract]
           [🔗 Similar papers] [◀]

The buttons carry the figures' numbers (so another view can be drawn without reading the PDF again); the state
comes from the store each time a view is drawn.
"""

from __future__ import annotations

import logging

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import TelegramError

from handlers.common.chat import paper_ref
from handlers.common.context import Context
from services import callback_data
from services.i18n import t
from services.models import UPLOAD_PREFIX

log = logging.getLogger(__name__)

MAX_FIGURE_BUTTONS = 6
BACK = "◀"


def numbers_field(numbers: list[str]) -> str:
    """The figures' numbers as a button carries them: as many as fit its 64 bytes."""
    kept: list[str] = []
    for number in numbers[:MAX_FIGURE_BUTTONS]:
        if len(",".join([*kept, number])) > 24:
            break
        kept.append(number)
    return ",".join(kept)


def card_keyboard(lang: str, paper_id: str, base_id: str, numbers: list[str], view: str = "main",
                  saved: bool = False, vote: int = 0) -> InlineKeyboardMarkup:
    field = numbers_field(numbers)
    shown = [n for n in field.split(",") if n]

    def button(text: str, data: str) -> InlineKeyboardButton:
        return InlineKeyboardButton(text, callback_data=data)

    back = button(BACK, callback_data.VIEW.build("main", paper_id, field))
    if view == "figs" and shown:
        explain = [button(t(lang, "fig_button", number=n), callback_data.FIGURE.build(paper_id, n)) for n in shown]
        return InlineKeyboardMarkup([explain[i:i + 3] for i in range(0, len(explain), 3)] + [[back]])
    if view == "more":
        return InlineKeyboardMarkup([
            [button(t(lang, "bib_button"), callback_data.BIB.build(paper_id)),
             button(t(lang, "tables_button"), callback_data.TABLES.build(paper_id)),
             button(t(lang, "abstract_button"), callback_data.ABSTRACT.build(paper_id))],
            [button(t(lang, "similar_button"), callback_data.SIMILAR.build(paper_id)), back]])
    second = [button(t(lang, "ask_button"), callback_data.ASK.build(paper_id))]
    if shown:
        second.append(button(t(lang, "figures_button"), callback_data.VIEW.build("figs", paper_id, field)))
    if paper_id.startswith(UPLOAD_PREFIX):  # a PDF a user sent: nothing on arXiv to rate, save or cite
        return InlineKeyboardMarkup([second])
    second.append(button(t(lang, "more_button"), callback_data.VIEW.build("more", paper_id, field)))
    return InlineKeyboardMarkup([
        [button("👍 ✅" if vote > 0 else "👍", callback_data.rate(base_id, 1)),
         button("👎 ✅" if vote < 0 else "👎", callback_data.rate(base_id, -1)),
         button(t(lang, "saved_button") if saved else "🔖", callback_data.SAVE.build(paper_id))],
        second])


def keyboard_of(context: Context, chat_id: int, lang: str, paper_id: str, base_id: str, numbers: list[str],
                view: str = "main") -> InlineKeyboardMarkup:
    """The card's buttons in `view`, showing what this chat did with the paper."""
    saved, vote = context.services.store.reader_state(chat_id, base_id)
    return card_keyboard(lang, paper_id, base_id, numbers, view, saved, vote)


def numbers_in(markup: InlineKeyboardMarkup | None) -> tuple[str, list[str]] | None:
    """(paper ID, figure numbers) of a card's keyboard, read from its view buttons; None for any other keyboard."""
    for row in markup.inline_keyboard if markup else ():
        for b in row:
            fields = callback_data.VIEW.parse(b.callback_data if isinstance(b.callback_data, str) else None)
            if fields is not None:
                return fields[1], [n for n in fields[2].split(",") if n]
    return None


async def show_state(context: Context, query: CallbackQuery, lang: str) -> None:
    """After 👍, 👎 or 🔖 on a card: its buttons show what the chat did (any other keyboard is left alone)."""
    message = query.message
    if not isinstance(message, Message):
        return
    found = numbers_in(message.reply_markup)
    if found is None:
        return
    paper_id, numbers = found
    ref = paper_ref(paper_id)
    refs = [ref] if ref else []
    if not refs:
        return
    markup = keyboard_of(context, message.chat.id, lang, paper_id, refs[0].base_id, numbers)
    if markup != message.reply_markup:
        try:
            await query.edit_message_reply_markup(markup)
        except TelegramError as error:  # the card is gone, or too old to edit: the answer said it all
            log.info("could not show a card's state: %s", error)
