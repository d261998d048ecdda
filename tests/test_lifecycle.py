"""Crashes and restarts of the real process: kill -9 mid-card, SIGTERM mid-fan-out. Nobody is left waiting."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from services.delivery.outbox import SEND_CONCURRENCY
from services.i18n import t
from services.models import OutboxMessage
from services.store import Store
from tests.conftest import running_bot
from tests.fakes.arxiv import FakeArxiv
from tests.fakes.telegram import FakeTelegram
from tests.test_paper_cards import add_paper

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def bot_process(env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`python bot.py`, as `make run` starts it, against the fakes; killed if a test leaves it running."""
    with log.open("ab") as out:
        process = subprocess.Popen([sys.executable, str(ROOT / "bot.py")], cwd=ROOT,
                                   env={"PATH": os.environ.get("PATH", ""), **env}, stdout=out, stderr=out)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


async def until(condition: Callable[[], bool], timeout: float = 30.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


def stop(process: subprocess.Popen[bytes]) -> float:
    """SIGTERM, as systemd and Docker send it; returns the seconds until the process is gone."""
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)
    return time.monotonic() - started


async def killed_while_reading(env: dict[str, str], tg: FakeTelegram, arxiv_fake: FakeArxiv, log: Path,
                               chat_id: int) -> None:
    """A link sent, the bot killed (-9) while it reads the slow PDF; the PDF is fast again afterwards."""
    add_paper(arxiv_fake)
    arxiv_fake.pdf_delay = 4.0
    with bot_process(env, log) as first:
        tg.send_text("https://arxiv.org/abs/2408.14227", chat_id=chat_id)
        await until(lambda: tg.texts_to(chat_id, "") != [], what="the status message")
        await until(lambda: any("Reading the PDF" in c.text for c in tg.calls_to("editMessageText", chat_id)),
                    what="the PDF being read")
        first.send_signal(signal.SIGKILL)
        first.wait()
    arxiv_fake.pdf_delay = 0.0


async def test_a_card_in_progress_at_a_kill_is_finished_after_the_restart(
        env: dict[str, str], tg: FakeTelegram, arxiv_fake: FakeArxiv, tmp_path: Path) -> None:
    log = tmp_path / "bot.log"
    await killed_while_reading(env, tg, arxiv_fake, log, 961)
    assert not tg.calls_to("sendPhoto", 961)
    with bot_process(env, log) as second:
        await until(lambda: bool(tg.calls_to("sendPhoto", 961)), what="the card after the restart")
        elapsed = stop(second)
    cards = [c for c in tg.calls_to("sendMessage", 961) if "Faithful Summaries" in c.text]
    assert len(cards) == 1, "one card"
    statuses = [c for c in tg.calls_to("sendMessage", 961) if c not in cards]
    assert len(statuses) == 1, "no second status message: the one the user saw is finished, then goes"
    [deleted] = tg.calls_to("deleteMessage", 961)
    assert deleted.params["message_id"] == statuses[0].message()["message_id"]
    assert elapsed <= 5
    store = Store(env["PAPERGRAM_DB"])
    assert store.card_requests() == [], "the journal is empty once the card is there"
    store.close()


async def test_sigterm_mid_fanout_stops_in_seconds_and_repeats_nothing(
        env: dict[str, str], tg: FakeTelegram, tmp_path: Path) -> None:
    chats = list(range(5000, 5150))
    store = Store(env["PAPERGRAM_DB"])
    for chat_id in chats:
        store.ensure_chat(chat_id, "private", "x", "en")
        store.queue_digest(chat_id, "2024-08-26", "2024-08-26",
                           [OutboxMessage("text", f"Digest for {chat_id}")], [])
    store.close()
    env["DIGEST_TICK_SECONDS"] = "1"
    tg.latency = 0.03
    log = tmp_path / "bot.log"
    with bot_process(env, log) as first:
        await until(lambda: len(tg.calls_to("sendMessage")) >= 30, what="the fan-out to start")
        elapsed = stop(first)
        assert first.returncode == 0
    sent_before = len(tg.calls_to("sendMessage"))
    assert sent_before < len(chats), "stopped mid-fan-out"
    print(f"shutdown under a full outbox: {elapsed:.2f}s, {sent_before} of {len(chats)} sent before it")
    assert elapsed <= 5, f"stopped in {elapsed:.1f}s"
    with bot_process(env, log) as second:
        await until(lambda: all(tg.texts_to(c) for c in chats), timeout=60, what="every chat's digest")
        stop(second)
    repeats = sum(len(tg.texts_to(c)) - 1 for c in chats)
    print(f"duplicates after the restart: {repeats}")
    assert repeats <= 1, "at most the one message in flight"


async def test_a_request_too_old_to_finish_is_answered(env: dict[str, str], tg: FakeTelegram) -> None:
    store = Store(env["PAPERGRAM_DB"])
    store.ensure_chat(962, "private", "Ada", "en")
    request = store.add_card_request(962, "private", 10, 11, "2408.14227", "en", None)
    store.db.execute("UPDATE card_requests SET created_at = '2020-01-01T00:00:00+00:00' WHERE id = ?", [request])
    store.db.conn.commit()
    store.close()
    async with running_bot(env, tg):
        [answer] = await tg.wait_for("editMessageText", chat_id=962)
    assert answer.text == t("en", "restart_too_late", id="2408.14227")
    assert int(answer.params["message_id"]) == 11


