"""Messages with arXiv links or IDs: a status message that follows the work, then the card and the figures."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, MessageEntity, Update
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import Forbidden, TelegramError
from telegram.ext import ContextTypes

from handlers.common import services_of, settings_for
from handlers.questions import reply_question
from handlers.telegram_sender import NO_PREVIEW, TelegramSender
from services.arxiv_client import ArxivUnavailable
from services.arxiv_ids import MAX_PAPERS_PER_MESSAGE, find_papers
from services.card import card_messages, figure_caption
from services.digest_format import DISLIKE, LIKE, rate_data
from services.i18n import t
from services.models import FigureImage, PaperMeta, PaperRef
from services.papers import PaperCard, Stage

log = logging.getLogger(__name__)

MAX_PHOTOS = 6
STATUS_KEYS = {Stage.FETCHING: "status_fetching", Stage.READING: "status_reading",
               Stage.SUMMARIZING: "status_summarizing"}


def linked_urls(message: Message) -> list[str]:
    """URLs hidden behind text (text_link entities) — the text itself is scanned separately."""
    entities = list(message.entities or ()) + list(message.caption_entities or ())
    return [e.url for e in entities if e.type == MessageEntity.TEXT_LINK and e.url]


@dataclass
class CardRequest:
    """One paper a user asked for, its status message, and its line in the journal (whose progress it follows:
    `text_sent` turns true once the card's text is out)."""

    status: Message
    ref: PaperRef
    language: str
    reply_to: int | None
    request_id: int | None
    text_sent: bool = False
    """The card's text reached the chat (in this run or before a restart): only its album is left to send."""


async def on_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Each arXiv paper named in the message gets a card; in a private chat, no paper gets a hint."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    refs = find_papers(message.text or message.caption or "", linked_urls(message))
    if not refs:
        if await reply_question(update, context):
            return  # a reply to one of the bot's cards, figures or answers: a question about that paper
        if chat.type == ChatType.PRIVATE:
            lang = settings_for(update, context).language
            await message.reply_text(t(lang, "no_paper_hint"), parse_mode=ParseMode.HTML)
        return
    lang = settings_for(update, context).language
    if len(refs) > MAX_PAPERS_PER_MESSAGE:
        await message.reply_text(t(lang, "too_many_papers", count=len(refs), limit=MAX_PAPERS_PER_MESSAGE))
        refs = refs[:MAX_PAPERS_PER_MESSAGE]
    quote = chat.type != ChatType.PRIVATE
    reply_to = message.message_id if quote else None
    store = services_of(context).store
    requests = []
    for ref in refs:
        status = await message.reply_text(t(lang, "status_fetching", id=ref), do_quote=quote)
        request_id = store.add_card_request(chat.id, chat.type, message.message_id, status.message_id, str(ref),
                                            lang, reply_to)
        requests.append(CardRequest(status, ref, lang, reply_to, request_id))
    await context.bot.send_chat_action(chat.id, ChatAction.TYPING)
    await prepare(context, requests)


async def prepare(context: ContextTypes.DEFAULT_TYPE, requests: list[CardRequest]) -> None:
    """Look the papers up in one arXiv query, then prepare and send each card (journaled requests are
    crossed off when the user has the card or the reason there is none)."""
    try:
        metas = await services_of(context).papers.lookup([r.ref for r in requests])
    except ArxivUnavailable:
        for request in requests:
            await _edit(request.status, t(request.language, "arxiv_down", id=request.ref))
            _finish(context, request.request_id)
        return
    await asyncio.gather(*(deliver_paper(context, r, metas[r.ref]) for r in requests))


def _finish(context: ContextTypes.DEFAULT_TYPE, request_id: int | None) -> None:
    if request_id is not None:
        services_of(context).store.finish_card_request(request_id)


async def deliver_paper(context: ContextTypes.DEFAULT_TYPE, request: CardRequest, paper: PaperMeta | None) -> None:
    """Prepare one paper's card, following the work in its status message, then send the card and the figures.

    In private chats the status message becomes the card; in groups (`reply_to` set) the card answers the
    message with the link and the status message is deleted. The journaled request is crossed off once the user
    has an answer; work cut short by a shutdown stays in the journal and is finished after the restart (only
    the album, when the text had gone out).
    """
    cancelled = False
    try:
        await _deliver(context, request, paper)
    except asyncio.CancelledError:
        cancelled = True
        raise
    finally:
        if not cancelled:
            _finish(context, request.request_id)


async def _deliver(context: ContextTypes.DEFAULT_TYPE, request: CardRequest, paper: PaperMeta | None) -> None:
    status, lang = request.status, request.language
    if paper is None:
        await _edit(status, t(lang, "unknown_id", id=request.ref))
        return
    services = services_of(context)
    chat_id = status.chat_id
    if services.chat_limits.busy(chat_id) and not request.text_sent:
        await _edit(status, t(lang, "status_queued", id=paper.versioned_id))
    try:
        async with services.chat_limits.slot(chat_id):

            async def progress(stage: Stage) -> None:
                if not request.text_sent:
                    await _edit(status, t(lang, STATUS_KEYS[stage], id=paper.versioned_id))
                await context.bot.send_chat_action(chat_id, ChatAction.TYPING)

            card = await services.papers.card(paper, lang, progress, owner=chat_id, wait_for_figures=False)
            await _send_card(context, request, card)
    except Forbidden:
        log.info("chat %s blocked the bot while %s was prepared", chat_id, paper.versioned_id)
    except Exception:
        log.exception("could not prepare %s for chat %s", paper.versioned_id, chat_id)
        if not request.text_sent:  # a card already sent is not replaced by the failure
            await _edit(status, t(lang, "failed", id=paper.versioned_id))


async def _send_card(context: ContextTypes.DEFAULT_TYPE, request: CardRequest, card: PaperCard) -> None:
    """The text, journaled as sent (a restart then sends only the album), then the album when its crops exist.
    A failing album leaves the card as it is."""
    chat_id = request.status.chat_id
    if not request.text_sent:
        await _send_card_text(context, request, card)
        request.text_sent = True
        if request.request_id is not None:
            services_of(context).store.card_text_sent(request.request_id)
    try:
        if card.drawing is not None:  # the text went out first; the album follows as soon as its crops exist
            await context.bot.send_chat_action(chat_id, ChatAction.UPLOAD_PHOTO)
            card = await services_of(context).papers.with_figures(card)
            if card.figures_failed:
                await context.bot.send_message(chat_id, t(card.language, "note_figures"))
        await send_figures(context, chat_id, card.figures[:MAX_PHOTOS], card.language, card.paper)
    except TelegramError as error:
        log.warning("the figures of %s did not reach chat %s: %s", card.paper.versioned_id, chat_id, error)


async def _send_card_text(context: ContextTypes.DEFAULT_TYPE, request: CardRequest, card: PaperCard) -> None:
    """The card's messages, its buttons under the last; the status message becomes the first (private chats)."""
    status, reply_to = request.status, request.reply_to
    chat_id = status.chat_id
    parts = card_messages(card)
    explain = [InlineKeyboardButton(t(card.language, "fig_button", number=number),
                                    callback_data=f"fig:{card.paper.versioned_id}:{number}"[:64])
               for number in card.figure_numbers[:MAX_PHOTOS]]
    tables = InlineKeyboardMarkup([
        [InlineKeyboardButton(LIKE, callback_data=rate_data(card.paper, 1)),
         InlineKeyboardButton(DISLIKE, callback_data=rate_data(card.paper, -1)),
         InlineKeyboardButton("🔖", callback_data=f"save:{card.paper.versioned_id}")],
        [InlineKeyboardButton(t(card.language, "tables_button"), callback_data=f"tables:{card.paper.versioned_id}"),
         InlineKeyboardButton(t(card.language, "bib_button"), callback_data=f"bib:{card.paper.versioned_id}")],
        *([explain[:3], explain[3:]] if len(explain) > 3 else [explain] if explain else []),
    ])
    store = services_of(context).store
    store.record_card(chat_id, card.paper.base_id)
    last = len(parts) - 1
    sent: list[int] = []
    if reply_to is None:
        await status.edit_text(parts[0], parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW,
                               reply_markup=tables if last == 0 else None)
        sent.append(status.message_id)
        first = 1
    else:
        first = 0
    for index in range(first, len(parts)):
        message = await context.bot.send_message(chat_id, parts[index], parse_mode=ParseMode.HTML,
                                                 link_preview_options=NO_PREVIEW,
                                                 reply_to_message_id=reply_to if index == 0 else None,
                                                 reply_markup=tables if index == last else None)
        sent.append(message.message_id)
    store.record_paper_messages(chat_id, card.paper, [(message_id, "") for message_id in sent])
    if reply_to is not None:
        try:
            await status.delete()
        except TelegramError as error:
            log.info("could not delete status message: %s", error)


async def send_figures(context: ContextTypes.DEFAULT_TYPE, chat_id: int, figures: list[FigureImage], lang: str,
                       paper: PaperMeta) -> None:
    """Crops as one album (a single photo alone), each captioned `Fig. N — …`; a reply to one asks about it."""
    if not figures:
        return
    await context.bot.send_chat_action(chat_id, ChatAction.UPLOAD_PHOTO)
    ids = await TelegramSender(context.bot, retries=None).photos(chat_id, figures,
                                                                 [figure_caption(f, lang, paper) for f in figures])
    services_of(context).store.record_figure_messages(chat_id, paper, ids, figures)


async def _edit(status: Message, text: str) -> None:
    try:
        await status.edit_text(text, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW)
    except Forbidden:  # the user blocked the bot: nobody is waiting for this work
        raise
    except TelegramError as error:  # e.g. the user deleted the status message: the work goes on
        log.info("could not edit status message: %s", error)
