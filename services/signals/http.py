"""One bounded JSON read for the popularity sources: the answer streamed and cut at `MAX_BYTES` (a huge or endless
body costs no memory), redirects never followed (only the configured host is asked)."""

from __future__ import annotations

import json
from typing import Any

import httpx

MAX_BYTES = 5_000_000
"""A day of Hugging Face papers is ~1 MB; a repository or a batch of 500 citation counts far less."""


async def read_json(client: httpx.AsyncClient, method: str, url: str, **kwargs: Any) -> Any:
    """The parsed body of a 2xx answer. Raises `httpx.HTTPStatusError` for another status, `ValueError` for a body
    too large or not JSON."""
    async with client.stream(method, url, **kwargs) as response:
        response.raise_for_status()
        body = bytearray()
        async for chunk in response.aiter_bytes():
            body += chunk
            if len(body) > MAX_BYTES:
                raise ValueError(f"{url}: answer larger than {MAX_BYTES} bytes")
    return json.loads(body)


def client(timeout: float) -> httpx.AsyncClient:
    return httpx.AsyncClient(timeout=timeout, follow_redirects=False)
