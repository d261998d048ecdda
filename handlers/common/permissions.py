"""Who may change what: everyone in a private chat; in groups and channels, their admins (cached a few minutes:
a group's 20-messages-a-minute budget is for digests, not checks)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from telegram import CallbackQuery, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError

from handlers.common.chat import settings_for
from handlers.common.context import Context
from handlers.common.quiet import tell_member
from services.callback_data import Route
from services.i18n import t
from services.models import ChatSettings

ADMIN_CACHE_SIZE = 10_000
ADMIN_CACHE_SECONDS = 300
"""getChatMember answers are cached: a group's 20-messages-a-minute budget is for digests, not checks."""


ADMINS = (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)


async def is_admin(context: Context, chat_id: int, user_id: int, fresh: bool = False) -> bool:
    """Whether the user administers the chat; cached a few minutes unless `fresh` is asked for."""
    cache: dict[tuple[int, int], tuple[bool, float]] = context.bot_data.setdefault("admin_cache", {})
    cached = cache.get((chat_id, user_id))
    if cached and cached[1] > time.monotonic() and not fresh:
        return cached[0]
    try:
        member = await context.bot.get_chat_member(chat_id, user_id)
        admin = member.status in ADMINS
    except TelegramError:
        admin = False
    now = time.monotonic()
    if len(cache) >= ADMIN_CACHE_SIZE:  # bounded: expired answers go first, then the oldest
        for key in [k for k, (_, until) in cache.items() if until <= now] or list(cache)[:len(cache) // 2]:
            del cache[key]
    cache[(chat_id, user_id)] = (admin, now + ADMIN_CACHE_SECONDS)
    return admin


async def may_change(update: Update, context: Context) -> bool:
    """Private chats: yes. Groups: the chat's admins, including an anonymous admin posting as the group."""
    chat, message, user = update.effective_chat, update.effective_message, update.effective_user
    if chat is None or chat.type == ChatType.PRIVATE:
        return True
    if message is not None and message.sender_chat is not None and message.sender_chat.id == chat.id:
        return True
    return user is not None and await is_admin(context, chat.id, user.id)


async def bot_can_post(context: Context, channel_id: int) -> bool:
    try:
        me = await context.bot.get_chat_member(channel_id, context.bot.id)
    except TelegramError:
        return False
    return me.status == ChatMemberStatus.OWNER or (
        me.status in ADMINS and bool(getattr(me, "can_post_messages", False)))


@dataclass(frozen=True)
class Change:
    """A pressed button that changes the chat's settings, from someone who may change them."""

    query: CallbackQuery
    chat: ChatSettings
    fields: tuple[str, ...]


async def changing(update: Update, context: Context, route: Route) -> Change | None:
    """The press, when its member may change the chat's topics and settings; else None, and they are told (alone,
    in a group)."""
    query = update.callback_query
    assert query is not None and query.data is not None
    chat = settings_for(update, context)
    if not await may_change(update, context):
        await tell_member(update, context, t(chat.language, "admins_only"))
        return None
    return Change(query, chat, route.fields(query.data))
