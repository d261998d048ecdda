"""Every text the bot says, in every shipped language, is HTML Telegram accepts — checked like Telegram checks it."""

from __future__ import annotations

import asyncio
import json

import pytest

from services.i18n import CATALOGS, INTERFACE_LANGUAGES, MENU_COMMANDS, TEXTS, has_catalog, placeholders, t
from tests.conftest import RunningBot, running_bot, with_gemini
from tests.fakes.arxiv import FakeArxiv
from tests.fakes.gemini import FakeGemini
from tests.fakes.telegram import FakeTelegram
from tests.fakes.telegram_html import TEXT_LIMIT, EntityError, check, plain_text
from tests.test_paper_cards import add_paper, card_of

SAMPLES = {"id": "2408.14227", "topic": "cs.CV", "name": "@lab_papers", "day": "2024-08-26", "text": "diffusion",
           "url": "https://arxiv.org/abs/2408.14227"}


def sample(key: str) -> object:
    return SAMPLES.get(key, 7)


@pytest.mark.parametrize("lang", INTERFACE_LANGUAGES)
def test_every_text_parses_as_telegram_html(lang: str) -> None:
    refused = {}
    for key in TEXTS["en"]:
        if key.startswith("menu_"):
            continue  # command menu descriptions are plain text, not HTML
        fields = placeholders(lang, key)
        for count in (1, 2, 7):  # every plural form
            values = {name: count if name == "count" else sample(name) for name in fields}
            text = t(lang, key, **values)
            problem = check(text, "HTML", TEXT_LIMIT)
            if problem:
                refused[key] = problem
    assert refused == {}


def test_the_checker_refuses_what_telegram_refuses() -> None:
    """The fake's rules are not a formality: a raw <topic>, an unknown entity and an unclosed tag are refused."""
    with pytest.raises(EntityError, match='Unsupported start tag "topic"'):
        plain_text("Usage: /subscribe <topic>")
    with pytest.raises(EntityError, match="entity"):
        plain_text("AT&T &nbsp;")
    with pytest.raises(EntityError, match="end tag"):
        plain_text("<b>bold")
    assert plain_text('<b>a &lt; b</b> <a href="https://x.org">&amp;</a>') == "a < b &"


async def test_every_menu_command_sent_bare_gets_a_useful_answer(bot: RunningBot) -> None:
    """Picking a command from Telegram's menu sends it bare: each answers (usage with an example, or what it does),
    never with an apology, and Telegram takes every answer (the fake refuses what the Bot API refuses)."""
    apology = t("en", "error_apology")
    for number, command in enumerate(MENU_COMMANDS):
        chat_id = 7700 + number
        bot.tg.send_text(f"/{command}", chat_id=chat_id)
        [reply] = await bot.tg.wait_for("sendMessage", chat_id=chat_id)
        assert reply.text and reply.text != apology, command
    assert bot.tg.refusals == []


def test_plurals_follow_each_languages_rule() -> None:
    assert t("en", "digest_header", topic="cs.CV", day="2024-08-26", count=1) == \
        "<b>cs.CV</b> — 2024-08-26 · 1 new paper"
    assert t("en", "digest_header", topic="cs.CV", day="2024-08-26", count=3).endswith("3 new papers")
    assert t("zh", "digest_header", topic="cs.CV", day="2024-08-26", count=1).endswith("1 篇新论文")


async def test_a_german_chat_reads_german_labels_once_the_llm_translated_the_catalog(
        env: dict[str, str], tg: FakeTelegram, arxiv_fake: FakeArxiv, gemini: FakeGemini) -> None:
    """Any language works: the catalog is translated once, each string checked (its placeholders, Telegram's
    HTML) — a string that fails stays English — stored, and used for the chat's labels and buttons."""
    translation = {"card_contribution": "Kurz gesagt", "ask_button": "❓ Fragen", "more_button": "⋯ Mehr",
                   "figures_button": "🖼 Abbildungen", "welcome": "<b>Papergram</b> <kaputt>",
                   "time_set": "Täglich um {zeit} ({zone}).",
                   "digest_header#one": "<b>{topic}</b> — {day} · {count} neu",
                   "digest_header#other": "<b>{topic}</b> — {day} · {count} neue"}
    gemini.answer = "```json\n" + json.dumps(translation, ensure_ascii=False) + "\n```"
    add_paper(arxiv_fake)
    try:
        async with running_bot(with_gemini(env, gemini), tg) as bot:
            bot.tg.send_text("2408.14227", chat_id=7900, language_code="de")
            await card_of(bot, 7900)
            for _ in range(100):
                if has_catalog("de"):
                    break
                await asyncio.sleep(0.05)
            asked = [gemini.turns(i) for i in range(len(gemini.requests))]
            [translation_request] = [turns for turns in asked if "Translate into German" in turns[1][1]]
            assert "keep every {placeholder}" in translation_request[0][1].lower()
            bot.tg.send_text("2408.14227", chat_id=7900, language_code="de")
            second = (await bot.tg.wait_for("sendMessage", chat_id=7900, contains="Kurz gesagt"))[-1]
            rows = second.params["reply_markup"]["inline_keyboard"]
            assert [b["text"] for b in rows[1]] == ["❓ Fragen", "🖼 Abbildungen", "⋯ Mehr"]
            assert t("de", "welcome", llm="x") == t("en", "welcome", llm="x"), "invalid HTML: English kept"
            assert t("de", "time_set", time="08:00", zone="UTC") == t("en", "time_set", time="08:00", zone="UTC"), \
                "a placeholder lost: English kept"
            assert t("de", "digest_header", topic="cs.CV", day="d", count=1).endswith("1 neu")
            assert bot.app.bot_data["services"].store.catalogs()["de"]["ask_button"] == "❓ Fragen", "stored"
    finally:
        CATALOGS.pop("de", None)
