"""Getting messages out: the outbox (journaled, at most one message in flight per chat, resumed after a
restart), Telegram's pacing, and the `Sender` port the handlers implement. Imports cards, store, pdf, kernel."""
