"""A reader's library as BibTeX: which entries are arXiv papers, and the titles of the rest. Pure.

Parsing is `bibtexparser`'s; this module only decides what of an entry names a paper.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import bibtexparser

from services.arxiv.ids import find_papers
from services.models import PaperRef, PaperText

MAX_BIB_BYTES = 1_000_000
MAX_ENTRIES = 2000


class NotBibtex(ValueError):
    """The file is not text, or holds no BibTeX entry; the message is the i18n key for the reply."""


@dataclass
class Library:
    entries: int = 0
    arxiv: list[PaperRef] = field(default_factory=list)
    titled: list[PaperText] = field(default_factory=list)
    """Entries without an arXiv ID, known by their title (and abstract when the entry has one)."""


_ARXIV_DOI = re.compile(r"10\.48550/arxiv\.(\S+)", re.IGNORECASE)
_BRACES = re.compile(r"[{}\\]")


def decode(data: bytes) -> str:
    """The file as text, or `NotBibtex` for a binary or oversized file."""
    if len(data) > MAX_BIB_BYTES:
        raise NotBibtex("bib_too_big")
    if b"\x00" in data:
        raise NotBibtex("bib_not_text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("latin-1")
        except UnicodeDecodeError:  # pragma: no cover - latin-1 decodes every byte
            raise NotBibtex("bib_not_text") from None
        if sum(1 for c in text if ord(c) < 32 and c not in "\r\n\t") > len(text) // 100:
            raise NotBibtex("bib_not_text") from None
        return text


def read_library(text: str) -> Library:
    """The entries of a BibTeX file: arXiv IDs where any field names one, titles for the rest."""
    parsed = bibtexparser.parse_string(text)  # type: ignore[attr-defined]
    entries = parsed.entries[:MAX_ENTRIES]
    if not entries:
        raise NotBibtex("bib_no_entries")
    library = Library(entries=len(entries))
    seen: set[str] = set()
    for entry in entries:
        fields = {name.lower(): str(value.value) for name, value in entry.fields_dict.items()}
        ref = _arxiv_ref(fields)
        if ref is not None:
            if ref.base_id not in seen:
                seen.add(ref.base_id)
                library.arxiv.append(ref)
            continue
        title = " ".join(_BRACES.sub("", fields.get("title", "")).split())
        if title:
            author_field = _BRACES.sub("", fields.get("author", ""))
            authors = tuple(_name(a) for a in re.split(r"\s+and\s+", author_field) if a.strip())
            library.titled.append(PaperText(title, " ".join(_BRACES.sub("", fields.get("abstract", "")).split()),
                                            authors))
    return library


def _arxiv_ref(fields: dict[str, str]) -> PaperRef | None:
    doi = _ARXIV_DOI.search(fields.get("doi", ""))
    if doi:
        fields = {**fields, "doi": "arXiv:" + doi.group(1)}
    for name in ("eprint", "arxivid", "arxiv", "doi", "url", "journal", "note", "howpublished"):
        value = fields.get(name, "")
        if not value:
            continue
        if name in ("eprint", "arxivid", "arxiv") and not value.lower().startswith("arxiv:"):
            value = "arXiv:" + value
        refs = find_papers(value)
        if refs:
            return refs[0]
    return None


def _name(author: str) -> str:
    """`Ho, Jonathan` → `Jonathan Ho`: as arXiv writes names."""
    last, comma, first = author.partition(",")
    return " ".join(f"{first} {last}".split()) if comma else " ".join(author.split())
