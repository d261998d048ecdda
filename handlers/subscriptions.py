"""/subscribe, /topics, /unsubscribe, /time, /digest, /pause, /resume, and the buttons under digests."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from handlers.common import services_of, settings_for
from handlers.papers import deliver_paper
from handlers.telegram_sender import TelegramSender
from services.arxiv_client import ArxivUnavailable
from services.arxiv_ids import find_papers
from services.categories import ARCHIVES
from services.i18n import t
from services.topics import MAX_TOPIC_LENGTH, MAX_TOPICS_PER_CHAT, TopicError, parse_topic


def _argument(update: Update) -> str:
    """The text after the command, exactly as typed (quotes and case kept)."""
    message = update.effective_message
    text = (message.text or message.caption or "") if message else ""
    parts = text.split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


async def _reply(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)


async def subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The chat follows a topic: category, keywords, author or arXiv query."""
    chat = settings_for(update, context)
    lang, text = chat.language, _argument(update)
    if not text:
        await _reply(update, t(lang, "subscribe_usage"))
        return
    try:
        topic = parse_topic(text)
    except TopicError as error:
        await _reply(update, t(lang, f"topic_error_{error}", limit=MAX_TOPIC_LENGTH))
        return
    store = services_of(context).store
    shown = _escape(topic.text)
    if len(store.topics(chat.chat_id)) >= MAX_TOPICS_PER_CHAT:
        await _reply(update, t(lang, "subscribe_limit", limit=MAX_TOPICS_PER_CHAT))
        return
    if not store.add_topic(chat.chat_id, topic):
        await _reply(update, t(lang, "subscribe_duplicate", topic=shown))
        return
    await _reply(update, t(lang, "subscribed", topic=shown, kind=t(lang, f"kind_{topic.kind}"),
                           time=chat.digest_time, zone=chat.timezone))


def _topics_markup(update: Update, context: ContextTypes.DEFAULT_TYPE) -> tuple[str, InlineKeyboardMarkup | None]:
    chat = settings_for(update, context)
    topics = services_of(context).store.topics(chat.chat_id)
    lang = chat.language
    if not topics:
        return t(lang, "topics_none"), None
    lines = [t(lang, "topics_list", time=chat.digest_time, zone=chat.timezone,
               paused=t(lang, "topics_paused") if chat.paused else "")]
    lines += [f"{i}. {_escape(topic.text)}" for i, (_, topic) in enumerate(topics, 1)]
    buttons = [[InlineKeyboardButton(t(lang, "topic_remove_button", topic=topic.text[:40]),
                                     callback_data=f"rm:{sid}")] for sid, topic in topics]
    return "\n".join(lines), InlineKeyboardMarkup(buttons)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


