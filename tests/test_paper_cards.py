"""Send an arXiv link, get a faithful card and the figures — through the fake Telegram, arXiv and Gemini."""

from __future__ import annotations

import asyncio
import html
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pymupdf
import pytest

from handlers.presses import REPEAT_SECONDS
from services.i18n import t
from tests.conftest import RunningBot, running_bot, with_gemini
from tests.fakes.arxiv import FakeArxiv, FakePaper
from tests.fakes.gemini import FakeGemini
from tests.fakes.telegram import Call
from tests.pdfs import paper_pdf

ROOT = Path(__file__).resolve().parent.parent


def add_paper(arxiv: FakeArxiv, base_id: str = "2408.14227", **overrides: Any) -> FakePaper:
    fields: dict[str, Any] = {
        "base_id": base_id,
        "title": "Faithful Summaries of Scientific Papers",
        "authors": ["Ada Lovelace", "Alan Turing"],
        "abstract": "We propose a faithful summarizer. It keeps metadata from arXiv. It improves accuracy by 12%.",
        "comment": "Accepted to ECCV'24",
        "versions": {1: "2024-08-26T17:59:46Z", 2: "2024-09-01T10:00:00Z"},
    }
    fields.update(overrides)
    paper = FakePaper(**fields)
    if not paper.pdfs:
        paper.pdfs = {v: paper_pdf(title=paper.title) for v in paper.versions}
    return arxiv.add(paper)


async def card_of(bot: RunningBot, chat_id: int) -> list[Call]:
    """The card's messages as the user finally sees them (a card is a new message: the status goes)."""
    await bot.tg.wait_for("sendPhoto", chat_id=chat_id)
    return card_messages_to(bot, chat_id)


def card_messages_to(bot: RunningBot, chat_id: int) -> list[Call]:
    return [c for c in bot.tg.calls_to("sendMessage", chat_id) if 'href="https://arxiv.org/abs/' in c.text]


@pytest.fixture
async def gemini_bot(env: dict[str, str], gemini: FakeGemini, tg: Any) -> Any:
    with_gemini(env, gemini)
    async with running_bot(env, tg) as running:
        yield running


async def test_a_link_gets_a_card_with_arxiv_metadata_and_a_photo(bot: RunningBot, arxiv_fake: FakeArxiv) -> None:
    add_paper(arxiv_fake)
    bot.tg.send_text("look https://arxiv.org/abs/2408.14227 !", chat_id=601)
    [status] = await bot.tg.wait_for("sendMessage", chat_id=601)
    assert status.text == t("en", "status_fetching", id="2408.14227")
    [photo] = await bot.tg.wait_for("sendPhoto", chat_id=601)
    edits = bot.tg.calls_to("editMessageText", 601)
    assert [e.text for e in edits[:1]] == [t("en", "status_reading", id="2408.14227v2")]
    [card_message] = card_messages_to(bot, 601)
    card = card_message.text
    assert bot.tg.calls_to("deleteMessage", 601), "the status message goes: the card is a new message, which notifies"
    title = "Faithful Summaries of Scientific Papers"
    assert card.startswith(f'<b><a href="https://arxiv.org/abs/2408.14227v2">{title}</a></b>')
    assert "<i>Ada Lovelace, Alan Turing</i>" in card
    assert "<code>arXiv:2408.14227v2</code> · cs.CV · 2024-09-01 · Accepted to ECCV'24" in card
    assert '<a href="https://arxiv.org/pdf/2408.14227v2">PDF</a>' in card
    assert "<b>TL;DR</b> We propose a faithful summarizer." in card
    assert "<b>3. Affiliation</b>: Example University, Department of Testing" in card
    assert t("en", "note_extract") in card
    assert photo.params["caption"] == "Fig. 1 — Faithfulness against paper length."
    assert photo.files and next(iter(photo.files.values())).startswith(b"\xff\xd8\xff"), "a JPEG crop"
    assert arxiv_fake.pdf_requests == ["2408.14227v2"]


async def test_a_versioned_id_gets_that_version(bot: RunningBot, arxiv_fake: FakeArxiv) -> None:
    add_paper(arxiv_fake)
    bot.tg.send_text("arXiv:2408.14227v1", chat_id=602)
    edits = await card_of(bot, 602)
    assert "<code>arXiv:2408.14227v1</code> · cs.CV · 2024-08-26" in edits[-1].text
    assert arxiv_fake.pdf_requests == ["2408.14227v1"]


