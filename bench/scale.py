"""A year in the life of the database, compressed: many chats, many days, the real Store, DigestService and
Outbox on a temp database (the LLM, arXiv and Telegram are not involved: cards are in the cache, sending is
instant), pruning as the bot does it once a day.

    python bench/scale.py --chats 10000 --days 30

Each chat follows 3 of 40 topics (categories and keywords); 200 papers are announced a day, each with its card
(summary and 30 kB of text) in the cache, as a day's first card request leaves it. Every simulated day: the
day's announcements, the planning of every chat's digest (timed), sending it all, the daily prune; then an idle
tick — what the bot does in a minute when nothing is due: the due-chat query, an empty outbox — is timed, and
apart from it the needed-feeds query a poll starts with (every few minutes, on the store's reader thread). Last
line:
`scale: chats=N days=D plan_ms_per_chat=P idle_tick_ms=T db_mb_day1=A db_mb_last=B peak_rss_mb=R`.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from services.arxiv.announcements import Announcement
from services.cards.papers import PaperService
from services.delivery.outbox import Outbox
from services.delivery.pacing import Pacer
from services.delivery.port import Button
from services.digests.planner import DigestService
from services.llm.extractive import ExtractiveSummarizer
from services.llm.prompt import PROMPT_VERSION
from services.models import FigureImage, PaperMeta, PdfContent
from services.store import SKIPPED_KEPT, Store, utcnow
from services.topics import parse_topic

PAPERS_PER_DAY = 200
CATEGORIES = ["cs.CV", "cs.LG", "cs.CL", "cs.AI", "cs.CR", "cs.RO", "stat.ML", "cs.SE", "cs.NI", "eess.IV"]
KEYWORDS = ["diffusion", "transformer", "graph neural network", "reinforcement learning", "federated learning",
            "robustness", "large language model", "contrastive", "segmentation", "retrieval", "fuzzing",
            "quantization", "distillation", "benchmark", "privacy", "3D reconstruction", "speech", "agents",
            "optimization", "kernel", "causal", "video", "protein", "planning", "compression", "attention",
            "sparse", "tokenizer", "alignment", "code generation"]
TOPICS = CATEGORIES + KEYWORDS
VOCABULARY = (" ".join(KEYWORDS) + " the of and a to in is we that for on with as are by this from be an our "
              "which at it results method model data training learning performance show table figure section "
              "baseline dataset accuracy approach network loss proposed task tasks first second each using "
              "than can not also more two over its these their between both image images text layer layers").split()


def paper_text(rng: random.Random) -> str:
    """About 30 kB of words drawn from a small vocabulary: compresses about as well as a paper's prose."""
    words = rng.choices(VOCABULARY, k=4_500)
    return ". ".join(" ".join(words[i:i + 15]) for i in range(0, len(words), 15))[:30_000]


class InstantSender:
    """Telegram that answers at once with made-up message ids."""

    def __init__(self) -> None:
        self.count = 0

    async def text(self, chat_id: int, html: str, buttons: list[list[Button]]) -> list[int]:
        self.count += 1
        return [self.count]

    async def overview(self, chat_id: int, overview: Any) -> list[int]:
        return await self.text(chat_id, overview.header, [])

    async def photos(self, chat_id: int, figures: list[FigureImage], captions: list[str]) -> list[int]:
        self.count += len(figures)
        return list(range(self.count - len(figures) + 1, self.count + 1))


