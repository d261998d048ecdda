# Papergram in a container: `make image`, then `docker compose up -d` (compose.yaml) or
#   docker run -d --env-file .env -v papergram-data:/app/data papergram
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PAPERGRAM_DB=/app/data/papergram.db
WORKDIR /app

# dependencies first: a code change does not reinstall them
COPY requirements.txt ./
RUN python -m venv /app/.venv && /app/.venv/bin/pip install --no-cache-dir -r requirements.txt \
    && touch /app/.venv/.installed

COPY bot.py Makefile ./
COPY handlers ./handlers
COPY services ./services

RUN useradd --system --uid 10001 --home-dir /app papergram && mkdir -p /app/data && chown papergram /app/data
USER papergram
VOLUME /app/data

# the store opens and the scheduler ticks: see `bot.py health`
HEALTHCHECK --interval=60s --timeout=10s --start-period=30s --retries=3 \
    CMD ["/app/.venv/bin/python", "bot.py", "health"]

# SIGTERM stops the bot within seconds (work in progress is journaled and resumes at the next start)
STOPSIGNAL SIGTERM
CMD ["/app/.venv/bin/python", "bot.py"]
