"""Papergram's entry point and bootstrap: read the config, build the adapters, register handlers, poll.

    python bot.py                                  run the bot
    python bot.py summarize <link-or-id> [--lang zh] [--out DIR]   one card on the terminal, no Telegram

Tests build the bot with `build_application` exactly as production does, with the URLs pointed at fakes.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass

from telegram import BotCommand, Update
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder

import handlers
from services.config import Config, ConfigError, load_config, load_dotenv_file
from services.i18n import MENU_COMMANDS, t
from services.logging_setup import setup_logging
from services.store import Store

log = logging.getLogger("papergram")


@dataclass
class Services:
    """Everything the handlers use, built once."""

    config: Config
    store: Store

    def close(self) -> None:
        self.store.close()


def build_services(config: Config) -> Services:
    return Services(config=config, store=Store(config.db_path))


async def _post_init(app: Application) -> None:  # type: ignore[type-arg]
    """Register the command menu in English (default) and Chinese."""
    for language_code, lang in (("", "en"), ("zh", "zh")):
        commands = [BotCommand(name, t(lang, f"menu_{name}")) for name in MENU_COMMANDS]
        await app.bot.set_my_commands(commands, language_code=language_code or None)


async def _post_shutdown(app: Application) -> None:  # type: ignore[type-arg]
    services: Services = app.bot_data["services"]
    services.close()


def build_application(config: Config, services: Services | None = None) -> Application:  # type: ignore[type-arg]
    """The bot, wired: same function in production and in tests."""
    services = services or build_services(config)
    app = (
        ApplicationBuilder()
        .token(config.telegram_token)
        .base_url(config.telegram_api_url)
        .base_file_url(config.telegram_file_url)
        .rate_limiter(AIORateLimiter(max_retries=3))
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


def _load_config_or_exit(require_token: bool = True) -> Config:
    load_dotenv_file()
    try:
        return load_config(require_token=require_token)
    except ConfigError as error:
        for problem in error.problems:
            print(f"papergram: {problem}", file=sys.stderr)
        raise SystemExit(2) from None


def main(argv: list[str]) -> int:
    if argv[:1] == ["summarize"]:
        from services.cli import summarize_main

        config = _load_config_or_exit(require_token=False)
        setup_logging(config.log_level, [config.telegram_token, config.gemini_api_key])
        return summarize_main(config, argv[1:])
    config = _load_config_or_exit()
    setup_logging(config.log_level, [config.telegram_token, config.gemini_api_key])
    log.info("Papergram starting. %s", config.describe())
    if not config.gemini_api_key:
        log.warning("GEMINI_API_KEY is not set: cards use the offline extractive summarizer, not an LLM.")
    build_application(config).run_polling(allowed_updates=Update.ALL_TYPES)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
