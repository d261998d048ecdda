"""Figure detection on PDFs the tests draw: the right crops, in the right order, and nothing else."""

from __future__ import annotations

import pymupdf
import pytest

from services.pdf.crops import extract_figures, render_regions
from services.pdf.extractor import MAX_FIGURES
from services.pdf.figures import _unmark_ruled_cells, detect_document, sort_key
from services.pdf.layout import Block, Line, _merge_caption_continuations
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


def one_column_page(doc: pymupdf.Document) -> pymupdf.Page:
    """A one-column page with body text at its top and bottom, as a journal's."""
    page = doc.new_page(width=612, height=792)
    body(page, (72.0, 540.0), 60, 140)
    body(page, (72.0, 540.0), 640, 720)
    return page


def test_a_table_set_in_text_alone_is_found_with_its_caption_below() -> None:
    """AASTeX's plain tabular after the references: no rule, no graphic, only aligned text over its caption."""
    doc = pymupdf.open()
    for _ in range(3):  # the layout is learnt from prose pages
        body(doc.new_page(width=612, height=792), (72.0, 540.0), 60, 720)
    page = one_column_page(doc)
    for row, name in enumerate(["Parameter", "Amplitude", "Period", "Eccentricity", "Jitter"]):
        page.insert_text((160, 200 + 18 * row), name, fontsize=9)
        page.insert_text((380, 200 + 18 * row), f"U(0, {row + 1}0)", fontsize=9)
    caption(page, pymupdf.Rect(72, 310, 540, 340), "Table 1: Priors for the model parameters.")
    [table] = [d for d in detect_document(doc, doc.page_count) if d.kind == "table"]
    assert table.number == "1" and table.bbox[1] <= 192 and table.bbox[3] >= 320


def test_a_caption_cut_by_a_subscript_is_read_to_its_end() -> None:
    """`E_T^miss` in a JHEP caption: the PDF gives the caption's first words as one block and the rest — starting
    with the subscript's own line, on the caption's line — as another (seen in hep-ph papers). Both are the
    caption; the rest is not body text that stops the table's box. Text beside a wrapped figure's caption is."""
    def line(box: tuple[float, float, float, float], text: str, size: float = 11.0) -> Line:
        return Line(box, text, size, False)

    head = Block((83, 249, 260, 262), [line((83, 249, 260, 262), "Table 2: The ATLAS mono-jet Emiss")])
    rest = Block((83, 251, 512, 292), [line((243, 257, 249, 265), "T", 8.0),
                                       line((263, 251, 512, 262), "signal regions and corresponding observed"),
                                       line((83, 266, 512, 277), "model-independent upper limits at 95% confidence"),
                                       line((83, 281, 103, 292), "[57].")])
    [merged] = _merge_caption_continuations([head, rest])
    assert merged.box == (83, 249, 512, 292) and merged.text.endswith("[57].")
    beside = Block((270, 387, 506, 420), [line((270, 387, 506, 398), "the data augmentation is applied to"),
                                          line((270, 400, 506, 411), "every prompt of the training set and")])
    wrapped = Block((108, 387, 260, 398), [line((108, 387, 260, 398), "Figure 4: The data augmentation in-")])
    assert len(_merge_caption_continuations([wrapped, beside])) == 2


def test_sub_captions_between_rows_keep_a_grid_whole() -> None:
    """A 2×2 grid whose rows are separated by their sub-captions "(a)", "(b)": the top row is not lost."""
    doc = pymupdf.open()
    for _ in range(3):
        body(doc.new_page(width=612, height=792), (72.0, 540.0), 60, 720)
    page = doc.new_page(width=612, height=792)
    body(page, (72.0, 540.0), 60, 140)
    for row, top in enumerate((180.0, 340.0)):
        for column, left in enumerate((100.0, 320.0)):
            plot(page, pymupdf.Rect(left, top, left + 190, top + 120))
            letter = "abcd"[2 * row + column]
            page.insert_text((left + 40, top + 135), f"({letter}) Accuracy on dataset {letter}.", fontsize=8)
    caption(page, pymupdf.Rect(72, 500, 540, 530), "Figure 6: Many-shot in-context learning on four datasets.")
    [figure] = [d for d in detect_document(doc, doc.page_count) if d.kind == "figure"]
    assert figure.bbox[1] <= 181 and figure.bbox[3] >= 510


