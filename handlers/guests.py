"""Papergram in chats it is not in. Guest mode (Bot API 10.0): "@bot 2403.03206" typed in any chat reaches the
bot as a guest message, and its answer — a compact card — is posted into that chat. Inline mode: "@bot diffusion
distillation" in any chat's input field lists up to ten papers; the one picked is posted as a compact card.

A compact card comes from the cache at once, or from the abstract first and is completed in place when the full
card is ready. Its link opens the full card (figures, buttons) in a private chat with the bot.
"""

from __future__ import annotations

import asyncio
import html
import logging
from typing import Any

from telegram import Update, User
from telegram.error import TelegramError

from handlers.common.botapi import RichRefused, answer_guest, answer_inline, edit_rich
from handlers.common.context import Context
from handlers.common.rich import RichMessage
from handlers.common.rich_card import compact_card
from services.arxiv.client import ArxivUnavailable
from services.arxiv.ids import find_papers
from services.cards.figure_captions import key_figure
from services.cards.papers import PaperCard
from services.cards.render import authors_line, card_messages, shorten
from services.digests.format import deep_link
from services.i18n import t
from services.languages import from_telegram
from services.models import PaperMeta

log = logging.getLogger(__name__)

READY_SECONDS = 1.5
"""How long a guest answer waits for a cached card before posting the one from the abstract."""
RESULTS = 10
INLINE_CACHE_SECONDS = 300


def _language(context: Context, user: User | None) -> str:
    """The reader's language: their private chat's setting, else their Telegram's."""
    if user is None:
        return "en"
    chat = context.services.store.get_chat(user.id)
    return chat.language if chat is not None else from_telegram(user.language_code)


def _compact(context: Context, card: PaperCard) -> RichMessage:
    """The compact card, with its key figure when Telegram already has it."""
    figure = ""
    if card.figures:
        figure = context.services.store.figure_file(card.paper, card.figures[key_figure(card.figures)].number)
    return compact_card(card, deep_link(context.bot.username or "", card.paper), figure)


def _content(context: Context, card: PaperCard, rich: bool) -> dict[str, Any]:
    """The posted message: the compact rich card, or the classic card for a server without rich messages."""
    if rich:
        return {"rich_message": _compact(context, card).to_json()}
    return {"message_text": card_messages(card)[0], "parse_mode": "HTML",
            "link_preview_options": {"is_disabled": True}}


def _article(result_id: str, title: str, description: str, content: dict[str, Any],
             link: str = "", lang: str = "en") -> dict[str, Any]:
    result: dict[str, Any] = {"type": "article", "id": result_id[:64], "title": shorten(title, 200) or "—",
                              "description": description, "input_message_content": content}
    if link:  # a button makes Telegram tell the bot the posted message's ID: the card is completed in place
        result["reply_markup"] = {"inline_keyboard": [[{"text": t(lang, "full_card_button"), "url": link}]]}
    return result


def _description(paper: PaperMeta, lang: str) -> str:
    when = (paper.updated or paper.published)
    line = shorten(paper.abstract.split(". ")[0], 110)
    return f"{authors_line(paper.authors, lang, 2)} · {when.date().isoformat() if when else ''}\n{line}"


async def _card_now(context: Context, paper: PaperMeta, lang: str,
                    owner: int) -> tuple[PaperCard, asyncio.Future[PaperCard] | None]:
    """(a card to post now, the full card still being made or None): the cached card when it is ready within
    READY_SECONDS, else the card from the abstract."""
    making = asyncio.ensure_future(context.services.papers.card(paper, lang, owner=owner))
    done, _ = await asyncio.wait({making}, timeout=READY_SECONDS)
    if done:
        return making.result(), None
    return context.services.papers.provisional(paper, lang), making


