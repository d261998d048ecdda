"""Daily digests: discovery (which announcement feeds to read), the planner (each chat's papers for its day,
decided once and queued), overview formatting, and the Markdown export. The top use-case layer: imports
delivery, ranking, cards and everything below."""
