"""When the next message to a chat may go: Telegram's limits, kept by us, per chat.

Telegram allows about 30 messages a second overall and 20 a minute in one group (an album counts each photo).
Every message the bot sends is counted here — replies, cards, albums and digests alike (the Telegram adapter's
rate limiter calls `wait_turn` for each request) — and the outbox asks `ready_at` to serve a chat that need not
wait. A 429 pauses only the chat it was about, unless several chats get one at once: then the bot as a whole was
too fast and everything pauses.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable, Hashable

GLOBAL_PER_SECOND = 30
PAID_PER_SECOND = 1000
"""With `allow_paid_broadcast` (PAID_BROADCAST=on) Telegram allows up to 1,000 messages a second, paid in Stars."""
GROUP_PER_MINUTE = 20
WINDOW = 60.0
FLOOD_CHATS = 3
"""This many chats answered 429 within `FLOOD_WINDOW` seconds means the whole bot is over its limit."""
FLOOD_WINDOW = 1.0


def is_group(chat_id: Hashable) -> bool:
    """Groups, supergroups and channels have negative ids (or @usernames); a minute's limit applies to them."""
    return isinstance(chat_id, str) or (isinstance(chat_id, int) and chat_id < 0)


class Pacer:
    def __init__(self, per_second: float = GLOBAL_PER_SECOND, group_per_minute: int = GROUP_PER_MINUTE,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._spacing = 1.0 / per_second
        self._group_limit = group_per_minute
        self._clock = clock
        self._next_global = 0.0
        self._group_sends: dict[Hashable, deque[float]] = {}
        self._paused: dict[Hashable, float] = {}
        self._paused_all = 0.0
        self._recent_429: deque[tuple[float, Hashable]] = deque()

    def set_rate(self, per_second: float) -> None:
        self._spacing = 1.0 / per_second

    def ready_at(self, chat_id: Hashable, count: int = 1) -> float:
        """The monotonic time at which `count` messages to the chat may start."""
        at = max(self._next_global, self._paused_all, self._paused.get(chat_id, 0.0))
        sends = self._group_sends.get(chat_id)
        if sends is not None and is_group(chat_id):
            count = min(count, self._group_limit)
            cutoff = self._clock() - WINDOW
            while sends and sends[0] <= cutoff:
                sends.popleft()
            excess = len(sends) + count - self._group_limit
            if excess > 0:
                at = max(at, sends[excess - 1] + WINDOW)
        return at

    def take(self, chat_id: Hashable, count: int = 1) -> None:
        """`count` messages to the chat start now (spacing counts from the start: latency is not added)."""
        now = self._clock()
        self._next_global = max(now, self._next_global) + self._spacing * count
        if is_group(chat_id):
            sends = self._group_sends.setdefault(chat_id, deque())
            sends.extend([now] * count)
            while len(sends) > self._group_limit:
                sends.popleft()
        if len(self._group_sends) > 10_000:  # bounded: forget groups quiet for a minute
            cutoff = now - WINDOW
            self._group_sends = {k: v for k, v in self._group_sends.items() if v and v[-1] > cutoff}

    async def wait_turn(self, chat_id: Hashable, count: int = 1) -> None:
        """Sleep until the chat's messages may go, then count them. Waiting for one chat delays no other."""
        while (delay := self.ready_at(chat_id, count) - self._clock()) > 0:
            await asyncio.sleep(delay)
        self.take(chat_id, count)

    def pause(self, chat_id: Hashable, seconds: float) -> None:
        """Telegram answered 429 for this chat: it waits; if several chats were told so at once, all wait."""
        now = self._clock()
        until = now + seconds
        self._paused[chat_id] = max(self._paused.get(chat_id, 0.0), until)
        self._recent_429.append((now, chat_id))
        while self._recent_429 and self._recent_429[0][0] < now - FLOOD_WINDOW:
            self._recent_429.popleft()
        if len({chat for _, chat in self._recent_429}) >= FLOOD_CHATS:
            self._paused_all = max(self._paused_all, until)
        if len(self._paused) > 10_000:
            self._paused = {k: v for k, v in self._paused.items() if v > now}
