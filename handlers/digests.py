"""A digest's rest ("Show N more") and its export as Markdown posts."""

from __future__ import annotations

import html
from datetime import date

from telegram import (
    Update,
)

from handlers.common.chat import argument, settings_for
from handlers.common.context import Context
from handlers.common.sender import digest_sender
from services import callback_data
from services.i18n import t


async def export_digest(update: Update, context: Context) -> None:
    """`/export [YYYY-MM-DD]`: the chat's digest as Markdown posts with their figures, in a zip."""
    message = update.effective_message
    assert message is not None
    chat = settings_for(update, context)
    day = argument(message)
    if day and not _is_day(day):
        await message.reply_text(t(chat.language, "export_bad_day", text=html.escape(day[:40], quote=False)))
        return
    digests = context.services.digests
    if digests.exports_busy:
        await message.reply_text(t(chat.language, "export_queued"))
    async with digests.export(chat, day) as exported:
        if exported is None:
            await message.reply_text(t(chat.language, "export_none"))
            return
        name, path = exported
        with path.open("rb") as archive:
            await message.reply_document(archive, filename=name, caption=t(chat.language, "export_caption",
                                                                            day=day or chat.last_digest_day))


def _is_day(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


async def more_button(update: Update, context: Context) -> None:
    """"Show N more" under a capped digest: the papers it left out."""
    query = update.callback_query
    assert query is not None and query.data is not None
    chat = settings_for(update, context)
    services = context.services
    if not await services.digests.more(chat.chat_id, callback_data.MORE.fields(query.data)[0]):
        await query.answer(t(chat.language, "digest_more_gone"), show_alert=True)  # sent already, or past a week
        return
    await query.answer()
    await services.outbox.drain(digest_sender(context.bot, services.config.paid_broadcast), only=chat.chat_id)
