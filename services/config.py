"""The settings, each declared once — its environment variable, default, type and description — and validated
once at start-up, every problem on a line of its own.

Every external endpoint is a setting, so the bot can use a self-hosted Bot API server, an arXiv mirror or an API
proxy — and so the tests can point it at fakes on 127.0.0.1 through the very same code path. The configuration
table in docs/configuration.md and `.env.example` are generated from this class (`python -m services.config`)
and a test keeps them equal.

A typed pydantic model rather than pydantic-settings: the variables come from a mapping the caller hands over
(`os.environ` plus `.env`, or a test's dictionary), which pydantic-settings' sources cannot be limited to.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from services.categories import ARCHIVES, DEFAULT_ARCHIVES

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
SECRET = {"secret": True}
"""Marks a setting whose value must never reach a log line, a repr or a traceback."""


class ConfigError(Exception):
    """Raised with one line per problem, so a user can fix them all at once."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _setting(env: str, default: Any, description: str, *, secret: bool = False, shown: str = "") -> Any:
    """One setting: its variable, default and description, in one place. `shown` is the default as the docs
    say it when it is not a literal (derived from another setting, or someone else's endpoint)."""
    extra: dict[str, Any] = {"env": env, **({"shown": shown} if shown else {}), **(SECRET if secret else {})}
    return Field(default, alias=env, description=description, repr=not secret, json_schema_extra=extra)

CARD_STYLES = ("rich", "classic")
SWITCHABLE = ("hf_api_url", "github_api_url", "semantic_scholar_api_url")
"""Endpoints a value of `off` turns off: the popularity sources, which the bot works without."""
_CHOICES: dict[str, tuple[tuple[str, ...], Any]] = {
    "log_level": (LOG_LEVELS, str.upper), "card_style": (CARD_STYLES, str.lower),
    "llm_provider": (PROVIDERS, str.lower), "llm_fallback": (PROVIDERS, str.lower)}


