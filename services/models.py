"""Plain data that crosses layers: what arXiv says about a paper, what the PDF gave, what a chat chose."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass(frozen=True)
class PaperRef:
    """An arXiv identifier as a user wrote it: `version` is None when they asked for the latest."""

    base_id: str
    version: int | None = None

    def __str__(self) -> str:
        return f"{self.base_id}v{self.version}" if self.version else self.base_id


@dataclass(frozen=True)
class PaperMeta:
    """Metadata exactly as arXiv lists it — the only source of titles, authors, IDs, dates and comments."""

    base_id: str
    version: int
    title: str
    authors: tuple[str, ...]
    abstract: str
    primary_category: str
    categories: tuple[str, ...] = ()
    comment: str = ""
    published: datetime | None = None
    """First version's submission time."""
    updated: datetime | None = None
    """Submission time of this version."""
    journal_ref: str = ""
    doi: str = ""

    @property
    def versioned_id(self) -> str:
        return f"{self.base_id}v{self.version}"

    @property
    def from_arxiv(self) -> bool:
        """False for a PDF a user sent that is not on arXiv (its metadata read from its first page)."""
        return not self.base_id.startswith(UPLOAD_PREFIX)


UPLOAD_PREFIX = "upload-"
"""The ID of a PDF a user sent that arXiv does not know: `upload-` and its content's hash."""


@dataclass(frozen=True)
class FigureRegion:
    """Where one figure is in the PDF (graphic and caption): found with the text, rendered only when sent."""

    kind: str  # "figure", "table" or "page" (a first-page render when no figure was found)
    number: str  # as printed: "3", "A.1", "IV"
    page: int
    bbox: tuple[float, float, float, float]
    caption: str
    photo: bool = False
    """Mostly raster images (a photo compresses differently from line art)."""
    turn: int = 0
    """Degrees to turn the crop clockwise so that a figure printed sideways reads upright (90 or 270)."""


@dataclass(frozen=True)
class FigureImage(FigureRegion):
    """One figure ready for Telegram: its region, and the crop (graphic and caption) rendered as an image."""

    image: bytes = field(default=b"", repr=False)
    mime: str = "image/jpeg"


@dataclass(frozen=True)
class PdfContent:
    """What the PDF gave the summarizer: text in reading order, cut to a budget, plus the first page alone."""

    text: str
    first_page: str
    pages: int
    note: str = ""
    """Non-empty when the PDF could not be used (corrupt, encrypted, too large…): the card says so."""


RICH_RETRY = timedelta(days=1)
"""How long a chat gets classic cards after the Bot API server refused a rich message there."""


@dataclass(frozen=True)
class ChatSettings:
    chat_id: int
    type: str
    title: str = ""
    language: str = "en"
    timezone: str = "UTC"
    digest_time: str = "09:00"
    mode: str = "overview"
    active: bool = True
    paused: bool = False
    replacements: bool = False
    crosslists: bool = True
    archives: str = ""
    quiet_note: bool = False
    group_cards_here: bool = False
    """A group's 📄 posts the card in the group (its admins chose so); by default it opens privately."""
    figures: str = ""
    """What the chat posts of papers' figures: `all`, `licensed`, `noncommercial` (services/arxiv/licences.py);
    "" is the default for its type: `licensed` in a channel (public republication), `all` elsewhere."""
    last_digest_day: str = ""
    last_digest_local: str = ""
    cards: str = ""
    """`rich` or `classic` (`/settings cards`); "" takes the bot's CARD_STYLE."""
    schedule: str = ""
    """When the digest comes: "" every announcement day, `weekly:fri` once a week on that day (`/settings
    schedule`); a weekly digest holds the week's best, and what the reading list has unread."""
    popularity: str = ""
    """How much HF upvotes, stars and citations lift a paper in this chat's ranking: `off`, `low`, `high` ("" is
    `low`; `/settings popularity`)."""
    rich_refused_at: str = ""
    """ISO time the Bot API server last refused a rich message here: classic cards for a day after it."""

    @property
    def figure_policy(self) -> str:
        return self.figures or ("licensed" if self.type == "channel" else "all")

    def rich_cards(self, default: str, now: datetime) -> bool:
        """Whether this chat's cards go as rich messages now (its choice, else the default; not within a day of
        the server refusing one)."""
        if (self.cards or default) != "rich":
            return False
        if self.rich_refused_at:
            refused = datetime.fromisoformat(self.rich_refused_at)
            return now - refused >= RICH_RETRY
        return True


