"""Where a paper's figures and tables are, the way PDFFigures 2.0 (Clark & Divvala, 2016) finds them.

Captions first (`Figure 3:`, `Fig. 3.`, `TABLE II`; not body sentences that mention a figure), then, for each
caption, the graphic beside it: images, vector drawings (as far as they show through their clips) and the
small text inside them (axis labels, legends), bounded by the caption's column (or the full width), by body
paragraphs and by other captions. Layout facts come from services/page_layout.py, learnt from the whole
document, so a page full of sub-figure prompts is not mistaken for prose. Drawing the crops is
services/crops.py. Runs inside the PDF process pool: pure PyMuPDF, no I/O.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import pymupdf

from services.models import FigureRegion
from services.pdf.extractor import MAX_FIGURES
from services.pdf.layout import (
    LAYOUT_PAGES,
    SUBCAPTION,
    Block,
    Box,
    Layout,
    Line,
    learn_layout,
    looks_like_prose,
    parse_caption,
    read_blocks,
    union,
    union_all,
    x_overlap,
)
from services.text_match import readable

MAX_DRAWINGS = 20_000
"""Pages with more vector paths than this (dense plots) use the first ones only: detection stays linear."""


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
            parsed = parse_caption(block.lines[0])
            if parsed:
                block.caption = parsed[0]
                captions.append(block)
            else:
                block.body = looks_like_prose(block, layout.body_size) and \
                    block.box[2] - block.box[0] >= 0.7 * layout.body_width
        width, height = page.rect.width, page.rect.height
        top, bottom = _content_top(blocks, height), 0.93 * height
        drawings = _drawings(page, top, bottom)
        _unmark_ruled_cells(blocks, drawings)
        body = [b for b in blocks if b.body]
        text_x0 = min((b.box[0] for b in body), default=0.1 * width)
        drawings = [d for d in drawings if not _footnote_rule(d, blocks, text_x0, layout)]
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

    def graphic_beside(self, caption: Block, above: bool, full: bool = False,
                       text_only: bool = False) -> tuple[Box | None, float]:
        """The graphic on one side of `caption` and its distance from it (a candidate); `text_only`: the text
        beside it (a table without rules or graphics)."""
        x0, x1 = self.column(caption, full)
        cap = caption.box
        obstacles = [b.box for b in self.blocks if (b.body or b.caption is not None) and b is not caption
                     and x_overlap(b.box, x0, x1) > 0.3]
        if above:
            top = max((o[3] for o in obstacles if o[3] <= cap[1] + 1), default=self.content_top)
            bottom = cap[1] + 2
        else:
            top = cap[3] - 2
            bottom = min((o[1] for o in obstacles if o[1] >= cap[3] - 1), default=self.content_bottom)
        inside = [g for g in self.graphics
                  if x_overlap(g, x0, x1) > 0.8 and g[1] >= top - 1 and g[3] <= bottom + 1
                  and not (g[1] >= cap[1] - 1 and g[3] <= cap[3] + 1)]  # a link's underline in the caption
        if text_only:  # a table set in text alone, without a rule (AASTeX's plain tabular): its cells
            inside = [ln.box for ln in self.loose_text if x_overlap(ln.box, x0, x1) > 0.8
                      and ln.box[1] >= top - 1 and ln.box[3] <= bottom + 1]
        if not inside:
            return None, 0.0
        near = cap[1] if above else cap[3]
        seed = min(inside, key=lambda g: abs((g[3] if above else g[1]) - near))
        labels = [ln for ln in self.loose_text
                  if x_overlap(ln.box, x0, x1) > 0.5 and ln.box[1] >= top - 1 and ln.box[3] <= bottom + 1]
        # a sub-caption ("(a) TREC with 6 classes") joins the rows of a sub-figure grid like a graphic does
        bridges = [ln.box for ln in labels if SUBCAPTION.match(ln.text)]
        box = _cluster(seed, inside + bridges, [ln.box for ln in labels])
        distance = cap[1] - box[3] if above else box[1] - cap[3]
        return box, distance

    def sideways(self, caption: Block) -> tuple[Block, Box, int] | None:
        """(the whole caption, the graphic, the turn that makes it upright) of a float printed sideways on its
        page: the caption's lines stand upright one beside the other, the graphic lies before the first line in
        reading order (left when the lines follow each other rightwards: text read bottom to top)."""
        lines = list(caption.lines)
        width = caption.box[2] - caption.box[0]
        rightwards = any(b.box[0] >= caption.box[2] - 2 and b.box[2] > caption.box[2] for b in self.blocks
                         if _vertical(b.lines[0]) and b is not caption and abs(b.box[0] - caption.box[2]) <= 2 * width)
        grown = True
        while grown:  # the caption's other lines: upright blocks right beside the last one, overlapping it
            grown = False
            edge = union_all([ln.box for ln in lines])
            for block in self.blocks:
                if block is caption or block.caption is not None or not _vertical(block.lines[0]) or \
                        block.lines[0] in lines:
                    continue
                gap = block.box[0] - edge[2] if rightwards else edge[0] - block.box[2]
                overlap = min(block.box[3], edge[3]) - max(block.box[1], edge[1])
                if -2 <= gap <= width and overlap > 0.3 * (block.box[3] - block.box[1]):
                    lines += block.lines
                    grown = True
        whole = union_all([ln.box for ln in lines])
        side = [g for g in self.graphics + [ln.box for ln in self.loose_text if ln not in lines]
                if (g[2] <= whole[0] + 2 if rightwards else g[0] >= whole[2] - 2)]
        facing = [g for g in side if min(g[3], whole[3]) - max(g[1], whole[1]) > 0]
        if not facing:
            return None
        merged = Block(whole, sorted(lines, key=lambda ln: ln.box[0] if rightwards else -ln.box[0]),
                       caption=caption.caption)
        # the graphic may run past a short caption's ends: what lies beside what was found belongs to it
        return merged, _cluster(union_all(facing), side, []), 90 if rightwards else 270

    def detect(self, table_sides: Counter[bool] | None = None) -> list[FigureRegion]:
        """Each caption takes the closest graphic above or below it that no closer caption has taken.

        Figures sit above their captions; where a table sits is the document's habit: `table_sides` counts,
        across the pages read so far, the tables found on one side of their caption only (True: above).
        """
        height = self.page.rect.height
        sides = table_sides if table_sides is not None else Counter()
        candidates: list[tuple[float, int, Box, bool, str]] = []
        turns: dict[int, int] = {}
        for index, caption in enumerate(self.captions):
            assert caption.caption is not None
            if _vertical(caption.lines[0]):  # a figure printed sideways, its caption rotated with it
                turned = self.sideways(caption)
                if turned is not None:
                    self.captions[index], graphic, turns[index] = turned
                    candidates.append((0.0, index, graphic, True, caption.caption.kind))
                continue
            found_sides = set()
            for full in (False, True):  # a short caption under a figure that spans both columns: try full width
                for above in (True, False):
                    box, gap = self.graphic_beside(caption, above, full)
                    if box is not None and gap < 0.2 * height:
                        candidates.append((gap, index, box, above, caption.caption.kind))
                        found_sides.add(above)
                if found_sides or not self.layout.two_columns:
                    break
            if caption.caption.kind == "table" and not found_sides:  # no graphic on either side: a text table
                for above in (True, False):
                    box, gap = self.graphic_beside(caption, above, text_only=True)
                    if box is not None and gap < 0.2 * height:
                        candidates.append((gap, index, box, above, caption.caption.kind))
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
            whole = union(box, caption.box)
            found.append(FigureRegion(caption.caption.kind, caption.caption.number, self.page.number or 0, whole,
                                      readable(caption.text), _image_share(self.images, whole) > 0.3,
                                      turns.get(index, 0)))
        return found


def _vertical(line: Line) -> bool:
    """A line set upright (a sideways page's text): far taller than wide, and long."""
    width, height = line.box[2] - line.box[0], line.box[3] - line.box[1]
    return height > 4 * width and height > 60 and len(line.text) > 10


def _content_top(blocks: list[Block], height: float) -> float:
    """Where a page's content may start: under its running head and page number when it has them (a REVTeX
    figure starts 20 pt under the page number, above 7.5% of the page), else at 7.5% of the page. A rule under
    the running head stays out (it is drawn within a line's height under it)."""
    band = 0.075 * height
    heads = [line.box[3] for block in blocks for line in block.lines if line.box[3] <= band]
    if not heads:
        return band
    return min(band, max(heads) + 6)


def _footnote_rule(drawing: Box, blocks: list[Block], text_x0: float, layout: Layout) -> bool:
    """The short rule over a page's footnotes (at the left margin, a fraction of the text's width, small text
    right under it): not a graphic, so a teaser figure's caption is not given the footnotes as its figure."""
    x0, y0, x1, y1 = drawing
    if y1 - y0 > 1.5 or x0 > text_x0 + 4 or not 0.1 * layout.body_width <= x1 - x0 <= 0.5 * layout.body_width:
        return False
    return any(0 <= line.box[1] - y1 <= 6 and line.size < layout.body_size - 0.5 and x0 - 2 <= line.box[0] <= x0 + 20
               for block in blocks for line in block.lines)


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
        if last is not None and 0 <= block.box[1] - last.box[3] <= 3 and x_overlap(block.box, last.box[0],
                                                                                  last.box[2]) > 0.5:
            runs[-1].append(block)
        else:
            runs.append([block])
    for run in runs:
        box = union_all([b.box for b in run])
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
                box = union(box, element)
                changed = True
            else:
                rest.append((element, gap, gap_x))
        pending = rest
    return box


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
        if any(parse_caption(block.lines[0]) for block in page_blocks):  # no caption, nothing to find
            found += PageView.build(page, page_blocks, layout).detect(table_sides)
        if enough is not None and enough(found):
            break
    return found


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
