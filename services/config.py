"""Configuration from environment variables (and an optional `.env`), validated once at start-up.

Every external endpoint is configurable so the bot can use a self-hosted Bot API server, an arXiv mirror or an
API proxy — and so the tests can point it at fakes on 127.0.0.1 through the very same code path.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_GEMINI_MODEL = "gemini-2.5-flash"
"""The only place a model name is written: a current Gemini Flash model."""
DEFAULT_EMBEDDING_MODEL = "gemini-embedding-001"
PROVIDERS = ("gemini", "openai")
DEFAULT_ABOUT_THRESHOLD = 0.70
"""Cosine similarity (768-dimension Gemini embeddings, title + abstract) from which a paper is on an `about:`
topic. Not measured against real embeddings yet (tests have no network): `bench/relevance.py --embed` measures
the best value on the labelled set when a key is at hand; ABOUT_THRESHOLD overrides it."""

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

TOKEN_HELP = (
    "TELEGRAM_BOT_TOKEN is not set. Create a bot with @BotFather in Telegram (send /newbot, "
    "pick a name), copy the token it gives you, and put it in the environment or in a .env file "
    "next to bot.py:  TELEGRAM_BOT_TOKEN=123456:ABC..."
)


class ConfigError(Exception):
    """Raised with one line per problem, so a user can fix them all at once."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Config:
    telegram_token: str = field(repr=False)
    telegram_api_url: str = "https://api.telegram.org/bot"
    telegram_file_url: str = "https://api.telegram.org/file/bot"
    arxiv_api_url: str = "https://export.arxiv.org/api/query"
    arxiv_pdf_url: str = "https://arxiv.org/pdf/"
    arxiv_rss_url: str = "https://rss.arxiv.org/rss/"
    gemini_api_key: str = field(default="", repr=False)
    gemini_model: str = DEFAULT_GEMINI_MODEL
    gemini_base_url: str = ""
    llm_provider: str = "gemini"
    """gemini or openai (any OpenAI-compatible server)."""
    llm_fallback: str = ""
    """The other provider, taking over when the first is overloaded (429/5xx after its retries); empty: none."""
    openai_api_key: str = field(default="", repr=False)
    openai_base_url: str = ""
    openai_model: str = ""
    webhook_url: str = ""
    """Public HTTPS URL Telegram posts updates to; empty: long polling (the default)."""
    webhook_port: int = 8443
    webhook_secret: str = field(default="", repr=False)
    """Telegram sends it with every update (X-Telegram-Bot-Api-Secret-Token); requests without it are refused."""
    embedding_model: str = DEFAULT_EMBEDDING_MODEL
    about_threshold: float = DEFAULT_ABOUT_THRESHOLD
    db_path: Path = Path("data/papergram.db")
    log_level: str = "INFO"
    arxiv_delay_seconds: float = 3.0
    """arXiv asks for at most one API request every 3 seconds; only tests lower it."""
    max_pdf_mb: int = 40
    max_pdf_pages: int = 60
    http_timeout: float = 30.0
    send_concurrency: int = 8
    """Messages in flight at once (never two of one chat): a crash repeats at most this many."""
    paid_broadcast: bool = False
    """PAID_BROADCAST=on: digests go with `allow_paid_broadcast`, paced up to 1,000 a second, paid in Stars."""
    pdf_download_seconds: float = 90.0
    """A whole PDF download, however slowly the server sends it."""
    pdf_seconds: float = 60.0
    """Reading one PDF in a worker; past it the worker is replaced and the card is made from the abstract."""
    pdf_workers: int = 2
    llm_daily_budget: int = 0
    """LLM calls per UTC day; 0 means no limit."""
    retention_days: int = 90
    """What chats received and asked is kept this long (never-twice holds past it: see digests)."""
    cache_days: int = 7
    """Papers' text and figure crops are kept this long, then read from arXiv again when asked for."""
    discovery_archives: tuple[str, ...] = ("cs", "stat", "eess")
    poll_minutes: float = 15.0
    digest_tick_seconds: float = 60.0
    """How often digests are checked; 0 turns the scheduler off (tests drive it by hand)."""

    @property
    def secrets(self) -> list[str]:
        """Every value that must never reach a log line."""
        return [s for s in (self.telegram_token, self.gemini_api_key, self.openai_api_key, self.webhook_secret) if s]

    def provider_ready(self, name: str) -> bool:
        """Whether `name` can be asked: Gemini needs a key, an OpenAI-compatible server a model (and a key or
        its own URL: a local Ollama or vLLM needs none)."""
        if name == "gemini":
            return bool(self.gemini_api_key)
        if name == "openai":
            return bool(self.openai_model and (self.openai_api_key or self.openai_base_url))
        return False

    def provider_name(self, name: str) -> str:
        if name == "gemini":
            return f"Gemini {self.gemini_model}"
        return f"{self.openai_model} (OpenAI-compatible at {_host(self.openai_base_url) or 'api.openai.com'})"

    @property
    def llm_name(self) -> str:
        ready = [p for p in (self.llm_provider, self.llm_fallback) if p and self.provider_ready(p)]
        if not ready:
            return "offline extractive summarizer"
        return " → ".join(self.provider_name(p) for p in ready)

    def describe(self) -> str:
        """One log line naming every service in use — hosts only, never a secret."""
        return (
            f"Telegram: {_host(self.telegram_api_url)} · arXiv: {_host(self.arxiv_api_url)} "
            f"(PDF {_host(self.arxiv_pdf_url)}, RSS {_host(self.arxiv_rss_url)}) · LLM: {self.llm_name}"
            + (f" via {_host(self.gemini_base_url)}" if self.gemini_api_key and self.gemini_base_url
               and "gemini" in (self.llm_provider, self.llm_fallback) else "")
            + f" · database: {self.db_path}"
        )


