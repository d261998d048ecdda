"""Figure screenshots from a paper's PDF, rendered for Telegram. Runs inside the PDF process pool.

Until caption-based figure detection lands, a paper's "figure" is a render of its first page.
"""

from __future__ import annotations

import pymupdf

from services.models import FigureImage

EXTRACTOR_VERSION = 1
"""Bump when detection changes: cached crops of older versions are recomputed."""

TARGET_LONG_SIDE_PX = 1280
MAX_PHOTO_BYTES = 10 * 2**20


def render(page: pymupdf.Page, clip: pymupdf.Rect) -> tuple[bytes, str]:
    """`clip` of `page` as an image about 1280 px on its long side, within Telegram's photo limits."""
    long_side = max(clip.width, clip.height) or 1.0
    zoom = min(TARGET_LONG_SIDE_PX / long_side, 4.0)
    pixmap = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), clip=clip, alpha=False)
    png: bytes = pixmap.tobytes("png")
    jpeg: bytes = pixmap.tobytes("jpeg", jpg_quality=85)
    if len(jpeg) < len(png) * 0.6:  # photos compress far better as JPEG; line art stays crisp as PNG
        return jpeg, "image/jpeg"
    if len(png) > MAX_PHOTO_BYTES:
        return jpeg, "image/jpeg"
    return png, "image/png"


def first_page_render(doc: pymupdf.Document) -> list[FigureImage]:
    page = doc[0]
    image, mime = render(page, page.rect)
    return [FigureImage("page", 1, 0, tuple(page.rect), "", image, mime)]  # type: ignore[arg-type]


def extract_figures(doc: pymupdf.Document, max_pages: int) -> list[FigureImage]:
    """The paper's figures, Figure 1 first; a first-page render when none can be found."""
    if doc.page_count == 0:
        return []
    return first_page_render(doc)
