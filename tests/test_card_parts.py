"""The pure parts of a card: links, affiliation check, splitting, captions, text budget, PDF reading."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pymupdf

from services.cards.checks import verified_affiliation
from services.cards.figure_captions import figure_caption
from services.cards.links import PaperLinks, find_links
from services.cards.papers import PaperCard
from services.cards.render import CAPTION_LIMIT, card_messages, shorten, split_messages
from services.concurrency import KeyedLimiter
from services.llm.extractive import ExtractiveSummarizer
from services.llm.port import SummaryFields
from services.models import FigureImage, PaperMeta, PdfContent
from services.pdf.pool import process_pdf, render_figures
from services.pdf.sections import budget_text
from tests.fakes.gemini import SUMMARY
from tests.fakes.telegram_html import TEXT_LIMIT, check
from tests.pdfs import paper_pdf

PAPER = PaperMeta("2408.14227", 1, "T", ("A",), "We propose X.", "cs.CV", updated=datetime(2024, 8, 26, tzinfo=UTC))


def test_code_links_are_found_and_tidied() -> None:
    abstract = "Code is at https://github.com/org/repo. Project page: https://org.github.io/proj."
    assert find_links(abstract) == PaperLinks(code="https://github.com/org/repo", project="https://org.github.io/proj")
    assert find_links("see github.com/a/b), and") == PaperLinks(code="https://github.com/a/b")
    assert find_links("(https://huggingface.co/org/model)") == PaperLinks(), "model weights are not code"
    assert find_links("Our dataset: https://data.example.org/set and the project page https://x.example.org/p") \
        == PaperLinks(project="https://x.example.org/p"), "a dataset page is not the project page"
    assert find_links("benchmark leaderboard at https://bench.github.io/") == PaperLinks()
    assert find_links("", "1Work done at X. 2Videos: https://lab.example.org/demo") == PaperLinks(
        project="https://lab.example.org/demo"), "found in a footnote of the first pages"
    assert find_links("https://github.com/sponsors/x only") == PaperLinks()
    assert find_links("broken https://github.com/org/re-\npo here") == PaperLinks(code="https://github.com/org/re-po")


def test_affiliation_is_kept_only_when_the_first_page_prints_it() -> None:
    page = "Title\nAda Lovelace\nUniversity  of\nExample\n"
    assert verified_affiliation("University of Example", page) == "University of Example"
    assert verified_affiliation("University of Nowhere", page) == ""
    assert verified_affiliation("", page) == ""
    assert verified_affiliation("Universität Tübingen", "Ada\nUniversit¨at T¨ubingen\n") == "Universität Tübingen"
    assert verified_affiliation("École Polytechnique", "Ada\n´Ecole Polytechnique\n") == "École Polytechnique"


def test_messages_split_between_paragraphs_and_never_exceed_the_limit() -> None:
    paragraphs = ["<b>a</b>" + "x" * 3000, "y" * 2000, "z" * 100]
    messages = split_messages(paragraphs)
    assert messages == [paragraphs[0], paragraphs[1] + "\n\n" + paragraphs[2]]
    long_lines = "\n".join(["w" * 1000] * 9)
    assert all(len(m) <= 4096 for m in split_messages([long_lines]))


def test_a_card_with_huge_llm_fields_still_fits_one_message() -> None:
    summary = SummaryFields.model_validate({**SUMMARY, "background": "<i>" * 5000, "takeaways": ["t" * 3000] * 7})
    card = PaperCard(PAPER, summary, "en")
    [message] = card_messages(card)
    assert check(message, "HTML", TEXT_LIMIT) is None and "&lt;i&gt;" in message
    assert message.count("\n• ") + message.startswith("• ") <= 3, "three takeaways, whatever the LLM wrote"


def test_markup_costs_nothing_of_the_4096_characters_a_reader_sees() -> None:
    """Telegram counts the text after parsing: a paragraph of links longer than 4,096 characters of HTML is one
    message when its text is short, and a text of 4,097 characters that a reader sees is two."""
    linked = "\n".join(f'<a href="https://arxiv.org/abs/2501.{10000 + i}v1">paper {i}</a>' for i in range(90))
    assert len(linked) > 4096 and split_messages([linked]) == [linked]
    assert check(linked, "HTML", TEXT_LIMIT) is None
    assert len(split_messages(["&lt;" * 1000, "x" * 3095])) == 2
    assert len(split_messages(["&lt;" * 1000, "x" * 3094])) == 1


def test_fields_are_cut_at_a_sentence_never_inside_a_word() -> None:
    text = "The findings hold on four benchmarks. Accuracy rises by 12 points. It costs nothing at inference."
    assert shorten(text, 70) == "The findings hold on four benchmarks. Accuracy rises by 12 points."
    assert shorten("Supercalifragilistic words keep coming and coming without end", 30) == "Supercalifragilistic words…"
    assert shorten(text, 500) == text


def test_figure_captions_fit_telegram_after_escaping() -> None:
    figure = FigureImage("figure", "3", 2, (0, 0, 1, 1), "a < b & " * 400)
    caption = figure_caption(figure, "en", PAPER)
    assert len(caption) <= CAPTION_LIMIT and caption.startswith("Fig. 3 — a &lt; b &amp;")
    assert figure_caption(FigureImage("figure", "1", 0, (0, 0, 1, 1), "Figure 1: A cat."), "zh", PAPER) == \
        "图 1 — A cat."


def test_the_text_budget_drops_references_before_the_method() -> None:
    text = ("Abstract\n" + "a" * 100 + "\n1 Introduction\n" + "i" * 1000 + "\n2 Method\n" + "m" * 1000
            + "\nReferences\n" + "r" * 3000 + "\nA Proofs\n" + "p" * 3000)
    cut = budget_text(text, 2500)
    assert len(cut) <= 2500
    assert "m" * 1000 in cut and "i" * 1000 in cut and "r" * 100 not in cut and "p" * 100 not in cut


def test_bad_pdfs_give_a_note_not_a_crash() -> None:
    assert process_pdf(b"<html>not a pdf</html>", 10).content.note == "the file is not a PDF"
    assert process_pdf(b"%PDF-1.7 truncated", 10).content.note.startswith("corrupt PDF")
    doc = pymupdf.open()
    doc.new_page()
    encrypted = doc.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="u", owner_pw="o")
    assert process_pdf(encrypted, 10).content.note == "encrypted PDF"
    blank = pymupdf.open()
    blank.new_page()
    assert process_pdf(blank.tobytes(), 10).content.note == "the PDF has no text layer"


def test_a_good_pdf_gives_text_first_page_and_where_its_figures_are_then_their_crops() -> None:
    data = paper_pdf(pages=5)
    result = process_pdf(data, max_pages=2)
    assert result.content.pages == 5
    assert "Example University" in result.content.first_page
    assert "3 Method" not in result.content.text, "pages past the cap are not read"
    assert [(f.kind, f.number, f.caption) for f in result.regions] == [
        ("figure", "1", "Figure 1: Faithfulness against paper length.")]
    [crop] = render_figures(data, result.regions)
    assert (crop.number, crop.mime) == ("1", "image/jpeg") and crop.image.startswith(b"\xff\xd8\xff")
    assert render_figures(b"%PDF-1.7 gone", result.regions) == [], "a PDF that cannot be read has no crops"


def test_the_offline_extract_quotes_the_paper() -> None:
    content = process_pdf(paper_pdf(), 10).content
    paper = PaperMeta("1", 1, "Faithful summaries", ("A",), "We propose a faithful summarizer. It works well "
                      "on many benchmarks and datasets.", "cs.CL")
    summary = ExtractiveSummarizer().extract(paper, content)
    assert summary.one_sentence == "We propose a faithful summarizer."
    assert summary.affiliation == "Example University, Department of Testing"
    assert all(s in content.text.replace("\n", " ") or s in paper.abstract for s in summary.takeaways)


async def test_a_chat_runs_at_most_two_jobs_at_once() -> None:
    limiter = KeyedLimiter(2)
    running = peak = 0

    async def job() -> None:
        nonlocal running, peak
        async with limiter.slot("chat"):
            running += 1
            peak = max(peak, running)
            await asyncio.sleep(0.01)
            running -= 1

    await asyncio.gather(*(job() for _ in range(5)))
    assert peak == 2 and not limiter.busy("chat") and not limiter._slots


def test_the_offline_extract_skips_equations_and_reads_the_introduction() -> None:
    text = ("Title of the paper\nAda Lovelace ada@example.org\nAbstract\nWe propose a thing that works.\n"
            "1 Introduction\nPapers are many and time is short. Readers need some help with them.\n"
            "2 Method\nFirst we compute LCF M = Et,pt(z|ϵ)||vΘ(z, t) −a′ t at z||2 2 (11) for all t. "
            "Then we train the model on all the data we have.\n")
    paper = PaperMeta("1", 1, "A thing", ("A",), "We propose a thing that works.", "cs.CL")
    summary = ExtractiveSummarizer().extract(paper, PdfContent(text, text, 1))
    assert summary.background == "Papers are many and time is short. Readers need some help with them."
    assert summary.method_steps == ["Then we train the model on all the data we have."]


def test_a_licence_says_what_a_chat_may_republish() -> None:
    from services.arxiv.licences import ARXIV_DEFAULT, Licence, record_licence

    by, nc_nd, cc0, default = (Licence("http://creativecommons.org/licenses/by/4.0/"),
                               Licence("http://creativecommons.org/licenses/by-nc-nd/4.0/"),
                               Licence("http://creativecommons.org/publicdomain/zero/1.0/"), Licence(ARXIV_DEFAULT))
    assert [x.name for x in (by, nc_nd, cc0, default)] == ["CC BY 4.0", "CC BY-NC-ND 4.0", "CC0 1.0", "arXiv"]
    assert by.allows_figures("licensed") and cc0.allows_figures("licensed")
    assert not nc_nd.allows_figures("licensed") and nc_nd.allows_figures("noncommercial")
    assert not default.allows_figures("noncommercial") and default.allows_figures("all")
    assert not Licence("").allows_figures("licensed"), "unknown: nothing republished on its strength"
    record = (b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><GetRecord><record><metadata>'
              b'<arXiv xmlns="http://arxiv.org/OAI/arXiv/"><id>cs/0112017</id>%s</arXiv></metadata></record>'
              b'</GetRecord></OAI-PMH>')
    assert record_licence(record % b"<license>http://creativecommons.org/licenses/by-sa/4.0/</license>") == \
        "http://creativecommons.org/licenses/by-sa/4.0/"
    assert record_licence(record % b"") == ARXIV_DEFAULT, "a paper from before 2004 states none: arXiv's terms"
    assert record_licence(b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><error code="idDoesNotExist"/>'
                          b'</OAI-PMH>') is None
