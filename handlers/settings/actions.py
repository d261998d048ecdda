"""What the chat-setting commands do, for any target chat: the chat itself, a channel posting the command,
or a channel managed from a private chat with `/channel @name …`. Each action returns the reply."""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from handlers.common.context import Context
from handlers.common.sender import digest_sender
from services import callback_data
from services.arxiv.client import ArxivUnavailable
from services.arxiv.ids import find_papers
from services.arxiv.licences import POLICIES
from services.categories import ARCHIVES
from services.config import CARD_STYLES
from services.digests.planner import WEEKDAYS, valid_zone
from services.i18n import INTERFACE_LANGUAGES, has_catalog, t
from services.languages import display_name, own_name, resolve
from services.models import ChatSettings
from services.ranking.feedback import MAX_LIKED_IDS
from services.ranking.names import shown_names
from services.ranking.picks import POPULARITY
from services.store import utcnow
from services.topics import MAX_TOPIC_LENGTH, MAX_TOPICS_PER_CHAT, Topic, TopicError, parse_topic


@dataclass(frozen=True)
class Reply:
    text: str
    markup: InlineKeyboardMarkup | None = None


Action = Callable[[Context, ChatSettings, str], Awaitable[Reply]]


COMMON_CATEGORIES = ("cs.CV", "cs.CL", "cs.LG", "cs.AI", "stat.ML", "cs.RO", "eess.IV", "quant-ph")
"""Offered as buttons under a bare /subscribe: the categories most chats follow, one tap each."""
COMMON_LANGUAGES = ("en", "zh", "de", "es", "fr", "ja", "ko", "ru")


def choices(command: str, values: tuple[str, ...], labels: list[str] | None = None) -> InlineKeyboardMarkup:
    """Buttons, four to a row, each running `command` with one value."""
    buttons = [InlineKeyboardButton(label, callback_data=callback_data.PICK.build(command, value))
               for value, label in zip(values, labels or list(values), strict=True)]
    return InlineKeyboardMarkup([buttons[i:i + 4] for i in range(0, len(buttons), 4)])


def escape(text: str) -> str:
    return html.escape(text, quote=False)


async def subscribe(context: Context, chat: ChatSettings, text: str) -> Reply:
    lang = chat.language
    if not text:
        return Reply(t(lang, "subscribe_usage"), choices("subscribe", COMMON_CATEGORIES))
    try:
        topic = parse_topic(text)
    except TopicError as error:
        return Reply(t(lang, f"topic_error_{error}", limit=MAX_TOPIC_LENGTH))
    store = context.services.store
    if len(store.topics(chat.chat_id)) >= MAX_TOPICS_PER_CHAT:
        return Reply(t(lang, "subscribe_limit", limit=MAX_TOPICS_PER_CHAT))
    if not store.add_topic(chat.chat_id, topic):
        return Reply(t(lang, "subscribe_duplicate", topic=escape(topic.text)))
    sid = next(sid for sid, listed in store.topics(chat.chat_id) if listed.query == topic.query)
    proposed = await context.services.names.propose(topic)  # once, with an LLM: kept with the topic
    if proposed:
        topic = replace(topic, also=tuple(proposed))
        store.name_topic(chat.chat_id, sid, topic.also, topic.never)
    # without a key a sentence is matched by its words: said when created
    reply = subscribed(chat, sid, topic, offline=not context.services.config.about_by_meaning)
    popularity = context.services.papers.popularity
    if topic.kind == "trending" and (popularity is None or not popularity.enabled):
        reply = Reply(reply.text + "\n\n" + t(lang, "trending_off"), reply.markup)
    return reply


def subscribed(chat: ChatSettings, sid: int, topic: Topic, offline: bool = False) -> Reply:
    """The confirmation of a new topic, with the other names it matches by and a ✖ to drop each."""
    lang = chat.language
    kind = "about_words" if topic.kind == "about" and offline else topic.kind
    text = t(lang, "subscribed", topic=escape(topic.text), kind=t(lang, f"kind_{kind}"), time=chat.digest_time,
             zone=chat.timezone)
    names = shown_names(topic)
    if not names:
        return Reply(text)
    text += "\n\n" + t(lang, "names_offered", topic=escape(topic.text), names=escape(", ".join(names)))
    buttons = [InlineKeyboardButton(t(lang, "name_drop_button", name=name[:30]),
                                    callback_data=callback_data.DROP_NAME.build(sid, i))
               for i, name in enumerate(names)]
    return Reply(text, InlineKeyboardMarkup([buttons[i:i + 3] for i in range(0, len(buttons), 3)]))


