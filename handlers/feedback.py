"""👍 and 👎: a chat's ratings teach its taste model."""

from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.error import TelegramError

from handlers.common.card_keyboard import show_state
from handlers.common.chat import settings_for
from handlers.common.context import Context
from handlers.common.permissions import changing
from handlers.common.quiet import tell_member
from services import callback_data
from services.i18n import t
from services.models import ChatSettings
from services.ranking.feedback import NotReceived


async def rate_button(update: Update, context: Context) -> None:
    """👍 or 👎 under a card or a digest entry. The chat is the message's, never the button data's: a forged
    button can rate only papers this very chat received."""
    query = update.callback_query
    assert query is not None and query.data is not None
    chat = settings_for(update, context)
    sign, base_id = callback_data.RATE.fields(query.data)
    vote = 1 if sign == "+" else -1
    try:
        likes, dislikes = context.services.feedback.rate(chat.chat_id, base_id, vote)
    except NotReceived:
        await query.answer(t(chat.language, "rate_refused"), show_alert=True)
        return
    said = t(chat.language, "rated_like" if vote > 0 else "rated_dislike", likes=likes, dislikes=dislikes)
    offer = _stop_offer(context, chat, base_id) if vote < 0 else None
    if offer is not None and chat.type in (ChatType.GROUP, ChatType.SUPERGROUP):
        await tell_member(update, context, f"{html.escape(said, quote=False)}\n\n{offer[0]}", offer[1])
    else:
        await query.answer(said)
        if offer is not None:
            await context.bot.send_message(chat.chat_id, offer[0], reply_markup=offer[1])
    await show_state(context, query, chat.language)


def _stop_offer(context: Context, chat: ChatSettings, base_id: str) -> tuple[str, InlineKeyboardMarkup] | None:
    """A paper this chat received only by another name of its topic ("RL" for reinforcement learning), or that
    the LLM added in other words: the reader who 👎 it may stop matching by that name, or keep to the words."""
    store = context.services.store
    matched = store.matched_name(chat.chat_id, base_id)
    if matched is None:
        return None
    topic = next((tp for _, tp in store.topics(chat.chat_id) if tp.query == matched.query), None)
    if topic is None or matched.name in topic.never or (not matched.name and topic.words_only):
        return None
    lang, shown = chat.language, html.escape(topic.text, quote=False)
    if not matched.name:
        text = t(lang, "stop_checked_offer", topic=shown)
        label = t(lang, "stop_checked_button")
    else:
        text = t(lang, "stop_name_offer", topic=shown, name=html.escape(matched.name, quote=False))
        label = t(lang, "stop_name_button", name=matched.name[:30])
    button = InlineKeyboardButton(label, callback_data=callback_data.STOP_NAME.build(matched.id))
    return text, InlineKeyboardMarkup([[button]])


async def stop_name_button(update: Update, context: Context) -> None:
    """🚫 after a 👎: the topic no longer matches by that other name (for whoever may change the chat's topics)."""
    press = await changing(update, context, callback_data.STOP_NAME)
    if press is None:
        return
    chat, store = press.chat, context.services.store
    matched = store.matched_name(chat.chat_id, row_id=int(press.fields[0]))  # the chat's own: forged data is vain
    found = next(((sid, tp) for sid, tp in store.topics(chat.chat_id) if matched and tp.query == matched.query), None)
    if matched is None or found is None:
        await tell_member(update, context, t(chat.language, "stop_name_gone"))
        return
    sid, topic = found
    if not matched.name:  # the LLM's addition in other words: the topic keeps to its words from now on
        store.keep_to_words(chat.chat_id, sid)
        done = t(chat.language, "stop_checked_done", topic=html.escape(topic.text, quote=False))
    else:
        topic = topic.without_name(matched.name)
        store.name_topic(chat.chat_id, sid, topic.also, topic.never)
        done = t(chat.language, "stop_name_done", name=html.escape(matched.name, quote=False),
                 topic=html.escape(topic.text, quote=False))
    try:
        await press.query.edit_message_text(done)
        await press.query.answer()
    except TelegramError:  # an ephemeral offer (a group) is not edited this way: said to the member instead
        await tell_member(update, context, done)
