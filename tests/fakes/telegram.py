"""A fake Telegram Bot API: queues updates for getUpdates and records every call the bot makes.

Point PTB at it with `base_url=f"{fake.base}/bot"`. Tests push updates with the helpers, then wait for the
calls the bot made (`await fake.wait_for("sendMessage", chat_id=...)`) and assert on what a user would see.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.http import FakeServer, Request, Response
from tests.fakes.telegram_html import CAPTION_LIMIT, TEXT_LIMIT, check
from tests.fakes.telegram_rich import check as check_rich
from tests.fakes.telegram_rich import words

BOT_USER = {
    "id": 777000111,
    "is_bot": True,
    "first_name": "Papergram",
    "username": "PapergramTestBot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": True,
    "supports_guest_queries": True,
}

RICH_METHODS = ("sendRichMessage", "sendRichMessageDraft")
"""Bot API 10.1+: a server of 10.0 answers 404 (the method is unknown)."""


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)
    result: Any = None
    """What the fake answered: the message sent (a list of them for an album)."""

    def message(self, index: int = 0) -> dict[str, Any]:
        """The message this call sent (the album's `index`-th photo), as a reply would quote it."""
        found = self.result[index] if isinstance(self.result, list) else self.result
        assert isinstance(found, dict), f"{self.method} sent no message"
        caption = self.params.get("caption") or (self.params["media"][index].get("caption", "")
                                                 if "media" in self.params else "")
        return {**found, "caption": caption} if caption else found

    @property
    def chat_id(self) -> int | None:
        value = str(self.params.get("chat_id", ""))
        return int(value) if value.lstrip("-").isdigit() else None

    @property
    def text(self) -> str:
        """What a reader reads: the text, or a rich message's words a block a line."""
        rich = self.params.get("rich_message")
        if isinstance(rich, dict):
            return words(rich)
        return str(self.params.get("text", ""))


ADMIN_RIGHTS = ("can_be_edited", "is_anonymous", "can_manage_chat", "can_delete_messages", "can_manage_video_chats",
                "can_restrict_members", "can_promote_members", "can_change_info", "can_invite_users",
                "can_post_stories", "can_edit_stories", "can_delete_stories")


def member(status: str, user: dict[str, Any], can_post: bool = True) -> dict[str, Any]:
    """A ChatMember object as the Bot API sends it, with every field PTB requires for its status."""
    data: dict[str, Any] = {"status": status, "user": user}
    if status == "administrator":
        data.update({right: right != "is_anonymous" for right in ADMIN_RIGHTS})
        data["can_post_messages"] = can_post
    elif status == "creator":
        data["is_anonymous"] = False
    elif status == "kicked":
        data["until_date"] = 0
    elif status == "restricted":
        data.update({"is_member": True, "until_date": 0})
    return data


def _decode(value: str) -> Any:
    try:
        return json.loads(value)
    except (ValueError, TypeError):
        return value


class FakeTelegram(FakeServer):
    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token
        self.calls: list[Call] = []
        """Calls that succeeded: what users saw."""
        self.failed_calls: list[Call] = []
        self.refusals: list[tuple[str, str]] = []
        """(method, Telegram's 400 description) of every request refused as the real Bot API refuses it."""
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._new_update = threading.Condition(self.lock)
        self._failures: list[tuple[str, int | None, dict[str, Any]]] = []
        self.chats: dict[int, dict[str, Any]] = {}
        self.enforce_limits = False
        """Answer 429 like Telegram past 30 messages a second overall or 20 a minute in a group."""
        self._sent_at: list[float] = []
        self.rejected = 0
        self._group_sent_at: dict[int, list[float]] = {}
        self.members: dict[tuple[int, int], str] = {}
        """(chat, user) -> status for getChatMember; "member" when not set."""
        self.bot_can_post: dict[int, bool] = {}
        self.usernames: dict[str, dict[str, Any]] = {}
        self.latency = 0.0
        """Seconds each Bot API call takes (getUpdates aside), as on a real network; calls overlap."""
        self.keep_files = True
        """Keep the bytes of files sent (a bench's ten exports would keep hundreds of MB in the bot's process)."""
        self.uploads: dict[str, bytes] = {}
        """Files users sent (documents), served by getFile and the file URL."""
        self.rich = True
        """False: an older self-hosted Bot API server (10.0), which knows no rich messages."""
        self._callback_queries: dict[str, tuple[int, int]] = {}
        """Pressed buttons: query id -> (user, chat), for ephemeral answers."""
        self._ephemeral_commands: dict[int, tuple[int, int]] = {}
        """Ephemeral messages users sent: ephemeral id -> (user, chat)."""
        self._guest_queries: dict[str, bool] = {}
        """Guest query id -> answered (a query is answered once)."""
        self._inline_ids = itertools.count(1)

    # What tests call -----------------------------------------------------------------------------------

    def push(self, update: dict[str, Any]) -> None:
        with self._new_update:
            update["update_id"] = next(self._update_ids)
            self._updates.append(update)
            self._new_update.notify_all()

    def user(self, user_id: int = 4242, language_code: str = "en", first_name: str = "Ada") -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": language_code}

    def chat(self, chat_id: int, chat_type: str = "private", title: str = "Lab") -> dict[str, Any]:
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            chat["first_name"] = "Ada"
        else:
            chat["title"] = title
        self.chats[chat_id] = chat
        return chat

    def send_text(self, text: str, chat_id: int = 4242, chat_type: str = "private", user_id: int = 4242,
                  language_code: str = "en", entities: list[dict[str, Any]] | None = None,
                  as_chat: bool = False, reply_to: dict[str, Any] | None = None) -> int:
        """A user writes `text` in a chat (as a reply to `reply_to`, a message as `Call.message` gives it);
        returns the message id. Commands get their entity as Telegram does."""
        message_id = next(self._message_ids)
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": self.chat(chat_id, chat_type),
            "from": self.user(user_id, language_code),
            "text": text,
        }
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        if as_chat:  # an anonymous admin posts as the group itself
            message["sender_chat"] = self.chats[chat_id]
            message["from"] = {"id": 1087968824, "is_bot": True, "first_name": "Group", "username": "GroupAnonymousBot"}
        found = list(entities or [])
        if text.startswith("/"):
            found.insert(0, {"type": "bot_command", "offset": 0, "length": len(text.split()[0])})
        if found:
            message["entities"] = found
        self.push({"message": message})
        return message_id

    def membership(self, chat_id: int, chat_type: str, old: str, new: str, user_id: int = 4242) -> None:
        """The bot's own membership in a chat changes (added, removed, blocked)."""
        self.push({"my_chat_member": {
            "chat": self.chat(chat_id, chat_type), "from": self.user(user_id), "date": int(time.time()),
            "old_chat_member": member(old, BOT_USER), "new_chat_member": member(new, BOT_USER),
        }})

    def migrate(self, old_id: int, new_id: int) -> None:
        """A group is upgraded to a supergroup: the service message in the old group."""
        self.push({"message": {"message_id": next(self._message_ids), "date": int(time.time()),
                               "chat": self.chat(old_id, "group"), "from": self.user(),
                               "migrate_to_chat_id": new_id}})
        self.chat(new_id, "supergroup")

    def channel(self, chat_id: int, username: str, title: str = "Papers Daily") -> dict[str, Any]:
        chat = {"id": chat_id, "type": "channel", "title": title, "username": username}
        self.chats[chat_id] = chat
        self.usernames["@" + username.lower()] = chat
        return chat

    def post_in_channel(self, text: str, chat_id: int) -> int:
        message_id = next(self._message_ids)
        post: dict[str, Any] = {"message_id": message_id, "date": int(time.time()), "chat": self.chats[chat_id],
                                "text": text, "sender_chat": self.chats[chat_id]}
        if text.startswith("/"):
            post["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        self.push({"channel_post": post})
        return message_id

    def send_photo(self, chat_id: int = 4242, chat_type: str = "private", user_id: int = 4242) -> int:
        """A user sends a photo (Telegram gives its sizes; the bot may download the largest)."""
        message_id = next(self._message_ids)
        sizes = [{"file_id": f"ph{message_id}-{w}", "file_unique_id": f"ph{message_id}-{w}", "width": w,
                  "height": w * 3 // 4, "file_size": w * 60} for w in (90, 320, 1280)]
        self.push({"message": {"message_id": message_id, "date": int(time.time()),
                               "chat": self.chat(chat_id, chat_type), "from": self.user(user_id), "photo": sizes}})
        return message_id

    def send_document(self, filename: str, data: bytes, chat_id: int = 4242, chat_type: str = "private",
                      caption: str = "", user_id: int = 4242, mime_type: str = "text/x-bibtex") -> int:
        """A user sends a file; the bot can download it through getFile as from Telegram."""
        message_id = next(self._message_ids)
        file_id = f"doc{message_id}"
        self.uploads[file_id] = data
        message: dict[str, Any] = {
            "message_id": message_id, "date": int(time.time()), "chat": self.chat(chat_id, chat_type),
            "from": self.user(user_id),
            "document": {"file_id": file_id, "file_unique_id": file_id, "file_name": filename,
                         "mime_type": mime_type, "file_size": len(data)},
        }
        if caption:
            message["caption"] = caption
        self.push({"message": message})
        return message_id

    def press(self, data: str, chat_id: int, message_id: int = 1, user_id: int = 4242,
              chat_type: str = "private", under: Call | None = None) -> None:
        """A user presses an inline button carrying `data` under message `message_id` — or under the message
        `under` sent (its id, text and buttons as Telegram gives them back)."""
        message: dict[str, Any] = {"message_id": message_id, "date": int(time.time()),
                                   "chat": self.chat(chat_id, chat_type), "from": BOT_USER, "text": "…"}
        if under is not None:
            message.update(message_id=int(under.message()["message_id"]), text=under.text or "…")
            if "reply_markup" in under.params:
                message["reply_markup"] = under.params["reply_markup"]
        query_id = str(next(self._update_ids))
        with self.lock:
            self._callback_queries[query_id] = (user_id, chat_id)
        self.push({"callback_query": {
            "id": query_id, "from": self.user(user_id), "chat_instance": "ci", "data": data,
            "message": message,
        }})

    def guest_message(self, text: str, chat_id: int, chat_type: str = "supergroup", user_id: int = 4242) -> str:
        """A user writes "@bot <text>" in a chat the bot is not in: the bot gets it as a guest query."""
        query_id = f"gq{next(self._update_ids)}"
        with self.lock:
            self._guest_queries[query_id] = False
        self.push({"guest_message": {
            "message_id": next(self._message_ids), "date": int(time.time()), "chat": self.chat(chat_id, chat_type),
            "from": self.user(user_id), "text": f"@{BOT_USER['username']} {text}", "guest_query_id": query_id,
            "guest_bot_caller_user": self.user(user_id), "guest_bot_caller_chat": self.chats[chat_id]}})
        return query_id

    def inline_query(self, query: str, user_id: int = 4242) -> str:
        query_id = f"iq{next(self._update_ids)}"
        self.push({"inline_query": {"id": query_id, "from": self.user(user_id), "query": query, "offset": "",
                                    "chat_type": "supergroup"}})
        return query_id

    def choose_inline(self, result_id: str, query: str, user_id: int = 4242) -> str:
        """The user picked an inline result: Telegram posts it and tells the bot (with its inline message ID when
        the result has buttons)."""
        inline_message_id = f"im{next(self._inline_ids)}"
        self.push({"chosen_inline_result": {"result_id": result_id, "from": self.user(user_id), "query": query,
                                            "inline_message_id": inline_message_id}})
        return inline_message_id

    def stop_generation(self, chat_id: int, draft_id: int) -> None:
        """The user pressed the stop button of a streamed draft."""
        self.push({"stopped_message_generation": {"chat": self.chat(chat_id), "draft_id": draft_id}})

    def send_ephemeral_command(self, text: str, chat_id: int, chat_type: str = "supergroup",
                               user_id: int = 4242) -> int:
        """A member sends an ephemeral command (BotCommand.is_ephemeral): only the bot sees it, and it may
        answer that member alone."""
        ephemeral_id = next(self._message_ids)
        with self.lock:
            self._ephemeral_commands[ephemeral_id] = (user_id, chat_id)
        self.push({"message": {
            "message_id": 0, "ephemeral_message_id": ephemeral_id, "date": int(time.time()),
            "chat": self.chat(chat_id, chat_type), "from": self.user(user_id), "text": text,
            "receiver_user": BOT_USER,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]}})
        return ephemeral_id

    def texts_to(self, chat_id: int, contains: str = "") -> list[str]:
        return [c.text for c in self.calls_to("sendMessage", chat_id) if contains in c.text]

    def fail_next(self, method: str, kind: str, chat_id: int | None = None, **extra: Any) -> None:
        """Make the next `method` call (for `chat_id`, if given; whose text holds `contains`, if given) fail:
        kind is 429, 403, migrate or 400 (with `description`)."""
        with self.lock:
            self._failures.append((method, chat_id, {"kind": kind, **extra}))

    def calls_to(self, method: str, chat_id: int | None = None) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if c.method == method and (chat_id is None or c.chat_id == chat_id)]

    async def wait_for(self, method: str, chat_id: int | None = None, count: int = 1, timeout: float = 15.0,
                       contains: str | None = None) -> list[Call]:
        """Wait until the bot made `count` calls of `method` (whose text contains `contains`); return them."""
        deadline = time.monotonic() + timeout
        while True:
            found = [c for c in self.calls_to(method, chat_id) if contains is None or contains in c.text]
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                seen = [(c.method, c.chat_id, c.text[:80]) for c in self.calls]
                raise AssertionError(f"timed out waiting for {count}x {method} to {chat_id}; calls: {seen}")
            await asyncio.sleep(0.02)

    # The Bot API ---------------------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        download, path = f"/file/bot{self.token}/documents/", urllib.parse.unquote(request.path)
        if path.startswith(download) and path[len(download):] in self.uploads:
            return Response(body=self.uploads[path[len(download):]], content_type="application/octet-stream")
        prefix = f"/bot{self.token}/"
        if not request.path.startswith(prefix):
            return Response.json({"ok": False, "error_code": 401, "description": "Unauthorized"}, 401)
        method = request.path[len(prefix):]
        fields, files = request.form()
        params = {k: _decode(v) for k, v in fields.items()}
        if method == "getUpdates":
            return Response.json({"ok": True, "result": self._get_updates(params)})
        if self.latency:
            time.sleep(self.latency)
        call = Call(method, params, files if self.keep_files else dict.fromkeys(files, b""))
        with self.lock:
            failure = self._refusal(method, params, files) or self._take_failure(method, params) \
                or self._over_limit(method, params)
            (self.failed_calls if failure is not None else self.calls).append(call)
        if failure is not None:
            return failure
        if method == "getChat" and str(params["chat_id"]).lower() not in self.usernames and \
                str(params["chat_id"]).startswith("@"):
            return Response.json({"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}, 400)
        call.result = self._result(method, params)
        return Response.json({"ok": True, "result": call.result})

    def _refusal(self, method: str, params: dict[str, Any], files: dict[str, bytes]) -> Response | None:
        """What the real Bot API refuses: malformed HTML, texts and captions past their limits, bad buttons, bad
        rich messages, drafts outside private chats, ephemeral messages nobody asked for, methods of a newer
        Bot API than the server's."""
        if not self.rich and method in RICH_METHODS:
            self.refusals.append((method, "Not Found"))
            return Response.json({"ok": False, "error_code": 404, "description": "Not Found"}, 404)
        problems = []
        rich = params.get("rich_message")
        if method == "editMessageText" and rich is not None and not self.rich:
            problems.append("Bad Request: message text is empty")
        elif rich is not None:
            problems.append(check_rich(rich, files, uploads_allowed=method != "sendRichMessageDraft"))
        elif method in ("sendMessage", "editMessageText"):
            problems.append(check(str(params.get("text", "")), params.get("parse_mode"), TEXT_LIMIT))
        if method in ("sendMessageDraft", "sendRichMessageDraft"):
            chat = self.chats.get(int(params.get("chat_id", 0)), {})
            if chat.get("type", "private") != "private":
                problems.append("Bad Request: TEXTDRAFT_PEER_INVALID")
            if not int(params.get("draft_id") or 0):
                problems.append("Bad Request: draft_id must be non-zero")
            if method == "sendMessageDraft":
                problems.append(check(str(params.get("text", "")), params.get("parse_mode"), TEXT_LIMIT))
        ephemeral = params.get("ephemeral_message_parameters")
        if ephemeral is not None:
            problems.append(self._ephemeral_refusal(params, ephemeral))
        if method == "answerGuestQuery":
            query_id = str(params.get("guest_query_id", ""))
            if self._guest_queries.get(query_id, True):
                problems.append("Bad Request: QUERY_ID_INVALID")
            else:  # answered once it is taken (a refused answer may be given again)
                problem = self._result_refusal(params.get("result"))
                self._guest_queries[query_id] = not problem
                problems.append(problem)
        if method == "answerInlineQuery":
            results = params.get("results") or []
            ids = [str(r.get("id", "")) for r in results]
            if len(results) > 50 or len(set(ids)) != len(ids) or any(not 1 <= len(i.encode()) <= 64 for i in ids):
                problems.append("Bad Request: RESULT_ID_INVALID")
            problems += [self._result_refusal(r) for r in results]
        if "caption" in params and method != "sendMediaGroup":
            problems.append(check(str(params["caption"]), params.get("parse_mode"), CAPTION_LIMIT, "message caption"))
        if method == "sendMediaGroup":
            media = params.get("media") or []
            if not 2 <= len(media) <= 10:
                problems.append("Bad Request: wrong number of media in the album")
            problems += [check(str(item["caption"]), item.get("parse_mode"), CAPTION_LIMIT, "message caption")
                         for item in media if item.get("caption")]
        if method == "answerCallbackQuery" and len(str(params.get("text") or "")) > 200:
            problems.append("Bad Request: MESSAGE_TOO_LONG")
        markup = params.get("reply_markup")
        rows = markup.get("inline_keyboard", []) if isinstance(markup, dict) else []
        for row in rows:
            for button in row:
                if not str(button.get("text", "")).strip():
                    problems.append("Bad Request: text buttons are unallowed in the inline keyboard")
                if len(str(button.get("callback_data", "")).encode()) > 64:
                    problems.append("Bad Request: BUTTON_DATA_INVALID")
        if sum(len(row) for row in rows) > 100:
            problems.append("Bad Request: reply markup is too long")
        problem = next((p for p in problems if p), None)
        if problem is None:
            return None
        self.refusals.append((method, problem))
        return Response.json({"ok": False, "error_code": 400, "description": problem}, 400)

    def _ephemeral_refusal(self, params: dict[str, Any], ephemeral: Any) -> str:
        """Ephemeral messages go to a group member who pressed a button or sent an ephemeral command."""
        chat_id = int(params.get("chat_id", 0))
        if self.chats.get(chat_id, {}).get("type") not in ("group", "supergroup"):
            return "Bad Request: ephemeral messages can be sent only to groups"
        user = int(ephemeral.get("receiver_user_id", 0))
        query = str(ephemeral.get("callback_query_id", ""))
        if query:
            return "" if self._callback_queries.get(query) == (user, chat_id) else "Bad Request: QUERY_ID_INVALID"
        reply = params.get("reply_parameters") or {}
        asked = self._ephemeral_commands.get(int(reply.get("ephemeral_message_id", 0) or 0))
        return "" if asked == (user, chat_id) else "Bad Request: EPHEMERAL_MESSAGE_NOT_ALLOWED"

    def _result_refusal(self, result: Any) -> str:
        """An inline or guest result: a known type with its content; a rich one uploads nothing."""
        if not isinstance(result, dict) or result.get("type") not in ("article", "photo"):
            return "Bad Request: wrong result type"
        if not result.get("id") or (not result.get("title") and result.get("type") == "article"):
            return "Bad Request: RESULT_ID_INVALID"
        content = result.get("input_message_content") or {}
        if "rich_message" in content:
            if not self.rich:
                return "Bad Request: unknown input message content"
            return check_rich(content["rich_message"], {}, uploads_allowed=False)
        if "message_text" in content:
            return check(str(content["message_text"]), content.get("parse_mode"), TEXT_LIMIT)
        return "Bad Request: MESSAGE_EMPTY"

    def _take_failure(self, method: str, params: dict[str, Any]) -> Response | None:
        for index, (name, chat_id, spec) in enumerate(self._failures):
            if spec.get("contains") and spec["contains"] not in str(params.get("text", "")):
                continue
            if name == method and (chat_id is None or str(chat_id) == str(params.get("chat_id"))):
                del self._failures[index]
                kind = spec["kind"]
                if kind == "429":
                    retry = spec.get("retry_after", 1)
                    return Response.json({"ok": False, "error_code": 429,
                                          "description": f"Too Many Requests: retry after {retry}",
                                          "parameters": {"retry_after": retry}}, 429)
                if kind == "403":
                    return Response.json({"ok": False, "error_code": 403,
                                          "description": "Forbidden: bot was blocked by the user"}, 403)
                if kind == "migrate":
                    return Response.json({"ok": False, "error_code": 400,
                                          "description": "Bad Request: group chat was upgraded to a supergroup chat",
                                          "parameters": {"migrate_to_chat_id": spec["to"]}}, 400)
                description = spec.get("description", "Bad Request")
                return Response.json({"ok": False, "error_code": 400, "description": description}, 400)
        return None

    def _over_limit(self, method: str, params: dict[str, Any]) -> Response | None:
        if not self.enforce_limits or not method.startswith("send") or method == "sendChatAction":
            return None
        now = time.monotonic()
        self._sent_at = [t for t in self._sent_at if t > now - 1.0]
        chat_id = int(params.get("chat_id", 0))
        group = self._group_sent_at.setdefault(chat_id, []) if chat_id < 0 else None
        if group is not None:
            group[:] = [t for t in group if t > now - 60.0]
        if len(self._sent_at) >= 30 or (group is not None and len(group) >= 20):
            self.rejected += 1
            return Response.json({"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 1",
                                  "parameters": {"retry_after": 1}}, 429)
        self._sent_at.append(now)
        if group is not None:
            group.append(now)
        return None

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        wait = min(float(params.get("timeout") or 0), 0.5)
        with self._new_update:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            if not self._updates and wait:
                self._new_update.wait(wait)
            return list(self._updates)

    def _sent_rich(self, message: dict[str, Any]) -> dict[str, Any]:
        """A `RichMessage` as Telegram gives it back: each uploaded photo now a list of sizes with file IDs."""
        sent = json.loads(json.dumps(message))
        photos = itertools.count()

        def walk(blocks: list[dict[str, Any]]) -> None:
            for block in blocks:
                if block.get("type") == "photo" and isinstance(block.get("photo"), dict):
                    file_id = f"rich-photo-{next(self._message_ids)}-{next(photos)}"
                    block["photo"] = [{"file_id": file_id, "file_unique_id": file_id, "width": 1280, "height": 720}]
                walk(block.get("blocks") or [])

        walk(sent.get("blocks", []))
        return sent

    def _message(self, params: dict[str, Any], **content: Any) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        chat = self.chats.get(chat_id, {"id": chat_id, "type": "private", "first_name": "Ada"})
        message = {"message_id": next(self._message_ids), "date": int(time.time()), "chat": chat,
                   "from": BOT_USER, **content}
        return message

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method == "answerGuestQuery":
            return {"inline_message_id": f"im{next(self._inline_ids)}"}
        if method == "editMessageText" and "inline_message_id" in params:
            return True
        if method == "sendRichMessage" or (method == "editMessageText" and "rich_message" in params):
            content = {"rich_message": self._sent_rich(params["rich_message"])}
            if method == "editMessageText":
                return {**self._message(params, **content), "message_id": int(params["message_id"])}
            return self._message(params, **content)
        if method in ("sendMessage", "editMessageText"):
            if method == "editMessageText":
                return {**self._message(params, text=params.get("text", "")),
                        "message_id": int(params["message_id"])}
            return self._message(params, text=params.get("text", ""))
        if method == "sendDocument":
            return self._message(params, document={"file_id": "d", "file_unique_id": "d"})
        if method == "sendPhoto":
            return self._message(params, photo=[{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}])
        if method == "sendMediaGroup":
            return [self._message(params, photo=[{"file_id": f"p{i}", "file_unique_id": f"p{i}", "width": 1,
                                                  "height": 1}]) for i, _ in enumerate(params.get("media", []))]
        if method == "getFile":
            file_id = str(params["file_id"])
            return {"file_id": file_id, "file_unique_id": file_id, "file_size": len(self.uploads.get(file_id, b"")),
                    "file_path": f"documents/{file_id}"}
        if method == "getChatMember":
            status = self.members.get((int(params["chat_id"]), int(params["user_id"])), "member")
            user = BOT_USER if int(params["user_id"]) == BOT_USER["id"] else self.user(int(params["user_id"]))
            return member(status, user, can_post=self.bot_can_post.get(int(params["chat_id"]), True))
        if method == "getChat":
            key = str(params["chat_id"])
            chat = self.usernames.get(key.lower()) if key.startswith("@") else self.chats.get(int(key))
            return {**(chat or {"id": 0, "type": "private"}), "accent_color_id": 0, "max_reaction_count": 11,
                    "accepted_gift_types": {"unlimited_gifts": False, "limited_gifts": False,
                                            "unique_gifts": False, "premium_subscription": False,
                                            "gifts_from_channels": False}}
        return True
