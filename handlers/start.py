"""/start, /help and unknown commands."""

from __future__ import annotations

import difflib
import html

from telegram import Update
from telegram.constants import ChatType

from handlers.common.chat import addressed_to_other_bot, settings_for
from handlers.common.context import Context
from services.i18n import MENU_COMMANDS, t

KNOWN_COMMANDS = MENU_COMMANDS


def _llm_name(context: Context, lang: str) -> str:
    """The model that writes the prose (and its fallback), or the offline extractor — as configured."""
    models = context.services.config.llm_models
    return html.escape(" / ".join(models), quote=False) if models else t(lang, "llm_name_offline")


async def start(update: Update, context: Context) -> None:
    """The user sees what Papergram does and how to use it."""
    assert update.effective_message is not None
    lang = settings_for(update, context).language
    await update.effective_message.reply_text(
        t(lang, "welcome", llm=_llm_name(context, lang))
    )


async def help_command(update: Update, context: Context) -> None:
    """/help: every command a user types, grouped, with examples (/start says what Papergram is)."""
    assert update.effective_message is not None
    await update.effective_message.reply_text(t(settings_for(update, context).language, "help"))


async def unknown_command(update: Update, context: Context) -> None:
    """An unknown command gets a pointer to /help — in groups only when it was addressed to this bot."""
    message = update.effective_message
    if message is None or update.effective_chat is None:
        return
    text = message.text or ""
    if addressed_to_other_bot(text, context.bot.username):
        return
    explicit = "@" in text.split(maxsplit=1)[0]
    if update.effective_chat.type != ChatType.PRIVATE and not explicit:
        return
    lang = settings_for(update, context).language
    typed = text.split(maxsplit=1)[0][1:].split("@", 1)[0].lower()
    close = difflib.get_close_matches(typed, KNOWN_COMMANDS, n=1, cutoff=0.7)
    if close:
        await message.reply_text(t(lang, "did_you_mean", typed=html.escape(typed[:32], quote=False), command=close[0]))
        return
    await message.reply_text(t(lang, "unknown_command"))


async def photo(update: Update, context: Context) -> None:
    """A photo (a screenshot of a paper, often) in a private chat: how to send a paper instead."""
    message = update.effective_message
    if message is None or update.effective_chat is None or update.effective_chat.type != ChatType.PRIVATE:
        return
    await message.reply_text(t(settings_for(update, context).language, "photo_hint"))
