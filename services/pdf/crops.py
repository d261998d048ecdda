"""Figure crops as Telegram photos: a region of a page drawn about 1280 px on its long side, as JPEG.

The costly part of a card's PDF work, so it is done only for what a card sends (services/pdf.py draws them
in the worker pool while the LLM writes).
"""

from __future__ import annotations

import io
from collections import Counter

import PIL.Image
import pymupdf

from services.models import FigureImage, FigureRegion
from services.pdf.extractor import MAX_FIGURES
from services.pdf.figures import choose_figures
from services.pdf.layout import Box

TARGET_LONG_SIDE_PX = 1280
MAX_PHOTO_BYTES = 10 * 2**20


def render(page: pymupdf.Page | pymupdf.DisplayList, clip: pymupdf.Rect, photo: bool = False,
           turn: int = 0) -> tuple[bytes, str]:
    """`clip` of `page` (or of its display list) as a JPEG about 1280 px on its long side, within Telegram's
    photo limits.

    Telegram re-encodes every photo as JPEG, so a PNG buys nothing but time (~34 ms a crop): line art goes at
    quality 90 without chroma subsampling (thin coloured lines and small text stay crisp), photos at 85.
    Pillow encodes JPEG about 15x faster than MuPDF (bench: 3.4 vs 58 ms a crop).
    """
    long_side = max(clip.width, clip.height) or 1.0
    zoom = min(TARGET_LONG_SIDE_PX / long_side, 8.0)
    pixmap = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), clip=clip, alpha=False)
    image = PIL.Image.frombuffer("RGB", (pixmap.width, pixmap.height), pixmap.samples_mv, "raw", "RGB",
                                 pixmap.stride, 1)
    if turn:  # a figure printed sideways is sent upright
        image = image.rotate(-turn, expand=True)
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


def render_regions(doc: pymupdf.Document, regions: list[FigureRegion]) -> list[FigureImage]:
    """The crops themselves: the costly part, done only for what a card sends. A page with several crops is
    interpreted once (a heavy page costs ~30 ms each time)."""
    images = []
    per_page = Counter(region.page for region in regions)
    drawn: dict[int, pymupdf.DisplayList] = {}
    for region in regions:
        page = doc[region.page]
        clip = page.rect if region.kind == "page" else _telegram_safe(region.bbox, page.rect)
        source: pymupdf.Page | pymupdf.DisplayList = page
        if per_page[region.page] > 1:
            source = drawn.setdefault(region.page, page.get_displaylist())
        image, mime = render(source, clip, region.photo, region.turn)
        images.append(FigureImage(**vars(region), image=image, mime=mime))
    return images


def extract_figures(doc: pymupdf.Document, max_pages: int, kinds: tuple[str, ...] = ("figure",),
                    limit: int = MAX_FIGURES, first_page_fallback: bool = True) -> list[FigureImage]:
    """Found and rendered in one go (tables on request)."""
    return render_regions(doc, choose_figures(doc, max_pages, kinds, limit, first_page_fallback))
