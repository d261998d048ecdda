"""Updates of Bot API fields PTB 22.8 does not route: a handler for any top-level field of an update (known to
PTB, like `guest_message`, or not yet, like `stopped_message_generation`, which PTB keeps in `api_kwargs`)."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler


class FieldHandler(BaseHandler[Update, Any, None]):
    """Calls back for updates carrying `field`."""

    def __init__(self, field: str, callback: Any) -> None:
        super().__init__(callback)
        self.field = field

    def check_update(self, update: object) -> bool:
        if not isinstance(update, Update):
            return False
        return getattr(update, self.field, None) is not None or self.field in update.api_kwargs