async def test_gemini_summary_in_chinese_then_cached(gemini_bot: RunningBot, arxiv_fake: FakeArxiv,
                                                     gemini: FakeGemini) -> None:
    add_paper(arxiv_fake)
    gemini.summary["title_translation"] = "科学论文的忠实摘要"
    gemini_bot.tg.send_text("/lang zh", chat_id=603)
    await gemini_bot.tg.wait_for("sendMessage", chat_id=603)
    gemini_bot.tg.send_text("2408.14227", chat_id=603)
    edits = await card_of(gemini_bot, 603)
    card = edits[-1].text
    assert "(科学论文的忠实摘要)" in card
    assert "<b>一句话总结</b> A transformer that reads papers faster." in card
    assert "<b>3. 第一作者单位</b>: Example University" in card
    assert [e.text for e in gemini_bot.tg.calls_to("editMessageText", 603)] == [
        t("zh", "status_reading", id="2408.14227v2"), t("zh", "status_summarizing", id="2408.14227v2")]
    assert "Simplified Chinese" in gemini.prompt()
    assert len(gemini.requests) == 1 and gemini.requests[0]["key"].startswith("AIza")

    gemini_bot.tg.send_text("https://arxiv.org/pdf/2408.14227v2.pdf", chat_id=603)
    await gemini_bot.tg.wait_for("sendPhoto", chat_id=603, count=2)
    assert len(gemini.requests) == 1, "the second request must not call the LLM"
    assert arxiv_fake.pdf_requests == ["2408.14227v2"], "the second request must not download the PDF"
    assert len(arxiv_fake.api_requests) == 1, "metadata fetched within a day is not fetched again"
    assert card_messages_to(gemini_bot, 603)[-1].text == card


async def test_an_affiliation_not_on_the_first_page_is_not_stated(gemini_bot: RunningBot, arxiv_fake: FakeArxiv,
                                                                 gemini: FakeGemini) -> None:
    add_paper(arxiv_fake)
    gemini.summary["affiliation"] = "Invented Institute of Technology"
    gemini_bot.tg.send_text("2408.14227", chat_id=604)
    card = (await card_of(gemini_bot, 604))[-1].text
    assert "3. Affiliation" not in card, "a field with nothing to say is left out"


async def test_unknown_id_is_named_in_the_reply(bot: RunningBot) -> None:
    bot.tg.send_text("arXiv:2401.99999", chat_id=605)
    [edit] = await bot.tg.wait_for("editMessageText", chat_id=605)
    assert edit.text == t("en", "unknown_id", id="2401.99999")


async def test_arxiv_down_then_up(bot: RunningBot, arxiv_fake: FakeArxiv) -> None:
    add_paper(arxiv_fake)
    arxiv_fake.api_failures = [503]
    bot.tg.send_text("2408.14227", chat_id=606)
    edits = await card_of(bot, 606)
    assert "Faithful Summaries" in edits[-1].text


async def test_arxiv_down_for_good_says_so(bot: RunningBot, arxiv_fake: FakeArxiv) -> None:
    arxiv_fake.api_failures = [503] * 10
    bot.tg.send_text("2408.14227", chat_id=607)
    [edit] = await bot.tg.wait_for("editMessageText", chat_id=607, timeout=30)
    assert edit.text == t("en", "arxiv_down", id="2408.14227")


async def test_corrupt_pdf_gives_a_card_from_the_abstract(bot: RunningBot, arxiv_fake: FakeArxiv) -> None:
    add_paper(arxiv_fake, pdfs={1: b"%PDF-1.4 garbage", 2: b"%PDF-1.4 garbage"})
    bot.tg.send_text("2408.14227", chat_id=608)
    [edit] = await bot.tg.wait_for("sendMessage", chat_id=608, contains="Faithful")
    assert t("en", "note_pdf", reason="corrupt PDF (FileDataError)") in edit.text
    assert "<b>TL;DR</b> We propose a faithful summarizer." in edit.text
    assert not bot.tg.calls_to("sendPhoto", 608) and not bot.tg.calls_to("sendMediaGroup", 608)


async def test_oversize_pdf_is_not_downloaded_whole(env: dict[str, str], tg: Any, arxiv_fake: FakeArxiv) -> None:
    env["MAX_PDF_MB"] = "1"
    add_paper(arxiv_fake, pdfs={2: b"%PDF-1.4\n" + os.urandom(2 * 2**20)})
    async with running_bot(env, tg) as running:
        running.tg.send_text("2408.14227", chat_id=609)
        [edit] = await running.tg.wait_for("sendMessage", chat_id=609, contains="Faithful")
        assert t("en", "note_pdf", reason="the PDF is too large") in edit.text


async def test_gemini_429_then_ok(gemini_bot: RunningBot, arxiv_fake: FakeArxiv, gemini: FakeGemini) -> None:
    add_paper(arxiv_fake)
    gemini.script = ["429"]
    gemini_bot.tg.send_text("2408.14227", chat_id=610)
    card = (await card_of(gemini_bot, 610))[-1].text
    assert "<b>TL;DR</b> A transformer that reads papers faster." in card
    assert len(gemini.requests) == 2


