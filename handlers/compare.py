"""/compare (and 🆚 under the reading list): two to five papers side by side (services/cards/compare.py), as a rich
table where the chat takes rich messages, as an image-free HTML list otherwise."""

from __future__ import annotations

import contextlib
import html

from telegram import Message, Update
from telegram.error import TelegramError

from handlers.common.botapi import RichRefused, send_rich
from handlers.common.card_flow import rich_here
from handlers.common.chat import argument, settings_for
from handlers.common.context import Context
from handlers.common.rich import Heading, Link, RichMessage, RichText, Table
from services import callback_data
from services.arxiv.client import ArxivUnavailable
from services.arxiv.ids import find_papers
from services.cards.compare import ASPECTS, MAX_PAPERS, MIN_PAPERS, Compared
from services.cards.render import abs_link, shorten
from services.i18n import t
from services.models import ChatSettings, PaperRef
from services.store import utcnow

SHORT_TITLE = 40


async def compare_command(update: Update, context: Context) -> None:
    """`/compare 2403.03206 2210.02747 …` (links too): the papers side by side."""
    message = update.effective_message
    if message is None:
        return
    chat = settings_for(update, context)
    refs = list(dict.fromkeys(find_papers(argument(message))))[:MAX_PAPERS]
    if len(refs) < MIN_PAPERS:
        await message.reply_text(t(chat.language, "compare_usage"))
        return
    await compare(context, chat, message.chat_id, refs)


async def saved_button(update: Update, context: Context) -> None:
    """🆚 under /saved: the papers of that page side by side."""
    query = update.callback_query
    assert query is not None and query.data is not None and query.message is not None
    chat = settings_for(update, context)
    page = int(callback_data.COMPARE_SAVED.fields(query.data)[0])
    rows = context.services.store.saved(chat.chat_id)[page * MAX_PAPERS:(page + 1) * MAX_PAPERS]
    refs = [ref for r in rows for ref in find_papers(r.versioned_id)[:1]]
    await query.answer()
    if len(refs) < MIN_PAPERS:
        await context.bot.send_message(query.message.chat.id, t(chat.language, "compare_usage"))
        return
    await compare(context, chat, query.message.chat.id, refs)


async def compare(context: Context, chat: ChatSettings, chat_id: int, refs: list[PaperRef]) -> None:
    """Each paper's card (from the cache, or made as a link's would be), then the table; a status meanwhile."""
    lang = chat.language
    services = context.services
    status = await context.bot.send_message(chat_id, t(lang, "compare_working", count=len(refs)))
    try:
        metas = await services.papers.lookup(refs)
    except ArxivUnavailable:
        await status.edit_text(t(lang, "arxiv_down", id="…"))
        return
    known = [m for m in metas.values() if m is not None]
    unknown = [str(ref) for ref, m in metas.items() if m is None]
    if len(known) < MIN_PAPERS:
        await status.edit_text(t(lang, "compare_unknown", ids=", ".join(unknown)) + "\n" + t(lang, "compare_usage"))
        return
    columns = await services.comparer.columns(known, lang, owner=chat_id)
    note = t(lang, "compare_unknown", ids=", ".join(unknown)) if unknown else ""
    if rich_here(context, chat_id):
        try:
            await send_rich(context.bot, chat_id, _rich(columns, lang, note))
            await _delete(status)
            return
        except RichRefused:
            services.store.update_chat(chat_id, rich_refused_at=utcnow().isoformat())
    await status.edit_text(_classic(columns, lang, note), disable_web_page_preview=True)


def _rich(columns: list[Compared], lang: str, note: str) -> RichMessage:
    header: tuple[RichText, ...] = ("", *(Link(shorten(c.title, SHORT_TITLE), f"https://arxiv.org/abs/{c.versioned_id}")
                                          for c in columns))
    rows: list[tuple[RichText, ...]] = [
        (t(lang, f"compare_aspect_{aspect}"), *(c.cells[i] or t(lang, "compare_none") for c in columns))
        for i, aspect in enumerate(ASPECTS)]
    return RichMessage((Heading(t(lang, "compare_title", count=len(columns)), size=3),
                        Table((header, *rows), caption=note)))


def _classic(columns: list[Compared], lang: str, note: str) -> str:
    """The same, as text a phone reads top to bottom: the papers numbered, then each aspect with a line per paper."""
    lines = [f"<b>{html.escape(t(lang, 'compare_title', count=len(columns)), quote=False)}</b>"]
    lines += [f"{n}. {abs_link(c.versioned_id, c.title)}" for n, c in enumerate(columns, 1)]
    for i, aspect in enumerate(ASPECTS):
        lines.append(f"\n<b>{html.escape(t(lang, f'compare_aspect_{aspect}'), quote=False)}</b>")
        lines += [f"{n}. {html.escape(c.cells[i] or t(lang, 'compare_none'), quote=False)}"
                  for n, c in enumerate(columns, 1)]
    if note:
        lines.append(f"\n<i>{html.escape(note, quote=False)}</i>")
    return "\n".join(lines)


async def _delete(message: Message) -> None:
    with contextlib.suppress(TelegramError):  # too old, or gone: the table below says it all
        await message.delete()
