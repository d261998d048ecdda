"""The paper's own prose, clean: what both summarizers and a second language read. Runs in a PDF worker.

PyMuPDF's plain `get_text()` mixes captions, running headers, page and line numbers, footnotes, flattened
equations and table cells into the prose. Here the figure detector's reading of the page (blocks, body font
size, columns, figure and table regions) decides what is body text; that text is put in reading order (two
columns: left, then right, between full-width blocks), normalised (NFKC, ligatures, accents recomposed),
hyphenation undone only where a line break split a word, and tables are written as Markdown.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

import pymupdf

from services.models import FigureRegion
from services.numbers import sentences_of
from services.pdf.layout import Block, Box, Layout, Line, parse_caption
from services.text_match import normalize

_HEADING = re.compile(
    r"^(?:(?:\d{1,2}(?:\.\d{1,2}){0,2}\.?|[IVX]{1,5}\.|[A-H](?:\.\d{1,2})?\.?)\s+)?"
    r"(?:Abstract|Introduction|Related Work|Background|Preliminaries|Method|Methods|Methodology|Approach|"
    r"Experiments?|Experimental Setup|Results|Evaluation|Discussion|Analysis|Limitations|Conclusions?|"
    r"Future Work|Acknowledge?ments?|References|Bibliography|Appendix|[A-Z][A-Za-z\-:& ]{2,60})$"
)
_NUMBERED_HEADING = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2}){0,2}\.?|[IVX]{1,5}\.|[A-H]\.\d?)\s+[A-Z]")
_KEEP_HYPHEN_AFTER = {"self", "non", "state", "of", "the", "two", "three", "multi", "cross", "pre", "post", "co",
                      "semi", "fine", "large", "small", "high", "low", "long", "short", "well", "real", "zero",
                      "one", "few", "end", "open", "closed", "in", "out", "on", "off", "top", "sub", "inter"}
_REFERENCES = re.compile(r"^(?:\d{1,2}\.?\s+)?(?:References|Bibliography)$", re.IGNORECASE)


def join_lines(lines: list[str], vocabulary: set[str]) -> str:
    """Lines of one paragraph as one text; a word split by a hyphen at a line break is joined, a hyphenated
    compound (`self-supervised`, `state-of-the-art`) keeps its hyphen."""
    text = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if text.endswith("-") and line[:1].islower():
            text = text + line if _keeps_hyphen(text[:-1], line, vocabulary) else text[:-1] + line
        else:
            text = f"{text} {line}" if text else line
    return text


def _keeps_hyphen(before: str, after: str, vocabulary: set[str]) -> bool:
    """At `before-|after`: a compound (keep the hyphen) or a word split in two (join)? The paper's own words
    decide: the joined word written elsewhere joins; the hyphenated form, a prefix such as `self-`, or two
    halves that are words of their own keep the hyphen."""
    left = re.findall(r"[A-Za-z]+$", before)
    right = re.findall(r"^[a-z]+", after)
    if not left or not right:
        return False
    first, second = left[0].lower(), right[0]
    if first + second in vocabulary:
        return False
    if f"{first}-{second}" in vocabulary or first in _KEEP_HYPHEN_AFTER:
        return True
    return len(first) >= 4 and len(second) >= 4 and first in vocabulary and second in vocabulary


_MATH = re.compile(r"[=≤≥∈∉∑∏∫√±∓→←↦∂∇⁽⁾∼≈≠⊂⊆∪∩∀∃∞]")


def _mathy(line: str) -> bool:
    """A line of a displayed equation, or prose with glyphs the PDF could not map (�): not prose."""
    return "\ufffd" in line or len(_MATH.findall(line)) >= 3


_FRAGMENT = re.compile(r"^(?:[A-Za-z]|[\d.]+|\S*[=≤≥∈∑∏∫√±−→⁽⁾^_]\S*|\w{1,3},\w)$")
"""A token of a fraction or sum flattened into words: a lone symbol, a bare number, a piece of a formula."""


def _flattened_equation(sentence: str) -> bool:
    """A display equation the PDF wrote as words inside a sentence ("c = 1 1−tE(Y), … ĉ = 1 1−t i=1 zt,i").
    Inline math in prose (`πθ(y|x)`, "we set K = 65536") has few such tokens among many words."""
    tokens = [t for t in sentence.split() if t.lower() not in ("a", "i")]
    fragments = sum(bool(_FRAGMENT.match(t.strip(",;:()."))) for t in tokens)
    return fragments >= 8 and fragments >= 0.3 * len(tokens)


def without_equations(text: str) -> str:
    """A paragraph without the sentences that are flattened display equations."""
    sentences = sentences_of(text)
    kept = [s for s in sentences if not _flattened_equation(s)]
    return text if len(kept) == len(sentences) else " ".join(kept)


def _sentence_tail(line: str) -> bool:
    """The last word or two of a sentence on a line of their own ("by 12%.", "of 0.5."): prose, not debris."""
    return len(line) < 12 and line.rstrip().endswith((".", "!", "?")) and line.lstrip()[:1] not in "=+-("


def _letters(text: str) -> float:
    return (sum(map(str.isalpha, text)) + text.count(" ")) / max(1, len(text))


def _is_heading(block: Block, layout: Layout) -> bool:
    text = block.text.strip()
    if len(block.lines) > 2 or len(text) > 80 or not _HEADING.match(text):
        return False
    if block.lines[0].size < layout.body_size - 0.5:
        return False  # a table's or figure's label ("50 APmk"), not a heading
    larger = block.lines[0].size >= layout.body_size + 0.5
    capitals = text.isupper() and len(text) >= 4  # "REFERENCES" in small capitals at body size
    if text.rstrip(".:") in ("Abstract", "ABSTRACT"):
        return True
    return bool(_NUMBERED_HEADING.match(text)) or larger or block.lines[0].bold or capitals


def _inside(box: Box, region: Box, margin: float = 2.0) -> bool:
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return region[0] - margin <= cx <= region[2] + margin and region[1] - margin <= cy <= region[3] + margin


_MARKER = re.compile(r"(?<=[A-Za-z.,;:)\]])[⁰¹²³⁴⁵⁶⁷⁸⁹*†‡§¶]+")
"""A footnote marker: superscript digits or symbols after a word (after a digit they are an exponent)."""


def _prose_lines(block: Block, layout: Layout) -> list[str]:
    """The block's lines that are prose: body-sized, mostly letters (an inline equation line is dropped)."""
    sizes = Counter(line.size for line in block.lines)
    if abs(sizes.most_common(1)[0][0] - layout.body_size) > 1.2:
        return []
    if sum(len(line.text) for line in block.lines if line.mono) > 0.6 * sum(len(line.text) for line in block.lines):
        return []  # a code listing or a shell session: not prose
    kept = [_MARKER.sub("", line.text) for line in block.lines
            if (_letters(line.text) >= 0.6 or len(line.text) < 4 or _sentence_tail(line.text))
            and not _mathy(line.text)]
    text = " ".join(kept)
    if len(text) < 25 or _letters(text) < 0.7:
        return []
    return kept


