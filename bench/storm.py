"""One user's storm, another user's wait: how fast a bystander is answered while the bot is under pressure.

    python bench/storm.py [--presses 1000] [--seconds 5]

The bot runs in this process against the fakes (Telegram, arXiv). A card is made for chat 1; then, while a
bystander in chat 2 sends `/start` every 100 ms:
- storm: chat 1 presses its card's buttons `--presses` times in `--seconds` seconds;
- lock: another connection holds the database's write lock for three seconds (a backup, `sqlite3` by hand)
  while chat 1 subscribes to a topic (a write: it is held and done once the lock is gone);
- exports: ten chats send `/export` at once, each of a 30-paper digest with figures (after one export made the
  cards and crops, as the morning's digest would have).
Answers are timed by watching the fake Telegram's calls every 5 ms. Last line:
`storm: bystander_p95_ms= presses_answered_p95_ms= sends_after_storm_s= lock_bystander_p95_ms=
export_bystander_p95_ms= exports_s= peak_rss_mb=`.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from services.arxiv.announcements import Announcement
from services.models import OutboxMessage
from services.store import Store
from services.store.deliveries import QueuedDigest
from tests.conftest import running_bot
from tests.fakes.arxiv import FakeArxiv, FakePaper
from tests.fakes.environment import fake_env
from tests.fakes.telegram import FakeTelegram
from tests.pdfs import paper_pdf

TOKEN = "123456:BENCH-token"
STORMER, BYSTANDER = 1, 2
EXPORTERS = range(100, 110)
DAY, PAPERS = "2024-08-26", 30


def photo_pdf(title: str, seed: int) -> bytes:
    """A drawn paper whose Figure 1 is a photograph-like image (noise: a crop of a few hundred KB, as real
    photographs and heat maps give), so that exports carry real weight."""
    import random

    import pymupdf

    doc = pymupdf.open(stream=paper_pdf(title=title))
    width, height = 620, 360
    pixels = pymupdf.Pixmap(pymupdf.csRGB, width, height, random.Random(seed).randbytes(width * height * 3), False)
    doc[0].insert_image(pymupdf.Rect(151, 433, 459, 611), pixmap=pixels)  # inside the drawn figure's frame
    data: bytes = doc.tobytes(garbage=3, deflate=True)
    doc.close()
    return data


def seed_exports(arxiv: FakeArxiv, db: str) -> None:
    """A 30-paper digest of `DAY` that each exporting chat received (its PDFs on the fake arXiv)."""
    ids = [f"2408.{10000 + i}" for i in range(PAPERS)]
    for number, base_id in enumerate(ids):
        title = f"Paper {number} on Faithful Summaries of Scientific Papers"
        arxiv.add(FakePaper(base_id=base_id, title=title, authors=["Ada Lovelace", "Alan Turing"],
                            abstract="We propose a method. It improves accuracy by 12%.",
                            pdfs={1: photo_pdf(title, number)}))
    store = Store(db)
    store.save_announcements(DAY, [Announcement(b, 1, f"Paper {n} on Faithful Summaries of Scientific Papers",
                                                ("Ada Lovelace", "Alan Turing"),
                                                "We propose a method. It improves accuracy by 12%.", ("cs.CV",),
                                                "new") for n, b in enumerate(ids)])
    for chat in EXPORTERS:
        store.ensure_chat(chat, "private", "Reader", "en")
    store.queue_digests([QueuedDigest(chat, DAY, DAY, [OutboxMessage("text", "digest", base_ids=tuple(ids))], [])
                         for chat in EXPORTERS])
    store.db.execute("UPDATE outbox SET state = 'sent'")  # received before the bench starts
    store.db.conn.commit()
    store.close()


def rss_now_mb() -> float:
    """The process's resident memory now (Linux), to see what the exports add over what was there."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0.0
    return pages * resource.getpagesize() / 2**20


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else (values[0] if values else 0.0)


def replies_to_stormer(tg: FakeTelegram) -> int:
    return sum(1 for c in list(tg.calls) if c.chat_id == STORMER and c.method.startswith(("send", "edit")))


async def bystander(tg: FakeTelegram, stop: asyncio.Event) -> list[float]:
    """`/start` every 100 ms from chat 2; the milliseconds until each reply."""
    waits = []
    while not stop.is_set():
        before = len(tg.calls_to("sendMessage", BYSTANDER))
        started = time.monotonic()
        tg.send_text("/start", chat_id=BYSTANDER, user_id=BYSTANDER)
        while len(tg.calls_to("sendMessage", BYSTANDER)) <= before:
            await asyncio.sleep(0.005)
        waits.append((time.monotonic() - started) * 1000)
        await asyncio.sleep(0.1)
    return waits


