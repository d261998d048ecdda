"""A page's text as its PDF lays it out: lines with their size and weight, blocks, captions, and what the
whole document says about its body text (font size, column width, one or two columns).

Read once per paper, for the figure detector (services/figures.py) and the paper's text
(services/clean_text.py). Pure PyMuPDF, no I/O: runs in the PDF worker processes.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pymupdf

LAYOUT_PAGES = 8
"""Pages read up front to learn the body font size and column layout."""

Box = tuple[float, float, float, float]

_CAPTION = re.compile(
    r"^(?P<label>fig(?:ure)?s?\.?|table)\s*(?P<number>[A-HS]\.?\d{1,2}|\d{1,3}|[IVXL]{1,6})(?=\W|$)(?P<after>\s*.?)",
    re.IGNORECASE,
)
_TEXT_FLAGS = pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_PRESERVE_LIGATURES | pymupdf.TEXT_MEDIABOX_CLIP


@dataclass
class Line:
    box: Box
    text: str
    size: float
    bold: bool
    mono: bool = False
    """Set in a typewriter face: code, a shell session, a file listing."""


@dataclass
class Block:
    box: Box
    lines: list[Line]
    body: bool = False
    caption: Caption | None = None

    @functools.cached_property
    def text(self) -> str:
        """The lines as one text; a word hyphenated across a line break is joined again (a block's lines never
        change: computed once)."""
        return re.sub(r"(?<=[a-z])- (?=[a-z])", "", " ".join(line.text for line in self.lines))


@dataclass
class Caption:
    kind: str
    number: str


@dataclass(frozen=True)
class Layout:
    """What the whole document says about its text: the yardstick for each page."""

    body_size: float
    body_width: float
    two_columns: bool


def union(a: Box, b: Box) -> Box:
    return min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])


def union_all(boxes: list[Box]) -> Box:
    box = boxes[0]
    for other in boxes[1:]:
        box = union(box, other)
    return box


def x_overlap(box: Box, x0: float, x1: float) -> float:
    """Fraction of `box`'s width inside [x0, x1] (a vertical rule, with no width, is inside or not)."""
    if box[2] - box[0] < 0.1:
        return 1.0 if x0 <= box[0] <= x1 else 0.0
    return max(0.0, min(box[2], x1) - max(box[0], x0)) / (box[2] - box[0])


def parse_caption(line: Line, first_in_block: bool = True) -> tuple[Caption, bool] | None:
    """(caption, strong) when `line` opens a caption; strong: a delimiter or bold face says so for sure."""
    match = _CAPTION.match(line.text.strip())
    if not match:
        return None
    label, number, after = match["label"].lower(), match["number"], match["after"].strip()
    if number.isalpha() and not (label.startswith("tab") and number.isupper()):
        return None  # roman numerals number tables only ("TABLE IV")
    strong = after[:1] in (":", ".", "|", "—", "–") or line.bold
    if not strong and not (first_in_block and (after[:1].isupper() or not after)):
        return None  # "Figure 3 shows …" is a sentence, not a caption
    kind = "table" if label.startswith("tab") else "figure"
    return Caption(kind, number.replace(".", ".") if not number[0].isalpha() else number), strong


_SUPERSCRIPT = str.maketrans("0123456789+-=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ")


def _span_text(span: dict[str, Any]) -> str:
    """A span's text; a superscript the PDF marks (512², a footnote marker¹) is written in superscript letters."""
    text: str = span["text"]
    if span["flags"] & 1 and text.strip():
        raised = text.strip().translate(_SUPERSCRIPT)
        if all(c in "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ*†‡§¶" for c in raised):
            return raised
    return text


def _make_block(lines: list[Line]) -> Block:
    return Block(union_all([line.box for line in lines]), lines)


def read_blocks(page: pymupdf.Page) -> list[Block]:
    """Text blocks of a page, each caption starting a block of its own and holding all its lines."""
    raw_blocks = []
    for raw in page.get_text("dict", flags=_TEXT_FLAGS)["blocks"]:
        lines = []
        for raw_line in raw.get("lines", []):
            spans = [s for s in raw_line["spans"] if s["text"].strip()]
            if not spans:
                continue
            size = max(spans, key=lambda s: len(s["text"]))["size"]
            font = spans[0]["font"]
            bold = bool(spans[0]["flags"] & 16) or "Bold" in font or "Medi" in font
            text = "".join(_span_text(s) for s in raw_line["spans"]).strip()
            typed = sum(len(s["text"]) for s in spans if s["flags"] & 8 or re.search("Mono|Courier", s["font"]))
            lines.append(Line(tuple(raw_line["bbox"]), text, round(size * 2) / 2, bold,  # type: ignore[arg-type]
                              typed > 0.6 * sum(len(s["text"]) for s in spans)))
        if lines:
            raw_blocks.append(lines)
    blocks: list[Block] = []
    for lines in raw_blocks:
        start = 0
        for index, line in enumerate(lines):  # a caption glued under a figure's labels starts a new block
            parsed = parse_caption(line, True)
            if index > start and parsed and parsed[1]:
                blocks.append(_make_block(lines[start:index]))
                start = index
            elif index > start and abs(line.size - lines[start].size) > 1.0 and parse_caption(lines[start]):
                blocks.append(_make_block(lines[start:index]))  # a table's cells glued under its caption
                start = index
        blocks.append(_make_block(lines[start:]))
    return _merge_caption_continuations(blocks)


