"""Any LLM a lab can reach: an OpenAI-compatible server, JSON-mode fallback, one provider taking over for the other."""

from __future__ import annotations

import html
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from services.i18n import t
from tests.conftest import RunningBot, running_bot, with_gemini
from tests.fakes.arxiv import FakeArxiv
from tests.fakes.gemini import FakeGemini
from tests.fakes.openai import FakeOpenAI
from tests.fakes.telegram import FakeTelegram
from tests.test_digests import command
from tests.test_paper_cards import add_paper, card_of

ROOT = Path(__file__).resolve().parent.parent
OPENAI_KEY = "sk-TEST-openai-key-0123456789abcdef"


@pytest.fixture
def openai_fake() -> Iterator[FakeOpenAI]:
    fake = FakeOpenAI()
    fake.start()
    yield fake
    fake.stop()


def with_openai(env: dict[str, str], fake: FakeOpenAI, **extra: str) -> dict[str, str]:
    env.update({"LLM_PROVIDER": "openai", "OPENAI_BASE_URL": fake.url, "OPENAI_API_KEY": OPENAI_KEY,
                "OPENAI_MODEL": "deepseek-test", **extra})
    return env


async def card(bot: RunningBot, chat_id: int) -> str:
    bot.tg.send_text("2408.14227", chat_id=chat_id)
    return str((await card_of(bot, chat_id))[-1].text)


async def test_a_card_through_an_openai_compatible_server(env: dict[str, str], tg: FakeTelegram,
                                                          arxiv_fake: FakeArxiv, openai_fake: FakeOpenAI) -> None:
    add_paper(arxiv_fake)
    openai_fake.stream_seconds = 1.2  # written as slowly as a model writes: the drafts show it growing
    async with running_bot(with_openai(env, openai_fake), tg) as bot:
        text = await card(bot, 980)
        store = bot.app.bot_data["services"].store
        models = [row["model"] for row in store.db.query("SELECT model FROM summaries")]
    assert "<b>TL;DR</b> A transformer that reads papers faster." in text
    [request] = openai_fake.requests
    assert request["auth"] == f"Bearer {OPENAI_KEY}" and request["body"]["model"] == "deepseek-test"
    assert request["body"]["response_format"]["type"] == "json_schema"
    assert request["body"]["messages"][0]["role"] == "system"
    assert models == ["openai:deepseek-test"], "provider and model are part of the cache key"
    assert request["body"]["stream"] is True, "streamed: the private chat saw the card as it was written"
    drafts = [d.text for d in tg.calls_to("sendMessageDraft", 980)]
    assert drafts and "TL;DR" not in drafts[0] and any("A transformer that reads" in d for d in drafts)


async def test_a_server_without_json_schema_gets_json_mode(env: dict[str, str], tg: FakeTelegram,
                                                           arxiv_fake: FakeArxiv, openai_fake: FakeOpenAI) -> None:
    add_paper(arxiv_fake)
    openai_fake.json_schema = False
    async with running_bot(with_openai(env, openai_fake), tg) as bot:
        text = await card(bot, 981)
    assert "<b>TL;DR</b> A transformer that reads papers faster." in text
    assert [r["body"]["response_format"]["type"] for r in openai_fake.requests] == ["json_schema", "json_object"]
    assert "Answer with one JSON object with exactly these keys" in openai_fake.prompt()


async def test_an_overloaded_provider_hands_over_to_the_other(env: dict[str, str], tg: FakeTelegram,
                                                              arxiv_fake: FakeArxiv, openai_fake: FakeOpenAI,
                                                              gemini: FakeGemini) -> None:
    add_paper(arxiv_fake)
    openai_fake.script = ["429"] * 10
    gemini.summary["one_sentence"] = "Gemini wrote this contribution."
    async with running_bot(with_openai(with_gemini(env, gemini), openai_fake, LLM_FALLBACK="gemini"), tg) as bot:
        text = await card(bot, 982)
    assert "<b>TL;DR</b> Gemini wrote this contribution." in text
    assert "extract" not in text, "the card says nothing about the switch"
    assert len(gemini.requests) == 1


