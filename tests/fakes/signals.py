"""Fakes of the popularity sources, one server on 127.0.0.1 with three prefixes: Hugging Face's Daily Papers
(`/hf/api/daily_papers?date=`), GitHub's repositories (`/github/repos/{owner}/{repo}`) and Semantic Scholar's
batch lookup (`POST /s2/graph/v1/paper/batch`) — each refusing what its real server refuses."""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from typing import Any

from tests.fakes.http import FakeServer, Request, Response


class FakeSignals(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.upvotes: dict[str, dict[str, int]] = {}
        """date (YYYY-MM-DD) -> arXiv base ID -> upvotes on HF that day."""
        self.repos: dict[str, tuple[int, str]] = {}
        """owner/repo -> (stars, pushed_at)."""
        self.citations: dict[str, tuple[int, int]] = {}
        """arXiv base ID -> (citations, influential)."""
        self.delay = 0.0
        """Seconds every answer takes (a slow server)."""
        self.down = False
        self.hits: Counter[str] = Counter()
        """Requests by source: hf, github, s2."""
        self.tokens: list[str] = []

    @property
    def env(self) -> dict[str, str]:
        return {"HF_API_URL": f"{self.base}/hf/api", "GITHUB_API_URL": f"{self.base}/github",
                "SEMANTIC_SCHOLAR_API_URL": f"{self.base}/s2/graph/v1"}

    def handle(self, request: Request) -> Response:
        source = request.path.split("/")[1] if request.path.count("/") > 1 else ""
        with self.lock:
            self.hits[source] += 1
        if self.delay:
            time.sleep(self.delay)
        if self.down:
            return Response.json({"message": "unavailable"}, 503)
        if source == "hf" and request.path == "/hf/api/daily_papers" and request.method == "GET":
            day = request.query.get("date", [""])[0]
            if day and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day):
                return Response.json({"error": "Invalid date"}, 400)
            return Response.json([{"paper": {"id": base_id, "upvotes": votes, "title": f"Paper {base_id}"},
                                   "publishedAt": f"{day}T12:00:00.000Z", "title": f"Paper {base_id}"}
                                  for base_id, votes in self.upvotes.get(day, {}).items()])
        if source == "github" and request.method == "GET":
            match = re.fullmatch(r"/github/repos/([^/]+)/([^/]+)", request.path)
            if match is None:
                return Response.json({"message": "Not Found"}, 404)
            with self.lock:
                self.tokens.append(request.headers.get("Authorization", ""))
            found = self.repos.get(f"{match[1]}/{match[2]}")
            if found is None:
                return Response.json({"message": "Not Found"}, 404)
            return Response.json({"full_name": f"{match[1]}/{match[2]}", "stargazers_count": found[0],
                                  "pushed_at": found[1]})
        if source == "s2" and request.path == "/s2/graph/v1/paper/batch" and request.method == "POST":
            fields = request.query.get("fields", [""])[0].split(",")
            ids: Any = json.loads(request.body or b"{}").get("ids")
            if not isinstance(ids, list) or len(ids) > 500 or not all(isinstance(i, str) for i in ids):
                return Response.json({"error": "ids must be a list of at most 500 strings"}, 400)
            if not set(fields) <= {"citationCount", "influentialCitationCount", "title"}:
                return Response.json({"error": f"Unrecognized fields {fields}"}, 400)
            out = []
            for given in ids:
                found_c = self.citations.get(given.removeprefix("ARXIV:"))
                out.append(None if found_c is None else {"paperId": given, "citationCount": found_c[0],
                                                         "influentialCitationCount": found_c[1]})
            return Response.json(out)
        return Response.json({"message": "Not Found"}, 404)
