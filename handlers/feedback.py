"""👍 / 👎 buttons and `.bib` files: what a chat teaches its digests. Any member of a group may teach it."""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from handlers.common import services_of, settings_for
from services.arxiv_client import ArxivUnavailable
from services.bibtex import MAX_BIB_BYTES, NotBibtex, decode, read_library
from services.feedback import NotReceived
from services.i18n import t


async def rate_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """👍 or 👎 under a card or a digest entry. The chat is the message's, never the button data's: a forged
    button can rate only papers this very chat received."""
    query = update.callback_query
    assert query is not None and query.data is not None
    chat = settings_for(update, context)
    _, sign, base_id = query.data.split(":", 2)
    vote = 1 if sign == "+" else -1
    try:
        likes, dislikes = services_of(context).feedback.rate(chat.chat_id, base_id, vote)
    except NotReceived:
        await query.answer(t(chat.language, "rate_refused"), show_alert=True)
        return
    await query.answer(t(chat.language, "rated_like" if vote > 0 else "rated_dislike", likes=likes,
                         dislikes=dislikes))


async def bib_file(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A `.bib` file: its arXiv papers (and titled entries) become the chat's liked papers."""
    message = update.effective_message
    assert message is not None and message.document is not None
    chat = settings_for(update, context)
    lang = chat.language
    size = message.document.file_size or 0
    if size > MAX_BIB_BYTES:
        await message.reply_text(t(lang, "bib_too_big", size=size // 1000, limit=MAX_BIB_BYTES // 1000))
        return
    try:
        data = bytes(await (await message.document.get_file()).download_as_bytearray())
        library = await asyncio.to_thread(read_library, decode(data))
    except NotBibtex as error:
        await message.reply_text(t(lang, str(error), size=size // 1000, limit=MAX_BIB_BYTES // 1000))
        return
    except TelegramError:
        await message.reply_text(t(lang, "bib_download_failed"))
        return
    services = services_of(context)
    try:
        report = await services.feedback.like_library(chat.chat_id, library.arxiv, library.titled, "bib",
                                                      services.papers.lookup)
    except ArxivUnavailable:
        await message.reply_text(t(lang, "arxiv_down", id="…"))
        return
    known = report.arxiv + report.titled
    if not known:
        await message.reply_text(t(lang, "bib_no_entries"))
        return
    await message.reply_text(t(lang, "bib_done", entries=library.entries, known=known, ids=report.arxiv,
                               titles=report.titled), parse_mode=ParseMode.HTML)
