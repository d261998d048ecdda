"""Figure screenshots cropped from a paper's PDF, the way PDFFigures 2.0 (Clark & Divvala, 2016) finds them.

Captions first (`Figure 3:`, `Fig. 3.`, `TABLE II`; not body sentences that mention a figure), then, for each
caption, the graphic beside it: images, vector drawings and the small text inside them (axis labels, legends),
bounded by the caption's column (or the full width), by body paragraphs and by other captions, and shrunk to
the ink actually drawn. Layout facts (body font size, column width, one or two columns) are learnt from the
whole document, so a page full of sub-figure prompts is not mistaken for prose. Runs inside the PDF process
pool: pure PyMuPDF, no I/O.
"""

from __future__ import annotations

import functools
import io
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import PIL.Image
import pymupdf

from services.extractor import EXTRACTOR_VERSION, MAX_FIGURES  # noqa: F401 - re-exported
from services.models import FigureImage, FigureRegion

TARGET_LONG_SIDE_PX = 1280
MAX_PHOTO_BYTES = 10 * 2**20
MAX_DRAWINGS = 20_000
"""Pages with more vector paths than this (dense plots) use the first ones only: detection stays linear."""
LAYOUT_PAGES = 8
"""Pages read up front to learn the body font size and column layout."""

Box = tuple[float, float, float, float]

_CAPTION = re.compile(
    r"^(?P<label>fig(?:ure)?s?\.?|table)\s*(?P<number>[A-H]\.?\d{1,2}|\d{1,3}|[IVXL]{1,6})(?=\W|$)(?P<after>\s*.?)",
    re.IGNORECASE,
)
_TEXT_FLAGS = pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_PRESERVE_LIGATURES | pymupdf.TEXT_MEDIABOX_CLIP


@dataclass
class Line:
    box: Box
    text: str
    size: float
    bold: bool


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


def _union(a: Box, b: Box) -> Box:
    return min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])


def _union_all(boxes: list[Box]) -> Box:
    box = boxes[0]
    for other in boxes[1:]:
        box = _union(box, other)
    return box


def _x_overlap(box: Box, x0: float, x1: float) -> float:
    """Fraction of `box`'s width inside [x0, x1] (a vertical rule, with no width, is inside or not)."""
    if box[2] - box[0] < 0.1:
        return 1.0 if x0 <= box[0] <= x1 else 0.0
    return max(0.0, min(box[2], x1) - max(box[0], x0)) / (box[2] - box[0])


def sort_key(number: str) -> tuple[int, str, int]:
    """Figure 2 before Figure 10, and appendix figures (A.1) after all numbered ones."""
    match = re.match(r"([A-Z]?)\.?(\d+)$", number)
    if match:
        return (1 if match[1] else 0), match[1], int(match[2])
    return 0, "", _roman(number)


def _roman(text: str) -> int:
    values = {"I": 1, "V": 5, "X": 10, "L": 50}
    total = 0
    for char, following in zip(text, [*text[1:], ""], strict=True):
        value = values.get(char, 0)
        total += -value if following and values.get(following, 0) > value else value
    return total


# Text ----------------------------------------------------------------------------------------------------

def _parse_caption(line: Line, first_in_block: bool = True) -> tuple[Caption, bool] | None:
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
    return Block(_union_all([line.box for line in lines]), lines)


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
            lines.append(Line(tuple(raw_line["bbox"]), text, round(size * 2) / 2, bold))  # type: ignore[arg-type]
        if lines:
            raw_blocks.append(lines)
    blocks: list[Block] = []
    for lines in raw_blocks:
        start = 0
        for index, line in enumerate(lines):  # a caption glued under a figure's labels starts a new block
            parsed = _parse_caption(line, True)
            if index > start and parsed and parsed[1]:
                blocks.append(_make_block(lines[start:index]))
                start = index
            elif index > start and abs(line.size - lines[start].size) > 1.0 and _parse_caption(lines[start]):
                blocks.append(_make_block(lines[start:index]))  # a table's cells glued under its caption
                start = index
        blocks.append(_make_block(lines[start:]))
    return _merge_caption_continuations(blocks)


def _merge_caption_continuations(blocks: list[Block]) -> list[Block]:
    """A caption's later lines can come as blocks of their own: glue each to the caption right above it."""
    result: list[Block] = []
    for block in blocks:
        previous = result[-1] if result else None
        if previous is not None and _parse_caption(previous.lines[0]) and not _parse_caption(block.lines[0]):
            last = previous.lines[-1]
            gap = block.box[1] - last.box[3]
            overlaps = min(block.box[2], previous.box[2]) - max(block.box[0], previous.box[0]) > 0
            same_size = abs(block.lines[0].size - last.size) <= 1.0  # not a table's cells under its caption
            if -2 <= gap <= 0.45 * (last.box[3] - last.box[1]) and overlaps and same_size:
                result[-1] = _make_block(previous.lines + block.lines)
                continue
        result.append(block)
    return result


