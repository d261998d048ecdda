"""Papergram's entry point and bootstrap: read the config, build the adapters, register handlers, poll.

    python bot.py                                  run the bot
    python bot.py summarize <link-or-id> [--lang zh] [--out DIR]   one card on the terminal, no Telegram

Tests build the bot with `build_application` exactly as production does, with the URLs pointed at fakes.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from telegram import BotCommand, Update
from telegram.ext import Application, ApplicationBuilder, CallbackContext

import handlers
from handlers import lifecycle
from handlers.rate_limiter import ChatRateLimiter
from handlers.telegram_sender import digest_sender
from services.announcements import FeedReader
from services.arxiv_client import ArxivClient, ArxivUnavailable
from services.arxiv_ids import find_papers
from services.card import PLAIN, card_text, figure_caption
from services.concurrency import KeyedLimiter
from services.config import Config, ConfigError, load_config, load_dotenv_file
from services.digests import DigestService
from services.discovery import poll_interval
from services.embeddings import GeminiEmbedder, PaperEmbeddings
from services.feedback import Feedback
from services.gemini import GeminiSummarizer
from services.i18n import MENU_COMMANDS, t
from services.languages import resolve
from services.logging_setup import setup_logging
from services.openai_llm import OpenAISummarizer
from services.outbox import Outbox
from services.pacing import GLOBAL_PER_SECOND, PAID_PER_SECOND, Pacer
from services.papers import PaperService
from services.pdf import PdfPool
from services.questions import QuestionService
from services.sending import Sender
from services.store import SKIPPED_KEPT, Store, utcnow
from services.store_guard import StoreRefused, check_database, read_state
from services.summarizer import ExtractiveSummarizer, FallbackSummarizer, Summarizer

log = logging.getLogger("papergram")


PAPERS_PER_CHAT = 2
"""A chat's third link waits until one of its first two is done."""


@dataclass
class Services:
    """Everything the handlers use, built once."""

    config: Config
    store: Store
    pdfs: PdfPool
    papers: PaperService
    digests: DigestService
    outbox: Outbox
    pacer: Pacer
    """Telegram's limits per chat, shared by the outbox and the rate limiter every request passes."""
    feedback: Feedback
    questions: QuestionService
    chat_limits: KeyedLimiter = field(default_factory=lambda: KeyedLimiter(PAPERS_PER_CHAT))
    last_poll: datetime | None = None
    tasks: set[asyncio.Task[Any]] = field(default_factory=set)
    """Work in progress (updates being handled, the digest tick, resumed requests): a shutdown cuts it short."""
    stopping: bool = False

    def close(self) -> None:
        self.pdfs.close()
        self.store.close()


def build_summarizer(config: Config) -> Summarizer:
    """The configured provider, with the other as its fallback when configured; offline without any."""

    def provider(name: str) -> Summarizer | None:
        if not name or not config.provider_ready(name):
            return None
        if name == "gemini":
            return GeminiSummarizer(config.gemini_api_key, config.gemini_model, config.gemini_base_url)
        return OpenAISummarizer(config.openai_api_key, config.openai_model, config.openai_base_url)

    first, second = provider(config.llm_provider), provider(config.llm_fallback)
    if first is None:
        first, second = second, None
    if first is None:
        return ExtractiveSummarizer()
    return FallbackSummarizer(first, second) if second is not None else first


def build_services(config: Config) -> Services:
    store = Store(config.db_path)
    arxiv = ArxivClient(config.arxiv_api_url, config.arxiv_pdf_url, delay_seconds=config.arxiv_delay_seconds,
                        timeout=config.http_timeout, max_pdf_bytes=config.max_pdf_mb * 2**20,
                        download_seconds=config.pdf_download_seconds)
    pdfs = PdfPool(workers=config.pdf_workers, seconds=config.pdf_seconds)
    llm = build_summarizer(config)
    papers = PaperService(store, arxiv, pdfs, llm, max_pages=config.max_pdf_pages, llm_budget=config.llm_daily_budget)
    questions = QuestionService(store, papers, llm, budget=config.llm_daily_budget)
    feedback = Feedback(store)
    pacer = Pacer(per_second=PAID_PER_SECOND if config.paid_broadcast else GLOBAL_PER_SECOND)
    embeddings = PaperEmbeddings(store, GeminiEmbedder(config.gemini_api_key, config.embedding_model,
                                                       config.gemini_base_url), config.about_threshold) \
        if config.gemini_api_key else None
    digests = DigestService(store, FeedReader(config.arxiv_rss_url, timeout=config.http_timeout), papers,
                            archives=config.discovery_archives, feedback=feedback, embeddings=embeddings,
                            retention_days=config.retention_days)
    return Services(config=config, store=store, pdfs=pdfs, papers=papers, digests=digests,
                    outbox=Outbox(store, pacer, concurrency=config.send_concurrency), pacer=pacer, feedback=feedback,
                    questions=questions)


