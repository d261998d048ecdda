"""The environment a bot under test or under a bench reads: every endpoint at a fake on 127.0.0.1."""

from __future__ import annotations

from tests.fakes.arxiv import FakeArxiv
from tests.fakes.telegram import FakeTelegram


def fake_env(tg: FakeTelegram, arxiv: FakeArxiv, db: str, **more: str) -> dict[str, str]:
    """No GEMINI_API_KEY unless given in `more`: the offline summarizer. arXiv's pace off (fakes need none)."""
    return {
        "TELEGRAM_BOT_TOKEN": tg.token,
        "TELEGRAM_API_URL": f"{tg.base}/bot",
        "TELEGRAM_FILE_URL": f"{tg.base}/file/bot",
        "ARXIV_API_URL": arxiv.api_url,
        "ARXIV_PDF_URL": arxiv.pdf_url,
        "ARXIV_RSS_URL": f"{arxiv.base}/rss/",
        "ARXIV_OAI_URL": arxiv.oai_url,
        "PAPERGRAM_DB": db,
        "ARXIV_DELAY_SECONDS": "0",
        "DIGEST_TICK_SECONDS": "0",
        "CARD_STYLE": "classic",  # the suite's card tests read classic cards; tests of rich cards ask for them
        # popularity signals off unless a test starts their fake (tests/fakes/signals.py): no host but fakes
        "HF_API_URL": "off", "GITHUB_API_URL": "off", "SEMANTIC_SCHOLAR_API_URL": "off",
        **more,
    }
