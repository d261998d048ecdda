"""What careless users, hostile input and unlucky operators do, from outside: every case gets a clear answer."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from bot import build_application
from handlers.common.sender import TelegramSender
from services.bootstrap import build_services
from services.cards.papers import Stage
from services.config import load_config
from services.i18n import t
from services.models import ChatSettings, OutboxMessage
from services.store import Store
from services.store.migrations import migrations
from tests.conftest import TOKEN, Clock, RunningBot, running_bot, with_gemini
from tests.fakes.arxiv import FakeArxiv
from tests.fakes.gemini import FakeGemini
from tests.fakes.telegram import FakeTelegram
from tests.test_digests import command, services_of
from tests.test_lifecycle import until
from tests.test_paper_cards import add_paper

ROOT = Path(__file__).resolve().parent.parent


def run_bot(tmp_path: Path, db: Path) -> subprocess.CompletedProcess[str]:
    """The real bot process with PAPERGRAM_DB at `db`; it must stop before reaching Telegram."""
    env = {"PATH": os.environ.get("PATH", ""), "TELEGRAM_BOT_TOKEN": TOKEN, "PAPERGRAM_DB": str(db),
           "TELEGRAM_API_URL": "http://127.0.0.1:9/bot"}
    return subprocess.run([sys.executable, str(ROOT / "bot.py")], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=60)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def foreign_sqlite(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    connection.execute("INSERT INTO moz_places (url) VALUES ('https://example.org')")
    connection.commit()
    connection.close()


def newer_papergram(path: Path) -> None:
    Store(path).close()
    db = Database(path)
    db["_sqlite_migrations"].insert({"migration_set": migrations.name, "name": "0099_from_the_future",
                                     "applied_at": "2030-01-01"})
    db.execute("PRAGMA journal_mode = DELETE")
    db.close()


def damaged(path: Path) -> None:
    store = Store(path)
    store.db["filler"].insert_all({"id": i, "text": "x" * 500} for i in range(400))
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.db.execute("PRAGMA journal_mode = DELETE")
    store.close()
    data = bytearray(path.read_bytes())
    middle = len(data) // 2 // 4096 * 4096
    data[middle:middle + 4096] = b"\xa5" * 4096  # a page in the middle overwritten, the header intact
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(("prepare", "says"), [
    (lambda p: p.write_bytes(os.urandom(8192)), "is not an SQLite database"),
    (foreign_sqlite, "belongs to another program"),
    (newer_papergram, "written by a newer Papergram (migration 0099_from_the_future)"),
    (damaged, "is damaged"),
])
def test_the_store_refuses_what_it_does_not_own_and_leaves_it_untouched(tmp_path: Path, prepare: object,
                                                                        says: str) -> None:
    db = tmp_path / "data.db"
    prepare(db)  # type: ignore[operator]
    before = sorted(p.name for p in tmp_path.iterdir())
    fingerprint = digest(db)
    result = run_bot(tmp_path, db)
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"papergram: PAPERGRAM_DB: {db}") and says in line
    assert "Traceback" not in result.stderr
    assert digest(db) == fingerprint, "not a byte changed"
    assert sorted(p.name for p in tmp_path.iterdir()) == before, "no journal or WAL file added"


def test_a_directory_or_a_read_only_place_is_refused_in_one_line(tmp_path: Path) -> None:
    result = run_bot(tmp_path, tmp_path)
    assert result.returncode == 2 and "is a directory" in result.stderr and "Traceback" not in result.stderr
    if os.geteuid() == 0:
        pytest.skip("root writes everywhere: read-only files cannot be tested as root")
    locked = tmp_path / "locked"
    locked.mkdir()
    Store(locked / "data.db").close()
    locked.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        result = run_bot(tmp_path, locked / "data.db")
    finally:
        locked.chmod(stat.S_IRWXU)
    assert result.returncode == 2 and "cannot write in" in result.stderr


async def test_odd_input_gets_an_answer(bot: RunningBot) -> None:
    assert await command(bot, "/time 08:30 America", 941) == t("en", "time_bad_zone", zone="America")
    assert await command(bot, "/time 08:30 ../../etc/passwd", 941) == t("en", "time_bad_zone",
                                                                          zone="../../etc/passwd")
    assert await command(bot, "/time ０８:30", 941) == t("en", "time_usage", time="09:00", zone="UTC")
    await command(bot, "/subscribe cs.CV", 941)
    assert await command(bot, "/unsubscribe ²", 941) == t("en", "unsubscribe_unknown")
    assert await command(bot, "/unsubscribe 99999999999999999999", 941) == t("en", "unsubscribe_unknown")


async def test_every_button_is_answered(bot: RunningBot) -> None:
    bot.tg.press("rm:abc", chat_id=942)
    bot.tg.press("nonsense", chat_id=942)
    bot.tg.press("rate:+:" + "9" * 60, chat_id=942)
    answers = await bot.tg.wait_for("answerCallbackQuery", count=3)
    assert [a.params.get("text") for a in answers] == [t("en", "button_expired")] * 3


async def test_a_button_whose_list_did_not_change_is_quietly_answered(bot: RunningBot,
                                                                      caplog: pytest.LogCaptureFixture) -> None:
    await command(bot, "/subscribe cs.CV", 943)
    await command(bot, "/subscribe cs.LG", 943)
    bot.tg.fail_next("editMessageText", "400", chat_id=943,
                     description="Bad Request: message is not modified: specified new message content and reply "
                                 "markup are exactly the same as a current content and reply markup of the message")
    bot.tg.press("rm:999", chat_id=943)  # a topic removed already: the list is the same
    for _ in range(200):
        if any(c.method == "editMessageText" for c in bot.tg.failed_calls):
            break
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.3)
    answers = bot.tg.calls_to("answerCallbackQuery")
    assert answers and not any(a.params.get("show_alert") for a in answers)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert bot.tg.texts_to(943)[-1].startswith("Subscribed to <b>cs.LG</b>"), "no apology"


async def test_an_html_page_served_as_a_pdf_is_not_read(env: dict[str, str], tg: FakeTelegram, arxiv_fake: FakeArxiv,
                                                         gemini: FakeGemini) -> None:
    with_gemini(env, gemini)
    add_paper(arxiv_fake)
    arxiv_fake.pdf_html = True
    async with running_bot(env, tg) as running:
        running.tg.send_text("2408.14227", chat_id=944)
        [edit] = await running.tg.wait_for("sendMessage", chat_id=944, contains="Faithful")
        assert t("en", "note_pdf", reason="arXiv answered with something that is not a PDF") in edit.text
        assert "Rate exceeded" not in gemini.prompt(), "the error page is not the paper's text"
        assert not running.tg.calls_to("sendPhoto", 944) and not running.tg.calls_to("sendMediaGroup", 944)
        arxiv_fake.pdf_html = False  # not cached: the next request reads the real PDF
        running.tg.send_text("/lang zh", chat_id=944)
        running.tg.send_text("2408.14227", chat_id=944)
        await running.tg.wait_for("sendPhoto", chat_id=944)


async def test_a_trickling_pdf_is_given_up_on_time(env: dict[str, str], tg: FakeTelegram,
                                                   arxiv_fake: FakeArxiv) -> None:
    env["PDF_DOWNLOAD_SECONDS"] = "2"
    add_paper(arxiv_fake)
    arxiv_fake.pdf_trickle = (64, 0.5)  # a 20 KB PDF would take over two minutes
    async with running_bot(env, tg) as running:
        started = time.monotonic()
        running.tg.send_text("2408.14227", chat_id=945)
        [edit] = await running.tg.wait_for("sendMessage", chat_id=945, contains="Faithful", timeout=30)
        assert time.monotonic() - started < 10
        assert t("en", "note_pdf", reason="the PDF could not be downloaded") in edit.text


async def test_a_slow_pdf_gets_a_card_from_the_abstract_at_once_and_the_card_in_its_place(
        env: dict[str, str], tg: FakeTelegram, arxiv_fake: FakeArxiv) -> None:
    """A PDF slower than the patience: the reader gets the card quoted from the abstract (with its buttons and a
    note saying so) instead of a status message for minutes; the card is written into that message when the PDF
    comes, and its figures follow. One card, one notification."""
    env["PDF_PATIENCE_SECONDS"] = "1"
    add_paper(arxiv_fake)
    arxiv_fake.pdf_delay = 3.0
    note = t("en", "note_provisional")
    async with running_bot(env, tg) as running:
        started = time.monotonic()
        running.tg.send_text("2408.14227", chat_id=951)
        [early] = await running.tg.wait_for("sendMessage", chat_id=951, contains="Faithful Summaries", timeout=10)
        assert time.monotonic() - started < 2.5, "before the PDF"
        assert note in early.text and "We propose a faithful summarizer." in early.text
        assert "inline_keyboard" in str(early.params.get("reply_markup")), "its buttons at once"
        await running.tg.wait_for("sendPhoto", chat_id=951, timeout=20)
        written = [c for c in running.tg.calls_to("editMessageText", 951)
                   if c.params.get("message_id") == early.message()["message_id"]]
        assert written and note not in written[-1].text and t("en", "note_extract") in written[-1].text
        assert "Faithful Summaries" in written[-1].text and "inline_keyboard" in str(written[-1].params["reply_markup"])
        assert len(running.tg.texts_to(951, "Faithful Summaries")) == 1, "one card, completed in place"
        assert len(running.tg.calls_to("deleteMessage", 951)) == 1, "the status message went"


async def test_a_card_that_fails_after_its_card_from_the_abstract_says_so(env: dict[str, str], tg: FakeTelegram,
                                                                          arxiv_fake: FakeArxiv) -> None:
    """The card from the abstract promised the full card: when making it fails unexpectedly, the reader is told,
    under that card, instead of waiting for an edit that never comes."""
    env["PDF_PATIENCE_SECONDS"] = "0.5"
    add_paper(arxiv_fake)
    async with running_bot(env, tg) as running:
        papers = services_of(running).papers

        async def broken(paper: object, language: str, progress: Any, *rest: object) -> None:
            await progress(Stage.READING)  # the PDF is on its way …
            await asyncio.sleep(1.5)
            raise RuntimeError("a bug in the card's making")

        papers._card = broken  # type: ignore[method-assign]
        running.tg.send_text("2408.14227", chat_id=952)
        [early] = await running.tg.wait_for("sendMessage", chat_id=952, contains=t("en", "note_provisional"))
        [failed] = await running.tg.wait_for("sendMessage", chat_id=952, contains=t("en", "failed", id="2408.14227v2"))
        assert failed.params["reply_parameters"]["message_id"] == early.message()["message_id"]


async def test_slow_pdfs_of_two_chats_leave_a_download_for_a_third(env: dict[str, str], tg: FakeTelegram,
                                                                    arxiv_fake: FakeArxiv) -> None:
    """Four PDFs trickling for two chats (two each) hold four downloads; a third chat's paper still gets one."""
    env["PDF_DOWNLOAD_SECONDS"] = "6"  # past the test: the slow ones are still arriving when it ends
    slow = [f"2408.1422{i}" for i in range(4)]
    for base_id in [*slow, "2409.00001"]:
        add_paper(arxiv_fake, base_id, title=f"Paper {base_id}")
    arxiv_fake.pdf_trickle = (64, 0.5)
    arxiv_fake.trickling = set(slow)
    async with running_bot(env, tg) as running:
        running.tg.send_text(f"{slow[0]} {slow[1]}", chat_id=946)
        running.tg.send_text(f"{slow[2]} {slow[3]}", chat_id=947)
        await until(lambda: len(arxiv_fake.pdf_requests) == 4, what="four slow downloads")
        started = time.monotonic()
        running.tg.send_text("2409.00001", chat_id=948)
        [card] = await running.tg.wait_for("sendMessage", chat_id=948, contains="Paper 2409.00001", timeout=30)
        waited = time.monotonic() - started
        print(f"a third chat's card while four PDFs trickle: {waited:.1f}s")
        assert waited < 10
        assert t("en", "note_pdf", reason="the PDF could not be downloaded") not in card.text
        assert not [c for c in running.tg.calls_to("sendMessage", 946) if "Paper 2408" in c.text], "still arriving"


