"""The terminal side of :mod:`influence.progress`: step lines and progress bars on stderr.

One rule for every command: on a terminal, each step of long work gets a line
(``[  4.2s] Building the graph...``) or, when the library says how many units it will take, a
click progress bar (``Detecting communities  [####----]  3/10406``); a step whose total is unknown
but which counts its units (the rows of ``influence import``) redraws a running count under its
line. With ``-q``, or when stderr is not a terminal (a pipe, a log file, CI), nothing is printed:
logs keep only the commands' summary lines ("Ranked 116408 of ...", "Wrote ...").
docs/getting-started.md ("Progress") says the same. ``influence crawl`` keeps its own display
(a bar of pages against the queue, a plain line every 10 s in logs: docs/crawling.md).
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable, Iterator

import click

#: Seconds between two redraws of a running count.
COUNT_EVERY = 0.2


def stderr_is_terminal() -> bool:
    """Whether stderr is a terminal (the tests replace this to draw into a captured stream)."""
    return sys.stderr.isatty()


class TerminalProgress:
    """An :class:`influence.progress.Progress` that draws on stderr when ``live``.

    ``live`` defaults to "not quiet and stderr is a terminal". A step named like the one before
    (a command's own step and the library's finer one, e.g. "Detecting communities" said by
    ``influence report`` and then by ``detect_communities`` with its component count) is drawn
    once: it only turns the line into a bar.
    """

    def __init__(self, quiet: bool = False, *, live: bool | None = None, unit: str = ""):
        self.live = (not quiet and stderr_is_terminal()) if live is None else bool(live)
        self.started = time.monotonic()
        self.current: str | None = None
        self.unit = unit  #: word after a running count ("rows read")
        self._bar = None
        self._count = 0
        self._countable = False  # the current step has no total: advance() shows a running count
        self._counting = False  # a running count is drawn on the current line
        self._drawn = 0.0

    # -- the protocol -------------------------------------------------------------------------

    def step(self, name: str, total: int | None = None) -> None:
        same = name == self.current
        self.current = name
        if not (same and total is None):
            self._countable = total is None
        if not self.live:
            return
        if same and (total is None or self._bar is not None):
            return
        self._close_bar()
        self._count = 0
        if total is not None and total > 1:
            self._bar = click.progressbar(length=int(total), label=name, file=sys.stderr, show_pos=True,
                                          show_eta=True)
            self._bar.__enter__()
        elif not same:
            click.echo(f"[{time.monotonic() - self.started:6.1f}s] {name}...", err=True)

    def advance(self, n: int = 1) -> None:
        if self._bar is not None:
            self._bar.update(n)
            return
        if not self.live or not self._countable:
            return
        # no total: a running count, redrawn at most every COUNT_EVERY seconds
        self._count += n
        now = time.monotonic()
        if now - self._drawn >= COUNT_EVERY:
            self._drawn = now
            click.echo(f"\r\x1b[2K  {self._count:,}{' ' + self.unit if self.unit else ''}", err=True, nl=False)
            self._counting = True

    # -- helpers for the CLI -------------------------------------------------------------------

    def callback(self, name: str) -> Callable[[int, int], None]:
        """A ``progress(done, total)`` function (the hook of evaluate, sweep and tune) drawing the
        step ``name`` as a bar whose total may grow."""
        state = {"started": False}

        def update(done: int, total: int) -> None:
            if not state["started"]:
                state["started"] = True
                self.step(name, total=max(int(total), 2))
            bar = self._bar
            if bar is not None:
                bar.length = max(int(total), int(done), 1)
                bar.update(max(0, int(done) - bar.pos))

        return update

    def done(self) -> None:
        """End the current bar (before a command prints its summary lines)."""
        self._close_bar()
        self.current = None
        self._countable = False

    def _close_bar(self) -> None:
        if self._counting:
            self._counting = False
            click.echo("\r\x1b[2K", err=True, nl=False)
        if self._bar is not None:
            bar, self._bar = self._bar, None
            bar.__exit__(None, None, None)


@contextlib.contextmanager
def progress_for(quiet: bool, *, unit: str = "") -> Iterator[TerminalProgress]:
    """The progress of one command: ``with progress_for(quiet) as progress: ...``; the bar in
    flight, if any, is closed on the way out (also on errors and Ctrl-C). ``unit`` names what a
    running count counts."""
    progress = TerminalProgress(quiet, unit=unit)
    try:
        yield progress
    finally:
        progress.done()
