"""A fake Gemini API for `google-genai`: answers `:generateContent` with structured JSON, or fails on demand, and
`:batchEmbedContents` with bag-of-concepts vectors (texts sharing concepts are similar)."""

from __future__ import annotations

import hashlib
import json
import math
import re
import time
from collections.abc import Callable
from typing import Any

from tests.fakes.http import FakeServer, Request, Response

SUMMARY: dict[str, Any] = {
    "one_sentence": "A transformer that reads papers faster.",
    "takeaways": ["It is fast.", "It is accurate.", "It is open source."],
    "title_translation": "",
    "affiliation": "Example University",
    "keywords": ["transformers", "papers", "speed"],
    "background": "Papers are many.",
    "past_methods": "Old readers were slow.",
    "method": "We read with attention.",
    "results": "Twice as fast on ArxivBench.",
    "method_steps": ["Tokenize.", "Attend.", "Summarize."],
    "significance": "Researchers save time.",
    "innovation": "Attention over sections.",
    "performance": "2x speed.",
    "workload": "8 GPUs for a day.",
}


def answered(answer: str | Callable[[str], str], asked: str) -> str:
    """A fake model's plain-text answer: fixed, or made from what was asked (a verdict on numbered papers)."""
    return answer(asked) if callable(answer) else answer


def pieces(text: str, count: int) -> list[str]:
    """`text` cut into about `count` pieces, as a model's tokens arrive in chunks."""
    size = max(1, -(-len(text) // max(1, count)))
    return [text[i:i + size] for i in range(0, len(text), size)] or [""]


def concept_vector(text: str, concepts: dict[str, str], dimensions: int) -> list[float]:
    """A bag-of-concepts unit vector: texts sharing concepts are similar, as real embeddings of like meaning."""
    vector = [0.0] * dimensions
    for word in re.findall(r"[a-z]+", text.lower()):
        if len(word) < 4:
            continue
        concept = concepts.get(word, word)
        vector[int(hashlib.md5(concept.encode()).hexdigest(), 16) % dimensions] += 1.0
    norm = math.sqrt(sum(v * v for v in vector)) or 1.0
    return [v / norm for v in vector]


class FakeGemini(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.requests: list[dict[str, Any]] = []
        self.script: list[str] = []
        """What the next calls answer: "ok", "429", "500", "safety", "invalid", "empty"; then "ok" forever."""
        self.summary = dict(SUMMARY)
        self.concepts: dict[str, str] = {}
        """word -> concept for embeddings: words of one concept embed alike (`accelerating` ~ `faster`)."""
        self.embedded: list[str] = []
        """Every text embedded, in order."""
        self.answer: str | Callable[[str], str] = "The method reads papers twice as fast [4 Experiments]."
        """What a plain-text request (a question about a paper) is answered, or how, from its last turn."""
        self.stream_seconds = 0.05
        """How long a streamed answer takes from its first piece to its last (as a model writes)."""
        self.stream_pieces = 40

    def embedding(self, text: str, dimensions: int) -> list[float]:
        return concept_vector(text, self.concepts, dimensions)

    def handle(self, request: Request) -> Response:
        if request.path.endswith(":batchEmbedContents"):
            body = json.loads(request.body or b"{}")
            texts = ["".join(p.get("text", "") for p in r["content"]["parts"]) for r in body.get("requests", [])]
            with self.lock:
                self.embedded += texts
            return Response.json({"embeddings": [
                {"values": self.embedding(text, int(r.get("outputDimensionality") or 768))}
                for text, r in zip(texts, body["requests"], strict=True)]})
        streamed = request.path.endswith(":streamGenerateContent")
        if not request.path.endswith(":generateContent") and not streamed:
            return Response.json({"error": {"code": 404, "message": "not found", "status": "NOT_FOUND"}}, 404)
        with self.lock:
            self.requests.append({"path": request.path, "body": json.loads(request.body or b"{}"),
                                  "key": request.headers.get("x-goog-api-key", ""), "at": time.perf_counter()})
            behaviour = self.script.pop(0) if self.script else "ok"
        if behaviour in ("429", "500", "503"):
            status = int(behaviour)
            return Response.json({"error": {"code": status, "message": "try later", "status": "UNAVAILABLE"}}, status)
        if behaviour == "safety":
            return Response.json({"candidates": [{"finishReason": "SAFETY", "index": 0}],
                                  "promptFeedback": {"blockReason": "SAFETY"}})
        body = json.loads(request.body or b"{}")
        structured = (body.get("generationConfig") or {}).get("responseMimeType") == "application/json"
        last = "".join(p.get("text", "") for p in (body.get("contents") or [{}])[-1].get("parts", []))
        ok = json.dumps(self.summary, ensure_ascii=False) if structured else answered(self.answer, last)
        text = {"ok": ok, "invalid": "{not json", "empty": ""}[behaviour]
        if streamed:
            return Response.sse([{"candidates": [{"content": {"role": "model", "parts": [{"text": piece}]},
                                                  "index": 0}]} for piece in pieces(text, self.stream_pieces)]
                                + [{"candidates": [{"content": {"role": "model", "parts": [{"text": ""}]},
                                                    "finishReason": "STOP", "index": 0}]}], self.stream_seconds)
        return Response.json({
            "candidates": [{"content": {"role": "model", "parts": [{"text": text}]}, "finishReason": "STOP",
                            "index": 0}],
            "usageMetadata": {"promptTokenCount": 10, "candidatesTokenCount": 10, "totalTokenCount": 20},
        })

    def turns(self, index: int = -1) -> list[tuple[str, str]]:
        """(role, text) of each turn of a request, and its system instruction as the first, role "system"."""
        body = self.requests[index]["body"]
        system = "".join(p.get("text", "") for p in (body.get("systemInstruction") or {}).get("parts", []))
        return [("system", system)] + [(c.get("role", ""), "".join(p.get("text", "") for p in c["parts"]))
                                       for c in body["contents"]]

    def prompt(self, index: int = -1) -> str:
        body = self.requests[index]["body"]
        return "".join(part.get("text", "") for c in body["contents"] for part in c["parts"])
