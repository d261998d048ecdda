"""The one error boundary: whatever a handler failed at, the user gets an answer and the log gets one line.

PTB hands every exception a handler raised to `on_error`. A button is always answered (it would spin forever),
a message gets a short apology saying what to do, a damaged database stops the writes and says so.
"""

from __future__ import annotations

import logging
import sqlite3

from telegram import Update
from telegram.error import BadRequest, Forbidden, TelegramError

from handlers.common import held
from handlers.common.context import Context
from handlers.common.quiet import ephemeral_command, tell_member
from services.i18n import t

log = logging.getLogger(__name__)


def _describe(update: Update) -> str:
    chat = update.effective_chat
    message = update.effective_message
    what = "button" if update.callback_query else "message" if message else "update"
    text = (update.callback_query.data if update.callback_query else (message.text or "")[:60] if message else "")
    return f"update {update.update_id} ({what} {text!r} in chat {chat.id if chat else '?'})"


def _language(update: Update, context: Context) -> str:
    chat = update.effective_chat
    try:
        stored = context.services.store.get_chat(chat.id) if chat else None
    except sqlite3.DatabaseError:
        stored = None
    return stored.language if stored else "en"


async def on_error(update: object, context: Context) -> None:
    error = context.error
    if not isinstance(update, Update):
        log.error("error outside an update: %r", error, exc_info=error)
        return
    if isinstance(error, BadRequest) and "message is not modified" in str(error).lower():
        if update.callback_query:  # pressing a button whose list did not change: nothing to do
            await _answer(update)
        return
    if isinstance(error, Forbidden):  # the user blocked the bot while we worked: nobody to answer
        log.info("%s: the chat blocked the bot", _describe(update))
        return
    key = "error_apology"
    store = context.services.store
    if isinstance(error, sqlite3.DatabaseError) and (store.mark_broken(str(error)) or store.broken):
        key = "storage_broken"
        log.critical("%s: the database is damaged (%s); writes are stopped", _describe(update), error)
    elif isinstance(error, sqlite3.OperationalError) and "locked" in str(error):
        # another process holds the write lock: nothing is wrong here. A message not answered yet is held and
        # done once the lock is gone; anything else (a button, a half-answered message) is asked to try again
        attempt = held.hold(context.application, context.services, update) \
            if update.effective_message and not update.callback_query and held.said_nothing() else None
        if attempt is not None:
            log.warning("%s: the database is locked by another process; held until it is free (attempt %d)",
                        _describe(update), attempt)
            if attempt == 1 and update.effective_chat and update.effective_chat.type != "channel":
                await _reply(update, t(_language(update, context), "storage_wait"))
            return
        key = "storage_busy"
        log.warning("%s: the database is locked by another process; the user is asked to try again",
                    _describe(update))
    else:
        log.error("%s failed", _describe(update), exc_info=error)
    text = t(_language(update, context), key)
    if update.callback_query:
        await _tell(update, context, text)
    elif update.effective_message and update.effective_chat and update.effective_chat.type != "channel":
        if ephemeral_command(update):
            await _tell(update, context, text)
        else:
            await _reply(update, text)


async def _reply(update: Update, text: str) -> None:
    assert update.effective_message is not None
    try:
        await update.effective_message.reply_text(text)
    except TelegramError as error:
        log.info("could not answer %s: %s", _describe(update), error)


async def _answer(update: Update, text: str | None = None) -> None:
    assert update.callback_query is not None
    try:
        await update.callback_query.answer(text, show_alert=bool(text))
    except TelegramError as error:  # answered already, or too late: the button stops spinning anyway
        log.info("could not answer a button: %s", error)


async def _tell(update: Update, context: Context, text: str) -> None:
    """To the member alone (ephemeral in a group, else an alert or a reply); a failure is logged, not raised."""
    try:
        await tell_member(update, context, text)
    except TelegramError as error:
        log.info("could not answer %s: %s", _describe(update), error)


async def expired_button(update: Update, context: Context) -> None:
    """Callback data no handler knows (an old keyboard, or forged): answered, so the button stops spinning; in a
    group only the member who pressed it is told."""
    assert update.callback_query is not None
    await tell_member(update, context, t(_language(update, context), "button_expired"))
