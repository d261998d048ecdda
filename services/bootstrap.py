"""The composition root: every service built once from the settings, and the scheduler's tick over them.

`bot.py` builds the Telegram side around this; `python bot.py summarize` and the benches use it without Telegram.
Tests build it exactly as production does, with the URLs pointed at fakes.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from services.arxiv.announcements import FeedReader
from services.arxiv.client import ArxivClient
from services.arxiv.licences import LicenceReader
from services.cards.compare import Comparer
from services.cards.papers import PaperService
from services.cards.questions import QuestionService
from services.cards.versions import VersionComparer
from services.concurrency import KeyedLimiter
from services.config import Config
from services.delivery.outbox import Outbox
from services.delivery.pacing import GLOBAL_PER_SECOND, PAID_PER_SECOND, Pacer
from services.delivery.port import Sender
from services.digests.discovery import poll_interval
from services.digests.planner import DigestService
from services.llm.catalog import CatalogTranslator
from services.llm.extractive import ExtractiveSummarizer
from services.llm.fallback import FallbackSummarizer
from services.llm.gemini import GeminiSummarizer
from services.llm.openai_compat import OpenAISummarizer
from services.llm.port import Summarizer
from services.pdf.pool import PdfPool
from services.ranking.check import CALL_TIMEOUT, TopicCheck
from services.ranking.embeddings import Embedder, GeminiEmbedder, OpenAIEmbedder, PaperEmbeddings
from services.ranking.feedback import Feedback
from services.ranking.names import TopicNames
from services.ranking.search import SearchService
from services.ranking.similar import SimilarPapers
from services.signals import GitHub, HuggingFace, Popularity, SemanticScholar
from services.store import SKIPPED_KEPT, Store, utcnow

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
    versions: VersionComparer
    catalogs: CatalogTranslator
    """The bot's own texts in other languages, translated once by the LLM."""
    search: SearchService
    """arXiv searched for a reader's words (inline mode, guest queries)."""
    names: TopicNames
    """Other names of a topic, proposed by the LLM at /subscribe."""
    similar: SimilarPapers
    """🔗 papers like one: the bot's own pool and arXiv's answer for its distinctive words."""
    comparer: Comparer
    """/compare: papers side by side, from their cards and one checked LLM call."""
    chat_limits: KeyedLimiter = field(default_factory=lambda: KeyedLimiter(PAPERS_PER_CHAT))
    last_poll: datetime | None = None
    tasks: set[asyncio.Task[Any]] = field(default_factory=set)
    """Work in progress (updates being handled, the digest tick, resumed requests): a shutdown cuts it short."""
    stopping: bool = False

    def close(self) -> None:
        self.pdfs.close()
        self.store.close()

    async def aclose(self) -> None:
        """Close the HTTP clients, then the workers and the database."""
        await self.digests.close()
        await self.feedback.close()
        await self.papers.close()
        self.close()

    async def tick(self, sender: Sender) -> None:
        """Every minute: read the announcement feeds when due, plan the digests whose time has come, send.

        JobQueue jobs are not persisted, so this is scheduled at every start; the outbox and the chats' last
        digest days in SQLite carry everything across restarts.
        """
        if self.store.broken:
            return  # a damaged database takes no more writes; the operator was told when it happened
        if not self.store.writable_now():  # another process writes (a backup, sqlite3 by hand): next tick
            log.warning("the database is locked by another process: the scheduler waits for the next tick")
            return
        self.store.set_state("last_tick", utcnow().isoformat())
        now = self.digests.clock()
        self.prune_daily(now)
        interval = poll_interval(now, timedelta(minutes=self.config.poll_minutes))
        if self.last_poll is None or now - self.last_poll >= interval:
            self.last_poll = now
            await self.digests.poll()
        await self.digests.run_due()
        await self.outbox.drain(sender)

    def prune_daily(self, now: datetime) -> None:
        """Once a UTC day: history past RETENTION_DAYS and caches past CACHE_DAYS go (the pages are reused)."""
        today = now.date().isoformat()
        if self.store.get_state("last_prune") == today:
            return
        config = self.config
        removed = self.store.prune((now - timedelta(days=config.retention_days)).date().isoformat(),
                                   (now - timedelta(days=config.cache_days)).isoformat(),
                                   (now - SKIPPED_KEPT).date().isoformat())
        self.store.set_state("last_prune", today)
        log.info("pruned: %s", ", ".join(f"{table} {count}" for table, count in removed.items() if count)
                 or "nothing")


