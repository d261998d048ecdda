"""arXiv's announcement feeds (`ARXIV_RSS_URL` + `cs.CV` or `cs+stat`): what was announced, and when.

Discovery reads announcements, not API date windows: the API's search index lags and misses papers held in
moderation. Each item says whether the paper is new, a cross-list, or a replacement.
"""

from __future__ import annotations

import asyncio
import logging
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from email.utils import parsedate_to_datetime

import httpx

from services.arxiv.ids import find_papers

log = logging.getLogger(__name__)

_NS = {"arxiv": "http://arxiv.org/schemas/atom", "dc": "http://purl.org/dc/elements/1.1/"}


@dataclass(frozen=True)
class Announcement:
    base_id: str
    version: int
    title: str
    authors: tuple[str, ...]
    abstract: str
    categories: tuple[str, ...]
    announce_type: str  # new, cross, replace, replace-cross


@dataclass(frozen=True)
class Feed:
    name: str
    day: date | None
    """The announcement day the feed says it is for (its pubDate), None if it does not say."""
    items: tuple[Announcement, ...]


class FeedUnavailable(Exception):
    pass


def _text(element: ET.Element, path: str) -> str:
    found = element.find(path, _NS)
    return re.sub(r"\s+", " ", found.text or "").strip() if found is not None and found.text else ""


def parse_feed(name: str, xml: bytes) -> Feed:
    """An RSS 2.0 announcement feed; raises `FeedUnavailable` if it is not one."""
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as error:
        raise FeedUnavailable(f"{name}: not XML ({error})") from error
    channel = root.find("channel")
    if channel is None:
        raise FeedUnavailable(f"{name}: not an RSS feed")
    published = _text(channel, "pubDate") or _text(channel, "lastBuildDate")
    day = parsedate_to_datetime(published).date() if published else None
    items = []
    for item in channel.findall("item"):
        description = _text(item, "description")
        refs = find_papers(_text(item, "guid") + " " + description[:60])
        if not refs or refs[0].version is None:
            continue
        abstract = description.split("Abstract:", 1)[1].strip() if "Abstract:" in description else description
        announce = _text(item, "arxiv:announce_type") or (
            m.group(1) if (m := re.search(r"Announce Type:\s*([\w-]+)", description)) else "new")
        items.append(Announcement(
            base_id=refs[0].base_id,
            version=refs[0].version,
            title=_text(item, "title"),
            authors=tuple(a.strip() for a in _text(item, "dc:creator").split(",") if a.strip()),
            abstract=abstract,
            categories=tuple(c.text.strip() for c in item.findall("category") if c.text),
            announce_type=announce,
        ))
    return Feed(name, day, tuple(items))


class FeedReader:
    """Fetches feeds from `ARXIV_RSS_URL` only, with a timeout and retries with backoff."""

    def __init__(self, rss_url: str, timeout: float = 30.0, retries: int = 2) -> None:
        self._rss_url = rss_url
        self._timeout = timeout
        self._retries = retries

    async def fetch(self, name: str) -> Feed:
        url = self._rss_url + name
        delay = 2.0
        async with httpx.AsyncClient(timeout=self._timeout, follow_redirects=False) as client:
            for attempt in range(self._retries + 1):
                try:
                    response = await client.get(url, headers={"User-Agent": "Papergram (arXiv digest bot)"})
                    if response.status_code == 200:
                        return parse_feed(name, response.content)
                    error = f"HTTP {response.status_code}"
                except httpx.HTTPError as exc:
                    error = str(exc) or type(exc).__name__
                if attempt < self._retries:
                    await asyncio.sleep(delay)
                    delay *= 2
        raise FeedUnavailable(f"{name}: {error}")
