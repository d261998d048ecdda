"""Other names of a topic a reader subscribes to: those the bot knows (the reviewed synonyms and kinds) and, with an
LLM configured, those the LLM proposes once at /subscribe — shown, kept with the topic, each one droppable.

Why: "reinforcement learning" should find the paper that says only "RL" or "GRPO", and the reader should see that
it will, and say no to a name that is not what they mean.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re

from services.aliases import STANDING, Aliases, key_of, learn
from services.llm.port import Summarizer, SummaryFailed
from services.store import Store
from services.topics import Topic

log = logging.getLogger(__name__)

MAX_NAMES = 6
"""Names offered for a topic: enough for its acronym and common synonyms, few enough to read and drop."""
MAX_NAME_LENGTH = 40
PROPOSE_TIMEOUT = 12.0
"""/subscribe answers without proposals rather than keep the reader waiting longer."""

SYSTEM = ("You help a researcher follow new arXiv papers on a topic. List other names that paper titles and "
          "abstracts use for exactly this topic: its acronym, its spelled-out form, common synonyms and spellings. "
          "Not broader or narrower topics, not related methods. At most 5, one per line, nothing else.")

_NO_NAME = {"none", "no", "n/a", "nothing", "no other names"}
"""What a model answers when it knows no other name."""
_NAME = re.compile(r"[\w][\w \-+./']*[\w+]")


@functools.cache
def _standing() -> Aliases:
    return learn((), standing=True)


def known_names(topic: Topic) -> list[str]:
    """The reviewed other names of a keyword topic as a whole ("RL" for "reinforcement learning"), less those
    the chat stopped."""
    if topic.kind != "keyword":
        return []
    aliases, never = _standing(), {key_of(n) for n in topic.never}
    keys = [k for k in aliases.of(key_of(topic.text.strip('"'))) if k not in never]
    return sorted((aliases.label(k) for k in keys), key=_order)


def _order(label: str) -> tuple[int, str]:
    """Acronyms and the names reviewed first come first: the reader sees the likely ones."""
    position = next((i for group in STANDING for i, name in enumerate(group) if name == label), 99)
    return position, label


def shown_names(topic: Topic) -> list[str]:
    """The other names a topic matches by, as /topics and /subscribe show them: the kept ones, then the known."""
    seen: set[tuple[str, ...]] = {key_of(topic.text.strip('"'))}
    out = []
    for name in [*topic.also, *known_names(topic)]:
        key = key_of(name)
        if key and key not in seen and name not in topic.never:
            seen.add(key)
            out.append(name)
    return out[:MAX_NAMES + 4]


def parse_names(text: str, topic: Topic) -> list[str]:
    """The names an LLM answered, one a line, checked: short plain names, not the topic itself, no duplicates."""
    found: list[str] = []
    keys = {key_of(topic.text.strip('"'))}
    for line in text.splitlines():
        line = re.sub(r"^\s*(?:[-*•]|\d+[.)])\s*", "", line).strip().strip('"“”').strip()
        if not line or len(line) > MAX_NAME_LENGTH or not _NAME.fullmatch(line) or line.lower() in _NO_NAME:
            continue
        key = key_of(line)
        if key and key not in keys:
            keys.add(key)
            found.append(line)
    return found[:MAX_NAMES]


class TopicNames:
    """Proposes other names of a topic with the configured LLM (none when the bot runs offline)."""

    def __init__(self, llm: Summarizer | None, store: Store, budget: int = 0,
                 timeout: float = PROPOSE_TIMEOUT) -> None:
        self._llm = llm
        self._store = store
        self._budget = budget
        """The day's LLM budget (LLM_DAILY_BUDGET): a proposal is one call of it."""
        self._timeout = timeout

    async def propose(self, topic: Topic) -> list[str]:
        """New names for a keyword topic (not those the bot knows already), or [] — offline, past the day's
        budget, on a timeout or a failed call: the topic works without them."""
        if self._llm is None or topic.kind != "keyword" or not self._store.take_llm_call(self._budget):
            return []
        try:
            async with asyncio.timeout(self._timeout):
                written = await self._llm.answer(SYSTEM, [f"Topic: {topic.text}"])
        except (SummaryFailed, TimeoutError) as error:
            log.info("no other names proposed for a topic: %s", error)
            return []
        known = {key_of(n) for n in known_names(topic)}
        return [name for name in parse_names(written, topic) if key_of(name) not in known]