@dataclass(frozen=True)
class PaperText:
    """What relevance reads of a paper. Ratings keep a copy, so a chat's taste outlives the announcements."""

    title: str
    abstract: str = ""
    authors: tuple[str, ...] = ()


@dataclass(frozen=True)
class Button:
    """A button under a message: callback data (at most 64 bytes, built in services/callback_data.py) or a link
    (channels: a deep link that opens the bot)."""

    text: str
    data: str = ""
    url: str = ""


@dataclass(frozen=True)
class OverviewEntry:
    """One paper of a digest's list, as words (a rich message lays it out with its own buttons beside it)."""

    number: int
    title: str
    url: str
    line: str = ""
    reason: str = ""
    base_id: str = ""
    card: Button = Button("")
    """📄 N: the card, here or (channels, most groups) in a private chat with the bot."""


@dataclass(frozen=True)
class Overview:
    """A digest's list message as structure, beside its HTML: where a chat takes rich messages it is sent as one,
    each entry with 📄 / 👍 / 👎 beside it (`ratable`: not in channels, whose readers cannot rate for it)."""

    header: str
    entries: tuple[OverviewEntry, ...]
    ratable: bool = True
    footer: str = ""
    sections: tuple[tuple[str, int], ...] = ()
    """(header, entries in it) when several topics' lists were joined into one message (a group's digest)."""

    def to_json(self) -> str:
        return json.dumps({"header": self.header, "ratable": self.ratable, "footer": self.footer,
                           "sections": [list(s) for s in self.sections],
                           "entries": [{"number": e.number, "title": e.title, "url": e.url, "line": e.line,
                                        "reason": e.reason, "base_id": e.base_id,
                                        "card": {"text": e.card.text, "data": e.card.data, "url": e.card.url}}
                                       for e in self.entries]}, ensure_ascii=False)

    @staticmethod
    def from_json(text: str) -> Overview | None:
        try:
            data = json.loads(text)
            return Overview(str(data["header"]), tuple(
                OverviewEntry(int(e["number"]), str(e["title"]), str(e["url"]), str(e.get("line", "")),
                              str(e.get("reason", "")), str(e.get("base_id", "")),
                              Button(**{k: str(v) for k, v in e["card"].items()})) for e in data["entries"]),
                bool(data.get("ratable", True)), str(data.get("footer", "")),
                tuple((str(h), int(n)) for h, n in data.get("sections", [])))
        except (ValueError, KeyError, TypeError):
            return None


@dataclass(frozen=True)
class OutboxMessage:
    """One message of a planned digest, as the outbox keeps it until Telegram took it."""

    kind: str
    """`text` (HTML with its buttons) or `photos` (the album of `paper`'s figures)."""
    text: str = ""
    buttons: tuple[tuple[Button, ...], ...] = ()
    base_ids: tuple[str, ...] = ()
    """The papers the chat has received once this message went out."""
    paper: str = ""
    """The versioned ID whose figures a `photos` message shows."""
    overview: Overview | None = None
    """A digest list's structure: sent as a rich message where the chat takes them (`text` otherwise)."""

    @functools.cached_property
    def buttons_json(self) -> str:
        """The buttons as stored; an overview shared by many chats is serialized once."""
        return json.dumps([[{"text": b.text, "data": b.data, "url": b.url} for b in row] for row in self.buttons],
                          ensure_ascii=False)


@dataclass(frozen=True)
class QueuedMessage:
    """An outbox row about to be sent."""

    id: int
    chat_id: int
    day: str
    attempts: int
    message: OutboxMessage
