"""First contact: what a user sees when they open the bot."""

from __future__ import annotations

import asyncio

from services.i18n import t
from tests.conftest import RunningBot


async def test_start_in_private_chat_gets_the_welcome_text(bot: RunningBot) -> None:
    bot.tg.send_text("/start", chat_id=501)
    [reply] = await bot.tg.wait_for("sendMessage", chat_id=501)
    assert reply.text == t("en", "welcome", llm=t("en", "llm_name_offline"))
    assert reply.params["parse_mode"] == "HTML"


async def test_start_in_chinese_for_a_chinese_user(bot: RunningBot) -> None:
    bot.tg.send_text("/start", chat_id=502, language_code="zh-hans")
    [reply] = await bot.tg.wait_for("sendMessage", chat_id=502)
    assert reply.text == t("zh", "welcome", llm=t("zh", "llm_name_offline"))
    bot.tg.send_text("/help", chat_id=502, language_code="zh-hans")
    [_, help_text] = await bot.tg.wait_for("sendMessage", chat_id=502, count=2)
    assert help_text.text == t("zh", "help"), "/help lists the commands; it does not repeat /start"


async def test_unknown_command_gets_a_pointer_to_help(bot: RunningBot) -> None:
    bot.tg.send_text("/frobnicate", chat_id=503)
    [reply] = await bot.tg.wait_for("sendMessage", chat_id=503)
    assert reply.text == t("en", "unknown_command")


async def test_commands_for_another_bot_in_a_group_are_ignored(bot: RunningBot) -> None:
    bot.tg.send_text("/start@OtherBot", chat_id=-100504, chat_type="supergroup")
    bot.tg.send_text("/frobnicate@OtherBot", chat_id=-100504, chat_type="supergroup")
    bot.tg.send_text("/help@PapergramTestBot", chat_id=-100504, chat_type="supergroup")
    await bot.tg.wait_for("sendMessage", chat_id=-100504)
    await asyncio.sleep(0.5)  # give the ignored commands time to (wrongly) answer
    replies = bot.tg.calls_to("sendMessage", chat_id=-100504)
    assert [r.text for r in replies] == [t("en", "help")]


async def test_lang_switches_the_chat_language(bot: RunningBot) -> None:
    bot.tg.send_text("/lang zh", chat_id=505)
    [reply] = await bot.tg.wait_for("sendMessage", chat_id=505)
    assert reply.text == t("zh", "lang_set")
    bot.tg.send_text("/start", chat_id=505)
    replies = await bot.tg.wait_for("sendMessage", chat_id=505, count=2)
    assert replies[1].text == t("zh", "welcome", llm=t("zh", "llm_name_offline"))


async def test_command_menu_is_set_in_english_and_chinese(bot: RunningBot) -> None:
    calls = await bot.tg.wait_for("setMyCommands", count=2)
    by_language = {c.params.get("language_code"): c.params["commands"] for c in calls}
    assert [c["command"] for c in by_language[None]] == [
        "start", "help", "search", "subscribe", "topics", "unsubscribe", "time", "digest", "pause", "resume",
        "settings", "like", "saved", "compare", "bib", "fig", "diff", "channel", "export", "usage", "lang"]
    assert by_language[None][0]["description"] == t("en", "menu_start")
    assert by_language["zh"][0]["description"] == t("zh", "menu_start")
