"""The Bot API 10.1+ calls PTB 22.8 does not make yet, through `Bot.do_api_request` with the objects of `rich.py`:
rich messages and their drafts, can-stop drafts, guest answers, ephemeral replies.

A server that does not know a method (a self-hosted Bot API server on an older version) answers 404, or 400 for a
parameter it does not take: both become `RichRefused`, and the caller falls back to the classic form.
"""

from __future__ import annotations

import json
import warnings
from typing import Any

from telegram import InlineKeyboardMarkup, InputFile, Message
from telegram.error import BadRequest, EndPointNotFound, TelegramError
from telegram.ext import ExtBot
from telegram.warnings import PTBUserWarning

from handlers.common.rich import Ephemeral, RichMessage

# editMessageText, answerGuestQuery and answerInlineQuery exist in PTB without the 10.1+ parameters:
# `do_api_request` warns that the method exists; we call it on purpose for what PTB's methods cannot carry.
warnings.filterwarnings("ignore", message=r"Please use 'Bot\.(editMessageText|answerGuestQuery|answerInlineQuery)'",
                        category=PTBUserWarning)

_REFUSED = ("method not found", "rich", "unknown", "not supported", "unsupported", "blocks", "parameter")


class RichRefused(Exception):
    """The server does not take rich messages (404, or a 400 about them)."""


def _refused(error: TelegramError) -> bool:
    if isinstance(error, EndPointNotFound):
        return True
    if isinstance(error, BadRequest):
        text = str(error).lower()
        return "chat not found" not in text and any(word in text for word in _REFUSED)
    return False


def _payload(message: RichMessage) -> dict[str, Any]:
    """The message's JSON and its photos as multipart parts (`attach://` names PTB chose)."""
    document = json.dumps(message.to_json(), ensure_ascii=False)
    parts: dict[str, Any] = {}
    for index, (name, data) in enumerate(message.files.items()):
        upload = InputFile(data, filename=f"{name}.png", attach=True)
        document = document.replace(f'"attach://{name}"', f'"{upload.attach_uri}"')
        parts[f"media{index}"] = upload  # sent as its own part; the field itself is ignored by the server
    return {"rich_message": document, **parts}


def _markup(markup: InlineKeyboardMarkup | None) -> dict[str, Any]:
    return {"reply_markup": markup.to_json()} if markup is not None else {}


async def _call(bot: ExtBot[Any], method: str, kwargs: dict[str, Any], message: bool = True) -> Any:
    try:
        return await bot.do_api_request(method, api_kwargs=kwargs, return_type=Message if message else None)
    except (EndPointNotFound, BadRequest) as error:
        if _refused(error):
            raise RichRefused(str(error)) from error
        raise


async def send_rich(bot: ExtBot[Any], chat_id: int, message: RichMessage, reply_to: int | None = None,
                    markup: InlineKeyboardMarkup | None = None) -> Message:
    kwargs: dict[str, Any] = {"chat_id": chat_id, **_payload(message), **_markup(markup)}
    if reply_to is not None:
        kwargs["reply_parameters"] = json.dumps({"message_id": reply_to, "allow_sending_without_reply": True})
    result: Message = await _call(bot, "sendRichMessage", kwargs)
    return result


async def edit_rich(bot: ExtBot[Any], message: RichMessage, chat_id: int | None = None, message_id: int | None = None,
                    inline_message_id: str | None = None) -> None:
    """A message (or an inline message a guest answer posted) rewritten as `message`."""
    kwargs: dict[str, Any] = _payload(message)
    if inline_message_id:
        kwargs["inline_message_id"] = inline_message_id
    else:
        kwargs.update(chat_id=chat_id, message_id=message_id)
    try:
        await _call(bot, "editMessageText", kwargs, message=False)
    except BadRequest as error:
        if "not modified" not in str(error).lower():
            raise


async def send_rich_draft(bot: ExtBot[Any], chat_id: int, draft_id: int, message: RichMessage,
                          can_stop: bool = False) -> None:
    """A growing preview of `message` in a private chat (no uploads: a draft may not carry new files)."""
    kwargs: dict[str, Any] = {"chat_id": chat_id, "draft_id": draft_id,
                              "rich_message": json.dumps(message.without_media().to_json(), ensure_ascii=False)}
    if can_stop:
        kwargs.update(can_stop=True, keep_on_stop=True)
    await _call(bot, "sendRichMessageDraft", kwargs, message=False)


async def send_text_draft(bot: ExtBot[Any], chat_id: int, draft_id: int, html: str, can_stop: bool = False) -> None:
    """sendMessageDraft (every bot since 9.5), with the 10.3 stop button when `can_stop`."""
    extra = {"can_stop": True, "keep_on_stop": True} if can_stop else None
    await bot.send_message_draft(chat_id, draft_id, html, parse_mode="HTML", api_kwargs=extra)


async def answer_guest(bot: ExtBot[Any], guest_query_id: str, result: dict[str, Any]) -> str:
    """Post `result` (an InlineQueryResult as JSON) into the chat a guest query came from; its inline message ID
    (to edit it when the full card is ready)."""
    answer = await _call(bot, "answerGuestQuery", {"guest_query_id": guest_query_id,
                                                   "result": json.dumps(result, ensure_ascii=False)}, message=False)
    return str((answer or {}).get("inline_message_id") or "")


async def answer_inline(bot: ExtBot[Any], inline_query_id: str, results: list[dict[str, Any]],
                        cache_time: int = 300) -> None:
    """Inline results as JSON (their content may be a rich message, which PTB's result types cannot carry)."""
    await _call(bot, "answerInlineQuery", {"inline_query_id": inline_query_id, "cache_time": cache_time,
                                           "is_personal": True,
                                           "results": json.dumps(results, ensure_ascii=False)}, message=False)


async def send_ephemeral(bot: ExtBot[Any], chat_id: int, html: str, ephemeral: Ephemeral,
                         markup: InlineKeyboardMarkup | None = None, reply_to_ephemeral: int | None = None) -> Message:
    """A reply in a group only `ephemeral.user_id` sees (answering their ephemeral command, when given)."""
    extra: dict[str, Any] = {"ephemeral_message_parameters": json.dumps(ephemeral.to_json())}
    if reply_to_ephemeral:
        extra["reply_parameters"] = json.dumps({"ephemeral_message_id": reply_to_ephemeral})
    return await bot.send_message(chat_id, html, reply_markup=markup, api_kwargs=extra)