def _running(pages: list[list[Block]], heights: list[float]) -> set[str]:
    """Header and footer texts repeated on several pages (digits blurred: page numbers differ)."""
    seen: Counter[str] = Counter()
    for blocks, height in zip(pages, heights, strict=True):
        for block in blocks:
            if block.box[3] < 0.08 * height or block.box[1] > 0.92 * height:
                seen[re.sub(r"\d+", "#", block.text.strip().lower())] += 1
    return {text for text, count in seen.items() if count >= 3}


def _reading_order(blocks: list[Block], width: float, two_columns: bool) -> list[Block]:
    """Full-width blocks in order from the top; between two of them, the left column, then the right."""
    if not two_columns:
        return sorted(blocks, key=lambda b: (round(b.box[1]), b.box[0]))
    middle = width / 2
    ordered: list[Block] = []
    band: list[Block] = []

    def flush() -> None:
        left = [b for b in band if (b.box[0] + b.box[2]) / 2 < middle]
        right = [b for b in band if (b.box[0] + b.box[2]) / 2 >= middle]
        ordered.extend(sorted(left, key=lambda b: b.box[1]) + sorted(right, key=lambda b: b.box[1]))
        band.clear()

    for block in sorted(blocks, key=lambda b: b.box[1]):
        if block.box[2] - block.box[0] > 0.62 * width and block.box[0] < middle < block.box[2]:
            flush()
            ordered.append(block)
        else:
            band.append(block)
    flush()
    return ordered


