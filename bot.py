"""Papergram's entry point: read the settings, build the services (services/bootstrap.py), wrap them in the
Telegram application (handlers/), poll or serve the webhook.

    python bot.py                                  run the bot
    python bot.py summarize <link-or-id> [--lang zh] [--out DIR]   one card on the terminal, no Telegram

Tests build the bot with `build_application` exactly as production does, with the URLs pointed at fakes.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from telegram import BotCommand, BotCommandScopeAllGroupChats, Update
from telegram.constants import ParseMode
from telegram.error import InvalidToken
from telegram.ext import ApplicationBuilder, Defaults

import handlers
from handlers import lifecycle
from handlers.common.context import CONTEXT_TYPES, App, Context, services_of
from handlers.common.rate_limiter import ChatRateLimiter
from handlers.common.sender import NO_PREVIEW, digest_sender
from handlers.webhook import start_webhook, stop_webhook
from services.arxiv.client import ArxivUnavailable
from services.arxiv.ids import find_papers
from services.bootstrap import Services, build_services
from services.cards.figure_captions import figure_caption
from services.cards.render import PLAIN, card_text
from services.config import Config, ConfigError, load_config, load_dotenv_file
from services.i18n import MENU_COMMANDS, t
from services.languages import resolve
from services.logging_setup import install_excepthook, setup_logging
from services.store import utcnow
from services.store.guard import StoreRefused, check_database, read_state

log = logging.getLogger("papergram")


async def _tick_job(context: Context) -> None:
    services = context.services
    task = asyncio.current_task()
    if services.stopping or task is None:
        return
    services.tasks.add(task)
    try:
        await services.tick(digest_sender(context.bot, services.config.paid_broadcast))
    except Exception:
        log.exception("digest tick failed; the next one tries again")
    finally:
        services.tasks.discard(task)


QUIET_COMMANDS = ("subscribe", "unsubscribe", "topics", "time", "pause", "resume", "settings", "lang",
                  "usage")
"""A group's setting commands: answered to the member who sent them, not to the whole group."""


async def _post_init(app: App) -> None:
    """Register the command menu in English (default) and Chinese — in groups the setting commands as ephemeral
    (Bot API 10.2: only the bot sees them, and only their sender the answer); schedule the digest tick."""
    for language_code, lang in (("", "en"), ("zh", "zh")):
        commands = [BotCommand(name, t(lang, f"menu_{name}")) for name in MENU_COMMANDS]
        await app.bot.set_my_commands(commands, language_code=language_code or None)
        quiet = [BotCommand(name, t(lang, f"menu_{name}"),
                            api_kwargs={"is_ephemeral": True} if name in QUIET_COMMANDS else None)
                 for name in MENU_COMMANDS]
        await app.bot.set_my_commands(quiet, scope=BotCommandScopeAllGroupChats(), language_code=language_code or None)
    services = services_of(app)
    services.digests.bot_username = app.bot.username
    interval = services.config.digest_tick_seconds
    if app.job_queue is not None and interval > 0:
        app.job_queue.run_repeating(_tick_job, interval=interval, first=min(5.0, interval), name="digests",
                                    job_kwargs={"max_instances": 1, "coalesce": True})
    await lifecycle.resume_card_requests(app)


async def _with_stop_signals(app: App) -> None:
    """The bot's own SIGTERM/SIGINT handling (a stop within seconds, work journaled), then the usual start-up."""
    lifecycle.install_stop_signals(app)
    await _post_init(app)


async def _post_shutdown(app: App) -> None:
    await services_of(app).aclose()


def build_application(config: Config, services: Services | None = None) -> App:
    """The bot, wired: same function in production and in tests."""
    services = services or build_services(config)
    app = (
        ApplicationBuilder()
        .context_types(CONTEXT_TYPES)
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW))
        .token(config.telegram_token)
        .base_url(config.telegram_api_url)
        .base_file_url(config.telegram_file_url)
        .rate_limiter(ChatRateLimiter(services.pacer, on_moved=services.store.migrate_chat,
                                      on_gone=services.store.hold_chat))
        .concurrent_updates(True)
        .connect_timeout(config.http_timeout)
        .read_timeout(config.http_timeout)
        .write_timeout(config.http_timeout)
        .media_write_timeout(max(60.0, config.http_timeout))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    app.bot_data["services"] = services
    handlers.register(app)
    return app


async def summarize(config: Config, link: str, lang: str, out: Path | None) -> int:
    """`python bot.py summarize`: the same services as the bot, printed to the terminal."""
    refs = find_papers(link)
    if not refs:
        print(f"No arXiv ID found in {link!r}", file=sys.stderr)
        return 2
    services = build_services(config)
    try:
        try:
            paper = (await services.papers.lookup(refs[:1]))[refs[0]]
        except ArxivUnavailable:
            print(t(lang, "arxiv_down", id=refs[0]), file=sys.stderr)
            return 1
        if paper is None:
            print(t(lang, "unknown_id", id=refs[0]), file=sys.stderr)
            return 1
        card = await services.papers.card(paper, lang)
        print(card_text(card))
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
            for figure in card.figures:
                suffix = ".jpg" if figure.mime == "image/jpeg" else ".png"
                path = out / f"{figure.kind}-{figure.number}{suffix}"
                path.write_bytes(figure.image)
                print(f"{path}: {figure_caption(figure, lang, paper, PLAIN)}")
        return 0
    finally:
        services.close()


