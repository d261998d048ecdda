"""The reading list as one works (issue 26): each paper reopens its card, is marked read or unread, and the list
goes to reference managers as .bib, .ris and CSL-JSON — each read back by a maintained parser."""

from __future__ import annotations

import json

import bibtexparser
import rispy
from citeproc.source.json import CiteProcJSON

from services import callback_data
from services.arxiv.ids import find_papers
from services.i18n import t
from tests.conftest import RunningBot
from tests.fakes.arxiv import FakeArxiv, FakePaper
from tests.test_digests import command, services_of
from tests.test_relevance import PDF


async def test_the_reading_list_reopens_cards_marks_read_and_exports_three_formats(
        bot: RunningBot, arxiv_fake: FakeArxiv) -> None:
    arxiv_fake.add(FakePaper(base_id="2408.10001", title="Graph Neural Networks & <Molecules>",
                             authors=["Ada King Lovelace", "Grace Hopper"], abstract="Graphs {with} braces.",
                             category="cs.LG", pdfs={1: PDF}, versions={1: "2024-08-25T10:00:00Z"}))
    arxiv_fake.add(FakePaper(base_id="2408.10002", title="Scalable Graph Transformers", authors=["Alan Turing"],
                             abstract="Attention over graphs.", category="cs.LG", pdfs={1: PDF},
                             versions={1: "2024-08-20T10:00:00Z", 2: "2024-08-26T10:00:00Z"}))
    store = services_of(bot).store
    for base_id in ("2408.10001", "2408.10002"):  # as 🔖 under their cards saves them
        [ref] = find_papers(base_id)
        paper = (await services_of(bot).papers.lookup([ref]))[ref]
        assert paper is not None
        store.save_paper_for(980, paper)
    listing = await command(bot, "/saved", 980)
    assert listing.splitlines()[1:] == [
        '1. <a href="https://arxiv.org/abs/2408.10002v2">Scalable Graph Transformers</a>',
        '2. <a href="https://arxiv.org/abs/2408.10001v1">Graph Neural Networks &amp; &lt;Molecules&gt;</a>']
    keyboard = bot.tg.calls_to("sendMessage", 980)[-1].params["reply_markup"]["inline_keyboard"]
    assert [[b["text"] for b in row] for row in keyboard] == [
        ["📄 1", "○ 1", "✖ 1"], ["📄 2", "○ 2", "✖ 2"], ["⬇ .bib", "⬇ .ris", "⬇ CSL-JSON"], ["🆚 Compare"]]
    assert keyboard[0][0]["callback_data"] == callback_data.CARD.build("2408.10002v2")

    bot.tg.press(keyboard[1][1]["callback_data"], chat_id=980)
    [edited] = await bot.tg.wait_for("editMessageText", chat_id=980)
    assert edited.text.splitlines()[2].startswith("2. ✓ <a ")
    assert edited.params["reply_markup"]["inline_keyboard"][1][1]["text"] == "✓ 2"
    [answer] = await bot.tg.wait_for("answerCallbackQuery")
    assert answer.params["text"] == t("en", "saved_read")
    assert [r.read for r in store.saved(980)] == [False, True]

    files: dict[str, bytes] = {}
    for row_button in keyboard[2]:
        bot.tg.press(row_button["callback_data"], chat_id=980)
        documents = await bot.tg.wait_for("sendDocument", chat_id=980, count=len(files) + 1)
        [data] = documents[-1].files.values()
        assert documents[-1].params["document_filename"] == {
            "⬇ .bib": "reading-list.bib", "⬇ .ris": "reading-list.ris", "⬇ CSL-JSON": "reading-list.json"
        }[row_button["text"]]
        files[documents[-1].params["caption"]] = data
    bib, ris_text, csl_text = (data.decode() for data in files.values())
    assert list(files)[1] == t("en", "saved_export_caption", count=2, kind=".ris")

    entries = bibtexparser.parse_string(bib).entries
    assert [e.fields_dict["eprint"].value for e in entries] == ["2408.10002", "2408.10001"]
    records = rispy.loads(ris_text)
    assert [r["type_of_reference"] for r in records] == ["UNPB", "UNPB"]
    assert records[1]["title"] == "Graph Neural Networks & <Molecules>"
    assert records[1]["authors"] == ["Lovelace, Ada King", "Hopper, Grace"]
    assert records[0]["doi"] == "10.48550/arXiv.2408.10002" and records[0]["urls"] == [
        "https://arxiv.org/abs/2408.10002"]
    source = CiteProcJSON(json.loads(csl_text))
    item = source["arxiv:2408.10001"]
    assert str(item["title"]) == "Graph Neural Networks & <Molecules>"
    assert [(str(a["family"]), str(a["given"])) for a in item["author"]] == [("Lovelace", "Ada King"),
                                                                           ("Hopper", "Grace")]
    assert item["issued"]["year"] == 2024

    bot.tg.send_text("/saved ris", chat_id=980)
    documents = await bot.tg.wait_for("sendDocument", chat_id=980, count=4)
    assert next(iter(documents[-1].files.values())).decode() == ris_text
    assert await command(bot, "/saved", 981) == t("en", "saved_none")