@pytest.mark.parametrize(("script", "reason"), [
    (["safety", "safety"], "Gemini blocked the request (BlockedReason.SAFETY)"),
    (["invalid", "invalid"], "Gemini returned invalid JSON"),
    (["empty", "empty"], "Gemini returned an empty answer"),
])
async def test_gemini_gives_nothing_usable_twice(gemini_bot: RunningBot, arxiv_fake: FakeArxiv, gemini: FakeGemini,
                                                  script: list[str], reason: str) -> None:
    add_paper(arxiv_fake)
    gemini.script = script
    gemini_bot.tg.send_text("2408.14227", chat_id=611)
    card = (await card_of(gemini_bot, 611))[-1].text
    assert html.escape(t("en", "note_llm_failed", reason=reason), quote=False) in card
    assert "<b>TL;DR</b> We propose a faithful summarizer." in card
    assert len(gemini.requests) == 2


async def test_gemini_safety_once_is_retried(gemini_bot: RunningBot, arxiv_fake: FakeArxiv,
                                            gemini: FakeGemini) -> None:
    add_paper(arxiv_fake)
    gemini.script = ["safety"]
    gemini_bot.tg.send_text("2408.14227", chat_id=612)
    card = (await card_of(gemini_bot, 612))[-1].text
    assert "A transformer that reads papers faster." in card and "extract" not in card


async def test_html_in_a_title_is_shown_literally(bot: RunningBot, arxiv_fake: FakeArxiv) -> None:
    add_paper(arxiv_fake, title="Why <b> & </i> break parsers")
    bot.tg.send_text("2408.14227", chat_id=613)
    card = (await card_of(bot, 613))[-1].text
    assert ">Why &lt;b&gt; &amp; &lt;/i&gt; break parsers</a>" in card


async def test_sixty_authors_stay_under_the_limits(bot: RunningBot, arxiv_fake: FakeArxiv) -> None:
    authors = [f"Author Number{i} With-A-Rather-Long-Surname" for i in range(60)]
    add_paper(arxiv_fake, authors=authors, abstract="We propose a thing. " * 200)
    bot.tg.send_text("2408.14227", chat_id=614)
    await bot.tg.wait_for("sendPhoto", chat_id=614)
    [card] = [c.text for c in card_messages_to(bot, 614)]
    assert len(card) <= 4096, "one message, within Telegram's limit"
    header, fold = card.split("<blockquote expandable>")
    assert "Author Number1 With-A-Rather-Long-Surname, +58 more" in header, "two authors in the header"
    assert "Author Number7 With-A-Rather-Long-Surname, +52 more" in fold and "Author Number8 " not in fold


async def test_more_than_five_papers(bot: RunningBot, arxiv_fake: FakeArxiv) -> None:
    ids = [f"2408.1422{i}" for i in range(7)]
    for i in ids:
        add_paper(arxiv_fake, base_id=i, pdfs={2: b"broken"})
    bot.tg.send_text(" ".join(ids), chat_id=615)
    messages = await bot.tg.wait_for("sendMessage", chat_id=615, count=6)
    assert messages[0].text == t("en", "too_many_papers", count=7, limit=5)
    assert [m.text for m in messages[1:6]] == [t("en", "status_fetching", id=i) for i in ids[:5]]
    await bot.tg.wait_for("sendMessage", chat_id=615, count=11, contains="")
    assert len(arxiv_fake.api_requests) == 1, "several IDs are fetched in one id_list query"


async def test_text_without_a_paper(bot: RunningBot) -> None:
    bot.tg.send_text("hello there", chat_id=616)
    [hint] = await bot.tg.wait_for("sendMessage", chat_id=616)
    assert hint.text == t("en", "no_paper_hint")
    bot.tg.send_text("hello group", chat_id=-100617, chat_type="supergroup")
    bot.tg.send_text("/start", chat_id=618)
    await bot.tg.wait_for("sendMessage", chat_id=618)
    assert not bot.tg.calls_to("sendMessage", -100617)


async def test_a_link_behind_text_is_found(bot: RunningBot, arxiv_fake: FakeArxiv) -> None:
    add_paper(arxiv_fake)
    bot.tg.send_text("this paper", chat_id=619, entities=[
        {"type": "text_link", "offset": 0, "length": 10, "url": "https://arxiv.org/abs/2408.14227v1"}])
    edits = await card_of(bot, 619)
    assert "arXiv:2408.14227v1" in edits[-1].text


async def test_a_third_paper_waits_for_one_of_the_first_two(bot: RunningBot, arxiv_fake: FakeArxiv) -> None:
    for base in ("2408.00001", "2408.00002", "2408.00003"):
        add_paper(arxiv_fake, base_id=base)
    arxiv_fake.pdf_delay = 1.0
    for base in ("2408.00001", "2408.00002", "2408.00003"):
        bot.tg.send_text(f"arXiv:{base}", chat_id=620)
        await bot.tg.wait_for("sendMessage", chat_id=620, contains=base)
    await bot.tg.wait_for("sendPhoto", chat_id=620, count=3, timeout=30)
    edits = [e.text for e in bot.tg.calls_to("editMessageText", 620)]
    queued = [e for e in edits if e.startswith("🕒")]
    assert len(queued) == 1 and queued[0] in {t("en", "status_queued", id=f"2408.0000{i}v2") for i in (1, 2, 3)}
    assert len(card_messages_to(bot, 620)) == 3, "no paper is dropped"