async def test_kill_mid_fanout_with_messages_in_flight_loses_nothing(env: dict[str, str], tg: FakeTelegram,
                                                                     tmp_path: Path) -> None:
    chats = list(range(6000, 6100))
    store = Store(env["PAPERGRAM_DB"])
    for chat_id in chats:
        store.ensure_chat(chat_id, "private", "x", "en")
        store.queue_digest(chat_id, "2024-08-26", "2024-08-26",
                           [OutboxMessage("text", f"Part {i} for {chat_id}") for i in range(2)], [])
    store.close()
    env["DIGEST_TICK_SECONDS"] = "1"
    tg.latency = 0.15  # a real network's round trip: several messages are in flight at any moment
    log = tmp_path / "bot.log"
    with bot_process(env, log) as first:
        await until(lambda: len(tg.calls_to("sendMessage")) >= 40, what="the fan-out to start")
        first.send_signal(signal.SIGKILL)
        first.wait()
    tg.latency = 0.0
    with bot_process(env, log) as second:
        await until(lambda: all(len(tg.texts_to(c)) >= 2 for c in chats), timeout=60, what="every chat's digest")
        stop(second)
    repeats = sum(len(tg.texts_to(c)) - 2 for c in chats)
    assert repeats <= SEND_CONCURRENCY, f"{repeats} repeats"
    for chat_id in chats:
        texts = tg.texts_to(chat_id)
        assert texts.index(f"Part 0 for {chat_id}") < len(texts) - 1 - texts[::-1].index(f"Part 1 for {chat_id}"), \
            "each chat's messages keep their order"


async def test_a_card_whose_text_went_out_gets_only_its_album_after_a_restart(
        env: dict[str, str], tg: FakeTelegram, arxiv_fake: FakeArxiv) -> None:
    """Stopped while the crops were drawing: the group has the card's text already, not twice."""
    add_paper(arxiv_fake)
    store = Store(env["PAPERGRAM_DB"])
    store.ensure_chat(-963, "group", "Lab", "en")
    request = store.add_card_request(-963, "group", 20, 21, "2408.14227", "en", 20)
    assert request is not None
    store.card_text_sent(request)
    async with running_bot(env, tg):
        [photo] = await tg.wait_for("sendPhoto", chat_id=-963)
        await until(lambda: store.card_requests() == [], what="the journal to empty")
    store.close()
    assert photo.params["caption"] == "Fig. 1 — Faithfulness against paper length."
    assert not tg.calls_to("sendMessage", -963) and not tg.calls_to("editMessageText", -963), "no text again"


def journaled(db: str) -> bool:
    """Whether the journal holds a provisional card's messages (read as another process would)."""
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return any(row[0] for row in connection.execute("SELECT provisional_ids FROM card_requests"))
    finally:
        connection.close()


async def test_a_card_from_the_abstract_at_a_kill_is_completed_in_place_after_the_restart(
        env: dict[str, str], tg: FakeTelegram, arxiv_fake: FakeArxiv, tmp_path: Path) -> None:
    """Killed while the PDF was slow and the reader had the card quoted from the abstract: after the restart the
    card is written into that message, not sent a second time."""
    env["PDF_PATIENCE_SECONDS"] = "1"
    add_paper(arxiv_fake)
    arxiv_fake.pdf_delay = 6.0
    note = t("en", "note_provisional")
    log = tmp_path / "bot.log"
    with bot_process(env, log) as first:
        tg.send_text("2408.14227", chat_id=965)
        await until(lambda: bool(tg.texts_to(965, note)), what="the card from the abstract")
        await until(lambda: journaled(env["PAPERGRAM_DB"]), what="its messages in the journal")  # else: in flight
        first.send_signal(signal.SIGKILL)
        first.wait()
    arxiv_fake.pdf_delay = 0.0
    with bot_process(env, log) as second:
        await until(lambda: bool(tg.calls_to("sendPhoto", 965)), what="the card after the restart")
        stop(second)
    [card] = [c for c in tg.calls_to("sendMessage", 965) if "Faithful Summaries" in c.text]
    assert note in card.text
    [written] = [c for c in tg.calls_to("editMessageText", 965)
                 if c.params.get("message_id") == card.message()["message_id"]]
    assert note not in written.text and "Faithful Summaries" in written.text
    store = Store(env["PAPERGRAM_DB"])
    assert store.card_requests() == [], "the journal is empty once the card is there"
    store.close()


async def test_a_rich_card_in_progress_at_a_kill_is_one_rich_card_after_the_restart(
        env: dict[str, str], tg: FakeTelegram, arxiv_fake: FakeArxiv, tmp_path: Path) -> None:
    env["CARD_STYLE"] = "rich"
    log = tmp_path / "bot.log"
    await killed_while_reading(env, tg, arxiv_fake, log, 962)
    with bot_process(env, log) as second:
        await until(lambda: bool(tg.calls_to("sendRichMessage", 962)), what="the rich card after the restart")
        stop(second)
    [card] = tg.calls_to("sendRichMessage", 962)
    assert card.text.startswith("Faithful Summaries of Scientific Papers")
    assert not tg.calls_to("sendPhoto", 962) and not tg.calls_to("sendMediaGroup", 962), "one message"
    store = Store(env["PAPERGRAM_DB"])
    assert store.card_requests() == [], "the journal is empty once the card is there"
    store.close()
