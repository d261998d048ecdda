"""Figure screenshots cropped from a paper's PDF, the way PDFFigures 2.0 (Clark & Divvala, 2016) finds them.

Per page: find caption lines (`Figure 3:`, `Fig. 3.`, `TABLE II`, not body sentences that mention a figure),
classify text blocks as body paragraphs or not, then give each caption the graphic region beside it — images,
vector drawings and the small text inside them (axis labels, legends) — bounded by the column (or the full
width), by body paragraphs and by other captions. Runs inside the PDF process pool: pure PyMuPDF, no I/O.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import pymupdf

from services.models import FigureImage

EXTRACTOR_VERSION = 2
"""Bump when detection changes: cached crops of older versions are recomputed."""

TARGET_LONG_SIDE_PX = 1280
MAX_PHOTO_BYTES = 10 * 2**20
MAX_DRAWINGS = 20_000
"""Pages with more vector paths than this (dense plots) use the first ones only: detection stays linear."""
MAX_FIGURES = 6

_CAPTION = re.compile(
    r"^(?P<label>fig(?:ure)?s?\.?|table)\s*(?P<number>\d{1,3}|[IVXL]{1,6})(?=\W|$)(?P<after>\s*.?)", re.IGNORECASE
)
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50}

Box = tuple[float, float, float, float]


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


@dataclass
class Caption:
    kind: str
    number: int
    box: Box
    text: str
    strong: bool
    """Followed by a delimiter or set in bold: surely a caption, not a sentence."""


@dataclass(frozen=True)
class Detected:
    kind: str
    number: int
    page: int
    bbox: Box
    caption: str
    graphic: Box = field(default=(0, 0, 0, 0))


def _union(a: Box, b: Box) -> Box:
    return min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])


def _roman(text: str) -> int:
    total = 0
    for char, following in zip(text, [*text[1:], ""], strict=True):
        value = _ROMAN[char]
        total += -value if following and _ROMAN[following] > value else value
    return total


def _parse_caption(line: Line, first_in_block: bool) -> tuple[str, int, bool] | None:
    match = _CAPTION.match(line.text.strip())
    if not match:
        return None
    label, number, after = match["label"].lower(), match["number"], match["after"].strip()
    if number.isdigit():
        value = int(number)
    elif label.startswith("tab") and number.isupper():
        value = _roman(number)
    else:
        return None
    strong = after[:1] in (":", ".", "|", "—", "-") or line.bold
    if not strong and not (first_in_block and (after[:1].isupper() or not after)):
        return None  # "Figure 3 shows …" is a sentence, not a caption
    return ("table" if label.startswith("tab") else "figure"), value, strong


def _lines_of(page: pymupdf.Page) -> list[Block]:
    flags = pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_PRESERVE_LIGATURES | pymupdf.TEXT_MEDIABOX_CLIP
    blocks = []
    for raw in page.get_text("dict", flags=flags)["blocks"]:
        lines = []
        for raw_line in raw.get("lines", []):
            spans = [s for s in raw_line["spans"] if s["text"].strip()]
            if not spans:
                continue
            text = "".join(s["text"] for s in raw_line["spans"]).strip()
            size = max(spans, key=lambda s: len(s["text"]))["size"]
            bold = bool(spans[0]["flags"] & 16) or "Bold" in spans[0]["font"] or "Medi" in spans[0]["font"]
            lines.append(Line(tuple(raw_line["bbox"]), text, round(size * 2) / 2, bold))  # type: ignore[arg-type]
        if lines:
            box = lines[0].box
            for line in lines[1:]:
                box = _union(box, line.box)
            blocks.append(Block(box, lines))
    return blocks


def _split_captions(blocks: list[Block]) -> list[Block]:
    """A caption line starts a block of its own: PyMuPDF sometimes glues it to the figure's labels above."""
    result = []
    for block in blocks:
        start = 0
        for index, line in enumerate(block.lines):
            if index > start and _parse_caption(line, True) and _parse_caption(line, True)[2]:  # type: ignore[index]
                result.append(_block(block.lines[start:index]))
                start = index
        result.append(_block(block.lines[start:]) if start else block)
    return result


