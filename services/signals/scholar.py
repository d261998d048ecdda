"""Semantic Scholar: citation and influential-citation counts of arXiv papers
(`POST {SEMANTIC_SCHOLAR_API_URL}/paper/batch?fields=citationCount,influentialCitationCount`)."""

from __future__ import annotations

from services.signals.http import client, read_json

BATCH = 500
"""IDs a batch request may carry."""


class SemanticScholar:
    def __init__(self, base_url: str, api_key: str, timeout: float) -> None:
        self._base = base_url.rstrip("/")
        self._key = api_key
        self._timeout = timeout

    async def citations(self, base_ids: list[str]) -> dict[str, tuple[int, int]]:
        """(citations, influential citations) of each paper Semantic Scholar knows. Raises on a failure."""
        headers = {"x-api-key": self._key} if self._key else {}
        found: dict[str, tuple[int, int]] = {}
        async with client(self._timeout) as http:
            for start in range(0, len(base_ids), BATCH):
                chunk = base_ids[start:start + BATCH]
                answer = await read_json(http, "POST", f"{self._base}/paper/batch",
                                         params={"fields": "citationCount,influentialCitationCount"},
                                         json={"ids": [f"ARXIV:{b}" for b in chunk]}, headers=headers)
                if not isinstance(answer, list):
                    raise ValueError("not a list of papers")
                for base_id, item in zip(chunk, answer, strict=False):
                    if isinstance(item, dict) and isinstance(item.get("citationCount"), int):
                        found[base_id] = (item["citationCount"], int(item.get("influentialCitationCount") or 0))
        return found
