"""Sending a paper's card into a chat: a status message that follows the work, the card's text, then its
figures. Used for links, digests' 📄 buttons, deep links and requests resumed after a restart."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

from telegram import InlineKeyboardMarkup, Message
from telegram.constants import ChatAction
from telegram.error import BadRequest, Forbidden, TelegramError

from handlers.common.botapi import RichRefused, edit_rich, send_rich
from handlers.common.card_keyboard import keyboard_of
from handlers.common.context import Context
from handlers.common.drafts import Drafts, Render
from handlers.common.rich_card import rich_card, slide_order
from handlers.common.sender import TelegramSender
from services.arxiv.client import ArxivUnavailable
from services.arxiv.ids import find_papers
from services.cards.figure_captions import figure_credit, figure_groups, figure_terms
from services.cards.links import find_links
from services.cards.papers import PaperCard, Stage
from services.cards.render import HTML, PLAIN, Markup, card_messages
from services.i18n import t
from services.llm.partial import empty_summary
from services.llm.port import SummaryFields
from services.models import FigureImage, PaperMeta, PaperRef
from services.store import utcnow

log = logging.getLogger(__name__)


MAX_PHOTOS = 6


STATUS_KEYS = {Stage.FETCHING: "status_fetching", Stage.READING: "status_reading",
               Stage.SUMMARIZING: "status_summarizing"}


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
    provisional: list[int] = field(default_factory=list)
    """The messages of a card quoted from the abstract while the PDF was slow: the card is written into them."""


async def send_card(context: Context, chat_id: int, versioned_id: str, lang: str) -> None:
    """One paper's full card, with its figures, in `chat_id` (a 📄 button, or a deep link from a channel)."""
    refs = find_papers(versioned_id)
    if not refs:
        return
    status = await context.bot.send_message(chat_id, t(lang, "status_fetching", id=refs[0]))
    chat = context.services.store.get_chat(chat_id)
    request_id = context.services.store.add_card_request(
        chat_id, chat.type if chat else "private", status.message_id, status.message_id, str(refs[0]), lang, None)
    await prepare(context, [CardRequest(status, refs[0], lang, None, request_id)])


async def prepare(context: Context, requests: list[CardRequest]) -> None:
    """Look the papers up in one arXiv query, then prepare and send each card (journaled requests are
    crossed off when the user has the card or the reason there is none)."""
    context.services.pdfs.start()  # the workers start while arXiv answers
    try:
        metas = await context.services.papers.lookup([r.ref for r in requests])
    except ArxivUnavailable:
        for request in requests:
            await _edit(request.status, t(request.language, "arxiv_down", id=request.ref))
            _finish(context, request.request_id)
        return
    await asyncio.gather(*(deliver_paper(context, r, metas[r.ref]) for r in requests))


def _finish(context: Context, request_id: int | None) -> None:
    if request_id is not None:
        context.services.store.finish_card_request(request_id)


async def deliver_paper(context: Context, request: CardRequest, paper: PaperMeta | None) -> None:
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


