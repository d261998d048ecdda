"""Telegram as it is in 2026 (issue 24): cards as one rich message, and the classic card where the server refuses
rich messages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from services.i18n import t
from tests.conftest import RunningBot, running_bot
from tests.fakes.arxiv import FakeArxiv
from tests.fakes.telegram import FakeTelegram
from tests.pdfs import figures_pdf
from tests.test_paper_cards import add_paper


@pytest.fixture
async def rich_bot(env: dict[str, str], tg: FakeTelegram) -> AsyncIterator[RunningBot]:
    env["CARD_STYLE"] = "rich"
    async with running_bot(env, tg) as running:
        yield running


def blocks_of(call: Any, kind: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []

    def walk(blocks: list[dict[str, Any]]) -> None:
        for block in blocks:
            if block.get("type") == kind:
                found.append(block)
            walk(block.get("blocks") or [])

    walk(call.params["rich_message"]["blocks"])
    return found


async def test_a_card_is_one_rich_message_with_a_slideshow_a_table_and_its_buttons(
        rich_bot: RunningBot, arxiv_fake: FakeArxiv) -> None:
    add_paper(arxiv_fake, pdfs={2: figures_pdf(), 1: figures_pdf()})
    rich_bot.tg.send_text("https://arxiv.org/abs/2408.14227", chat_id=611)
    [card] = await rich_bot.tg.wait_for("sendRichMessage", chat_id=611)
    [heading] = blocks_of(card, "heading")
    assert heading["text"] == "Faithful Summaries of Scientific Papers"
    [slideshow] = blocks_of(card, "slideshow")
    captions = [slide["caption"]["text"] for slide in slideshow["blocks"]]
    assert len(captions) >= 3 and "Fig. 1 — A vector plot with axis labels." in captions, captions
    assert len(card.files) == len(captions), "each slide's photo is uploaded with the message"
    [table] = blocks_of(card, "table")
    rows = [" | ".join(cell["text"] for cell in row) for row in table["cells"]]
    assert rows[0] == "Method | Acc | F1" and "Ours-0 | 90.1 | 80.4" in rows
    [details] = blocks_of(card, "details")
    assert details["summary"] == t("en", "card_details")
    assert "TL;DR: We propose a faithful summarizer." in card.text
    buttons = [b["callback_data"] for row in card.params["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons[:3] == ["rate:+:2408.14227", "rate:-:2408.14227", "save:2408.14227v2"], buttons
    # one message: no classic text card, no photo or album after it; the status message is gone
    assert not [c for c in rich_bot.tg.calls_to("sendMessage", 611) if "arxiv.org/abs" in c.text]
    assert not rich_bot.tg.calls_to("sendPhoto", 611) and not rich_bot.tg.calls_to("sendMediaGroup", 611)
    assert rich_bot.tg.calls_to("deleteMessage", 611)


async def test_an_older_server_refuses_rich_messages_and_the_chat_gets_classic_cards_for_a_day(
        rich_bot: RunningBot, arxiv_fake: FakeArxiv) -> None:
    tg = rich_bot.tg
    tg.rich = False  # a self-hosted Bot API server of 10.0
    add_paper(arxiv_fake)
    add_paper(arxiv_fake, base_id="2409.00001", title="A Second Paper")
    tg.send_text("2408.14227", chat_id=612)
    await tg.wait_for("sendPhoto", chat_id=612)
    assert [m for m, _ in tg.refusals] == ["sendRichMessage"]
    [card] = [c for c in tg.calls_to("sendMessage", 612) if 'href="https://arxiv.org/abs/' in c.text]
    assert "<b>TL;DR</b> We propose a faithful summarizer." in card.text
    tg.send_text("2409.00001", chat_id=612)
    await tg.wait_for("sendPhoto", chat_id=612, count=2)
    assert [m for m, _ in tg.refusals] == ["sendRichMessage"], "remembered: not asked again the same day"
    tg.refusals.clear()