def test_terminal_summarize_prints_the_card_and_writes_figures(arxiv_fake: FakeArxiv, tmp_path: Path) -> None:
    add_paper(arxiv_fake)
    env = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_BOT_TOKEN", "GEMINI_API_KEY")}
    env.update({"ARXIV_API_URL": arxiv_fake.api_url, "ARXIV_PDF_URL": arxiv_fake.pdf_url,
                "ARXIV_OAI_URL": arxiv_fake.oai_url, "PAPERGRAM_DB": str(tmp_path / "cli.db"),
                "ARXIV_DELAY_SECONDS": "0", "HF_API_URL": "off", "GITHUB_API_URL": "off",
                "SEMANTIC_SCHOLAR_API_URL": "off"})
    result = subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), "summarize", "https://arxiv.org/abs/2408.14227", "--out",
         str(tmp_path / "out")], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Faithful Summaries of Scientific Papers: https://arxiv.org/abs/2408.14227v2\n")
    assert "Ada Lovelace, Alan Turing" in result.stdout
    assert "arXiv:2408.14227v2 · cs.CV · 2024-09-01 · Accepted to ECCV'24" in result.stdout
    assert (tmp_path / "out" / "figure-1.jpg").read_bytes().startswith(b"\xff\xd8\xff")
    assert "figure-1.jpg: Fig. 1 — Faithfulness against paper length." in result.stdout


async def test_editing_a_message_sends_nothing_again(bot: RunningBot, arxiv_fake: FakeArxiv) -> None:
    add_paper(arxiv_fake)
    message_id = bot.tg.send_text("arXiv:2408.14227", chat_id=621)
    await bot.tg.wait_for("sendPhoto", chat_id=621)
    bot.tg.push({"edited_message": {"message_id": message_id, "date": 0, "edit_date": 1,
                                    "chat": bot.tg.chat(621), "from": bot.tg.user(), "text": "arXiv:2408.14227 !"}})
    bot.tg.send_text("/start", chat_id=621)
    await bot.tg.wait_for("sendMessage", chat_id=621, contains="Papergram")
    assert len(bot.tg.calls_to("sendPhoto", 621)) == 1 and len(bot.tg.texts_to(621, "Fetching")) == 1


async def test_tables_come_on_request(bot: RunningBot, arxiv_fake: FakeArxiv) -> None:
    from tests.pdfs import figures_pdf

    add_paper(arxiv_fake, pdfs={2: figures_pdf()})
    bot.tg.send_text("arXiv:2408.14227", chat_id=622)
    [album] = await bot.tg.wait_for("sendMediaGroup", chat_id=622)
    [key] = bot.tg.calls_to("sendPhoto", 622)
    assert key.params["caption"].startswith("Fig. 1 — "), "the key figure alone, its caption visible"
    captions = [m.get("caption", "") for m in album.params["media"]]
    assert captions[0].split("\n") == [line for line in captions[0].split("\n") if line.startswith("Fig. ")]
    assert [line.split(" — ")[0] for line in captions[0].split("\n")] == ["Fig. 2", "Fig. 3", "Fig. 4", "Fig. 5",
                                                                          "Fig. 6"]
    assert captions[1:] == [""] * 4, "one caption lists them: Telegram shows none when several photos have one"
    [card] = card_messages_to(bot, 622)
    [[like, dislike, save], [ask, figures, more]] = card.params["reply_markup"]["inline_keyboard"]
    assert (like, dislike, save) == ({"text": "👍", "callback_data": "rate:+:2408.14227"},
                                     {"text": "👎", "callback_data": "rate:-:2408.14227"},
                                     {"text": "🔖", "callback_data": "save:2408.14227v2"})
    assert [ask["text"], figures["text"], more["text"]] == ["❓ Ask", "🖼 Figures", "⋯ More"]
    bot.tg.press(figures["callback_data"], chat_id=622, under=card)
    [shown] = await bot.tg.wait_for("editMessageReplyMarkup", chat_id=622)
    rows = shown.params["reply_markup"]["inline_keyboard"]
    assert [b["text"] for row in rows[:-1] for b in row] == [f"🔍 Fig. {n}" for n in range(1, 7)]
    assert rows[0][0]["callback_data"] == "fig:2408.14227v2:1" and rows[-1][0]["text"] == "◀"
    bot.tg.press(more["callback_data"], chat_id=622, under=card)
    shown = (await bot.tg.wait_for("editMessageReplyMarkup", chat_id=622, count=2))[-1]
    [[bib, button, abstract], [similar, back]] = shown.params["reply_markup"]["inline_keyboard"]
    assert [bib["text"], abstract["text"], back["text"]] == ["📎 BibTeX", "📄 Abstract", "◀"]
    assert similar == {"text": "🔗 Similar papers", "callback_data": "sim:2408.14227v2"}
    assert button == {"text": "📊 Tables", "callback_data": "tables:2408.14227v2"}
    bot.tg.press(button["callback_data"], chat_id=622)
    table = (await bot.tg.wait_for("sendPhoto", chat_id=622, count=2))[-1]
    assert table.params["caption"] == "Table 1 — Numbers next to a figure."
    assert arxiv_fake.pdf_requests == ["2408.14227v2", "2408.14227v2"]
    await asyncio.sleep(REPEAT_SECONDS)  # pressed again later: a repeat within seconds is one action
    bot.tg.press(button["callback_data"], chat_id=622)
    await bot.tg.wait_for("sendPhoto", chat_id=622, count=3)
    assert len(arxiv_fake.pdf_requests) == 2, "tables are cached once found"