async def _deliver(context: Context, request: CardRequest, paper: PaperMeta | None) -> None:
    status, lang = request.status, request.language
    if paper is None:
        await _edit(status, t(lang, "unknown_id", id=request.ref))
        return
    services = context.services
    chat_id = status.chat_id
    waiting = not request.text_sent and not request.provisional  # the status message is still there
    if services.chat_limits.busy(chat_id) and waiting:
        await _edit(status, t(lang, "status_queued", id=paper.versioned_id))
    try:
        async with services.chat_limits.slot(chat_id):
            stages: list[Stage] = []

            async def progress(stage: Stage) -> None:
                stages.append(stage)
                if not request.text_sent and not request.provisional:
                    await _edit(status, t(lang, STATUS_KEYS[stage], id=paper.versioned_id))
                await context.bot.send_chat_action(chat_id, ChatAction.TYPING)

            drafts = _drafts(context, request, paper)
            making = asyncio.ensure_future(services.papers.card(
                paper, lang, progress, owner=chat_id, wait_for_figures=False,
                drafting=drafts.fields if drafts is not None else None))
            try:
                card = await _card_or_provisional(context, request, paper, making, stages, drafts)
            except BaseException:
                making.cancel()
                raise
            finally:
                if drafts is not None:
                    await drafts.close()
            await _send_card(context, request, card)
    except Forbidden:
        log.info("chat %s blocked the bot while %s was prepared", chat_id, paper.versioned_id)
    except Exception:
        log.exception("could not prepare %s for chat %s", paper.versioned_id, chat_id)
        if request.provisional and not request.text_sent:  # the card from the abstract promised more: say so
            try:
                await context.bot.send_message(chat_id, t(lang, "failed", id=paper.versioned_id),
                                               reply_to_message_id=request.provisional[0])
            except TelegramError as error:
                log.info("could not say the card of %s failed: %s", paper.versioned_id, error)
        elif not request.text_sent:  # a card already sent is not replaced by the failure
            await _edit(status, t(lang, "failed", id=paper.versioned_id))


class _CardDrafts:
    """The card as the LLM writes it, in drafts: the header from arXiv at once, then each field as it comes."""

    def __init__(self, context: Context, chat_id: int, paper: PaperMeta, lang: str, rich: bool) -> None:
        self._paper, self._lang = paper, lang
        self._links = find_links(paper.abstract, paper.comment)
        self._drafts = Drafts(context, chat_id, rich)
        self._drafts.show(self._render(empty_summary()))

    def _render(self, fields: SummaryFields) -> Render:
        card = PaperCard(self._paper, fields, self._lang, links=self._links)
        return lambda rich: rich_card(card) if rich else card_messages(card)[0]

    async def fields(self, fields: SummaryFields) -> None:
        self._drafts.show(self._render(fields))

    async def close(self) -> None:
        await self._drafts.close()


def _drafts(context: Context, request: CardRequest, paper: PaperMeta) -> _CardDrafts | None:
    """Drafts for a card the LLM writes for a private chat (drafts go to private chats only; an offline card
    needs none: it is ready at once)."""
    chat_id = request.status.chat_id
    if request.text_sent or request.provisional or request.status.chat.type != "private" or \
            context.services.papers.offline:
        return None
    return _CardDrafts(context, chat_id, paper, request.language, rich_here(context, chat_id))


async def _card_or_provisional(context: Context, request: CardRequest, paper: PaperMeta,
                               making: asyncio.Future[PaperCard], stages: list[Stage],
                               drafts: _CardDrafts | None = None) -> PaperCard:
    """The card being made; when its PDF has not come after `PDF_PATIENCE_SECONDS`, the reader first gets a card
    quoted from the abstract (which the card then replaces in place) instead of a status message for minutes."""
    patience = context.services.config.pdf_patience_seconds
    if patience > 0 and not request.text_sent and not request.provisional:
        done, _ = await asyncio.wait({making}, timeout=patience)
        if not done and stages and stages[-1] is Stage.READING:
            if drafts is not None:  # the card from the abstract is what the reader reads now, completed in place
                await drafts.close()
            early = context.services.papers.provisional(paper, request.language)
            request.provisional = await _send_card_text(context, request, early)
            if request.request_id is not None:
                context.services.store.card_provisional_sent(request.request_id, request.provisional)
    return await making


def rich_here(context: Context, chat_id: int) -> bool:
    """Whether cards go to `chat_id` as rich messages now (its setting, the bot's default, no recent refusal)."""
    chat = context.services.store.get_chat(chat_id)
    default = context.services.config.card_style
    if chat is None:
        return default == "rich"
    return chat.rich_cards(default, utcnow())


