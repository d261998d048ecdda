"""Telegram updates in, replies out: each feature module translates its updates into calls of `services/` and
formats the replies; `common/` holds what they share. `register` is the bot's table of contents.

Feature modules never import one another (the import contract in pyproject.toml checks it).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    ChatMemberHandler,
    ChosenInlineResultHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from handlers import (
    bibtex,
    chats,
    compare,
    digests,
    errors,
    feedback,
    guests,
    lifecycle,
    papers,
    presses,
    questions,
    reading_list,
    search,
    start,
    versions,
)
from handlers.common.context import App
from handlers.common.updates import FieldHandler
from handlers.settings import commands as settings
from handlers.settings.actions import ACTIONS
from services import callback_data

PAPERS_GROUP = 1
"""Messages naming papers are handled after replies were given the chance to be questions (group 0)."""


def register(app: App) -> None:
    app.add_handler(TypeHandler(Update, presses.guard), group=-2)  # a repeated press is one action
    app.add_handler(TypeHandler(Update, lifecycle.track_update), group=-1)  # every update's task is known
    app.add_handler(ChatMemberHandler(chats.my_membership, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(FieldHandler("stopped_message_generation", questions.stop_generation))
    app.add_handler(FieldHandler("guest_message", guests.on_guest))
    app.add_handler(InlineQueryHandler(guests.on_inline))
    app.add_handler(ChosenInlineResultHandler(guests.on_chosen))
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, chats.migrated))
    app.add_handler(MessageHandler(filters.UpdateType.CHANNEL_POST & filters.TEXT, settings.channel_post))
    app.add_handler(CommandHandler("start", papers.deep_link, filters.Regex(r"^/start card_")))
    app.add_handler(CommandHandler("start", start.start))
    app.add_handler(CommandHandler("help", start.help_command))
    app.add_handler(CommandHandler("channel", settings.channel_command, filters.ChatType.PRIVATE))
    app.add_handler(CommandHandler(list(ACTIONS), settings.command))
    app.add_handler(CommandHandler("export", digests.export_digest))
    app.add_handler(CommandHandler("bib", bibtex.bib_command))
    app.add_handler(CommandHandler("fig", questions.fig_command))
    app.add_handler(CommandHandler("diff", versions.diff_command))
    app.add_handler(CommandHandler("saved", reading_list.saved_command))
    app.add_handler(CommandHandler("search", search.search))
    app.add_handler(CommandHandler("compare", compare.compare_command))
    app.add_handler(CallbackQueryHandler(settings.remove_button, pattern=callback_data.REMOVE_TOPIC.pattern))
    app.add_handler(CallbackQueryHandler(settings.drop_name_button, pattern=callback_data.DROP_NAME.pattern))
    app.add_handler(CallbackQueryHandler(settings.pick_button, pattern=callback_data.PICK.pattern))
    app.add_handler(CallbackQueryHandler(papers.card_button, pattern=callback_data.CARD.pattern))
    app.add_handler(CallbackQueryHandler(papers.similar_button, pattern=callback_data.SIMILAR.pattern))
    app.add_handler(CallbackQueryHandler(digests.more_button, pattern=callback_data.MORE.pattern))
    app.add_handler(CallbackQueryHandler(papers.tables_button, pattern=callback_data.TABLES.pattern))
    app.add_handler(CallbackQueryHandler(versions.diff_button, pattern=callback_data.DIFF.pattern))
    app.add_handler(CallbackQueryHandler(papers.view_button, pattern=callback_data.VIEW.pattern))
    app.add_handler(CallbackQueryHandler(papers.ask_button, pattern=callback_data.ASK.pattern))
    app.add_handler(CallbackQueryHandler(papers.abstract_button, pattern=callback_data.ABSTRACT.pattern))
    app.add_handler(CallbackQueryHandler(feedback.rate_button, pattern=callback_data.RATE.pattern))
    app.add_handler(CallbackQueryHandler(feedback.stop_name_button, pattern=callback_data.STOP_NAME.pattern))
    app.add_handler(CallbackQueryHandler(search.page_button, pattern=callback_data.SEARCH_PAGE.pattern))
    app.add_handler(CallbackQueryHandler(bibtex.bib_button, pattern=callback_data.BIB.pattern))
    app.add_handler(CallbackQueryHandler(questions.fig_button, pattern=callback_data.FIGURE.pattern))
    app.add_handler(CallbackQueryHandler(reading_list.save_button, pattern=callback_data.SAVE.pattern))
    app.add_handler(CallbackQueryHandler(reading_list.saved_buttons, pattern=callback_data.SAVED_PAGE.pattern))
    app.add_handler(CallbackQueryHandler(reading_list.saved_buttons, pattern=callback_data.UNSAVE.pattern))
    app.add_handler(CallbackQueryHandler(reading_list.saved_buttons, pattern=callback_data.READ.pattern))
    app.add_handler(CallbackQueryHandler(reading_list.export_button, pattern=callback_data.EXPORT_SAVED.pattern))
    app.add_handler(CallbackQueryHandler(compare.saved_button, pattern=callback_data.COMPARE_SAVED.pattern))
    app.add_handler(CallbackQueryHandler(errors.expired_button))  # any other button data: answered, never spins
    app.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.Document.FileExtension("bib"),
                                   bibtex.bib_file))
    app.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.PHOTO & ~filters.CAPTION, start.photo))
    app.add_handler(MessageHandler(filters.UpdateType.MESSAGE & (filters.Document.PDF | filters.Document.FileExtension(
        "pdf")), papers.on_pdf))
    # new messages only: editing a message must not send its cards again
    app.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.COMMAND, start.unknown_command))
    app.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.REPLY & (filters.TEXT | filters.CAPTION),
                                   questions.on_reply))
    app.add_handler(MessageHandler(filters.UpdateType.MESSAGE & (filters.TEXT | filters.CAPTION) & ~filters.COMMAND,
                                   papers.on_message), group=PAPERS_GROUP)
    app.add_error_handler(errors.on_error)
