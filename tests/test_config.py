"""Configuration: clear problems, a clean exit without a token, and secrets that never reach a log."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from services.config import DEFAULT_GEMINI_MODEL, TOKEN_HELP, ConfigError, load_config
from services.logging_setup import RedactSecrets

ROOT = Path(__file__).resolve().parent.parent


def test_defaults_point_at_the_real_services() -> None:
    config = load_config({"TELEGRAM_BOT_TOKEN": "1:abc"})
    assert config.telegram_api_url == "https://api.telegram.org/bot"
    assert config.telegram_file_url == "https://api.telegram.org/file/bot"
    assert config.arxiv_api_url == "https://export.arxiv.org/api/query"
    assert config.arxiv_pdf_url == "https://arxiv.org/pdf/"
    assert config.arxiv_rss_url == "https://rss.arxiv.org/rss/"
    assert config.gemini_model == DEFAULT_GEMINI_MODEL
    assert str(config.db_path) == "data/papergram.db"
    assert "offline" in config.llm_name


def test_the_test_environment_reaches_no_host_but_the_fakes(tmp_path: Path) -> None:
    """Every endpoint the suite's bot reads is a fake on 127.0.0.1, or off (a popularity source: `off`; an empty
    variable would mean the real host)."""
    from tests.fakes.arxiv import FakeArxiv
    from tests.fakes.environment import fake_env
    from tests.fakes.telegram import FakeTelegram

    config = load_config(fake_env(FakeTelegram("1:abc"), FakeArxiv(), str(tmp_path / "x.db")))
    urls = {name: getattr(config, name) for name in type(config).model_fields if name.endswith("_url")}
    assert {name: url for name, url in urls.items()
            if url and not url.startswith("http://127.0.0.1:") and name != "webhook_url"} == {}
    assert config.hf_api_url == config.github_api_url == config.semantic_scholar_api_url == ""
    assert load_config({"TELEGRAM_BOT_TOKEN": "1:abc", "HF_API_URL": ""}).hf_api_url == "https://huggingface.co/api"


def test_every_problem_is_reported_on_its_own_line() -> None:
    with pytest.raises(ConfigError) as raised:
        load_config({"TELEGRAM_API_URL": "ftp://x", "LOG_LEVEL": "LOUD", "MAX_PDF_MB": "lots"})
    problems = raised.value.problems
    assert problems[0] == TOKEN_HELP
    assert any(p.startswith("TELEGRAM_API_URL must be an http(s) URL") for p in problems)
    assert any(p.startswith("LOG_LEVEL must be one of") for p in problems)
    assert any(p.startswith("MAX_PDF_MB must be a number") for p in problems)


def test_repr_and_description_hide_the_secrets() -> None:
    config = load_config({"TELEGRAM_BOT_TOKEN": "42:SECRETTOKEN", "GEMINI_API_KEY": "AIzaSECRETKEY"})
    assert "SECRET" not in repr(config)
    assert "SECRET" not in config.describe()
    assert "api.telegram.org" in config.describe()


def test_missing_token_exits_2_with_how_to_get_one(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_BOT_TOKEN", "GEMINI_API_KEY")}
    result = subprocess.run([sys.executable, str(ROOT / "bot.py")], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "@BotFather" in result.stderr
    assert "TELEGRAM_BOT_TOKEN" in result.stderr


def test_log_records_never_carry_the_token_or_key(caplog: pytest.LogCaptureFixture) -> None:
    token, key = "123:ABCDEFsecret", "AIzaKEYsecret"
    logger = logging.getLogger("test.secrets")
    handler = logging.Handler()
    seen: list[str] = []
    handler.emit = lambda record: seen.append(record.getMessage() + (record.exc_text or ""))  # type: ignore[method-assign]
    handler.addFilter(RedactSecrets([token, key]))
    logger.addHandler(handler)
    try:
        logger.warning("HTTP Request: POST https://api.telegram.org/bot%s/getUpdates", token)
        try:
            raise RuntimeError(f"bad key {key}")
        except RuntimeError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    assert len(seen) == 2
    assert all(token not in line and key not in line for line in seen)
    assert "[REDACTED]" in seen[0] and "[REDACTED]" in seen[1]


def test_the_docs_table_and_env_example_are_the_declared_settings() -> None:
    """Each setting is declared once (services/config.py); the docs and .env.example are generated from it."""
    from services.config import ENV_NAMES, env_example, settings_table

    docs = (ROOT / "docs" / "configuration.md").read_text()
    table = docs.split("<!-- settings:begin -->\n", 1)[1].split("\n<!-- settings:end -->", 1)[0]
    assert table == settings_table(), "regenerate with: python -m services.config"
    assert (ROOT / ".env.example").read_text() == env_example(), \
        "regenerate with: python -m services.config --env-example > .env.example"
    for name in ENV_NAMES:
        assert f"| `{name}` |" in table
    read = set()
    for path in [*ROOT.glob("services/**/*.py"), *ROOT.glob("handlers/**/*.py"), ROOT / "bot.py"]:
        read.update(__import__("re").findall(r"\b(?:environ|getenv)\b[^\n]*?[\"']([A-Z][A-Z0-9_]+)[\"']",
                                              path.read_text()))
    assert read <= set(ENV_NAMES), f"variables read outside the settings: {read - set(ENV_NAMES)}"


def test_a_pdf_workers_setting_below_one_is_one() -> None:
    config = load_config({"TELEGRAM_BOT_TOKEN": "1:A", "PDF_WORKERS": "0", "RETENTION_DAYS": "3"})
    assert config.pdf_workers == 1 and config.retention_days == 7


def test_a_wrong_token_is_one_line_exit_2_and_never_printed(tmp_path: Path) -> None:
    """Telegram answers 401 to a revoked or mistyped token: the operator reads one line, not a traceback that
    ends with the token (under systemd it would repeat every few seconds)."""
    from tests.fakes.telegram import FakeTelegram

    fake = FakeTelegram("111:the-right-token")
    fake.start()
    wrong = "999:WRONG-token-abcdefghijklmnop"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GEMINI", "OPENAI"))}
    env.update({"TELEGRAM_BOT_TOKEN": wrong, "TELEGRAM_API_URL": fake.base + "/bot",
                "PAPERGRAM_DB": str(tmp_path / "p.db"),
                "DIGEST_TICK_SECONDS": "0"})
    try:
        result = subprocess.run([sys.executable, str(ROOT / "bot.py")], cwd=tmp_path, env=env, capture_output=True,
                                text=True, timeout=60)
    finally:
        fake.stop()
    output = result.stdout + result.stderr
    assert result.returncode == 2
    assert wrong not in output and "WRONG-token" not in output
    assert [line for line in output.splitlines() if " ERROR " in line or "Traceback" in line] == []
    assert len([line for line in output.splitlines() if line.startswith("papergram: Telegram refused")]) == 1
