"""PDFs drawn by the tests themselves with PyMuPDF: text, vector figures, raster images, captions."""

from __future__ import annotations

import textwrap

import pymupdf

LOREM = (
    "Large language models are used to summarize scientific papers. However, existing methods suffer from "
    "hallucinated metadata. We propose a method that keeps metadata from the source. Our approach improves "
    "faithfulness by 12% on a benchmark of one thousand papers. "
)


def paper_pdf(title: str = "A Test Paper", affiliation: str = "Example University, Department of Testing",
              pages: int = 3, figure: bool = True, extra_first_page: str = "") -> bytes:
    doc = pymupdf.open()
    for number in range(pages):
        page = doc.new_page(width=612, height=792)
        y = 72.0
        if number == 0:
            page.insert_text((72, y), title, fontsize=16)
            page.insert_text((72, y + 22), "Ada Lovelace, Alan Turing", fontsize=11)
            page.insert_text((72, y + 38), affiliation, fontsize=10)
            if extra_first_page:
                page.insert_text((72, y + 54), extra_first_page, fontsize=10)
            y += 80
            page.insert_textbox(pymupdf.Rect(72, y, 540, y + 120), "Abstract\n" + LOREM, fontsize=10)
            y += 130
            page.insert_textbox(pymupdf.Rect(72, y, 540, y + 140), "1 Introduction\n" + LOREM * 2, fontsize=10)
            y += 150
        else:
            page.insert_textbox(pymupdf.Rect(72, y, 540, y + 200), f"{number + 1} Method\n" + LOREM * 3, fontsize=10)
            y += 210
        if figure and number == 0:
            plot = pymupdf.Rect(150, y, 460, y + 180)
            page.draw_rect(plot, color=(0, 0, 0), width=1)
            page.draw_polyline([(plot.x0 + 10 * i, plot.y1 - 8 * i) for i in range(20)], color=(0, 0, 1), width=2)
            page.insert_text((plot.x0, plot.y1 + 18), "Figure 1: Faithfulness against paper length.", fontsize=9)
    data: bytes = doc.tobytes()
    doc.close()
    return data


PROSE = (
    "The method is evaluated on several standard benchmarks and compared against strong baselines from the "
    "literature. We report averages over three runs and describe every hyperparameter in the appendix so that "
    "the results can be reproduced by other groups without access to our internal infrastructure. "
) * 8
LEFT, RIGHT, GUTTER = (50.0, 295.0), (317.0, 562.0), 306.0


def body(page: pymupdf.Page, x: tuple[float, float], y0: float, y1: float, text: str = PROSE) -> None:
    """Running text filling the box line by line (insert_textbox writes nothing when text overflows)."""
    y = y0 + 10
    for line in textwrap.wrap(text, width=int((x[1] - x[0]) / 5.2)):
        if y > y1:
            break
        page.insert_text((x[0], y), line, fontsize=10)
        y += 12


def plot(page: pymupdf.Page, rect: pymupdf.Rect) -> None:
    """A vector line plot with axes and tick labels."""
    page.draw_line((rect.x0 + 15, rect.y1 - 12), (rect.x1, rect.y1 - 12), color=(0, 0, 0), width=1)
    page.draw_line((rect.x0 + 15, rect.y0), (rect.x0 + 15, rect.y1 - 12), color=(0, 0, 0), width=1)
    points = [(rect.x0 + 15 + (rect.width - 15) * i / 10, rect.y1 - 12 - (rect.height - 12) * (i / 10) ** 2)
              for i in range(11)]
    page.draw_polyline(points, color=(0.1, 0.3, 0.9), width=1.5)
    page.insert_text((rect.x0, rect.y0 + 8), "1.0", fontsize=6)
    page.insert_text((rect.x0 + 15, rect.y1 - 2), "0", fontsize=6)
    page.insert_text((rect.x1 - 30, rect.y1 - 2), "epochs", fontsize=6)


def raster(page: pymupdf.Page, rect: pymupdf.Rect) -> None:
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 64, 32), False)
    pix.set_rect(pix.irect, (200, 60, 40))
    pix.set_rect(pymupdf.IRect(0, 0, 32, 16), (30, 90, 200))
    page.insert_image(rect, stream=pix.tobytes("png"), keep_proportion=False)


def table(page: pymupdf.Page, rect: pymupdf.Rect) -> None:
    """A booktabs-style table: three rules and a grid of numbers."""
    for y in (rect.y0, rect.y0 + 16, rect.y1):
        page.draw_line((rect.x0, y), (rect.x1, y), color=(0, 0, 0), width=0.8)
    page.insert_text((rect.x0 + 4, rect.y0 + 12), "Method    Acc    F1", fontsize=8)
    for row in range(3):
        page.insert_text((rect.x0 + 4, rect.y0 + 30 + 14 * row), f"Ours-{row}   9{row}.1   8{row}.4", fontsize=8)


