"""What the figure extractor promises its callers, importable without PyMuPDF: the bot's main process never
loads it (only the PDF workers do)."""

EXTRACTOR_VERSION = 12
"""Bump when detection changes: cached crops of older versions are recomputed."""
MAX_FIGURES = 6
"""Figures on a card (Telegram's album takes ten; six keep a phone screen readable)."""
