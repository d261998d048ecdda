"""The bot's life in chats: added, removed, blocked, groups upgraded to supergroups, and channels."""

from __future__ import annotations

import logging

from telegram import Chat, ChatMember, ChatMemberUpdated, Update
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from handlers.common import chat_title, revive, services_of, settings_for
from handlers.settings_actions import ACTIONS, escape
from handlers.subscriptions import ADMINS, argument, is_admin, send_card
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


async def my_membership(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Added: welcome (groups) and resume deliveries. Removed, kicked or blocked: stop, keep the topics."""
    change = update.my_chat_member
    if change is None:
        return
    was, is_now = membership_change(change)
    chat = change.chat
    store = services_of(context).store
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
            await context.bot.send_message(chat.id, text, parse_mode=ParseMode.HTML)


async def migrated(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A group became a supergroup: its topics, settings and history move to the new id."""
    message = update.effective_message
    if message is None:
        return
    if message.migrate_to_chat_id:
        services_of(context).store.migrate_chat(message.chat_id, message.migrate_to_chat_id)
    elif message.migrate_from_chat_id:
        services_of(context).store.migrate_chat(message.migrate_from_chat_id, message.chat_id)


async def channel_post(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command posted in a channel (only its admins can post there) acts on the channel's feed; the command
    post is deleted afterwards when the bot may, so readers see only the answer."""
    post = update.channel_post
    if post is None or not post.text or not post.text.startswith("/"):
        return
    name, _, addressee = post.text.split(maxsplit=1)[0][1:].partition("@")
    if name not in ACTIONS or (addressee and addressee.lower() != context.bot.username.lower()):
        return
    chat = settings_for(update, context)
    reply = await ACTIONS[name][0](context, chat, argument(post))
    await context.bot.send_message(post.chat_id, reply.text, parse_mode=ParseMode.HTML)
    try:
        await post.delete()
    except TelegramError:
        log.info("could not delete the command post in channel %s", post.chat_id)


async def channel_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/channel @name subscribe cs.CV` in a private chat: manage a channel's feed as one of its admins."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    lang = settings_for(update, context).language
    parts = argument(message).split(maxsplit=2)
    if len(parts) < 2 or parts[1].lower() not in ACTIONS:
        await message.reply_text(t(lang, "channel_usage"), parse_mode=ParseMode.HTML)
        return
    name = parts[0] if parts[0].startswith(("@", "-100")) else "@" + parts[0]
    shown = escape(name)
    try:
        channel: Chat = await context.bot.get_chat(name)
    except TelegramError:
        channel = None  # type: ignore[assignment]
    if channel is None or channel.type != ChatType.CHANNEL:
        await message.reply_text(t(lang, "channel_not_found", name=shown), parse_mode=ParseMode.HTML)
        return
    if not await is_admin(context, channel.id, user.id, fresh=True):  # rare, and rights may just have changed
        await message.reply_text(t(lang, "channel_not_admin", name=shown), parse_mode=ParseMode.HTML)
        return
    if not await bot_can_post(context, channel.id):
        await message.reply_text(t(lang, "channel_bot_cannot_post", name=shown), parse_mode=ParseMode.HTML)
        return
    settings = services_of(context).store.ensure_chat(channel.id, ChatType.CHANNEL, chat_title(channel), lang)
    services_of(context).store.update_chat(channel.id, active=True)
    reply = await ACTIONS[parts[1].lower()][0](context, settings, parts[2] if len(parts) > 2 else "")
    await message.reply_text(t(lang, "channel_done", name=shown, reply=reply.text), parse_mode=ParseMode.HTML,
                             reply_markup=None)


async def bot_can_post(context: ContextTypes.DEFAULT_TYPE, channel_id: int) -> bool:
    try:
        me = await context.bot.get_chat_member(channel_id, context.bot.id)
    except TelegramError:
        return False
    return me.status == ChatMemberStatus.OWNER or (
        me.status in ADMINS and bool(getattr(me, "can_post_messages", False)))


async def deep_link(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/start card_2408_14227v1` from a channel digest's button: the card, here in the private chat."""
    message = update.effective_message
    payload = context.args[0] if context.args else ""
    if message is None or not payload.startswith("card_"):
        return
    versioned = payload[len("card_"):].replace("--", "/").replace("_", ".")
    await send_card(context, message.chat_id, versioned, settings_for(update, context).language)
