"""Figure detection on PDFs the tests draw: the right crops, in the right order, and nothing else."""

from __future__ import annotations

import pymupdf
import pytest

from services.pdf.crops import extract_figures
from services.pdf.extractor import MAX_FIGURES
from services.pdf.figures import _unmark_ruled_cells, detect_document, sort_key
from services.pdf.layout import Block, Line
from tests.pdfs import EXPECTED_FIGURES, LEFT, RIGHT, body, caption, figures_pdf, paper_pdf, plot

TOLERANCE = 8.0


@pytest.fixture(scope="module")
def doc() -> pymupdf.Document:
    return pymupdf.open(stream=figures_pdf(), filetype="pdf")


def test_every_layout_gives_one_crop_per_caption(doc: pymupdf.Document) -> None:
    found = detect_document(doc, doc.page_count)
    assert [(d.kind, d.number, d.page) for d in found] == [(k, n, p) for k, n, p, _ in EXPECTED_FIGURES]
    for detected, (_, number, _, box) in zip(found, EXPECTED_FIGURES, strict=True):
        assert all(abs(a - b) <= TOLERANCE for a, b in zip(detected.bbox, box, strict=True)), (number, detected.bbox)


def test_a_sentence_mentioning_a_figure_is_no_caption(doc: pymupdf.Document) -> None:
    assert not [d for d in detect_document(doc, doc.page_count) if d.page == 5]


def test_cards_get_figures_in_order_and_tables_only_on_request(doc: pymupdf.Document) -> None:
    figures = extract_figures(doc, doc.page_count)
    assert [f.number for f in figures] == ["1", "2", "3", "4", "5", "6"]
    assert figures[0].caption == "Figure 1: A vector plot with axis labels."
    assert all(f.kind == "figure" and f.image[:4] in (b"\x89PNG", b"\xff\xd8\xff\xe0") for f in figures)
    tables = extract_figures(doc, doc.page_count, kinds=("table",))
    assert [(t.kind, t.number) for t in tables] == [("table", "1")]


def test_crops_are_about_1280_pixels_on_the_long_side(doc: pymupdf.Document) -> None:
    for figure in extract_figures(doc, doc.page_count):
        pix = pymupdf.Pixmap(figure.image)
        assert 1100 <= max(pix.width, pix.height) <= 1400
        assert pix.width + pix.height <= 10000 and max(pix.width, pix.height) / min(pix.width, pix.height) <= 20


def test_no_figure_gives_a_render_of_the_first_page() -> None:
    doc = pymupdf.open(stream=paper_pdf(figure=False), filetype="pdf")
    [page] = extract_figures(doc, 10)
    assert (page.kind, page.number, page.page) == ("page", "1", 0)


def test_at_most_six_figures_and_appendix_figures_last() -> None:
    assert MAX_FIGURES == 6
    assert sorted(["A.1", "10", "2", "1"], key=sort_key) == ["1", "2", "10", "A.1"]


def test_a_curve_clipped_by_its_axes_ends_at_them() -> None:
    """A plotting library draws the whole curve and clips it to the axes: the crop is what shows."""
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    body(page, LEFT, 72, 240)
    plot(page, pymupdf.Rect(60, 265, 285, 415))
    caption(page, pymupdf.Rect(LEFT[0], 421, LEFT[1], 445), "Figure 1: A vector plot with axis labels.")
    body(page, LEFT, 470, 720)
    body(page, RIGHT, 72, 720)
    # clip to the axes (PDF space: y up), then a curve rising 20 pt above them
    curve = doc.get_new_xref()
    doc.update_object(curve, "<<>>")
    doc.update_stream(curve, b"q 75 377 210 150 re W n 0.8 0.1 0.1 RG 1.5 w 75 380 m 200 420 290 547 y S Q")
    streams = " ".join(f"{xref} 0 R" for xref in [*page.get_contents(), curve])
    doc.xref_set_key(page.xref, "Contents", f"[{streams}]")
    assert any(d["rect"][1] < 250 for d in page.get_cdrawings()), "the curve's path reaches above the axes"
    [found] = detect_document(doc, 1)
    assert all(abs(a - b) <= TOLERANCE for a, b in zip(found.bbox, (50, 265, 285, 433), strict=True)), found.bbox


def test_a_table_in_two_stacked_parts_is_one_table() -> None:
    """Sub-tables (a) and (b) under one caption: the column rules of (a) reach down to (b), so they are one."""
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    for top, label in ((100.0, "(a) First part"), (172.0, "(b) Second part")):
        for y in (top, top + 16):
            page.draw_line((327, y), (552, y), color=(0, 0, 0), width=0.8)
        for x in (380, 460):
            page.draw_line((x, top), (x, top + 50), color=(0, 0, 0), width=0.5)
        page.insert_text((331, top + 12), "Method    Acc    F1", fontsize=8)
        page.insert_text((331, top + 30), "Ours   91.1   80.4", fontsize=8)
        page.insert_text((410, top + 61), label, fontsize=8)
    caption(page, pymupdf.Rect(RIGHT[0], 240, RIGHT[1], 264), "Table 1: Two parts under one caption.")
    body(page, LEFT, 72, 720)
    body(page, RIGHT, 290, 720)
    [found] = detect_document(doc, 1)
    assert found.kind == "table"
    assert all(abs(a - b) <= TOLERANCE for a, b in zip(found.bbox, (317, 100, 552, 258), strict=True)), found.bbox


def test_paragraphs_in_one_ruled_cell_are_the_table() -> None:
    """A table of prompts and answers: an answer of two paragraphs between two rules is a cell, not prose."""
    line = "the model answers the prompt at length and with some confidence in several sentences of text"
    first = Block((115, 468, 495, 576), [Line((115, 468 + 12 * i, 495, 478 + 12 * i), line, 10, False)
                                         for i in range(9)], body=True)
    second = Block((169, 577, 495, 630), [Line((169, 577 + 12 * i, 495, 587 + 12 * i), line, 10, False)
                                          for i in range(4)], body=True)
    prose = Block((108, 720, 504, 760), [Line((108, 720, 504, 730), line, 10, False)] * 3, body=True)
    rules = [(109, 448, 501, 448), (109, 465, 501, 465), (109, 633, 501, 633), (109, 649, 501, 649)]
    _unmark_ruled_cells([first, second, prose], rules)
    assert (first.body, second.body, prose.body) == (False, False, True)
