"""Messages that found the database locked by another process (a backup, `sqlite3` by hand) before the bot said
anything in answer: held and handled again once the lock is gone, instead of refused.

A write waits only briefly for the lock (`BUSY_TIMEOUT_MS`: it waits on the event loop, so every chat would wait
with it); the message is then held off the loop, the reader told once, and the update run again as soon as the
database takes writes — at most `ATTEMPTS` times within `HOLD_SECONDS`. A message whose handler had already
answered something is not run again (it would answer twice): it gets the "try again" apology, as buttons do.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from contextvars import ContextVar
from typing import Any

from telegram import Update
from telegram.ext import Application

from services.bootstrap import Services

log = logging.getLogger(__name__)

ATTEMPTS = 3
HOLD_SECONDS = 60.0
"""How long a held message waits for the lock to go, in all, before the reader is asked to try again."""
POLL_SECONDS = 0.5

_said: ContextVar[list[int] | None] = ContextVar("said", default=None)
"""Requests sent to Telegram while handling this update (its task, and tasks it started, share the counter)."""
_attempts: OrderedDict[int, tuple[int, float]] = OrderedDict()
"""Update ID → (times it met the lock, when it first did)."""
_REMEMBERED = 1000


def begin() -> None:
    """Called first for every update (each runs in its own task): nothing said yet."""
    _said.set([0])


def saying() -> None:
    """A request that shows the chat something (a message, an edit) went out for the update being handled."""
    said = _said.get()
    if said is not None:
        said[0] += 1


def said_nothing() -> bool:
    said = _said.get()
    return said is not None and said[0] == 0


def hold(app: Application[Any, Any, Any, Any, Any, Any], services: Services, update: Update) -> int | None:
    """Run `update` again once the database takes writes; the attempt (1, 2, …) it will be, or None when it may
    not be held (it met the lock too often or too long ago)."""
    times, first = _attempts.pop(update.update_id, (0, time.monotonic()))
    if times >= ATTEMPTS or time.monotonic() - first > HOLD_SECONDS:
        return None
    _attempts[update.update_id] = (times + 1, first)
    while len(_attempts) > _REMEMBERED:
        _attempts.popitem(last=False)

    async def again() -> None:
        deadline = first + HOLD_SECONDS
        while not services.store.writable_now() and time.monotonic() < deadline and not services.stopping:
            await asyncio.sleep(POLL_SECONDS)
        if not services.stopping:
            await app.process_update(update)

    task = asyncio.create_task(again())
    services.tasks.add(task)
    task.add_done_callback(services.tasks.discard)
    return times + 1
