"""/search: arXiv searched for a reader's words, ten results a page, each with its 📄, ◀ ▶ turning the page in place."""

from __future__ import annotations

import html
import math

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatAction

from handlers.common.chat import argument, settings_for
from handlers.common.context import Context
from handlers.common.quiet import tell_member
from services import callback_data
from services.arxiv.client import ArxivUnavailable
from services.cards.render import abs_link, authors_line
from services.i18n import t
from services.ranking.search import FETCHED, MAX_QUERY, PAGE, hit
from services.store import Search

MAX_AUTHORS = 3


def page_of(search: Search, page: int, lang: str) -> tuple[str, InlineKeyboardMarkup]:
    """One page of a search: numbered entries (title linked to arXiv, authors, date, one line) and its buttons."""
    pages = max(1, math.ceil(len(search.hits) / PAGE))
    page = min(max(page, 0), pages - 1)
    shown = search.hits[page * PAGE:(page + 1) * PAGE]
    lines = [t(lang, "search_header", query=html.escape(search.query, quote=False), count=len(search.hits),
               page=page + 1, pages=pages)]
    for number, found in enumerate(shown, page * PAGE + 1):
        authors = authors_line(found.authors, lang, most=MAX_AUTHORS)
        lines.append(f"\n{number}. <b>{abs_link(found.versioned_id, found.title)}</b>\n"
                     f"{html.escape(authors)} · {found.date}"
                     + (f"\n<i>{html.escape(found.line)}</i>" if found.line else ""))
    cards = [InlineKeyboardButton(f"📄 {number}", callback_data=callback_data.CARD.build(found.versioned_id))
             for number, found in enumerate(shown, page * PAGE + 1)]
    rows = [cards[i:i + 5] for i in range(0, len(cards), 5)]
    turns = []
    if page > 0:
        turns.append(InlineKeyboardButton("◀", callback_data=callback_data.SEARCH_PAGE.build(search.id, page - 1)))
    if page + 1 < pages:
        turns.append(InlineKeyboardButton("▶", callback_data=callback_data.SEARCH_PAGE.build(search.id, page + 1)))
    if turns:
        rows.append(turns)
    return "\n".join(lines), InlineKeyboardMarkup(rows)


async def search(update: Update, context: Context) -> None:
    """`/search <words or arXiv syntax>`: the first page of results; bare, examples."""
    message = update.effective_message
    if message is None:
        return
    chat = settings_for(update, context)
    text = " ".join(argument(message).split())[:MAX_QUERY]
    if not text:
        await message.reply_text(t(chat.language, "search_usage"))
        return
    await context.bot.send_chat_action(message.chat_id, ChatAction.TYPING)
    try:
        found = await context.services.search.search(text, chat_id=chat.chat_id, limit=FETCHED)
    except ArxivUnavailable:
        await message.reply_text(t(chat.language, "search_down"))
        return
    if not found:
        await message.reply_text(t(chat.language, "search_none", query=html.escape(text, quote=False)))
        return
    hits = [hit(paper) for paper in found]
    store = context.services.store
    saved = store.search(chat.chat_id, store.save_search(chat.chat_id, text, hits))
    assert saved is not None
    page, markup = page_of(saved, 0, chat.language)
    await message.reply_text(page, reply_markup=markup, disable_web_page_preview=True)


async def page_button(update: Update, context: Context) -> None:
    """◀ ▶ under a search: the other page, in the same message."""
    query = update.callback_query
    assert query is not None and query.data is not None and query.message is not None
    chat = settings_for(update, context)
    search_id, page = (int(v) for v in callback_data.SEARCH_PAGE.fields(query.data))
    found = context.services.store.search(chat.chat_id, search_id)
    if found is None:
        await tell_member(update, context, t(chat.language, "search_gone"))
        return
    await query.answer()
    text, markup = page_of(found, page, chat.language)
    await query.edit_message_text(text, reply_markup=markup, disable_web_page_preview=True)