async def test_no_tables_says_so(bot: RunningBot, arxiv_fake: FakeArxiv) -> None:
    add_paper(arxiv_fake)
    bot.tg.send_text("arXiv:2408.14227", chat_id=623)
    await bot.tg.wait_for("sendPhoto", chat_id=623)
    bot.tg.press("tables:2408.14227v2", chat_id=623)
    [reply] = await bot.tg.wait_for("sendMessage", chat_id=623, contains="tables")
    assert reply.text == t("en", "no_tables", id="2408.14227v2")


async def test_a_number_the_paper_does_not_state_is_not_stated(gemini_bot: RunningBot, arxiv_fake: FakeArxiv,
                                                               gemini: FakeGemini) -> None:
    add_paper(arxiv_fake)
    gemini.summary.update({
        "results": "Accuracy improves by 12% over the baseline. It is 37.5 points better on ArxivBench.",
        "takeaways": ["Faithfulness improves by 12%.", "It beats GPT-4 on 9,999 papers."],
        "workload": "",
    })
    gemini_bot.tg.send_text("2408.14227", chat_id=630)
    card = (await card_of(gemini_bot, 630))[-1].text
    assert "Accuracy improves by 12% over the baseline." in card and "Faithfulness improves by 12%." in card
    assert "37.5" not in card and "9,999" not in card, "numbers the paper never states are gone"
    assert t("en", "note_numbers_removed", count=2) in card


async def test_a_card_on_a_phone_header_once_then_the_points_folded(gemini_bot: RunningBot,
                                                                    arxiv_fake: FakeArxiv) -> None:
    add_paper(arxiv_fake)
    gemini_bot.tg.send_text("2408.14227", chat_id=631)
    [card] = [c.text for c in await card_of(gemini_bot, 631)]
    assert len(card) <= 4096, "one message"
    head, folded = card.split("<blockquote expandable>")
    assert head.count("Faithful Summaries of Scientific Papers") == 1 and head.count("Ada Lovelace") == 1
    assert head.index("</a></b>") < head.index("<b>TL;DR</b>") < head.index("\n• ")
    assert head.count("\n• ") == 3, "three takeaways before the fold"
    points = ["1. Title", "2. Authors", "4. Keywords", "5. Urls", "6. Summary", "7. Methods", "8. Conclusion"]
    assert [folded.index(f"<b>{p}</b>") for p in points] == sorted(folded.index(f"<b>{p}</b>") for p in points)
    assert "…" not in folded, "every point complete"
    assert "</blockquote>" in folded
    for photo in gemini_bot.tg.calls_to("sendPhoto", 631):
        assert len(photo.params["caption"]) <= 1024


async def test_a_chinese_card_without_a_key_says_first_that_it_is_an_english_extract(
        bot: RunningBot, arxiv_fake: FakeArxiv) -> None:
    add_paper(arxiv_fake)
    bot.tg.send_text("/lang zh", chat_id=632)
    await bot.tg.wait_for("sendMessage", chat_id=632)
    bot.tg.send_text("2408.14227", chat_id=632)
    card = (await card_of(bot, 632))[-1].text
    _, rest = card.split("\n\n", 1)
    assert rest.startswith(f"<i>{t('zh', 'note_extract_language')}</i>")


