"""One user's storm, another user's wait: how fast a bystander is answered while the bot is under pressure.

    python bench/storm.py [--presses 1000] [--seconds 5]

The bot runs in this process against the fakes (Telegram, arXiv). A card is made for chat 1; then, while a
bystander in chat 2 sends `/start` every 100 ms:
- storm: chat 1 presses its card's buttons `--presses` times in `--seconds` seconds;
- lock: another connection holds the database's write lock for three seconds (a backup, `sqlite3` by hand).
Answers are timed by watching the fake Telegram's calls every 5 ms. Last line:
`storm: bystander_p95_ms= presses_answered_p95_ms= sends_after_storm_s= lock_bystander_p95_ms= peak_rss_mb=`.
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

from tests.conftest import running_bot
from tests.fakes.arxiv import FakeArxiv, FakePaper
from tests.fakes.telegram import FakeTelegram
from tests.pdfs import paper_pdf

TOKEN = "123456:BENCH-token"
STORMER, BYSTANDER = 1, 2


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
    for fake in (tg, arxiv):
        fake.start()
    arxiv.add(FakePaper(base_id="2408.14227", title="Faithful Summaries of Scientific Papers",
                        authors=["Ada Lovelace"], abstract="We propose a method. It works.", pdfs={1: paper_pdf()}))
    with tempfile.TemporaryDirectory() as tmp:
        env = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": f"{tg.base}/bot", "ARXIV_API_URL": arxiv.api_url,
               "ARXIV_PDF_URL": arxiv.pdf_url, "ARXIV_RSS_URL": f"{arxiv.base}/rss/", "ARXIV_DELAY_SECONDS": "0",
               "PAPERGRAM_DB": f"{tmp}/bench.db", "DIGEST_TICK_SECONDS": "1"}
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
            await asyncio.sleep(3)
            holder.execute("ROLLBACK")
            holder.close()
            stop.set()
            lock_waits = await watcher
    for fake in (tg, arxiv):
        fake.stop()
    answers = [(a - p) * 1000 for a, p in zip(answered_at, pressed_at, strict=False)]
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  presses={presses} answered={len(answered_at)} bystander_requests={len(storm_waits)} "
          f"lock_requests={len(lock_waits)}")
    print(f"storm: bystander_p95_ms={p95(storm_waits):.0f} presses_answered_p95_ms={p95(answers):.0f} "
          f"sends_after_storm_s={sends_after:.1f} lock_bystander_p95_ms={p95(lock_waits):.0f} peak_rss_mb={rss:.0f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--presses", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    asyncio.run(run(args.presses, args.seconds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
