"""BibTeX for arXiv papers, from arXiv's metadata only, in the `@misc{…, eprint=, archivePrefix=arXiv,
primaryClass=}` form arXiv itself gives (plus the journal reference and DOI when arXiv has them). Pure."""

from __future__ import annotations

import re
import unicodedata

from services.models import PaperMeta

_SPECIAL = str.maketrans({"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%",
                          "$": r"\$", "#": r"\#", "_": r"\_"})


def _ascii(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if c.isascii())


def _year(paper: PaperMeta) -> str:
    when = paper.published or paper.updated
    return str(when.year) if when else ""


def cite_key(paper: PaperMeta) -> str:
    """`vaswani2017attention`: first author's surname, year, first long word of the title."""
    surname = re.sub(r"[^a-z]", "", _ascii(paper.authors[0].split()[-1]).lower()) if paper.authors else "anon"
    year = _year(paper)
    words = [w for w in re.findall(r"[a-z]+", _ascii(paper.title).lower()) if len(w) > 3]
    return f"{surname or 'anon'}{year}{words[0] if words else ''}"


def bibtex(paper: PaperMeta) -> str:
    fields = [
        ("title", "{" + paper.title.translate(_SPECIAL) + "}"),
        ("author", " and ".join(a.translate(_SPECIAL) for a in paper.authors)),
        ("year", _year(paper)),
        ("eprint", paper.base_id),
        ("archivePrefix", "arXiv"),
        ("primaryClass", paper.primary_category),
        ("url", f"https://arxiv.org/abs/{paper.base_id}"),
        ("journal", paper.journal_ref.translate(_SPECIAL)),
        ("doi", paper.doi),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@misc{{{cite_key(paper)},\n{body}\n}}\n"


def bibtex_file(papers: list[PaperMeta]) -> bytes:
    """Entries for several papers; a repeated key gets a, b, … as reference managers do."""
    seen: dict[str, int] = {}
    entries = []
    for paper in papers:
        entry = bibtex(paper)
        key = cite_key(paper)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            entry = entry.replace(f"@misc{{{key},", f"@misc{{{key}{chr(ord('a') + seen[key] - 2)},", 1)
        entries.append(entry)
    return "\n".join(entries).encode()
