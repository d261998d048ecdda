"""The webhook endpoint Telegram posts updates to (WEBHOOK_URL), in place of PTB's built-in one.

PTB's server answers 500 to a body that is not JSON, not UTF-8 or nested 100,000 deep (its parser raises) and logs
the whole body at CRITICAL for one it cannot read as an update. Ours checks the secret first, reads a bounded body
with a parser that cannot raise, and answers 400 to anything that is not an update — Telegram only ever sends
updates, so anything else is someone else. It runs on the same tornado PTB's `webhooks` extra installs.
"""

from __future__ import annotations

import hmac
import json
import logging
from http import HTTPStatus
from typing import Any

import tornado.web
from telegram import Bot, Update
from tornado.httpserver import HTTPServer

from handlers.common.context import App

log = logging.getLogger(__name__)

MAX_BODY = 1 << 20
"""Bytes an update may have: Telegram's are a few KB (a message of 4,096 characters and its entities)."""


def parse_update(body: bytes, bot: Bot) -> Update | None:
    """The update in a webhook body, or None for anything that is not one (never raises)."""
    try:
        data: Any = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("update_id"), int) or isinstance(data["update_id"], bool):
        return None
    try:
        return Update.de_json(data, bot)
    except Exception:  # a field of the wrong type deep inside: not an update Telegram sent
        return None


class _Endpoint(tornado.web.RequestHandler):
    SUPPORTED_METHODS = ("POST",)  # type: ignore[assignment]

    def initialize(self, app: App, secret: str) -> None:
        self.app = app
        self.secret = secret.encode()

    def _refuse(self, status: HTTPStatus) -> None:
        self.set_status(status)
        self.finish()

    async def post(self) -> None:
        given = self.request.headers.get("X-Telegram-Bot-Api-Secret-Token", "").encode()
        if not hmac.compare_digest(given, self.secret):
            return self._refuse(HTTPStatus.FORBIDDEN)
        media = self.request.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if media != "application/json":
            return self._refuse(HTTPStatus.UNSUPPORTED_MEDIA_TYPE)
        update = parse_update(self.request.body, self.app.bot)
        if update is None:
            log.info("webhook: a body that is not an update (%s bytes) answered 400", len(self.request.body))
            return self._refuse(HTTPStatus.BAD_REQUEST)
        await self.app.update_queue.put(update)
        self.set_status(HTTPStatus.OK)
        self.finish()

    def log_exception(self, *args: Any) -> None:
        """Tornado would log a request's details (headers with the secret among them): say only what failed."""
        log.warning("webhook: a request failed")


async def start_webhook(app: App, url: str, path: str, secret: str, listen: str, port: int) -> HTTPServer:
    """Tell Telegram where to post, then listen there. The caller stops the server with `stop_webhook`."""
    routes = [(rf"/{path.strip('/')}/?" if path.strip("/") else r"/", _Endpoint, {"app": app, "secret": secret})]
    server = HTTPServer(tornado.web.Application(routes), max_body_size=MAX_BODY)
    server.listen(port, address=listen)
    await app.bot.set_webhook(url=url, secret_token=secret, allowed_updates=Update.ALL_TYPES)
    return server


async def stop_webhook(server: HTTPServer) -> None:
    server.stop()
    await server.close_all_connections()
