"""A fake OpenAI-compatible server (`/v1/chat/completions`, `/v1/embeddings`), as DeepSeek, Qwen, Ollama or vLLM
answer it."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tests.fakes.gemini import SUMMARY, answered, concept_vector, pieces
from tests.fakes.http import FakeServer, Request, Response


class FakeOpenAI(FakeServer):
    def __init__(self) -> None:
        super().__init__()
        self.requests: list[dict[str, Any]] = []
        self.script: list[str] = []
        """What the next calls answer: "ok", "429", "500", "invalid", "empty"; then "ok" forever."""
        self.json_schema = True
        """False: the server refuses `response_format: json_schema` (400), as many local servers do."""
        self.summary = dict(SUMMARY)
        self.answer: str | Callable[[str], str] = "The method reads papers twice as fast [4 Experiments]."
        self.stream_seconds = 0.05
        self.stream_pieces = 40
        self.concepts: dict[str, str] = {}
        """word -> concept for embeddings, as the fake Gemini's."""
        self.embedded: list[str] = []
        self.embeddings_down = False
        """True: `/v1/embeddings` answers 503, as a server still loading its model."""
        self.embedding_requests = 0

    @property
    def url(self) -> str:
        return f"{self.base}/v1"

    def handle(self, request: Request) -> Response:
        if request.path == "/v1/embeddings":
            return self._embeddings(json.loads(request.body or b"{}"))
        if request.path != "/v1/chat/completions":
            return Response.json({"error": {"message": "not found"}}, 404)
        body = json.loads(request.body or b"{}")
        with self.lock:
            self.requests.append({"body": body, "auth": request.headers.get("Authorization", "")})
            wants_schema = (body.get("response_format") or {}).get("type") == "json_schema"
            if wants_schema and not self.json_schema:
                return Response.json({"error": {"message": "response_format json_schema is not supported",
                                                "type": "invalid_request_error"}}, 400)
            behaviour = self.script.pop(0) if self.script else "ok"
        if behaviour == "429":  # the client honours retry-after-ms: tests stay fast
            return Response(429, json.dumps({"error": {"message": "slow down"}}).encode(),
                            headers={"retry-after-ms": "10"})
        if behaviour in ("500", "503"):
            return Response.json({"error": {"message": "try later", "type": "server_error"}}, int(behaviour))
        last = str((body.get("messages") or [{}])[-1].get("content") or "")
        ok = json.dumps(self.summary, ensure_ascii=False) if body.get("response_format") \
            else answered(self.answer, last)
        content = {"ok": ok, "invalid": "{not json", "empty": ""}[behaviour]
        if body.get("stream"):
            return Response.sse([{"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 0,
                                  "model": body.get("model", ""),
                                  "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
                                 for piece in pieces(content, self.stream_pieces)]
                                + [{"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 0,
                                    "model": body.get("model", ""),
                                    "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}],
                                self.stream_seconds, done=True)
        return Response.json({
            "id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": body.get("model", ""),
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
        })

    def prompt(self, index: int = -1) -> str:
        return "\n".join(m["content"] for m in self.requests[index]["body"]["messages"])

    def _embeddings(self, body: dict[str, Any]) -> Response:
        texts = body.get("input")
        if not body.get("model") or not isinstance(texts, list) or not all(isinstance(x, str) for x in texts):
            return Response.json({"error": {"message": "model and input (a list of strings) are required",
                                            "type": "invalid_request_error"}}, 400)
        with self.lock:
            self.embedding_requests += 1
            if self.embeddings_down:
                return Response.json({"error": {"message": "model is loading", "type": "server_error"}}, 503)
            self.embedded += texts
        return Response.json({"object": "list", "model": body["model"], "data": [
            {"object": "embedding", "index": i, "embedding": concept_vector(text, self.concepts, 384)}
            for i, text in enumerate(texts)], "usage": {"prompt_tokens": 1, "total_tokens": 1}})