async def _allowed_figures(context: Context, chat_id: int, card: PaperCard,
                           markup: Markup) -> tuple[list[FigureImage], str, str]:
    """(the figures this chat may post, the credit under them in `markup`, else the line saying where to see
    them): a chat that republishes posts by licence."""
    chat = context.services.store.get_chat(chat_id)
    if not card.figures or chat is None or chat.figure_policy == "all":
        return card.figures[:MAX_PHOTOS], "", ""
    licence = await context.services.papers.licence(card.paper)
    allowed, line = figure_terms(licence, chat.figure_policy, card.paper, card.language)
    if not allowed:
        return [], "", line
    return card.figures[:MAX_PHOTOS], figure_credit(card.paper, licence, card.language, markup), ""


async def _send_rich_card(context: Context, request: CardRequest, card: PaperCard) -> bool:
    """The whole card — text, table, figures, buttons — as one rich message; False when the server refused it
    (remembered for a day: the chat gets classic cards meanwhile)."""
    chat_id = request.status.chat_id
    if card.drawing is not None:
        await context.bot.send_chat_action(chat_id, ChatAction.UPLOAD_PHOTO)
        card = await context.services.papers.with_figures(card)
    figures, credit, elsewhere = await _allowed_figures(context, chat_id, card, PLAIN)
    message = rich_card(card, figures, credit)
    keyboard = keyboard_of(context, chat_id, card.language, card.paper.versioned_id, card.paper.base_id,
                           card.figure_numbers)
    store = context.services.store
    try:
        if request.provisional:
            await edit_rich(context.bot, message, chat_id=chat_id, message_id=request.provisional[0])
            await context.bot.edit_message_reply_markup(chat_id, request.provisional[0], reply_markup=keyboard)
            sent = request.provisional[0]
            for left in request.provisional[1:]:
                await _delete(context, chat_id, left)
        else:
            reply = await send_rich(context.bot, chat_id, message, reply_to=request.reply_to, markup=keyboard)
            sent = reply.message_id
    except RichRefused as refused:
        log.warning("chat %s: the Bot API server refused a rich message (%s): classic cards for a day", chat_id,
                    refused)
        store.update_chat(chat_id, rich_refused_at=utcnow().isoformat())
        return False
    except BadRequest as error:  # this card's rich form was refused (a bug of ours): the classic one, this time
        if "chat not found" in str(error).lower():
            raise
        log.warning("chat %s: the rich card of %s was refused (%s): sent classic", chat_id, card.paper.versioned_id,
                    error)
        return False
    store.record_card(chat_id, card.paper.base_id)
    store.record_paper_messages(chat_id, card.paper, [(sent, "")])
    if not request.provisional:
        _remember_figures(context, card.paper, figures, reply)
    request.text_sent = True
    if request.request_id is not None:
        store.card_text_sent(request.request_id)
    if not request.provisional:
        await _delete(context, chat_id, request.status.message_id)
    if elsewhere:
        await context.bot.send_message(chat_id, elsewhere)
    return True


def _remember_figures(context: Context, paper: PaperMeta, figures: list[FigureImage], sent: Message) -> None:
    """Telegram's file IDs of the slideshow's photos, by figure: cards posted elsewhere reuse them."""
    ids: list[str] = []

    def walk(blocks: list[dict[str, Any]]) -> None:
        for block in blocks:
            sizes = block.get("photo")
            if block.get("type") == "photo" and isinstance(sizes, list) and sizes:
                ids.append(str(sizes[-1].get("file_id", "")))
            walk(block.get("blocks") or [])

    walk((sent.api_kwargs.get("rich_message") or {}).get("blocks") or [])
    for figure, file_id in zip(slide_order(figures), ids, strict=False):
        if file_id:
            context.services.store.save_figure_file(paper, figure.number, file_id)


async def _delete(context: Context, chat_id: int, message_id: int) -> None:
    try:
        await context.bot.delete_message(chat_id, message_id)
    except TelegramError as error:
        log.info("could not delete message %s: %s", message_id, error)


