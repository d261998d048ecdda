"""Sending queued digest messages: recorded before and after each send, paced within Telegram's limits.

Each message is marked `sending` before its request and `sent` after, so a crash leaves at most the messages in
flight (`SEND_CONCURRENCY`, never two of one chat) unconfirmed — Telegram has no idempotency key: they are sent
again on restart, nothing else is. Pacing is the
shared `Pacer`'s (services/pacing.py): the outbox serves the chat that is ready first, so a group waiting for its
minute, or a chat paused by a 429, never holds up the others. A drain stops at a message boundary when the bot
is shutting down; what is left goes out after the restart.
"""

from __future__ import annotations

import asyncio
import heapq
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import timedelta

from services.arxiv.licences import Licence
from services.cards.figure_captions import figure_groups, figure_terms
from services.delivery.pacing import Pacer
from services.delivery.port import ChatGone, ChatMoved, RichNotTaken, Sender, SendFailed
from services.models import OutboxMessage, PaperMeta, QueuedMessage
from services.pdf.extractor import EXTRACTOR_VERSION, MAX_FIGURES
from services.store import Store, utcnow

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


SEND_CONCURRENCY = 8
"""Messages in flight at once: on a 100–150 ms round trip to the Bot API, 8 keep Telegram's 30/s busy."""