def _merge_caption_continuations(blocks: list[Block]) -> list[Block]:
    """A caption's later lines can come as blocks of their own: glue each to the caption right above it."""
    result: list[Block] = []
    for block in blocks:
        previous = result[-1] if result else None
        if previous is not None and _parse_caption(previous.lines[0], True) and not _parse_caption(
                block.lines[0], True):
            last = previous.lines[-1]
            gap = block.box[1] - last.box[3]
            height = last.box[3] - last.box[1]
            overlaps = min(block.box[2], previous.box[2]) - max(block.box[0], previous.box[0]) > 0
            if -2 <= gap <= 0.45 * height and overlaps and block.lines[0].size <= last.size + 0.5:
                result[-1] = _block(previous.lines + block.lines)
                continue
        result.append(block)
    return result


def _block(lines: list[Line]) -> Block:
    box = lines[0].box
    for line in lines[1:]:
        box = _union(box, line.box)
    return Block(box, lines)


def _is_body(block: Block, body_size: float) -> bool:
    """A paragraph of running text: body-sized, several long lines, mostly letters."""
    text = " ".join(line.text for line in block.lines)
    if len(text) < 80:
        return False
    sizes = Counter(line.size for line in block.lines)
    if abs(sizes.most_common(1)[0][0] - body_size) > 1.0:
        return False
    long_lines = sum(len(line.text) >= 35 for line in block.lines)
    if long_lines < max(2, len(block.lines) // 2):
        return False
    letters = sum(c.isalpha() for c in text)
    digits = sum(c.isdigit() for c in text)
    return letters >= 0.6 * len(text) and digits <= 0.15 * len(text)


def _graphics(page: pymupdf.Page) -> list[Box]:
    """Images and vector paths that may be content: not the page background, not running-header rules."""
    area = page.rect.width * page.rect.height
    top, bottom = 0.07 * page.rect.height, 0.93 * page.rect.height
    boxes: list[Box] = []
    for info in page.get_image_info():
        x0, y0, x1, y1 = info["bbox"]
        if x1 - x0 > 3 and y1 - y0 > 3 and (x1 - x0) * (y1 - y0) < 0.9 * area:
            boxes.append((x0, y0, x1, y1))
    for drawing in page.get_cdrawings()[:MAX_DRAWINGS]:
        x0, y0, x1, y1 = drawing["rect"]
        if (x1 - x0) * (y1 - y0) > 0.8 * area:
            continue
        if drawing.get("type") == "f" and drawing.get("fill") in ((1.0, 1.0, 1.0), [1.0, 1.0, 1.0]):
            continue  # white boxes paint the background, they are not content
        boxes.append((x0, y0, x1, y1))
    return [b for b in boxes if b[3] > top and b[1] < bottom]


def _x_overlap(box: Box, x0: float, x1: float) -> float:
    """Fraction of `box`'s width inside [x0, x1]."""
    width = max(box[2] - box[0], 0.1)
    return max(0.0, min(box[2], x1) - max(box[0], x0)) / width


@dataclass
class _Page:
    width: float
    height: float
    blocks: list[Block]
    captions: list[Block]
    graphics: list[Box]
    loose_text: list[Line]
    two_columns: bool
    text_x0: float
    text_x1: float
    content_top: float
    content_bottom: float


def _analyse(page: pymupdf.Page) -> _Page:
    blocks = _split_captions(_lines_of(page))
    sizes: Counter[float] = Counter()
    for block in blocks:
        for line in block.lines:
            sizes[line.size] += len(line.text)
    body_size = sizes.most_common(1)[0][0] if sizes else 10.0
    blocks = _merge_caption_continuations(blocks)
    captions = []
    for block in blocks:
        parsed = _parse_caption(block.lines[0], True)
        if parsed:
            kind, number, strong = parsed
            text = " ".join(line.text for line in block.lines)
            block.caption = Caption(kind, number, block.box, text, strong)
            captions.append(block)
        else:
            block.body = _is_body(block, body_size)
    width, height = page.rect.width, page.rect.height
    widths = sorted(b.box[2] - b.box[0] for b in blocks if b.body)
    if widths:  # text under sub-figures can look like prose: body paragraphs fill their column
        typical = widths[len(widths) // 2]
        for block in blocks:
            if block.body and block.box[2] - block.box[0] < 0.7 * typical:
                block.body = False
    body = [b for b in blocks if b.body]
    narrow = sum((b.box[2] - b.box[0]) < 0.55 * width for b in body)
    two_columns = bool(body) and narrow > len(body) / 2
    text_x0 = min((b.box[0] for b in body), default=0.08 * width)
    text_x1 = max((b.box[2] for b in body), default=0.92 * width)
    loose = [line for b in blocks if not b.body and b.caption is None for line in b.lines]
    return _Page(width, height, blocks, captions, _graphics(page), loose, two_columns, text_x0, text_x1,
                 0.075 * height, 0.93 * height)


def _column(p: _Page, caption: Block) -> tuple[float, float]:
    x0, _, x1, _ = caption.box
    middle = p.width / 2
    if p.two_columns and not (x0 < middle - 15 and x1 > middle + 15):
        span = (min(p.text_x0, x0), middle) if (x0 + x1) / 2 < middle else (middle, max(p.text_x1, x1))
    else:
        span = (min(p.text_x0, x0), max(p.text_x1, x1))
    # captions side by side (minipages) share the span between them
    for other in p.captions:
        if other is caption or other.box[3] < caption.box[1] - 2 or other.box[1] > caption.box[3] + 2:
            continue
        ocenter, center = (other.box[0] + other.box[2]) / 2, (x0 + x1) / 2
        if span[0] < ocenter < span[1]:
            border = (max(other.box[2], x0) + min(other.box[0], x1)) / 2 if ocenter < center else \
                (max(x1, other.box[0]) + min(x1, other.box[0])) / 2
            span = (border, span[1]) if ocenter < center else (span[0], border)
    return span


def _grow(seed: Box, lines: list[Line], x0: float, x1: float, top: float, bottom: float, gap: float) -> Box:
    """Add the loose text (labels, legends) touching the graphic, again and again until nothing changes."""
    box = seed
    pending = [ln for ln in lines if _x_overlap(ln.box, x0, x1) > 0.5 and ln.box[1] >= top - 1 and ln.box[3] <= bottom + 1]
    changed = True
    while changed:
        changed = False
        for line in list(pending):
            b = line.box
            if b[0] <= box[2] + gap and b[2] >= box[0] - gap and b[1] <= box[3] + gap and b[3] >= box[1] - gap:
                box = _union(box, b)
                pending.remove(line)
                changed = True
    return box


def _ink(page: pymupdf.Page, box: Box) -> Box | None:
    """`box` shrunk to what is actually drawn: paths clipped by their axes and white image margins go."""
    rect = pymupdf.Rect(box) & page.rect
    if rect.is_empty or rect.width < 2 or rect.height < 2:
        return None
    pix = page.get_pixmap(matrix=pymupdf.Matrix(1, 1), clip=rect, colorspace=pymupdf.csGRAY, alpha=False)
    width, height, stride, samples = pix.width, pix.height, pix.stride, pix.samples
    rows = [y for y in range(height) if min(samples[y * stride: y * stride + width]) < 235]
    if not rows:
        return None
    columns = [x for x in range(width) if min(samples[x + rows[0] * stride: (rows[-1] + 1) * stride: stride]) < 235]
    if not columns:
        return None
    scale_x, scale_y = rect.width / width, rect.height / height
    return (rect.x0 + columns[0] * scale_x, rect.y0 + rows[0] * scale_y,
            rect.x0 + (columns[-1] + 1) * scale_x, rect.y0 + (rows[-1] + 1) * scale_y)


def _region(page: pymupdf.Page, p: _Page, caption: Block, above: bool) -> tuple[Box | None, float]:
    """The graphic on one side of `caption` and its distance from it, bounded by body text and other captions."""
    x0, x1 = _column(p, caption)
    cap = caption.box
    obstacles = [b.box for b in p.blocks if (b.body or b.caption is not None) and b is not caption
                 and _x_overlap(b.box, x0, x1) > 0.3]
    if above:
        limit = max((o[3] for o in obstacles if o[3] <= cap[1] + 1), default=0.0)
        top, bottom = limit, cap[1] + 2
    else:
        limit = min((o[1] for o in obstacles if o[1] >= cap[3] - 1), default=p.height)
        top, bottom = cap[3] - 2, limit
    inside = [g for g in p.graphics if _x_overlap(g, x0, x1) > 0.8 and g[1] >= top - 1 and g[3] <= bottom + 1
              and (g[2] - g[0] > 1 or g[3] - g[1] > 1)]
    if not inside:
        return None, 0.0
    box = inside[0]
    for g in inside[1:]:
        box = _union(box, g)
    box = _ink(page, (box[0], max(box[1], p.content_top, top), box[2], min(box[3], p.content_bottom, bottom)))
    if box is None:
        return None, 0.0
    box = _grow(box, p.loose_text, x0, x1, top, bottom, gap=8.0)
    distance = cap[1] - box[3] if above else box[1] - cap[3]
    return box, distance


def detect_page(page: pymupdf.Page) -> list[Detected]:
    """Figures and tables on `page`, each with its box (graphic and caption)."""
    p = _analyse(page)
    found: list[Detected] = []
    for caption in p.captions:
        info = caption.caption
        assert info is not None
        up, up_gap = _region(page, p, caption, above=True)
        down, down_gap = _region(page, p, caption, above=False)
        prefer_up = info.kind == "figure"
        choices = [(up_gap - (5 if prefer_up else 0), up), (down_gap - (0 if prefer_up else 5), down)]
        choices = [(gap, box) for gap, box in choices if box is not None and gap < 0.25 * p.height]
        if not choices:
            continue
        graphic = min(choices, key=lambda c: c[0])[1]
        assert graphic is not None
        found.append(Detected(info.kind, info.number, page.number or 0, _union(graphic, info.box), info.text,
                              graphic))
    return found


# Rendering -----------------------------------------------------------------------------------------------

def render(page: pymupdf.Page, clip: pymupdf.Rect) -> tuple[bytes, str]:
    """`clip` of `page` as an image about 1280 px on its long side, within Telegram's photo limits."""
    long_side = max(clip.width, clip.height) or 1.0
    zoom = min(TARGET_LONG_SIDE_PX / long_side, 4.0)
    pixmap = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), clip=clip, alpha=False)
    png: bytes = pixmap.tobytes("png")
    jpeg: bytes = pixmap.tobytes("jpeg", jpg_quality=85)
    if len(jpeg) < len(png) * 0.6 or len(png) > MAX_PHOTO_BYTES:  # photos: JPEG; line art stays crisp as PNG
        return jpeg, "image/jpeg"
    return png, "image/png"


