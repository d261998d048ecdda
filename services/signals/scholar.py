"""Semantic Scholar: citation and influential-citation counts of arXiv papers
(`POST {SEMANTIC_SCHOLAR_API_URL}/paper/batch?fields=citationCount,influentialCitationCount`)."""

from __future__ import annotations

import httpx

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
        async with httpx.AsyncClient(timeout=self._timeout, follow_redirects=False) as client:
            for start in range(0, len(base_ids), BATCH):
                chunk = base_ids[start:start + BATCH]
                response = await client.post(f"{self._base}/paper/batch",
                                             params={"fields": "citationCount,influentialCitationCount"},
                                             json={"ids": [f"ARXIV:{b}" for b in chunk]}, headers=headers)
                response.raise_for_status()
                for base_id, item in zip(chunk, response.json(), strict=False):
                    if isinstance(item, dict) and isinstance(item.get("citationCount"), int):
                        found[base_id] = (item["citationCount"], int(item.get("influentialCitationCount") or 0))
        return found
