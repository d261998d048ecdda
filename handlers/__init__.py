"""Telegram updates in, replies out. `register` is the bot's table of contents."""

from __future__ import annotations

from telegram.ext import Application, CommandHandler, MessageHandler, filters

from handlers import papers, start


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler(["start", "help"], start.start))
    app.add_handler(CommandHandler("lang", start.set_language))
    app.add_handler(MessageHandler(filters.COMMAND, start.unknown_command))
    app.add_handler(MessageHandler((filters.TEXT | filters.CAPTION) & ~filters.UpdateType.CHANNEL_POSTS,
                                   papers.on_message))
