"""Fan a digest out to 1,000 chats through the fake Telegram, which enforces Telegram's limits.

    python bench/fanout.py [--chats 1000] [--latency-ms 0]

A tenth of the chats are groups, a tenth of the private ones read Chinese; all follow cs.CV; 20 new papers are
announced; the LLM (fake Gemini) answers instantly. The fake Telegram enforces Telegram's limits and answers
after `--latency-ms` (requests overlap, as on a real network). Planning (PDFs, summaries) is timed apart from
sending. Last line:
`fanout: chats=C papers=20 msgs=M msgs_per_s=A ratio=A/30 llm_calls=L peak_rss_mb=R latency_ms=X plan_s=P`.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot import build_application
from handlers.common.sender import TelegramSender
from services.bootstrap import Services
from services.config import load_config
from services.topics import parse_topic
from tests.fakes.arxiv import FakeArxiv, FakePaper
from tests.fakes.environment import fake_env
from tests.fakes.gemini import FakeGemini
from tests.fakes.telegram import FakeTelegram
from tests.pdfs import paper_pdf

TOKEN = "123456:BENCH-token"
PAPERS = 20


async def run(chats: int, latency_ms: float, plan_only: bool) -> None:
    tg, arxiv, gemini = FakeTelegram(TOKEN), FakeArxiv(), FakeGemini()
    for fake in (tg, arxiv, gemini):
        fake.start()
    tg.enforce_limits = True
    tg.latency = latency_ms / 1000
    pdf = paper_pdf()
    ids = [f"2408.{20000 + i}" for i in range(PAPERS)]
    for i, base_id in enumerate(ids):
        arxiv.add(FakePaper(base_id=base_id, title=f"A Vision Paper Number {i}", authors=["Ada Lovelace"],
                            abstract="We propose a method. It works.", pdfs={1: pdf}))
    arxiv.announce("cs.CV", "2024-08-26", [(b, "new") for b in ids])
    with tempfile.TemporaryDirectory() as tmp:
        env = fake_env(tg, arxiv, f"{tmp}/bench.db", GEMINI_API_KEY="bench-key", GEMINI_BASE_URL=gemini.base,
                       GEMINI_MODEL="gemini-bench")
        app = build_application(load_config(env))
        async with app:
            services: Services = app.bot_data["services"]
            services.digests.clock = lambda: datetime(2024, 8, 26, 9, 30, tzinfo=UTC)
            groups = chats // 10
            topic = parse_topic("cs.CV")
            with services.store.db.conn:  # setting up many chats is not what is measured
                for n in range(chats):
                    is_group = n < groups
                    chat_id = -1_000_000 - n if is_group else 1_000_000 + n
                    lang = "zh" if not is_group and n % 9 == 0 else "en"
                    services.store.db["chats"].insert({"id": chat_id, "type": "supergroup" if is_group else
                                                       "private", "title": f"chat {n}", "language": lang})
                    services.store.db["subscriptions"].insert({"chat_id": chat_id, "topic": topic.text,
                                                               "kind": topic.kind, "query": topic.query})
            start = time.perf_counter()
            await services.digests.poll()
            await services.digests.run_due()
            planned = time.perf_counter() - start
            start = time.perf_counter()
            if not plan_only:
                await services.outbox.drain(TelegramSender(app.bot))
            sending = time.perf_counter() - start
            services.close()
    for fake in (tg, arxiv, gemini):
        fake.stop()
    msgs = len([c for c in tg.calls if c.method.startswith("send")])
    rate = msgs / sending if msgs else 0.0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"planning: {planned:.1f}s for {PAPERS} papers in 2 languages; 429 answers: {tg.rejected}; "
          f"PDF downloads: {len(arxiv.pdf_requests)}; API queries: {len(arxiv.api_requests)}")
    print(f"fanout: chats={chats} papers={PAPERS} msgs={msgs} msgs_per_s={rate:.1f} ratio={rate / 30:.2f} "
          f"llm_calls={len(gemini.requests)} peak_rss_mb={peak:.0f} latency_ms={latency_ms:.0f} plan_s={planned:.1f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chats", type=int, default=1000)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--plan-only", action="store_true", help="plan the digests, send nothing (large --chats)")
    options = parser.parse_args()
    asyncio.run(run(options.chats, options.latency_ms, options.plan_only))
