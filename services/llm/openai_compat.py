"""Any OpenAI-compatible server — OpenAI, DeepSeek, Qwen (DashScope), OpenRouter, Ollama, vLLM, llama.cpp —
through the official `openai` client, as a summarizer adapter.

Structured output with a JSON schema where the server supports it; where it refuses `json_schema`, JSON mode
with the schema in the prompt, and the answer validated against the same pydantic model either way.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import openai
from pydantic import ValidationError

from services.llm.port import Partial, SummaryFailed, SummaryFields, Written
from services.llm.prompt import SYSTEM_INSTRUCTION, build_prompt
from services.models import PaperMeta, PdfContent

log = logging.getLogger(__name__)


class OpenAISummarizer:
    def __init__(self, api_key: str, model: str, base_url: str = "", timeout: float = 120.0,
                 retries: int = 3) -> None:
        self._model = model
        self._client = openai.AsyncOpenAI(api_key=api_key or "none", base_url=base_url or None, timeout=timeout,
                                          max_retries=retries)  # kept referenced while used
        self._json_schema = True
        """Cleared when the server refuses `response_format: json_schema`: JSON mode from then on."""

    @property
    def model(self) -> str:
        return f"openai:{self._model}"

    @property
    def models(self) -> tuple[str, ...]:
        return (self.model,)

    def _format(self) -> dict[str, Any]:
        if self._json_schema:
            return {"type": "json_schema", "json_schema": {"name": "paper_summary", "strict": False,
                                                           "schema": SummaryFields.model_json_schema()}}
        return {"type": "json_object"}

    def _messages(self, prompt: str) -> list[dict[str, str]]:
        if not self._json_schema:  # JSON mode knows no schema: the prompt carries it
            prompt += ("\n\nAnswer with one JSON object with exactly these keys (types and meaning):\n"
                       + json.dumps(SummaryFields.model_json_schema()["properties"], ensure_ascii=False))
        return [{"role": "system", "content": SYSTEM_INSTRUCTION}, {"role": "user", "content": prompt}]

    async def _ask(self, prompt: str, partial: Partial | None) -> str:
        try:
            return await self._complete(self._messages(prompt), json_output=True, partial=partial)
        except _SchemaRefused:
            log.info("%s does not take a JSON schema: JSON mode from now on", self.model)
            self._json_schema = False
            # the schema now in the prompt
            return await self._complete(self._messages(prompt), json_output=True, partial=partial)

    async def answer(self, system: str, turns: list[str], partial: Partial | None = None) -> str:
        messages = [{"role": "system", "content": system}] + [
            {"role": "user" if i % 2 == 0 else "assistant", "content": text} for i, text in enumerate(turns)]
        text = await self._complete(messages, json_output=False, partial=partial)
        if not text.strip():
            raise SummaryFailed("the LLM returned an empty answer")
        return text.strip()

    async def _complete(self, messages: list[dict[str, str]], json_output: bool,
                        partial: Partial | None = None) -> str:
        extra: dict[str, Any] = {"response_format": self._format()} if json_output else {}
        try:
            if partial is not None:
                return await self._streamed(messages, extra, partial)
            response = await self._client.chat.completions.create(  # type: ignore[call-overload]
                model=self._model, messages=messages, temperature=0.2, **extra)  # type: ignore[arg-type]
        except openai.BadRequestError as error:
            if json_output and self._json_schema and ("response_format" in str(error).lower()
                                                      or "json_schema" in str(error).lower()):
                raise _SchemaRefused from error
            raise SummaryFailed(f"the LLM refused the request ({error.status_code})") from error
        except openai.RateLimitError as error:
            raise SummaryFailed("the LLM is rate-limited (429)", overloaded=True) from error
        except openai.APIStatusError as error:
            raise SummaryFailed(f"LLM error {error.status_code}", overloaded=error.status_code >= 500) from error
        except (openai.APIConnectionError, openai.APITimeoutError) as error:
            raise SummaryFailed("the LLM did not answer in time", overloaded=True) from error
        choice = response.choices[0] if response.choices else None
        if choice is None or choice.finish_reason == "content_filter":
            raise SummaryFailed("the LLM's content filter blocked the summary")
        return choice.message.content or ""

    async def _streamed(self, messages: list[dict[str, str]], extra: dict[str, Any], partial: Partial) -> str:
        """The answer as server-sent chunks, `partial` told the text so far after each."""
        stream = await self._client.chat.completions.create(  # type: ignore[call-overload]
            model=self._model, messages=messages, temperature=0.2, stream=True, **extra)  # type: ignore[arg-type]
        text = ""
        async for chunk in stream:  # type: ignore[union-attr]
            choice = chunk.choices[0] if chunk.choices else None
            if choice is None:
                continue
            if choice.finish_reason == "content_filter":
                raise SummaryFailed("the LLM's content filter blocked the summary")
            piece = choice.delta.content if choice.delta is not None else None
            if piece:
                text += piece
                await partial(text)
        return text

    async def summarize(self, paper: PaperMeta, content: PdfContent, language: str,
                        partial: Partial | None = None) -> Written:
        reason = ""
        for _ in range(2):  # an empty or invalid answer is retried once, saying what was wrong
            text = await self._ask(build_prompt(paper, content, language, note=reason), partial)
            if not text.strip():
                reason = "the LLM returned an empty answer"
            else:
                try:
                    return Written(SummaryFields.model_validate(json.loads(_unfenced(text))), self.model)
                except (ValueError, ValidationError):
                    reason = "the LLM returned invalid JSON"
            log.warning("%s gave no usable summary for %s: %s", self.model, paper.versioned_id, reason)
        raise SummaryFailed(reason)


class _SchemaRefused(Exception):
    """The server refused `response_format: json_schema` (JSON mode with the schema in the prompt instead)."""


def _unfenced(text: str) -> str:
    """A JSON answer without the ```json fences some local models put around it."""
    text = text.strip()
    if text.startswith("```"):
        text = text.split("\n", 1)[-1].rsplit("```", 1)[0]
    return text