_SUBCAPTION = re.compile(r"^\(([a-h]|[ivx]{1,4})\)\s")


def _looks_like_prose(block: Block, body_size: float) -> bool:
    """Body-sized, several long lines, mostly letters: running text (the width test comes later).

    A sub-figure caption — "(a) Loss on the fine-tuning set" — belongs to its figure, however prose-like.
    """
    text = block.text
    if len(text) < 80 or _SUBCAPTION.match(text):
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
    widths = sorted(b.box[2] - b.box[0] for blocks in pages for b in blocks if _looks_like_prose(b, body_size))
    body_width = widths[len(widths) // 2] if widths else 0.8 * page_width
    return Layout(body_size, body_width, body_width < 0.55 * page_width)


# Graphics ------------------------------------------------------------------------------------------------

def _images(page: pymupdf.Page) -> list[Box]:
    """Where images are placed, read from the page's display list: ~2.5 ms a page, where `get_images` +
    `get_image_info` scan the page's resources (a paper's nested forms: ~15 ms) and interpret it again."""
    area = page.rect.width * page.rect.height
    boxes: list[Box] = []
    if page.rotation:  # the display list is in rotated coordinates, the text in unrotated ones
        infos = page.get_image_info()
    else:
        drawn = page.get_displaylist()
        infos = pymupdf.TextPage(drawn.get_textpage(flags=pymupdf.TEXT_PRESERVE_IMAGES)).extractIMGINFO()
    for info in infos:
        x0, y0, x1, y1 = info["bbox"]
        if x1 - x0 > 3 and y1 - y0 > 3 and (x1 - x0) * (y1 - y0) < 0.9 * area:
            boxes.append((x0, y0, x1, y1))
    return boxes


def _drawings(page: pymupdf.Page, top: float, bottom: float) -> list[Box]:
    """Vector paths that may be content (not the page background, not running-header rules), each as far as
    it shows: a curve clipped by its axes ends at the axes."""
    area = page.rect.width * page.rect.height
    boxes: list[Box] = []
    clips: list[tuple[int, Box]] = []  # the clips in force: (nesting level, the visible rectangle)
    for drawing in page.get_cdrawings(extended=True)[:MAX_DRAWINGS]:
        level = drawing.get("level", 0)
        while clips and clips[-1][0] >= level:
            clips.pop()
        kind = drawing.get("type")
        if kind == "clip":
            clips.append((level, tuple(drawing["scissor"])))  # type: ignore[arg-type]
            continue
        if kind == "group":
            continue
        x0, y0, x1, y1 = drawing["rect"]
        if clips:  # a curve clipped by its axes is only as wide as what shows
            c = clips[-1][1]
            x0, y0, x1, y1 = max(x0, c[0]), max(y0, c[1]), min(x1, c[2]), min(y1, c[3])
            if x1 < x0 or y1 < y0:
                continue
        if (x1 - x0) * (y1 - y0) > 0.8 * area or (x1 - x0 <= 1 and y1 - y0 <= 1):
            continue
        if drawing.get("type") == "f" and tuple(drawing.get("fill") or ()) == (1.0, 1.0, 1.0):
            continue  # white boxes paint the background, they are not content
        boxes.append((x0, max(y0, top), x1, min(y1, bottom)))
    return [b for b in boxes if b[3] > b[1] or (b[3] == b[1] and top < b[1] < bottom)]


# Pages ---------------------------------------------------------------------------------------------------

@dataclass
class PageView:
    page: pymupdf.Page
    layout: Layout
    blocks: list[Block]
    captions: list[Block]
    images: list[Box]
    drawings: list[Box]
    loose_text: list[Line]
    text_x0: float
    text_x1: float
    content_top: float
    content_bottom: float

    @property
    def graphics(self) -> list[Box]:
        return self.images + self.drawings

    @classmethod
    def build(cls, page: pymupdf.Page, blocks: list[Block], layout: Layout) -> PageView:
        captions = []
        for block in blocks:
            parsed = _parse_caption(block.lines[0])
            if parsed:
                block.caption = parsed[0]
                captions.append(block)
            else:
                block.body = _looks_like_prose(block, layout.body_size) and \
                    block.box[2] - block.box[0] >= 0.7 * layout.body_width
        width, height = page.rect.width, page.rect.height
        top, bottom = 0.075 * height, 0.93 * height
        drawings = _drawings(page, top, bottom)
        _unmark_ruled_cells(blocks, drawings)
        body = [b for b in blocks if b.body]
        return cls(
            page=page, layout=layout, blocks=blocks, captions=captions, images=_images(page), drawings=drawings,
            loose_text=[ln for b in blocks if not b.body and b.caption is None for ln in b.lines],
            text_x0=min((b.box[0] for b in body), default=0.1 * width),
            text_x1=max((b.box[2] for b in body), default=0.9 * width),
            content_top=top, content_bottom=bottom,
        )

    def column(self, caption: Block, full: bool = False) -> tuple[float, float]:
        """The horizontal span a caption's graphic may use: its column, the full width, or its minipage."""
        x0, _, x1, _ = caption.box
        middle = self.page.rect.width / 2
        if self.layout.two_columns and not full and not (x0 < middle - 15 and x1 > middle + 15):
            span = (min(self.text_x0, x0), middle) if (x0 + x1) / 2 < middle else (middle, max(self.text_x1, x1))
        else:
            span = (min(self.text_x0, x0), max(self.text_x1, x1))
        center = (x0 + x1) / 2
        for other in self.captions:  # captions side by side share the span between them
            if other is caption or other.box[3] < caption.box[1] - 2 or other.box[1] > caption.box[3] + 2:
                continue
            other_center = (other.box[0] + other.box[2]) / 2
            if not span[0] < other_center < span[1]:
                continue
            left_border, right_border = (other.box[2] + x0) / 2, (x1 + other.box[0]) / 2
            span = (left_border, span[1]) if other_center < center else (span[0], right_border)
        return span

    def graphic_beside(self, caption: Block, above: bool, full: bool = False) -> tuple[Box | None, float]:
        """The graphic on one side of `caption` and its distance from it (a candidate)."""
        x0, x1 = self.column(caption, full)
        cap = caption.box
        obstacles = [b.box for b in self.blocks if (b.body or b.caption is not None) and b is not caption
                     and _x_overlap(b.box, x0, x1) > 0.3]
        if above:
            top = max((o[3] for o in obstacles if o[3] <= cap[1] + 1), default=self.content_top)
            bottom = cap[1] + 2
        else:
            top = cap[3] - 2
            bottom = min((o[1] for o in obstacles if o[1] >= cap[3] - 1), default=self.content_bottom)
        inside = [g for g in self.graphics
                  if _x_overlap(g, x0, x1) > 0.8 and g[1] >= top - 1 and g[3] <= bottom + 1
                  and not (g[1] >= cap[1] - 1 and g[3] <= cap[3] + 1)]  # a link's underline in the caption
        if not inside:
            return None, 0.0
        near = cap[1] if above else cap[3]
        seed = min(inside, key=lambda g: abs((g[3] if above else g[1]) - near))
        box = _cluster(seed, inside, [ln.box for ln in self.loose_text
                                      if _x_overlap(ln.box, x0, x1) > 0.5 and ln.box[1] >= top - 1
                                      and ln.box[3] <= bottom + 1])
        distance = cap[1] - box[3] if above else box[1] - cap[3]
        return box, distance

    def detect(self, table_sides: Counter[bool] | None = None) -> list[FigureRegion]:
        """Each caption takes the closest graphic above or below it that no closer caption has taken.

        Figures sit above their captions; where a table sits is the document's habit: `table_sides` counts,
        across the pages read so far, the tables found on one side of their caption only (True: above).
        """
        height = self.page.rect.height
        sides = table_sides if table_sides is not None else Counter()
        candidates: list[tuple[float, int, Box, bool, str]] = []
        for index, caption in enumerate(self.captions):
            assert caption.caption is not None
            found_sides = set()
            for full in (False, True):  # a short caption under a figure that spans both columns: try full width
                for above in (True, False):
                    box, gap = self.graphic_beside(caption, above, full)
                    if box is not None and gap < 0.2 * height:
                        candidates.append((gap, index, box, above, caption.caption.kind))
                        found_sides.add(above)
                if found_sides or not self.layout.two_columns:
                    break
            if caption.caption.kind == "table" and len(found_sides) == 1:
                sides[found_sides.pop()] += 1
        table_bias = 15.0 if sides[True] > sides[False] else -15.0 if sides[False] > sides[True] else -5.0
        options = [(gap - (5.0 if kind == "figure" else table_bias) if above else gap, index, box)
                   for gap, index, box, above, kind in candidates]
        taken: dict[int, Box] = {}
        for _, index, box in sorted(options, key=lambda option: option[0]):
            if index in taken or any(_shared(box, other) for other in taken.values()):
                continue
            taken[index] = box
        found = []
        for index, box in sorted(taken.items()):
            caption = self.captions[index]
            assert caption.caption is not None
            whole = _union(box, caption.box)
            found.append(FigureRegion(caption.caption.kind, caption.caption.number, self.page.number or 0, whole,
                                  caption.text, _image_share(self.images, whole) > 0.3))
        return found


def _area(box: Box) -> float:
    return max(0.0, box[2] - box[0]) * max(0.0, box[3] - box[1])


def _image_share(images: list[Box], box: Box) -> float:
    covered = sum(_area((max(i[0], box[0]), max(i[1], box[1]), min(i[2], box[2]), min(i[3], box[3])))
                  for i in images)
    return covered / max(_area(box), 1.0)


def _shared(a: Box, b: Box) -> bool:
    """Two graphics overlapping by more than a third of the smaller one are the same graphic."""
    inter = max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return smaller > 0 and inter > smaller / 3


def _unmark_ruled_cells(blocks: list[Block], drawings: list[Box]) -> None:
    """Prose between two horizontal rules is a table cell (a table of prompts and answers), not body text; a
    cell may hold several paragraphs, one right under the other."""
    rules = [d for d in drawings if d[3] - d[1] <= 2 and d[2] - d[0] >= 100]
    if len(rules) < 2:
        return

    def spans(rule: Box, box: Box) -> bool:
        return rule[0] <= box[0] + 5 and rule[2] >= box[2] - 5

    runs: list[list[Block]] = []
    for block in sorted((b for b in blocks if b.body), key=lambda b: b.box[1]):
        last = runs[-1][-1] if runs else None
        if last is not None and 0 <= block.box[1] - last.box[3] <= 3 and _x_overlap(block.box, last.box[0],
                                                                                  last.box[2]) > 0.5:
            runs[-1].append(block)
        else:
            runs.append([block])
    for run in runs:
        box = _union_all([b.box for b in run])
        above = any(spans(r, box) and box[1] - 10 <= r[1] <= box[1] + 2 for r in rules)
        below = any(spans(r, box) and box[3] - 2 <= r[1] <= box[3] + 10 for r in rules)
        if above and below:
            for block in run:
                block.body = False


def _near(a: Box, b: Box, gap: float, gap_x: float | None = None) -> bool:
    gap_x = gap if gap_x is None else gap_x
    return a[0] <= b[2] + gap_x and a[2] >= b[0] - gap_x and a[1] <= b[3] + gap and a[3] >= b[1] - gap


def _cluster(seed: Box, graphics: list[Box], texts: list[Box]) -> Box:
    """Grow from the graphic nearest the caption: graphics within 30 pt above or below, or anywhere beside it
    in the caption's span (panels side by side), and text labels within 6 pt."""
    box = seed
    pending = [(g, 30.0, 1e9) for g in graphics if g != seed] + [(t, 6.0, 6.0) for t in texts]
    changed = True
    while changed:
        changed = False
        rest = []
        for element, gap, gap_x in pending:
            if _near(element, box, gap, gap_x):
                box = _union(box, element)
                changed = True
            else:
                rest.append((element, gap, gap_x))
        pending = rest
    return box


def read_document(doc: pymupdf.Document, max_pages: int) -> tuple[list[list[Block]], Layout]:
    """Every page's blocks and the layout they share: read once, for figures and for the paper's text."""
    pages = min(doc.page_count, max_pages)
    blocks = [read_blocks(doc[i]) for i in range(pages)]
    return blocks, learn_layout(blocks[:LAYOUT_PAGES], doc[0].rect.width if pages else 612)


def detect_document(doc: pymupdf.Document, max_pages: int,
                    enough: Callable[[list[FigureRegion]], bool] | None = None,
                    reading: tuple[list[list[Block]], Layout] | None = None) -> list[FigureRegion]:
    """Figures and tables in the first `max_pages` pages, page by page until `enough` says stop.

    The layout is learnt from the first pages, so later pages are read only when needed (unless `reading`
    already holds them all).
    """
    pages = min(doc.page_count, max_pages)
    if reading is not None:
        blocks, layout = reading
    else:
        blocks = [read_blocks(doc[i]) for i in range(min(pages, LAYOUT_PAGES))]
        layout = learn_layout(blocks, doc[0].rect.width if pages else 612)
    found: list[FigureRegion] = []
    table_sides: Counter[bool] = Counter()
    for number in range(pages):
        page = doc[number]
        page_blocks = blocks[number] if number < len(blocks) else read_blocks(page)
        if any(_parse_caption(block.lines[0]) for block in page_blocks):  # no caption, nothing to find
            found += PageView.build(page, page_blocks, layout).detect(table_sides)
        if enough is not None and enough(found):
            break
    return found


# Rendering -----------------------------------------------------------------------------------------------

def render(page: pymupdf.Page, clip: pymupdf.Rect, photo: bool = False) -> tuple[bytes, str]:
    """`clip` of `page` as a JPEG about 1280 px on its long side, within Telegram's photo limits.

    Telegram re-encodes every photo as JPEG, so a PNG buys nothing but time (~34 ms a crop): line art goes at
    quality 90 without chroma subsampling (thin coloured lines and small text stay crisp), photos at 85.
    Pillow encodes JPEG about 15x faster than MuPDF (bench: 3.4 vs 58 ms a crop).
    """
    long_side = max(clip.width, clip.height) or 1.0
    zoom = min(TARGET_LONG_SIDE_PX / long_side, 8.0)
    pixmap = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), clip=clip, alpha=False)
    image = PIL.Image.frombuffer("RGB", (pixmap.width, pixmap.height), pixmap.samples_mv, "raw", "RGB",
                                 pixmap.stride, 1)
    for quality in ((85, 80, 70) if photo else (90, 80, 70)):
        out = io.BytesIO()
        image.save(out, "JPEG", quality=quality, subsampling=2 if photo else 0)
        if out.tell() <= MAX_PHOTO_BYTES:
            break
    return out.getvalue(), "image/jpeg"