def table_markdown(page: pymupdf.Page, region: Box, caption: str) -> str:
    """A table region as Markdown rows: words grouped into lines, cells split where the gap is wide."""
    words = [w for w in page.get_text("words", clip=pymupdf.Rect(region)) if w[4].strip()]
    rows: dict[int, list[tuple[float, float, str]]] = {}
    for x0, y0, x1, y1, word, *_ in words:
        rows.setdefault(round((y0 + y1) / 4), []).append((x0, x1, word))
    lines = []
    for key in sorted(rows):
        cells: list[str] = []
        last_end = -1e9
        for x0, x1, word in sorted(rows[key]):
            if cells and x0 - last_end < 4.0:
                cells[-1] += " " + word
            else:
                cells.append(word)
            last_end = x1
        line = " ".join(cells)
        if caption and line.strip() and line.strip() in caption:
            continue
        lines.append("| " + " | ".join(normalize(c) for c in cells) + " |")
    return "\n".join(lines) + f"\n({normalize(caption)})" if lines else ""


def document_text(doc: pymupdf.Document, pages: list[list[Block]], layout: Layout,
                  detected: Iterable[FigureRegion]) -> str:
    """The paper's prose in reading order with its section headings, tables as Markdown, references left out."""
    regions: dict[int, list[FigureRegion]] = {}
    for item in detected:
        regions.setdefault(item.page, []).append(item)
    sizes = [doc[i].rect for i in range(len(pages))]  # a page's `rect` is computed anew at each use
    heights = [size.height for size in sizes]
    running = _running(pages, heights)
    paragraphs: list[list[str]] = []
    vocabulary: set[str] = set()
    for number, blocks in enumerate(pages):
        page = doc[number]
        found = regions.get(number, [])
        tables: dict[int, str] = {}
        kept = []
        for item in found:
            if item.kind == "table":
                marker = Block(item.bbox, [Line(item.bbox, "", layout.body_size, False)])
                tables[id(marker)] = table_markdown(page, item.bbox, item.caption)
                kept.append(marker)
        for block in blocks:
            text = block.text.strip()
            if block.caption is not None or parse_caption(block.lines[0]) is not None:
                continue
            if re.sub(r"\d+", "#", text.lower()) in running or re.fullmatch(r"[\divxlc.\-– ]{1,8}", text.lower()):
                continue  # running header or footer, page number
            if any(_inside(block.box, item.bbox) for item in found):
                continue
            if block.box[1] > 0.85 * heights[number] and block.lines[0].size < layout.body_size - 0.8:
                continue  # a footnote
            if "@" in text and number == 0:
                continue  # authors' addresses
            kept.append(block)
        ordered = _reading_order(kept, sizes[number].width, layout.two_columns)
        if number == 0:  # title, authors and affiliations come from arXiv: the prose starts at the abstract
            start = next((i for i, b in enumerate(ordered) if re.match(r"(?i)\s*abstract\b", b.text)), 0)
            ordered = ordered[start:]
        for block in ordered:
            if id(block) in tables:
                paragraphs.append(["\x00table", tables[id(block)]])
                continue
            if len(block.lines) > 1 and _is_heading(Block(block.lines[0].box, block.lines[:1]), layout):
                paragraphs.append(["\x00heading", normalize(block.lines[0].text.strip())])
                block = Block(block.box, block.lines[1:])  # a heading glued to its first paragraph
            if _is_heading(block, layout):
                paragraphs.append(["\x00heading", normalize(block.text.strip())])
                continue
            lines = [normalize(line) for line in _prose_lines(block, layout)]
            if lines:
                paragraphs.append(lines)
                vocabulary.update(w.lower() for line in lines for w in re.findall(r"[A-Za-z][A-Za-z\-]+", line)
                                  if not w.endswith("-"))
    out: list[str] = []
    last_prose = -1  # the paragraph a sentence broken by a column, a page or a table continues
    for paragraph in paragraphs:
        if paragraph[0] == "\x00heading":
            if _REFERENCES.match(paragraph[1]):
                break  # references are never read
            out.append(paragraph[1])
            last_prose = -1
        elif paragraph[0] == "\x00table":
            if paragraph[1]:
                out.append(paragraph[1])
        else:
            text = join_lines(paragraph, vocabulary)
            if last_prose >= 0 and text[:1].islower() and out[last_prose][-1:] not in ".!?:":
                out[last_prose] = join_lines([out[last_prose], text], vocabulary)  # the table stays after it
            else:
                out.append(text)
                last_prose = len(out) - 1
    return "\n\n".join(without_equations(p) if not p.startswith("|") else p for p in out)
