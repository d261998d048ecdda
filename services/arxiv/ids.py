"""Finding arXiv papers in what people write: links, `arXiv:` IDs and bare IDs. Pure functions.

A user's URL is only ever parsed for an ID here; nothing a user sends is fetched as given.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from services.models import PaperRef

# Archives that had old-style identifiers (archive/YYMMNNN), before April 2007.
OLD_ARCHIVES = (
    "acc-phys adap-org alg-geom ao-sci astro-ph atom-ph bayes-an chao-dyn chem-ph cmp-lg comp-gas cond-mat cs "
    "dg-ga funct-an gr-qc hep-ex hep-lat hep-ph hep-th math math-ph mtrl-th nlin nucl-ex nucl-th patt-sol physics "
    "plasm-ph q-alg q-bio quant-ph solv-int supr-con"
).split()

_NEW = r"(?P<new>(?P<yymm>\d{4})\.(?P<num>\d{4,5}))"
_OLD = r"(?P<old>(?:" + "|".join(re.escape(a) for a in OLD_ARCHIVES) + r")(?:\.[A-Za-z]{2}(?:-[a-z]+)?)?/\d{7})"
_VERSION = r"(?:v(?P<version>\d{1,3}))?"
_ID = rf"(?:{_NEW}|{_OLD}){_VERSION}"

_PATTERN = re.compile(
    # a link to an arXiv page (abs, pdf, html, format), or `arXiv:`, or nothing that glues the ID to a word
    r"(?:(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html|format)/|(?<![\w./-])(?:arxiv:\s?)?)"
    + _ID
    # `.pdf` may end a link; the ID must not run on into a longer number or word
    + r"(?:\.pdf)?(?![\w/]|\.\d)",
    re.IGNORECASE,
)

MAX_PAPERS_PER_MESSAGE = 5


def _valid_new_style(yymm: str, num: str) -> bool:
    """4-digit numbers ran from 0704 to 1412, 5-digit numbers from 1501 on; months are 01–12."""
    year, month = int(yymm[:2]), int(yymm[2:])
    if not 1 <= month <= 12:
        return False
    if len(num) == 4:
        return (7, 4) <= (year, month) <= (14, 12)
    return (year, month) >= (15, 1)


def find_papers(text: str, urls: Iterable[str] = ()) -> list[PaperRef]:
    """Every distinct paper named in `text` and in `urls` (links hidden behind Telegram text), in order.

    A paper named twice counts once (the first mention wins, with its version if it had one).
    """
    found: list[PaperRef] = []
    seen: set[str] = set()
    for chunk in (text, *urls):
        for match in _PATTERN.finditer(chunk or ""):
            if match["new"]:
                if not _valid_new_style(match["yymm"], match["num"]):
                    continue
                base = match["new"]
            else:
                archive, number = match["old"].split("/")
                prefix, _, subject = archive.partition(".")
                base = f"{prefix.lower()}{'.' + subject.upper() if subject and len(subject) == 2 else ''}/{number}"
            if base in seen:
                continue
            seen.add(base)
            version = int(match["version"]) if match["version"] else None
            found.append(PaperRef(base, version if version else None))
    return found


def parse_entry_id(entry_id: str) -> PaperRef | None:
    """`http://arxiv.org/abs/2408.14227v2` → PaperRef("2408.14227", 2); None for anything else."""
    refs = find_papers(entry_id)
    return refs[0] if len(refs) == 1 and refs[0].version else None


def submitted_month(base_id: str) -> tuple[int, int] | None:
    """(year, month) of a paper's first version, which its ID spells: 2408.14227 and hep-th/9901001."""
    match = re.fullmatch(r"(?:[a-z\-]+(?:\.[A-Z]{2})?/)?(\d{2})(\d{2})[.\d]*", base_id)
    if match is None:
        return None
    yy, mm = int(match[1]), int(match[2])
    return (1900 + yy if yy >= 91 else 2000 + yy), mm
