"""The sentiment labels, the interface every analyser has, and the patterns of links and handles
both analysers drop.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

#: The three labels every analyser returns.
LABELS: tuple[str, ...] = ("positive", "negative", "neutral")


@runtime_checkable
class SentimentAnalyzer(Protocol):
    """What :func:`influence.competitors.map_competitors` needs from an analyser."""

    def predict(self, texts: Sequence[str],
                languages: Sequence[str | None] | None = None) -> list[str]:
        """One of :data:`LABELS` per text."""


URL_RE = re.compile(r"https?://\S+")
MENTION_RE = re.compile(r"(?<![\w@])@[\w.-]+(?:@[\w-]+(?:\.[\w-]+)+)?")
