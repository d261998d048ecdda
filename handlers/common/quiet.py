"""Quiet groups: a reply that concerns one member — a refusal, an expired button, a confirmation, an error — goes
to that member alone as an ephemeral message (Bot API 10.2–10.3) where Telegram allows one: in answer to a button
they pressed, or to an ephemeral command of theirs (the group's setting commands are registered as ephemeral).
Elsewhere it is the reply it always was."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.error import TelegramError

from handlers.common.botapi import send_ephemeral
from handlers.common.context import Context
from handlers.common.rich import Ephemeral
from services.cards.render import visible_text

log = logging.getLogger(__name__)

GROUPS = (ChatType.GROUP, ChatType.SUPERGROUP)


def ephemeral_command(update: Update) -> int:
    """The ID of the ephemeral message (a member's ephemeral command) this update is, or 0."""
    message = update.effective_message
    return int(message.api_kwargs.get("ephemeral_message_id") or 0) if message is not None else 0


def _ephemeral(update: Update) -> tuple[Ephemeral, int] | None:
    chat, user = update.effective_chat, update.effective_user
    if chat is None or chat.type not in GROUPS or user is None:
        return None
    if update.callback_query is not None:
        return Ephemeral(user.id, callback_query_id=update.callback_query.id), 0
    command = ephemeral_command(update)
    return (Ephemeral(user.id), command) if command else None


async def tell_member(update: Update, context: Context, html: str, markup: InlineKeyboardMarkup | None = None,
                      alert: bool = True) -> None:
    """`html` to the member this update came from: ephemeral in a group where allowed; else a reply to their
    message, or (a button) an alert only they see."""
    chat = update.effective_chat
    found = _ephemeral(update)
    query = update.callback_query
    if found is not None and chat is not None:
        ephemeral, command = found
        try:
            if query is not None:
                await query.answer()
            await send_ephemeral(context.bot, chat.id, html, ephemeral, markup, reply_to_ephemeral=command or None)
            return
        except TelegramError as error:  # an older server, or a member who left: said the usual way
            log.info("chat %s: no ephemeral reply (%s)", chat.id, error)
            if query is not None:
                return
    if query is not None:
        await query.answer(visible_text(html)[:200], show_alert=alert)
        return
    message = update.effective_message
    if message is not None:
        await message.reply_text(html, reply_markup=markup)

