"""The services' `Sender` port on Telegram: Bot API errors become ChatGone, ChatMoved or SendFailed."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputMediaPhoto, LinkPreviewOptions
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ExtBot

from handlers.common.botapi import RichRefused, send_rich
from handlers.common.rich_card import rich_overview
from services.delivery.port import Button, ChatGone, ChatMoved, RichNotTaken, SendFailed
from services.models import FigureImage, Overview

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def keyboard(buttons: list[list[Button]]) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(b.text, url=b.url) if b.url else
                                  InlineKeyboardButton(b.text, callback_data=b.data) for b in row]
                                 for row in buttons])


class TelegramSender:
    """`retries` for a 429: the outbox asks for none (it serves other chats meanwhile and comes back);
    a handler sending a card to the user in front of it asks for the rate limiter's default."""

    def __init__(self, bot: ExtBot[Any], retries: int | None = 0, paid: bool = False) -> None:
        self._bot = bot
        self._limits = {"retries": retries} if retries is not None else None
        self._paid = paid or None
        """`allow_paid_broadcast`: past 30 messages a second, each message costs the bot's owner Stars."""

    async def text(self, chat_id: int, html: str, buttons: list[list[Button]]) -> list[int]:
        async def send() -> list[int]:
            message = await self._bot.send_message(chat_id, html, reply_markup=keyboard(buttons),
                                                   allow_paid_broadcast=self._paid, rate_limit_args=self._limits)
            return [message.message_id]

        return await self._guarded(send)

    async def overview(self, chat_id: int, overview: Overview) -> list[int]:
        async def send() -> list[int]:
            try:
                message = await send_rich(self._bot, chat_id, rich_overview(overview))
            except RichRefused as refused:
                raise RichNotTaken(str(refused)) from refused
            return [message.message_id]

        return await self._guarded(send)

    async def photos(self, chat_id: int, figures: list[FigureImage], captions: list[str]) -> list[int]:
        async def send() -> list[int]:
            if len(figures) == 1:
                message = await self._bot.send_photo(chat_id, figures[0].image, caption=captions[0],
                                                     allow_paid_broadcast=self._paid, rate_limit_args=self._limits)
                return [message.message_id]
            media = [InputMediaPhoto(f.image, caption=c or None) for f, c in zip(figures, captions, strict=True)]
            return [m.message_id for m in await self._bot.send_media_group(chat_id, media,
                                                                            allow_paid_broadcast=self._paid,
                                                                            rate_limit_args=self._limits)]

        return await self._guarded(send)

    @staticmethod
    async def _guarded(send: object) -> list[int]:
        try:
            return await send()  # type: ignore[operator, no-any-return]
        except ChatMigrated as migrated:
            raise ChatMoved(migrated.new_chat_id) from migrated
        except Forbidden as error:
            raise ChatGone(str(error)) from error
        except BadRequest as error:
            if "chat not found" in str(error).lower():
                raise ChatGone(str(error)) from error
            raise SendFailed(str(error)) from error
        except RetryAfter as error:
            raise SendFailed(str(error), retry_after=float(error.retry_after if isinstance(error.retry_after, int)
                                                           else error.retry_after.total_seconds())) from error
        except (NetworkError, TelegramError) as error:
            raise SendFailed(str(error)) from error


def digest_sender(bot: ExtBot[Any], paid: bool) -> TelegramSender:
    """The outbox's sender: no retry on a 429 (the outbox serves other chats meanwhile), paid broadcast if the
    owner turned it on (PAID_BROADCAST)."""
    return TelegramSender(bot, retries=0, paid=paid)
