"""Every language a reader reads: summaries are written in the chat's language, whatever it is. Pure.

The bot's own texts exist in English and Chinese (services/i18n/texts.py); any other language gets English texts
around summaries written in its own language.
"""

from __future__ import annotations

LANGUAGES: dict[str, tuple[str, str]] = {
    # ISO 639-1: (English name, the language's own name)
    "ar": ("Arabic", "العربية"), "bg": ("Bulgarian", "Български"), "bn": ("Bengali", "বাংলা"),
    "ca": ("Catalan", "Català"), "cs": ("Czech", "Čeština"), "da": ("Danish", "Dansk"),
    "de": ("German", "Deutsch"), "el": ("Greek", "Ελληνικά"), "en": ("English", "English"),
    "es": ("Spanish", "Español"), "et": ("Estonian", "Eesti"), "fa": ("Persian", "فارسی"),
    "fi": ("Finnish", "Suomi"), "fr": ("French", "Français"), "he": ("Hebrew", "עברית"),
    "hi": ("Hindi", "हिन्दी"), "hr": ("Croatian", "Hrvatski"), "hu": ("Hungarian", "Magyar"),
    "id": ("Indonesian", "Bahasa Indonesia"), "it": ("Italian", "Italiano"), "ja": ("Japanese", "日本語"),
    "ko": ("Korean", "한국어"), "lt": ("Lithuanian", "Lietuvių"), "lv": ("Latvian", "Latviešu"),
    "ms": ("Malay", "Bahasa Melayu"), "nl": ("Dutch", "Nederlands"), "no": ("Norwegian", "Norsk"),
    "pl": ("Polish", "Polski"), "pt": ("Portuguese", "Português"), "ro": ("Romanian", "Română"),
    "ru": ("Russian", "Русский"), "sk": ("Slovak", "Slovenčina"), "sl": ("Slovenian", "Slovenščina"),
    "sr": ("Serbian", "Српски"), "sv": ("Swedish", "Svenska"), "ta": ("Tamil", "தமிழ்"), "th": ("Thai", "ไทย"),
    "tr": ("Turkish", "Türkçe"), "uk": ("Ukrainian", "Українська"), "ur": ("Urdu", "اردو"),
    "vi": ("Vietnamese", "Tiếng Việt"), "zh": ("Simplified Chinese", "简体中文"),
}
_ALIASES = {"chinese": "zh", "中文": "zh", "汉语": "zh", "mandarin": "zh", "farsi": "fa", "bahasa": "id",
            "português brasileiro": "pt", "brazilian": "pt", "norwegian bokmål": "no", "nb": "no", "nn": "no"}


def resolve(text: str) -> str | None:
    """An ISO code (`ja`, `pt-BR`), an English name (`Japanese`) or the language's own name (`Deutsch`, `日本語`);
    None when it is none of these."""
    wanted = " ".join(text.strip().split()).casefold()
    if not wanted:
        return None
    code = wanted.replace("_", "-").split("-", 1)[0]
    if code in LANGUAGES:
        return code
    if wanted in _ALIASES:
        return _ALIASES[wanted]
    for iso, (english, own) in LANGUAGES.items():
        if wanted in (english.casefold(), own.casefold()) or wanted == english.casefold().split()[-1]:
            return iso
    return None


def from_telegram(code: str | None) -> str:
    """A Telegram `language_code` (`zh-hans`, `en-US`, `ja`) as a chat language; English when unknown."""
    return resolve(code or "") or "en"


def prompt_name(code: str) -> str:
    """How the LLM is told the output language: `Japanese (日本語)`."""
    english, own = LANGUAGES.get(code, LANGUAGES["en"])
    return english if english == own else f"{english} ({own})"


def own_name(code: str) -> str:
    """The language's name in itself: `Deutsch`, `日本語` (a button a reader of it recognises)."""
    return LANGUAGES.get(code, LANGUAGES["en"])[1]


def display_name(code: str) -> str:
    english, own = LANGUAGES.get(code, LANGUAGES["en"])
    return own if english == own else f"{own} ({english})"
