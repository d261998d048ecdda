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
from pathlib import Path

import pytest
from sqlite_utils import Database

from services.i18n import t
from services.migrations import migrations
from services.store import Store
from tests.conftest import TOKEN, RunningBot
from tests.test_digests import command

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
