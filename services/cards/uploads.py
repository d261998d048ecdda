"""A PDF a user sent that is not on arXiv: its title, authors and abstract read from its first page (marked as
such on the card — no metadata from arXiv exists to check them against). Pure."""

from __future__ import annotations

import hashlib
import re

from services.models import UPLOAD_PREFIX, PaperMeta

_NOT_TITLE = re.compile(r"arxiv|proceedings|journal|conference|preprint|vol\.|volume|©|copyright|doi|http|www\.|"
                        r"^\d+$|^page \d+", re.IGNORECASE)
_AFFILIATION = re.compile(r"universit|institut|laborator|department|school|college|inc\.|ltd|@|\d{5}", re.IGNORECASE)


def upload_id(data: bytes) -> str:
    return UPLOAD_PREFIX + hashlib.sha256(data).hexdigest()[:16]


def paper_of_upload(data: bytes, first_page: str) -> PaperMeta:
    """What the first page says: the title (its first substantial lines), the author line under it, the abstract
    (or the page's opening); the file's hash is its ID."""
    lines = [line.strip() for line in first_page.split("\n") if line.strip()]
    start = next((i for i, line in enumerate(lines) if len(line.split()) >= 2 and not _NOT_TITLE.search(line)), 0)
    title_lines = lines[start:start + 1]
    for line in lines[start + 1:start + 3]:  # a title broken over lines continues in small letters or after a colon
        if line[:1].islower() or title_lines[-1].endswith((":", "-", "—")):
            title_lines.append(line)
        else:
            break
    title = " ".join(title_lines)[:300] or "Untitled PDF"
    after = lines[start + len(title_lines):start + len(title_lines) + 4]
    authors: tuple[str, ...] = ()
    for line in after:
        if line.lower().startswith("abstract") or _AFFILIATION.search(line):
            break
        names = [n.strip(" *†‡,0123456789") for n in re.split(r",| and |;", line)]
        names = [n for n in names if 1 < len(n.split()) <= 4 and all(w[:1].isupper() for w in n.split())]
        if names:
            authors = tuple(names[:30])
            break
    text = first_page
    found = re.search(r"(?is)\babstract\b[\s.:—-]*(.{80,1500}?)(?:\n\s*\n|\n(?:1|I)\.?\s+Introduction)", text)
    abstract = " ".join((found.group(1) if found else text[:1200]).split())
    return PaperMeta(upload_id(data), 1, title, authors, abstract, "")