async def run(presses: int, seconds: float) -> None:
    tg, arxiv = FakeTelegram(TOKEN), FakeArxiv()
    tg.keep_files = False  # the exports' zips are the bot's memory, not the fake's
    for fake in (tg, arxiv):
        fake.start()
    arxiv.add(FakePaper(base_id="2408.14227", title="Faithful Summaries of Scientific Papers",
                        authors=["Ada Lovelace"], abstract="We propose a method. It works.", pdfs={1: paper_pdf()}))
    with tempfile.TemporaryDirectory() as tmp:
        env = fake_env(tg, arxiv, f"{tmp}/bench.db", DIGEST_TICK_SECONDS="1")
        seed_exports(arxiv, env["PAPERGRAM_DB"])
        async with running_bot(env, tg):
            tg.send_text("2408.14227", chat_id=STORMER, user_id=STORMER)
            await tg.wait_for("sendPhoto", chat_id=STORMER, timeout=60)
            card = next(c for c in tg.calls_to("sendMessage", STORMER) if c.params.get("reply_markup"))
            buttons = [b["callback_data"] for row in card.params["reply_markup"]["inline_keyboard"] for b in row
                       if "callback_data" in b]
            message_id = card.message()["message_id"]

            stop = asyncio.Event()
            watcher = asyncio.create_task(bystander(tg, stop))
            answered_before = len(tg.calls_to("answerCallbackQuery"))
            answered_at: list[float] = []

            async def watch_answers() -> None:
                deadline = time.monotonic() + seconds + 60
                while len(answered_at) < presses and time.monotonic() < deadline:
                    count = len(tg.calls_to("answerCallbackQuery")) - answered_before
                    answered_at.extend([time.monotonic()] * (count - len(answered_at)))
                    await asyncio.sleep(0.005)

            answers_watched = asyncio.create_task(watch_answers())
            pressed_at: list[float] = []
            started = time.monotonic()
            for i in range(presses):
                await asyncio.sleep(max(0.0, started + i * seconds / presses - time.monotonic()))
                tg.press(buttons[i % len(buttons)], chat_id=STORMER, message_id=message_id, user_id=STORMER)
                pressed_at.append(time.monotonic())
            await answers_watched
            storm_end = pressed_at[-1]
            last_send = replies_to_stormer(tg)
            quiet_since = time.monotonic()
            while time.monotonic() - quiet_since < 2:  # the storm's replies have stopped for two seconds
                await asyncio.sleep(0.05)
                now = replies_to_stormer(tg)
                if now != last_send:
                    last_send, quiet_since = now, time.monotonic()
            sends_after = max(0.0, quiet_since - storm_end)
            stop.set()
            storm_waits = await watcher

            stop = asyncio.Event()
            watcher = asyncio.create_task(bystander(tg, stop))
            holder = sqlite3.connect(env["PAPERGRAM_DB"], isolation_level=None)
            holder.execute("BEGIN IMMEDIATE")
            await asyncio.sleep(0.5)
            tg.send_text("/subscribe cs.CV", chat_id=STORMER, user_id=STORMER)  # a write while the lock is held
            await asyncio.sleep(2.5)
            holder.execute("ROLLBACK")
            holder.close()
            stop.set()
            lock_waits = await watcher
            await tg.wait_for("sendMessage", chat_id=STORMER, contains="Subscribed", timeout=30)

            tg.send_text("/export", chat_id=EXPORTERS[0], user_id=EXPORTERS[0])  # the cards and crops, once
            await tg.wait_for("sendDocument", chat_id=EXPORTERS[0], timeout=300)
            rss_before = rss_peak = rss_now_mb()
            stop = asyncio.Event()
            watcher = asyncio.create_task(bystander(tg, stop))
            started = time.monotonic()
            for chat in EXPORTERS:
                tg.send_text("/export", chat_id=chat, user_id=chat)
            expected = {chat: 2 if chat == EXPORTERS[0] else 1 for chat in EXPORTERS}
            while any(len(tg.calls_to("sendDocument", c)) < n for c, n in expected.items()):
                await asyncio.sleep(0.01)
                rss_peak = max(rss_peak, rss_now_mb())
            exports_s = time.monotonic() - started
            stop.set()
            export_waits = await watcher
    for fake in (tg, arxiv):
        fake.stop()
    answers = [(a - p) * 1000 for a, p in zip(answered_at, pressed_at, strict=False)]
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  presses={presses} answered={len(answered_at)} bystander_requests={len(storm_waits)} "
          f"lock_requests={len(lock_waits)} export_requests={len(export_waits)} "
          f"rss_mb_before_exports={rss_before:.0f} exports_added_mb={rss_peak - rss_before:.0f}")
    print(f"storm: bystander_p95_ms={p95(storm_waits):.0f} presses_answered_p95_ms={p95(answers):.0f} "
          f"sends_after_storm_s={sends_after:.1f} lock_bystander_p95_ms={p95(lock_waits):.0f} "
          f"export_bystander_p95_ms={p95(export_waits):.0f} exports_s={exports_s:.1f} peak_rss_mb={rss:.0f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--presses", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    asyncio.run(run(args.presses, args.seconds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