def caption(page: pymupdf.Page, rect: pymupdf.Rect, text: str, centered: bool = False) -> None:
    page.insert_textbox(rect, text, fontsize=9, align=pymupdf.TEXT_ALIGN_CENTER if centered else 0)


def figures_pdf() -> bytes:
    """Six pages in two columns: every layout the figure extractor must handle (see EXPECTED_FIGURES)."""
    doc = pymupdf.open()
    # p0: a vector plot with its caption below, in the left column
    page = doc.new_page(width=612, height=792)
    body(page, LEFT, 72, 240)
    plot(page, pymupdf.Rect(60, 265, 285, 415))
    caption(page, pymupdf.Rect(*LEFT[:1], 421, LEFT[1], 445), "Figure 1: A vector plot with axis labels.")
    body(page, LEFT, 470, 720)
    body(page, RIGHT, 72, 720)
    # p1: a raster image across both columns, caption below it
    page = doc.new_page(width=612, height=792)
    raster(page, pymupdf.Rect(50, 72, 562, 280))
    caption(page, pymupdf.Rect(50, 287, 562, 311), "Figure 2: A raster image spanning both columns of the page.")
    body(page, LEFT, 330, 720)
    body(page, RIGHT, 330, 720)
    # p2: two figures on one page, one per column
    page = doc.new_page(width=612, height=792)
    plot(page, pymupdf.Rect(60, 72, 285, 200))
    caption(page, pymupdf.Rect(*LEFT[:1], 206, LEFT[1], 230), "Figure 3: The left figure.")
    raster(page, pymupdf.Rect(327, 72, 552, 200))
    caption(page, pymupdf.Rect(RIGHT[0], 206, RIGHT[1], 230), "Figure 4: The right figure.")
    body(page, LEFT, 250, 720)
    body(page, RIGHT, 250, 720)
    # p3: a caption above its figure, and a table (caption above) next to it
    page = doc.new_page(width=612, height=792)
    caption(page, pymupdf.Rect(*LEFT[:1], 72, LEFT[1], 96), "Figure 5: A caption above its figure.")
    plot(page, pymupdf.Rect(60, 104, 285, 250))
    body(page, LEFT, 275, 720)
    caption(page, pymupdf.Rect(RIGHT[0], 72, RIGHT[1], 96), "Table 1: Numbers next to a figure.")
    table(page, pymupdf.Rect(327, 104, 552, 180))
    body(page, RIGHT, 205, 720)
    # p4: a figure with two panels, each with a prose-like sub-caption, and one caption for both
    page = doc.new_page(width=612, height=792)
    plot(page, pymupdf.Rect(60, 72, 290, 200))
    plot(page, pymupdf.Rect(322, 72, 552, 200))
    page.insert_text((60, 214), "(a) Per-token loss on the fine-tuning dataset,", fontsize=10)
    page.insert_text((60, 226), "measured for every position after each step.", fontsize=10)
    page.insert_text((322, 214), "(b) Per-token gradient norm on the same data,", fontsize=10)
    page.insert_text((322, 226), "measured the same way after each gradient step.", fontsize=10)
    caption(page, pymupdf.Rect(50, 236, 562, 260), "Figure 6: Two panels share one caption.", centered=True)
    body(page, LEFT, 280, 720)
    body(page, RIGHT, 280, 720)
    # p5: prose only; it mentions Figure 1 in a sentence, which is not a caption
    page = doc.new_page(width=612, height=792)
    body(page, LEFT, 72, 130, "Figure 1 shows that the method converges quickly, and Table 1 lists the "
         "numbers behind it. " * 3)
    body(page, LEFT, 140, 720)
    body(page, RIGHT, 72, 720)
    data: bytes = doc.tobytes()
    doc.close()
    return data


EXPECTED_FIGURES = [
    # kind, number, page, box (graphic and caption) in points
    ("figure", "1", 0, (50, 265, 285, 433)),
    ("figure", "2", 1, (50, 72, 562, 299)),
    ("figure", "3", 2, (50, 72, 285, 218)),
    ("figure", "4", 2, (317, 72, 552, 218)),
    ("figure", "5", 3, (50, 72, 285, 250)),
    ("table", "1", 3, (317, 72, 552, 180)),
    ("figure", "6", 4, (60, 72, 552, 248)),
]


