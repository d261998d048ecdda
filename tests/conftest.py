"""The offline bench: fake Telegram, arXiv and Gemini servers on 127.0.0.1, and the real bot built against them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot import build_application
from services.config import load_config
from tests.fakes.arxiv import FakeArxiv
from tests.fakes.environment import fake_env
from tests.fakes.gemini import FakeGemini
from tests.fakes.telegram import FakeTelegram

TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz"


@pytest.fixture
def tg() -> Iterator[FakeTelegram]:
    fake = FakeTelegram(TOKEN)
    fake.start()
    yield fake
    fake.stop()
    assert not fake.refusals, f"the real Bot API would have refused: {fake.refusals}"


@pytest.fixture
def arxiv_fake() -> Iterator[FakeArxiv]:
    fake = FakeArxiv()
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture
def gemini() -> Iterator[FakeGemini]:
    fake = FakeGemini()
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture
def env(tg: FakeTelegram, arxiv_fake: FakeArxiv, tmp_path: Path) -> dict[str, str]:
    """The environment the bot under test reads: every URL points at a fake, the database at a temp file.

    No GEMINI_API_KEY: the offline summarizer. Tests that want Gemini add `with_gemini(env, gemini)`.
    """
    return fake_env(tg, arxiv_fake, str(tmp_path / "papergram.db"))


GEMINI_KEY = "AIzaTEST-gemini-key-0123456789"


def with_gemini(env: dict[str, str], gemini: FakeGemini) -> dict[str, str]:
    env.update({"GEMINI_API_KEY": GEMINI_KEY, "GEMINI_BASE_URL": gemini.base, "GEMINI_MODEL": "gemini-test"})
    return env


@dataclass
class RunningBot:
    app: Any
    tg: FakeTelegram


@pytest.fixture
async def bot(env: dict[str, str], tg: FakeTelegram) -> AsyncIterator[RunningBot]:
    """The production bot (same `build_application`), polling the fake Telegram."""
    async with running_bot(env, tg) as running:
        yield running


@asynccontextmanager
async def running_bot(env: dict[str, str], tg: FakeTelegram) -> AsyncIterator[RunningBot]:
    """The bot built from `env`, started and polling; stopped and closed on exit, whatever happened."""
    app = build_application(load_config(env))
    async with app:
        if app.post_init:
            await app.post_init(app)
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            yield RunningBot(app, tg)
        finally:
            await app.updater.stop()
            await app.stop()
            if app.post_shutdown:
                await app.post_shutdown(app)


@dataclass
class Clock:
    """The digest service's clock, set by the test."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(bot: RunningBot) -> Clock:
    """Monday 2024-08-26, 06:00 UTC, for the running bot's digests (announcements of that day are not pruned)."""
    fake = Clock(datetime(2024, 8, 26, 6, 0, tzinfo=UTC))
    bot.app.bot_data["services"].digests.clock = fake
    return fake
