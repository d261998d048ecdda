"""Gemini: one way to build a `google-genai` client (the same base URL, timeout and retries for every call),
and the summarizer adapter on it."""

from __future__ import annotations

import json
import logging
from typing import Any

from pydantic import ValidationError

from services.llm.port import Partial, SummaryFailed, SummaryFields, Written
from services.llm.prompt import SYSTEM_INSTRUCTION, build_prompt
from services.models import PaperMeta, PdfContent

log = logging.getLogger(__name__)

RETRIED_STATUS = [408, 429, 500, 502, 503, 504]


def gemini_client(api_key: str, base_url: str = "", timeout: float = 120.0, attempts: int = 4,
                  initial_delay: float = 2.0) -> Any:
    """A `genai.Client` with the SDK's retries on 429, 5xx and timeouts (off unless asked for).

    Callers keep the client referenced while they use it: its HTTP session closes with it.
    """
    from google import genai
    from google.genai import types

    http_options = types.HttpOptions(
        base_url=base_url or None,
        timeout=int(timeout * 1000),
        retry_options=types.HttpRetryOptions(attempts=attempts, initial_delay=initial_delay, max_delay=30.0,
                                             http_status_codes=RETRIED_STATUS),
    )
    return genai.Client(api_key=api_key, http_options=http_options)


class GeminiSummarizer:
    """Gemini through `google-genai`, with structured output and the SDK's retries on 429, 5xx and timeouts."""

    def __init__(self, api_key: str, model: str, base_url: str = "", timeout: float = 120.0,
                 attempts: int = 4, initial_delay: float = 2.0) -> None:
        from google.genai import types

        self._types = types
        self._model = model
        self._client = gemini_client(api_key, base_url, timeout, attempts, initial_delay)  # kept while used

    @property
    def model(self) -> str:
        return f"gemini:{self._model}"

    @property
    def models(self) -> tuple[str, ...]:
        return (self.model,)

    async def _generate(self, contents: Any, config: Any, partial: Partial | None) -> Any:
        """One request; streamed when someone follows the text as it is written (then the chunks are joined into
        one response: its `.text`, and `.parsed` left None — the caller parses the JSON)."""
        if partial is None:
            return await self._client.aio.models.generate_content(model=self._model, contents=contents,
                                                                  config=config)
        text, last = "", None
        async for chunk in await self._client.aio.models.generate_content_stream(model=self._model,
                                                                                  contents=contents, config=config):
            last = chunk
            piece = chunk.text or ""
            if piece:
                text += piece
                await partial(text)
        return _Streamed(text, last)

    async def summarize(self, paper: PaperMeta, content: PdfContent, language: str,
                        partial: Partial | None = None) -> Written:
        from google.genai import errors

        config = self._types.GenerateContentConfig(
            response_mime_type="application/json", response_schema=SummaryFields, temperature=0.2,
            system_instruction=SYSTEM_INSTRUCTION,
        )
        reason = ""
        for _ in range(2):  # a blocked, empty or invalid answer is retried once, saying what was wrong
            prompt = build_prompt(paper, content, language, note=reason)
            try:
                response = await self._generate(prompt, config, partial)
            except errors.APIError as error:
                raise SummaryFailed(f"Gemini error {error.code}", overloaded=error.code in RETRIED_STATUS) \
                    from error
            except (TimeoutError, OSError) as error:
                raise SummaryFailed("Gemini did not answer in time", overloaded=True) from error
            parsed = response.parsed if not isinstance(response, _Streamed) else response.json()
            if isinstance(parsed, SummaryFields):
                return Written(parsed, self.model)
            reason = self._why_empty(response)
            if isinstance(parsed, dict):
                try:
                    return Written(SummaryFields.model_validate(parsed), self.model)
                except ValidationError:
                    reason = "Gemini returned an incomplete summary"
            log.warning("Gemini gave no usable summary for %s: %s", paper.versioned_id, reason)
        raise SummaryFailed(reason)

    async def answer(self, system: str, turns: list[str], partial: Partial | None = None) -> str:
        from google.genai import errors

        types = self._types
        contents = [types.Content(role="user" if i % 2 == 0 else "model", parts=[types.Part(text=text)])
                    for i, text in enumerate(turns)]
        config = types.GenerateContentConfig(temperature=0.2, system_instruction=system)
        try:
            response = await self._generate(contents, config, partial)
        except errors.APIError as error:
            raise SummaryFailed(f"Gemini error {error.code}", overloaded=error.code in RETRIED_STATUS) from error
        except (TimeoutError, OSError) as error:
            raise SummaryFailed("Gemini did not answer in time", overloaded=True) from error
        text = response.text or ""
        if not text.strip():
            raise SummaryFailed(self._why_empty(response))
        return text.strip()

    @staticmethod
    def _why_empty(response: object) -> str:
        feedback = getattr(response, "prompt_feedback", None)
        if feedback is not None and getattr(feedback, "block_reason", None):
            return f"Gemini blocked the request ({feedback.block_reason})"
        for candidate in getattr(response, "candidates", None) or []:
            finish = str(getattr(candidate, "finish_reason", "") or "")
            if "SAFETY" in finish or "BLOCK" in finish or "PROHIBITED" in finish:
                return "Gemini's safety filter blocked the summary"
        if not getattr(response, "text", None):
            return "Gemini returned an empty answer"
        return "Gemini returned invalid JSON"


class _Streamed:
    """A streamed answer joined: its text, and the last chunk's feedback (why it was empty or blocked)."""

    def __init__(self, text: str, last: Any) -> None:
        self.text = text
        self.prompt_feedback = getattr(last, "prompt_feedback", None)
        self.candidates = getattr(last, "candidates", None)

    def json(self) -> dict[str, Any] | None:
        try:
            value = json.loads(self.text)
        except ValueError:
            return None
        return value if isinstance(value, dict) else None
