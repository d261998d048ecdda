"""The bot's life in chats: added, removed, blocked, and groups upgraded to supergroups."""

from __future__ import annotations

import logging

from telegram import (
    ChatMember,
    ChatMemberUpdated,
    Update,
)
from telegram.constants import ChatMemberStatus, ChatType

from handlers.common.chat import chat_title, revive
from handlers.common.context import Context
from services.i18n import t
from services.languages import from_telegram

log = logging.getLogger(__name__)


PRESENT = (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)


def membership_change(update: ChatMemberUpdated) -> tuple[bool, bool]:
    """(was in the chat, is in the chat) for the bot, from a my_chat_member update."""
    def present(member: ChatMember) -> bool:
        if member.status == ChatMemberStatus.RESTRICTED:
            return bool(getattr(member, "is_member", False))
        return member.status in PRESENT

    return present(update.old_chat_member), present(update.new_chat_member)


async def my_membership(update: Update, context: Context) -> None:
    """Added: welcome (groups) and resume deliveries. Removed, kicked or blocked: stop, keep the topics."""
    change = update.my_chat_member
    if change is None:
        return
    was, is_now = membership_change(change)
    chat = change.chat
    store = context.services.store
    language = from_telegram(change.from_user.language_code if change.from_user else None)
    settings = store.ensure_chat(chat.id, chat.type, chat_title(chat), language)
    if was and not is_now:
        log.info("removed from chat %s (%s): deliveries stop, topics kept", chat.id, chat.type)
        store.update_chat(chat.id, active=False)
    elif is_now and not was:
        store.update_chat(chat.id, active=True)
        revive(context, chat.id)
        if chat.type in (ChatType.GROUP, ChatType.SUPERGROUP):
            text = t(settings.language, "group_welcome")
            if not context.bot.can_read_all_group_messages:
                text += "\n\n" + t(settings.language, "group_privacy")
            await context.bot.send_message(chat.id, text)


async def migrated(update: Update, context: Context) -> None:
    """A group became a supergroup: its topics, settings and history move to the new id."""
    message = update.effective_message
    if message is None:
        return
    if message.migrate_to_chat_id:
        context.services.store.migrate_chat(message.chat_id, message.migrate_to_chat_id)
    elif message.migrate_from_chat_id:
        context.services.store.migrate_chat(message.migrate_from_chat_id, message.chat_id)