async def test_both_providers_failing_gives_the_offline_extract_marked(env: dict[str, str], tg: FakeTelegram,
                                                                       arxiv_fake: FakeArxiv,
                                                                       openai_fake: FakeOpenAI,
                                                                       gemini: FakeGemini) -> None:
    add_paper(arxiv_fake)
    openai_fake.script = ["500"] * 10
    gemini.script = ["safety", "safety"]
    async with running_bot(with_openai(with_gemini(env, gemini), openai_fake, LLM_FALLBACK="gemini"), tg) as bot:
        text = await card(bot, 983)
    reason = "both LLM providers failed (Gemini blocked the request (BlockedReason.SAFETY))"
    assert html.escape(t("en", "note_llm_failed", reason=reason), quote=False) in text
    assert "<b>TL;DR</b> We propose a faithful summarizer." in text


def test_the_openai_key_never_reaches_a_log(arxiv_fake: FakeArxiv, openai_fake: FakeOpenAI, tmp_path: Path) -> None:
    add_paper(arxiv_fake)
    env: dict[str, Any] = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM", "GEMINI"))}
    env.update({"ARXIV_API_URL": arxiv_fake.api_url, "ARXIV_PDF_URL": arxiv_fake.pdf_url, "LOG_LEVEL": "DEBUG",
                "ARXIV_OAI_URL": arxiv_fake.oai_url,
                "PAPERGRAM_DB": str(tmp_path / "cli.db"), "ARXIV_DELAY_SECONDS": "0", "HF_API_URL": "off",
                "GITHUB_API_URL": "off", "SEMANTIC_SCHOLAR_API_URL": "off"})
    with_openai(env, openai_fake)
    result = subprocess.run([sys.executable, str(ROOT / "bot.py"), "summarize", "2408.14227"], cwd=tmp_path,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "A transformer that reads papers faster." in result.stdout
    assert "HTTP Request" in result.stderr or "chat/completions" in result.stderr, "the requests were logged"
    assert OPENAI_KEY not in result.stdout + result.stderr


@pytest.mark.parametrize(("typed", "code"), [("ja", "ja"), ("pt-BR", "pt"), ("Deutsch", "de"), ("japanese", "ja"),
                                             ("日本語", "ja"), ("中文", "zh"), ("xx", None), ("Klingon", None)])
def test_a_language_by_code_or_by_name(typed: str, code: str | None) -> None:
    from services.languages import resolve

    assert resolve(typed) == code


async def test_a_japanese_chat_gets_japanese_summaries_and_english_labels_when_no_catalog_could_be_made(
        env: dict[str, str], tg: FakeTelegram, arxiv_fake: FakeArxiv, gemini: FakeGemini) -> None:
    add_paper(arxiv_fake)
    gemini.summary["one_sentence"] = "論文を速く読むトランスフォーマー。"
    async with running_bot(with_gemini(env, gemini), tg) as bot:
        assert await command(bot, "/lang ja", 984) == t("ja", "lang_set_translating", name="日本語 (Japanese)")
        assert await command(bot, "/lang xx", 984) == t("en", "lang_unknown", text="xx")
        text = await card(bot, 984)
        statuses = [c.text for c in bot.tg.calls_to("editMessageText", 984)[:-1]]
    assert "<b>TL;DR</b> 論文を速く読むトランスフォーマー。" in text, \
        "prose in Japanese; labels in English: the LLM's answer was no catalog (tests/test_texts.py has one)"
    assert statuses[0] == t("en", "status_reading", id="2408.14227v2")
    assert "Write every field in Japanese (日本語)" in gemini.prompt()


async def test_a_new_chat_takes_the_users_telegram_language(bot: RunningBot) -> None:
    bot.tg.send_text("/settings", chat_id=985, language_code="ja")
    await bot.tg.wait_for("sendMessage", chat_id=985)
    chat = bot.app.bot_data["services"].store.get_chat(985)
    assert chat is not None and chat.language == "ja"


async def test_start_names_the_openai_compatible_model_in_use(env: dict[str, str], tg: FakeTelegram,
                                                              openai_fake: FakeOpenAI) -> None:
    async with running_bot(with_openai(env, openai_fake, LLM_FALLBACK="gemini", GEMINI_API_KEY="k-test"), tg) as bot:
        bot.tg.send_text("/start", chat_id=981)
        [reply] = await bot.tg.wait_for("sendMessage", chat_id=981)
    assert reply.text == t("en", "welcome", llm="deepseek-test / Gemini gemini-2.5-flash")
