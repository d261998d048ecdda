"""Chat settings: the commands that read or change a chat's topics and settings (`actions` says what each does),
in the chat itself, posted in a channel, or for a channel from a private chat (`/channel @name …`).

Everyone may read (/topics, /digest, links); in groups only admins may change topics and settings.
"""

from __future__ import annotations

import logging

from telegram import ChatFullInfo, Update
from telegram.constants import ChatType
from telegram.error import TelegramError

from handlers.common.chat import argument, chat_title, settings_for
from handlers.common.context import Context
from handlers.common.permissions import bot_can_post, changing, is_admin, may_change
from handlers.common.quiet import ephemeral_command, tell_member
from handlers.settings import actions
from handlers.settings.actions import ACTIONS, Reply, escape
from services import callback_data
from services.i18n import t
from services.ranking.names import shown_names

log = logging.getLogger(__name__)


async def command(update: Update, context: Context) -> None:
    """Any chat-setting command: checks who may change what, runs the action, replies."""
    message = update.effective_message
    if message is None or not message.text:
        return
    name = message.text.split(maxsplit=1)[0][1:].split("@", 1)[0].lower()
    action, changes = ACTIONS[name]
    chat = settings_for(update, context)
    if name == "settings" and not argument(message):
        changes = False  # looking at the settings is for everyone
    if changes and not await may_change(update, context):
        await tell_member(update, context, t(chat.language, "admins_only"))
        return
    quiet = bool(ephemeral_command(update))  # an ephemeral command (a group's setting commands): so is the reply
    if name == "digest":
        status = await (context.bot.send_message(chat.chat_id, t(chat.language, "digest_preparing")) if quiet
                        else message.reply_text(t(chat.language, "digest_preparing")))
        if status.chat_id != chat.chat_id:  # the group became a supergroup just now: the chat moved with it
            chat = context.services.store.get_chat(status.chat_id) or chat
        reply = await action(context, chat, argument(message))
        await status.edit_text(reply.text)
        return
    reply = await action(context, chat, argument(message))
    if quiet and reply.markup is None:
        await tell_member(update, context, reply.text)
        return
    if quiet:  # buttons (✖ under /topics, choices) edit their message: a message the group sees, not ephemeral
        await context.bot.send_message(chat.chat_id, reply.text, reply_markup=reply.markup)
        return
    await message.reply_text(reply.text, reply_markup=reply.markup)


async def remove_button(update: Update, context: Context) -> None:
    """A ✖ button under /topics: remove that topic and show the list again."""
    press = await changing(update, context, callback_data.REMOVE_TOPIC)
    if press is None:
        return
    removed = context.services.store.remove_topic(press.chat.chat_id, int(press.fields[0]))
    await press.query.answer(removed.text if removed else None)
    reply: Reply = await actions.topics(context, press.chat)
    if press.query.message is not None:
        await press.query.edit_message_text(reply.text, reply_markup=reply.markup)


async def drop_name_button(update: Update, context: Context) -> None:
    """✖ under a new topic's other names: stop matching it by that name, and show the names left."""
    press = await changing(update, context, callback_data.DROP_NAME)
    if press is None:
        return
    chat, (sid, index) = press.chat, (int(v) for v in press.fields)
    store = context.services.store
    topic = store.topic(chat.chat_id, sid)  # the chat's own topic: forged data reaches no other chat's
    names = shown_names(topic) if topic is not None else []
    if topic is None or index >= len(names):
        await tell_member(update, context, t(chat.language, "stop_name_gone"))
        return
    topic = topic.without_name(names[index])
    store.name_topic(chat.chat_id, sid, topic.also, topic.never)
    await press.query.answer(t(chat.language, "name_dropped", name=names[index], topic=topic.text))
    reply = actions.subscribed(chat, sid, topic, offline=not context.services.config.about_by_meaning)
    if press.query.message is not None:
        await press.query.edit_message_text(reply.text, reply_markup=reply.markup)


async def channel_post(update: Update, context: Context) -> None:
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
    await context.bot.send_message(post.chat_id, reply.text)
    try:
        await post.delete()
    except TelegramError:
        log.info("could not delete the command post in channel %s", post.chat_id)


async def channel_command(update: Update, context: Context) -> None:
    """`/channel @name subscribe cs.CV` in a private chat: manage a channel's feed as one of its admins."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    lang = settings_for(update, context).language
    parts = argument(message).split(maxsplit=2)
    if len(parts) < 2 or parts[1].lower() not in ACTIONS:
        await message.reply_text(t(lang, "channel_usage"))
        return
    name = parts[0] if parts[0].startswith(("@", "-100")) else "@" + parts[0]
    shown = escape(name)
    channel: ChatFullInfo | None
    try:
        channel = await context.bot.get_chat(name)
    except TelegramError:
        channel = None
    if channel is None or channel.type != ChatType.CHANNEL:
        await message.reply_text(t(lang, "channel_not_found", name=shown))
        return
    if not await is_admin(context, channel.id, user.id, fresh=True):  # rare, and rights may just have changed
        await message.reply_text(t(lang, "channel_not_admin", name=shown))
        return
    if not await bot_can_post(context, channel.id):
        await message.reply_text(t(lang, "channel_bot_cannot_post", name=shown))
        return
    settings = context.services.store.ensure_chat(channel.id, ChatType.CHANNEL, chat_title(channel), lang)
    context.services.store.update_chat(channel.id, active=True)
    reply = await ACTIONS[parts[1].lower()][0](context, settings, parts[2] if len(parts) > 2 else "")
    await message.reply_text(t(lang, "channel_done", name=shown, reply=reply.text),
                             reply_markup=None)


async def pick_button(update: Update, context: Context) -> None:
    """A common choice under a bare /subscribe or /lang: the command run with it, for whoever may change."""
    press = await changing(update, context, callback_data.PICK)
    if press is None or press.query.message is None:
        return
    name, value = press.fields
    await press.query.answer()
    reply = await ACTIONS[name][0](context, press.chat, value)
    await context.bot.send_message(press.query.message.chat.id, reply.text, reply_markup=reply.markup)
