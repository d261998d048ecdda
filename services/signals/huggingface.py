"""Hugging Face Daily Papers: the papers the community upvoted on a day (`GET {HF_API_URL}/daily_papers?date=`)."""

from __future__ import annotations

from datetime import date

from services.arxiv.ids import find_papers
from services.signals.http import client, read_json


class HuggingFace:
    def __init__(self, base_url: str, timeout: float) -> None:
        self._base = base_url.rstrip("/")
        self._timeout = timeout

    async def upvotes(self, day: date) -> dict[str, int]:
        """Upvotes of the arXiv papers listed on `day` (by base ID). Raises on a failure (the caller is quiet)."""
        async with client(self._timeout) as http:
            answer = await read_json(http, "GET", f"{self._base}/daily_papers", params={"date": day.isoformat()})
        found: dict[str, int] = {}
        for item in answer:
            paper = item.get("paper") if isinstance(item, dict) else None
            refs = find_papers(str(paper.get("id", ""))) if isinstance(paper, dict) else []
            votes = paper.get("upvotes") if isinstance(paper, dict) else None
            if refs and isinstance(votes, int) and votes >= 0:
                found[refs[0].base_id] = votes
        return found
