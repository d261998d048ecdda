"""`/diff <ID> [vA vB]`: what changed between two versions of a paper (by default the latest and the one before)."""

from __future__ import annotations

import logging
import re

from telegram import Update
from telegram.error import TelegramError

from handlers.common.chat import argument, replied_paper, settings_for
from handlers.common.context import Context
from services import callback_data
from services.arxiv.client import ArxivUnavailable
from services.arxiv.ids import find_papers
from services.cards.render import changes_message
from services.i18n import t
from services.models import PaperMeta, PaperRef

log = logging.getLogger(__name__)

_VERSION = re.compile(r"(?<![\w.])v(\d{1,3})\b", re.IGNORECASE)


def chosen_versions(text: str, ref: PaperRef, latest: int) -> tuple[int, int] | None:
    """(older, newer) as asked: two `vN` after the ID, one (against the latest), an ID with its version (against
    the one before), or nothing (the latest against the one before); None when they are not two versions."""
    asked = [int(v) for v in _VERSION.findall(text)]
    if len(asked) >= 2:
        pair = (min(asked[:2]), max(asked[:2]))
    elif asked:
        pair = (min(asked[0], latest), max(asked[0], latest))
    elif ref.version:
        pair = (ref.version - 1, ref.version)
    else:
        pair = (latest - 1, latest)
    return pair if 1 <= pair[0] < pair[1] <= latest else None


async def diff_command(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None:
        return
    chat = settings_for(update, context)
    lang, services = chat.language, context.services
    text = argument(message)
    refs = find_papers(text)
    if not refs and message.reply_to_message is not None:  # as a reply to a card: that card's paper
        replied = replied_paper(context, message)
        refs = [replied] if replied else []
    if not refs:
        await message.reply_text(t(lang, "diff_usage"))
        return
    ref = refs[0]
    try:
        latest = (await services.papers.lookup([PaperRef(ref.base_id)]))[PaperRef(ref.base_id)]
        if latest is None:
            await message.reply_text(t(lang, "unknown_id", id=ref))
            return
        if latest.version < 2:
            await message.reply_text(t(lang, "diff_one_version", id=ref.base_id))
            return
        pair = chosen_versions(text, ref, latest.version)
        if pair is None:
            await message.reply_text(t(lang, "diff_bad_versions", id=ref.base_id, latest=latest.version))
            return
        wanted = [PaperRef(ref.base_id, v) for v in pair]
        found = await services.papers.lookup(wanted)
    except ArxivUnavailable:
        await message.reply_text(t(lang, "arxiv_down", id=ref))
        return
    old, new = found[wanted[0]], found[wanted[1]]
    if old is None or new is None:
        await message.reply_text(t(lang, "unknown_id", id=ref))
        return
    await send_changes(context, chat.chat_id, old, new, lang, reply_to=message.message_id)


async def send_changes(context: Context, chat_id: int, old: PaperMeta, new: PaperMeta, lang: str,
                       reply_to: int | None = None) -> None:
    """The "what changed" card, after a status message saying the comparison is on its way."""
    services = context.services
    status = await context.bot.send_message(chat_id, t(lang, "status_comparing", old=old.versioned_id,
                                                       new=new.versioned_id), reply_to_message_id=reply_to)
    async with services.chat_limits.slot(chat_id):
        changes = await services.versions.compare(old, new, lang, owner=chat_id)
    await context.bot.send_message(chat_id, changes_message(changes, lang), reply_to_message_id=reply_to)
    try:
        await status.delete()
    except TelegramError as error:
        log.info("could not delete the status message: %s", error)


async def diff_button(update: Update, context: Context) -> None:
    """🔀 under a digest's new versions: what changed in that version since the one before."""
    query = update.callback_query
    assert query is not None
    base_id, version = callback_data.DIFF.fields(query.data if isinstance(query.data, str) else None)
    chat = settings_for(update, context)
    await query.answer()
    wanted = [PaperRef(base_id, int(version) - 1), PaperRef(base_id, int(version))]
    try:
        found = await context.services.papers.lookup(wanted)
    except ArxivUnavailable:
        await context.bot.send_message(chat.chat_id, t(chat.language, "arxiv_down", id=base_id))
        return
    old, new = found[wanted[0]], found[wanted[1]]
    if old is None or new is None:
        await context.bot.send_message(chat.chat_id, t(chat.language, "unknown_id", id=f"{base_id}v{version}"))
        return
    await send_changes(context, chat.chat_id, old, new, chat.language)
