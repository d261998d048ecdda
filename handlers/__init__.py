"""Telegram updates in, replies out. `register` is the bot's table of contents."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from handlers import chats, errors, feedback, lifecycle, papers, questions, reading_list, start, subscriptions
from handlers.settings_actions import ACTIONS


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(TypeHandler(Update, lifecycle.track_update), group=-1)  # every update's task is known
    app.add_handler(ChatMemberHandler(chats.my_membership, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, chats.migrated))
    app.add_handler(MessageHandler(filters.UpdateType.CHANNEL_POST & filters.TEXT, chats.channel_post))
    app.add_handler(CommandHandler("start", chats.deep_link, filters.Regex(r"^/start card_")))
    app.add_handler(CommandHandler(["start", "help"], start.start))
    app.add_handler(CommandHandler("channel", chats.channel_command, filters.ChatType.PRIVATE))
    app.add_handler(CommandHandler(list(ACTIONS), subscriptions.command))
    app.add_handler(CommandHandler("export", subscriptions.export_digest))
    app.add_handler(CallbackQueryHandler(subscriptions.remove_button, pattern=r"^rm:\d+$"))
    app.add_handler(CallbackQueryHandler(subscriptions.card_button, pattern=r"^card:"))
    app.add_handler(CallbackQueryHandler(subscriptions.more_button, pattern=r"^more:"))
    app.add_handler(CallbackQueryHandler(subscriptions.tables_button, pattern=r"^tables:"))
    app.add_handler(CallbackQueryHandler(feedback.rate_button, pattern=r"^rate:[+-]:[\w./-]{1,40}$"))
    app.add_handler(CallbackQueryHandler(feedback.bib_button, pattern=r"^bib:[\w./-]{1,40}$"))
    app.add_handler(CommandHandler("bib", feedback.bib_command))
    app.add_handler(CommandHandler("fig", questions.fig_command))
    app.add_handler(CallbackQueryHandler(questions.fig_button, pattern=r"^fig:[\w./-]{1,40}:[\w.]{1,8}$"))
    app.add_handler(CallbackQueryHandler(reading_list.save_button, pattern=r"^save:[\w./-]{1,40}$"))
    app.add_handler(CallbackQueryHandler(reading_list.saved_buttons,
                                         pattern=r"^(saved:\d{1,4}|unsave:\d{1,4}:[\w./-]{1,40})$"))
    app.add_handler(CommandHandler("saved", reading_list.saved_command))
    app.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.Document.FileExtension("bib"),
                                   feedback.bib_file))
    app.add_handler(CallbackQueryHandler(errors.expired_button))  # any other button data: answered, never spins
    # new messages only: editing a message must not send its cards again
    app.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.COMMAND, start.unknown_command))
    app.add_handler(MessageHandler(filters.UpdateType.MESSAGE & (filters.TEXT | filters.CAPTION), papers.on_message))
    app.add_error_handler(errors.on_error)