async def topics(context: Context, chat: ChatSettings, _: str = "") -> Reply:
    lang = chat.language
    listed = context.services.store.topics(chat.chat_id)
    if not listed:
        return Reply(t(lang, "topics_none"))
    lines = [t(lang, "topics_list", time=chat.digest_time, zone=chat.timezone,
               paused=t(lang, "topics_paused") if chat.paused else "")]
    for number, (_sid, topic) in enumerate(listed, 1):
        lines.append(f"{number}. {escape(topic.text)}")
        if names := shown_names(topic):
            lines.append(t(lang, "topics_also", names=escape(", ".join(names))))
        if topic.never:
            lines.append(t(lang, "topics_never", names=escape(", ".join(topic.never))))
        if topic.words_only:
            lines.append(t(lang, "topics_words_only"))
    buttons = [[InlineKeyboardButton(t(lang, "topic_remove_button", topic=topic.text[:40]),
                                     callback_data=callback_data.REMOVE_TOPIC.build(sid))] for sid, topic in listed]
    return Reply("\n".join(lines), InlineKeyboardMarkup(buttons))


async def unsubscribe(context: Context, chat: ChatSettings, text: str) -> Reply:
    lang = chat.language
    store = context.services.store
    if not text:
        return Reply(t(lang, "unsubscribe_usage"))
    listed = store.topics(chat.chat_id)
    chosen = None
    if re.fullmatch(r"[0-9]{1,3}", text) and 1 <= int(text) <= len(listed):
        chosen = listed[int(text) - 1][0]
    else:
        try:
            query = parse_topic(text).query
        except TopicError:
            query = ""
        chosen = next((sid for sid, topic in listed if topic.query == query or topic.text == text), None)
    removed = store.remove_topic(chat.chat_id, chosen) if chosen is not None else None
    if removed is None:
        return Reply(t(lang, "unsubscribe_unknown"))
    return Reply(t(lang, "unsubscribed", topic=escape(removed.text)))


async def set_time(context: Context, chat: ChatSettings, text: str) -> Reply:
    lang = chat.language
    match = re.fullmatch(r"([0-9]{1,2}):([0-9]{2})(?:\s+(\S{1,64}))?", text)
    if match and (int(match[1]) > 23 or int(match[2]) > 59):
        return Reply(t(lang, "time_bad", text=escape(f"{match[1]}:{match[2]}")))
    if not match:
        return Reply(t(lang, "time_usage", time=chat.digest_time, zone=chat.timezone))
    zone = match[3] or chat.timezone
    if not valid_zone(zone):
        return Reply(t(lang, "time_bad_zone", zone=escape(zone)))
    digest_time = f"{int(match[1]):02d}:{match[2]}"
    context.services.store.update_chat(chat.chat_id, digest_time=digest_time, timezone=zone)
    return Reply(t(lang, "time_set", time=digest_time, zone=zone))


async def pause(context: Context, chat: ChatSettings, _: str = "") -> Reply:
    context.services.store.update_chat(chat.chat_id, paused=True)
    return Reply(t(chat.language, "paused"))


async def resume(context: Context, chat: ChatSettings, _: str = "") -> Reply:
    context.services.store.update_chat(chat.chat_id, paused=False)
    return Reply(t(chat.language, "resumed"))


async def set_language(context: Context, chat: ChatSettings, text: str) -> Reply:
    """`/lang ja`, `/lang Deutsch`: summaries in any language; the bot's own texts in English or Chinese."""
    if not text.strip():
        return Reply(t(chat.language, "lang_usage", current=escape(display_name(chat.language))),
                     choices("lang", COMMON_LANGUAGES, labels=[own_name(code) for code in COMMON_LANGUAGES]))
    choice = resolve(text[:60])
    if choice is None:
        return Reply(t(chat.language, "lang_unknown", text=escape(text[:60])))
    context.services.store.update_chat(chat.chat_id, language=choice)
    if choice in INTERFACE_LANGUAGES or has_catalog(choice):
        return Reply(t(choice, "lang_set") if choice in INTERFACE_LANGUAGES
                     else t(choice, "lang_set_other", name=escape(display_name(choice))))
    translating = context.services.catalogs.request(choice)
    return Reply(t(choice, "lang_set_translating" if translating else "lang_set_other",
                   name=escape(display_name(choice))))


_SWITCHES = {"replacements": "replacements", "crosslists": "crosslists", "quiet": "quiet_note"}


