"""👍 / 👎 buttons and `.bib` files: what a chat teaches its digests. Any member of a group may teach it."""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from handlers.common import services_of, settings_for
from handlers.reading_list import list_bibtex
from services.arxiv_client import ArxivUnavailable
from services.arxiv_ids import find_papers
from services.bibtex import MAX_BIB_BYTES, NotBibtex, decode, read_library
from services.citations import bibtex_file, cite_key
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


async def send_bibtex(context: ContextTypes.DEFAULT_TYPE, chat_id: int, text: str, lang: str,
                      reply_to: int | None = None) -> None:
    """The BibTeX of the paper named in `text` (a card's text or a button's ID) as a `.bib` file."""
    refs = find_papers(text)
    if not refs:
        await context.bot.send_message(chat_id, t(lang, "bib_usage"), parse_mode=ParseMode.HTML)
        return
    try:
        paper = (await services_of(context).papers.lookup(refs[:1]))[refs[0]]
    except ArxivUnavailable:
        await context.bot.send_message(chat_id, t(lang, "arxiv_down", id=refs[0]))
        return
    if paper is None:
        await context.bot.send_message(chat_id, t(lang, "unknown_id", id=refs[0]))
        return
    await context.bot.send_document(chat_id, bibtex_file([paper]), filename=f"{cite_key(paper)}.bib",
                                    caption=t(lang, "bib_caption", id=paper.versioned_id),
                                    reply_to_message_id=reply_to)


async def bib_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """📎 under a card: its BibTeX."""
    query = update.callback_query
    assert query is not None and query.data is not None and query.message is not None
    await query.answer()
    chat = settings_for(update, context)
    await send_bibtex(context, query.message.chat.id, query.data.split(":", 1)[1], chat.language)


async def bib_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/bib` as a reply to a card (or with an arXiv ID): that paper's BibTeX."""
    message = update.effective_message
    assert message is not None
    chat = settings_for(update, context)
    replied = message.reply_to_message
    text = " ".join(filter(None, [message.text or "", (replied.text or replied.caption or "") if replied else ""]))
    if not find_papers(text) and await list_bibtex(update, context):
        return  # no paper named: the chat's whole reading list
    await send_bibtex(context, message.chat_id, text, chat.language, reply_to=message.message_id)


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
