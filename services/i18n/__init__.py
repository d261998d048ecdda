"""The bot's texts in the reader's language: lookup, plural forms (Babel's CLDR rules) and the catalogs of other
languages translated at run time. The shipped texts themselves are in `texts.py`.

`t(lang, key, **values)` formats a text; values are inserted as given, so callers escape user or arXiv text.
"""

from __future__ import annotations

import functools
import string

from babel import Locale, UnknownLocaleError

from services.i18n.texts import INTERFACE_LANGUAGES, MENU_COMMANDS, TEXTS, Text

__all__ = ["CATALOGS", "INTERFACE_LANGUAGES", "MENU_COMMANDS", "TEXTS", "Text", "has_catalog", "install",
           "placeholders", "plural_category", "t"]


CATALOGS: dict[str, dict[str, Text]] = {}
"""Catalogs of other languages, translated once by the configured LLM and checked (services/llm/catalog.py):
installed at start-up from the store and when a translation is made."""


def install(lang: str, texts: dict[str, Text]) -> None:
    CATALOGS[lang] = dict(texts)


def has_catalog(lang: str) -> bool:
    """Whether the bot's own texts exist in `lang` (shipped, or translated and installed)."""
    return lang in TEXTS or lang in CATALOGS


def t(lang: str, key: str, **values: object) -> str:
    """The text `key` in `lang` (English where the language has none), its plural form chosen by the language's
    own rule (Babel's CLDR data: "1 paper", "2 papers"; one form in Chinese), with `values` filled in."""
    table = TEXTS.get(lang) or CATALOGS.get(lang) or TEXTS["en"]
    text = table.get(key) or TEXTS["en"][key]
    if isinstance(text, dict):
        text = text.get(plural_category(lang, values.get("count", 0))) or text["other"]
    return text.format(**values) if values else text


def placeholders(lang: str, key: str) -> set[str]:
    """The `{names}` a text takes (in any of its plural forms)."""
    text = TEXTS.get(lang, TEXTS["en"]).get(key) or TEXTS["en"][key]
    forms = list(text.values()) if isinstance(text, dict) else [text]
    return {name for form in forms for _, name, _, _ in string.Formatter().parse(form) if name}


@functools.cache
def _locale(lang: str) -> Locale:
    try:
        return Locale.parse(lang.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return Locale.parse("en")


def plural_category(lang: str, count: object) -> str:
    """`one`, `few`, `many`, `other`… for `count` in `lang`."""
    try:
        number = float(str(count))
    except ValueError:
        return "other"
    return str(_locale(lang).plural_form(int(number) if number.is_integer() else number))
