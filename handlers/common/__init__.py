"""What every feature handler shares, and no feature owns: the typed context, the chat's settings, permissions,
every button's callback data, the Telegram sender and rate limiter, and the flow that sends a paper's card.
Imports services, never a feature module (the import contract checks it)."""
