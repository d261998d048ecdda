"""A reply that grows while the model writes it (Bot API drafts, private chats only): the card's header from
arXiv at once, then its fields as the LLM writes them; the finished message replaces the draft.

Drafts are previews that live 30 seconds: one is re-sent while nothing new came (a slow PDF), at most one
request is in flight, and a newer state replaces one not yet sent (a fast model does not queue requests).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import Callable

from telegram.error import TelegramError

from handlers.common.botapi import RichRefused, send_rich_draft, send_text_draft
from handlers.common.context import Context
from handlers.common.rich import RichMessage

log = logging.getLogger(__name__)

PACE_SECONDS = 0.4
"""At most one draft this often (a model writes faster than a reader reads)."""
KEEP_ALIVE_SECONDS = 20.0
"""A draft disappears after 30 s: the last one is sent again after this long without news."""

_ids = itertools.count(1)


def draft_id() -> int:
    """Non-zero, and new for each reply (changes to one draft are animated; a new one starts afresh)."""
    return next(_ids)


Render = Callable[[bool], "RichMessage | str"]
"""Draws a reply as far as it is written: a rich message (True) or HTML (False)."""


class Drafts:
    """The drafts of one reply in one private chat: `show` a newer state, `close` when the message is sent."""

    def __init__(self, context: Context, chat_id: int, rich: bool, can_stop: bool = False) -> None:
        self._context = context
        self._chat_id = chat_id
        self._rich = rich
        self._can_stop = can_stop
        self.id = draft_id()
        self._latest: Render | None = None
        self._news = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closed = False

    def show(self, render: Render) -> None:
        """The reply as far as it is written, drawn when its draft goes (a newer state replaces one not yet
        drawn): `render(True)` a rich message where the chat takes them, `render(False)` HTML."""
        if self._closed:
            return
        self._latest = render
        self._news.set()
        if self._task is None:
            self._task = asyncio.create_task(self._run())

    async def close(self) -> None:
        self._closed = True  # also when the cancel is lost (3.11's wait_for may swallow one at a timeout's edge)
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def _run(self) -> None:
        while not self._closed:
            with contextlib.suppress(TimeoutError):  # nothing new: the same draft again, before it disappears
                async with asyncio.timeout(KEEP_ALIVE_SECONDS):
                    await self._news.wait()
            self._news.clear()
            if self._closed:
                return
            content = self._latest
            if content is None:
                continue
            try:
                await self._send(content)
            except TelegramError as error:  # drafts are a courtesy: the message itself will come
                log.info("chat %s: drafts stopped (%s)", self._chat_id, error)
                return
            await asyncio.sleep(PACE_SECONDS)

    async def _send(self, render: Render) -> None:
        bot = self._context.bot
        if self._rich:
            rich = render(True)
            if isinstance(rich, RichMessage):
                try:
                    await send_rich_draft(bot, self._chat_id, self.id, rich, self._can_stop)
                    return
                except RichRefused:
                    self._rich = False
                    log.info("chat %s: no rich drafts on this server: text drafts", self._chat_id)
        html = render(False)
        await send_text_draft(bot, self._chat_id, self.id, html if isinstance(html, str) else "", self._can_stop)
