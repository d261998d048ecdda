"""BibTeX out (a card's 📎, `/bib` as a reply, the whole reading list) and in (a `.bib` file seeds the likes)."""

from __future__ import annotations

import asyncio

from telegram import (
    Update,
)
from telegram.error import TelegramError

from handlers.common.chat import pressed, replied_paper, settings_for
from handlers.common.context import Context
from services import callback_data
from services.arxiv.client import ArxivUnavailable
from services.arxiv.ids import find_papers
from services.cards.citations import bibtex_file, cite_key
from services.i18n import t
from services.ranking.bibtex import MAX_BIB_BYTES, NotBibtex, decode, read_library


async def send_bibtex(context: Context, chat_id: int, text: str, lang: str,
                      reply_to: int | None = None) -> None:
    """The BibTeX of the paper named in `text` (a card's text or a button's ID) as a `.bib` file."""
    refs = find_papers(text)
    if not refs:
        await context.bot.send_message(chat_id, t(lang, "bib_usage"))
        return
    try:
        paper = (await context.services.papers.lookup(refs[:1]))[refs[0]]
    except ArxivUnavailable:
        await context.bot.send_message(chat_id, t(lang, "arxiv_down", id=refs[0]))
        return
    if paper is None:
        await context.bot.send_message(chat_id, t(lang, "unknown_id", id=refs[0]))
        return
    await context.bot.send_document(chat_id, bibtex_file([paper]), filename=f"{cite_key(paper)}.bib",
                                    caption=t(lang, "bib_caption", id=paper.versioned_id),
                                    reply_to_message_id=reply_to)


async def bib_button(update: Update, context: Context) -> None:
    """📎 under a card: its BibTeX."""
    press = pressed(update, context, callback_data.BIB)
    await press.query.answer()
    await send_bibtex(context, press.message.chat.id, press.fields[0], press.chat.language)


async def bib_command(update: Update, context: Context) -> None:
    """`/bib` as a reply to a card (or with an arXiv ID): that paper's BibTeX."""
    message = update.effective_message
    assert message is not None
    chat = settings_for(update, context)
    named = find_papers(message.text or "")
    paper = named[0] if named else replied_paper(context, message)
    text = str(paper) if paper else ""
    if not text and await list_bibtex(update, context):
        return  # no paper named: the chat's whole reading list
    await send_bibtex(context, message.chat_id, text, chat.language, reply_to=message.message_id)


async def list_bibtex(update: Update, context: Context) -> bool:
    """/bib with nothing to reply to: the whole reading list as one .bib (False when the list is empty)."""
    message = update.effective_message
    assert message is not None
    chat = settings_for(update, context)
    services = context.services
    rows = services.store.saved(chat.chat_id)
    if not rows:
        return False
    refs = [ref for r in rows for ref in find_papers(r.versioned_id)[:1]]
    try:
        metas = await services.papers.lookup(refs)
    except ArxivUnavailable:
        await message.reply_text(t(chat.language, "arxiv_down", id="…"))
        return True
    papers = [m for m in metas.values() if m is not None]
    await message.reply_document(bibtex_file(papers), filename="reading-list.bib",
                                 caption=t(chat.language, "bib_list_caption", count=len(papers)))
    return True


async def bib_file(update: Update, context: Context) -> None:
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
    services = context.services
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
                               titles=report.titled))
