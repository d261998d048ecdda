"""A reading list for reference managers (Zotero, Mendeley, EndNote), from arXiv's metadata only: BibTeX in the
`@misc{…, eprint=, archivePrefix=arXiv, primaryClass=}` form arXiv itself gives (plus the journal reference and DOI
when arXiv has them), RIS, and CSL-JSON. Pure."""

from __future__ import annotations

import json
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


def _arxiv_doi(paper: PaperMeta) -> str:
    """The paper's DOI: the journal's when arXiv lists one, else the DOI arXiv assigns every paper."""
    return paper.doi or f"10.48550/arXiv.{paper.base_id}"


def _names(author: str) -> tuple[str, str]:
    """(family, given) of a name as arXiv lists it ("Ada King Lovelace" → Lovelace, Ada King)."""
    *given, family = author.split() or [""]
    return family, " ".join(given)


def _ris_line(tag: str, value: str) -> str:
    return f"{tag}  - {' '.join(value.split())}"


def ris(paper: PaperMeta) -> str:
    """One RIS record (an unpublished work, as reference managers file preprints); one line per tag."""
    when = paper.published or paper.updated
    lines = [_ris_line("TY", "UNPB"), _ris_line("TI", paper.title)]
    lines += [_ris_line("AU", ", ".join(n for n in _names(a) if n)) for a in paper.authors]
    if when:
        lines += [_ris_line("PY", str(when.year)), _ris_line("DA", when.strftime("%Y/%m/%d"))]
    lines += [_ris_line("AB", paper.abstract), _ris_line("UR", f"https://arxiv.org/abs/{paper.base_id}"),
              _ris_line("DO", _arxiv_doi(paper)), _ris_line("PB", "arXiv"),
              _ris_line("M3", f"arXiv:{paper.versioned_id} [{paper.primary_category}]")]
    if paper.journal_ref:
        lines.append(_ris_line("N1", paper.journal_ref))
    return "\r\n".join([*lines, "ER  - "]) + "\r\n"


def ris_file(papers: list[PaperMeta]) -> bytes:
    return "\r\n".join(ris(p) for p in papers).encode()


def csl(paper: PaperMeta) -> dict[str, object]:
    """One CSL-JSON item: an `article` (CSL's type for preprints) numbered by its arXiv ID."""
    when = paper.published or paper.updated
    item: dict[str, object] = {
        "id": f"arXiv:{paper.base_id}",
        "type": "article",
        "title": paper.title,
        "author": [{"family": family, "given": given} if given else {"literal": family}
                   for family, given in map(_names, paper.authors)],
        "abstract": paper.abstract,
        "URL": f"https://arxiv.org/abs/{paper.base_id}",
        "DOI": _arxiv_doi(paper),
        "number": f"arXiv:{paper.versioned_id}",
        "publisher": "arXiv",
        "genre": "Preprint",
    }
    if when:
        item["issued"] = {"date-parts": [[when.year, when.month, when.day]]}
    if paper.journal_ref:
        item["note"] = paper.journal_ref
    return item


def csl_file(papers: list[PaperMeta]) -> bytes:
    return json.dumps([csl(p) for p in papers], ensure_ascii=False, indent=1).encode()


EXPORTS = {"bib": ("reading-list.bib", bibtex_file), "ris": ("reading-list.ris", ris_file),
           "csl": ("reading-list.json", csl_file)}
"""Each export format: its file name and how it is written."""
