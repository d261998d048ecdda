"""Chat-setting commands in a chat, and the buttons under /topics and digests.

Everyone may read (/topics, /digest, links); in groups only admins may change topics and settings.
"""

from __future__ import annotations

import time
from datetime import date

from telegram import Message, Update
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from handlers import settings_actions
from handlers.common import services_of, settings_for
from handlers.papers import MAX_PHOTOS, CardRequest, prepare, send_figures
from handlers.settings_actions import ACTIONS, Reply
from handlers.telegram_sender import digest_sender
from services.arxiv_client import ArxivUnavailable
from services.arxiv_ids import find_papers
from services.i18n import t

ADMIN_CACHE_SIZE = 10_000
ADMIN_CACHE_SECONDS = 300
"""getChatMember answers are cached: a group's 20-messages-a-minute budget is for digests, not checks."""
ADMINS = (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)


def argument(message: Message | None) -> str:
    """The text after the command, exactly as typed (quotes and case kept)."""
    text = (message.text or message.caption or "") if message else ""
    parts = text.split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


async def is_admin(context: ContextTypes.DEFAULT_TYPE, chat_id: int, user_id: int, fresh: bool = False) -> bool:
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


async def may_change(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Private chats: yes. Groups: the chat's admins, including an anonymous admin posting as the group."""
    chat, message, user = update.effective_chat, update.effective_message, update.effective_user
    if chat is None or chat.type == ChatType.PRIVATE:
        return True
    if message is not None and message.sender_chat is not None and message.sender_chat.id == chat.id:
        return True
    return user is not None and await is_admin(context, chat.id, user.id)


async def command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
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
        await message.reply_text(t(chat.language, "admins_only"), parse_mode=ParseMode.HTML)
        return
    if name == "digest":
        status = await message.reply_text(t(chat.language, "digest_preparing"))
        if status.chat_id != chat.chat_id:  # the group became a supergroup just now: the chat moved with it
            chat = services_of(context).store.get_chat(status.chat_id) or chat
        reply = await action(context, chat, argument(message))
        await status.edit_text(reply.text, parse_mode=ParseMode.HTML)
        return
    reply = await action(context, chat, argument(message))
    await message.reply_text(reply.text, parse_mode=ParseMode.HTML, reply_markup=reply.markup)


async def remove_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A ✖ button under /topics: remove that topic and show the list again."""
    query = update.callback_query
    assert query is not None and query.data is not None
    chat = settings_for(update, context)
    if not await may_change(update, context):
        await query.answer(t(chat.language, "admins_only"), show_alert=True)
        return
    removed = services_of(context).store.remove_topic(chat.chat_id, int(query.data.split(":", 1)[1]))
    await query.answer(removed.text if removed else None)
    reply: Reply = await settings_actions.topics(context, settings_for(update, context))
    if query.message is not None:
        await query.edit_message_text(reply.text, parse_mode=ParseMode.HTML, reply_markup=reply.markup)


async def send_card(context: ContextTypes.DEFAULT_TYPE, chat_id: int, versioned_id: str, lang: str) -> None:
    """One paper's full card, with its figures, in `chat_id` (a 📄 button, or a deep link from a channel)."""
    refs = find_papers(versioned_id)
    if not refs:
        return
    status = await context.bot.send_message(chat_id, t(lang, "status_fetching", id=refs[0]))
    chat = services_of(context).store.get_chat(chat_id)
    request_id = services_of(context).store.add_card_request(
        chat_id, chat.type if chat else "private", status.message_id, status.message_id, str(refs[0]), lang, None)
    await prepare(context, [CardRequest(status, refs[0], lang, None, request_id)])


async def card_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A 📄 button under a digest: that paper's full card, with its figures."""
    query = update.callback_query
    assert query is not None and query.data is not None and query.message is not None
    await query.answer()
    chat = settings_for(update, context)
    await send_card(context, query.message.chat.id, query.data.split(":", 1)[1], chat.language)


async def export_digest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/export [YYYY-MM-DD]`: the chat's digest as Markdown posts with their figures, in a zip."""
    message = update.effective_message
    assert message is not None
    chat = settings_for(update, context)
    day = argument(message)
    exported = await services_of(context).digests.export(chat, day) if not day or _is_day(day) else None
    if exported is None:
        await message.reply_text(t(chat.language, "export_none"))
        return
    name, data = exported
    await message.reply_document(data, filename=name, caption=t(chat.language, "export_caption",
                                                                  day=day or chat.last_digest_day))


def _is_day(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


async def tables_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """📊 under a card: the paper's numbered tables, cropped like its figures."""
    query = update.callback_query
    assert query is not None and query.data is not None and query.message is not None
    await query.answer()
    chat = settings_for(update, context)
    refs = find_papers(query.data.split(":", 1)[1])
    if not refs:
        return
    services = services_of(context)
    try:
        paper = (await services.papers.lookup(refs[:1]))[refs[0]]
    except ArxivUnavailable:
        await context.bot.send_message(query.message.chat.id, t(chat.language, "arxiv_down", id=refs[0]))
        return
    tables = await services.papers.tables(paper, owner=query.message.chat.id) if paper else []
    if not tables or paper is None:
        await context.bot.send_message(query.message.chat.id, t(chat.language, "no_tables", id=refs[0]))
        return
    await send_figures(context, query.message.chat.id, tables[:MAX_PHOTOS], chat.language, paper)


async def more_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """"Show N more" under a capped digest: the papers it left out."""
    query = update.callback_query
    assert query is not None and query.data is not None
    chat = settings_for(update, context)
    services = services_of(context)
    if not await services.digests.more(chat.chat_id, query.data.split(":", 1)[1]):
        await query.answer(t(chat.language, "digest_more_gone"), show_alert=True)  # sent already, or past a week
        return
    await query.answer()
    await services.outbox.drain(digest_sender(context.bot, services.config.paid_broadcast), wait=False)
