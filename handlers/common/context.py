"""The context every handler gets: PTB's, plus `context.services` (typed), set once in `bot.build_application`."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from services.bootstrap import Services


class Context(CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """`context.services` instead of digging in `bot_data` (the pattern of PTB's own rules-bot)."""

    @property
    def services(self) -> Services:
        return services_of(self.application)


CONTEXT_TYPES = ContextTypes(context=Context)

App = Application[ExtBot[Any], Context, dict[Any, Any], dict[Any, Any], dict[Any, Any], Any]
"""The application, typed as built by `bot.build_application`."""


def services_of(app: Application[Any, Any, Any, Any, Any, Any]) -> Services:
    services: Services = app.bot_data["services"]
    return services
