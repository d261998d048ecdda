"""Each paper's licence, as arXiv records it: read from the OAI-PMH `arXiv` metadata format (`ARXIV_OAI_URL`, a
mirror if configured), shown on the card, and obeyed where a chat republishes figures (a channel, or a group whose
admins ask for it).

Most papers carry arXiv's default licence, which lets arXiv distribute the paper and nobody else republish it;
Creative Commons licences allow republishing with attribution (NC: not commercially; ND: as is).
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass

import httpx

log = logging.getLogger(__name__)

ARXIV_DEFAULT = "http://arxiv.org/licenses/nonexclusive-distrib/1.0/"
MAX_RECORD_BYTES = 1_000_000
"""An OAI record is a few kB: a larger answer is not read."""
POLICIES = ("all", "licensed", "noncommercial")
"""What a chat posts of a paper's figures: all (a private chat, a group discussing papers), only what the licence
lets anyone republish (CC BY, BY-SA, CC0), or that and the non-commercial licences (the chat declares itself
non-commercial)."""
_CC = re.compile(r"creativecommons\.org/licenses/(by(?:-nc)?(?:-sa|-nd)?)/(\d(?:\.\d)?)", re.IGNORECASE)
_OAI = "{http://www.openarchives.org/OAI/2.0/}"
_ARXIV = "{http://arxiv.org/OAI/arXiv/}"


@dataclass(frozen=True)
class Licence:
    uri: str
    """As arXiv states it; "" when it could not be learnt (then nothing is republished on its strength)."""

    @property
    def kind(self) -> str:
        """`by`, `by-sa`, `by-nc`, `by-nc-sa`, `by-nc-nd`, `by-nd`, `cc0`, `arxiv` or `unknown`."""
        found = _CC.search(self.uri)
        if found:
            return found[1].lower()
        if "publicdomain" in self.uri:
            return "cc0"
        if "arxiv.org/licenses/" in self.uri:
            return "arxiv"
        return "unknown"

    @property
    def name(self) -> str:
        """`CC BY 4.0`, `CC0 1.0`, `arXiv` (the default licence), or "" when unknown."""
        found = _CC.search(self.uri)
        if found:
            return f"CC {found[1].upper()} {found[2]}"
        return {"cc0": "CC0 1.0", "arxiv": "arXiv"}.get(self.kind, "")

    def allows_figures(self, policy: str) -> bool:
        """Whether a chat with `policy` may post crops of this paper's figures."""
        if policy == "all":
            return True
        allowed = {"by", "by-sa", "cc0"} | ({"by-nc", "by-nc-sa", "by-nc-nd"} if policy == "noncommercial" else set())
        return self.kind in allowed


def record_licence(body: bytes) -> str | None:
    """The licence URI of an OAI-PMH `GetRecord` answer in the `arXiv` format: arXiv's default licence when the
    record states none (papers before 2004), None when the answer is no record (an error, an unknown ID)."""
    root = ElementTree.fromstring(body)
    record = root.find(f"{_OAI}GetRecord/{_OAI}record/{_OAI}metadata/{_ARXIV}arXiv")
    if record is None:
        return None
    stated = record.find(f"{_ARXIV}license")
    return (stated.text or "").strip() if stated is not None and (stated.text or "").strip() else ARXIV_DEFAULT


class LicenceReader:
    """Licences from `ARXIV_OAI_URL`, one request at a time at arXiv's pace, with a timeout; a failure is None
    (unknown), never an exception: a card does not wait for its licence line."""

    def __init__(self, base_url: str, timeout: float, delay: float = 3.0) -> None:
        self._base_url = base_url
        self._timeout = timeout
        self._delay = delay
        self._turn = asyncio.Lock()
        self._last = 0.0

    async def licence(self, base_id: str) -> str | None:
        params = {"verb": "GetRecord", "identifier": f"oai:arXiv.org:{base_id}", "metadataPrefix": "arXiv"}
        for attempt in range(2):
            async with self._turn:
                await asyncio.sleep(max(0.0, self._last + self._delay - time.monotonic()))
                try:
                    async with httpx.AsyncClient(timeout=self._timeout, follow_redirects=False) as client, \
                            client.stream("GET", self._base_url, params=params) as response:
                        body = b""
                        async for chunk in response.aiter_bytes():
                            body += chunk
                            if len(body) > MAX_RECORD_BYTES:
                                raise ValueError("the OAI-PMH answer is too large")
                except (httpx.HTTPError, ValueError) as error:
                    log.info("licence of %s not read: %s", base_id, error)
                    return None
                finally:
                    self._last = time.monotonic()
            if response.status_code == 503 and attempt == 0:
                continue  # arXiv's flow control: try once more at the next turn
            if response.status_code != 200:
                log.info("licence of %s not read: HTTP %s", base_id, response.status_code)
                return None
            try:
                return record_licence(body)
            except ElementTree.ParseError as error:
                log.info("licence of %s not read: %s", base_id, error)
                return None
        return None
