"""Progress of long work: a two-method protocol the library calls and the CLI renders.

The library does no I/O for progress. Slow functions (:func:`influence.communities.detect_communities`,
:func:`influence.reach.select_reach`, :func:`influence.report.build_report`,
:func:`influence.competitors.map_competitors`...) take an optional ``progress`` keyword: any object with

``step(name, total=None)``
    A new step starts: ``name`` says what it is ("Detecting communities"), ``total`` how many units
    it will :meth:`advance` through when that is known (components, picks, runs), else ``None``.
``advance(n=1)``
    ``n`` more units of the current step are done.

``None`` (the default) reports nothing. The ``influence`` command line renders steps as lines and
bars on a terminal and stays silent with ``-q`` or when stderr is not a terminal (cli/_progress.py).

>>> class Steps:
...     def __init__(self):
...         self.seen = []
...     def step(self, name, total=None):
...         self.seen.append([name, total, 0])
...     def advance(self, n=1):
...         self.seen[-1][2] += n
>>> rec = Steps()
>>> p = as_progress(rec)
>>> p.step("Counting", total=3)
>>> for _ in range(3):
...     p.advance()
>>> rec.seen
[['Counting', 3, 3]]
>>> as_progress(None) is NULL_PROGRESS
True
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, runtime_checkable

__all__ = ["NULL_PROGRESS", "NullProgress", "Progress", "as_progress"]


@runtime_checkable
class Progress(Protocol):
    """What a ``progress=`` argument must provide (see the module docstring)."""

    def step(self, name: str, total: int | None = None) -> None: ...

    def advance(self, n: int = 1) -> None: ...


class NullProgress:
    """Reports nothing: the default of every ``progress=`` argument."""

    def step(self, name: str, total: int | None = None) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass

    def __repr__(self) -> str:
        return "NULL_PROGRESS"


NULL_PROGRESS = NullProgress()


class _MessageProgress:
    """Adapts a ``callback(message)`` (the older report hook) to the protocol: steps only."""

    def __init__(self, callback: Callable[[str], None]):
        self.callback = callback

    def step(self, name: str, total: int | None = None) -> None:
        self.callback(name)

    def advance(self, n: int = 1) -> None:
        pass


def as_progress(progress: Progress | Callable[[str], None] | None) -> Progress:
    """The :class:`Progress` to call for a ``progress=`` argument.

    ``None`` gives :data:`NULL_PROGRESS`; an object with ``step`` and ``advance`` is used as it is; a
    plain callable is called with each step's name (the ``progress(message)`` hook
    :func:`influence.report.build_report` took before the protocol existed).
    """
    if progress is None:
        return NULL_PROGRESS
    if hasattr(progress, "step") and hasattr(progress, "advance"):
        return progress  # type: ignore[return-value]
    if callable(progress):
        return _MessageProgress(progress)
    raise TypeError(f"progress must have step() and advance() methods, got {progress!r}")
