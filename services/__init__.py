"""Papergram's use cases and adapters. Nothing here imports Telegram (`handlers/` translates for it).

Packages by domain, from the top layer down (a package imports only from the ones below it; the import
contract in pyproject.toml fails `make test` otherwise):

    bootstrap        builds every service once from the settings (the composition root)
    digests/         plan each chat's digest, discover announcements, format overviews, Markdown export
    delivery/        the outbox, Telegram's pacing, the sending port      |  ranking/  relevance, taste, feedback
    cards/           a paper's card: the use case, rendering, questions, passages, links, citations
    llm/             the summarizer port, prompts, the extractive fallback, Gemini, OpenAI-compatible servers
    store/           the one SQLite file: records per concern, migrations, the guard
    arxiv/           arXiv IDs, the API client, announcements (RSS)
    pdf/             reading PDFs in worker processes (the only package that loads PyMuPDF)

The kernel — modules at this level (config, models, i18n, languages, logging_setup, concurrency, text_match,
numbers, topics, categories) — is plain values and pure functions every package may use; it imports no package.
"""