def test_bibtex_from_arxiv_metadata_parses_back() -> None:
    from datetime import UTC, datetime

    import bibtexparser

    from services.cards.citations import bibtex_file
    from services.models import PaperMeta

    new = PaperMeta("1706.03762", 7, "Attention Is All You Need", ("Ashish Vaswani", "Noam Shazeer"), "x", "cs.CL",
                    published=datetime(2017, 6, 12, tzinfo=UTC), doi="10.48550/arXiv.1706.03762",
                    journal_ref="NeurIPS 2017")
    old = PaperMeta("hep-th/9901001", 1, "Strings & {Branes} at 100%", ("Jürgen Müller",), "x", "hep-th",
                    published=datetime(1999, 1, 4, tzinfo=UTC))
    library = bibtexparser.parse_string(bibtex_file([new, old, new]).decode())
    assert not library.failed_blocks
    first, second, third = library.entries
    fields = {k: f.value for k, f in first.fields_dict.items()}
    assert (first.entry_type, first.key) == ("misc", "vaswani2017attention")
    assert fields["eprint"] == "1706.03762" and fields["archivePrefix"] == "arXiv" and fields["primaryClass"] == "cs.CL"
    assert fields["doi"] == "10.48550/arXiv.1706.03762" and fields["journal"] == "NeurIPS 2017"
    assert fields["author"] == "Ashish Vaswani and Noam Shazeer" and fields["year"] == "2017"
    old_fields = {k: f.value for k, f in second.fields_dict.items()}
    assert second.key == "muller1999strings" and old_fields["eprint"] == "hep-th/9901001"
    assert "doi" not in old_fields and "journal" not in old_fields
    assert third.key == "vaswani2017attentiona", "a repeated key gets a letter"


async def test_the_bibtex_button_and_bib_as_a_reply(bot: RunningBot, arxiv_fake: FakeArxiv) -> None:
    import bibtexparser

    add_paper(arxiv_fake)
    bot.tg.send_text("2408.14227", chat_id=633)
    await card_of(bot, 633)
    bot.tg.press("bib:2408.14227v2", chat_id=633)
    [document] = await bot.tg.wait_for("sendDocument", chat_id=633)
    [data] = list(document.files.values())
    entry = bibtexparser.parse_string(data.decode()).entries[0]
    assert entry.fields_dict["eprint"].value == "2408.14227"
    assert entry.fields_dict["title"].value == "{Faithful Summaries of Scientific Papers}"
    bot.tg.send_text("/bib", chat_id=634)
    [usage] = await bot.tg.wait_for("sendMessage", chat_id=634)
    assert usage.text == t("en", "bib_usage")


async def test_users_asking_at_once_share_arxiv_queries(bot: RunningBot, arxiv_fake: FakeArxiv) -> None:
    ids = [f"2408.{30000 + i}" for i in range(5)]
    for base_id in ids:
        add_paper(arxiv_fake, base_id)
    arxiv_fake.api_delay = 0.5  # while the first query is on its way, the others wait for the next one together
    for i, base_id in enumerate(ids):
        bot.tg.send_text(base_id, chat_id=640 + i)
    for i in range(5):
        await bot.tg.wait_for("sendPhoto", chat_id=640 + i, timeout=20)
    assert len(arxiv_fake.api_requests) == 2, arxiv_fake.api_requests
    assert sorted(arxiv_fake.api_requests[1]["id_list"][0].split(",")) == sorted(
        set(ids) - set(arxiv_fake.api_requests[0]["id_list"][0].split(",")))


