"""Papers asked for: messages with arXiv links or IDs, digests' 📄 buttons, deep links from channels, 📊 tables."""

from __future__ import annotations

from telegram import (
    Update,
)
from telegram.constants import ChatAction, ChatType

from handlers.common.card_flow import MAX_PHOTOS, CardRequest, prepare, send_card, send_figures
from handlers.common.chat import named_papers, settings_for
from handlers.common.context import Context
from services import callback_data
from services.arxiv.client import ArxivUnavailable
from services.arxiv.ids import MAX_PAPERS_PER_MESSAGE, find_papers
from services.i18n import t


async def on_message(update: Update, context: Context) -> None:
    """Each arXiv paper named in the message gets a card; in a private chat, no paper gets a hint."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    refs = named_papers(message)
    if not refs:  # (a reply to one of the bot's messages was taken as a question before this handler)
        if chat.type == ChatType.PRIVATE:
            lang = settings_for(update, context).language
            await message.reply_text(t(lang, "no_paper_hint"))
        return
    lang = settings_for(update, context).language
    if len(refs) > MAX_PAPERS_PER_MESSAGE:
        await message.reply_text(t(lang, "too_many_papers", count=len(refs), limit=MAX_PAPERS_PER_MESSAGE))
        refs = refs[:MAX_PAPERS_PER_MESSAGE]
    quote = chat.type != ChatType.PRIVATE
    reply_to = message.message_id if quote else None
    store = context.services.store
    requests = []
    for ref in refs:
        status = await message.reply_text(t(lang, "status_fetching", id=ref), do_quote=quote)
        request_id = store.add_card_request(chat.id, chat.type, message.message_id, status.message_id, str(ref),
                                            lang, reply_to)
        requests.append(CardRequest(status, ref, lang, reply_to, request_id))
    await context.bot.send_chat_action(chat.id, ChatAction.TYPING)
    await prepare(context, requests)


async def card_button(update: Update, context: Context) -> None:
    """A 📄 button under a digest: that paper's full card, with its figures."""
    query = update.callback_query
    assert query is not None and query.data is not None and query.message is not None
    await query.answer()
    chat = settings_for(update, context)
    await send_card(context, query.message.chat.id, callback_data.CARD.fields(query.data)[0], chat.language)


async def deep_link(update: Update, context: Context) -> None:
    """`/start card_2408_14227v1` from a channel digest's button: the card, here in the private chat."""
    message = update.effective_message
    payload = context.args[0] if context.args else ""
    if message is None or not payload.startswith("card_"):
        return
    versioned = payload[len("card_"):].replace("--", "/").replace("_", ".")
    await send_card(context, message.chat_id, versioned, settings_for(update, context).language)


async def tables_button(update: Update, context: Context) -> None:
    """📊 under a card: the paper's numbered tables, cropped like its figures."""
    query = update.callback_query
    assert query is not None and query.data is not None and query.message is not None
    await query.answer()
    chat = settings_for(update, context)
    refs = find_papers(callback_data.TABLES.fields(query.data)[0])
    if not refs:
        return
    services = context.services
    try:
        paper = (await services.papers.lookup(refs[:1]))[refs[0]]
    except ArxivUnavailable:
        await context.bot.send_message(query.message.chat.id, t(chat.language, "arxiv_down", id=refs[0]))
        return
    tables = await services.papers.tables(paper, owner=query.message.chat.id) if paper else []
    if not tables or paper is None:
        await context.bot.send_message(query.message.chat.id, t(chat.language, "no_tables", id=refs[0]))
        return
    await send_figures(context, query.message.chat.id, tables[:MAX_PHOTOS], chat.language, paper)
