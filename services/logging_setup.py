"""Logging that can never leak a secret: every record is scrubbed of the bot token and API keys.

httpx logs each request URL, and the Bot API puts the token in the URL, so redaction has to happen on the
formatted message of every record, whoever logged it.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Iterable
from types import TracebackType


class RedactSecrets(logging.Filter):
    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        message = record.getMessage()
        cleaned = message
        for secret in self._secrets:
            cleaned = cleaned.replace(secret, "[REDACTED]")
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            for secret in self._secrets:
                record.exc_text = record.exc_text.replace(secret, "[REDACTED]")
        return True


def setup_logging(level: str, secrets: Iterable[str]) -> None:
    """Configure the root logger once; the filter sits on the handler so it sees every logger's records."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for chatty in ("httpx", "arxiv"):  # a line per request: useful only when debugging
        logging.getLogger(chatty).setLevel(logging.WARNING if level != "DEBUG" else logging.DEBUG)


def redact(text: str, secrets: Iterable[str]) -> str:
    for secret in sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True):
        text = text.replace(secret, "[REDACTED]")
    return text


def install_excepthook(secrets: Iterable[str]) -> None:
    """An exception nobody caught is printed without the token or keys (a URL in a traceback carries the token)."""
    kept = list(secrets)

    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        sys.stderr.write(redact("".join(traceback.format_exception(kind, error, tb)), kept))

    sys.excepthook = hook