async def topics(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The chat's topics, each with a button that removes it."""
    text, markup = _topics_markup(update, context)
    await _reply(update, text, markup)


async def unsubscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/unsubscribe 2` or `/unsubscribe cs.CV`."""
    chat = settings_for(update, context)
    lang, text = chat.language, _argument(update)
    store = services_of(context).store
    if not text:
        await _reply(update, t(lang, "unsubscribe_usage"))
        return
    listed = store.topics(chat.chat_id)
    chosen = None
    if text.isdigit() and 1 <= int(text) <= len(listed):
        chosen = listed[int(text) - 1][0]
    else:
        try:
            query = parse_topic(text).query
        except TopicError:
            query = ""
        chosen = next((sid for sid, topic in listed if topic.query == query or topic.text == text), None)
    removed = store.remove_topic(chat.chat_id, chosen) if chosen is not None else None
    if removed is None:
        await _reply(update, t(lang, "unsubscribe_unknown"))
    else:
        await _reply(update, t(lang, "unsubscribed", topic=_escape(removed.text)))


async def remove_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A ✖ button under /topics: remove that topic and show the list again."""
    query = update.callback_query
    assert query is not None and query.data is not None
    chat = settings_for(update, context)
    removed = services_of(context).store.remove_topic(chat.chat_id, int(query.data.split(":", 1)[1]))
    await query.answer(t(chat.language, "unsubscribed", topic=removed.text).replace("<b>", "").replace("</b>", "")
                       if removed else None)
    text, markup = _topics_markup(update, context)
    if query.message is not None:
        await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)


async def set_time(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/time 08:30 Asia/Shanghai`: when the daily digest comes, in which zone."""
    chat = settings_for(update, context)
    lang = chat.language
    match = re.fullmatch(r"(\d{1,2}):(\d{2})(?:\s+(\S+))?", _argument(update))
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        await _reply(update, t(lang, "time_usage", time=chat.digest_time, zone=chat.timezone))
        return
    zone = match[3] or chat.timezone
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        await _reply(update, t(lang, "time_bad_zone", zone=_escape(zone)))
        return
    digest_time = f"{int(match[1]):02d}:{match[2]}"
    services_of(context).store.update_chat(chat.chat_id, digest_time=digest_time, timezone=zone)
    await _reply(update, t(lang, "time_set", time=digest_time, zone=zone))


async def pause(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = settings_for(update, context)
    services_of(context).store.update_chat(chat.chat_id, paused=True)
    await _reply(update, t(chat.language, "paused"))


async def resume(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = settings_for(update, context)
    services_of(context).store.update_chat(chat.chat_id, paused=False)
    await _reply(update, t(chat.language, "resumed"))


async def digest_now(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Today's digest for this chat, now: the latest announcements of its topics not yet sent here."""
    chat = settings_for(update, context)
    lang = chat.language
    services = services_of(context)
    if not services.store.topics(chat.chat_id):
        await _reply(update, t(lang, "topics_none"))
        return
    assert update.effective_message is not None
    status = await update.effective_message.reply_text(t(lang, "digest_preparing"))
    await services.digests.poll(services.digests.feeds_of(chat))
    try:
        count = await services.digests.plan(chat, scheduled=False)
    except ArxivUnavailable:
        await status.edit_text(t(lang, "arxiv_down", id="…"))
        return
    await status.edit_text(t(lang, "digest_queued", count=count) if count else t(lang, "digest_nothing"))
    await services.outbox.drain(TelegramSender(context.bot))


async def card_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A 📄 button under a digest: that paper's full card, with its figures."""
    query = update.callback_query
    assert query is not None and query.data is not None and query.message is not None
    await query.answer()
    chat = settings_for(update, context)
    refs = find_papers(query.data.split(":", 1)[1])
    if not refs:
        return
    status = await context.bot.send_message(query.message.chat.id, t(chat.language, "status_fetching", id=refs[0]))
    try:
        paper = (await services_of(context).papers.lookup(refs[:1]))[refs[0]]
    except ArxivUnavailable:
        await status.edit_text(t(chat.language, "arxiv_down", id=refs[0]))
        return
    await deliver_paper(context, status, refs[0], paper, chat.language)


async def more_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """"Show N more" under a capped digest: the papers it left out."""
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer()
    chat = settings_for(update, context)
    services = services_of(context)
    if await services.digests.more(chat.chat_id, query.data.split(":", 1)[1]):
        await services.outbox.drain(TelegramSender(context.bot))


_SWITCHES = {"replacements": "replacements", "crosslists": "crosslists", "quiet": "quiet_note"}


async def settings(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/settings` shows the chat's digest settings; `/settings <name> <value>` changes one."""
    chat = settings_for(update, context)
    lang = chat.language
    store = services_of(context).store
    parts = _argument(update).split()
    if not parts:
        def on(flag: bool) -> str:
            return "on" if flag else "off"

        await _reply(update, t(lang, "settings", mode=chat.mode, replacements=on(chat.replacements),
                               crosslists=on(chat.crosslists), quiet=on(chat.quiet_note),
                               archives=chat.archives or ",".join(services_of(context).config.discovery_archives),
                               language=lang, time=chat.digest_time, zone=chat.timezone))
        return
    name, value = parts[0].lower(), (parts[1].lower() if len(parts) > 1 else "")
    if name == "mode" and value in ("overview", "full"):
        store.update_chat(chat.chat_id, mode=value)
    elif name in _SWITCHES and value in ("on", "off"):
        store.update_chat(chat.chat_id, **{_SWITCHES[name]: value == "on"})
    elif name == "archives" and value and all(a in ARCHIVES for a in value.split(",")):
        store.update_chat(chat.chat_id, archives=value)
    else:
        await _reply(update, t(lang, "settings_bad"))
        return
    await _reply(update, t(lang, "settings_set", name=name, value=_escape(value)))
