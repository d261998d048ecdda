"""/start, /help, /lang and unknown commands."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType, ParseMode
from telegram.ext import ContextTypes

from handlers.common import addressed_to_other_bot, services_of, settings_for
from services.i18n import LANGUAGES, t


def _llm_name(context: ContextTypes.DEFAULT_TYPE, lang: str) -> str:
    gemini = bool(services_of(context).config.gemini_api_key)
    return t(lang, "llm_name_gemini" if gemini else "llm_name_offline")


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The user sees what Papergram does and how to use it."""
    assert update.effective_message is not None
    lang = settings_for(update, context).language
    await update.effective_message.reply_text(
        t(lang, "welcome", llm=_llm_name(context, lang)), parse_mode=ParseMode.HTML
    )


async def set_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/lang zh` switches this chat's summaries to Chinese; without an argument it shows the usage."""
    assert update.effective_message is not None and update.effective_chat is not None
    settings = settings_for(update, context)
    choice = (context.args[0].lower() if context.args else "").strip()
    if choice not in LANGUAGES:
        await update.effective_message.reply_text(
            t(settings.language, "lang_usage", current=settings.language), parse_mode=ParseMode.HTML
        )
        return
    services_of(context).store.update_chat(settings.chat_id, language=choice)
    await update.effective_message.reply_text(t(choice, "lang_set"), parse_mode=ParseMode.HTML)


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
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
    await message.reply_text(t(lang, "unknown_command"), parse_mode=ParseMode.HTML)