def _complete_later(context: Context, making: asyncio.Future[PaperCard], inline_message_id: str) -> None:
    """When the full card is ready, write it into the posted message."""
    services = context.services

    async def complete() -> None:
        try:
            card = await making
        except Exception:
            log.exception("the full card for a guest or inline answer failed")
            return
        try:
            await edit_rich(context.bot, _compact(context, card), inline_message_id=inline_message_id)
        except (RichRefused, TelegramError) as error:
            log.info("could not complete the posted card of %s: %s", card.paper.versioned_id, error)

    task = asyncio.create_task(complete())
    services.tasks.add(task)
    task.add_done_callback(services.tasks.discard)


async def on_guest(update: Update, context: Context) -> None:
    """A guest query: the paper named after the bot's @name, as a compact card posted into that chat; words are
    searched and the best match is posted."""
    message = update.guest_message
    if message is None or not message.guest_query_id:
        return
    caller = message.guest_bot_caller_user or message.from_user
    lang = _language(context, caller)
    text = (message.text or message.caption or "").replace(f"@{context.bot.username}", " ")
    services = context.services
    try:
        refs = find_papers(text)
        if refs:
            paper = (await services.papers.lookup(refs[:1]))[refs[0]]
        else:
            found = await services.search.search(text, chat_id=caller.id if caller else None, limit=1)
            paper = found[0] if found else None
    except ArxivUnavailable:
        paper = None
        note = t(lang, "arxiv_down", id="…")
    else:
        note = t(lang, "guest_nothing", text=html.escape(shorten(" ".join(text.split()), 60), quote=False))
    if paper is None:
        await answer_guest(context.bot, message.guest_query_id, _article("none", note, "", {
            "message_text": note, "parse_mode": "HTML"}))
        return
    card, making = await _card_now(context, paper, lang, owner=caller.id if caller else 0)
    link = deep_link(context.bot.username or "", paper)
    try:
        posted = await answer_guest(context.bot, message.guest_query_id, _article(
            paper.versioned_id, paper.title, "", _content(context, card, True), link, lang))
    except RichRefused:  # an older server: the classic card as it is now (its link leads to the full one)
        await answer_guest(context.bot, message.guest_query_id, _article(
            paper.versioned_id, paper.title, "", _content(context, card, False), link, lang))
        return
    if making is not None and posted:
        _complete_later(context, making, posted)


async def on_inline(update: Update, context: Context) -> None:
    """An inline query: an arXiv ID or link gives that paper; words search arXiv (relevance order re-ranked by
    BM25 and the reader's taste). Up to ten results with title, authors, date and a line."""
    query = update.inline_query
    if query is None:
        return
    lang = _language(context, query.from_user)
    text = query.query.strip()
    services = context.services
    papers: list[PaperMeta] = []
    if text:
        try:
            refs = find_papers(text)
            if refs:
                found = await services.papers.lookup(refs[:RESULTS])
                papers = [p for p in found.values() if p is not None]
            else:
                papers = await services.search.search(text, chat_id=query.from_user.id, limit=RESULTS)
        except ArxivUnavailable:
            papers = []
    username = context.bot.username or ""

    def results(rich: bool) -> list[dict[str, Any]]:
        out = []
        for paper in papers:
            card = services.papers.provisional(paper, lang)
            out.append(_article(paper.versioned_id, paper.title, _description(paper, lang),
                                _content(context, card, rich), deep_link(username, paper), lang))
        return out

    try:
        await answer_inline(context.bot, query.id, results(True), INLINE_CACHE_SECONDS)
    except RichRefused:
        await answer_inline(context.bot, query.id, results(False), INLINE_CACHE_SECONDS)


async def on_chosen(update: Update, context: Context) -> None:
    """The reader posted an inline result (inline feedback on): make its full card and write it in place."""
    chosen = update.chosen_inline_result
    if chosen is None or not chosen.inline_message_id:
        return
    refs = find_papers(chosen.result_id)
    if not refs:
        return
    lang = _language(context, chosen.from_user)
    try:
        paper = (await context.services.papers.lookup(refs[:1]))[refs[0]]
    except ArxivUnavailable:
        return
    if paper is None:
        return
    making = asyncio.ensure_future(context.services.papers.card(paper, lang, owner=chosen.from_user.id))
    _complete_later(context, making, chosen.inline_message_id)
