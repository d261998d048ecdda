"""Telegram as it is in 2026 (issue 24): cards as one rich message, and the classic card where the server refuses
rich messages."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from services import callback_data
from services.i18n import t
from tests.conftest import RunningBot, running_bot, with_gemini
from tests.fakes.arxiv import FakeArxiv
from tests.fakes.gemini import FakeGemini
from tests.fakes.telegram import FakeTelegram
from tests.fakes.telegram_rich import words
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
    await rich_bot.tg.wait_for("deleteMessage", chat_id=611)


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


async def test_a_card_streams_while_the_llm_writes_it_and_the_checked_card_replaces_the_drafts(
        env: dict[str, str], tg: FakeTelegram, arxiv_fake: FakeArxiv, gemini: FakeGemini) -> None:
    with_gemini(env, gemini)
    env["CARD_STYLE"] = "rich"
    gemini.stream_seconds = 1.5
    gemini.summary = {**gemini.summary, "one_sentence": "A summarizer that is right 97% of the time.",
                      "takeaways": ["Accuracy rises to 97%.", "Metadata stays arXiv's.", "Works offline."]}
    add_paper(arxiv_fake)
    async with running_bot(env, tg):
        tg.send_text("2408.14227", chat_id=613)
        [card] = await tg.wait_for("sendRichMessage", chat_id=613, timeout=20)
    drafts = tg.calls_to("sendRichMessageDraft", 613)
    assert len(drafts) >= 3, [d.text[:60] for d in drafts]
    assert {d.params["draft_id"] for d in drafts} == {drafts[0].params["draft_id"]}, "one draft, animated"
    first = drafts[0].text
    assert first.startswith("Faithful Summaries of Scientific Papers") and "TL;DR" not in first, \
        "the header from arXiv comes before the LLM has written anything"
    growing = [d.text for d in drafts if "TL;DR" in d.text]
    assert growing and any("97%" not in text for text in [first]), "fields appear as they are written"
    assert "Accuracy rises to 97%." in drafts[-1].text
    assert "streamGenerateContent" in gemini.requests[0]["path"]
    # the number check runs on the final text: "97%" is not in the paper, so the card drops what states it
    assert "97%" not in card.text and t("en", "note_numbers_removed", count=2).split()[0] in card.text
    assert all(c.chat_id == 613 for c in drafts)


async def test_a_reader_stops_a_streamed_answer_and_keeps_what_was_written(
        env: dict[str, str], tg: FakeTelegram, arxiv_fake: FakeArxiv, gemini: FakeGemini) -> None:
    with_gemini(env, gemini)
    add_paper(arxiv_fake)
    async with running_bot(env, tg):
        tg.send_text("2408.14227", chat_id=614)
        await tg.wait_for("sendPhoto", chat_id=614)
        [card] = [c for c in tg.calls_to("sendMessage", 614) if 'href="https://arxiv.org/abs/' in c.text]
        gemini.answer = "The method reads papers twice as fast. " * 40
        gemini.stream_seconds = 6.0
        tg.send_text("How fast is it?", chat_id=614, reply_to=card.message())
        [draft] = await tg.wait_for("sendMessageDraft", chat_id=614, contains="twice as fast")
        assert draft.params["can_stop"] is True
        tg.stop_generation(614, int(draft.params["draft_id"]))
        [answer] = await tg.wait_for("sendMessage", chat_id=614, contains=t("en", "answer_stopped"), timeout=10)
        assert answer.text.startswith("💬 The method reads papers twice as fast.")
        assert "removed" not in answer.text, "whole sentences only: no cut number to be checked"
        assert len(answer.text) < len(gemini.answer), "what was written when the reader stopped, not the whole"
        assert answer.params["reply_parameters"]["message_id"], "it answers the question"
        deadline = asyncio.get_running_loop().time() + 5
        while not gemini.hung_up and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.05)
        assert gemini.hung_up == 1, "the LLM request was cancelled: its stream is read no further"
        drafts_after = len(tg.calls_to("sendMessageDraft", 614))
        await asyncio.sleep(1.0)
        assert len(tg.calls_to("sendMessageDraft", 614)) == drafts_after, "no draft after the stop"


async def test_a_guest_query_in_a_chat_the_bot_is_not_in_posts_a_compact_card_completed_when_ready(
        bot: RunningBot, arxiv_fake: FakeArxiv) -> None:
    tg = bot.tg
    add_paper(arxiv_fake)
    arxiv_fake.pdf_delay = 2.5  # the full card takes longer than a guest answer waits
    query_id = tg.guest_message("what is 2408.14227 about?", chat_id=-100777)
    [answer] = await tg.wait_for("answerGuestQuery")
    assert answer.params["guest_query_id"] == query_id
    result = answer.params["result"]
    assert result["type"] == "article" and result["id"] == "2408.14227v2"
    posted = words(result["input_message_content"]["rich_message"])
    assert posted.startswith("Faithful Summaries of Scientific Papers\nAda Lovelace, Alan Turing")
    assert t("en", "note_provisional") in posted, "from the abstract first, saying so"
    link = "https://t.me/PapergramTestBot?start=card_2408_14227v2"
    assert result["reply_markup"]["inline_keyboard"][0][0]["url"] == link
    assert not tg.calls_to("sendMessage", -100777), "the bot is not in that chat: it only answers the query"
    [edit] = await tg.wait_for("editMessageText", timeout=15)
    assert edit.params["inline_message_id"] == answer.result["inline_message_id"]
    full = words(edit.params["rich_message"])
    assert "TL;DR: We propose a faithful summarizer." in full and t("en", "note_provisional") not in full
    assert t("en", "full_card_link") in full


async def test_inline_search_lists_ten_papers_reranked_and_the_chosen_one_gets_its_full_card(
        bot: RunningBot, arxiv_fake: FakeArxiv) -> None:
    tg = bot.tg
    for i in range(12):  # arXiv's order puts the abstracts that repeat the words first
        add_paper(arxiv_fake, base_id=f"2410.{10000 + i}", title=f"Study {i} of image generation",
                  abstract="Diffusion models and distillation. " * (12 - i) + "We study generation.")
    add_paper(arxiv_fake, base_id="2410.20000", title="Diffusion Distillation in Four Steps",
              abstract="We distill a diffusion model into four steps.", authors=["Grace Hopper"])
    tg.inline_query("diffusion distillation")
    [answer] = await tg.wait_for("answerInlineQuery")
    results = answer.params["results"]
    assert len(results) == 10
    assert results[0]["id"] == "2410.20000v2", "the paper titled with the words comes first"
    assert results[0]["title"] == "Diffusion Distillation in Four Steps"
    assert results[0]["description"] == "Grace Hopper · 2024-09-01\nWe distill a diffusion model into four steps."
    assert all("rich_message" in r["input_message_content"] for r in results)
    inline_message_id = tg.choose_inline("2410.20000v2", "diffusion distillation")
    [edit] = await tg.wait_for("editMessageText", timeout=15)
    assert edit.params["inline_message_id"] == inline_message_id
    assert words(edit.params["rich_message"]).startswith("Diffusion Distillation in Four Steps")


async def test_in_a_group_a_refusal_goes_to_the_member_alone(bot: RunningBot) -> None:
    tg = bot.tg
    group = -100555
    [menu] = [c for c in await tg.wait_for("setMyCommands", count=4)
              if c.params.get("scope") == {"type": "all_group_chats"} and not c.params.get("language_code")]
    quiet = {c["command"] for c in menu.params["commands"] if c.get("is_ephemeral")}
    assert {"subscribe", "settings", "topics"} <= quiet and "digest" not in quiet
    command = tg.send_ephemeral_command("/subscribe cs.CV", chat_id=group, user_id=31)
    [refusal] = await tg.wait_for("sendMessage", chat_id=group)
    assert refusal.text == t("en", "admins_only")
    assert refusal.params["ephemeral_message_parameters"] == {"receiver_user_id": 31}
    assert refusal.params["reply_parameters"] == {"ephemeral_message_id": command}
    tg.press(callback_data.REMOVE_TOPIC.build("1"), chat_id=group, user_id=31, chat_type="supergroup")
    [_, pressed] = await tg.wait_for("sendMessage", chat_id=group, count=2)
    assert pressed.text == t("en", "admins_only")
    assert pressed.params["ephemeral_message_parameters"]["receiver_user_id"] == 31
    assert pressed.params["ephemeral_message_parameters"]["callback_query_id"]
    assert bot.app.bot_data["services"].store.topics(group) == [], "nothing changed"


async def test_a_digest_in_rich_form_gives_each_entry_its_own_buttons(rich_bot: RunningBot,
                                                                       arxiv_fake: FakeArxiv) -> None:
    from datetime import UTC, datetime

    from tests.conftest import Clock
    from tests.test_digests import command, paper, services_of, tick

    clock = Clock(datetime(2024, 8, 26, 6, 0, tzinfo=UTC))
    services_of(rich_bot).digests.clock = clock
    paper(arxiv_fake, "2408.10001", "Diffusion Transformers for Video")
    paper(arxiv_fake, "2408.10002", "Robust Segmentation")
    arxiv_fake.announce("cs.CV", "2024-08-26", [("2408.10001", "new"), ("2408.10002", "new")])
    await command(rich_bot, "/subscribe cs.CV", 721)
    await tick(rich_bot, clock, datetime(2024, 8, 26, 8, 59, tzinfo=UTC))
    await tick(rich_bot, clock, datetime(2024, 8, 26, 9, 1, tzinfo=UTC))
    [digest] = await rich_bot.tg.wait_for("sendRichMessage", chat_id=721)
    assert digest.text.split("\n")[:4] == ["cs.CV — 2024-08-26 · 2 new papers", "1. Diffusion Transformers for Video",
                                           "We study diffusion transformers for video.", "📄 1 👍 👎"]
    rows = [[b.get("callback_data") for b in block["buttons"]] for block in blocks_of(digest, "buttons")]
    assert rows == [["card:2408.10001v1", "rate:+:2408.10001", "rate:-:2408.10001"],
                    ["card:2408.10002v1", "rate:+:2408.10002", "rate:-:2408.10002"]]
    assert not [c for c in rich_bot.tg.calls_to("sendMessage", 721) if "new paper" in c.text], "one form only"
    rich_bot.tg.press("rate:+:2408.10002", chat_id=721)
    await rich_bot.tg.wait_for("answerCallbackQuery")
    assert services_of(rich_bot).store.reader_state(721, "2408.10002")[1] == 1, "the 👍 beside the entry counts"


async def test_a_400_refusing_the_rich_card_gives_the_classic_card(rich_bot: RunningBot, arxiv_fake: FakeArxiv) -> None:
    tg = rich_bot.tg
    add_paper(arxiv_fake)
    tg.fail_next("sendRichMessage", "400", chat_id=615, description="Bad Request: rich messages are not supported")
    tg.send_text("2408.14227", chat_id=615)
    await tg.wait_for("sendPhoto", chat_id=615)
    [card] = [c for c in tg.calls_to("sendMessage", 615) if 'href="https://arxiv.org/abs/' in c.text]
    assert "<b>TL;DR</b> We propose a faithful summarizer." in card.text
    chat = services_of_bot(rich_bot).store.get_chat(615)
    assert chat is not None and chat.rich_refused_at


def test_rich_cards_come_back_a_day_after_a_refusal() -> None:
    from datetime import UTC, datetime, timedelta

    from services.models import ChatSettings

    refused = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    chat = ChatSettings(1, "private", rich_refused_at=refused.isoformat())
    assert not chat.rich_cards("rich", refused + timedelta(hours=23))
    assert chat.rich_cards("rich", refused + timedelta(days=1))
    assert not ChatSettings(1, "private", cards="classic").rich_cards("rich", refused)
    assert ChatSettings(1, "private", cards="rich").rich_cards("classic", refused)


def services_of_bot(bot: RunningBot) -> Any:
    return bot.app.bot_data["services"]


async def test_an_admins_ephemeral_command_is_confirmed_to_them_alone(bot: RunningBot) -> None:
    tg = bot.tg
    group = -100556
    tg.members[(group, 32)] = "administrator"
    command = tg.send_ephemeral_command("/subscribe cs.CV", chat_id=group, user_id=32)
    [confirmed] = await tg.wait_for("sendMessage", chat_id=group)
    assert confirmed.text.startswith("Subscribed to <b>cs.CV</b>")
    assert confirmed.params["ephemeral_message_parameters"] == {"receiver_user_id": 32}
    assert confirmed.params["reply_parameters"] == {"ephemeral_message_id": command}
    tg.send_ephemeral_command("/topics", chat_id=group, user_id=32)
    [_, topics] = await tg.wait_for("sendMessage", chat_id=group, count=2)
    assert "ephemeral_message_parameters" not in topics.params, "its ✖ buttons edit it: the group's message"
    assert topics.params["reply_markup"]["inline_keyboard"]


async def test_a_guest_query_naming_nothing_is_told_so_in_that_chat(bot: RunningBot, arxiv_fake: FakeArxiv) -> None:
    bot.tg.guest_message("<b>what</b> is new?", chat_id=-100778)
    [answer] = await bot.tg.wait_for("answerGuestQuery")
    content = answer.params["result"]["input_message_content"]
    assert content["message_text"] == t("en", "guest_nothing", text="&lt;b&gt;what&lt;/b&gt; is new?")