def _main_size(block: Block) -> float:
    """The size most of a block's characters have."""
    sizes: Counter[float] = Counter()
    for line in block.lines:
        sizes[line.size] += len(line.text)
    return sizes.most_common(1)[0][0]


def _merge_caption_continuations(blocks: list[Block]) -> list[Block]:
    """A caption's later lines can come as blocks of their own: glue each to the caption right above it."""
    result: list[Block] = []
    for block in blocks:
        previous = result[-1] if result else None
        if previous is not None and parse_caption(previous.lines[0]) and not parse_caption(block.lines[0]):
            last = previous.lines[-1]
            # a subscript's own line ("T" of E_T^miss) sits on the caption's line: the gap is the next real line's
            first = next((line for line in block.lines if len(line.text) > 3), block.lines[0])
            gap = first.box[1] - last.box[3]
            overlaps = min(block.box[2], previous.box[2]) - max(block.box[0], previous.box[0]) > 0
            # not a table's cells under its caption (a subscript's own line, "T" of E_T, does not decide)
            same_size = abs(_main_size(block) - _main_size(previous)) <= 1.0
            # the rest of the caption's own line, cut off by a subscript, is a continuation too
            # (its next lines start where the caption does: not the text a wrapped figure's caption sits beside)
            later = [line for line in block.lines if line.box[1] > first.box[3] - 1]
            same_line = first.box[1] < last.box[3] - 2 and 0 <= first.box[0] - last.box[2] <= 8 and \
                first.box[3] - first.box[1] < 2 * (last.box[3] - last.box[1]) and \
                all(abs(line.box[0] - previous.box[0]) <= 3 for line in later[:1])
            if (same_line or -2 <= gap <= 0.45 * (last.box[3] - last.box[1])) and overlaps and same_size:
                result[-1] = _make_block(previous.lines + block.lines)
                continue
        result.append(block)
    return result


SUBCAPTION = re.compile(r"^\(([a-h]|[ivx]{1,4})\)\s")
"""A sub-figure's caption: "(a) Loss on the fine-tuning set"."""


def looks_like_prose(block: Block, body_size: float) -> bool:
    """Body-sized, several long lines, mostly letters: running text (the width test comes later).

    A sub-figure caption — "(a) Loss on the fine-tuning set" — belongs to its figure, however prose-like.
    """
    text = block.text
    if len(text) < 80 or SUBCAPTION.match(text):
        return False
    if abs(Counter(line.size for line in block.lines).most_common(1)[0][0] - body_size) > 1.0:
        return False
    if sum(len(line.text) >= 35 for line in block.lines) < max(2, len(block.lines) // 2):
        return False
    letters = sum(map(str.isalpha, text))
    digits = sum(map(str.isdigit, text))
    return letters >= 0.6 * len(text) and digits <= 0.15 * len(text)


def learn_layout(pages: list[list[Block]], page_width: float) -> Layout:
    sizes: Counter[float] = Counter()
    for blocks in pages:
        for block in blocks:
            for line in block.lines:
                sizes[line.size] += len(line.text)
    body_size = sizes.most_common(1)[0][0] if sizes else 10.0
    widths = sorted(b.box[2] - b.box[0] for blocks in pages for b in blocks if looks_like_prose(b, body_size))
    body_width = widths[len(widths) // 2] if widths else 0.8 * page_width
    return Layout(body_size, body_width, body_width < 0.55 * page_width)


def read_document(doc: pymupdf.Document, max_pages: int) -> tuple[list[list[Block]], Layout]:
    """Every page's blocks and the layout they share: read once, for figures and for the paper's text."""
    pages = min(doc.page_count, max_pages)
    blocks = [read_blocks(doc[i]) for i in range(pages)]
    return blocks, learn_layout(blocks[:LAYOUT_PAGES], doc[0].rect.width if pages else 612)
