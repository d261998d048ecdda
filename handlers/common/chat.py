"""Who is asking, where: the chat's settings (created at first contact), its title, and a command's argument."""

from __future__ import annotations

from dataclasses import dataclass, replace

from telegram import CallbackQuery, Chat, ChatFullInfo, Message, MessageEntity, Update
from telegram.constants import ChatType

from handlers.common.context import Context
from handlers.common.rate_limiter import ChatRateLimiter
from services.arxiv.ids import find_papers
from services.callback_data import Route
from services.cards.render import card_paper
from services.languages import from_telegram
from services.models import UPLOAD_PREFIX, ChatSettings, PaperRef


def chat_title(chat: Chat | ChatFullInfo) -> str:
    if chat.title:
        return chat.title
    return " ".join(part for part in (chat.first_name, chat.last_name) if part) or (chat.username or "")


def settings_for(update: Update, context: Context) -> ChatSettings:
    """The chat's stored settings; first contact creates them in the user's Telegram language."""
    chat = update.effective_chat
    assert chat is not None
    user = update.effective_user
    language = from_telegram(user.language_code if user else None)
    store = context.services.store
    settings = store.ensure_chat(chat.id, chat.type, chat_title(chat), language)
    context.services.catalogs.request(settings.language)  # a German Telegram reads German labels, once translated
    if not settings.active and chat.type == ChatType.PRIVATE:  # the user blocked the bot once and is back
        store.update_chat(chat.id, active=True)
        revive(context, chat.id)
        settings = replace(settings, active=True)
    return settings


def revive(context: Context, chat_id: int) -> None:
    """Requests go to the chat again (it had blocked or removed the bot, and is back)."""
    limiter = getattr(context.bot, "rate_limiter", None)
    if isinstance(limiter, ChatRateLimiter):
        limiter.revive(chat_id)


def addressed_to_other_bot(text: str, bot_username: str) -> bool:
    """`/cmd@OtherBot` is meant for another bot in the group: stay silent."""
    command = text.split(maxsplit=1)[0] if text else ""
    if "@" not in command:
        return False
    return command.split("@", 1)[1].lower() != bot_username.lower()


def argument(message: Message | None) -> str:
    """The text after the command, exactly as typed (quotes and case kept)."""
    text = (message.text or message.caption or "") if message else ""
    parts = text.split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


def named_papers(message: Message) -> list[PaperRef]:
    """The arXiv papers a message names: in its text or caption, and behind text links."""
    entities = list(message.entities or ()) + list(message.caption_entities or ())
    linked = [e.url for e in entities if e.type == MessageEntity.TEXT_LINK and e.url]
    return find_papers(message.text or message.caption or "", linked)


def replied_paper(context: Context, message: Message) -> PaperRef | None:
    """The paper of the bot's message `message` replies to — any bubble of a card, a figure, an answer (recorded
    when it was sent), or a card's facts line — or the first paper the replied text names."""
    replied = message.reply_to_message
    if replied is None:
        return None
    known = context.services.store.paper_message(message.chat_id, replied.message_id)
    if known is not None:
        return PaperRef(known.base_id, known.version)
    text = replied.text or replied.caption or ""
    refs = find_papers(text)
    return card_paper(text) or (refs[0] if refs else None)


@dataclass(frozen=True)
class Press:
    """A button pressed under one of the bot's messages: the query, that message, the chat and the button's fields
    (parsed by the route its handler was matched with)."""

    query: CallbackQuery
    message: Message
    chat: ChatSettings
    fields: tuple[str, ...]


def pressed(update: Update, context: Context, route: Route) -> Press:
    query = update.callback_query
    assert query is not None and isinstance(query.message, Message)
    return Press(query, query.message, settings_for(update, context), route.fields(query.data))


def paper_ref(paper_id: str) -> PaperRef | None:
    """The paper a button names: an arXiv ID, or a PDF a user sent (`upload-…v1`)."""
    if paper_id.startswith(UPLOAD_PREFIX):
        base, _, version = paper_id.rpartition("v")
        return PaperRef(base, int(version)) if version.isdigit() else None
    refs = find_papers(paper_id)
    return refs[0] if refs else None
