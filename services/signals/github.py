"""GitHub: stars and last push of a paper's code repository (`GET {GITHUB_API_URL}/repos/{owner}/{repo}`).

Only a repository a card already links, and only its `owner/repo` read from the link: the link itself is never
fetched."""

from __future__ import annotations

import re

import httpx

from services.signals.http import client, read_json

_REPO = re.compile(r"^https?://(?:www\.)?github\.com/([A-Za-z0-9][A-Za-z0-9-]{0,38})/([A-Za-z0-9._-]{1,100})(?:[/#?]|$)",
                   re.IGNORECASE)


def repository(url: str) -> str:
    """`owner/repo` of a GitHub link, or "" (another host, a user page, GitHub's own pages)."""
    match = _REPO.match(url.strip())
    if not match or match[1].lower() in ("orgs", "sponsors", "topics", "features", "about"):
        return ""
    return f"{match[1]}/{match[2].removesuffix('.git')}"


class GitHub:
    def __init__(self, base_url: str, token: str, timeout: float) -> None:
        self._base = base_url.rstrip("/")
        self._token = token
        self._timeout = timeout

    async def repo(self, name: str) -> tuple[int, str] | None:
        """(stars, last push YYYY-MM-DD) of `owner/repo`; None when GitHub does not know it. Raises on a failure."""
        headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        try:
            async with client(self._timeout) as http:
                body = await read_json(http, "GET", f"{self._base}/repos/{name}", headers=headers)
        except httpx.HTTPStatusError as error:
            if error.response.status_code == 404:
                return None
            raise
        if not isinstance(body, dict):
            raise ValueError("not a repository")
        stars = body.get("stargazers_count")
        if not isinstance(stars, int):
            raise ValueError("no stargazers_count")
        return stars, str(body.get("pushed_at") or "")[:10]
