"""🔖 under a card saves it to the chat's reading list; /saved lists it (paged, ✖ to remove). A group's list
is the group's: any member may save, as with 👍."""

from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from handlers.common import services_of, settings_for
from handlers.telegram_sender import NO_PREVIEW
from services.arxiv_client import ArxivUnavailable
from services.arxiv_ids import find_papers
from services.citations import bibtex_file
from services.i18n import t

PAGE = 10


def listing(chat_id: int, lang: str, rows: list[dict[str, str]], page: int) -> tuple[str, InlineKeyboardMarkup | None]:
    """Page `page` of the list: numbered linked titles, a ✖ per paper, ◀ ▶ between pages."""
    if not rows:
        return t(lang, "saved_none"), None
    pages = (len(rows) + PAGE - 1) // PAGE
    page = max(0, min(page, pages - 1))
    shown = rows[page * PAGE:(page + 1) * PAGE]
    lines = [t(lang, "saved_header", count=len(rows), page=page + 1, pages=pages)]
    lines += [f'{page * PAGE + i}. <a href="https://arxiv.org/abs/{r["versioned_id"]}">'
              f'{html.escape(r["title"], quote=False)}</a>' for i, r in enumerate(shown, 1)]
    buttons = [[InlineKeyboardButton(f"✖ {page * PAGE + i}", callback_data=f"unsave:{page}:{r['base_id']}")
                for i, r in enumerate(shown, 1)][j:j + 5] for j in range(0, len(shown), 5)]
    nav = ([InlineKeyboardButton("◀", callback_data=f"saved:{page - 1}")] if page > 0 else []) + \
        ([InlineKeyboardButton("▶", callback_data=f"saved:{page + 1}")] if page < pages - 1 else [])
    return "\n".join(lines), InlineKeyboardMarkup([*buttons, nav] if nav else buttons)


async def save_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """🔖 under a card."""
    query = update.callback_query
    assert query is not None and query.data is not None
    chat = settings_for(update, context)
    refs = find_papers(query.data.split(":", 1)[1])
    services = services_of(context)
    try:
        paper = (await services.papers.lookup(refs[:1]))[refs[0]] if refs else None
    except ArxivUnavailable:
        paper = None
    if paper is None:
        await query.answer(t(chat.language, "button_expired"), show_alert=True)
        return
    new = services.store.save_paper_for(chat.chat_id, paper)
    await query.answer(t(chat.language, "saved_added" if new else "saved_already"))


async def saved_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/saved: the chat's reading list."""
    message = update.effective_message
    assert message is not None
    chat = settings_for(update, context)
    text, markup = listing(chat.chat_id, chat.language, services_of(context).store.saved(chat.chat_id), 0)
    await message.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=markup, link_preview_options=NO_PREVIEW)


async def saved_buttons(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """◀ ▶ between pages, ✖ to remove a paper: the list is shown again in place."""
    query = update.callback_query
    assert query is not None and query.data is not None
    chat = settings_for(update, context)
    store = services_of(context).store
    kind, _, rest = query.data.partition(":")
    page_text, _, base_id = rest.partition(":")
    if kind == "unsave":
        store.unsave(chat.chat_id, base_id)
    await query.answer(t(chat.language, "saved_removed") if kind == "unsave" else None)
    text, markup = listing(chat.chat_id, chat.language, store.saved(chat.chat_id), int(page_text or 0))
    await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=markup,
                                  link_preview_options=NO_PREVIEW)


async def list_bibtex(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """/bib with nothing to reply to: the whole reading list as one .bib (False when the list is empty)."""
    message = update.effective_message
    assert message is not None
    chat = settings_for(update, context)
    services = services_of(context)
    rows = services.store.saved(chat.chat_id)
    if not rows:
        return False
    refs = [ref for r in rows for ref in find_papers(r["versioned_id"])[:1]]
    try:
        metas = await services.papers.lookup(refs)
    except ArxivUnavailable:
        await message.reply_text(t(chat.language, "arxiv_down", id="…"))
        return True
    papers = [m for m in metas.values() if m is not None]
    await message.reply_document(bibtex_file(papers), filename="reading-list.bib",
                                 caption=t(chat.language, "bib_list_caption", count=len(papers)))
    return True
