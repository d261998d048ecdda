"""/compare through the bench (issue 26): three papers side by side from their cards — the LLM's prose with its
numbers checked against each paper as on cards — as a rich table, or a list where rich messages are not taken;
and 🆚 under the reading list."""

from __future__ import annotations

import json
from typing import Any

from services import callback_data
from services.arxiv.ids import find_papers
from services.i18n import t
from tests.conftest import running_bot, with_gemini
from tests.fakes.arxiv import FakeArxiv
from tests.fakes.gemini import FakeGemini
from tests.fakes.telegram import FakeTelegram
from tests.test_digests import command, services_of
from tests.test_paper_cards import add_paper

IDS = ("2408.14227", "2408.14228", "2408.14229")


def three(arxiv: FakeArxiv) -> None:
    for number, base_id in enumerate(IDS):
        add_paper(arxiv, base_id, title=f"Faithful Summaries Part {number + 1}")


def cells(message: dict[str, Any]) -> list[list[str]]:
    [table] = [b for b in message["blocks"] if b["type"] == "table"]

    def text(cell: Any) -> str:
        value = cell["text"]
        if isinstance(value, str):
            return value
        return "".join(text({"text": v}) if not isinstance(v, dict) else str(v.get("text", "")) for v in value) \
            if isinstance(value, list) else str(value.get("text", ""))

    return [[text(cell) for cell in row] for row in table["cells"]]


async def test_three_papers_side_by_side_with_their_numbers_checked(
        env: dict[str, str], tg: FakeTelegram, arxiv_fake: FakeArxiv, gemini: FakeGemini) -> None:
    three(arxiv_fake)
    gemini.summary["performance"] = "FID 1.23 on ImageNet."  # a number no test paper states: dropped as on a card
    gemini.summary["limitations"] = "Only English papers."
    cells_written = {"problem": "Summaries drift from their papers.", "method": "", "data": "",
                     "result": "FID 1.23 on ImageNet.", "limitation": "English only."}
    gemini.answer = json.dumps({"papers": [cells_written] * 3})  # the comparison call: one for the three
    env.update(with_gemini(env, gemini), CARD_STYLE="rich")
    async with running_bot(env, tg) as bot:
        assert await command(bot, "/compare 2408.14227", 980) == t("en", "compare_usage")
        bot.tg.send_text("/compare 2408.14227 https://arxiv.org/abs/2408.14228 arXiv:2408.14229", chat_id=980)
        [table] = await bot.tg.wait_for("sendRichMessage", chat_id=980, timeout=30)
        message = table.params["rich_message"]
        rows = cells(message if isinstance(message, dict) else json.loads(message))
        assert [row[0] for row in rows] == ["", "Problem", "Method", "Data and compute", "Main result", "Limitation"]
        assert rows[0][1:] == [f"Faithful Summaries Part {n}" for n in (1, 2, 3)]
        assert rows[1][1:] == ["Summaries drift from their papers."] * 3, "the LLM's cells answer the same questions"
        assert rows[2][1:] == ["We read with attention."] * 3, "a cell the LLM left empty keeps the card's field"
        assert rows[3][1:] == ["—"] * 3, "nothing checked to say (the card's '8 GPUs' is no number of the paper)"
        assert rows[4][1:] == ["Twice as fast on ArxivBench."] * 3, "the unchecked number never reaches the table"
        assert rows[5][1:] == ["English only."] * 3
        assert sum(1 for r in gemini.requests if "You compare research papers" in json.dumps(r["body"])) == 1
        assert "1.23" not in str(table.params)
        [status] = bot.tg.calls_to("sendMessage", 980)[-1:]
        assert status.text == t("en", "compare_working", count=3)
        assert await bot.tg.wait_for("deleteMessage", chat_id=980), "the status goes when the table comes"


async def test_a_chat_without_rich_messages_gets_a_list_and_the_reading_list_compares_its_page(
        env: dict[str, str], tg: FakeTelegram, arxiv_fake: FakeArxiv) -> None:
    three(arxiv_fake)
    async with running_bot(env, tg) as bot:  # classic cards, the offline summarizer
        store = services_of(bot).store
        for base_id in IDS:  # as 🔖 under their cards saves them
            [ref] = find_papers(base_id)
            paper = (await services_of(bot).papers.lookup([ref]))[ref]
            assert paper is not None
            store.save_paper_for(981, paper)
        await command(bot, "/saved", 981)
        keyboard = bot.tg.calls_to("sendMessage", 981)[-1].params["reply_markup"]["inline_keyboard"]
        assert keyboard[-1] == [{"text": t("en", "compare_button"),
                                 "callback_data": callback_data.COMPARE_SAVED.build(0)}]
        bot.tg.press(keyboard[-1][0]["callback_data"], chat_id=981)
        [edited] = await bot.tg.wait_for("editMessageText", chat_id=981, timeout=30)
        lines = edited.text.splitlines()
        assert lines[0] == f"<b>{t('en', 'compare_title', count=3)}</b>"
        assert lines[1].startswith('1. <a href="https://arxiv.org/abs/2408.1422') and "Faithful Summaries" in lines[1]
        for aspect in ("Problem", "Method", "Data and compute", "Main result", "Limitation"):
            assert f"<b>{aspect}</b>" in edited.text
        assert not bot.tg.calls_to("sendRichMessage", 981)
