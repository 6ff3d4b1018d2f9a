"""Crawlers: sources that turn public web pages, feeds and social APIs into records.

See :mod:`influence.crawl.base` for the contract every source follows.
"""

from __future__ import annotations

import importlib
from typing import Any

# the public modules, reachable as ``influence.crawl.<name>`` (imported on first use)
_SUBMODULES = {"api", "archive", "base", "bluesky", "errors", "feeds", "hackernews", "http", "mastodon",
               "reddit", "runner", "state", "web"}


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'influence.crawl' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _SUBMODULES)
