"""Per-key concurrency limits (e.g. at most 2 papers at once per chat) that forget idle keys."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class KeyedLimiter:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._slots: dict[object, asyncio.Semaphore] = {}
        self._users: dict[object, int] = {}

    def busy(self, key: object) -> bool:
        """True when a new job for `key` would have to wait."""
        semaphore = self._slots.get(key)
        return semaphore is not None and semaphore.locked()

    @asynccontextmanager
    async def slot(self, key: object) -> AsyncIterator[None]:
        semaphore = self._slots.setdefault(key, asyncio.Semaphore(self.limit))
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with semaphore:
                yield
        finally:
            self._users[key] -= 1
            if not self._users[key]:
                del self._users[key], self._slots[key]