def messy_pdf() -> bytes:
    """Two columns, a running header and page numbers, a footnote, an equation line, a ruled table, a word
    hyphenated at a line break, a compound that keeps its hyphen, a TeX-style decomposed accent. (Ligatures:
    the base-14 fonts cannot draw ﬁ, so `normalize` is tested on text.)"""
    doc = pymupdf.open()
    left_lines = [
        "1 Introduction",
        "We study how to sufficiently summarize papers with a mo-",
        "del that reads every section. Our self-",
        "supervised objective is state-of-the-art.",
        "The first author works at Universit\u00a8at T\u00a8ubingen.",
        "L = E[ ||x - y||^2 ] + 1/2 * sum_i w_i",
        "We evaluate it on many benchmarks and it",
        "improves faithfulness by 12% over the baseline.",
    ]
    right_lines = [
        "2 Method",
        "The method reads the body text in order and",
        "leaves figures, tables and captions aside so",
        "that the summary is built from prose only.",
        "Figure 1: A caption that is not prose.",
    ]
    for number in range(3):
        page = doc.new_page(width=612, height=792)
        page.insert_text((200, 40), "Preprint under review at a venue", fontsize=8)
        page.insert_text((300, 770), str(number + 1), fontsize=9)
        if number == 0:
            for i, line in enumerate(left_lines):
                page.insert_text((LEFT[0], 100 + 14 * i), line, fontsize=10)
            for i, line in enumerate(right_lines):
                page.insert_text((RIGHT[0], 100 + 14 * i), line, fontsize=10)
            table = pymupdf.Rect(RIGHT[0], 300, RIGHT[1], 360)
            page.insert_text((RIGHT[0], 295), "Table 1: Scores on two benchmarks.", fontsize=9)
            page.draw_line(table.tl, table.tr)
            page.draw_line((table.x0, table.y1), table.br)
            for row, cells in enumerate((("Method", "BLEU", "F1"), ("Ours", "41.2", "0.88"), ("Base", "37.5", "0.81"))):
                for col, cell in enumerate(cells):
                    page.insert_text((table.x0 + 80 * col, table.y0 + 15 + 16 * row), cell, fontsize=10)
            page.insert_text((LEFT[0], 740), "1Code is released under the MIT licence.", fontsize=7)
        else:
            body(page, LEFT, 80, 700)
            body(page, RIGHT, 80, 700)
    data: bytes = doc.tobytes()
    doc.close()
    return data


QA_SECTIONS = (
    ("1 Introduction", "Reading papers takes researchers hours each week. We propose a reader that summarizes a "
                       "paper section by section, so that a lab can decide quickly what to read in full."),
    ("2 Method", "The reader splits the paper into sections and attends over each section with a shared encoder "
                 "of 12 layers. A second pass checks every number against the source text."),
    ("3 Experiments", "On ArxivBench the reader reaches 41.2 ROUGE-L and runs twice as fast as the baseline. "
                      "Figure 1 shows that faithfulness stays flat as papers grow longer."),
    ("4 Limitations", "The reader does not handle scanned papers without a text layer, and its encoder was "
                      "trained on English papers only."),
)


def qa_pdf(title: str = "Faithful Summaries of Scientific Papers") -> bytes:
    """A short paper whose sections say distinct things (what a question's answer must find) and whose
    Figure 1 is cited in the experiments."""
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_text((72, 72), title, fontsize=16)
    page.insert_text((72, 94), "Ada Lovelace, Alan Turing", fontsize=11)
    page.insert_text((72, 110), "Example University", fontsize=10)
    page.insert_textbox(pymupdf.Rect(72, 140, 540, 220), "Abstract\nWe propose a faithful summarizer of papers. "
                        "It keeps metadata from arXiv and improves accuracy by 12%.", fontsize=10)
    y = 230.0
    for heading, text in QA_SECTIONS[:2]:
        page.insert_textbox(pymupdf.Rect(72, y, 540, y + 90), f"{heading}\n{text}", fontsize=10)
        y += 100
    plot = pymupdf.Rect(150, y, 460, y + 160)
    page.draw_rect(plot, color=(0, 0, 0), width=1)
    page.draw_polyline([(plot.x0 + 10 * i, plot.y1 - 7 * i) for i in range(20)], color=(0, 0, 1), width=2)
    page.insert_text((plot.x0, plot.y1 + 18), "Figure 1: Faithfulness against paper length.", fontsize=9)
    page = doc.new_page(width=612, height=792)
    y = 72.0
    for heading, text in QA_SECTIONS[2:]:
        page.insert_textbox(pymupdf.Rect(72, y, 540, y + 90), f"{heading}\n{text}", fontsize=10)
        y += 100
    data: bytes = doc.tobytes()
    doc.close()
    return data