def _telegram_safe(box: Box, page_rect: pymupdf.Rect) -> pymupdf.Rect:
    """Pad a little, stay on the page, and keep the aspect ratio within Telegram's 20:1."""
    rect = pymupdf.Rect(box[0] - 4, box[1] - 4, box[2] + 4, box[3] + 4) & page_rect
    if rect.width > 19 * rect.height:
        grow = (rect.width / 19 - rect.height) / 2
        rect = pymupdf.Rect(rect.x0, rect.y0 - grow, rect.x1, rect.y1 + grow) & page_rect
    return rect


def extract_figures(doc: pymupdf.Document, max_pages: int, kinds: tuple[str, ...] = ("figure",),
                    limit: int = MAX_FIGURES) -> list[FigureImage]:
    """The paper's figures (tables when asked), Figure 1 first; a first-page render when none is found."""
    if doc.page_count == 0:
        return []
    detected: dict[tuple[str, int], Detected] = {}
    for number in range(min(doc.page_count, max_pages)):
        for item in detect_page(doc[number]):
            if item.kind in kinds:
                detected.setdefault((item.kind, item.number), item)
    chosen = sorted(detected.values(), key=lambda d: (kinds.index(d.kind), d.number))[:limit]
    images = []
    for item in chosen:
        page = doc[item.page]
        image, mime = render(page, _telegram_safe(item.bbox, page.rect))
        images.append(FigureImage(item.kind, item.number, item.page, item.bbox, item.caption, image, mime))
    if images:
        return images
    page = doc[0]
    image, mime = render(page, page.rect)
    return [FigureImage("page", 1, 0, tuple(page.rect), "", image, mime)]  # type: ignore[arg-type]
