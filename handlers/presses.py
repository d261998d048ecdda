"""Button presses before any feature sees them: the same press repeated within a few seconds is one action, and
a user pressing faster than a person reads is slowed down alone — everyone else's buttons answer as usual."""

from __future__ import annotations

import time
from collections import deque

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from handlers.common.chat import settings_for
from handlers.common.context import Context
from services.i18n import t

REPEAT_SECONDS = 2.0
"""The same button of the same message pressed again within this is the same action (a double tap, a lag)."""
BURST = 8
BURST_SECONDS = 2.0
"""More presses than BURST by one user within BURST_SECONDS: the rest are answered, not acted on."""
REMEMBERED = 20_000


async def guard(update: Update, context: Context) -> None:
    query = update.callback_query
    if query is None or query.from_user is None:
        return
    now = time.monotonic()
    data = context.bot_data
    seen: dict[tuple[int, int, int, str], float] = data.setdefault("presses_seen", {})
    recent: dict[int, deque[float]] = data.setdefault("presses_recent", {})
    message = query.message
    key = (query.from_user.id, message.chat.id if message else 0, message.message_id if message else 0,
           query.data or "")
    if now - seen.get(key, -REPEAT_SECONDS) < REPEAT_SECONDS:
        await query.answer()  # answered (it would spin), not done twice
        raise ApplicationHandlerStop
    times = recent.setdefault(query.from_user.id, deque(maxlen=BURST))
    if len(times) == BURST and now - times[0] < BURST_SECONDS:
        await query.answer(t(settings_for(update, context).language, "presses_too_fast"))
        raise ApplicationHandlerStop
    times.append(now)
    seen[key] = now
    if len(seen) > REMEMBERED:  # bounded: what is older than a repeat goes
        for old in [k for k, at in seen.items() if now - at >= REPEAT_SECONDS]:
            del seen[old]
    if len(recent) > REMEMBERED:
        recent.clear()
