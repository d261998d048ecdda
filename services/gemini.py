"""One way to build a `google-genai` client: the same base URL, timeout and retries for every Gemini call."""

from __future__ import annotations

from typing import Any

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