class Config(BaseModel):
    """What the bot reads from its environment. Frozen: the settings do not change while it runs."""

    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="ignore", hide_input_in_errors=True)

    telegram_token: str = _setting("TELEGRAM_BOT_TOKEN", "", "the token from @BotFather (required to run the bot)",
                                   secret=True)
    telegram_api_url: str = _setting("TELEGRAM_API_URL", "https://api.telegram.org/bot",
                                     "Bot API base URL, the token is appended (a self-hosted Bot API server)")
    telegram_file_url: str = _setting("TELEGRAM_FILE_URL", "", "Bot API file base URL",
                                      shown="derived from `TELEGRAM_API_URL` (…/file/bot)")
    arxiv_api_url: str = _setting("ARXIV_API_URL", "https://export.arxiv.org/api/query",
                                  "arXiv API endpoint for metadata and search (a mirror)")
    arxiv_pdf_url: str = _setting("ARXIV_PDF_URL", "https://arxiv.org/pdf/",
                                  "where PDFs are downloaded from: this URL + ID")
    arxiv_rss_url: str = _setting("ARXIV_RSS_URL", "https://rss.arxiv.org/rss/", "arXiv announcement feeds")
    arxiv_oai_url: str = _setting("ARXIV_OAI_URL", "https://oaipmh.arxiv.org/oai",
                                  "arXiv's OAI-PMH interface, for each paper's licence (a mirror)")
    hf_api_url: str = _setting("HF_API_URL", "https://huggingface.co/api", "Hugging Face's API, for Daily Papers "
                               "upvotes (`/daily_papers`); `off`: no such signal")
    github_api_url: str = _setting("GITHUB_API_URL", "https://api.github.com", "GitHub's API, for the stars and last "
                                   "push of a repository a card links; `off`: no such signal")
    github_token: str = _setting("GITHUB_TOKEN", "", "lifts GitHub's anonymous rate limit (60 requests an hour)",
                                 secret=True)
    semantic_scholar_api_url: str = _setting("SEMANTIC_SCHOLAR_API_URL", "https://api.semanticscholar.org/graph/v1",
                                             "Semantic Scholar's Graph API, for citation counts; `off`: no such "
                                             "signal")
    semantic_scholar_api_key: str = _setting("SEMANTIC_SCHOLAR_API_KEY", "", "its key (optional: a higher rate "
                                             "limit)", secret=True)
    signals_timeout: float = _setting("SIGNALS_TIMEOUT", 4.0, "seconds a popularity signal may take; later, a card "
                                      "or digest goes without it")
    llm_provider: str = _setting("LLM_PROVIDER", "gemini",
                                 "`gemini`, or `openai` for any OpenAI-compatible server (OpenAI, DeepSeek, "
                                 "Qwen, OpenRouter, Ollama, vLLM, llama.cpp)")
    llm_fallback: str = _setting("LLM_FALLBACK", "",
                                 "the other provider, taking over when the first answers 429/5xx after its retries")
    gemini_api_key: str = _setting("GEMINI_API_KEY", "", "Google Gemini key; without any LLM the offline "
                                   "extractive summarizer is used", secret=True)
    gemini_model: str = _setting("GEMINI_MODEL", DEFAULT_GEMINI_MODEL, "the Gemini model")
    gemini_base_url: str = _setting("GEMINI_BASE_URL", "", "a proxy or gateway for the Gemini API",
                                    shown="Google's endpoint")
    openai_base_url: str = _setting("OPENAI_BASE_URL", "", "the OpenAI-compatible server, e.g. "
                                    "`https://api.deepseek.com/v1`, `http://localhost:11434/v1` (Ollama)",
                                    shown="OpenAI's endpoint")
    openai_api_key: str = _setting("OPENAI_API_KEY", "", "its key (a local server needs none)", secret=True)
    openai_model: str = _setting("OPENAI_MODEL", "", "the model, e.g. `deepseek-chat`, `qwen-plus`, `qwen2.5:7b`")
    card_style: str = _setting("CARD_STYLE", "rich", "`rich`: a card is one rich message (Bot API 10.1+: "
                               "headings, a table, figures as a slideshow, answers streamed as they are written); "
                               "`classic`: text, then an album (an older self-hosted Bot API server); per chat: "
                               "`/settings cards`")
    webhook_url: str = _setting("WEBHOOK_URL", "", "public HTTPS URL Telegram posts updates to (behind your "
                                "proxy); empty: long polling")
    webhook_port: int = _setting("WEBHOOK_PORT", 8443, "the port the webhook server listens on")
    webhook_secret: str = _setting("WEBHOOK_SECRET", "", "required with `WEBHOOK_URL`: Telegram sends it with "
                                   "every update, others are refused (16–256 of A–Z a–z 0–9 _ -)", secret=True)
    embedding_model: str = _setting("GEMINI_EMBEDDING_MODEL", DEFAULT_EMBEDDING_MODEL,
                                    "the embedding model for `about:` topics (with a Gemini key)")
    embeddings_base_url: str = _setting("EMBEDDINGS_BASE_URL", "", "an OpenAI-compatible `/v1/embeddings` server "
                                        "for `about:` topics instead of Gemini's, e.g. a local Ollama at "
                                        "`http://localhost:11434/v1`; needs `EMBEDDINGS_MODEL` and its own "
                                        "`ABOUT_THRESHOLD` (`bench/relevance.py --embed` measures it)")
    embeddings_model: str = _setting("EMBEDDINGS_MODEL", "", "the model of that server, e.g. `nomic-embed-text`")
    embeddings_api_key: str = _setting("EMBEDDINGS_API_KEY", "", "its key (a local server needs none)",
                                       secret=True)
    about_threshold: float = _setting("ABOUT_THRESHOLD", DEFAULT_ABOUT_THRESHOLD,
                                      "cosine similarity from which a paper is on an `about:` topic")
    db_path: Path = _setting("PAPERGRAM_DB", Path("data/papergram.db"),
                             "the SQLite file holding chats, topics, papers, summaries, figures and deliveries")
    log_level: str = _setting("LOG_LEVEL", "INFO", "`DEBUG`, `INFO`, `WARNING`, `ERROR` or `CRITICAL`")
    llm_daily_budget: int = _setting("LLM_DAILY_BUDGET", 0, "LLM calls per UTC day (cards, answers; topic checks up "
                                     "to half of it), 0 for no limit; past it cards use the offline extract and "
                                     "questions quoted passages")
    retention_days: int = _setting("RETENTION_DAYS", 90, "what chats received and asked is kept this long (at "
                                   "least 7), then pruned; no paper is ever sent twice")
    cache_days: int = _setting("CACHE_DAYS", 7, "papers' text and figure crops are kept this long, then read from "
                               "arXiv again when asked for")
    send_concurrency: int = _setting("SEND_CONCURRENCY", 8, "digest messages in flight at once (never two of one "
                                     "chat); a crash repeats at most this many")
    relevance_check: bool = _setting("RELEVANCE_CHECK", True, "`off`: papers a topic's words cannot decide (named "
                                     "in passing, nearly matched) are not shown to the LLM; `on` asks it once per "
                                     "topic and paper (a few calls a day per topic, within half of LLM_DAILY_BUDGET)")
    paid_broadcast: bool = _setting("PAID_BROADCAST", False, "`on`: digests go with `allow_paid_broadcast`, paced "
                                    "up to 1,000 messages a second, each past the free 30 a second paid in Stars")
    discovery_archives: tuple[str, ...] = _setting("DISCOVERY_ARCHIVES", DEFAULT_ARCHIVES,
                                                   "archives whose announcements keyword, author and query topics "
                                                   "search (per chat: `/settings archives`)")
    poll_minutes: float = _setting("POLL_MINUTES", 15.0, "how often the announcement feeds are read while arXiv "
                                   "announces (hourly the rest of the day)")
    digest_tick_seconds: float = _setting("DIGEST_TICK_SECONDS", 60.0, "how often due digests are checked and the "
                                          "outbox is sent; 0 turns the scheduler off")
    max_pdf_mb: int = _setting("MAX_PDF_MB", 40, "PDFs larger than this are not downloaded; the card is made from "
                               "the abstract")
    max_pdf_pages: int = _setting("MAX_PDF_PAGES", 60, "only the first pages of longer PDFs are read")
    http_timeout: float = _setting("HTTP_TIMEOUT", 30.0, "seconds before an outside request is given up (per read)")
    llm_timeout: float = _setting("LLM_TIMEOUT", 120.0, "seconds an LLM request may take in all (a long paper's "
                                  "summary can take a minute); past it the card is the offline extract")
    pdf_download_seconds: float = _setting("PDF_DOWNLOAD_SECONDS", 90.0, "a whole PDF download, however slowly "
                                           "the server sends it")
    pdf_patience_seconds: float = _setting("PDF_PATIENCE_SECONDS", 15.0, "a PDF not arrived after this long: the "
                                           "reader gets a card quoted from the abstract, completed in place when "
                                           "the PDF comes; 0 waits for the PDF")
    pdf_seconds: float = _setting("PDF_SECONDS", 60.0, "reading one PDF in a worker process; past it the worker "
                                  "is replaced and the card is made from the abstract")
    pdf_workers: int = _setting("PDF_WORKERS", 2, "PDF worker processes (each up to a 2 GB memory limit)")
    arxiv_delay_seconds: float = _setting("ARXIV_DELAY_SECONDS", 3.0, "pause between arXiv API requests (arXiv's "
                                          "terms ask for 3 s; only tests lower it)")

    @field_validator("telegram_api_url", "telegram_file_url", "arxiv_api_url", "arxiv_pdf_url", "arxiv_rss_url",
                     "arxiv_oai_url",
                     "gemini_base_url", "openai_base_url", "embeddings_base_url", "webhook_url", "hf_api_url",
                     "github_api_url", "semantic_scholar_api_url", mode="before")
    @classmethod
    def _url(cls, value: Any, info: Any) -> str:
        text = str(value).strip()
        if info.field_name in SWITCHABLE and text.lower() == "off":
            return ""  # a popularity source turned off (an empty variable means the default host)
        parts = urlsplit(text)
        if text and (parts.scheme not in ("http", "https") or not parts.netloc):
            raise ValueError(f"{_env(info.field_name)} must be an http(s) URL, got {text!r}")
        if info.field_name in ("arxiv_pdf_url", "arxiv_rss_url") and not text.endswith("/"):
            text += "/"
        return text

    @field_validator("webhook_port", "about_threshold", "llm_daily_budget", "llm_timeout", "retention_days",
                     "cache_days",
                     "send_concurrency", "poll_minutes", "digest_tick_seconds", "max_pdf_mb", "max_pdf_pages",
                     "http_timeout", "pdf_download_seconds", "pdf_patience_seconds", "pdf_seconds", "pdf_workers",
                     "arxiv_delay_seconds", "signals_timeout",
                     mode="before")
    @classmethod
    def _number(cls, value: Any, info: Any) -> float:
        name = _env(info.field_name)
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be a number, got {value!r}") from None
        if number < 0:
            raise ValueError(f"{name} must not be negative, got {value!r}")
        floors = {"retention_days": 7, "cache_days": 1, "send_concurrency": 1, "pdf_workers": 1}
        number = max(number, floors.get(info.field_name, 0))
        if info.field_name == "poll_minutes" and number == 0:
            number = 15.0
        return int(number) if cls.model_fields[info.field_name].annotation in (int, "int") else number

    @field_validator("log_level", "card_style", "llm_provider", "llm_fallback", mode="before")
    @classmethod
    def _choice(cls, value: Any, info: Any) -> str:
        """One of the setting's words (a provider may also be left empty)."""
        choices, case = _CHOICES[info.field_name]
        word: str = case(str(value).strip())
        if word not in choices and (word or info.field_name not in ("llm_provider", "llm_fallback")):
            raise ValueError(f"{_env(info.field_name)} must be one of {', '.join(choices)}, got {word!r}")
        return word

    @field_validator("paid_broadcast", "relevance_check", mode="before")
    @classmethod
    def _switch(cls, value: Any, info: ValidationInfo) -> bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text not in ("", "on", "off", "true", "false", "1", "0", "yes", "no"):
            raise ValueError(f"{_env(info.field_name or '')} must be on or off, got {text!r}")
        if not text:  # an empty variable means the default
            return bool(cls.model_fields[info.field_name or ""].default)
        return text in ("on", "true", "1", "yes")

    @field_validator("discovery_archives", mode="before")
    @classmethod
    def _archives(cls, value: Any) -> tuple[str, ...]:
        names = tuple(a.strip() for a in value.split(",") if a.strip()) if isinstance(value, str) else tuple(value)
        unknown = [a for a in names if a not in ARCHIVES]
        if unknown:
            raise ValueError(f"DISCOVERY_ARCHIVES has unknown arXiv archives: {', '.join(unknown)}")
        return names

    def model_post_init(self, context: Any) -> None:
        """Settings derived from others: the file URL from the API URL; a fallback equal to the provider is none."""
        if not self.telegram_file_url:
            api = self.telegram_api_url
            object.__setattr__(self, "telegram_file_url", api[: -len("bot")] + "file/bot" if api.endswith("/bot")
                               else api)
        if self.llm_fallback == self.llm_provider:
            object.__setattr__(self, "llm_fallback", "")

    @property
    def secrets(self) -> list[str]:
        """Every value that must never reach a log line."""
        return [str(getattr(self, name)) for name, info in type(self).model_fields.items()
                if _extra(info).get("secret") and getattr(self, name)]

    def provider_ready(self, name: str) -> bool:
        """Whether `name` can be asked: Gemini needs a key, an OpenAI-compatible server a model (and a key or
        its own URL: a local Ollama or vLLM needs none)."""
        if name == "gemini":
            return bool(self.gemini_api_key)
        if name == "openai":
            return bool(self.openai_model and (self.openai_api_key or self.openai_base_url))
        return False

    @property
    def about_by_meaning(self) -> bool:
        """Whether `about:` topics are matched by embeddings (an embeddings server, or a Gemini key); otherwise by
        their words."""
        return bool(self.embeddings_base_url and self.embeddings_model) or bool(self.gemini_api_key)

    def provider_name(self, name: str) -> str:
        if name == "gemini":
            return f"Gemini {self.gemini_model}"
        return f"{self.openai_model} (OpenAI-compatible at {_host(self.openai_base_url) or 'api.openai.com'})"

    @property
    def llm_models(self) -> list[str]:
        """The models that write the prose, in the order they are asked (empty: the offline extract)."""
        ready = [p for p in (self.llm_provider, self.llm_fallback) if p and self.provider_ready(p)]
        return [f"Gemini {self.gemini_model}" if p == "gemini" else self.openai_model for p in ready]

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