async def _send_card(context: Context, request: CardRequest, card: PaperCard) -> None:
    """The text, journaled as sent (a restart then sends only the album), then the album when its crops exist.
    A failing album leaves the card as it is. In rich form, the one message holds it all."""
    chat_id = request.status.chat_id
    if not request.text_sent and not card.provisional and rich_here(context, chat_id) \
            and await _send_rich_card(context, request, card):
        return
    if not request.text_sent:
        await _send_card_text(context, request, card)
        request.text_sent = True
        if request.request_id is not None:
            context.services.store.card_text_sent(request.request_id)
    try:
        if card.drawing is not None:  # the text went out first; the album follows as soon as its crops exist
            await context.bot.send_chat_action(chat_id, ChatAction.UPLOAD_PHOTO)
            card = await context.services.papers.with_figures(card)
            if card.figures_failed:
                await context.bot.send_message(chat_id, t(card.language, "note_figures"))
        figures, credit, elsewhere = await _allowed_figures(context, chat_id, card, HTML)
        if elsewhere:
            await context.bot.send_message(chat_id, elsewhere)
            return
        await send_figures(context, chat_id, figures, card.language, card.paper, credit)
    except TelegramError as error:
        log.warning("the figures of %s did not reach chat %s: %s", card.paper.versioned_id, chat_id, error)


async def _send_card_text(context: Context, request: CardRequest, card: PaperCard) -> list[int]:
    """The card as a new message — its title and TL;DR are the notification the reader gets (an edit notifies
    nobody) — with its buttons under it; the status message goes. In groups the card answers the link. A card
    quoted from the abstract before it is replaced in place (its first lines were the notification)."""
    status, reply_to = request.status, request.reply_to
    chat_id = status.chat_id
    parts = card_messages(card)
    keyboard = keyboard_of(context, chat_id, card.language, card.paper.versioned_id, card.paper.base_id,
                           card.figure_numbers)
    store = context.services.store
    store.record_card(chat_id, card.paper.base_id)
    last = len(parts) - 1
    earlier = request.provisional
    sent: list[int] = []
    for index, part in enumerate(parts):
        markup = keyboard if index == last else None
        if index < len(earlier):
            sent.append(await _rewrite(context, chat_id, earlier[index], part, markup))
            continue
        message = await context.bot.send_message(chat_id, part,
                                                 reply_to_message_id=reply_to if index == 0 else None,
                                                 reply_markup=markup)
        sent.append(message.message_id)
    for left in earlier[len(parts):]:
        await _delete(context, chat_id, left)
    store.record_paper_messages(chat_id, card.paper, [(message_id, "") for message_id in sent])
    if not earlier:
        await _delete(context, chat_id, status.message_id)
    return sent


async def _rewrite(context: Context, chat_id: int, message_id: int, text: str,
                   markup: InlineKeyboardMarkup | None) -> int:
    """A message of the provisional card made the card's; when the reader deleted it, the card comes anew."""
    try:
        await context.bot.edit_message_text(text, chat_id, message_id, reply_markup=markup)
    except BadRequest as error:
        if "not modified" in str(error).lower():
            return message_id
        log.info("could not complete the provisional card %s in chat %s (%s): sent anew", message_id, chat_id,
                 error)
        message = await context.bot.send_message(chat_id, text, reply_markup=markup)
        return message.message_id
    return message_id


async def send_figures(context: Context, chat_id: int, figures: list[FigureImage], lang: str,
                       paper: PaperMeta, credit: str = "") -> None:
    """The key figure alone with its caption, the others as one album whose caption lists them; a reply to any
    photo asks about that figure."""
    if not figures:
        return
    await context.bot.send_chat_action(chat_id, ChatAction.UPLOAD_PHOTO)
    sender = TelegramSender(context.bot, retries=None)
    for group, captions in figure_groups(figures, lang, paper, credit=credit):
        ids = await sender.photos(chat_id, group, captions)
        context.services.store.record_figure_messages(chat_id, paper, ids, group)


async def _edit(status: Message, text: str) -> None:
    try:
        await status.edit_text(text)
    except Forbidden:  # the user blocked the bot: nobody is waiting for this work
        raise
    except TelegramError as error:  # e.g. the user deleted the status message: the work goes on
        log.info("could not edit status message: %s", error)