async def digest_tick(services: Services, sender: Sender) -> None:
    """Every minute: read the announcement feeds when due, plan the digests whose time has come, send.

    JobQueue jobs are not persisted, so this is scheduled at every start; the outbox and the chats' last
    digest days in SQLite carry everything across restarts.
    """
    if services.store.broken:
        return  # a damaged database takes no more writes; the operator was told when it happened
    services.store.set_state("last_tick", utcnow().isoformat())
    now = services.digests.clock()
    prune_daily(services, now)
    interval = poll_interval(now, timedelta(minutes=services.config.poll_minutes))
    if services.last_poll is None or now - services.last_poll >= interval:
        services.last_poll = now
        await services.digests.poll()
    await services.digests.run_due()
    await services.outbox.drain(sender)


def prune_daily(services: Services, now: datetime) -> None:
    """Once a UTC day: history past RETENTION_DAYS and caches past CACHE_DAYS go (the pages are reused)."""
    today = now.date().isoformat()
    if services.store.get_state("last_prune") == today:
        return
    config = services.config
    removed = services.store.prune((now - timedelta(days=config.retention_days)).date().isoformat(),
                                   (now - timedelta(days=config.cache_days)).isoformat(),
                                   (now - SKIPPED_KEPT).date().isoformat())
    services.store.set_state("last_prune", today)
    log.info("pruned: %s", ", ".join(f"{table} {count}" for table, count in removed.items() if count) or "nothing")


async def _tick_job(context: CallbackContext) -> None:  # type: ignore[type-arg]
    services: Services = context.bot_data["services"]
    task = asyncio.current_task()
    if services.stopping or task is None:
        return
    services.tasks.add(task)
    try:
        await digest_tick(services, digest_sender(context.bot, services.config.paid_broadcast))
    except Exception:
        log.exception("digest tick failed; the next one tries again")
    finally:
        services.tasks.discard(task)


async def _post_init(app: Application) -> None:  # type: ignore[type-arg]
    """Register the command menu in English (default) and Chinese; schedule the digest tick."""
    for language_code, lang in (("", "en"), ("zh", "zh")):
        commands = [BotCommand(name, t(lang, f"menu_{name}")) for name in MENU_COMMANDS]
        await app.bot.set_my_commands(commands, language_code=language_code or None)
    services: Services = app.bot_data["services"]
    services.digests.bot_username = app.bot.username
    interval = services.config.digest_tick_seconds
    if app.job_queue is not None and interval > 0:
        app.job_queue.run_repeating(_tick_job, interval=interval, first=min(5.0, interval), name="digests",
                                    job_kwargs={"max_instances": 1, "coalesce": True})
    await lifecycle.resume_card_requests(app)


async def _with_stop_signals(app: Application) -> None:  # type: ignore[type-arg]
    """The bot's own SIGTERM/SIGINT handling (a stop within seconds, work journaled), then the usual start-up."""
    lifecycle.install_stop_signals(app)
    await _post_init(app)


async def _post_shutdown(app: Application) -> None:  # type: ignore[type-arg]
    services: Services = app.bot_data["services"]
    await services.feedback.close()
    await services.papers.close()
    services.close()


def build_application(config: Config, services: Services | None = None) -> Application:  # type: ignore[type-arg]
    """The bot, wired: same function in production and in tests."""
    services = services or build_services(config)
    app = (
        ApplicationBuilder()
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
    load_dotenv_file()
    try:
        return load_config(require_token=require_token)
    except ConfigError as error:
        for problem in error.problems:
            print(f"papergram: {problem}", file=sys.stderr)
        raise SystemExit(2) from None


def webhook_options(config: Config, listen: str = "0.0.0.0") -> dict[str, Any]:
    """PTB's webhook server for WEBHOOK_URL: the URL's path is the route, the secret token is checked."""
    path = urlsplit(config.webhook_url).path.strip("/")
    return {"listen": listen, "port": config.webhook_port, "url_path": path, "webhook_url": config.webhook_url,
            "secret_token": config.webhook_secret}


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
        check_database(config.db_path)  # before anything is logged or opened: a refusal is one line
        setup_logging(config.log_level, config.secrets)
        log.info("Papergram starting. %s", config.describe())
        if config.llm_name.startswith("offline"):
            log.warning("No LLM is configured (GEMINI_API_KEY, or LLM_PROVIDER=openai with OPENAI_MODEL): cards use "
                        "the offline extractive summarizer.")
        app = build_application(config)
        app.post_init = _with_stop_signals
        if config.webhook_url:
            log.info("webhook mode: Telegram posts updates to %s (listening on port %s)",
                     config.webhook_url.split("?")[0], config.webhook_port)
            app.run_webhook(**webhook_options(config), allowed_updates=Update.ALL_TYPES, stop_signals=None)
        else:
            app.run_polling(allowed_updates=Update.ALL_TYPES, stop_signals=None)
    except StoreRefused as refused:
        print(f"papergram: PAPERGRAM_DB: {refused}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