def _extra(info: Any) -> dict[str, Any]:
    extra = info.json_schema_extra
    return extra if isinstance(extra, dict) else {}


def _env(field_name: str) -> str:
    return str(_extra(Config.model_fields[field_name])["env"])


ENV_NAMES = tuple(_env(name) for name in Config.model_fields)
"""Every variable Papergram reads."""


def _host(url: str) -> str:
    return urlsplit(url).netloc or url


def load_dotenv_file(path: Path) -> None:
    """Read `.env` if present; real environment variables win over the file."""
    if path.is_file():
        from dotenv import load_dotenv

        load_dotenv(path, override=False)


def load_config(env: Mapping[str, str] | None = None, *, require_token: bool = True) -> Config:
    """Build a `Config` from `env` (default: `os.environ`), or raise `ConfigError` listing every problem.

    An empty variable means its default. The terminal `summarize` command needs no Telegram token, hence
    `require_token`.
    """
    env = os.environ if env is None else env
    values = {name: env[name].strip() for name in ENV_NAMES if env.get(name, "").strip()}
    problems: list[str] = []
    token = values.get("TELEGRAM_BOT_TOKEN", "")
    if not token:
        if require_token:
            problems.append(TOKEN_HELP)
    elif ":" not in token or any(c.isspace() for c in token):
        problems.append("TELEGRAM_BOT_TOKEN does not look like a bot token (expected 123456:ABC...)")
    if values.get("WEBHOOK_URL") and not re.fullmatch(r"[A-Za-z0-9_-]{16,256}", values.get("WEBHOOK_SECRET", "")):
        problems.append("WEBHOOK_SECRET must be set with WEBHOOK_URL: 16 to 256 letters, digits, _ or -")
    config = None
    try:
        config = Config.model_validate(values)
    except ValidationError as error:
        problems += [str(e["msg"]).removeprefix("Value error, ") for e in error.errors()]
    if problems or config is None:
        raise ConfigError(problems)
    return config


