"""Papers asked for: messages with arXiv links or IDs, digests' 📄 buttons, deep links from channels, 📊 tables."""

from __future__ import annotations

import html

from telegram import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatAction, ChatType
from telegram.error import TelegramError

from handlers.common.card_flow import MAX_PHOTOS, CardRequest, prepare, send_card, send_figures
from handlers.common.card_keyboard import keyboard_of
from handlers.common.chat import Press, named_papers, paper_ref, pressed, settings_for
from handlers.common.context import Context
from services import callback_data
from services.arxiv.client import ArxivUnavailable
from services.arxiv.ids import MAX_PAPERS_PER_MESSAGE, find_papers
from services.callback_data import Route
from services.cards.render import abs_link, authors_line, shorten
from services.i18n import t
from services.models import PaperMeta, PaperRef


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
    await request_cards(update, context, refs, lang)


async def request_cards(update: Update, context: Context, refs: list[PaperRef], lang: str) -> None:
    """A status message for each paper asked for, journaled, then the cards (groups: answering the message)."""
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
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
    press = pressed(update, context, callback_data.CARD)
    await press.query.answer()
    await send_card(context, press.message.chat.id, press.fields[0], press.chat.language)


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
    ref = paper_ref(callback_data.TABLES.fields(query.data)[0])
    refs = [ref] if ref else []
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


async def similar_button(update: Update, context: Context) -> None:
    """🔗 under a card: the five papers most like it, each with what it shares and its 📄."""
    query = update.callback_query
    assert query is not None and query.data is not None and query.message is not None
    await query.answer()
    chat = settings_for(update, context)
    chat_id = query.message.chat.id
    ref = paper_ref(callback_data.SIMILAR.fields(query.data)[0])
    if ref is None:
        return
    services = context.services
    await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
    try:
        paper = (await services.papers.lookup([ref]))[ref]
    except ArxivUnavailable:
        await context.bot.send_message(chat_id, t(chat.language, "arxiv_down", id=ref))
        return
    found = await services.similar.like(paper) if paper is not None else []
    if paper is None or not found:
        await context.bot.send_message(chat_id, t(chat.language, "similar_none"))
        return
    lines = [t(chat.language, "similar_header", title=html.escape(paper.title, quote=False))]
    for number, like in enumerate(found, 1):
        authors = authors_line(like.authors, chat.language, most=2)
        lines.append(f"\n{number}. {abs_link(like.base_id, like.title)}\n{html.escape(authors, quote=False)}\n<i>"
                     + t(chat.language, "similar_shares", words=html.escape(", ".join(like.shares), quote=False))
                     + "</i>")
    buttons = [InlineKeyboardButton(f"📄 {number}", callback_data=callback_data.CARD.build(like.base_id))
               for number, like in enumerate(found, 1)]
    await context.bot.send_message(chat_id, "\n".join(lines), reply_markup=InlineKeyboardMarkup([buttons]),
                                   disable_web_page_preview=True)


TELEGRAM_DOWNLOAD_MB = 20
"""The largest file a bot may download from Telegram."""


async def on_pdf(update: Update, context: Context) -> None:
    """A PDF sent as a file: the arXiv paper it is — named by its file name (`1512.03385v1.pdf`) or by arXiv's
    stamp on its first page — gets its card, as a link would; another PDF gets a card of its own, its title and
    authors read from its first page and marked as not from arXiv (the same workers and limits)."""
    message = update.effective_message
    if message is None or message.document is None:
        return
    lang = settings_for(update, context).language
    document, services = message.document, context.services
    refs = find_papers((document.file_name or "").removesuffix(".pdf").removesuffix(".PDF"))
    if not refs:
        size = document.file_size or 0
        if size > min(services.config.max_pdf_mb, TELEGRAM_DOWNLOAD_MB) * 2**20:
            await message.reply_text(t(lang, "pdf_too_big", size=size // 2**20, limit=services.config.max_pdf_mb))
            return
        try:
            data = bytes(await (await document.get_file()).download_as_bytearray())
        except TelegramError:
            await message.reply_text(t(lang, "bib_download_failed"))
            return
        stamp = await services.pdfs.first_page(data, owner=message.chat_id)
        refs = find_papers(stamp[:3000])
    if refs:
        await request_cards(update, context, refs[:1], lang)
        return
    # not on arXiv: a card of the PDF itself, from the first page read above
    paper = await services.papers.upload(data, owner=message.chat_id, first_page=stamp)
    if paper is None:
        await message.reply_text(t(lang, "pdf_not_readable"))
        return
    await request_cards(update, context, [PaperRef(paper.base_id, paper.version)], lang)


async def view_button(update: Update, context: Context) -> None:
    """◀, 🖼 Figures, ⋯ More under a card: the card's buttons in that view, in place."""
    query = update.callback_query
    assert query is not None and query.data is not None and query.message is not None
    view, paper_id, numbers = callback_data.VIEW.fields(query.data)
    chat = settings_for(update, context)
    ref = paper_ref(paper_id)
    refs = [ref] if ref else []
    await query.answer()
    if refs:
        await query.edit_message_reply_markup(keyboard_of(context, query.message.chat.id, chat.language, paper_id,
                                                          refs[0].base_id, numbers.split(","), view))


async def ask_button(update: Update, context: Context) -> None:
    """❓ under a card: a prompt the reader answers with the question (a reply to it asks the paper)."""
    press, paper = await _pressed_paper(update, context, callback_data.ASK)
    if paper is None:
        return
    lang, chat_id = press.chat.language, press.message.chat.id
    prompt = await context.bot.send_message(
        chat_id, t(lang, "ask_prompt", title=html.escape(shorten(paper.title, 200), quote=False)),
        reply_markup=ForceReply(selective=True, input_field_placeholder=t(lang, "ask_placeholder")))
    context.services.store.record_paper_messages(chat_id, paper, [(prompt.message_id, "")])


async def abstract_button(update: Update, context: Context) -> None:
    """📄 Abstract under ⋯: the paper's own abstract, from arXiv, folded, as a reply to the card."""
    press, paper = await _pressed_paper(update, context, callback_data.ABSTRACT)
    if paper is None:
        return
    title = html.escape(shorten(paper.title, 200), quote=False)
    text = f'{t(press.chat.language, "abstract_of", title=title)}\n<blockquote expandable>' \
           f'{html.escape(shorten(paper.abstract, 3500), quote=False)}</blockquote>'
    sent = await context.bot.send_message(press.message.chat.id, text, reply_to_message_id=press.message.message_id)
    context.services.store.record_paper_messages(press.message.chat.id, paper, [(sent.message_id, "")])


async def _pressed_paper(update: Update, context: Context, route: Route) -> tuple[Press, PaperMeta | None]:
    """A card button's press, answered, and the paper it names (None when arXiv does not know it or is down)."""
    press = pressed(update, context, route)
    paper = await _paper_of(context, press.fields[0])
    await press.query.answer()
    return press, paper


async def _paper_of(context: Context, paper_id: str) -> PaperMeta | None:
    ref = paper_ref(paper_id)
    refs = [ref] if ref else []
    try:
        return (await context.services.papers.lookup(refs[:1]))[refs[0]] if refs else None
    except ArxivUnavailable:
        return None
