"""Every Bot API request passes here: paced per chat by the shared `Pacer`, 429s pause only their chat,
a group that became a supergroup is followed, a chat that blocked the bot is not asked again.

PTB's AIORateLimiter stops *all* requests on any 429 and counts no album photo; this one keeps the chats apart.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Hashable
from datetime import timedelta
from typing import Any

from telegram.error import ChatMigrated, Forbidden, RetryAfter
from telegram.ext import BaseRateLimiter

from handlers.common import held
from services.delivery.pacing import Pacer

log = logging.getLogger(__name__)

RETRIES = 3
"""For replies and cards: retried after Telegram's `retry_after`. The outbox asks for none (it moves on)."""


def message_count(endpoint: str, data: dict[str, Any]) -> int:
    """How many messages a request delivers: an album is one message per photo; edits and actions none."""
    if endpoint == "sendMediaGroup":
        return max(1, len(data.get("media") or []))
    if endpoint.endswith("Draft"):  # a preview of a message to come, not a message
        return 0
    if (endpoint.startswith("send") and endpoint != "sendChatAction") or endpoint in ("copyMessage", "forwardMessage"):
        return 1
    return 0


def _chat_key(data: dict[str, Any]) -> Hashable | None:
    chat = data.get("chat_id")
    if chat is None:
        return None
    text = str(chat)
    return int(text) if text.lstrip("-").isdigit() else text.lower()


class ChatRateLimiter(BaseRateLimiter[dict[str, Any]]):
    def __init__(self, pacer: Pacer, *, on_moved: Callable[[int, int], None] = lambda old, new: None,
                 on_gone: Callable[[int], None] = lambda chat: None, retries: int = RETRIES) -> None:
        self._pacer = pacer
        self._on_moved = on_moved
        self._on_gone = on_gone
        self._retries = retries
        self._gone: set[Hashable] = set()

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    def revive(self, chat_id: int) -> None:
        """The chat is back (the user wrote again, the bot was added again): requests go to it again."""
        self._gone.discard(chat_id)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: dict[str, Any] | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        retries = (rate_limit_args or {}).get("retries", self._retries)
        count = message_count(endpoint, data)
        if count or endpoint.startswith(("edit", "answer")):
            held.saying()
        attempt = 0
        moved = False
        while True:
            chat = _chat_key(data)
            if chat is not None and chat in self._gone:
                raise Forbidden("Forbidden: the chat blocked or removed the bot")
            if chat is not None and count:
                await self._pacer.wait_turn(chat, count)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                seconds = error.retry_after.total_seconds() if isinstance(error.retry_after, timedelta) \
                    else float(error.retry_after)
                if chat is not None:
                    self._pacer.pause(chat, seconds)
                if attempt >= retries:
                    raise
                attempt += 1
                log.info("429 for chat %s on %s: that chat waits %.0fs", chat, endpoint, seconds)
                if chat is None:  # nothing to pause: wait here
                    await asyncio.sleep(seconds)
            except ChatMigrated as error:
                if moved or not isinstance(chat, int):
                    raise
                moved = True
                log.info("chat %s is now supergroup %s: %s goes there", chat, error.new_chat_id, endpoint)
                self._on_moved(chat, error.new_chat_id)
                data["chat_id"] = error.new_chat_id
            except Forbidden:
                if isinstance(chat, int) and (count or endpoint.startswith("edit")):
                    self._gone.add(chat)
                    self._on_gone(chat)
                raise