def _host(url: str) -> str:
    return urlsplit(url).netloc or url


def _url(env: Mapping[str, str], name: str, default: str, problems: list[str]) -> str:
    value = env.get(name, "").strip() or default
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        problems.append(f"{name} must be an http(s) URL, got {value!r}")
    return value


def _number(env: Mapping[str, str], name: str, default: float, problems: list[str]) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        problems.append(f"{name} must be a number, got {raw!r}")
        return default
    if value < 0:
        problems.append(f"{name} must not be negative, got {raw!r}")
        return default
    return value


def load_dotenv_file(path: Path = Path(".env")) -> None:
    """Read `.env` if present; real environment variables win over the file."""
    if path.is_file():
        from dotenv import load_dotenv

        load_dotenv(path, override=False)


def load_config(env: Mapping[str, str] | None = None, *, require_token: bool = True) -> Config:
    """Build a `Config` from `env` (default: `os.environ`), or raise `ConfigError` listing every problem.

    The terminal `summarize` command needs no Telegram token, hence `require_token`.
    """
    env = os.environ if env is None else env
    problems: list[str] = []
    token = env.get("TELEGRAM_BOT_TOKEN", "").strip()
    if not token:
        if require_token:
            problems.append(TOKEN_HELP)
    elif ":" not in token or any(c.isspace() for c in token):
        problems.append("TELEGRAM_BOT_TOKEN does not look like a bot token (expected 123456:ABC...)")
    api_url = _url(env, "TELEGRAM_API_URL", "https://api.telegram.org/bot", problems)
    default_file_url = api_url[: -len("bot")] + "file/bot" if api_url.endswith("/bot") else api_url
    log_level = env.get("LOG_LEVEL", "INFO").strip().upper() or "INFO"
    if log_level not in LOG_LEVELS:
        problems.append(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, got {log_level!r}")
        log_level = "INFO"
    gemini_base = env.get("GEMINI_BASE_URL", "").strip()
    if gemini_base:
        _url(env, "GEMINI_BASE_URL", gemini_base, problems)
    openai_base = env.get("OPENAI_BASE_URL", "").strip()
    if openai_base:
        _url(env, "OPENAI_BASE_URL", openai_base, problems)
    webhook_url = env.get("WEBHOOK_URL", "").strip()
    webhook_secret = env.get("WEBHOOK_SECRET", "").strip()
    if webhook_url:
        _url(env, "WEBHOOK_URL", webhook_url, problems)
        if not re.fullmatch(r"[A-Za-z0-9_-]{16,256}", webhook_secret):
            problems.append("WEBHOOK_SECRET must be set with WEBHOOK_URL: 16 to 256 letters, digits, _ or -")
    provider = env.get("LLM_PROVIDER", "").strip().lower() or "gemini"
    fallback = env.get("LLM_FALLBACK", "").strip().lower()
    for name, value in (("LLM_PROVIDER", provider), ("LLM_FALLBACK", fallback)):
        if value and value not in PROVIDERS:
            problems.append(f"{name} must be gemini or openai, got {value!r}")
    if fallback == provider:
        fallback = ""
    config = Config(
        telegram_token=token,
        telegram_api_url=api_url,
        telegram_file_url=_url(env, "TELEGRAM_FILE_URL", default_file_url, problems),
        arxiv_api_url=_url(env, "ARXIV_API_URL", "https://export.arxiv.org/api/query", problems),
        arxiv_pdf_url=_with_slash(_url(env, "ARXIV_PDF_URL", "https://arxiv.org/pdf/", problems)),
        arxiv_rss_url=_with_slash(_url(env, "ARXIV_RSS_URL", "https://rss.arxiv.org/rss/", problems)),
        gemini_api_key=env.get("GEMINI_API_KEY", "").strip(),
        gemini_model=env.get("GEMINI_MODEL", "").strip() or DEFAULT_GEMINI_MODEL,
        gemini_base_url=gemini_base,
        webhook_url=webhook_url,
        webhook_port=int(_number(env, "WEBHOOK_PORT", 8443, problems)),
        webhook_secret=webhook_secret,
        llm_provider=provider,
        llm_fallback=fallback,
        openai_api_key=env.get("OPENAI_API_KEY", "").strip(),
        openai_base_url=openai_base,
        openai_model=env.get("OPENAI_MODEL", "").strip(),
        embedding_model=env.get("GEMINI_EMBEDDING_MODEL", "").strip() or DEFAULT_EMBEDDING_MODEL,
        about_threshold=_number(env, "ABOUT_THRESHOLD", DEFAULT_ABOUT_THRESHOLD, problems),
        db_path=Path(env.get("PAPERGRAM_DB", "").strip() or "data/papergram.db"),
        log_level=log_level,
        arxiv_delay_seconds=_number(env, "ARXIV_DELAY_SECONDS", 3.0, problems),
        max_pdf_mb=int(_number(env, "MAX_PDF_MB", 40, problems)),
        max_pdf_pages=int(_number(env, "MAX_PDF_PAGES", 60, problems)),
        http_timeout=_number(env, "HTTP_TIMEOUT", 30.0, problems),
        pdf_download_seconds=_number(env, "PDF_DOWNLOAD_SECONDS", 90.0, problems),
        send_concurrency=max(1, int(_number(env, "SEND_CONCURRENCY", 8, problems))),
        paid_broadcast=_switch(env, "PAID_BROADCAST", problems),
        pdf_seconds=_number(env, "PDF_SECONDS", 60.0, problems),
        llm_daily_budget=int(_number(env, "LLM_DAILY_BUDGET", 0, problems)),
        retention_days=max(7, int(_number(env, "RETENTION_DAYS", 90, problems))),
        cache_days=max(1, int(_number(env, "CACHE_DAYS", 7, problems))),
        discovery_archives=_archives(env, problems),
        poll_minutes=_number(env, "POLL_MINUTES", 15.0, problems) or 15.0,
        digest_tick_seconds=_number(env, "DIGEST_TICK_SECONDS", 60.0, problems),
    )
    if problems:
        raise ConfigError(problems)
    return config


def _archives(env: Mapping[str, str], problems: list[str]) -> tuple[str, ...]:
    from services.categories import ARCHIVES

    raw = env.get("DISCOVERY_ARCHIVES", "").strip() or "cs,stat,eess"
    names = tuple(a.strip() for a in raw.split(",") if a.strip())
    unknown = [a for a in names if a not in ARCHIVES]
    if unknown:
        problems.append(f"DISCOVERY_ARCHIVES has unknown arXiv archives: {', '.join(unknown)}")
    return names


def _switch(env: Mapping[str, str], name: str, problems: list[str]) -> bool:
    value = env.get(name, "").strip().lower()
    if value not in ("", "on", "off", "true", "false", "1", "0", "yes", "no"):
        problems.append(f"{name} must be on or off, got {value!r}")
    return value in ("on", "true", "1", "yes")


def _with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"
