"""Deployment is files, not prose: the Dockerfile, compose.yaml and the systemd unit say what the README says."""

from __future__ import annotations

import asyncio
import contextlib
import json
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


async def test_webhook_mode_takes_updates_with_the_secret_and_answers_400_to_anything_else(
        env: dict[str, str], tg: FakeTelegram, tmp_path: Path) -> None:
    """The real process in webhook mode: a body that is not an update — truncated, not UTF-8, nested 100,000 deep,
    not an object — is a 400 (not PTB's 500), a missing secret a 403; an update is handled; SIGTERM stops it."""
    import socket

    import httpx

    from tests.test_lifecycle import bot_process, stop, until

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    secret = "s3cret-token-0123456789"
    url = f"http://127.0.0.1:{port}/telegram/hook"
    env.update({"WEBHOOK_URL": url, "WEBHOOK_PORT": str(port), "WEBHOOK_SECRET": secret})
    update = {"update_id": 1, "message": {"message_id": 5, "date": 0, "chat": {"id": 990, "type": "private",
                                                                              "first_name": "Ada"},
                                         "from": {"id": 990, "is_bot": False, "first_name": "Ada"},
                                         "text": "/start", "entities": [{"type": "bot_command", "offset": 0,
                                                                         "length": 6}]}}
    body = json.dumps(update).encode()
    signed = {"X-Telegram-Bot-Api-Secret-Token": secret, "Content-Type": "application/json"}
    log = tmp_path / "bot.log"
    with bot_process(env, log) as process:
        await until(lambda: bool(tg.calls_to("setWebhook")), what="setWebhook")
        [hook] = tg.calls_to("setWebhook")
        assert hook.params["url"] == url and hook.params["secret_token"] == secret
        async with httpx.AsyncClient(timeout=10) as client:
            async def post(content: bytes, headers: dict[str, str]) -> int:
                for _ in range(100):  # the server listens a moment after setWebhook
                    try:
                        return (await client.post(url, content=content, headers=headers)).status_code
                    except httpx.ConnectError:
                        await asyncio.sleep(0.05)
                raise AssertionError("the webhook server never listened")

            assert await post(body, {"Content-Type": "application/json"}) == 403
            assert await post(body, {**signed, "X-Telegram-Bot-Api-Secret-Token": "wrong"}) == 403
            hostile = {"truncated": body[:40], "not UTF-8": b'{"update_id": 2, "x": "' + b"\xff\xfe" + b'"}',
                       "nested": b'{"update_id": 3, "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
                       "not an object": b"[1, 2]", "no update_id": b'{"message": {}}',
                       "update_id not a number": b'{"update_id": "1"}'}
            statuses = {name: await post(content, signed) for name, content in hostile.items()}
            assert statuses == dict.fromkeys(hostile, 400)
            huge = b'{"update_id": 4, "x": "' + b"a" * (1 << 20) + b'"}'
            with contextlib.suppress(httpx.TransportError):  # over 1 MB: closed before the body is read
                assert (await client.post(url, content=huge, headers=signed)).status_code >= 400
            await asyncio.sleep(0.3)
            assert not tg.calls_to("sendMessage", 990), "nothing refused was handled"
            assert await post(body, signed) == 200
        [reply] = await tg.wait_for("sendMessage", chat_id=990)
        assert reply.text.startswith("<b>Papergram</b>")
        assert stop(process) <= 5 and process.returncode == 0
    text = log.read_text()
    assert secret not in text and "Traceback" not in text


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