def _shown_default(name: str) -> str:
    info = Config.model_fields[name]
    extra = _extra(info)
    if "shown" in extra:
        return str(extra["shown"])
    default = info.default
    if isinstance(default, bool):
        return "`on`" if default else "`off`"
    if isinstance(default, tuple):
        return f"`{','.join(default)}`"
    if default in ("", None):
        return "—"
    if isinstance(default, float) and default.is_integer() and name != "about_threshold":
        default = int(default)
    return f"`{default:.2f}`" if name == "about_threshold" else f"`{default}`"


def settings_table() -> str:
    """The configuration table of docs/configuration.md, from the declarations above."""
    rows = ["| Variable | Default | What it does |", "|---|---|---|"]
    for name, info in Config.model_fields.items():
        rows.append(f"| `{_env(name)}` | {_shown_default(name)} | {info.description} |")
    return "\n".join(rows)


def env_example() -> str:
    """`.env.example`: every variable with its default, commented out but the token."""
    lines = ["# Papergram's settings (docs/configuration.md says what each does). Copy to .env beside bot.py.", ""]
    for name, info in Config.model_fields.items():
        default = info.default
        value = ",".join(default) if isinstance(default, tuple) else ("off" if default is False else default)
        if isinstance(value, float) and value.is_integer() and name != "about_threshold":
            value = int(value)
        lines.append(f"# {info.description}")
        lines.append(f"{'' if name == 'telegram_token' else '# '}{_env(name)}={value}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # python -m services.config [--env-example]
    sys.stdout.write(env_example() if sys.argv[1:] == ["--env-example"] else settings_table() + "\n")
