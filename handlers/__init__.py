"""Telegram updates in, replies out. `register` is the bot's table of contents."""

from __future__ import annotations

from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from handlers import papers, start, subscriptions
from handlers.settings_actions import ACTIONS


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler(["start", "help"], start.start))
    app.add_handler(CommandHandler(list(ACTIONS), subscriptions.command))
    app.add_handler(CallbackQueryHandler(subscriptions.remove_button, pattern=r"^rm:\d+$"))
    app.add_handler(CallbackQueryHandler(subscriptions.card_button, pattern=r"^card:"))
    app.add_handler(CallbackQueryHandler(subscriptions.more_button, pattern=r"^more:"))
    app.add_handler(MessageHandler(filters.COMMAND, start.unknown_command))
    app.add_handler(MessageHandler((filters.TEXT | filters.CAPTION) & ~filters.UpdateType.CHANNEL_POSTS,
                                   papers.on_message))
