"""What every handler needs: the services, the chat's settings, and replying in the chat's language."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from telegram import Chat, Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from handlers.rate_limiter import ChatRateLimiter
from services.languages import from_telegram
from services.models import ChatSettings

if TYPE_CHECKING:
    from bot import Services


def services_of(context: ContextTypes.DEFAULT_TYPE) -> Services:
    services: Services = context.bot_data["services"]
    return services


def chat_title(chat: Chat) -> str:
    if chat.title:
        return chat.title
    return " ".join(part for part in (chat.first_name, chat.last_name) if part) or (chat.username or "")


def settings_for(update: Update, context: ContextTypes.DEFAULT_TYPE) -> ChatSettings:
    """The chat's stored settings; first contact creates them in the user's Telegram language."""
    chat = update.effective_chat
    assert chat is not None
    user = update.effective_user
    language = from_telegram(user.language_code if user else None)
    store = services_of(context).store
    settings = store.ensure_chat(chat.id, chat.type, chat_title(chat), language)
    if not settings.active and chat.type == ChatType.PRIVATE:  # the user blocked the bot once and is back
        store.update_chat(chat.id, active=True)
        revive(context, chat.id)
        settings = replace(settings, active=True)
    return settings


def revive(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> None:
    """Requests go to the chat again (it had blocked or removed the bot, and is back)."""
    limiter = getattr(context.bot, "rate_limiter", None)
    if isinstance(limiter, ChatRateLimiter):
        limiter.revive(chat_id)


def addressed_to_other_bot(text: str, bot_username: str) -> bool:
    """`/cmd@OtherBot` is meant for another bot in the group: stay silent."""
    command = text.split(maxsplit=1)[0] if text else ""
    if "@" not in command:
        return False
    return command.split("@", 1)[1].lower() != bot_username.lower()
