"""The port through which services send messages: implemented for Telegram in `handlers/common/sender.py`."""

from __future__ import annotations

from typing import Protocol

from services.models import Button, FigureImage, Overview

__all__ = ["Button", "ChatGone", "ChatMoved", "RichNotTaken", "SendFailed", "Sender"]


class ChatGone(Exception):
    """The bot was blocked, kicked or removed: stop sending to this chat, keep its subscriptions."""


class ChatMoved(Exception):
    """The group became a supergroup with a new id."""

    def __init__(self, new_chat_id: int) -> None:
        super().__init__(new_chat_id)
        self.new_chat_id = new_chat_id


class SendFailed(Exception):
    """A transient failure (flood control past retries, network, server): try again later."""

    def __init__(self, reason: str, retry_after: float = 0.0) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class RichNotTaken(Exception):
    """The Bot API server does not take rich messages (an older self-hosted one): send the classic form."""


class Sender(Protocol):
    async def text(self, chat_id: int, html: str, buttons: list[list[Button]]) -> list[int]: ...

    async def overview(self, chat_id: int, overview: Overview) -> list[int]:
        """A digest's list as one rich message, each entry with its buttons beside it; `RichNotTaken` if refused."""
        ...

    async def photos(self, chat_id: int, figures: list[FigureImage], captions: list[str]) -> list[int]: ...