async def test_another_process_holding_the_database_lock_does_not_stall_the_bot(env: dict[str, str],
                                                                                tg: FakeTelegram) -> None:
    """A backup or `sqlite3` by hand holds the write lock: the scheduler waits for its next tick instead of
    stalling the event loop for the busy timeout at every tick; users keep their answers; it resumes after."""
    env["DIGEST_TICK_SECONDS"] = "1"
    store = Store(env["PAPERGRAM_DB"])
    store.ensure_chat(949, "private", "Ada", "en")
    store.close()
    async with running_bot(env, tg) as running:
        await command(running, "/start", 949)
        holder = sqlite3.connect(env["PAPERGRAM_DB"], isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            stalls, answers = [], []
            for _ in range(30):  # three seconds: three ticks
                started = time.monotonic()
                await asyncio.sleep(0.1)
                stalls.append(time.monotonic() - started - 0.1)
            started = time.monotonic()
            held = await command(running, "/subscribe cs.CV", 949)  # a write: held off the loop, said so at once
            waited = time.monotonic() - started
            for _ in range(3):  # while the write is held, another reader's answer does not wait for it
                started = time.monotonic()
                await command(running, "/start", 949)
                answers.append(time.monotonic() - started)
            assert not running.tg.texts_to(949, "Subscribed"), "not done while the lock is held"
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        print(f"under another process's lock: longest stall {max(stalls):.2f}s, /start {max(answers):.2f}s, "
              f"a write told it waits in {waited:.2f}s")
        assert max(stalls) < 1.0 and max(answers) < 1.0 and waited < 1.0
        assert held == t("en", "storage_wait")
        subscribed = t("en", "subscribed", topic="cs.CV", kind="category", time="09:00", zone="UTC")
        await running.tg.wait_for("sendMessage", chat_id=949, contains=subscribed.split("\n")[0], timeout=10)
        assert running.tg.texts_to(949, subscribed) == [subscribed], "done once the lock is gone, once"
        assert [topic.text for _, topic in services_of(running).store.topics(949)] == ["cs.CV"]
        before = services_of(running).store.get_state("last_tick")
        await until(lambda: services_of(running).store.get_state("last_tick") != before, timeout=5,
                    what="the scheduler ticking again once the lock is gone")


def heavy_pdf(pages: int = 30, paths: int = 20_000) -> bytes:
    """A PDF whose pages hold tens of thousands of tiny vector paths under captions: minutes of detection."""
    import pymupdf

    doc = pymupdf.open()
    ops = "\n".join(f"{(i * 7) % 500 + 20} {(i * 13) % 700 + 40} m {(i * 7) % 500 + 23} "
                    f"{(i * 13) % 700 + 42} l S" for i in range(paths))
    for _ in range(pages):
        page = doc.new_page()
        page.insert_text((72, 72), "Figure 1: Many lines.")  # every page is worth a look, none completes the card
        xref = page.get_contents()[0]
        doc.update_stream(xref, doc.xref_stream(xref) + b"\n0.1 w\n" + ops.encode())
    data: bytes = doc.tobytes()
    return data


async def test_heavy_pdfs_of_one_chat_do_not_hold_up_another(env: dict[str, str], tg: FakeTelegram,
                                                             arxiv_fake: FakeArxiv) -> None:
    env["PDF_SECONDS"] = "2"
    heavy = heavy_pdf()
    add_paper(arxiv_fake, "2408.20001", pdfs={1: heavy, 2: heavy})
    add_paper(arxiv_fake, "2408.20002", pdfs={1: heavy, 2: heavy})
    add_paper(arxiv_fake, "2408.14227")
    async with running_bot(env, tg) as running:
        running.tg.send_text("2408.20001 2408.20002", chat_id=946)
        await running.tg.wait_for("editMessageText", chat_id=946, contains="Reading the PDF")
        started = time.monotonic()
        running.tg.send_text("2408.14227", chat_id=947)
        await running.tg.wait_for("sendPhoto", chat_id=947, timeout=30)
        bystander = time.monotonic() - started
        print(f"bystander card latency with two heavy PDFs in progress: {bystander:.2f}s")
        assert bystander <= 2 + 3, f"the bystander waited {bystander:.1f}s"
        edits = await running.tg.wait_for("sendMessage", chat_id=946, contains="Faithful", count=2, timeout=30)
        assert all(t("en", "note_pdf", reason="the PDF took too long to read") in e.text for e in edits)


async def test_a_429_for_one_chat_delays_no_other(bot: RunningBot) -> None:
    bot.tg.fail_next("sendMessage", "429", chat_id=948, retry_after=5)
    bot.tg.send_text("/start", chat_id=948)
    await asyncio.sleep(0.3)  # the 429 has been answered: chat 948 waits five seconds
    started = time.monotonic()
    assert await command(bot, "/help", 949) == t("en", "help")
    assert time.monotonic() - started < 2
    assert not bot.tg.calls_to("sendMessage", 948), "the paused chat is still waiting"
    await bot.tg.wait_for("sendMessage", chat_id=948, timeout=20)


def queue_texts(bot: RunningBot, chat_id: int, chat_type: str, count: int) -> None:
    store = services_of(bot).store
    store.ensure_chat(chat_id, chat_type, "Lab", "en")
    messages = [OutboxMessage("text", f"Queued {i}") for i in range(count)]
    store.queue_digest(chat_id, "2024-08-26", "2024-08-26", messages, [])


async def test_a_group_waiting_for_its_minute_holds_up_no_one(bot: RunningBot, arxiv_fake: FakeArxiv,
                                                             clock: Clock) -> None:
    bot.tg.enforce_limits = True
    group = -950
    queue_texts(bot, group, "supergroup", 25)
    background = asyncio.create_task(services_of(bot).outbox.drain(TelegramSender(bot.app.bot)))
    try:
        await bot.tg.wait_for("sendMessage", chat_id=group, count=20)
        add_paper(arxiv_fake, "2408.10001")
        arxiv_fake.announce("cs.CV", "2024-08-26", [("2408.10001", "new")])
        await command(bot, "/subscribe cs.CV", 951)
        started = time.monotonic()
        bot.tg.send_text("/digest", chat_id=951)
        await bot.tg.wait_for("sendMessage", chat_id=951, contains="new paper", timeout=10)
        assert time.monotonic() - started < 5, "the private digest did not wait for the group's minute"
        assert len(bot.tg.calls_to("sendMessage", group)) == 20 and bot.tg.rejected == 0
    finally:
        background.cancel()


async def test_every_message_to_a_group_counts_toward_its_minute(bot: RunningBot) -> None:
    bot.tg.enforce_limits = True
    group = -952
    for _ in range(12):
        bot.tg.send_text("/topics", chat_id=group, chat_type="group")
    await bot.tg.wait_for("sendMessage", chat_id=group, count=12)
    queue_texts(bot, group, "group", 12)
    drain = asyncio.create_task(services_of(bot).outbox.drain(TelegramSender(bot.app.bot)))
    await asyncio.sleep(2)
    drain.cancel()
    assert len(bot.tg.calls_to("sendMessage", group)) == 20, "12 replies + 8 digest messages, then the minute"
    assert bot.tg.rejected == 0, "Telegram never had to refuse one"


async def test_a_migrated_group_gets_its_queue_and_its_status_edit(bot: RunningBot, arxiv_fake: FakeArxiv,
                                                                   clock: Clock) -> None:
    add_paper(arxiv_fake, "2408.10001")
    arxiv_fake.announce("cs.CV", "2024-08-26", [("2408.10001", "new")])
    bot.tg.members[(-953, 4242)] = "administrator"
    await command(bot, "/subscribe cs.CV", -953, chat_type="group")
    # the group becomes a supergroup while its digest is prepared: the queued digest and the status edit are
    # the first requests to meet the new id
    bot.tg.fail_next("sendMessage", "migrate", chat_id=-953, to=-100953, contains="new paper")
    bot.tg.fail_next("editMessageText", "migrate", chat_id=-953, to=-100953)
    bot.tg.send_text("/digest", chat_id=-953, chat_type="group")
    await bot.tg.wait_for("editMessageText", chat_id=-100953, contains=t("en", "digest_queued", count=1))
    assert await bot.tg.wait_for("sendMessage", chat_id=-100953, contains="new paper"), \
        "the digest went to the supergroup"
    store = services_of(bot).store
    assert store.get_chat(-953) is None and len(store.topics(-100953)) == 1


async def test_a_user_who_blocks_the_bot_mid_card_is_left_alone(bot: RunningBot, arxiv_fake: FakeArxiv) -> None:
    add_paper(arxiv_fake)
    arxiv_fake.pdf_delay = 1.0
    bot.tg.send_text("2408.14227", chat_id=954)
    await bot.tg.wait_for("sendMessage", chat_id=954)
    bot.tg.fail_next("editMessageText", "403", chat_id=954)
    while not [c for c in bot.tg.failed_calls if c.chat_id == 954]:
        await asyncio.sleep(0.05)
    before = len([c for c in bot.tg.calls if c.chat_id == 954])
    await asyncio.sleep(2)
    assert len([c for c in bot.tg.failed_calls if c.chat_id == 954]) == 1, "one refusal"
    assert len([c for c in bot.tg.calls if c.chat_id == 954]) == before, "then no more requests to that chat"
    chat = services_of(bot).store.get_chat(954)
    assert chat is not None and not chat.active


class DamagedStore(Store):
    """A store whose file turns out damaged at run time (a page that reads back as garbage)."""

    def get_chat(self, chat_id: int) -> ChatSettings | None:
        if chat_id == 955:
            raise sqlite3.DatabaseError("database disk image is malformed")
        return super().get_chat(chat_id)


async def test_a_database_damaged_at_run_time_answers_and_stops_writing(env: dict[str, str],
                                                                         tg: FakeTelegram) -> None:
    config = load_config(env)
    services = build_services(config)
    services.store.close()
    services.store = DamagedStore(config.db_path)
    app = build_application(config, services)
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            tg.send_text("/topics", chat_id=955)
            [reply] = await tg.wait_for("sendMessage", chat_id=955)
            assert reply.text == t("en", "storage_broken")
            assert services.store.broken
            with pytest.raises(sqlite3.OperationalError):
                services.store.ensure_chat(956, "private", "Ada", "en")
            await services.tick(TelegramSender(app.bot))  # does nothing, writes nothing
        finally:
            await app.updater.stop()
            await app.stop()
    services.close()


async def test_a_repeated_press_is_one_action_and_a_flood_slows_only_its_user(bot: RunningBot,
                                                                           arxiv_fake: FakeArxiv) -> None:
    add_paper(arxiv_fake)
    for _ in range(5):  # a double tap, a lagging phone: five presses of one 🔖
        bot.tg.press("save:2408.14227v2", chat_id=981, message_id=40)
    answers = await bot.tg.wait_for("answerCallbackQuery", count=5)
    texts = [a.params.get("text") for a in answers]
    assert texts.count(t("en", "saved_added")) == 1 and texts.count(None) == 4 and \
        t("en", "saved_already") not in texts, "saved once, every press answered"
    for i in range(30):  # one user pressing thirty different buttons at once
        bot.tg.press(f"saved:{i}", chat_id=982, message_id=41, user_id=77)
    bot.tg.press("saved:0", chat_id=983, message_id=42, user_id=78)  # a bystander
    answers = await bot.tg.wait_for("answerCallbackQuery", count=5 + 31)
    slowed = [a for a in answers if a.params.get("text") == t("en", "presses_too_fast")]
    assert len(slowed) >= 20, "the flood is answered, not acted on"
    edits = bot.tg.calls_to("editMessageText", 983)
    assert edits, "the bystander's press is handled as usual"
