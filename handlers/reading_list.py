"""🔖 under a card saves it to the chat's reading list; /saved lists it (paged, ✖ to remove). A group's list
is the group's: any member may save, as with 👍."""

from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from handlers.common.card_keyboard import show_state
from handlers.common.chat import settings_for
from handlers.common.context import Context
from services import callback_data
from services.arxiv.client import ArxivUnavailable
from services.arxiv.ids import find_papers
from services.i18n import t
from services.store.ratings import SavedPaper

PAGE = 10


def listing(chat_id: int, lang: str, rows: list[SavedPaper], page: int) -> tuple[str, InlineKeyboardMarkup | None]:
    """Page `page` of the list: numbered linked titles, a ✖ per paper, ◀ ▶ between pages."""
    if not rows:
        return t(lang, "saved_none"), None
    pages = (len(rows) + PAGE - 1) // PAGE
    page = max(0, min(page, pages - 1))
    shown = rows[page * PAGE:(page + 1) * PAGE]
    lines = [t(lang, "saved_header", count=len(rows), page=page + 1, pages=pages)]
    lines += [f'{page * PAGE + i}. <a href="https://arxiv.org/abs/{r.versioned_id}">'
              f'{html.escape(r.title, quote=False)}</a>' for i, r in enumerate(shown, 1)]
    removes = [InlineKeyboardButton(f"✖ {page * PAGE + i}",
                                    callback_data=callback_data.UNSAVE.build(page, r.base_id))
               for i, r in enumerate(shown, 1)]
    buttons = [removes[j:j + 5] for j in range(0, len(removes), 5)]
    back, forward = callback_data.SAVED_PAGE.build(max(page - 1, 0)), callback_data.SAVED_PAGE.build(page + 1)
    nav = ([InlineKeyboardButton("◀", callback_data=back)] if page > 0 else []) + \
        ([InlineKeyboardButton("▶", callback_data=forward)] if page < pages - 1 else [])
    return "\n".join(lines), InlineKeyboardMarkup([*buttons, nav] if nav else buttons)


async def save_button(update: Update, context: Context) -> None:
    """🔖 under a card."""
    query = update.callback_query
    assert query is not None and query.data is not None
    chat = settings_for(update, context)
    refs = find_papers(callback_data.SAVE.fields(query.data)[0])
    services = context.services
    try:
        paper = (await services.papers.lookup(refs[:1]))[refs[0]] if refs else None
    except ArxivUnavailable:
        paper = None
    if paper is None:
        await query.answer(t(chat.language, "button_expired"), show_alert=True)
        return
    new = services.store.save_paper_for(chat.chat_id, paper)
    await query.answer(t(chat.language, "saved_added" if new else "saved_already"))
    await show_state(context, query, chat.language)


async def saved_command(update: Update, context: Context) -> None:
    """/saved: the chat's reading list."""
    message = update.effective_message
    assert message is not None
    chat = settings_for(update, context)
    text, markup = listing(chat.chat_id, chat.language, context.services.store.saved(chat.chat_id), 0)
    await message.reply_text(text, reply_markup=markup)


async def saved_buttons(update: Update, context: Context) -> None:
    """◀ ▶ between pages, ✖ to remove a paper: the list is shown again in place."""
    query = update.callback_query
    assert query is not None and query.data is not None
    chat = settings_for(update, context)
    store = context.services.store
    unsave = callback_data.UNSAVE.parse(query.data)
    if unsave is not None:
        store.unsave(chat.chat_id, unsave[1])
    page = unsave[0] if unsave is not None else (callback_data.SAVED_PAGE.parse(query.data) or ("0",))[0]
    await query.answer(t(chat.language, "saved_removed") if unsave is not None else None)
    text, markup = listing(chat.chat_id, chat.language, store.saved(chat.chat_id), int(page))
    await query.edit_message_text(text, reply_markup=markup)