def summarize_main(config: Config, argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bot.py summarize", description="Print a paper card on the terminal.")
    parser.add_argument("link", help="an arXiv link or ID")
    parser.add_argument("--lang", default="en", help="the summary's language: en, zh, ja, de, … (code or name)")
    parser.add_argument("--out", type=Path, help="write the figure images to this directory")
    args = parser.parse_args(argv)
    language = resolve(args.lang)
    if language is None:
        parser.error(f"unknown language {args.lang!r}")
    return asyncio.run(summarize(config, args.link, language, args.out))


def _load_config_or_exit(require_token: bool = True) -> Config:
    load_dotenv_file(Path(__file__).resolve().with_name(".env"))  # beside bot.py, wherever it is started from
    try:
        return load_config(require_token=require_token)
    except ConfigError as error:
        for problem in error.problems:
            print(f"papergram: {problem}", file=sys.stderr)
        raise SystemExit(2) from None


def webhook_options(config: Config, listen: str = "0.0.0.0") -> dict[str, Any]:
    """Our webhook endpoint for WEBHOOK_URL: the URL's path is the route, the secret token is checked."""
    return {"url": config.webhook_url, "path": urlsplit(config.webhook_url).path, "secret": config.webhook_secret,
            "listen": listen, "port": config.webhook_port}


def serve_webhook(app: App, config: Config) -> None:
    """`run_polling`'s life cycle with our endpoint in place of PTB's (handlers/webhook.py says why): start, serve
    until `stop_running` stops the loop (our SIGTERM handler calls it), then stop and shut down in order."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = None
    try:
        loop.run_until_complete(app.initialize())
        if app.post_init:
            loop.run_until_complete(app.post_init(app))
        if services_of(app).stopping:  # a stop signal during start-up
            return
        server = loop.run_until_complete(start_webhook(app, **webhook_options(config)))
        loop.run_until_complete(app.start())
        loop.run_forever()
    finally:
        if server is not None:
            loop.run_until_complete(stop_webhook(server))
        if app.running:
            loop.run_until_complete(app.stop())
        loop.run_until_complete(app.shutdown())
        if app.post_shutdown:
            loop.run_until_complete(app.post_shutdown(app))
        loop.close()


def health(config: Config) -> int:
    """`python bot.py health` (Docker's HEALTHCHECK): the store opens, and the scheduler ticked lately."""
    check_database(config.db_path)
    interval = config.digest_tick_seconds
    if interval <= 0:
        print("healthy: the store opens (the scheduler is off)")
        return 0
    last = read_state(config.db_path, "last_tick")
    age = (utcnow() - datetime.fromisoformat(last)).total_seconds() if last else None
    if age is None or age > max(3 * interval, 300):
        print(f"unhealthy: the scheduler has not ticked for {'ever' if age is None else f'{age:.0f}s'}")
        return 1
    print(f"healthy: the store opens, the scheduler ticked {age:.0f}s ago")
    return 0


def _not_invalid_token(record: logging.LogRecord) -> bool:
    """PTB logs a rejected token with its traceback before raising it; `main` says it in one line instead."""
    return not (record.exc_info and isinstance(record.exc_info[1], InvalidToken))


def main(argv: list[str]) -> int:
    try:
        if argv[:1] == ["health"]:
            return health(_load_config_or_exit(require_token=False))
        if argv[:1] == ["summarize"]:
            config = _load_config_or_exit(require_token=False)
            check_database(config.db_path)
            setup_logging(config.log_level, config.secrets)
            return summarize_main(config, argv[1:])
        config = _load_config_or_exit()
        install_excepthook(config.secrets)
        check_database(config.db_path)  # before anything is logged or opened: a refusal is one line
        setup_logging(config.log_level, config.secrets)
        for handler in logging.getLogger().handlers:
            handler.addFilter(_not_invalid_token)
        log.info("Papergram starting. %s", config.describe())
        if config.llm_name.startswith("offline"):
            log.warning("No LLM is configured (GEMINI_API_KEY, or LLM_PROVIDER=openai with OPENAI_MODEL): cards use "
                        "the offline extractive summarizer.")
        app = build_application(config)
        app.post_init = _with_stop_signals
        if config.webhook_url:
            log.info("webhook mode: Telegram posts updates to %s (listening on port %s)",
                     config.webhook_url.split("?")[0], config.webhook_port)
            serve_webhook(app, config)
        else:
            app.run_polling(allowed_updates=Update.ALL_TYPES, stop_signals=None)
    except StoreRefused as refused:
        print(f"papergram: PAPERGRAM_DB: {refused}", file=sys.stderr)
        return 2
    except InvalidToken:
        print("papergram: Telegram refused TELEGRAM_BOT_TOKEN (wrong or revoked). Copy the token again from "
              "@BotFather (/mybots → your bot → API Token) into .env beside bot.py.", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