async def test_the_card_text_does_not_wait_for_its_crops(bot: RunningBot, arxiv_fake: FakeArxiv,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The text goes out as soon as it is written; the album follows when its crops exist."""
    add_paper(arxiv_fake)
    pool = bot.app.bot_data["services"].pdfs
    drawn = asyncio.Event()
    draw = pool.figures

    async def slow_figures(*args: Any, **kwargs: Any) -> Any:
        await drawn.wait()
        return await draw(*args, **kwargs)

    monkeypatch.setattr(pool, "figures", slow_figures)
    bot.tg.send_text("2408.14227", chat_id=624)
    try:
        [card] = await bot.tg.wait_for("sendMessage", chat_id=624, contains="<b>TL;DR</b>", timeout=5)
        [_, second] = card.params["reply_markup"]["inline_keyboard"]
        assert second[1] == {"text": "🖼 Figures", "callback_data": "kb:figs:2408.14227v2:1"}, \
            "the figures' button is there before their crops"
        await asyncio.sleep(0.3)
        assert not bot.tg.calls_to("sendPhoto", 624), "no crop drawn yet"
        journal = bot.app.bot_data["services"].store.card_requests()
        assert [r.text_sent for r in journal] == [True], "a restart now would send only the album"
    finally:
        drawn.set()
    [photo] = await bot.tg.wait_for("sendPhoto", chat_id=624)
    assert photo.params["caption"] == "Fig. 1 — Faithfulness against paper length."


async def test_crops_that_cannot_be_drawn_are_said(bot: RunningBot, arxiv_fake: FakeArxiv,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    add_paper(arxiv_fake)

    async def none_drawn(*args: Any, **kwargs: Any) -> list[Any]:
        return []  # as PdfPool.figures answers when every part ran past its time limit

    monkeypatch.setattr(bot.app.bot_data["services"].pdfs, "figures", none_drawn)
    bot.tg.send_text("2408.14227", chat_id=625)
    await bot.tg.wait_for("sendMessage", chat_id=625, contains=t("en", "note_figures"))
    assert not bot.tg.calls_to("sendPhoto", 625)


async def test_a_failure_after_the_text_leaves_the_card(bot: RunningBot, arxiv_fake: FakeArxiv,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    add_paper(arxiv_fake)

    async def broken(*args: Any, **kwargs: Any) -> list[Any]:
        raise RuntimeError("a bug while drawing")

    monkeypatch.setattr(bot.app.bot_data["services"].pdfs, "figures", broken)
    bot.tg.send_text("2408.14227", chat_id=626)
    await bot.tg.wait_for("sendMessage", chat_id=626, contains="<b>TL;DR</b>")
    await asyncio.sleep(0.5)
    assert not bot.tg.texts_to(626, t("en", "failed", id="2408.14227v2")), "the card stays the card"
    assert not bot.app.bot_data["services"].store.card_requests(), "the request is finished"


async def test_a_cards_buttons_show_what_the_reader_did(bot: RunningBot, arxiv_fake: FakeArxiv) -> None:
    add_paper(arxiv_fake)
    bot.tg.send_text("2408.14227", chat_id=635)
    [card] = await card_of(bot, 635)
    bot.tg.press("rate:+:2408.14227", chat_id=635, under=card)
    [liked] = await bot.tg.wait_for("editMessageReplyMarkup", chat_id=635)
    assert [b["text"] for b in liked.params["reply_markup"]["inline_keyboard"][0]] == ["👍 ✅", "👎", "🔖"]
    bot.tg.press("save:2408.14227v2", chat_id=635, under=card)
    saved = (await bot.tg.wait_for("editMessageReplyMarkup", chat_id=635, count=2))[-1]
    assert [b["text"] for b in saved.params["reply_markup"]["inline_keyboard"][0]] == ["👍 ✅", "👎", "✅ Saved"]


async def test_ask_and_abstract_under_a_card(bot: RunningBot, arxiv_fake: FakeArxiv) -> None:
    add_paper(arxiv_fake)
    bot.tg.send_text("2408.14227", chat_id=636)
    [card] = await card_of(bot, 636)
    bot.tg.press("ask:2408.14227v2", chat_id=636, under=card)
    [prompt] = await bot.tg.wait_for("sendMessage", chat_id=636, contains="reply to this message")
    assert prompt.params["reply_markup"]["force_reply"] is True
    bot.tg.press("abs:2408.14227v2", chat_id=636, under=card)
    [abstract] = await bot.tg.wait_for("sendMessage", chat_id=636, contains="<b>Abstract</b>")
    assert "<blockquote expandable>We propose a faithful summarizer." in abstract.text
    assert abstract.params["reply_parameters"]["message_id"] == card.message()["message_id"]


async def test_links_the_paper_never_had_are_not_on_the_card(gemini_bot: RunningBot, arxiv_fake: FakeArxiv,
                                                              gemini: FakeGemini) -> None:
    """A prompt-injected paper cannot put a phishing link on a card: Telegram would make even a bare domain
    clickable. Links the paper gives (and arXiv's) stay; the card says sentences were removed."""
    add_paper(arxiv_fake, abstract="We propose a faithful summarizer. It keeps metadata from arXiv. It improves "
                                   "accuracy by 12%. Code: https://github.com/ada/faithful.")
    gemini.summary.update({
        "results": "Log in at www.papergram-phish.com/login to see the results. The code is github.com/ada/faithful.",
        "takeaways": ["Details at https://phish.example/login.", "It keeps metadata from arXiv."],
        "workload": "",
    })
    gemini_bot.tg.send_text("2408.14227", chat_id=637)
    card = (await card_of(gemini_bot, 637))[-1].text
    assert "phish" not in card and "github.com/ada/faithful" in card
    assert t("en", "note_numbers_removed", count=2) in card


def two_versions(arxiv: FakeArxiv) -> None:
    """v1 and v2 of one paper: v2 adds a section, rewrites the results, and changes a table and a number."""
    from tests.pdfs import body

    def pdf(results: str, rows: list[str], extra: str = "") -> bytes:
        doc = pymupdf.open()
        page = doc.new_page(width=612, height=792)
        page.insert_text((72, 72), "Faithful Summaries of Scientific Papers", fontsize=16)
        body(page, (72.0, 540.0), 90, 200, "Abstract We propose a faithful summarizer that keeps metadata from "
             "arXiv and checks every number against the paper it summarizes, for researchers on their phones.")
        page.insert_text((72, 230), "1 Introduction", fontsize=12)
        body(page, (72.0, 540.0), 235, 330, "Summaries of papers go wrong in ways readers cannot see. We study "
             "how to keep every number and every name faithful to the paper, with the layout readers know.")
        page.insert_text((72, 360), "2 Results", fontsize=12)
        body(page, (72.0, 540.0), 365, 450, results)
        y = 480
        for row in rows:
            page.insert_text((100, y), row, fontsize=10)
            y += 14
        if extra:
            page.insert_text((72, 600), "3 Limitations", fontsize=12)
            body(page, (72.0, 540.0), 605, 700, extra)
        data: bytes = doc.tobytes()
        return data

    v1 = pdf("On ArxivBench the summarizer reaches 41.2 ROUGE-L and keeps 97% of the numbers of the paper it "
             "reads, where the baseline keeps 81% of them on the same set of four hundred papers.", [])
    v2 = pdf("On ArxivBench the summarizer reaches 43.5 ROUGE-L and keeps 97% of the numbers of the paper it "
             "reads, where the baseline keeps 81% of them on the same set of four hundred papers. A second "
             "annotator agreed with the first on nine papers in ten.", [],
             "The study covers papers in English only; other languages are left to future work by the authors.")
    add_paper(arxiv, pdfs={1: v1, 2: v2})


async def test_diff_says_what_changed_between_two_versions(bot: RunningBot, arxiv_fake: FakeArxiv) -> None:
    """Offline: the sections added and rewritten and the numbers that changed, found by comparing the texts;
    both versions read through the cache (a second /diff reads no PDF)."""
    two_versions(arxiv_fake)
    bot.tg.send_text("/diff 2408.14227", chat_id=640)
    [*_, reply] = await bot.tg.wait_for("sendMessage", chat_id=640, contains="What changed")
    text = reply.text
    assert text.startswith('<b><a href="https://arxiv.org/abs/2408.14227v2">Faithful Summaries')
    assert t("en", "diff_title", old='<a href="https://arxiv.org/abs/2408.14227v1">v1</a> (2024-08-26)',
             new='<a href="https://arxiv.org/abs/2408.14227v2">v2</a> (2024-09-01)') in text
    assert t("en", "diff_added", names="Limitations") in text and "<b>Sections rewritten</b>: Results (" in text
    assert "• On ArxivBench the summarizer reaches 43.5 ROUGE-L and…: 41.2 → 43.5" in text
    assert t("en", "diff_offline") in text and not bot.tg.texts_to(640, "Comparing arXiv")[1:]
    downloads = len(arxiv_fake.pdf_requests)
    bot.tg.send_text("/diff 2408.14227 v2 v1", chat_id=640)
    await bot.tg.wait_for("sendMessage", chat_id=640, contains="What changed", count=2)
    assert len(arxiv_fake.pdf_requests) == downloads, "both versions come from the cache"


async def test_diff_answers_what_cannot_be_compared(bot: RunningBot, arxiv_fake: FakeArxiv) -> None:
    add_paper(arxiv_fake, "2409.00001", versions={1: "2024-09-01T10:00:00Z"})
    two_versions(arxiv_fake)
    replies = [await command_reply(bot, text, 641) for text in
               ("/diff", "/diff 2409.00001", "/diff 2408.14227 v1 v7", "/diff 9912.99999")]
    assert replies == [t("en", "diff_usage"), t("en", "diff_one_version", id="2409.00001"),
                       t("en", "diff_bad_versions", id="2408.14227", latest=2),
                       t("en", "unknown_id", id="9912.99999")]


async def command_reply(bot: RunningBot, text: str, chat_id: int) -> str:
    before = len(bot.tg.calls_to("sendMessage", chat_id))
    bot.tg.send_text(text, chat_id=chat_id)
    replies = await bot.tg.wait_for("sendMessage", chat_id=chat_id, count=before + 1)
    return replies[before].text


async def test_diff_with_an_llm_gives_its_account_checked_like_a_card(gemini_bot: RunningBot, arxiv_fake: FakeArxiv,
                                                                      gemini: FakeGemini) -> None:
    two_versions(arxiv_fake)
    gemini.answer = ("Version 2 raises ROUGE-L on ArxivBench from 41.2 to 43.5 and adds a limitations section. "
                     "It also reaches 99.9 ROUGE-L on CNN/DailyMail.")
    gemini_bot.tg.send_text("/diff 2408.14227", chat_id=642)
    [*_, reply] = await gemini_bot.tg.wait_for("sendMessage", chat_id=642, contains="What changed")
    assert "💬 Version 2 raises ROUGE-L on ArxivBench from 41.2 to 43.5 and adds a limitations section." in reply.text
    assert "99.9" not in reply.text and t("en", "note_numbers_removed", count=1) in reply.text
    assert t("en", "diff_offline") not in reply.text
    turn = gemini.turns()[-1][-1]
    assert "Number changed in 'On ArxivBench the summarizer reaches 43.5 ROUGE-L and…': 41.2 -> 43.5" in turn
