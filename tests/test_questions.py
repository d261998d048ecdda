"""Asking the paper: replies to cards, figures and answers; /fig and 🔍; without an LLM, quoted passages."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from services.cards.questions import MAX_QUESTION
from services.i18n import t
from tests.conftest import RunningBot, running_bot, with_gemini
from tests.fakes.arxiv import FakeArxiv
from tests.fakes.gemini import FakeGemini
from tests.fakes.telegram import Call
from tests.pdfs import qa_pdf
from tests.test_paper_cards import add_paper, card_messages_to

ID = "2408.14227"


def add_qa_paper(arxiv: FakeArxiv, base_id: str = ID) -> None:
    add_paper(arxiv, base_id, pdfs={1: qa_pdf(), 2: qa_pdf()})


@pytest.fixture
async def gemini_bot(env: dict[str, str], gemini: FakeGemini, tg: Any) -> Any:
    with_gemini(env, gemini)
    async with running_bot(env, tg) as running:
        yield running


async def card(bot: RunningBot, chat_id: int, text: str = ID) -> tuple[Call, Call]:
    """Ask for a card; (its last message, its figure photo)."""
    bot.tg.send_text(text, chat_id=chat_id)
    [photo] = await bot.tg.wait_for("sendPhoto", chat_id=chat_id)
    store = bot.app.bot_data["services"].store
    for _ in range(250):  # the request is done (the album's messages recorded) once the journal is empty
        if not store.card_requests():
            break
        await asyncio.sleep(0.02)
    [message] = card_messages_to(bot, chat_id)[-1:]
    return message, photo


async def ask(bot: RunningBot, chat_id: int, question: str, reply_to: Call, **kwargs: Any) -> Call:
    """Reply to one of the bot's messages; the bot's answer (a reply to the question)."""
    before = len(bot.tg.calls_to("sendMessage", chat_id))
    asked = bot.tg.send_text(question, chat_id=chat_id, reply_to=reply_to.message(), **kwargs)
    answers = await bot.tg.wait_for("sendMessage", chat_id=chat_id, count=before + 1)
    answer = answers[before]
    assert int(answer.params["reply_parameters"]["message_id"]) == asked, "the answer replies to the question"
    return answer


async def test_a_reply_to_a_card_asks_the_paper_in_the_chats_language_and_follow_ups_keep_the_thread(
        gemini_bot: RunningBot, arxiv_fake: FakeArxiv, gemini: FakeGemini) -> None:
    add_qa_paper(arxiv_fake)
    gemini_bot.tg.send_text("/lang zh", chat_id=1401)
    await gemini_bot.tg.wait_for("sendMessage", chat_id=1401)
    message, _ = await card(gemini_bot, 1401)
    gemini.answer = "论文在 ArxivBench 上达到 41.2 ROUGE-L [3 Experiments]。"
    answer = await ask(gemini_bot, 1401, "What benchmark do they evaluate on?", message)
    assert answer.text == "💬 论文在 ArxivBench 上达到 41.2 ROUGE-L [3 Experiments]。"
    [(_, system), (role, first)] = gemini.turns()
    assert "Simplified Chinese" in system and "only the paper's text" in system and role == "user"
    assert "On ArxivBench the reader reaches 41.2 ROUGE-L" in first, "the paper's clean text is in the prompt"
    assert "Question: What benchmark do they evaluate on?" in first

    gemini.answer = "论文提到两点局限 [4 Limitations]。"
    follow_up = await ask(gemini_bot, 1401, "And its limitations?", answer)
    assert follow_up.text == "💬 论文提到两点局限 [4 Limitations]。"
    turns = gemini.turns()
    assert [role for role, _ in turns] == ["system", "user", "model", "user"], "the thread's history goes along"
    assert turns[2][1] == "论文在 ArxivBench 上达到 41.2 ROUGE-L [3 Experiments]。"
    assert turns[3][1].startswith("Question: And its limitations?")

    calls = len(gemini.requests)
    again = await ask(gemini_bot, 1401, "what benchmark do they evaluate on", message)
    assert again.text == answer.text and len(gemini.requests) == calls, "the same first question: from the cache"


async def test_an_answer_states_no_number_the_paper_does_not(gemini_bot: RunningBot, arxiv_fake: FakeArxiv,
                                                            gemini: FakeGemini) -> None:
    add_qa_paper(arxiv_fake)
    message, _ = await card(gemini_bot, 1402)
    gemini.answer = "It reaches 41.2 ROUGE-L [3 Experiments]. It beats GPT-4 by 17.5 points."
    answer = await ask(gemini_bot, 1402, "How good is it? 这个模型好吗", message)
    assert answer.text == ("💬 It reaches 41.2 ROUGE-L [3 Experiments].\n\n"
                           + t("en", "answer_numbers_removed", count=1))
    assert "Answer in English" in gemini.turns()[0][1], "a question in another language: the chat's language"
    gemini.answer = "It reaches 41.2 ROUGE-L [3 Experiments].\n\nSee https://phish.example/login for the rest."
    answer = await ask(gemini_bot, 1402, "Where are the details?", message)
    assert "phish" not in answer.text, "a link the paper never had is not passed on (Telegram would make it live)"
    assert answer.text.startswith("💬 It reaches 41.2 ROUGE-L [3 Experiments].")


async def test_a_figure_is_explained_from_its_caption_and_the_paragraphs_citing_it(
        gemini_bot: RunningBot, arxiv_fake: FakeArxiv, gemini: FakeGemini) -> None:
    add_qa_paper(arxiv_fake)
    message, photo = await card(gemini_bot, 1403)
    assert message.params["reply_markup"]["inline_keyboard"][1][1] == {"text": "🖼 Figures",
                                                                       "callback_data": f"kb:figs:{ID}v2:1"}
    gemini.answer = "Faithfulness stays flat as papers grow longer [3 Experiments]."
    answer = await ask(gemini_bot, 1403, "What does this plot show?", photo)
    assert answer.text == "<b>Fig. 1</b>\n💬 Faithfulness stays flat as papers grow longer [3 Experiments]."
    prompt = gemini.turns()[1][1]
    assert "Figure 1. Its caption: Figure 1: Faithfulness against paper length." in prompt
    assert "[3 Experiments] On ArxivBench the reader reaches 41.2 ROUGE-L" in prompt, "the paragraph citing it"
    assert prompt.endswith("answer in English.)") and "Question: What does this plot show?" in prompt

    before = len(gemini_bot.tg.calls_to("sendMessage", 1403))
    gemini_bot.tg.press(f"fig:{ID}v2:1", chat_id=1403, under=message)
    [*_, button_answer] = await gemini_bot.tg.wait_for("sendMessage", chat_id=1403, count=before + 1)
    assert button_answer.text.startswith("<b>Fig. 1</b>\n💬 ") and "Question: Explain Figure 1" in gemini.turns()[1][1]
    assert button_answer.params["reply_parameters"]["message_id"] == photo.message()["message_id"], \
        "the explanation answers the figure's photo"

    before = len(gemini_bot.tg.calls_to("sendMessage", 1403))
    gemini_bot.tg.send_text("/fig 7", chat_id=1403, reply_to=message.message())
    [*_, unknown] = await gemini_bot.tg.wait_for("sendMessage", chat_id=1403, count=before + 1)
    assert unknown.text == t("en", "fig_unknown", number="7", numbers="1")


async def test_without_a_key_the_answer_is_the_papers_own_passages_labelled(bot: RunningBot,
                                                                         arxiv_fake: FakeArxiv) -> None:
    add_qa_paper(arxiv_fake)
    message, _ = await card(bot, 1404)
    answer = await ask(bot, 1404, "What are the limitations of the reader?", message)
    assert answer.text.startswith(t("en", "answer_offline", why=t("en", "answer_offline_no_llm")))
    assert "<b>§ 4 Limitations</b>\n<blockquote>The reader does not handle scanned papers" in answer.text
    assert answer.text.index("4 Limitations") < answer.text.index("§ 1 Introduction"), "best match first"

    before = len(bot.tg.calls_to("sendMessage", 1404))
    bot.tg.send_text("/fig 1", chat_id=1404, reply_to=message.message())
    [*_, explained] = await bot.tg.wait_for("sendMessage", chat_id=1404, count=before + 1)
    assert "<b>§ Figure 1</b>\n<blockquote>Figure 1: Faithfulness against paper length.</blockquote>" in \
        explained.text
    assert "Figure 1 shows that faithfulness stays flat" in explained.text, "the paragraph citing the figure"


async def test_over_budget_the_answer_is_passages_marked(env: dict[str, str], gemini: FakeGemini, tg: Any,
                                                         arxiv_fake: FakeArxiv) -> None:
    with_gemini(env, gemini)
    env["LLM_DAILY_BUDGET"] = "1"  # the card takes it
    add_qa_paper(arxiv_fake)
    async with running_bot(env, tg) as running:
        message, _ = await card(running, 1405)
        answer = await ask(running, 1405, "How fast is it against the baseline?", message)
    assert answer.text.startswith(t("en", "answer_offline", why=t("en", "answer_offline_budget")))
    assert "runs twice as fast as the baseline" in answer.text and len(gemini.requests) == 1


async def test_bad_questions_get_clear_replies(bot: RunningBot, arxiv_fake: FakeArxiv) -> None:
    add_qa_paper(arxiv_fake)
    message, _ = await card(bot, 1406)
    long = await ask(bot, 1406, "Why this design? " * 235, message)  # 3,995 characters
    assert long.text == t("en", "question_too_long", length=3995, limit=MAX_QUESTION)
    bot.tg.send_text("/help", chat_id=1406)
    [*_, help_message] = await bot.tg.wait_for("sendMessage", chat_id=1406, contains="<b>Commands</b>")
    not_card = await ask(bot, 1406, "What is this?", help_message)
    assert not_card.text == t("en", "question_not_card")
    nothing = await ask(bot, 1406, "量子", message)
    assert nothing.text == t("en", "answer_no_passage", why=t("en", "answer_offline_no_llm"))


async def test_a_paper_whose_text_is_gone_is_read_again_and_one_without_pdf_says_so(
        bot: RunningBot, arxiv_fake: FakeArxiv) -> None:
    add_qa_paper(arxiv_fake)
    message, _ = await card(bot, 1407)
    store = bot.app.bot_data["services"].store
    store.db.execute("DELETE FROM documents")
    answer = await ask(bot, 1407, "How many encoder layers?", message)
    assert "shared encoder of 12 layers" in answer.text and arxiv_fake.pdf_requests == [f"{ID}v2", f"{ID}v2"]

    add_paper(arxiv_fake, "2408.14228")
    arxiv_fake.pdf_html = True  # arXiv answers with an HTML page: the card is made from the abstract
    other, = [c for c in [await card_without_photo(bot, 1407, "2408.14228")]]
    answer = await ask(bot, 1407, "What do they propose?", other)
    assert "We propose a faithful summarizer" in answer.text
    assert t("en", "answer_from_abstract", reason="arXiv answered with something that is not a PDF") in answer.text


async def card_without_photo(bot: RunningBot, chat_id: int, text: str) -> Call:
    before = len(card_messages_to(bot, chat_id))
    bot.tg.send_text(text, chat_id=chat_id)
    await bot.tg.wait_for("sendMessage", chat_id=chat_id, contains="<code>arXiv:", count=before + 1)
    return card_messages_to(bot, chat_id)[-1]


async def test_in_a_group_a_reply_to_the_bots_card_is_a_question(bot: RunningBot, arxiv_fake: FakeArxiv) -> None:
    add_qa_paper(arxiv_fake)
    group = -1408
    bot.tg.send_text(f"look at {ID}", chat_id=group, chat_type="supergroup")
    await bot.tg.wait_for("sendPhoto", chat_id=group)
    card_message = next(c for c in bot.tg.calls_to("sendMessage", group) if "<code>arXiv:" in c.text)
    answer = await ask(bot, group, "How many layers does the encoder have?", card_message,
                       chat_type="supergroup", user_id=5151)
    assert "§ 2 Method" in answer.text and "shared encoder of 12 layers" in answer.text