def build_summarizer(config: Config) -> Summarizer:
    """The configured provider, with the other as its fallback when configured; offline without any."""

    def provider(name: str) -> Summarizer | None:
        if not name or not config.provider_ready(name):
            return None
        if name == "gemini":
            return GeminiSummarizer(config.gemini_api_key, config.gemini_model, config.gemini_base_url,
                                    timeout=config.llm_timeout)
        return OpenAISummarizer(config.openai_api_key, config.openai_model, config.openai_base_url,
                                timeout=config.llm_timeout)

    first, second = provider(config.llm_provider), provider(config.llm_fallback)
    if first is None:
        first, second = second, None
    if first is None:
        return ExtractiveSummarizer()
    return FallbackSummarizer(first, second) if second is not None else first


def build_popularity(config: Config, store: Store) -> Popularity:
    """The popularity sources whose endpoint is set (an empty URL turns one off)."""
    timeout = config.signals_timeout
    return Popularity(
        store,
        HuggingFace(config.hf_api_url, timeout) if config.hf_api_url else None,
        GitHub(config.github_api_url, config.github_token, timeout) if config.github_api_url else None,
        SemanticScholar(config.semantic_scholar_api_url, config.semantic_scholar_api_key, timeout)
        if config.semantic_scholar_api_url else None,
        timeout)


def build_embedder(config: Config) -> Embedder:
    """The embeddings server when one is configured, else Gemini's (the caller checks `about_by_meaning`)."""
    if config.embeddings_base_url and config.embeddings_model:
        return OpenAIEmbedder(config.embeddings_base_url, config.embeddings_api_key, config.embeddings_model,
                              timeout=config.llm_timeout)
    return GeminiEmbedder(config.gemini_api_key, config.embedding_model, config.gemini_base_url,
                          timeout=config.llm_timeout)


def build_services(config: Config) -> Services:
    store = Store(config.db_path)
    arxiv = ArxivClient(config.arxiv_api_url, config.arxiv_pdf_url, delay_seconds=config.arxiv_delay_seconds,
                        timeout=config.http_timeout, max_pdf_bytes=config.max_pdf_mb * 2**20,
                        download_seconds=config.pdf_download_seconds)
    pdfs = PdfPool(workers=config.pdf_workers, seconds=config.pdf_seconds)
    llm = build_summarizer(config)
    licences = LicenceReader(config.arxiv_oai_url, timeout=config.http_timeout, delay=config.arxiv_delay_seconds)
    papers = PaperService(store, arxiv, pdfs, llm, max_pages=config.max_pdf_pages, llm_budget=config.llm_daily_budget,
                          licences=licences, popularity=build_popularity(config, store))
    questions = QuestionService(store, papers, llm, budget=config.llm_daily_budget)
    versions = VersionComparer(store, papers, llm, budget=config.llm_daily_budget)
    feedback = Feedback(store)
    pacer = Pacer(per_second=PAID_PER_SECOND if config.paid_broadcast else GLOBAL_PER_SECOND)
    embeddings = PaperEmbeddings(store, build_embedder(config), config.about_threshold) \
        if config.about_by_meaning else None
    check = TopicCheck(store, llm, budget=config.llm_daily_budget, timeout=min(config.llm_timeout, CALL_TIMEOUT)) \
        if config.relevance_check and not isinstance(llm, ExtractiveSummarizer) else None
    digests = DigestService(store, FeedReader(config.arxiv_rss_url, timeout=config.http_timeout), papers,
                            archives=config.discovery_archives, feedback=feedback, embeddings=embeddings,
                            retention_days=config.retention_days, check=check)
    catalogs = CatalogTranslator(store, llm, offline=isinstance(llm, ExtractiveSummarizer))
    catalogs.load()
    return Services(config=config, store=store, pdfs=pdfs, papers=papers, digests=digests,
                    outbox=Outbox(store, pacer, concurrency=config.send_concurrency, licence=papers.licence,
                                  card_style=config.card_style),
                    pacer=pacer, feedback=feedback,
                    questions=questions, versions=versions, catalogs=catalogs,
                    search=SearchService(arxiv, feedback),
                    names=TopicNames(None if isinstance(llm, ExtractiveSummarizer) else llm, store,
                                     budget=config.llm_daily_budget),
                    similar=SimilarPapers(store, arxiv, embeddings),
                    comparer=Comparer(store, papers, llm, budget=config.llm_daily_budget))
