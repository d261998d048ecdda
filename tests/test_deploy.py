"""Deployment is files, not prose: the Dockerfile, compose.yaml and the systemd unit say what the README says."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import yaml

from services.i18n import t
from tests.conftest import TOKEN, RunningBot
from tests.fakes.telegram import FakeTelegram
from tests.test_digests import command

ROOT = Path(__file__).resolve().parent.parent


def instructions(path: Path) -> list[tuple[str, str]]:
    """The Dockerfile's instructions (continuation lines joined, comments left out)."""
    text = path.read_text().replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    return [(line.split(maxsplit=1)[0].upper(), line.split(maxsplit=1)[1]) for line in lines]


def test_the_dockerfile_builds_a_slim_non_root_image_with_a_volume_and_a_healthcheck() -> None:
    steps = instructions(ROOT / "Dockerfile")
    assert steps[0] == ("FROM", "python:3.11-slim")
    kinds = [kind for kind, _ in steps]
    assert {"COPY", "RUN", "USER", "VOLUME", "HEALTHCHECK", "CMD", "STOPSIGNAL"} <= set(kinds)
    users = [value for kind, value in steps if kind == "USER"]
    assert users and users[-1] not in ("root", "0")
    assert ("VOLUME", "/app/data") in steps
    assert "bot.py\", \"health\"" in dict(steps)["HEALTHCHECK"]
    for kind, value in steps:
        if kind == "COPY":
            for source in value.split()[:-1]:
                assert (ROOT / source).exists(), f"the Dockerfile copies {source}, which exists"
    readme = (ROOT / "README.md").read_text()
    assert "make image" in readme and "compose.yaml" in readme and "deploy/papergram.service" in readme


def test_compose_runs_the_bot_with_its_data_in_a_volume() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    bot = compose["services"]["papergram"]
    assert bot["build"] == "." and bot["env_file"] == ".env"
    assert "papergram-data:/app/data" in bot["volumes"] and "papergram-data" in compose["volumes"]
    assert "ollama" in (ROOT / "compose.yaml").read_text(), "the optional local model is documented"


def test_the_systemd_unit_runs_make_run_and_stops_with_sigterm() -> None:
    unit = (ROOT / "deploy" / "papergram.service").read_text()
    lines = {line.split("=", 1)[0]: line.split("=", 1)[1] for line in unit.splitlines() if "=" in line
             and not line.startswith("#")}
    assert lines["ExecStart"] == "/usr/bin/make run" and lines["KillSignal"] == "SIGTERM"
    assert lines["User"] == "papergram" and int(lines["TimeoutStopSec"]) >= 5


def test_health_says_whether_the_scheduler_ticks(tmp_path: Path) -> None:
    env = {"PATH": os.environ.get("PATH", ""), "TELEGRAM_BOT_TOKEN": TOKEN, "PAPERGRAM_DB": str(tmp_path / "p.db")}
    result = subprocess.run([sys.executable, str(ROOT / "bot.py"), "health"], env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 1 and "has not ticked" in result.stdout
    from services.store import Store, utcnow

    store = Store(tmp_path / "p.db")
    store.set_state("last_tick", utcnow().isoformat())
    store.close()
    result = subprocess.run([sys.executable, str(ROOT / "bot.py"), "health"], env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.startswith("healthy")


async def test_usage_shows_todays_llm_calls(bot: RunningBot) -> None:
    reply = await command(bot, "/usage", 970)
    assert reply == t("en", "usage", calls=0, budget=t("en", "usage_no_limit"), hits=0, rate="—",
                      provider="offline extractive summarizer")


async def test_webhook_mode_takes_updates_with_the_secret_and_refuses_them_without(env: dict[str, str],
                                                                                  tg: FakeTelegram) -> None:
    import socket

    import httpx

    from bot import build_application, webhook_options
    from services.config import load_config

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    secret = "s3cret-token-0123456789"
    env.update({"WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram/hook", "WEBHOOK_PORT": str(port),
                "WEBHOOK_SECRET": secret})
    config = load_config(env)
    app = build_application(config)
    update = {"update_id": 1, "message": {"message_id": 5, "date": 0, "chat": {"id": 990, "type": "private",
                                                                              "first_name": "Ada"},
                                         "from": {"id": 990, "is_bot": False, "first_name": "Ada"},
                                         "text": "/start", "entities": [{"type": "bot_command", "offset": 0,
                                                                         "length": 6}]}}
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_webhook(**webhook_options(config, listen="127.0.0.1"))
        try:
            [hook] = tg.calls_to("setWebhook")
            assert hook.params["url"] == env["WEBHOOK_URL"] and hook.params["secret_token"] == secret
            async with httpx.AsyncClient() as client:
                refused = await client.post(env["WEBHOOK_URL"], json=update)
                assert refused.status_code == 403
                await asyncio.sleep(0.3)
                assert not tg.calls_to("sendMessage", 990), "an update without the secret is not handled"
                taken = await client.post(env["WEBHOOK_URL"], json=update,
                                          headers={"X-Telegram-Bot-Api-Secret-Token": secret})
                assert taken.status_code == 200
            [reply] = await tg.wait_for("sendMessage", chat_id=990)
            assert reply.text.startswith("<b>Papergram</b>")
        finally:
            await app.updater.stop()
            await app.stop()


def test_a_webhook_needs_its_secret_and_secrets_are_redacted(env: dict[str, str]) -> None:
    import pytest

    from services.config import ConfigError, load_config

    env["WEBHOOK_URL"] = "https://bot.example.org/hook"
    with pytest.raises(ConfigError) as refused:
        load_config(env)
    assert any("WEBHOOK_SECRET" in problem for problem in refused.value.problems)
    env.update({"WEBHOOK_SECRET": "a-long-enough-secret-123", "OPENAI_API_KEY": "sk-redact-me-please"})
    config = load_config(env)
    assert {"a-long-enough-secret-123", "sk-redact-me-please", TOKEN} <= set(config.secrets)
    assert "a-long-enough-secret-123" not in repr(config) and "sk-redact-me-please" not in repr(config)


def test_the_readme_is_short_and_its_links_lead_somewhere() -> None:
    """A newcomer reads the README in a minute; the reference lives in docs/."""
    readme = (ROOT / "README.md").read_text()
    assert len(readme) <= 8000
    assert readme.index("## First card in five steps") < 2500, "the set-up comes first"
    links = __import__("re").findall(r"\]\(([^)]+\.md)\)", readme)
    assert links and all((ROOT / link).is_file() for link in links)
