"""Every button's callback data, built, matched and parsed here only.

Telegram returns a button's data (at most 64 bytes) when it is pressed; data is hostile until parsed, so each
kind has one pattern, used both by the handler that matches it and by `parse`. Digests queued in the outbox
carry data built here too, which is why this sits in the kernel rather than in `handlers/`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_BYTES = 64
_ID = r"[\w./-]{1,40}"
"""A versioned or base arXiv ID, old style (hep-th/9901001v2) included."""


@dataclass(frozen=True)
class Route:
    """One kind of button: `prefix:field:field`, each field matching its regex."""

    prefix: str
    parts: tuple[str, ...]
    """A regex per field."""

    @property
    def pattern(self) -> str:
        return "^" + ":".join((re.escape(self.prefix), *(f"({part})" for part in self.parts))) + "$"

    def build(self, *values: object) -> str:
        data = ":".join((self.prefix, *(str(v) for v in values)))
        if not re.match(self.pattern, data) or len(data.encode()) > MAX_BYTES:
            raise ValueError(f"not {self.prefix} button data: {data!r}")
        return data

    def parse(self, data: str | None) -> tuple[str, ...] | None:
        """The fields of `data`, or None when it is not of this kind (forged, or from an older version)."""
        match = re.match(self.pattern, data or "")
        return match.groups() if match else None

    def fields(self, data: str | None) -> tuple[str, ...]:
        """The fields of data a handler matched by `pattern` (so it is of this kind)."""
        parsed = self.parse(data)
        if parsed is None:
            raise ValueError(f"not {self.prefix} button data: {data!r}")
        return parsed


REMOVE_TOPIC = Route("rm", (r"\d{1,9}",))
"""✖ under /topics: remove that topic."""
DROP_NAME = Route("dn", (r"\d{1,9}", r"\d{1,2}"))
"""✖ under a topic's other names (/subscribe): stop matching that topic (subscription ID) by its n-th shown name."""
SEARCH_PAGE = Route("sp", (r"\d{1,12}", r"\d{1,2}"))
"""◀ ▶ under a /search: that page of that search."""
STOP_NAME = Route("sn", (r"\d{1,12}",))
"""🚫 after 👎 on a paper matched by another name of its topic: stop matching by it (the record's ID)."""
CARD = Route("card", (_ID,))
"""📄 under a digest entry: the paper's full card."""
MORE = Route("more", (r"\d{4}-\d{2}-\d{2}",))
""""Show N more" under a capped digest of that day."""
DIFF = Route("diff", (_ID, r"\d{1,3}"))
"""🔀 under a digest's new versions: what changed in that version (base ID, version) since the one before."""
SIMILAR = Route("sim", (_ID,))
"""🔗 under a card (⋯ More): papers like that one."""
TABLES = Route("tables", (_ID,))
"""📊 under a card: the paper's tables."""
RATE = Route("rate", (r"[+-]", _ID))
"""👍 / 👎 on a paper (its base ID)."""
BIB = Route("bib", (_ID,))
"""📎 under a card: its BibTeX."""
FIGURE = Route("fig", (_ID, r"[\w.]{1,8}"))
"""🔍 Fig. N under a card: that figure explained."""
VIEW = Route("kb", (r"main|figs|more", _ID, r"[\w.,]{0,24}"))
"""A card's buttons in another view (the main two rows, its figures, ⋯ more); carries the figures' numbers."""
ASK = Route("ask", (_ID,))
"""❓ under a card: how to ask about the paper."""
ABSTRACT = Route("abs", (_ID,))
"""📄 Abstract, under ⋯ of a card."""
PICK = Route("pick", (r"subscribe|lang", r"[\w.-]{1,20}"))
"""A common choice offered under a bare command: `/subscribe cs.CV`, `/lang de` in one tap."""
SAVE = Route("save", (_ID,))
"""🔖 under a card: save it to the reading list."""
SAVED_PAGE = Route("saved", (r"\d{1,4}",))
"""◀ ▶ in /saved."""
UNSAVE = Route("unsave", (r"\d{1,4}", _ID))
"""✖ in /saved: remove that paper (and stay on the page)."""
READ = Route("read", (r"\d{1,4}", _ID))
"""✓ / ○ under /saved: mark that paper (base ID) read or unread, showing that page again."""
COMPARE_SAVED = Route("cmp", (r"\d{1,4}",))
"""🆚 under /saved: that page's papers side by side."""
EXPORT_SAVED = Route("ex", (r"bib|ris|csl",))
"""⬇ under /saved: the reading list as a .bib, .ris or CSL-JSON file."""


def rate(base_id: str, vote: int) -> str:
    return RATE.build("+" if vote > 0 else "-", base_id)