def _telegram_safe(box: Box, page_rect: pymupdf.Rect) -> pymupdf.Rect:
    """Pad a little, stay on the page, and keep the aspect ratio within Telegram's 20:1."""
    rect = pymupdf.Rect(box[0] - 4, box[1] - 4, box[2] + 4, box[3] + 4) & page_rect
    if rect.width > 19 * rect.height:
        grow = (rect.width / 19 - rect.height) / 2
        rect = pymupdf.Rect(rect.x0, rect.y0 - grow, rect.x1, rect.y1 + grow) & page_rect
    safe: pymupdf.Rect = rect
    return safe


def choose_figures(doc: pymupdf.Document, max_pages: int, kinds: tuple[str, ...] = ("figure",),
                   limit: int = MAX_FIGURES, first_page_fallback: bool = True,
                   reading: tuple[list[list[Block]], Layout] | None = None,
                   detected_sink: list[FigureRegion] | None = None) -> list[FigureRegion]:
    """Where the card's figures are (tables when asked), Figure 1 first; the first page when none is found.

    `detected_sink` receives every figure and table found on the pages read (the paper's text leaves them out).
    """
    if doc.page_count == 0:
        return []
    wanted = {str(n) for n in range(1, limit + 1)}

    def enough(found: list[FigureRegion]) -> bool:
        """Figures 1 to 6 are all found: later pages cannot change the card."""
        return kinds == ("figure",) and wanted <= {d.number for d in found if d.kind == "figure"}

    detected: dict[tuple[str, str], FigureRegion] = {}
    for item in detect_document(doc, max_pages, enough, reading):
        if detected_sink is not None:
            detected_sink.append(item)
        if item.kind in kinds:
            detected.setdefault((item.kind, item.number), item)
    chosen = sorted(detected.values(), key=lambda d: (kinds.index(d.kind), sort_key(d.number)))[:limit]
    if chosen or not first_page_fallback:
        return chosen
    return [FigureRegion("page", "1", 0, tuple(doc[0].rect), "")]  # type: ignore[arg-type]


def render_regions(doc: pymupdf.Document, regions: list[FigureRegion]) -> list[FigureImage]:
    """The crops themselves: the costly part, done only for what a card sends."""
    images = []
    for region in regions:
        page = doc[region.page]
        clip = page.rect if region.kind == "page" else _telegram_safe(region.bbox, page.rect)
        image, mime = render(page, clip, region.photo)
        images.append(FigureImage(**vars(region), image=image, mime=mime))
    return images


def extract_figures(doc: pymupdf.Document, max_pages: int, kinds: tuple[str, ...] = ("figure",),
                    limit: int = MAX_FIGURES, first_page_fallback: bool = True) -> list[FigureImage]:
    """Found and rendered in one go (tables on request)."""
    return render_regions(doc, choose_figures(doc, max_pages, kinds, limit, first_page_fallback))