class Outbox:
    def __init__(self, store: Store, pacer: Pacer | None = None, concurrency: int = SEND_CONCURRENCY,
                 licence: Callable[[PaperMeta], Awaitable[Licence]] | None = None, card_style: str = "classic") -> None:
        self._store = store
        self._card_style = card_style
        """The bot's default (CARD_STYLE): a digest's lists go as rich messages where a chat takes them."""
        self._licence = licence
        """A paper's licence, asked before a chat that republishes only what licences allow gets its figures."""
        self._pacer = pacer or Pacer()
        self._concurrency = max(1, concurrency)
        self._serving: set[int] = set()
        """Chats a drain is sending to right now: another drain leaves them alone (their order is kept)."""
        self._stopping = False
        self._moved: dict[int, int] = {}
        """Chats that moved (a group upgraded to a supergroup) while being sent to: a drain for one follows it."""

    def stop(self) -> None:
        """Shutting down: drains start no new message and return when those in flight are done."""
        self._stopping = True

    async def drain(self, sender: Sender, wait: bool = True, only: int | None = None) -> int:
        """Send what is pending (of chat `only`, when given); returns how many messages went out.

        Up to `concurrency` messages are in flight at once, never two of one chat (each chat's messages keep
        their order). With `wait` the drain also waits for chats that must wait (a group's minute, a 429), else
        it sends only what may go now. Several drains may run at once (the scheduler, a /digest): each serves
        other chats. A reader's own request (/digest, "Show N more") drains that chat alone, paced, to its end:
        nothing of it is left for the next tick, and no other chat's wait holds it up.
        """
        sent = 0
        while not self._stopping:
            only = self._moved.get(only, only) if only is not None else None  # a group became a supergroup
            rows = [r for r in self._store.pending_outbox(utcnow()) if r[1] not in self._serving
                    and (only is None or r[1] == only)]
            if not rows:
                return sent
            progressed = await self._send_round(sender, rows, wait)
            sent += progressed
            if not progressed:
                return sent
        return sent

    async def _send_round(self, sender: Sender, rows: list[tuple[int, int]], wait: bool) -> int:
        queues: dict[int, deque[int]] = {}
        for row_id, chat_id in rows:
            queues.setdefault(chat_id, deque()).append(row_id)
        self._serving |= set(queues)
        ready: list[tuple[float, int, int]] = [(self._pacer.ready_at(c), q[0], c) for c, q in queues.items()]
        heapq.heapify(ready)  # the next chat to serve in O(log n): by the time it may send, then queue order
        flying: dict[asyncio.Task[tuple[str, int, list[int]]], int] = {}
        sent = 0
        try:
            while ready or flying:
                starting: list[tuple[int, int]] = []
                while ready and len(flying) + len(starting) < self._concurrency and not self._stopping:
                    at, first, chat_id = ready[0]
                    current = self._pacer.ready_at(chat_id)
                    if current > at:  # paused or counted since it was queued: back in line at its new time
                        heapq.heapreplace(ready, (current, first, chat_id))
                        continue
                    if at > time.monotonic():
                        break
                    heapq.heappop(ready)
                    starting.append((queues[chat_id].popleft(), chat_id))
                if starting:  # marked `sending` in one transaction, before any of their requests
                    started = self._store.start_sending([row_id for row_id, _ in starting])
                    for row_id, chat_id in starting:
                        if row_id in started:
                            flying[asyncio.ensure_future(self._send(sender, started[row_id]))] = chat_id
                        else:  # another drain sent it meanwhile
                            self._serving.discard(chat_id)
                if not flying:
                    if self._stopping or not ready or not wait:
                        break
                    await asyncio.sleep(max(0.0, ready[0][0] - time.monotonic()))
                    continue
                timeout = max(0.0, ready[0][0] - time.monotonic()) if ready and len(flying) < self._concurrency \
                    else None
                done, _ = await asyncio.wait(flying, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
                # what went out is marked in one transaction, before anything else is awaited
                self._store.mark_sent([(row_id, ids) for outcome, row_id, ids in (t.result() for t in done)
                                       if outcome == "sent"])
                for task in done:
                    chat_id = flying.pop(task)
                    outcome, _, _ = task.result()
                    sent += outcome == "sent"
                    if outcome == "sent" and queues[chat_id] and not self._stopping:
                        heapq.heappush(ready, (self._pacer.ready_at(chat_id), queues[chat_id][0], chat_id))
                    else:  # done, or failed: a failed chat waits for its retry, its later messages keep their order
                        self._serving.discard(chat_id)
        finally:
            for task in flying:
                task.cancel()
            self._serving -= set(queues)
        return sent

    async def _send(self, sender: Sender, row: QueuedMessage) -> tuple[str, int, list[int]]:
        """One message (already marked `sending`): (outcome, its id, Telegram's message ids when sent)."""
        chat_id, row_id = row.chat_id, row.id
        try:
            ids = await self._deliver(sender, chat_id, row.message)
        except ChatMoved as moved:
            log.info("chat %s moved to %s", chat_id, moved.new_chat_id)
            self._store.migrate_chat(chat_id, moved.new_chat_id)
            self._moved[chat_id] = moved.new_chat_id
            self._store.mark_outbox(row_id, "pending")
            return "moved", row_id, []
        except ChatGone:
            log.info("chat %s blocked or removed the bot: deliveries stop, subscriptions stay", chat_id)
            self._store.hold_chat(chat_id)
            return "gone", row_id, []
        except Exception as error:
            attempts = row.attempts + 1
            retry_after = error.retry_after if isinstance(error, SendFailed) else 0.0
            if attempts >= MAX_ATTEMPTS:
                log.error("giving up on message %s to chat %s after %s attempts: %s", row_id, chat_id,
                          attempts, error)
                self._store.mark_outbox(row_id, "failed", attempts=attempts)
                return "failed", row_id, []
            delay = max(retry_after, 5.0 * 2 ** (attempts - 1))
            log.warning("message %s to chat %s failed (%s); retrying in %.0fs", row_id, chat_id, error, delay)
            self._store.mark_outbox(row_id, "pending", attempts=attempts,
                                    not_before=(utcnow() + timedelta(seconds=delay)).isoformat())
            return "retry", row_id, []
        return "sent", row_id, ids

    async def _deliver(self, sender: Sender, chat_id: int, message: OutboxMessage) -> list[int]:
        if message.kind == "photos":
            base_id, _, version = message.paper.rpartition("v")
            paper = self._store.get_paper(base_id, int(version), max_age=timedelta(days=3650))
            chat = self._store.get_chat(chat_id)
            figures = self._store.get_figures(paper, EXTRACTOR_VERSION) if paper else None
            if not paper or not figures:
                return []
            lang = chat.language if chat else "en"
            credit = ""
            if chat is not None and chat.figure_policy != "all":  # a channel republishes: the licence decides
                licence = await self._licence(paper) if self._licence is not None else Licence("")
                allowed, credit = figure_terms(licence, chat.figure_policy, paper, lang)
                if not allowed:
                    return await sender.text(chat_id, credit, [])
            ids = []
            for group, captions in figure_groups(figures[:MAX_FIGURES], lang, paper, credit=credit):
                sent = await sender.photos(chat_id, group, captions)
                self._store.record_figure_messages(chat_id, paper, sent, group)  # a reply to one asks about it
                ids += sent
            return ids
        buttons = [list(row) for row in message.buttons]
        if message.overview is not None:
            chat = self._store.get_chat(chat_id)
            if chat is not None and chat.rich_cards(self._card_style, utcnow()):
                try:
                    return await sender.overview(chat_id, message.overview)
                except RichNotTaken as refused:
                    log.warning("chat %s: the server refused a rich digest (%s): classic for a day", chat_id, refused)
                    self._store.update_chat(chat_id, rich_refused_at=utcnow().isoformat())
        return await sender.text(chat_id, message.text, buttons)