class Unused:
    """arXiv and the PDF pool: every card is in the cache, so nothing may reach them."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the bench's cards are cached: {name} was called")


def db_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 2**20


def announce(store: Store, day: datetime, number: int, rng: random.Random) -> None:
    """The day's papers: announced, with their cards cached (metadata, text, summary)."""
    items = []
    for i in range(PAPERS_PER_DAY):
        base_id = f"{day:%y%m}.{number * PAPERS_PER_DAY + i + 10000:05d}"
        words = rng.sample(KEYWORDS, 2)
        category = rng.choice(CATEGORIES)
        title = f"{words[0].title()} for {words[1]} at scale, paper {i}"
        abstract = f"We propose a new approach to {words[0]} and {words[1]}. " * 6
        items.append(Announcement(base_id, 1, title, ("Ada Lovelace", "Alan Turing"), abstract, (category,),
                                  "new"))
        meta = PaperMeta(base_id, 1, title, ("Ada Lovelace", "Alan Turing"), abstract, category,
                         categories=(category,), published=day, updated=day)
        store.save_paper(meta, is_latest=True)
        text = paper_text(rng)
        store.save_document(meta, PdfContent(text, "Example University", 10))
        fields = ExtractiveSummarizer().extract(meta, PdfContent(text[:3000], "", 10)).model_dump()
        store.save_summary(meta, "en", "extractive", PROMPT_VERSION, fields)
    store.save_announcements(day.date().isoformat(), items)


def add_chats(store: Store, chats: int, rng: random.Random) -> None:
    now = utcnow().isoformat()
    topics = {name: parse_topic(name) for name in TOPICS}
    with store.db.conn:
        store.db.conn.executemany(
            "INSERT INTO chats (id, type, title, language, timezone, digest_time, mode, active, created_at, "
            "updated_at) VALUES (?, 'private', 'Reader', 'en', 'UTC', '09:00', 'overview', 1, ?, ?)",
            [(chat_id, now, now) for chat_id in range(1, chats + 1)])
        store.db.conn.executemany(
            "INSERT INTO subscriptions (chat_id, topic, kind, query, created_at) VALUES (?, ?, ?, ?, ?)",
            [(chat_id, topics[name].text, topics[name].kind, topics[name].query, now)
             for chat_id in range(1, chats + 1) for name in rng.sample(TOPICS, 3)])


async def run(chats: int, days: int) -> None:
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scale.db"
        store = Store(path)
        papers = PaperService(store, Unused(), Unused(), ExtractiveSummarizer())  # type: ignore[arg-type]
        digests = DigestService(store, Unused(), papers, retention_days=90)  # type: ignore[arg-type]
        outbox = Outbox(store, Pacer(per_second=1e9, group_per_minute=10**9), concurrency=64)
        sender = InstantSender()
        add_chats(store, chats, rng)
        start = datetime(2025, 3, 3, tzinfo=UTC)
        plan_ms: list[float] = []
        idle_ms: list[float] = []
        day1 = 0.0
        for number in range(days):
            day = start + timedelta(days=number)
            announce(store, day, number, rng)
            digests.clock = lambda day=day: day + timedelta(hours=10)  # type: ignore[misc]
            began = time.perf_counter()
            planned = await digests.run_due()
            plan_ms.append((time.perf_counter() - began) * 1000 / max(1, planned))
            await outbox.drain(sender)
            now = day + timedelta(hours=10)
            store.prune((now - timedelta(days=90)).date().isoformat(), (now - timedelta(days=7)).isoformat(),
                        (now - SKIPPED_KEPT).date().isoformat())
            began = time.perf_counter()
            await digests.run_due()  # the next minute: nothing is due
            await outbox.drain(sender)
            idle_ms.append((time.perf_counter() - began) * 1000)
            began = time.perf_counter()
            feeds = await digests.feeds_needed()  # a poll's first step (off the loop, every few minutes)
            feeds_ms = (time.perf_counter() - began) * 1000
            size = db_mb(path)
            day1 = day1 or size
            print(f"day {number + 1}: planned={planned} plan_ms_per_chat={plan_ms[-1]:.2f} "
                  f"idle_tick_ms={idle_ms[-1]:.0f} needed_feeds_ms={feeds_ms:.0f} ({len(feeds)} feeds) "
                  f"messages={sender.count} db_mb={size:.1f}", flush=True)
        store.close()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"scale: chats={chats} days={days} plan_ms_per_chat={plan_ms[0]:.2f} "
              f"idle_tick_ms={max(idle_ms):.0f} db_mb_day1={day1:.1f} db_mb_last={size:.1f} "
              f"peak_rss_mb={peak:.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chats", type=int, default=1000)
    parser.add_argument("--days", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(run(args.chats, args.days))


if __name__ == "__main__":
    main()
