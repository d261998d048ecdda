"""Use cases and adapters. Nothing here imports Telegram."""