def test_a_figure_printed_sideways_is_found_and_sent_upright() -> None:
    """A landscape figure on a portrait page (JHEP's full-page plots): its caption's lines stand upright one
    beside the other; the crop holds the plots and the whole caption, turned so that it reads normally."""
    doc = pymupdf.open()
    for _ in range(3):
        body(doc.new_page(width=612, height=792), (72.0, 540.0), 60, 720)
    page = doc.new_page(width=612, height=792)
    for left in (80.0, 240.0):
        for top in (120.0, 420.0):
            plot(page, pymupdf.Rect(left, top, left + 140, top + 250))
    page.insert_text((445, 700), "Figure 3: Upper limits on the coupling for the s-channel models in the", fontsize=11,
                     rotate=90)
    page.insert_text((460, 700), "mono-jet (left) and mono-Z (right) channels. See the text for details.", fontsize=11,
                     rotate=90)
    [figure] = [d for d in detect_document(doc, doc.page_count) if d.kind == "figure"]
    assert (figure.number, figure.turn) == ("3", 90) and "mono-Z (right) channels" in figure.caption
    assert figure.bbox[0] <= 81 and figure.bbox[2] >= 455 and figure.bbox[1] <= 121 and figure.bbox[3] >= 669
    [crop] = render_regions(doc, [figure])
    image = pymupdf.Pixmap(crop.image)
    assert image.width > image.height, "turned upright: the plots side by side, the caption under them"


def test_a_figure_right_under_the_page_number_is_whole() -> None:
    """REVTeX sets a column-wide plot 20 pt under the page number, above 7.5% of the page: it is not cut."""
    doc = pymupdf.open()
    for _ in range(3):
        body(doc.new_page(width=612, height=792), (72.0, 540.0), 60, 720)
    page = doc.new_page(width=612, height=792)
    page.insert_text((530, 38), "6", fontsize=10)
    plot(page, pymupdf.Rect(72, 52, 300, 226))
    caption(page, pymupdf.Rect(72, 232, 540, 262), "FIG. 1. The Berry phase against the number of k-points.")
    body(page, (72.0, 540.0), 280, 720)
    [figure] = [d for d in detect_document(doc, doc.page_count) if d.kind == "figure"]
    assert figure.bbox[1] <= 53 and figure.bbox[3] >= 240


def test_a_teaser_figure_is_not_given_the_footnotes_under_its_caption() -> None:
    """A first page's teaser over the footnotes: the footnote rule and its small text are not the figure."""
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((108, 80), "MiniLLM: Knowledge Distillation of Large Language Models", fontsize=16)
    body(page, (144.0, 468.0), 120, 480)
    plot(page, pymupdf.Rect(135, 510, 480, 614))
    for row, text in enumerate(["Figure 1: The comparison of MiniLLM with the sequence-level KD baselines on",
                                "three model families, scored by GPT-4 on the instruction-following set; the",
                                "teacher is the largest model of each family, the students are the others."]):
        page.insert_text((108, 660 + 11 * row), text, fontsize=9)
    page.draw_line((108, 698.4), (251, 698.4), color=(0, 0, 0), width=0.4)
    page.insert_text((120, 708), "*Contribution during an internship at Microsoft Research.", fontsize=8)
    for _ in range(3):
        body(doc.new_page(width=612, height=792), (108.0, 504.0), 60, 720)
    [figure] = [d for d in detect_document(doc, doc.page_count) if d.kind == "figure"]
    assert figure.bbox[1] <= 511 and figure.bbox[3] <= 696


def test_supplement_figures_and_tables_are_numbered_s1_s2() -> None:
    """A supplement's `Figure S1`, `Table S2`: found, and after the paper's own figures."""
    doc = pymupdf.open()
    for _ in range(3):
        body(doc.new_page(width=612, height=792), (72.0, 540.0), 60, 720)
    page = doc.new_page(width=612, height=792)
    plot(page, pymupdf.Rect(120, 100, 480, 300))
    caption(page, pymupdf.Rect(72, 310, 540, 340), "Figure S1: Training curves of every run in the supplement.")
    page.insert_text((72, 400), "Table S2: Hyperparameters of the supplementary runs.", fontsize=9)
    for row in range(3):
        page.draw_line((150, 415 + 18 * row), (460, 415 + 18 * row), color=(0, 0, 0), width=0.5)
        page.insert_text((160, 428 + 18 * row), f"lr    {row + 1}e-4    batch {64 * (row + 1)}", fontsize=9)
    found = detect_document(doc, doc.page_count)
    assert [(d.kind, d.number) for d in found] == [("figure", "S1"), ("table", "S2")]
    assert sorted(["S1", "2", "A.1", "10"], key=sort_key) == ["2", "10", "A.1", "S1"]
