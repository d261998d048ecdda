"""The bot's own texts in any language: the English catalog translated once by the configured LLM, each string
checked — the same placeholders, HTML Telegram accepts — and stored; a string that fails a check stays English.

Chats in a language without a catalog read English until the translation is installed (and for good when no LLM
is configured). The store keeps each translated catalog, so a restart does not translate again.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import string
import time
from html.parser import HTMLParser

from services.i18n import INTERFACE_LANGUAGES, TEXTS, Text, has_catalog, install
from services.languages import prompt_name
from services.llm.port import Summarizer, SummaryFailed
from services.store import Store

log = logging.getLogger(__name__)

TELEGRAM_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "blockquote",
                 "tg-spoiler", "span"}
RETRY_AFTER = 24 * 3600.0
SYSTEM = ("You translate the user-interface strings of a Telegram bot for researchers. Keep every {placeholder}, "
          "HTML tag, /command, emoji and code in <code> exactly as it is; translate only the words around them. "
          "Answer with one JSON object mapping each key to its translation, nothing else.")


def flatten(texts: dict[str, Text]) -> dict[str, str]:
    """Plural forms as `key#one`, `key#other`: one string a key for the model."""
    flat: dict[str, str] = {}
    for key, text in texts.items():
        if isinstance(text, dict):
            flat.update({f"{key}#{form}": value for form, value in text.items()})
        else:
            flat[key] = text
    return flat


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.ok = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ok = self.ok and tag in TELEGRAM_TAGS
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        self.ok = self.ok and bool(self.stack) and self.stack.pop() == tag

    def handle_entityref(self, name: str) -> None:
        self.ok = self.ok and name in ("lt", "gt", "amp", "quot")


def valid_html(text: str) -> bool:
    """Telegram's tags only, each closed in order, and no stray `<`."""
    if re.search(r"<(?![a-zA-Z/])", text):
        return False
    parser = _Tags()
    try:
        parser.feed(text)
        parser.close()
    except Exception:  # the parser refuses what Telegram would refuse too
        return False
    return parser.ok and not parser.stack


def checked(english: dict[str, str], translated: dict[str, object]) -> dict[str, Text]:
    """The translations that keep their English string's placeholders and are HTML Telegram accepts, plural forms
    folded back; any other key stays English."""
    kept: dict[str, Text] = {}
    for key, source in english.items():
        value = translated.get(key)
        if not isinstance(value, str) or not value.strip() or placeholders(value) != placeholders(source) \
                or not valid_html(value):
            continue
        name, _, form = key.partition("#")
        if form:
            forms = kept.setdefault(name, {})
            if isinstance(forms, dict):
                forms[form] = value
        else:
            kept[key] = value
    return {k: v for k, v in kept.items() if not isinstance(v, dict) or "other" in v}


class CatalogTranslator:
    def __init__(self, store: Store, llm: Summarizer, offline: bool) -> None:
        self._store = store
        self._llm = llm
        self._offline = offline
        self._running: dict[str, asyncio.Task[None]] = {}
        self._tried: dict[str, float] = {}
        """When each language was last tried: a translation that failed is tried again a day later, not at every
        message of that chat."""

    @property
    def available(self) -> bool:
        """Whether other languages can get a catalog (an LLM is configured)."""
        return not self._offline

    def load(self) -> None:
        """At start-up: every catalog translated before is installed."""
        for lang, texts in self._store.catalogs().items():
            install(lang, texts)

    def request(self, lang: str) -> asyncio.Task[None] | None:
        """Translate `lang`'s catalog in the background, once; None when there is nothing to do."""
        if self._offline or has_catalog(lang) or lang in INTERFACE_LANGUAGES:
            return None
        if lang not in self._running and time.monotonic() - self._tried.get(lang, -RETRY_AFTER) < RETRY_AFTER:
            return None
        if lang not in self._running:
            self._tried[lang] = time.monotonic()
            task = asyncio.create_task(self._translate(lang))
            self._running[lang] = task
            task.add_done_callback(lambda _: self._running.pop(lang, None))
        return self._running[lang]

    async def _translate(self, lang: str) -> None:
        english = flatten(TEXTS["en"])
        request = json.dumps(english, ensure_ascii=False)
        try:
            answer = await self._llm.answer(SYSTEM, [f"Translate into {prompt_name(lang)}:\n{request}"])
        except SummaryFailed as failure:
            log.warning("could not translate the catalog into %s: %s", lang, failure)
            return
        match = re.search(r"\{.*\}", answer, flags=re.S)
        try:
            translated = json.loads(match.group(0)) if match else {}
        except ValueError:
            translated = {}
        texts = checked(english, translated if isinstance(translated, dict) else {})
        log.info("catalog %s: %d of %d texts translated and checked", lang, len(texts), len(TEXTS["en"]))
        if texts:
            self._store.save_catalog(lang, texts)
            install(lang, texts)