async def settings(context: Context, chat: ChatSettings, text: str) -> Reply:
    lang = chat.language
    store = context.services.store
    parts = text.split()
    if not parts:
        def on(flag: bool) -> str:
            return "on" if flag else "off"

        return Reply(t(lang, "settings", mode=chat.mode, replacements=on(chat.replacements),
                       crosslists=on(chat.crosslists), quiet=on(chat.quiet_note),
                       group_cards="here" if chat.group_cards_here else "private", figures=chat.figure_policy,
                       cards=chat.cards or context.services.config.card_style,
                       popularity=chat.popularity or "low",
                       schedule=chat.schedule.replace(":", " ") or "daily",
                       archives=chat.archives or ",".join(context.services.config.discovery_archives),
                       language=lang, time=chat.digest_time, zone=chat.timezone))
    name, value = parts[0].lower(), (parts[1].lower() if len(parts) > 1 else "")
    if name == "mode" and value in ("overview", "full"):
        store.update_chat(chat.chat_id, mode=value)
    elif name in _SWITCHES and value in ("on", "off"):
        store.update_chat(chat.chat_id, **{_SWITCHES[name]: value == "on"})
    elif name == "group_cards" and value in ("here", "private") and chat.type in ("group", "supergroup"):
        store.update_chat(chat.chat_id, group_cards_here=value == "here")
    elif name == "figures" and value in POLICIES:
        store.update_chat(chat.chat_id, figures=value)
    elif name == "schedule" and value in ("daily", "weekly"):
        day = (parts[2].lower()[:3] if len(parts) > 2 else "mon") if value == "weekly" else ""
        if value == "weekly" and day not in WEEKDAYS:
            return Reply(t(lang, "settings_bad"))
        store.update_chat(chat.chat_id, schedule=f"weekly:{day}" if day else "")
        value = f"weekly {day}" if day else value
    elif name == "popularity" and value in POPULARITY:
        store.update_chat(chat.chat_id, popularity=value)
    elif name == "cards" and value in CARD_STYLES:
        store.update_chat(chat.chat_id, cards=value, rich_refused_at="")
    elif name == "archives" and value and all(a in ARCHIVES for a in value.split(",")):
        store.update_chat(chat.chat_id, archives=value)
    else:
        return Reply(t(lang, "settings_bad"))
    return Reply(t(lang, "settings_set", name=name, value=escape(value)))


async def digest(context: Context, chat: ChatSettings, _: str = "") -> Reply:
    """The digest now: read this chat's feeds, queue what is new for it, send."""
    lang = chat.language
    services = context.services
    if not services.store.topics(chat.chat_id):
        return Reply(t(lang, "topics_none"))
    await services.digests.poll(services.digests.feeds_of(chat))
    try:
        count = await services.digests.plan(chat, scheduled=False)
    except ArxivUnavailable:
        return Reply(t(lang, "arxiv_down", id="…"))
    if count:  # sent to its end now, paced, while the reply says so (nothing waits for the next tick)
        sending = asyncio.create_task(services.outbox.drain(digest_sender(context.bot, services.config.paid_broadcast),
                                                            only=chat.chat_id))
        services.tasks.add(sending)
        sending.add_done_callback(services.tasks.discard)
    return Reply(t(lang, "digest_queued", count=count) if count else t(lang, "digest_nothing"))


async def like(context: Context, chat: ChatSettings, text: str) -> Reply:
    """`/like <IDs or links>`: seed the chat's taste with papers it already knows it likes."""
    lang = chat.language
    refs = find_papers(text)
    if not refs:
        return Reply(t(lang, "like_none" if text else "like_usage"))
    services = context.services
    try:
        report = await services.feedback.like_library(chat.chat_id, refs, [], "like", services.papers.lookup)
    except ArxivUnavailable:
        return Reply(t(lang, "arxiv_down", id="…"))
    if not report.arxiv:
        return Reply(t(lang, "like_none"))
    done = t(lang, "like_done", count=report.arxiv, known=report.arxiv, total=min(len(refs), MAX_LIKED_IDS))
    if len(refs) > MAX_LIKED_IDS:  # said, not dropped in silence
        done += "\n" + t(lang, "like_limit", limit=MAX_LIKED_IDS, rest=len(refs) - MAX_LIKED_IDS)
    return Reply(done)


async def usage(context: Context, chat: ChatSettings, _: str = "") -> Reply:
    """`/usage`: today's LLM calls against the budget, the cache's share, the model in use."""
    services = context.services
    calls, hits = services.store.llm_usage(utcnow().date().isoformat())
    budget = services.papers.llm_budget
    rate = f"{100 * hits / (calls + hits):.0f}%" if calls + hits else "—"
    provider = services.config.llm_name
    return Reply(t(chat.language, "usage", calls=calls, budget=budget or t(chat.language, "usage_no_limit"),
                   hits=hits, rate=rate, provider=escape(provider)))


ACTIONS: dict[str, tuple[Action, bool]] = {
    # name: (action, changes the chat: admins only in groups and channels)
    "subscribe": (subscribe, True),
    "unsubscribe": (unsubscribe, True),
    "topics": (topics, False),
    "time": (set_time, True),
    "pause": (pause, True),
    "resume": (resume, True),
    "settings": (settings, True),
    "lang": (set_language, True),
    "digest": (digest, False),
    "like": (like, False),  # a group's taste is every member's: anyone may teach it, as with 👍
    "usage": (usage, True),  # the bot's costs: for a group's admins
}
