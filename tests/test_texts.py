"""Every text the bot says, in every shipped language, is HTML Telegram accepts — checked like Telegram checks it."""

from __future__ import annotations

import pytest

from services.i18n import INTERFACE_LANGUAGES, MENU_COMMANDS, TEXTS, placeholders, t
from tests.conftest import RunningBot
from tests.fakes.telegram_html import TEXT_LIMIT, EntityError, check, plain_text

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
