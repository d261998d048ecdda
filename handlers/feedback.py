"""👍 and 👎: a chat's ratings teach its taste model."""

from __future__ import annotations

from telegram import (
    Update,
)

from handlers.common.card_keyboard import show_state
from handlers.common.chat import settings_for
from handlers.common.context import Context
from services import callback_data
from services.i18n import t
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
    await query.answer(t(chat.language, "rated_like" if vote > 0 else "rated_dislike", likes=likes,
                         dislikes=dislikes))
    await show_state(context, query, chat.language)
