"""Rows of the reach-aware shortlist (``influence shortlist --strategy reach|diverse``) and its
constraints (``--active-days``, ``--quota``).

They are composed in the library (:mod:`influence.pipeline`, where
:meth:`influence.pipeline.Analysis.shortlist` uses them); the names stay importable from here.
"""

from __future__ import annotations

from influence.pipeline import (  # noqa: F401  (re-exported)
    DEFAULT_RUNS,
    REACH_COLUMNS,
    constrained_top,
    inactive_exclusions,
    reach_rows,
)
