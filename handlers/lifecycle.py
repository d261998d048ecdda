"""Starting and stopping without leaving anyone waiting.

At start-up, card requests a previous run accepted and did not finish (a crash, a kill -9, a restart) are
finished, or — when too old to still matter — answered with a request to send the link again. On SIGTERM or
SIGINT the bot stops taking updates, lets quick work and the message in flight finish, stops the outbox at a
message boundary, cuts longer work short (it is journaled and resumes at the next start) and exits within
`STOP_BUDGET` seconds.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from datetime import UTC, datetime, timedelta

from telegram import Chat, Message, Update
from telegram.error import TelegramError

from handlers.common import held
from handlers.common.card_flow import CardRequest, prepare
from handlers.common.context import App, Context, services_of
from services.arxiv.ids import find_papers
from services.bootstrap import Services
from services.i18n import t

log = logging.getLogger(__name__)

RESUME_WITHIN = timedelta(hours=6)
"""A request older than this is not finished after a restart: the user is asked to send the link again."""
GRACE = 1.5
"""Seconds a stop signal leaves running work to finish before it is cut short (and journaled for later)."""
STOP_BUDGET = 5.0


async def track_update(update: Update, context: Context) -> None:
    """Runs first for every update: the task handling it is known, so a shutdown can cut it short; nothing is
    said for it yet (a message that meets a locked database before any answer is held, not refused)."""
    held.begin()
    task = asyncio.current_task()
    if task is not None:
        tasks = services_of(context.application).tasks
        tasks.add(task)
        task.add_done_callback(tasks.discard)


def install_stop_signals(app: App) -> None:
    loop = asyncio.get_running_loop()
    for number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(number, begin_stop, app)


def begin_stop(app: App) -> None:
    """Stop taking updates now; cut running work short after a grace period; the outbox stops at once."""
    services = services_of(app)
    if services.stopping:
        return
    services.stopping = True
    log.info("stopping: updates no longer taken, the outbox stops after the message in flight")
    services.outbox.stop()
    services.pdfs.stop_taking()
    loop = asyncio.get_running_loop()
    loop.call_later(GRACE, _cut_short, services)
    app.stop_running()


def _cut_short(services: Services) -> None:
    running = [task for task in services.tasks if not task.done()]
    if running:
        log.info("cutting %s running jobs short; journaled requests resume at the next start", len(running))
    for task in running:
        task.cancel()


async def resume_card_requests(app: App) -> None:
    """Finish what the previous run accepted; answer what is too old to finish."""
    services = services_of(app)
    rows = services.store.card_requests()
    if not rows:
        return
    context = Context(app)
    now = datetime.now(UTC)
    batches: dict[tuple[int, int], list[CardRequest]] = {}
    for row in rows:
        status = Message(row.status_id, now, Chat(row.chat_id, row.chat_type))
        status.set_bot(app.bot)
        refs = find_papers(row.ref)
        too_old = now - datetime.fromisoformat(row.created_at) > RESUME_WITHIN
        if too_old or not refs:
            try:
                await status.edit_text(t(row.language, "restart_too_late", id=row.ref))
            except TelegramError as error:
                log.info("could not answer an old request in chat %s: %s", row.chat_id, error)
            services.store.finish_card_request(row.id)
            continue
        batches.setdefault((row.chat_id, row.message_id), []).append(
            CardRequest(status, refs[0], row.language, row.reply_to, row.id, row.text_sent,
                        list(row.provisional_ids)))
    log.info("resuming %s card requests from before the restart", sum(len(b) for b in batches.values()))
    for requests in batches.values():
        task = asyncio.create_task(prepare(context, requests))
        services.tasks.add(task)
        task.add_done_callback(services.tasks.discard)
