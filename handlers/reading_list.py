"""🔖 under a card saves it to the chat's reading list; /saved lists it — each paper with 📄 to reopen its card,
○/✓ to mark it read, ✖ to remove it — and exports it for reference managers (.bib, .ris, CSL-JSON). A group's
list is the group's: any member may save, as with 👍."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from handlers.common.card_keyboard import show_state
from handlers.common.chat import argument, settings_for
from handlers.common.context import Context
from services import callback_data
from services.arxiv.client import ArxivUnavailable
from services.arxiv.ids import find_papers
from services.cards.citations import EXPORTS as EXPORT_FILES
from services.cards.compare import MAX_PAPERS
from services.cards.render import abs_link
from services.i18n import t
from services.store.ratings import SavedPaper

PAGE = MAX_PAPERS
"""Papers a page: one row of buttons each, short enough for a phone's screen — and what 🆚 compares."""
EXPORTS = (("bib", "⬇ .bib"), ("ris", "⬇ .ris"), ("csl", "⬇ CSL-JSON"))


def listing(chat_id: int, lang: str, rows: list[SavedPaper], page: int) -> tuple[str, InlineKeyboardMarkup | None]:
    """Page `page` of the list: numbered linked titles (✓ when read); a row per paper (📄 card, ○/✓ read, ✖),
    ◀ ▶ between pages, and the exports."""
    if not rows:
        return t(lang, "saved_none"), None
    pages = (len(rows) + PAGE - 1) // PAGE
    page = max(0, min(page, pages - 1))
    shown = rows[page * PAGE:(page + 1) * PAGE]
    lines = [t(lang, "saved_header", count=len(rows), page=page + 1, pages=pages)]
    lines += [f'{page * PAGE + i}. {"✓ " if r.read else ""}{abs_link(r.versioned_id, r.title)}'
              for i, r in enumerate(shown, 1)]
    buttons = [[InlineKeyboardButton(f"📄 {page * PAGE + i}", callback_data=callback_data.CARD.build(r.versioned_id)),
                InlineKeyboardButton(("✓ " if r.read else "○ ") + str(page * PAGE + i),
                                     callback_data=callback_data.READ.build(page, r.base_id)),
                InlineKeyboardButton(f"✖ {page * PAGE + i}", callback_data=callback_data.UNSAVE.build(page, r.base_id))]
               for i, r in enumerate(shown, 1)]
    back, forward = callback_data.SAVED_PAGE.build(max(page - 1, 0)), callback_data.SAVED_PAGE.build(page + 1)
    nav = ([InlineKeyboardButton("◀", callback_data=back)] if page > 0 else []) + \
        ([InlineKeyboardButton("▶", callback_data=forward)] if page < pages - 1 else [])
    exports = [InlineKeyboardButton(label, callback_data=callback_data.EXPORT_SAVED.build(kind))
               for kind, label in EXPORTS]
    compare = [[InlineKeyboardButton(t(lang, "compare_button"), callback_data=callback_data.COMPARE_SAVED.build(page))]
               ] if len(shown) > 1 else []
    return "\n".join(lines), InlineKeyboardMarkup([*buttons, *([nav] if nav else []), exports, *compare])


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
    """/saved: the chat's reading list; `/saved bib`, `/saved ris`, `/saved csl`: it as a file."""
    message = update.effective_message
    assert message is not None
    chat = settings_for(update, context)
    kind = argument(message).strip().lower().lstrip(".").replace("json", "csl")
    if kind in dict(EXPORTS):
        await export(context, chat.chat_id, chat.language, kind)
        return
    text, markup = listing(chat.chat_id, chat.language, context.services.store.saved(chat.chat_id), 0)
    await message.reply_text(text, reply_markup=markup)


async def saved_buttons(update: Update, context: Context) -> None:
    """◀ ▶ between pages, ○/✓ to mark a paper read, ✖ to remove one: the list is shown again in place."""
    query = update.callback_query
    assert query is not None and query.data is not None
    chat = settings_for(update, context)
    store = context.services.store
    said = None
    page = (callback_data.SAVED_PAGE.parse(query.data) or ("0",))[0]
    if (unsave := callback_data.UNSAVE.parse(query.data)) is not None:
        page, base_id = unsave
        store.unsave(chat.chat_id, base_id)
        said = t(chat.language, "saved_removed")
    elif (read := callback_data.READ.parse(query.data)) is not None:
        page, base_id = read
        now_read = not next((r.read for r in store.saved(chat.chat_id) if r.base_id == base_id), True)
        if store.mark_read(chat.chat_id, base_id, now_read):
            said = t(chat.language, "saved_read" if now_read else "saved_unread")
    await query.answer(said)
    text, markup = listing(chat.chat_id, chat.language, store.saved(chat.chat_id), int(page))
    await query.edit_message_text(text, reply_markup=markup)


async def export_button(update: Update, context: Context) -> None:
    """⬇ under /saved: the list as a file."""
    query = update.callback_query
    assert query is not None and query.data is not None and query.message is not None
    chat = settings_for(update, context)
    await query.answer()
    await export(context, query.message.chat.id, chat.language, callback_data.EXPORT_SAVED.fields(query.data)[0])


async def export(context: Context, chat_id: int, lang: str, kind: str) -> None:
    """The reading list as a `kind` file (bib, ris, csl), its metadata read from arXiv (cached)."""
    services = context.services
    rows = services.store.saved(chat_id)
    if not rows:
        await context.bot.send_message(chat_id, t(lang, "saved_none"))
        return
    refs = [ref for r in rows for ref in find_papers(r.versioned_id)[:1]]
    try:
        metas = await services.papers.lookup(refs)
    except ArxivUnavailable:
        await context.bot.send_message(chat_id, t(lang, "arxiv_down", id="…"))
        return
    papers = [m for m in (metas.get(ref) for ref in refs) if m is not None]
    name, write = EXPORT_FILES[kind]
    label = dict(EXPORTS)[kind].removeprefix("⬇ ")
    await context.bot.send_document(chat_id, write(papers), filename=name,
                                    caption=t(lang, "saved_export_caption", count=len(papers), kind=label))
