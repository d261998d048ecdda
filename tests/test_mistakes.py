"""Mistakes get answers that say what was wrong and what to do instead."""

from __future__ import annotations

from services.i18n import t
from tests.conftest import RunningBot
from tests.fakes.arxiv import FakeArxiv
from tests.test_digests import command
from tests.test_paper_cards import add_paper, card_of


async def test_a_mistyped_command_gets_did_you_mean(bot: RunningBot) -> None:
    assert await command(bot, "/subscibe cs.CV", 7801) == t("en", "did_you_mean", typed="subscibe",
                                                             command="subscribe")
    assert await command(bot, "/frobnicate", 7802) == t("en", "unknown_command"), "nothing close: the pointer"


async def test_wrong_values_say_what_was_wrong(bot: RunningBot) -> None:
    assert await command(bot, "/time 25:00", 7803) == t("en", "time_bad", text="25:00")
    assert await command(bot, "/export 2024-13-45", 7804) == t("en", "export_bad_day", text="2024-13-45")


async def test_a_photo_gets_how_to_send_a_paper(bot: RunningBot) -> None:
    bot.tg.send_photo(chat_id=7805)
    [reply] = await bot.tg.wait_for("sendMessage", chat_id=7805)
    assert reply.text == t("en", "photo_hint")


async def test_bib_as_a_reply_to_any_bubble_of_a_card_gives_that_paper(bot: RunningBot, arxiv_fake: FakeArxiv) -> None:
    """A card is its text and its figures: /bib replying to any of them is about that paper, never the whole
    reading list (which is not empty here)."""
    add_paper(arxiv_fake)
    add_paper(arxiv_fake, "2408.11111", title="A Saved Paper")
    bot.tg.press("save:2408.11111v2", chat_id=7806)
    await bot.tg.wait_for("answerCallbackQuery")
    bot.tg.send_text("2408.14227", chat_id=7806)
    await card_of(bot, 7806)
    bubbles = [call.message() for call in bot.tg.calls_to("editMessageText", 7806)[-1:]]
    bubbles += [call.message() for call in bot.tg.calls_to("sendPhoto", 7806)]
    for number, bubble in enumerate(bubbles, 1):
        bot.tg.send_text("/bib", chat_id=7806, reply_to=bubble)
        documents = await bot.tg.wait_for("sendDocument", chat_id=7806, count=number)
        [data] = list(documents[-1].files.values())
        assert b"2408.14227" in data and b"2408.11111" not in data, f"bubble {number}: that paper, not the list"


async def test_a_pdf_sent_as_a_file_gets_its_papers_card(bot: RunningBot, arxiv_fake: FakeArxiv) -> None:
    """Named by its file name, or by arXiv's stamp on its first page; a PDF with neither is told what to do."""
    import pymupdf

    add_paper(arxiv_fake)
    add_paper(arxiv_fake, "1512.03385", title="Deep Residual Learning")
    bot.tg.send_document("1512.03385v1.pdf", b"%PDF-1.4 whatever", chat_id=7807, mime_type="application/pdf")
    [card] = await bot.tg.wait_for("sendMessage", chat_id=7807, contains="Deep Residual Learning")
    assert "<code>arXiv:1512.03385v1</code>" in card.text

    stamped = pymupdf.open()
    page = stamped.new_page()
    page.insert_text((20, 400), "arXiv:2408.14227v2 [cs.CV] 1 Sep 2024", rotate=90)
    page.insert_text((72, 100), "Faithful Summaries of Scientific Papers")
    bot.tg.send_document("paper (1).pdf", stamped.tobytes(), chat_id=7808, mime_type="application/pdf")
    [card] = await bot.tg.wait_for("sendMessage", chat_id=7808, contains="Faithful Summaries")
    assert "<code>arXiv:2408.14227v2</code>" in card.text


async def test_a_pdf_not_on_arxiv_gets_a_card_of_its_own_marked_so(bot: RunningBot) -> None:
    """Its title and authors from its first page, no arXiv facts or links, read by the same workers; a reply
    to the card asks that PDF; a file that is no PDF is said to be unreadable."""
    from tests.pdfs import qa_pdf

    bot.tg.send_document("report.pdf", qa_pdf("A Lab Report Nobody Posted"), chat_id=7809,
                         mime_type="application/pdf")
    [card] = await bot.tg.wait_for("sendMessage", chat_id=7809, contains="A Lab Report Nobody Posted")
    assert card.text.startswith("<b>A Lab Report Nobody Posted</b>")
    assert t("en", "not_from_arxiv") in card.text and "arxiv.org" not in card.text
    rows = card.params["reply_markup"]["inline_keyboard"]
    assert [[b["text"] for b in row] for row in rows] == [["❓ Ask", "🖼 Figures"]], \
        "nothing on arXiv to rate, save or cite"
    bot.tg.send_text("How many encoder layers?", chat_id=7809, reply_to=card.message())
    [*_, answer] = await bot.tg.wait_for("sendMessage", chat_id=7809, contains="encoder", count=2)
    assert "12 layers" in answer.text
    bot.tg.send_document("broken.pdf", b"%PDF-1.4 not really", chat_id=7812, mime_type="application/pdf")
    [reply] = await bot.tg.wait_for("sendMessage", chat_id=7812)
    assert reply.text == t("en", "pdf_not_readable")


async def test_a_bare_subscribe_or_lang_offers_the_common_choices(bot: RunningBot) -> None:
    assert await command(bot, "/subscribe", 7810) == t("en", "subscribe_usage")
    [usage] = bot.tg.calls_to("sendMessage", 7810)
    first = usage.params["reply_markup"]["inline_keyboard"][0][0]
    assert first == {"text": "cs.CV", "callback_data": "pick:subscribe:cs.CV"}
    bot.tg.press(first["callback_data"], chat_id=7810)
    [*_, done] = await bot.tg.wait_for("sendMessage", chat_id=7810, count=2)
    assert done.text == t("en", "subscribed", topic="cs.CV", kind="category", time="09:00", zone="UTC")
    await command(bot, "/lang", 7811)
    [usage] = bot.tg.calls_to("sendMessage", 7811)
    labels = [b["text"] for row in usage.params["reply_markup"]["inline_keyboard"] for b in row]
    assert labels[:3] == ["English", "简体中文", "Deutsch"]
