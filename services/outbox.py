"""Sending queued digest messages: recorded before and after each send, paced within Telegram's limits.

Messages go one at a time, so a crash can leave at most the one message in flight unconfirmed (Telegram has
no idempotency key): it is sent again on restart, nothing else is. Pacing is ours — 30 messages a second
overall, 20 a minute per group — and a group waiting for its minute never holds up the other chats: the next
ready chat goes first. PTB's AIORateLimiter still honours any `retry_after` Telegram answers.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import deque
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from services.card import figure_caption
from services.figures import EXTRACTOR_VERSION, MAX_FIGURES
from services.sending import Button, ChatGone, ChatMoved, Sender, SendFailed
from services.store import Store, utcnow

log = logging.getLogger(__name__)

GLOBAL_PER_SECOND = 30
GROUP_PER_MINUTE = 20
MAX_ATTEMPTS = 5


class Pacer:
    """When the next message to a chat may go: a global spacing plus a sliding minute per group."""

    def __init__(self, per_second: float = GLOBAL_PER_SECOND, group_per_minute: int = GROUP_PER_MINUTE,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._spacing = 1.0 / per_second
        self._group_limit = group_per_minute
        self._clock = clock
        self._next_global = 0.0
        self._group_sends: dict[int, deque[float]] = {}

    def ready_at(self, chat_id: int, is_group: bool) -> float:
        at = self._next_global
        sends = self._group_sends.get(chat_id)
        if is_group and sends and len(sends) >= self._group_limit:
            at = max(at, sends[0] + 60.0)
        return at

    def take(self, chat_id: int, is_group: bool) -> None:
        """A message to `chat_id` starts now: spacing counts from the start, so latency is not added."""
        now = self._clock()
        self._next_global = max(now, self._next_global) + self._spacing
        if is_group:
            sends = self._group_sends.setdefault(chat_id, deque())
            sends.append(now)
            while sends and sends[0] < now - 60.0:
                sends.popleft()
            if len(sends) > self._group_limit:
                sends.popleft()


class Outbox:
    def __init__(self, store: Store, pacer: Pacer | None = None) -> None:
        self._store = store
        self._pacer = pacer or Pacer()
        self._lock = asyncio.Lock()

    async def drain(self, sender: Sender) -> int:
        """Send everything pending now; returns how many messages went out. One drain at a time."""
        async with self._lock:
            sent = 0
            while True:
                rows = self._store.pending_outbox(utcnow())
                if not rows:
                    return sent
                progressed = await self._send_round(sender, rows)
                sent += progressed
                if not progressed:
                    return sent

    async def _send_round(self, sender: Sender, rows: list[dict[str, Any]]) -> int:
        queues: dict[int, deque[dict[str, Any]]] = {}
        for row in rows:
            queues.setdefault(row["chat_id"], deque()).append(row)
        groups = {chat_id for chat_id in queues if self._is_group(chat_id)}
        sent = 0
        while queues:
            now = time.monotonic()
            chat_id = min(queues, key=lambda c: (self._pacer.ready_at(c, c in groups), queues[c][0]["id"]))
            wait = self._pacer.ready_at(chat_id, chat_id in groups) - now
            if wait > 0:
                await asyncio.sleep(wait)
            row = queues[chat_id].popleft()
            outcome = await self._send(sender, row, chat_id in groups)
            if outcome == "sent":
                sent += 1
            if outcome != "sent" or not queues[chat_id]:
                del queues[chat_id]  # a chat that failed waits for its retry; later messages keep their order
        return sent

    def _is_group(self, chat_id: int) -> bool:
        chat = self._store.get_chat(chat_id)
        return chat is not None and chat.type in ("group", "supergroup")

    async def _send(self, sender: Sender, row: dict[str, Any], is_group: bool) -> str:
        chat_id = row["chat_id"]
        self._store.mark_outbox(row["id"], "sending")
        self._pacer.take(chat_id, is_group)
        try:
            ids = await self._deliver(sender, chat_id, row)
        except ChatMoved as moved:
            log.info("chat %s moved to %s", chat_id, moved.new_chat_id)
            self._store.migrate_chat(chat_id, moved.new_chat_id)
            self._store.mark_outbox(row["id"], "pending")
            return "moved"
        except ChatGone:
            log.info("chat %s blocked or removed the bot: deliveries stop, subscriptions stay", chat_id)
            self._store.hold_chat(chat_id)
            return "gone"
        except Exception as error:
            attempts = (row.get("attempts") or 0) + 1
            retry_after = error.retry_after if isinstance(error, SendFailed) else 0.0
            if attempts >= MAX_ATTEMPTS:
                log.error("giving up on message %s to chat %s after %s attempts: %s", row["id"], chat_id,
                          attempts, error)
                self._store.mark_outbox(row["id"], "failed", attempts=attempts)
                return "failed"
            delay = max(retry_after, 5.0 * 2 ** (attempts - 1))
            log.warning("message %s to chat %s failed (%s); retrying in %.0fs", row["id"], chat_id, error, delay)
            self._store.mark_outbox(row["id"], "pending", attempts=attempts,
                                    not_before=(utcnow() + timedelta(seconds=delay)).isoformat())
            return "retry"
        self._store.mark_outbox(row["id"], "sent", message_ids=json.dumps(ids))
        return "sent"

    async def _deliver(self, sender: Sender, chat_id: int, row: dict[str, Any]) -> list[int]:
        if row["kind"] == "photos":
            base_id, _, version = row["text"].rpartition("v")
            paper = self._store.get_paper(base_id, int(version), max_age=timedelta(days=3650))
            chat = self._store.get_chat(chat_id)
            figures = self._store.get_figures(paper, EXTRACTOR_VERSION) if paper else None
            if not paper or not figures:
                return []
            lang = chat.language if chat else "en"
            figures = figures[:MAX_FIGURES]
            return await sender.photos(chat_id, figures, [figure_caption(f, lang, paper) for f in figures])
        buttons = [[Button(b["text"], b.get("data", ""), b.get("url", "")) for b in line]
                   for line in json.loads(row["buttons"] or "[]")]
        return await sender.text(chat_id, row["text"], buttons)
